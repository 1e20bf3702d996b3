r"""Limits by polynomial (Richardson / Neville) extrapolation, with an error estimate.

To evaluate :math:`L = \lim_{h \to 0} q(h)` for a quantity with an expansion
:math:`q(h) = L + c_1 t + c_2 t^2 + \dots` in :math:`t = h^p`, evaluate
:math:`q` at :math:`h_k = h_0 2^{-k}` (k = 0..K) and extrapolate the
interpolating polynomial in :math:`t` to :math:`t = 0` (Neville's table).
The error estimate is the change between the last two diagonal entries of
the table plus the propagated evaluation errors
(:math:`\sum_k |\ell_k(0)|\, e_k`, :math:`\ell_k` the Lagrange weights).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .estimate import Estimate


def lagrange_weights_at_zero(t: np.ndarray) -> np.ndarray:
    r"""Weights :math:`\ell_k(0)` with :math:`P(0) = \sum_k \ell_k(0) q_k` for the interpolant through :math:`(t_k, q_k)`."""
    t = np.asarray(t, dtype=float)
    w = np.ones_like(t)
    for k in range(t.size):
        for m in range(t.size):
            if m != k:
                w[k] *= (0.0 - t[m]) / (t[k] - t[m])
    return w


def extrapolate_to_zero(
    q: Callable[[float], tuple[float, float]],
    h0: float,
    levels: int = 5,
    power: float = 1.0,
    detail: str = "",
) -> Estimate:
    """lim_{h -> 0} q(h) from q at h0 2^-k, k = 0..levels-1; ``q`` returns (value, error)."""
    if levels < 3:
        raise ValueError("need at least 3 levels to estimate the extrapolation error")
    hs = h0 * 2.0 ** -np.arange(levels)
    values, errors = zip(*(q(float(h)) for h in hs))
    values, errors = np.asarray(values, float), np.asarray(errors, float)
    t = hs**power
    best_w = lagrange_weights_at_zero(t)
    best = float(best_w @ values)
    # the previous diagonal entry of Neville's table: one level fewer
    previous = float(lagrange_weights_at_zero(t[:-1]) @ values[:-1])
    error = abs(best - previous) + float(np.abs(best_w) @ errors)
    table = ", ".join(f"q({h:.3g}) = {v:.3e}" for h, v in zip(hs, values))
    return Estimate(
        np.asarray(best), "quadrature", np.asarray(error),
        detail=f"Richardson extrapolation in h^{power:g} from {levels} levels ({table})" + (f"; {detail}" if detail else ""),
    )
