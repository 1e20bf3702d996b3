r"""The single ReLU neuron on Gaussian classes: exact population loss, its
gradient, its gradient flow, and the flow's stationary points.

Model :math:`\hat y = \operatorname{ReLU}(\langle w, x\rangle)`, balanced labels
Y in {0, 1}, :math:`X | Y=c \sim \mathcal N(0, \Sigma_c)`, loss
:math:`\mathcal L = \frac12 \mathbb E[(\hat y - Y)^2]`.  Given Y = c,
:math:`S = \langle w, X\rangle \sim \mathcal N(0, q_c)` with
:math:`q_c = w^\top\Sigma_c w`, hence :math:`\operatorname{ReLU}(S) \overset{d}{=} \sqrt{q_c}\operatorname{ReLU}(U)`
and

.. math::

    \mathcal L(w) = \tfrac14\big(c_2 q_1 - 2 c_1 \sqrt{q_1} + 1 + c_2 q_0\big),
    \qquad c_1 = \mathbb E\operatorname{ReLU}(U),\; c_2 = \mathbb E\operatorname{ReLU}(U)^2,

with :math:`U \sim \mathcal N(0,1)` and the two constants computed here by
mpmath quadrature (never from their closed forms).  The gradient is taken by
complex-step differentiation of this loss (exact to rounding, no
subtraction error), so nothing of the notes' conditional-expectation algebra
enters; the gradient flow is :math:`\tau\dot w = -\nabla\mathcal L` with
:math:`\tau = 1`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mpmath
import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq, root

from ..ode import IntegrationError


@lru_cache(maxsize=4)
def relu_moments(dps: int = 30) -> tuple[float, float]:
    r""":math:`(c_1, c_2) = (\mathbb E\operatorname{ReLU}(U), \mathbb E\operatorname{ReLU}(U)^2)` by quadrature."""
    with mpmath.workdps(dps + 10):
        density = lambda u: mpmath.exp(-u * u / 2) / mpmath.sqrt(2 * mpmath.pi)  # noqa: E731
        c1 = mpmath.quad(lambda u: u * density(u), [0, mpmath.inf])
        c2 = mpmath.quad(lambda u: u * u * density(u), [0, mpmath.inf])
    return float(c1), float(c2)


@dataclass(frozen=True)
class GaussianTask:
    """Class covariances of the two Gaussian classes (label 1: ``cov1``, label 0: ``cov0``)."""

    cov1: np.ndarray
    cov0: np.ndarray

    @staticmethod
    def loss_of_variances(q1: np.ndarray, q0: np.ndarray) -> np.ndarray:
        r""":math:`\frac14(c_2 q_1 - 2c_1\sqrt{q_1} + 1 + c_2 q_0)` (complex arguments allowed)."""
        c1, c2 = relu_moments()
        return 0.25 * (c2 * q1 - 2 * c1 * np.sqrt(q1 + 0j) + 1 + c2 * q0)

    def loss(self, w: np.ndarray) -> float:
        r""":math:`\mathcal L(w)` for a real w."""
        w = np.asarray(w, float)
        return float(np.real(self.loss_of_variances(w @ self.cov1 @ w, w @ self.cov0 @ w)))

    def gradient(self, w: np.ndarray, step: float = 1e-30) -> np.ndarray:
        r""":math:`\nabla\mathcal L(w)` by complex-step differentiation,
        :math:`\partial_j\mathcal L = \operatorname{Im}\mathcal L(w + ihe_j)/h`.

        The quadratic forms at the probes are expanded exactly,
        :math:`(w+ihe_j)^\top\Sigma(w+ihe_j) = q + 2ih(\Sigma w)_j - h^2\Sigma_{jj}`,
        so one gradient costs O(n^2)."""
        w = np.asarray(w, float)
        probes = []
        for cov in (self.cov1, self.cov0):
            probes.append(w @ cov @ w + 2j * step * (cov @ w) - step**2 * np.diag(cov))
        return np.imag(self.loss_of_variances(*probes)) / step

    def flow(self, w: np.ndarray) -> np.ndarray:
        r"""The gradient flow :math:`\tau\,dw/dt = -\nabla\mathcal L(w)`, :math:`\tau = 1`."""
        return -self.gradient(w)

    def hessian(self, w: np.ndarray, step: float = 1e-6) -> np.ndarray:
        """Hessian by central differences of the (exact) gradient, symmetrised."""
        w = np.asarray(w, float)
        cols = []
        for j in range(w.size):
            h = step * max(1.0, abs(w[j]))
            e = np.zeros_like(w)
            e[j] = h
            cols.append((self.gradient(w + e) - self.gradient(w - e)) / (2 * h))
        hess = np.stack(cols, axis=1)
        return 0.5 * (hess + hess.T)


@dataclass(frozen=True)
class RestPoint:
    """A stationary point of the flow with its gradient residual and Hessian spectrum."""

    w: np.ndarray
    residual: float
    hessian_eigenvalues: np.ndarray
    time: float

    @property
    def stable(self) -> bool:
        return bool(self.hessian_eigenvalues.min() > -1e-9 * max(1.0, abs(self.hessian_eigenvalues).max()))


def polish(task: GaussianTask, w: np.ndarray, tol: float = 1e-13) -> tuple[np.ndarray, float]:
    """Newton-type refinement of a near-stationary point (scipy ``root`` on the exact gradient)."""
    sol = root(task.gradient, w, jac=task.hessian, method="hybr", tol=tol)
    residual = float(np.linalg.norm(task.gradient(sol.x)))
    if not np.all(np.isfinite(sol.x)):
        raise IntegrationError(f"stationary-point refinement diverged: {sol.message}")
    return sol.x, residual


def flow_limit(task: GaussianTask, w0: np.ndarray, t_max: float = 1e5, grad_tol: float = 1e-9) -> RestPoint:
    r"""Integrate :math:`\dot w = -\nabla\mathcal L` from ``w0`` until :math:`\|\nabla\mathcal L\| <` ``grad_tol``
    (scipy LSODA), then refine the end point to a stationary point.

    Raises :class:`IntegrationError` if the flow has not come to rest by ``t_max``
    or the refinement moves the point by more than 1e-3 of its norm (the end
    point was not in the basin of the refined stationary point).
    """
    def slow(t: float, w: np.ndarray) -> float:
        return float(np.linalg.norm(task.gradient(w))) - grad_tol

    slow.terminal = True  # type: ignore[attr-defined]
    sol = solve_ivp(lambda t, w: task.flow(w), (0.0, t_max), np.asarray(w0, float), method="LSODA",
                    events=slow, rtol=1e-10, atol=1e-12)
    if not sol.success:
        raise IntegrationError(f"solve_ivp (LSODA) failed: {sol.message}")
    if sol.status != 1:
        raise IntegrationError(f"the flow did not come to rest (|grad L| > {grad_tol:g}) by t = {t_max:g}")
    end = sol.y[:, -1]
    w, residual = polish(task, end)
    if np.linalg.norm(w - end) > 1e-3 * max(np.linalg.norm(end), 1e-300):
        raise IntegrationError("refining the end point of the flow moved it away: no stationary point nearby")
    return RestPoint(w, residual, np.linalg.eigvalsh(task.hessian(w)), float(sol.t[-1]))


def stationary_on_ray(task: GaussianTask, direction: np.ndarray, tol: float = 1e-10) -> RestPoint:
    r"""The stationary point :math:`t^* b` on the ray through the unit vector ``b`` (t > 0),
    found by brentq on :math:`t \mapsto b^\top\nabla\mathcal L(tb)`.

    Raises :class:`IntegrationError` when there is no sign change (no stationary
    point on the ray) or when :math:`\nabla\mathcal L(t^*b)` is not 0 off the ray
    (the ray is not invariant: ``b`` is not a common eigenvector).
    """
    b = np.asarray(direction, float) / np.linalg.norm(direction)
    phi = lambda t: float(b @ task.gradient(t * b))  # noqa: E731
    lo, hi = 1e-8, 1.0
    while phi(hi) < 0 and hi < 1e12:
        hi *= 4
    if not (phi(lo) < 0 < phi(hi)):
        raise IntegrationError("no sign change of the radial derivative: no stationary point on this ray")
    t = brentq(phi, lo, hi, xtol=1e-15 * hi, rtol=1e-15, maxiter=500)
    w = t * b
    residual = float(np.linalg.norm(task.gradient(w)))
    scale = float(np.linalg.norm(task.gradient(2 * w)))
    if residual > tol * max(scale, 1.0):
        raise IntegrationError(f"the gradient does not vanish at the radial root (|grad L| = {residual:.2g})")
    return RestPoint(w, residual, np.linalg.eigvalsh(task.hessian(w)), 0.0)
