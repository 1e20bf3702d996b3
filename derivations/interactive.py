"""Checking one claim from Python or a notebook: :func:`check` and its :class:`CheckResult`.

    >>> import derivations
    >>> r = derivations.check("gdln.flow.eq7")          # doctest: +SKIP
    >>> r.verdict, r.diagnosis                          # doctest: +SKIP
    ('refuted', 'not a constant factor or offset: ...')
    >>> r                                               # doctest: +SKIP
    (in Jupyter: a card with the verdict, evidence, counterexample, diagnosis,
     corrected form and the sweep figure inline)

The verdict is computed by the same audit as ``derivcheck audit`` with the
same settings, so ``check(id, mode, seed)`` gives the verdict of
``derivcheck audit --select id --mode MODE --seed SEED`` (without the
example database: a notebook re-run never depends on files left by an
earlier one).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .api import Claim


@dataclass(frozen=True)
class CheckResult:
    """The audit of one claim: read-only; ``record`` is the result record of the JSON file (a fresh copy)."""

    id: str
    verdict: str
    _json: str = field(repr=False)

    @property
    def record(self) -> dict:
        return json.loads(self._json)

    @property
    def evidence(self) -> dict | None:
        return self.record.get("evidence")

    @property
    def counterexample(self) -> dict | None:
        return self.record.get("counterexample")

    @property
    def diagnosis(self) -> str | None:
        return self.record.get("diagnosis")

    @property
    def corrected(self) -> dict | None:
        return self.record.get("corrected")

    @property
    def follows(self) -> bool | None:
        return self.record.get("follows")

    @property
    def inherits_from(self) -> str | None:
        return self.record.get("inherits_from")

    @property
    def ok(self) -> bool:
        """Proved or confirmed."""
        return self.verdict in ("proved", "confirmed")

    def _repr_markdown_(self) -> str:
        from reports.card import markdown

        return markdown(self.record)

    def _repr_html_(self) -> str:
        from reports.card import html_card

        return html_card(self.record)


def _claim_and_lookup(claim_or_id: Claim | str, module: str | Path | None):
    from . import api
    from .engine import registry

    if isinstance(claim_or_id, Claim):
        claim = claim_or_id
        siblings = {c.id: c for c in api.declared_in(claim.module)}
        return claim, siblings.get
    reg = registry.discover(extra=[Path(module)] if module else [], builtin=module is None, plugins=module is None)
    if claim_or_id not in reg:
        close = difflib.get_close_matches(str(claim_or_id), [c.id for c in reg], n=3)
        from .engine.paths import shown

        where = f"module {shown(Path(module).resolve())}" if module else "the registered claims"
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        problems = "".join(f"\n{f.location} could not be imported:\n{f.traceback}" for f in reg.failures)
        raise KeyError(f"no claim {claim_or_id!r} in {where}{hint}{problems}")
    return reg.get(claim_or_id), (lambda i: reg.get(i) if i in reg else None)


def check(claim_or_id: Claim | str, mode: str = "quick", seed: int = 0, module: str | Path | None = None) -> CheckResult:
    """Audit one claim and return its result.

    ``claim_or_id``: a claim id (looked up among the built-in claims, or only
    in ``module``, a file or folder, when it is given) or a :class:`Claim`
    returned by :func:`derivations.api.claim`.  ``mode`` is "quick" or
    "thorough"; ``seed`` fixes every random choice.

    A refuted line that follows from the line above it in its chain is traced
    back to the line where the error enters (``inherits_from``): the lines
    above are audited as far as that takes.
    """
    from .engine.audit import audit_claim
    from .engine.runner import trace_inheritance
    from .engine.settings import AuditSettings

    settings = AuditSettings.for_mode(mode, seed=seed, workers=1, database=None)
    claim, lookup = _claim_and_lookup(claim_or_id, module)
    records = [audit_claim(claim, settings, lookup)]
    # only a refuted line that follows can inherit: audit upwards while that holds
    while records[-1]["verdict"] == "refuted" and records[-1].get("follows") is True and records[-1].get("after"):
        above = lookup(records[-1]["after"])
        if above is None or any(r["id"] == above.id for r in records):
            break
        records.append(audit_claim(above, settings, lookup))
    trace_inheritance(records)
    record = records[0]
    return CheckResult(record["id"], record["verdict"], json.dumps(record))


__all__ = ["check", "CheckResult"]
