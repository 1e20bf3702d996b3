r"""Gated deep linear networks (GDLN): gates, expanded inputs, the model's loss, linear flows.

The model of note 000 (5) / 001 (46) with K node gates :math:`g_k(x) \in \{0, 1\}`:

.. math:: \hat y(x) = \frac{1}{K} \sum_{k=1}^K g_k(x)\, w_k^\top x = \frac{1}{K} w^\top \tilde x,
          \qquad \tilde x = \tilde g(x) \otimes x = (g_1(x) x, \dots, g_K(x) x),

with :math:`w = (w_1, \dots, w_K) \in \mathbb{R}^{Kn}` the rows of :math:`W_1` stacked.

Everything here is computed from the model itself (its output, its squared loss
and the chain rule on it), never from the moment matrices :math:`A`, :math:`b`
of the notes, so that it can serve as the independent side of a claim.

Data distributions are *empirical*: a finite sample :math:`\{(x_s, y_s)\}_{s=1}^N`
with exactly N/2 points of each class is itself a balanced two-class
distribution, and every identity between expectations that the notes state for
all distributions must hold for it exactly (up to rounding).  This gives
checks at machine precision instead of Monte Carlo resolution.

Gates are fixed functions of x (they may also depend on a time t):

* half-spaces :math:`g_k(x) = 1(\langle v_k, x\rangle \ge 0)` (random directions);
* small bumps :math:`g_k(x) = 1(s_k x_{i_k} > 0)` (a coordinate and a sign);
* exclusive gates :math:`g_k(x) = 1(k = \arg\max_j \langle v_j, x\rangle)`: exactly one is on;
* moving half-spaces :math:`g_k(t, x) = 1(\langle v_k + t d_k, x\rangle \ge 0)`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import datamodels as dm
from ..domain import OutsideDomain, require_positive_definite
from ..estimate import Estimate
from ..ode import integrate_flow

EPS = np.finfo(float).eps


# --------------------------------------------------------------------------- data
def balanced_nlgp(n: int, xi1: float, xi2: float, gain: float, size: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    r"""A balanced sample: size/2 points :math:`X = \operatorname{erf}(gZ)/\sqrt{Z_c(g)}`,
    :math:`Z \sim \mathcal N(0, \Sigma(\xi_1))` with y = 1, and size/2 with :math:`\Sigma(\xi_2)`, y = 0
    (plain distance).  Returns (x of shape (size, n), y of shape (size,))."""
    half = size // 2
    x1 = dm.nlgp(rng.standard_normal((half, n)), dm.latent_factor(n, xi1), gain)
    x0 = dm.nlgp(rng.standard_normal((half, n)), dm.latent_factor(n, xi2), gain)
    return np.vstack([x1, x0]), np.concatenate([np.ones(half), np.zeros(half)])


# --------------------------------------------------------------------------- gates
def halfspace_gates(x: np.ndarray, directions: np.ndarray) -> np.ndarray:
    r""":math:`g_k(x) = 1(\langle v_k, x\rangle \ge 0)`; directions of shape (K, n); returns (N, K) floats."""
    return (x @ directions.T >= 0).astype(float)


def bump_gates(x: np.ndarray, coordinates: np.ndarray, signs: np.ndarray) -> np.ndarray:
    r""":math:`g_k(x) = 1(s_k x_{i_k} > 0)` (the small-bump gate of note 001 section 5.2 and its mirror)."""
    return (x[:, coordinates] * signs[None, :] > 0).astype(float)


def exclusive_gates(x: np.ndarray, directions: np.ndarray) -> np.ndarray:
    r""":math:`g_k(x) = 1(k = \arg\max_j \langle v_j, x\rangle)`: a partition of space into K cones."""
    winner = np.argmax(x @ directions.T, axis=1)
    return (winner[:, None] == np.arange(directions.shape[0])[None, :]).astype(float)


def moving_halfspace_gates(x: np.ndarray, directions: np.ndarray, drifts: np.ndarray, t: float) -> np.ndarray:
    r""":math:`g_k(t, x) = 1(\langle v_k + t d_k, x\rangle \ge 0)`: gates that change with time."""
    return halfspace_gates(x, directions + t * drifts)


# --------------------------------------------------------------------------- model
def expanded_input(x: np.ndarray, gates: np.ndarray) -> np.ndarray:
    r""":math:`\tilde x = \tilde g(x) \otimes x`, one row per sample, shape (N, K n)."""
    return (gates[:, :, None] * x[:, None, :]).reshape(x.shape[0], -1)


def kron_second_moment(gates: np.ndarray, x: np.ndarray) -> np.ndarray:
    r""":math:`\langle (\tilde g \otimes x)(\tilde g \otimes x)^\top\rangle` by the mixed-product rule
    :math:`(\tilde g \otimes x)(\tilde g \otimes x)^\top = (\tilde g\tilde g^\top) \otimes (x x^\top)`, grouped by
    gate pattern: :math:`\sum_{\gamma} \mathbb P(\tilde g = \gamma)\,(\gamma\gamma^\top) \otimes
    \langle x x^\top \mid \tilde g = \gamma\rangle` with ``np.kron`` (at most :math:`2^K` patterns)."""
    patterns, inverse = np.unique(gates, axis=0, return_inverse=True)
    inverse = np.ravel(inverse)
    out = np.zeros((gates.shape[1] * x.shape[1],) * 2)
    for idx, gamma in enumerate(patterns):
        rows = x[inverse == idx]
        out += np.kron(np.outer(gamma, gamma), rows.T @ rows) / x.shape[0]
    return out


def kron_first_moment(gates: np.ndarray, x: np.ndarray) -> np.ndarray:
    r""":math:`\langle \tilde g \otimes x\rangle = \sum_\gamma \mathbb P(\tilde g = \gamma)\,\gamma \otimes \langle x \mid \tilde g = \gamma\rangle`."""
    patterns, inverse = np.unique(gates, axis=0, return_inverse=True)
    inverse = np.ravel(inverse)
    return sum(np.kron(gamma, x[inverse == idx].sum(axis=0)) for idx, gamma in enumerate(patterns)) / x.shape[0]


def gdln_output(weights: np.ndarray, x: np.ndarray, gates: np.ndarray) -> np.ndarray:
    r""":math:`\hat y(x) = \frac1K \sum_k g_k(x) w_k^\top x` for weights of shape (K, n)."""
    k = weights.shape[0]
    return (gates * (x @ weights.T)).sum(axis=1) / k


def per_sample_loss(weights: np.ndarray, x: np.ndarray, y: np.ndarray, gates: np.ndarray, half: bool = True) -> np.ndarray:
    r""":math:`\ell = c\,(y - \hat y(x))^2` with c = 1/2 (``half``) or 1."""
    return (0.5 if half else 1.0) * (y - gdln_output(weights, x, gates)) ** 2


def mean_loss(weights: np.ndarray, x: np.ndarray, y: np.ndarray, gates: np.ndarray, half: bool = True) -> float:
    """The loss over the empirical distribution (the mean of the per-sample losses)."""
    return float(per_sample_loss(weights, x, y, gates, half).mean())


def negative_loss_gradient(weights: np.ndarray, x: np.ndarray, y: np.ndarray, gates: np.ndarray, half: bool = True) -> np.ndarray:
    r""":math:`-\nabla_{w_k} L = \frac{2c}{K} \langle (y - \hat y)\, g_k\, x\rangle` by the chain rule on the
    model output (no moment matrices); shape (K, n)."""
    k = weights.shape[0]
    residual = y - gdln_output(weights, x, gates)
    return (2 * (0.5 if half else 1.0) / k) * np.einsum("s,sk,sn->kn", residual, gates, x) / x.shape[0]


def finite_difference_gradient(loss: Callable[[np.ndarray], float], theta: np.ndarray, step: float = 1e-3) -> Estimate:
    r"""Central differences of a deterministic loss.  For a quadratic loss they are exact up to
    rounding, whose size :math:`\approx 4\epsilon \max|L| / h` is reported as the error."""
    theta = np.asarray(theta, float)
    flat = theta.ravel()
    out = np.empty(flat.size)
    top = 0.0
    for j in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[j] += step
        down[j] -= step
        lu, ld = loss(up.reshape(theta.shape)), loss(down.reshape(theta.shape))
        top = max(top, abs(lu), abs(ld))
        out[j] = (lu - ld) / (2 * step)
    err = np.full(theta.shape, 8 * EPS * max(top, 1e-300) / step)
    return Estimate(out.reshape(theta.shape), "exact", err, detail=f"central differences of the loss, h = {step:g}")


def part(est: Estimate, index=None, factor: float = 1.0, reshape: tuple | None = None) -> Estimate:
    """``factor * est.value[index]`` (optionally reshaped) with its deterministic error carried along."""
    value = np.asarray(est.value)
    err = np.broadcast_to(np.abs(est.abs_error), value.shape)
    if index is not None:
        value, err = value[index], err[index]
    if reshape is not None:
        value, err = value.reshape(reshape), err.reshape(reshape)
    return Estimate(factor * value, est.method, abs(factor) * np.array(err), None, est.samples, est.detail)


# --------------------------------------------------------------------------- least squares
def least_squares(design: np.ndarray, target: np.ndarray) -> Estimate:
    r"""argmin_w :math:`\|D w - y\|^2` by ``numpy.linalg.lstsq`` (SVD), with a rounding bound
    :math:`\approx \kappa(D)^2 \epsilon \|w\|` (normal-equation conditioning, a safe upper bound)."""
    coef, _, rank, sv = np.linalg.lstsq(design, target, rcond=None)
    if rank < design.shape[1]:
        # the least-squares solution is not unique: outside the domain of any claim about "the" OLS fit
        raise OutsideDomain(f"design matrix has rank {rank} < {design.shape[1]} columns")
    kappa = float(sv[0] / sv[-1])
    err = np.full(coef.shape, 10 * kappa**2 * EPS * float(np.max(np.abs(coef))))
    return Estimate(coef, "exact", err, detail=f"numpy lstsq (SVD), condition number {kappa:.3g}")


# --------------------------------------------------------------------------- linear flows
def linear_flow(matrix: np.ndarray, vector: np.ndarray, scale: float, start: np.ndarray, times: np.ndarray) -> Estimate:
    r"""Trajectory of :math:`s\,\dot w = r - M w` from w(0), by scipy (``ode.integrate_flow``);
    shape (len(times), dim)."""
    return integrate_flow(lambda t, w: (vector - matrix @ w) / scale, start, float(np.max(times)), t_eval=times)


def flow_map(matrix: np.ndarray, vector: np.ndarray, scale: float, start: np.ndarray, t: float) -> np.ndarray:
    r"""w(t) for :math:`s\,\dot w = r - M w` by the exact flow map of the affine ODE: with
    :math:`B = \frac1s\begin{pmatrix}-M & r\\ 0 & 0\end{pmatrix}`, :math:`(w(t), 1) = e^{tB}(w(0), 1)`
    (``scipy.linalg.expm``, Pade scaling and squaring; no eigen-decomposition, no inverse of M)."""
    from scipy.linalg import expm

    dim = matrix.shape[0]
    generator = np.zeros((dim + 1, dim + 1))
    generator[:dim, :dim] = -matrix / scale
    generator[:dim, dim] = vector / scale
    return (expm(t * generator) @ np.append(np.asarray(start, float), 1.0))[:dim]


def flow_limit(matrix: np.ndarray, vector: np.ndarray, scale: float, start: np.ndarray, decay_lengths: float = 40.0) -> Estimate:
    r"""w(T) for :math:`s\,\dot w = r - M w` with T = ``decay_lengths`` slowest time constants
    :math:`s/\lambda_{\min}(M)`, by the exact flow map (:func:`flow_map`); stiff long-time integration
    by a step-by-step solver costs seconds here.  The error is :math:`|w(T) - w(2T)|` plus the bound
    :math:`\|r - M w(T)\| / \lambda_{\min}` on the distance to the fixed point."""
    # a singular M (an eigenvalue 0 up to rounding) has no single limit: outside the claim's domain
    lam_min = float(require_positive_definite(matrix, "the flow matrix (no single limit)")[0])
    t_end = decay_lengths * scale / lam_min
    w_t = flow_map(matrix, vector, scale, start, t_end)
    w_2t = flow_map(matrix, vector, scale, start, 2 * t_end)
    residual = float(np.linalg.norm(vector - matrix @ w_t)) / lam_min
    return Estimate(w_t, "ode", np.abs(w_t - w_2t) + residual,
                    detail=f"exact flow map expm(T B) of the affine ODE at T = {t_end:.3g} (40 slowest time constants)")


# --------------------------------------------------------------------------- exact linear algebra
def simultaneously_diagonalizable(a, b) -> bool:
    r"""Whether square matrices A, B (integer or rational entries) have a common eigenbasis over
    :math:`\mathbb C`, decided exactly with SymPy and without reference to commutation:
    the joint eigenspaces :math:`\ker\begin{pmatrix}A - \lambda I\\ B - \mu I\end{pmatrix}` over
    all eigenvalue pairs are independent, so a common eigenbasis exists iff their dimensions add to n."""
    import sympy

    a, b = sympy.Matrix(a), sympy.Matrix(b)
    n = a.shape[0]
    eye = sympy.eye(n)
    total = 0
    for lam in a.eigenvals():
        for mu in b.eigenvals():
            total += len((a - lam * eye).col_join(b - mu * eye).nullspace(simplify=True))
    return total == n


# --------------------------------------------------------------------------- the true gradient flow
def affine_field(loss: Callable[[np.ndarray], float], shape: tuple[int, ...], step: float = 1e-3) -> tuple[np.ndarray, np.ndarray, float]:
    r"""The gradient field of a quadratic loss, :math:`-\nabla L(w) = r - M w`, from central differences of
    the loss alone: :math:`r = -\nabla L(0)` and :math:`M e_j = -\nabla L(0) + \nabla L(e_j)`.

    Central differences are exact for a quadratic up to rounding; the returned bound is the
    largest rounding error of the differences (twice, for M).  Nothing here uses moment matrices."""
    dim = int(np.prod(shape))
    zero = np.zeros(shape)
    g0 = finite_difference_gradient(loss, zero, step)
    r = -np.asarray(g0.value).ravel()
    cols = []
    err = float(np.max(g0.abs_error))
    for j in range(dim):
        e = np.zeros(dim)
        e[j] = 1.0
        gj = finite_difference_gradient(loss, e.reshape(shape), step)
        cols.append(np.asarray(gj.value).ravel() + r)
        err = max(err, float(np.max(gj.abs_error)))
    return np.array(cols).T, r, 2 * err


Field = tuple[np.ndarray, np.ndarray, float]


def gradient_flow(field: Field, tau: float, start: np.ndarray, times: np.ndarray) -> Estimate:
    r"""Trajectory of the true gradient flow :math:`\tau \dot w = -\nabla L(w)` of a quadratic loss, at ``times``:
    ``field`` from :func:`affine_field` (central differences of the loss), integrated by scipy
    (:func:`linear_flow`); the rounding of the field is carried along (times :math:`t/\tau`)."""
    m, r, field_err = field
    path = linear_flow(m, r, tau, np.asarray(start, float), np.asarray(times, float))
    spread = field_err * (1 + float(np.max(np.abs(path.value)))) * float(np.max(times)) / tau
    return Estimate(path.value, path.method, np.asarray(path.abs_error) + spread, detail=
                    "scipy integration of tau dw/dt = -grad L, the gradient by central differences of the model's loss")


def gradient_flow_limit(field: Field, tau: float, start: np.ndarray) -> Estimate:
    r""":math:`w(\infty)` of the true gradient flow :math:`\tau\dot w = -\nabla L(w)` by the exact flow map of its
    field (:func:`flow_limit`, 40 slowest time constants), the field from central differences of the loss."""
    m, r, field_err = field
    lim = flow_limit(m, r, tau, np.asarray(start, float))
    lam_min = float(np.linalg.eigvalsh((m + m.T) / 2)[0])
    extra = field_err * (1 + float(np.max(np.abs(lim.value)))) / max(lam_min, 1e-300) * np.sqrt(m.shape[0])
    return Estimate(lim.value, lim.method, np.asarray(lim.abs_error) + extra,
                    detail="exact flow map of tau dw/dt = -grad L, the gradient by central differences of the model's loss")
