"""The transcription check: does the hand-written SymPy ``claimed`` say what the note's LaTeX says?

The module's SymPy form stays the source of truth; the note's LaTeX is parsed
(:mod:`.latex`) and the two are compared numerically at the audit's points.
A failed parse is reported as ``unparsed`` with the reason, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import mpmath
import sympy

from ..authoring import latex_parse as latex_mod
from ..api import Claim, Point
from .sides import _mp


def _canonical(name: str) -> str:
    return name.replace("_", "").replace("{", "").replace("}", "").replace("\\", "")


def _bindings(claim: Claim, expr: sympy.Expr) -> tuple[dict, list[str]]:
    """Substitutions turning parsed symbols/functions into the claim's parameters."""
    params = {str(s): s for s in claim.claimed.free_symbols}
    by_canonical = {_canonical(n): s for n, s in params.items()}
    subs: dict = {}
    missing: list[str] = []
    for f in expr.atoms(sympy.core.function.AppliedUndef):
        target = claim.latex_symbols.get(f.func.__name__)
        if isinstance(target, sympy.Lambda):
            subs[f] = target(*f.args)
        elif target is not None:
            subs[f] = sympy.sympify(target)
        else:
            missing.append(f"{f.func.__name__}(...)")
    for s in expr.free_symbols:
        target = claim.latex_symbols.get(s.name)
        if target is not None:
            subs[s] = params.get(target, sympy.sympify(target)) if isinstance(target, str) else target
        elif s.name in params:
            subs[s] = params[s.name]
        elif _canonical(s.name) in by_canonical:
            subs[s] = by_canonical[_canonical(s.name)]
        else:
            missing.append(s.name)
    return subs, missing


def check(claim: Claim, points: Iterable[Mapping[str, Any]], dps: int = 30) -> dict | None:
    """Compare the parsed LaTeX with ``claim.claimed`` at ``points``; None if claimed is not SymPy."""
    if not isinstance(claim.claimed, sympy.Basic) or claim.kind != "claim":
        return None
    parsed = latex_mod.parse(claim.latex)
    if parsed.status != "parsed":
        return {"status": "unparsed", "parsed": None, "detail": f"{parsed.status}: {parsed.detail}"}
    subs, missing = _bindings(claim, parsed.expr)
    if missing:
        return {
            "status": "unmatched", "parsed": sympy.sstr(parsed.expr),
            "detail": f"parsed symbols {sorted(set(missing))} have no parameter; map them with latex_symbols=",
        }
    transcribed = parsed.expr.xreplace(subs)
    names = sorted({s.name for s in transcribed.free_symbols | claim.claimed.free_symbols})
    f_parsed = sympy.lambdify([sympy.Symbol(n) for n in names], transcribed.subs({s: sympy.Symbol(s.name) for s in transcribed.free_symbols}), "mpmath")
    f_claimed = sympy.lambdify([sympy.Symbol(n) for n in names], claim.claimed.subs({s: sympy.Symbol(s.name) for s in claim.claimed.free_symbols}), "mpmath")
    worst, tested = 0.0, 0
    for point in points:
        p = Point(point)
        with mpmath.workdps(dps + 10):
            args = [_mp(p[n]) for n in names]
            try:
                a, b = f_parsed(*args), f_claimed(*args)
            except (ZeroDivisionError, ValueError, TypeError) as exc:
                return {"status": "unparsed", "parsed": sympy.sstr(transcribed), "detail": f"cannot evaluate the parse: {exc}"}
            rel = float(abs(a - b) / max(abs(b), mpmath.mpf(10) ** (-dps)))
        tested += 1
        worst = max(worst, rel)
        if rel > 10.0 ** (-(dps - 10)):
            return {
                "status": "disagree", "parsed": sympy.sstr(transcribed),
                "detail": f"at {dict(point)} the parsed LaTeX gives {mpmath.nstr(a, 12)}, the SymPy form {mpmath.nstr(b, 12)}",
            }
    if not tested:
        return {"status": "unmatched", "parsed": sympy.sstr(transcribed), "detail": "no point to compare at"}
    return {"status": "agree", "parsed": sympy.sstr(transcribed), "detail": f"equal to {worst:.1e} relative at {tested} points"}
