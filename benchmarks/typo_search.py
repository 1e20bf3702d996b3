"""Benchmark: does the typo search name the typo and confirm the correction?

For every true identity of :mod:`benchmarks.typo_identities` (checked first: it
must be confirmed), the single-edit variants of its claimed side (a sign
flipped on a subterm, a factor 2, pi, sqrt 2 or its inverse on a subterm, two
symbols swapped, a term dropped, an exponent or square root dropped) are
generated; variants numerically equal to the truth (a swap of a symmetric
pair, a sign inside an even function) are not typos and are set aside.  A
seeded sample of at most ``--per-kind`` variants per class and identity is
audited as a user's claim in quick mode; a variant counts as *named and
corrected* when the audit refutes it and its typo search reports an edit whose
corrected line the audit confirms (or proves) against the reference.

    python benchmarks/typo_search.py [--per-kind 2] [--only NAME] [--json out.json] [--full]
"""

from __future__ import annotations

import derivcheck

derivcheck.activate()  # derivations, numerics and reports are derivcheck's in this process (see its docstring)

import argparse
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.typo_identities import IDENTITIES, Identity  # noqa: E402
from derivations.api import claim, quote  # noqa: E402
from derivations.engine.audit import audit_claim  # noqa: E402
from derivations.engine.settings import AuditSettings  # noqa: E402
from numerics.spread import spread_points  # noqa: E402
from numerics.typos import Tree, single_edit_variants  # noqa: E402

INVERSE = {"sign": ("sign",), "factor": ("factor",), "swap": ("swap",), "drop_term": ("add_term", "replace", "missing_factor"), "exponent": ("exponent",)}


def _differs(identity: Identity, expr) -> bool:
    """Is the variant a different function of the parameters (at 6 spread points, relative 1e-9)?"""
    points = spread_points(identity.params, 6, seed=1, key=identity.name)
    env = {n: np.asarray([float(p[n]) for p in points]) for n in identity.params}
    try:
        truth = Tree(identity.claimed, env).root_value
        value = Tree(expr, {s.name: env[s.name] for s in expr.free_symbols} or {"_": np.zeros(len(points))}).root_value
    except Exception:  # noqa: BLE001 - an unevaluable variant is certainly different
        return True
    value = value * np.ones_like(truth)
    return not np.allclose(value, truth, rtol=1e-9, atol=1e-12, equal_nan=False)


def variants(identity: Identity, per_kind: int, rng: random.Random) -> tuple[list, int]:
    seen, by_kind, equal = set(), {}, 0
    for edit in single_edit_variants(identity.claimed):
        key = str(edit.expr)
        if key in seen:
            continue
        seen.add(key)
        if not _differs(identity, edit.expr):
            equal += 1
            continue
        by_kind.setdefault(edit.kind, []).append(edit)
    chosen = []
    for kind in sorted(by_kind):
        edits = by_kind[kind]
        chosen += rng.sample(edits, min(per_kind, len(edits)))
    return chosen, equal


def audit_variant(identity: Identity, expr, label: str, settings: AuditSettings, full: bool = False) -> dict:
    """The audit's verdict and typo search for one line.  ``full``: the whole audit_claim (sweep,
    transcription, factor correction too); otherwise only the steps the typo search depends on
    (the check, the diagnosis points, the typo search), which is what is measured here."""
    from dataclasses import replace

    c = claim(
        f"bench.{identity.name}.{label}", sources=quote("benchmark", identity.source), latex=identity.latex,
        claimed=expr, reference=identity.reference, params=identity.params,
    )
    # the variants of one identity are tested at the same points (their reference values are shared)
    c = replace(c, chain=f"bench.{identity.name}")
    if full:
        return audit_claim(c, settings, lambda _id: None)
    from derivations.engine.followups import _diagnosis_pool
    from derivations.engine.typo_search import typo_followup
    from derivations.engine.verdict import check_sides

    check = check_sides(c, c.claimed, c.reference, settings, "truth")
    out = {"verdict": check.verdict}
    if check.verdict == "refuted":
        out["typo_search"] = typo_followup(c, _diagnosis_pool(c, check, settings), settings)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=2)
    parser.add_argument("--only", default=None)
    parser.add_argument("--json", default=None)
    parser.add_argument("--full", action="store_true", help="run the whole audit of each line (slower)")
    args = parser.parse_args(argv)
    settings = AuditSettings.for_mode("quick")
    rng = random.Random(0)
    rows, skipped_equal, truths = [], 0, {}
    start = time.perf_counter()
    for identity in IDENTITIES:
        if args.only and identity.name != args.only:
            continue
        truth = audit_variant(identity, identity.claimed, "true", settings, args.full)
        truths[identity.name] = truth["verdict"]
        chosen, equal = variants(identity, args.per_kind, rng)
        skipped_equal += equal
        for i, edit in enumerate(chosen):
            t0 = time.perf_counter()
            res = audit_variant(identity, edit.expr, f"v{i}", settings, args.full)
            typos = res.get("typo_search") or {}
            confirmed = [c for c in typos.get("corrections", []) if c["verdict"] in ("proved", "confirmed")]
            row = {
                "identity": identity.name, "kind": edit.kind, "typo": edit.description, "variant": str(edit.expr),
                "verdict": res["verdict"], "named": bool(confirmed),
                "class_match": any(c["kind"] in INVERSE[edit.kind] for c in confirmed),
                "found": [c["typo"] for c in confirmed], "screened": typos.get("screened"),
                "seconds": round(time.perf_counter() - t0, 2),
            }
            rows.append(row)
            mark = "OK " if row["named"] else ("-- " if res["verdict"] == "refuted" else "?? ")
            print(f"{mark}{identity.name:18s} {edit.kind:9s} {edit.description[:50]:50s} -> "
                  f"{res['verdict']:9s} {'; '.join(row['found'])[:90]}", flush=True)
    refuted = [r for r in rows if r["verdict"] == "refuted"]
    named = [r for r in refuted if r["named"]]
    print()
    print(f"true identities confirmed: {sum(v in ('confirmed', 'proved') for v in truths.values())} of {len(truths)} {truths}")
    print(f"variants: {len(rows)} audited ({skipped_equal} single edits equal to the truth set aside); refuted {len(refuted)}")
    print(f"typo named and correction confirmed: {len(named)} of {len(refuted)} = {100 * len(named) / max(len(refuted), 1):.1f} %")
    print(f"  ... with the class of the edit named as introduced: {sum(r['class_match'] for r in named)}")
    per = Counter(r["kind"] for r in refuted)
    ok = Counter(r["kind"] for r in named)
    for kind in sorted(per):
        print(f"  {kind:10s} {ok[kind]:3d} / {per[kind]:3d}")
    print(f"seconds: {time.perf_counter() - start:.0f}")
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "truths": truths}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
