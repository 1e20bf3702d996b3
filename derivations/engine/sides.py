"""The sides of a claim: one class per kind of what an author may write.

An author writes ``claimed=`` / ``reference=`` as a SymPy expression, a plain
number, a function ``f(p)`` or ``f(p, ctx)``, or :class:`~derivations.api.Sampled`.
:func:`side` wraps each in its :class:`Side`, which knows how to

* ``evaluate`` it at a parameter point into an :class:`~numerics.estimate.Estimate`;
* ``describe`` it for the report (LaTeX for algebra, source for code);
* ``scaled`` -- divide it by a constant (the correction for a recognised factor).

Caches live on the Side (the lambdified function of an expression), or are keyed on
the author's object kept alive beside the value (the memo of deterministic values),
so that no cache is keyed on an ``id()`` that Python may reuse.
"""

from __future__ import annotations

import functools
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np
import sympy

from numerics.context import Context
from numerics.estimate import Estimate, coerce
from numerics.search import point_key

from ..api import LINE_ABOVE, TODO, DataModel, Point, Sampled


def _mp(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, np.integer)):
        return mpmath.mpf(int(value))
    if isinstance(value, (float, np.floating)):
        return mpmath.mpf(float(value))
    return value


def arity(fn: Callable[..., Any]) -> int:
    """Number of required arguments of a function side: 1 for ``f(p)``, 2 for ``f(p, ctx)``."""
    try:
        params = [q for q in inspect.signature(fn).parameters.values() if q.default is q.empty]
    except (TypeError, ValueError):
        return 2
    return len(params)


def _plain_method(raw: Any) -> str:
    """How a plain number returned by a function side was computed: mpmath numbers and exact SymPy
    numbers are "exact" (multiple precision); floats and numpy arrays (scipy, numpy) are "double"."""
    if isinstance(raw, (mpmath.mpf, mpmath.mpc, sympy.Rational, int)) or isinstance(raw, Estimate):
        return "exact"
    if isinstance(raw, (list, tuple)) and raw and all(isinstance(v, (mpmath.mpf, mpmath.mpc)) for v in raw):
        return "exact"
    return "double"


def _divided(value: Any, k: float) -> Any:
    return value.scaled(1 / k) if isinstance(value, Estimate) else np.asarray(value, dtype=float) / k


# Deterministic values per process, keyed on (the author's object, point, precision): the
# lines of a chain share their reference and are tested at the same points, and "does it
# follow?" re-evaluates the line above.  The value keeps the author's object alive, so its
# id cannot be reused by another object while the entry exists.
_MEMO: dict[tuple, tuple[object, Estimate]] = {}
_MEMO_LIMIT = 20000


class Side:
    """What one side of a claim is, and how to evaluate, describe and rescale it."""

    #: ``latex`` when :meth:`describe` is LaTeX to typeset, ``python`` when it is code to list
    describe_format = "python"
    #: deterministic values are memoized per (side, point, precision)
    memoizable = True

    def __init__(self, raw: Any):
        self.raw = raw

    def compute(self, p: Point, ctx: Context, versus: Estimate | None = None) -> Estimate:  # pragma: no cover - abstract
        raise NotImplementedError

    def evaluate(self, p: Point, ctx: Context, memo: bool = True, versus: Estimate | None = None) -> Estimate:
        if not (self.memoizable and memo):
            return self.compute(p, ctx, versus)
        key = (id(self.raw), point_key(dict(p)), ctx.dps, ctx.samples, ctx.sampling, ctx.route)
        hit = _MEMO.get(key)
        if hit is not None and hit[0] is self.raw:
            return hit[1]
        out = self.compute(p, ctx, versus)
        if not out.statistical and len(_MEMO) < _MEMO_LIMIT:
            _MEMO[key] = (self.raw, out)
        return out

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def scaled(self, k: float) -> Any:
        """The author-level side divided by ``k`` (a value :func:`side` accepts)."""
        raise NotImplementedError  # pragma: no cover - abstract


class SymPySide(Side):
    """Scalar algebra: evaluated with mpmath at the audit precision (plus guard digits)."""

    describe_format = "latex"

    def __init__(self, raw: sympy.Basic):
        super().__init__(raw)
        self._fn: tuple[Callable[..., Any], tuple[str, ...]] | None = None

    def _lambdified(self) -> tuple[Callable[..., Any], tuple[str, ...]]:
        if self._fn is None:
            symbols = sorted(self.raw.free_symbols, key=lambda s: s.name)
            self._fn = (sympy.lambdify(symbols, self.raw, modules="mpmath"), tuple(s.name for s in symbols))
        return self._fn

    def compute(self, p: Point, ctx: Context, versus: Estimate | None = None) -> Estimate:
        return evaluate_sympy(self, p, ctx.dps)

    def describe(self) -> str:
        return sympy.latex(self.raw)

    def scaled(self, k: float) -> sympy.Basic:
        return self.raw / sympy.nsimplify(k, [sympy.pi], tolerance=1e-12, rational=False)


class ConstantSide(SymPySide):
    """A plain number, held exactly as the author wrote it (a float is taken at face value)."""

    memoizable = False  # evaluating a constant costs nothing

    def __init__(self, raw: int | float):
        self.number = raw
        super().__init__(sympy.Integer(raw) if isinstance(raw, int) else sympy.Float(raw, 60))

    def scaled(self, k: float) -> float:
        return self.number / k

    def describe(self) -> str:
        return sympy.latex(self.raw) if isinstance(self.number, int) else repr(self.number)


class FunctionSide(Side):
    """``f(p)`` or ``f(p, ctx)`` returning a number, an array or an Estimate.

    User arithmetic on mpmath numbers (``p.mp.r * p.mp.z``) happens at the audit
    precision.  A function side must be deterministic given (p, ctx settings) unless it
    returns a statistical Estimate: deterministic values are memoized.
    """

    def compute(self, p: Point, ctx: Context, versus: Estimate | None = None) -> Estimate:
        with mpmath.workdps(ctx.dps + 10):
            raw = self.raw(p) if arity(self.raw) == 1 else self.raw(p, ctx)
        return coerce(raw, method=_plain_method(raw))

    def describe(self) -> str:
        return _source_text(self.raw)

    def scaled(self, k: float) -> Callable[..., Any]:
        fn = self.raw
        if arity(fn) == 1:
            return lambda p: _divided(fn(p), k)
        return lambda p, ctx: _divided(fn(p, ctx), k)


# The data drawn from the last few blocks of normals: the sides of a claim (and its correction)
# are evaluated one after the other on the same block.  An entry holds the block itself, so a
# new block allocated at a recycled address is never taken for it.
_DRAWS: list[tuple[np.ndarray, DataModel, str, tuple]] = []
_DRAWS_KEPT = 4


def drawn(data: DataModel, p: Point, eps: np.ndarray) -> tuple:
    """``data.draw(p, eps)``, once per block of normals, model and point."""
    key = point_key(dict(p))
    for block, model, k, values in _DRAWS:
        if block is eps and model is data and k == key:
            return values
    values = data.draw(p, eps)
    _DRAWS.insert(0, (eps, data, key, values))
    del _DRAWS[_DRAWS_KEPT:]
    return values


def sample_values(s: Sampled, p: Point, eps: np.ndarray) -> Any:
    """Per-sample values of a sampled side on one block of normals."""
    if s.data is None:
        return s.statistic(p, eps)
    return s.statistic(p, *drawn(s.data, p, eps))


class SampledSide(Side):
    r"""An expectation over sampled data, :math:`\mathbb E[T]`, estimated on its own normals."""

    memoizable = False  # statistical: a fresh estimate per context

    def compute(self, p: Point, ctx: Context, versus: Estimate | None = None) -> Estimate:
        s: Sampled = self.raw
        # the other side's value (when it is not sampled) lets sequential sampling stop on a plain disagreement
        other = None if versus is None or versus.statistical or np.iscomplexobj(versus.value) else versus.value
        return ctx.expect(lambda eps: sample_values(s, p, eps), s.dimension(p), versus=other)

    def describe(self) -> str:
        s: Sampled = self.raw
        prefix = f"Sampled: {s.description}\n" if s.description else ""
        return prefix + _source_text(s.statistic)

    def scaled(self, k: float) -> Sampled:
        s: Sampled = self.raw
        return Sampled(s.dim, lambda p, *drawn: np.asarray(s.statistic(p, *drawn)) / k, s.description, s.data)


class NotWrittenSide(Side):
    """``TODO``: a side the author has not written yet (never evaluated: the audit says so)."""

    def compute(self, p: Point, ctx: Context, versus: Estimate | None = None) -> Estimate:
        raise TypeError("this side is TODO: it has not been written yet")

    def describe(self) -> str:
        return repr(TODO)


class LineAboveSide(Side):
    """``LINE_ABOVE``: a follows-only entry's reference (never evaluated: the line is compared with the line above)."""

    def compute(self, p: Point, ctx: Context, versus: Estimate | None = None) -> Estimate:
        raise TypeError("LINE_ABOVE is not evaluated: a follows-only line is compared with the line above")

    def describe(self) -> str:
        return repr(LINE_ABOVE)


def side(raw: Any) -> Side:
    """The :class:`Side` for what an author wrote (already a Side: returned as is)."""
    if isinstance(raw, Side):
        return raw
    if raw is TODO:
        return NotWrittenSide(raw)
    if raw is LINE_ABOVE:
        return LineAboveSide(raw)
    if isinstance(raw, Sampled):
        return SampledSide(raw)
    if isinstance(raw, (int, float, np.integer, np.floating)) and not isinstance(raw, (bool, np.bool_)):
        return _constant_side(int(raw) if isinstance(raw, (int, np.integer)) else float(raw))
    if isinstance(raw, sympy.Basic):
        return _sympy_side(raw)
    if callable(raw):
        return FunctionSide(raw)
    raise TypeError(f"cannot evaluate a side of type {type(raw).__name__}")


@functools.lru_cache(maxsize=1024, typed=True)
def _constant_side(number: int | float) -> ConstantSide:
    """One ConstantSide per value (and type): its lambdified function is built once, keyed by the value itself."""
    return ConstantSide(number)


# One SymPySide per expression object, so its lambdified function is built once; the entry
# keeps the expression alive (the key's id cannot be reused while it exists).
_SYMPY_SIDES: dict[int, tuple[sympy.Basic, SymPySide]] = {}


def _sympy_side(expr: sympy.Basic) -> SymPySide:
    hit = _SYMPY_SIDES.get(id(expr))
    if hit is not None and hit[0] is expr:
        return hit[1]
    s = SymPySide(expr)
    _SYMPY_SIDES[id(expr)] = (expr, s)
    return s


def evaluate_sympy(expr: sympy.Basic | SymPySide, p: Point, dps: int) -> Estimate:
    s = expr if isinstance(expr, SymPySide) else _sympy_side(expr)
    fn, names = s._lambdified()
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


def evaluate_side(raw: Any, p: Point, ctx: Context, memo: bool = True, versus: Estimate | None = None) -> Estimate:
    """One side at one point (a sampled side is estimated on its own random numbers; ``versus``, the
    other side's value, lets its sequential sampling stop early on a plain disagreement)."""
    return side(raw).evaluate(p, ctx, memo, versus)


def _named(fn: Callable[..., Any], name: str, *args: Any) -> Any:
    """Call ``fn``; an exception it raises is marked with the side it came from (for the diagnosis)."""
    try:
        return fn(*args)
    except Exception as exc:
        if getattr(exc, "derivcheck_side", None) is None:
            try:
                exc.derivcheck_side = name  # type: ignore[attr-defined]
            except (AttributeError, TypeError):  # pragma: no cover - an exception type without attributes
                pass
        raise


def evaluate_pair(claimed: Any, reference: Any, p: Point, ctx: Context) -> tuple[Estimate, Estimate, bool]:
    """Both sides at one point.  Returns (claimed, reference, paired).

    When both sides are :class:`Sampled` with the same dimension they run on
    the same normals; the claimed estimate then carries the standard error of
    the paired difference and the reference carries none, so the decision rule
    sees exactly the uncertainty of claimed - reference.
    """
    if isinstance(claimed, Sampled) and isinstance(reference, Sampled):
        dim = claimed.dimension(p)
        if dim == reference.dimension(p):
            (r, c), (d,) = _named(ctx.expect_paired, "claimed or reference",
                [lambda eps: sample_values(reference, p, eps), lambda eps: sample_values(claimed, p, eps)], dim
            )
            paired_c = Estimate(c.value, c.method, c.abs_error, d.std_error, c.samples, c.detail + " (paired with reference)",
                                dof=d.dof, looks=d.looks)
            paired_r = Estimate(r.value, r.method, r.abs_error, np.zeros_like(np.asarray(r.std_error)), r.samples, r.detail, dof=r.dof)
            return paired_c, paired_r, True
    if isinstance(claimed, Sampled) and not isinstance(reference, Sampled):
        r = _named(evaluate_side, "reference", reference, p, ctx.derive("reference"))
        c = _named(evaluate_side, "claimed", claimed, p, ctx.derive("claimed"), True, r)
        return c, r, False
    try:
        c = _named(evaluate_side, "claimed", claimed, p, ctx.derive("claimed"))
    except ZeroDivisionError as exc:
        if not isinstance(side(claimed), SymPySide):
            raise  # a bug in the author's code, not a property of the note's formula
        # the note's formula is undefined here; the reference decides whether that matters
        c, undefined = None, exc
    r = _named(evaluate_side, "reference", reference, p, ctx.derive("reference"), True, c)
    if c is None:
        c = Estimate(np.full(np.shape(r.value), np.nan), "exact", detail=f"claimed side undefined: division by zero ({undefined})")
    return c, r, False


def nondeterministic(sides: dict[str, Any], p: Point, ctx: Context) -> str | None:
    """Which function side gives two different values at one point (same settings), in words; or None.

    A deterministic side (no standard error) is memoized and trusted to give the
    same value again; a side with hidden randomness would otherwise look like a
    reproducible disagreement.  Sampled and SymPy sides are deterministic by construction.
    """
    for name, raw in sides.items():
        if not isinstance(side(raw), FunctionSide):
            continue
        sub = ctx.derive(name)
        a = evaluate_side(raw, p, sub, memo=False)
        b = evaluate_side(raw, p, sub, memo=False)
        if a.statistical or b.statistical:
            continue
        va, vb = np.asarray(a.value), np.asarray(b.value)
        if va.shape != vb.shape or not np.array_equal(va, vb, equal_nan=True):
            return (f"the {name} side is not deterministic: two evaluations at {dict(p)} with the same settings "
                    f"gave {va.tolist()} and {vb.tolist()} (a side without a standard error must return the same value)")
    return None


def describe_format(raw: Any) -> str | None:
    """``latex`` for algebra (typeset it), ``python`` for code (list it)."""
    return None if raw is None else side(raw).describe_format


def describe(raw: Any) -> str | None:
    """How a side is encoded, for the report: LaTeX for SymPy, source for code."""
    return None if raw is None else side(raw).describe()


def scaled(raw: Any, k: float) -> Any:
    """The side divided by the constant ``k``, as an author-level side."""
    return side(raw).scaled(k)


def _source_text(fn: Callable[..., Any]) -> str:
    doc = inspect.getdoc(fn) if not getattr(fn, "__name__", "") == "<lambda>" else None
    try:
        src = textwrap.dedent(inspect.getsource(fn)).strip()
    except (OSError, TypeError):
        src = repr(fn)
    if len(src) > 1500:
        src = src[:1500] + "\n..."
    return (doc + "\n" if doc else "") + src
