"""numerics.conditioning: each 1-D route against an independent closed form or plain Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import erf, gammaln

from numerics import conditioning as cd


def test_half_normal_moments_match_closed_forms():
    # E[U^k 1(U>0)] = 2^{k/2} Gamma((k+1)/2) / (2 sqrt(pi))
    for k in range(5):
        value, err = cd.half_normal_moment(k)
        exact = 2 ** (k / 2) * math.exp(gammaln((k + 1) / 2)) / (2 * math.sqrt(math.pi))
        assert abs(value - exact) <= err + 1e-14


@pytest.mark.parametrize("nu", [5, 6, 8])
def test_mixing_moments_match_closed_forms(nu):
    # E[(nu-2)^{k/2} V^{-k/2}], V ~ chi2_nu: (nu-2)^{k/2} 2^{-k/2} Gamma((nu-k)/2) / Gamma(nu/2)
    for k in (1, 2):
        value, err = cd.mixing_moment(nu, k)
        exact = (nu - 2) ** (k / 2) * 2 ** (-k / 2) * math.exp(gammaln((nu - k) / 2) - gammaln(nu / 2))
        assert abs(value - exact) <= err + 1e-13


def test_pair_moments_match_arcsine_laws():
    rho = np.array([-0.9, -0.3, 0.0, 0.5, 0.99, 1.0])
    cube = cd.pair_moment("hypercube", rho)
    assert np.all(np.abs(cube.value - 2 / np.pi * np.arcsin(rho)) <= cube.abs_error + 1e-13)
    g = 2.0
    nlgp = cd.pair_moment("nlgp", rho, g)
    exact = 2 / np.pi * np.arcsin(2 * g * g * rho / (1 + 2 * g * g))
    assert np.all(np.abs(nlgp.value - exact) <= nlgp.abs_error + 1e-13)


def test_regression_moments_match_monte_carlo():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 3))
    cov = a @ a.T + 0.5 * np.eye(3)
    w = rng.standard_normal(3)
    rows = rng.standard_normal((2, 3))
    z = rng.standard_normal((400_000, 3)) @ np.linalg.cholesky(cov).T
    s = z @ w
    y = z @ rows.T
    phi = (s > 0) * (s - 1.0)
    first = cd.regression_moment(cov, w, rows, {1: 1.0, 0: -1.0})
    mc = phi[:, None] * y
    assert np.all(np.abs(first.value - mc.mean(0)) <= 5 * mc.std(0) / np.sqrt(len(s)))
    square = cd.regression_square_moment(cov, w, rows, {1: 2.0})
    mc = (2 * s * (s > 0))[:, None] * y**2
    assert np.all(np.abs(square.value - mc.mean(0)) <= 5 * mc.std(0) / np.sqrt(len(s)))


@pytest.mark.parametrize("kind", ["nlgp", "gaussian", "sign"])
def test_conditional_restricted_mean_is_unbiased(kind):
    rng = np.random.default_rng(1)
    n, g = 4, 1.5
    a = rng.standard_normal((n, n))
    cov = a @ a.T / n + 0.3 * np.eye(n)
    w = rng.standard_normal(n)
    norm = math.sqrt(2 / math.pi * math.asin(2 * g * g / (1 + 2 * g * g)))
    z = rng.standard_normal((200_000, n)) @ np.linalg.cholesky(cov).T
    x = {"nlgp": erf(g * z) / norm, "gaussian": z, "sign": np.sign(z)}[kind]
    plain = (x @ w >= 0)[:, None] * x
    rb = cd.conditional_restricted_mean(z, cov, w, kind, g, norm)
    se = np.sqrt(plain.var(0) / len(z) + rb.var(0) / len(z))
    assert np.all(np.abs(rb.mean(0) - plain.mean(0)) <= 5 * se)
    assert np.all(rb.var(0) <= plain.var(0))  # conditioning never adds variance


def test_conditional_exceedance_is_unbiased():
    rng = np.random.default_rng(2)
    n, g = 5, 3.0
    a = rng.standard_normal((n, n))
    cov = a @ a.T / n + 0.3 * np.eye(n)
    w = rng.standard_normal(n)
    z = rng.standard_normal((200_000, n)) @ np.linalg.cholesky(cov).T
    s = erf(g * z) @ w
    levels = np.array([-0.5, 0.0, 0.7])
    plain = (s[:, None] > levels[None, :]).astype(float)
    rb = cd.conditional_exceedance_nlgp(z, cov, w, g, 1.0, levels)
    assert np.all(np.abs(rb.mean(0) - plain.mean(0)) <= 5 * plain.std(0) / np.sqrt(len(s)))


def test_antithetic_keeps_the_mean():
    stat = cd.antithetic(lambda eps: np.exp(eps[:, 0]))
    eps = np.random.default_rng(3).standard_normal((200_000, 1))
    vals = stat(eps)
    assert abs(vals.mean() - math.exp(0.5)) <= 5 * vals.std() / math.sqrt(len(vals))
