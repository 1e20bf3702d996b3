"""The Markdown summary links each equation it mentions to the note's line, as GitHub anchors a file's lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from derivations import cli
from derivations.authoring.links import note_links, quote_line
from reports import markdown

NOTE = "007_abc.txt"
#: the note, one entry per line: its line numbers are known by construction (1-based)
LINES = [
    "# 1 A note",                                     # 1
    "",                                               # 2
    "We define the model.",                           # 3
    "$$f(x) = 2 x \\quad (1)$$",                      # 4
    "Then",                                           # 5
    "",                                               # 6
    "$$g(x) = f(x)^2 = 4 x \\quad (2)$$",             # 7
    "and so, as one sees at once, for every",         # 8
    "real  x  the  bound holds.",                     # 9   a quote that crosses a line break
    "$$h(x) = g(x) + 1 \\quad (3)$$",                 # 10
    "",                                               # 11
]
AT = {"1": 4, "2": 7, "3": 10}
QUOTE = "for every real x the bound holds."


def _entry(rid: str, verdict: str, eq: str | None, **kw) -> dict:
    r = {"id": rid, "kind": "claim", "verdict": verdict, "latex": "a = b", "note_flag": None, "assumptions": [],
         "method": "quadrature", "evidence": {"points_tested": 8, "resolution_text": "1e-25 relative"},
         "counterexample": None, "diagnosis": None, "corrected": None, "follows": None, "inherits_from": None,
         "seconds": 0.1, "sources": [{"note": NOTE, "equation": eq, "quote": None if eq else QUOTE}]}
    if verdict == "refuted":
        r["counterexample"] = {"params": {"x": 1.0}, "claimed": 4.0, "reference": 1.0, "relative_error": 3.0}
    r.update(kw)
    return r


def _record(eq: str | None, verdict: str, rid: str, entry_verdict: str, root: str | None = None) -> dict:
    return {"note": NOTE, "equation": eq, "quote": None if eq else QUOTE, "verdict": verdict, "root": root,
            "entries": [{"id": rid, "role": "stated", "verdict": entry_verdict}], "readings": [],
            "summary": f"{verdict} by {rid}"}


def _document(equations: bool = False) -> dict:
    doc = _entries()
    if equations:  # the result file's own equation verdicts, as the audit writes them today
        doc["equations"] = [_record("1", "definition", "n.model", "definition"),
                            _record("2", "false", "n.square", "refuted", "n.square"),
                            _record("3", "inherited", "n.plus", "refuted", "n.square"),
                            _record(None, "false", "n.bound", "refuted", "n.bound")]
    return doc


def _entries() -> dict:
    return {"tool_version": "0", "created": "now", "settings": {"mode": "quick", "seed": 0, "samples": 1},
            "environment": {}, "results": [
                _entry("n.model", "definition", "1", kind="definition", evidence=None, method=None),
                _entry("n.square", "refuted", "2", diagnosis="$4x$ should be $4x^2$, with f as note 007 (1) defines it",
                       corrected={"latex": "g(x) = 4 x^2", "verdict": "confirmed"}),
                _entry("n.plus", "refuted", "3", inherits_from="n.square", follows=True, after="n.square"),
                _entry("n.bound", "refuted", None, diagnosis="false at x = -1, costs $5 to see"),
            ]}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository (a folder with .git) holding the note in notes/."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "notes").mkdir()
    (tmp_path / "repo" / "notes" / NOTE).write_text("\n".join(LINES))
    return tmp_path / "repo"


def test_links_point_at_the_line_of_each_equation_and_quote(repo: Path) -> None:
    links = note_links(_document(), repo / "notes")
    assert links == {(NOTE, label): f"notes/{NOTE}#L{line}" for label, line in AT.items()} | \
        {(NOTE, QUOTE): f"notes/{NOTE}#L8"}
    assert quote_line("\n".join(LINES), "nowhere in the note") is None


@pytest.mark.parametrize("equations", [False, True], ids=["entries", "equation-records"])
def test_every_equation_the_summary_mentions_links_to_its_line(repo: Path, equations: bool) -> None:
    document = _document(equations)
    links = note_links(document, repo / "notes", base="https://github.com/o/r/blob/abc/")
    text = markdown.render(document, links=links)
    url = f"https://github.com/o/r/blob/abc/notes/{NOTE}#L"
    assert f"- **[007 (2)]({url}7)** `n.square`" in text  # the root cause
    assert f"inherited by [007 (3)]({url}10) `n.plus`" in text
    assert f"| [007 (1)]({url}4) | definition |" in text  # the folded table
    assert f"[007]({url}8) \u201c" in text  # a quote: the note's name is the link, the quote's math stays outside
    assert f"with f as note [007 (1)]({url}4) defines it" in text  # an equation the audit's prose mentions
    assert "costs \\$5 to see" in text  # a lone $ of the prose is a dollar, not the start of math
    # no mention of an equation without its link
    assert not re.search(r"(?<!\[)007 \(\d+\)", text), text
    assert len(re.findall(r"\]\(" + re.escape(url), text)) >= 6
    for line in text.splitlines():  # math stays balanced
        assert len(re.findall(r"(?<!\\)\$", line)) % 2 == 0, line


def test_report_md_links_relative_to_the_repository_and_never_absolute(repo: Path, tmp_path: Path, capsys,
                                                                        monkeypatch) -> None:
    (tmp_path / "r.json").write_text(json.dumps(_document()))
    monkeypatch.setattr("reports.load.validate", lambda d: None)  # a sketch of a result file: the fields read here
    assert cli.main(["report", str(tmp_path / "r.json"), "--format", "md", "--notes", str(repo / "notes")]) == 0
    text = capsys.readouterr().out
    assert f"[007 (2)](notes/{NOTE}#L7)" in text
    assert str(tmp_path) not in text
    assert len(text) <= markdown.LIMIT
