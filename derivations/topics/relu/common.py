r"""Shared pieces of the ReLU-neuron modules (no claims are declared here).

Conventions used by every ``relu.*`` module unless a claim says otherwise:

* two balanced classes, label Y = 1 for :math:`X \sim p_{\xi_1}`, Y = 0 for
  :math:`X \sim p_{\xi_0}` (note 001 calls the second length :math:`\xi_2`,
  note 003 calls it :math:`\xi_0`); the class covariances are
  :math:`\Sigma_1 = \operatorname{Cov}(X | Y=1)`, :math:`\Sigma_0 = \operatorname{Cov}(X|Y=0)`;
* the latent kernel :math:`\Sigma(\xi)_{ij} = e^{-d(i,j)^2/\xi^2}` with the plain
  distance (Toeplitz) unless the claim says ring distance (circulant);
* expectations over the mixture are computed by stratified sampling: every
  Monte Carlo sample carries one class-1 draw and one class-0 draw, and a
  statistic T(X, Y) is averaged as :math:`\frac12 T(X_1, 1) + \frac12 T(X_0, 0)`,
  which has exactly the mixture's expectation;
* a conditional expectation given S > 0, :math:`S = \langle w, X\rangle`, is
  :math:`\mathbb E[\,\cdot\,1(S>0)]/\mathbb P(S>0)` with :math:`\mathbb P(S>0) = \frac12`
  (exact for every family used: X and -X have the same law and P(S = 0) = 0
  for continuous data; audited as ``relu.symmetry.half``);
* the flow :math:`\tau\,dw/dt = -\partial\mathcal L/\partial w` with
  :math:`\tau = 1` and :math:`\mathcal L = \frac12\mathbb E[(\hat y - Y)^2]` (note 001 (3));
  its reference is the gradient of the actual loss: central differences of
  the per-sample loss on the sampled data (common random numbers), or, for
  Gaussian classes, complex-step differentiation of the exact population loss
  (:mod:`numerics.models.relu_population`).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from numerics.models import datamodels as dm
from numerics.models import families as fam
from numerics.models import fourier as fo
from numerics.models import sampling
from numerics.gradients import central_difference

from derivations.api import Point


LABELS = "balanced classes, labels Y in {0, 1}: Y = 1 for class xi_1, Y = 0 for class xi_0 (xi_2 in note 001)"
LOSS_HALF = "loss L = 1/2 E[(yhat - Y)^2] (note 001 (3) / note 000 (45)); tau = 1"
STRATIFIED = "mixture expectations by stratified sampling: (T(X_1, 1) + T(X_0, 0))/2 per sample, both classes drawn"
CONDITIONAL = "E[. | S > 0] computed as 2 E[. 1(S > 0)], using P(S > 0) = 1/2 (relu.symmetry.half)"
PLAIN = "Sigma(xi)_ij = exp(-(i-j)^2/xi^2), plain distance (Toeplitz)"
RING = "Sigma(xi)_ij = exp(-d(i,j)^2/xi^2) with the ring distance d = min(|i-j|, n-|i-j|) (circulant)"
FOURIER = "P: the real orthonormal Fourier basis (constant, sqrt2 Re v_j, sqrt2 Im v_j, alternating), u = P^T w"
RESTRICTED = ("notation of note 001: E_{X, S>0 | Y=1}[f] and E_{S>0|Y=1}[f] are restricted expectations "
              "E[f 1(S>0) | Y=1]; E_{S|S>0,Y=1}[f] is the conditional E[f | S>0, Y=1]")

# ---------------------------------------------------------------------------- parameter spaces
# Sampled claims cost ~0.1 s per parameter point, and a refutation is shrunk point by point, so the
# parameter spaces are small grids (which shrink in a few steps) rather than continua.
lengths = st.sampled_from([1.0, 0.7, 1.5, 2.5])
ring_lengths = st.sampled_from([1.0, 0.7, 1.3, 1.6])  # the ring kernel is PSD for n in 6..10 and xi <= 1.6 (checked)
gains = st.sampled_from([1.0, 0.3, 3.0])
seeds = st.integers(0, 15)
small_n = st.integers(3, 5)
ring_n = st.integers(6, 10)
families = st.sampled_from(["gaussian", "nlgp", "student", "hypercube"])
continuous_families = st.sampled_from(["gaussian", "nlgp", "student"])
dofs = st.integers(5, 8)


def with_defaults(p: Point, **defaults: object) -> Point:
    """The point with missing parameters filled in (a claim that fixes e.g. the family)."""
    return Point({**defaults, **p})


# ---------------------------------------------------------------------------- covariances and weights
def distance_of(p: Point) -> str:
    return p.get("distance", "plain")


def family_of(p: Point) -> str:
    return p.get("family", "gaussian")


def latent_cov(p: Point, label: int) -> np.ndarray:
    r"""Latent kernel :math:`\Sigma(\xi_{label})` of the claim's distance."""
    xi = p.xi1 if label == 1 else p.xi0
    return dm.covariance(p.n, xi, distance_of(p))


def class_cov(p: Point, label: int) -> np.ndarray:
    r""":math:`\Sigma_c = \operatorname{Cov}(X | Y = c)`, exactly, for the claim's family."""
    return fam.exact_covariance(family_of(p), latent_cov(p, label), p.get("g", 1.0))


def weights(p: Point, salt: int = 0) -> np.ndarray:
    """A random weight vector w ~ N(0, I_n) from the point's seed."""
    rng = np.random.default_rng([p.w_seed, salt])
    return rng.standard_normal(p.n)


def fourier_basis(p: Point) -> np.ndarray:
    return fo.real_fourier_basis(p.n)


def fourier_eigenvalues(p: Point, label: int) -> np.ndarray:
    r""":math:`\Lambda_c`: the diagonal of :math:`P^\top\Sigma_c P` (the eigenvalues when :math:`\Sigma_c` is circulant)."""
    q = fourier_basis(p)
    return np.diag(q.T @ class_cov(p, label) @ q)


# ---------------------------------------------------------------------------- sampled data
def per_class_dim(p: Point) -> int:
    return p.n + fam.extra_normals(family_of(p), p.get("nu", 5))


def two_class_dim(p: Point) -> int:
    return 2 * per_class_dim(p)


def draw_class(p: Point, eps: np.ndarray, label: int) -> np.ndarray:
    """Class-``label`` data from its block of normals (class 1 first, class 0 second)."""
    d = per_class_dim(p)
    block = eps[:, :d] if label == 1 else eps[:, d : 2 * d]
    xi = p.xi1 if label == 1 else p.xi0
    factor = dm.latent_factor(p.n, xi, distance_of(p))
    return fam.draw(family_of(p), block, factor, p.get("g", 1.0), p.get("nu", 5))


def two_class(p: Point, eps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(class-1 draw, class-0 draw) of a block.

    Paired statistics (claimed, reference, correction) are evaluated one after
    the other on the same block, so the draws are made once per block and point
    (:func:`numerics.models.sampling.per_block`).
    """
    return sampling.per_block(eps, ("relu.two_class", repr(sorted(p.items()))),
                              lambda: (draw_class(p, eps, 1), draw_class(p, eps, 0)))


def relu(s: np.ndarray) -> np.ndarray:
    return np.maximum(s, 0.0)


def loss_gradient_fd(p: Point, eps: np.ndarray, w: np.ndarray, scale: float = 1.0) -> np.ndarray:
    r"""Per-sample :math:`-\partial\ell/\partial w` of the stratified single-neuron loss
    :math:`\ell = \frac12\big[\frac12(\operatorname{ReLU}\langle w,X_1\rangle - 1)^2 + \frac12\operatorname{ReLU}\langle w,X_0\rangle^2\big]`,
    by central differences (the mean over samples is :math:`-\nabla\mathcal L`)."""
    x1, x0 = two_class(p, eps)

    def loss(v: np.ndarray) -> np.ndarray:
        return 0.5 * (0.5 * (relu(x1 @ v) - 1.0) ** 2 + 0.5 * relu(x0 @ v) ** 2)

    return -scale * central_difference(loss, w)
