r"""Gated erf moments of a Gaussian, exactly, by turning each erf into a sign.

For :math:`Z \sim \mathcal N(0, \Sigma)` and a gain :math:`g > 0`, the moments

.. math::

    m_j = \mathbb E\big[\mathbb 1(Z_i > 0)\, \operatorname{erf}(gZ_j)\big], \qquad
    M_{kl} = \mathbb E\big[\mathbb 1(Z_i > 0)\, \operatorname{erf}(gZ_k)\operatorname{erf}(gZ_l)\big]

are computed without sampling and without quadrature, from three standard facts:

* :math:`\operatorname{erf}(x) = 2\Phi(\sqrt2\,x) - 1`, so for :math:`W \sim \mathcal N(0,1)`
  independent of everything, :math:`\operatorname{erf}(gz) = \mathbb E_W[\operatorname{sign}(\sqrt2\,g z - W)]`;
  with one independent :math:`W_k` per erf factor (also when a site repeats),
  :math:`\prod_k \operatorname{erf}(gZ_k) = \mathbb E_W[\prod_k \operatorname{sign} A_k \mid Z]`,
  :math:`A_k = \sqrt2\,g Z_k - W_k`;
* :math:`\mathbb 1(Z_i > 0) = (1 + \operatorname{sign} Z_i)/2` almost surely;
* :math:`(Z_i, A_k, A_l)` is a Gaussian vector whose covariance is a linear image of
  :math:`\operatorname{blockdiag}(\Sigma, I)`, and the law of its signs (at most three
  coordinates) is exact by :mod:`numerics.models.orthants` (Sheppard's orthant probabilities,
  enumerated over the sign patterns).

So the moments cost a few arcsines each; the error is floating-point rounding (the bound
:func:`numerics.models.orthants.cube_expectation` returns).  Nothing here uses the conditional
law of :math:`Z_j` given :math:`Z_i` or the erf-Gaussian convolution identity.
"""

from __future__ import annotations

import numpy as np

from ..estimate import Estimate
from .orthants import cube_expectation

SQRT2 = float(np.sqrt(2.0))


def augmented_covariance(cov: np.ndarray, gain: float, gate: int, sites: list[int] | tuple[int, ...]) -> np.ndarray:
    r"""Covariance of :math:`(Z_{\text{gate}}, A_{s_1}, \dots, A_{s_m})` with :math:`A_k = \sqrt2\,g Z_k - W_k`,
    one independent standard normal :math:`W` per entry of ``sites`` (repeated sites get their own W).

    Built as :math:`M\,\operatorname{blockdiag}(\Sigma, I_m)\,M^\top` for the linear map M from (Z, W)."""
    cov = np.asarray(cov, dtype=float)
    n, m = cov.shape[0], len(sites)
    lin = np.zeros((1 + m, n + m))
    lin[0, gate] = 1.0
    for row, k in enumerate(sites, start=1):
        lin[row, k] = SQRT2 * gain
        lin[row, n + row - 1] = -1.0
    big = np.zeros((n + m, n + m))
    big[:n, :n] = cov
    big[n:, n:] = np.eye(m)
    return lin @ big @ lin.T


def gated_erf_moment(cov: np.ndarray, gain: float, gate: int, sites: list[int] | tuple[int, ...]) -> Estimate:
    r""":math:`\mathbb E[\mathbb 1(Z_{\text{gate}} > 0) \prod_{k \in \text{sites}} \operatorname{erf}(gZ_k)]`
    (one to two erf factors in practice), exactly by enumeration over the sign patterns of
    :math:`(Z_{\text{gate}}, A_{\text{sites}})`."""
    if gain <= 0:
        raise ValueError(f"gain g must be positive, got {gain}")
    aug = augmented_covariance(cov, gain, gate, sites)
    return cube_expectation(aug, lambda s: 0.5 * (1.0 + s[:, 0]) * np.prod(s[:, 1:], axis=1))


def gated_erf_mean(cov: np.ndarray, gain: float, gate: int) -> Estimate:
    r"""The vector :math:`m_j = \mathbb E[\mathbb 1(Z_{\text{gate}} > 0)\operatorname{erf}(gZ_j)]` over all sites j."""
    n = np.asarray(cov).shape[0]
    parts = [gated_erf_moment(cov, gain, gate, (j,)) for j in range(n)]
    return _stack(parts, (n,))


def gated_erf_second_moment(cov: np.ndarray, gain: float, gate: int, rows: list[int], cols: list[int]) -> Estimate:
    r"""The matrix :math:`M_{kl} = \mathbb E[\mathbb 1(Z_{\text{gate}} > 0)\operatorname{erf}(gZ_k)\operatorname{erf}(gZ_l)]`,
    k over ``rows``, l over ``cols``."""
    parts = [gated_erf_moment(cov, gain, gate, (k, l)) for k in rows for l in cols]
    return _stack(parts, (len(rows), len(cols)))


def _stack(parts: list[Estimate], shape: tuple[int, ...]) -> Estimate:
    value = np.array([float(e.value) for e in parts]).reshape(shape)
    error = np.array([float(e.abs_error) for e in parts]).reshape(shape)
    detail = "erf(gz) = E_W sign(sqrt(2) g z - W); " + "; ".join(sorted({e.detail for e in parts}))
    return Estimate(value, "exact", error, detail=detail)
