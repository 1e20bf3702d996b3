"""Tests of the hypercube topic (``cube.*``) and of its engines (orthant probabilities, limits).

(a) every ``cube.*`` entry audits without an ``error`` verdict;
(b) for every kind of check the topic uses, a deliberately broken variant declared HERE is refuted and its correct
    counterpart confirmed (or proved).  No test asserts the verdict of a claim of the notes.
(c) the orthant engine against Monte Carlo and scipy, the limit engine against a known expansion.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import strategies as st

from derivations.api import Sampled, Tolerances, claim, eq
from derivations.engine.audit import audit_claim
from derivations.engine.settings import AuditSettings
from derivations.topics.cube import two_neuron as two
from derivations.topics.cube.common import cube_points, dot, f_cube, gated, nlgp_sample, sign_covariance, unit
from numerics.models import datamodels as dm
from numerics.models import orthants
from numerics.limits import extrapolate_to_zero

SETTINGS = AuditSettings.for_mode("quick")
NOTE = "003_c2e974961b11df53.txt"


def verdict(c) -> str:
    return audit_claim(c, SETTINGS, lambda _id: None)["verdict"]


# =========================================================================== (a) the topic audits without errors
@pytest.fixture(scope="module")
def cube_audit(whole_audit) -> dict:
    """The cube.* entries of the session's whole audit (audited once for all topic tests)."""
    results = [r for r in whole_audit["results"] if r["id"].startswith("cube.")]
    assert results, "no cube.* claims were found"
    return {**whole_audit, "results": results}


def test_every_cube_entry_audits_without_error(cube_audit):
    bad = [(r["id"], r["diagnosis"]) for r in cube_audit["results"] if r["verdict"] == "error"]
    assert not bad, bad


def test_every_cube_claim_has_a_computed_verdict(cube_audit):
    for r in cube_audit["results"]:
        if r["kind"] == "claim":
            assert r["verdict"] in ("proved", "confirmed", "refuted", "inconclusive"), r["id"]
        if r["verdict"] == "refuted":
            assert r["counterexample"] is not None and r["diagnosis"], r["id"]


# =========================================================================== (b) broken variants, one per kind of check
SITES = {"i": st.integers(0, 3), "dj": st.integers(1, 2), "m": st.integers(0, 2), "xi": st.floats(0.6, 5.0)}


def _balanced(p) -> np.ndarray:
    n = p.i + p.dj + 1 + p.m
    return unit(n, p.i) + unit(n, p.i + p.dj)


def _exact_variant(factor: float):
    return claim(
        f"test.cube.exact_enumeration.{factor:g}",
        sources=[eq(NOTE, "9")],
        latex=r"f(e_i + e_j) = c\, \text{Cov}(\text{sign} Z)(e_i + e_j)",
        params=SITES,
        claimed=lambda p: factor * sign_covariance(_balanced(p).size, p.xi) @ _balanced(p),
        reference=lambda p: f_cube(_balanced(p), _balanced(p).size, p.xi),
        method="exact",
    )


def test_exact_enumeration_catches_a_wrong_constant():
    assert verdict(_exact_variant(0.25)) in ("confirmed", "proved")
    assert verdict(_exact_variant(1.0 / 3.0)) == "refuted"


def _indicator_variant(min_slack: int):
    def weights(p):
        return [sum(abs(r) for r in p.rest) + p.slack, *p.rest]

    return claim(
        f"test.cube.indicator.{min_slack}",
        sources=[eq(NOTE, "13")],
        latex=r"\sum_{i \geq 2}|w_i/w_1| \leq 1 \Rightarrow \mathbb{1}(\langle w, x\rangle \geq 0) = \mathbb{1}(x_1 \geq 0)",
        params={"rest": st.lists(st.integers(-4, 4), min_size=1, max_size=4), "slack": st.integers(min_slack, 4)},
        claimed=lambda p: np.array([float(x[0] >= 0) for x in cube_points(len(weights(p)))]),
        reference=lambda p: np.array([float(dot(weights(p), x) >= 0) for x in cube_points(len(weights(p)))]),
        method="exact",
    )


def test_indicator_property_catches_the_tie_at_the_boundary():
    assert verdict(_indicator_variant(1)) in ("confirmed", "proved")  # strict inequality
    assert verdict(_indicator_variant(0)) == "refuted"  # <= admits the tie x = (-1, sign w_2, ...)


def _rational_variant(exact_ties: bool):
    """The gate decided in exact arithmetic (correct) or after a float division that can misplace ties (broken: > for >=)."""
    def claimed(p):
        w = [p.w1, *p.rest]
        if exact_ties:
            return np.array([float(x[0] >= -sum(Fraction(r, p.w1) * xi for r, xi in zip(p.rest, x[1:]))) for x in cube_points(len(w))])
        return np.array([float(x[0] > -sum(Fraction(r, p.w1) * xi for r, xi in zip(p.rest, x[1:]))) for x in cube_points(len(w))])

    return claim(
        f"test.cube.rational.{exact_ties}",
        sources=[eq(NOTE, "13")],
        latex=r"\mathbb{1}(\langle w, x \rangle \geq 0) = \mathbb{1}(x_1 \geq -\sum_{i \geq 2} (w_i/w_1) x_i)",
        params={"w1": st.integers(1, 4), "rest": st.lists(st.integers(-4, 4), min_size=1, max_size=4)},
        claimed=claimed,
        reference=lambda p: np.array([float(dot([p.w1, *p.rest], x) >= 0) for x in cube_points(1 + len(p.rest))]),
        method="exact",
    )


def test_exact_rational_identity_catches_a_strict_inequality():
    assert verdict(_rational_variant(True)) in ("confirmed", "proved")
    assert verdict(_rational_variant(False)) == "refuted"


def _quadrature_variant(sign: int):
    g = sp.Symbol("g", positive=True)
    return claim(
        f"test.cube.quadrature.{sign}",
        sources=[eq("001_d82c553c3bda8740.txt", "36")],
        latex=r"\mathbb{E}[\text{erf}(gZ) 1(Z > 0)] = \pm \tan^{-1}(\sqrt{2} g)/\pi",
        params={"g": st.floats(0.05, 20.0)},
        claimed=sign * sp.atan(sp.sqrt(2) * g) / sp.pi,
        reference=two.half_line_erf,
    )


def test_quadrature_catches_a_flipped_sign():
    assert verdict(_quadrature_variant(1)) in ("confirmed", "proved")
    assert verdict(_quadrature_variant(-1)) == "refuted"


def _two_neuron_vector(drop_w1: bool):
    def side(p):
        d1, dk = two.directions(p)
        return (0.0 if drop_w1 else two.coefficient_w1(p)) * d1 + two.coefficient_wk(p) * dk
    return side


def test_bivariate_cubature_catches_a_dropped_term():
    good = claim("test.cube.cubature.good", sources=[eq("001_d82c553c3bda8740.txt", "17")], latex="x",
                 params=two.TWO, claimed=_two_neuron_vector(False), reference=two.quadrature_vector)
    bad = claim("test.cube.cubature.bad", sources=[eq("001_d82c553c3bda8740.txt", "17")], latex="x",
                params=two.TWO, claimed=_two_neuron_vector(True), reference=two.quadrature_vector)
    assert verdict(good) in ("confirmed", "proved")
    assert verdict(bad) == "refuted"


def _flipped_arcsin(p):
    d1, dk = two.directions(p)
    return two.coefficient_w1(p) * d1 + (0.25 - np.arcsin(two.rhos(p)[3]) / (2 * np.pi)) * dk


def test_monte_carlo_catches_a_flipped_sign():
    mc = Sampled(lambda p: p.n, two.sampled_lhs)
    good = claim("test.cube.mc.good", sources=[eq("001_d82c553c3bda8740.txt", "17")], latex="x",
                 params=two.TWO, claimed=_two_neuron_vector(False), reference=mc)
    bad = claim("test.cube.mc.bad", sources=[eq("001_d82c553c3bda8740.txt", "17")], latex="x",
                params=two.TWO, claimed=_flipped_arcsin, reference=mc)
    assert verdict(good) == "confirmed"
    assert verdict(bad) == "refuted"


def _paired_variant(scale: float):
    """f(scale * w) = f(w) at finite g, on common random numbers: true for scale > 0, false for scale = -1."""
    def weights(p):
        return np.random.default_rng(p.w_seed).standard_normal(p.n)

    return claim(
        f"test.cube.paired.{scale:g}",
        sources=[eq(NOTE, "10")],
        latex=r"f(c w) = f(w)",
        params={"n": st.integers(2, 4), "xi": st.floats(0.6, 5.0), "g": st.floats(0.1, 10.0), "w_seed": st.integers(0, 99)},
        claimed=Sampled(lambda p: p.n, lambda p, eps: gated(nlgp_sample(eps, p.n, p.xi, p.g), scale * weights(p))),
        reference=Sampled(lambda p: p.n, lambda p, eps: gated(nlgp_sample(eps, p.n, p.xi, p.g), weights(p))),
        tolerances=Tolerances(scale=1.0),
    )


def test_paired_monte_carlo_catches_a_sign_flip():
    assert verdict(_paired_variant(2.5)) == "confirmed"
    assert verdict(_paired_variant(-1.0)) == "refuted"


def _limit_variant(offset: float):
    from derivations.topics.cube.data import gaussian_gap

    return claim(
        f"test.cube.limit.{offset:g}",
        sources=[eq(NOTE, "7")],
        latex=r"\lim_{g \to 0} \mathbb{E}[(X_1 - Z_1)^2] = c",
        params={},
        claimed=sp.Float(offset),
        reference=lambda p: extrapolate_to_zero(gaussian_gap, 0.4, levels=5, power=2.0),
        tolerances=Tolerances(scale=1.0),
    )


def test_limit_extrapolation_catches_a_wrong_limit():
    assert verdict(_limit_variant(0.0)) in ("confirmed", "proved")
    assert verdict(_limit_variant(1e-3)) == "refuted"


# =========================================================================== (c) the engines
@pytest.mark.parametrize("d, xi", [(2, 1.0), (3, 2.0), (4, 1.5), (5, 0.8), (5, 3.0)])
def test_sign_law_matches_monte_carlo(d, xi):
    cov = dm.covariance(d, xi)
    law = orthants.sign_law(cov)
    assert law.prob.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(law.prob >= -1e-15)
    rng = np.random.default_rng(20240 + d)
    samples = 1 << 20
    z = rng.standard_normal((samples, d)) @ dm.latent_factor(d, xi).T
    codes = ((z < 0).astype(int) * (1 << np.arange(d - 1, -1, -1))).sum(axis=1)  # same order as sign_patterns
    freq = np.bincount(codes, minlength=2**d) / samples
    se = np.sqrt(law.prob * (1 - law.prob) / samples)
    assert np.all(np.abs(freq - law.prob) <= 6 * se + 1e-12), np.max(np.abs(freq - law.prob) / (se + 1e-300))


@pytest.mark.parametrize("d, xi", [(4, 1.0), (4, 4.0), (5, 2.0)])
def test_plackett_orthants_match_scipy(d, xi):
    from scipy.stats import multivariate_normal

    cov = dm.covariance(d, xi)
    law = orthants.sign_law(cov)
    for k in (0, 3):
        s = law.patterns[k]
        ref = multivariate_normal.cdf(np.zeros(d), cov=cov * np.outer(s, s), abseps=1e-6, releps=0,
                                      rng=np.random.default_rng(k))
        assert law.prob[k] == pytest.approx(ref, abs=5e-6)


def test_closed_forms_for_three_variables():
    r = np.array([[1.0, 0.3, -0.2], [0.3, 1.0, 0.5], [-0.2, 0.5, 1.0]])
    value, error = orthants.orthant_probability(r)
    expected = 1 / 8 + (math.asin(0.3) + math.asin(-0.2) + math.asin(0.5)) / (4 * math.pi)
    assert value == pytest.approx(expected, abs=1e-15) and error < 1e-14


def test_scipy_fallback_beyond_five_variables():
    cov = dm.covariance(6, 1.0)
    value, error = orthants.orthant_probability(cov)
    rng = np.random.default_rng(7)
    z = rng.standard_normal((1 << 20, 6)) @ dm.latent_factor(6, 1.0).T
    freq = float(np.mean(np.all(z > 0, axis=1)))
    se = math.sqrt(freq * (1 - freq) / (1 << 20))
    assert abs(value - freq) <= 6 * se + error


def test_restricted_mean_matches_monte_carlo():
    n, xi = 5, 1.3
    w = np.array([1.0, -2.0, 0.0, 0.5, 1.5])
    exact = f_cube(w, n, xi)
    rng = np.random.default_rng(3)
    x = np.sign(rng.standard_normal((1 << 20, n)) @ dm.latent_factor(n, xi).T)
    mc = ((x @ w >= 0)[:, None] * x)
    se = mc.std(axis=0) / math.sqrt(mc.shape[0])
    assert np.all(np.abs(mc.mean(axis=0) - np.asarray(exact.value)) <= 6 * se)


def test_limit_engine_on_a_known_expansion():
    est = extrapolate_to_zero(lambda h: (math.exp(h) - 1 - h + 0.25, 0.0), 0.5, levels=6, power=1.0)
    assert float(est.value) == pytest.approx(0.25, abs=float(est.abs_error) + 1e-12)
    assert float(est.abs_error) < 1e-5
