"""pytest integration: every claim as a test item.

Enabled with ``pytest --derivcheck`` (the plugin is registered through the
``pytest11`` entry point as :mod:`derivcheck.pytest_plugin`, which calls :func:`collect`; without
installation add ``-p derivations.pytest_plugin`` or put ``pytest_plugins = ["derivations.pytest_plugin"]``
in a conftest.py).

    pytest --derivcheck [--derivcheck-select GLOB] [--derivcheck-module PATH [--derivcheck-builtin]]
           [--derivcheck-mode quick|thorough] [--derivcheck-seed N]

Outcomes: proved / confirmed pass; definition / incomplete are skipped;
refuted fails with the shrunk counterexample, the line the error is inherited
from, whether the line follows from the one above, and the corrected form in
the message; inconclusive and error fail with their reason (or are skipped
with ``--derivcheck-inconclusive=skip``).

With ``--derivcheck-module`` only the claims of those modules are collected
(the built-in claims about the notes too with ``--derivcheck-builtin``).  Each
claim's node id is ``<its module's file>::<claim id>``, so JUnit XML names the
module as the test's ``classname``.  The engine is imported only under
``--derivcheck``; the plugin's state lives in ``config.stash``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

# The options are the installed plugin's (derivcheck.pytest_plugin, light: pytest loads it in every session);
# imported here so that ``-p derivations.pytest_plugin`` in a source tree still has them.
from derivcheck.pytest_plugin import pytest_addoption  # noqa: F401

_REGISTRY = pytest.StashKey[Any]()
_SETTINGS = pytest.StashKey[Any]()
_RESULTS = pytest.StashKey[dict]()  # id -> result record of the claims run so far (for inheritance)


class ClaimFailure(Exception):
    """A claim that is not proved or confirmed."""


class ClaimItem(pytest.Item):
    def __init__(self, *, claim_id: str, **kw):
        super().__init__(**kw)
        self.claim_id = claim_id
        self.result: dict | None = None

    def runtest(self) -> None:
        from .engine.audit import audit_claim
        from .engine.record import HOLDS, RECORDED
        from .engine.runner import trace_inheritance

        registry = self.config.stash[_REGISTRY]
        settings = self.config.stash[_SETTINGS]
        done = self.config.stash[_RESULTS]
        self.result = r = audit_claim(registry.get(self.claim_id), settings, lambda i: registry.get(i) if i in registry else None)
        done[r["id"]] = r
        trace_inheritance(list(done.values()))  # the lines above in its chain ran first (registry order)
        verdict = r["verdict"]
        if verdict in HOLDS:
            return
        if verdict in RECORDED:
            pytest.skip(f"{verdict}: recorded, not checked")
        if verdict == "inconclusive" and self.config.getoption("derivcheck_inconclusive") == "skip":
            pytest.skip(f"inconclusive: {r['diagnosis']}")
        raise ClaimFailure(r)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailure):
            r = excinfo.value.args[0]
            lines = [f"{r['id']}: {r['verdict']}", f"  sources: {'; '.join(_source(s) for s in r['sources'])}"]
            if r.get("counterexample"):
                cx = r["counterexample"]
                lines += [
                    f"  counterexample: {json.dumps(cx['params'])}",
                    f"    claimed   = {_short(cx['claimed'])}",
                    f"    reference = {_short(cx['reference'])}",
                    f"    relative error {cx['relative_error']}",
                ]
            if r.get("diagnosis"):
                lines.append(f"  diagnosis: {r['diagnosis']}")
            lines += _chain_lines(r)
            corr = r.get("corrected")
            if corr:
                lines.append(f"  corrected form ({corr.get('source') or 'derivcheck'}; {corr.get('verdict')}): {corr.get('latex')}")
            if r.get("traceback"):
                lines.append(r["traceback"])
            return "\n".join(lines)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return Path(self.config.rootpath), None, f"derivcheck claim {self.claim_id}"


def _chain_lines(r: dict) -> list[str]:
    """Where the error comes from: inherited from a line above, and whether the line follows from the previous one."""
    out = []
    if r.get("inherits_from"):
        out.append(f"  inherited: the error enters at {r['inherits_from']}; this line follows from the line above it")
    follows = ((r.get("evidence") or {}).get("follows")) or {}
    if r.get("follows") is True:
        out.append(f"  follows from {follows.get('from') or r.get('after')}: yes ({follows.get('resolution_text') or follows.get('verdict')})")
    elif r.get("follows") is False:
        cx = follows.get("counterexample") or {}
        where = f" (differs at {json.dumps(cx.get('params'))})" if cx.get("params") is not None else ""
        out.append(f"  follows from {follows.get('from') or r.get('after')}: no{where}: the error enters here")
    return out


def _node_path(claim) -> str:
    """The claim's module file, relative to the project: the JUnit ``classname`` comes from it."""
    from .engine.paths import shown

    file = (claim.defined_at or "").rpartition(":")[0] or claim.module
    return shown(file)


def _source(s: dict) -> str:
    return f"{s['note']} ({s['equation']})" if s.get("equation") else f"{s['note']} \u201c{s.get('quote')}\u201d"


def _short(value: object) -> str:
    text = json.dumps(value)
    return text if len(text) < 200 else text[:200] + "..."


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    if config.getoption("derivcheck"):
        collect(session, config, items)


def collect(session: pytest.Session, config: pytest.Config, items: list) -> None:
    """Under ``--derivcheck``: every selected claim (and every module that failed to import) as a test item."""
    from .engine import registry  # the engine: imported only under --derivcheck
    from .engine.settings import AuditSettings

    modules = [Path(p) for p in config.getoption("derivcheck_module")]
    everything = not modules or config.getoption("derivcheck_builtin")  # a user's module runs alone
    reg = registry.discover(extra=modules, builtin=everything, plugins=everything)
    config.stash[_REGISTRY] = reg
    config.stash[_SETTINGS] = AuditSettings.for_mode(
        config.getoption("derivcheck_mode"), seed=config.getoption("derivcheck_seed"), workers=1
    )
    config.stash[_RESULTS] = {}
    for failure in reg.failures:
        items.append(_LoadFailureItem.from_parent(session, name=f"load-error:{failure.module}", failure=failure,
                                                  nodeid=f"{failure.location}::load-error"))
    for c in reg.select(config.getoption("derivcheck_select") or None):
        items.append(ClaimItem.from_parent(session, name=c.id, claim_id=c.id, nodeid=f"{_node_path(c)}::{c.id}"))


class _LoadFailureItem(pytest.Item):
    def __init__(self, *, failure, **kw):
        super().__init__(**kw)
        self.failure = failure

    def runtest(self) -> None:
        from .engine.record import ResultRecord

        raise ClaimFailure(ResultRecord(
            id=self.name, kind="claim", verdict="error", sources=[], latex="", traceback=self.failure.traceback,
            diagnosis=f"module {self.failure.module} failed to import",
        ).to_json())

    def repr_failure(self, excinfo, style=None):
        return ClaimItem.repr_failure(self, excinfo, style)

    def reportinfo(self):
        return self.failure.location, None, self.name
