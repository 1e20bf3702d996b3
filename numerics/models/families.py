r"""Data families for single-neuron claims, each with its exact covariance.

A family maps a block of standard normals to data X with a stated law:

* ``gaussian``: :math:`X = Z \sim \mathcal N(0, \Sigma)`;
* ``nlgp``: :math:`X = \operatorname{erf}(gZ)/\sqrt{\mathcal Z_c(g)}` (unit variance);
* ``student``: the elliptical Student-t law
  :math:`X = Z\sqrt{(\nu-2)/\chi^2_\nu}` with :math:`\chi^2_\nu` a sum of
  :math:`\nu` squared extra normals, so that :math:`\operatorname{Cov} X = \Sigma`
  (:math:`\mathbb E[1/\chi^2_\nu] = 1/(\nu-2)`);
* ``hypercube``: the :math:`g\to\infty` limit :math:`X = \operatorname{sign}(Z)`.

All four are symmetric (X and -X have the same law) and invariant under every
signed permutation that preserves :math:`\Sigma`; only the Gaussian and the
Student-t law are elliptical.  :func:`exact_covariance` gives Cov(X):
:math:`\Sigma` for the Gaussian and Student-t families,
:math:`\arcsin(\frac{2g^2\Sigma}{1+2g^2})/\arcsin(\frac{2g^2}{1+2g^2})` for the NLGP
(the map audited as ``nlgp.covariance``) and Sheppard's
:math:`\frac{2}{\pi}\arcsin\Sigma` for the hypercube (its :math:`g\to\infty` limit).
"""

from __future__ import annotations

import numpy as np
from scipy.special import erf

from . import datamodels as dm

FAMILIES = ("gaussian", "nlgp", "student", "hypercube")


def extra_normals(family: str, nu: int = 0) -> int:
    """Standard normals needed per draw beyond the n latent ones."""
    return int(nu) if family == "student" else 0


def draw(family: str, normals: np.ndarray, factor: np.ndarray, gain: float = 1.0, nu: int = 5) -> np.ndarray:
    """X from a block of normals of shape (B, n + extra_normals(family, nu))."""
    n = factor.shape[0]
    z = dm.gaussian(np.ascontiguousarray(normals[:, :n]), factor)  # a strided view makes the product ~15x slower
    if family == "gaussian":
        return z
    if family == "nlgp":
        return erf(gain * z) / np.sqrt(dm.erf_variance(float(gain)))
    if family == "hypercube":
        return np.sign(z)
    if family == "student":
        if nu <= 2:
            raise ValueError(f"Student-t needs nu > 2 for a finite covariance, got {nu}")
        chi2 = np.sum(normals[:, n : n + nu] ** 2, axis=1)
        return z * np.sqrt((nu - 2) / chi2)[:, None]
    raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")


def exact_covariance(family: str, sigma: np.ndarray, gain: float = 1.0) -> np.ndarray:
    """Cov(X) for X drawn by :func:`draw` from latent covariance ``sigma`` (unit diagonal)."""
    if family in ("gaussian", "student"):
        return np.array(sigma, dtype=float)
    if family == "nlgp":
        return dm.nlgp_covariance(sigma, gain)
    if family == "hypercube":
        return dm.sign_covariance(sigma)
    raise ValueError(f"family must be one of {FAMILIES}, got {family!r}")
