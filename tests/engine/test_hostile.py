"""Issue 17: a failed audit never looks green.

Reproducers of users' mistakes and hostile claim code: each runs a tiny claims
module written to ``tmp_path`` through the command line in a subprocess (the
process behaviour is what matters), with discovery limited to that module so
that each run takes about a second.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# the command line, loading only the --module files (the built-in modules take seconds to import)
LAUNCH = (
    "import sys\n"
    "import derivations.engine.registry as r\n"
    "_d = r.discover\n"
    "r.discover = lambda extra=(), **k: _d(extra=extra, builtin=False, plugins=False)\n"
    "from derivations.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)

HEADER = textwrap.dedent(
    """
    import os, sys, time, random
    import numpy as np
    import sympy as sp
    from hypothesis import strategies as st
    from derivations.api import claim, eq, quote, Tolerances
    x = sp.Symbol("x")
    P = {"x": st.floats(0.1, 2)}
    """
)

# indented like the bodies of the tests (dedented together)
GOOD = '        claim("t.good", sources=[eq("n.txt", 1)], latex="2x", params=P, claimed=2*x, reference=lambda p: 2*p.x)\n'
FALSE = '        claim("t.false", sources=[eq("n.txt", 2)], latex="3x", params=P, claimed=3*x, reference=lambda p: 2*p.x)\n'


def module(tmp_path: Path, body: str, name: str = "claims.py") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + textwrap.dedent(body))
    return path


def cli(*args: str, cwd: Path, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", LAUNCH, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)}, **kw)


def main(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    """The command line in this process (where the process behaviour does not matter)."""
    from derivations import cli as cli_mod

    capsys.readouterr()
    rc = cli_mod.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


def audit(tmp_path: Path, mod: Path, *extra: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess, dict | None]:
    out = tmp_path / "r.json"
    done = cli("audit", "--module", str(mod), "--no-database", "--quiet", "--json", str(out), *extra,
               cwd=tmp_path, timeout=timeout)
    doc = json.loads(out.read_text()) if out.exists() else None
    return done, doc


def verdicts(doc: dict) -> dict[str, str]:
    return {r["id"]: r["verdict"] for r in doc["results"]}


def by_id(doc: dict, cid: str) -> dict:
    return next(r for r in doc["results"] if r["id"] == cid)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is not alive
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


# --------------------------------------------------------------------------- critical: the process survives
@pytest.mark.parametrize("workers", ["1", "2"])
def test_sys_exit_in_a_claim_is_that_claims_error(tmp_path: Path, workers: str) -> None:
    mod = module(tmp_path, GOOD + FALSE + """
        def leave(p):
            sys.exit(0)
        claim("t.exit", sources=[eq("n.txt", 3)], latex="x", params=P, claimed=x, reference=leave)
    """)
    done, doc = audit(tmp_path, mod, "--workers", workers)
    assert done.returncode == 2, done.stderr
    assert doc is not None
    assert verdicts(doc) == {"t.good": "confirmed", "t.false": "refuted", "t.exit": "error"}
    assert "sys.exit(0)" in by_id(doc, "t.exit")["diagnosis"]


@pytest.mark.parametrize("extra", [["--workers", "1"], ["--select", "t.exit"], ["--workers", "2"]])
def test_os_exit_in_a_claim_is_that_claims_error(tmp_path: Path, extra: list[str]) -> None:
    mod = module(tmp_path, GOOD + FALSE + """
        def leave(p):
            os._exit(0)
        claim("t.exit", sources=[eq("n.txt", 3)], latex="x", params=P, claimed=x, reference=leave)
    """)
    (tmp_path / "r.json").write_text('{"tool_version": "0.1.0", "results": [], "stale": true}')  # an older file must not pass for this run's
    done, doc = audit(tmp_path, mod, *extra)
    assert done.returncode == 2, done.stderr
    assert doc is not None and "stale" not in doc
    assert verdicts(doc)["t.exit"] == "error"
    assert "os._exit(0)" in by_id(doc, "t.exit")["diagnosis"]
    if "--select" not in extra:
        assert verdicts(doc)["t.false"] == "refuted" and verdicts(doc)["t.good"] == "confirmed"


def test_a_segfault_or_a_kill_is_the_claims_error_and_the_audit_goes_on(tmp_path: Path) -> None:
    mod = module(tmp_path, GOOD + FALSE + """
        import ctypes, signal
        def crash(p):
            ctypes.string_at(0)
        def oom(p):
            os.kill(os.getpid(), signal.SIGKILL)
        def c_exit(p):
            ctypes.CDLL(None).exit(0)  # compiled code ending the process with status 0
        claim("t.cexit", sources=[eq("n.txt", 5)], latex="x", params=P, claimed=x, reference=c_exit)
        claim("t.segv", sources=[eq("n.txt", 3)], latex="x", params=P, claimed=x, reference=crash)
        claim("t.oom", sources=[eq("n.txt", 4)], latex="x", params=P, claimed=x, reference=oom)
    """)
    for workers in ("1", "2"):
        done, doc = audit(tmp_path, mod, "--workers", workers)
        assert done.returncode == 2, done.stderr
        assert verdicts(doc) == {"t.good": "confirmed", "t.false": "refuted", "t.cexit": "error", "t.segv": "error",
                                 "t.oom": "error"}
        assert "exit status 0" in by_id(doc, "t.cexit")["diagnosis"]
        assert "segmentation fault" in by_id(doc, "t.segv")["diagnosis"]
        assert "SIGKILL" in by_id(doc, "t.oom")["diagnosis"]


def test_a_deadline_ends_a_claim_that_never_returns(tmp_path: Path) -> None:
    mod = module(tmp_path, GOOD + """
        def sleeps(p):
            time.sleep(1000)
        def loops(p):
            while True:
                pass
        claim("t.sleep", sources=[eq("n.txt", 3)], latex="x", params=P, claimed=x, reference=sleeps)
        claim("t.loop", sources=[eq("n.txt", 4)], latex="x", params=P, claimed=x, reference=loops)
    """)
    start = time.monotonic()
    done, doc = audit(tmp_path, mod, "--deadline", "8", "--workers", "2")
    assert time.monotonic() - start < 60
    assert done.returncode == 2, done.stderr  # inconclusive claims, but the run was cut short for them
    assert "stopped at the deadline" in done.stderr and "t.loop" in done.stderr
    assert verdicts(doc) == {"t.good": "confirmed", "t.sleep": "inconclusive", "t.loop": "inconclusive"}
    assert "deadline of 8 s reached" in by_id(doc, "t.loop")["diagnosis"]


def test_a_deadline_hit_is_exit_status_2_also_for_a_result_file_read_again() -> None:
    from derivations.engine.runner import exit_status

    def doc(diagnosis: str) -> dict:
        return {"complete": True, "results": [
            {"id": "a", "verdict": "confirmed", "diagnosis": None},
            {"id": "b", "verdict": "inconclusive", "diagnosis": diagnosis}]}

    assert exit_status(doc("deadline of 8 s reached; the claim's process was killed")) == 2
    assert exit_status(doc("deadline of 0.5 s reached (its chain's task had 1.5 s for 3 lines); killed")) == 2
    assert exit_status(doc("the integral did not converge")) == 1  # an ordinary undecided line
    assert exit_status(doc("the note says: deadline of 8 s reached")) == 1  # the runner's words only


def _interrupted_run(tmp_path: Path, signals: list[int], group: bool, workers: str = "1") -> tuple[int, dict | None, str, int]:
    pidfile = tmp_path / "worker.pid"
    mod = module(tmp_path, GOOD + f"""
        def sleeps(p):
            with open({str(pidfile)!r}, "w") as f:
                f.write(str(os.getpid()))
            time.sleep(1000)
        claim("t.sleep", sources=[eq("n.txt", 3)], latex="x", params=P, claimed=x, reference=sleeps)
    """)
    out = tmp_path / "r.json"
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "audit", "--module", str(mod), "--no-database", "--quiet", "--json", str(out),
         "--workers", workers],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True,
    )
    try:
        for _ in range(600):
            if pidfile.exists() and pidfile.read_text():
                break
            time.sleep(0.05)
        worker = int(pidfile.read_text())
        time.sleep(0.5)  # one worker: the good claim (declared first) finished before the sleeper started
        for sig in signals:
            (os.killpg if group else os.kill)(proc.pid, sig)  # a terminal sends Ctrl-C to the whole group
            time.sleep(0.05)
        start = time.monotonic()
        _, err = proc.communicate(timeout=20)
        assert time.monotonic() - start < 10
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    for _ in range(50):
        if not alive(worker):
            break
        time.sleep(0.1)
    doc = json.loads(out.read_text()) if out.exists() else None
    return proc.returncode, doc, err, worker


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_stops_writes_the_partial_result_and_leaves_no_worker(tmp_path: Path, presses: int) -> None:
    rc, doc, err, worker = _interrupted_run(tmp_path, [signal.SIGINT] * presses, group=True)
    assert rc == 2, err
    assert "Traceback" not in err
    assert doc is not None and doc["complete"] is False and doc["interrupted"] == "SIGINT"
    assert verdicts(doc)["t.good"] == "confirmed"
    assert by_id(doc, "t.sleep")["audited"] is False and "not audited" in by_id(doc, "t.sleep")["diagnosis"]
    assert not alive(worker)


def test_sigterm_stops_writes_the_partial_result_and_leaves_no_worker(tmp_path: Path) -> None:
    rc, doc, err, worker = _interrupted_run(tmp_path, [signal.SIGTERM], group=False)
    assert rc == 2, err
    assert doc is not None and doc["interrupted"] == "SIGTERM"
    assert verdicts(doc)["t.good"] == "confirmed"
    assert not alive(worker)


# --------------------------------------------------------------------------- files
def test_result_file_is_replaced_atomically_on_a_full_disk(tmp_path: Path) -> None:
    """A write that fails half-way (here: a file-size limit) leaves the previous result intact."""
    import resource

    mod = module(tmp_path, GOOD + FALSE)
    previous = json.dumps({"tool_version": "0.1.0", "results": [], "note": "previous run"})
    (tmp_path / "r.json").write_text(previous)

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    done = subprocess.run(
        [sys.executable, "-c", LAUNCH, "audit", "--module", str(mod), "--no-database", "--quiet", "--json", "r.json",
         "--workers", "1"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120,
        preexec_fn=small_files,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "could not write" in done.stderr
    assert (tmp_path / "r.json").read_text() == previous
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_json_never_overwrites_the_claims_module(tmp_path: Path) -> None:
    mod = module(tmp_path, GOOD)
    before = mod.read_text()
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    for target in (str(mod), str(notes)):
        done = cli("audit", "--module", str(mod), "--no-database", "--quiet", "--json", target, cwd=tmp_path)
        assert done.returncode == 2 and "will not be overwritten" in done.stderr or "Python file" in done.stderr
    assert mod.read_text() == before and notes.read_text() == "my notes"


def test_report_never_overwrites_the_results_or_another_kind_of_file(tmp_path: Path, capsys) -> None:
    mod = module(tmp_path, GOOD)
    done, doc = audit(tmp_path, mod)
    results = tmp_path / "r.json"
    before = results.read_text()
    for out in (results, tmp_path / "other.json"):
        rc, _, err = main(capsys, "report", results, "--format", "md", "--out", out)
        assert rc == 2, err
    readme = tmp_path / "README.md"
    readme.write_text("# my readme\n")
    assert main(capsys, "report", results, "--format", "md", "--out", readme)[0] == 2
    assert main(capsys, "report", results, "--out", results, "--no-pdf")[0] == 2  # LaTeX: a file is no folder
    assert readme.read_text() == "# my readme\n" and results.read_text() == before
    assert main(capsys, "report", results, "--format", "md", "--out", tmp_path / "s.md")[0] == 0
    assert main(capsys, "report", results, "--format", "md", "--out", tmp_path / "s.md")[0] == 0  # its own file


def test_report_folder_with_foreign_files_is_refused_and_nothing_deleted(tmp_path: Path, capsys) -> None:
    mod = module(tmp_path, GOOD)
    audit(tmp_path, mod)
    results = tmp_path / "r.json"
    folder = tmp_path / "DIR"
    for sub in ("figures", "snippets"):
        (folder / sub).mkdir(parents=True)
        (folder / sub / "mine.txt").write_text("mine")
    rc, _, err = main(capsys, "report", results, "--out", folder, "--no-pdf")
    assert rc == 2 and "did not write" in err
    assert (folder / "figures" / "mine.txt").read_text() == "mine" and (folder / "snippets" / "mine.txt").exists()
    new = tmp_path / "NEW"  # a fresh folder is written, and written again
    assert main(capsys, "report", results, "--out", new, "--no-pdf")[0] == 0
    assert main(capsys, "report", results, "--out", new, "--no-pdf")[0] == 0
    (new / "notes.txt").write_text("mine")
    assert main(capsys, "report", results, "--out", new, "--no-pdf")[0] == 2
    assert (new / "notes.txt").exists()


@pytest.mark.parametrize("args, message", [
    (["--json", "afile/r.json"], "is a file"),
    (["--samples", "0"], "--samples"),
    (["--samples", "-5"], "--samples"),
    (["--workers", "0"], "--workers"),
    (["--deadline", "0"], "--deadline"),
])
def test_misuse_is_refused_before_any_work(tmp_path: Path, capsys, args: list[str], message: str) -> None:
    marker = tmp_path / "evaluated"
    mod = module(tmp_path, f"""
        def ref(p):
            open({str(marker)!r}, "w").write("x")
            return 2 * p.x
        claim("t.good", sources=[eq("n.txt", 1)], latex="2x", params=P, claimed=2*x, reference=ref)
    """)
    (tmp_path / "afile").write_text("a file, not a folder")
    args = [str(tmp_path / a) if a.startswith("afile") else a for a in args]
    rc, _, err = main(capsys, "audit", "--module", mod, "--select", "t.*", "--no-database", "--quiet", *args)
    assert rc == 2 and message in err and "Traceback" not in err
    assert not marker.exists()


def test_workers_far_above_the_cores_are_capped(tmp_path: Path) -> None:
    mod = module(tmp_path, GOOD)
    done = cli("audit", "--module", str(mod), "--no-database", "--workers", "60", cwd=tmp_path)
    assert done.returncode == 0 and "more than the" in done.stderr


# --------------------------------------------------------------------------- isolation
def test_an_exception_in_a_claimed_function_is_the_claims_error_naming_side_and_line(tmp_path: Path) -> None:
    mod = module(tmp_path, GOOD + """
        def claimed(p):
            return 1 / 0
        claim("t.zero", sources=[eq("n.txt", 3)], latex="x", params=P, claimed=claimed, reference=lambda p: p.x)
    """)
    done, doc = audit(tmp_path, mod)
    r = by_id(doc, "t.zero")
    assert r["verdict"] == "error", r["diagnosis"]
    assert "claimed side raised ZeroDivisionError" in r["diagnosis"] and "claims.py:" in r["diagnosis"]
    assert "return 1 / 0" in r["traceback"]


def test_numpy_error_state_of_one_module_does_not_change_another(tmp_path: Path) -> None:
    module(tmp_path, """
        np.seterr(all="raise")
        claim("a.one", sources=[eq("n.txt", 1)], latex="1", params=P, claimed=x, reference=lambda p: p.x)
    """, name="a.py")
    module(tmp_path, """
        def ref(p):
            return float(np.arctan(np.float64(p.x) / np.float64(0.0)))  # arctan(inf): numpy warns, the value is right
        claim("b.angle", sources=[eq("n.txt", 1)], latex="pi/2", params=P, claimed=sp.pi / 2 + 0 * x, reference=ref)
    """, name="b.py")
    out = tmp_path / "r.json"
    done = cli("audit", "--module", str(tmp_path / "a.py"), "--module", str(tmp_path / "b.py"), "--no-database",
               "--quiet", "--json", str(out), "--workers", "1", cwd=tmp_path)
    assert verdicts(json.loads(out.read_text()))["b.angle"] in ("proved", "confirmed"), done.stdout


def test_a_non_deterministic_reference_is_not_a_refutation(tmp_path: Path) -> None:
    mod = module(tmp_path, """
        claim("t.noisy", sources=[eq("n.txt", 1)], latex="2x", params=P, claimed=2*x,
              reference=lambda p: 2 * p.x * (1 + 1e-3 * random.random()))
    """)
    done, doc = audit(tmp_path, mod)
    r = by_id(doc, "t.noisy")
    assert r["verdict"] != "refuted" and "not deterministic" in r["diagnosis"]


# --------------------------------------------------------------------------- validation
def test_each_bad_field_is_that_claims_error_and_the_rest_is_audited(tmp_path: Path) -> None:
    mod = module(tmp_path, FALSE + """
        claim(5, sources=[eq("n.txt", 1)], latex="2x", params=P, claimed=2*x, reference=lambda p: 2*p.x)
        claim("t.flag", sources=[eq("n.txt", 1)], latex="2x", params=P, claimed=2*x, reference=lambda p: 2*p.x, note_flag=3)
        claim("t.note", sources=[eq(7, 1)], latex="2x", params=P, claimed=2*x, reference=lambda p: 2*p.x)
        claim("t.srcstr", sources="x.txt", latex="2x", params=P, claimed=2*x, reference=lambda p: 2*p.x)
        claim("t.srcint", sources=5, latex="2x", params=P, claimed=2*x, reference=lambda p: 2*p.x)
        claim("t.tol", sources=[eq("n.txt", 1)], latex="2x", params=P, claimed=2*x, reference=lambda p: 2*p.x,
              tolerances=Tolerances(rtol=-1.0, atol=-1.0))
        claim("t.assume", sources=[eq("n.txt", 1)], latex="2x", params=P, claimed=2*x, reference=lambda p: 2*p.x,
              assumptions="x > 0")
    """)
    done, doc = audit(tmp_path, mod)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    v = verdicts(doc)
    assert v.pop("t.false") == "refuted"
    assert len(v) == 7 and set(v.values()) == {"error"}, v
    fields = {"5": "'id'", "t.flag": "'note_flag'", "t.note": "'sources'", "t.srcstr": "'sources'",
              "t.srcint": "'sources'", "t.tol": "'tolerances'", "t.assume": "'assumptions'"}
    for cid, field in fields.items():
        diagnosis = by_id(doc, cid)["diagnosis"]
        assert "claims.py" in diagnosis and field in diagnosis, diagnosis
    # the report and the list command read the file/module without trouble
    assert cli("report", "r.json", "--format", "md", cwd=tmp_path).returncode == 0
    listed = cli("list", "--module", str(mod), cwd=tmp_path)
    assert listed.returncode == 2 and "Traceback" not in listed.stderr + listed.stdout


# --------------------------------------------------------------------------- the example database
def test_a_stale_example_database_entry_never_refutes(tmp_path: Path) -> None:
    body = """
        claim("t.abs", sources=[eq("n.txt", 1)], latex="|x|", params={{"x": st.floats({lo}, 2)}}, claimed=x,
              reference=lambda p: abs(p.x))
    """
    db = tmp_path / "db"
    mod = module(tmp_path, body.format(lo=-2))
    out = tmp_path / "r.json"
    common = ["audit", "--module", str(mod), "--quiet", "--json", str(out), "--database", str(db)]
    assert cli(*common, cwd=tmp_path).returncode == 1
    assert verdicts(json.loads(out.read_text()))["t.abs"] == "refuted" and list(db.iterdir())
    module(tmp_path, body.format(lo=0.1))  # narrowed to where the claim is true
    assert cli(*common, cwd=tmp_path).returncode == 0
    assert verdicts(json.loads(out.read_text()))["t.abs"] in ("proved", "confirmed")
    # unreadable entries are ignored with a warning
    module(tmp_path, body.format(lo=-2))
    for f in db.iterdir():
        f.write_text('[{"x": "abc"}, {"x": NaN}, 5]')
    done = cli(*common, cwd=tmp_path)
    assert verdicts(json.loads(out.read_text()))["t.abs"] == "refuted", done.stderr


# --------------------------------------------------------------------------- reports
def test_result_files_that_are_not_utf8_or_malformed_get_a_message_naming_the_field(tmp_path: Path, capsys) -> None:
    """jsonschema is a run-time dependency: every malformed file is refused with the field it breaks."""
    mod = module(tmp_path, """
        claim("t.a", sources=[eq("n.txt", 1)], latex="2x", params={"x": st.floats(0.1, 2)}, claimed=2*x,
              reference=lambda p: 2*p.x)
    """)
    good = tmp_path / "good.json"
    rc, _, err = main(capsys, "audit", "--module", mod, "--no-database", "--no-cache", "--workers", "1", "--quiet",
                      "--json", good)
    assert rc == 0 and main(capsys, "report", good, "--format", "md")[0] == 0, err
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"x": "\xff\xfe"}')
    rc, _, err = main(capsys, "report", bad, "--format", "md")
    assert rc == 2 and "bad.json" in err and "UTF-8" in err, err
    cases = {  # file -> (how it is broken, what the message must name)
        "malformed.json": (lambda d: d.update(results=5), "results"),
        "nested.json": (lambda d: d.update(results=[5]), "results/0"),
        "verdict.json": (lambda d: d["results"][0].update(verdict=5), "results/0/verdict"),
        "sources.json": (lambda d: d["results"][0].update(sources="n.txt"), "results/0/sources"),
        "missing.json": (lambda d: d["results"][0].pop("kind"), "'kind'"),
    }
    for name, (breaking, field) in cases.items():
        doc = json.loads(good.read_text())
        breaking(doc)
        f = tmp_path / name
        f.write_text(json.dumps(doc))
        rc, _, err = main(capsys, "report", f, "--format", "md")
        assert rc == 2 and name in err and field in err and "Traceback" not in err, (name, err)
        assert "TypeError" not in err, err


@pytest.mark.parametrize("snippet", [
    r"\font\x=cmr10 \x a", r"\chardef\alpha=65", r"\globaldefs=1 \chardef\alpha=65", r"\pausing=1",
    r"\fontdimen2\font=10pt", r"\hyphenchar\font=`-", r"\maxdeadcycles=1", r"\interactionmode=0",
    r"\scrollmode", r"\batchmode", r"\countdef\a=5", r"\skewchar\font=1", r"\read16to\x",
])
def test_the_latex_screen_stops_font_and_interaction_primitives(snippet: str) -> None:
    from reports.texsafe import screen

    assert screen(snippet) is not None


def test_markdown_escapes_pipes_and_raw_html() -> None:
    from reports.markdown import render

    r = {"id": "a|b", "kind": "claim", "verdict": "refuted", "sources": [{"note": "n|x.txt", "equation": "1", "quote": None}],
         "latex": "", "note_flag": "<script>alert(1)</script>", "assumptions": [], "method": None, "evidence": None,
         "counterexample": None, "diagnosis": "a <b>bold</b> | c", "corrected": None, "follows": None,
         "inherits_from": None, "seconds": 0.0}
    doc = {"settings": {"mode": "quick", "seed": 0}, "results": [r]}
    text = render(doc)
    assert "<script>" not in text and "<b>" not in text
    lines = text.splitlines()
    separator = next(line for line in lines if line.startswith("|---") or line.startswith("| ---"))
    columns = separator.count("|")
    rows = [line for line in lines if line.startswith("|") and ("a\\|b" in line or "a|b" in line)]
    assert rows, text
    for row in rows:  # the bars inside the id and the diagnosis are escaped: the row keeps its columns
        assert row.count("|") - row.count("\\|") == columns, row


def test_the_transcription_parse_has_a_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from derivations.authoring import latex_parse as latex

    monkeypatch.setattr(latex, "PARSE_SECONDS", 0.5)
    body = "+".join(f"a_{{{i}}} x^{{{i}}}" for i in range(250))  # seconds of parsing
    start = time.monotonic()
    parsed = latex.parse("y = " + body)
    assert time.monotonic() - start < 3
    assert parsed.status == "failed" and "longer than" in parsed.detail


def test_the_parse_time_limit_survives_a_swallowed_timeout() -> None:
    """A gc callback swallows an exception raised inside it (CI once saw the parse run on that way)."""
    from derivations.authoring import latex_parse as latex

    swallowed, start = 0, time.monotonic()
    with pytest.raises(latex._ParseTimeout):
        with latex._time_limit(0.2):
            while time.monotonic() - start < 10:
                try:
                    while time.monotonic() - start < 10:
                        pass
                except latex._ParseTimeout:
                    swallowed += 1
                    if swallowed > 1:
                        raise
    assert swallowed == 2 and time.monotonic() - start < 5


def test_a_process_forked_by_a_claim_ends_normally_and_leaves_the_record_alone(tmp_path: Path) -> None:
    """The symbolic prover forks a child that ends with os._exit(0).  A quick audit once reported a
    proved claim as "called os._exit(0)": the worker's refusing os._exit, inherited by the child,
    raised there, and the child ran on through the worker's loop and overwrote the record."""
    mod = module(tmp_path, GOOD + """
        def forks(p):
            if os.fork() == 0:  # a child that outlives the claim's evaluation, then exits
                time.sleep(0.3)
                os._exit(0)
            return 2 * p.x
        claim("t.forks", sources=[eq("n.txt", 3)], latex="2x", params=P, claimed=2*x, reference=forks)
    """)
    done, doc = audit(tmp_path, mod, "--workers", "1")
    time.sleep(1.0)  # the children have ended; a child that ran on would have written by now
    assert done.returncode == 0, done.stderr
    assert verdicts(doc) == {"t.good": "confirmed", "t.forks": "confirmed"}


def test_sys_exit_while_a_module_is_imported_is_a_load_error(tmp_path: Path) -> None:
    mod = module(tmp_path, GOOD + """
        sys.exit(0)
    """)
    other = module(tmp_path, FALSE, name="other.py")
    out = tmp_path / "r.json"
    done = cli("audit", "--module", str(mod), "--module", str(other), "--no-database", "--quiet", "--json", str(out),
               cwd=tmp_path)
    assert done.returncode == 2
    doc = json.loads(out.read_text())
    assert verdicts(doc)["t.false"] == "refuted"
    assert any(r["id"].startswith("load-error:") for r in doc["results"])


def test_no_worker_outlives_a_killed_main_process(tmp_path: Path) -> None:
    rc, doc, err, worker = _interrupted_run(tmp_path, [signal.SIGKILL], group=False, workers="2")
    assert rc == -signal.SIGKILL
    assert not alive(worker)


def test_a_chain_line_past_its_deadline_does_not_cost_the_rest_of_the_chain(tmp_path: Path) -> None:
    mod = module(tmp_path, """
        from derivations.api import Chain
        c = Chain("c", note="n.txt", params=P, reference=lambda p: 2 * p.x)
        c.step(1, latex="2x", claimed=2 * x)
        c.step(2, latex="2x", claimed=lambda p: time.sleep(1000))
        c.step(3, latex="2x", claimed=2 * x, after="c.eq1")
    """)
    done, doc = audit(tmp_path, mod, "--deadline", "4")
    assert verdicts(doc) == {"c.eq1": "confirmed", "c.eq2": "inconclusive", "c.eq3": "confirmed"}, done.stderr
    assert "deadline of 4 s reached" in by_id(doc, "c.eq2")["diagnosis"]
    assert done.returncode == 2, done.stderr


def test_coverage_and_mutate_never_write_over_an_input(tmp_path: Path) -> None:
    """``coverage --json NOTE`` once replaced the note with JSON; ``mutate --json claims.py`` the claims module."""
    note = tmp_path / "note.txt"
    note.write_text("A note.\n\n$$ y = 2x \\quad (1)$$\n")
    before = note.read_text()
    done = cli("coverage", str(note), "--json", str(note), cwd=tmp_path)
    assert done.returncode == 2 and "will not be overwritten" in done.stderr and note.read_text() == before
    ok = cli("coverage", str(note), "--json", str(tmp_path / "cov.json"), cwd=tmp_path)
    assert ok.returncode in (0, 1) and json.loads((tmp_path / "cov.json").read_text())["notes"]
    again = cli("coverage", str(note), "--json", str(tmp_path / "cov.json"), cwd=tmp_path)  # its own file: rewritten
    assert again.returncode in (0, 1)
    mod = module(tmp_path, GOOD)
    text = mod.read_text()
    done = cli("mutate", "--module", str(mod), "--json", str(mod), cwd=tmp_path)
    assert done.returncode == 2 and mod.read_text() == text


@pytest.mark.parametrize("snippet", [r"\dcverbatim{article.cls}", r"\dccode{latex.ltx}"])
def test_the_reports_own_listing_macros_cannot_read_a_file(snippet: str) -> None:
    """The report's listing macros read a file by name: in a note's snippet they would print a file of the
    TeX installation (kpathsea finds it without any path)."""
    from reports.texsafe import screen

    assert screen(snippet) is not None
