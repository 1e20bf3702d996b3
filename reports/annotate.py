r"""An annotated copy of a note: its prose and displays in order, a verdict mark beside each equation.

One self-contained HTML page (no script, no font, no style sheet or image
from elsewhere: nothing is fetched at view time): each display of the note is
shown as the note writes it, its math rendered on the server as MathML
(``latex2mathml``; a browser renders MathML natively, and a line it cannot
convert is shown as its LaTeX source), with a mark per equation -- true / the
error enters here / inherited from ... / ambiguous / definition / unfinished /
undecided -- the audit's one-line summary, and the corrected form under each
wrong line; the quoted statements the audit checked and the note's own doubts
are highlighted in the prose.  The PDF of the same page is
:mod:`reports.annotate_pdf`; both read the :class:`Page` made here.

The caller supplies the note's text and where its displays are (reading notes
is the authoring side's job); the verdicts come from the result file only --
its ``equations`` records where present, else the entries that cite each
equation.  Nothing is decided here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .lines import has_equations, lines
from .model import finding, shape
from .safeio import ANNOTATED_HEAD

#: verdict -> (symbol, words, colour); the words are what the mark says
MARK = {
    # equation verdicts
    "true": ("\u2713", "true", "#1a7f37"), "false": ("\u2717", "error enters here", "#cf222e"),
    "inherited": ("\u21b3", "inherited", "#bc4c00"), "ambiguous": ("?", "ambiguous", "#9a6700"),
    "definition": ("\u2261", "definition", "#57606a"), "incomplete": ("\u2026", "unfinished", "#0969da"),
    "undecided": ("?", "undecided", "#9a6700"),
    # entry verdicts (files without equation records)
    "proved": ("\u2713", "proved", "#1a7f37"), "confirmed": ("\u2713", "confirmed", "#1a7f37"),
    "refuted": ("\u2717", "refuted", "#cf222e"), "inconclusive": ("?", "inconclusive", "#9a6700"),
    "error": ("!", "error in the claim's code", "#8250df"),
}
NOT_AUDITED = ("\u2205", "not audited", "#8c959f")
WRONG = frozenset({"false", "refuted", "inherited"})
CSS = """
body{font-family:Georgia,serif;max-width:52em;margin:2em auto;line-height:1.45;color:#1f2328}
div.prose{white-space:pre-wrap;margin:0}
div.display{border-left:4px solid #d0d7de;margin:.8em 0;padding:.2em .8em;background:#f6f8fa}
div.row{display:flex;align-items:center;gap:1em}
div.row math{flex:1}
span.tag{font-family:sans-serif;color:#57606a}
code.tex{white-space:pre-wrap;font-size:.92em}
span.mark{font-family:sans-serif;font-weight:bold;padding:0 .4em;border-radius:3px;color:#fff}
div.verdicts{font-family:sans-serif;font-size:.85em;margin:.2em 0}
div.corrected{font-family:sans-serif;font-size:.85em;color:#1a7f37;margin:.2em 0 .2em 2em}
mark.quote{background:#fff8c5} mark.doubt{background:#ffd8d3}
code{font-size:.9em}
b.h{font-family:sans-serif;font-size:1.15em}
"""
#: inline math of the prose: $...$ (displays were taken out before)
_INLINE = re.compile(r"(?<![\\$])\$(?!\$)(?P<body>(?:\\.|[^$\\])+?)\$")
#: commands latex2mathml does not know, rewritten to ones it does
_HEADING = re.compile(r"(?m)^#{1,6}[ \t]+(.*)$")
_OPERATORS = re.compile(r"\\(arg|sgn|Tr|tr|diag|rank|erf|erfc)(?![A-Za-z])")


@dataclass(frozen=True)
class Display:
    """A display of the note: its character span and its rows (label, LaTeX without the tag); label None: unnumbered."""

    start: int
    end: int
    labels: tuple[str | None, ...]
    rows: tuple[str, ...] = ()  # the LaTeX of each row; empty: shown as source text


@dataclass(frozen=True)
class Mark:
    """The verdict of one equation (or one entry that cites it), as the page shows it."""

    label: str
    verdict: str  # "" when no entry audits the equation
    symbol: str
    words: str  # e.g. "inherited from gdln.eq4"
    colour: str
    ids: tuple[str, ...]
    summary: str  # plain text with $math$
    corrected: tuple[tuple[str, str], ...]  # (verdict of the corrected form, its LaTeX) under a wrong line
    anchors: tuple[str, ...]  # the report's destination for each id ("entry-12"), "" where unknown


@dataclass(frozen=True)
class Block:
    """The prose before a display (with its highlights), then the display and its marks."""

    prose: str
    highlights: tuple[tuple[int, int, str, str], ...]  # (start, end, "quote" | "doubt", title) in ``prose``
    source: str  # the display as the note writes it ("" after the last display)
    rows: tuple[tuple[str | None, str], ...]  # (label, LaTeX) of each row of the display
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class Page:
    note: str
    blocks: tuple[Block, ...]
    tool_version: str
    mode: str
    seed: str
    kind: str  # "equation verdicts" or "entry verdicts"
    report_link: str | None


# ----------------------------------------------------------------------------- the page, from the result file
def _verdicts_for(document: dict, note: str) -> tuple[dict[str, list], list]:
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


def report_anchors(document: dict) -> dict[str, str]:
    """Entry id -> its destination in the full report (``entry-K``, K its place in the report's order)."""
    return {r["id"]: f"entry-{k}" for k, r in enumerate(shape(document).ordered, start=1)}


def math_spans(text: str) -> list[tuple[int, int]]:
    """Where the inline math ``$...$`` of ``text`` is (delimiters included)."""
    return [m.span() for m in _INLINE.finditer(text)]


def _snap(a: int, b: int, spans: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """(a, b) widened so that no ``$...$`` is cut."""
    for s, e in spans:
        if s < a < e:
            a = s
        if s < b < e:
            b = e
    return a, b


def _highlights(prose: str, phrases: Sequence[tuple[str, str, str]]) -> tuple[tuple[int, int, str, str], ...]:
    spans: list[tuple[int, int, str, str]] = []
    maths = math_spans(prose)
    for phrase, cls, title in phrases:
        k = prose.find(phrase) if phrase else -1
        if k < 0:
            continue
        a, b = _snap(k, k + len(phrase), maths)
        if not any(x < b and a < y for x, y, _, _ in spans):
            spans.append((a, b, cls, title))
    return tuple(sorted(spans))


def _marks(label: str, found: list, document: dict, anchors: dict[str, str]) -> list[Mark]:
    results = {r["id"]: r for r in document["results"]}
    if not found:
        return [Mark(label, "", *NOT_AUDITED, (), "", (), ())]
    out = []
    for x in found:
        sym, words, colour = MARK.get(x.verdict, ("?", x.verdict, "#57606a"))
        if x.verdict == "inherited" or (x.verdict == "refuted" and x.root):
            words = f"inherited from {x.root}" if x.root else words
        summary = x.summary if x.per_equation else finding(results.get(x.ids[0]) or {"verdict": x.verdict})
        corrected = []
        if x.verdict in WRONG:
            for rid in x.ids:
                corr = (results.get(rid) or {}).get("corrected") or {}
                if corr.get("latex"):
                    corrected.append((str(corr.get("verdict") or ""), str(corr["latex"])))
        out.append(Mark(label, x.verdict, sym, words, colour, tuple(x.ids), summary or "", tuple(corrected),
                        tuple(anchors.get(i, "") for i in x.ids)))
    return out


def page(note: str, text: str, displays: Sequence[Display], document: dict, report_link: str | None = None) -> Page:
    """The annotated note: its text cut at the displays, each display with its marks."""
    by_label, quotes = _verdicts_for(document, note)
    anchors = report_anchors(document)
    phrases = [(" ".join((q.quote or "").split()[:12]), "quote", f"{q.verdict}: {q.summary}") for q in quotes]
    seen_flags = set()
    for r in document["results"]:
        flag = (r.get("note_flag") or "").strip()
        if flag and flag not in seen_flags and any((s.get("note") == note) for s in r.get("sources") or []):
            seen_flags.add(flag)
            phrases.append((flag, "doubt", "the note's own doubt"))
    blocks, pos = [], 0
    for d in sorted(displays, key=lambda d: d.start):
        if d.start < pos:
            continue
        marks = [m for label in d.labels if label for m in _marks(label, by_label.get(label, []), document, anchors)]
        prose = text[pos:d.start]
        rows = tuple(zip(d.labels, d.rows)) if len(d.rows) == len(d.labels) else ()
        blocks.append(Block(prose, _highlights(prose, phrases), text[d.start:d.end], rows, tuple(marks)))
        pos = d.end
    prose = text[pos:]
    blocks.append(Block(prose, _highlights(prose, phrases), "", (), ()))
    settings = document.get("settings") or {}
    return Page(note, tuple(blocks), str(document.get("tool_version")), str(settings.get("mode")),
                str(settings.get("seed")), "equation verdicts" if has_equations(document) else "entry verdicts",
                report_link)


# ----------------------------------------------------------------------------- HTML
#: the MathML a page may hold: presentation elements, and attributes that only set layout (no href, no style,
#: no event handler), each value from a small alphabet (no url(), no quote, no colon)
MATHML_TAGS = frozenset(
    "math mrow mi mn mo ms mtext mspace msub msup msubsup mfrac msqrt mroot mstyle mtable mtr mtd munder mover "
    "munderover mpadded mphantom menclose merror mmultiscripts mprescripts none semantics".split())
MATHML_ATTRIBUTES = frozenset(
    "display mathvariant stretchy fence separator form accent accentunder lspace rspace width height depth voffset "
    "minsize maxsize movablelimits largeop symmetric linethickness scriptlevel displaystyle columnalign rowalign "
    "columnspacing rowspacing columnlines rowlines frame linebreak notation".split())
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9 .%+-]*$")
_ALIGNED = re.compile(r"\\begin\{aligned\}(?P<body>.*?)\\end\{aligned\}", re.S)


def _aligned_as_array(latex: str) -> str:
    r"""``\begin{aligned}`` as ``\begin{array}{rl..}`` (latex2mathml reads the one, not the other)."""
    def repl(m: re.Match) -> str:
        body = m.group("body")
        cols = 1 + max((row.count("&") for row in re.split(r"\\\\", body)), default=0)
        return "\\begin{array}{" + ("rl" * cols)[:cols] + "}" + body + "\\end{array}"
    return _ALIGNED.sub(repl, latex)


def _clean(element) -> None:
    """Raise ValueError on an element outside :data:`MATHML_TAGS`; drop every attribute that is not layout."""
    for el in element.iter():
        if el.tag not in MATHML_TAGS:
            raise ValueError(f"<{el.tag}> is not MathML the page shows")
        for key in list(el.attrib):
            if key not in MATHML_ATTRIBUTES or not _SAFE_VALUE.match(el.attrib[key]):
                del el.attrib[key]


def mathml(latex: str, display: bool = False) -> str | None:
    """``latex`` as MathML (no namespace URL: HTML needs none), or None when it cannot be converted.

    The note's LaTeX is untrusted, and latex2mathml passes ``\\text{<script>}`` and ``\\href{javascript:..}``
    through: its output is parsed as XML and kept only when every element is MathML, with the attributes
    that set layout only (:data:`MATHML_TAGS`, :data:`MATHML_ATTRIBUTES`); anything else: None."""
    import xml.etree.ElementTree as ET

    from latex2mathml.converter import convert

    try:
        out = convert(_aligned_as_array(_OPERATORS.sub(r"\\operatorname{\1}", latex.strip())),
                      display="block" if display else "inline")
        root = ET.fromstring(out.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', ""))
        _clean(root)
    except Exception:  # latex2mathml raises many kinds on LaTeX it does not read; bad XML; not MathML
        return None
    return ET.tostring(root, encoding="unicode")


def _math_html(latex: str, display: bool = False) -> str:
    m = mathml(latex, display)
    return m if m is not None else f"<code class='tex'>{html.escape(latex)}</code>"


def _text_html(text: str) -> str:
    """Prose with its ``$...$`` rendered as MathML; the rest escaped (the note's text is text, never markup)."""
    out, pos = [], 0
    for m in _INLINE.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        out.append(_math_html(m.group("body")))
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _prose_html(block: Block) -> str:
    out, pos = [], 0
    for a, b, cls, title in block.highlights:
        out.append(_text_html(block.prose[pos:a]))
        out.append(f"<mark class='{cls}' title='{html.escape(title)}'>{_text_html(block.prose[a:b])}</mark>")
        pos = b
    out.append(_text_html(block.prose[pos:]))
    inner = _HEADING.sub(r"<b class='h'>\1</b>", "".join(out).strip("\n"))  # the note's "# 2 Title" lines
    return f"<div class='prose'>{inner}</div>" if inner else ""


def report_href(link: str, anchor: str) -> str:
    """The link into the full report at an entry (a PDF's named destination), or to the report itself."""
    return f"{link}#nameddest={anchor}" if anchor and link.lower().endswith(".pdf") else link


def _mark_html(m: Mark, link: str | None) -> str:
    if link:
        ids = ", ".join(f"<a href='{html.escape(report_href(link, a))}'><code>{html.escape(i)}</code></a>"
                        for i, a in zip(m.ids, m.anchors))
    else:
        ids = ", ".join(f"<code>{html.escape(i)}</code>" for i in m.ids)
    out = [f"<div class='verdicts'>({html.escape(m.label)}) <span class='mark' style='background:{m.colour}' "
           f"title='{html.escape(m.words)}'>{m.symbol} {html.escape(m.words)}</span> {ids} {_text_html(m.summary)}</div>"]
    for verdict, latex in m.corrected:
        out.append(f"<div class='corrected'>corrected form ({html.escape(verdict)}): {_math_html(latex, True)}</div>")
    return "".join(out)


def html_page(p: Page) -> str:
    """The page as one HTML document."""
    body = []
    for block in p.blocks:
        body.append(_prose_html(block))
        if not block.source:
            continue
        if block.rows:
            shown = "".join(f"<div class='row'>{_math_html(latex, True)}"
                            + (f"<span class='tag'>({html.escape(label)})</span>" if label else "") + "</div>"
                            for label, latex in block.rows)
        else:
            shown = f"<pre>{html.escape(block.source)}</pre>"
        marks = "".join(_mark_html(m, p.report_link) for m in block.marks)
        body.append(f"<div class='display'>{shown}{marks}</div>")
    link = (f" Full report: <a href='{html.escape(p.report_link)}'>{html.escape(p.report_link)}</a>."
            if p.report_link else "")
    head = (f"<p style='font-family:sans-serif;font-size:.85em'>derivcheck {html.escape(p.tool_version)}, "
            f"{html.escape(p.mode)} mode, seed {html.escape(p.seed)}; {p.kind}. "
            f"<mark class='quote'>checked statements</mark> <mark class='doubt'>the note's own doubts</mark>.{link}</p>")
    return (f"{ANNOTATED_HEAD}<html><head><meta charset='utf-8'><title>{html.escape(p.note)} annotated</title>"
            f"<style>{CSS}</style></head><body><h1 style='font-family:sans-serif'>{html.escape(p.note)}</h1>{head}"
            + "".join(body) + "</body></html>\n")


def render(note: str, text: str, displays: Sequence[Display], document: dict, report_link: str | None = None) -> str:
    """The annotated note as one HTML page."""
    return html_page(page(note, text, displays, document, report_link))
