"""pytest integration: every claim as a test item.

Enabled with ``pytest --derivcheck`` (the plugin is registered through the
``pytest11`` entry point; without installation add ``-p derivations.pytest_plugin``
or put ``pytest_plugins = ["derivations.pytest_plugin"]`` in a conftest.py).

    pytest --derivcheck [--derivcheck-select GLOB] [--derivcheck-module PATH]
           [--derivcheck-mode quick|thorough] [--derivcheck-seed N]

Outcomes: proved / confirmed pass; definition / incomplete are skipped;
refuted fails with the shrunk counterexample in the message; inconclusive and
error fail with their reason (or are skipped with
``--derivcheck-inconclusive=skip``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# Plugin state, typed (pytest's stash); set only under --derivcheck, when the engine is imported.
REGISTRY_KEY = pytest.StashKey[object]()
SETTINGS_KEY = pytest.StashKey[object]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("derivcheck", "derivation checks")
    group.addoption("--derivcheck", action="store_true", help="run every registered claim as a test")
    group.addoption("--derivcheck-select", action="append", default=[], metavar="GLOB", help="only claims whose id matches")
    group.addoption("--derivcheck-module", action="append", default=[], metavar="PATH", help="also load claims from PATH")
    group.addoption("--derivcheck-mode", default="quick", choices=("quick", "thorough"))
    group.addoption("--derivcheck-seed", type=int, default=0)
    group.addoption("--derivcheck-inconclusive", default="fail", choices=("fail", "skip"))


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

        registry = self.config.stash[REGISTRY_KEY]
        settings = self.config.stash[SETTINGS_KEY]
        self.result = r = audit_claim(registry.get(self.claim_id), settings, lambda i: registry.get(i) if i in registry else None)
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
            if r.get("traceback"):
                lines.append(r["traceback"])
            return "\n".join(lines)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return Path(self.config.rootpath), None, f"derivcheck claim {self.claim_id}"


def _source(s: dict) -> str:
    return f"{s['note']} ({s['equation']})" if s.get("equation") else f"{s['note']} \u201c{s.get('quote')}\u201d"


def _short(value: object) -> str:
    text = json.dumps(value)
    return text if len(text) < 200 else text[:200] + "..."


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    if not config.getoption("derivcheck"):
        return
    from .engine import registry
    from .engine.settings import AuditSettings

    reg = registry.discover(extra=[Path(p) for p in config.getoption("derivcheck_module")])
    config.stash[REGISTRY_KEY] = reg
    config.stash[SETTINGS_KEY] = AuditSettings.for_mode(
        config.getoption("derivcheck_mode"), seed=config.getoption("derivcheck_seed"), workers=1
    )
    for failure in reg.failures:
        items.append(_LoadFailureItem.from_parent(session, name=f"load-error:{failure.module}", failure=failure))
    for c in reg.select(config.getoption("derivcheck_select") or None):
        items.append(ClaimItem.from_parent(session, name=c.id, claim_id=c.id))


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
