"""The one version string of derivcheck: the installed distribution's (pyproject.toml)."""

from __future__ import annotations

from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version


@lru_cache(maxsize=1)
def tool_version() -> str:
    try:
        return version("derivcheck")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree that was never installed
        return "0+unknown"
