"""Incremental audits: a re-run reuses exactly the records whose inputs did not change."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from derivations import api, cli

MODULE = textwrap.dedent("""
    import sympy as sp
    from hypothesis import strategies as st
    from derivations.api import Chain, claim, quote

    x = sp.Symbol("x", positive=True)
    SCALE = 2


    def helper(v):
        return HELPER_BODY


    def uses_helper(p):
        return helper(p.x)


    claim("c.uses_helper", sources=quote("n.txt", "h"), latex="2x", params={"x": st.floats(0.1, 3)},
          claimed=uses_helper, reference=lambda p: SCALE * p.x)
    claim("c.plain", sources=quote("n.txt", "p"), latex="x", params={"x": st.floats(0.1, 3)},
          claimed=sp.sqrt(x**2), reference=x)
    ch = Chain("c.chain", note="n.txt", params={"x": st.floats(0.1, 3)}, reference=2 * x)
    ch.step(1, latex="2x", claimed=STEP_ONE)
    ch.step(2, latex="2x", claimed=2 * x)
""")


def _forget(path: Path) -> None:
    """Make the next discovery import the edited module afresh (as a new process would)."""
    for name in [n for n in sys.modules if n.startswith("derivcheck_user.")]:
        del sys.modules[name]
        api._DECLARED.pop(name, None)


def _audit(tmp_path: Path, capsys, helper: str = "2 * v", step_one: str = "x + x", *extra: str) -> dict[str, bool]:
    mod = tmp_path / "m.py"
    mod.write_text(MODULE.replace("HELPER_BODY", helper).replace("STEP_ONE", step_one))
    _forget(mod)
    status = cli.main(["audit", "--module", str(mod), "--no-database", "--workers", "1", "--format", "json",
                       "--cache", str(tmp_path / "cache"), *extra])
    assert status == 0
    doc = json.loads(capsys.readouterr().out)
    assert all(r["verdict"] in ("proved", "confirmed") for r in doc["results"])
    return {r["id"]: bool(r.get("reused")) for r in doc["results"]}


def test_a_rerun_reaudits_only_what_changed(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # an edit within one second must not load stale bytecode
    everything = {"c.uses_helper", "c.plain", "c.chain.eq1", "c.chain.eq2"}
    assert not any(_audit(tmp_path, capsys).values())
    assert all(_audit(tmp_path, capsys).values())
    # a change to a helper re-audits the claims that call it, and only those
    again = _audit(tmp_path, capsys, "v + v")
    assert {k for k, reused in again.items() if not reused} == {"c.uses_helper"}
    # a changed line of a chain re-audits it and the lines after it
    again = _audit(tmp_path, capsys, "v + v", "2 * x")
    assert {k for k, reused in again.items() if not reused} == {"c.chain.eq1", "c.chain.eq2"}
    # another seed, or --no-cache: everything is audited
    assert not any(_audit(tmp_path, capsys, "v + v", "2 * x", "--seed", "1").values())
    assert not any(_audit(tmp_path, capsys, "v + v", "2 * x", "--no-cache").values())
    assert set(_audit(tmp_path, capsys, "v + v", "2 * x")) == everything


def test_a_sampled_side_is_fingerprinted_with_its_data_model() -> None:
    """An edited ``draw`` of a DataModel changes what a ``Sampled(data=...)`` side computes, though its statistic
    never names the draw: the cached verdict must not be reused."""
    from derivations.api import DataModel, Sampled
    from derivations.engine.cache import Fingerprint

    def statistic(p, x, y):
        return x

    plain = DataModel("m", 2, lambda p, eps: (eps, eps[:, 0]))
    doubled = DataModel("m", 2, lambda p, eps: (2 * eps, eps[:, 0]))
    assert Fingerprint().value(Sampled(data=plain, statistic=statistic)) \
        != Fingerprint().value(Sampled(data=doubled, statistic=statistic))


def test_parsed_sources_kept_between_runs_give_the_same_keys(tmp_path: Path) -> None:
    """The spans of each source file are kept under the file's hash in the cache folder: a later run
    (a new process: the in-memory parse is forgotten) reads them instead of parsing, with the same
    keys; an edited file has another hash and is parsed afresh."""
    from derivations.engine import cache, registry
    from derivations.engine.settings import AuditSettings

    reg = registry.discover()
    claims = reg.select(["bump.*"])
    lookup = lambda i: reg.get(i) if i in reg else None  # noqa: E731
    settings = AuditSettings.for_mode("quick")
    cache._parsed_version.cache_clear()
    plain = cache.keys(claims, lookup, settings)
    cache._parsed_version.cache_clear()
    first = cache.keys(claims, lookup, settings, tmp_path)
    stored = sorted((tmp_path / "parsed").glob("*.json"))
    assert stored and first == plain
    for f in stored:  # a store that is read, not re-parsed: spans that point nowhere would change the keys
        f.write_text(json.dumps([[], {}]))
    cache._parsed_version.cache_clear()
    assert cache.keys(claims, lookup, settings, tmp_path) != plain
    for f in stored:
        f.unlink()
    cache._parsed_version.cache_clear()
    assert cache.keys(claims, lookup, settings, tmp_path) == plain
    cache._parsed_version.cache_clear()
