"""Auditing one claim: its verdict, then the follow-ups, into one record.

The verdict of a checkable claim is computed on every run (:mod:`.verdict`); the
follow-ups (:mod:`.followups`: sweep, diagnosis, corrected form, transcription,
"does it follow?") add what a referee needs to know about it.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from typing import Any

from ..api import TODO, Claim
from .followups import FOLLOWUPS
from .record import ResultRecord, source_records
from .settings import AuditSettings
from .sides import describe, describe_format
from .verdict import check_sides


def _unchecked_verdict(claim: Claim) -> tuple[str, str | None] | None:
    """The verdict of an entry that is not compared at all, with its reason (None: compare it)."""
    if claim.problem:
        return "error", claim.problem
    if claim.kind != "claim":
        return claim.kind, None
    if claim.claimed is TODO or claim.reference is TODO:
        missing = [n for n, s in (("claimed", claim.claimed), ("reference", claim.reference)) if s is TODO]
        return "inconclusive", (
            f"{' and '.join(missing)} not written: fill in {', '.join(m + '=' for m in missing)} in {claim.defined_at}"
        )
    return None


def audit_claim(claim: Claim, settings: AuditSettings, lookup: Callable[[str], Claim | None]) -> dict:
    """The result record of one claim, in the JSON schema of DESIGN.md."""
    start = time.perf_counter()
    found: dict[str, Any] = {"verdict": None, "method": claim.method}
    encoded = {
        "claimed": describe(claim.claimed), "claimed_format": describe_format(claim.claimed),
        "reference": describe(claim.reference), "reference_format": describe_format(claim.reference),
    }
    try:
        unchecked = _unchecked_verdict(claim)
        if unchecked is not None:
            found["verdict"], found["diagnosis"] = unchecked
        else:
            check = check_sides(claim, claim.claimed, claim.reference, settings, "truth")
            found.update(verdict=check.verdict, method=check.method, evidence=check.evidence,
                         counterexample=check.counterexample)
            if check.verdict == "inconclusive":
                found["diagnosis"] = check.reason
            for followup in FOLLOWUPS:
                findings = followup(claim, check, settings, lookup)
                found.update(findings.fields)
                found["evidence"].update(findings.evidence)
    except Exception as exc:  # noqa: BLE001 - the claim's own code failed; keep the traceback
        found.update(
            verdict="error",
            diagnosis=f"module {claim.module}, claim {claim.id!r}: the claim's code raised {type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(limit=8),
        )
    record = ResultRecord(
        id=claim.id, kind=claim.kind, sources=source_records(claim), latex=claim.latex,
        note_flag=claim.note_flag, assumptions=list(claim.assumptions), chain=claim.chain, after=claim.after,
        encoded=encoded, remark=claim.remark or None, defined_at=claim.defined_at, params=sorted(claim.params),
        seconds=round(time.perf_counter() - start, 3), **found,
    )
    return record.to_json()
