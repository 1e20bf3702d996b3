r"""A Markdown summary of an audit that fits one pull-request comment.

GitHub refuses a comment longer than 65,536 characters, so the summary is
built against a budget (:data:`LIMIT`): the counts, then where errors enter
(each root cause with its diagnosis and corrected form, and the lines that
inherit it), then the refuted lines, then every line in a folded
``<details>`` table, each part cut (with a note saying how much was left
out) when the budget runs out.

Each equation mentioned links to the note at its line (``links``: ``(note,
equation or quote) -> path#L<line>``, made by the caller, which reads the
notes; see ``derivations.authoring.links``).

Text from the result file is untrusted: ``|``, backticks, ``*`` and raw HTML
are escaped, and math is never cut inside ``$...$`` (a text with an odd
number of ``$`` is shown as text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote as _quote_url

from .lines import Line, RootCause, has_equations, line_counts, lines, root_causes
from .model import note_short
from .summary import counts, mutation_headline, mutation_rows

LIMIT = 60_000  # characters; GitHub's hard limit for a comment is 65,536
Links = Mapping[tuple[str, str], str]  # (note, equation label or quote) -> "path/note.txt#L12"
TROUBLE = frozenset({"false", "inherited", "refuted", "error", "inconclusive", "ambiguous", "undecided"})

#: LaTeX the audit writes into its prose without $ delimiters (e.g. "= 2 \sqrt{\pi} times the truth")
_BARE_MATH = (
    re.compile(r"(?<== )([^=;$]*\\[A-Za-z][^=;$]*?)(?= times the truth)"),
    re.compile(r"(?<=recognised factor )([^;$]*\\[A-Za-z][^;$]*?)(?=\.?$)"),
)
_DOLLAR = re.compile(r"(?<!\\)\$")


def _prose(text: str) -> str:
    """Plain text, safe in a table cell and in a paragraph: no HTML, no table breaks, no stray code or emphasis."""
    text = text.replace("\\", "\\\\")
    for ch in "`*|[]$":  # a $ of the text is a dollar, never the start of math (GitHub reads \$ as $)
        text = text.replace(ch, "\\" + ch)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _math(body: str) -> str:
    r"""A math body, safe in a table cell: ``|`` as ``\vert``, ``<``/``>`` as ``\lt``/``\gt`` (never raw HTML)."""
    body = " ".join(body.split())
    body = body.replace(r"\|", r"\Vert ").replace("|", r"\vert ")
    return body.replace("<", r"\lt ").replace(">", r"\gt ")


def segments(text: str | None) -> list[tuple[bool, str]]:
    """``text`` as (is_math, piece) pairs; bare LaTeX of the audit's own prose becomes math; unbalanced ``$``: all text."""
    text = " ".join((text or "").split())
    for pattern in _BARE_MATH:
        text = pattern.sub(lambda m: "$" + m.group(1).strip() + "$", text)
    if len(_DOLLAR.findall(text)) % 2:
        return [(False, text.replace("\\$", "$"))]
    return [(k % 2 == 1, piece.replace("\\$", "$")) for k, piece in enumerate(_DOLLAR.split(text)) if piece]


#: an equation the audit's prose mentions: "note 001 (22)", "001 (3)"
_MENTION = re.compile(r"\b(\d{3}) \(([0-9]+[a-z]?)\)")


def _mentions(text: str, links: Links | None) -> str:
    """Markdown prose with each equation it mentions (``001 (22)``) linked to the note's line, where known."""
    if not links:
        return text
    by_short = {(note_short(note), key): url for (note, key), url in links.items()}

    def repl(m: re.Match) -> str:
        url = by_short.get((m.group(1), m.group(2)))
        return f"[{m.group(0)}]({_url(url)})" if url else m.group(0)

    return _MENTION.sub(repl, text)


def md(text: str | None, limit: int | None = None, links: Links | None = None) -> str:
    """Mixed prose and ``$math$`` as safe Markdown, at most ``limit`` characters of source, never cut inside math;
    with ``links``, the equations the prose mentions link to their note lines."""
    out: list[str] = []
    used = 0
    for is_math, piece in segments(text):
        if is_math:
            body = _math(piece).strip()
            if not body:
                continue
            if limit is not None and used + len(piece) > limit:
                out.append("\u2026")
                break
            out.append(f"${body}$")
            used += len(piece)
        else:
            if limit is not None and used + len(piece) > limit:
                cut = piece[: max(limit - used, 0)].rsplit(" ", 1)[0] if limit - used > 0 else ""
                out.append(_mentions(_prose(cut), links) + "\u2026")
                break
            out.append(_mentions(_prose(piece), links))
            used += len(piece)
    return "".join(out)


def _code(text: str) -> str:
    """An id as inline code (HTML is inert in a code span; a backtick is dropped and a bar escaped, so neither
    ends the span or the table cell)."""
    return "`" + text.replace("`", "").replace("|", "\\|").replace("\n", " ") + "`"


def _url(url: str) -> str:
    """A link target safe in Markdown: spaces, parentheses and brackets percent-encoded."""
    return _quote_url(url, safe="/#:%@&=+$,;~!*'?-._")


def _linked(where: str, at: tuple[str, str | None, str | None] | None, links: Links | None) -> str:
    """``where`` (already Markdown) with its note part linked to the note's line, where the line is known.

    ``001 (20)`` becomes ``[001 (20)](path#L40)``; for a quote only the note's short name is the link text
    (math stays outside the link)."""
    if not links or at is None:
        return where
    note, equation, quote = at
    url = links.get((note, str(equation or quote)))
    if not url:
        return where
    if equation:
        return f"[{where}]({_url(url)})"
    short = _prose(note_short(note))
    return f"[{short}]({_url(url)}){where[len(short):]}" if where.startswith(short) else where


def _at(result: dict | None) -> tuple[str, str | None, str | None] | None:
    src = ((result or {}).get("sources") or [None])[0]
    return (str(src.get("note") or ""), src.get("equation"), src.get("quote")) if src else None


def _counts_lines(document: dict) -> list[str]:
    entry = " \u00b7 ".join(f"**{k}** {v}" for k, v in counts(document).items() if v)
    if not has_equations(document):
        return [f"{len(document['results'])} entries: {entry}"]
    eq = " \u00b7 ".join(f"**{k}** {v}" for k, v in line_counts(document).items() if v)
    return [f"{len(document['equations'])} equations: {eq}", "", f"{len(document['results'])} entries: {entry}"]


def _root_items(causes: list[RootCause], links: Links | None = None) -> list[str]:
    items = []
    for r in causes:
        head = f"- **{_linked(_prose(r.where or '?'), _at(r.result), links)}** {_code(r.id)}: {md(r.diagnosis, 160, links)}"
        parts = [head]
        if r.corrected_latex:
            body = _math(r.corrected_latex)
            corrected = f"${body}$" if len(body) <= 400 else "too long to show here (see the full report)"
            verdict = f" ({_prose(r.corrected_verdict)})" if r.corrected_verdict else ""
            parts.append(f"  - corrected{verdict}: {corrected}")
        if r.inherited:
            at = r.inherited_at or (None,) * len(r.inherited)
            shown = ", ".join(f"{_linked(_prose(where), a, links)} {_code(ids)}"
                              for (where, ids), a in zip(r.inherited[:12], at))
            more = f", and {len(r.inherited) - 12} more" if len(r.inherited) > 12 else ""
            parts.append(f"  - inherited by {shown}{more}")
        items.append("\n".join(parts))
    return items


def _where(x: Line, links: Links | None = None) -> str:
    """``001 (20)`` or ``001 “the start of the quote…”`` with the quote's math kept whole, linked to the note's line."""
    if x.equation or not x.quote:
        return _linked(_prose(x.where), (x.note, x.equation, x.quote), links)
    where = _prose(x.where.split(" ", 1)[0]) + " \u201c" + md(x.quote, 28) + "\u201d"
    return _linked(where, (x.note, None, x.quote), links)


def _row(x: Line, summary_chars: int, links: Links | None = None) -> str:
    quiet = x.verdict in ("definition", "incomplete") and not x.per_equation  # the verdict says all
    verdict = f"**{x.verdict}**" if x.verdict in ("false", "refuted", "error") else x.verdict
    ids = "<br>".join(_code(i) for i in x.ids)
    if x.root and x.root not in x.ids:
        ids += f"<br>\u2190 {_code(x.root)}"
    return f"| {_where(x, links)} | {verdict} | {ids} | {'' if quiet else md(x.summary, summary_chars, links)} |"


def _table(rows: list[str], header: str) -> list[str]:
    return [header, "|---|---|---|---|", *rows]


def _fit(items: list[str], budget: int, what: str) -> list[str]:
    """As many ``items`` as fit in ``budget`` characters, then a line saying how many were left out."""
    kept, used = [], 0
    for k, item in enumerate(items):
        if used + len(item) + 1 > budget:
            kept.append(f"\n*\u2026 and {len(items) - k} more {what}: see the full report "
                        "(`derivcheck report RESULTS.json`).*")
            break
        kept.append(item)
        used += len(item) + 1
    return kept


def render(document: dict, only: Iterable[str] | None = None, limit: int = LIMIT, links: Links | None = None) -> str:
    """The Markdown summary, at most ``limit`` characters; with ``links``, each equation links to its note line."""
    s = document.get("settings") or {}
    only = list(only or [])
    head = [f"## derivcheck audit ({s.get('mode', '?')} mode, seed {s.get('seed', '?')})", "", *_counts_lines(document)]
    if only:
        head += ["", f"Showing only: {', '.join(_prose(v) for v in only)}."]
    out = list(head)
    budget = limit - sum(len(x) + 1 for x in out) - 400  # room for headings and the cut notes

    causes = root_causes(document) if not only or {"refuted", "false", "inherited"} & set(only) else []
    roots = _root_items(causes, links)
    all_lines = lines(document, only)
    full_table = sum(len(_row(x, 70, links)) + 1 for x in all_lines)
    if roots:
        out += ["", f"### Where errors enter ({len(roots)})", ""]
        # the full table fits if it can; the root causes get at least 40 % of the room
        kept = _fit(roots, max(budget * 2 // 5, budget - full_table - 2000), "root causes")
        out += kept
        budget -= sum(len(x) + 1 for x in kept)

    # the root causes and what inherits them are listed above; the rest of the trouble here
    listed = {r.id for r in causes} | {i for r in causes for _, ids in r.inherited for i in ids.split(", ")}
    trouble = [x for x in all_lines if (x.verdict in TROUBLE or any(e.verdict in TROUBLE for e in x.entries))
               and not set(x.ids) <= listed]
    if trouble:
        header = "| line | verdict | entry | what was found |"
        out += ["", f"### Other lines that are wrong or undecided ({len(trouble)})", ""]
        kept = _fit([_row(x, 160, links) for x in trouble], budget // 3, "lines")
        out += _table(kept[:1], header) + kept[1:] if kept else []
        budget -= sum(len(x) + 1 for x in kept)

    if all_lines:
        what = "equations" if has_equations(document) else "entries"
        out += ["", f"<details><summary>All {len(all_lines)} {what}</summary>", ""]
        kept = _fit([_row(x, 70, links) for x in all_lines], max(budget, 0), what)
        out += _table(kept[:1], "| line | verdict | entry | summary |") + kept[1:] if kept else []
        out += ["", "</details>"]
    out += mutation_section(document)
    text = "\n".join(out) + "\n"
    return text if len(text) <= limit else text[: limit - 80].rsplit("\n", 1)[0] + "\n\n*(cut to fit one comment)*\n"


def mutation_section(document: dict) -> list[str]:
    """The optional section of ``derivcheck mutate``: the power of each confirmation."""
    headline = mutation_headline(document)
    if headline is None:
        return []
    lines = ["", "### Mutation testing", "", _prose(headline) + ".", "",
             "| claim | method | resolution | power | surviving mutants | why not 1 % |", "|---|---|---|---|---|---|"]
    for x in mutation_rows(document):
        lines.append(f"| {_code(x.id)} | {_prose(str(x.method))} | {_prose(x.resolution)} | {_prose(x.power)} "
                     f"| {_prose(x.survivors)} | {_prose(x.why)} |")
    return lines
