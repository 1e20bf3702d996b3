"""Tests of the relu.* modules: every entry audits without an error, and every kind of check
the modules use refutes a deliberately broken variant while confirming its correct counterpart.

No test asserts the verdict of a note's claim: the variants below are declared here.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st

from derivations.topics._notes import N001
from derivations.api import Sampled, claim, quote
from derivations.engine.audit import audit_claim
from derivations.engine.settings import AuditSettings
from derivations.topics.relu import common as rc
from tests.conftest import entries
from derivations.topics.relu import f_properties as fp
from derivations.topics.relu import fourier as fr
from derivations.topics.relu import gaussian as rg
from derivations.topics.relu import steady_states as ss
from numerics.models import fourier as fo
from numerics.models.relu_population import GaussianTask

SETTINGS = AuditSettings.for_mode("quick")
SOURCE = [quote(N001, "test variant")]


def verdict(c) -> str:
    return audit_claim(c, SETTINGS, lambda i: None)["verdict"]


def variant(name: str, claimed, reference, params, **kw):
    return claim(f"test.relu.{name}", sources=SOURCE, latex="test", claimed=claimed, reference=reference,
                 params=params, **kw)


# --------------------------------------------------------------------------- (a) the whole selection
def test_every_relu_entry_audits_without_error(whole_audit):
    results = entries(whole_audit, "relu.")
    assert len(results) > 80
    errors = [(r["id"], r["diagnosis"]) for r in results if r["verdict"] == "error"]
    assert errors == []
    assert all(r["verdict"] in ("proved", "confirmed", "refuted", "inconclusive") for r in results if r["kind"] == "claim")


# --------------------------------------------------------------------------- (b) broken variants, by kind of check
GAUSS = {"n": st.integers(3, 4), "xi1": rc.lengths, "xi0": rc.lengths, "w_seed": rc.seeds}


def io_term_flipped(p, eps):
    """(19) with the input-output term's sign flipped."""
    w = rc.weights(p)
    x1, x0 = rc.two_class(p, eps)
    s1, s0 = x1 @ w, x0 @ w
    return -0.5 * (s1 > 0)[:, None] * x1 - (0.5 * (s1 * (s1 > 0))[:, None] * x1 + 0.5 * (s0 * (s0 > 0))[:, None] * x0)


@pytest.mark.parametrize("broken", [False, True])
def test_monte_carlo_gradient_of_the_loss(broken):
    """Kind: a flow against central differences of the sampled loss (paired)."""
    c = variant(f"mc_gradient.{broken}", Sampled(rc.two_class_dim, io_term_flipped if broken else ss.eq19_statistic),
                Sampled(rc.two_class_dim, lambda p, eps: rc.loss_gradient_fd(p, eps, rc.weights(p))), GAUSS)
    assert verdict(c) == ("refuted" if broken else "confirmed")


@pytest.mark.parametrize("constant", [1 / np.sqrt(2 * np.pi), 1 / np.pi])
def test_monte_carlo_conditional_expectation(constant):
    """Kind: a closed form against Monte Carlo on sampled data (E[X 1(S>0) | Y=1])."""
    def closed(p):
        w, cov = rc.weights(p), rc.latent_cov(p, 1)
        return constant * cov @ w / np.sqrt(w @ cov @ w)

    c = variant(f"mc_expectation.{constant:.3f}", closed, Sampled(lambda p: p.n, rg.restricted_first_moment),
                {"n": st.integers(3, 4), "xi1": rc.lengths, "w_seed": rc.seeds})
    assert verdict(c) == ("confirmed" if constant == 1 / np.sqrt(2 * np.pi) else "refuted")


@pytest.mark.parametrize("sigma0_weight", [0.25, 0.5])
def test_exact_population_gradient(sigma0_weight):
    """Kind: a flow against the complex-step gradient of the exact Gaussian loss."""
    def flow(p):
        w, s1, s0 = rc.weights(p), rc.latent_cov(p, 1), rc.latent_cov(p, 0)
        return -(sigma0_weight * s0 + 0.25 * (1 - np.sqrt(2 / np.pi) / np.sqrt(w @ s1 @ w)) * s1) @ w

    c = variant(f"exact_gradient.{sigma0_weight}", flow, ss.exact_flow, GAUSS)
    assert verdict(c) == ("confirmed" if sigma0_weight == 0.25 else "refuted")


def test_complex_step_gradient_matches_finite_differences():
    cov1, cov0 = 0.7 * np.eye(4) + 0.3, np.eye(4)
    task = GaussianTask(cov1, cov0)
    w = np.array([0.3, -0.2, 0.5, 0.1])
    fd = np.array([(task.loss(w + h) - task.loss(w - h)) / 2e-6 for h in 1e-6 * np.eye(4)])
    assert np.allclose(task.gradient(w), fd, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("factor", [2 / np.pi, 1 / np.pi])
def test_steady_state_by_root_finding(factor):
    """Kind: an amplitude formula against the root of the exact gradient on a Fourier ray."""
    def amplitude(p):
        uk, l1, l0, _ = ss._single(p)
        return factor * l1 / (l0 + l1) ** 2

    c = variant(f"steady.{factor:.3f}", amplitude, ss.solved_amplitude, ss.SINGLE_PARAMS, method="exact")
    assert verdict(c) == ("confirmed" if factor == 2 / np.pi else "refuted")


@pytest.mark.parametrize("frequency", [0, 1])
def test_ode_rest_point(frequency):
    """Kind: the rest point of the exact flow integrated by scipy (all energy at one frequency)."""
    def energy(p):
        out = np.zeros(p.n // 2 + 1)
        out[frequency] = 1.0
        return out

    params = {"n": st.just(12), "xi1": st.just(1.5), "xi0": st.just(0.6), "w_seed": st.just(0), "distance": st.just("ring")}
    c = variant(f"ode.{frequency}", energy, ss.limit_energy, params)
    assert verdict(c) == ("confirmed" if frequency == 0 else "refuted")


@pytest.mark.parametrize("homogeneous", [False, True])
def test_invariance_on_common_random_numbers(homogeneous):
    """Kind: an invariance of f with both sides on the same samples (scale: f(aw) = f(w), not a f(w))."""
    claimed = Sampled(rc.two_class_dim, lambda p, eps: (p.alpha if homogeneous else 1.0) * fp.f_samples(p, eps, rc.weights(p)))
    reference = Sampled(rc.two_class_dim, lambda p, eps: fp.f_samples(p, eps, p.alpha * rc.weights(p)))
    params = {**fp.F_PARAMS, "family": st.sampled_from(["gaussian", "hypercube"]), "alpha": st.sampled_from([3.0, 0.1])}
    c = variant(f"invariance.{homogeneous}", claimed, reference, params)
    assert verdict(c) == ("refuted" if homogeneous else "confirmed")


@pytest.mark.parametrize("conjugate", [True, False])
def test_exact_linear_algebra(conjugate):
    """Kind: exact linear algebra (a circulant rebuilt from its DFT diagonal, with F^* or wrongly F^T)."""
    def rebuilt(p):
        f = fo.dft_matrix(p.n)
        back = f.conj().T if conjugate else f.T
        sigma = fr.covariance_of(p)
        return np.real(f @ np.diag(np.diag(back @ sigma @ f)) @ back)

    params = {"n": st.integers(3, 8), "xi": st.floats(0.5, 2.0), "kind": st.just("random"), "c_seed": st.integers(0, 99)}
    c = variant(f"linalg.{conjugate}", rebuilt, fr.covariance_of, params, method="exact")
    assert verdict(c) == ("confirmed" if conjugate else "refuted")


@pytest.mark.parametrize("squared", [False, True])
def test_quadrature_side(squared):
    """Kind: a quadrature-evaluated side (001 (11) as written, or with P(S>0) applied twice)."""
    def line11(p, ctx):
        est = rg.eq11_claimed(p, ctx)
        return est.scaled(0.5) if squared else est

    c = variant(f"quadrature.{squared}", line11, Sampled(lambda p: p.n, rg.restricted_first_moment), rg.GAUSS_PARAMS)
    assert verdict(c) == ("refuted" if squared else "confirmed")


# --------------------------------------------------------------------------- exact enumeration of nested conditionals
def test_nested_conditional_enumeration_refutes_a_dropped_mean_term():
    """(53) with the mean term S v dropped must be refuted; (53) itself is confirmed."""
    from derivations.topics.relu import decomposition_000 as dec

    good = variant("nested.good", lambda p: (lambda cl: dec._exact(
        cl.given_positive(cl.patterns @ cl.a.T) + cl.given_positive(cl.s) / (cl.w @ cl.sigma @ cl.w) * (cl.sigma @ cl.w),
        cl, "good"))(dec.law(p)), dec.mean_given_positive, dec.PARAMS, method="exact")
    bad = variant("nested.bad", lambda p: (lambda cl: dec._exact(cl.given_positive(cl.patterns @ cl.a.T), cl, "bad"))(dec.law(p)),
                  dec.mean_given_positive, dec.PARAMS, method="exact")
    assert verdict(good) == "confirmed"
    assert verdict(bad) == "refuted"
