r"""One verdict per equation: what a referee would sign, from the entries that audit it.

A numbered equation of a note (or a quoted statement) is audited by zero or
more *entries* (claims, definitions, incomplete lines), each reading the line
in a declared *role* (:data:`derivations.api.ROLES`).  This module folds the
entries' verdicts into one record per equation, in note order::

    {note, equation, quote, verdict, root, entries, readings, summary}

with ``verdict`` one of :data:`EQUATION_VERDICTS`, by these rules (first that applies):

1. no entry audits the line: ``undecided`` ("not audited");
2. no checkable entry: ``incomplete`` if the line is unfinished, else ``definition``;
3. a *deciding* entry (role ``stated``; for a quoted statement also ``prose``)
   refuted at its root: ``false`` (``root`` = that entry); every refuted deciding
   entry refuted by inheritance: ``inherited`` (``root`` = where the error enters);
4. the line is unfinished (an ``incomplete`` entry, no deciding claim): ``incomplete``;
5. every deciding entry proved/confirmed: ``true`` (refuted ``contrary`` /
   ``unstated`` readings are named as "false under reading R"; a refuted
   ``domain`` entry is a remark: a boundary case or a null set);
6. no deciding entry and the ``unstated`` readings disagree: ``ambiguous`` (``readings``
   says which gives which);
7. otherwise ``undecided``: an inconclusive or erroneous deciding entry, or no stated
   reading at all (the summary says what each unstated reading gives).

A pure function of the result records and the notes' displays: nothing is
re-run, and the same inputs give the same records.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..authoring.notes import NoteEquation

EQUATION_VERDICTS = ("true", "false", "inherited", "ambiguous", "definition", "incomplete", "undecided")
TRUE = ("proved", "confirmed")
#: roles whose verdict is the equation's (the note's own reading); ``prose`` decides a quoted statement
DECIDING = {"equation": ("stated",), "quote": ("stated", "prose")}
#: readings that fill a gap the note leaves open: when they disagree the line is ambiguous
#: (``contrary`` never counts: it contradicts a premise)
GAP_FILLING = ("unstated",)


@dataclass(frozen=True)
class Line:
    """A numbered equation (``label``) or a quoted statement (``quote``) of one note, with its place."""

    note: str
    label: str | None
    quote: str | None
    position: int  # 1-based line of the note (quotes not found: after the last line)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@functools.lru_cache(maxsize=32)  # a note is normalised once, not once per quote it holds (issue 15: re-runs)
def _normalised(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` without ``$`` and with runs of whitespace as one space, and the 1-based line of each kept character."""
    chars: list[str] = []
    lines: list[int] = []
    line = 1
    for ch in text:
        if ch == "\n":
            line += 1
        if ch == "$":
            continue
        if ch.isspace():
            if chars and chars[-1] == " ":
                continue
            ch = " "
        chars.append(ch)
        lines.append(line)
    return "".join(chars), tuple(lines)


def _quote_line(text: str, quote: str) -> int | None:
    """1-based line where ``quote`` starts in ``text`` (ignoring ``$`` and differences in whitespace), or None."""
    at = text.find(quote)
    if at >= 0:
        return text.count("\n", 0, at) + 1
    flat, lines = _normalised(text)
    q = _normalised(quote)[0].strip()
    j = flat.find(q) if q else -1
    if j < 0 and len(q) > 40:
        j = flat.find(q[:40])  # a quote that runs on with a slightly different ending
    return lines[j] if j >= 0 else None


def lines_of_notes(
    results: Sequence[dict], notes: Mapping[str, Sequence[NoteEquation]], texts: Mapping[str, str]
) -> list[Line]:
    """Every numbered equation of every note in ``notes``, and every line the results cite, in note order.

    ``notes`` maps a note's file name to its displays (:func:`derivations.authoring.notes.equations`),
    ``texts`` to its text (to place quotes); a cited note that is missing is placed by citation order.
    """
    lines: dict[tuple[str, str | None, str | None], Line] = {}
    for note, displays in notes.items():
        for d in displays:
            if d.label is not None:
                lines.setdefault((note, d.label, None), Line(note, d.label, None, d.line))
    order = 0
    for r in results:
        for s in r.get("sources") or []:
            note, label, quote = s.get("note"), s.get("equation"), s.get("quote")
            if not note or (label is None and quote is None) or str(note).startswith("load-error"):
                continue
            key = (note, label, None if label is not None else quote)
            if key in lines:
                continue
            order += 1
            if label is not None:
                found = next((d.line for d in notes.get(note, ()) if d.label == label), None)
            else:
                found = _quote_line(texts[note], quote) if note in texts else None
            lines[key] = Line(note, label, key[2], found if found is not None else 10**9 + order)
    for key, ln in list(lines.items()):
        if ln.position > 10**9:  # a quote not found in the text: beside the other lines its entries audit
            near = [lines[(s["note"], s["equation"], None)].position for r in results if _cites(r, ln)
                    for s in r.get("sources") or [] if s.get("note") == ln.note and s.get("equation") is not None
                    and (s["note"], s["equation"], None) in lines and lines[(s["note"], s["equation"], None)].position < 10**9]
            if near:
                lines[key] = Line(ln.note, ln.label, ln.quote, min(near))
    return sorted(lines.values(), key=lambda ln: (ln.note, ln.position, ln.quote is not None))


def _cites(r: dict, line: Line) -> bool:
    for s in r.get("sources") or []:
        if s.get("note") != line.note:
            continue
        if line.label is not None and s.get("equation") == line.label:
            return True
        if line.label is None and s.get("equation") is None and s.get("quote") == line.quote:
            return True
    return False


def _name(line: Line) -> str:
    if line.label is not None:
        return f"({line.label})"
    q = _squash(line.quote or "")
    return f'"{q[:60]}{"..." if len(q) > 60 else ""}"'


def _reading(r: dict) -> str:
    """A short name of an entry's reading: its assumption (or remark) starting with 'reading', else its id."""
    for text in [*(r.get("assumptions") or []), r.get("remark") or ""]:
        if text.lower().startswith("reading"):
            text = text.split(":", 1)[-1].strip() if ":" in text else text
            return text.split(";")[0].rstrip(".")[:100]
    return r["id"]


def _root(r: dict) -> str:
    return r.get("inherits_from") or r["id"]


def judge(line: Line, entries: Sequence[dict]) -> dict:
    """The equation record of ``line`` from the result records of its ``entries`` (the rules above)."""
    name = _name(line)
    role = lambda r: r.get("role") or "stated"  # noqa: E731 - results written before roles existed
    rows = [{"id": r["id"], "role": role(r), "verdict": r["verdict"]} for r in entries]
    deciding_roles = DECIDING["equation" if line.label is not None else "quote"]
    checkable = [r for r in entries if r.get("kind") == "claim"]
    deciding = [r for r in checkable if role(r) in deciding_roles]
    readings_of = [r for r in checkable if role(r) in ("unstated", "contrary", "completion")]
    readings = [{"reading": _reading(r), "role": role(r), "id": r["id"], "verdict": r["verdict"]} for r in readings_of]
    unfinished = any(r.get("kind") == "incomplete" for r in entries)
    remarks = [r for r in checkable if role(r) == "domain" and r["verdict"] == "refuted"]

    def record(verdict: str, summary: str, root: str | None = None) -> dict:
        return {
            "note": line.note, "equation": line.label, "quote": line.quote, "verdict": verdict, "root": root,
            "entries": rows, "readings": readings, "summary": summary,
        }

    def others() -> str:
        parts = [f"false under the {role(r)} reading {_reading(r)!r} ({r['id']})"
                 for r in readings_of if r["verdict"] == "refuted"]
        parts += [f"fails only in the boundary case {r['id']} (a remark)" for r in remarks]
        if line.label is not None:
            parts += [f"the surrounding statement checked by {r['id']} is false" for r in checkable
                      if role(r) == "prose" and r["verdict"] == "refuted"]
        return ("; " + "; ".join(parts)) if parts else ""

    if not entries:
        return record("undecided", f"{name} is not audited: no entry checks it.")
    if not checkable:
        if unfinished:
            return record("incomplete", f"{name} is unfinished in the note; nothing to check.")
        return record("definition", f"{name} is a definition; it is recorded, not checked.")
    refuted = [r for r in deciding if r["verdict"] == "refuted"]
    at_root = [r for r in refuted if not r.get("inherits_from")]
    if at_root:
        r = at_root[0]
        fixed = (r.get("corrected") or {}).get("verdict") in TRUE
        return record(
            "false",
            f"{name} is false: {r['id']} is refuted" + (" (a corrected form is confirmed)" if fixed else "") + ".",
            root=r["id"],
        )
    if refuted:
        r = refuted[0]
        via = f"follows from {r['after']}" if r.get("after") else "follows from a false line"
        return record(
            "inherited",
            f"{name} is false by inheritance: {r['id']} {via}, and the error enters at {_root(r)}.",
            root=_root(r),
        )
    if unfinished and not deciding:
        done = [f"{r['id']} {r['verdict']}" for r in checkable if role(r) == "completion"]
        return record("incomplete", f"{name} is unfinished in the note" + (f"; completion: {', '.join(done)}" if done else "") + ".")
    if deciding and all(r["verdict"] in TRUE for r in deciding):
        how = "proved" if all(r["verdict"] == "proved" for r in deciding) else "confirmed"
        return record("true", f"{name} holds as the note states it ({how} by {', '.join(r['id'] for r in deciding)}){others()}.")
    if not deciding:
        gap = [r for r in checkable if role(r) in GAP_FILLING]
        decided = [r for r in gap if r["verdict"] in TRUE or r["verdict"] == "refuted"]
        truths = {r["verdict"] in TRUE for r in decided}
        if decided and len(decided) == len(gap) and len(truths) == 2:
            return record(
                "ambiguous",
                f"{name} depends on its reading, which the note leaves open: true under "
                + ", ".join(repr(_reading(r)) for r in decided if r["verdict"] in TRUE)
                + ", false under " + ", ".join(repr(_reading(r)) for r in decided if r["verdict"] == "refuted") + ".",
            )
        if decided and len(decided) == len(gap):
            # one verdict under every reading the entries give, but the note states none of them: not the
            # note's statement, so it decides nothing (the summary says what each reading gives)
            said = "true" if truths == {True} else "false"
            return record("undecided", f"{name} is not checked as the note states it (no entry reads it so); it is "
                                       f"{said} under the unstated reading{'s' if len(decided) > 1 else ''} "
                                       + ", ".join(f"{_reading(r)!r} ({r['id']})" for r in decided) + ".")
        if not gap:
            only = [r for r in checkable if role(r) in ("contrary", "domain", "completion", "prose")]
            kinds = sorted({role(r) for r in only})
            return record("undecided", f"{name} has no stated reading among its entries (only {', '.join(kinds)}){others()}.")
    pending = [r for r in deciding if r["verdict"] not in TRUE] or [r for r in checkable if r["verdict"] not in TRUE]
    r = pending[0]
    why = (r.get("diagnosis") or "").split(";")[0][:160]
    return record("undecided", f"{name} is undecided: {r['id']} is {r['verdict']}" + (f" ({why})" if why else "") + ".")


def build(
    results: Sequence[dict], notes: Mapping[str, Sequence[NoteEquation]], texts: Mapping[str, str] | None = None
) -> list[dict]:
    """The ``equations`` list of the result document: one record per line, in note order."""
    texts = texts or {}
    out = []
    for line in lines_of_notes(results, notes, texts):
        out.append(judge(line, [r for r in results if _cites(r, line)]))
    return out


def failing(records: Iterable[dict]) -> bool:
    """Whether a referee would send the notes back: a line false, inherited, ambiguous or undecided (audited)."""
    return any(
        e["verdict"] in ("false", "inherited", "ambiguous") or (e["verdict"] == "undecided" and e["entries"])
        for e in records
    )
