"""The ``derivcheck`` command.

    derivcheck audit [--select GLOB] [--mode quick|thorough] [--seed N]
                     [--module PATH] [--json PATH] [--workers N] [--plain-mc]
    derivcheck mutate [--select GLOB] [--mode quick|thorough] [--seed N]
                      [--module PATH] [--json PATH] [--workers N] [--plain-mc]
    derivcheck list  [--select GLOB] [--module PATH]
    derivcheck report RESULTS.json [--format latex|md|table] [--out DIR]
    derivcheck coverage NOTE... [--json PATH] [--parse] [--module PATH]
    derivcheck new NAME [--from NOTE --eq N ...] [--out DIR] [--force]

Exit status of ``audit``: 0 when every checkable claim is proved or
confirmed, 1 when any is refuted or inconclusive, 2 for errors in claims or
usage.  Exit status of ``mutate``: 0 when every gross mutant (x2, x-1, +S) is
refuted and every mutated claim refutes its 1 % mutant, 1 otherwise, 2 for
errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import registry as registry_mod
from .runner import exit_status, run
from .settings import AuditSettings


def _registry(args: argparse.Namespace) -> registry_mod.Registry:
    return registry_mod.discover(extra=[Path(m) for m in (args.module or [])])


def _add_selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--select", action="append", metavar="GLOB", help="only claims whose id matches (repeatable)")
    p.add_argument("--module", action="append", metavar="PATH", help="also load claims from this file or folder (repeatable)")


def _sampling(args: argparse.Namespace) -> dict:
    """--plain-mc: i.i.d. normals at the mode's fixed sample size (the default is randomized QMC,
    grown sequentially until the target resolution is reached)."""
    if args.plain_mc:
        return {"sampling": "montecarlo", "target_resolution": None, "sample_growth": 1}
    return {}


def _add_sampling(p: argparse.ArgumentParser) -> None:
    p.add_argument("--plain-mc", action="store_true",
                   help="plain Monte Carlo at a fixed sample size (default: randomized QMC, sequential up to the target resolution)")
    p.add_argument("--qmc", action="store_true", help=argparse.SUPPRESS)  # the default now; kept for old command lines


def _console() -> Console:
    # a pipe or CI log has no width; the summary table needs room
    return Console() if sys.stdout.isatty() else Console(width=160)


def cmd_audit(args: argparse.Namespace) -> int:
    console = _console()
    reg = _registry(args)
    claims = reg.select(args.select)
    if not claims and not reg.failures:
        console.print(f"[red]no claim matches {args.select}[/]")
        return 2
    settings = AuditSettings.for_mode(
        args.mode, seed=args.seed, workers=args.workers, samples=args.samples,
        database=None if args.no_database else args.database, **_sampling(args),
    )
    with Progress(
        TextColumn("[bold]auditing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), console=console, transient=True, disable=args.quiet,
    ) as progress:
        task = progress.add_task("", total=len(claims))

        def tick(result: dict) -> None:
            progress.update(task, advance=1, description=f"{result['id']}: {result['verdict']}")

        document = run(reg, claims, settings, on_result=tick)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(document, indent=1))
    if not args.quiet:
        from reports.terminal import print_summary

        print_summary(document, console)
        if args.json:
            console.print(f"results written to {args.json}")
    status = exit_status(document)
    if args.report:
        # the renderer sees exactly what the result file holds
        if _render_latex(json.loads(json.dumps(document)), Path(args.report), pdf=True) != 0:
            status = max(status, 2)
    return status


def cmd_mutate(args: argparse.Namespace) -> int:
    from .engine.mutate import run_mutation

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
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(document, indent=1))
    if not args.quiet:
        from reports.terminal import print_mutation

        print_mutation(document, console)
        if args.json:
            console.print(f"results written to {args.json}")
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

        text = render(document)
        if args.out:
            out = Path(args.out)
            if out.is_dir() or not out.suffix:  # a folder: DIR/report.md
                out.mkdir(parents=True, exist_ok=True)
                out = out / "report.md"
            out.write_text(text)
        else:
            sys.stdout.write(text)
        return 0
    if args.format == "table":
        from reports.terminal import print_summary

        print_summary(document)
        return 0
    folder = Path(args.out) if args.out else Path(args.results).resolve().parent / "report"
    return _render_latex(document, folder, pdf=not args.no_pdf)


def cmd_coverage(args: argparse.Namespace) -> int:
    from rich.markup import escape
    from rich.table import Table

    from .coverage import as_json, coverage

    reg = _registry(args)
    missing_files = [n for n in args.notes if not Path(n).is_file()]
    if missing_files:
        print(f"derivcheck coverage: no such note: {', '.join(missing_files)}", file=sys.stderr)
        return 2
    report = coverage(args.notes, reg.claims, parse=args.parse)
    if args.json:
        text = json.dumps(as_json(report), indent=1)
        if args.json == "-":
            sys.stdout.write(text + "\n")
        else:
            Path(args.json).write_text(text)
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
                cells.append(e.parse or "")
            t.add_row(*cells)
        if args.json != "-":
            console.print(t)
        for cid, label in n.stale:
            console.print(f"[yellow]{cid} cites ({label}), which {n.note} does not have[/]")
    covered, total = sum(n.covered for n in report), sum(n.total for n in report)
    if args.json != "-":
        console.print(f"[bold]total: {covered} of {total} numbered equations covered[/]")
        if args.parse:
            from collections import Counter

            c = Counter(e.parse for n in report for e in n.equations)
            console.print("LaTeX parse: " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    return 0 if covered == total else 1


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import render, write

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
    except (KeyError, FileExistsError, FileNotFoundError) as exc:
        print(f"derivcheck new: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {target}; audit it with: derivcheck audit --module {target}")
    return 0


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="derivcheck", description="Check the equations of research notes, with evidence.")
    sub = ap.add_subparsers(dest="command", required=True)

    a = sub.add_parser("audit", help="audit the registered claims")
    _add_selection(a)
    a.add_argument("--mode", choices=("quick", "thorough"), default="quick")
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--json", metavar="PATH", help="write the result file (JSON schema of DESIGN.md)")
    a.add_argument("--workers", type=int, default=None, help="claims audited in parallel (default 2)")
    a.add_argument("--samples", type=int, default=None, help="Monte Carlo samples per evaluation (overrides the mode)")
    _add_sampling(a)
    a.add_argument("--database", default=".derivcheck/examples", help="example database folder (shrunk counterexamples, replayed first)")
    a.add_argument("--no-database", action="store_true", help="do not read or write the example database")
    a.add_argument("--quiet", action="store_true", help="no progress bar or table")
    a.add_argument("--report", metavar="DIR", help="also render the LaTeX/PDF report into DIR (report.tex, report.pdf)")
    a.set_defaults(func=cmd_audit)

    m = sub.add_parser("mutate", help="mutation testing: would each confirmation have caught a 1 %% error?")
    _add_selection(m)
    m.add_argument("--mode", choices=("quick", "thorough"), default="quick")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--json", metavar="PATH", help="write the result file, with a 'mutation' record per claim")
    m.add_argument("--workers", type=int, default=None, help="claims mutated in parallel (default 2)")
    m.add_argument("--samples", type=int, default=None, help="Monte Carlo samples per evaluation (overrides the mode)")
    _add_sampling(m)
    m.add_argument("--quiet", action="store_true", help="no progress bar or table")
    m.set_defaults(func=cmd_mutate)

    ls = sub.add_parser("list", help="list the registered claims and their sources")
    _add_selection(ls)
    ls.set_defaults(func=cmd_list)

    r = sub.add_parser("report", help="render a result file")
    r.add_argument("results", help="a JSON file written by 'derivcheck audit --json'")
    r.add_argument("--format", choices=("latex", "md", "table"), default="latex",
                   help="latex: DIR/report.tex and, with pdflatex, DIR/report.pdf (default); md: Markdown; table: terminal")
    r.add_argument("--out", metavar="DIR", help="latex: the report folder (default: report/ beside RESULTS.json); "
                   "md: a file, or a folder for DIR/report.md (default: standard output)")
    r.add_argument("--no-pdf", action="store_true", help="latex: write report.tex and the figures only")
    r.set_defaults(func=cmd_report)
    cov = sub.add_parser("coverage", help="which numbered equations of notes have entries")
    cov.add_argument("notes", nargs="+", metavar="NOTE")
    cov.add_argument("--module", action="append", metavar="PATH", help="also load claims from this file or folder")
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


def main(argv: list[str] | None = None) -> int:
    ap = parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors already
        return int(exc.code or 0)
    return int(args.func(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
