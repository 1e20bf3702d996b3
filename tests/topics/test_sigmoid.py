"""Tests of the sigmoid / discrimination modules (issue 6).

* every entry of the ``sigmoid.*`` selection audits without an ``error``
  verdict, cites verbatim sources and states its assumptions;
* for every kind of check the modules use, a deliberately broken variant of
  one of their claims (declared here, never a line of the notes) comes out
  ``refuted`` and its correct counterpart ``confirmed`` or ``proved``.

No test asserts the verdict of a note's claim.
"""

from __future__ import annotations

from pathlib import Path

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import strategies as st
from scipy.special import erf, expit

from derivations import api
from derivations.engine import registry
from derivations.api import Point, Sampled, Tolerances, claim, quote
from derivations.engine.audit import audit_claim
from derivations.engine.settings import AuditSettings
from derivations.topics.sigmoid import discrimination_objective as disc
from derivations.topics.sigmoid import bias_flow as flow
from derivations.topics.sigmoid import initial_loss as init
from derivations.topics.sigmoid import reduced_model as reduced

NOTES = Path(__file__).resolve().parents[3] / "shared" / "notes"  # ../shared beside the repository
SETTINGS = AuditSettings.for_mode("quick", workers=2)
TEST = quote("test", "deliberately broken or correct variant, declared in tests/test_sigmoid.py")


# =========================================================================== the selection as a whole
@pytest.fixture(scope="module")
def document(whole_audit) -> dict:
    """The sigmoid.* entries of the session's whole audit."""
    return {**whole_audit, "results": [r for r in whole_audit["results"] if r["id"].startswith("sigmoid.")]}


def test_no_entry_errors(document):
    errors = {r["id"]: r["diagnosis"] for r in document["results"] if r["verdict"] == "error"}
    assert not errors
    assert len(document["results"]) >= 60


def test_every_claim_states_assumptions(document):
    missing = [r["id"] for r in document["results"] if r["kind"] == "claim" and not r["assumptions"]]
    assert not missing


def test_sources_are_verbatim():
    reg = registry.discover()
    texts: dict[str, str] = {}
    for c in reg.select(["sigmoid.*"]):
        for s in c.sources:
            text = texts.setdefault(s.note, (NOTES / s.note).read_text())
            if s.quote:
                assert s.quote in text, (c.id, s.quote)
            else:
                assert f"({s.equation})" in text, (c.id, s.equation)


# =========================================================================== broken variants, kind by kind
def verdict(c: api.Claim) -> str:
    return audit_claim(c, SETTINGS, lambda _: None)["verdict"]


GOOD = ("confirmed", "proved")

# --- Monte Carlo: a flow against central differences of the sampled loss (paired) --------------------
mc_params = {**flow.flow_params, "n": st.integers(2, 3)}


def chain_rule_flow(sign: float):
    r"""Per sample :math:`(Y - \sigma(h))\sigma'(h)` for :math:`\sigma = \operatorname{erf}(h/\sqrt2)` (``sign`` = +1),
    or with the second term's sign flipped (``sign`` = -1): not a line of the notes."""

    def statistic(p, eps):
        x1, x0 = flow._gaussian_classes(p, eps)
        x, y = flow.dm.labelled_mixture(eps, p.n, x1, x0)
        h = x @ flow._weights(p) + p.b
        slope = np.sqrt(2 / np.pi) * np.exp(-(h**2) / 2)
        return y * slope - sign * erf(h / np.sqrt(2)) * slope

    return statistic


MC_REFERENCE = Sampled(flow.mixture_dim, flow.single_flow_reference("erf_sqrt2"))
mc_good = claim("test.sigmoid.mc_flow.good", sources=[TEST], latex="x", params=mc_params, assumptions=("test",),
                claimed=Sampled(flow.mixture_dim, chain_rule_flow(1.0)), reference=MC_REFERENCE)
mc_bad = claim("test.sigmoid.mc_flow.bad", sources=[TEST], latex="x", params=mc_params, assumptions=("test",),
               claimed=Sampled(flow.mixture_dim, chain_rule_flow(-1.0)), reference=MC_REFERENCE)


def test_monte_carlo_flow_kind():
    assert verdict(mc_good) in GOOD
    assert verdict(mc_bad) == "refuted"


# --- mpmath quadrature of a Gaussian integral against a closed form --------------------------------
s1sq, b = flow.s1sq, flow.b


def quad_erf_mean(p, ctx):
    """E[erf(S + b)], S ~ N(0, s1sq), by mpmath quadrature."""
    return ctx.gaussian_expectation(lambda s: mp.erf(s + p.mp.b), var=p.mp.s1sq)


quad_good = claim("test.sigmoid.quad.good", sources=[TEST], latex="x", params=flow.single_params, assumptions=("test",),
                  claimed=sp.erf(b / sp.sqrt(1 + 2 * s1sq)), reference=quad_erf_mean)
quad_bad = claim("test.sigmoid.quad.bad", sources=[TEST], latex="x", params=flow.single_params, assumptions=("test",),
                 claimed=sp.erf(b / sp.sqrt(1 + s1sq)), reference=quad_erf_mean)  # factor 2 dropped


def test_quadrature_kind():
    assert verdict(quad_good) in GOOD
    assert verdict(quad_bad) == "refuted"


# --- exact loss by Gauss-Legendre quadrature, differentiated by Richardson differences -----------------
init_params = {"s1sq": flow.variances, "s0sq": flow.variances}
deriv_good = claim("test.sigmoid.deriv.good", sources=[TEST], latex="x", params=init_params, assumptions=("test",),
                   claimed=1 / (sp.sqrt(2 * sp.pi) * sp.sqrt(s1sq + 1)), reference=flow.exact_single_flow("erf_sqrt2"))
deriv_bad = claim("test.sigmoid.deriv.bad", sources=[TEST], latex="x", params=init_params, assumptions=("test",),
                  claimed=1 / (sp.sqrt(sp.pi) * sp.sqrt(s1sq + 1)), reference=flow.exact_single_flow("erf_sqrt2"))


def test_loss_derivative_kind():
    assert verdict(deriv_good) in GOOD
    assert verdict(deriv_bad) == "refuted"


# --- vector of flows: closed forms against the exact multi-neuron derivative ----------------------------
multi_params = {**flow.closed_params, "K": st.integers(2, 3), "n": st.integers(2, 4)}


def repaired_without_label_term(p) -> np.ndarray:
    """The repaired display (derivcheck's correction) with its first (label) term dropped."""
    s1, s0, bias = flow._grams(p)
    terms = [flow.display_terms(s1, s0, bias, i, label_half=True, self_root=True, cross_fix=True) for i in range(p.K)]
    return np.array([-second - third for _, second, third in terms])


multi_good = claim("test.sigmoid.multi.good", sources=[TEST], latex="x", params=multi_params, assumptions=("test",),
                   claimed=flow.display_vector(label_half=True, self_root=True, cross_fix=True), reference=flow.exact_multi_flows)
multi_bad = claim("test.sigmoid.multi.bad", sources=[TEST], latex="x", params=multi_params, assumptions=("test",),
                  claimed=repaired_without_label_term, reference=flow.exact_multi_flows)


def test_multi_neuron_flow_kind():
    assert verdict(multi_good) in GOOD
    assert verdict(multi_bad) == "refuted"


# --- exact comparison of vectors: FFT convolution against the explicit circulant --------------------------
conv_params = {"n": st.integers(3, 9), "seed": st.integers(0, 100)}


def conv_by_fft(p) -> np.ndarray:
    rng = np.random.default_rng(p.seed)
    w, x = rng.standard_normal(p.n), rng.standard_normal((3, p.n))
    return disc.ring.circular_convolution(w, x)


def conv_by_matrix(reflect: bool):
    def side(p) -> np.ndarray:
        rng = np.random.default_rng(p.seed)
        w, x = rng.standard_normal(p.n), rng.standard_normal((3, p.n))
        fields = np.array([disc.ring.shifted(w, tau) for tau in range(p.n)])
        if reflect:  # inner products with plain translates: a correlation, not a convolution
            fields = np.array([np.roll(w, tau) for tau in range(p.n)])
        return x @ fields.T

    return side


exact_good = claim("test.sigmoid.exact.good", sources=[TEST], latex="x", params=conv_params, assumptions=("test",),
                   claimed=conv_by_fft, reference=conv_by_matrix(False), method="exact")
exact_bad = claim("test.sigmoid.exact.bad", sources=[TEST], latex="x", params=conv_params, assumptions=("test",),
                  claimed=conv_by_fft, reference=conv_by_matrix(True), method="exact")


def test_exact_kind():
    assert verdict(exact_good) in GOOD
    assert verdict(exact_bad) == "refuted"


# --- event by event on a fixed block of draws ---------------------------------------------------------
def event_at_zero(shift: bool):
    r"""1(|(w*X_1)(0)| > |(w*X_0)(0)|) by the FFT convolution (``shift`` False) or as the inner product with the
    reflected w (``shift`` True: the same event) -- or, for the broken variant, with w itself."""

    def statistic(p, eps):
        x1, x0 = disc.two_classes(p, eps)
        if shift is None:
            field = disc.receptive_field(p)
            return (np.abs(x1 @ field) > np.abs(x0 @ field)).astype(float)
        if shift:
            field = disc.ring.shifted(disc.receptive_field(p), 0)
            return (np.abs(x1 @ field) > np.abs(x0 @ field)).astype(float)
        c1, c0 = disc.convolved(p, eps)
        return (np.abs(c1[:, 0]) > np.abs(c0[:, 0])).astype(float)

    return statistic


event_good = claim("test.sigmoid.event.good", sources=[TEST], latex="x", params=disc.event_params, assumptions=("test",),
                   claimed=disc.on_fixed_block(event_at_zero(True)), reference=disc.on_fixed_block(event_at_zero(False)),
                   method="exact")
event_bad = claim("test.sigmoid.event.bad", sources=[TEST], latex="x", params=disc.event_params, assumptions=("test",),
                  claimed=disc.on_fixed_block(event_at_zero(None)), reference=disc.on_fixed_block(event_at_zero(False)),
                  method="exact")


def test_event_by_event_kind():
    assert verdict(event_good) in GOOD
    assert verdict(event_bad) == "refuted"


# --- paired Monte Carlo of an invariance in law -----------------------------------------------------------
def event_positions(shrink: float, fixed: bool):
    r""":math:`1(|(w*X_1)(\tau)| > s\,|(w*X_0)(\tau')|)` at random positions, or at position 0 (``fixed``)."""

    def statistic(p, eps):
        c1, c0 = disc.convolved(p, eps)
        rows = np.arange(eps.shape[0])
        t1, t0 = (np.zeros(len(rows), int),) * 2 if fixed else disc.positions(p, eps)
        return (np.abs(c1[rows, t1]) > shrink * np.abs(c0[rows, t0])).astype(float)

    return statistic


law_good = claim("test.sigmoid.law.good", sources=[TEST], latex="x", params=disc.objective_params, assumptions=("test",),
                 claimed=Sampled(disc.objective_dim, event_positions(1.0, True)),
                 reference=Sampled(disc.objective_dim, event_positions(1.0, False)))
law_bad = claim("test.sigmoid.law.bad", sources=[TEST], latex="x", params=disc.objective_params, assumptions=("test",),
                claimed=Sampled(disc.objective_dim, event_positions(0.8, True)),
                reference=Sampled(disc.objective_dim, event_positions(1.0, False)))


def test_invariance_in_law_kind():
    assert verdict(law_good) in GOOD
    assert verdict(law_bad) == "refuted"


# --- a probability by Monte Carlo against a deterministic form -------------------------------------------
def squares_event(p, eps):
    """1(A^2 > B^2) for A = s_1 U, B = s_0 V."""
    s1, s0 = disc.std_devs(p)
    return ((s1 * eps[:, 0]) ** 2 > (s0 * eps[:, 1]) ** 2).astype(float)


prob_good = claim("test.sigmoid.prob.good", sources=[TEST], latex="x", params=disc.gauss_params, assumptions=("test",),
                  claimed=lambda p: 2 / np.pi * np.arctan(disc.std_devs(p)[0] / disc.std_devs(p)[1]),
                  reference=Sampled(2, squares_event))
prob_bad = claim("test.sigmoid.prob.bad", sources=[TEST], latex="x", params=disc.gauss_params, assumptions=("test",),
                 claimed=lambda p: 2 / np.pi * np.arctan(disc.std_devs(p)[1] / disc.std_devs(p)[0]),  # s_1, s_0 swapped
                 reference=Sampled(2, squares_event))


def test_probability_kind():
    assert verdict(prob_good) in GOOD
    assert verdict(prob_bad) == "refuted"


# --- linear algebra and optimisation on the ring ---------------------------------------------------------
def with_order(p) -> Point:
    return Point({**p, "xi0": p.xi1 + p.gap})


def rayleigh_of_mode(offset: int):
    """The quadratic form of K_1 - K_0 at the Fourier mode k* + offset."""

    def side(p) -> float:
        q = with_order(p)
        a = disc.difference_operator(q)
        k = int(np.argmax(disc.ring.circulant_spectrum(a[0]))) + offset
        v = disc.ring.fourier_mode(q.n, k % q.n)
        return float(v @ a @ v)

    return side


eig_params = {"n": st.integers(8, 9), "xi1": disc.lo, "gap": disc.gap, "g": disc.gains}
eig_good = claim("test.sigmoid.eig.good", sources=[TEST], latex="x", params=eig_params, assumptions=("test",),
                 claimed=rayleigh_of_mode(0), reference=lambda p: disc.top_eigenvalue(with_order(p)), method="exact")
eig_bad = claim("test.sigmoid.eig.bad", sources=[TEST], latex="x", params=eig_params, assumptions=("test",),
                claimed=rayleigh_of_mode(1), reference=lambda p: disc.top_eigenvalue(with_order(p)), method="exact")


def sum_operator(p) -> np.ndarray:
    return disc.nlgp_kernel(p.n, p.xi1, p.g) + disc.nlgp_kernel(p.n, p.xi0, p.g)


def sphere_maximum_of_sum(p) -> float:
    """max over the unit sphere of <(K_1 + K_0) w, w> by BFGS (the module's optimiser on another matrix)."""
    return disc.maximize_on_sphere(sum_operator(p), np.random.default_rng(p.w_seed))


def eigenvalue_of_sum(index: int):
    return lambda p: float(np.linalg.eigvalsh(sum_operator(p))[index])


opt_params = {**disc.means_params, "n": st.just(8)}
opt_good = claim("test.sigmoid.opt.good", sources=[TEST], latex="x", params=opt_params, assumptions=("test",),
                 claimed=eigenvalue_of_sum(-1), reference=sphere_maximum_of_sum, tolerances=Tolerances(rtol=1e-7))
opt_bad = claim("test.sigmoid.opt.bad", sources=[TEST], latex="x", params=opt_params, assumptions=("test",),
                claimed=eigenvalue_of_sum(-2), reference=sphere_maximum_of_sum, tolerances=Tolerances(rtol=1e-7))


def test_linear_algebra_kind():
    assert verdict(eig_good) in GOOD
    assert verdict(eig_bad) == "refuted"


def test_optimisation_kind():
    assert verdict(opt_good) in GOOD
    assert verdict(opt_bad) == "refuted"


# --- SymPy proof --------------------------------------------------------------------------------------
sym_x = sp.Symbol("x", real=True)
sym_params = {"x": st.floats(-2.0, 2.0)}
sym_good = claim("test.sigmoid.sym.good", sources=[TEST], latex="x", params=sym_params, assumptions=("test",),
                 claimed=(sp.erf(sym_x) - 1) ** 2 + (sp.erf(sym_x) + 1) ** 2, reference=2 * sp.erf(sym_x) ** 2 + 2)
sym_bad = claim("test.sigmoid.sym.bad", sources=[TEST], latex="x", params=sym_params, assumptions=("test",),
                claimed=(sp.erf(sym_x) - 1) ** 2 + (sp.erf(sym_x) + 1) ** 2, reference=2 * sp.erf(sym_x) ** 2 + 1)


def test_symbolic_kind():
    assert verdict(sym_good) == "proved"
    assert verdict(sym_bad) == "refuted"


# --- grid quadrature of NLGP moments (2-D and 1-D) ---------------------------------------------------
def arcsin_covariances(p) -> np.ndarray:
    """NLGP correlations at lags 1, 2 (arcsin closed form) and, in place of the fourth moment, the quadrature value."""
    a = 2 * p.g**2 / (1 + 2 * p.g**2)
    rho = np.exp(-(np.arange(1, 3) ** 2) / p.xi**2)
    return np.concatenate([np.arcsin(a * rho) / np.arcsin(a), [float(reduced.nlgp_moments(p).value[-1])]])


cub_params = {"xi": st.floats(0.4, 3.0), "g": st.floats(0.5, 3.0)}
cub_good = claim("test.sigmoid.moments.good", sources=[TEST], latex="x", params=cub_params, assumptions=("test",),
                 claimed=arcsin_covariances, reference=reduced.nlgp_moments, tolerances=Tolerances(rtol=1e-7))
cub_bad = claim("test.sigmoid.moments.bad", sources=[TEST], latex="x", params=cub_params, assumptions=("test",),
                claimed=reduced.gaussian_limit, reference=reduced.nlgp_moments, tolerances=Tolerances(rtol=1e-3))


def test_moment_quadrature_kind():
    assert verdict(cub_good) in GOOD
    assert verdict(cub_bad) == "refuted"


# --- an approximation within a stated tolerance ---------------------------------------------------------
approx_good = claim("test.sigmoid.approx.good", sources=[TEST], latex="x", params=reduced.abs_params, assumptions=("test",),
                    claimed=reduced.eq5_pointwise(expit, prefactor=0.25), reference=reduced.eq4_pointwise(expit),
                    tolerances=reduced.OUTPUT_APPROX)
approx_bad = claim("test.sigmoid.approx.bad", sources=[TEST], latex="x", params=reduced.abs_params, assumptions=("test",),
                   claimed=reduced.eq5_pointwise(expit, prefactor=1 / 3), reference=reduced.eq4_pointwise(expit),
                   tolerances=reduced.OUTPUT_APPROX)


def test_approximation_kind():
    assert verdict(approx_good) in GOOD
    assert verdict(approx_bad) == "refuted"


# --- derivatives of a sampled model by central differences ------------------------------------------
def bias_slope(exponent: float):
    r"""Per sample :math:`\partial\hat y/\partial b_1 = \frac1K\sqrt{2/\pi}e^{-\text{exponent}\,h_1^2}` on class-1 draws
    (exponent 1/2 is right for erf(h/sqrt 2))."""

    def statistic(p, eps):
        x1 = init.class1(p, eps)
        w, bias = init.weights(p)
        h = x1 @ w[0] + bias[0]
        return np.sqrt(2 / np.pi) * np.exp(-exponent * h**2) / p.K

    return statistic


def bias_slope_by_differences(p, eps):
    x1 = init.class1(p, eps)
    w, bias = init.weights(p)

    def yhat(b1):
        return init.yhat_sigmoid(w, np.concatenate([b1, bias[1:]]), x1)

    return init.central_difference(yhat, bias[:1].copy())[:, 0]


slope_reference = Sampled(init.N, bias_slope_by_differences)
dir_good = claim("test.sigmoid.slope.good", sources=[TEST], latex="x", params=init.class1_params, assumptions=("test",),
                 claimed=Sampled(init.N, bias_slope(0.5)), reference=slope_reference)
dir_bad = claim("test.sigmoid.slope.bad", sources=[TEST], latex="x", params=init.class1_params, assumptions=("test",),
                claimed=Sampled(init.N, bias_slope(1.0)), reference=slope_reference)


def test_model_derivative_kind():
    assert verdict(dir_good) in GOOD
    assert verdict(dir_bad) == "refuted"
