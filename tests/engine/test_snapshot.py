"""An unchanged audit is replayed whole, without importing a claim module; any change to what it read is audited."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from derivations import api, cli
from derivations.engine import registry, snapshot

ROOT = Path(__file__).resolve().parents[2]

CLAIMS = textwrap.dedent("""
    import sympy as sp
    from hypothesis import strategies as st
    from derivations.api import claim, quote
    from snaphelper import SCALE  # a helper package outside the module folder (on the path)

    x = sp.Symbol("x", positive=True)
    claim("s.scaled", sources=quote("n.txt", "s"), latex="2x", params={"x": st.floats(0.1, 3)},
          claimed=2 * x, reference=lambda p: SCALE * p.x)
""")
MORE = textwrap.dedent("""
    import sympy as sp
    from hypothesis import strategies as st
    from derivations.api import claim, quote

    y = sp.Symbol("y", positive=True)
    claim("s.more", sources=quote("n.txt", "m"), latex="y", params={"y": st.floats(0.1, 3)}, claimed=y, reference=y)
""")


def _forget() -> None:
    """Make the next in-process discovery import the edited files afresh (as a new process would)."""
    for name in [n for n in sys.modules if n.startswith("derivcheck_user.") or n == "snaphelper"]:
        del sys.modules[name]
        api._DECLARED.pop(name, None)


def _audit(tmp_path: Path, capsys, *extra: str) -> dict:
    _forget()
    out = tmp_path / "r.json"
    cli.main(["audit", "--module", str(tmp_path / "claims"), "--no-database", "--workers", "1", "--quiet",
              "--cache", str(tmp_path / "cache"), "--json", str(out), *extra])
    capsys.readouterr()
    return json.loads(out.read_text())


def _verdicts(doc: dict) -> dict[str, tuple[str, bool]]:
    return {r["id"]: (r["verdict"], bool(r.get("reused"))) for r in doc["results"]}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # an edit within one second must not load stale bytecode
    (tmp_path / "claims").mkdir()
    (tmp_path / "claims" / "a.py").write_text(CLAIMS)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "snaphelper.py").write_text("SCALE = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    yield tmp_path
    _forget()


def test_an_unchanged_audit_is_replayed_and_every_change_is_seen(project: Path, capsys) -> None:
    first = _audit(project, capsys)
    assert _verdicts(first)["s.scaled"][0] in ("proved", "confirmed")
    assert list((project / "cache" / "runs").glob("*.json")), "the finished audit is kept"
    # replayed in a fresh process: the same document, every record reused, no claim module or SymPy imported
    code = ("import json, sys\nfrom derivations.cli import main\n"
            f"rc = main(['audit', '--module', {str(project / 'claims')!r}, '--no-database', '--workers', '1', '--quiet', "
            f"'--cache', {str(project / 'cache')!r}, '--json', {str(project / 'again.json')!r}])\n"
            "print(json.dumps([rc, sorted(m for m in sys.modules if m.startswith(('derivcheck_user', 'snaphelper', 'sympy')))]))\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(project / "lib")])}
    done = subprocess.run([sys.executable, "-c", code], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    rc, imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert rc == 0 and imported == [], (done.stderr, imported)
    again = json.loads((project / "again.json").read_text())
    assert all(r["reused"] for r in again["results"])
    strip = lambda d: {**d, "created": None, "results": [{**r, "reused": None} for r in d["results"]]}  # noqa: E731
    assert strip(again) == strip(first)
    # a helper outside the module folder changes: the claim using it is audited again (and now refuted)
    (project / "lib" / "snaphelper.py").write_text("SCALE = 3\n")
    assert _verdicts(_audit(project, capsys))["s.scaled"] == ("refuted", False)
    # a new claim module in the folder: audited, the unchanged claim reused from the per-claim cache
    (project / "claims" / "b.py").write_text(MORE)
    v = _verdicts(_audit(project, capsys))
    assert v["s.scaled"] == ("refuted", True) and v["s.more"][1] is False, v
    # another seed is another audit; --no-cache replays nothing
    assert not any(r for _, r in _verdicts(_audit(project, capsys, "--seed", "3")).values())
    assert not any(r for _, r in _verdicts(_audit(project, capsys, "--no-cache")).values())


def test_a_run_cut_short_or_with_errors_is_not_kept(tmp_path: Path) -> None:
    request = snapshot.Request((), (), True, True, "{}", "{}")
    store = snapshot.Snapshots(tmp_path)
    doc = {"results": [], "complete": True}
    inputs = store.begin(request)
    assert not store.keep(request, inputs, doc, 2, None)
    assert not store.keep(request, inputs, {**doc, "complete": False}, 1, None)
    assert store.keep(request, inputs, doc, 1, None) and store.replay(request, {}, {}) is not None


def test_a_file_edited_while_the_audit_runs_makes_its_snapshot_stale(tmp_path: Path) -> None:
    claims = tmp_path / "claims.py"
    claims.write_text("A = 1\n")
    request = snapshot.Request((), (str(claims),), False, False, "{}", "{}")
    store = snapshot.Snapshots(tmp_path / "cache")
    inputs = store.begin(request)  # the run starts
    claims.write_text("A = 2\n")  # edited during the run
    assert store.keep(request, inputs, {"results": [], "complete": True}, 0, None)
    assert store.replay(request, {}, {}) is None


def test_the_snapshot_names_the_registry_entry_point_group() -> None:
    assert snapshot.ENTRY_POINT_GROUP == registry.ENTRY_POINT_GROUP
