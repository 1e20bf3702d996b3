"""The LaTeX / PDF verification report.

``render(document, folder)`` writes ``folder/report.tex`` (Jinja2 templates in
``templates/``, LaTeX-safe delimiters ``\\VAR{...}``, ``\\BLOCK{...}``,
``%#`` comments), the figures (``folder/figures``) and, where ``pdflatex``
exists, ``folder/report.pdf``.

Every value the templates print is escaped unless it is :class:`Tex`. The
notes' LaTeX (and LaTeX produced by the audit) is typeset only after
:func:`reports.texsafe.screen` and a compile test in isolation
(:func:`reports.texbuild.vet`); anything else is shown verbatim from a file
and listed in the appendix "Snippets shown verbatim".

Should the whole report still not build, the entry whose snippets break it is
found (:func:`_breaker`: the error's line, else a bisection; an entry is blamed
only if it breaks the build on its own), shown verbatim and named in the
message; every snippet verbatim is the last resort. pdflatex writes into
``folder/_build``; ``report.pdf`` is replaced by a rename only after a build
that succeeded (:func:`_publish`).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import jinja2

from . import safeio, texbuild
from .figures import Figure, figure_for
from .load import schema
from .model import EQUATION_VERDICTS, Shape, equation_where, finding, note_short, shape, source_label
from .summary import mutation_headline, mutation_rows, resolution_text
from .texsafe import Tex, escape, escape_breakable, listing_text, looks_like_code, math_body, screen

VERDICTS = tuple(schema()["$defs"]["verdict"]["enum"])  # the contract names the words; the renderer reads it
MEANING = {
    "proved": "SymPy reduced claimed \u2212 reference to 0 under the stated assumptions",
    "confirmed": "agreed at every tested point, to the resolution stated",
    "refuted": "a counterexample, shrunk to a simple point and re-checked with independent samples / higher precision",
    "inconclusive": "the numerics could not decide; the reason is given",
    "error": "the claim's own code failed; the traceback is kept",
    "definition": "a model definition: recorded, not checked",
    "incomplete": "a line the note never finished: recorded, not checked",
}
EQUATION_MEANING = {
    "true": "every entry that reads the line as the note states it is proved or confirmed",
    "false": "an entry that reads the line as the note states it is refuted, and the error enters here",
    "inherited": "false, but only because it follows from a false line above (the root is named)",
    "ambiguous": "the note leaves the reading open, and the readings disagree",
    "undecided": "the audit could not decide (or no entry checks the line)",
    "incomplete": "the note never finished the line",
    "definition": "a definition: recorded, not checked",
}
EQUATION_COLOUR = {"true": "dcconfirmed", "false": "dcrefuted", "inherited": "dcrefuted", "ambiguous": "dcinconclusive",
                   "undecided": "dcinconclusive", "incomplete": "dcincomplete", "definition": "dcdefinition"}
FLAG_CELL = 26  # characters of the note's flag shown in the summary table


# ----------------------------------------------------------------------------- snippets of LaTeX
@dataclass
class Snippet:
    """A piece of LaTeX from the result file that the report would like to typeset."""

    n: int
    entry: str
    what: str  # e.g. "the note's LaTeX"
    text: str
    origin: str  # "note" or "audit"
    reason: str | None = None  # why it is shown verbatim; None: typeset
    file: str = ""
    mode: str = "display"  # or "inline" (math inside a sentence)

    @property
    def body(self) -> str:
        if self.mode == "inline":
            return re.sub(r"\s*\n\s*", " ", self.text.strip())
        return re.sub(r"\n\s*\n", "\n", math_body(self.text))

    def typeset(self) -> Tex:
        """The snippet typeset: the one way it appears in the report and in the test document."""
        return inline(self.body) if self.mode == "inline" else display(self.body)

    def tex(self) -> Tex:
        if self.reason is None:
            return self.typeset()
        if self.mode == "inline":
            return Tex(r"\texttt{" + escape_breakable(self.text) + "}")
        return Tex(rf"\dcverbatim{{{self.file}}}")


def display(body: str) -> Tex:
    return Tex("\\dcmath{%\n" + body + "\n}")


def inline(body: str) -> Tex:
    return Tex("\\dcinline{" + body + "}")


class Mixed:
    """Plain text with ``$...$`` math in it: the text escaped, the math vetted like any snippet."""

    def __init__(self, parts: list) -> None:
        self.parts = parts  # str (plain text) or Snippet (inline math)

    def tex(self) -> Tex:
        return Tex("".join(escape(p) if isinstance(p, str) else p.tex() for p in self.parts))

    def __bool__(self) -> bool:
        return any(self.parts)


#: LaTeX the audit writes into its prose without $ delimiters (e.g. "= 2 \sqrt{\pi} times the truth")
_BARE_MATH = (
    re.compile(r"(?<== )([^=;$]*\\[A-Za-z][^=;$]*?)(?= times the truth)"),
    re.compile(r"(?<=recognised factor )([^;$]*\\[A-Za-z][^;$]*?)(?=\.?$)"),
)


#: \label{..}, \tag{..}, \nonumber, \notag: dropped from a snippet before it is screened
_NUMBERING = re.compile(r"\\(?:label|tag\*?)\s*\{[^{}]*\}|\\(?:nonumber|notag)(?![A-Za-z])")


def split_encoded(text: str) -> tuple[str, str]:
    """(description, source) of an encoded side written as code.

    The audit writes ``Sampled: <description>``, then the function's docstring,
    then its source (which repeats the docstring): the repeat is dropped.
    """
    lines = text.splitlines()
    desc: list[str] = []
    if lines and lines[0].startswith("Sampled: "):
        desc.append("Sampled statistic: " + lines.pop(0)[len("Sampled: "):])
    start = next((i for i, line in enumerate(lines)
                  if re.match(r"(def |class |async def |@|[A-Za-z_][\w.]*\s*=|lambda\b|return\b|<)", line)), 0)
    doc, code = lines[:start], lines[start:]
    code_text = "\n".join(code)
    if doc and not (doc[0].strip() and doc[0].strip() in code_text):
        desc.extend(doc)
    return " ".join(d.strip() for d in desc if d.strip()), code_text


class Pieces:
    """Collects snippets and code listings while the entry views are made; writes their files."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.snippets: list[Snippet] = []
        self.listings = 0

    def latex(self, entry: str, what: str, text: str | None, origin: str) -> Snippet | None:
        if not text or not text.strip():
            return None
        cleaned = _NUMBERING.sub("", text).strip() or text  # equation numbering is the report's business
        s = Snippet(len(self.snippets) + 1, entry, what, cleaned, origin)
        s.reason = screen(cleaned)
        s.file = f"snippets/s-{s.n:03d}.txt"
        self._write(s.file, text)
        self.snippets.append(s)
        return s

    def inline_math(self, entry: str, what: str, text: str) -> Snippet:
        snip = Snippet(len(self.snippets) + 1, entry, what, text, "audit", mode="inline")
        snip.reason = screen(text)
        snip.file = f"snippets/s-{snip.n:03d}.txt"
        self._write(snip.file, text)
        self.snippets.append(snip)
        return snip

    def mixed(self, entry: str, what: str, text: str | None) -> Mixed | None:
        """Prose from the result file; ``$...$`` (and the audit's bare factors) become vetted inline math."""
        if not text or not text.strip():
            return None
        for pattern in _BARE_MATH:
            text = pattern.sub(lambda m: "$" + m.group(1).strip() + "$", text)
        parts: list = []
        for k, piece in enumerate(re.split(r"(?<!\\)\$", text)):
            if k % 2 == 0:
                parts.append(piece.replace("\\$", "$"))
            elif piece.strip():
                parts.append(self.inline_math(entry, what, piece))
        if len(re.findall(r"(?<!\\)\$", text)) % 2:  # unbalanced: all of it as text
            parts = [text]
        return Mixed(parts)

    def code(self, text: str | None) -> Tex | None:
        if not text or not text.strip():
            return None
        desc, text = split_encoded(text)
        if desc and not text.strip():
            return escape(desc)
        self.listings += 1
        name = f"snippets/code-{self.listings:03d}.txt"
        self._write(name, text)
        listing = Tex(rf"\dccode{{{name}}}")
        return Tex(r"{\small\itshape " + escape(desc) + r"\par}" + listing) if desc else listing

    def encoded(self, entry: str, what: str, text: str | None, origin: str = "audit", fmt: str | None = None) -> Snippet | Tex | None:
        """An encoded side: SymPy's LaTeX is typeset (if it compiles), source code is listed.

        ``fmt`` is the result file's ``*_format`` field ("latex" or "python"); older files
        without it are classified by looking at the text."""
        if not text or not text.strip():
            return None
        if fmt == "python" or (fmt is None and looks_like_code(text)):
            return self.code(text)
        return self.latex(entry, what, text, origin)

    def _write(self, name: str, text: str) -> None:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(listing_text(text).rstrip("\n") + "\n")


def shown(piece) -> Tex:
    """A snippet, mixed prose, a listing or nothing, as LaTeX."""
    if piece is None:
        return Tex("")
    if isinstance(piece, (Snippet, Mixed)):
        return piece.tex()
    return piece if isinstance(piece, Tex) else escape(piece)


# ----------------------------------------------------------------------------- formatting filters
def num(x) -> Tex:
    """A number for the reader: 4 significant digits, powers of ten in math."""
    if x is None:
        return Tex("---")
    if isinstance(x, bool):
        return Tex("yes" if x else "no")
    if isinstance(x, int):
        return Tex(str(x))
    if isinstance(x, float):
        if math.isnan(x):
            return Tex("NaN")
        if math.isinf(x):
            return Tex(r"$\infty$" if x > 0 else r"$-\infty$")
        if x == 0:
            return Tex("0")
        if 1e-3 <= abs(x) < 1e5:
            return Tex(f"{x:.4g}".replace("-", "$-$"))
        mant, exp = f"{x:.3e}".split("e")
        mant = mant.rstrip("0").rstrip(".")
        return Tex(rf"${mant}\times 10^{{{int(exp)}}}$")
    if isinstance(x, (list, tuple)):
        return Tex("(" + ", ".join(num(v) for v in x) + ")")
    return escape(x)


def verdict(v: str | None) -> Tex:
    if v in VERDICTS:
        return Tex(rf"\dcv{{dc{v}}}{{{v}}}")
    return escape(v or "")


def eqverdict(v: str | None) -> Tex:
    """An equation verdict in its colour."""
    if v in EQUATION_COLOUR:
        return Tex(rf"\dcv{{{EQUATION_COLOUR[v]}}}{{{v}}}")
    return escape(v or "")


def equation_cell(record: dict) -> Tex:
    """Where an equation record sits: ``(13)`` or the start of the quote in italics."""
    if record.get("equation"):
        return escape(f"({record['equation']})")
    return Tex(r"\textit{" + escape(shorten(equation_where(record), 34)) + "}")


def tt(text) -> Tex:
    return Tex(r"\texttt{" + escape_breakable(text) + "}")


def params(d: dict | None) -> Tex:
    if not d:
        return Tex("---")
    return Tex(", ".join(rf"\texttt{{{escape(k)}}}\,=\,{num(v)}" for k, v in d.items()))


def heading(text) -> Tex:
    """An id in a section title: typewriter and breakable in the page, plain in the PDF bookmarks."""
    return Tex(rf"\texorpdfstring{{\texttt{{{escape_breakable(text)}}}}}{{{escape(text)}}}")


def source_cell(source: dict) -> Tex:
    """A source in a table cell: ``(72)``, or the start of the quote in italics."""
    if source.get("equation"):
        return escape(f"({source['equation']})")
    return Tex(r"\textit{" + escape(shorten("\u201c" + (source.get("quote") or "") + "\u201d", 34)) + "}")


def diff(a, b) -> Tex:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return num(float(a) - float(b))
    return Tex("---")


def raw_path(path: str) -> Tex:
    """A file name the report itself made (figures, snippets): checked, not escaped."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9/_-]*\.(pdf|txt)", path) or ".." in path:
        raise ValueError(f"unexpected file name {path!r}")
    return Tex(path)


def proof_text(proof: dict) -> Tex:
    parts = [str(proof.get("status") or "")]
    if proof.get("detail"):
        parts.append(str(proof["detail"]))
    if isinstance(proof.get("seconds"), (int, float)):
        parts.append(f"{proof['seconds']:.2g} s")
    return escape("; ".join(p for p in parts if p))


def where_span(results: list[dict]) -> str:
    """``equations (7)–(13)`` / ``equations (2), (5)`` / ``an unnumbered line``: where a remark applies."""
    labels, quotes = [], 0
    for r in results:
        eq = (r.get("sources") or [{}])[0].get("equation")
        if eq is None:
            quotes += 1
        elif eq not in labels:
            labels.append(eq)
    parts = []
    if labels:
        nums = [int(x) for x in labels if x.isdigit()]
        if len(nums) == len(labels) and len(nums) > 2 and sorted(nums) == list(range(min(nums), max(nums) + 1)):
            parts.append(f"equations ({min(nums)})\u2013({max(nums)})")
        else:
            parts.append(("equation " if len(labels) == 1 else "equations ") + ", ".join(f"({x})" for x in labels))
    if quotes:
        parts.append("an unnumbered line" if quotes == 1 else f"{quotes} unnumbered lines")
    return " and ".join(parts)


def capfirst(text) -> str:
    text = str(text or "").strip().rstrip(".")
    return text[:1].upper() + text[1:]


def shorten(text: str | None, n: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def _finalize(value):
    if isinstance(value, Tex):
        return value
    if value is None:
        return ""
    return escape(value)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        block_start_string=r"\BLOCK{",
        block_end_string="}",
        variable_start_string=r"\VAR{",
        variable_end_string="}",
        comment_start_string=r"\#{",
        comment_end_string="}",
        line_comment_prefix="%#",
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        keep_trailing_newline=True,
        undefined=jinja2.Undefined,  # optional fields of the result file may be absent
        finalize=_finalize,
    )
    env.filters.update(num=num, verdict=verdict, tt=tt, params=params, heading=heading, shown=shown,
                       display=display, shorten=shorten, e=escape, br=escape_breakable, source_cell=source_cell,
                       diff=diff, raw_path=raw_path, proof_text=proof_text, capfirst=capfirst, note_short=note_short,
                       where_span=where_span, eqverdict=eqverdict, equation_cell=equation_cell)
    env.globals.update(VERDICTS=VERDICTS, MEANING=MEANING, Tex=Tex, EQUATION_VERDICTS=EQUATION_VERDICTS,
                       EQUATION_MEANING=EQUATION_MEANING)
    return env


# ----------------------------------------------------------------------------- the view of one entry
@dataclass
class EntryView:
    r: dict
    label: str
    number: int
    sources: list[tuple[str, str]]  # (note short, "(72)" or quote)
    quotes: list[str]
    note_math: Snippet | None
    claimed: Snippet | Tex | None
    reference: Snippet | Tex | None
    corrected_math: Snippet | None = None
    corrected_encoded: Snippet | Tex | None = None
    traceback: Tex | None = None
    diagnosis: Mixed | None = None
    corrected_remark: Mixed | None = None
    figure: Figure | None = None
    figure_file: str = ""
    inheritors: list[dict] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.r["id"]

    @property
    def ev(self) -> dict:
        return self.r.get("evidence") or {}

    @property
    def ce(self) -> dict | None:
        return self.r.get("counterexample")

    @property
    def corrected(self) -> dict | None:
        return self.r.get("corrected")

    @property
    def follows_detail(self) -> dict | None:
        return self.ev.get("follows")

    @property
    def finding(self):
        """What the audit found: the diagnosis of a refuted line (with its math), else one line of text."""
        if self.r["verdict"] in ("refuted", "inconclusive", "error") and self.diagnosis:
            return self.diagnosis
        return finding(self.r)

    @property
    def resolution(self) -> str:
        return resolution_text(self.r)

    @property
    def defined_at(self) -> str:
        path = self.r.get("defined_at") or ""
        i = path.rfind("derivations/")
        return path[i:] if i >= 0 else path

    def vector(self) -> list[tuple[int, float, float]] | None:
        """Rows (index, claimed, reference) of a short vector counterexample."""
        ce = self.ce or {}
        c, r = ce.get("claimed"), ce.get("reference")
        if isinstance(c, list) and isinstance(r, list) and len(c) == len(r) and 1 < len(c) <= 16 \
                and all(not isinstance(v, list) for v in c + r):
            return list(zip(range(len(c)), c, r))
        return None

    def kind_of_value(self) -> str:
        ce = self.ce or {}
        c = ce.get("claimed")
        if isinstance(c, list):
            return "matrix" if c and isinstance(c[0], list) else "vector"
        return "scalar"


def _views(sh: Shape, pieces: Pieces, folder: Path, figures: bool) -> list[EntryView]:
    views = []
    roots = {x.id: x.inheritors for x in sh.roots}
    for k, r in enumerate(sh.ordered, start=1):
        rid = r["id"]
        enc = r.get("encoded") or {}
        v = EntryView(
            r=r,
            label=f"entry-{k}",
            number=k,
            sources=[(note_short(s.get("note") or ""), source_label(s)) for s in r.get("sources") or []],
            quotes=[s["quote"] for s in r.get("sources") or [] if s.get("quote")],
            note_math=pieces.latex(rid, "the note's LaTeX", r.get("latex"), "note"),
            claimed=pieces.encoded(rid, "encoded claimed side", enc.get("claimed"), fmt=enc.get("claimed_format")),
            reference=pieces.encoded(rid, "encoded reference side", enc.get("reference"), fmt=enc.get("reference_format")),
            inheritors=roots.get(rid, []),
        )
        corr = r.get("corrected")
        if corr:
            v.corrected_math = pieces.latex(rid, "corrected form", corr.get("latex"),
                                            "note" if corr.get("source") == "author" else "audit")
            v.corrected_encoded = pieces.encoded(rid, "encoded corrected form", corr.get("encoded"), fmt=corr.get("encoded_format"))
        v.diagnosis = pieces.mixed(rid, "diagnosis", r.get("diagnosis"))
        if corr:
            v.corrected_remark = pieces.mixed(rid, "corrected form's remark", corr.get("remark"))
        if r.get("traceback"):
            v.traceback = pieces.code(r["traceback"])
        if figures:
            fig = figure_for(r, folder / "figures", f"fig-{k:03d}")
            if fig:
                v.figure = fig
                v.figure_file = f"figures/fig-{k:03d}.pdf"
        views.append(v)
    return views


# ----------------------------------------------------------------------------- rendering and building
@dataclass
class Report:
    """What :func:`render` made."""

    tex: Path
    pdf: Path | None
    message: str
    verbatim: list[Snippet]
    pages: int | None = None
    seconds: float = 0.0
    ok: bool = True
    broke: list[tuple[str, str]] = field(default_factory=list)  # (entry, TeX's error): its snippets set aside


def reproduce_command(settings: dict) -> str:
    cmd = f"derivcheck audit --mode {settings.get('mode', 'quick')} --seed {settings.get('seed', 0)}"
    if settings.get("sampling") == "montecarlo":
        cmd += " --plain-mc"
    return cmd


def _write_tex(env: jinja2.Environment, document: dict, sh: Shape, views: list[EntryView], pieces: Pieces,
               folder: Path, safe_mode: str | None) -> Path:
    by_id = {v.id: v for v in views}
    notes = [g for g in sh.groups]
    text = env.get_template("report.tex.j2").render(
        doc=document,
        settings=document.get("settings") or {},
        environment=document.get("environment") or {},
        shape=sh,
        notes=notes,
        views=views,
        by_id=by_id,
        verbatim=[s for s in pieces.snippets if s.reason is not None],
        snippet_count=len(pieces.snippets),
        reproduce=reproduce_command(document.get("settings") or {}),
        safe_mode=safe_mode,
        flag_cell=FLAG_CELL,
        checkable=sum(1 for r in document["results"] if r["kind"] == "claim"),
        mutation=mutation_rows(document),
        mutation_headline=mutation_headline(document),
    )
    path = folder / "report.tex"
    path.write_text(text)
    return path


def vet_snippets(snippets: list[Snippet], folder: Path) -> None:
    """Compile-test every snippet that passed the screen (in ``folder``, removed after); a failure is shown verbatim."""
    candidates = [(s.n, s.typeset()) for s in snippets if s.reason is None]
    if candidates:
        vet_env = environment()

        def make(subset):
            return vet_env.get_template("vet.tex.j2").render(snippets=subset)

        vetting = texbuild.vet(candidates, make, folder)
        for s in snippets:
            if s.n in vetting.failed:
                s.reason = "does not compile: " + vetting.failed[s.n]
    shutil.rmtree(folder, ignore_errors=True)


def build_pdf(folder: Path, timeout: float | None, name: str = "report") -> tuple[texbuild.Run, int]:
    """pdflatex over ``folder/name.tex`` until the cross-references settle (at most 4 passes); the
    annotated note's build (the report's own goes through :func:`_build_pdf`)."""
    passes = 0
    run = None
    for passes in range(1, 5):
        run = texbuild.run_pdflatex(folder, name, timeout=timeout)
        if not run.ok:
            break
        if passes >= 2 and not re.search(r"Rerun to get|Label\(s\) may have changed|Rerun LaTeX", run.log):
            break
    assert run is not None
    return run, passes


#: pdflatex writes into this sub-folder; ``report.pdf`` is replaced only by a build that succeeded
BUILD = "_build"
#: entries set aside one by one (their snippets verbatim) before every snippet is shown verbatim
MAX_BREAKERS = 3
#: single passes the search for them may cost in all (a bisection of n entries takes at most 2 log2 n)
SEARCH_BUILDS = 24
#: a later pass may take this many times the first before it is cut short (the limit follows the machine)
PASS_SLACK = 4.0


def _build_pdf(folder: Path, timeout: float | None, max_passes: int = 4) -> tuple[texbuild.Run, int]:
    """pdflatex passes over ``folder/report.tex`` in a fresh ``folder/_build`` until the references settle.

    Each pass gets ``timeout`` or, by default, :func:`texbuild.pass_timeout` of the document's size;
    the passes after the first also get at least ``PASS_SLACK`` times what the first took.
    """
    out = folder / BUILD
    shutil.rmtree(out, ignore_errors=True)  # a failed pass may leave a truncated .aux that breaks the next
    out.mkdir()
    limit = timeout
    passes = 0
    run = None
    for passes in range(1, max_passes + 1):
        run = texbuild.run_pdflatex(folder, "report", timeout=limit, outdir=BUILD)
        if not run.ok:
            break
        if passes >= 2 and not re.search(r"Rerun to get|Label\(s\) may have changed|Rerun LaTeX", run.log):
            break
        if timeout is None:
            size = (folder / "report.tex").stat().st_size
            limit = max(texbuild.pass_timeout(size), PASS_SLACK * run.seconds)
    assert run is not None
    return run, passes


def _publish(folder: Path, run: texbuild.Run) -> Path | None:
    """``report.log`` from the last build; ``report.pdf`` replaced (a rename) only when it succeeded."""
    safeio.atomic_write_text(folder / "report.log", run.log)
    built = folder / BUILD / "report.pdf"
    pdf = None
    if run.ok and built.exists():
        pdf = folder / "report.pdf"
        os.replace(built, pdf)
    shutil.rmtree(folder / BUILD, ignore_errors=True)
    return pdf


def _entry_id_at(source: str, line: int | None, views: list[EntryView]) -> str | None:
    """The id of the entry that ``line`` of the LaTeX ``source`` belongs to: a summary row naming it, or
    its section."""
    if line is None:
        return None
    lines = source.splitlines()[:line]
    by_label = {v.label: v.id for v in views}
    label = r"entry-(?:\{\})?(\d+)"  # the template escapes the label: entry-{}7
    if lines:  # a row of a summary table links to its entry on the same line
        m = re.search(r"\\hyperref\[" + label + r"\]", lines[-1])
        if m and f"entry-{m.group(1)}" in by_label:
            return by_label[f"entry-{m.group(1)}"]
    for text in reversed(lines):
        m = re.search(r"\\label\{" + label + r"\}", text)
        if m and f"entry-{m.group(1)}" in by_label:
            return by_label[f"entry-{m.group(1)}"]
    return None


def _entry_at(source: str, run: texbuild.Run, views: list[EntryView]) -> str:
    """' (in the entry of ID)' for the entry of the LaTeX ``source`` where ``run`` failed, or ''."""
    rid = _entry_id_at(source, texbuild.error_line(run.log, "report"), views)
    return f" (in the entry of {shorten(rid, 80)})" if rid else ""


def _breaker(pieces: Pieces, failed: texbuild.Run, source: str, views: list[EntryView],
             build_with: Callable[[set[str]], texbuild.Run]) -> tuple[str, str] | None:
    """(entry id, TeX's error) of an entry whose typeset snippets alone break the build, or None.

    ``build_with(E)`` builds once with only the snippets of the entries ``E`` typeset (the rest
    verbatim). The entry at the error's line is tried first; otherwise the entries are bisected
    (at most two builds per halving). Only an entry that breaks the build on its own is blamed.
    """
    typeset = list(dict.fromkeys(s.entry for s in pieces.snippets if s.reason is None))
    suspect = _entry_id_at(source, texbuild.error_line(failed.log, "report"), views)
    if suspect in typeset:
        run = build_with({suspect})
        if not run.ok and not run.timed_out:
            return suspect, run.first_error()

    def search(entries: list[str], error: str) -> tuple[str, str] | None:
        if len(entries) == 1:
            return entries[0], error
        half = len(entries) // 2
        for part in (entries[:half], entries[half:]):
            run = build_with(set(part))
            if run.timed_out:
                return None
            if not run.ok:
                return search(part, run.first_error())
        return None  # it breaks only in company: every snippet verbatim then

    return search(typeset, failed.first_error()) if typeset else None


def render(document: dict, folder: str | Path, *, pdf: bool = True, figures: bool = True,
           timeout: float | None = None) -> Report:
    """Write ``folder/report.tex`` and, where pdflatex exists and ``pdf``, ``folder/report.pdf``."""
    start = time.perf_counter()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    safeio.mark_report_folder(folder)  # what is in it from now on, derivcheck wrote (see reports.safeio)
    for sub in ("snippets", "figures", "_vet"):
        shutil.rmtree(folder / sub, ignore_errors=True)
    for old in ("report.aux", "report.toc", "report.out", "report.log"):  # report.pdf: replaced only by a good build
        (folder / old).unlink(missing_ok=True)
    shutil.rmtree(folder / BUILD, ignore_errors=True)
    env = environment()
    sh = shape(document)
    pieces = Pieces(folder)
    views = _views(sh, pieces, folder, figures)
    have_tex = texbuild.pdflatex() is not None and pdf

    if have_tex:  # compile-test every snippet that passed the screen
        vet_snippets(pieces.snippets, folder / "_vet")

    tex = _write_tex(env, document, sh, views, pieces, folder, None)
    verbatim = [s for s in pieces.snippets if s.reason is not None]
    if not have_tex:
        msg = f"wrote {tex}" + ("" if not pdf else f"; {texbuild.INSTALL_HINT}")
        return Report(tex, None, msg, verbatim, seconds=time.perf_counter() - start, ok=True)

    safe_mode: str | None = None

    def rebuild(max_passes: int = 4) -> tuple[texbuild.Run, int]:
        _write_tex(env, document, sh, views, pieces, folder, safe_mode)
        return _build_pdf(folder, timeout, max_passes)

    searched = 0

    def build_with(entries: set[str]) -> texbuild.Run:
        """One pass with only the snippets of ``entries`` typeset; the snippets' reasons are restored.

        Past ``SEARCH_BUILDS`` passes it builds nothing and reports a time-out (the search ends)."""
        nonlocal searched
        searched += 1
        if searched > SEARCH_BUILDS:
            return texbuild.Run(ok=False, seconds=0.0, log="", timed_out=True)
        saved = [(s, s.reason) for s in pieces.snippets]
        for s in pieces.snippets:
            if s.reason is None and s.entry not in entries:
                s.reason = "set aside while the build was tried without it"
        try:
            return rebuild(1)[0]
        finally:
            for s, reason in saved:
                s.reason = reason

    run, passes = rebuild()
    source = tex.read_text()  # the LaTeX the last full build read (the lines of its errors)
    broke: list[tuple[str, str]] = []  # (entry, TeX's error) whose snippets were set aside for the build
    safe_note = ""
    if not run.ok and not run.timed_out and any(s.reason is None for s in pieces.snippets):
        # never expected after vetting (a snippet that compiles alone but not in the report, a
        # document past TeX's capacity): find the entry that breaks it and show its snippets verbatim
        failed, failed_source = run, source
        if build_with(set()).ok:  # with every snippet verbatim it builds: a snippet is to blame
            while not run.ok and len(broke) < MAX_BREAKERS:
                found = _breaker(pieces, run, source, views, build_with)
                if found is None:
                    break
                rid, error = found
                for s in pieces.snippets:
                    if s.entry == rid and s.reason is None:
                        s.reason = f"the report did not build with it typeset: {error}"
                broke.append(found)
                run, passes = rebuild()
                source = tex.read_text()
            if not run.ok:  # last resort: every snippet verbatim
                first = failed.first_error() + _entry_at(failed_source, failed, views)
                for s in pieces.snippets:
                    if s.reason is None:
                        s.reason = "shown verbatim because the report did not build with it typeset"
                safe_mode = first
                run, passes = rebuild()
                source = tex.read_text()
                safe_note = f" (safe mode: every snippet verbatim after the error: {first})"
        else:
            run, source = failed, failed_source
            tex.write_text(source)  # the document as it failed
    verbatim = [s for s in pieces.snippets if s.reason is not None]
    seconds = time.perf_counter() - start
    pdf_path = _publish(folder, run)
    set_aside = "".join(f"; the LaTeX of entry {shorten(rid, 80)} is shown verbatim: the report did not build with it typeset "
                        f"({error})" for rid, error in broke)
    if pdf_path is None:
        where = _entry_at(source, run, views)
        why = (f"timed out after {run.limit:g} s" if run.timed_out and run.limit else run.first_error())
        kept = "; the previous report.pdf is left as it was" if (folder / "report.pdf").exists() else ""
        return Report(tex, None, f"wrote {tex}; pdflatex failed: {why}{where} (see {folder / 'report.log'}){set_aside}"
                      f"{kept}", verbatim, seconds=seconds, ok=False, broke=broke)
    m = re.search(r"Output written on (?:\S*/)?report\.pdf \((\d+) pages?", run.log)
    pages = int(m.group(1)) if m else None
    msg = (f"wrote {pdf_path} ({pages} pages, {passes} pdflatex passes, {seconds:.1f} s; "
           f"{len(verbatim)} of {len(pieces.snippets)} LaTeX snippets shown verbatim){set_aside}{safe_note}")
    return Report(tex, pdf_path, msg, verbatim, pages=pages, seconds=seconds, broke=broke)
