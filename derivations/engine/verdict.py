"""Is a side equal to another over the parameter space?  The verdict of one comparison.

1. If both sides are SymPy expressions, a proof of claimed - reference = 0 is
   attempted under a hard deadline;
2. Hypothesis draws parameter points; at each the two sides are evaluated and
   compared with :func:`numerics.decide.compare`;
3. the first disagreement is shrunk to a simple point and re-checked with
   independent random numbers (``recheck_sample_factor`` x the samples),
   ``recheck_extra_dps`` more digits and the independent quadrature route
   (another rule on other pieces); only a disagreement that reproduces is
   ``refuted``, one that does not is ``inconclusive`` (see :func:`_reproduced`:
   closed forms are decided in ball arithmetic, a proof; an uncertified
   deterministic discrepancy must exceed ``uncertified_floor`` and the drift
   of the sides between the two evaluations);
   points outside the claim's domain (a side raised ``OutsideDomain``) are
   recorded as ``domain`` and count neither way;
4. points where the numerics failed make the comparison ``inconclusive`` (never
   ``confirmed``); otherwise it is ``confirmed`` (or ``proved`` when the proof
   succeeded and the numerics agree).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import mpmath
import numpy as np
import sympy

from numerics import certify, symbolic
from numerics.context import Context, stable_seed
from numerics.decide import AGREE, DISAGREE, DOMAIN, UNDECIDED, Comparison, Tolerance, compare, overall_resolution
from numerics.domain import OutsideDomain
from numerics.errors import NumericalFailure
from numerics.estimate import Estimate
from numerics.search import Evaluation, point_key, search

from ..api import Claim, Point
from .record import jsonable
from .settings import AuditSettings
from .sides import SymPySide, evaluate_pair, nondeterministic, side

#: failures that make a point undecided (the numerics could not answer), not the claim's ``error``
NUMERICAL_FAILURES = (
    NumericalFailure, FloatingPointError, np.linalg.LinAlgError, mpmath.libmp.NoConvergence, OverflowError,
)

Side = Any  # what an author wrote for a side (see derivations.api)


@dataclass(frozen=True)
class PointRecord:
    comparison: Comparison | None
    claimed: Estimate | None
    reference: Estimate | None
    paired: bool = False
    reason: str = ""
    certified: dict | None = None  # ball-arithmetic outcome (numerics.certify) where both sides are closed forms


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



def _through_double(e: Estimate) -> bool:
    """The multiple-precision value is exactly a double with more than 40 significant bits: it was
    rounded to double precision somewhere on its path (an exact short dyadic like 1/2 is not)."""
    hp = e.high_precision
    if not isinstance(hp, mpmath.mpf) or not hp or not mpmath.isfinite(hp):
        return False
    mantissa = int(hp.man) if hasattr(hp, "man") else 0
    return mpmath.mpf(float(hp)) == hp and mantissa.bit_length() > 40


def _tolerance(claim: Claim, settings: AuditSettings, c: Estimate, r: Estimate, dps: int) -> Tolerance:
    """The decision rule's floors: relative and absolute rounding allowances.

    Both sides in multiple precision: 10^-(dps-5) relative and absolute;
    otherwise double precision: 1e-9 relative, 1e-12 absolute (rounding is
    relative to the terms of a computation, so a true 0 needs an absolute floor).
    """
    t = claim.tolerances
    # multiple-precision floors only where both values carry more digits than a double: a value that
    # is exactly a double with a long mantissa went through double precision on its way (path rounding)
    high = c.high_precision is not None and r.high_precision is not None and not (_through_double(c) or _through_double(r))
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
    ctx = ctx.at_point(point_key(point))
    try:
        c, r, paired = evaluate_pair(claimed, reference, p, ctx)
        cmp = compare(c, r, _tolerance(claim, settings, c, r, ctx.dps))
        cmp, cert = _certify(claimed, reference, point, ctx.dps, cmp)
        if cert is not None:
            return Evaluation(point, cmp.status, PointRecord(cmp, c, r, paired, cmp.reason, cert))
    except OutsideDomain as exc:  # a degenerate point: reported, never a verdict by chance
        return Evaluation(point, DOMAIN, PointRecord(None, None, None, reason=str(exc)))
    except NUMERICAL_FAILURES as exc:
        return Evaluation(point, UNDECIDED, PointRecord(None, None, None, reason=f"{type(exc).__name__}: {exc}"))
    return Evaluation(point, cmp.status, PointRecord(cmp, c, r, paired, cmp.reason))


def _closed_form(raw: Side) -> bool:
    """A side ball arithmetic can evaluate: a SymPy expression, or a side with a ``ball`` method
    (:func:`derivations.kinds.gaussian_expectation`)."""
    return isinstance(side(raw), SymPySide) or callable(getattr(raw, "ball", None))


def _certify(claimed: Side, reference: Side, point: dict, dps: int, cmp: Comparison) -> tuple[Comparison, dict | None]:
    """Decide a point between two closed forms in ball arithmetic (numerics.certify).

    Disjoint balls are a proof of disagreement; a difference ball inside the
    tolerance is a proven agreement.  Otherwise (or where Arb cannot evaluate
    a side) the mpmath comparison stands, and the record says why it was not
    certified.
    """
    if not (_closed_form(claimed) and _closed_form(reference)):
        return cmp, None
    try:
        cert = certify.compare(claimed, reference, point, dps, tolerance=cmp.tolerance)
    except certify.Uncertifiable as exc:
        return cmp, {"certified": False, "reason": f"not certified ({exc}); decided with mpmath"}
    record = {"certified": True, "disjoint": cert.disjoint, "bound": cert.bound, "lower": cert.lower, "digits": cert.digits}
    if cert.disjoint:
        reason = f"certified: the balls of the two sides are disjoint, |claimed - reference| >= {cert.lower:.3g} (Arb)"
        return replace(cmp, status=DISAGREE, reason=reason), record
    if cert.bound <= cmp.tolerance:
        return replace(cmp, status=AGREE, reason=""), record
    # the balls overlap but are wider than the tolerance: nothing proven either way
    return cmp, {"certified": False, "reason": f"Arb ball wider ({cert.bound:.3g}) than the tolerance; decided with mpmath"}


def base_context(settings: AuditSettings, claim_id: str, label: str, target: float | None = None) -> Context:
    """The context of one check; with a ``target`` (relative resolution) sampled sides are estimated
    sequentially, growing the sample up to ``settings.sample_growth`` times until they resolve it."""
    sequential = target is not None and settings.sample_growth > 1
    return Context(
        dps=settings.dps, samples=settings.samples, chunk=settings.chunk, sampling=settings.sampling,
        seed_material=(settings.seed, claim_id, label), normals_material=("normals", settings.seed, label),
        randomizations=settings.randomizations,
        target=target if sequential else None, growth=settings.sample_growth if sequential else 1,
        head=settings.sample_head if sequential else 1,
    )


def claim_context(claim: Claim, settings: AuditSettings, label: str) -> Context:
    """The context of one of ``claim``'s checks: sampled sides resolve the mode's target resolution, or the
    claim's own stated tolerance where it is coarser (sampling finer than an approximation's tolerance is
    wasted)."""
    target = settings.target_resolution
    if target is not None and claim.tolerances.rtol is not None:
        target = max(target, claim.tolerances.rtol)
    return base_context(settings, claim.id, label, target)


def recheck_context(ctx: Context, settings: AuditSettings, **changes: object) -> Context:
    """The context of a re-check of ``ctx``'s disagreement: fresh random numbers (the purpose is in the seed),
    more digits, and a sequential sample from the mode's whole sample (never fewer than the search used) up
    to ``recheck_sample_factor`` times it -- sooner only when the disagreement is plain (beyond 2z) or
    resolved to the target; a fixed ``ctx`` takes the whole larger sample at once."""
    return ctx.derive("recheck").derive(samples=settings.samples * settings.recheck_sample_factor,
                                        dps=settings.dps + settings.recheck_extra_dps,
                                        head=settings.recheck_sample_factor, **changes)


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
        "certified": bool(rec.certified and rec.certified.get("certified") and rec.certified.get("disjoint")),
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
    samples = [s.samples for e in evals if e.record for s in (e.record.claimed, e.record.reference) if s is not None and s.samples]
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
    certs = [e.record.certified for e in evals if e.record is not None and e.record.comparison is not None]
    if any(c is not None for c in certs):
        proven = [c for c in certs if c is not None and c.get("certified")]
        # a confirmation is certified when every point was decided in ball arithmetic
        ev["certified"] = len(proven) == len(certs) and not undecided
        ev["certified_points"] = len(proven)
        ev["certified_bound"] = jsonable(max((c["bound"] for c in proven), default=None))
        fallbacks = sorted({c["reason"] for c in certs if c is not None and not c.get("certified")})
        if fallbacks:
            ev["certification_fallback"] = fallbacks[:3]
    outside = [e for e in evals if e.status == DOMAIN]
    if outside:
        ev["domain_points"] = len(outside)
        ev["domain_reasons"] = sorted({e.record.reason for e in outside})[:5]
    return ev


#: how much a route can resolve, least first: a check is as fine as the coarser of its two sides
_ROUTE_RESOLUTION = ("montecarlo", "qmc", "ode", "quadrature", "series")


def _method_of(claim: Claim, evals: list[Evaluation], proved: bool) -> str | None:
    """The route that limits the check: a statistical side makes the check statistical even when the
    other side is exact (the resolution, the z-threshold and the power come from it); then the other
    numerical routes, the reference's first; ``double`` and ``exact`` last."""
    if proved:
        return "symbolic"
    if claim.method:
        return claim.method
    records = [e.record for e in evals if e.record is not None]
    methods = [s.method for r in records for s in (r.reference, r.claimed) if s is not None]
    for route in _ROUTE_RESOLUTION:
        if route in methods:
            return route
    for route in methods:
        if route not in ("double", "exact"):
            return route
    return "double" if "double" in methods else (methods[0] if methods else None)


def check_sides(
    claim: Claim, claimed: Side, reference: Side, settings: AuditSettings, label: str, max_examples: int | None = None
) -> SideCheck:
    """Compare ``claimed`` with ``reference`` over the claim's parameter space."""
    ctx = claim_context(claim, settings, label)
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
    if outcome.warnings:
        evidence["database_warnings"] = outcome.warnings[:5]
    if proof is not None:
        evidence["proof"] = {"status": proof.status, "detail": proof.detail, "seconds": round(proof.seconds, 3)}
    if outcome.failing is not None:
        failing = outcome.failing
        # a disagreement from hidden randomness in a side is no refutation
        flaky = nondeterministic({"claimed": claimed, "reference": reference}, Point(failing.point),
                                 ctx.derive(point_key(failing.point)).derive("determinism"))
        if flaky:
            return SideCheck("inconclusive", method, evidence, None, evals, failing, flaky)
        recheck_ctx = recheck_context(ctx, settings, route="independent")
        again = check_point(claim, claimed, reference, dict(failing.point), recheck_ctx, settings)
        reproduced, why, route = _reproduced(failing, again, settings)
        evidence["recheck"] = {
            "status": again.status if reproduced or again.status != DISAGREE else "not reproduced",
            "samples": jsonable(again.record.reference.samples) if again.record and again.record.reference else None,
            "precision_digits": settings.dps + settings.recheck_extra_dps,
            "relative_error": jsonable(again.record.comparison.max_rel_discrepancy) if again.record and again.record.comparison else None,
            "reason": why or (again.record.reason if again.record else ""),
            "route": route,
        }
        if not reproduced and again.status == DISAGREE:
            reason = f"a discrepancy at {jsonable(dict(failing.point))} ({failing.record.reason}) is not a refutation: {why}"
            return SideCheck("inconclusive", method, evidence, None, evals, failing, reason)
        if again.status == DISAGREE:
            cx = _counterexample(again)
            cx["first_seen"] = _counterexample(failing)
            evidence["certified"] = cx["certified"]  # a refutation is certified when its balls are disjoint
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
    if all(e.status == DOMAIN for e in evals):
        reason = f"none of the {len(evals)} points drawn is inside the claim's domain: {evals[0].record.reason}"
        return SideCheck("inconclusive", method, evidence, None, evals, None, reason)
    limit = claim.tolerances.max_resolution if claim.tolerances.max_resolution is not None else settings.max_resolution
    resolution = evidence.get("resolution")
    if resolution is None or not resolution <= limit:
        reason = (
            f"resolution {resolution if resolution is not None else float('inf'):.2g} (relative to the size of the quantity "
            f"over the points tested) is coarser than the required {limit:g}"
        )
        return SideCheck("inconclusive", method, evidence, None, evals, None, reason)
    return SideCheck("proved" if proved else "confirmed", method, evidence, None, evals, None)



def _values(e: Estimate) -> Any:
    return mpmath.mpmathify(e.high_precision) if e.high_precision is not None else np.asarray(e.value)


def _reproduced(first: Evaluation, again: Evaluation, settings: AuditSettings) -> tuple[bool, str, str]:
    """Is the re-checked disagreement a refutation?  Returns (yes, why not, route description).

    * disjoint balls (numerics.certify): a proof;
    * a statistical side: fresh random numbers (an independent draw), from the mode's sample up to 4x;
    * deterministic and uncertified: the re-check ran on the independent route (another
      quadrature rule on other pieces) and more digits.  The values of each side may move between
      the two evaluations by no more than the discrepancy itself (the path's own error, measured),
      and the discrepancy must exceed ``uncertified_floor`` relative: below double precision no
      numerical route's error model (truncated ranges, breakpoints) is trusted without a proof.
    """
    rec, rec0 = again.record, first.record
    if rec is None or rec.claimed is None or rec.reference is None:
        return False, "", ""
    if rec.certified and rec.certified.get("certified"):
        route = "ball arithmetic (Arb)"
    elif rec.claimed.statistical or rec.reference.statistical:
        route = "fresh random numbers, more samples"
    elif "independent route" in f"{rec.claimed.detail} {rec.reference.detail}":
        route = "independent quadrature route (Gauss-Legendre, other pieces), more digits"
    else:
        route = "the same route with more digits (the sides use no engine quadrature)"
    if again.status != DISAGREE or rec.comparison is None:
        return False, "", route
    if rec.certified and rec.certified.get("certified") and rec.certified.get("disjoint"):
        return True, "", route
    if rec.claimed.statistical or rec.reference.statistical:
        return True, "", route
    cmp = rec.comparison
    if cmp.max_rel_discrepancy < settings.uncertified_floor:
        return False, (
            f"the discrepancy is {cmp.max_rel_discrepancy:.2g} relative, below {settings.uncertified_floor:g}, "
            "and the two sides could not be certified: no numerical route is trusted to that level without a proof"
        ), route
    if rec0 is not None and rec0.claimed is not None and rec0.reference is not None:
        try:
            drift = max(float(np.max(np.abs(_values(rec.claimed) - _values(rec0.claimed)))),
                        float(np.max(np.abs(_values(rec.reference) - _values(rec0.reference)))))
        except (TypeError, ValueError):
            drift = 0.0
        if np.isfinite(drift) and cmp.max_abs_discrepancy <= max(cmp.tolerance, rec0.comparison.tolerance) + 2 * drift:
            return False, (
                f"the sides moved by {drift:.3g} between the two evaluations (precision/route), as much as the "
                f"discrepancy {cmp.max_abs_discrepancy:.3g}: the path has fewer digits than its tolerance claimed"
            ), route
    return True, "", route
