"""Tests of the small-bump gate's reference routes (``bump.*``, ``bump002.*``).

(a) each exact route (gated erf moments by orthant probabilities) against the Monte Carlo route it replaced,
    at a couple of points, with a loose tolerance;
(b) the variance-reduced sampled sides (gate conditioned on Z_j, control variates) against the raw statistic;
(c) a wrong constant in a route is caught, both by (a) and through the engine (a 1 % error is refuted).
No test asserts the verdict of a claim of the notes.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st
from scipy.special import erf

from derivations.api import Point, Sampled, claim, eq
from derivations.engine.audit import audit_claim
from derivations.engine.settings import AuditSettings
from derivations.topics import small_bump_gate as sb
from derivations.topics._data import sized
from numerics.models import datamodels as dm
from numerics.models import erf_orthants as eo
from numerics.quadrature import bivariate_gaussian_expectation

SETTINGS = AuditSettings.for_mode("quick")
POINTS = [dict(i=0, m=2, xi1=1.3, xi2=2.5, g=0.7), dict(i=2, m=3, xi1=3.0, xi2=0.8, g=3.0)]
SAMPLES = 200_000


def _mc(statistic, dim: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Plain Monte Carlo mean and standard error of a per-sample statistic of eps (the old route)."""
    eps = np.random.default_rng(seed).standard_normal((SAMPLES, dim))
    v = np.asarray(statistic(eps), dtype=float)
    return v.mean(axis=0), v.std(axis=0, ddof=1) / np.sqrt(SAMPLES)


def _agree(exact: np.ndarray, mean: np.ndarray, se: np.ndarray) -> bool:
    return bool(np.all(np.abs(np.asarray(exact) - mean) <= 6 * se + 1e-12))


# --------------------------------------------------------------------------- (a) exact routes against the old MC
@pytest.mark.parametrize("q", POINTS)
def test_mixture_gated_mean_matches_monte_carlo_on_the_mixture(q):
    p = sized(Point(q))
    for data, exact in ((sb.NLGP_MIXTURE, sb.sigma_yx_exact), (sb.ERF_MIXTURE, sb.gated_yx_exact)):
        mean, se = _mc(lambda eps: sb.gated_yx(p, *data.draw(p, eps)), data.dimension(p))
        assert _agree(exact(p).value, mean, se)


@pytest.mark.parametrize("q", POINTS)
def test_class1_gated_mean_matches_monte_carlo(q):
    p = sized(Point(q))
    mean, se = _mc(lambda eps: sb.gated_class1(p, eps), 2 * p.n + 1)
    assert _agree(sb.gated_class1_exact(p).value, mean, se)


@pytest.mark.parametrize("q", POINTS)
def test_gated_second_moment_matches_monte_carlo(q):
    p = Point({"g": q["g"], "xi": q["xi1"], "i": q["i"] % 4})
    mean, se = _mc(lambda eps: sb.gated_xx_class1(p, eps), 7)
    assert _agree(sb.gated_xx_class1_exact(p).value, mean, se)


def test_half_space_erf_matches_the_old_cubature():
    for g, r in ((0.3, 0.2), (4.0, 0.95)):
        old = bivariate_gaussian_expectation(lambda u, v: (u > 0) * erf(g * v), r)
        new = sb.half_space_erf(Point({"g": g, "r": r}))
        assert abs(float(new.value) - float(old.value)) <= float(old.abs_error) + 1e-12


def test_control_means_match_monte_carlo():
    cov = dm.covariance(5, 1.3)
    factor = dm.latent_factor(5, 1.3)
    mean, se = _mc(lambda eps: eo.gated_controls(eps @ factor.T, 2), 5)
    assert _agree(eo.gated_control_means(cov, 2), mean, se)


# --------------------------------------------------------------------------- (b) the variance-reduced sampled sides
@pytest.mark.parametrize("q", POINTS)
def test_reduced_estimator_has_the_raw_mean_and_a_smaller_variance(q):
    p = sized(Point(q))
    raw_mean, raw_se = _mc(lambda eps: sb.restricted_class1(p, eps, reduced=False), p.n)
    red_mean, red_se = _mc(lambda eps: sb.restricted_class1(p, eps), p.n)
    assert _agree(red_mean, raw_mean, np.hypot(raw_se, red_se))
    assert _agree(sb.sigma_yx_exact(p).value, red_mean, red_se)
    assert np.max(red_se) < 0.5 * np.max(raw_se)


# --------------------------------------------------------------------------- (c) a wrong constant is caught
def test_a_wrong_constant_in_the_erf_as_sign_route_is_caught(monkeypatch):
    """erf(gz) = 2 Phi(sqrt(2) g z) - 1: with 2 instead of sqrt(2) the route disagrees with Monte Carlo."""
    p = sized(Point(POINTS[0]))
    mean, se = _mc(lambda eps: sb.gated_yx(p, *sb.ERF_MIXTURE.draw(p, eps)), sb.ERF_MIXTURE.dimension(p))
    assert _agree(sb.gated_yx_exact(p).value, mean, se)
    monkeypatch.setattr(eo, "SQRT2", 2.0)
    assert not _agree(sb.gated_yx_exact(p).value, mean, se)


def _variant(name: str, claimed, reference):
    return claim(f"test.bump.{name}", sources=[eq("001_d82c553c3bda8740.txt", "74")], latex="x",
                 params=sb.mixture_params, claimed=claimed, reference=reference)


def test_the_engine_refutes_a_one_percent_error_against_the_exact_reference():
    good = _variant("exact.good", lambda p: sb.sigma_yx_exact(p).value, sb.sigma_yx_exact)
    bad = _variant("exact.bad", lambda p: 1.01 * sb.sigma_yx_exact(p).value, sb.sigma_yx_exact)
    assert audit_claim(good, SETTINGS, lambda _id: None)["verdict"] in ("confirmed", "proved")
    assert audit_claim(bad, SETTINGS, lambda _id: None)["verdict"] == "refuted"


def test_the_reduced_sampled_side_sees_a_one_percent_error():
    dim = lambda p: sized(p).n  # noqa: E731
    good = _variant("reduced.good", Sampled(dim, sb.restricted_class1), sb.sigma_yx_exact)
    bad = _variant("reduced.bad", Sampled(dim, lambda p, eps: 1.01 * sb.restricted_class1(p, eps)), sb.sigma_yx_exact)
    assert audit_claim(good, SETTINGS, lambda _id: None)["verdict"] == "confirmed"
    assert audit_claim(bad, SETTINGS, lambda _id: None)["verdict"] == "refuted"
