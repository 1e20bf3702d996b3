r"""The engines on Gaussian / erf identities whose truth is known from standard references,
each with a deliberately wrong variant (a constant off by 1 %, a flipped sign, a dropped
term) that the audit must refute.

References for the true forms (each is recomputed here by an engine, never trusted):

* :math:`\mathbb{E}[\operatorname{erf}(a + bZ)] = \operatorname{erf}(a/\sqrt{1+2b^2})`
  (Ng & Geller 1969, table of integrals of the error function, 10,011.1);
* :math:`\mathbb{E}[Z \operatorname{erf}(aZ)] = 2a/\sqrt{\pi(1+2a^2)}` (Stein's lemma);
* :math:`\mathbb{E}[\operatorname{erf}(aU)\operatorname{erf}(bV)] =
  \frac{2}{\pi}\arcsin\frac{2ab\rho}{\sqrt{(1+2a^2)(1+2b^2)}}` (Williams 1997);
* :math:`P(U>0, V>0) = \frac14 + \frac{\arcsin\rho}{2\pi}` (Sheppard 1899);
* :math:`\mathbb{E}[\mathrm{ReLU}(U)\mathrm{ReLU}(V)] = \frac{\sqrt{1-\rho^2} + (\pi - \arccos\rho)\rho}{2\pi}`
  (Cho & Saul 2009, arc-cosine kernel of order 1);
* :math:`\mathbb{E}[e^{tZ}] = e^{t^2/2}` (moment generating function);
* :math:`\tan^{-1} x = \sin^{-1}(x/\sqrt{1+x^2})` (symbolic).
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import strategies as st
from scipy.special import erf

from derivations.api import Sampled, claim, quote
from numerics.quadrature import bivariate_gaussian_expectation
from tests.conftest import audit

SRC = quote("tests", "standard identity")
a, b, t, x = sp.symbols("a b t x", real=True)
rho = sp.Symbol("rho", real=True)
RHO = st.floats(-0.95, 0.95)


def _gauss(h):
    """Reference: E[h(Z)] by 30-digit quadrature."""
    return lambda p, ctx: ctx.gaussian_expectation(lambda z: h(p.mp, z))


def _relu_pair(p, eps):
    u = eps[:, 0]
    v = p.rho * u + np.sqrt(1 - p.rho**2) * eps[:, 1]
    return np.stack([np.maximum(u, 0) * np.maximum(v, 0), (u > 0) * (v > 0)], axis=1)


def relu_pair_truth(r: float, drop_sqrt: bool = False, orthant_half: bool = False) -> np.ndarray:
    kernel = ((0.0 if drop_sqrt else np.sqrt(1 - r**2)) + (np.pi - np.arccos(r)) * r) / (2 * np.pi)
    orthant = 0.25 + np.arcsin(r) / (np.pi if orthant_half else 2 * np.pi)
    return np.array([kernel, orthant])


CASES = {
    # name: (true claimed side, wrong claimed side, reference, params, what is wrong)
    "erf_shift_quadrature": (
        sp.erf(a / sp.sqrt(1 + 2 * b**2)),
        sp.Rational(101, 100) * sp.erf(a / sp.sqrt(1 + 2 * b**2)),
        _gauss(lambda p, z: mp.erf(p.a + p.b * z)),
        {"a": st.floats(-2, 2), "b": st.floats(0.1, 3)},
        "constant off by 1 %",
    ),
    "stein_quadrature": (
        2 * a / sp.sqrt(sp.pi * (1 + 2 * a**2)),
        -2 * a / sp.sqrt(sp.pi * (1 + 2 * a**2)),
        _gauss(lambda p, z: z * mp.erf(p.a * z)),
        {"a": st.floats(0.1, 4)},
        "flipped sign",
    ),
    "mgf_quadrature": (
        sp.exp(t**2 / 2),
        1 + t**2 / 2,
        _gauss(lambda p, z: mp.exp(p.t * z)),
        {"t": st.floats(0.2, 2)},
        "dropped terms (truncated series)",
    ),
    "erf_product_cubature": (
        2 / sp.pi * sp.asin(2 * a * b * rho / sp.sqrt((1 + 2 * a**2) * (1 + 2 * b**2))),
        -2 / sp.pi * sp.asin(2 * a * b * rho / sp.sqrt((1 + 2 * a**2) * (1 + 2 * b**2))),
        lambda p: bivariate_gaussian_expectation(lambda u, v: erf(p.a * u) * erf(p.b * v), p.rho),
        {"a": st.floats(0.2, 3), "b": st.floats(0.2, 3), "rho": st.floats(0.05, 0.95)},
        "flipped sign",
    ),
    "relu_kernel_and_orthant_montecarlo": (
        lambda p: relu_pair_truth(p.rho),
        lambda p: relu_pair_truth(p.rho, drop_sqrt=True),
        Sampled(2, _relu_pair, "(ReLU(U)ReLU(V), 1(U>0)1(V>0))"),
        {"rho": RHO},
        "dropped term sqrt(1 - rho^2)",
    ),
    "sheppard_montecarlo": (
        lambda p: relu_pair_truth(p.rho),
        lambda p: relu_pair_truth(p.rho, orthant_half=True),
        Sampled(2, _relu_pair, "(ReLU(U)ReLU(V), 1(U>0)1(V>0))"),
        {"rho": st.floats(0.2, 0.95)},
        "arcsin(rho)/pi instead of /(2 pi)",
    ),
    "arctan_symbolic": (
        sp.asin(x / sp.sqrt(1 + x**2)),
        sp.asin(x / sp.sqrt(1 + x**2)) + sp.Rational(1, 100),
        sp.atan(x),
        {"x": st.floats(-5, 5)},
        "constant offset",
    ),
}


def _claims(name: str):
    true_side, wrong_side, ref, params, _ = CASES[name]
    good = claim(f"test.{name}.true", sources=SRC, latex=name, params=params, claimed=true_side, reference=ref)
    bad = claim(f"test.{name}.wrong", sources=SRC, latex=name, params=params, claimed=wrong_side, reference=ref)
    return good, bad


@pytest.mark.parametrize("name", sorted(CASES))
def test_true_identity_is_confirmed_and_wrong_variant_refuted(name: str) -> None:
    good, bad = _claims(name)
    r_good, r_bad = audit(good), audit(bad)
    assert r_good["verdict"] in ("proved", "confirmed"), (r_good["verdict"], r_good["diagnosis"])
    assert r_bad["verdict"] == "refuted", (r_bad["verdict"], r_bad["diagnosis"])
    cx = r_bad["counterexample"]
    assert cx is not None and cx["relative_error"] is not None and cx["relative_error"] > 0
    assert r_bad["evidence"]["recheck"]["status"] == "disagree"  # re-checked before being reported
    assert r_good["evidence"]["points_tested"] >= 1


def test_symbolic_identity_is_proved() -> None:
    good, _ = _claims("arctan_symbolic")
    r = audit(good)
    assert r["verdict"] == "proved" and r["method"] == "symbolic", r["evidence"].get("proof")


def test_constant_factor_is_recognised_and_corrected() -> None:
    """claimed = (2/sqrt(pi)) x truth: the diagnosis names the factor and the corrected form is confirmed."""
    bad = claim(
        "test.factor.wrong", sources=SRC, latex="E[Z erf(aZ)]", params={"a": st.floats(0.1, 4)},
        claimed=4 * a / (sp.pi * sp.sqrt(1 + 2 * a**2)),
        reference=_gauss(lambda p, z: z * mp.erf(p.a * z)),
    )
    r = audit(bad)
    assert r["verdict"] == "refuted"
    assert "2}{\\sqrt{\\pi}}" in r["diagnosis"], r["diagnosis"]
    assert r["corrected"]["source"] == "derivcheck" and r["corrected"]["verdict"] in ("proved", "confirmed")


def test_sign_is_recognised() -> None:
    _, bad = _claims("stein_quadrature")
    assert "opposite sign" in audit(bad)["diagnosis"]


def test_counterexample_is_shrunk_to_a_simple_point() -> None:
    """A claim false only for b > 1 shrinks to a round point just past the boundary."""
    bad = claim(
        "test.shrink", sources=SRC, latex="x", params={"b": st.floats(0.0, 10.0)},
        claimed=sp.Min(b, 1), reference=b,
    )
    r = audit(bad)
    assert r["verdict"] == "refuted"
    assert r["counterexample"]["params"]["b"] <= 2.0, r["counterexample"]["params"]
