"""Evaluating the sides of a claim at a parameter point.

Turns whatever the author wrote (SymPy expression, function, :class:`Sampled`)
into :class:`~numerics.estimate.Estimate` objects, and pairs two sampled sides
on common random numbers.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import sympy

from numerics.context import Context
from numerics.estimate import Estimate, coerce

from .api import Point, Sampled, Side

_LAMBDIFIED: dict[int, tuple[Callable[..., Any], tuple[str, ...]]] = {}


def _lambdified(expr: sympy.Basic) -> tuple[Callable[..., Any], tuple[str, ...]]:
    key = id(expr)
    if key not in _LAMBDIFIED:
        symbols = sorted(expr.free_symbols, key=lambda s: s.name)
        fn = sympy.lambdify(symbols, expr, modules="mpmath")
        _LAMBDIFIED[key] = (fn, tuple(s.name for s in symbols))
    return _LAMBDIFIED[key]


def _mp(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, np.integer)):
        return mpmath.mpf(int(value))
    if isinstance(value, (float, np.floating)):
        return mpmath.mpf(float(value))
    return value


def evaluate_sympy(expr: sympy.Basic, p: Point, dps: int) -> Estimate:
    fn, names = _lambdified(expr)
    with mpmath.workdps(dps + 10):
        value = fn(*[_mp(p[n]) for n in names])
        if isinstance(value, (int, float)):
            value = mpmath.mpf(value)
    with mpmath.workdps(dps):
        value = +value
    if isinstance(value, mpmath.mpc) and abs(value.imag) <= abs(value) * mpmath.mpf(10) ** (-dps + 3):
        value = value.real
    if isinstance(value, mpmath.mpc):
        return Estimate(np.asarray(complex(value)), "exact", np.asarray(0.0), detail="SymPy expression (complex value)")
    err = abs(value) * mpmath.mpf(10) ** (-dps)
    return Estimate(np.asarray(float(value)), "exact", np.asarray(float(err)),
                    detail=f"SymPy expression evaluated with mpmath at {dps} digits", high_precision=value)


def _arity(fn: Callable[..., Any]) -> int:
    try:
        params = [q for q in inspect.signature(fn).parameters.values() if q.default is q.empty]
    except (TypeError, ValueError):
        return 2
    return len(params)


_MEMO: dict[tuple, tuple[object, Estimate]] = {}  # value keeps the side alive so its id is not reused
_MEMO_LIMIT = 20000


def _point_key(p: Point) -> str:
    from numerics.search import point_key

    return point_key(dict(p))


def evaluate_side(side: Side, p: Point, ctx: Context, versus: Estimate | None = None) -> Estimate:
    """One side at one point (a sampled side is estimated on its own random numbers).

    Deterministic results (SymPy sides, and function sides that return no
    standard error) are memoized per process on (side, point, precision):
    the lines of a chain share their reference and are tested at the same
    points, and "does it follow?" re-evaluates the line above.  A function
    side must therefore be deterministic given (p, ctx settings) unless it
    returns a statistical Estimate.
    """
    if isinstance(side, Sampled):
        # the other side's value (when it is not sampled) lets sequential sampling stop on a plain disagreement
        other = None if versus is None or versus.statistical or np.iscomplexobj(versus.value) else versus.value
        return ctx.expect(lambda eps: side.statistic(p, eps), side.dimension(p), versus=other)
    if isinstance(side, (int, float)) and not isinstance(side, bool):
        return evaluate_sympy(sympy.Float(side, ctx.dps + 10) if isinstance(side, float) else sympy.Integer(side), p, ctx.dps)
    key = (id(side), _point_key(p), ctx.dps, ctx.samples, ctx.sampling)
    hit = _MEMO.get(key)
    if hit is not None and hit[0] is side:
        return hit[1]
    if isinstance(side, sympy.Basic):
        out = evaluate_sympy(side, p, ctx.dps)
    elif callable(side):
        # user arithmetic on mpmath numbers (p.mp.r * p.mp.z) happens at the audit precision
        with mpmath.workdps(ctx.dps + 10):
            out = coerce(side(p) if _arity(side) == 1 else side(p, ctx))
    else:
        raise TypeError(f"cannot evaluate a side of type {type(side).__name__}")
    if not out.statistical and len(_MEMO) < _MEMO_LIMIT:
        _MEMO[key] = (side, out)
    return out


def evaluate_pair(claimed: Side, reference: Side, p: Point, ctx: Context) -> tuple[Estimate, Estimate, bool]:
    """Both sides at one point.  Returns (claimed, reference, paired).

    When both sides are :class:`Sampled` with the same dimension they run on
    the same normals; the claimed estimate then carries the standard error of
    the paired difference and the reference carries none, so the decision rule
    sees exactly the uncertainty of claimed - reference.
    """
    if isinstance(claimed, Sampled) and isinstance(reference, Sampled):
        dim = claimed.dimension(p)
        if dim == reference.dimension(p):
            (r, c), (d,) = ctx.expect_paired(
                [lambda eps: reference.statistic(p, eps), lambda eps: claimed.statistic(p, eps)], dim
            )
            paired_c = Estimate(c.value, c.method, c.abs_error, d.std_error, c.samples, c.detail + " (paired with reference)",
                                dof=d.dof, looks=d.looks)
            paired_r = Estimate(r.value, r.method, r.abs_error, np.zeros_like(np.asarray(r.std_error)), r.samples, r.detail, dof=r.dof)
            return paired_c, paired_r, True
    if isinstance(claimed, Sampled) and not isinstance(reference, Sampled):
        r = evaluate_side(reference, p, ctx.derive("reference"))
        c = evaluate_side(claimed, p, ctx.derive("claimed"), versus=r)
        return c, r, False
    try:
        c = evaluate_side(claimed, p, ctx.derive("claimed"))
    except ZeroDivisionError as exc:
        # the note's formula is undefined here; the reference decides whether that matters
        c, undefined = None, exc
    r = evaluate_side(reference, p, ctx.derive("reference"), versus=c)
    if c is None:
        c = Estimate(np.full(np.shape(r.value), np.nan), "exact", detail=f"claimed side undefined: division by zero ({undefined})")
    return c, r, False


def describe_format(side: Side | None) -> str | None:
    """``latex`` for a SymPy side (typeset it), ``python`` for code (list it)."""
    if side is None:
        return None
    return "latex" if isinstance(side, (sympy.Basic, int, float)) else "python"


def describe(side: Side | None) -> str | None:
    """How a side is encoded, for the report: LaTeX for SymPy, source for code."""
    if side is None:
        return None
    if isinstance(side, sympy.Basic):
        return sympy.latex(side)
    fn = side.statistic if isinstance(side, Sampled) else side
    prefix = f"Sampled: {side.description}\n" if isinstance(side, Sampled) and side.description else ""
    doc = inspect.getdoc(fn) if not getattr(fn, "__name__", "") == "<lambda>" else None
    try:
        src = textwrap.dedent(inspect.getsource(fn)).strip()
    except (OSError, TypeError):
        src = repr(fn)
    if len(src) > 1500:
        src = src[:1500] + "\n..."
    return prefix + (doc + "\n" if doc else "") + src
