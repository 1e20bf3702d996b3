r"""Reading a note: its displayed equations and their printed labels.

A note is plain text with LaTeX.  A *numbered* equation is a display
``$$ ... $$`` whose body ends with a tag: ``\quad (N)``, ``\qquad (N)`` or
``\tag{N}``.  Unnumbered displays are kept too (label ``None``), so a quote
can point at them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_TAG = re.compile(r"(?:\\q?quad\s*\((?P<n>[0-9]+[a-z]?)\)|\\tag\{(?P<t>[^{}]+)\})\s*$")


@dataclass(frozen=True)
class NoteEquation:
    note: str          # file name, as sources cite it
    label: str | None  # printed equation number, or None for an unnumbered display
    latex: str         # the display without its tag
    line: int          # 1-based line where the display starts


def equations(path: str | Path) -> list[NoteEquation]:
    """Every display of the note at ``path``, in order."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    out: list[NoteEquation] = []
    for m in _DISPLAY.finditer(text):
        body = m.group(1).strip()
        tag = _TAG.search(body)
        label = (tag.group("n") or tag.group("t")).strip() if tag else None
        latex = body[: tag.start()].rstrip() if tag else body
        out.append(NoteEquation(path.name, label, latex, text.count("\n", 0, m.start()) + 1))
    return out


def numbered(path: str | Path) -> list[NoteEquation]:
    """The numbered equations of a note, in order of appearance."""
    return [e for e in equations(path) if e.label is not None]


def find(path: str | Path, label: str) -> NoteEquation:
    for e in numbered(path):
        if e.label == str(label):
            return e
    raise KeyError(f"{Path(path).name} has no equation ({label})")
