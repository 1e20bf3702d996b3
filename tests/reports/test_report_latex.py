"""The LaTeX / PDF report: escaping, the snippet screen and compile test, order, figures, and PDFs built
from a real audit (checked with pdftotext) and from a result file full of hostile LaTeX.

The tests that need TeX skip on a machine without it, except under CI (``CI`` set), where they fail:
``.ci/run`` installs TeX.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reports import figures, latex, model, texbuild
from reports.load import validate
from reports.texsafe import escape, listing_text, looks_like_code, screen

ROOT = Path(__file__).resolve().parents[2]

# a selection of the real notes' entries with every shape the report draws: a derivation with a root cause
# and an inherited error (scalar sweeps), a vector and a matrix counterexample, a definition, the note's flag
SELECTION = ["bump.outer.*", "bump002.sigma_yx", "bump002.sigma_xx", "bump002.model"]

HOSTILE = {
    "input": r"\input{/etc/passwd}",
    "loop": r"\def\x{\x}\x",
    "unbalanced": r"\frac{a}{b",
    "enddoc": r"x = 1 \end{document}",
    "write18": r"\immediate\write18{touch pwned.txt}",
    "caret": "^^5cinput{/etc/passwd}",
    "csname": r"\csname input\endcsname{/etc/passwd}",
    "usename": r"\UseName{input}{/etc/passwd}",
    "undefined": r"\undefinedmacro{x} = 2",
    "doublesub": r"x_1_2",
    "display": r"\[ x \]",
    "filecontents": r"\begin{filecontents}{evil.tex}x\end{filecontents}",
    "toolong": "x" * 5000,
    "unicode": "\u03c1 = 1",
}
# these the screen lets through; only the compile test sets them aside
COMPILE_FAILURES = {"undefined", "doublesub", "display"}


def _tex_or_skip() -> None:
    missing = [t for t in ("pdflatex", "pdftotext") if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI: {', '.join(missing)} missing; .ci/run installs {' '.join(texbuild.DEBIAN_PACKAGES)}")
        pytest.skip(f"no {', '.join(missing)} on this machine")


def _pdftext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def _squash(text: str) -> str:
    """pdftotext output without whitespace (ids may break across lines at the points the report allows)."""
    return "".join(text.split())


# ----------------------------------------------------------------------------- escaping and the screen
def test_escape_leaves_no_active_character() -> None:
    nasty = "\\input{/etc/passwd} $x$ & # ^ _ % ~ < > | \" ' ` -- \u03c1 \u2264 \u00e9 \x07 \u2603"
    out = escape(nasty)
    stripped = out
    for cmd in ("\\textbackslash{}", "\\{", "\\}", "\\$", "\\&", "\\#", "\\textasciicircum{}", "\\_", "\\%",
                "\\textasciitilde{}", "\\textless{}", "\\textgreater{}", "\\textbar{}", "\\textquotedbl{}",
                "\\textquotesingle{}", "\\textasciigrave{}", "-{}", "\\ensuremath{\\rho}", "\\ensuremath{\\le}"):
        stripped = stripped.replace(cmd, "")
    for ch in "\\{}$&#^_%~":
        assert ch not in stripped, (ch, out)
    assert "input" in out and "\x07" not in out and "U+2603" in out


@pytest.mark.parametrize("name", sorted(set(HOSTILE) - COMPILE_FAILURES))
def test_screen_rejects_dangerous_latex(name: str) -> None:
    assert screen(HOSTILE[name]) is not None


@pytest.mark.parametrize("snippet", [
    r"\Sigma^{yx}(p_i) = \mathbb{E}_{g,X,Y} [g_i Y X]",
    r"= \frac{2}{\sqrt{\pi}} \tan^{-1}\left(\frac{\sqrt{2}gr}{\sqrt{1+2g^2(1-r^2)}}\right)",
    r"\begin{bmatrix} a & b \\ c & d \end{bmatrix} \triangleq \operatorname{erf}(x), \quad 50\% \text{ of } x",
    r"a &= b \\ &= c",
    r"\left\{ x \right. \leftarrow \Leftarrow \setminus \Upsilon \partial \infty",
])
def test_screen_lets_ordinary_math_through(snippet: str) -> None:
    assert screen(snippet) is None


def test_encoded_forms_are_told_apart() -> None:
    assert not looks_like_code(r"\frac{2 \operatorname{asin}{\left(\frac{2 g^{2}}{2 g^{2} + 1} \right)}}{\pi}")
    assert looks_like_code("claimed=lambda p: np.zeros((sized(p).n, sized(p).n)),")
    assert looks_like_code("Sampled: E[g_1 y x]\ndef f(p, eps):\n    return eps")
    split = latex.split_encoded('Sampled: E[x]\nThe doc.\ndef f(p):\n    """The doc."""\n    return 1')
    assert split == ("Sampled statistic: E[x]", 'def f(p):\n    """The doc."""\n    return 1')


def test_equation_numbering_is_dropped_not_rejected(tmp_path: Path) -> None:
    pieces = latex.Pieces(tmp_path)
    s = pieces.latex("e", "the note's LaTeX", r"a = b \label{eq:x} \tag{3} \nonumber", "note")
    assert s.reason is None and s.text == "a = b"
    assert (tmp_path / s.file).read_text().startswith(r"a = b \label{eq:x}")  # the verbatim copy is the original


def test_listing_text_is_bounded_ascii() -> None:
    text = listing_text("\u03c1 " + "x" * 500 + "\n" + "y " * 2000)
    assert text.isascii() and "rho" in text
    assert max(len(line) for line in text.splitlines()) <= 110
    assert "more characters" in listing_text("z" * 20000)


# ----------------------------------------------------------------------------- order and shape
def _entry(id_: str, note: str, eq: str | None, quote: str | None = None, **kw) -> dict:
    r = {"id": id_, "kind": "claim", "verdict": "confirmed", "sources": [{"note": note, "equation": eq, "quote": quote}],
         "latex": "x = x", "note_flag": None, "assumptions": [], "method": "exact", "evidence": {"points_tested": 1},
         "counterexample": None, "diagnosis": None, "corrected": None, "follows": None, "inherits_from": None,
         "seconds": 0.0}
    r.update(kw)
    return r


def test_entries_are_grouped_by_note_in_equation_order_quotes_last() -> None:
    two = _entry("both", "002_b.txt", "3")
    two["sources"].append({"note": "001_a.txt", "equation": None, "quote": "also here"})
    doc = {"results": [
        _entry("q", "001_a.txt", None, "a quote"), _entry("ten", "001_a.txt", "10"), _entry("nine", "001_a.txt", "9"),
        two, _entry("r", "002_b.txt", "2", verdict="refuted", note_flag="looks wrong"),
        _entry("s", "002_b.txt", "4", verdict="refuted", inherits_from="r", note_flag="looks wrong"),
    ]}
    sh = model.shape(doc)
    assert [g.short for g in sh.groups] == ["001", "002"]
    assert [x.result["id"] for x in sh.groups[0].rows] == ["nine", "ten", "q", "both"]
    assert [x.result["id"] for x in sh.groups[1].rows] == ["r", "both", "s"]
    assert [r["id"] for r in sh.ordered] == ["nine", "ten", "q", "r", "both", "s"]
    assert [(x.id, [r["id"] for r in x.inheritors]) for x in sh.roots] == [("r", ["s"])]
    assert [(d.short, d.flag, d.refuted) for d in sh.doubts] == [("002", "looks wrong", 2)]
    assert latex.where_span(sh.doubts[0].results) == "equations (2), (4)"


# ----------------------------------------------------------------------------- figures
def test_figures_are_vector_pdfs_and_odd_data_gives_none(tmp_path: Path) -> None:
    sweep = {"param": "g", "fixed": {"r": 0.5}, "values": [0.1, 0.5, 1.0], "claimed": [1, 2, 3],
             "reference": [0.5, 1, 1.5], "reference_uncertainty": [0.1, 0.1, 0.1]}
    scalar = _entry("s", "n", "1", verdict="refuted", evidence={"sweep": sweep},
                    counterexample={"params": {"g": 1.0, "r": 0.5}, "claimed": 3.0, "reference": 1.5})
    vector = _entry("v", "n", "2", verdict="refuted", evidence={},
                    counterexample={"params": {}, "claimed": [1, 2, 3], "reference": [1, 2, 4], "tolerance": 0.1,
                                    "worst_entry": [2]})
    matrix = _entry("m", "n", "3", verdict="refuted", evidence={},
                    counterexample={"params": {}, "claimed": [[1, 2], [3, 4]], "reference": [[1, 2], [3, 5]],
                                    "worst_entry": [1, 1]})
    odd = _entry("o", "n", "4", verdict="refuted", evidence={"sweep": {"values": [1]}},
                 counterexample={"params": {}, "claimed": None, "reference": "x"})
    for r in (scalar, vector, matrix):
        fig = figures.figure_for(r, tmp_path, r["id"])
        assert fig is not None and fig.path.read_bytes().startswith(b"%PDF")
    assert figures.figure_for(odd, tmp_path, "o") is None
    assert figures.figure_for({**scalar, "verdict": "confirmed"}, tmp_path, "c") is None


# ----------------------------------------------------------------------------- without TeX
def test_missing_tex_writes_the_tex_and_says_how_to_get_the_pdf(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(texbuild, "pdflatex", lambda: None)
    doc = _document([_entry("a.b_c", "001_a.txt", "1", latex=r"\frac{1}{2}")])
    report = latex.render(doc, tmp_path / "out")
    assert report.pdf is None and report.ok
    assert "apt-get install" in report.message and "texlive-latex-base" in report.message
    tex = (tmp_path / "out" / "report.tex").read_text()
    assert r"\begin{document}" in tex and r"a.\allowbreak{}b\_\allowbreak{}c" in tex


def _document(results: list[dict]) -> dict:
    return {"tool_version": "0", "created": "2026-01-01T00:00:00+00:00",
            "settings": {"mode": "quick", "seed": 0, "samples": 1},
            "environment": {k: "0" for k in ("python", "sympy", "mpmath", "numpy", "scipy", "hypothesis")},
            "results": results}


# ----------------------------------------------------------------------------- with TeX
def test_vet_sets_aside_exactly_the_snippets_that_do_not_compile(tmp_path: Path) -> None:
    _tex_or_skip()
    snippets = [(1, r"\frac{1}{2}"), (2, r"\undefinedmacro"), (3, r"x^2"), (4, r"x_1_2"), (5, r"\sqrt{y}")]
    env = latex.environment()

    def make(subset):
        return env.get_template("vet.tex.j2").render(snippets=[(n, latex.display(b)) for n, b in subset])

    result = texbuild.vet(snippets, make, tmp_path)
    assert set(result.failed) == {2, 4}
    assert "Undefined control sequence" in result.failed[2]


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> tuple[Path, Path, float]:
    """A real audit of SELECTION through the CLI, with ``--report``: (result file, report folder, seconds)."""
    _tex_or_skip()
    from derivations import cli

    folder = tmp_path_factory.mktemp("audit")
    results, report = folder / "results.json", folder / "report"
    args = ["audit", "--no-database", "--quiet", "--json", str(results), "--report", str(report)]
    for glob in SELECTION:
        args += ["--select", glob]
    start = time.perf_counter()
    status = cli.main(args)
    seconds = time.perf_counter() - start
    assert status == 1  # the selection holds refuted lines
    return results, report, seconds


def test_pdf_of_a_real_audit_names_every_entry(audited) -> None:
    results, report, seconds = audited
    document = json.loads(results.read_text())
    validate(document)
    pdf = report / "report.pdf"
    assert pdf.exists(), (report / "report.log").read_text()[-3000:] if (report / "report.log").exists() else ""
    text = _pdftext(pdf)
    squashed = _squash(text)
    for r in document["results"]:
        assert _squash(r["id"]) in squashed, r["id"]
    for heading in ("Summary", "What the notes doubt", "Where errors enter", "Snippets shown verbatim",
                    "How the checks work", "Counterexample", "Corrected form", "In the derivation"):
        assert heading in text, heading
    by_id = {r["id"]: r for r in document["results"]}
    assert by_id["bump.outer.eq73"]["inherits_from"] == "bump.outer.eq72"
    assert "inherits the error of" in text and "an error enters here" in text
    assert "This looks wrong tbh" in text  # the note's own doubt, quoted
    assert "all of them are typeset as written" in text  # the notes' LaTeX compiled
    figs = sorted((report / "figures").glob("*.pdf"))
    refuted = [r for r in document["results"] if r["verdict"] == "refuted"]
    assert len(figs) == len(refuted)  # every refuted entry of the selection has a picture (sweep/vector/matrix)
    assert "Figure" in text
    assert seconds < 120


def test_each_entry_is_a_named_destination_the_annotated_note_links_to(audited) -> None:
    """``report.pdf#nameddest=entry-K`` (the annotated note's links) lands on the entry's section."""
    from reports.annotate import report_anchors

    results, report, _ = audited
    document = json.loads(results.read_text())
    dests = subprocess.run(["pdfinfo", "-dests", str(report / "report.pdf")], capture_output=True, text=True).stdout
    named = {line.rsplit('"', 2)[1]: int(line.split()[0]) for line in dests.splitlines() if line.rstrip().endswith('"')}
    text = subprocess.run(["pdftotext", str(report / "report.pdf"), "-"], capture_output=True, text=True).stdout
    pages = text.split("\f")
    for rid, anchor in report_anchors(document).items():
        assert anchor in named, anchor
        assert _squash(rid) in _squash(pages[named[anchor] - 1]), (rid, anchor, named[anchor])


def test_report_command_rerenders_from_the_result_file(audited, tmp_path: Path) -> None:
    from derivations import cli

    results, _, _ = audited
    assert cli.main(["report", str(results), "--out", str(tmp_path / "tex"), "--no-pdf"]) == 0
    assert (tmp_path / "tex" / "report.tex").exists() and not (tmp_path / "tex" / "report.pdf").exists()
    assert cli.main(["report", str(results), "--format", "md", "--out", str(tmp_path / "md")]) == 0
    assert "bump.outer.eq72" in (tmp_path / "md" / "report.md").read_text()


def test_hostile_latex_is_shown_verbatim_and_the_rest_still_builds(audited, tmp_path: Path) -> None:
    results, _, _ = audited
    document = json.loads(results.read_text())
    base = next(r for r in document["results"] if r["id"] == "bump.outer.eq72")
    document["results"] = [base]  # one real entry; the rest hostile
    for name, snippet in HOSTILE.items():
        r = copy.deepcopy(base)
        r.update(id=f"hostile.{name}", latex=snippet, inherits_from=None, after=None, chain=None,
                 note_flag=r"}\input{/etc/passwd}",
                 diagnosis=r"off by $\frac{1}{2$ and $\input{/etc/passwd}$ and $\sqrt{2}$; # % & _ ^ ~ \ { }")
        r["sources"] = [{"note": r"009_evil}\input{x}.txt", "equation": r"1}\def", "quote": None}]
        r["evidence"] = {k: v for k, v in r["evidence"].items() if k != "sweep"}  # fewer figures: faster
        r["corrected"] = {**r["corrected"], "latex": snippet} if r.get("corrected") else None
        document["results"].append(r)
    # every other verdict, with the fields those records carry
    document["results"] += [
        _entry("other.error", "009_evil.txt", "2", verdict="error", method=None, evidence=None,
               diagnosis="module m, claim 'other.error': the claim's code raised ZeroDivisionError: division by zero",
               traceback="Traceback (most recent call last):\n  File \"x.py\", line 1\nZeroDivisionError: \u00e9 \\end{lstlisting}"),
        _entry("other.inconclusive", "009_evil.txt", "3", verdict="inconclusive", method="quadrature",
               diagnosis="the integral did not converge at g = 1e300"),
        _entry("other.proved", "009_evil.txt", "4", verdict="proved", method="symbolic",
               evidence={"points_tested": 4, "proof": {"status": "proved", "detail": "simplify", "seconds": 0.1},
                         "resolution_text": "exact"}),
        _entry("other.incomplete", "009_evil.txt", None, "TODO: finish!", kind="incomplete", verdict="incomplete",
               method=None, evidence=None, note_flag="TODO: finish!"),
    ]
    validate(document)
    out = tmp_path / "hostile"
    report = latex.render(document, out)
    assert report.ok and report.pdf is not None, report.message
    assert "safe mode" not in report.message
    reasons = {s.entry: s.reason for s in report.verbatim if s.what == "the note's LaTeX"}
    for name in HOSTILE:
        assert f"hostile.{name}" in reasons, name
    for name in COMPILE_FAILURES:
        assert reasons[f"hostile.{name}"].startswith("does not compile"), (name, reasons[f"hostile.{name}"])
    assert reasons["hostile.input"] == r"uses \input"
    text = _pdftext(report.pdf)
    squashed = _squash(text)
    for r in document["results"]:
        assert _squash(r["id"]) in squashed, r["id"]
    assert "root:x:0" not in text  # /etc/passwd was never read into the document
    assert not (out / "pwned.txt").exists() and not (out / "evil.tex").exists()
    assert r"\input{/etc/passwd}" in text  # shown, verbatim
    assert "ZeroDivisionError" in text and "Why it is undecided" in text
