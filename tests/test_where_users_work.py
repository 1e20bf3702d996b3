"""Where users meet derivcheck outside the terminal: pytest, notebooks, their own paths and notes, re-runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from derivations import cli
from derivations.authoring import notes
from derivations.engine import registry, runner
from derivations.api import Claim
from derivations.engine.settings import AuditSettings

ROOT = Path(__file__).resolve().parents[1]

CHAIN = textwrap.dedent("""
    import sympy as sp
    from hypothesis import strategies as st
    from derivations.api import Chain, Correction

    x = sp.Symbol("x", positive=True)
    c = Chain("mychain", note="n.txt", params={"x": st.floats(0.1, 3)})
    c.step(1, latex="f = 2x", claimed=2 * x, reference=x, corrected=Correction(claimed=x, latex="f = x"))
    c.step(2, latex="f = 2x + 0", claimed=2 * x + 0 * x, reference=x)
""")

SWEEP = textwrap.dedent("""
    import sympy as sp
    from hypothesis import strategies as st
    from derivations.api import claim, quote

    g = sp.Symbol("g", positive=True)
    claim("sweep.off", sources=quote("n.txt", "s"), latex="g^2", params={"g": st.floats(0.1, 4)},
          claimed=g**2 + g / 10, reference=g**2)
""")


def _module(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


# ------------------------------------------------------------------ pytest plugin
def _plugin_args() -> list[str]:
    from importlib.metadata import entry_points

    installed = any(ep.value == "derivcheck.pytest_plugin" for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", "derivcheck.pytest_plugin"]


def test_pytest_plugin_message_names_the_root_and_junit_names_the_module(tmp_path: Path) -> None:
    _module(tmp_path, "chainmod.py", CHAIN)
    (tmp_path / "conftest.py").write_text("")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *_plugin_args(), "--derivcheck", "--derivcheck-module", "chainmod.py",
         "-q", "-p", "no:cacheprovider", "--junitxml", "j.xml", "."],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    out = done.stdout + done.stderr
    assert "2 failed" in out, out  # the module alone: none of the built-in claims was collected
    assert "inherited: the error enters at mychain.eq1" in out
    assert "follows from mychain.eq1: yes" in out
    assert "corrected form (author; proved): f = x" in out
    cases = ET.parse(tmp_path / "j.xml").getroot().iter("testcase")
    assert {(c.get("classname"), c.get("name")) for c in cases} == {("chainmod", "mychain.eq1"), ("chainmod", "mychain.eq2")}


# ------------------------------------------------------------------ paths
def test_outputs_name_no_absolute_path(tmp_path: Path, monkeypatch) -> None:
    elsewhere = tmp_path / "lab" / "claims"
    good = _module(elsewhere, "good.py", SWEEP)
    broken = _module(elsewhere, "broken.py", "import nonexistent_package_xyz\n")
    monkeypatch.chdir(tmp_path / "lab")
    reg = registry.discover([good, broken], builtin=False, plugins=False)
    doc = runner.run(reg, reg.claims, AuditSettings.for_mode("quick", workers=1, database=None))
    text = json.dumps(doc)
    assert str(tmp_path) not in text, [line for line in text.split(",") if str(tmp_path) in line][:3]
    by_id = {r["id"]: r for r in doc["results"]}
    assert by_id["sweep.off"]["defined_at"].startswith("claims/good.py:")
    load = next(r for r in doc["results"] if r["id"].startswith("load-error:"))
    assert load["sources"][0]["note"] == "claims/broken.py" and "claims/broken.py" in load["traceback"]
    monkeypatch.chdir(ROOT)  # outside the project: the module's folder and its name
    reg = registry.discover([good], builtin=False, plugins=False)
    assert json.dumps(runner.run(reg, reg.claims, AuditSettings.for_mode("quick", workers=1))["results"][0]["defined_at"]) \
        .startswith('"claims/good.py:')


# ------------------------------------------------------------------ reading notes
def test_notes_read_brackets_and_environments(tmp_path: Path) -> None:
    note = tmp_path / "n.tex"
    note.write_text(textwrap.dedent(r"""
        Text % a comment: $$x = 1 \quad (9)$$
        \begin{equation}
          a = b \label{eq:ab}
        \end{equation}
        \[ c = d \]
        \[ c' = d' \tag{4b} \]
        \begin{align}
          e &= f \\
          g &= \frac{h}{\{k\}} \nonumber \\
          i &= j \tag{7a} \\
          l &= m
        \end{align}
        \begin{equation*} n = o \end{equation*}
    """))
    eqs = notes.equations(note)
    assert [(e.label, e.latex) for e in eqs] == [
        ("1", "a = b"), (None, "c = d"), ("4b", "c' = d'"), ("2", "e &= f"), (None, r"g &= \frac{h}{\{k\}}"),
        ("7a", "i &= j"), ("3", "l &= m"), (None, "n = o")]
    assert [e.line for e in eqs] == [4, 6, 7, 9, 10, 11, 12, 14]


def test_a_note_without_displays_fails_loudly(tmp_path: Path, capsys) -> None:
    note = tmp_path / "prose.txt"
    note.write_text("Only prose here, and inline math $x = 1$.\n")
    with pytest.raises(notes.NoDisplayError, match="no display found"):
        notes.equations(note)
    assert cli.main(["coverage", str(note)]) == 2
    assert "no display found" in capsys.readouterr().err


# ------------------------------------------------------------------ re-runs keep their evidence
def test_a_rerun_with_the_example_database_keeps_the_evidence(tmp_path: Path) -> None:
    reg = registry.discover([_module(tmp_path, "sweep.py", SWEEP)], builtin=False, plugins=False)
    settings = AuditSettings.for_mode("quick", workers=1, database=str(tmp_path / "db"))

    def evidence() -> dict:
        r = runner.run(reg, reg.claims, settings)["results"][0]
        assert r["verdict"] == "refuted"
        ev = dict(r["evidence"])
        ev.pop("proof", None)  # its seconds are timing
        return {"evidence": ev, "counterexample": r["counterexample"]}

    first = evidence()
    assert list((tmp_path / "db").glob("*.json")), "the counterexample was stored"
    assert first["evidence"]["sweep"] and first["evidence"]["points_tested"] > 1
    assert evidence() == first


# ------------------------------------------------------------------ Python API and notebooks
def test_check_returns_a_frozen_result_with_rich_reprs(tmp_path: Path) -> None:
    import dataclasses

    import derivations

    _module(tmp_path, "chainmod.py", CHAIN)
    r = derivations.check("mychain.eq2", module=tmp_path / "chainmod.py")
    assert (r.verdict, r.inherits_from, r.follows) == ("refuted", "mychain.eq1", True)
    assert r.counterexample["params"] and r.diagnosis and r.corrected["verdict"] in ("proved", "confirmed")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.verdict = "confirmed"
    r.record["verdict"] = "confirmed"  # a copy: the result does not change
    assert r.verdict == r.record["verdict"] == "refuted"
    html = r._repr_html_()
    assert "refuted" in html and "data:image/svg+xml;base64," in html and "mychain.eq1" in html
    md = r._repr_markdown_()
    assert md.startswith("**mychain.eq2**: **refuted**") and "*counterexample*" in md and "![" in md
    with pytest.raises(KeyError, match="did you mean mychain.eq2, mychain.eq1") as info:
        derivations.check("mychain.eq", module=tmp_path / "chainmod.py")
    assert str(tmp_path) not in str(info.value)
    assert isinstance(derivations.check.__doc__, str) and "claim_or_id" in derivations.check.__doc__
    assert Claim  # the API accepts Claim objects too (the notebook does)


def test_the_example_notebook_runs(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(ROOT / "examples" / "check_in_a_notebook.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    cards = [o for o in outputs if "text/html" in o.get("data", {})]
    assert len(cards) == 2 and "CheckResult(id='notebook.double', verdict='refuted')" in cards[0]["data"]["text/plain"]
    assert "data:image/svg+xml;base64," in cards[0]["data"]["text/html"]


# ------------------------------------------------------------------ scale-out
@pytest.mark.slow
def test_dask_executor_gives_the_local_pools_results() -> None:
    """The notes' bump* claims on a 2-worker LocalCluster: same order, verdicts, inheritance and counterexamples."""
    pytest.importorskip("dask.distributed")
    from dataclasses import replace

    from derivations.engine import distributed

    reg = registry.discover()
    claims = reg.select(["bump*"])
    settings = AuditSettings.for_mode("quick", workers=2, database=None)
    local = runner.run(reg, claims, replace(settings, workers=1))
    remote = runner.run(reg, claims, settings, executor=distributed.executor(distributed.Discovery(), settings))

    def essence(doc: dict) -> list[tuple]:
        return [(r["id"], r["verdict"], r["inherits_from"], r["follows"], json.dumps(r["counterexample"], sort_keys=True))
                for r in doc["results"]]

    assert len(claims) > 10 and essence(remote) == essence(local)


# ------------------------------------------------------------------ annotated note
def test_annotate_marks_each_equation_and_is_self_contained(tmp_path: Path, monkeypatch) -> None:
    note = tmp_path / "n.txt"
    note.write_text("Intro <b>bold?</b>.\n$$a = b \\quad (1)$$\nSo a = 2b. This looks wrong tbh\n$$c = d \\quad (2)$$\n"
                    "$$e = f \\quad (3)$$\n")

    def entry(id_: str, verdict: str, eq: str | None, **kw) -> dict:
        return {"id": id_, "verdict": verdict, "kind": "claim", "note_flag": None, "diagnosis": None, "corrected": None,
                "evidence": {"resolution_text": "1e-25 relative by quadrature"}, "counterexample": None,
                "sources": [{"note": "n.txt", "equation": eq, "quote": None if eq else "So a = 2b."}], **kw}

    doc = {"tool_version": "0", "settings": {"mode": "quick", "seed": 0}, "results": [
        entry("x.one", "confirmed", "1"),
        entry("x.two", "refuted", "2", diagnosis="off by 2", corrected={"latex": "c = 2d", "verdict": "confirmed"},
              counterexample={"params": {}}),
        entry("x.quote", "refuted", None, note_flag="This looks wrong tbh", diagnosis="half"),
    ]}
    (tmp_path / "r.json").write_text(json.dumps(doc))
    monkeypatch.setattr("reports.load.validate", lambda d: None)  # a sketch of a result file: the fields the page reads
    assert cli.main(["annotate", str(note), "--results", str(tmp_path / "r.json"), "--out", str(tmp_path / "a"),
                     "--no-pdf"]) == 0
    page = (tmp_path / "a" / "n.html").read_text()
    assert "&lt;b&gt;bold?&lt;/b&gt;" in page and "<b>" not in page  # the note's text is text
    assert "(1) <span class='mark' style='background:#1a7f37' title='confirmed'>" in page
    assert "title='refuted'>\u2717 refuted</span> <code>x.two</code> off by 2" in page
    assert "corrected form (confirmed): <math display=\"block\"><mrow><mi>c</mi><mo>=</mo><mn>2</mn><mi>d</mi>" in page
    assert "(3) <span class='mark' style='background:#8c959f' title='not audited'>\u2205 not audited" in page
    assert "<mark class='quote'" in page and "<mark class='doubt' title='the note&#x27;s own doubt'>This looks wrong tbh" in page
    assert "http" not in page.replace("http-equiv", "") and "<script" not in page and "src=" not in page


def test_executor_dask_without_dask_is_a_one_line_misuse(monkeypatch, capsys) -> None:
    """Without the optional dependency, ``--executor dask`` is refused before any claim is loaded, in one
    line that says what to install (it was a traceback after the whole registry had been imported)."""
    import importlib.util

    from derivations import cli

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name in ("dask", "distributed") else real(name, *a))
    assert cli.main(["audit", "--executor", "dask", "--select", "bump.inner.eq69", "-q"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'derivcheck[dask]'" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
