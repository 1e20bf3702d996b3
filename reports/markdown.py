"""A Markdown summary of an audit, e.g. for a pull-request comment."""

from __future__ import annotations

from .summary import counts, mutation_headline, mutation_rows, row


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


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
            verdict += f" (inherits from `{x.inherits_from}`)"
        lines.append(
            f"| `{x.id}` | {_cell(x.source)} | {verdict} | {x.method} | {_cell(x.resolution)} | {x.follows} | {_cell(x.flag)} |"
        )
    refuted = [r for r in document["results"] if r["verdict"] == "refuted"]
    if refuted:
        lines += ["", "### Refuted", ""]
        for r in refuted:
            lines.append(f"- `{r['id']}`: {_cell(r.get('diagnosis') or '')}")
    lines += mutation_section(document)
    return "\n".join(lines) + "\n"


def mutation_section(document: dict) -> list[str]:
    """The optional section of ``derivcheck mutate``: the power of each confirmation."""
    headline = mutation_headline(document)
    if headline is None:
        return []
    lines = ["", "### Mutation testing", "", headline + ".", "",
             "| claim | method | resolution | power | surviving mutants | why not 1 % |", "|---|---|---|---|---|---|"]
    for x in mutation_rows(document):
        lines.append(f"| `{x.id}` | {x.method} | {x.resolution} | {x.power} | {_cell(x.survivors)} | {_cell(x.why)} |")
    return lines
