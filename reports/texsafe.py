"""Text into LaTeX, safely.

Two kinds of strings reach the report:

* plain text from the result file (ids, assumptions, diagnoses, quotes,
  reasons, code): :func:`escape` turns it into LaTeX that prints exactly
  those characters, whatever they are;
* the notes' own LaTeX (and LaTeX the audit produced): user input that is
  typeset only if :func:`screen` finds nothing dangerous in it and it then
  compiles on its own (``reports.texbuild.vet``); otherwise it is shown as
  code (:func:`listing_text`) and listed in the appendix.

:class:`Tex` marks a string as finished LaTeX; the template environment
escapes every other value it prints.
"""

from __future__ import annotations

import re
import unicodedata


class Tex(str):
    """A string that is already LaTeX (the templates print it as it is)."""

    __slots__ = ()


# ----------------------------------------------------------------------------- plain text
_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': r"\textquotedbl{}",
    "'": r"\textquotesingle{}",
    "`": r"\textasciigrave{}",
    "-": "-{}",  # no en/em-dash ligatures in data
    "\n": " ",
    "\r": " ",
    "\t": " ",
}

# characters outside T1 that the data may contain: shown with a text-mode equivalent
_UNICODE = {
    "\u2013": "--", "\u2014": "---", "\u2018": "`", "\u2019": "'", "\u201c": "``", "\u201d": "''",
    "\u2026": r"\ldots{}", "\u00a0": "~", "\u2212": r"\ensuremath{-}", "\u00b1": r"\ensuremath{\pm}",
    "\u00d7": r"\ensuremath{\times}", "\u2264": r"\ensuremath{\le}", "\u2265": r"\ensuremath{\ge}",
    "\u2260": r"\ensuremath{\ne}", "\u2248": r"\ensuremath{\approx}", "\u221e": r"\ensuremath{\infty}",
    "\u2192": r"\ensuremath{\to}", "\u2190": r"\ensuremath{\leftarrow}", "\u2208": r"\ensuremath{\in}",
    "\u221a": r"\ensuremath{\surd}", "\u2211": r"\ensuremath{\Sigma}", "\u00b7": r"\ensuremath{\cdot}",
    "\u2202": r"\ensuremath{\partial}", "\u2207": r"\ensuremath{\nabla}", "\u00b2": r"\ensuremath{^2}",
    "\u2713": "yes", "\u2717": "no",
}
_GREEK = {
    "\u03b1": "alpha", "\u03b2": "beta", "\u03b3": "gamma", "\u03b4": "delta", "\u03b5": "epsilon",
    "\u03b6": "zeta", "\u03b7": "eta", "\u03b8": "theta", "\u03b9": "iota", "\u03ba": "kappa",
    "\u03bb": "lambda", "\u03bc": "mu", "\u03bd": "nu", "\u03be": "xi", "\u03c0": "pi", "\u03c1": "rho",
    "\u03c3": "sigma", "\u03c4": "tau", "\u03c5": "upsilon", "\u03c6": "phi", "\u03c7": "chi",
    "\u03c8": "psi", "\u03c9": "omega", "\u0393": "Gamma", "\u0394": "Delta", "\u0398": "Theta",
    "\u039b": "Lambda", "\u039e": "Xi", "\u03a0": "Pi", "\u03a3": "Sigma", "\u03a6": "Phi",
    "\u03a8": "Psi", "\u03a9": "Omega",
}
for _ch, _name in _GREEK.items():
    _UNICODE[_ch] = rf"\ensuremath{{\{_name}}}"

# T1 (with utf8 inputenc) prints Latin-1 letters as they are
_LATIN1 = {chr(c) for c in range(0xC0, 0x100)} - {"\u00d7", "\u00f7"}


def _unicode_text(ch: str) -> str:
    if ch in _UNICODE:
        return _UNICODE[ch]
    if ch in _LATIN1:
        return ch
    if unicodedata.category(ch).startswith("C"):  # control, format, unassigned
        return ""
    return rf"\textless{{}}U+{ord(ch):04X}\textgreater{{}}"


def escape(text: object) -> Tex:
    """LaTeX that prints ``text`` literally (any characters; never a command)."""
    if text is None:
        return Tex("")
    out = []
    for ch in str(text):
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif " " <= ch <= "~":
            out.append(ch)
        else:
            out.append(_unicode_text(ch))
    return Tex(_short_lines(out) if len(out) > LINE_CHUNK else "".join(out))


#: characters of escaped text per line of the document: TeX reads a line into a buffer of bounded
#: size (buf_size, 200,000 in TeX Live), and a longer field would end the build
LINE_CHUNK = 1000


#: characters of one word of a long text after which a line break is allowed (a word of 200 kB
#: would make a box wider than TeX can measure: "arithmetic: number too big")
LONG_WORD = 100


def _short_lines(pieces: list[str]) -> str:
    """The pieces joined, with ``%`` + newline (which TeX reads as nothing) every ``LINE_CHUNK``
    characters, never before a space (TeX drops the spaces that begin a line), and a permitted
    line break every ``LONG_WORD`` characters of a word."""
    out: list[str] = []
    run = word = 0
    for k, piece in enumerate(pieces):
        if piece == " ":
            word = 0
        elif word >= LONG_WORD:
            out.append(r"\allowbreak{}")
            word = 0
        if run >= LINE_CHUNK and k and piece != " ":
            out.append("%\n")
            run = 0
        out.append(piece)
        run += len(piece)
        word += piece != " "
    return "".join(out)


def escape_breakable(text: object) -> Tex:
    """Like :func:`escape`, with line breaks allowed after ``. _ / : , ( =`` (for ids and paths)."""
    out = []
    for ch in "" if text is None else str(text):
        out.append(escape(ch))
        if ch in "._/:,(=":
            out.append(r"\allowbreak{}")
    return Tex(_short_lines(out) if len(out) > LINE_CHUNK else "".join(out))


LISTING_WIDTH = 110  # characters: longer lines are cut for the listing (a long word overflows TeX's dimensions)
LISTING_MAX = 8000  # characters of one listing


def _wrap_line(line: str, width: int = LISTING_WIDTH) -> list[str]:
    out = []
    while len(line) > width:
        cut = line.rfind(" ", width // 2, width)
        cut = cut if cut > 0 else width
        out.append(line[:cut])
        line = line[cut:]
    out.append(line)
    return out


def listing_text(text: str) -> str:
    """Text for a listing read from a file: printable ASCII, lines of bounded length, bounded size."""
    text = ascii_text(text)
    if len(text) > LISTING_MAX:
        text = text[:LISTING_MAX] + f"\n... ({len(text) - LISTING_MAX} more characters)"
    return "\n".join(part for line in text.split("\n") for part in _wrap_line(line))


def ascii_text(text: str) -> str:
    """Printable ASCII lines only.

    Other characters become ``<U+XXXX>`` (Greek letters their names), so a
    listing never meets an encoding it cannot print.
    """
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "):
        if ch == "\n" or " " <= ch <= "~":
            out.append(ch)
        elif ch in _GREEK:
            out.append(_GREEK[ch])
        elif ch in "\u2018\u2019":
            out.append("'")
        elif ch in "\u201c\u201d":
            out.append('"')
        elif ch in "\u2013\u2014\u2212":
            out.append("-")
        elif unicodedata.category(ch).startswith("C"):
            out.append(f"<U+{ord(ch):04X}>")
        else:
            out.append(f"<U+{ord(ch):04X}>")
    return "".join(out)


# ----------------------------------------------------------------------------- the notes' LaTeX
#: control sequences that read or write files (or the terminal and the log, whose lines the build
#: reads back), run code, redefine things, change category codes, fonts, registers that are always
#: global or the interaction mode, or end / restructure the document: never typeset.
FORBIDDEN = frozenset(
    """
    input include includeonly InputIfFileExists IfFileExists openin openout closein closeout read readline
    write immediate special shipout output outputpenalty everypar everymath everydisplay everyhbox everyvbox
    everyjob everycr everyeof endinput scantokens newwrite newread
    catcode lccode uccode sfcode mathcode delcode uchyph
    def edef gdef xdef let futurelet global long outer protected
    newcommand renewcommand providecommand DeclareRobustCommand DeclareMathOperator newenvironment
    renewenvironment newcounter setcounter addtocounter stepcounter newlength setlength addtolength
    newif newtoks newcount newdimen newskip newbox count dimen skip toks box setbox
    csname endcsname expandafter noexpand afterassignment aftergroup unexpanded detokenize string
    usepackage RequirePackage documentclass NeedsTeXFormat ProvidesPackage LoadClass PassOptionsToPackage
    makeatletter makeatother loop repeat iterate
    batchmode nonstopmode scrollmode errorstopmode errmessage errhelp message show showthe showbox
    showlists showtokens showgroups showifs tracingonline tracingmacros tracingcommands
    directlua latelua luaexec pdfprimitive primitive pdfliteral pdfobj pdfannot pdfstartlink pdfendlink
    pdffiledump pdffilesize pdffilemoddate pdfmdfivesum pdfshellescape pdfsavepos pdfximage pdfrefximage
    includegraphics lstinputlisting verbatiminput VerbatimInput listinginput hyperimage
    dcverbatim dccode
    url href hyperlink hypertarget
    verb lstinline begingroup endgroup bgroup egroup
    end begin
    jobname mag hoffset voffset pagegoal vsize hsize
    vspace hspace vskip hskip kern newpage clearpage cleardoublepage pagebreak enlargethispage
    par vbox vtop vcenter vfill vfil vss raise lower moveleft moveright
    tableofcontents listoffigures listoftables maketitle bibliography printbibliography
    label ref eqref pageref tag nonumber notag footnote marginpar
    color textcolor pagecolor colorbox fcolorbox
    font fontdimen fontname hyphenchar skewchar nullfont selectfont fontsize usefont fontfamily fontseries
    chardef mathchardef countdef dimendef skipdef muskipdef toksdef letcharcode
    globaldefs pausing interactionmode maxdeadcycles deadcycles insertpenalties holdinginserts
    escapechar endlinechar newlinechar errorcontextlines uppercase lowercase romannumeral
    looseness tolerance pretolerance hbadness vbadness hfuzz vfuzz emergencystretch baselineskip lineskip
    lineskiplimit parindent parskip parfillskip leftskip rightskip hangindent hangafter parshape
    mathsurround scriptspace nulldelimiterspace delimitershortfall delimiterfactor predisplaysize
    displaywidth displayindent abovedisplayskip belowdisplayskip abovedisplayshortskip belowdisplayshortskip
    halign valign noalign omit span cr crcr lastbox unhbox unvbox unhcopy unvcopy copy
    hyphenation patterns language setlanguage lefthyphenmin righthyphenmin
    inputlineno time day month year
    textfont scriptfont scriptscriptfont fam fontencoding fontshape letterspacefont newfont mathversion boldmath
    unboldmath
    typeout wlog showoutput showhyphens listfiles stop dump enddocument bye PackageError PackageWarning
    PackageWarningNoLine PackageInfo ClassError ClassWarning ClassWarningNoLine ClassInfo GenericError
    GenericWarning GenericInfo
    ifeof filecontents endfilecontents epsfbox ShellEscape
    obeyspaces obeylines dospecials active verbatim endverbatim
    advance multiply divide value wd ht dp prevdepth spacefactor prevgraf
    expanded ifcsname lastnamedcs begincsname whiledo forloop foreach pretocmd apptocmd patchcmd addto
    pagestyle thispagestyle pagenumbering markboth markright mark marks vadjust insert eject supereject
    section subsection subsubsection chapter part paragraph subparagraph caption addcontentsline addtocontents
    index glossary cite nocite bibitem footnotemark footnotetext item hypersetup phantomsection
    """.split()
)

#: families of commands that define, hook, load or evaluate names (``\NewDocumentCommand``,
#: ``\UseName{input}``, ``\AddToHook``, ``\ExplSyntaxOn``, ``\pdffiledump``, ``\tracing...``)
FORBIDDEN_PREFIXES = (
    "Declare", "New", "Renew", "Provide", "AtBegin", "AtEnd", "AddTo", "AddHook", "Hook", "Use", "Expand", "Execute",
    "Process", "Input", "Explsyntax", "ExplSyntax", "Load", "Require", "Copy", "Remove", "Clear", "Make", "pdf",
    "tracing", "write", "open", "read", "input", "include", "special", "every", "after", "shipout", "catcode",
    "lua", "tex_", "g@", "l@", "cs_", "tl_", "use_",
)

#: ``\begin{...}`` environments allowed inside a displayed equation
ENVIRONMENTS = frozenset(
    """aligned alignedat gathered split matrix pmatrix bmatrix Bmatrix vmatrix Vmatrix smallmatrix
    cases array subarray""".split()
)

_CS = re.compile(r"\\([A-Za-z@]+\*?|.)", re.S)
_ENV = re.compile(r"\\(begin|end)\s*\{([^{}]*)\}")

MAX_SNIPPET = 4000
MAX_DEPTH = 64  # braces and \left ... \right inside each other (the notes' deepest: a handful)


def screen(snippet: str) -> str | None:
    """Why ``snippet`` must not be typeset, or ``None`` if it may be tried.

    Typesetting is still conditional on a compile test in isolation
    (``reports.texbuild.vet``): this only keeps out what could read, write,
    loop or redefine.
    """
    if not snippet.strip():
        return "empty"
    if len(snippet) > MAX_SNIPPET:
        return f"longer than {MAX_SNIPPET} characters"
    if "^^" in snippet:
        return "contains the ^^ escape"
    bad_chars = sorted({ch for ch in snippet if (ch < " " and ch not in "\n\t") or ch == "\x7f"})
    if bad_chars:
        return "contains control characters"
    if any(ord(ch) > 126 for ch in snippet):
        return "contains non-ASCII characters"
    if "#" in snippet:
        return "contains the parameter character #"
    if "%" in snippet.replace(r"\%", ""):
        return "contains a comment character %"
    # environments: \begin{X} / \end{X} only for the allowed X, properly nested
    stack: list[str] = []
    for m in _ENV.finditer(snippet):
        kind, name = m.group(1), m.group(2).strip()
        if name not in ENVIRONMENTS:
            return f"uses the environment {{{name}}}"
        if kind == "begin":
            stack.append(name)
        elif not stack or stack.pop() != name:
            return f"\\end{{{name}}} does not match"
    if stack:
        return f"\\begin{{{stack[-1]}}} is never ended"
    without_envs = _ENV.sub(" ", snippet)
    for m in _CS.finditer(without_envs):
        name = m.group(1).rstrip("*")
        if "@" in name:
            return f"uses the internal control sequence \\{name}"
        if name in FORBIDDEN or name.startswith(FORBIDDEN_PREFIXES):
            return f"uses \\{name}"
    # braces must balance (ignoring escaped ones) and never close more than opened; groups (braces,
    # \left ... \right) nest at most MAX_DEPTH deep: TeX stops at 255 grouping levels in all
    depth = deepest = 0
    for m in re.finditer(r"\\(?:left|right)(?![A-Za-z])|\\.|[{}]", snippet, re.S):
        tok = m.group(0)
        if tok in ("{", "\\left"):
            depth += 1
            deepest = max(deepest, depth)
        elif tok in ("}", "\\right"):
            depth -= 1
            if depth < 0:
                return "unmatched \\left / \\right" if tok != "}" else "unbalanced braces (a } closes nothing)"
    if deepest > MAX_DEPTH:
        return f"groups nested {deepest} deep (more than {MAX_DEPTH})"
    if depth:
        return "unbalanced braces (a { is never closed)"
    # \left / \right must pair up (an unmatched one is a compile error anyway; say so plainly)
    if len(re.findall(r"\\left(?![A-Za-z])", snippet)) != len(re.findall(r"\\right(?![A-Za-z])", snippet)):
        return "unmatched \\left / \\right"
    dollars = len(re.findall(r"(?<!\\)\$", snippet))
    if dollars % 2:
        return "unbalanced $"
    return None


def math_body(snippet: str) -> str:
    """The snippet as the body of a display: top-level ``&`` / ``\\\\`` get an ``aligned``."""
    s = snippet.strip()
    top = re.sub(r"\\begin\{(\w+)\}.*?\\end\{\1\}", " ", s, flags=re.S)
    # a trailing full stop or comma on a display line is the note's punctuation: keep it
    if ("&" in top.replace(r"\&", "") or r"\\" in top) and not s.startswith(r"\begin{"):
        return "\\begin{aligned}\n" + s + "\n\\end{aligned}"
    return s


CODE_HINTS = re.compile(r"\n|\blambda\b|\bdef\b|\breturn\b|<function|\bnp\.|\bp\.[A-Za-z_]|\bmp\.|=\s*lambda|Sampled:")


def looks_like_code(text: str) -> bool:
    """Is an ``encoded`` form Python source (a code listing) rather than SymPy's LaTeX?"""
    return bool(CODE_HINTS.search(text))
