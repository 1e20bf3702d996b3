"""Finding the claims: every module under ``derivations/``, modules given by
path, and installed packages in the entry-point group ``derivcheck.claims``.

A module that fails to import does not stop discovery: it becomes an
``error`` entry naming the module and carrying the traceback.  Two claims
with one id are an error naming both places.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import pkgutil
import sys
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

from . import api

ENTRY_POINT_GROUP = "derivcheck.claims"


class DuplicateClaimError(ValueError):
    """Two claims share one id."""


@dataclass(frozen=True)
class LoadFailure:
    """A module that could not be imported."""

    module: str
    location: str
    traceback: str


@dataclass
class Registry:
    claims: list[api.Claim] = field(default_factory=list)
    failures: list[LoadFailure] = field(default_factory=list)
    strict: bool = False  # raise on a duplicate id instead of reporting it as an error entry

    def __post_init__(self) -> None:
        seen: dict[str, api.Claim] = {}
        kept: list[api.Claim] = []
        for c in self.claims:
            if c.id in seen:
                first = seen[c.id]
                message = (
                    f"claim id {c.id!r} is declared twice: at {first.defined_at} (module {first.module}) "
                    f"and at {c.defined_at} (module {c.module})"
                )
                if self.strict:
                    raise DuplicateClaimError(message)
                n = 2
                while f"{c.id}~{n}" in seen:
                    n += 1
                c = api.Claim(**{**c.__dict__, "id": f"{c.id}~{n}", "problem": message})
            seen[c.id] = c
            kept.append(c)
        self.claims = kept
        self._by_id = seen

    def __iter__(self):
        return iter(self.claims)

    def __len__(self) -> int:
        return len(self.claims)

    def get(self, claim_id: str) -> api.Claim:
        return self._by_id[claim_id]

    def __contains__(self, claim_id: str) -> bool:
        return claim_id in self._by_id

    def select(self, patterns: Sequence[str] | None) -> list[api.Claim]:
        """Claims whose id matches any of the glob ``patterns`` (all when None/empty)."""
        from fnmatch import fnmatchcase

        if not patterns:
            return list(self.claims)
        return [c for c in self.claims if any(fnmatchcase(c.id, p) for p in patterns)]


def _import(name: str, failures: list[LoadFailure]) -> str | None:
    try:
        importlib.import_module(name)
        return name
    except Exception:  # noqa: BLE001 - a broken module is reported, not fatal
        failures.append(LoadFailure(name, name, traceback.format_exc(limit=6)))
        return None


# The engine's own modules declare no claims; importing them would only pull in optional
# dependencies (pytest for the plugin).  Every other module under derivations/ is searched.
ENGINE_MODULES = frozenset({
    "api", "audit", "cli", "coverage", "latex", "notes", "pytest_plugin", "registry", "runner",
    "scaffold", "settings", "sides", "transcription", "inequality", "kinds", "typo_search",
})


def _package_modules(package: str, failures: list[LoadFailure]) -> list[str]:
    pkg = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(pkg.__path__, prefix=package + "."):
        leaf = info.name.split(".")[-1]
        if leaf.startswith("_") or (package == "derivations" and leaf in ENGINE_MODULES):
            continue
        if _import(info.name, failures):
            names.append(info.name)
    return names


def load_path(path: Path, failures: list[LoadFailure]) -> list[str]:
    """Import a claims module from a file, or every ``*.py`` file in a folder."""
    path = Path(path).resolve()
    if path.is_dir():
        names: list[str] = []
        for file in sorted(path.rglob("*.py")):
            if not file.name.startswith("_"):
                names += load_path(file, failures)
        return names
    if not path.exists():
        failures.append(LoadFailure(str(path), str(path), f"no such file or folder: {path}"))
        return []
    digest = hashlib.sha1(str(path).encode()).hexdigest()[:10]
    name = f"derivcheck_user.{path.stem}_{digest}"
    if name in sys.modules:
        return [name]
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path} as a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    except Exception:  # noqa: BLE001
        sys.modules.pop(name, None)
        failures.append(LoadFailure(name, str(path), traceback.format_exc(limit=6)))
        return []
    return [name]


def _entry_point_modules(failures: list[LoadFailure]) -> list[str]:
    names = []
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if _import(ep.value.split(":")[0], failures):
            names.append(ep.value.split(":")[0])
    return names


def discover(extra: Iterable[Path] = (), builtin: bool = True, plugins: bool = True) -> Registry:
    """Build the registry: built-in modules, entry points, then ``extra`` paths."""
    failures: list[LoadFailure] = []
    names: list[str] = []
    if builtin:
        names += _package_modules("derivations", failures)
    if plugins:
        names += _entry_point_modules(failures)
    for p in extra:
        names += load_path(Path(p), failures)
    claims: list[api.Claim] = []
    seen_modules: set[str] = set()
    for n in names:
        if n not in seen_modules:
            seen_modules.add(n)
            claims += api.declared_in(n)
    return Registry(claims=claims, failures=failures)
