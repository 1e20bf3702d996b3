"""Stability of the verdicts: the same registry audited at several seeds and in both modes.

    python benchmarks/verdict_stability.py [--quick-seeds 10] [--thorough-seeds 3]
                                           [--select GLOB ...] [--workers 2] [--json PATH]

Audits every claim (or the selection) in quick mode at seeds 0..Q-1 and in
thorough mode at seeds 0..T-1, then prints every entry whose verdict is not
the same in all runs, with the verdict of each run -- and every numbered
equation of the notes whose one verdict (true / false / inherited / ...) is not.  A verdict that depends
on the seed or the mode is either a false alarm or a counterexample the
search finds only by luck; the target is an empty list.  Also prints the
certified counts of each run (numerics.certify) and its wall time.
"""

from __future__ import annotations

import derivcheck

derivcheck.activate()  # derivations, numerics and reports are derivcheck's in this process (see its docstring)

import argparse
import json
import time

from derivations.engine import registry, runner
from derivations.engine.settings import AuditSettings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick-seeds", type=int, default=10)
    ap.add_argument("--thorough-seeds", type=int, default=3)
    ap.add_argument("--select", action="append", default=None, help="only claims whose id matches (repeatable)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", default=None, help="write {run: {claim id or note (equation): verdict}} here")
    ap.add_argument("--seed-offset", type=int, default=0, help="first seed of each mode (to split a long benchmark)")
    args = ap.parse_args()

    reg = registry.discover()
    claims = reg.select(args.select)
    first = args.seed_offset
    runs = ([("quick", s) for s in range(first, first + args.quick_seeds)]
            + [("thorough", s) for s in range(first, first + args.thorough_seeds)])
    verdicts: dict[str, dict[str, str]] = {}
    for mode, seed in runs:
        settings = AuditSettings.for_mode(mode, seed=seed, workers=args.workers, database=None)
        start = time.perf_counter()
        doc = runner.run(reg, claims, settings)
        label = f"{mode}:{seed}"
        verdicts[label] = {r["id"]: r["verdict"] for r in doc["results"]}
        # the equation level: what a reader of the report takes away about each numbered line
        verdicts[label].update({f"{e['note'].split('_')[0]} ({e['equation']})": e["verdict"] for e in doc["equations"]
                                if e.get("equation") is not None})
        summary = doc["summary"]
        certified = {k: v for k, v in summary.items() if k.startswith("certified_")}
        print(f"{label:>12}  {time.perf_counter() - start:7.1f} s  "
              + "  ".join(f"{k}: {v}" for k, v in summary.items() if not k.startswith("certified_") and v)
              + f"  | {certified}", flush=True)
        if args.json:  # after every run, so a long benchmark can be read while it goes on
            with open(args.json, "w") as fh:
                json.dump(verdicts, fh, indent=1)

    labels = list(verdicts)
    ids = sorted({cid for v in verdicts.values() for cid in v})
    unstable = [cid for cid in ids if len({verdicts[l].get(cid) for l in labels}) > 1]
    print(f"\n{len(unstable)} of {len(ids)} entries and equations change verdict across {len(labels)} runs "
          f"({args.quick_seeds} quick seeds, {args.thorough_seeds} thorough seeds)")
    for cid in unstable:
        row = ", ".join(f"{l}={verdicts[l].get(cid)}" for l in labels)
        print(f"  {cid}: {row}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(verdicts, fh, indent=1)


if __name__ == "__main__":
    main()
