"""A whole audit replayed when nothing it depends on has changed: no claim module is imported.

The result cache (:mod:`.cache`) spares the *audit* of an unchanged claim, but finding out that a
claim is unchanged needs its module imported and its code fingerprinted -- importing the claim
modules and their numerical libraries alone takes longer than the 2 s an identical re-run should
take.  This module keeps, beside the cache, the finished result document of each audit, under a
key of what the command asked for:

* the run's options: the ``--select`` globs, the ``--module`` paths, whether built-in claims and
  installed plugins are audited (and which plugins are installed);
* the audit settings but the number of workers and the example database (as in the claims' cache
  keys), the versions of derivcheck, Python and the numerical libraries;

and with it the SHA-256 of every file the audit read code or data from:

* every file of the ``derivations`` and ``numerics`` packages (the engine, the built-in claims and
  any data file shipped beside them), and the list of those files (a new claim module counts);
* every ``--module`` file (for a folder: its ``*.py`` files and their list);
* every other file of Python code the audit imported outside the standard library and
  site-packages (a user's helper package), as the claims' cache keys count them;
* the notes the results cite (their equation records are built from them).

A re-run whose key has a stored document and whose files all hash as stored gets that document
back (every record ``"reused": true``, the date, settings and platform of the re-run).  What a
claim module computes at import time from anything else (an environment variable, a file outside
these, the clock) is not seen: ``--no-cache`` audits every claim afresh.  Only runs with exit
status 0 or 1 are kept (an error or a deadline may be the machine's).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

FORMAT = 1
#: the snapshots kept (the newest); each holds one whole result document
KEEP = 8
_PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # the folder holding derivations/ and numerics/
_PACKAGES = ("derivations", "numerics")


@dataclass(frozen=True)
class Request:
    """What an audit command asked for, as far as it decides which claims run and how."""

    select: tuple[str, ...]
    modules: tuple[str, ...]  # resolved paths
    builtin: bool
    plugins: bool
    settings_key: str
    environment_key: str

    def key(self) -> str:
        fields = {"format": FORMAT, "select": list(self.select), "modules": list(self.modules), "builtin": self.builtin,
                  "plugins": self.plugins, "settings": self.settings_key, "environment": self.environment_key,
                  "entry_points": _entry_points() if self.plugins else []}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


#: :data:`.registry.ENTRY_POINT_GROUP`, spelled here because importing the registry loads SymPy, which a
#: replay does without (a test checks that the two agree)
ENTRY_POINT_GROUP = "derivcheck.claims"
#: settings that change how fast an audit runs, never what it finds (as :data:`.cache._NOT_IN_KEY`)
_NOT_IN_KEY = ("workers", "database")


def settings_key(settings_json: dict) -> str:
    return json.dumps({k: v for k, v in settings_json.items() if k not in _NOT_IN_KEY}, sort_keys=True)


def environment_key() -> str:
    from .version import environment, tool_version

    env = environment()
    env.pop("platform", None)
    return json.dumps({"derivcheck": tool_version(), **env}, sort_keys=True)


def _entry_points() -> list[str]:
    from importlib.metadata import entry_points

    return sorted(f"{ep.name}={ep.value}" for ep in entry_points(group=ENTRY_POINT_GROUP))


def _sha(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "absent"


def _tree(root: Path, pattern: str) -> list[Path]:
    """The files under ``root`` matching ``pattern``, without bytecode caches."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def _listed(modules: Sequence[str]) -> dict[str, list[str]]:
    """The folders whose file lists count, each with its files (a new claim module changes the list), and
    the ``--module`` files."""
    folders = {str(_PACKAGE_PARENT / pkg): "*" for pkg in _PACKAGES}
    folders.update({m: "*.py" for m in modules})  # a folder's *.py files; a file is itself
    return {folder: [str(p) for p in _tree(Path(folder), pattern)] for folder, pattern in folders.items()}


def _imported_project_files() -> set[str]:
    """Python files imported so far that the claims' cache keys treat as the project's (not stdlib/site-packages)."""
    from .cache import _in_project

    files = set()
    for module in list(sys.modules.values()):
        f = getattr(module, "__file__", None)
        if f and f.endswith(".py") and _in_project(f):
            files.add(str(Path(f).resolve()))
    return files


def _notes(results: Iterable[dict], notes_dir: Path | None) -> set[str]:
    if notes_dir is None:
        return set()
    cited = {s["note"] for r in results for s in (r.get("sources") or []) if isinstance(s, dict) and s.get("note")}
    return {str(notes_dir / name) for name in cited if "/" not in str(name) and not str(name).startswith(".")}


@dataclass(frozen=True)
class Inputs:
    """The folders whose file lists count (each with its files) and the SHA-256 of each file, taken before a run."""

    listed: dict[str, list[str]]
    files: dict[str, str]


class Snapshots:
    """Whole result documents on disk, under ``folder/runs``."""

    def __init__(self, cache_folder: str | Path) -> None:
        self.folder = Path(cache_folder) / "runs"

    def _file(self, request: Request) -> Path:
        return self.folder / f"{request.key()}.json"

    def replay(self, request: Request, settings_json: dict, environment: dict) -> tuple[dict, int] | None:
        """The stored document and exit status of an identical audit whose inputs are unchanged, or None."""
        try:
            stored = json.loads(self._file(request).read_text())
            if stored.get("format") != FORMAT:
                return None
            listed, hashes = stored["listed"], stored["files"]
            if _listed(request.modules) != listed:
                return None
            if any(_sha(Path(f)) != h for f, h in hashes.items()):
                return None
            document, status = stored["document"], int(stored["status"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        document.update(created=datetime.now(timezone.utc).isoformat(timespec="seconds"), settings=settings_json,
                        environment=environment)
        for r in document.get("results", []):
            r["reused"] = True
        return document, status

    def begin(self, request: Request) -> "Inputs":
        """The files of the audit about to run, hashed now: an edit made while it runs makes its snapshot stale."""
        listed = _listed(request.modules)
        return Inputs(listed, {f: _sha(Path(f)) for names in listed.values() for f in names})

    def keep(self, request: Request, inputs: "Inputs", document: dict, status: int, notes_dir: Path | None) -> bool:
        """Store the document of a finished audit (exit status 0 or 1 only); True when stored.

        ``inputs`` is :meth:`begin`'s record of the trees; the other project files the audit imported and
        the notes it cites are added (hashed now: they are outside the trees that list new claim modules)."""
        if status not in (0, 1) or document.get("complete") is False:
            return False
        files = dict(inputs.files)
        for f in sorted((_imported_project_files() | _notes(document.get("results", []), notes_dir)) - set(files)):
            files[f] = _sha(Path(f))
        record = {"format": FORMAT, "status": status, "listed": inputs.listed, "files": files, "document": document}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self._file(request)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(record))
            tmp.replace(target)
            self._prune()
        except OSError:  # a read-only place: the snapshot is a convenience
            return False
        return True

    def _prune(self) -> None:
        try:
            kept = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        for old in kept[KEEP:]:
            try:
                old.unlink()
            except OSError:
                pass


__all__ = ["Inputs", "Request", "Snapshots", "FORMAT", "settings_key", "environment_key"]
