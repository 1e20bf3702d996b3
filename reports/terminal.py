"""The terminal summary (rich): one line per equation, then where errors enter, then the counts.

Ids are never cut: the id column (or, in a narrow terminal, the prose column
that carries the ids) is at least as wide as the longest id it shows, and the
prose wraps instead.  Lines come from :mod:`reports.lines` (equation records
where the file has them, else one line per entry).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from rich import box
from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .lines import Line, RootCause, has_equations, line_counts, lines, root_causes
from .summary import counts, mutation_headline, mutation_rows

STYLE = {
    "proved": "bold green", "confirmed": "green", "refuted": "bold red", "inconclusive": "yellow",
    "error": "bold magenta", "definition": "dim", "incomplete": "dim cyan",
    # equation verdicts
    "true": "green", "false": "bold red", "inherited": "red", "ambiguous": "yellow", "undecided": "yellow",
}
WIDE = 140  # from this width on, ids get a column of their own
SUMMARY_CHARS = 160  # a line's summary in the table; the full diagnosis is in "where errors enter"


def _short(text: str, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def _styled(verdict: str) -> str:
    return f"[{STYLE.get(verdict, '')}]{escape(verdict)}[/]"


def _entry_text(x: Line) -> str:
    """The ids behind a line (with role and verdict when an equation has several), and its root."""
    parts = []
    for e in x.entries:
        if len(x.entries) > 1 or (x.per_equation and e.role not in (None, "stated")):
            role = f"{e.role}, " if e.role else ""
            parts.append(f"[bold]{escape(e.id)}[/] [dim]({escape(role)}{escape(e.verdict)})[/]")
        else:
            parts.append(f"[bold]{escape(e.id)}[/]")
    if x.root and x.root not in x.ids:
        parts.append(f"[red]\u2190 {escape(x.root)}[/]")
    return "\n".join(parts)


def table(document: dict, width: int = 160, only: Iterable[str] | None = None) -> Table:
    """One row per line; at ``width`` < 140 the ids head the prose cell instead of having a column."""
    rows = lines(document, only)
    wide = width >= WIDE
    longest = max((len(i) + 2 for x in rows for i in (*x.ids, x.root or "")), default=12)
    t = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), expand=False, show_edge=False)
    t.add_column("equation" if has_equations(document) else "line", no_wrap=True)
    t.add_column("verdict", no_wrap=True)
    if wide:
        t.add_column("entry", no_wrap=True, min_width=min(longest, 60))
        t.add_column("summary", overflow="fold", ratio=1, min_width=24)
    else:
        t.add_column("entry \u00b7 summary", overflow="fold", ratio=1, min_width=min(longest, width - 30))
    quote_chars = 24 if wide else 14
    for x in rows:
        # an unchecked entry's verdict says all; an equation record's summary is kept
        quiet = x.verdict in ("definition", "incomplete") and not x.per_equation
        summary = "" if quiet else escape(_short(x.summary, SUMMARY_CHARS if wide else SUMMARY_CHARS * 2 // 3))
        cells = [escape(x.where_text(quote_chars)), _styled(x.verdict)]
        if wide:
            cells += [_entry_text(x), summary]
        else:  # the ids first, the prose after them on the same line when it fits
            cells.append(_entry_text(x) + ("  " + summary if summary else ""))
        t.add_row(*cells)
    return t


def roots_block(document: dict, width: int = 160) -> Group | None:
    """"Where errors enter": each root cause, its diagnosis in one line, the corrected form, what inherits it."""
    roots = root_causes(document)
    if not roots:
        return None
    items: list = [Text.from_markup(f"\n[bold]Where errors enter[/] ({len(roots)} root cause{'s' * (len(roots) != 1)})")]
    room = max(width - 6, 40)
    for r in roots:
        items.append(Text.from_markup(f"[bold red]\u2717[/] {escape(r.where)}  [bold]{escape(r.id)}[/]"))
        items.append(Text("    " + _short(r.diagnosis, room), style="default"))
        if r.corrected_latex:
            items.append(Text("    corrected: " + _short(r.corrected_latex, room - 28)
                              + (f"  ({r.corrected_verdict})" if r.corrected_verdict else ""), style="cyan"))
        for where, ids in r.inherited:
            items.append(Text.from_markup(f"    [red]\u2192 inherited by[/] {escape(where)}  {escape(ids)}"))
    return Group(*items)


def counts_text(document: dict) -> str:
    entry = "  ".join(f"[{STYLE.get(k, '')}]{k}: {v}[/]" for k, v in counts(document).items() if v)
    if not has_equations(document):
        return f"entries  {entry}"
    eq = "  ".join(f"[{STYLE.get(k, '')}]{k}: {v}[/]" for k, v in line_counts(document).items() if v)
    return f"equations  {eq}\nentries    {entry}"


def default_console() -> Console:
    # a pipe or CI log has no width; 160 columns keep the table readable there
    return Console() if sys.stdout.isatty() else Console(width=160)


def print_summary(document: dict, console: Console | None = None, only: Iterable[str] | None = None) -> None:
    """The summary a person reads: the lines, where errors enter, the counts."""
    console = console or default_console()
    only = list(only or [])
    settings = document.get("settings") or {}
    n = len(document.get("equations") or []) if has_equations(document) else len(document["results"])
    what = "equations" if has_equations(document) else "entries"
    title = (f"[bold]derivcheck audit[/]: {n} {what}, {settings.get('mode', '?')} mode, seed {settings.get('seed', '?')}"
             + (f"; showing {', '.join(only)}" if only else ""))
    console.print(title)
    console.print(table(document, console.width, only))
    wanted_roots = not only or bool({"refuted", "false", "inherited"} & set(only))
    block = roots_block(document, console.width) if wanted_roots else None
    if block is not None:
        console.print(block)
    console.print(counts_text(document))


__all__ = ["print_summary", "table", "roots_block", "counts_text", "default_console", "RootCause"]


def mutation_table(document: dict) -> Table:
    t = Table(title="derivcheck mutate: the smallest error each confirmation catches", show_lines=False, expand=False)
    for col, kw in (("claim", {"overflow": "fold", "min_width": 20}), ("method", {}), ("resolution", {}),
                    ("power", {}), ("surviving mutants", {"max_width": 30}), ("why not 1 %", {"max_width": 60})):
        t.add_column(col, **kw)
    for x in mutation_rows(document):
        style = "bold red" if not x.gross_killed else ("yellow" if not x.reaches_target else "green")
        t.add_row(escape(x.id), x.method, x.resolution, f"[{style}]{x.power}[/]", escape(x.survivors), escape(x.why))
    return t


def print_mutation(document: dict, console: Console | None = None) -> None:
    console = console or default_console()
    console.print(mutation_table(document))
    headline = mutation_headline(document)
    if headline:
        console.print(headline)
