r"""Shared setting of the GDLN modules (no claims are declared here).

Data: a balanced two-class NLGP sample (class y = 1 from :math:`\Sigma(\xi_1)`, y = 0
from :math:`\Sigma(\xi_2)`, plain distance, :math:`X = \operatorname{erf}(gZ)/\sqrt{Z_c(g)}`,
labels 0/1), used as an *empirical distribution*: every expectation
:math:`\langle\cdot\rangle` of the notes is the exact average over the sample.  An identity
between expectations that holds for every distribution must hold for it up to rounding,
so these checks are exact; :mod:`numerics.models.gdln` explains the route.

Network: K gates that are fixed functions of x (families below), weights
:math:`w_k \in \mathbb{R}^n` drawn at random; the model is note 000 (5).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
from hypothesis import strategies as st

from numerics.models import gdln as gd
from numerics.domain import require_positive_definite


FAMILIES = ("halfspace", "bump", "exclusive", "redundant")
SAMPLE_SIZE = 1024          # exact identities on an empirical distribution
LARGE_SAMPLE = 4096         # least-squares fits ("a large sample")

DATA = (
    "data: balanced two-class NLGP sample, y = 1 from Sigma(xi_1), y = 0 from Sigma(xi_2), plain distance, "
    "X = erf(gZ)/sqrt(Z_c(g)) (normalised as in note 001), labels y in {0, 1}, exactly N/2 points per class",
    "expectations <.> are exact averages over that sample (an empirical distribution is a distribution, "
    "so identities stated for all distributions must hold for it up to rounding)",
    "gates g_k are fixed functions of x (half-spaces, small bumps 1(s x_i > 0), exclusive cones, or redundant "
    "copies), chosen by Hypothesis; <.>_{g,x,y} is the average over the data of the gated quantities",
)
MODEL = (
    "model (5): yhat(x) = (1/K) sum_k g_k(x) w_k^T x; loss L = (1/2) <(y - yhat)^2> "
    "(the 1/2 of note 000 (45) and of the GDLN literature); gradient flow tau dw/dt = -grad L",
)

# xi in [0.5, 2] covers the notes' experiments (xi_1 = 2, xi_2 = 1) and keeps the moment matrices
# well conditioned enough for double precision; the gain range covers Gaussian-like to saturated data.
base_params = {
    "n": st.integers(2, 5),
    "K": st.integers(1, 4),
    "xi1": st.floats(0.5, 2.0),
    "xi2": st.floats(0.5, 2.0),
    "gain": st.floats(0.2, 4.0),
    "seed": st.integers(0, 2**16),
}


def with_family(*families: str) -> dict:
    return {**base_params, "family": st.sampled_from(families)}


@dataclass(frozen=True)
class Network:
    """A GDLN on an empirical distribution: data (x, y), gate values, weights (K, n)."""

    x: np.ndarray
    y: np.ndarray
    gates: np.ndarray
    weights: np.ndarray

    @property
    def K(self) -> int:
        return self.gates.shape[1]

    @property
    def n(self) -> int:
        return self.x.shape[1]

    @property
    def w(self) -> np.ndarray:
        r""":math:`w = (w_1, \dots, w_K)` stacked (the rows of :math:`W_1`)."""
        return self.weights.ravel()

    # ----- the notes' definitions, entry by entry
    def sigma_yx(self, i: int) -> np.ndarray:
        r"""(8)/(49): :math:`\Sigma^{yx}(p_i) = \langle g_i y x\rangle` (as a 1-D array)."""
        return np.mean((self.gates[:, i] * self.y)[:, None] * self.x, axis=0)

    def sigma_xx(self, i: int, j: int) -> np.ndarray:
        r"""(9)/(50): :math:`\Sigma^{xx}(p_i, p_j) = \langle g_i g_j x x^\top\rangle`."""
        weight = self.gates[:, i] * self.gates[:, j]
        return np.einsum("s,sa,sb->ab", weight, self.x, self.x) / self.x.shape[0]

    @cached_property
    def A(self) -> np.ndarray:
        r"""The block matrix of (10): :math:`A_{ij} = \Sigma^{xx}(p_i, p_j)`, block by block."""
        return np.block([[self.sigma_xx(i, j) for j in range(self.K)] for i in range(self.K)])

    def require_invertible_A(self) -> None:
        r"""Raise :class:`~numerics.domain.OutsideDomain` where A is singular (a gate never on, or gated
        inputs confined to a subspace): every formula with :math:`A^{-1}` or :math:`\Lambda^{-1}`, and "the"
        limit or OLS fit, assumes an invertible A ("If none of the eigenvalues are zero")."""
        require_positive_definite(self.A, f"A (K = {self.K} gates, n = {self.n})")

    @cached_property
    def b(self) -> np.ndarray:
        r""":math:`b = (b_1, \dots, b_K)`, :math:`b_i = \Sigma^{yx}(p_i)`."""
        return np.concatenate([self.sigma_yx(i) for i in range(self.K)])

    @cached_property
    def xtilde(self) -> np.ndarray:
        r""":math:`\tilde x = \tilde g(x) \otimes x` per sample, shape (N, Kn)."""
        return gd.expanded_input(self.x, self.gates)

    # ----- the model itself
    def loss(self, weights: np.ndarray, half: bool = True) -> float:
        return gd.mean_loss(weights, self.x, self.y, self.gates, half)

    def true_flow(self, weights: np.ndarray) -> np.ndarray:
        r""":math:`-\nabla L` by the chain rule on the model output, shape (K, n)."""
        return gd.negative_loss_gradient(weights, self.x, self.y, self.gates)

    @cached_property
    def true_field(self) -> gd.Field:
        r"""The true gradient field :math:`-\nabla L(w) = r - Mw` of the model's loss (1/2 squared error), from
        central differences of the loss alone (:func:`numerics.gdln.affine_field`), never from A, b."""
        return gd.affine_field(lambda wt: self.loss(wt), self.weights.shape)

    def true_trajectory(self, tau: float, start: np.ndarray, times: np.ndarray):
        r"""w(t) of the true gradient flow :math:`\tau \dot w = -\nabla L(w)` at ``times``, stacked w (Estimate)."""
        return gd.gradient_flow(self.true_field, tau, start, times)

    def true_limit(self, tau: float, start: np.ndarray):
        r""":math:`w(\infty)` of the true gradient flow from ``start`` (Estimate)."""
        return gd.gradient_flow_limit(self.true_field, tau, start)

    def fd_flow(self, half: bool = True):
        r""":math:`-\nabla_w L` by central differences of the loss (an Estimate, shape (K, n))."""
        return gd.finite_difference_gradient(lambda wt: self.loss(wt, half), self.weights).scaled(-1.0)


def _directions(rng: np.random.Generator, k: int, n: int) -> np.ndarray:
    return rng.standard_normal((k, n))


def gate_values(family: str, x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Gate values (N, K) of a family; the gate parameters come from ``rng``."""
    n = x.shape[1]
    if family == "halfspace":
        return gd.halfspace_gates(x, _directions(rng, k, n))
    if family == "bump":
        # distinct gates for K <= 2n: coordinate perm[k mod n], sign + for the first n, - after
        coords = rng.permutation(n)[np.arange(k) % n]
        signs = np.where(np.arange(k) < n, 1.0, -1.0)
        return gd.bump_gates(x, coords, signs)
    if family == "exclusive":
        return gd.exclusive_gates(x, _directions(rng, k, n))
    if family == "redundant":
        dirs = _directions(rng, max(k, 2), n)
        dirs[1] = dirs[0]  # g_1 = g_2
        return gd.halfspace_gates(x, dirs)
    raise ValueError(f"unknown gate family {family!r}")


@lru_cache(maxsize=256)
def _network(n: int, k: int, xi1: float, xi2: float, gain: float, seed: int, family: str, size: int) -> Network:
    x, y = gd.balanced_nlgp(n, xi1, xi2, gain, size, np.random.default_rng([seed, 1]))
    gates = gate_values(family, x, k, np.random.default_rng([seed, 2]))
    weights = np.random.default_rng([seed, 3]).standard_normal((gates.shape[1], n))
    return Network(x, y, gates, weights)


def network(p, family: str | None = None, size: int = SAMPLE_SIZE, K: int | None = None) -> Network:
    """The network at point p (family from p.family unless given; K from p.K unless given)."""
    fam = family or p["family"]
    return _network(int(p.n), int(K if K is not None else p.K), float(p.xi1), float(p.xi2), float(p.gain),
                    int(p.seed), fam, int(size))


def initial_weights(p, dim: int) -> np.ndarray:
    r"""A random initial condition w(0) = s * N(0, I), s = p.init_scale (s = 0: start at w = 0)."""
    return float(p.init_scale) * np.random.default_rng([int(p.seed), 4]).standard_normal(dim)
