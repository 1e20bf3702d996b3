"""One entry of a result file as a card for a notebook: Markdown and self-contained HTML.

The card shows the verdict, where the line is in the notes, the note's
LaTeX, the evidence, the counterexample, the diagnosis, the corrected form,
how the line stands in its chain, and the sweep figure inline (an SVG data
URI: the card needs no file and no network).  Like every renderer it reads
only the record, never the engine.
"""

from __future__ import annotations

import base64
import html
import json
import tempfile
from pathlib import Path

from .markdown import md
from .model import finding, source_label
from .summary import resolution_text

COLOUR = {"proved": "#1a7f37", "confirmed": "#1a7f37", "refuted": "#cf222e", "inconclusive": "#9a6700",
          "error": "#8250df", "definition": "#57606a", "incomplete": "#0969da"}


def _value(v) -> str:
    text = json.dumps(v)
    return text if len(text) <= 160 else text[:157] + "..."


def figure_uri(record: dict) -> str | None:
    """The entry's figure (sweep, vector or matrix) as an ``data:image/svg+xml`` URI, or None."""
    from .figures import figure_for

    with tempfile.TemporaryDirectory() as folder:
        fig = figure_for(record, Path(folder), "figure", fmt="svg")
        if fig is None:
            return None
        data = fig.path.read_bytes()
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def facts(record: dict) -> list[tuple[str, str]]:
    """(label, plain text) pairs of what the audit found, in reading order."""
    out: list[tuple[str, str]] = []
    sources = "; ".join(f"{s.get('note')} {source_label(s)}" for s in record.get("sources") or [])
    if sources:
        out.append(("in the notes", sources))
    ev = record.get("evidence") or {}
    if record["verdict"] in ("proved", "confirmed", "refuted", "inconclusive"):
        points = ev.get("points_tested")
        res = ev.get("resolution_text") or resolution_text(record)
        out.append(("evidence", f"{points} points tested; {res}" if points is not None else res))
    cx = record.get("counterexample")
    if cx:
        out.append(("counterexample", f"at {_value(cx.get('params'))}: claimed {_value(cx.get('claimed'))}, "
                                      f"reference {_value(cx.get('reference'))}, relative error {_value(cx.get('relative_error'))}"))
    if record.get("diagnosis") or record["verdict"] in ("definition", "incomplete"):
        out.append(("diagnosis" if record.get("diagnosis") else "status", record.get("diagnosis") or finding(record)))
    if record.get("inherits_from"):
        out.append(("inherited", f"the error enters at {record['inherits_from']}; this line follows from the line above"))
    elif record.get("follows") is not None:
        frm = ((ev.get("follows") or {}).get("from")) or record.get("after")
        out.append(("follows", f"{'yes' if record['follows'] else 'no'}, from {frm}"))
    return out


def markdown(record: dict, figure: bool = True) -> str:
    """The card as Markdown (math as ``$...$``; the figure as an inline image)."""
    v = record["verdict"]
    parts = [f"**{md(record['id'])}**: **{v}**", ""]
    if record.get("latex"):
        parts += [f"$${' '.join(record['latex'].split())}$$", ""]
    for label, text in facts(record):
        parts.append(f"- *{label}*: {md(text, 600)}")
    corr = record.get("corrected")
    if corr:
        parts.append(f"- *corrected form* ({corr.get('source') or 'derivcheck'}; {corr.get('verdict')}): "
                     f"${' '.join((corr.get('latex') or '').split())}$")
    uri = figure_uri(record) if figure else None
    if uri:
        parts += ["", f"![claimed and reference of {md(record['id'])}]({uri})"]
    return "\n".join(parts) + "\n"


def html_card(record: dict, figure: bool = True) -> str:
    """The card as one self-contained HTML fragment (MathJax in the notebook typesets the ``$$``)."""
    v = record["verdict"]
    e = html.escape
    rows = "".join(f"<tr><th style='text-align:left;padding-right:1em;vertical-align:top'>{e(k)}</th>"
                   f"<td style='text-align:left'>{e(t)}</td></tr>" for k, t in facts(record))
    corr = record.get("corrected")
    if corr:
        rows += (f"<tr><th style='text-align:left;padding-right:1em'>corrected form</th><td style='text-align:left'>"
                 f"$${e(corr.get('latex') or '')}$$ ({e(str(corr.get('source') or 'derivcheck'))}; "
                 f"{e(str(corr.get('verdict')))})</td></tr>")
    latex = f"<div>$${e(record['latex'])}$$</div>" if record.get("latex") else ""
    uri = figure_uri(record) if figure else None
    img = f"<img alt='claimed and reference of {e(record['id'])}' src='{uri}' style='max-width:40em'/>" if uri else ""
    return (f"<div class='derivcheck-card'><p><code>{e(record['id'])}</code>: "
            f"<strong style='color:{COLOUR.get(v, '#000')}'>{e(v)}</strong></p>{latex}"
            f"<table>{rows}</table>{img}</div>")
