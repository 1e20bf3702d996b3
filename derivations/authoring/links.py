r"""Links from a summary to the line of the note each equation is on, as GitHub renders files.

``note_links(document, folder)`` maps ``(note, "7")`` (a numbered equation) and
``(note, quote)`` (a quoted statement) to ``path/of/note.txt#L12``: the note's
path relative to the root of the repository that holds it (the nearest parent
with ``.git``; a note outside any repository: relative to the repository of the
current folder, else to the current folder -- never an absolute path), with the ``#L<line>`` anchor
GitHub gives each line of a file.  ``base`` is put in front (e.g.
``https://github.com/OWNER/REPO/blob/SHA/``) where a relative link would not
resolve, as in a pull-request comment.

The lines come from :func:`derivations.authoring.notes.equations` (where each
display starts) and, for quotes, from the first place the quote's words occur
in the note (any white space between them).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from . import notes as notes_mod

QUOTE_WORDS = 12  # a quote is found by its first words (the result file may hold a long passage)


def _git_root(path: Path) -> Path | None:
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


def repository_root(path: Path) -> Path:
    """The repository holding ``path`` (nearest parent with ``.git``); else the project's, the one holding the
    current folder; else the current folder."""
    cwd = Path.cwd().resolve()
    return _git_root(path.resolve().parent) or _git_root(cwd) or cwd


def quote_line(text: str, quote: str) -> int | None:
    """The 1-based line where ``quote`` starts in ``text`` (white space between words may differ), or None."""
    words = quote.split()[:QUOTE_WORDS]
    if not words:
        return None
    m = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _cited(document: dict) -> dict[str, set[tuple[str | None, str | None]]]:
    """note -> the (equation, quote) pairs the result file cites in it."""
    out: dict[str, set[tuple[str | None, str | None]]] = {}
    for rec in document.get("equations") or []:
        if isinstance(rec, dict) and rec.get("note"):
            out.setdefault(rec["note"], set()).add((rec.get("equation"), rec.get("quote")))
    for r in document.get("results") or []:
        for s in r.get("sources") or []:
            if s.get("note"):
                out.setdefault(s["note"], set()).add((s.get("equation"), s.get("quote")))
    return out


def note_links(document: dict, folder: str | Path | None, base: str = "",
               root: str | Path | None = None) -> dict[tuple[str, str], str]:
    """``(note, equation label or quote) -> link`` for every line the result file cites in a note found in ``folder``."""
    if folder is None:
        return {}
    folder = Path(folder)
    out: dict[tuple[str, str], str] = {}
    for note, cited in sorted(_cited(document).items()):
        path = folder / note
        if not path.is_file():
            continue
        top = Path(root).resolve() if root is not None else repository_root(path)
        rel = Path(os.path.relpath(path.resolve(), top)).as_posix()  # never an absolute path of this machine
        try:
            lines = {e.label: e.line for e in notes_mod.equations(path) if e.label is not None}
        except notes_mod.NoDisplayError:
            lines = {}
        text = path.read_text(encoding="utf-8")
        for equation, quote in cited:
            line = lines.get(equation) if equation else quote_line(text, quote or "")
            if line is not None:
                out[(note, str(equation or quote))] = f"{base}{rel}#L{line}"
    return out
