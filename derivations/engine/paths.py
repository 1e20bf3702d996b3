"""Paths as outputs show them: relative to the project, never the machine's absolute paths.

A file under the current folder (the project the user runs derivcheck in) is
shown relative to it; a file of the installed package relative to the
package's parent (``derivations/topics/relu_model.py``); any other file as
its folder's name and its own (``my_claims/mine.py``).  Tracebacks and
messages are scrubbed the same way.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # the folder holding derivations/ and numerics/


def _roots() -> list[Path]:
    roots = []
    try:
        roots.append(Path.cwd().resolve())
    except OSError:  # pragma: no cover - the current folder was removed
        pass
    roots.append(_PACKAGE_PARENT)
    return roots


def shown(path: str | os.PathLike) -> str:
    """``path`` (optionally ``file:line``) relative to the project, or as ``folder/file`` outside it."""
    text = str(path)
    suffix = ""
    head, sep, tail = text.rpartition(":")
    if sep and tail.isdigit():
        text, suffix = head, ":" + tail
    p = Path(text)
    if not p.is_absolute():
        return text + suffix
    p = p.resolve()
    for root in _roots():
        if p.is_relative_to(root):
            return p.relative_to(root).as_posix() + suffix
    return (Path(p.parent.name) / p.name).as_posix() + suffix


def scrub(text: str | None, *folders: str | os.PathLike) -> str | None:
    """``text`` (a traceback, a message) with the absolute paths of this machine made relative."""
    if not text:
        return text
    prefixes: list[tuple[str, str]] = []
    for f in folders:
        f = Path(f).resolve()
        folder = f if f.is_dir() else f.parent
        prefixes.append((str(folder) + os.sep, folder.name + "/"))
    prefixes += [(str(r) + os.sep, "") for r in _roots()]
    prefixes += [(str(Path(p).resolve()) + os.sep, "<python>/") for p in {sys.prefix, sys.base_prefix}]
    prefixes.append((str(Path.home()) + os.sep, "~/"))
    for old, new in sorted(prefixes, key=lambda x: -len(x[0])):  # the longest (most specific) first
        text = text.replace(old, new)
    return text
