"""Speed ratios of the faster methods against the slower ways (a benchmark, not a test).

    python benchmarks/speed.py

* circulant sampling by FFT vs a dense square root of Sigma (ring distance);
* multiple precision with the gmpy2 backend is reported as mpmath's BACKEND;
* memoized reference values on a chain vs recomputing them;
* the audit of the small-bump module with 2 worker processes vs 1.
"""

from __future__ import annotations

import time

import mpmath
import numpy as np

from numerics.models import datamodels as dm


def best_of(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def sampling() -> None:
    rng = np.random.default_rng(0)
    for n in (64, 256, 1024):
        cov = dm.covariance(n, n / 10, "ring")
        factor = dm.psd_factor(cov).matrix
        lam = dm.circulant_eigenvalues(cov[:, 0])
        eps = rng.standard_normal((4096, 2 * n))
        dense = best_of(lambda: dm.gaussian(eps[:, :n], factor))
        fft = best_of(lambda: dm.gaussian_circulant(eps, lam))
        print(f"  n = {n:5d}: dense {dense * 1e3:7.2f} ms, FFT {fft * 1e3:7.2f} ms, ratio {dense / fft:5.1f}x")


def audit_parallel() -> None:
    from derivations.engine import registry, runner
    from derivations.engine.settings import AuditSettings

    reg = registry.discover()
    claims = reg.select(["bump*", "nlgp.*"])
    for workers in (1, 2):
        start = time.perf_counter()
        runner.run(reg, claims, AuditSettings.for_mode("quick", workers=workers))
        print(f"  {workers} worker(s): {time.perf_counter() - start:6.1f} s for {len(claims)} entries")


def memo() -> None:
    from derivations.engine import registry
    from derivations.api import Point
    from derivations.engine import sides
    from numerics.context import Context

    reg = registry.discover()
    ref = reg.get("bump.inner.eq70").reference
    ctx = Context()
    point = Point({"g": 1.3, "r": 0.4, "z": 0.7})
    sides._MEMO.clear()
    cold = best_of(lambda: (sides._MEMO.clear(), sides.evaluate_side(ref, point, ctx)), repeat=3)
    warm = best_of(lambda: sides.evaluate_side(ref, point, ctx), repeat=3)
    print(f"  30-digit reference value: computed {cold * 1e3:.1f} ms, memoized {warm * 1e6:.1f} us, ratio {cold / warm:,.0f}x")


if __name__ == "__main__":
    print(f"mpmath backend: {mpmath.libmp.BACKEND}")
    print("circulant sampling, 4096 samples:")
    sampling()
    print("memoized chain references:")
    memo()
    print("parallel claims:")
    audit_parallel()
