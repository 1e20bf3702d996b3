"""Project settings from ``[tool.derivcheck]`` in ``pyproject.toml``: defaults for the command's options.

The file is found as pytest and ruff find theirs: the closest ``pyproject.toml`` with a
``[tool.derivcheck]`` table, from the current folder up to the root.  Its keys are the long options
of ``derivcheck audit``, without the dashes in front (``mode``, ``seed``, ``workers``, ``deadline``,
``samples``, ``select``, ``module``, ``json``, ``report``, ``no-database``, ...)::

    [tool.derivcheck]
    mode = "thorough"
    seed = 7
    workers = 2
    select = ["gdln.*", "cube.*"]
    module = ["claims/"]
    json = "out/results.json"

A key sets the default of that option for ``audit``, and for ``mutate`` and ``list`` where they have the
option (not the audit's outputs ``json``, ``report``, ``format``, ``only``); an option given on the
command line wins.
Paths (``module``, ``json``, ``report``, ``cache``, ``database``) are relative to the folder of the
``pyproject.toml``.  An unknown key or a value of the wrong type is an error naming the file, the
table and the key, before any work.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TABLE = "tool.derivcheck"
#: options whose values are paths: relative to the folder of the pyproject.toml that sets them
PATH_OPTIONS = ("module", "json", "report", "cache", "database")


class ConfigError(ValueError):
    """The project's ``[tool.derivcheck]`` table cannot be used (the message names the file and the key)."""


@dataclass(frozen=True)
class ProjectConfig:
    """The ``[tool.derivcheck]`` table of one ``pyproject.toml``, checked against the command's options."""

    path: Path  # as found (relative to the current folder when below it)
    values: Mapping[str, Any] = field(default_factory=dict)  # option dest -> value (paths made relative to the cwd)

    def shown(self) -> str:
        return f"{self.path} [{TABLE}]"


def find(start: Path | None = None) -> tuple[Path, dict] | None:
    """The closest ``pyproject.toml`` at or above ``start`` that has a ``[tool.derivcheck]`` table, and the table."""
    here = Path.cwd() if start is None else start
    for folder in (here, *here.resolve().parents):
        candidate = folder / "pyproject.toml"
        if not candidate.is_file():
            continue
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{_shown(candidate)}: cannot read it as TOML: {exc}") from exc
        table = data.get("tool", {}).get("derivcheck") if isinstance(data.get("tool"), dict) else None
        if table is not None:
            if not isinstance(table, dict):
                raise ConfigError(f"{_shown(candidate)}: [{TABLE}] must be a table, got {_kind(table)}")
            return candidate, table
    return None


def _shown(path: Path) -> str:
    """A path as a user reads it: relative to the current folder (never the machine's absolute path)."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive
        return path.name


def _kind(value: object) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array",
            dict: "a table"}.get(type(value), type(value).__name__)


def _options(audit: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """The long options of ``derivcheck audit``, by name without the dashes."""
    return {opt[2:]: action for action in audit._actions for opt in action.option_strings
            if opt.startswith("--") and action.dest not in ("help", "version") and action.help != argparse.SUPPRESS}


def _convert(where: str, key: str, action: argparse.Action, value: Any, base: Path) -> Any:
    """The value of ``key`` as the option's parser would give it, or a :class:`ConfigError`."""
    def wrong(expected: str) -> ConfigError:
        return ConfigError(f"{where}: key {key!r} must be {expected}, got {_kind(value)} {value!r}")

    if isinstance(action, argparse._CountAction):  # -v: a level
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise wrong("a non-negative integer")
        return value
    if action.nargs == 0:  # a flag
        if not isinstance(value, bool):
            raise wrong("true or false")
        return value
    if isinstance(action, argparse._AppendAction):
        items = value if isinstance(value, list) else None
        if items is None or not all(isinstance(v, str) for v in items):
            raise wrong("an array of strings")
        return [_path(v, base) if key in PATH_OPTIONS else v for v in items]
    if action.type is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong("an integer")
    elif action.type is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise wrong("a number")
        value = float(value)
    elif callable(action.type):  # e.g. --only: a comma-separated string (an array is joined)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if not isinstance(value, str):
            raise wrong("a string or an array of strings")
        try:
            value = action.type(value)
        except (argparse.ArgumentTypeError, ValueError) as exc:
            raise ConfigError(f"{where}: key {key!r}: {exc}") from exc
    elif not isinstance(value, str):
        raise wrong("a string")
    if action.choices is not None and value not in action.choices:
        raise ConfigError(f"{where}: key {key!r} must be one of {', '.join(map(repr, action.choices))}, got {value!r}")
    if key in PATH_OPTIONS and isinstance(value, str):
        value = _path(value, base)
    return value


def _path(value: str, base: Path) -> str:
    if value == "-" or Path(value).is_absolute():
        return value
    return _shown(base / value)


def read(audit: argparse.ArgumentParser, start: Path | None = None) -> ProjectConfig | None:
    """The ``[tool.derivcheck]`` table that applies in ``start`` (default: the current folder), checked against
    the options of ``audit`` (the parser of ``derivcheck audit``), or None when there is none."""
    found = find(start)
    if found is None:
        return None
    path, table = found
    config_where = f"{_shown(path)} [{TABLE}]"
    options = _options(audit)
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("_", "-")
        action = options.get(key)
        if action is None:
            raise ConfigError(f"{config_where}: unknown key {raw_key!r}; the keys are the long options of "
                              f"'derivcheck audit': {', '.join(sorted(options))}")
        values[action.dest] = _convert(config_where, raw_key, action, value, path.parent)
    return ProjectConfig(Path(_shown(path)), values)


#: options that mean the audit's output: not defaults of another command that happens to have the option
#: (``mutate --json`` writes a mutation result, which must not replace the audit's result file)
AUDIT_ONLY = ("json", "report", "format", "only")


def apply(config: ProjectConfig, parsers: Mapping[str, argparse.ArgumentParser]) -> None:
    """Make the table's values the defaults of ``parsers`` (by command name) where they have the option;
    the audit's outputs only for ``audit``; repeatable options are filled after parsing (:func:`fill`)."""
    for name, p in parsers.items():
        dests = {a.dest: a for a in p._actions}
        p.set_defaults(**{d: v for d, v in config.values.items()
                          if d in dests and not isinstance(dests[d], argparse._AppendAction)
                          and (name == "audit" or d not in AUDIT_ONLY)})


def fill(config: ProjectConfig | None, args: argparse.Namespace, commands: tuple[str, ...]) -> None:
    """Repeatable options (``select``, ``module``) not given on the command line take the table's list
    (as defaults they would be appended to, not replaced); only for ``commands``."""
    if config is None or getattr(args, "command", None) not in commands:
        return
    for dest, value in config.values.items():
        if isinstance(value, list) and hasattr(args, dest) and getattr(args, dest) is None:
            setattr(args, dest, list(value))


__all__ = ["ConfigError", "ProjectConfig", "TABLE", "find", "read", "apply", "fill"]
