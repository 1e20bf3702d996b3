"""What the audit does after the verdict of a claim: the follow-ups.

Each follow-up reads the claim and the outcome of its truth check and adds
findings to the record.  They run in the order of :data:`FOLLOWUPS`:

* the sweep -- claimed and reference along one parameter through a counterexample;
* the diagnosis -- how a refuted line is wrong (a constant factor recognised in
  closed form, a sign, an offset), and the corrected form (the author's, or the
  claimed form divided by the recognised factor), itself audited;
* the transcription check -- the note's LaTeX parsed and compared with the SymPy form;
* "does it follow?" -- the line against the line above it in its derivation.

A new analysis is one function with the signature of :data:`FollowUp`, added to the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import sympy

from numerics.context import stable_seed
from numerics.decide import AGREE, DISAGREE, UNDECIDED
from numerics.diagnose import constant_relation
from numerics.estimate import Estimate
from numerics.search import Evaluation, point_key, search

from ..api import Claim, Point, Sampled
from .record import jsonable
from .settings import AuditSettings
from .sides import describe, describe_format, scaled
from .verdict import PointRecord, Side, SideCheck, _counterexample, base_context, check_point, check_sides, claim_context, recheck_context

Lookup = Callable[[str], "Claim | None"]


@dataclass(frozen=True)
class Findings:
    """What one follow-up adds: record fields, and keys added to the record's evidence."""

    fields: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)


FollowUp = Callable[[Claim, SideCheck, AuditSettings, Lookup], Findings]


def _sigmas(rec: PointRecord) -> tuple[np.ndarray, np.ndarray]:
    """Standard uncertainties (statistical and deterministic) of the two sides at one point."""
    shape = np.shape(rec.reference.value)

    def one(e: Estimate) -> np.ndarray:
        se = np.zeros(shape) if e.std_error is None else np.broadcast_to(np.asarray(e.std_error, float), shape)
        return np.sqrt(se**2 + np.broadcast_to(np.abs(e.abs_error), shape) ** 2)

    return one(rec.claimed), one(rec.reference)


def _extra_points(claim: Claim, claimed: Side, reference: Side, settings: AuditSettings, count: int) -> list[Evaluation]:
    """More points for the diagnosis, spread over the parameter space (see :mod:`numerics.spread`)."""
    from numerics.spread import spread_points

    ctx = claim_context(claim, settings, "diagnosis")
    points = spread_points(claim.params, count, stable_seed(settings.seed, claim.id, "diagnosis") % (2**32), f"{claim.id}:diagnosis")
    return [check_point(claim, claimed, reference, point, ctx, settings) for point in points]


def _diagnosis_pool(claim: Claim, check: SideCheck, settings: AuditSettings, spread: int = 6) -> list[Evaluation]:
    """The points a refutation is explained on: those tested, plus ``spread`` points away from special values
    (Hypothesis favours h = k, rho = 0, bounds, where a wrong formula may be a constant multiple of the truth)."""
    pool = check.evaluations + ([check.failing] if check.failing else [])
    pool = pool + _extra_points(claim, claim.claimed, claim.reference, settings, spread)
    recs: dict[str, Evaluation] = {}
    for e in pool:
        if e.record is not None and e.record.comparison is not None:
            recs.setdefault(point_key(e.point), e)
    return list(recs.values())


def _diagnose(
    claim: Claim, check: SideCheck, settings: AuditSettings, pool: list[Evaluation] | None = None
) -> tuple[str, tuple[float, str] | None]:
    """Explain a refutation; returns (text, (k, LaTeX of k) with claimed = k * truth, or None)."""
    recs = {point_key(e.point): e for e in (pool if pool is not None else _diagnosis_pool(claim, check, settings))}
    finite = [e for e in recs.values() if np.all(np.isfinite(e.record.claimed.value))]
    parts: list[str] = []
    factor = None
    if check.failing is not None and not np.all(np.isfinite(check.failing.record.claimed.value)):
        parts.append(f"the claimed expression is undefined (division by zero or nan) at {jsonable(dict(check.failing.point))}")
    if len(finite) >= 3:
        relation = constant_relation(
            [e.record.claimed.value for e in finite],
            [e.record.reference.value for e in finite],
            [_sigmas(e.record)[0] for e in finite],
            [_sigmas(e.record)[1] for e in finite],
            alpha=settings.alpha,
        )
        if relation.kind in ("factor", "sign"):
            # correct only by a recognised constant, never by a fitted number
            factor = (relation.value, relation.closed_form) if relation.closed_form else None
            parts.append(relation.text + f", at all {len(finite)} points examined")
        elif relation.kind in ("offset", "zero"):
            parts.append(relation.text + f", at all {len(finite)} points examined")
        else:
            ratios = []
            for e in finite:
                c, r = np.ravel(e.record.claimed.value), np.ravel(e.record.reference.value)
                ok = np.abs(r) > 0.05 * max(np.max(np.abs(r)), 1e-300)
                ratios += list(c[ok] / r[ok])
            if ratios and any(np.iscomplexobj(x) for x in ratios):  # complex: the modulus and the phase vary
                mods, args = np.abs(ratios), np.angle(ratios)
                parts.append(
                    f"not a constant factor or offset: |claimed/truth| ranges over [{mods.min():.4g}, {mods.max():.4g}] "
                    f"and its phase over [{args.min():.3g}, {args.max():.3g}] on the {len(finite)} points examined"
                )
            elif ratios:
                parts.append(
                    f"not a constant factor or offset: claimed/truth ranges over [{min(ratios):.4g}, {max(ratios):.4g}] "
                    f"on the {len(finite)} points examined"
                )
    if claim.diagnose is not None and check.failing is not None:
        rec: PointRecord = check.failing.record
        extra = claim.diagnose(Point(check.failing.point), rec.claimed.value, rec.reference.value)
        if extra:
            parts.append(extra)
    return "; ".join(parts), factor


def _sweep(claim: Claim, check: SideCheck, settings: AuditSettings) -> dict | None:
    """Claimed and reference along one parameter through the counterexample (scalar claims).

    The parameter is the first float-valued one; its range is the range of
    values the search tested (so it stays inside the stated space).  The
    report draws this; it never re-runs a claim.
    """
    if check.failing is None or np.ndim(check.failing.record.reference.value) != 0:
        return None
    point = dict(check.failing.point)
    seen = [e.point for e in check.evaluations]
    for name, value in point.items():
        if isinstance(value, float):
            lo = min(float(q[name]) for q in seen)
            hi = max(float(q[name]) for q in seen)
            if hi > lo:
                break
    else:
        return None
    n = 9 if isinstance(claim.reference, Sampled) or isinstance(claim.claimed, Sampled) else 17
    # values the strategy itself drew (a linspace could cross a gap of a filtered or union strategy)
    from numerics.spread import sweep_values

    drawn = sweep_values({name: claim.params[name]}, name, n, stable_seed(settings.seed, claim.id, "sweep") % (2**32), f"{claim.id}:sweep")
    values = sorted(set(drawn if len(drawn) >= 3 else np.linspace(lo, hi, n).tolist()) | {float(point[name])})
    ctx = claim_context(claim, settings, "sweep")
    rows = []
    for v in values:
        ev = check_point(claim, claim.claimed, claim.reference, {**point, name: v}, ctx, settings)
        if ev.record is None or ev.record.comparison is None:
            continue
        rows.append((v, ev.record.claimed.value, ev.record.reference.value, _sigmas(ev.record)[1]))
    if len(rows) < 3:
        return None
    return {
        "param": name,
        "fixed": jsonable({k: v for k, v in point.items() if k != name}),
        "values": [r[0] for r in rows],
        "claimed": jsonable([r[1] for r in rows]),
        "reference": jsonable([r[2] for r in rows]),
        "reference_uncertainty": jsonable([r[3] for r in rows]),
    }



def _correction(
    claim: Claim, factor: tuple[float, str] | None, settings: AuditSettings, original: SideCheck | None = None
) -> dict | None:
    """Audit a corrected form like a claim: against the claim's own independent reference, with as many
    points as the truth check, and again at every point the truth check evaluated (so a correction is
    never confirmed on fewer or less spread-out points than the line it corrects).  A follows-only line
    has no independent reference, so a correction of it is not audited (a form that only matches a line
    of the note is not a correction)."""
    if claim.follows_only:
        return None
    if claim.corrected is not None:
        side, latex, source, remark = claim.corrected.claimed, claim.corrected.latex, "author", claim.corrected.remark
        encoded, encoded_format = describe(side), describe_format(side)
    elif factor is not None:
        k, k_latex = factor
        side = scaled(claim.claimed, k)
        if isinstance(side, sympy.Basic):
            latex = sympy.latex(sympy.simplify(side)) if sympy.count_ops(side) < 80 else sympy.latex(side)
            encoded, encoded_format = describe(side), "latex"
        else:
            latex = rf"\frac{{1}}{{{k_latex}}} \times \Big[ {claim.latex} \Big]"
            encoded, encoded_format = f"claimed(p) / {k!r}  # the recognised factor {k_latex}", "python"
        source, remark = "derivcheck", f"the claimed form divided by the recognised factor ${k_latex}$"
    else:
        return None
    check = check_sides(claim, side, claim.reference, settings, "corrected", max_examples=settings.max_examples)
    verdict, counterexample, reason = check.verdict, check.counterexample, check.reason
    replayed = _replay(claim, side, settings, original) if original is not None else []
    disagree = [e for e in replayed if e.status == DISAGREE]
    undecided = [e for e in replayed if e.status == UNDECIDED]
    if verdict in ("proved", "confirmed") and disagree:
        # a disagreement is a refutation only when it reproduces on an independent re-check
        recheck_ctx = recheck_context(base_context(settings, claim.id, "corrected-replay"), settings)
        again = check_point(claim, side, claim.reference, dict(disagree[0].point), recheck_ctx, settings)
        if again.status == DISAGREE:
            verdict, counterexample = "refuted", _counterexample(again)
            reason = f"disagrees at {len(disagree)} of the {len(replayed)} points of the original check"
        else:
            verdict = "inconclusive"
            reason = (f"disagrees at {len(disagree)} of the {len(replayed)} points of the original check, "
                      f"but not on an independent re-check ({again.record.reason or again.status})")
    elif verdict in ("proved", "confirmed") and undecided:
        verdict = "inconclusive"
        reason = f"{len(undecided)} of the {len(replayed)} points of the original check could not be decided: {undecided[0].record.reason}"
    check.evidence["replayed_points"] = len(replayed)
    check.evidence["points_tested"] = check.evidence.get("points_tested", 0) + len(replayed)
    return {
        "latex": latex,
        "verdict": verdict,
        "source": source,
        "remark": remark,
        "encoded": encoded,
        "encoded_format": encoded_format,
        "evidence": check.evidence,
        "counterexample": counterexample,
        "reason": reason or None,
    }


def _replay(claim: Claim, side: Side, settings: AuditSettings, original: SideCheck) -> list[Evaluation]:
    """``side`` against the reference at every distinct point the original truth check evaluated."""
    ctx = claim_context(claim, settings, "corrected-replay")
    seen: dict[str, dict] = {}
    for e in original.evaluations + ([original.failing] if original.failing is not None else []):
        seen.setdefault(point_key(e.point), dict(e.point))
    return [check_point(claim, side, claim.reference, point, ctx, settings) for point in seen.values()]


def _follows(
    claim: Claim, previous: Claim | None, settings: AuditSettings, max_examples: int | None = None
) -> tuple[bool | None, dict | None]:
    form = claim.previous_form if claim.previous_form is not None else (previous.claimed if previous else None)
    if previous is None or form is None or claim.claimed is None:
        return None, None
    check = check_sides(claim, claim.claimed, form, settings, "follows", max_examples=max_examples or settings.follows_examples)
    value = {"proved": True, "confirmed": True, "refuted": False}.get(check.verdict)
    detail = {
        "from": previous.id,
        "verdict": check.verdict,
        "method": check.method,
        "points_tested": check.evidence.get("points_tested"),
        "resolution_text": check.evidence.get("resolution_text"),
        "counterexample": check.counterexample,
        "reason": check.reason or None,
        "certified": bool(check.evidence.get("certified")),
    }
    return value, detail



# --------------------------------------------------------------------------- the follow-ups
def sweep(claim: Claim, check: SideCheck, settings: AuditSettings, lookup: Lookup) -> Findings:
    if check.verdict != "refuted":
        return Findings()
    return Findings(evidence={"sweep": _sweep(claim, check, settings)})


def diagnosis_and_correction(claim: Claim, check: SideCheck, settings: AuditSettings, lookup: Lookup) -> Findings:
    if check.verdict == "refuted":
        pool = _diagnosis_pool(claim, check, settings)
        text, factor = _diagnose(claim, check, settings, pool)
        found = {"diagnosis": text or None, "corrected": _correction(claim, factor, settings, check)}
        # a refuted factor correction withdraws the "constant factor"
        if factor is not None and claim.corrected is None and (found["corrected"] or {}).get("verdict") == "refuted":
            found["diagnosis"] = (f"claimed/truth looked constant ({factor[1]}) at the points examined, but the claimed "
                                  f"form divided by it is refuted: the ratio is not constant")
            found["corrected"]["remark"] += " (refuted: not a constant factor)"
        # corrections found by typo search (single edits of a SymPy claimed side), audited like claims
        from .typo_search import typo_followup

        typos = typo_followup(claim, pool, settings)
        if typos is not None:
            found["typo_search"] = typos
            if typos.get("diagnosis"):
                found["diagnosis"] = "; ".join(x for x in (found["diagnosis"], typos["diagnosis"]) if x)
            if typos.get("corrected") and (found["corrected"] is None or found["corrected"]["verdict"] == "refuted"):
                found["corrected"] = typos["corrected"]
        return Findings(found)
    if claim.corrected is not None:
        return Findings({"corrected": _correction(claim, None, settings, check)})
    return Findings()


def transcription_check(claim: Claim, check: SideCheck, settings: AuditSettings, lookup: Lookup) -> Findings:
    from . import transcription

    return Findings({"transcription": transcription.check(claim, [e.point for e in check.evaluations[:5]], settings.dps)})


def follows(claim: Claim, check: SideCheck, settings: AuditSettings, lookup: Lookup) -> Findings:
    if not claim.after:
        return Findings()
    value, detail = _follows(claim, lookup(claim.after), settings)
    return Findings({"follows": value}, {"follows": detail})


FOLLOWUPS: tuple[FollowUp, ...] = (sweep, diagnosis_and_correction, transcription_check, follows)


def follows_only(claim: Claim, settings: AuditSettings, lookup: Lookup) -> dict:
    """A line compared only with the line above: the "does it follow?" answer, at the full number of points.

    Its truth verdict is left ``inconclusive`` here; :func:`.runner.resolve_follows_only` replaces it by
    the truth of the chain's root once every line has been audited.
    """
    previous = lookup(claim.after) if claim.after else None
    value, detail = _follows(claim, previous, settings, max_examples=settings.max_examples)
    return {
        "follows": value, "verdict": "inconclusive", "method": detail["method"] if detail else claim.method,
        "evidence": {"points_tested": detail["points_tested"] if detail else 0, "follows": detail},
        "diagnosis": (f"follows-only: compared with {claim.after} (the line above) and not with the truth; "
                      "its truth is that of its chain's root"),
    }
