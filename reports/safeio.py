"""Writing outputs without ever destroying a user's file.

* every file is written atomically: a temporary file in the same folder, then
  ``os.replace`` -- a full disk or a crash leaves the previous file intact;
* an output path is refused, before any work, when it is an input of the run,
  a claims module, or an existing file of another kind than the one written;
* a report folder belongs to derivcheck only when derivcheck created it (a
  marker file lists that); a folder holding anything else is refused, and only
  what derivcheck wrote is ever deleted.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

#: the marker file of a report folder written by derivcheck
MARKER = ".derivcheck-report"
#: what a report render writes into its folder (top-level names)
REPORT_NAMES = frozenset({
    MARKER, "report.tex", "report.pdf", "report.aux", "report.toc", "report.out", "report.log",
    "snippets", "figures", "_vet", "_build",
})


class OutputError(ValueError):
    """An output path that would destroy a user's file, or that cannot be written."""


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _writable_folder(folder: Path, what: str) -> None:
    """``folder`` (created later if missing) can be created and written to."""
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise OutputError(f"{what}: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(f"{what}: cannot write in {probe}")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def looks_like_results(path: Path) -> bool:
    """A JSON file written by ``derivcheck audit --json``."""
    try:
        with open(path, "rb") as f:
            doc = json.loads(f.read(64 << 20))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and "tool_version" in doc and "results" in doc


def check_output_file(path: str | Path, *, kind: str, what: str, inputs: Iterable[str | Path] = (),
                      suffixes: tuple[str, ...] = ()) -> None:
    """Refuse ``path`` before any work when writing it could destroy something.

    ``kind`` is "results" (a derivcheck JSON result file), "markdown" (a report
    starting with :data:`MARKDOWN_HEAD`), "coverage" (``derivcheck coverage --json``), "annotated" (an
    HTML page starting with :data:`ANNOTATED_HEAD`) or "pdf" (a PDF whose creator is derivcheck);
    an existing file is overwritten only when it is of that kind.
    """
    path = Path(path)
    for given in inputs:
        g = Path(given)
        if _same(path, g) or (g.is_dir() and path.resolve().is_relative_to(g.resolve()) and path.suffix == ".py"):
            raise OutputError(f"{what} {path} is an input of this command; it will not be overwritten")
    if path.suffix == ".py":
        raise OutputError(f"{what} {path} is a Python file (a claims module?); choose a .json path")
    if suffixes and path.suffix.lower() not in suffixes:
        raise OutputError(f"{what} {path}: expected a file ending in {' or '.join(suffixes)}")
    if path.is_dir():
        raise OutputError(f"{what} {path} is a folder")
    if path.exists():
        ours = {"results": looks_like_results, "markdown": _is_markdown_report, "coverage": _is_coverage,
                "annotated": _is_annotated_page, "pdf": _is_our_pdf}[kind](path)
        if not ours:
            raise OutputError(f"{what} {path} exists and was not written by derivcheck as {kind}; "
                              "it will not be overwritten (remove it or choose another path)")
    _writable_folder(path.parent, what)


def _is_coverage(path: Path) -> bool:
    """A file ``derivcheck coverage --json`` wrote: a JSON object with its ``notes`` and ``covered``."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("notes"), list) and "covered" in data


MARKDOWN_HEAD = "## derivcheck audit"
ANNOTATED_HEAD = "<!DOCTYPE html><!-- derivcheck annotate -->"
#: the Creator of the PDFs derivcheck builds (hyperref's pdfcreator={derivcheck}, written as UTF-16 by pdfTeX)
_PDF_CREATORS = (b"/Creator(derivcheck)", b"/Creator (derivcheck)",
                 b"/Creator(\\376\\377" + b"".join(b"\\000" + bytes([c]) for c in b"derivcheck") + b")")


def _is_annotated_page(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(len(ANNOTATED_HEAD)).decode("utf-8", "replace") == ANNOTATED_HEAD
    except OSError:
        return False


def _is_our_pdf(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return data.startswith(b"%PDF") and any(c in data for c in _PDF_CREATORS)


def _is_markdown_report(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(len(MARKDOWN_HEAD)).decode("utf-8", "replace") == MARKDOWN_HEAD
    except OSError:
        return False


def check_report_folder(folder: str | Path, what: str = "report folder") -> None:
    """A report folder must be new, empty, or one derivcheck wrote and holding only what it writes."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{what} {folder} is a file, not a folder")
    _writable_folder(folder, what)
    if not folder.exists():
        return
    names = sorted(p.name for p in folder.iterdir())
    if not names:
        return
    if MARKER not in names:
        raise OutputError(f"{what} {folder} already holds files derivcheck did not write ({', '.join(names[:4])}"
                          f"{', ...' if len(names) > 4 else ''}); choose a new or empty folder")
    foreign = [n for n in names if n not in REPORT_NAMES]
    if foreign:
        raise OutputError(f"{what} {folder} holds files derivcheck did not write ({', '.join(foreign[:4])}); "
                          "move them or choose another folder")


def mark_report_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER
    if not marker.exists():
        marker.write_text("This folder was written by 'derivcheck report'; derivcheck replaces its contents.\n")
