r"""Expectations over Gaussian-driven data by conditioning down to one dimension.

Three standard facts make many single-neuron expectations low-dimensional:

* **Gaussian regression.**  For jointly Gaussian, mean-zero :math:`(S, Y)` with
  :math:`q = \operatorname{Var} S > 0`, :math:`\mathbb E[Y | S] = \frac{\operatorname{Cov}(Y, S)}{q} S`
  and :math:`\operatorname{Var}(Y | S) = \operatorname{Var} Y - \operatorname{Cov}(Y,S)^2/q`, so for any
  :math:`\phi`

  .. math::

      \mathbb E[\phi(S)Y] = \frac{\operatorname{Cov}(Y,S)}{q}\mathbb E[\phi(S)S], \qquad
      \mathbb E[\phi(S)Y^2] = \frac{\operatorname{Cov}(Y,S)^2}{q^2}\mathbb E[\phi(S)S^2]
          + \Big(\operatorname{Var}Y - \frac{\operatorname{Cov}(Y,S)^2}{q}\Big)\mathbb E[\phi(S)],

  and :math:`\mathbb E[\phi(S) S^k]` is a one-dimensional integral: for the
  indicator and the absolute value it is :math:`q^{k/2}` times a half-normal
  moment :math:`m_k = \mathbb E[U^k\,1(U>0)]`, :math:`U\sim\mathcal N(0,1)`, computed
  here by adaptive quadrature with its error estimate (:func:`half_normal_moment`).
* **Scale mixtures.**  The elliptical Student-t family is :math:`X = RZ` with
  :math:`R = \sqrt{(\nu-2)/\chi^2_\nu}` independent of the Gaussian Z, so an
  expectation homogeneous of degree k in X is :math:`\mathbb E[R^k]` times its
  Gaussian value; :math:`\mathbb E[R^k]` is a 1-D integral over the
  :math:`\chi^2_\nu` density (:func:`mixing_moment`).
* **Pairs.**  :math:`\mathbb E[h(Z_i)h(Z_j)]` for a coordinatewise map h
  (NLGP erf, hypercube sign) conditions on :math:`Z_i = u`:
  :math:`\mathbb E[h(Z_j)|Z_i = u]` is known in closed form for these maps
  (:math:`\mathbb E\operatorname{erf}(gY) = \operatorname{erf}(g\mu/\sqrt{1+2g^2\tau^2})` and
  :math:`\mathbb E\operatorname{sign}Y = 2\Phi(\mu/\tau) - 1` for :math:`Y\sim\mathcal N(\mu,\tau^2)`),
  leaving a 1-D Gauss-Legendre integral over u (:func:`pair_moment`), with
  the difference of two orders as its error.

:func:`conditional_restricted_mean_nlgp` is conditional Monte Carlo
(Rao-Blackwellisation) for the NLGP, where no such reduction exists: the
indicator :math:`1(\langle w, X\rangle \ge 0)` is integrated exactly over one latent
coordinate given the others.  :func:`antithetic` pairs every normal block with
its negation (unbiased for any statistic, since :math:`\varepsilon \overset{d}{=} -\varepsilon`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np
from scipy import integrate, stats
from scipy.special import erf, erfinv, ndtr, roots_legendre

from .estimate import Estimate

CUT = 9.5  # P(|U| > 9.5) < 3e-21: the Gaussian range kept by the Gauss-Legendre rules
ROUNDING = 1e-14  # relative rounding budget of the linear algebra around the 1-D integrals


@lru_cache(maxsize=16)
def half_normal_moment(k: int) -> tuple[float, float]:
    r""":math:`m_k = \mathbb E[U^k\,1(U>0)]`, :math:`U \sim \mathcal N(0,1)`, and its error (scipy ``quad``)."""
    value, err = integrate.quad(lambda u: u**k * math.exp(-0.5 * u * u) / math.sqrt(2 * math.pi), 0.0, np.inf,
                                epsabs=1e-15, epsrel=1e-13)
    return float(value), float(err) + 1e-16


@lru_cache(maxsize=16)
def mixing_moment(nu: int, k: int) -> tuple[float, float]:
    r""":math:`\mathbb E[R^k]` for :math:`R = \sqrt{(\nu-2)/V}`, :math:`V \sim \chi^2_\nu`, by quadrature over the
    :math:`\chi^2_\nu` density (its error estimate)."""
    value, err = integrate.quad(lambda v: ((nu - 2) / v) ** (k / 2) * stats.chi2.pdf(v, nu), 0.0, np.inf,
                                epsabs=1e-15, epsrel=1e-13, limit=200)
    return float(value), float(err) + 1e-16


def regression_moment(cov: np.ndarray, w: np.ndarray, rows: np.ndarray, weights: dict[int, float],
                      detail: str = "") -> Estimate:
    r""":math:`\mathbb E[\phi(S)\,(BZ)]` for :math:`Z \sim \mathcal N(0, C)`, :math:`S = w^\top Z`, B = ``rows``, with
    :math:`\phi(s) = 1(s>0)\sum_k c_k s^k` (``weights`` = {k: c_k}).

    By Gaussian regression, :math:`\mathbb E[\phi(S)BZ] = \frac{BCw}{q}\sum_k c_k q^{(k+1)/2} m_{k+1}`."""
    q = float(w @ cov @ w)
    if not q > 0:
        raise ValueError(f"Var S = {q} is not positive")
    cross = rows @ cov @ w
    total, err = 0.0, 0.0
    for k, c in weights.items():
        m, e = half_normal_moment(k + 1)
        total += c * q ** ((k + 1) / 2) * m
        err += abs(c) * q ** ((k + 1) / 2) * e
    value = cross / q * total
    abs_err = np.abs(cross / q) * err + ROUNDING * (np.abs(cross / q) * sum(abs(c) * q ** ((k + 1) / 2) for k, c in
                                                                            weights.items()) + np.abs(value))
    return Estimate(np.asarray(value), "quadrature", np.asarray(abs_err),
                    detail="Gaussian regression E[BZ | S] = (BCw/q) S, then 1-D quadrature of half-normal moments"
                    + (f"; {detail}" if detail else ""))


def regression_square_moment(cov: np.ndarray, w: np.ndarray, rows: np.ndarray, weights: dict[int, float]) -> Estimate:
    r""":math:`\mathbb E[\phi(S)\,(BZ)_i^2]` per row i, :math:`\phi(s) = 1(s>0)\sum_k c_k s^k`: with
    :math:`\beta_i = (BCw)_i/q` and :math:`V_i = (BCB^\top)_{ii}`, Gaussian regression gives
    :math:`\sum_k c_k[\beta_i^2 q^{(k+2)/2}m_{k+2} + (V_i - \beta_i^2 q)q^{k/2}m_k]`."""
    q = float(w @ cov @ w)
    if not q > 0:
        raise ValueError(f"Var S = {q} is not positive")
    beta = rows @ cov @ w / q
    var = np.einsum("ij,jk,ik->i", rows, cov, rows)
    resid = np.maximum(var - beta**2 * q, 0.0)
    value, err, size = 0.0, 0.0, 0.0
    for k, c in weights.items():
        m2, e2 = half_normal_moment(k + 2)
        m0, e0 = half_normal_moment(k)
        value = value + c * (beta**2 * q ** ((k + 2) / 2) * m2 + resid * q ** (k / 2) * m0)
        err = err + abs(c) * (beta**2 * q ** ((k + 2) / 2) * e2 + resid * q ** (k / 2) * e0)
        size = size + abs(c) * (beta**2 * q ** ((k + 2) / 2) * m2 + var * q ** (k / 2) * m0)
    return Estimate(np.asarray(value), "quadrature", np.asarray(err + ROUNDING * size),
                    detail="Gaussian regression (conditional mean and variance of BZ given S), then 1-D quadrature "
                           "of half-normal moments")


@lru_cache(maxsize=8)
def _half_rule(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes u and weights (density included) of Gauss-Legendre on [0, CUT] for E[g(U) 1(U>0)]."""
    x, wt = roots_legendre(order)
    u = 0.5 * CUT * (x + 1.0)
    return u, 0.5 * CUT * wt * np.exp(-0.5 * u * u) / math.sqrt(2 * math.pi)


def _pair_integrand(kind: str, gain: float, rho: np.ndarray, u: np.ndarray) -> np.ndarray:
    r""":math:`h(u)\,\mathbb E[h(Z_j) | Z_i = u]` for correlation ``rho`` (unnormalised erf, or sign); even in u."""
    s = np.sqrt(np.maximum(1.0 - rho**2, 0.0))
    if kind == "nlgp":
        inner = erf(gain * rho * u / np.sqrt(1.0 + 2.0 * gain**2 * s**2))
        return erf(gain * u) * inner
    if kind == "hypercube":
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(s > 0, rho * u / np.where(s > 0, s, 1.0), np.sign(rho) * np.inf)
        return 2.0 * ndtr(z) - 1.0  # sign(u) = 1 on u > 0
    raise ValueError(f"pair moments are for 'nlgp' or 'hypercube', got {kind!r}")


def pair_moment(kind: str, rho: np.ndarray, gain: float = 1.0, orders: tuple[int, int] = (160, 240)) -> Estimate:
    r""":math:`\mathbb E[h(Z_i)h(Z_j)]` for standard normals with correlation ``rho`` (any shape), h the
    unnormalised NLGP map :math:`\operatorname{erf}(gz)` or the sign: condition on :math:`Z_i = u`, then a 1-D
    Gauss-Legendre integral over u > 0 (the integrand is even in u, and the sign's jump sits at u = 0, an
    endpoint); the error is the difference of two orders."""
    rho = np.asarray(rho, dtype=float)
    vals = []
    for order in orders:
        u, wt = _half_rule(order)
        vals.append(2.0 * np.tensordot(_pair_integrand(kind, gain, rho[..., None], u), wt, axes=(-1, 0)))
    err = np.abs(vals[1] - vals[0]) + ROUNDING
    return Estimate(np.asarray(vals[1]), "quadrature", np.asarray(err),
                    detail=f"conditioning on one coordinate, 1-D Gauss-Legendre on [0, {CUT}] of orders {orders} "
                           "(error = difference)")


def latent_precision(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""(Q, tau) with :math:`Q = C^{-1}` and :math:`\tau_k = Q_{kk}^{-1/2}`, the conditional standard deviation of
    :math:`Z_k` given the other coordinates."""
    q = np.linalg.inv(cov)
    return q, 1.0 / np.sqrt(np.diag(q))


def conditional_restricted_mean(z: np.ndarray, cov: np.ndarray, w: np.ndarray, kind: str = "nlgp", gain: float = 1.0,
                                norm: float = 1.0) -> np.ndarray:
    r"""Per-sample :math:`\mathbb E[1(S\ge 0)X_j \mid Z_{-k(j)}]` for :math:`X = h(Z)` coordinatewise, h the NLGP map
    :math:`\operatorname{erf}(gz)/c` (``kind`` "nlgp"), the identity ("gaussian") or the sign ("sign"): its mean is
    :math:`f(w)_j = \mathbb E[1(\langle w,X\rangle\ge0)X_j]` (conditional Monte Carlo).

    For output j one other coordinate k = k(j) (the largest :math:`|w_k|\tau_k`, k != j) is integrated out:
    given :math:`Z_{-k}`, :math:`Z_k \sim \mathcal N(\mu_k, \tau_k^2)` with :math:`\mu_k = Z_k - (QZ)_k/Q_{kk}`.
    With :math:`S = w_k h(Z_k) + r`: for increasing h, :math:`S \ge 0` iff :math:`Z_k` lies beyond
    :math:`t = h^{-1}(-r/w_k)` (for the NLGP :math:`t = \operatorname{erfinv}(-cr/w_k)/g`, no solution when
    :math:`|cr/w_k| \ge 1`), so the indicator becomes :math:`\Phi(\pm(\mu_k - t)/\tau_k)`; for the sign,
    :math:`\Phi(\mu_k/\tau_k)1(w_k + r \ge 0) + \Phi(-\mu_k/\tau_k)1(r - w_k \ge 0)`.  ``z``: latent draws (B, n)."""
    prec, tau = latent_precision(cov)
    n = len(w)
    x = erf(gain * z) / norm if kind == "nlgp" else (z if kind == "gaussian" else np.sign(z))
    s = x @ w
    mu = z - (z @ prec) / np.diag(prec)
    score = np.abs(w) * tau
    out = np.empty_like(x)
    prob_cache: dict[int, np.ndarray] = {}
    for j in range(n):
        others = [k for k in range(n) if k != j]
        k = max(others, key=lambda i: score[i])
        if k not in prob_cache:
            r = s - w[k] * x[:, k]
            if kind == "sign":
                up = ndtr(mu[:, k] / tau[k])
                prob_cache[k] = up * (w[k] + r >= 0) + (1.0 - up) * (r - w[k] >= 0)
            else:
                if kind == "nlgp":
                    level = -norm * r / w[k]  # erf(g Z_k) must exceed (w_k > 0) or stay below (w_k < 0) this level
                    with np.errstate(invalid="ignore", divide="ignore"):
                        t = np.where(level <= -1.0, -np.inf, np.where(level >= 1.0, np.inf,
                                                                      erfinv(np.clip(level, -1.0, 1.0)) / gain))
                else:
                    t = -r / w[k]
                side = (mu[:, k] - t) / tau[k] if w[k] > 0 else (t - mu[:, k]) / tau[k]
                prob_cache[k] = ndtr(side)
        out[:, j] = x[:, j] * prob_cache[k]
    return out


def conditional_restricted_mean_nlgp(z: np.ndarray, cov: np.ndarray, w: np.ndarray, gain: float,
                                     norm: float) -> np.ndarray:
    """:func:`conditional_restricted_mean` for the NLGP."""
    return conditional_restricted_mean(z, cov, w, "nlgp", gain, norm)


def antithetic(statistic: Callable[[np.ndarray], np.ndarray]) -> Callable[[np.ndarray], np.ndarray]:
    r"""The statistic averaged over the block and its negation, :math:`\frac12[T(\varepsilon) + T(-\varepsilon)]`:
    the same expectation for any T (the standard normal law is symmetric), lower variance when T is
    far from odd."""

    def paired(eps: np.ndarray) -> np.ndarray:
        return 0.5 * (np.asarray(statistic(eps), float) + np.asarray(statistic(-eps), float))

    return paired


def conditional_exceedance_nlgp(z: np.ndarray, cov: np.ndarray, w: np.ndarray, gain: float, norm: float,
                                levels: np.ndarray) -> np.ndarray:
    r"""Per-sample :math:`\mathbb P(S > a \mid Z_{-k})` for :math:`S = \langle w, X\rangle`, X the NLGP
    :math:`\operatorname{erf}(gZ)/c`, for each level a (shape (B, len(levels))): its mean is :math:`\mathbb P(S > a)`
    (conditional Monte Carlo).

    k is the coordinate with the largest :math:`|w_k|\tau_k`; given the others, :math:`Z_k \sim \mathcal N(\mu_k, \tau_k^2)`
    and :math:`S > a` iff :math:`\operatorname{erf}(gZ_k)` is beyond :math:`c(a - r)/w_k` (r: the other terms), an
    interval of :math:`Z_k` with the end :math:`t = \operatorname{erfinv}(c(a - r)/w_k)/g`."""
    prec, tau = latent_precision(cov)
    x = erf(gain * z) / norm
    k = int(np.argmax(np.abs(w) * tau))
    r = x @ w - w[k] * x[:, k]
    mu = z[:, k] - (z @ prec[:, k]) / prec[k, k]
    level = norm * (np.asarray(levels, float)[None, :] - r[:, None]) / w[k]
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(level <= -1.0, -np.inf, np.where(level >= 1.0, np.inf, erfinv(np.clip(level, -1.0, 1.0)) / gain))
    side = (mu[:, None] - t) / tau[k] if w[k] > 0 else (t - mu[:, None]) / tau[k]
    return ndtr(side)


def odd_mean(h: Callable[[np.ndarray], np.ndarray], orders: tuple[int, int] = (160, 240)) -> Estimate:
    r""":math:`\mathbb E[h(U)]`, :math:`U \sim \mathcal N(0,1)`, by Gauss-Legendre on :math:`[-9.5, 9.5]` at two orders
    (the error is their difference); for the mean of a coordinatewise map of a centred Gaussian."""
    vals = []
    for order in orders:
        x, wt = roots_legendre(order)
        u = CUT * x
        vals.append(float(np.sum(CUT * wt * np.exp(-0.5 * u * u) / math.sqrt(2 * math.pi) * h(u))))
    return Estimate(np.asarray(vals[1]), "quadrature", np.asarray(abs(vals[1] - vals[0]) + 1e-16),
                    detail=f"1-D Gauss-Legendre on [-{CUT}, {CUT}], orders {orders} (error = difference)")
