"""The annotated note: the HTML page in a real headless browser (Debian's chromium), self-contained, and its PDF.

The browser test skips on a machine without chromium, except under CI (``CI`` set), where it fails:
``.ci/run`` installs chromium (``scripts/install-chromium``).  The PDF test needs pdflatex likewise.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from derivations import cli
from reports import annotate, annotate_pdf, texbuild

NOTE = "\n".join([
    "# 1 Setting",
    "We take $x^2 \\ge 0$ as given.",
    "$$a = b \\quad (1)$$",
    "$$c = d \\quad (2)$$",
    "So the next line follows.",
    "$$e = f \\quad (3)$$",
    "$$\\sum_{k=1}^{n} \\frac{a_k}{b_k} = \\frac{\\int_0^1 g(t)\\,dt}{1 + \\frac{1}{\\sqrt{h}}} \\quad (4)$$",
    "$$g = h \\quad (5)$$",
    "$$p = q \\quad (6)$$",
    "$$r = s \\quad (7)$$",
    "This looks wrong tbh, check it.",
    "",
])
#: equation -> (verdict, entry id, root)
VERDICTS = {"1": ("true", "t.one", None), "2": ("false", "t.two", "t.two"), "3": ("inherited", "t.three", "t.two"),
            "4": ("true", "t.four", None), "5": ("definition", "t.five", None), "6": ("incomplete", "t.six", None),
            "7": ("true", "t.seven", None)}
ENTRY = {"true": "confirmed", "false": "refuted", "inherited": "refuted", "definition": "definition",
         "incomplete": "incomplete"}


def _document() -> dict:
    results, equations = [], []
    for eq, (verdict, rid, root) in VERDICTS.items():
        results.append({
            "id": rid, "verdict": ENTRY[verdict], "kind": "claim", "diagnosis": "off by 2" if verdict == "false" else None,
            "note_flag": "This looks wrong tbh" if eq == "3" else None,
            "corrected": {"latex": "c = 2 d", "verdict": "confirmed"} if verdict == "false" else None,
            "inherits_from": root if verdict == "inherited" else None, "counterexample": None,
            "evidence": {"resolution_text": "1e-25 relative by quadrature"},
            "sources": [{"note": "n.txt", "equation": eq, "quote": None}]})
        equations.append({"note": "n.txt", "equation": eq, "quote": None, "verdict": verdict,
                          "root": root if verdict in ("false", "inherited") else None,
                          "entries": [{"id": rid, "role": "stated", "verdict": ENTRY[verdict]}], "readings": [],
                          "summary": f"({eq}) is {verdict}"})
    return {"tool_version": "0", "settings": {"mode": "quick", "seed": 0}, "results": results, "equations": equations}


@pytest.fixture
def annotated(tmp_path: Path, monkeypatch) -> Path:
    """The annotated page of NOTE (HTML only), written by the CLI."""
    (tmp_path / "n.txt").write_text(NOTE)
    (tmp_path / "r.json").write_text(json.dumps(_document()))
    monkeypatch.setattr("reports.load.validate", lambda d: None)  # a sketch of a result file: the fields the page reads
    assert cli.main(["annotate", str(tmp_path / "n.txt"), "--results", str(tmp_path / "r.json"),
                     "--out", str(tmp_path / "a"), "--report-link", "../report/report.pdf", "--no-pdf"]) == 0
    return tmp_path / "a" / "n.html"


# ------------------------------------------------------------------ self-contained
class _Resources(HTMLParser):
    """Every URL the page would load or link to, and the elements that load things."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.loaders: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "link", "img", "iframe", "object", "embed", "video", "audio", "source", "base"):
            self.loaders.append(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "srcset", "data", "action", "xlink:href")]


def test_the_page_fetches_nothing(annotated: Path) -> None:
    page = annotated.read_text()
    parser = _Resources()
    parser.feed(page)
    assert parser.loaders == []  # no script, style sheet, image or font: nothing is loaded at view time
    assert not [u for u in parser.urls if u.startswith(("http:", "https:", "//", "data:", "javascript:"))]
    assert "url(" not in page and "@import" not in page and "@font-face" not in page
    assert "http://" not in page and "https://" not in page
    # each entry id links to its named destination in the full report (the report's own order: entry-K)
    anchors = annotate.report_anchors(_document())
    assert f"href='../report/report.pdf#nameddest={anchors['t.two']}'" in page
    assert "<math display=\"block\">" in page and "<mfrac>" in page  # the math is MathML, rendered by the browser


def test_the_notes_latex_cannot_put_markup_or_links_in_the_page() -> None:
    """latex2mathml passes \\text{<script>} and \\href{javascript:..} through: the page keeps MathML layout only."""
    hostile = ["\\text{<script>alert(1)</script>}", "\\href{javascript:alert(1)}{x}", "\\style{background:url(x)}{y}",
               "\\textcolor{url(http://x)}{y}", "\\operatorname{<img src=x onerror=alert(1)>}", "\\text{</math><b>}"]
    text = "Some prose " + " and ".join(f"${h}$" for h in hostile) + ".\n$$" + hostile[1] + " \\quad (1)$$\n"
    page = annotate.render("n.txt", text, [annotate.Display(text.index("$$"), len(text) - 1, ("1",),
                                                            (hostile[1],))], _document())
    parser = _Resources()
    parser.feed(page)
    assert parser.loaders == [] and parser.urls == []
    for bad in ("<script", "javascript:", "url(", "<img", "<b>", "onerror", "style=\"", "mathcolor"):
        assert bad not in page, bad
    assert annotate.mathml("\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}").count("<mtr>") == 2  # aligned rows


# ------------------------------------------------------------------ a real browser
def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI: chromium missing; .ci/run installs it (scripts/install-chromium)")
        pytest.skip("no chromium on this machine (Debian: apt-get install chromium)")
    return exe


def _screenshot(page: Path, out: Path, width: int = 900, height: int = 1400) -> np.ndarray:
    """The page as Chromium draws it headless (RGB array); no network: every host name fails to resolve."""
    from PIL import Image

    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           f"--user-data-dir={out.parent / 'profile'}", "--host-resolver-rules=MAP * ~NOTFOUND",
           f"--window-size={width},{height}", f"--screenshot={out}", page.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert out.is_file(), proc.stderr[-2000:]
    return np.asarray(Image.open(out).convert("RGB")).astype(int)


def _boxes(image: np.ndarray, colour: str, min_area: int = 300) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (top, bottom, left, right) of the regions of ``colour`` of at least ``min_area`` pixels."""
    from scipy import ndimage

    rgb = np.array([int(colour[k:k + 2], 16) for k in (1, 3, 5)])
    mask = np.abs(image - rgb).sum(axis=2) <= 6
    labels, n = ndimage.label(mask)
    out = []
    for k, sl in enumerate(ndimage.find_objects(labels), start=1):
        if (labels[sl] == k).sum() >= min_area:
            out.append((sl[0].start, sl[0].stop, sl[1].start, sl[1].stop))
    return sorted(out)


def test_the_page_in_a_headless_browser(annotated: Path, tmp_path: Path) -> None:
    image = _screenshot(annotated, tmp_path / "shot.png")
    ink = (image.sum(axis=2) < 600).mean()  # pixels clearly darker than the white page
    assert 0.005 < ink < 0.5, f"the page looks blank or black: {ink:.4f} of it inked"
    # one mark per equation, in its verdict's colour; no mark of a verdict the page does not have
    expected = {"true": 3, "false": 1, "inherited": 1, "definition": 1, "incomplete": 1, "ambiguous": 0}
    seen = {v: len(_boxes(image, annotate.MARK[v][2])) for v in expected}
    assert seen == expected
    assert _boxes(image, annotate.MARK["error"][2]) == []
    # the three "true" marks are the same box: the colours appear in the proportions of the verdicts
    true_boxes = _boxes(image, annotate.MARK["true"][2])
    areas = [(b - t) * (r - lft) for t, b, lft, r in true_boxes]
    assert max(areas) <= 1.05 * min(areas)
    # one shaded box per display, in the note's order; the math is rendered: the display of the fractions (4)
    # stands well taller than the one-line display (1) (its LaTeX source would be one line of text like it)
    displays = _boxes(image, "#f6f8fa", min_area=5000)
    assert len(displays) == 7
    height = [b - t for t, b, _, _ in displays]
    assert height[3] > 1.4 * height[0], height
    # the highlights: the note's doubt and the legend
    assert len(_boxes(image, "#ffd8d3", min_area=50)) >= 2


# ------------------------------------------------------------------ the PDF
def test_the_pdf_marks_each_equation_and_links_into_the_report(tmp_path: Path) -> None:
    displays = [annotate.Display(a, b, (label,), (latex,)) for a, b, label, latex in _spans(NOTE)]
    page = annotate.page("n.txt", NOTE, displays, _document(), "../report/report.pdf")
    pieces = annotate_pdf.Pieces(tmp_path)
    builder = annotate_pdf._Builder(pieces, "n.txt")
    for block in page.blocks:
        builder.block(block, page.report_link)
    tex = annotate_pdf._document(page, builder.tex())
    anchors = annotate.report_anchors(_document())
    assert f"\\href{{../report/report.pdf#{anchors['t.two']}}}" in tex  # a GoToR link to the entry's destination
    assert "{\\color{dcdoubt}This looks wrong tbh}" in tex
    if texbuild.pdflatex() is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("CI: pdflatex or pdftotext missing; .ci/run installs them (scripts/install-tex)")
        pytest.skip("no pdflatex here")
    made = annotate_pdf.render_pdf(page, tmp_path / "out", "n")
    assert made.pdf is not None and made.verbatim == 0, made.message
    text = subprocess.run(["pdftotext", "-layout", str(made.pdf), "-"], capture_output=True, text=True).stdout
    for eq, (verdict, rid, root) in VERDICTS.items():
        words = annotate.MARK[verdict][1] if verdict != "inherited" else f"inherited from {root}"
        assert f"({eq})" in text and words in text and rid in text
    assert "corrected form (confirmed):" in text
    assert "\\frac" not in text and "\\sum" not in text  # typeset, not shown as source


def _spans(text: str) -> list[tuple[int, int, str, str]]:
    import re

    return [(m.start(), m.end(), m.group(2), m.group(1).strip())
            for m in re.finditer(r"\$\$(.+?)\\quad \((\d+)\)\$\$", text)]


# ------------------------------------------------------------------ the command
def test_annotate_never_overwrites_a_file_it_did_not_write(annotated: Path, capsys) -> None:
    folder = annotated.parent
    args = ["annotate", str(folder.parent / "n.txt"), "--results", str(folder.parent / "r.json"), "--out", str(folder),
            "--no-pdf"]
    assert cli.main(args) == 0  # its own page: replaced
    annotated.write_text("<html>my own page</html>")
    assert cli.main(args) == 2 and annotated.read_text() == "<html>my own page</html>"
    assert "was not written by derivcheck" in capsys.readouterr().err
    annotated.unlink()
    (folder / "n.pdf").write_bytes(b"%PDF-1.5 someone else's")
    assert cli.main(args) == 2 and (folder / "n.pdf").read_bytes() == b"%PDF-1.5 someone else's"


def test_annotate_links_to_the_report_beside_the_results_by_default(annotated: Path) -> None:
    base = annotated.parent.parent
    (base / "report").mkdir()
    (base / "report" / "report.pdf").write_bytes(b"%PDF-1.5")
    assert cli.main(["annotate", str(base / "n.txt"), "--results", str(base / "r.json"), "--out", str(base / "b"),
                     "--no-pdf"]) == 0
    page = (base / "b" / "n.html").read_text()
    assert f"href='../report/report.pdf#nameddest={annotate.report_anchors(_document())['t.one']}'" in page
    assert str(base) not in page
