"""The ``derivcheck`` command.

    derivcheck audit [--select GLOB] [--mode quick|thorough] [--seed N]
                     [--module PATH] [--json PATH] [--workers N] [--qmc]
    derivcheck list  [--select GLOB] [--module PATH]
    derivcheck report RESULTS.json [--format latex|md|table] [--out DIR]

Exit status of ``audit``: 0 when every checkable claim is proved or
confirmed, 1 when any is refuted or inconclusive, 2 for errors in claims or
usage.
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
        sampling="qmc" if args.qmc else None, database=None if args.no_database else args.database,
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
    a.add_argument("--qmc", action="store_true", help="randomized quasi-Monte Carlo (scrambled Sobol) instead of plain MC")
    a.add_argument("--database", default=".derivcheck/examples", help="Hypothesis example database folder")
    a.add_argument("--no-database", action="store_true", help="do not read or write the example database")
    a.add_argument("--quiet", action="store_true", help="no progress bar or table")
    a.add_argument("--report", metavar="DIR", help="also render the LaTeX/PDF report into DIR (report.tex, report.pdf)")
    a.set_defaults(func=cmd_audit)

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
