"""Auditing one claim: its verdict, then the follow-ups, into one record.

The verdict of a checkable claim is computed on every run (:mod:`.verdict`); the
follow-ups (:mod:`.followups`: sweep, diagnosis, corrected form, transcription,
"does it follow?") add what a referee needs to know about it.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..api import ROLES, TODO, Claim, _where
from .followups import FOLLOWUPS, follows_only
from .paths import scrub, shown
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
            f"{' and '.join(missing)} not written: fill in {', '.join(m + '=' for m in missing)} in {shown(claim.defined_at)}"
        )
    return None


def describe_failure(exc: BaseException, claim: Claim | None = None) -> str:
    """What went wrong in a claim's code, naming the side that raised and the author's file and line."""
    if isinstance(exc, SystemExit):
        via = getattr(exc, "derivcheck_via", "sys.exit")
        return f"the claim's code called {via}({exc.code!r}); a claim must return a value, not end the process"
    side = getattr(exc, "derivcheck_side", None)
    author = claim.defined_at.rsplit(":", 1)[0] if claim is not None and claim.defined_at else None
    frames = traceback.extract_tb(exc.__traceback__)
    # the innermost frame in the file that declared the claim, else the innermost outside the engine
    mine = [f for f in frames if author and f.filename == author] or [
        f for f in frames if not any(part in f.filename for part in ("/derivations/", "/numerics/", "site-packages", "/lib/python"))
    ]
    where = f" (at {Path(mine[-1].filename).name}:{mine[-1].lineno})" if mine else ""
    what = f"the {side} side" if side else "the claim's code"
    return f"{what} raised {type(exc).__name__}: {exc}{where}"


def _encoded(claim: Claim) -> dict:
    reference = ("the line above (follows-only: its truth is that of the chain's root)" if claim.follows_only
                 else describe(claim.reference))
    return {
        "claimed": describe(claim.claimed), "claimed_format": describe_format(claim.claimed),
        "reference": reference, "reference_format": describe_format(claim.reference),
    }


def record_for(claim: Claim, *, encoded: dict | None = None, **found: Any) -> dict:
    """The JSON record of ``claim``: what its declaration says, with the ``found`` fields (verdict, evidence ...)."""
    return ResultRecord(
        id=claim.id, kind=claim.kind, sources=source_records(claim), latex=claim.latex,
        note_flag=claim.note_flag, assumptions=list(claim.assumptions), chain=claim.chain, after=claim.after,
        encoded=encoded if encoded is not None else _encoded(claim), remark=claim.remark or None,
        defined_at=shown(claim.defined_at), params=sorted(claim.params),  # never the machine's paths
        role=claim.role if claim.role in ROLES else "stated",  # an unknown role is the entry's error
        follows_only=claim.follows_only, **found,
    ).to_json()


def audit_claim(claim: Claim, settings: AuditSettings, lookup: Callable[[str], Claim | None]) -> dict:
    """The result record of one claim, in the JSON schema of DESIGN.md."""
    start = time.perf_counter()
    found: dict[str, Any] = {"verdict": None, "method": claim.method}
    encoded = _encoded(claim)
    try:
        unchecked = _unchecked_verdict(claim)
        if unchecked is not None:
            found["verdict"], found["diagnosis"] = unchecked
        elif claim.follows_only:
            found.update(follows_only(claim, settings, lookup))
        elif claim.relation != "==":  # an inequality has its own decision rule
            from .inequality import audit_inequality

            found.update(audit_inequality(claim, settings))
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
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - the claim's own code failed; keep the traceback
        found.update(
            verdict="error",
            diagnosis=f"{_where(claim)}: {describe_failure(exc, claim)}",
            # the innermost frames: where the author's code raised (a negative limit keeps the last ones)
            traceback=scrub(traceback.format_exc(limit=-12), claim.defined_at.rpartition(":")[0]),
        )
    return record_for(claim, encoded=encoded, seconds=round(time.perf_counter() - start, 3), **found)
