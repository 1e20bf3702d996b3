"""Speed ratios of the faster methods against the slower ways (a benchmark, not a test).

    python benchmarks/speed.py

* circulant sampling by FFT vs a dense square root of Sigma (ring distance);
* multiple precision with the gmpy2 backend is reported as mpmath's BACKEND;
* memoized reference values on a chain vs recomputing them;
* the audit of the small-bump module with 2 worker processes vs 1;
* points for a diagnosis drawn from bare Hypothesis draws vs a ``find`` run per draw;
* the QMC normals of a quick audit's checks shared between claims vs drawn per claim;
* the searches run on Hypothesis's engine directly vs through ``hypothesis.find``;
* sequential sampling starting from a quarter of the samples vs from all of them.
"""

from __future__ import annotations

import derivcheck

derivcheck.activate()  # derivations, numerics and reports are derivcheck's in this process (see its docstring)

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


def spread_draws() -> None:
    from derivations.engine import registry
    from numerics import spread

    claims = [c for c in registry.discover() if c.params][:60]

    def draw_all() -> None:
        for c in claims:
            spread.draw(c.params, 80, 1, c.id)

    bare = best_of(draw_all, repeat=2)
    real = spread._draw_bare
    spread._draw_bare = lambda *_: []  # the fallback: a Hypothesis find() per point
    try:
        engine = best_of(draw_all, repeat=2)
    finally:
        spread._draw_bare = real
    print(f"  80 points for each of {len(claims)} claims: find {engine:.2f} s, bare draws {bare:.2f} s, ratio {engine / bare:.1f}x")


def quick_audit_seconds(patterns: list[str], **settings_changes: object):
    """A function timing one quick audit (in this process, one worker) of the entries matching ``patterns``;
    the first audit in a process pays lazy imports and set-up, so it is run once untimed."""
    from derivations.engine import isolation, registry
    from derivations.engine.audit import audit_claim
    from derivations.engine.settings import AuditSettings
    from numerics import montecarlo

    reg = registry.discover()
    claims = reg.select(patterns)
    settings = AuditSettings.for_mode("quick", **settings_changes)
    lookup = lambda i: reg.get(i) if i in reg else None  # noqa: E731

    def audit_all() -> None:
        montecarlo._REPLAY.clear()
        for c in claims:
            with isolation.fresh_globals():
                audit_claim(c, settings, lookup)

    audit_all()
    return len(claims), lambda: best_of(audit_all, repeat=1)


def shared_normals() -> None:
    from derivations.engine import verdict

    count, timed = quick_audit_seconds(["bump*", "relu.f.*", "sigmoid.single.*"])
    shared = timed()
    real = verdict.Context

    def per_claim(**kw):  # the normals seeded with the claim, as before they were shared
        kw.pop("normals_material", None)
        return real(**kw)

    verdict.Context = per_claim
    try:
        own = timed()
    finally:
        verdict.Context = real
    print(f"  quick audit of {count} entries: normals per claim {own:.1f} s, shared {shared:.1f} s, ratio {own / shared:.2f}x")


def search_engine() -> None:
    """The searches of refuted chains (draws and shrinking dominate) through Hypothesis's engine directly
    (``numerics.search._find``) against ``hypothesis.find``."""
    from hypothesis import find

    from numerics import search

    count, timed = quick_audit_seconds(["gdln.exclusive.*", "sigmoid.multi.*", "cube.three_bumps.*", "gdln.timevarying.*"])
    direct = timed()
    real = search._find
    search._find = lambda strategy, condition, conf, rng: find(strategy, condition, settings=conf, random=rng)  # as before
    try:
        through_find = timed()
    finally:
        search._find = real
    print(f"  quick audit of {count} entries: find {through_find:.1f} s, the engine directly {direct:.1f} s, "
          f"ratio {through_find / direct:.2f}x")


def sequential_head() -> None:
    """Sequential sampling from samples/4 (stopping there when the target is resolved) against from samples."""
    patterns = ["relu.f.*", "sigmoid.*", "bump*"]
    count, from_quarter = quick_audit_seconds(patterns)
    _, from_full = quick_audit_seconds(patterns, sample_head=1)
    quarter, full = from_quarter(), from_full()
    print(f"  quick audit of {count} entries: from samples {full:.1f} s, from samples/4 {quarter:.1f} s, ratio {full / quarter:.2f}x")


if __name__ == "__main__":
    print(f"mpmath backend: {mpmath.libmp.BACKEND}")
    print("circulant sampling, 4096 samples:")
    sampling()
    print("memoized chain references:")
    memo()
    print("parallel claims:")
    audit_parallel()
    print("diagnosis points:")
    spread_draws()
    print("QMC normals:")
    shared_normals()
    print("Hypothesis searches:")
    search_engine()
    print("sequential sampling:")
    sequential_head()
