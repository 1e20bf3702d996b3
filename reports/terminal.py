"""The terminal summary table (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .summary import counts, mutation_headline, mutation_rows, row

STYLE = {
    "proved": "bold green", "confirmed": "green", "refuted": "bold red", "inconclusive": "yellow",
    "error": "bold magenta", "definition": "dim", "incomplete": "dim cyan",
}


def table(document: dict) -> Table:
    t = Table(title="derivcheck audit", show_lines=False, expand=False)
    for col, kw in (("claim", {"overflow": "fold", "max_width": 38}), ("source", {"max_width": 28}), ("verdict", {"max_width": 30}),
                    ("method", {}), ("resolution / error", {"max_width": 34}), ("follows", {}),
                    ("note's flag", {"overflow": "ellipsis", "max_width": 24, "no_wrap": True})):
        t.add_column(col, **kw)
    for r in document["results"]:
        x = row(r)
        inh = f" \u2190 {x.inherits_from}" if x.inherits_from else ""
        t.add_row(x.id, x.source, f"[{STYLE.get(x.verdict, '')}]{x.verdict}[/]{inh}", x.method, x.resolution,
                  x.follows, x.flag)
    return t


def print_summary(document: dict, console: Console | None = None) -> None:
    import sys

    console = console or (Console() if sys.stdout.isatty() else Console(width=160))
    console.print(table(document))
    c = counts(document)
    console.print("  ".join(f"[{STYLE.get(k, '')}]{k}: {v}[/]" for k, v in c.items() if v))


def mutation_table(document: dict) -> Table:
    t = Table(title="derivcheck mutate: the smallest error each confirmation catches", show_lines=False, expand=False)
    for col, kw in (("claim", {"overflow": "fold", "max_width": 40}), ("method", {}), ("resolution", {}),
                    ("power", {}), ("surviving mutants", {"max_width": 30}), ("why not 1 %", {"max_width": 60})):
        t.add_column(col, **kw)
    for x in mutation_rows(document):
        style = "bold red" if not x.gross_killed else ("yellow" if not x.reaches_target else "green")
        t.add_row(x.id, x.method, x.resolution, f"[{style}]{x.power}[/]", x.survivors, x.why)
    return t


def print_mutation(document: dict, console: Console | None = None) -> None:
    import sys

    console = console or (Console() if sys.stdout.isatty() else Console(width=160))
    console.print(mutation_table(document))
    headline = mutation_headline(document)
    if headline:
        console.print(headline)
