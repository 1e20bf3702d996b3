"""Auditing one claim: search, re-check, diagnose, correct, and "does it follow?".

The verdict of a checkable claim is computed here, on every run:

1. if both sides are SymPy expressions, a proof of claimed - reference = 0 is
   attempted under a hard deadline;
2. Hypothesis draws parameter points; at each the two sides are evaluated and
   compared with :func:`numerics.decide.compare`;
3. the first disagreement is shrunk to a simple point and re-checked with
   independent random numbers (``recheck_sample_factor`` x the samples) and
   ``recheck_extra_dps`` more digits; only a disagreement that reproduces is
   ``refuted``, one that does not is ``inconclusive``;
4. points where the numerics failed make the claim ``inconclusive`` (never
   ``confirmed``); otherwise it is ``confirmed`` (or ``proved`` when the proof
   succeeded and the numerics agree).
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import sympy

from numerics import symbolic
from numerics.context import Context, stable_seed
from numerics.datamodels import NotPositiveSemidefinite
from numerics.decide import AGREE, DISAGREE, UNDECIDED, Comparison, Tolerance, compare, overall_resolution
from numerics.diagnose import constant_relation
from numerics.estimate import Estimate
from numerics.ode import IntegrationError
from numerics.quadrature import QuadratureError
from numerics.search import Evaluation, point_key, search

from .api import TODO, Claim, Point, Sampled, Side
from .settings import AuditSettings
from .sides import describe, describe_format, evaluate_pair

NUMERICAL_FAILURES = (
    QuadratureError, IntegrationError, NotPositiveSemidefinite, FloatingPointError,
    np.linalg.LinAlgError, mpmath.libmp.NoConvergence, OverflowError,
)


@dataclass(frozen=True)
class PointRecord:
    comparison: Comparison | None
    claimed: Estimate | None
    reference: Estimate | None
    paired: bool = False
    reason: str = ""


@dataclass(frozen=True)
class SideCheck:
    """The outcome of comparing two sides over the parameter space."""

    verdict: str
    method: str | None
    evidence: dict
    counterexample: dict | None
    evaluations: list[Evaluation]
    failing: Evaluation | None
    reason: str = ""


# --------------------------------------------------------------------------- JSON helpers
def jsonable(value: Any) -> Any:
    """numpy / mpmath / SymPy values to plain JSON (non-finite numbers become null)."""
    if isinstance(value, Estimate):
        return jsonable(value.value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float, mpmath.mpf)):
        f = float(value)
        return f if np.isfinite(f) else None
    if isinstance(value, (complex, np.complexfloating, mpmath.mpc)):
        z = complex(value)
        return {"re": jsonable(z.real), "im": jsonable(z.imag)}
    if isinstance(value, sympy.Basic):
        return str(value)
    if value is None or isinstance(value, str):
        return value
    return repr(value)


def _tolerance(claim: Claim, settings: AuditSettings, c: Estimate, r: Estimate, dps: int) -> Tolerance:
    """The decision rule's floors: relative and absolute rounding allowances.

    Both sides in multiple precision: 10^-(dps-5) relative and absolute;
    otherwise double precision: 1e-9 relative, 1e-12 absolute (rounding is
    relative to the terms of a computation, so a true 0 needs an absolute floor).
    """
    t = claim.tolerances
    high = c.high_precision is not None and r.high_precision is not None
    default_rtol, default_atol = (10.0 ** (-(dps - 5)),) * 2 if high else (1e-9, 1e-12)
    return Tolerance(
        alpha=settings.alpha,
        rtol=t.rtol if t.rtol is not None else default_rtol,
        atol=t.atol if t.atol is not None else default_atol,
        max_resolution=t.max_resolution if t.max_resolution is not None else settings.max_resolution,
    )


# --------------------------------------------------------------------------- one point
def check_point(
    claim: Claim, claimed: Side, reference: Side, point: dict, ctx: Context, settings: AuditSettings
) -> Evaluation:
    """Evaluate both sides at ``point`` and compare them.  Claim-code errors propagate."""
    p = Point(point)
    ctx = ctx.derive(point_key(point))
    try:
        c, r, paired = evaluate_pair(claimed, reference, p, ctx)
        cmp = compare(c, r, _tolerance(claim, settings, c, r, ctx.dps))
    except NUMERICAL_FAILURES as exc:
        return Evaluation(point, UNDECIDED, PointRecord(None, None, None, reason=f"{type(exc).__name__}: {exc}"))
    return Evaluation(point, cmp.status, PointRecord(cmp, c, r, paired, cmp.reason))


def _base_context(settings: AuditSettings, claim_id: str, label: str, target: float | None = None) -> Context:
    """The context of one check; with a ``target`` (relative resolution) sampled sides are estimated
    sequentially, growing the sample up to ``settings.sample_growth`` times until they resolve it."""
    sequential = target is not None and settings.sample_growth > 1
    return Context(
        dps=settings.dps, samples=settings.samples, chunk=settings.chunk, sampling=settings.sampling,
        seed_material=(settings.seed, claim_id, label), randomizations=settings.randomizations,
        target=target if sequential else None, growth=settings.sample_growth if sequential else 1,
    )


def _counterexample(ev: Evaluation) -> dict:
    rec: PointRecord = ev.record
    cmp = rec.comparison
    return {
        "params": jsonable(dict(ev.point)),
        "claimed": jsonable(rec.claimed.value),
        "reference": jsonable(rec.reference.value),
        "relative_error": jsonable(cmp.max_rel_discrepancy),
        "absolute_error": jsonable(cmp.max_abs_discrepancy),
        "tolerance": jsonable(cmp.tolerance),
        "uncertainty": jsonable(cmp.uncertainty),
        "worst_entry": list(cmp.worst_index),
        "reason": cmp.reason,
    }


def _resolution_text(method: str, resolution: float, z: float | None, dps: int) -> str:
    if not np.isfinite(resolution):
        return "no resolution"
    if method in ("montecarlo", "qmc"):
        what = "Monte Carlo" if method == "montecarlo" else "randomized QMC"
        return f"{resolution:.1e} relative by {what} at z = {z:.1f}"
    if method == "quadrature":
        return f"{resolution:.1e} relative by quadrature"
    if method == "ode":
        return f"{resolution:.1e} relative by ODE integration"
    if method == "symbolic":
        return f"exact (SymPy proof); numerics agree to {resolution:.1e}"
    return f"{resolution:.1e} relative ({method})"


def _evidence(evals: list[Evaluation], settings: AuditSettings, method: str, dps: int, natural_scale: float = 0.0) -> dict:
    cmps = [e.record.comparison for e in evals if e.record is not None and e.record.comparison is not None]
    undecided = [e for e in evals if e.status == UNDECIDED]
    finite = [c for c in cmps if np.isfinite(c.max_abs_discrepancy)]
    resolution = overall_resolution(cmps, natural_scale)
    zs = [c.z_threshold for c in cmps if c.z_threshold is not None]
    samples = [e.record.reference.samples for e in evals if e.record and e.record.reference is not None and e.record.reference.samples]
    details = sorted({e.record.reference.detail for e in evals if e.record and e.record.reference is not None and e.record.reference.detail})
    ev = {
        "points_tested": len(evals),
        "max_discrepancy": jsonable(max((c.max_abs_discrepancy for c in finite), default=None)),
        # relative to the size of the quantity over all points (a point where the truth is 0 has no scale of its own)
        "max_relative_discrepancy": jsonable(
            max((c.max_abs_discrepancy for c in finite), default=0.0) / max(max((c.scale for c in finite), default=0.0), natural_scale)
            if finite and max(max((c.scale for c in finite), default=0.0), natural_scale) > 0 else None
        ),
        "uncertainty": jsonable(max((c.uncertainty for c in cmps if np.isfinite(c.uncertainty)), default=None)),
        "resolution": jsonable(resolution),
        "resolution_text": _resolution_text(method, resolution, max(zs) if zs else None, dps),
        "z_threshold": jsonable(max(zs)) if zs else None,
        "alpha": settings.alpha,
        "samples_per_point": jsonable(max(samples)) if samples else None,
        "precision_digits": dps if method in ("quadrature", "symbolic", "exact") else None,
        "reference_detail": "; ".join(details)[:600] if details else None,
        "undecided_points": len(undecided),
    }
    if undecided:
        ev["undecided_reasons"] = sorted({e.record.reason for e in undecided})[:5]
    return ev


def _method_of(claim: Claim, evals: list[Evaluation], proved: bool) -> str | None:
    if proved:
        return "symbolic"
    if claim.method:
        return claim.method
    for e in evals:
        if e.record is not None and e.record.reference is not None:
            return e.record.reference.method
    return None


def check_sides(
    claim: Claim, claimed: Side, reference: Side, settings: AuditSettings, label: str, max_examples: int | None = None
) -> SideCheck:
    """Compare ``claimed`` with ``reference`` over the claim's parameter space."""
    # sampling finer than the claim's own stated tolerance (an approximation) would be wasted
    target = settings.target_resolution
    if target is not None and claim.tolerances.rtol is not None:
        target = max(target, claim.tolerances.rtol)
    ctx = _base_context(settings, claim.id, label, target)
    # Once a disagreement is found, Hypothesis only shrinks it: a shrink candidate is kept only if it
    # still disagrees, so it may be tested more cheaply (1/4 of the samples, 10 fewer digits, no
    # sequential growth) -- a missed candidate just means a less simple counterexample; the final
    # point is re-checked at 4x the full sample size and more digits.
    cheap = ctx.derive(samples=max(settings.samples // 4, 1024), dps=max(settings.dps - 10, 15), growth=1)
    found: list[bool] = []

    def evaluate(point: dict) -> Evaluation:
        ev = check_point(claim, claimed, reference, point, (cheap if found else ctx).derive("search"), settings)
        if ev.status == DISAGREE:
            found.append(True)
        return ev

    outcome = search(
        claim.params,
        evaluate,
        max_examples=max_examples or settings.max_examples,
        shrink_budget=settings.shrink_budget,
        # lines of one chain are tested at the same points (their reference values are shared)
        seed=stable_seed(settings.seed, claim.chain or claim.id, label) % (2**32),
        key=f"{claim.id}:{label}",
        database=Path(settings.database) if settings.database else None,
    )
    evals = outcome.evaluations
    proof = None
    if isinstance(claimed, sympy.Basic) and isinstance(reference, sympy.Basic):
        anchor = dict(evals[0].point) if evals else None
        proof = symbolic.prove_equal(claimed, reference, settings.symbolic_timeout, anchor)
    proved = proof is not None and proof.status == symbolic.PROVED
    method = _method_of(claim, evals, proved)
    evidence = _evidence(evals, settings, method or "exact", settings.dps, claim.tolerances.scale or 0.0)
    if proof is not None:
        evidence["proof"] = {"status": proof.status, "detail": proof.detail, "seconds": round(proof.seconds, 3)}
    if outcome.failing is not None:
        failing = outcome.failing
        recheck_ctx = ctx.derive("recheck").derive(
            samples=settings.samples * settings.recheck_sample_factor, dps=settings.dps + settings.recheck_extra_dps
        )
        again = check_point(claim, claimed, reference, dict(failing.point), recheck_ctx, settings)
        evidence["recheck"] = {
            "status": again.status,
            "samples": jsonable(again.record.reference.samples) if again.record and again.record.reference else None,
            "precision_digits": settings.dps + settings.recheck_extra_dps,
            "relative_error": jsonable(again.record.comparison.max_rel_discrepancy) if again.record and again.record.comparison else None,
            "reason": again.record.reason if again.record else "",
        }
        if again.status == DISAGREE:
            cx = _counterexample(again)
            cx["first_seen"] = _counterexample(failing)
            return SideCheck("refuted", method, evidence, cx, evals, again)
        reason = (
            f"a discrepancy at {jsonable(dict(failing.point))} ({failing.record.reason}) did not reproduce "
            f"on an independent re-check ({again.record.reason or again.status})"
        )
        return SideCheck("inconclusive", method, evidence, None, evals, failing, reason)
    if outcome.problem:
        return SideCheck("inconclusive", method, evidence, None, evals, None, outcome.problem)
    undecided = [e for e in evals if e.status == UNDECIDED]
    if undecided:
        reason = f"{len(undecided)} of {len(evals)} points could not be decided: {undecided[0].record.reason}"
        return SideCheck("inconclusive", method, evidence, None, evals, None, reason)
    if not evals:
        return SideCheck("inconclusive", method, evidence, None, evals, None, "no parameter point was tested")
    limit = claim.tolerances.max_resolution if claim.tolerances.max_resolution is not None else settings.max_resolution
    resolution = evidence.get("resolution")
    if resolution is None or not resolution <= limit:
        reason = (
            f"resolution {resolution if resolution is not None else float('inf'):.2g} (relative to the size of the quantity "
            f"over the points tested) is coarser than the required {limit:g}"
        )
        return SideCheck("inconclusive", method, evidence, None, evals, None, reason)
    return SideCheck("proved" if proved else "confirmed", method, evidence, None, evals, None)


# --------------------------------------------------------------------------- diagnosis
def _sigmas(rec: PointRecord) -> tuple[np.ndarray, np.ndarray]:
    """Standard uncertainties (statistical and deterministic) of the two sides at one point."""
    shape = np.shape(rec.reference.value)

    def one(e: Estimate) -> np.ndarray:
        se = np.zeros(shape) if e.std_error is None else np.broadcast_to(np.asarray(e.std_error, float), shape)
        return np.sqrt(se**2 + np.broadcast_to(np.abs(e.abs_error), shape) ** 2)

    return one(rec.claimed), one(rec.reference)


def _extra_points(claim: Claim, claimed: Side, reference: Side, settings: AuditSettings, count: int) -> list[Evaluation]:
    """More points for the diagnosis, drawn without stopping at disagreements."""
    if not claim.params:
        return []
    ctx = _base_context(settings, claim.id, "diagnosis")
    seen: list[Evaluation] = []

    def evaluate(point: dict) -> Evaluation:
        ev = check_point(claim, claimed, reference, point, ctx, settings)
        seen.append(ev)
        return Evaluation(point, AGREE)  # never stop, never shrink

    search(claim.params, evaluate, max_examples=count, shrink_budget=0,
           seed=stable_seed(settings.seed, claim.id, "diagnosis") % (2**32), key=f"{claim.id}:diagnosis")
    return seen


def _diagnose(claim: Claim, check: SideCheck, settings: AuditSettings) -> tuple[str, tuple[float, str] | None]:
    """Explain a refutation; returns (text, (k, LaTeX of k) with claimed = k * truth, or None)."""
    pool = check.evaluations + ([check.failing] if check.failing else [])
    if len({point_key(e.point) for e in pool}) < 4:
        pool = pool + _extra_points(claim, claim.claimed, claim.reference, settings, 3)
    recs: dict[str, Evaluation] = {}
    for e in pool:
        if e.record is not None and e.record.comparison is not None:
            recs.setdefault(point_key(e.point), e)
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
            if ratios:
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
    values = sorted(set(np.linspace(lo, hi, n).tolist()) | {float(point[name])})
    ctx = _base_context(settings, claim.id, "sweep")
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


def _scaled_side(side: Side, k: float) -> Side:
    if isinstance(side, sympy.Basic):
        return side / sympy.nsimplify(k, [sympy.pi], tolerance=1e-12, rational=False)
    if isinstance(side, Sampled):
        return Sampled(side.dim, lambda p, eps: np.asarray(side.statistic(p, eps)) / k, side.description)
    from .sides import _arity

    if _arity(side) == 1:
        return lambda p: (lambda v: v.scaled(1 / k) if isinstance(v, Estimate) else np.asarray(v, dtype=float) / k)(side(p))
    return lambda p, ctx: (lambda v: v.scaled(1 / k) if isinstance(v, Estimate) else np.asarray(v, dtype=float) / k)(side(p, ctx))


def _correction(claim: Claim, factor: tuple[float, str] | None, settings: AuditSettings) -> dict | None:
    if claim.corrected is not None:
        side, latex, source, remark = claim.corrected.claimed, claim.corrected.latex, "author", claim.corrected.remark
        encoded, encoded_format = describe(side), describe_format(side)
    elif factor is not None:
        k, k_latex = factor
        side = _scaled_side(claim.claimed, k)
        if isinstance(side, sympy.Basic):
            latex = sympy.latex(sympy.simplify(side)) if sympy.count_ops(side) < 80 else sympy.latex(side)
            encoded, encoded_format = describe(side), "latex"
        else:
            latex = rf"\frac{{1}}{{{k_latex}}} \times \Big[ {claim.latex} \Big]"
            encoded, encoded_format = f"claimed(p) / {k!r}  # the recognised factor {k_latex}", "python"
        source, remark = "derivcheck", f"the claimed form divided by the recognised factor ${k_latex}$"
    else:
        return None
    check = check_sides(claim, side, claim.reference, settings, "corrected", max_examples=settings.follows_examples)
    return {
        "latex": latex,
        "verdict": check.verdict,
        "source": source,
        "remark": remark,
        "encoded": encoded,
        "encoded_format": encoded_format,
        "evidence": check.evidence,
        "counterexample": check.counterexample,
        "reason": check.reason or None,
    }


def _follows(claim: Claim, previous: Claim | None, settings: AuditSettings) -> tuple[bool | None, dict | None]:
    form = claim.previous_form if claim.previous_form is not None else (previous.claimed if previous else None)
    if previous is None or form is None or claim.claimed is None:
        return None, None
    check = check_sides(claim, claim.claimed, form, settings, "follows", max_examples=settings.follows_examples)
    value = {"proved": True, "confirmed": True, "refuted": False}.get(check.verdict)
    detail = {
        "from": previous.id,
        "verdict": check.verdict,
        "method": check.method,
        "points_tested": check.evidence.get("points_tested"),
        "resolution_text": check.evidence.get("resolution_text"),
        "counterexample": check.counterexample,
        "reason": check.reason or None,
    }
    return value, detail


# --------------------------------------------------------------------------- one claim
def source_records(claim: Claim) -> list[dict]:
    return [{"note": s.note, "equation": s.equation, "quote": s.quote} for s in claim.sources]


def audit_claim(claim: Claim, settings: AuditSettings, lookup: Callable[[str], Claim | None]) -> dict:
    """The result record of one claim, in the JSON schema of DESIGN.md."""
    start = time.perf_counter()
    result: dict[str, Any] = {
        "id": claim.id,
        "kind": claim.kind,
        "verdict": None,
        "sources": source_records(claim),
        "latex": claim.latex,
        "note_flag": claim.note_flag,
        "assumptions": list(claim.assumptions),
        "method": claim.method,
        "evidence": None,
        "counterexample": None,
        "diagnosis": None,
        "corrected": None,
        "follows": None,
        "inherits_from": None,
        "seconds": 0.0,
        "chain": claim.chain,
        "after": claim.after,
        "encoded": {
            "claimed": describe(claim.claimed), "claimed_format": describe_format(claim.claimed),
            "reference": describe(claim.reference), "reference_format": describe_format(claim.reference),
        },
        "remark": claim.remark or None,
        "defined_at": claim.defined_at,
        "params": sorted(claim.params),
    }
    try:
        if claim.problem:
            result["verdict"] = "error"
            result["diagnosis"] = claim.problem
        elif claim.kind != "claim":
            result["verdict"] = claim.kind
        elif claim.claimed is TODO or claim.reference is TODO:
            missing = [n for n, side in (("claimed", claim.claimed), ("reference", claim.reference)) if side is TODO]
            result["verdict"] = "inconclusive"
            result["diagnosis"] = (
                f"{' and '.join(missing)} not written: fill in {', '.join(m + '=' for m in missing)} "
                f"in {claim.defined_at}"
            )
        else:
            check = check_sides(claim, claim.claimed, claim.reference, settings, "truth")
            result["verdict"] = check.verdict
            result["method"] = check.method
            result["evidence"] = check.evidence
            result["counterexample"] = check.counterexample
            if check.verdict == "inconclusive":
                result["diagnosis"] = check.reason
            if check.verdict == "refuted":
                result["evidence"]["sweep"] = _sweep(claim, check, settings)
                text, factor = _diagnose(claim, check, settings)
                result["diagnosis"] = text or None
                result["corrected"] = _correction(claim, factor, settings)
            elif claim.corrected is not None:
                result["corrected"] = _correction(claim, None, settings)
            from . import transcription

            result["transcription"] = transcription.check(claim, [e.point for e in check.evaluations[:5]], settings.dps)
            if claim.after:
                follows, detail = _follows(claim, lookup(claim.after), settings)
                result["follows"] = follows
                result["evidence"]["follows"] = detail
    except Exception as exc:  # noqa: BLE001 - the claim's own code failed; keep the traceback
        result["verdict"] = "error"
        result["diagnosis"] = (
            f"module {claim.module}, claim {claim.id!r}: the claim's code raised {type(exc).__name__}: {exc}"
        )
        result["traceback"] = traceback.format_exc(limit=8)
    result["seconds"] = round(time.perf_counter() - start, 3)
    return result
