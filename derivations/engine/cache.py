"""Incremental audits: a claim's record is reused when nothing its verdict depends on has changed.

The key of a claim is a SHA-256 over everything its verdict depends on:

* the claim's declaration (the source of its ``claim(...)`` / ``step(...)``
  call) and every field of the claim (LaTeX, sources, parameter strategies,
  tolerances, assumptions, ...);
* the code of its sides, corrected form, ``previous_form`` and ``diagnose``
  -- SymPy expressions by ``srepr``, functions by their source and, through
  their global names, attributes of project modules and closures, the source
  of every function and class of the project they call (transitively) and
  the value of every constant they read;
* for a line of a chain, the key of the line it follows (a change above
  re-audits the lines after it);
* the audit settings (mode, seed, samples, precision, ... but not the number
  of workers or the example database), the versions of derivcheck, Python,
  SymPy, mpmath, NumPy, SciPy and Hypothesis, and the source of the engine
  itself (``derivations`` outside its topics, and ``numerics``).

Code outside the project (the standard library, site-packages) is covered by
the library versions.  A claim whose key cannot be computed is simply never
reused.  Records taken from the cache say so (``"reused": true``).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import inspect
import json
import os
import sysconfig
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import sympy

from ..api import Claim, Sampled
from .settings import AuditSettings
from .version import environment, tool_version

_PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # the folder holding derivations/ and numerics/
#: settings that change how fast an audit runs, never what it finds
_NOT_IN_KEY = ("workers", "database")


@functools.lru_cache(maxsize=1)
def _outside() -> tuple[str, ...]:
    """Folders of code covered by library versions (standard library, site-packages)."""
    paths = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    return tuple(sorted(str(Path(p).resolve()) for p in paths if p))


@functools.lru_cache(maxsize=4096)
def _in_project(filename: str | None) -> bool:
    if not filename or filename.startswith("<"):
        return False
    path = str(Path(filename).resolve())
    ours = tuple(str(_PACKAGE_PARENT / pkg) + "/" for pkg in ("derivations", "numerics"))
    return path.startswith(ours) or not any(path.startswith(p + "/") for p in _outside())


@functools.lru_cache(maxsize=1)
def engine_digest() -> str:
    """The source of the engine: every module of ``derivations`` outside ``topics``, and ``numerics``."""
    h = hashlib.sha256()
    for package in ("derivations", "numerics"):
        root = _PACKAGE_PARENT / package
        for file in sorted(root.rglob("*.py")):
            rel = file.relative_to(_PACKAGE_PARENT).as_posix()
            if rel.startswith("derivations/topics/"):
                continue
            h.update(rel.encode() + b"\0" + file.read_bytes() + b"\0")
    return h.hexdigest()


def _parsed(filename: str) -> tuple[list[str], list[tuple[int, int, int, int]], dict[int, int]] | None:
    """A file's lines, the spans (line, col, end line, end col) of its calls, and for each line where a
    function or lambda starts (its first decorator for a decorated one) the last line of the longest."""
    try:
        st = Path(filename).stat()
    except OSError:
        return None
    return _parsed_version(filename, st.st_mtime_ns, st.st_size)  # an edited file is parsed again


#: where parsed files are kept between runs (set by :func:`keys` from the result cache's folder)
_PARSE_STORE: list[Path] = []


@functools.lru_cache(maxsize=512)
def _parsed_version(filename: str, mtime_ns: int, size: int):
    try:
        raw = Path(filename).read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    # the spans depend only on the text: kept on disk under its hash, a re-run after an edit parses
    # only the edited file (parsing the 51 files of the notes' claims took 0.3 s of a 2 s re-run)
    stored = _PARSE_STORE[0] / f"{hashlib.sha256(raw).hexdigest()}.json" if _PARSE_STORE else None
    if stored is not None:
        try:
            spans, defs = json.loads(stored.read_text())
            return text.splitlines(keepends=True), [tuple(sp) for sp in spans], {int(k): v for k, v in defs.items()}
        except (OSError, ValueError, TypeError):
            pass
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    spans, defs = [], {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Call):
            spans.append((n.lineno, n.col_offset, n.end_lineno or n.lineno, n.end_col_offset or 0))
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            first = min([n.lineno] + [d.lineno for d in getattr(n, "decorator_list", [])])
            defs[first] = max(defs.get(first, 0), n.end_lineno or n.lineno)
    spans.sort()
    if stored is not None:
        try:
            stored.parent.mkdir(parents=True, exist_ok=True)
            tmp = stored.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps([spans, defs]))
            tmp.replace(stored)
        except OSError:  # a read-only place: parsed again next time
            pass
    return text.splitlines(keepends=True), spans, defs


def _calls(filename: str):
    parsed = _parsed(filename)
    return None if parsed is None else parsed[:2]


def _function_source(fn: types.FunctionType) -> str | None:
    """The lines of a function (or of the lines its lambda is on), from the parsed file: no tokenizing."""
    code = fn.__code__
    parsed = _parsed(code.co_filename)
    if parsed is None:
        return None
    lines, _, defs = parsed
    end = defs.get(code.co_firstlineno)
    return "".join(lines[code.co_firstlineno - 1: end]) if end else None


def declaration(defined_at: str) -> str:
    """The source of the call that declared a claim (the innermost call spanning its line)."""
    filename, _, line = defined_at.rpartition(":")
    parsed = _calls(filename) if line.isdigit() else None
    if parsed is None:
        return defined_at
    lines, spans = parsed
    n = int(line)
    inside = [sp for sp in spans if sp[0] <= n <= sp[2]]
    if not inside:
        return defined_at
    start, col, end, end_col = max(inside, key=lambda sp: (sp[0], -sp[2]))  # starts last, ends first
    if start == end:
        return lines[start - 1][col:end_col]
    return lines[start - 1][col:] + "".join(lines[start:end - 1]) + lines[end - 1][:end_col]


class Fingerprint:
    """Collects, for one claim, the text of everything its code depends on (memoised per function)."""

    def __init__(self) -> None:
        self._memo: dict[int, str] = {}

    def value(self, v: Any, depth: int = 0) -> str:
        if depth > 12:
            return "<deep>"
        if v is None or isinstance(v, (bool, int, float, complex, str, bytes)):
            return repr(v)
        if isinstance(v, sympy.Basic):
            return "sympy:" + sympy.srepr(v)
        if isinstance(v, np.ndarray):
            return f"ndarray:{v.dtype}:{v.shape}:" + hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest()
        if isinstance(v, (np.generic,)):
            return repr(v.item())
        if isinstance(v, Sampled):
            # the data model too: its draw is code the statistic never names
            return ("Sampled(" + self.value(v.dim, depth + 1) + "," + self.value(v.statistic, depth + 1) + ","
                    + repr(v.description) + "," + self.value(v.data, depth + 1) + ")")
        if isinstance(v, functools.partial):
            return "partial(" + self.value(v.func, depth + 1) + "," + self.value(v.args, depth + 1) + "," + self.value(v.keywords, depth + 1) + ")"
        if isinstance(v, (types.FunctionType, types.MethodType, type)):
            return self.code(v, depth)
        if isinstance(v, (list, tuple, set, frozenset)):
            items = sorted(v, key=repr) if isinstance(v, (set, frozenset)) else v
            return type(v).__name__ + "[" + ",".join(self.value(x, depth + 1) for x in items) + "]"
        if isinstance(v, dict):
            return "{" + ",".join(f"{k!r}:{self.value(x, depth + 1)}" for k, x in sorted(v.items(), key=lambda kv: repr(kv[0]))) + "}"
        if isinstance(v, types.ModuleType):
            return "module:" + v.__name__
        cls = self.code(type(v), depth + 1)  # an instance of a project class: its class's code counts too
        if hasattr(v, "__dataclass_fields__"):
            return cls + self.value({f: getattr(v, f, None) for f in v.__dataclass_fields__}, depth + 1)
        text = repr(v)
        return cls + (text if " at 0x" not in text else "")  # an address says nothing about the code

    def code(self, obj: Any, depth: int = 0) -> str:
        """A function or class: its source and, if it is the project's, what it reads (transitively)."""
        if isinstance(obj, types.MethodType):
            return self.code(obj.__func__, depth)
        key = id(obj)
        if key in self._memo:
            return self._memo[key]
        filename = None
        try:
            filename = inspect.getsourcefile(obj)
        except TypeError:
            pass
        name = f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', '?')}"
        if not _in_project(filename):
            self._memo[key] = "lib:" + name
            return self._memo[key]
        self._memo[key] = "cycle:" + name  # a recursive reference ends here
        source = name
        if not isinstance(obj, type):  # a class is its members below (inspect parses the whole file for a class)
            source = _function_source(obj) or source
        parts = [name, source]
        if isinstance(obj, type):
            parts.append(self.value({k: v for k, v in vars(obj).items()
                                     if not k.startswith("__") and not callable(v) and not isinstance(v, (property, staticmethod, classmethod))}, depth + 1))
            for attr, member in sorted(vars(obj).items()):
                if isinstance(member, (types.FunctionType, staticmethod, classmethod, property)):
                    fn = member.__func__ if isinstance(member, (staticmethod, classmethod)) else member
                    fn = fn.fget if isinstance(fn, property) else fn
                    if fn is not None:
                        parts.append(self._reads(fn, depth))
        else:
            parts.append(self._reads(obj, depth))
        digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
        self._memo[key] = "code:" + digest
        return self._memo[key]

    def _reads(self, fn: types.FunctionType, depth: int) -> str:
        """What a function reads: globals (and attributes of modules it names), closure cells, defaults."""
        code = getattr(fn, "__code__", None)
        if code is None:
            return ""
        names: set[str] = set()
        stack = [code]
        while stack:
            c = stack.pop()
            names.update(c.co_names)
            stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
        g = getattr(fn, "__globals__", {})
        parts = []
        for n in sorted(names):
            if n not in g:
                continue
            v = g[n]
            if isinstance(v, types.ModuleType):
                if _in_project(getattr(v, "__file__", None)):
                    for attr in sorted(names):
                        if attr in vars(v) and not isinstance(vars(v)[attr], types.ModuleType):
                            parts.append(f"{n}.{attr}=" + self.value(vars(v)[attr], depth + 1))
                continue
            parts.append(f"{n}=" + self.value(v, depth + 1))
        for cell_name, cell in zip(code.co_freevars, fn.__closure__ or ()):
            try:
                parts.append(f"closure {cell_name}=" + self.value(cell.cell_contents, depth + 1))
            except ValueError:  # an empty cell
                parts.append(f"closure {cell_name}=<empty>")
        if fn.__defaults__:
            parts.append("defaults=" + self.value(fn.__defaults__, depth + 1))
        return "\n".join(parts)


def environment_key() -> str:

    env = environment()
    env.pop("platform", None)
    return json.dumps({"derivcheck": tool_version(), **env}, sort_keys=True)


def settings_key(settings: AuditSettings) -> str:
    return json.dumps({k: v for k, v in settings.as_json().items() if k not in _NOT_IN_KEY}, sort_keys=True)


def keys(claims: Sequence[Claim], lookup: Callable[[str], Claim | None], settings: AuditSettings,
         folder: Path | None = None) -> dict[str, str | None]:
    """The cache key of each claim (None: never reused, e.g. when its code cannot be read).  With the
    result cache's ``folder``, the parse of each source file is kept there too (under its hash)."""
    _PARSE_STORE[:] = [Path(folder) / "parsed"] if folder is not None else []
    fp = Fingerprint()
    common = engine_digest() + "\0" + settings_key(settings) + "\0" + environment_key()
    out: dict[str, str | None] = {}

    def key(c: Claim, seen: frozenset[str]) -> str | None:
        if c.id in out:
            return out[c.id]
        try:
            fields = {f: getattr(c, f) for f in c.__dataclass_fields__ if f not in ("defined_at", "module")}
            text = [common, declaration(c.defined_at), fp.value(fields)]
            above = lookup(c.after) if c.after else None
            if c.after:
                if above is None or c.after in seen:
                    text.append("after:" + c.after)
                else:
                    k = key(above, seen | {c.id})
                    if k is None:
                        out[c.id] = None
                        return None
                    text.append("after:" + k)
            out[c.id] = hashlib.sha256("\0".join(text).encode()).hexdigest()
        except Exception:  # noqa: BLE001 - a key that cannot be made only costs a re-audit
            out[c.id] = None
        return out[c.id]

    for c in claims:
        key(c, frozenset())
    return out


class ResultCache:
    """Records on disk, one JSON file per key, under ``folder``."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _file(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str | None) -> dict | None:
        if key is None:
            return None
        try:
            record = json.loads(self._file(key).read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.pop("cache_key", None) != key:
            return None
        return record

    def put(self, key: str | None, record: dict) -> None:
        if key is None or record.get("verdict") == "error":  # an error may be the machine's: never kept
            return
        try:
            path = self._file(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({**record, "cache_key": key}))
            tmp.replace(path)
        except OSError:  # a read-only place: the cache is a convenience
            pass


__all__ = ["ResultCache", "keys", "declaration", "engine_digest", "Fingerprint"]
