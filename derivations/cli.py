"""The ``derivcheck`` command.

    derivcheck audit [--select GLOB] [--mode quick|thorough] [--seed N]
                     [--module PATH [--with-builtin]] [--json PATH] [--workers N] [--plain-mc]
                     [--only VERDICT[,VERDICT]] [--format table|md|json]
    derivcheck mutate [--select GLOB] [--mode quick|thorough] [--seed N]
                      [--module PATH] [--json PATH] [--workers N] [--plain-mc]
    derivcheck list  [--select GLOB] [--module PATH]
    derivcheck report RESULTS.json [--format latex|md|table|json] [--out DIR] [--only ...]
    derivcheck coverage NOTE... [--json PATH] [--parse] [--module PATH]
    derivcheck new NAME [--from NOTE --eq N ...] [--out DIR] [--force]
    derivcheck --version

Exit status of ``audit``, from the equation verdicts of the result file: 0
when every audited equation is true, a definition or unfinished, 1 when any
is false, inherited, ambiguous or undecided, 2 for errors in claims or usage and
when the run was cut short (interrupted, or a claim stopped at its --deadline).  Exit status of
``mutate``: 0 when every gross mutant (x2, x-1, +S) is refuted and every
mutated claim refutes its 1 % mutant, 1 otherwise, 2 for errors.
"""

from __future__ import annotations

import os

# The audit runs one worker process per core; a multithreaded BLAS inside each worker
# oversubscribes the cores and makes the many small matrix products of sampled
# statistics 10-30x slower (measured: (32768 x 5) @ (5 x 5) takes 5-11 ms threaded,
# 0.3 ms single-threaded on 2 cores).  Set here, in the command, before numpy is first
# imported -- never in a library import, where it would change every program that imports
# derivations; an explicit setting in the environment wins.  The runner also limits the
# BLAS pools of its workers at run time (threadpoolctl).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)

from .config import ConfigError, ProjectConfig
from .config import fill as fill_from_config
from .engine.settings import AuditSettings
from .engine.version import tool_version

EQUATION_VERDICTS = ("true", "false", "inherited", "ambiguous", "definition", "incomplete", "undecided")

EXAMPLES = """examples:
  derivcheck audit --select 'gdln.*' --workers 1       audit the gated deep linear network claims
  derivcheck audit --only refuted,error                show only the lines that are wrong
  derivcheck audit --format md > summary.md            a Markdown summary for a pull request
  derivcheck audit --module my_claims.py               audit your own module (alone)
  derivcheck audit --json out/results.json --report out/report
  derivcheck report out/results.json --format md --out summary.md
  derivcheck coverage notes/my_note.tex                which numbered equations have claims
"""


def _registry(args: argparse.Namespace):
    """The claims of ``--module`` alone when given (the built-in ones only with ``--with-builtin``), else the built-in ones."""
    from .engine import registry as registry_mod  # imported when claims are needed: it loads SymPy (issue 15)

    modules = [Path(m) for m in (args.module or [])]
    everything = not modules or getattr(args, "with_builtin", False)
    return registry_mod.discover(extra=modules, builtin=everything, plugins=everything)


def _add_selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--select", action="append", metavar="GLOB", help="only claims whose id matches the glob (repeatable)")
    _add_module(p)


def _add_module(p: argparse.ArgumentParser) -> None:
    p.add_argument("--module", action="append", metavar="PATH",
                   help="load claims from this file or folder (repeatable); only these are used unless --with-builtin")
    p.add_argument("--with-builtin", action="store_true",
                   help="with --module: also the built-in claims and those of installed plugins")


def _verdicts(text: str) -> list[str]:
    from .engine.record import VERDICTS  # here: the record module loads SymPy, which parsing needs not (issue 15)

    words = [w.strip() for w in text.split(",") if w.strip()]
    known = set(VERDICTS) | set(EQUATION_VERDICTS)
    unknown = [w for w in words if w not in known]
    if unknown or not words:
        raise argparse.ArgumentTypeError(f"unknown verdict {', '.join(unknown) or text!r}; choose from {', '.join(sorted(known))}")
    return words


def _sampling(args: argparse.Namespace) -> dict:
    """--plain-mc: i.i.d. normals at the mode's fixed sample size (the default is randomized QMC,
    grown sequentially until the target resolution is reached)."""
    if args.plain_mc:
        return {"sampling": "montecarlo", "target_resolution": None, "sample_growth": 1}
    return {}


def _mode_summary(mode: str) -> str:
    """What a mode does, from its settings (so the help cannot drift from them)."""
    s = AuditSettings.for_mode(mode)
    log2 = lambda n: n.bit_length() - 1  # noqa: E731 - the sample sizes are powers of two
    return (f"{mode}: {s.max_examples} points, 2^{log2(s.samples)} samples (sequentially from "
            f"2^{log2(s.samples // s.sample_head)} up to 2^{log2(s.samples * s.sample_growth)} until the target "
            f"resolution {s.target_resolution:g}), {s.dps} digits per claim")


def _add_run_options(p: argparse.ArgumentParser, json_help: str) -> None:
    """The options of a command that audits claims (audit, mutate): which claims, how, and where the result goes."""
    _add_selection(p)
    p.add_argument("--mode", choices=("quick", "thorough"), default="quick",
                   help="; ".join(_mode_summary(m) for m in ("quick", "thorough")))
    p.add_argument("--seed", type=int, default=0, help="seed of every random choice; the same seed gives the same verdicts (default 0)")
    p.add_argument("--json", metavar="PATH", help=json_help)
    p.add_argument("--workers", type=int, default=None, help="claims audited in parallel (default 2)")
    p.add_argument("--samples", type=int, default=None, help="Monte Carlo samples per evaluation (overrides the mode)")
    _add_sampling(p)


def _add_sampling(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plain-mc", action="store_true",
                   help="plain Monte Carlo at a fixed sample size (default: randomized QMC, sequential up to the target resolution)")
    p.add_argument("--qmc", action="store_true", help=argparse.SUPPRESS)  # the default now; kept for old command lines


def _console() -> Console:
    # a pipe or CI log has no width; the summary table needs room
    return Console() if sys.stdout.isatty() else Console(width=160)


# ---- issue 17: misuse is refused before any work; outputs never destroy an input ----
def _audit_misuse(args: argparse.Namespace) -> str | None:
    """Why these audit arguments cannot work (checked before any claim is loaded), or None."""
    from reports.safeio import OutputError, check_output_file, check_report_folder

    for name in ("samples", "workers"):
        value = getattr(args, name)
        if value is not None and value < 1:
            return f"--{name} must be a positive integer, got {value}"
    if args.deadline is not None and not args.deadline > 0:
        return f"--deadline must be a positive number of seconds, got {args.deadline:g}"
    if getattr(args, "executor", "local") == "dask":
        import importlib.util

        if importlib.util.find_spec("dask") is None or importlib.util.find_spec("distributed") is None:
            return "--executor dask needs dask.distributed, which is not installed: pip install 'derivcheck[dask]'"
    try:
        if args.json:
            check_output_file(args.json, kind="results", what="--json", inputs=args.module or [])
        if args.report:
            check_report_folder(args.report, "--report")
    except OutputError as exc:
        return str(exc)
    return None


def _cap_workers(args: argparse.Namespace, console: Console) -> None:
    import os

    cores = os.cpu_count() or 1
    if args.workers is not None and args.workers > cores:
        print(f"derivcheck audit: --workers {args.workers} is more than the {cores} cores here; using {cores}",
              file=sys.stderr)
        args.workers = cores


def _write_results(path: str, document: dict) -> str | None:
    """Write the result file atomically; the error message, or None."""
    from reports.safeio import atomic_write_text

    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(document, indent=1))
    except OSError as exc:
        return f"could not write {path}: {exc.strerror or exc} (an existing file there is unchanged)"
    return None
# ---- end issue 17 ----


def _note_links(document: dict, notes: str | None = None, base: str = "") -> dict:
    """(note, equation or quote) -> ``path#L<line>`` of the notes the result file cites, for the Markdown summary."""
    from .authoring.links import note_links
    from .engine.runner import default_notes_dir

    return note_links(document, notes if notes is not None else default_notes_dir(), base=base)


def _show(document: dict, fmt: str, only: list[str] | None, console: Console) -> None:
    """Print the summary of ``document`` in ``fmt`` (table, md or json), limited to the verdicts ``only``."""
    if fmt == "md":
        from reports.markdown import render

        sys.stdout.write(render(document, only=only, links=_note_links(document)))
    elif fmt == "json":
        from reports.lines import filtered

        sys.stdout.write(json.dumps(filtered(document, only), indent=1) + "\n")
    else:
        from reports.terminal import print_summary

        print_summary(document, console, only=only)


def cmd_audit(args: argparse.Namespace) -> int:
    console = _console()
    problem = _audit_misuse(args)
    if problem:
        print(f"derivcheck audit: {problem}", file=sys.stderr)
        return 2
    _cap_workers(args, console)
    settings = AuditSettings.for_mode(
        args.mode, seed=args.seed, workers=args.workers, samples=args.samples,
        database=None if args.no_database else args.database, deadline=args.deadline, **_sampling(args),
    )
    _say_settings(args, settings)
    replayed = _replayed(args, settings)  # issue 15: an audit whose inputs are all unchanged is not recomputed
    if replayed is None:
        document = _audit_claims(args, settings, console)
        if document is None:
            return 2
    else:
        document = replayed[0]
    _say_timing(args, document, replayed is not None)
    reused = sum(1 for r in document["results"] if r.get("reused"))
    if reused and not args.quiet:
        Console(stderr=True).print(f"[dim]{reused} of {len(document['results'])} records reused from the cache "
                                   f"({args.cache}; --no-cache recomputes every claim)[/]")
    write_error = _write_results(args.json, document) if args.json else None
    if not args.quiet or args.format != "table":  # Markdown or JSON on standard output is the product itself
        _show(document, args.format, args.only, console)
        if args.json and not write_error:
            Console(stderr=True).print(f"results written to {args.json}")
    status = replayed[1] if replayed is not None else _remember(args, settings, document)
    if document.get("complete") is False:
        print(f"derivcheck audit: interrupted ({document.get('interrupted')}); the result holds the claims "
              "finished so far, the rest marked not audited", file=sys.stderr)
    stopped: list[str] = []
    if replayed is None:  # a replayed run was kept only with exit status 0 or 1: no deadline in it
        from .engine.runner import reached_deadline

        stopped = [r["id"] for r in document["results"] if reached_deadline(r)]
    if stopped:
        print(f"derivcheck audit: {len(stopped)} claim(s) stopped at the deadline ({', '.join(stopped[:5])}"
              f"{', ...' if len(stopped) > 5 else ''}): inconclusive, exit status 2", file=sys.stderr)
    if write_error:
        print(f"derivcheck audit: {write_error}", file=sys.stderr)
        status = 2
    if args.report:
        # the renderer sees exactly what the result file holds
        if _render_latex(json.loads(json.dumps(document)), Path(args.report), pdf=True) != 0:
            status = max(status, 2)
    return status


# ---- issue 15 item 5: incremental audits (the result cache, and whole runs replayed: engine/snapshot.py) ----
def _audit_claims(args: argparse.Namespace, settings: AuditSettings, console: Console) -> dict | None:
    """Load the claims and audit them (the result cache spares the unchanged ones); None when no claim matches."""
    from .engine.runner import run

    reg = _registry(args)
    claims = reg.select(args.select)
    if not claims and not reg.failures:
        console.print(f"[red]no claim matches {args.select}[/]")
        return None
    # the progress bar goes to standard error when standard output carries Markdown or JSON
    bar_console = console if args.format == "table" else Console(stderr=True)
    with Progress(
        TextColumn("[bold]auditing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("eta"), TimeRemainingColumn(), TextColumn("{task.description}"),
        console=bar_console, transient=True, disable=args.quiet,
    ) as progress:
        task = progress.add_task("", total=len(claims))

        def tick(result: dict) -> None:
            progress.update(task, advance=1, description=f"{result['id']}: {result['verdict']}")

        from .engine.cache import ResultCache

        document = run(reg, claims, settings, on_result=tick, cache=None if args.no_cache else ResultCache(args.cache),
                       executor=_executor(args, settings))
    return document


def _audit_request(args: argparse.Namespace, settings: AuditSettings):
    """What decides which claims an audit runs and how (the key of its snapshot).  An option that changes the
    result document (not only how it is shown) must enter here, or a replay would ignore it."""
    from .engine.snapshot import Request, environment_key, settings_key

    modules = tuple(str(Path(m).resolve()) for m in (args.module or []))
    everything = not modules or bool(getattr(args, "with_builtin", False))
    return Request(tuple(args.select or ()), modules, everything, everything, settings_key(settings.as_json()),
                   environment_key())


def _replayed(args: argparse.Namespace, settings: AuditSettings) -> tuple[dict, int] | None:
    """The document and exit status of the last identical audit when nothing it read has changed, else None
    (never with --no-cache).  No claim module is imported: an unchanged re-run takes about a second."""
    if args.no_cache:
        return None
    from .engine.snapshot import Snapshots
    from .engine.version import environment

    store = Snapshots(args.cache)
    request = _audit_request(args, settings)
    replayed = store.replay(request, settings.as_json(), environment())
    if replayed is None:
        args.snapshot_inputs = store.begin(request)  # the files as the audit about to run reads them
    return replayed


def _remember(args: argparse.Namespace, settings: AuditSettings, document: dict) -> int:
    """The exit status of a computed audit; the document is kept for an identical re-run (not with --no-cache)."""
    from .engine.runner import default_notes_dir, exit_status

    status = exit_status(document)
    inputs = getattr(args, "snapshot_inputs", None)
    if not args.no_cache and inputs is not None:
        from .engine.snapshot import Snapshots

        Snapshots(args.cache).keep(_audit_request(args, settings), inputs, document, status, default_notes_dir())
    return status
# ---- end issue 15 item 5 ----


def _executor(args: argparse.Namespace, settings: AuditSettings):
    """None for the local pool; for ``--executor dask`` the dask executor (LocalCluster unless --scheduler)."""
    if args.executor != "dask":
        return None
    from .engine.distributed import Discovery, executor

    modules = tuple(str(Path(m).resolve()) for m in (args.module or []))
    everything = not modules or args.with_builtin
    return executor(Discovery(modules, everything, everything), settings, scheduler=args.scheduler)


def cmd_mutate(args: argparse.Namespace) -> int:
    from reports.safeio import OutputError, check_output_file

    from .engine.mutate import run_mutation

    try:  # before any work: the result file must not overwrite an input or a file that is not a result
        if args.json:
            check_output_file(args.json, kind="results", what="--json", inputs=args.module or [])
    except OutputError as exc:
        print(f"derivcheck mutate: {exc}", file=sys.stderr)
        return 2
    console = _console()
    reg = _registry(args)
    claims = reg.select(args.select)
    if not claims and not reg.failures:
        console.print(f"[red]no claim matches {args.select}[/]")
        return 2
    settings = AuditSettings.for_mode(
        args.mode, seed=args.seed, workers=args.workers, samples=args.samples,
        **_sampling(args),
    )
    _say_settings(args, settings)
    with Progress(
        TextColumn("[bold]mutating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=console, transient=True, disable=args.quiet,
    ) as progress:
        task = progress.add_task("", total=len(claims))

        def tick(result: dict) -> None:
            m = result.get("mutation")
            what = f"power {m['power']}" if m else result["verdict"]
            progress.update(task, advance=1, description=f"{result['id']}: {what}")

        document = run_mutation(reg, claims, settings, on_result=tick)
    _say_timing(args, document, False)
    write_error = _write_results(args.json, document) if args.json else None
    if not args.quiet:
        from reports.terminal import print_mutation

        print_mutation(document, console)
        if args.json and not write_error:
            console.print(f"results written to {args.json}")
    if write_error:
        print(f"derivcheck mutate: {write_error}", file=sys.stderr)
        return 2
    if any(r["verdict"] == "error" or (r.get("mutation") or {}).get("error") for r in document["results"]):
        return 2
    m = document["mutation"]
    return 0 if m["gross_killed"] == m["claims"] and m["reaches_target"] == m["claims"] else 1


def _render_latex(document: dict, folder: Path, pdf: bool) -> int:
    from reports.latex import render

    report = render(document, folder, pdf=pdf)
    print(f"report: {report.message}", file=sys.stderr if not report.ok else sys.stdout)
    return 0 if report.ok else 1


def cmd_list(args: argparse.Namespace) -> int:
    reg = _registry(args)
    from rich.table import Table

    t = Table(title=f"{len(reg.claims)} registered entries")
    for col in ("id", "kind", "sources", "defined at"):
        t.add_column(col, overflow="fold")
    for c in reg.select(args.select):
        srcs = "; ".join(s.label() for s in c.sources)
        t.add_row(c.id + (" [red](problem)[/]" if c.problem else ""), c.kind, srcs, c.defined_at.split("/")[-1])
    console = _console()
    console.print(t)
    for f in reg.failures:
        console.print(f"[red]could not import {f.location}[/]\n{f.traceback}")
    return 2 if reg.failures or any(c.problem for c in reg.claims) else 0


def cmd_report(args: argparse.Namespace) -> int:
    from reports.load import ResultFileError, load

    try:
        document = load(args.results)
    except ResultFileError as exc:
        print(f"derivcheck report: {exc}", file=sys.stderr)
        return 2
    if args.format == "md":
        from reports.markdown import render
        from reports.safeio import OutputError, atomic_write_text, check_output_file

        out = None
        if args.out:  # issue 17: never overwrite the results or a file of another kind
            out = Path(args.out)
            if out.is_dir() or not out.suffix:  # a folder: DIR/report.md
                out = out / "report.md"
            try:
                check_output_file(out, kind="markdown", what="--out", inputs=[args.results], suffixes=(".md", ".markdown"))
            except OutputError as exc:
                print(f"derivcheck report: {exc}", file=sys.stderr)
                return 2
        text = render(document, only=args.only, links=_note_links(document, args.notes, args.link_base or ""))
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(out, text)
        else:
            sys.stdout.write(text)
        return 0
    if args.format in ("table", "json"):
        _show(document, args.format, args.only, _console())
        return 0
    folder = Path(args.out) if args.out else Path(args.results).parent / "report"  # as given: no absolute path in messages
    from reports.safeio import OutputError, check_report_folder

    try:  # a folder holding files derivcheck did not write is refused, never cleared
        check_report_folder(folder, "--out")
    except OutputError as exc:
        print(f"derivcheck report: {exc}", file=sys.stderr)
        return 2
    return _render_latex(document, folder, pdf=not args.no_pdf)


def cmd_annotate(args: argparse.Namespace) -> int:
    """The note as a self-contained HTML page (and a PDF) with a verdict mark beside each equation."""
    import os

    from reports.annotate import Display, html_page, page
    from reports.load import ResultFileError, load
    from reports.safeio import OutputError, atomic_write_text, check_output_file

    from .authoring.notes import NoDisplayError, equations

    note = Path(args.note)
    out = Path(args.out)
    targets = {"annotated": out / (note.stem + ".html"), "pdf": out / (note.stem + ".pdf")}
    try:
        document = load(args.results)
        eqs = equations(args.note)
        for kind, target in targets.items():  # never over a file derivcheck did not write, nor over an input
            check_output_file(target, kind=kind, what="--out", inputs=[args.note, args.results])
    except (ResultFileError, NoDisplayError, OSError, OutputError) as exc:
        print(f"derivcheck annotate: {exc}", file=sys.stderr)
        return 2
    spans: dict[tuple[int, int], list] = {}
    for e in eqs:
        spans.setdefault(e.span, []).append(e)
    displays = [Display(a, b, tuple(e.label for e in rows), tuple(e.latex for e in rows)) for (a, b), rows in spans.items()]
    link = args.report_link
    default_report = Path(args.results).parent / "report" / "report.pdf"  # where 'derivcheck report R.json' writes it
    if link is None and default_report.is_file():
        link = Path(os.path.relpath(default_report.resolve(), out.resolve())).as_posix()
    annotated = page(note.name, note.read_text(encoding="utf-8"), displays, document, link)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(targets["annotated"], html_page(annotated))
    print(f"wrote {targets['annotated']}")
    if not args.no_pdf:
        from reports.annotate_pdf import render_pdf

        print(render_pdf(annotated, out, note.stem).message)
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from rich.markup import escape
    from rich.table import Table

    from .authoring.coverage import as_json, coverage

    if args.json and args.json != "-":  # never over a note, a claims module or another file not ours
        from reports.safeio import OutputError, check_output_file

        try:
            check_output_file(args.json, kind="coverage", what="--json", inputs=[*args.notes, *(args.module or [])])
        except OutputError as exc:
            print(f"derivcheck coverage: {exc}", file=sys.stderr)
            return 2
    reg = _registry(args)
    missing_files = [n for n in args.notes if not Path(n).is_file()]
    if missing_files:
        print(f"derivcheck coverage: no such note: {', '.join(missing_files)}", file=sys.stderr)
        return 2
    from .authoring.notes import NoDisplayError

    try:
        report = coverage(args.notes, reg.claims, parse=args.parse)
    except NoDisplayError as exc:  # "0 of 0 covered" would pass a CI gate: fail loudly instead
        print(f"derivcheck coverage: {exc}", file=sys.stderr)
        return 2
    if args.json:
        text = json.dumps(as_json(report), indent=1)
        if args.json == "-":
            sys.stdout.write(text + "\n")
        else:
            from reports.safeio import atomic_write_text

            atomic_write_text(args.json, text)
    console = _console()
    for n in report:
        t = Table(title=f"{n.note}: {n.covered} of {n.total} numbered equations covered", show_lines=False)
        t.add_column("eq.", justify="right")
        t.add_column("line", justify="right")
        t.add_column("entries", overflow="fold")
        if args.parse:
            t.add_column("LaTeX parse")
        for e in n.equations:
            entries = ", ".join(escape(f"{i} [{k}]") for i, k in zip(e.entries, e.kinds))
            cells = [f"({e.label})", str(e.line), entries or "[red]not covered[/]"]
            if args.parse:
                cells.append((e.parse or "") + (f" ({e.parser})" if e.parse == "parsed" and e.parser else ""))
            t.add_row(*cells)
        if args.json != "-":
            console.print(t)
        if args.parse and args.json != "-":
            console.print(f"{n.note}: LaTeX {n.parse_rate()}")
        for cid, label in n.stale:
            console.print(f"[yellow]{cid} cites ({label}), which {n.note} does not have[/]")
    covered, total = sum(n.covered for n in report), sum(n.total for n in report)
    if args.json != "-":
        console.print(f"[bold]total: {covered} of {total} numbered equations covered[/]")
        if args.parse:
            from collections import Counter

            c = Counter(e.parse for n in report for e in n.equations)
            console.print("LaTeX parse: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
            for n in report:
                console.print(f"  {n.note}: {n.parse_rate()}")
    return 0 if covered == total else 1


def cmd_new(args: argparse.Namespace) -> int:
    from .authoring.scaffold import render, write

    if args.eq and not args.from_note:
        print("derivcheck new: --eq needs --from NOTE", file=sys.stderr)
        return 2
    if not args.name.replace("_", "").isalnum():
        print(f"derivcheck new: NAME must be a Python identifier, got {args.name!r}", file=sys.stderr)
        return 2
    try:
        text = render(args.name, Path(args.from_note) if args.from_note else None, [str(e) for e in args.eq or []])
        target = Path(args.out) / f"{args.name}.py"
        write(target, text, force=args.force)
    except (KeyError, ValueError, FileExistsError, FileNotFoundError) as exc:  # ValueError: notes.NoDisplayError
        print(f"derivcheck new: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {target}; audit it with: derivcheck audit --module {target}")
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="derivcheck", description="Check the equations of research notes, with evidence.",
                                 epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", action="version", version=f"derivcheck {tool_version()}", help="print the version and exit")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    a = sub.add_parser("audit", help="audit the registered claims", epilog=EXAMPLES,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_run_options(a, "write the result file (JSON schema of DESIGN.md)")
    a.add_argument("--database", default=".derivcheck/examples", help="example database folder (shrunk counterexamples, replayed first)")
    a.add_argument("--no-database", action="store_true", help="do not read or write the example database")
    a.add_argument("--cache", default=".derivcheck/cache", metavar="DIR",
                   help="result cache: a claim whose code, callees, settings, seed and library versions are unchanged "
                        "is not re-audited (default .derivcheck/cache)")
    a.add_argument("--no-cache", action="store_true", help="audit every claim; neither read nor write the result cache")
    a.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local: a process pool on this machine (default); dask: dask.distributed tasks")
    a.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --executor dask: the scheduler (e.g. tcp://10.0.0.1:8786); default: a LocalCluster of --workers processes")
    a.add_argument("-q", "--quiet", action="store_true", help="no progress bar, and no summary table (--format md/json still print)")
    _add_verbose(a)
    a.add_argument("--only", type=_verdicts, metavar="VERDICT[,VERDICT]",
                   help="show only lines with these verdicts, e.g. refuted,error or false,inherited (the result file keeps all)")
    a.add_argument("--format", choices=("table", "md", "json"), default="table",
                   help="the summary on standard output: table (terminal, default), md (Markdown for a PR) or json")
    a.add_argument("--report", metavar="DIR", help="also render the LaTeX/PDF report into DIR (report.tex, report.pdf)")
    a.add_argument("--deadline", type=float, default=None, metavar="SECONDS",
                   help="per-claim time limit (a chain of n lines gets n times this); the claim is then inconclusive "
                   "and the exit status 2 (default 60 in quick mode, 600 in thorough mode)")
    a.set_defaults(func=cmd_audit)

    m = sub.add_parser("mutate", help="mutation testing: would each confirmation have caught a 1 %% error?")
    _add_run_options(m, "write the result file, with a 'mutation' record per claim")
    m.add_argument("-q", "--quiet", action="store_true", help="no progress bar or table")
    _add_verbose(m)
    m.set_defaults(func=cmd_mutate)

    ls = sub.add_parser("list", help="list the registered claims and their sources")
    _add_selection(ls)
    ls.set_defaults(func=cmd_list)

    r = sub.add_parser("report", help="render a result file", epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("results", help="a JSON file written by 'derivcheck audit --json'")
    r.add_argument("--format", choices=("latex", "md", "table", "json"), default="latex",
                   help="latex: DIR/report.tex and, with pdflatex, DIR/report.pdf (default); md: Markdown; table: terminal; json")
    r.add_argument("--only", type=_verdicts, metavar="VERDICT[,VERDICT]", help="md, table, json: only lines with these verdicts")
    r.add_argument("--out", metavar="DIR", help="latex: the report folder (default: report/ beside RESULTS.json); "
                   "md: a file, or a folder for DIR/report.md (default: standard output)")
    r.add_argument("--no-pdf", action="store_true", help="latex: write report.tex and the figures only")
    r.add_argument("--notes", metavar="DIR", help="md: the folder of the notes, to link each equation to its line "
                   "(default: the notes folder the audit reads)")
    r.add_argument("--link-base", metavar="URL", help="md: put in front of each link to a note line, e.g. "
                   "https://github.com/OWNER/REPO/blob/SHA/ (default: paths relative to the repository root)")
    r.set_defaults(func=cmd_report)
    an = sub.add_parser("annotate", help="the note as an HTML page with a verdict mark beside each equation")
    an.add_argument("note", metavar="NOTE", help="the note file (plain text or .tex)")
    an.add_argument("--results", required=True, metavar="R.json", help="a result file written by 'derivcheck audit --json'")
    an.add_argument("--out", default="annotated", metavar="DIR", help="folder for NOTE.html and NOTE.pdf (default: annotated/)")
    an.add_argument("--report-link", metavar="URL", help="where the full report is, relative to DIR (default: "
                    "report/report.pdf beside R.json, if it is there): each entry id links to its section")
    an.add_argument("--no-pdf", action="store_true", help="the HTML page only (the PDF needs pdflatex)")
    an.set_defaults(func=cmd_annotate)

    cov = sub.add_parser("coverage", help="which numbered equations of notes have entries")
    cov.add_argument("notes", nargs="+", metavar="NOTE", help="note files (plain text or .tex with LaTeX displays)")
    _add_module(cov)
    cov.add_argument("--json", metavar="PATH", help="write the coverage as JSON ('-' for standard output)")
    cov.add_argument("--parse", action="store_true", help="also say whether SymPy's LaTeX parser reads each equation")
    cov.set_defaults(func=cmd_coverage)

    new = sub.add_parser("new", help="scaffold a claims module")
    new.add_argument("name", help="module name (a Python identifier); claim ids start with it")
    new.add_argument("--from", dest="from_note", metavar="NOTE", help="note to copy equations from")
    new.add_argument("--eq", action="append", metavar="N", help="equation label (repeatable; default: all)")
    new.add_argument("--out", default=".", metavar="DIR", help="folder to write NAME.py into")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.set_defaults(func=cmd_new)
    return ap


# ---- issue 15 item 9: settings from pyproject.toml, and -v/-q ----
#: the commands that take defaults from [tool.derivcheck] (derivations/config.py says which options)
CONFIGURED = ("audit", "mutate", "list")


def _commands(ap: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in ap._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _project_config(ap: argparse.ArgumentParser) -> ProjectConfig | None:
    """Read [tool.derivcheck] from the closest pyproject.toml and make it the commands' defaults."""
    from .config import apply, read

    commands = _commands(ap)
    config = read(commands["audit"])
    if config is not None:
        apply(config, {name: commands[name] for name in CONFIGURED})
    return config


def _add_verbose(p: argparse.ArgumentParser) -> None:
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="more detail on standard error: the settings used and where they come from, what the cache "
                        "reused, the slowest claims (-vv: every claim's time)")


def _say_settings(args: argparse.Namespace, settings: AuditSettings) -> None:
    """-v: the settings of the run and where they come from."""
    if not getattr(args, "verbose", 0):
        return
    config = getattr(args, "config", None)
    origin = f"{config.shown()} (the command line wins)" if config is not None else "no [tool.derivcheck] table found"
    print(f"derivcheck: settings from {origin}", file=sys.stderr)
    if config is not None:
        print("  " + ", ".join(f"{k}={v!r}" for k, v in sorted(config.values.items())), file=sys.stderr)
    used = settings.as_json()
    shown = ("mode", "seed", "samples", "sampling", "max_examples", "dps", "deadline", "workers", "database")
    print("  run: " + ", ".join(f"{k}={used[k]!r}" for k in shown if k in used)
          + (f", cache={getattr(args, 'cache', None)!r}" if not getattr(args, "no_cache", True) else ", cache off"),
          file=sys.stderr)


def _say_timing(args: argparse.Namespace, document: dict, replayed: bool) -> None:
    """-v: how the records came about and the slowest claims; -vv: every claim's time."""
    level = getattr(args, "verbose", 0)
    if not level:
        return
    results = document["results"]
    reused = [r for r in results if r.get("reused")]
    if replayed:
        print(f"derivcheck: nothing the audit read has changed: all {len(results)} records replayed from the "
              "last identical audit (no claim module imported; --no-cache audits afresh)", file=sys.stderr)
    else:
        print(f"derivcheck: {len(results) - len(reused)} claims audited, {len(reused)} records reused from the cache",
              file=sys.stderr)
    audited = sorted((r for r in results if not r.get("reused")), key=lambda r: -(r.get("seconds") or 0.0))
    rows = results if level > 1 else audited[:10]
    if rows:
        print("  seconds  verdict       claim" + ("" if level > 1 else f" (the {len(rows)} slowest audited; -vv: all)"),
              file=sys.stderr)
    for r in rows:
        mark = "  (reused)" if r.get("reused") else ""
        print(f"  {r.get('seconds') or 0.0:7.2f}  {r['verdict']:<12}  {r['id']}{mark}", file=sys.stderr)
    total = sum(r.get("seconds") or 0.0 for r in audited)
    print(f"  {total:.1f} s of claim time in this run", file=sys.stderr)
# ---- end issue 15 item 9 ----


def main(argv: list[str] | None = None) -> int:
    ap = parser()
    try:
        config = _project_config(ap)  # [tool.derivcheck] in pyproject.toml: defaults, checked before any work
    except ConfigError as exc:
        print(f"derivcheck: {exc}", file=sys.stderr)
        return 2
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors already
        return int(exc.code or 0)
    fill_from_config(config, args, CONFIGURED)
    args.config = config
    try:
        return int(args.func(args))
    except KeyboardInterrupt:  # outside the audit's own handling (loading modules, rendering)
        print("derivcheck: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
