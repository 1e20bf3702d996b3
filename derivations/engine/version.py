"""The one version string of derivcheck (the installed distribution's, pyproject.toml), and the versions of
what a verdict depends on (Python, the numerical libraries)."""

from __future__ import annotations

import platform
import sys
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version


@lru_cache(maxsize=1)
def tool_version() -> str:
    try:
        return version("derivcheck")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree that was never installed
        return "0+unknown"


def environment() -> dict:
    """Python, the platform and the versions of the libraries the numerics use (for the result file and the cache)."""
    env = {"python": sys.version.split()[0], "platform": platform.platform()}
    for pkg in ("sympy", "mpmath", "numpy", "scipy", "hypothesis"):
        try:
            env[pkg] = version(pkg)
        except PackageNotFoundError:  # pragma: no cover
            env[pkg] = None
    return env
