r"""Inequality claims: ``claimed <= reference`` (or <, >=, >) over the parameter space.

The decision rule at one point, for :math:`g = \mathrm{rhs} - \mathrm{lhs}`
(the margin; sides as in :func:`numerics.decide.compare`, with the same
tolerance :math:`\tau = z_\alpha\sigma + e_c + e_r + \mathrm{rtol}\,S + \mathrm{atol}`):

* ``<=``: violated if :math:`g < -\tau`; holds otherwise;
* ``<``:  violated if :math:`g < -\tau`; undecided if :math:`|g| \le \tau`
  (equality cannot be told from a hair's breadth on either side); holds if
  :math:`g > \tau`.

A violation found by the search (and shrunk by Hypothesis to a simple point)
is re-checked with independent random numbers and more digits; the
counterexample reported is then the *worst* violation among the tested
points and a set of points spread over the space (re-checked too), with the
simplest one kept as ``first_seen``.  A confirmed inequality reports its
smallest margin, absolute and relative to the size of the two sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from numerics.context import stable_seed
from numerics.decide import AGREE, DISAGREE, UNDECIDED, z_threshold
from numerics.estimate import Estimate
from numerics.search import Evaluation, point_key, search
from numerics.spread import spread_points

from ..api import Claim, Point
from .settings import AuditSettings
from .sides import evaluate_pair

RELATIONS = ("<=", "<", ">=", ">")


@dataclass(frozen=True)
class MarginRecord:
    lhs: Estimate
    rhs: Estimate
    margin: float          # min over entries of g (>= 0: holds)
    tolerance: float
    scale: float
    reason: str = ""


def margin_at(claim: Claim, point: dict, ctx, settings: AuditSettings) -> Evaluation:
    """Evaluate both sides at ``point`` and decide whether the inequality holds there."""
    from .verdict import NUMERICAL_FAILURES

    p = Point(point)
    ctx = ctx.derive(point_key(point))
    try:
        c, r, _ = evaluate_pair(claim.claimed, claim.reference, p, ctx)
    except NUMERICAL_FAILURES as exc:  # the numerics could not answer here: undecided, with the reason
        nan = float("nan")
        return Evaluation(point, UNDECIDED, MarginRecord(None, None, nan, nan, nan, f"{type(exc).__name__}: {exc}"))
    cv, rv = np.asarray(c.value), np.asarray(r.value)
    if np.iscomplexobj(cv) or np.iscomplexobj(rv):
        raise TypeError("an inequality needs real-valued sides; got a complex value")
    g = (rv - cv) if claim.relation in ("<=", "<") else (cv - rv)
    se = np.sqrt(sum(np.asarray(e.std_error, float) ** 2 for e in (c, r) if e.std_error is not None) + np.zeros(np.shape(g)))
    statistical = c.statistical or r.statistical
    z = z_threshold(settings.alpha, max(np.size(g), 1)) if statistical else 0.0
    scale = float(max(np.max(np.abs(rv), initial=0.0), np.max(np.abs(cv), initial=0.0)))
    high = c.high_precision is not None and r.high_precision is not None
    rtol = claim.tolerances.rtol if claim.tolerances.rtol is not None else (10.0 ** (-(ctx.dps - 5)) if high else 1e-9)
    atol = claim.tolerances.atol if claim.tolerances.atol is not None else (10.0 ** (-(ctx.dps - 5)) if high else 1e-12)
    tol = z * se + np.abs(c.abs_error) + np.abs(r.abs_error) + rtol * scale + atol
    if not np.all(np.isfinite(g)):
        return Evaluation(point, UNDECIDED, MarginRecord(c, r, float("nan"), float("nan"), scale, "a side is not finite"))
    worst = int(np.argmin(np.ravel(g)))
    margin, tau = float(np.ravel(g)[worst]), float(np.ravel(np.broadcast_to(tol, np.shape(g)))[worst])
    if np.any(g < -tol):
        status, reason = DISAGREE, f"violated: the margin {margin:.3g} is below -{tau:.3g} (the tolerance)"
    elif claim.relation in ("<", ">") and np.any(np.abs(g) <= tol):
        status, reason = UNDECIDED, f"the sides are equal within the tolerance {tau:.3g}: strictness cannot be decided"
    else:
        status, reason = AGREE, ""
    return Evaluation(point, status, MarginRecord(c, r, margin, tau, scale, reason))


def _point_record(ev: Evaluation) -> dict:
    from .record import jsonable

    rec: MarginRecord = ev.record
    return {
        "params": jsonable(dict(ev.point)),
        "claimed": jsonable(rec.lhs.value),
        "reference": jsonable(rec.rhs.value),
        "relative_error": jsonable(-rec.margin / rec.scale if rec.scale > 0 else None),
        "margin": jsonable(rec.margin),
        "tolerance": jsonable(rec.tolerance),
        "reason": rec.reason,
    }


def audit_inequality(claim: Claim, settings: AuditSettings) -> dict[str, Any]:
    """verdict, method, evidence, counterexample and diagnosis of an inequality claim."""
    from .record import jsonable
    from .verdict import base_context as _base_context

    ctx = _base_context(settings, claim.id, "inequality")

    def evaluate(point: dict) -> Evaluation:
        return margin_at(claim, point, ctx.derive("search"), settings)

    outcome = search(claim.params, evaluate, max_examples=settings.max_examples, shrink_budget=settings.shrink_budget,
                     seed=stable_seed(settings.seed, claim.id, "inequality") % (2**32), key=f"{claim.id}:inequality")
    evals = outcome.evaluations
    recs = [e for e in evals if e.record is not None and np.isfinite(e.record.margin)]
    method = claim.method or next((e.record.rhs.method for e in recs), None)
    rel = [e.record.margin / max(e.record.scale, 1e-300) for e in recs]
    tightest = recs[int(np.argmin(rel))] if recs else None
    evidence: dict[str, Any] = {
        "relation": claim.relation,
        "points_tested": len(evals),
        "max_discrepancy": None,
        "uncertainty": jsonable(max((e.record.tolerance for e in recs), default=None)),
        "resolution": jsonable(max((e.record.tolerance / max(e.record.scale, 1e-300) for e in recs), default=None)),
        "smallest_margin": jsonable(tightest.record.margin) if tightest else None,
        "smallest_relative_margin": jsonable(min(rel)) if rel else None,
        "smallest_margin_at": jsonable(dict(tightest.point)) if tightest else None,
        "undecided_points": sum(e.status == UNDECIDED for e in evals),
    }
    evidence["resolution_text"] = (
        f"smallest margin {evidence['smallest_margin']:.3g} ({evidence['smallest_relative_margin']:.2g} relative) "
        f"at {evidence['smallest_margin_at']}" if tightest else "no point evaluated"
    )
    out: dict[str, Any] = {"method": method, "evidence": evidence, "counterexample": None, "diagnosis": None}
    if outcome.failing is not None:
        from .verdict import recheck_context

        recheck = recheck_context(ctx, settings)
        again = margin_at(claim, dict(outcome.failing.point), recheck, settings)
        if again.status != DISAGREE:
            out["verdict"] = "inconclusive"
            out["diagnosis"] = (f"a violation at {jsonable(dict(outcome.failing.point))} did not reproduce on an "
                                f"independent re-check ({again.record.reason if again.record else again.status})")
            return out
        # the worst violation among the points tested and points spread over the space, re-checked
        extra = [margin_at(claim, q, ctx.derive("worst"), settings)
                 for q in spread_points(claim.params, 8, stable_seed(settings.seed, claim.id, "worst") % (2**32), f"{claim.id}:worst")]
        pool = [e for e in recs + extra if e.record is not None and e.status == DISAGREE and np.isfinite(e.record.margin)]
        worst = min(pool, key=lambda e: e.record.margin / max(e.record.scale, 1e-300), default=again)
        worst_again = margin_at(claim, dict(worst.point), recheck, settings) if worst is not again else again
        if worst_again.status != DISAGREE:
            worst_again = again
        cx = _point_record(worst_again)
        cx["first_seen"] = _point_record(again)
        out.update(verdict="refuted", counterexample=cx,
                   diagnosis=f"the inequality {claim.relation} fails: at the worst point found the margin is "
                             f"{worst_again.record.margin:.4g} ({cx['relative_error']:.3g} of the size of the sides); "
                             f"the simplest violating point is {cx['first_seen']['params']}")
        return out
    undecided = [e for e in evals if e.status == UNDECIDED]
    if undecided or not evals:
        out["verdict"] = "inconclusive"
        out["diagnosis"] = (f"{len(undecided)} of {len(evals)} points could not be decided"
                            + (f": {undecided[0].record.reason}" if undecided and undecided[0].record else ""))
        return out
    out["verdict"] = "confirmed"
    return out
