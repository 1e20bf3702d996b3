"""The pytest plugin of the installed package (entry point ``pytest11``): ``pytest --derivcheck``.

pytest imports the plugin of every installed package in every session, so this module is light and
changes nothing in a session without ``--derivcheck``: it adds the options (nothing else is imported)
and, under ``--derivcheck`` only, activates derivcheck's packages and hands the collection to
:mod:`derivations.pytest_plugin`, where the test items live.  In a source tree that was never
installed, load it with ``-p derivcheck.pytest_plugin`` (``-p derivations.pytest_plugin`` works too).
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("derivcheck", "derivation checks")
    group.addoption("--derivcheck", action="store_true", help="run every registered claim as a test")
    group.addoption("--derivcheck-select", action="append", default=[], metavar="GLOB", help="only claims whose id matches")
    group.addoption("--derivcheck-module", action="append", default=[], metavar="PATH",
                    help="load claims from PATH (file or folder); only these unless --derivcheck-builtin")
    group.addoption("--derivcheck-builtin", action="store_true",
                    help="with --derivcheck-module: also the built-in claims and those of installed plugins")
    group.addoption("--derivcheck-mode", default="quick", choices=("quick", "thorough"),
                    help="quick (8 points, 2^16 samples) or thorough (60 points, 2^20 samples)")
    group.addoption("--derivcheck-seed", type=int, default=0, help="seed of every random choice (default 0)")
    group.addoption("--derivcheck-inconclusive", default="fail", choices=("fail", "skip"),
                    help="what an inconclusive claim does to its test (default: fail)")


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    if not config.getoption("derivcheck"):
        return
    import derivcheck

    derivcheck.activate()
    from derivations import pytest_plugin

    pytest_plugin.collect(session, config, items)
