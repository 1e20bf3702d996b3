r"""Claim kinds beyond an equality of two numbers (see docs/AUTHORING.md, "Claim kinds").

* :func:`inequality` -- ``lhs <= rhs`` (``<``, ``>=``, ``>``): its own decision
  rule (:mod:`derivations.engine.inequality`), margin reported, worst violation found;
* :func:`series` -- a reference side :math:`\sum_{n\ge n_0} a_n` summed to
  convergence with a tail bound (:mod:`numerics.series`);
* :func:`conditional` -- a reference side :math:`\mathbb E[T \mid A]` by the
  ratio estimator with a delta-method error (:mod:`numerics.ratio`);
* :func:`derivative` -- a side :math:`\partial^k f/\partial x^k` of another side
  (SymPy: exact; a function: mpmath's numerical differentiation at the audit
  precision);
* :func:`antiderivative` -- the claim that ``F`` is an indefinite integral of
  ``f``: checked by differentiation (:math:`F' = f`) or by a definite integral
  (:math:`F(x) - F(x_0) = \int_{x_0}^x f`);
* complex-valued sides need nothing special: SymPy sides and
  ``ctx.integrate`` keep complex values and the decision rule compares moduli;
* estimates are combined with :mod:`numerics.combine` (``add``, ``multiply``,
  ``divide``, ``apply``: delta-method errors).

Every helper returns an ordinary side or registers an ordinary claim: the
rest of the audit (search, re-check, diagnosis, report) is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import mpmath
import numpy as np
import sympy
from hypothesis import strategies as st

from numerics.estimate import Estimate, coerce
from numerics.ratio import conditional_expectation
from numerics.series import sum_series

from .api import Claim, Point, Side, Source, Tolerances, _as_sources, _caller, _register, claim
from .engine.sides import evaluate_side


def inequality(
    id: str,
    *,
    sources: Iterable[Source] | Source,
    latex: str,
    lhs: Side,
    relation: str,
    rhs: Side,
    params: Mapping[str, st.SearchStrategy] | None = None,
    assumptions: Sequence[str] = (),
    note_flag: str | None = None,
    method: str | None = None,
    tolerances: Tolerances | None = None,
    remark: str = "",
) -> Claim:
    """Declare ``lhs relation rhs`` (relation one of ``<=``, ``<``, ``>=``, ``>``) on the whole parameter space.

    ``lhs`` plays the part of the note's claimed side, ``rhs`` of the reference;
    either may be a SymPy expression, a function or :class:`~derivations.api.Sampled`.
    """
    module, where = _caller()
    return _register(Claim(
        id=id, sources=_as_sources(sources), latex=latex, kind="claim", note_flag=note_flag,
        assumptions=tuple(assumptions), params=dict(params or {}), claimed=lhs, reference=rhs, method=method,
        tolerances=tolerances or Tolerances(), remark=remark, defined_at=where, module=module, relation=relation,
    ))


def series(
    term: Callable[[Point, int], Any],
    start: int = 0,
    *,
    tail: Callable[[Point, int], Any] | None = None,
    ratio_bound: float | None = None,
    alternating: bool = False,
) -> Callable[[Point, Any], Estimate]:
    r"""A side :math:`\sum_{n \ge \mathrm{start}} a_n(p)`, ``term(p, n)`` = :math:`a_n(p)` (use ``p.mp``).

    Give the tail bound the series has: ``tail(p, N)`` :math:`\ge |\sum_{n>N} a_n|`, or
    ``ratio_bound=q`` (:math:`|a_{n+1}/a_n| \le q` once the sum stops), or
    ``alternating=True`` (alternating signs, decreasing moduli).  Without one the side fails
    (the claim comes out inconclusive), as a sum cut off without a bound proves nothing.
    """

    def side(p: Point, ctx: Any) -> Estimate:
        return sum_series(lambda n: term(p, n), start, dps=ctx.dps,
                          tail=(lambda n: tail(p, n)) if tail is not None else None,
                          ratio_bound=ratio_bound, alternating=alternating)

    side.__doc__ = f"series from n = {start}: " + (getattr(term, "__doc__", None) or "")
    return side


def conditional(
    dim: Callable[[Point], int] | int,
    statistic: Callable[[Point, np.ndarray], np.ndarray],
    event: Callable[[Point, np.ndarray], np.ndarray],
    min_in_event: int = 1000,
) -> Callable[[Point, Any], Estimate]:
    r"""A side :math:`\mathbb E[T(\varepsilon) \mid A]` over standard normals :math:`\varepsilon` of
    dimension ``dim``: ``statistic(p, eps)`` is T on a block (B, dim), ``event(p, eps)`` the boolean
    indicator of A.  Ratio estimator with a delta-method standard error (:mod:`numerics.ratio`)."""

    def side(p: Point, ctx: Any) -> Estimate:
        d = int(dim(p) if callable(dim) else dim)
        return conditional_expectation(lambda eps: statistic(p, eps), lambda eps: event(p, eps), d,
                                       ctx.samples, ctx.rng("conditional"), ctx.chunk, min_in_event)

    return side


def derivative(f: Side, var: str, order: int = 1) -> Side:
    r""":math:`\partial^k f / \partial\,\mathrm{var}^k` of a side: a SymPy side is differentiated
    symbolically (exact); a function side of the point is differentiated numerically by mpmath at
    the audit precision (its error estimated from two step sizes)."""
    if isinstance(f, sympy.Basic):
        symbol = next((s for s in f.free_symbols if s.name == var), sympy.Symbol(var))
        return sympy.diff(f, symbol, order)

    def side(p: Point, ctx: Any) -> Estimate:
        def at(x: Any) -> Any:
            q = Point({**dict(p), var: x})
            est = evaluate_side(f, q, ctx.derive("derivative"))
            if est.statistical:
                raise TypeError("derivative(): a sampled side cannot be differentiated numerically")
            return mpmath.mpmathify(est.high_precision if est.high_precision is not None else complex(est.value) if np.iscomplexobj(est.value) else float(est.value))

        x0 = mpmath.mpf(p[var])
        # explicit steps: the default is below the precision the side itself is computed at
        with mpmath.workdps(ctx.dps + 10):
            d1 = mpmath.diff(at, x0, order, h=mpmath.mpf(10) ** (-(ctx.dps // (order + 2))))
            d2 = mpmath.diff(at, x0, order, h=mpmath.mpf(10) ** (-(ctx.dps // (order + 3))))
        err = abs(d1 - d2)
        value = complex(d1) if isinstance(d1, mpmath.mpc) else float(d1)
        return Estimate(np.asarray(value), "exact", np.asarray(float(err)),
                        detail=f"mpmath central differences of order {order} in {var} (two step sizes agree to {float(err):.1g})")

    return side


def antiderivative(
    id: str,
    *,
    sources: Iterable[Source] | Source,
    latex: str,
    antiderivative: Side,
    integrand: Side,
    var: str,
    by: str = "differentiation",
    lower: float | None = None,
    params: Mapping[str, st.SearchStrategy] | None = None,
    **kw: Any,
) -> Claim:
    r"""Declare :math:`\int f\,d\mathrm{var} = F + C`.

    ``by="differentiation"``: claimed :math:`F'` against reference :math:`f`;
    ``by="integral"``: claimed :math:`F(x) - F(x_0)` against the quadrature
    :math:`\int_{x_0}^{x} f` (``lower`` = :math:`x_0`).  ``integrand`` must be
    evaluable at any value of ``var`` (a SymPy expression or a function of the point).
    """
    if by == "differentiation":
        claimed, reference = derivative(antiderivative, var), integrand
    elif by == "integral":
        if lower is None:
            raise ValueError("antiderivative(by='integral') needs lower=")

        def claimed(p: Point, ctx: Any) -> Estimate:
            """F(x) - F(x0)."""
            hi = coerce(evaluate_side(antiderivative, p, ctx))
            lo = coerce(evaluate_side(antiderivative, Point({**dict(p), var: lower}), ctx))
            return Estimate(np.asarray(hi.value - lo.value), hi.method, np.asarray(abs(hi.abs_error) + abs(lo.abs_error)),
                            detail="F(x) - F(x0)",
                            high_precision=(hi.high_precision - lo.high_precision) if hi.high_precision is not None and lo.high_precision is not None else None)

        def reference(p: Point, ctx: Any) -> Estimate:
            """The definite integral of f from x0 to x by quadrature."""

            def f(t: Any) -> Any:
                est = evaluate_side(integrand, Point({**dict(p), var: t}), ctx.derive("integrand"))
                return est.high_precision if est.high_precision is not None else float(est.value)

            return ctx.integrate(f, [lower, p[var]])
    else:
        raise ValueError(f"by must be 'differentiation' or 'integral', got {by!r}")
    c = claim(id, sources=sources, latex=latex, claimed=claimed, reference=reference, params=params, **kw)
    return c
