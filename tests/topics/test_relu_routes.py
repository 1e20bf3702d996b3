"""The low-dimensional references of the relu.* claims (derivations/topics/relu/routes.py and the exact
sides in gaussian.py / single_step.py) against the Monte Carlo sides they replaced, and broken
variants that the new references must refute.

No test asserts the verdict of a note's claim: the variants below are declared here.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import strategies as st

from derivations.api import Point, Sampled, Tolerances, claim, quote
from derivations.engine.audit import audit_claim
from derivations.engine.settings import AuditSettings
from derivations.topics._notes import N003
from derivations.topics.relu import common as rc
from derivations.topics.relu import f_properties as fp
from derivations.topics.relu import gaussian as rg
from derivations.topics.relu import routes
from derivations.topics.relu import single_step as st1
from numerics import montecarlo
from numerics.context import Context

# few points and a short shrink: the variants only need one point to tell a wrong constant
SETTINGS = replace(AuditSettings.for_mode("quick"), max_examples=4, shrink_budget=10, database=None)
COVARIANCE_SAMPLED = Sampled(rc.two_class_dim, fp.second_moment, "X X^T")
SECOND_MOMENT_SAMPLED = Sampled(rc.two_class_dim, rg.second_moment_given_positive, "2 S^2 1(S>0)")
SOURCE = [quote(N003, "test variant")]
CTX = Context(samples=1 << 14, sampling="qmc", randomizations=16, seed_material=("test-routes",))


def monte_carlo(sampled, p, samples: int = 1 << 16):
    """The old Monte Carlo side at p: (mean, standard error)."""
    est = montecarlo.expectation(lambda eps: sampled.statistic(p, eps), sampled.dimension(p), samples,
                                 np.random.default_rng(7))
    return np.asarray(est.value), np.asarray(est.std_error)


def agree(new, mc_mean, mc_se, z: float = 5.0) -> None:
    """The new route within z standard errors of the Monte Carlo mean (plus its own error)."""
    own = np.asarray(new.abs_error) + z * np.asarray(0.0 if new.std_error is None else new.std_error)
    gap = np.abs(np.asarray(new.value) - mc_mean)
    assert np.all(gap <= z * mc_se + own + 1e-12), (new.value, mc_mean, mc_se)


FAMILY_POINTS = [
    Point({"n": 4, "xi1": 1.0, "xi0": 0.7, "w_seed": 3, "family": "gaussian", "g": 1.0, "nu": 5, "distance": "ring"}),
    Point({"n": 5, "xi1": 0.7, "xi0": 1.0, "w_seed": 5, "family": "student", "g": 1.0, "nu": 6, "distance": "plain"}),
    Point({"n": 4, "xi1": 1.2, "xi0": 1.0, "w_seed": 1, "family": "nlgp", "g": 3.0, "nu": 5, "distance": "ring"}),
    Point({"n": 5, "xi1": 1.5, "xi0": 1.0, "w_seed": 2, "family": "hypercube", "g": 1.0, "nu": 5, "distance": "plain"}),
]


# --------------------------------------------------------------------------- new routes against the old Monte Carlo
@pytest.mark.parametrize("p", FAMILY_POINTS, ids=lambda p: p.family)
def test_restricted_mean_matches_monte_carlo(p):
    mean, se = monte_carlo(fp.F_SAMPLED, p)
    agree(routes.restricted_mean(p, CTX, rc.weights(p)), mean, se)


@pytest.mark.parametrize("p", FAMILY_POINTS[:2], ids=lambda p: p.family)
def test_relu_gradient_matches_monte_carlo(p):
    mean, se = monte_carlo(fp.F_DERIVATIVE, p)
    agree(routes.relu_gradient(p), mean, se)


@pytest.mark.parametrize("p", FAMILY_POINTS, ids=lambda p: p.family)
def test_covariance_matches_monte_carlo(p):
    mean, se = monte_carlo(COVARIANCE_SAMPLED, p)
    agree(routes.covariance(p, 1), mean, se)


@pytest.mark.parametrize("p", FAMILY_POINTS, ids=lambda p: p.family)
def test_half_second_moment_matches_monte_carlo(p):
    mean, se = monte_carlo(SECOND_MOMENT_SAMPLED, p)
    agree(routes.half_second_moment(p, CTX), mean, se)


@pytest.mark.parametrize("p", FAMILY_POINTS, ids=lambda p: p.family)
def test_cross_covariance_matches_monte_carlo(p):
    mean, se = monte_carlo(rg.CROSS_COVARIANCE_SAMPLED, p)
    agree(rg.cross_covariance_exact(p), mean, se)


def test_independence_witness_matches_monte_carlo():
    p = FAMILY_POINTS[0]
    mean, se = monte_carlo(rg.INDEPENDENCE_SAMPLED, p)
    agree(rg.independence_witness_exact(p), mean, se)


def test_gaussian_a_term_matches_monte_carlo():
    p = FAMILY_POINTS[0]
    mean, se = monte_carlo(st1.GAUSSIAN_A_TERM_SAMPLED, p)
    agree(st1.gaussian_a_term_exact(p), mean, se)


# --------------------------------------------------------------------------- a wrong constant is refuted
def variant(name: str, claimed, reference, params, **kw):
    return claim(f"test.relu.routes.{name}", sources=SOURCE, latex="test", claimed=claimed, reference=reference,
                 params=params, **kw)


ELLIPTIC = {"n": st.integers(3, 4), "xi1": rc.lengths, "xi0": rc.lengths, "w_seed": rc.seeds,
            "family": st.sampled_from(["gaussian", "student"]), "g": st.just(1.0), "nu": st.sampled_from([5, 6])}
ALL_FAMILIES = {**ELLIPTIC, "family": rc.families, "g": rc.gains}


def verdict(c) -> str:
    return audit_claim(c, SETTINGS, lambda i: None)["verdict"]


@pytest.mark.parametrize("factor", [1.0, 1.01])
def test_elliptical_constant(factor):
    c = variant(f"elliptical{factor}", lambda p: factor * fp.elliptical_form(p), routes.relu_gradient, ELLIPTIC)
    assert verdict(c) == ("confirmed" if factor == 1.0 else "refuted")


@pytest.mark.parametrize("factor", [1.0, 1.03])
def test_second_moment_constant(factor):
    c = variant(f"second_moment{factor}", lambda p: factor * float(rc.weights(p) @ rc.class_cov(p, 1) @ rc.weights(p)),
                routes.half_second_moment, ALL_FAMILIES)
    assert verdict(c) == ("confirmed" if factor == 1.0 else "refuted")


@pytest.mark.parametrize("factor", [1.0, 1.03])
def test_equivariance_constant(factor):
    """footnote 2 with A = -I: f(-w) = -f(w); a claimed side scaled by 1.03 must be refuted (all families)."""
    params = {**ALL_FAMILIES, "map": st.just("minus_identity")}
    c = variant(f"footnote2_{factor}", routes.restricted_mean_side(transform_f=lambda p: factor * fp.orthogonal_map(p)),
                routes.restricted_mean_side(transform_w=fp.orthogonal_map), params)
    assert verdict(c) == ("confirmed" if factor == 1.0 else "refuted")


@pytest.mark.parametrize("offset", [0.0, 1e-3])
def test_zero_claims_offset(offset):
    """Cov(AX, S) = 0 and the independence witness: an offset of 1e-3 is refuted."""
    single = {"n": rc.small_n, "xi1": rc.lengths, "xi0": rc.lengths, "w_seed": rc.seeds}
    a = variant(f"zero_cov{offset}", lambda p: np.full(p.n, offset), lambda p: rg.cross_covariance_exact(p),
                {**single, "family": rc.families, "g": rc.gains, "nu": rc.dofs}, tolerances=Tolerances(scale=1.0))
    b = variant(f"independent{offset}", lambda p: np.full(2 * p.n, offset), lambda p: rg.independence_witness_exact(p),
                single, tolerances=Tolerances(scale=1.0))
    expected = "confirmed" if offset == 0.0 else "refuted"
    assert verdict(a) == expected and verdict(b) == expected


GAUSS_POINT = Point({"n": 4, "xi1": 1.5, "w_seed": 4})


def test_conditional_mean_matches_monte_carlo():
    mean, se = monte_carlo(st1.CONDITIONAL_MEAN_SAMPLED, GAUSS_POINT)
    agree(st1.conditional_mean_exact(GAUSS_POINT), mean, se)
    mean, se = monte_carlo(rg.FIRST_MOMENT_SAMPLED, GAUSS_POINT)
    agree(routes.relu_gradient(GAUSS_POINT), mean, se)


def test_conditional_second_moment_matches_monte_carlo():
    mean, se = monte_carlo(st1.SECOND_MOMENT_SAMPLED, GAUSS_POINT)
    agree(routes.conditional_second_moment(GAUSS_POINT), mean, se)


def test_exact_flow_matches_monte_carlo():
    p = Point({"n": 4, "xi1": 1.0, "xi0": 0.7, "w_seed": 2, "distance": "ring", "family": "gaussian"})
    for factor in (1.0, 2.0):
        mean, se = monte_carlo(fp.flow_reference_sampled(factor), p)
        agree(routes.times(fp.exact_flow_fourier(p), (factor, 0.0)), mean, se)


@pytest.mark.parametrize("factor", [1.0, 1.01])
def test_conditional_second_moment_constant(factor):
    """E[x x^T | S > 0] = Sigma_1 (the note's corrected (70)); a claimed side off by 1 % is refuted."""
    c = variant(f"second_moment_hessian{factor}", lambda p: factor * rc.latent_cov(rc.with_defaults(p, xi0=1.0), 1),
                routes.conditional_second_moment, {"n": rc.small_n, "xi1": rc.lengths, "w_seed": rc.seeds})
    assert verdict(c) == ("confirmed" if factor == 1.0 else "refuted")
