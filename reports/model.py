"""The shape of the report, computed from the result file alone.

Order: notes by file name; inside a note, numbered equations in equation
order, then the unnumbered statements (quotes) in the order of the result
file. An entry with several sources is listed under each of its notes in the
summary and gets its section under its first source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .summary import VERDICT_ORDER, counts, resolution_text

OTHER = "(not from a note)"


def note_short(note: str) -> str:
    """``001_d82c553c3bda8740.txt`` -> ``001``; other names as they are."""
    return note.split("_")[0] if note[:3].isdigit() else note


def equation_key(label: str | None) -> tuple:
    """Natural order of equation labels: 2 < 10 < 10a < A1; unnumbered last."""
    if label is None:
        return (1,)
    parts = re.findall(r"\d+|\D+", label)
    return (0, *[(0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts])


def source_label(source: dict) -> str:
    """``(72)`` or the start of the quote."""
    if source.get("equation"):
        return f"({source['equation']})"
    quote = (source.get("quote") or "").strip()
    return "\u201c" + (quote[:60] + "\u2026" if len(quote) > 60 else quote) + "\u201d"


@dataclass
class Listed:
    """One row of a note's group in the summary: an entry under one of its sources."""

    result: dict
    source: dict
    primary: bool  # the entry's section is under this note


@dataclass
class NoteGroup:
    note: str
    short: str
    rows: list[Listed] = field(default_factory=list)
    equations: list[dict] = field(default_factory=list)  # the note's equation records, in note order

    @property
    def primaries(self) -> list[dict]:
        return [x.result for x in self.rows if x.primary]

    @property
    def guests(self) -> list[Listed]:
        return [x for x in self.rows if not x.primary]


@dataclass
class DoubtGroup:
    note: str
    short: str
    flag: str
    results: list[dict]

    @property
    def refuted(self) -> int:
        return sum(r["verdict"] == "refuted" for r in self.results)


@dataclass
class Root:
    result: dict | None  # None when the root is not in this result file
    id: str
    inheritors: list[dict]


@dataclass
class Shape:
    groups: list[NoteGroup]
    ordered: list[dict]  # every entry once, in section order
    doubts: list[DoubtGroup]
    roots: list[Root]
    counts: dict[str, int]
    equation_counts: dict[str, int] = field(default_factory=dict)


def _sources(result: dict) -> list[dict]:
    return result.get("sources") or [{"note": OTHER, "equation": None, "quote": None}]


def shape(document: dict) -> Shape:
    results = document["results"]
    position = {id(r): i for i, r in enumerate(results)}
    by_note: dict[str, NoteGroup] = {}
    for r in results:
        for k, s in enumerate(_sources(r)):
            note = s.get("note") or OTHER
            g = by_note.setdefault(note, NoteGroup(note, note_short(note)))
            if any(x.result is r for x in g.rows):  # two quotes of one entry in one note: list once
                continue
            g.rows.append(Listed(r, s, primary=(k == 0)))
    for e in document.get("equations") or []:
        # one row per equation of the note (its verdict), entries as sub-rows; a note with no entry still shows
        by_note.setdefault(e["note"], NoteGroup(e["note"], note_short(e["note"]))).equations.append(e)
    for g in by_note.values():
        g.rows.sort(key=lambda x: (equation_key(x.source.get("equation")), position[id(x.result)]))
    groups = sorted(by_note.values(), key=lambda g: (g.note == OTHER, g.note))
    ordered = [x.result for g in groups for x in g.rows if x.primary]

    doubts: dict[tuple[str, str], DoubtGroup] = {}
    for g in groups:
        for x in g.rows:
            flag = x.result.get("note_flag")
            if flag and x.primary:
                key = (g.note, flag.strip())
                doubts.setdefault(key, DoubtGroup(g.note, g.short, flag.strip(), [])).results.append(x.result)

    ids = {r["id"]: r for r in results}
    roots: dict[str, Root] = {}
    for r in ordered:
        if r["verdict"] == "refuted" and not r.get("inherits_from"):
            roots.setdefault(r["id"], Root(r, r["id"], []))
    for r in ordered:
        parent = r.get("inherits_from")
        if parent:
            roots.setdefault(parent, Root(ids.get(parent), parent, [])).inheritors.append(r)
    pos = {r["id"]: i for i, r in enumerate(ordered)}
    root_list = sorted(roots.values(), key=lambda x: pos.get(x.id, len(ordered)))
    equation_counts = {v: 0 for v in EQUATION_VERDICTS} if document.get("equations") else {}
    for e in document.get("equations") or []:
        equation_counts[e["verdict"]] = equation_counts.get(e["verdict"], 0) + 1
    return Shape(groups, ordered, list(doubts.values()), root_list, counts(document), equation_counts)


EQUATION_VERDICTS = ("true", "false", "inherited", "ambiguous", "undecided", "incomplete", "definition")


def equation_where(record: dict) -> str:
    """``(13)`` or the start of the quoted statement."""
    return source_label({"equation": record.get("equation"), "quote": record.get("quote")})


def finding(result: dict) -> str:
    """What the audit found, in one line of plain text."""
    v = result["verdict"]
    if v == "refuted":
        return result.get("diagnosis") or resolution_text(result) or "refuted"
    if v in ("proved", "confirmed"):
        return resolution_text(result)
    if v in ("inconclusive", "error"):
        return result.get("diagnosis") or ""
    if v == "definition":
        return "a definition: recorded, not checked"
    if v == "incomplete":
        return "the note never finished this line: recorded, not checked"
    return ""


__all__ = ["EQUATION_VERDICTS", "equation_where", "Shape", "shape", "finding", "note_short", "equation_key", "source_label", "VERDICT_ORDER"]
