"""Which numbered equations of a note have entries in the registry.

An equation is covered when some registered entry cites it as a source
(note file name and printed label).  Entries that cite a label the note does
not have are reported too: a stale or mistyped source.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import latex_parse as latex_mod
from . import notes
from ..api import Claim


@dataclass(frozen=True)
class EquationCoverage:
    label: str
    line: int
    entries: tuple[str, ...]
    kinds: tuple[str, ...]
    parse: str | None = None
    parser: str = ""  # for a parse: "both" (the two parsers agree) or the one parser that read it


@dataclass
class NoteCoverage:
    note: str
    equations: list[EquationCoverage] = field(default_factory=list)
    stale: list[tuple[str, str]] = field(default_factory=list)  # (claim id, label not in the note)

    @property
    def covered(self) -> int:
        return sum(1 for e in self.equations if e.entries)

    @property
    def total(self) -> int:
        return len(self.equations)

    def parse_rate(self) -> str:
        """'parsed 9 of 40 (7 confirmed by both parsers, 2 by one only: to confirm); ambiguous 1, ...'."""
        from collections import Counter

        parsed = [e for e in self.equations if e.parse == "parsed"]
        both = sum(e.parser == "both" for e in parsed)
        rest = Counter(e.parse for e in self.equations if e.parse not in (None, "parsed"))
        tail = "; " + ", ".join(f"{k} {v}" for k, v in sorted(rest.items())) if rest else ""
        return (f"parsed {len(parsed)} of {self.total} ({both} confirmed by both parsers, "
                f"{len(parsed) - both} by one only: to confirm){tail}")

    @property
    def missing(self) -> list[str]:
        return [e.label for e in self.equations if not e.entries]


def coverage(paths: Sequence[str | Path], claims: Iterable[Claim], parse: bool = False) -> list[NoteCoverage]:
    claims = list(claims)
    out = []
    for path in paths:
        eqs = notes.numbered(path)
        name = Path(path).name
        cited: dict[str, list[Claim]] = {}
        for c in claims:
            for s in c.sources:
                if s.note == name and s.equation:
                    cited.setdefault(s.equation, []).append(c)
        labels = {e.label for e in eqs}
        nc = NoteCoverage(name)
        for e in eqs:
            entries = cited.get(e.label, [])
            parsed = latex_mod.parse(e.latex) if parse else None
            nc.equations.append(EquationCoverage(
                e.label, e.line, tuple(c.id for c in entries), tuple(c.kind for c in entries),
                parsed.status if parsed else None, parsed.parser if parsed else "",
            ))
        nc.stale = sorted((c.id, lab) for lab, cs in cited.items() if lab not in labels for c in cs)
        out.append(nc)
    return out


def as_json(report: list[NoteCoverage]) -> dict:
    return {
        "notes": [
            {
                "note": n.note, "covered": n.covered, "total": n.total, "missing": n.missing,
                "parse_rate": n.parse_rate() if any(e.parse for e in n.equations) else None,
                "stale_sources": [{"id": i, "equation": lab} for i, lab in n.stale],
                "equations": [
                    {"label": e.label, "line": e.line, "entries": list(e.entries), "kinds": list(e.kinds), "parse": e.parse,
                     "parser": e.parser or None}
                    for e in n.equations
                ],
            }
            for n in report
        ],
        "covered": sum(n.covered for n in report),
        "total": sum(n.total for n in report),
    }
