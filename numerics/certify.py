r"""Certified comparisons: SymPy expressions evaluated in ball arithmetic (python-flint, Arb).

A closed form evaluated at an exactly representable parameter point (every
double and every integer is one) gives a *ball* :math:`[m \pm r]` that is
guaranteed to contain the true value.  For two sides :math:`c, r` the
difference ball :math:`D = c - r` decides rigorously:

* :math:`0 \notin D` (the balls are disjoint): the two sides differ at this
  point, a proof, not a statistical statement;
* :math:`0 \in D`: :math:`|c - r| \le \sup |D|`, a proven bound.

:func:`compile_expr` turns a SymPy expression into a function of the point
that returns an ``acb`` (complex ball; real claims come out with an imaginary
part that contains 0).  A ``sympy.Integral`` with finite limits becomes
``acb.integral`` (rigorous, with Arb's error bound); infinite limits and
functions Arb lacks raise :class:`Uncertifiable`, so the caller falls back to
mpmath and says so.  SymPy ``Float`` constants are not trusted to be exact:
each is a ball one decimal digit wider than its own precision (0.1 typed as a
float is not 1/10, 3.14159265358979 is not pi).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

try:  # python-flint is a dependency; without it nothing is certified (and the audit says so)
    import flint
    from flint import acb, arb
except ImportError:  # pragma: no cover
    flint = None

AVAILABLE = flint is not None

Ball = Any  # flint.acb
Compiled = Callable[[Mapping[str, Ball], bool], Ball]


class Uncertifiable(Exception):
    """The expression cannot be evaluated in ball arithmetic (the message says which part)."""


# --------------------------------------------------------------------------- values
def ball(value: Any) -> Ball:
    """An exact ball for a parameter value: int, float (a dyadic rational), Fraction, bool."""
    if isinstance(value, bool):
        return acb(int(value))
    if isinstance(value, int):
        return acb(value)
    if isinstance(value, Fraction):
        return acb(value.numerator) / value.denominator
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Uncertifiable(f"parameter value {value} is not finite")
        num, den = value.as_integer_ratio()  # exact: a double is a dyadic rational
        return acb(num) / den
    try:
        import numpy as np

        if isinstance(value, np.integer):
            return acb(int(value))
        if isinstance(value, np.floating):
            return ball(float(value))
    except ImportError:  # pragma: no cover
        pass
    raise Uncertifiable(f"a parameter of type {type(value).__name__} has no exact ball")


def _float_atom(f: sympy.Float) -> Ball:
    """A SymPy Float as a ball around it, one decimal digit wider than its precision (its decimal
    intent is unknown: 3.14159265358979 typed for pi must not be a proof that the two differ)."""
    mant, exp = int(f._mpf_[1]), int(f._mpf_[2])
    sign = -1 if f._mpf_[0] else 1
    if not mant:
        return acb(0)
    mid = arb(sign * mant) * arb(2) ** exp  # exact: an integer times a power of 2 (at the working precision)
    # a Float is a decimal someone typed or a rounded result: trust one digit less than it shows
    digits = max(int(f._prec * math.log10(2)) - 1, 1)
    rad = abs(mid) * arb(10) ** (-digits)
    return acb(arb(mid.mid(), rad.upper()))


# --------------------------------------------------------------------------- functions
def _unary_table() -> dict:
    f = sympy.functions
    table = {
        f.exp: lambda z, a: z.exp(),
        f.sin: lambda z, a: z.sin(),
        f.cos: lambda z, a: z.cos(),
        f.tan: lambda z, a: z.tan(),
        f.sinh: lambda z, a: z.sinh(),
        f.cosh: lambda z, a: z.cosh(),
        f.tanh: lambda z, a: z.tanh(),
        f.atan: lambda z, a: z.atan(),
        f.asin: lambda z, a: z.asin(),
        f.acos: lambda z, a: z.acos(),
        f.asinh: lambda z, a: z.asinh(),
        f.atanh: lambda z, a: z.atanh(),
        f.erf: lambda z, a: z.erf(),
        f.erfc: lambda z, a: z.erfc(),
        f.erfi: lambda z, a: z.erfi(),
        f.gamma: lambda z, a: z.gamma(),
        f.loggamma: lambda z, a: z.lgamma(),
        f.log: lambda z, a: z.log(analytic=a),
        f.Abs: lambda z, a: _abs(z, a),
        f.sign: _sign,
        sympy.Heaviside: lambda z, a: _heaviside(z, a),
        f.re: lambda z, a: acb(z.real),
        f.im: lambda z, a: acb(z.imag),
    }
    return table


def _is_real(z: Ball) -> bool:
    return z.imag.is_zero()


def _abs(z: Ball, analytic: bool) -> Ball:
    """|z| for a real value; inside acb.integral (complex balls near the real line) the analytic
    piece of |x| (x or -x), non-finite where the ball meets Re z = 0 so Arb bisects there."""
    if analytic or z.imag.contains(0):
        return z.real_abs(analytic=analytic)
    return acb(abs(z))


def _sign(z: Ball, analytic: bool) -> Ball:
    if analytic or z.imag.contains(0):
        return z.real_sgn(analytic=analytic)
    raise Uncertifiable("sign of a complex ball")


def _heaviside(z: Ball, analytic: bool) -> Ball:
    if analytic or z.imag.contains(0):
        return z.real_heaviside(analytic=analytic)
    raise Uncertifiable("Heaviside of a complex ball")


def _pow(base: Ball, exponent: sympy.Basic, exp_fn: Compiled | None, values: Mapping[str, Ball], analytic: bool) -> Ball:
    if exponent.is_Integer:
        return base ** int(exponent)
    if exponent == sympy.Rational(1, 2):
        return base.sqrt(analytic=analytic)
    if exponent == sympy.Rational(-1, 2):
        return base.rsqrt(analytic=analytic)
    # principal branch, as SymPy and mpmath take it
    e = acb(int(exponent.p)) / int(exponent.q) if exponent.is_Rational else exp_fn(values, analytic)  # type: ignore[misc]
    return base.pow(e, analytic=analytic)


# --------------------------------------------------------------------------- compiling
def compile_expr(expr: sympy.Basic) -> Compiled:
    """A function ``f(values, analytic)`` evaluating ``expr`` in ball arithmetic.

    ``values`` maps symbol names to balls.  Raises :class:`Uncertifiable` at
    compile time for a node Arb cannot evaluate rigorously.
    """
    if not AVAILABLE:
        raise Uncertifiable("python-flint is not installed")
    table = _unary_table()

    def build(e: sympy.Basic) -> Compiled:
        if isinstance(e, sympy.Symbol):
            name = e.name
            return lambda v, a: v[name]
        if e.is_Integer:
            k = int(e)
            return lambda v, a: acb(k)
        if e.is_Rational:
            p_, q_ = int(e.p), int(e.q)
            return lambda v, a: acb(p_) / q_
        if isinstance(e, sympy.Float):
            return lambda v, a: _float_atom(e)
        if e is sympy.pi:
            return lambda v, a: acb(arb.pi())
        if e is sympy.E:
            return lambda v, a: acb(1).exp()
        if e is sympy.I:
            return lambda v, a: acb(0, 1)
        if e is sympy.EulerGamma:
            return lambda v, a: acb(arb.const_euler())
        if isinstance(e, sympy.Add):
            parts = [build(t) for t in e.args]

            def add(v, a):
                out = parts[0](v, a)
                for q in parts[1:]:
                    out = out + q(v, a)
                return out

            return add
        if isinstance(e, sympy.Mul):
            parts = [build(t) for t in e.args]

            def mul(v, a):
                out = parts[0](v, a)
                for q in parts[1:]:
                    out = out * q(v, a)
                return out

            return mul
        if isinstance(e, sympy.Pow):
            base, exponent = e.args
            bf = build(base)
            ef = None if (exponent.is_Rational) else build(exponent)
            return lambda v, a: _pow(bf(v, a), exponent, ef, v, a)
        if isinstance(e, sympy.Integral):
            return _integral(e, build)
        fn = type(e)
        if isinstance(e, sympy.Heaviside) and (len(e.args) == 1 or e.args[1] == sympy.S.Half):
            inner = build(e.args[0])  # Arb's Heaviside is 1/2 at 0, SymPy's default
            return lambda v, a: _heaviside(inner(v, a), a)
        if fn in table and len(e.args) == 1:
            inner = build(e.args[0])
            op = table[fn]
            return lambda v, a: op(inner(v, a), a)
        if isinstance(e, (sympy.Max, sympy.Min)):
            parts = [build(t) for t in e.args]
            real_op = "real_max" if isinstance(e, sympy.Max) else "real_min"

            def extremum(v, a):
                out = parts[0](v, a)
                for q in parts[1:]:
                    out = getattr(out, real_op)(q(v, a), analytic=a)
                return out

            return extremum
        if isinstance(e, sympy.atan2):
            y, x = (build(t) for t in e.args)

            def atan2(v, a):
                yy, xx = y(v, a), x(v, a)
                if not (_is_real(yy) and _is_real(xx)):
                    raise Uncertifiable("atan2 of complex balls")
                return acb(arb.atan2(yy.real, xx.real))

            return atan2
        raise Uncertifiable(f"Arb has no rigorous evaluation here for {fn.__name__}")

    return build(expr)


def _integral(e: sympy.Integral, build: Callable[[sympy.Basic], Compiled]) -> Compiled:
    """A 1-D ``Integral(f, (t, a, b))`` with finite limits by ``acb.integral`` (rigorous error bound)."""
    if len(e.limits) != 1 or len(e.limits[0]) != 3:
        raise Uncertifiable("only 1-D integrals with explicit limits are certified")
    var, lo, hi = e.limits[0]
    if any(x.has(sympy.oo, -sympy.oo, sympy.zoo) for x in (lo, hi)):
        raise Uncertifiable("an integral over an infinite range (no rigorous tail bound here)")
    body, lo_f, hi_f = build(e.function), build(lo), build(hi)
    name = var.name

    def integral(v, a):
        if a:
            raise Uncertifiable("a nested integral")
        lo_b, hi_b = lo_f(v, False), hi_f(v, False)
        return acb.integral(lambda t, analytic: body({**v, name: t}, analytic), lo_b, hi_b)

    return integral


_COMPILED: dict[int, tuple[sympy.Basic, Compiled | None, str]] = {}


def compiled(expr: sympy.Basic) -> tuple[Compiled | None, str]:
    """Cached :func:`compile_expr`: (function, "") or (None, reason it cannot be certified)."""
    expr = sympy.sympify(expr)
    hit = _COMPILED.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1], hit[2]
    try:
        fn, why = compile_expr(expr), ""
    except Uncertifiable as exc:
        fn, why = None, str(exc)
    _COMPILED[id(expr)] = (expr, fn, why)
    return fn, why


def evaluate(expr: Any, point: Mapping[str, Any], digits: int) -> Ball:
    """``expr`` at ``point`` as a ball, at about ``digits`` decimal digits of working precision.

    ``expr`` is a SymPy expression, or a side that knows its own ball (``expr.ball(point, digits)``,
    e.g. :func:`derivations.kinds.gaussian_expectation`)."""
    if callable(getattr(expr, "ball", None)):
        return expr.ball(point, digits)
    expr = sympy.sympify(expr)
    fn, why = compiled(expr)
    if fn is None:
        raise Uncertifiable(why)
    names = {s.name for s in expr.free_symbols}
    old = flint.ctx.prec
    flint.ctx.prec = int(digits * 3.33) + 20
    try:
        values = {n: ball(point[n]) for n in names}  # exact at any precision above 53 bits
        out = fn(values, False)
    finally:
        flint.ctx.prec = old
    if not out.is_finite():
        raise Uncertifiable("the ball is not finite (a pole, a branch cut, or an integral that did not converge)")
    return out


# --------------------------------------------------------------------------- comparing
@dataclass(frozen=True)
class Certified:
    """The rigorous outcome at one point.

    ``disjoint``: the balls of the two sides are disjoint (a proof that they
    differ); ``bound``: a proven upper bound on :math:`|c - r|`; ``lower``: a
    proven lower bound on it (0 unless disjoint); ``claimed``/``reference``:
    midpoints; ``digits``: the working precision used.
    """

    disjoint: bool
    bound: float
    lower: float
    claimed: float
    reference: float
    digits: int


def compare(claimed: Any, reference: Any, point: Mapping[str, Any], digits: int,
            tolerance: float | None = None) -> Certified:
    """Both sides (SymPy, or sides with a ``ball`` method) at ``point`` in ball arithmetic.

    The precision is raised (up to 4x) while the difference ball is neither
    disjoint from 0 nor narrower than ``tolerance`` (cancellation costs bits).
    Raises :class:`Uncertifiable` when either side cannot be evaluated rigorously.
    """
    dps = digits
    for _ in range(3):
        c = evaluate(claimed, point, dps)
        r = evaluate(reference, point, dps)
        d = c - r
        disjoint = not d.contains(0)
        bound = float(abs(d).upper()) if hasattr(abs(d), "upper") else math.inf
        if disjoint or tolerance is None or bound <= tolerance:
            break
        dps *= 2
    lower = float(d.abs_lower()) if disjoint else 0.0
    return Certified(disjoint, bound, lower, float(c.real.mid()), float(r.real.mid()), dps)


# --------------------------------------------------------------------------- Gaussian expectations
def sup_abs(expr: sympy.Basic, t: sympy.Symbol) -> sympy.Basic:
    r"""An expression in the parameters that bounds :math:`|\text{expr}|` for every real ``t``.

    Proven by structure, never by sampling: constants and parameters are themselves; a sum or
    product is bounded by the sum or product of the bounds; erf, tanh, sin, cos, sign and
    Heaviside by 1, erfc by 2; :math:`e^{q(t)}` with :math:`q` a quadratic in t by its value at
    the vertex (the leading coefficient's sign is checked in ball arithmetic when the bound is
    evaluated, see :func:`gaussian_expectation_ball`); a non-negative integer power by the power
    of the bound.  Anything else (a polynomial in t, a quotient) raises :class:`Uncertifiable`.
    """
    f = sympy.functions
    if not expr.has(t):
        return sympy.Abs(expr)
    if expr == t:
        raise Uncertifiable("the integrand grows with the variable (no tail bound)")
    if isinstance(expr, sympy.Add):
        return sympy.Add(*[sup_abs(a, t) for a in expr.args])
    if isinstance(expr, sympy.Mul):
        return sympy.Mul(*[sup_abs(a, t) for a in expr.args])
    if isinstance(expr, sympy.Pow) and expr.exp.is_Integer and expr.exp >= 0:
        return sup_abs(expr.base, t) ** expr.exp
    if isinstance(expr, (f.erf, f.tanh, f.sin, f.cos, f.sign, sympy.Heaviside)):
        return sympy.Integer(1)
    if isinstance(expr, f.erfc):
        return sympy.Integer(2)
    if isinstance(expr, f.exp):
        q = sympy.Poly(sympy.expand(expr.args[0]), t) if expr.args[0].is_polynomial(t) else None
        if q is not None and q.degree() == 2:
            a, b, c = q.all_coeffs()
            return _NegativeLeading(a) * sympy.exp(c - b**2 / (4 * a))
        if q is not None and q.degree() == 0:
            return sympy.exp(q.as_expr())
    raise Uncertifiable(f"no bound on |{expr}| over the real line (a tail bound needs a bounded integrand)")


class _NegativeLeading(sympy.Function):
    """1, once the quadratic's leading coefficient is proven negative (in ball arithmetic)."""

    nargs = 1


def _bound_ball(bound: sympy.Basic, values: Mapping[str, Ball]) -> Ball:
    def negative_leading(e: sympy.Basic) -> sympy.Basic:
        lead = compile_expr(e.args[0])(values, False)
        if not (lead.imag.is_zero() and lead.real < 0):
            raise Uncertifiable("exp of a quadratic whose leading coefficient is not proven negative")
        return sympy.Integer(1)

    plain = bound.replace(lambda e: isinstance(e, _NegativeLeading), negative_leading)
    return compile_expr(plain)(values, False)


def gaussian_expectation_ball(h: sympy.Basic, t: sympy.Symbol, mean: sympy.Basic, variance: sympy.Basic,
                              point: Mapping[str, Any], digits: int, lower: Any = None, upper: Any = None) -> Ball:
    r""":math:`\mathbb E[h(T)]`, :math:`T \sim \mathcal N(\text{mean}, \text{variance})`, as a ball.

    With :math:`T = \mu + \sigma z`: ``acb.integral`` of :math:`h(\mu + \sigma z)\varphi(z)` over
    :math:`[-L, L]` (Arb's rigorous bound), plus the tails as a ball of radius
    :math:`C\,\operatorname{erfc}(L/\sqrt2)` with :math:`C` the proven bound :func:`sup_abs` on
    :math:`|h|`, and :math:`L` chosen so that this radius is below the working precision.  With
    ``lower``/``upper`` (expressions in the parameters) the expectation is of
    :math:`h(T)\,\mathbb 1(\text{lower} < T < \text{upper})`: the range is cut there (a kink of the
    integrand belongs at a limit: Arb integrates analytic pieces); an inexact limit is replaced by its
    midpoint, and the ball widened by :math:`C\varphi(0)` times its radius."""
    if not AVAILABLE:
        raise Uncertifiable("python-flint is not installed")
    z = sympy.Symbol("_derivcheck_standard_normal", real=True)  # no parameter has this name
    names = ({s.name for s in h.free_symbols} | {s.name for s in sympy.sympify(mean).free_symbols}
             | {s.name for s in sympy.sympify(variance).free_symbols}) - {t.name}
    old = flint.ctx.prec
    flint.ctx.prec = int(digits * 3.33) + 20
    try:
        values = {n: ball(point[n]) for n in names}
        c = _bound_ball(sup_abs(h, t), values)
        if not (c.is_finite() and c.imag.is_zero()):
            raise Uncertifiable("the bound on the integrand is not finite")
        var = compile_expr(sympy.sympify(variance))(values, False)
        if not (var.imag.is_zero() and var.real > 0):
            raise Uncertifiable("the variance is not proven positive")
        cap = float(c.real.upper())
        prec_bits = flint.ctx.prec
        # C erfc(L / sqrt 2) <= C exp(-L^2 / 2) <= 2^-prec
        cut = math.sqrt(2 * (prec_bits * math.log(2) + math.log(max(cap, 1.0)))) + 1
        integrand = compile_expr(h.subs(t, sympy.sympify(mean) + sympy.sqrt(sympy.sympify(variance)) * z)
                                 * sympy.exp(-z**2 / 2) / sympy.sqrt(2 * sympy.pi))
        name = z.name
        slack = arb(0)
        ends = []
        for limit, default in ((lower, -cut), (upper, cut)):
            if limit is None:
                ends.append(arb(default))
                continue
            zed = compile_expr((sympy.sympify(limit) - sympy.sympify(mean)) / sympy.sqrt(sympy.sympify(variance)))(values, False)
            if not (zed.imag.is_zero() and zed.real.is_finite()):
                raise Uncertifiable("a limit of the Gaussian expectation is not a finite real")
            slack = slack + c.real * arb(zed.real.rad()) / (2 * arb.pi()).sqrt()
            ends.append(arb(zed.real.mid()).max(arb(-cut)).min(arb(cut)))
        lo, hi = ends
        inner = acb(0) if not lo < hi else acb.integral(lambda u, analytic: integrand({**values, name: u}, analytic), lo, hi)
        tail = c.real * (arb(cut) / arb(2).sqrt()).erfc()
        out = inner + acb(arb(0, float((tail + slack).upper())))
    finally:
        flint.ctx.prec = old
    if not out.is_finite():
        raise Uncertifiable("the Gaussian integral did not converge in Arb")
    return out
