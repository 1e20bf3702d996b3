"""The lines a summary leads with: one per equation, or one per entry in older files.

A result file may carry a top-level ``equations`` list (one record per
numbered equation or quoted statement, with its own verdict in
``true / false / inherited / ambiguous / definition / incomplete / undecided``).
Where it does, the summaries lead with those records as they are.  Where it
does not (files written before equation verdicts existed), every entry of
``results`` is a line of its own, with the entry's verdict.

Nothing here decides a verdict: equation verdicts are read from the file,
never derived from the entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import Root, equation_key, finding, note_short, shape

#: what a verdict means to a reader, for both vocabularies (equation and entry verdicts)
TROUBLE = frozenset({"false", "refuted", "error"})
EQUATION_VERDICTS = ("false", "inherited", "ambiguous", "undecided", "true", "incomplete", "definition")


@dataclass(frozen=True)
class EntryRef:
    """One entry behind a line: its id, the role of its reading, its verdict."""

    id: str
    role: str | None
    verdict: str


@dataclass(frozen=True)
class Line:
    """One line of a summary: an equation (or quoted statement) of a note, or, in older files, one entry."""

    note: str
    equation: str | None
    quote: str | None
    verdict: str
    root: str | None  # where the error enters (an entry id), for inherited lines
    entries: tuple[EntryRef, ...]
    summary: str
    per_equation: bool  # True: from the file's ``equations`` list

    @property
    def where(self) -> str:
        """``001 (20)`` or ``001 “the start of the quote…”``."""
        return self.where_text(28)

    def where_text(self, quote_chars: int) -> str:
        short = note_short(self.note)
        if self.equation:
            return f"{short} ({self.equation})"
        quote = " ".join((self.quote or "").split())
        if len(quote) > quote_chars:
            quote = quote[: quote_chars - 1].rstrip() + "\u2026"
        return f"{short} \u201c{quote}\u201d"

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.entries)

    def matches(self, verdicts: Iterable[str]) -> bool:
        """The line's verdict, or the verdict of one of its entries, is among ``verdicts``."""
        wanted = set(verdicts)
        return self.verdict in wanted or any(e.verdict in wanted for e in self.entries)


def has_equations(document: dict) -> bool:
    return isinstance(document.get("equations"), list)


def _from_equation(rec: dict) -> Line:
    entries = tuple(
        EntryRef(str(e.get("id")), e.get("role"), str(e.get("verdict") or ""))
        for e in rec.get("entries") or [] if isinstance(e, dict)
    )
    return Line(
        note=str(rec.get("note") or ""), equation=rec.get("equation"), quote=rec.get("quote"),
        verdict=str(rec.get("verdict") or ""), root=rec.get("root"), entries=entries,
        summary=str(rec.get("summary") or ""), per_equation=True,
    )


def _from_entry(result: dict) -> Line:
    src = (result.get("sources") or [{}])[0]
    return Line(
        note=str(src.get("note") or ""), equation=src.get("equation"), quote=src.get("quote"),
        verdict=result["verdict"], root=result.get("inherits_from"),
        entries=(EntryRef(result["id"], result.get("role"), result["verdict"]),),
        summary=finding(result), per_equation=False,
    )


def lines(document: dict, only: Iterable[str] | None = None) -> list[Line]:
    """The lines of the summary, in note order; with ``only``, the lines that :meth:`Line.matches` it."""
    if has_equations(document):
        out = [_from_equation(rec) for rec in document["equations"] if isinstance(rec, dict)]
        out.sort(key=lambda x: (x.note, equation_key(x.equation)))  # stable: quotes keep the file's order
    else:
        out = [_from_entry(r) for r in shape(document).ordered]
    if only:
        wanted = set(only)
        out = [x for x in out if x.matches(wanted)]
    return out


def filtered(document: dict, only: Iterable[str] | None) -> dict:
    """A copy of ``document`` holding only the lines that match ``only`` (and their entries); all of it without."""
    if not only:
        return document
    keep = lines(document, only)
    ids = {i for x in keep for i in x.ids} | {x.root for x in keep if x.root}
    out = {**document, "results": [r for r in document["results"] if r["id"] in ids]}
    if has_equations(document):
        out["equations"] = [rec for rec in document["equations"] if _from_equation(rec).matches(only)]
    return out


def line_counts(document: dict) -> dict[str, int]:
    """How many lines have each verdict (equation verdicts where the file has them)."""
    out: dict[str, int] = {}
    for x in lines(document):
        out[x.verdict] = out.get(x.verdict, 0) + 1
    order = EQUATION_VERDICTS if has_equations(document) else (
        "refuted", "error", "inconclusive", "confirmed", "proved", "incomplete", "definition")
    return {k: out[k] for k in sorted(out, key=lambda v: (order.index(v) if v in order else len(order), v))}


@dataclass(frozen=True)
class RootCause:
    """A line where an error enters, and the lines that inherit it."""

    id: str
    result: dict | None  # the root entry's record (None when it is not in the file)
    where: str  # "001 (7)"
    diagnosis: str
    corrected_latex: str | None
    corrected_verdict: str | None
    inherited: tuple[tuple[str, str], ...]  # (where, id or ids) of each inheriting line
    inherited_at: tuple[tuple[str, str | None, str | None], ...] = ()  # (note, equation, quote) of each, same order


def _where_of(result: dict | None) -> str:
    if result is None:
        return ""
    return _from_entry(result).where


def root_causes(document: dict) -> list[RootCause]:
    """Root causes in note order: the refuted entries that inherit from none, with what inherits from them.

    With ``equations`` in the file the inheriting lines are its equation
    records whose ``root`` is the entry; otherwise the entries whose
    ``inherits_from`` is.
    """
    sh = shape(document)
    by_id = {r["id"]: r for r in document["results"]}
    roots = {x.id: x for x in sh.roots}
    eq_lines = lines(document) if has_equations(document) else []
    for x in eq_lines:
        if x.root and x.root not in roots:
            roots[x.root] = Root(by_id.get(x.root), x.root, [])
    out = []
    for rid, root in roots.items():
        if eq_lines:
            heirs = [x for x in eq_lines if x.root == rid and rid not in x.ids]
        else:
            heirs = [_from_entry(r) for r in root.inheritors]
        inherited = tuple((x.where, ", ".join(x.ids)) for x in heirs)
        r = root.result
        corr = (r or {}).get("corrected") or {}
        out.append(RootCause(
            id=rid, result=r, where=_where_of(r),
            diagnosis=str((r or {}).get("diagnosis") or (finding(r) if r else "not in this result file")),
            corrected_latex=corr.get("latex"), corrected_verdict=corr.get("verdict"), inherited=inherited,
            inherited_at=tuple((x.note, x.equation, x.quote) for x in heirs),
        ))
    return out


__all__ = ["Line", "EntryRef", "RootCause", "lines", "filtered", "line_counts", "root_causes", "has_equations", "TROUBLE"]
