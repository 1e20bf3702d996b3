"""Running pdflatex on untrusted input.

Every run: shell escape off (``-no-shell-escape``), kpathsea's ``openin_any``
and ``openout_any`` set to ``p`` (no absolute paths, no ``..``, no dot files:
reading and writing stay in the output folder, plus the TeX installation's own
files for reading), no font generation, ``-interaction=nonstopmode``,
``-halt-on-error``, a wall-clock timeout that kills the process group.

:func:`vet` compile-tests snippets of the notes' LaTeX: all of them in one
document first, each between log markers; a failure names the snippet being
typeset, which is confirmed on its own and set aside, and the rest is tried
again (bisection when the markers cannot tell).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

#: Debian packages that build the report (measured; see README "The report")
DEBIAN_PACKAGES = ("texlive-latex-base", "texlive-latex-recommended", "cm-super-minimal", "poppler-utils")
INSTALL_HINT = (
    "no pdflatex here; for the PDF install TeX "
    f"(Debian/Ubuntu: apt-get install --no-install-recommends {' '.join(DEBIAN_PACKAGES)}) "
    "and run the command again"
)

MARK = "DCSNIPPET"


def pdflatex() -> str | None:
    return shutil.which("pdflatex")


def sandbox_env() -> dict[str, str]:
    env = dict(os.environ)
    for key in ("TEXINPUTS", "TEXMFHOME", "TEXMFCNF", "TEXMFOUTPUT", "openin_any", "openout_any", "shell_escape"):
        env.pop(key, None)
    env.update(
        openin_any="p",  # paranoid: no absolute paths, no parent folders, no dot files
        openout_any="p",
        shell_escape="f",
        MKTEXPK="0", MKTEXTFM="0", MKTEXMF="0", MKTEXFMT="0",  # never spawn font generation
        max_print_line="10000",  # one log line per message
        error_line="254", half_error_line="238",
        LC_ALL="C",
    )
    return env


@dataclass
class Run:
    ok: bool
    seconds: float
    log: str
    timed_out: bool = False
    limit: float | None = None  # the time limit the pass had (seconds)

    def first_error(self) -> str:
        """The first TeX error message of the log (one line), or a description of the failure."""
        if self.timed_out:
            return "timed out"
        lines = self.log.splitlines()
        for line in lines:
            if line.startswith("! ") or re.match(r"^[^:\s]+\.tex:\d+: ", line):
                return re.sub(r"^[^:\s]+\.tex:\d+: ", "", line).lstrip("! ").strip()[:300]
        m = re.search(r"! ([A-Z][^\n]*)", self.log)  # the terminal's message, maybe after a line of stdout
        return m.group(1).strip()[:300] if m else "pdflatex failed (see the log)"


def pass_timeout(tex_bytes: int, base: float = 120.0) -> float:
    """Seconds allowed for one pdflatex pass over a document of ``tex_bytes``.

    Measured: a 1,295-page report (about 3 MB of LaTeX) takes 28 s per pass on
    one core; the limit leaves room for a machine five times slower and grows
    with the document (a fixed limit failed large reports).
    """
    return base + 5.0 * 28.0 * tex_bytes / 3e6


def error_line(log: str, name: str) -> int | None:
    """The line of ``name.tex`` the first error points at (pdflatex -file-line-error), or None."""
    m = re.search(rf"(?m)^(?:\./)?{re.escape(name)}\.tex:(\d+): ", log)
    return int(m.group(1)) if m else None


def run_pdflatex(folder: Path, name: str, timeout: float | None = None, outdir: str | None = None) -> Run:
    """One pdflatex pass over ``folder/name.tex`` in the sandbox.

    With ``outdir`` (a folder name inside ``folder``) the PDF, log and auxiliary files go there
    (``-output-directory``): a build that fails never touches ``folder/name.pdf``.
    """
    exe = pdflatex()
    if exe is None:
        raise FileNotFoundError("pdflatex")
    if timeout is None:
        tex = folder / f"{name}.tex"
        timeout = pass_timeout(tex.stat().st_size if tex.exists() else 0)
    cmd = [exe, "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
           *([f"-output-directory={outdir}"] if outdir else []), f"{name}.tex"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=folder, env=sandbox_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    timed_out = False
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:  # pragma: no cover - ended just now
            pass
        out, _ = proc.communicate()
    seconds = time.perf_counter() - start
    log_file = (folder / outdir if outdir else folder) / f"{name}.log"
    log = log_file.read_text(errors="replace") if log_file.exists() else ""
    text = log or out.decode(errors="replace")
    if timed_out:  # the log may not be flushed; the terminal output has the markers
        text = out.decode(errors="replace") + "\n" + log
    elif proc.returncode != 0 and not re.search(r"(?m)^! |\.tex:\d+: ", text):
        # a fatal error TeX reports on the terminal only ("! Unable to read an entire line---bufsize=...")
        text += "\n" + out.decode(errors="replace")
    return Run(ok=proc.returncode == 0 and not timed_out, seconds=seconds, log=text, timed_out=timed_out,
               limit=timeout)


# ----------------------------------------------------------------------------- vetting snippets
@dataclass
class Vetting:
    """Which snippets failed to compile (index -> reason) and what it cost."""

    failed: dict[int, str] = field(default_factory=dict)
    runs: int = 0
    seconds: float = 0.0


def vet(
    snippets: Sequence[tuple[int, str]],
    make_document: Callable[[Sequence[tuple[int, str]]], str],
    folder: Path,
    timeout: float | None = None,
) -> Vetting:
    """Compile-test snippets; ``make_document`` writes the test document for a subset.

    The test document must write ``MARK:n:begin`` / ``MARK:n:end`` around
    snippet ``n`` (``\\typeout``) and ``MARK:done`` at its end.
    """
    folder.mkdir(parents=True, exist_ok=True)
    result = Vetting()

    def attempt(subset: Sequence[tuple[int, str]]) -> Run:
        (folder / "vet.tex").write_text(make_document(subset))
        for aux in ("vet.log", "vet.aux"):
            (folder / aux).unlink(missing_ok=True)
        # the test document grows with the snippets: so does its limit (20 s for a small one)
        r = run_pdflatex(folder, "vet", timeout=timeout if timeout is not None
                         else pass_timeout((folder / "vet.tex").stat().st_size, base=20.0))
        result.runs += 1
        result.seconds += r.seconds
        if r.ok and f"{MARK}:done" not in r.log:  # ended early without an error (\end{document}, \stop...)
            r.ok = False
            r.log += "\n! the document ended early\n"
        return r

    def culprit(run: Run) -> int | None:
        begun: list[int] = []
        for m in re.finditer(rf"{MARK}:(\d+):(begin|end)", run.log):
            n = int(m.group(1))
            if m.group(2) == "begin":
                begun.append(n)
            elif begun and begun[-1] == n:
                begun.pop()
        return begun[-1] if begun else None

    def bisect(subset: list[tuple[int, str]]) -> None:
        if not subset:
            return
        r = attempt(subset)
        if r.ok:
            return
        if len(subset) == 1:
            result.failed[subset[0][0]] = r.first_error()
            return
        half = len(subset) // 2
        bisect(subset[:half])
        bisect(subset[half:])

    pending = list(snippets)
    while pending:
        r = attempt(pending)
        if r.ok:
            break
        n = culprit(r)
        by_index = dict(pending)
        if n is not None and n in by_index:
            alone = attempt([(n, by_index[n])]) if len(pending) > 1 else r
            if not alone.ok:
                result.failed[n] = alone.first_error()
                pending = [p for p in pending if p[0] != n]
                continue
        bisect(pending)  # the markers could not tell (or it fails only in company)
        break
    return result
