"""The terminal summary table (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .summary import counts, row

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
