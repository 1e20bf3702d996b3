r"""Expectations over a low-dimensional Gaussian vector, and their derivatives.

For :math:`S \sim \mathcal N(0, C)` in dimension :math:`d \le 3` and a smooth
(vectorized) function :math:`f`,

.. math:: \mathbb{E}[f(S)] = \int_{\mathbb{R}^d} f(Lz)\, \varphi_d(z)\, dz,
          \qquad L L^\top = C,

is computed by a tensor Gauss-Legendre rule on the cube :math:`[-c, c]^d`
(:math:`c` chosen so that the normal mass outside is below :math:`10^{-20}`).
Unlike Gauss-Hermite, which converges slowly when :math:`f` has a sharp
sigmoid transition (erf of a large multiple of z), Gauss-Legendre nodes are
spread uniformly, so steep but smooth integrands converge quickly.  The
error estimate is the difference between two rules of different order.

:func:`richardson_derivative` differentiates a deterministic function (an
exact loss computed by such a rule) by central differences at steps h and
h/2 with Richardson extrapolation; the error estimate is the change made by
the extrapolation.  Both the loss and its derivative are therefore computed
without any formula for the derivative.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np
from scipy.special import roots_legendre

from .models.datamodels import psd_factor
from .estimate import Estimate

CUT = 9.5  # P(|Z| > 9.5) < 3e-21


@lru_cache(maxsize=32)
def normal_grid(dim: int, order: int, cut: float = CUT) -> tuple[np.ndarray, np.ndarray]:
    r"""Nodes z (order^dim, dim) and weights w with :math:`\sum_i w_i g(z_i) \approx \mathbb{E}[g(Z)]`,
    :math:`Z \sim \mathcal N(0, I_{dim})`: tensor Gauss-Legendre on :math:`[-c, c]^{dim}` times the density."""
    x, w = roots_legendre(order)
    z1 = cut * x
    w1 = cut * w * np.exp(-0.5 * z1 * z1) / math.sqrt(2.0 * math.pi)
    grids = np.meshgrid(*([z1] * dim), indexing="ij")
    weights = np.ones_like(grids[0])
    for wg in np.meshgrid(*([w1] * dim), indexing="ij"):
        weights = weights * wg
    nodes = np.stack([g.ravel() for g in grids], axis=1)
    return nodes, weights.ravel()


def covariance_root(cov: np.ndarray) -> np.ndarray:
    """L with L L^T = cov (symmetric square root; cov must be PSD up to rounding)."""
    return psd_factor(np.atleast_2d(np.asarray(cov, float))).matrix


def grid_expectation(f: Callable[[np.ndarray], np.ndarray], cov: np.ndarray, order: int) -> np.ndarray:
    r""":math:`\mathbb{E}[f(S)]`, :math:`S \sim \mathcal N(0, C)`, by one tensor Gauss-Legendre rule.

    ``f`` maps an array of points of shape (N, d) to values of shape (N, ...)."""
    root = covariance_root(cov)
    z, w = normal_grid(root.shape[0], order)
    values = np.asarray(f(z @ root.T), float)
    return np.tensordot(w, values, axes=(0, 0))


def gaussian_expectation(
    f: Callable[[np.ndarray], np.ndarray], cov: np.ndarray, orders: tuple[int, int] = (120, 180)
) -> Estimate:
    r""":math:`\mathbb{E}[f(S)]` with an error estimate from two rules of different order."""
    coarse = grid_expectation(f, cov, orders[0])
    fine = grid_expectation(f, cov, orders[1])
    err = np.abs(fine - coarse) + 1e-15 * np.abs(fine)
    return Estimate(
        value=np.asarray(fine), method="quadrature", abs_error=np.asarray(err),
        detail=f"tensor Gauss-Legendre on [-{CUT}, {CUT}]^d, orders {orders[0]} and {orders[1]} (error = difference)",
    )


def richardson_derivative(
    F: Callable[[np.ndarray], np.ndarray], x: float, step: float = 2e-4
) -> tuple[np.ndarray, np.ndarray]:
    r"""dF/dx at x by central differences at steps h and h/2, Richardson-extrapolated:
    :math:`D = (4 D_{h/2} - D_h)/3`, error :math:`|D - D_{h/2}|` (an over-estimate of the
    :math:`O(h^4)` remainder).  ``F`` is batched: it maps the four abscissae
    :math:`x \pm h, x \pm h/2` (an array) to values with that leading axis; it must be
    deterministic and smooth near x."""
    h = step * max(1.0, abs(x))
    f = np.asarray(F(np.array([x + h, x - h, x + h / 2, x - h / 2])))
    d_h = (f[0] - f[1]) / (2 * h)
    d_h2 = (f[2] - f[3]) / h
    value = (4 * d_h2 - d_h) / 3
    return value, np.abs(value - d_h2)


def derivative_of_expectation(
    loss: Callable[[np.ndarray, int], np.ndarray], x: float, orders: tuple[int, int] = (120, 180), step: float = 2e-4
) -> Estimate:
    r"""d/dx of a quadrature-computed quantity ``loss(xs, order)`` (batched over the abscissae xs).

    The derivative is taken by :func:`richardson_derivative` with each of two
    quadrature orders; the error is the difference between the two plus the
    larger extrapolation error plus rounding amplified by 1/h."""
    d1, e1 = richardson_derivative(lambda t: loss(t, orders[0]), x, step)
    d2, e2 = richardson_derivative(lambda t: loss(t, orders[1]), x, step)
    h = step * max(1.0, abs(x))
    err = np.abs(d2 - d1) + np.maximum(e1, e2) + 1e-14 / h
    return Estimate(
        value=np.asarray(d2), method="quadrature", abs_error=np.asarray(err),
        detail=(f"Richardson central difference (h = {h:.1e}) of the loss computed by tensor Gauss-Legendre "
                f"quadrature of orders {orders[0]} and {orders[1]}"),
    )
