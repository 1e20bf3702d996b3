r"""The annotated note as a PDF, through the report's own LaTeX build.

The same :class:`reports.annotate.Page` as the HTML page: the note's prose and
displays in order, a verdict mark under each display (true / error enters here
/ inherited from ... / ambiguous / definition / unfinished), the corrected form
typeset under each wrong line, the note's own doubts and the checked quotes
in colour, each entry id a link into the full report (its named destination
``entry-K``, see ``templates/entry.tex.j2``).

Every piece of the note's LaTeX is a :class:`reports.latex.Snippet`: screened
(:func:`reports.texsafe.screen`) and compile-tested in isolation
(:func:`reports.latex.vet_snippets`) before it is typeset; what fails is shown
verbatim.  pdflatex runs in the sandbox of :mod:`reports.texbuild`.  Without
pdflatex no PDF is made and the message says why and how to get one.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import texbuild
from .annotate import MARK, NOT_AUDITED, Block, Mark, Page, math_spans
from .latex import Mixed, Pieces, Snippet, build_pdf, environment, vet_snippets
from .texsafe import Tex, escape, escape_breakable

#: the mark's symbol in LaTeX (the HTML page uses Unicode)
SYMBOL = {"\u2713": r"$\checkmark$", "\u2717": r"$\times$", "\u21b3": r"$\hookrightarrow$", "?": "?",
          "\u2261": r"$\equiv$", "\u2026": r"\dots", "!": "!", "\u2205": r"$\emptyset$"}
#: a link TeX can take as it is (no character that \href or the PDF would read specially)
_SAFE_LINK = re.compile(r"^[A-Za-z0-9._/:+=-]+$")
_HEADING = re.compile(r"^#{1,6}[ \t]+")


@dataclass(frozen=True)
class Made:
    """What :func:`render_pdf` made: the PDF (None: none, ``message`` says why)."""

    pdf: Path | None
    message: str
    verbatim: int = 0  # snippets shown verbatim (did not pass the screen or the compile test)
    snippets: int = 0


def colour_name(hex_colour: str) -> str:
    return "dcmark" + hex_colour.lstrip("#").upper()


def _colours() -> Tex:
    colours = sorted({c for _, _, c in MARK.values()} | {NOT_AUDITED[2]})
    return Tex("\n".join(rf"\definecolor{{{colour_name(c)}}}{{HTML}}{{{c.lstrip('#').upper()}}}" for c in colours))


class _Builder:
    """The document as a list of TeX strings and snippets (a snippet's TeX is known only after vetting)."""

    def __init__(self, pieces: Pieces, note: str) -> None:
        self.pieces, self.note = pieces, note
        self.parts: list[str | Snippet | Mixed] = []
        self.heading = False  # inside a "# heading" line of the note

    def text(self, text: str) -> None:
        """Plain prose: escaped; a blank line is a new paragraph, a line starting with # a heading."""
        for k, line in enumerate(text.split("\n")):
            if k:
                if self.heading:
                    self.parts.append("\\par\\normalsize\\mdseries\\smallskip\n")
                    self.heading = False
                self.parts.append("\n")
            m = _HEADING.match(line)
            if m and (k or not self.parts or self.parts[-1] == "\n"):
                self.parts.append("\\par\\medskip\\noindent\\large\\bfseries ")
                self.heading = True
                line = line[m.end():]
            self.parts.append(escape(line))

    def prose(self, text: str) -> None:
        """Prose with its ``$...$`` as inline snippets."""
        pos = 0
        for a, b in math_spans(text):
            self.text(text[pos:a])
            self.parts.append(self.pieces.inline_math(self.note, "the note's math", text[a + 1:b - 1]))
            pos = b
        self.text(text[pos:])

    def block(self, block: Block, link: str | None) -> None:
        pos = 0
        for a, b, cls, _ in block.highlights:
            self.prose(block.prose[pos:a])
            self.parts.append("{\\color{dc%s}" % cls)
            self.prose(block.prose[a:b])
            self.parts.append("}")
            pos = b
        self.prose(block.prose[pos:])
        if self.heading:
            self.parts.append("\\par\\normalsize\\mdseries\n")
            self.heading = False
        if not block.source:
            return
        self.parts.append("\n\n\\begin{dcdisplay}\n")
        rows = block.rows or ((None, block.source),)
        for label, latex in rows:
            snip = self.pieces.latex(self.note, f"equation ({label})" if label else "a display", latex, "note")
            if snip is not None:
                self.parts.append(snip)
        for m in block.marks:
            self.mark(m, link)
        self.parts.append("\\end{dcdisplay}\n\n")

    def mark(self, m: Mark, link: str | None) -> None:
        symbol = SYMBOL.get(m.symbol, escape(m.symbol))
        self.parts.append(f"\\par\\noindent({escape(m.label)}) \\dcmark{{{colour_name(m.colour)}}}{{{symbol}}}"
                          f"{{{escape(m.words)}}}")
        for k, (rid, anchor) in enumerate(zip(m.ids, m.anchors)):
            self.parts.append("," if k else "")
            ident = escape_breakable(rid)
            if link and _SAFE_LINK.match(link):
                target = f"{link}#{anchor}" if anchor and link.lower().endswith(".pdf") else link
                self.parts.append(f" \\href{{{target}}}{{\\dcid{{{ident}}}}}")
            else:
                self.parts.append(f" \\dcid{{{ident}}}")
        summary = self.pieces.mixed(m.ids[0] if m.ids else self.note, "summary", m.summary)
        if summary:
            self.parts.append(" ")
            self.parts.append(summary)
        for verdict, latex in m.corrected:
            self.parts.append(f"\\par\\noindent\\hspace*{{2em}}{{\\small\\color{{dcmark1A7F37}}corrected form "
                              f"({escape(verdict)}):}}")
            snip = self.pieces.latex(m.ids[0] if m.ids else self.note, "corrected form", latex, "audit")
            if snip is not None:
                self.parts.append(snip)
        self.parts.append("\\par\n")

    def tex(self) -> Tex:
        return Tex("".join(p if isinstance(p, str) else p.tex() for p in self.parts))


def _document(p: Page, body: Tex) -> str:
    link = p.report_link if p.report_link and _SAFE_LINK.match(p.report_link) else None
    return environment().get_template("annotate.tex.j2").render(
        page=p, colours=_colours(), body=body, link=link)


def render_pdf(p: Page, out: Path, name: str, timeout: float | None = None) -> Made:
    """Write ``out/name.pdf``; where pdflatex is missing or the build fails, no PDF and the reason."""
    target = out / f"{name}.pdf"
    target.unlink(missing_ok=True)  # a PDF of an earlier run must not pass for this one (the caller checked it is ours)
    if texbuild.pdflatex() is None:
        return Made(None, f"no PDF of the annotated note: {texbuild.INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="derivcheck-annotate-") as tmp:
        folder = Path(tmp)
        pieces = Pieces(folder)
        builder = _Builder(pieces, p.note)
        for block in p.blocks:
            builder.block(block, p.report_link)
        vet_snippets(pieces.snippets, folder / "vet")
        (folder / "annotated.tex").write_text(_document(p, builder.tex()))
        run, _ = build_pdf(folder, timeout, name="annotated")
        if not run.ok:  # never expected after vetting: every snippet verbatim, once more
            for s in pieces.snippets:
                if s.reason is None:
                    s.reason = "shown verbatim because the page did not build with it typeset"
            (folder / "annotated.tex").write_text(_document(p, builder.tex()))
            run, _ = build_pdf(folder, timeout, name="annotated")
        verbatim = sum(s.reason is not None for s in pieces.snippets)
        if not run.ok:
            return Made(None, f"no PDF of the annotated note: pdflatex failed: {run.first_error()}",
                        verbatim, len(pieces.snippets))
        out.mkdir(parents=True, exist_ok=True)
        part = out / f".{name}.pdf.part"
        shutil.copyfile(folder / "annotated.pdf", part)
        os.replace(part, target)
    return Made(target, f"wrote {target} ({verbatim} of {len(pieces.snippets)} LaTeX snippets shown verbatim)",
                verbatim, len(pieces.snippets))
