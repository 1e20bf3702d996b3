"""An annotated copy of a note: its prose and displays in order, a verdict mark beside each equation.

One self-contained HTML page (no script, no font, no network at view time):
each display of the note is shown as the note writes it, with a mark per
equation -- true / the error enters here / inherited from ... / ambiguous /
definition / unfinished / undecided -- the audit's one-line summary, and the
corrected form under each wrong line; the quoted statements the audit checked
and the note's own doubts are highlighted in the prose.

The caller supplies the note's text and where its displays are (reading notes
is the authoring side's job); the verdicts come from the result file only --
its ``equations`` records where present, else the entries that cite each
equation.  Nothing is decided here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from .lines import has_equations, lines
from .model import finding

MARK = {
    # equation verdicts
    "true": ("\u2713", "true", "#1a7f37"), "false": ("\u2717", "the error enters here", "#cf222e"),
    "inherited": ("\u21b3", "inherited", "#bc4c00"), "ambiguous": ("?", "ambiguous", "#9a6700"),
    "definition": ("\u2261", "definition", "#57606a"), "incomplete": ("\u2026", "unfinished", "#0969da"),
    "undecided": ("?", "undecided", "#9a6700"),
    # entry verdicts (files without equation records)
    "proved": ("\u2713", "proved", "#1a7f37"), "confirmed": ("\u2713", "confirmed", "#1a7f37"),
    "refuted": ("\u2717", "refuted", "#cf222e"), "inconclusive": ("?", "inconclusive", "#9a6700"),
    "error": ("!", "error in the claim's code", "#8250df"),
}
CSS = """
body{font-family:Georgia,serif;max-width:52em;margin:2em auto;line-height:1.45;color:#1f2328}
pre.prose{white-space:pre-wrap;font-family:inherit;margin:0}
div.display{border-left:4px solid #d0d7de;margin:.8em 0;padding:.2em .8em;background:#f6f8fa}
div.display pre{white-space:pre-wrap;margin:.2em 0;font-size:.92em}
span.mark{font-family:sans-serif;font-weight:bold;padding:0 .4em;border-radius:3px;color:#fff}
div.verdicts{font-family:sans-serif;font-size:.85em;margin:.2em 0}
div.corrected{font-family:sans-serif;font-size:.85em;color:#1a7f37}
mark.quote{background:#fff8c5} mark.doubt{background:#ffd8d3}
code{font-size:.9em}
"""


@dataclass(frozen=True)
class Display:
    """A display of the note: its character span and the equation labels it holds (None: unnumbered)."""

    start: int
    end: int
    labels: tuple[str | None, ...]


def _verdicts_for(document: dict, note: str) -> tuple[dict[str, list], list[dict]]:
    """The lines citing each equation label of ``note`` (equation records or entries), and its quoted lines."""
    by_label: dict[str, list] = {}
    quotes = []
    for x in lines(document):
        if x.note != note:
            continue
        if x.equation:
            by_label.setdefault(x.equation, []).append(x)
        elif x.quote:
            quotes.append(x)
    return by_label, quotes


def _result(document: dict, rid: str) -> dict | None:
    return next((r for r in document["results"] if r["id"] == rid), None)


def _mark(verdict: str, root: str | None) -> str:
    sym, word, colour = MARK.get(verdict, ("?", verdict, "#57606a"))
    if verdict in ("inherited",) or (verdict == "refuted" and root):
        word = f"inherited from {root}" if root else word
    return f"<span class='mark' style='background:{colour}' title='{html.escape(word)}'>{sym} {html.escape(word)}</span>"


def _highlight(prose: str, phrases: Sequence[tuple[str, str, str]]) -> str:
    """``prose`` escaped, with each (phrase, css class, title) found in it wrapped in ``<mark>``."""
    spans = []
    for phrase, cls, title in phrases:
        k = prose.find(phrase) if phrase else -1
        if k >= 0 and not any(a < k + len(phrase) and k < b for a, b, _, _ in spans):
            spans.append((k, k + len(phrase), cls, title))
    out, pos = [], 0
    for a, b, cls, title in sorted(spans):
        out.append(html.escape(prose[pos:a]))
        out.append(f"<mark class='{cls}' title='{html.escape(title)}'>{html.escape(prose[a:b])}</mark>")
        pos = b
    out.append(html.escape(prose[pos:]))
    return "".join(out)


def render(note: str, text: str, displays: Sequence[Display], document: dict, report_link: str | None = None) -> str:
    """The annotated note as one HTML page."""
    by_label, quotes = _verdicts_for(document, note)
    phrases = []
    for q in quotes:
        phrases.append((" ".join((q.quote or "").split()[:12]), "quote", f"{q.verdict}: {q.summary}"))
    seen_flags = set()
    for r in document["results"]:
        flag = (r.get("note_flag") or "").strip()
        if flag and flag not in seen_flags and any((s.get("note") == note) for s in r.get("sources") or []):
            seen_flags.add(flag)
            phrases.append((flag, "doubt", "the note's own doubt"))
    body, pos = [], 0
    for d in sorted(displays, key=lambda d: d.start):
        if d.start < pos:
            continue
        body.append(f"<pre class='prose'>{_highlight(text[pos:d.start], phrases)}</pre>")
        rows = []
        for label in d.labels:
            for x in by_label.get(label or "", []) if label else []:
                ids = ", ".join(x.ids)
                summary = x.summary if x.per_equation else (finding(_result(document, x.ids[0]) or {"verdict": x.verdict}))
                rows.append(f"<div class='verdicts'>({html.escape(label)}) {_mark(x.verdict, x.root)} "
                            f"<code>{html.escape(ids)}</code> {html.escape(summary or '')}</div>")
                for rid in x.ids:
                    corr = ((_result(document, rid) or {}).get("corrected") or {})
                    if corr.get("latex") and x.verdict in ("false", "refuted", "inherited"):
                        rows.append(f"<div class='corrected'>corrected form ({html.escape(str(corr.get('verdict')))}): "
                                    f"<code>{html.escape(corr['latex'])}</code></div>")
            if label and label not in by_label:
                rows.append(f"<div class='verdicts'>({html.escape(label)}) <span class='mark' "
                            f"style='background:#8c959f'>\u2205 not audited</span></div>")
        body.append(f"<div class='display'><pre>{html.escape(text[d.start:d.end])}</pre>{''.join(rows)}</div>")
        pos = d.end
    body.append(f"<pre class='prose'>{_highlight(text[pos:], phrases)}</pre>")
    kind = "equation verdicts" if has_equations(document) else "entry verdicts"
    link = f" Full report: <a href='{html.escape(report_link)}'>{html.escape(report_link)}</a>." if report_link else ""
    settings = document.get("settings") or {}
    head = (f"<p style='font-family:sans-serif;font-size:.85em'>derivcheck {html.escape(str(document.get('tool_version')))}, "
            f"{html.escape(str(settings.get('mode')))} mode, seed {html.escape(str(settings.get('seed')))}; {kind}. "
            f"<mark class='quote'>checked statements</mark> <mark class='doubt'>the note's own doubts</mark>.{link}</p>")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(note)} annotated</title>"
            f"<style>{CSS}</style></head><body><h1 style='font-family:sans-serif'>{html.escape(note)}</h1>{head}"
            + "".join(body) + "</body></html>\n")
