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


# --------------------------------------------------------------------------- control variates for sampled gated erf statistics
def gate_given_site(z: np.ndarray, cov: np.ndarray, gate: int) -> np.ndarray:
    r"""Rao-Blackwellised gate, shape (B, n): entry j is :math:`\mathbb P(Z_i > 0 \mid Z_j)
    = \Phi\big(r_{ij} Z_j / \sqrt{1 - r_{ij}^2}\big)` (the conditional law of a standard bivariate normal)
    for j != i, and :math:`\mathbb 1(Z_i > 0)` itself for j = i.  For any h,
    :math:`\mathbb E[\mathbb 1(Z_i>0) h(Z_j)] = \mathbb E[\mathbb P(Z_i>0 \mid Z_j)\, h(Z_j)]` with a smaller variance."""
    from scipy.special import ndtr

    cov = np.asarray(cov, dtype=float)
    r = cov[gate] / np.sqrt(cov[gate, gate] * np.diag(cov))
    other = np.arange(cov.shape[0]) != gate
    if np.any(np.abs(r[other]) >= 1.0):
        raise ValueError("a site is perfectly correlated with the gate: condition on the gate itself")
    slope = np.where(other, r / np.sqrt(np.where(other, 1.0 - r**2, 1.0)), 0.0)
    zs = z / np.sqrt(np.diag(cov))
    return np.where(other[None, :], ndtr(slope[None, :] * zs), (z[:, gate] > 0)[:, None].astype(float))


CONTROLS = ("sign", "linear", "cubic")


def gated_controls(z: np.ndarray, gate: int | np.ndarray, kinds: tuple[str, ...] = CONTROLS) -> np.ndarray:
    r"""Per-sample Gaussian analogues of :math:`\mathbb 1(Z_i>0)\operatorname{erf}(gZ_j)` with known means,
    shape (B, n, len(kinds)): :math:`\mathbb 1(Z_i>0)\,(\operatorname{sign} Z_j,\ Z_j,\ Z_j^3)` (the g -> infinity
    limit and the first two odd Taylor terms of erf), those named in ``kinds``.  ``gate`` is the gate's site, or
    the (B, n) array of :func:`gate_given_site` (conditional expectations of the same controls: the means are
    unchanged)."""
    on = (z[:, gate] > 0)[:, None] if np.ndim(gate) == 0 else np.asarray(gate)
    out = np.empty(z.shape + (len(kinds),))
    for k, kind in enumerate(kinds):
        if kind == "sign":
            out[..., k] = on * np.sign(z)
        elif kind == "linear":
            out[..., k] = on * z
        elif kind == "cubic":
            out[..., k] = out[..., k - 1] * z * z if k and kinds[k - 1] == "linear" else on * z**3
        else:
            raise ValueError(f"unknown control {kind!r}; known: {CONTROLS}")
    return out


def gated_control_means(cov: np.ndarray, gate: int, kinds: tuple[str, ...] = CONTROLS) -> np.ndarray:
    r"""Means of :func:`gated_controls` for :math:`Z \sim \mathcal N(0, \Sigma)` with unit variances, shape (n, 3):

    * :math:`\mathbb E[\mathbb 1(Z_i>0)\operatorname{sign}Z_j]` by the orthant law of :math:`(Z_i, Z_j)`;
    * with :math:`Z_j = rZ_i + \sqrt{1-r^2}\,U` (U independent) and
      :math:`\mathbb E[Z_i^k \mathbb 1(Z_i>0)] = 1/\sqrt{2\pi},\ 2/\sqrt{2\pi}` for k = 1, 3:
      :math:`\mathbb E[\mathbb 1(Z_i>0) Z_j] = r/\sqrt{2\pi}` and
      :math:`\mathbb E[\mathbb 1(Z_i>0) Z_j^3] = (2r^3 + 3r(1-r^2))/\sqrt{2\pi}`."""
    cov = np.asarray(cov, dtype=float)
    if not np.allclose(np.diag(cov), 1.0, rtol=0, atol=1e-12):
        raise ValueError("gated_control_means needs unit variances (a correlation matrix)")
    n = cov.shape[0]
    means = np.zeros((n, 3))
    for j in range(n):
        if j == gate:
            means[j, 0] = 0.5  # E[1(Z_i > 0) sign Z_i] = P(Z_i > 0)
        else:
            means[j, 0] = float(cube_expectation(cov[np.ix_([gate, j], [gate, j])],
                                                 lambda s: 0.5 * (1.0 + s[:, 0]) * s[:, 1]).value)
    r = cov[gate]
    c = 1.0 / np.sqrt(2.0 * np.pi)
    means[:, 1] = r * c
    means[:, 2] = (2.0 * r**3 + 3.0 * r * (1.0 - r**2)) * c
    return means[:, [CONTROLS.index(k) for k in kinds]]
