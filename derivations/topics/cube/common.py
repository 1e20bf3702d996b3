r"""Shared pieces of the hypercube modules (``cube_*``): notes, strategies, data, readings of :math:`\Sigma`.

No claims are declared here.  The data model of note 003 section 3 is

.. math::

    X_i = \operatorname{erf}(gZ_i)/\sqrt{\mathcal Z(g)}, \qquad Z \sim \mathcal N(0, \Sigma(\xi)),
    \qquad \Sigma(\xi)_{ij} = e^{-(i-j)^2/\xi^2}

(plain distance, as in 003 (2)), with :math:`\mathcal Z(g) = \operatorname{Var}\operatorname{erf}(gZ_1)`,
and its :math:`g \to \infty` limit :math:`X = \operatorname{sign}(Z) \in \{\pm 1\}^n` ("the cube").

Where the notes write :math:`\Sigma` for data on the cube, two readings are possible and both are checked:

* latent: :math:`\Sigma = \Sigma(\xi)`, the covariance of :math:`Z`;
* covariance: :math:`\Sigma = \operatorname{Cov}(\operatorname{sign} Z) = \frac{2}{\pi}\arcsin\Sigma(\xi)`
  (entrywise; the arcsine law is itself checked as ``cube.sign_covariance``).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from numerics.models import datamodels as dm
from numerics.models import orthants
from numerics.estimate import Estimate

from derivations.api import Tolerances


lengths = st.floats(0.6, 5.0)
gains = st.floats(0.1, 10.0)

DATA_CUBE = (
    "X = sign(Z), Z ~ N(0, Sigma(xi)), Sigma(xi)_ij = exp(-(i-j)^2/xi^2) (plain distance, note 003 (2)): "
    "the g -> infinity limit of note 003 (7); one class (the label-1 class of f in 003 (4)-(5))",
    "f(w) = E[1(<w,X> >= 0) X] as in note 003 (5); ties <w,x> = 0 are counted as on (>=), and by the symmetry "
    "X -> -X they contribute E[1(<w,X> = 0) X] = 0, so f is the same with > (checked as cube.f.ties)",
)
DATA_NLGP = (
    "X_i = erf(g Z_i)/sqrt(Z(g)), Z ~ N(0, Sigma(xi)), plain distance, Z(g) = Var erf(g Z_1) (note 003 (7))",
    "f(w) = E[1(<w,X> >= 0) X] as in note 003 (5) (ties have probability 0 at finite g)",
)
LATENT = "reading: Sigma = Sigma(xi), the latent covariance of Z"
COVARIANCE = "reading: Sigma = Cov(sign Z) = (2/pi) arcsin Sigma(xi) (entrywise), the covariance of the cube data"
COVARIANCE_G = "reading: Sigma = Cov(X) at gain g (arcsin(2g^2 rho/(1+2g^2))/arcsin(2g^2/(1+2g^2)), checked as nlgp.covariance)"


# --------------------------------------------------------------------------- readings of Sigma
def latent_sigma(n: int, xi: float) -> np.ndarray:
    r""":math:`\Sigma(\xi)_{ij} = e^{-(i-j)^2/\xi^2}`."""
    return dm.covariance(n, xi)


def sign_covariance(n: int, xi: float) -> np.ndarray:
    r""":math:`\operatorname{Cov}(\operatorname{sign} Z) = \frac{2}{\pi}\arcsin\Sigma(\xi)` (arcsine law, entrywise)."""
    return dm.sign_covariance(dm.covariance(n, xi))


def nlgp_covariance(n: int, xi: float, g: float) -> np.ndarray:
    r""":math:`\operatorname{Cov}(X)_{ij} = \arcsin\frac{2g^2\rho_{ij}}{1+2g^2} / \arcsin\frac{2g^2}{1+2g^2}`."""
    return dm.nlgp_covariance(dm.covariance(n, xi), g)


def unit(n: int, i: int) -> np.ndarray:
    e = np.zeros(n)
    e[i] = 1.0
    return e


# --------------------------------------------------------------------------- f on the cube and at finite g
def f_cube(w: np.ndarray, n: int, xi: float, ties: str = "include") -> Estimate:
    r""":math:`f(w) = \mathbb E[\mathbb 1(\langle w, X\rangle \ge 0) X]`, :math:`X = \operatorname{sign} Z`, by exact enumeration."""
    return orthants.restricted_mean(np.asarray(w, dtype=float), dm.covariance(n, xi), ties=ties)


def latent_sample(eps: np.ndarray, n: int, xi: float) -> np.ndarray:
    r""":math:`Z = L\varepsilon` with :math:`LL^\top = \Sigma(\xi)`, from the first n normals of each row.

    (The audit's workers use single-threaded BLAS, so :func:`numerics.models.datamodels.gaussian` is the fast path.)
    """
    return dm.gaussian(eps[:, :n], dm.latent_factor(n, xi))


def nlgp_sample(eps: np.ndarray, n: int, xi: float, g: float) -> np.ndarray:
    r"""NLGP data :math:`X = \operatorname{erf}(gZ)/\sqrt{\mathcal Z(g)}` from a block of normals."""
    return dm.nlgp(eps[:, :n], dm.latent_factor(n, xi), g)


def gated(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    r"""Per-sample :math:`\mathbb 1(\langle w, x\rangle \ge 0)\, x`."""
    return (x @ w >= 0)[:, None] * x


def nlgp_f_closed_form(n: int, xi: float, g: float, i: int) -> np.ndarray:
    r"""Derived by derivcheck: :math:`f(e_i)_j = \arcsin\!\big(\sqrt2 g\rho_{ij}/\sqrt{1+2g^2}\big) / (\pi\sqrt{\mathcal Z(g)})`.

    From :math:`\mathbb E[\operatorname{erf}(gZ_j)\mid Z_i = z] = \operatorname{erf}(az)`,
    :math:`a = g\rho/\sqrt{1+2g^2(1-\rho^2)}`, and
    :math:`\mathbb E[\mathbb 1(Z>0)\operatorname{erf}(aZ)] = \arctan(\sqrt2 a)/\pi`.  Limits: :math:`g\to 0` gives
    :math:`\Sigma e_i/\sqrt{2\pi}` (Gaussian), :math:`g\to\infty` gives :math:`\frac1\pi\arcsin(\Sigma)e_i` (cube).
    """
    rho = dm.covariance(n, xi)[:, i]
    return np.arcsin(np.sqrt(2.0) * g * rho / np.sqrt(1.0 + 2.0 * g * g)) / (np.pi * np.sqrt(dm.erf_variance(float(g))))


# --------------------------------------------------------------------------- exact arithmetic on the cube
def cube_points(n: int) -> list[tuple[int, ...]]:
    """All of {-1, +1}^n in a fixed order."""
    return list(itertools.product((1, -1), repeat=n))


def dot(w, x) -> Fraction:
    """<w, x> in exact rational arithmetic (ties are exact)."""
    return sum((Fraction(a) * b for a, b in zip(w, x)), Fraction(0))


def indicator(condition: bool) -> float:
    return 1.0 if condition else 0.0


# --------------------------------------------------------------------------- approximations
def approximately(tolerance: float, relative: bool = False) -> Tolerances:
    """The tolerance of an "approximately equal" claim, stated explicitly.

    ``relative``: every entry within ``tolerance`` times the largest entry; otherwise within ``tolerance``
    absolute on a quantity of natural size 1.  The resolution limit is set just above the stated tolerance,
    because an approximation claim is, by design, judged at that tolerance.
    """
    if relative:
        return Tolerances(rtol=tolerance, max_resolution=1.5 * tolerance)
    return Tolerances(atol=tolerance, scale=1.0, max_resolution=1.5 * tolerance)
