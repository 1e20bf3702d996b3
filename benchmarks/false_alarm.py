"""Measure the false-refutation rate of the Monte Carlo decision rule on a true identity.

    python benchmarks/false_alarm.py [--runs 400]

For several loosened family-wise levels alpha, audits a TRUE vector identity
(E[(c Z1 Z2, c Z1^2)] = (0, c)) with many seeds and counts `refuted` verdicts.
A refutation needs a disagreement that reproduces on fresh samples, so the
rate should stay below alpha; the printed table and the log-log slope let one
extrapolate to the audit's alpha = 1e-6.
"""

from __future__ import annotations

import derivcheck

derivcheck.activate()  # derivations, numerics and reports are derivcheck's in this process (see its docstring)

import argparse
import math
import time

import numpy as np
from hypothesis import strategies as st

from derivations.api import Sampled, claim, quote
from derivations.engine.audit import audit_claim
from derivations.engine.settings import AuditSettings


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=400)
    args = ap.parse_args()
    c = claim(
        "bench.true_identity", sources=quote("bench", "true"), latex="E[(cZ_1Z_2, cZ_1^2)] = (0, c)",
        params={"c": st.floats(0.5, 2.0)}, claimed=lambda p: np.array([0.0, p.c]),
        reference=Sampled(2, lambda p, eps: np.stack([p.c * eps[:, 0] * eps[:, 1], p.c * eps[:, 0] ** 2], axis=1)),
    )
    print(f"{'alpha':>8} {'runs':>6} {'refuted':>8} {'rate':>8} {'95% upper':>10} {'inconclusive':>13}")
    rows = []
    for alpha in (0.5, 0.2, 0.05, 0.01):
        base = AuditSettings.for_mode(
            "quick", workers=1, alpha=alpha, samples=1024, max_examples=5, shrink_budget=4, max_resolution=10.0
        )
        start = time.perf_counter()
        verdicts = [audit_claim(c, AuditSettings(**{**base.__dict__, "seed": s}), lambda _: None)["verdict"]
                    for s in range(args.runs)]
        k = verdicts.count("refuted")
        upper = _upper(k, args.runs)
        rows.append((alpha, k / args.runs))
        print(f"{alpha:8.3g} {args.runs:6d} {k:8d} {k / args.runs:8.4f} {upper:10.4f} {verdicts.count('inconclusive'):13d}"
              f"   ({time.perf_counter() - start:.1f} s)")
    pos = [(math.log(a), math.log(r)) for a, r in rows if r > 0]
    if len(pos) >= 2:
        slope = np.polyfit([p[0] for p in pos], [p[1] for p in pos], 1)[0]
        print(f"log-log slope of rate vs alpha: {slope:.2f} (>= 1 means the rate falls at least as fast as alpha)")


def _upper(k: int, n: int) -> float:
    from scipy.stats import beta

    return float(beta.ppf(0.975, k + 1, n - k)) if k < n else 1.0


if __name__ == "__main__":
    main()
