"""Tests of the GDLN modules: no claim errors, and every kind of check can refute.

Tests never assert the verdict of a note's claim.  For each kind of check used by the
``gdln.*`` claims, a deliberately broken variant declared here must come out ``refuted``
and its correct counterpart ``confirmed`` (or ``proved``).
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import strategies as st

from derivations.api import Point, Sampled, claim, quote
from derivations.engine.audit import audit_claim
from derivations.engine.settings import AuditSettings
from derivations.topics.gdln import model_31 as model
from derivations.topics.gdln import ode_33 as ode
from derivations.topics.gdln import ols_34 as ols
from derivations.topics.gdln import time_51 as timed
from derivations.topics.gdln.common import network, with_family
from numerics.models import gdln as gd
from numerics.domain import OutsideDomain

SETTINGS = AuditSettings.for_mode("quick")
NOTE = "test"


def verdict(c) -> str:
    result = audit_claim(c, SETTINGS, lambda _id: None)
    assert result["verdict"] != "error", result.get("traceback") or result["diagnosis"]
    return result["verdict"]


# --------------------------------------------------------------------------- (a) the whole selection
def test_every_gdln_entry_audits_without_error(whole_audit):
    results = [r for r in whole_audit["results"] if r["id"].startswith("gdln.")]
    assert len(results) > 60
    errors = [(r["id"], r["diagnosis"]) for r in results if r["verdict"] == "error"]
    assert not errors, errors
    for r in results:
        if r["corrected"] is not None:
            assert r["corrected"]["verdict"] != "error", (r["id"], r["corrected"])


# --------------------------------------------------------------------------- (b) broken variants, by kind
small_flow = {**with_family("halfspace", "exclusive"), "n": st.integers(2, 3), "K": st.integers(2, 3)}


def test_exact_gradient_check_refutes_a_sign_flip():
    """Finite differences of the empirical loss: K (-grad L) = b - A w / K; flipping the sign of b is caught."""
    good = claim("test.gdln.fd.good", sources=[quote(NOTE, "fd")], latex="x", params=small_flow,
                 claimed=lambda p: model.eq10_rhs(network(p), 1.0 / network(p).K),
                 reference=lambda p: gd.part(network(p).fd_flow(), None, network(p).K, (-1,)))
    bad = claim("test.gdln.fd.bad", sources=[quote(NOTE, "fd")], latex="x", params=small_flow,
                claimed=lambda p: -network(p).b - network(p).A @ network(p).w / network(p).K,
                reference=lambda p: gd.part(network(p).fd_flow(), None, network(p).K, (-1,)))
    assert verdict(good) == "confirmed"
    assert verdict(bad) == "refuted"


def test_monte_carlo_gradient_check_refutes_a_wrong_constant():
    """Paired Monte Carlo on the NLGP mixture: (48) with 1/K^2 on the weight terms vs per-sample differences;
    a factor 2 on Sigma^yx is caught."""
    params = {**with_family("halfspace"), "n": st.integers(2, 3), "K": st.integers(2, 3)}
    dim = model._mixture_dim
    reference = Sampled(dim, model.loss_gradient_per_sample)

    def doubled_yx(p, eps):
        x, y, gates = model._mixture_sample(p, eps)
        return model.eq48_per_sample(p, eps, 1.0 / p.K) + (gates[:, 0] * y)[:, None] * x / p.K

    good = claim("test.gdln.mc.good", sources=[quote(NOTE, "mc")], latex="x", params=params,
                 claimed=Sampled(dim, lambda p, eps: model.eq48_per_sample(p, eps, 1.0 / p.K)), reference=reference)
    bad = claim("test.gdln.mc.bad", sources=[quote(NOTE, "mc")], latex="x", params=params,
                claimed=Sampled(dim, doubled_yx), reference=reference)
    assert verdict(good) == "confirmed"
    assert verdict(bad) == "refuted"


def test_ode_trajectory_check_refutes_a_wrong_rate():
    """scipy trajectories of (10): the general modal solution agrees, a doubled decay rate does not."""

    def doubled_rate(p):
        net = network(p)
        lam, vecs = ode.eigen(net)
        u0 = vecs.T @ ode.initial_weights(p, net.A.shape[0])
        c = vecs.T @ net.b
        return c / lam + np.exp(-2 * np.outer(ode.times(p), lam) / (net.K * p.tau)) * (u0 - c / lam)

    params = {**ode.ode_params, "n": st.integers(2, 3), "init_scale": st.floats(0.5, 2.0)}
    good = claim("test.gdln.ode.good", sources=[quote(NOTE, "ode")], latex="x", params=params,
                 claimed=ode.general_modes, reference=ode.mode_trajectory)
    bad = claim("test.gdln.ode.bad", sources=[quote(NOTE, "ode")], latex="x", params=params,
                claimed=doubled_rate, reference=ode.mode_trajectory)
    assert verdict(good) == "confirmed"
    assert verdict(bad) == "refuted"


def test_symbolic_substitution_refutes_a_dropped_factor():
    """SymPy substitution of one mode into K tau u' = -lam u + c; dropping 1/lam on c is caught."""
    t, k, tau, lam = sp.symbols("t K tau lam", positive=True)
    c, cc = sp.symbols("c C", real=True)
    params = {"t": st.floats(0.0, 5.0), "K": st.integers(1, 3), "tau": st.floats(0.5, 2.0),
              "lam": st.floats(0.1, 3.0), "C": st.floats(-2.0, 2.0), "c": st.floats(-2.0, 2.0)}
    right = sp.exp(-t * lam / (k * tau) + cc) / lam + c / lam
    wrong = sp.exp(-t * lam / (k * tau) + cc) / lam + c
    good = claim("test.gdln.sym.good", sources=[quote(NOTE, "sym")], latex="x", params=params,
                 claimed=k * tau * sp.diff(right, t), reference=-lam * right + c)
    bad = claim("test.gdln.sym.bad", sources=[quote(NOTE, "sym")], latex="x", params=params,
                claimed=k * tau * sp.diff(wrong, t), reference=-lam * wrong + c)
    assert verdict(good) == "proved"
    assert verdict(bad) == "refuted"


def test_matrix_identity_check_refutes_the_wrong_kronecker_order():
    """<(g (x) x)(g (x) x)^T> equals the block matrix A; the order x (x) g does not (for K, n >= 2)."""

    def swapped_order(p):
        net = network(p)
        v = np.stack([np.kron(x, g) for g, x in zip(net.gates, net.x)])
        return v.T @ v / v.shape[0]

    good = claim("test.gdln.kron.good", sources=[quote(NOTE, "kron")], latex="x", params=small_flow,
                 claimed=lambda p: model.kron_moment(network(p)), reference=lambda p: network(p).A, method="exact")
    bad = claim("test.gdln.kron.bad", sources=[quote(NOTE, "kron")], latex="x", params=small_flow,
                claimed=swapped_order, reference=lambda p: network(p).A, method="exact")
    assert verdict(good) == "confirmed"
    assert verdict(bad) == "refuted"


def test_least_squares_check_refutes_a_wrong_constant():
    """A^-1 b against lstsq of y on xtilde on a large sample; 1.01 A^-1 b is caught."""
    params = {**with_family("halfspace"), "n": st.integers(2, 3), "K": st.integers(1, 2)}
    good = claim("test.gdln.ols.good", sources=[quote(NOTE, "ols")], latex="x", params=params,
                 claimed=ols.large_note_limit, reference=ols.ols_fit)
    bad = claim("test.gdln.ols.bad", sources=[quote(NOTE, "ols")], latex="x", params=params,
                claimed=lambda p: 1.01 * ols.large_note_limit(p), reference=ols.ols_fit)
    assert verdict(good) == "confirmed"
    assert verdict(bad) == "refuted"


def test_flow_limit_check_refutes_a_wrong_constant():
    """The exact long-time flow map of (10) against A^-1 b; 1.01 A^-1 b is caught."""
    params = {**ols.limit_params, "n": st.integers(2, 3), "K": st.integers(1, 2)}
    reference = lambda p: (lambda net: gd.flow_limit(net.A, net.b, net.K * p.tau,  # noqa: E731
                                                     ode.initial_weights(p, net.A.shape[0])))(network(p))
    good = claim("test.gdln.limit.good", sources=[quote(NOTE, "lim")], latex="x", params=params,
                 claimed=ols.note_limit, reference=reference)
    bad = claim("test.gdln.limit.bad", sources=[quote(NOTE, "lim")], latex="x", params=params,
                claimed=lambda p: 1.01 * ols.note_limit(p), reference=reference)
    assert verdict(good) == "confirmed"
    assert verdict(bad) == "refuted"


def test_replicated_sampling_check_refutes_an_offset():
    """Independent replicate samples with a paired standard error: the other-class form of (22) agrees with
    lstsq on swapped labels, the same plus 0.02 does not."""
    params = {**with_family("halfspace"), "n": st.integers(2, 3), "K": st.integers(1, 2)}

    def shifted(p):
        est = ols.other_class_formula(p)
        return gd.Estimate(est.value + 0.02, est.method, est.abs_error, est.std_error, est.samples, est.detail, dof=est.dof)

    good = claim("test.gdln.rep.good", sources=[quote(NOTE, "rep")], latex="x", params=params,
                 claimed=ols.other_class_formula, reference=ols.swapped_label_loss)
    bad = claim("test.gdln.rep.bad", sources=[quote(NOTE, "rep")], latex="x", params=params,
                claimed=shifted, reference=ols.swapped_label_loss)
    assert verdict(good) == "confirmed"
    assert verdict(bad) == "refuted"


def test_double_sum_check_refutes_a_wrong_constant():
    """Exact double sums over pairs (x, x') against A(t) A(t'); twice the sum is caught."""
    params = {**timed.product_params, "n": st.integers(2, 3), "K": st.integers(1, 2)}
    good = claim("test.gdln.pairs.good", sources=[quote(NOTE, "pairs")], latex="x", params=params,
                 claimed=timed.eq43, reference=timed.product_reference, method="exact")
    bad = claim("test.gdln.pairs.bad", sources=[quote(NOTE, "pairs")], latex="x", params=params,
                claimed=lambda p: 2 * timed.eq43(p), reference=timed.product_reference, method="exact")
    assert verdict(good) == "confirmed"
    assert verdict(bad) == "refuted"


def test_exact_boolean_check_refutes_a_negation():
    """SymPy decides simultaneous diagonalisability exactly; for symmetric pairs 'commute' agrees with it,
    'does not commute' does not."""
    params = {"kind": st.sampled_from(timed.SYMMETRIC_KINDS), "seed": st.integers(0, 2**16), "size": st.integers(2, 3)}
    reference = lambda p: timed._diagonalizable_together(p.kind, p.seed, p.size, False)  # noqa: E731
    good = claim("test.gdln.iff.good", sources=[quote(NOTE, "iff")], latex="x", params=params,
                 claimed=lambda p: timed.commute(*timed.symmetric_pair(p.kind, p.seed, p.size)), reference=reference,
                 method="exact")
    bad = claim("test.gdln.iff.bad", sources=[quote(NOTE, "iff")], latex="x", params=params,
                claimed=lambda p: 1.0 - timed.commute(*timed.symmetric_pair(p.kind, p.seed, p.size)),
                reference=reference, method="exact")
    assert verdict(good) == "confirmed"
    assert verdict(bad) == "refuted"


# --------------------------------------------------------------------------- (c) the engine functions
def test_chain_rule_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    x, y = gd.balanced_nlgp(3, 1.5, 0.8, 1.2, 256, rng)
    gates = gd.halfspace_gates(x, rng.standard_normal((2, 3)))
    weights = rng.standard_normal((2, 3))
    fd = gd.finite_difference_gradient(lambda w: gd.mean_loss(w, x, y, gates), weights)
    np.testing.assert_allclose(gd.negative_loss_gradient(weights, x, y, gates), -fd.value, rtol=1e-8, atol=1e-11)


def test_kronecker_moments_match_row_by_row_kron():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((200, 3))
    gates = gd.exclusive_gates(x, rng.standard_normal((3, 3)))
    rows = np.stack([np.kron(g, v) for g, v in zip(gates, x)])
    np.testing.assert_allclose(gd.kron_second_moment(gates, x), rows.T @ rows / 200, atol=1e-14)
    np.testing.assert_allclose(gd.kron_first_moment(gates, x), rows.mean(axis=0), atol=1e-14)
    np.testing.assert_allclose(gd.expanded_input(x, gates), rows)


def test_exclusive_gates_partition_the_space():
    rng = np.random.default_rng(3)
    gates = gd.exclusive_gates(rng.standard_normal((500, 4)), rng.standard_normal((3, 4)))
    assert np.all(gates.sum(axis=1) == 1)


@pytest.mark.parametrize("a, b, expected", [
    ([[1, 0], [0, 2]], [[3, 0], [0, 4]], True),
    ([[2, 1], [0, 2]], [[2, 1], [0, 2]], False),  # a Jordan block: not diagonalisable
    ([[1, 1], [1, 0]], [[0, 1], [1, 1]], False),
    ([[5, 0], [0, 5]], [[0, 1], [1, 0]], True),
])
def test_simultaneous_diagonalisability_on_known_pairs(a, b, expected):
    assert gd.simultaneously_diagonalizable(a, b) is expected


def test_flow_map_matches_scipy_integration():
    rng = np.random.default_rng(4)
    m = rng.standard_normal((4, 4))
    m = m @ m.T + 0.5 * np.eye(4)
    r, w0 = rng.standard_normal(4), rng.standard_normal(4)
    est = gd.linear_flow(m, r, 2.0, w0, np.array([0.0, 1.5]))
    np.testing.assert_allclose(gd.flow_map(m, r, 2.0, w0, 1.5), est.value[1], rtol=1e-7, atol=1e-9)
    limit = gd.flow_limit(m, r, 2.0, w0)
    np.testing.assert_allclose(limit.value, np.linalg.solve(m, r), rtol=1e-9)


def test_least_squares_refuses_a_rank_deficient_design():
    design = np.ones((10, 2))
    with pytest.raises(OutsideDomain):  # no unique fit: outside the domain of any claim about "the" OLS fit
        gd.least_squares(design, np.arange(10.0))


def test_a_singular_second_moment_is_outside_the_domain_not_undecided():
    """Seed 6 drew a point whose gate-1 second moment was singular: numpy's LinAlgError left the point
    undecided and the 'follows' check of (32) inconclusive, so (32) flipped from inherited to false."""
    from numerics.domain import solve_covariance

    singular = np.outer([1.0, 2.0], [1.0, 2.0])
    with pytest.raises(OutsideDomain, match="gate-1"):
        solve_covariance(singular, np.ones(2), "the gate-1 second moment")
    with pytest.raises(OutsideDomain):
        solve_covariance(np.zeros((2, 2)), np.ones(2))  # a gate that catches no sample
    m = np.array([[2.0, 0.5], [0.5, 1.0]])
    rhs = np.array([1.0 + 2.0j, -1.0j])
    np.testing.assert_allclose(solve_covariance(m, rhs), np.linalg.solve(m.astype(complex), rhs))


def test_network_point_is_reproducible():
    p = Point({"n": 3, "K": 2, "xi1": 1.0, "xi2": 0.7, "gain": 1.0, "seed": 5, "family": "bump"})
    a, b = network(p), network(Point(dict(p)))
    np.testing.assert_array_equal(a.A, b.A)
    assert a.gates.shape == (1024, 2)
