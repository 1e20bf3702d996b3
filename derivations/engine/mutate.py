r"""Mutation testing of a claim suite: would a confirmation have caught a wrong line?

"Confirmed" is only as strong as the smallest error the check could have seen.
For every claim the audit proves or confirms, the claimed side :math:`c` is
replaced by *mutants* and audited again, exactly as the audit did (same
parameter points, same random numbers, same decision rule and re-check):

* gross mutants: :math:`2c` and :math:`-c`;
* relative mutants: :math:`(1+\delta)\,c` for :math:`\delta = 10\,\%, 1\,\%, 0.1\,\%`;
* for a claim whose value is 0 at every point tested (no factor can move it):
  :math:`c + \delta S` for :math:`\delta = 1` (gross) and the same three
  :math:`\delta`, where :math:`S` is the claim's natural scale
  (``Tolerances.scale``, else the largest :math:`|{\rm reference}|` over the
  points tested).

A mutant is *killed* when its audit is ``refuted``.  The *power* of a claim
is the smallest :math:`\delta` whose mutant is killed.  A claim whose 1 %
mutant survives says why (the resolution of its check, a value 0 without a
natural scale, a discrepancy that did not reproduce).

Mutants are judged by numbers only (no SymPy proof is attempted for them) and
are not shrunk: only the refutation and its independent re-check matter here.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import sympy

from numerics.estimate import Estimate

from ..api import Claim, Sampled, Side
from .record import jsonable
from .settings import AuditSettings
from .sides import evaluate_sympy
from .sides import scaled as divided
from .verdict import SideCheck, check_sides

DELTAS = (0.1, 0.01, 0.001)
TARGET = 0.01  # the bar: every confirmation would have caught a 1 % error
CHECKED = ("proved", "confirmed")


@dataclass(frozen=True)
class Mutant:
    """One deliberate error: ``c -> factor * c`` or ``c -> c + offset * S``."""

    name: str
    gross: bool
    delta: float | None = None
    factor: float | None = None
    offset: float | None = None


def scaling_mutants() -> list[Mutant]:
    return [Mutant("x2", True, factor=2.0), Mutant("x(-1)", True, factor=-1.0)] + [
        Mutant(f"x(1+{d:g})", False, delta=d, factor=1.0 + d) for d in DELTAS
    ]


def offset_mutants() -> list[Mutant]:
    return [Mutant("+1*S", True, delta=1.0, offset=1.0)] + [
        Mutant(f"+{d:g}*S", False, delta=d, offset=d) for d in DELTAS
    ]


# --------------------------------------------------------------------------- mutated sides
def _numbers_only(side: Side) -> Side:
    """A SymPy side as a function side, so that no proof is attempted for a mutant."""
    if isinstance(side, sympy.Basic):
        expr = side
        return lambda p, ctx: evaluate_sympy(expr, p, ctx.dps)
    return side


def _as_expr(side: Side) -> Side:
    if isinstance(side, (int, float)) and not isinstance(side, bool):
        return sympy.Float(side, 40) if isinstance(side, float) else sympy.Integer(side)
    return side


def scaled(side: Side, factor: float) -> Side:
    """``factor * side``, by the engine's own scaling of a side (which divides by k)."""
    return _numbers_only(divided(_as_expr(side), 1.0 / factor))


def _shift(value: object, a: float) -> object:
    if isinstance(value, Estimate):
        hp = None if value.high_precision is None else value.high_precision + a
        return dataclasses.replace(value, value=np.asarray(value.value, dtype=float) + a, high_precision=hp)
    return np.asarray(value, dtype=float) + a


def offset(side: Side, a: float) -> Side:
    """``side + a`` (every entry of a vector or matrix side moves by ``a``)."""
    side = _as_expr(side)
    if isinstance(side, sympy.Basic):
        return _numbers_only(side + sympy.Float(a, 40))
    if isinstance(side, Sampled):
        return Sampled(side.dim, lambda p, *drawn: np.asarray(side.statistic(p, *drawn), dtype=float) + a,
                       side.description, side.data)
    from .sides import arity as _arity

    if _arity(side) == 1:
        return lambda p: _shift(side(p), a)
    return lambda p, ctx: _shift(side(p, ctx), a)


# --------------------------------------------------------------------------- one claim
def _values(check: SideCheck) -> tuple[float, float, float]:
    """(max |claimed|, max |reference|, max tolerance) over the points of a check."""
    c = r = tol = 0.0
    for e in check.evaluations:
        rec = e.record
        if rec is None or rec.comparison is None:
            continue
        c = max(c, float(np.max(np.abs(rec.claimed.value), initial=0.0)))
        r = max(r, float(np.max(np.abs(rec.reference.value), initial=0.0)))
        if np.isfinite(rec.comparison.tolerance):
            tol = max(tol, rec.comparison.tolerance)
    return c, r, tol


def _run(claim: Claim, mutant: Mutant, side: Side, settings: AuditSettings) -> tuple[dict, SideCheck]:
    start = time.perf_counter()
    # the label "truth": the mutant is tested at the audit's points, on the audit's random numbers
    check = check_sides(claim, side, claim.reference, settings, "truth")
    row = {
        "name": mutant.name,
        "gross": mutant.gross,
        "delta": mutant.delta,
        "factor": mutant.factor,
        "offset": mutant.offset,
        "verdict": check.verdict,
        "killed": check.verdict == "refuted",
        "reason": check.reason or (check.counterexample or {}).get("reason") or None,
        "seconds": round(time.perf_counter() - start, 3),
    }
    return row, check


def _why_not(claim: Claim, record: dict, rows: list[dict], zero: bool, scale: float | None, scale_source: str | None) -> str:
    """Why the 1 % mutant survived, in one sentence."""
    ev = record.get("evidence") or {}
    resolution = ev.get("resolution")
    one = next((m for m in rows if m["delta"] == TARGET and not m["gross"]), None)
    if claim.tolerances.rtol is not None and claim.tolerances.rtol >= TARGET:
        return (f"the claim is an approximation, accepted within a stated relative tolerance of "
                f"{claim.tolerances.rtol:g} (Tolerances.rtol): an error below it is not an error of the claim")
    if zero and not scale:
        return ("the claim's value is 0 at every point tested and it has no natural scale "
                "(no Tolerances.scale, and the reference is 0 too): no offset can be sized")
    if resolution is not None and resolution > TARGET:
        text = ev.get("resolution_text") or f"{resolution:.1e} relative ({record.get('method')})"
        return f"the check's resolution, {text}, is coarser than 1 %: a 1 % error lies within the tolerance"
    if zero and scale_source == "reference":
        return (f"the claim's value is 0 and its scale S = {scale:.3g} is taken from the reference "
                "over the points tested (declare Tolerances.scale for a firmer one)")
    if one is not None and one["verdict"] == "inconclusive":
        return f"the 1 % mutant's audit was inconclusive: {one['reason']}"
    return ("the 1 % mutant agreed at every point tested (the tolerance is relative to the largest "
            "value over the points, and the value is small where the mutant was tested)")


def mutate_claim(claim: Claim, record: dict, settings: AuditSettings) -> dict | None:
    """The mutation record of one proved/confirmed claim (None for other verdicts)."""
    if record.get("verdict") not in CHECKED:
        return None
    start = time.perf_counter()
    settings = replace(settings, shrink_budget=0, database=None)
    try:
        rows: list[dict] = []
        first, check = _run(claim, Mutant("x2", True, factor=2.0), scaled(claim.claimed, 2.0), settings)
        c, r, tol = _values(check)
        zero = not first["killed"] and c / 2.0 <= tol
        scale, scale_source = None, None
        if zero:
            if claim.tolerances.scale:
                scale, scale_source = float(claim.tolerances.scale), "Tolerances.scale"
            elif r > tol:
                scale, scale_source = r, "reference"
            for m in offset_mutants():
                if scale:
                    rows.append(_run(claim, m, offset(claim.claimed, m.offset * scale), settings)[0])
                else:
                    rows.append({**dataclasses.asdict(m), "verdict": None, "killed": False,
                                 "reason": "no natural scale to size the offset", "seconds": 0.0})
        else:
            rows.append(first)
            for m in scaling_mutants()[1:]:
                rows.append(_run(claim, m, scaled(claim.claimed, m.factor), settings)[0])
        killed = sorted(m["delta"] for m in rows if m["killed"] and not m["gross"])
        power = killed[0] if killed else None
        reaches = any(m["killed"] for m in rows if m["delta"] == TARGET and not m["gross"])
        out = {
            "value_is_zero": zero,
            "natural_scale": jsonable(scale),
            "scale_source": scale_source,
            "mutants": rows,
            "power": power,
            "gross_killed": all(m["killed"] for m in rows if m["gross"]),
            "reaches_target": reaches,
            "target": TARGET,
            "survivors": [m["name"] for m in rows if not m["killed"]],
            "why_not": None if reaches else _why_not(claim, record, rows, zero, scale, scale_source),
        }
    except Exception as exc:  # noqa: BLE001 - a mutant's code failed; the others go on
        out = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(limit=6),
               "mutants": [], "power": None, "gross_killed": False, "reaches_target": False, "target": TARGET,
               "survivors": [], "why_not": f"mutation failed: {type(exc).__name__}: {exc}"}
    out["seconds"] = round(time.perf_counter() - start, 3)
    return out


def attach(claim: Claim, record: dict, settings: AuditSettings) -> None:
    """The runner's per-claim hook: add ``record["mutation"]`` (in the worker process)."""
    m = mutate_claim(claim, record, settings)
    if m is not None:
        record["mutation"] = m


# --------------------------------------------------------------------------- the suite
def summary(results: Sequence[dict]) -> dict:
    """Suite-level figures of the ``mutation`` records of ``results``."""
    rows = [r for r in results if r.get("mutation")]
    n = len(rows)
    gross = sum(1 for r in rows if r["mutation"]["gross_killed"])
    reach = sum(1 for r in rows if r["mutation"]["reaches_target"])
    powers = [r["mutation"]["power"] for r in rows if r["mutation"]["power"] is not None]
    by_method: dict[str, list[int]] = {}
    for r in rows:
        by_method.setdefault(r.get("method") or "?", [0, 0])
        by_method[r.get("method") or "?"][0] += 1
        by_method[r.get("method") or "?"][1] += int(r["mutation"]["reaches_target"])
    return {
        "deltas": list(DELTAS),
        "target": TARGET,
        "claims": n,
        "gross_killed": gross,
        "reaches_target": reach,
        "fraction_reaching_target": (reach / n) if n else None,
        "median_power": statistics.median(powers) if powers else None,
        "by_method": {k: {"claims": v[0], "reaches_target": v[1]} for k, v in sorted(by_method.items())},
        "gross_survivors": [r["id"] for r in rows if not r["mutation"]["gross_killed"]],
        "below_target": [r["id"] for r in rows if not r["mutation"]["reaches_target"]],
    }


def run_mutation(registry, claims: Sequence[Claim], settings: AuditSettings,
                 on_result: Callable[[dict], None] | None = None) -> dict:
    """Audit ``claims`` (in the runner's pool) and mutate the proved/confirmed ones.

    The document is an audit result file with a ``mutation`` record on each
    mutated claim and a ``mutation`` summary at the top level.
    """
    from .runner import run

    document = run(registry, claims, replace(settings, database=None), on_result=on_result, per_claim=attach)
    document["mutation"] = summary(document["results"])
    return document
