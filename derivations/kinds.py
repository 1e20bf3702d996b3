r"""Claim kinds beyond an equality of two numbers (see docs/AUTHORING.md, "Claim kinds").

* :func:`inequality` -- ``lhs <= rhs`` (``<``, ``>=``, ``>``): its own decision
  rule (:mod:`derivations.engine.inequality`), margin reported, worst violation found;
* :func:`series` -- a reference side :math:`\sum_{n\ge n_0} a_n` summed to
  convergence with a tail bound (:mod:`numerics.series`);
* :func:`gaussian_expectation` -- a reference side :math:`\mathbb E[h(T)]`,
  :math:`T \sim \mathcal N(\mu, \sigma^2)`, with ``h`` a SymPy expression: mpmath
  quadrature in the audit, and a *certified* value in ball arithmetic (Arb's
  rigorous integral plus a proven tail bound) when the other side is a closed form;
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


class _GaussianExpectation:
    """The side built by :func:`gaussian_expectation` (callable like a function side; ``ball`` certifies)."""

    def __init__(self, h: sympy.Basic, t: sympy.Symbol, mean: Any, variance: Any, lower: Any, upper: Any) -> None:
        self.h, self.t = sympy.sympify(h), t
        self.mean, self.variance = sympy.sympify(mean), sympy.sympify(variance)
        self.lower = None if lower is None else sympy.sympify(lower)
        self.upper = None if upper is None else sympy.sympify(upper)
        limits = [e for e in (self.lower, self.upper) if e is not None]
        self.__doc__ = f"E[{self.h}] over {t} ~ N({self.mean}, {self.variance}), by quadrature"
        names = sorted({s.name for e in (self.h, self.mean, self.variance, *limits) for s in e.free_symbols} - {t.name})
        self._names = names
        symbols = [sympy.Symbol(n) for n in names]
        plain = {s: sympy.Symbol(s.name) for e in (self.h, self.mean, self.variance, *limits) for s in e.free_symbols}
        self._h = sympy.lambdify([sympy.Symbol(t.name), *symbols], self.h.xreplace(plain), "mpmath")
        self._mean = sympy.lambdify(symbols, self.mean.xreplace(plain), "mpmath")
        self._variance = sympy.lambdify(symbols, self.variance.xreplace(plain), "mpmath")
        self._limits = [None if e is None else sympy.lambdify(symbols, e.xreplace(plain), "mpmath")
                        for e in (self.lower, self.upper)]

    def __repr__(self) -> str:
        cut = "".join(f", {n}={e}" for n, e in (("lower", self.lower), ("upper", self.upper)) if e is not None)
        return f"gaussian_expectation({self.h}, {self.t}, mean={self.mean}, variance={self.variance}{cut})"

    def __call__(self, p: Point, ctx: Any) -> Estimate:
        args = [p.mp[n] for n in self._names]
        lower, upper = (None if f is None else f(*args) for f in self._limits)
        return ctx.gaussian_expectation(lambda x: self._h(x, *args), mean=self._mean(*args), var=self._variance(*args),
                                        lower=lower, upper=upper)

    def ball(self, point: Mapping[str, Any], digits: int) -> Any:
        from numerics.certify import gaussian_expectation_ball

        return gaussian_expectation_ball(self.h, self.t, self.mean, self.variance, point, digits, self.lower, self.upper)


def gaussian_expectation(h: sympy.Basic, t: sympy.Symbol, mean: Any = 0, variance: Any = 1, *,
                         lower: Any = None, upper: Any = None) -> Callable[[Point, Any], Estimate]:
    r"""A reference side :math:`\mathbb E[h(T)]`, :math:`T \sim \mathcal N(\text{mean}, \text{variance})`.

    ``h`` is a SymPy expression in ``t`` and the claim's parameters; ``mean`` and ``variance``
    are expressions in the parameters; ``lower``/``upper`` restrict to :math:`\text{lower} < T < \text{upper}`
    (put a kink of ``h`` there).  The audit evaluates it by mpmath quadrature; when the
    claimed side is a SymPy closed form, each point is also decided in ball arithmetic
    (:func:`numerics.certify.gaussian_expectation_ball`): disjoint balls are a proof that the
    line is wrong, a difference ball inside the tolerance a proven agreement.  The tail bound
    needs :math:`|h|` bounded on the real line by structure (erf, tanh, :math:`e^{-q(t)}` ...);
    otherwise the point is decided by quadrature alone and the evidence says why."""
    return _GaussianExpectation(h, t, mean, variance, lower, upper)


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
