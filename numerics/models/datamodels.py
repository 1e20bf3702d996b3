r"""Data models of the notes, as maps from standard normals to data.

* latent Gaussian :math:`Z \sim \mathcal N(0, \Sigma(\xi))`,
  :math:`\Sigma(\xi)_{ij} = \exp(-d(i,j)^2/\xi^2)` with the plain distance
  :math:`d = |i-j|` (Toeplitz) or the ring distance
  :math:`d = \min(|i-j|, n-|i-j|)` (circulant);
* NLGP :math:`X = \operatorname{erf}(gZ)/\sqrt{Z_c(g)}` with
  :math:`Z_c(g) = \operatorname{Var}\operatorname{erf}(gZ_1)` so that
  :math:`\operatorname{Var} X_i = 1`;
* the hypercube limit :math:`g \to \infty`: :math:`X = \operatorname{sign}(Z)`.

Each sampler is a pure function of a block of i.i.d. standard normals, so it
runs unchanged under Monte Carlo and QMC, and shares random numbers when asked.
:math:`Z_c(g)` is computed here by Gauss-Hermite quadrature, not from a
closed form, so that checks of the closed form stay independent.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.integrate import quad
from scipy.special import erf

from ..errors import NotPositiveSemidefinite  # noqa: F401 - raised here, importable from here
from .ring import circulant_spectrum as circulant_eigenvalues  # noqa: F401 - one spectrum of a symmetric circulant

DISTANCES = ("plain", "ring")


def distance_matrix(n: int, distance: str = "plain") -> np.ndarray:
    idx = np.arange(n)
    d = np.abs(idx[:, None] - idx[None, :])
    if distance == "ring":
        d = np.minimum(d, n - d)
    elif distance != "plain":
        raise ValueError(f"distance must be one of {DISTANCES}, got {distance!r}")
    return d.astype(float)


def covariance(n: int, xi: float, distance: str = "plain") -> np.ndarray:
    r""":math:`\Sigma(\xi)_{ij} = \exp(-d(i,j)^2/\xi^2)`."""
    if xi <= 0:
        raise ValueError(f"length scale xi must be positive, got {xi}")
    return np.exp(-distance_matrix(n, distance) ** 2 / xi**2)


@dataclass(frozen=True)
class Factor:
    """A square root L of a covariance (L L^T = Sigma) and its spectrum."""

    matrix: np.ndarray
    eigenvalues: np.ndarray


def psd_factor(cov: np.ndarray, what: str = "covariance", rel_tol: float = 1e-10) -> Factor:
    """Symmetric square root of a PSD matrix; refuses a matrix that is not PSD.

    Eigenvalues down to ``-rel_tol * max eigenvalue`` are treated as rounding
    and clipped to 0; a more negative one raises :class:`NotPositiveSemidefinite`
    naming its value (the periodic kernel with n small against xi does this).
    """
    cov = np.asarray(cov, float)
    if not np.allclose(cov, cov.T, atol=1e-12 * max(1.0, np.abs(cov).max())):
        raise NotPositiveSemidefinite(f"{what} is not symmetric")
    lam, vec = np.linalg.eigh(cov)
    top = max(float(lam[-1]), 0.0)
    if lam[0] < -rel_tol * max(top, 1e-300):
        raise NotPositiveSemidefinite(
            f"{what} is not positive semidefinite: smallest eigenvalue {lam[0]:.3g} (largest {top:.3g})"
        )
    lam = np.clip(lam, 0.0, None)
    return Factor(matrix=vec * np.sqrt(lam), eigenvalues=lam)


@lru_cache(maxsize=256)
def _covariance_factor(n: int, xi: float, distance: str) -> Factor:
    return psd_factor(covariance(n, xi, distance), what=f"Sigma(xi={xi:g}) on {n} sites with {distance} distance")


def latent_factor(n: int, xi: float, distance: str = "plain") -> np.ndarray:
    """L with L L^T = Sigma(xi); cached; raises NotPositiveSemidefinite where it must."""
    return _covariance_factor(int(n), float(xi), distance).matrix


def gaussian(normals: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Z = eps L^T for a block of standard normals eps of shape (B, n)."""
    return normals @ factor.T


def gaussian_circulant(normals: np.ndarray, eigenvalues: np.ndarray) -> np.ndarray:
    r"""Sample N(0, C) for a symmetric circulant C from its eigenvalues, by FFT.

    With :math:`W = \varepsilon_1 + i \varepsilon_2` built from the two halves of
    ``normals`` (shape (B, 2n)), :math:`\operatorname{Re}\,\mathrm{FFT}(\sqrt{\lambda/n}\, W)`
    has covariance C.  Cost O(n log n) per sample instead of O(n^2); measured
    (benchmarks/speed.py) it only beats the BLAS matrix product beyond n ~ 500
    (1.7x at n = 1024, 0.1x at n = 64), so the notes' n = 40 use ``gaussian``.
    """
    n = eigenvalues.shape[0]
    if eigenvalues.min() < -1e-10 * max(eigenvalues.max(), 1e-300):
        raise NotPositiveSemidefinite(f"circulant covariance has eigenvalue {eigenvalues.min():.3g} < 0")
    w = normals[:, :n] + 1j * normals[:, n : 2 * n]
    return np.real(np.fft.fft(np.sqrt(np.clip(eigenvalues, 0, None) / n) * w, axis=1))


@lru_cache(maxsize=1024)
def erf_variance(g: float) -> float:
    r""":math:`Z_c(g) = \mathbb{E}[\operatorname{erf}(gZ)^2]`, :math:`Z \sim \mathcal N(0,1)`,
    by adaptive quadrature (scipy QUADPACK, split where erf(gz) saturates),
    not by a closed form."""
    if g <= 0:
        raise ValueError(f"gain g must be positive, got {g}")

    def f(z: float) -> float:
        return 2.0 * erf(g * z) ** 2 * np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)

    knee = min(3.0 / g, 10.0)
    head, _ = quad(f, 0.0, knee, epsabs=1e-15, epsrel=1e-13, limit=200)
    tail, _ = quad(f, knee, np.inf, epsabs=1e-15, epsrel=1e-13, limit=200)
    return float(head + tail)


def nlgp_covariance(latent: np.ndarray, gain: float) -> np.ndarray:
    r""":math:`\operatorname{Cov}(X)` of NLGP data from the latent correlation matrix (unit diagonal):
    :math:`\sin^{-1}\frac{2g^2\rho}{1+2g^2} / \sin^{-1}\frac{2g^2}{1+2g^2}` entrywise.
    The closed form is audited as ``nlgp.covariance`` (against 2-D cubature)."""
    a = 2.0 * gain**2 / (1.0 + 2.0 * gain**2)
    return np.arcsin(a * np.asarray(latent, float)) / np.arcsin(a)


def sign_covariance(latent: np.ndarray) -> np.ndarray:
    r""":math:`\operatorname{Cov}(\operatorname{sign} Z) = \frac{2}{\pi}\sin^{-1}\rho` entrywise (the g -> infinity limit);
    audited as ``cube.sign_covariance``."""
    return 2.0 / np.pi * np.arcsin(np.clip(np.asarray(latent, float), -1.0, 1.0))


def nlgp(normals: np.ndarray, factor: np.ndarray, gain: float) -> np.ndarray:
    r"""NLGP data :math:`X = \operatorname{erf}(gZ)/\sqrt{Z_c(g)}`, :math:`Z = L\varepsilon`."""
    return erf(gain * gaussian(normals, factor)) / np.sqrt(erf_variance(float(gain)))


def nlgp_unnormalised(normals: np.ndarray, factor: np.ndarray, gain: float) -> np.ndarray:
    """erf(g Z) without the normaliser (the convention of note 002)."""
    return erf(gain * gaussian(normals, factor))


def hypercube(normals: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """The g -> infinity limit X = sign(Z); ties have probability 0 and map to 0."""
    return np.sign(gaussian(normals, factor))


def labelled_mixture(
    normals: np.ndarray, n: int, class1: np.ndarray, class0: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Draw (X, Y) from the balanced two-class mixture, Y ~ Bernoulli(1/2).

    ``normals`` has 2n + 1 columns: the last one decides the label (Y = 1 when
    it is positive), ``class1``/``class0`` are the data drawn from the first
    and second n columns.  Returns (X, Y) with X of shape (B, n), Y in {0, 1}.
    """
    y = (normals[:, 2 * n] > 0).astype(float)
    x = np.where(y[:, None] > 0, class1, class0)
    return x, y
