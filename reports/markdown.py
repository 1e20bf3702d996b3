"""A Markdown summary of an audit, e.g. for a pull-request comment."""

from __future__ import annotations

from .summary import counts, row


def _cell(text: str) -> str:
    """One table cell: no raw HTML (a result file is untrusted), no column break, one line."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    """An inline code span inside a table (HTML is inert in a code span; a bar still ends the cell)."""
    return "`" + text.replace("`", "'").replace("|", "\\|").replace("\n", " ") + "`"


def render(document: dict) -> str:
    c = counts(document)
    s = document["settings"]
    lines = [
        f"## derivcheck audit ({s['mode']} mode, seed {s['seed']})",
        "",
        " \u00b7 ".join(f"**{k}** {v}" for k, v in c.items() if v),
        "",
        "| claim | source | verdict | method | resolution / error | follows | note's flag |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in document["results"]:
        x = row(r)
        verdict = f"**{x.verdict}**" if x.verdict in ("refuted", "error") else x.verdict
        if x.inherits_from:
            verdict += f" (inherits from {_code(x.inherits_from)})"
        lines.append(
            f"| {_code(x.id)} | {_cell(x.source)} | {verdict} | {_cell(str(x.method))} | {_cell(x.resolution)} | {x.follows} | {_cell(x.flag)} |"
        )
    refuted = [r for r in document["results"] if r["verdict"] == "refuted"]
    if refuted:
        lines += ["", "### Refuted", ""]
        for r in refuted:
            lines.append(f"- {_code(r['id'])}: {_cell(r.get('diagnosis') or '')}")
    return "\n".join(lines) + "\n"
