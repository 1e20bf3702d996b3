r"""Infinite series summed to convergence, with a bound on the tail.

:math:`S = \sum_{n \ge n_0} a_n` is summed term by term in multiple precision
until the tail after the last term :math:`N` is provably below the working
precision, by one of

* a tail bound the author supplies, ``tail(N)`` :math:`\ge |\sum_{n > N} a_n|`;
* the ratio bound: when :math:`|a_{n+1}/a_n| \le q < 1` for every
  :math:`n \ge N` (the author states this by giving ``ratio_bound=q``),
  :math:`|\sum_{n>N} a_n| \le |a_{N+1}|/(1-q)`;
* the alternating-series bound: for terms of alternating sign and decreasing
  modulus (``alternating=True``), :math:`|\sum_{n>N} a_n| \le |a_{N+1}|`.

The sum stops when the bound falls below the working precision, or after
``max_terms`` terms with the bound as its error.  Without a bound the sum is
not a proof of anything: it raises
:class:`SeriesError` (the claim is then inconclusive with the reason), never
returns a value with an invented error.
"""

from __future__ import annotations

from collections.abc import Callable

import mpmath
import numpy as np

from .estimate import Estimate


class SeriesError(ArithmeticError):
    """The series could not be summed with a bounded tail."""


def sum_series(
    term: Callable[[int], object],
    start: int = 0,
    *,
    dps: int = 30,
    tail: Callable[[int], object] | None = None,
    ratio_bound: float | None = None,
    alternating: bool = False,
    max_terms: int = 20000,
) -> Estimate:
    """Sum ``term(n)`` for n >= ``start`` with a bounded tail (see the module docstring)."""
    if tail is None and ratio_bound is None and not alternating:
        raise SeriesError("no tail bound: give tail=, ratio_bound= or alternating=True")
    if ratio_bound is not None and not 0 <= ratio_bound < 1:
        raise SeriesError(f"ratio_bound must be in [0, 1), got {ratio_bound}")
    with mpmath.workdps(dps + 10):
        target = mpmath.mpf(10) ** (-dps)
        total = mpmath.mpf(0)
        n = start
        for _ in range(max_terms):
            a = mpmath.mpmathify(term(n))
            total += a
            nxt = abs(mpmath.mpmathify(term(n + 1)))
            if tail is not None:
                bound = abs(mpmath.mpmathify(tail(n)))
            elif ratio_bound is not None:
                bound = nxt / (1 - mpmath.mpf(ratio_bound))
            else:
                bound = nxt
            if bound <= target * max(abs(total), target):
                break
            n += 1
        # after max_terms the bound itself is the error (a slowly converging series is checked at that
        # resolution; the decision rule and the resolution limit see it)
        if not mpmath.isfinite(bound):
            raise SeriesError(f"the tail bound is not finite after {max_terms} terms")
        terms = n - start + 1
        err = bound + abs(total) * target
    how = "author's tail bound" if tail is not None else ("ratio bound q = %g" % ratio_bound if ratio_bound is not None else "alternating-series bound")
    value = complex(total) if isinstance(total, mpmath.mpc) else float(total)
    return Estimate(np.asarray(value), "series", np.asarray(float(err)),
                    detail=f"{terms} terms summed at {dps} digits; tail <= {float(bound):.2g} ({how})",
                    high_precision=+total)
