"""The result record of one entry: the one writer of its fields, and the verdict words.

:class:`ResultRecord` is what the audit of one claim produces and what the JSON
result file holds per entry (``reports/schema.json``, the contract of DESIGN.md).
Every other part of the engine (the runner's load failures, the pytest plugin)
builds records through it, so a field is named in one place only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import mpmath
import numpy as np
import sympy

from numerics.estimate import Estimate

from ..api import Claim

#: every verdict an entry can have, in the order summaries count them
VERDICTS = ("proved", "confirmed", "refuted", "inconclusive", "error", "definition", "incomplete")
#: verdicts that mean the claim holds at the resolution stated
HOLDS = ("proved", "confirmed")
#: verdicts of entries that are recorded, not checked
RECORDED = ("definition", "incomplete")


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


def source_records(claim: Claim) -> list[dict]:
    return [{"note": s.note, "equation": s.equation, "quote": s.quote} for s in claim.sources]


class _Absent:
    """A field that does not apply to an entry (left out of its JSON, unlike a null)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


@dataclass(frozen=True)
class ResultRecord:
    """One entry of the result file (field order is the order of the JSON object)."""

    id: str
    kind: str
    verdict: str
    sources: list[dict]
    latex: str
    note_flag: str | None = None
    assumptions: list[str] = field(default_factory=list)
    method: str | None = None
    evidence: dict | None = None
    counterexample: dict | None = None
    diagnosis: str | None = None
    corrected: dict | None = None
    follows: bool | None = None
    inherits_from: str | None = None
    seconds: float = 0.0
    chain: str | None = None
    after: str | None = None
    encoded: dict | None = None
    remark: str | None = None
    defined_at: str | None = None
    params: list[str] = field(default_factory=list)
    role: str = "stated"            # the entry's reading of its line (derivations.api.ROLES)
    follows_only: bool = False      # compared only with the line above; its truth is its chain root's
    transcription: dict | None | _Absent = ABSENT  # only for claims that were compared
    traceback: str | _Absent = ABSENT              # only when the claim's code failed
    audited: bool | _Absent = ABSENT               # False only for claims a run cut short never finished
    typo_search: dict | _Absent = ABSENT           # corrections found by single edits (refuted SymPy lines)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}, got {self.verdict!r}")

    def to_json(self) -> dict[str, Any]:
        """The JSON object (fields that do not apply to this entry are left out)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not ABSENT}
