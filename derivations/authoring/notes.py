r"""Reading a note: its displayed equations and their printed labels.

A note is plain text (or a ``.tex`` file) with LaTeX.  Its displays are

* ``$$ ... $$`` and ``\[ ... \]``: numbered when the body ends with a tag,
  ``\quad (N)``, ``\qquad (N)`` or ``\tag{N}``; unnumbered otherwise;
* the environments ``equation``, ``align``, ``gather``, ``multline``,
  ``eqnarray``, ``flalign``, ``alignat`` (starred or not): numbered as LaTeX
  numbers them -- a running counter over the note, one number per row of
  ``align``/``gather``/``eqnarray``/``flalign``/``alignat`` unless the row
  says ``\nonumber``/``\notag``, none in a starred environment -- and a
  ``\tag{N}`` wins over the counter.

Unnumbered displays are kept too (label ``None``), so a quote can point at
them.  A note with no display at all is an error (:class:`NoDisplayError`):
"0 of 0 equations covered" would be a false green for a CI gate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_ENVS = "equation|align|gather|multline|eqnarray|flalign|alignat"
_DISPLAY = re.compile(
    r"\$\$(?P<dollars>.+?)\$\$"
    r"|(?<!\\)\\\[(?P<brackets>.+?)\\\]"
    rf"|\\begin\{{(?P<env>{_ENVS})(?P<star>\*?)\}}(?:\{{\d+\}})?(?P<body>.+?)\\end\{{(?P=env)(?P=star)\}}",
    re.S,
)
_TAG = re.compile(r"(?:\\q?quad\s*\((?P<n>[0-9]+[a-z]?)\)|\\tag\*?\{(?P<t>[^{}]+)\})\s*$")
_ANY_TAG = re.compile(r"\\tag\*?\{(?P<t>[^{}]+)\}")
_NONUMBER = re.compile(r"\\(?:nonumber|notag)(?![A-Za-z])")
_LABEL = re.compile(r"\\label\{[^{}]*\}")
_ROW_END = re.compile(r"\\\\(?:\[[^\]]*\])?")
_MULTIROW = {"align", "gather", "eqnarray", "flalign", "alignat"}


class NoDisplayError(ValueError):
    """A note in which no display could be read."""


@dataclass(frozen=True)
class NoteEquation:
    note: str          # file name, as sources cite it
    label: str | None  # printed equation number, or None for an unnumbered display
    latex: str         # the display without its tag
    line: int          # 1-based line where the display (or the row) starts
    span: tuple[int, int] = (-1, -1)  # character offsets of the whole display in the note's text


def _uncommented(text: str) -> str:
    """A ``.tex`` file's text with its ``%`` comments blanked (same length, so positions and lines stay)."""
    return re.sub(r"(?<!\\)%[^\n]*", lambda m: " " * len(m.group(0)), text)


def _rows(body: str) -> list[tuple[str, int]]:
    """The rows of a multi-row environment and their offsets in ``body`` (``\\\\`` inside braces does not split)."""
    rows, depth, start, k = [], 0, 0, 0
    while k < len(body):
        ch = body[k]
        if ch == "\\" and body.startswith("\\\\", k) and depth == 0:
            rows.append((body[start:k], start))
            m = _ROW_END.match(body, k)
            k = start = m.end()
            continue
        if ch == "\\":  # an escaped character (\{, \}, \\) is not a brace
            k += 2
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        k += 1
    rows.append((body[start:], start))
    return [(r, off) for r, off in rows if r.strip()]


def equations(path: str | Path) -> list[NoteEquation]:
    """Every display of the note at ``path``, in order; :class:`NoDisplayError` when it has none."""
    path = Path(path)
    raw = path.read_text(encoding="utf-8")
    text = _uncommented(raw) if path.suffix == ".tex" else raw
    out: list[NoteEquation] = []
    counter = 0

    def line_at(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    for m in _DISPLAY.finditer(text):
        if m.group("env") is None:  # $$ ... $$ or \[ ... \]: the note's own tag, or none
            body = (m.group("dollars") if m.group("dollars") is not None else m.group("brackets")).strip()
            tag = _TAG.search(body)
            label = (tag.group("n") or tag.group("t")).strip() if tag else None
            latex = body[: tag.start()].rstrip() if tag else body
            out.append(NoteEquation(path.name, label, latex, line_at(m.start()), m.span()))
            continue
        env, starred, body = m.group("env"), bool(m.group("star")), m.group("body")
        rows = _rows(body) if env in _MULTIROW else [(body, 0)]
        for row, offset in rows:
            tag = _ANY_TAG.search(row)
            latex = _LABEL.sub("", _NONUMBER.sub("", _ANY_TAG.sub("", row))).strip()
            if tag:
                label: str | None = tag.group("t").strip()
            elif starred or _NONUMBER.search(row):
                label = None
            else:
                counter += 1
                label = str(counter)
            out.append(NoteEquation(path.name, label, latex,
                                    line_at(m.start("body") + offset + len(row) - len(row.lstrip())), m.span()))
    if not out:
        raise NoDisplayError(
            f"{path.name}: no display found (looked for $$...$$, \\[...\\] and the environments "
            f"{_ENVS.replace('|', ', ')}); is this the note?"
        )
    return out


def numbered(path: str | Path) -> list[NoteEquation]:
    """The numbered equations of a note, in order of appearance."""
    return [e for e in equations(path) if e.label is not None]


def find(path: str | Path, label: str) -> NoteEquation:
    for e in numbered(path):
        if e.label == str(label):
            return e
    raise KeyError(f"{Path(path).name} has no equation ({label})")
