"""The summaries people read: terminal lines, where errors enter, --only, Markdown for a PR, the CLI's face."""

from __future__ import annotations

import argparse
import json
import re
import textwrap
from importlib.metadata import version
from pathlib import Path

import pytest
from rich.console import Console

from derivations import cli
from reports import markdown, terminal
from reports.lines import filtered, lines, root_causes

LONG_ID = "gdln.linalg.commute_iff_simultaneous.general_matrices"  # 53 characters, the longest of the notes
ROOT_ID = "relu.step000.largest_shrink_fastest.as_written"


def _entry(id: str, verdict: str, eq: str | None, **kw) -> dict:
    r = {
        "id": id, "kind": "claim", "verdict": verdict,
        "sources": [{"note": "001_d82c553c3bda8740.txt", "equation": eq, "quote": None if eq else "a statement"}],
        "latex": "a = b", "note_flag": None, "assumptions": [], "method": "quadrature",
        "evidence": {"points_tested": 8, "resolution_text": "1.0e-25 relative by quadrature"},
        "counterexample": None, "diagnosis": None, "corrected": None, "follows": None, "inherits_from": None,
        "seconds": 0.1,
    }
    if verdict == "refuted":
        r["counterexample"] = {"params": {"g": 1.0}, "claimed": 2.0, "reference": 1.0, "relative_error": 0.5}
    r.update(kw)
    return r


def _document(equations: bool = False) -> dict:
    diagnosis = ("claimed is a constant 2 (+/- 1e-13) = $\\frac{2}{\\sqrt{\\pi}}$ times the truth, at all 8 points "
                 "examined; the Sigma^xx (A) terms are K = 2 times too large relative to the Sigma^yx (b) term " * 2)
    results = [
        _entry("relu.model", "definition", "1", kind="definition", evidence=None, method=None),
        _entry(ROOT_ID, "refuted", "7", diagnosis=diagnosis,
               corrected={"latex": "\\tau \\dot w = \\frac{1}{K}\\left[ b - A w \\right]", "verdict": "confirmed"}),
        _entry(LONG_ID, "refuted", "10", follows=True, after=ROOT_ID, inherits_from=ROOT_ID, diagnosis="inherits"),
        _entry("relu.fine", "confirmed", "11"),
        _entry("relu.statement.of_a_long_quote_with_words", "confirmed", None, sources=[
            {"note": "001_d82c553c3bda8740.txt", "equation": None,
             "quote": "a long quoted statement that goes on and on about the network " * 3}],
            evidence={"points_tested": 8, "resolution_text": "a resolution text that is long enough to wrap " * 4}),
    ]
    doc = {"tool_version": "0", "created": "now", "settings": {"mode": "quick", "seed": 0, "samples": 1},
           "environment": {}, "results": results}
    if equations:
        doc["equations"] = [
            {"note": "001_d82c553c3bda8740.txt", "equation": "1", "quote": None, "verdict": "definition", "root": None,
             "entries": [{"id": "relu.model", "role": "stated", "verdict": "definition"}], "readings": [],
             "summary": "A definition of the model."},
            {"note": "001_d82c553c3bda8740.txt", "equation": "7", "quote": None, "verdict": "false", "root": ROOT_ID,
             "entries": [{"id": ROOT_ID, "role": "stated", "verdict": "refuted"}], "readings": [],
             "summary": "False: a factor 2/sqrt(pi) too large."},
            {"note": "001_d82c553c3bda8740.txt", "equation": "10", "quote": None, "verdict": "inherited", "root": ROOT_ID,
             "entries": [{"id": LONG_ID, "role": "stated", "verdict": "refuted"}], "readings": [],
             "summary": "Follows from (7); (7) is false, so false (inherited)."},
            # the file's equation verdict is shown as it is, whatever its entries say: nothing is re-derived
            {"note": "001_d82c553c3bda8740.txt", "equation": "11", "quote": None, "verdict": "ambiguous", "root": None,
             "entries": [{"id": "relu.fine", "role": "stated", "verdict": "confirmed"},
                         {"id": "relu.fine.contrary", "role": "contrary", "verdict": "refuted"}],
             "readings": [], "summary": "True under the note's reading, false under the contrary one."},
        ]
    return doc


# ------------------------------------------------------------------ lines
def test_lines_read_equation_records_as_they_are_and_fall_back_to_entries() -> None:
    old = lines(_document())
    assert [(x.where, x.verdict) for x in old][:4] == [("001 (1)", "definition"), ("001 (7)", "refuted"),
                                                         ("001 (10)", "refuted"), ("001 (11)", "confirmed")]
    assert old[2].root == ROOT_ID and not old[2].per_equation
    new = lines(_document(equations=True))
    assert [x.verdict for x in new] == ["definition", "false", "inherited", "ambiguous"]
    assert new[3].ids == ("relu.fine", "relu.fine.contrary")
    # --only matches a line's verdict or one of its entries' verdicts
    assert [x.where for x in lines(_document(equations=True), ["refuted"])] == ["001 (7)", "001 (10)", "001 (11)"]
    assert [x.where for x in lines(_document(equations=True), ["inherited"])] == ["001 (10)"]
    roots = root_causes(_document(equations=True))
    assert [(r.id, [w for w, _ in r.inherited]) for r in roots] == [(ROOT_ID, ["001 (10)"])]
    slim = filtered(_document(), ["refuted"])
    assert [r["id"] for r in slim["results"]] == [ROOT_ID, LONG_ID]


@pytest.mark.parametrize("equations", [False, True])
@pytest.mark.parametrize("width", [100, 200])
def test_terminal_keeps_ids_whole_and_wraps_prose(width: int, equations: bool) -> None:
    console = Console(width=width, record=True, file=open("/dev/null", "w"), color_system=None)
    terminal.print_summary(_document(equations), console)
    text = console.export_text()
    lines_ = text.splitlines()
    assert max(len(x.rstrip()) for x in lines_) <= width
    table = text[: text.index("Where errors enter")]
    for id_ in (LONG_ID, ROOT_ID, "relu.model", "relu.fine"):
        assert re.search(rf"(?<![\w.]){re.escape(id_)}(?![\w.])", table), (id_, table)
    assert "Where errors enter (1 root cause)" in text
    assert re.search(rf"inherited by\s+001 \(10\)\s+{re.escape(LONG_ID)}", text)
    assert "corrected:" in text and "definiti\u2026" not in text
    summary_at = text.index("Where errors enter")
    assert text.index("001 (1)") < text.index("001 (7)") < summary_at  # the lines lead, the block closes


def test_terminal_only_shows_the_chosen_verdicts() -> None:
    console = Console(width=120, record=True, file=open("/dev/null", "w"), color_system=None)
    terminal.print_summary(_document(), console, only=["confirmed"])
    text = console.export_text()
    assert "relu.fine" in text and ROOT_ID not in text and "Where errors enter" not in text
    console = Console(width=120, record=True, file=open("/dev/null", "w"), color_system=None)
    terminal.print_summary(_document(), console, only=["refuted"])
    text = console.export_text()
    assert "relu.fine" not in text and ROOT_ID in text and "Where errors enter" in text


# ------------------------------------------------------------------ Markdown
def _cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row)) - 1


def test_markdown_fits_one_comment_escapes_and_keeps_math_balanced() -> None:
    doc = _document()
    evil = "a | b <script>alert(1)</script> `tick` *star* and $|x| < 1$ and"
    for k in range(700):  # far more than fits: 700 refuted roots with long diagnoses
        doc["results"].append(_entry(f"many.claim_{k:04d}", "refuted", str(100 + k),
                                     diagnosis=evil + " $\\sum_{i=1}^{n} x_i^2 \\le |y|$ " * 6,
                                     sources=[{"note": "002_x.txt", "equation": None,
                                               "quote": f"So $a_{k}|b holds (an open $ sign) for all {k} | more"}]))
    text = markdown.render(doc)
    assert len(text) < 65_536
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<details><summary>" in text and text.rstrip().endswith("</details>")
    assert "more root causes" in text  # what did not fit is said, not dropped silently
    for line in text.splitlines():
        assert len(re.findall(r"(?<!\\)\$", line.replace("$$", ""))) % 2 == 0, line
        if line.startswith("| ") and not line.startswith("|---"):
            assert _cells(line) == 4, line  # no | of the data breaks a row
    small = markdown.render(_document())
    assert "### Where errors enter (1)" in small and "corrected (confirmed): $" in small
    assert "inherited by 001 (10) `" + LONG_ID + "`" in small


# ------------------------------------------------------------------ the command line
def test_version_is_the_installed_one(capsys) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"derivcheck {version('derivcheck')}"
    from derivations.engine import runner

    assert runner.tool_version() == version("derivcheck")


def test_every_option_has_help_and_the_command_has_examples() -> None:
    ap = cli.parser()
    assert "examples:" in (ap.epilog or "")
    subs = next(a for a in ap._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in subs.choices.items():
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"derivcheck {name} {'/'.join(action.option_strings) or action.dest}: no help text"


def test_audit_formats_only_and_a_module_alone(tmp_path: Path, capsys) -> None:
    mod = tmp_path / "mine.py"
    mod.write_text(textwrap.dedent("""
        import sympy as sp
        from hypothesis import strategies as st
        from derivations.api import claim, quote
        x = sp.Symbol("x", positive=True)
        claim("mine.true", sources=quote("n.txt", "t"), latex="x", params={"x": st.floats(0.1, 3)},
              claimed=sp.sqrt(x**2), reference=x)
        claim("mine.false", sources=quote("n.txt", "f"), latex="2x", params={"x": st.floats(0.1, 3)},
              claimed=2 * x, reference=x)
    """))
    common = ["audit", "--module", str(mod), "--no-database", "--no-cache", "--workers", "1"]
    assert cli.main([*common, "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert sorted(r["id"] for r in doc["results"]) == ["mine.false", "mine.true"]  # no built-in claim ran
    assert cli.main([*common, "--format", "json", "--only", "refuted"]) == 1
    assert [r["id"] for r in json.loads(capsys.readouterr().out)["results"]] == ["mine.false"]
    assert cli.main([*common, "--format", "md"]) == 1
    assert capsys.readouterr().out.startswith("## derivcheck audit")
    assert cli.main([*common, "--only", "nonsense"]) == 2
