"""Unit tests of the numerics engines: each compares against an independent computation."""

from __future__ import annotations

import math
import time

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample, Unsatisfiable
from scipy.special import erf

from numerics.models import datamodels as dm
from numerics import montecarlo, quadrature, symbolic
from numerics.decide import AGREE, DISAGREE, Tolerance, compare, z_threshold
from numerics.diagnose import constant_relation, recognise_constant
from numerics.estimate import Estimate, exact
from numerics.gradients import central_difference
from numerics.ode import integrate_flow
from numerics.search import DISAGREE as S_DISAGREE, Evaluation, point_key, search


# ---------------------------------------------------------------- quadrature
def test_gaussian_expectation_matches_closed_form_to_25_digits() -> None:
    est = quadrature.gaussian_expectation(lambda z: mp.erf(mp.mpf("0.7") + mp.mpf("1.3") * z), dps=30)
    with mp.workdps(40):
        truth = mp.erf(mp.mpf("0.7") / mp.sqrt(1 + 2 * mp.mpf("1.3") ** 2))
        assert abs(est.high_precision - truth) < mp.mpf(10) ** -27
    assert float(est.abs_error) < 1e-25


def test_gaussian_expectation_with_kink_and_half_range() -> None:
    relu = quadrature.gaussian_expectation(lambda z: max(z, 0), kinks=[0], dps=30)
    half = quadrature.gaussian_expectation(lambda z: z, lower=0, dps=30)
    with mp.workdps(35):
        assert abs(relu.high_precision - 1 / mp.sqrt(2 * mp.pi)) < mp.mpf(10) ** -27
        assert abs(half.high_precision - 1 / mp.sqrt(2 * mp.pi)) < mp.mpf(10) ** -27


def test_integrate_on_infinite_range_reports_error() -> None:
    est = quadrature.integrate(lambda u: mp.exp(-u * u), [-mp.inf, 0, mp.inf], dps=30)
    with mp.workdps(35):
        assert abs(est.high_precision - mp.sqrt(mp.pi)) < mp.mpf(10) ** -25
    assert "bisected" in est.detail


@pytest.mark.parametrize("rho", [-0.9, -0.3, 0.0, 0.5, 0.95])
def test_bivariate_cubature_against_sheppard_and_arccos_kernel(rho: float) -> None:
    orthant = quadrature.bivariate_gaussian_expectation(lambda u, v: (u > 0) * (v > 0), rho)
    assert abs(float(orthant.value) - (0.25 + math.asin(rho) / (2 * math.pi))) < 1e-11
    signs = quadrature.bivariate_gaussian_expectation(lambda u, v: np.sign(u) * np.sign(v), rho)
    assert abs(float(signs.value) - 2 / math.pi * math.asin(rho)) < 1e-11  # needs both rays of V = 0 cut
    kernel = quadrature.bivariate_gaussian_expectation(lambda u, v: np.maximum(u, 0) * np.maximum(v, 0), rho)
    truth = (math.sqrt(1 - rho**2) + (math.pi - math.acos(rho)) * rho) / (2 * math.pi)
    assert abs(float(kernel.value) - truth) < 1e-11


def test_bivariate_refuses_degenerate_correlation() -> None:
    with pytest.raises(quadrature.QuadratureError):
        quadrature.bivariate_gaussian_expectation(lambda u, v: u * v, 1.0)


# ---------------------------------------------------------------- Monte Carlo
def test_montecarlo_mean_and_standard_error_cover_the_truth() -> None:
    """E[Z^2] = 1, E[Z^4] = 3 with the reported SE; result independent of the chunk size."""
    stat = lambda eps: np.stack([eps[:, 0] ** 2, eps[:, 0] ** 4], axis=1)  # noqa: E731
    a = montecarlo.expectation(stat, 1, 200_000, np.random.default_rng(1), chunk=1 << 12)
    b = montecarlo.expectation(stat, 1, 200_000, np.random.default_rng(1), chunk=200_000)
    assert np.allclose(a.value, b.value, rtol=1e-12) and np.allclose(a.std_error, b.std_error, rtol=1e-9)
    z = np.abs(a.value - np.array([1.0, 3.0])) / a.std_error
    assert np.all(z < 5), z
    # SE of the mean of Z^2 is sqrt(Var Z^2 / n) = sqrt(2 / n)
    assert abs(a.std_error[0] / math.sqrt(2 / 200_000) - 1) < 0.02


def test_qmc_is_more_accurate_than_mc_on_a_smooth_integrand() -> None:
    stat = lambda eps: erf(eps[:, :1] + 0.5 * eps[:, 1:2])  # noqa: E731  (truth 0)
    mc = montecarlo.expectation(stat, 2, 1 << 16, np.random.default_rng(2))
    q = montecarlo.expectation(stat, 2, 1 << 16, np.random.default_rng(2), method="qmc")
    assert q.method == "qmc" and q.dof == 15
    assert float(q.std_error[0]) < float(mc.std_error[0]) / 5
    assert abs(float(q.value[0])) < 6 * float(q.std_error[0]) + 1e-12


def test_paired_difference_has_exact_zero_error_for_identical_statistics() -> None:
    stat = lambda eps: eps[:, 0] * eps[:, 1]  # noqa: E731
    (x, y), (d,) = montecarlo.expectation_paired([stat, stat], 2, 10_000, np.random.default_rng(0))
    assert float(d.value) == 0.0 and float(d.std_error) == 0.0
    assert float(x.std_error) > 0


# ---------------------------------------------------------------- data models
def test_ring_kernel_that_is_not_psd_is_refused_with_its_eigenvalue() -> None:
    with pytest.raises(dm.NotPositiveSemidefinite, match="smallest eigenvalue -0.0"):
        dm.latent_factor(8, 2.0, "ring")


def test_circulant_fft_sampler_has_the_right_covariance() -> None:
    cov = dm.covariance(16, 1.5, "ring")
    lam = dm.circulant_eigenvalues(cov[:, 0])
    assert np.allclose(np.sort(lam), np.linalg.eigvalsh(cov))
    z = dm.gaussian_circulant(np.random.default_rng(3).standard_normal((200_000, 32)), lam)
    assert np.max(np.abs(np.cov(z.T) - cov)) < 0.02


def test_nlgp_has_unit_variance_and_hypercube_limit() -> None:
    eps = np.random.default_rng(4).standard_normal((200_000, 5))
    factor = dm.latent_factor(5, 2.0)
    x = dm.nlgp(eps, factor, 3.0)
    assert np.allclose(x.var(axis=0), 1.0, atol=0.02)
    assert set(np.unique(dm.hypercube(eps, factor))) <= {-1.0, 1.0}
    # Var erf(gZ) -> 1 as g -> infinity, like 1 - O(1/g)
    assert 0.98 < dm.erf_variance(50.0) < dm.erf_variance(500.0) < 1.0


def test_labelled_mixture_draws_balanced_labels() -> None:
    eps = np.random.default_rng(5).standard_normal((100_000, 7))
    x, y = dm.labelled_mixture(eps, 3, eps[:, :3], -eps[:, 3:6])
    assert abs(y.mean() - 0.5) < 0.01
    assert np.array_equal(x[y == 1], eps[y == 1, :3])


# ---------------------------------------------------------------- decision rule
def test_decision_rule_bonferroni_threshold_and_resolution() -> None:
    assert z_threshold(1e-6, 1) == pytest.approx(4.8916, abs=1e-3)
    assert z_threshold(1e-6, 100) > z_threshold(1e-6, 1)
    ref = Estimate(np.array([1.0, 2.0]), "montecarlo", np.zeros(2), np.array([0.01, 0.01]), 1000)
    near = compare(exact(np.array([1.04, 2.0])), ref, Tolerance())
    far = compare(exact(np.array([1.2, 2.0])), ref, Tolerance())
    assert near.status == AGREE and far.status == DISAGREE
    assert near.resolution == pytest.approx(z_threshold(1e-6, 2) * 0.01 / 2.0 + 1e-9, rel=1e-3)


def test_claimed_nan_is_a_disagreement_reference_nan_is_undecided() -> None:
    assert compare(exact(np.nan), exact(1.0), Tolerance()).status == DISAGREE
    assert compare(exact(1.0), exact(np.nan), Tolerance()).status == "undecided"


# ---------------------------------------------------------------- diagnosis
def test_recognise_constants() -> None:
    assert recognise_constant(2 / math.sqrt(math.pi), 1e-15).latex == r"\frac{2}{\sqrt{\pi}}"
    assert recognise_constant(-0.5, 1e-15).latex == r"-\frac{1}{2}"
    assert recognise_constant(1.13, 1e-2) is None  # ambiguous at 1 %


def test_constant_relation_with_statistical_errors() -> None:
    rng = np.random.default_rng(6)
    r = rng.uniform(0.5, 2.0, size=30)
    se = 0.01 * np.ones(30)
    c = 2 * math.sqrt(math.pi) * (r + se * rng.standard_normal(30))
    rel = constant_relation([c], [r], [np.zeros(30)], [se])
    assert rel.kind == "factor" and rel.closed_form == r"2 \sqrt{\pi}"
    noisy = constant_relation([r * (1 + 0.3 * rng.standard_normal(30))], [r], [np.zeros(30)], [se])
    assert noisy.kind == "none"


# ---------------------------------------------------------------- symbolic
def test_symbolic_proof_and_hard_deadline() -> None:
    x = sp.Symbol("x", positive=True)
    assert symbolic.prove_equal(sp.sqrt(x**2), x, timeout=10).status == symbolic.PROVED
    start = time.perf_counter()
    hard = sum(sp.sin(x + k) ** 7 * sp.cos(x - k) ** 5 for k in range(40)) - 1
    attempt = symbolic.prove_zero(hard, timeout=1.0)
    assert attempt.status in (symbolic.TIMEOUT, symbolic.NOT_PROVED)
    assert time.perf_counter() - start < 5.0


# ---------------------------------------------------------------- ODE, gradients
def test_ode_solution_and_error_estimate() -> None:
    est = integrate_flow(lambda t, y: -2.0 * y, np.array([1.0, 3.0]), 1.5)
    assert np.allclose(est.value, np.array([1.0, 3.0]) * math.exp(-3.0), rtol=1e-9)
    assert np.all(est.abs_error < 1e-8)


def test_central_difference_is_exact_for_a_quadratic_loss() -> None:
    x = np.random.default_rng(7).standard_normal((50, 3))
    w = np.array([0.3, -1.0, 2.0])
    grad = central_difference(lambda v: 0.5 * (x @ v - 1.0) ** 2, w)
    assert np.allclose(grad, (x @ w - 1.0)[:, None] * x, atol=1e-7)


# ---------------------------------------------------------------- search
def test_search_shrinks_and_is_deterministic() -> None:
    def evaluate(point):
        return Evaluation(point, S_DISAGREE if point["n"] >= 7 and point["x"] > 0.5 else AGREE)

    runs = [
        search({"n": st.integers(0, 100), "x": st.floats(0, 10)}, evaluate, max_examples=50, shrink_budget=200, seed=3, key="k")
        for _ in range(2)
    ]
    assert runs[0].failing is not None
    assert runs[0].failing.point == {"n": 7, "x": pytest.approx(runs[0].failing.point["x"])}
    assert runs[0].failing.point["x"] <= 1.5
    assert [e.point for e in runs[0].evaluations] == [e.point for e in runs[1].evaluations]


def test_search_respects_the_evaluation_budget() -> None:
    calls = []

    def evaluate(point):
        calls.append(point)
        return Evaluation(point, S_DISAGREE)

    search({"x": st.floats(0, 1)}, evaluate, max_examples=5, shrink_budget=3, seed=0, key="b")
    assert len(calls) <= 8


def test_a_spent_budget_ends_the_shrinking_on_the_smallest_disagreement() -> None:
    """Once the evaluation budget is spent, Hypothesis's remaining shrink passes are not run (no point
    is drawn after the one that found the budget spent), and the outcome is the last -- smallest --
    disagreement Hypothesis accepted, not merely the first one found."""
    attempts: list[int] = []
    at_last_evaluation: list[int] = []

    def evaluate(point):
        at_last_evaluation[:] = [len(attempts)]
        v = point["v"]
        return Evaluation(point, S_DISAGREE if v[0] * v[1] * v[2] > 1.0 else AGREE)

    space = {"v": st.lists(st.floats(0, 10), min_size=3, max_size=3).map(lambda v: (attempts.append(1), v)[1])}
    outcome = search(space, evaluate, max_examples=20, shrink_budget=6, seed=5, key="spent")
    assert outcome.budget_exhausted and outcome.failing is not None
    assert len(attempts) <= at_last_evaluation[0] + 1
    disagreements = [e for e in outcome.evaluations if e.status == S_DISAGREE]
    assert outcome.failing.point == disagreements[-1].point
    assert np.prod(outcome.failing.point["v"]) <= np.prod(disagreements[0].point["v"])


def test_spread_points_come_from_the_stated_space_without_a_search() -> None:
    from numerics import spread

    space = {"n": st.integers(3, 6), "x": st.floats(0.5, 2.0).filter(lambda x: x != 1.0)}
    points = spread.draw(space, 80, 1, "k")
    assert len(points) > 40 and all(3 <= p["n"] <= 6 and 0.5 <= p["x"] <= 2.0 and p["x"] != 1.0 for p in points)
    assert points == spread.draw(space, 80, 1, "k")  # seeded
    assert spread._draw_bare(st.fixed_dictionaries(space), 10, 1)  # the bare path, not the find() fallback


def test_example_database_replays_a_stored_counterexample(tmp_path) -> None:
    calls: list[dict] = []

    def evaluate(point):
        calls.append(dict(point))
        return Evaluation(point, S_DISAGREE if point["n"] >= 7 else AGREE)

    space = {"n": st.integers(0, 100), "v": st.just(np.arange(3.0))}
    first = search(space, evaluate, max_examples=50, shrink_budget=100, seed=3, key="claim:truth", database=tmp_path)
    assert first.failing.point["n"] == 7
    first_calls = [point_key(c) for c in calls]
    calls.clear()
    # a re-run with the same seed tests the first run's points (its evidence is kept), not one stored point
    again = search(space, evaluate, max_examples=50, shrink_budget=100, seed=3, key="claim:truth", database=tmp_path)
    assert [point_key(c) for c in calls] == first_calls and again.failing.point["n"] == 7
    # the database is a hint, never a verdict: a space narrowed to where the claim holds (here: n >= 50) starts
    # afresh -- its stored point n = 7 lies outside it and is never tried
    calls.clear()

    def only_seven(point):
        calls.append(dict(point))
        return Evaluation(point, S_DISAGREE if point["n"] == 7 else AGREE)

    narrow = {"n": st.integers(50, 100), "v": st.just(np.arange(3.0))}
    kept = search(narrow, only_seven, max_examples=20, shrink_budget=10, seed=3, key="claim:truth", database=tmp_path)
    assert kept.failing is None and calls and all(c["n"] >= 50 for c in calls)
    # the same space at another seed whose search misses it: the stored counterexample is tried after the search
    calls.clear()
    rare = search(space, only_seven, max_examples=5, shrink_budget=0, seed=11, key="claim:truth", database=tmp_path)
    assert rare.failing is not None and rare.failing.point["n"] == 7 and calls[-1]["n"] == 7
    assert isinstance(rare.failing.point["v"], np.ndarray)


def test_sequential_sampling_grows_until_the_target_and_spends_alpha_over_its_looks() -> None:
    from numerics.decide import Tolerance, compare
    from numerics.estimate import exact

    def stat(eps):  # E[1 + Z1 Z2 + |Z3|] = 1 + sqrt(2/pi)
        return 1 + eps[:, 0] * eps[:, 1] + np.abs(eps[:, 2])

    truth = 1 + np.sqrt(2 / np.pi)
    for method, target in (("montecarlo", 1e-2), ("qmc", 3e-3)):  # reachable from 2^12 within 16x
        fixed = montecarlo.expectation_paired([stat], 3, 1 << 12, np.random.default_rng(3), method=method)[0][0]
        (grown,), _ = montecarlo.expectation_paired([stat], 3, 1 << 12, np.random.default_rng(3), method=method,
                                                    target=target, max_samples=1 << 16)
        assert fixed.looks == 1 and grown.looks == 5  # 2^12 .. 2^16: five looks
        assert grown.samples > fixed.samples and grown.std_error < fixed.std_error
        assert abs(grown.value - truth) < 6 * grown.std_error
        # the decision rule's threshold is Bonferroni over the looks
        single = compare(exact(truth), fixed, Tolerance())
        spread = compare(exact(truth), grown, Tolerance())
        assert spread.z_threshold > single.z_threshold


def test_sequential_sampling_stops_early_on_a_plain_disagreement() -> None:
    def stat(eps):
        return 1 + eps[:, 0] * eps[:, 1] + np.abs(eps[:, 2])

    (est,), _ = montecarlo.expectation_paired([stat], 3, 1 << 12, np.random.default_rng(3), method="qmc",
                                              target=1e-4, max_samples=1 << 16, versus=np.asarray(3.0))
    assert est.samples == 1 << 12 and est.looks == 5


def test_sequential_sampling_gives_up_a_target_out_of_reach() -> None:
    def stat(eps):
        return 1 + 30 * eps[:, 0] * eps[:, 1]  # relative standard deviation 30

    (est,), _ = montecarlo.expectation_paired([stat], 2, 1 << 12, np.random.default_rng(3), method="montecarlo",
                                              target=1e-3, max_samples=1 << 16)
    assert est.samples == 1 << 12 and est.looks == 5


# ---------------------------------------------------------------- replayed QMC normals
def test_the_points_of_one_check_share_their_qmc_normals_and_a_recheck_draws_its_own(monkeypatch) -> None:
    from numerics.context import Context

    drawn = []
    real = montecarlo._sobol_normals
    monkeypatch.setattr(montecarlo, "_sobol_normals", lambda base, shifts: drawn.append(1) or real(base, shifts))
    monkeypatch.setattr(montecarlo, "_REPLAY", {})
    ctx = Context(samples=1 << 12, chunk=1 << 12, sampling="qmc", seed_material=(0, "t", "truth"))
    square = lambda eps: eps[:, 0] ** 2  # noqa: E731
    one = ctx.at_point("x=1").derive("reference").expect(square, 2)
    first = len(drawn)
    two = ctx.at_point("x=2").derive("reference").expect(square, 2)
    assert first > 0 and len(drawn) == first  # the second point replays the normals of the first
    assert float(one.value) == float(two.value)
    assert ctx.at_point("x=1").rng().integers(1 << 30) != ctx.at_point("x=2").rng().integers(1 << 30)
    again = ctx.derive("recheck").at_point("x=1").derive("reference").expect(square, 2)
    assert len(drawn) > first and float(again.value) != float(one.value)  # a re-check is independent
    assert abs(float(one.value) - 1) < 7 * float(one.std_error) + 1e-12


def test_a_statistic_cannot_change_the_replayed_normals() -> None:
    def in_place(eps):
        eps *= 2
        return eps[:, 0]

    with pytest.raises(ValueError, match="read-only"):
        montecarlo.expectation_paired([in_place], 2, 1 << 10, np.random.default_rng(1), method="qmc")


def test_a_qmc_standard_error_is_never_below_one_samples_weight() -> None:
    """The quadrant {U > 0, V > 0} of independent normals is a dyadic box of the unit square: every digital
    shift of a scrambled Sobol sequence puts exactly a quarter of its points in it, so the replicates agree
    exactly.  A spread of 0 would make any nearby value (the quadrant at correlation 2e-4 has probability
    0.25 + 3.2e-5) a confident disagreement; the standard error is at least one sample's weight."""
    from numerics import montecarlo

    quadrant = lambda eps: ((eps[:, 0] > 0) & (eps[:, 1] > 0)).astype(float)  # noqa: E731
    (est,), _ = montecarlo.expectation_paired([quadrant], 2, 1 << 14, np.random.default_rng(3), method="qmc",
                                              randomizations=16)
    assert float(est.value) == 0.25
    assert float(est.std_error) >= 1.0 / est.samples


def test_hypothesis_random_warning_is_dropped_only_outside_the_main_thread() -> None:
    """A strategy that touches the global ``random`` is warned about in the main thread; in another thread
    (a dask worker's task, beside an event loop that uses ``random``) the warning is dropped."""
    import random as stdlib_random
    import threading
    import warnings

    from hypothesis.errors import HypothesisDeprecationWarning

    space = {"x": st.floats(0, 1).map(lambda v: (stdlib_random.random(), v)[1])}

    def run(out: list) -> None:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            search(space, lambda p: Evaluation(p, AGREE), max_examples=3, shrink_budget=0, seed=1, key="rnd")
        out.extend(w for w in caught if issubclass(w.category, HypothesisDeprecationWarning))

    main: list = []
    run(main)
    other: list = []
    t = threading.Thread(target=run, args=(other,))
    t.start()
    t.join()
    assert main and not other


# ---------------------------------------------------------------- the search on Hypothesis's engine
SEARCH_SPACE = st.fixed_dictionaries({"n": st.integers(2, 8), "xi": st.floats(0.5, 3.0), "g": st.sampled_from([0.5, 1.0, 3.0]),
                                      "w": st.lists(st.floats(-2, 2), min_size=3, max_size=3).map(np.array)})
SEARCH_SETTINGS = dict(max_examples=8, deadline=None, database=None, derandomize=False)


def _points_seen(run, condition) -> list[str]:
    seen: list[str] = []

    def recorded(v) -> bool:
        seen.append(repr(v))
        return condition(v)

    try:
        out = run(recorded)
    except Exception as exc:  # noqa: BLE001 - what find raises is part of what is compared
        out = type(exc).__name__
    return list(dict.fromkeys(seen)) + [repr(out)]


@pytest.mark.parametrize("condition", [lambda v: False, lambda v: v["xi"] > 2.5 and v["n"] > 3], ids=["no hit", "hit"])
def test_the_search_draws_and_shrinks_as_hypothesis_find_does(condition) -> None:
    """The reference is ``hypothesis.find`` itself: the same points, in the same order, and the same shrunk example."""
    import random

    from hypothesis import HealthCheck, Phase, find, settings

    from numerics.search import _find

    conf = settings(**SEARCH_SETTINGS, suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink])
    for seed in range(6):
        ours = _points_seen(lambda c: _find(SEARCH_SPACE, c, conf, random.Random(seed)), condition)
        theirs = _points_seen(lambda c: find(SEARCH_SPACE, c, settings=conf, random=random.Random(seed)), condition)
        assert ours == theirs


def test_an_error_of_the_condition_is_shrunk_and_raised_as_find_raises_it() -> None:
    import random

    from hypothesis import HealthCheck, settings

    from numerics.search import _find

    def breaks(v) -> bool:
        if v["xi"] > 1.7:
            raise ZeroDivisionError(f"xi = {v['xi']}")
        return False

    conf = settings(**SEARCH_SETTINGS, suppress_health_check=list(HealthCheck))
    with pytest.raises(ZeroDivisionError, match="xi = 1.75|xi = 2.0"):  # shrunk to a simple value above 1.7
        _find(SEARCH_SPACE, breaks, conf, random.Random(0))
    with pytest.raises(Unsatisfiable):
        _find(st.integers(0, 10).filter(lambda _: False), lambda v: True, conf, random.Random(0))
    with pytest.raises(NoSuchExample):
        _find(SEARCH_SPACE, lambda v: False, conf, random.Random(0))


def test_sequential_sampling_starts_from_a_quarter_of_its_sample() -> None:
    from numerics.context import Context

    def stat(eps):  # smooth: randomized QMC resolves it on few points
        return 1 + 0.1 * eps[:, 0] * eps[:, 1]

    ctx = Context(samples=1 << 14, chunk=1 << 14, sampling="qmc", seed_material=(0, "t", "truth"), target=6e-3,
                  growth=8, head=4, randomizations=32)
    est = ctx.expect(stat, 2)
    assert est.samples == 1 << 12 and est.looks == 6  # 2^12 .. 2^17
    assert abs(float(est.value) - 1) < 7 * float(est.std_error) + 1e-12
    whole = ctx.derive(head=1).expect(stat, 2)
    assert whole.samples == 1 << 14 and whole.looks == 4  # 2^14 .. 2^17
