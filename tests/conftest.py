"""Shared fixtures: fast audit settings and a one-claim audit helper."""

from __future__ import annotations

import os

import pytest

from derivations.api import Claim
from derivations.engine.audit import audit_claim
from derivations.engine.settings import AuditSettings

# Hypothesis profile for the engine's own property tests: derandomized, no example database.
from hypothesis import settings as hyp_settings

hyp_settings.register_profile("derivcheck-tests", derandomize=True, database=None, deadline=None)
hyp_settings.load_profile("derivcheck-tests")


@pytest.fixture
def quick() -> AuditSettings:
    """Quick-mode settings, one worker, no example database."""
    return AuditSettings.for_mode("quick", workers=1, database=None)


def audit(claim: Claim, settings: AuditSettings | None = None, lookup=None) -> dict:
    settings = settings or AuditSettings.for_mode("quick", workers=1, database=None)
    return audit_claim(claim, settings, lookup or (lambda _id: None))


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


@pytest.fixture(scope="session")
def whole_audit() -> dict:
    """The quick audit of every registered claim, run once per test session (2 workers).

    Topic tests read their own entries from it instead of re-auditing their selection.
    """
    from derivations.engine import registry, runner

    reg = registry.discover()
    return runner.run(reg, reg.claims, AuditSettings.for_mode("quick", workers=2, database=None))


def entries(document: dict, prefix: str) -> list[dict]:
    return [r for r in document["results"] if r["id"].startswith(prefix)]
