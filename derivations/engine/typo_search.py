"""Follow-up of a refuted line: corrections found by typo search, each audited like a claim.

When the claimed side is a SymPy expression, :func:`numerics.typos.screen`
lists the single edits of the documented typo classes (a sign, a factor 2, pi
or sqrt 2, two symbols swapped, a term dropped or missing, an exponent or a
square root) that agree with the reference at the diagnosis points, in double
precision.  Only those survivors are audited: each corrected expression is
checked against the same reference over the claim's parameter space with as
many points as the original check (the same seed, so the same points as the
original search, whose reference values are memoized).  A survivor is named
in the diagnosis only when its audit confirms (or proves) it.

"""

from __future__ import annotations

import numpy as np
import sympy

from numerics.search import Evaluation
from numerics.typos import screen

from ..api import Claim
from .settings import AuditSettings
from .sides import describe

MAX_AUDITED = 3  # survivors audited per refuted line (the rest are listed, unaudited)


def _screening_data(pool: list[Evaluation]) -> tuple[list[dict], list[complex], list[float]]:
    """Points, reference values and per-point tolerances for the double-precision screening.

    The tolerance is the reference's own error (deterministic bound plus 6
    standard errors) plus 1e-7 of the quantity's scale over the points, which
    allows for rounding in double precision without letting a wrong edit pass.
    """
    rows = [
        e for e in pool
        if e.record is not None and e.record.reference is not None and np.ndim(e.record.reference.value) == 0
        and np.isfinite(e.record.reference.value)
    ]
    if not rows:
        return [], [], []
    values = [complex(np.asarray(e.record.reference.value)) for e in rows]
    scale = max(abs(v) for v in values)
    tols = []
    for e, v in zip(rows, values):
        r = e.record.reference
        sigma = float(np.max(np.abs(r.abs_error))) + (6.0 * float(np.max(r.std_error)) if r.std_error is not None else 0.0)
        tols.append(sigma + 1e-7 * max(abs(v), 1e-3 * scale) + 1e-12)
    return [dict(e.point) for e in rows], values, tols


def typo_followup(claim: Claim, pool: list[Evaluation], settings: AuditSettings) -> dict | None:
    """The typo search's record for a refuted claim (None when the claimed side is not a SymPy expression)."""
    if not isinstance(claim.claimed, sympy.Expr) or not claim.params:
        return None  # (a constant line is searched too: a dropped term may have held every parameter)
    from .verdict import check_sides  # the follow-ups import this module lazily: no import cycle

    points, reference, tols = _screening_data(pool)
    if len(points) < 3:
        return {"screened": 0, "points": len(points), "corrections": [], "diagnosis": None, "corrected": None,
                "reason": "fewer than 3 points with a scalar reference value"}
    survivors, screened = screen(claim.claimed, points, reference, tols)
    corrections = []
    for survivor in survivors[:MAX_AUDITED]:
        edit = survivor.best
        check = check_sides(claim, edit.expr, claim.reference, settings, "truth", max_examples=settings.max_examples)
        corrections.append({
            "kind": edit.kind,
            "typo": edit.description,
            "equivalent": [e.description for e in survivor.edits[1:4]],
            "latex": sympy.latex(edit.expr),
            "verdict": check.verdict,
            "points_tested": check.evidence.get("points_tested"),
            "resolution_text": check.evidence.get("resolution_text"),
            "evidence": check.evidence,
            "counterexample": check.counterexample,
            "reason": check.reason or None,
            "expr": edit.expr,
        })
    confirmed = [c for c in corrections if c["verdict"] in ("proved", "confirmed")]
    diagnosis = None
    corrected = None
    if confirmed:
        diagnosis = "typo search: " + "; or ".join(
            f"{c['typo']} (the corrected line is {c['verdict']} at {c['points_tested']} points)" for c in confirmed
        )
        best = confirmed[0]
        corrected = {
            "latex": best["latex"],
            "verdict": best["verdict"],
            "source": "derivcheck typo search",
            "remark": best["typo"],
            "encoded": describe(best["expr"]),
            "encoded_format": "latex",
            "evidence": best["evidence"],
            "counterexample": best["counterexample"],
            "reason": best["reason"],
        }
    for c in corrections:
        del c["expr"], c["evidence"]
    return {
        "screened": screened,
        "points": len(points),
        "survivors": len(survivors),
        "corrections": corrections,
        "diagnosis": diagnosis,
        "corrected": corrected,
    }
