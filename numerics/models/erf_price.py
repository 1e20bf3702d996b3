r"""The erf product moment of a bivariate normal along Price's path: a 1-D integral.

For :math:`(U, V)` standard bivariate normal with correlation :math:`\rho` and :math:`f(u) = \operatorname{erf}(gu)`,

.. math::

    \mathbb E_\rho[f(U) f(V)] = \int_0^\rho \mathbb E_t[f'(U) f'(V)]\, dt,

by Price's theorem (:math:`\partial_t \mathbb E_t[h(U,V)] = \mathbb E_t[\partial_u\partial_v h]` for a Gaussian
pair with correlation t) and :math:`\mathbb E_0[f(U)f(V)] = \mathbb E[f(U)]^2 = 0` (f odd, U and V independent
at t = 0).  With :math:`f'(u) = \tfrac{2g}{\sqrt\pi} e^{-g^2u^2}` the integrand is a Gaussian integral of an
exponential quadratic form, :math:`\mathbb E_t[e^{-g^2(U^2+V^2)}] = \det(I + 2g^2 R_t)^{-1/2}`, with
:math:`R_t` the correlation matrix [[1, t], [t, 1]]; the determinant is taken numerically.

The integrand is smooth on :math:`[0, \rho]` (:math:`\det(I + 2g^2R_t) \ge 1` for :math:`|t| \le 1`), so
Gauss-Legendre converges geometrically; the nodes are doubled until two rules agree; the error
estimate is the difference of the last two plus a bound on the rounding of the determinant.  No closed form of the moment is used.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import roots_legendre

from ..errors import NumericalFailure
from ..estimate import Estimate

_START, _MAX, _TOL = 8, 4096, 1e-14
_EPS = float(np.finfo(float).eps)


@lru_cache(maxsize=16)
def _rule(n: int) -> tuple[np.ndarray, np.ndarray]:
    return roots_legendre(n)


def price_integrand(gain: float, t: np.ndarray) -> np.ndarray:
    r""":math:`\mathbb E_t[f'(U) f'(V)] = \tfrac{4g^2}{\pi}\det(I + 2g^2 R_t)^{-1/2}` for a vector of correlations t."""
    t = np.asarray(t, dtype=float)
    mats = np.empty(t.shape + (2, 2))
    mats[..., 0, 0] = mats[..., 1, 1] = 1.0
    mats[..., 0, 1] = mats[..., 1, 0] = t
    det = np.linalg.det(np.eye(2) + 2.0 * gain**2 * mats)
    return 4.0 * gain**2 / np.pi / np.sqrt(det)


def erf_product_moment(gain: float, rho: float) -> Estimate:
    r""":math:`\mathbb E[\operatorname{erf}(gU)\operatorname{erf}(gV)]` for correlation ``rho`` in [-1, 1], by
    Gauss-Legendre on Price's path (see the module docstring), with the error estimate of two rules."""
    if gain <= 0:
        raise ValueError(f"gain g must be positive, got {gain}")
    if not -1.0 <= rho <= 1.0:
        raise ValueError(f"correlation must lie in [-1, 1], got {rho}")
    previous = None
    n = _START
    while n <= _MAX:
        x, w = _rule(n)
        t = 0.5 * rho * (x + 1.0)
        value = 0.5 * rho * float(np.dot(w, price_integrand(gain, t)))
        if previous is not None and abs(value - previous) <= _TOL * max(1.0, abs(value)):
            # rounding: det(I + 2g^2 R_t) = (1 + 2g^2)^2 - 4g^4 t^2 loses (1 + 2g^2)^2 / det digits; half of that
            # relative error reaches the integrand (square root); a factor 16 for the sum and the node values
            a2 = (1.0 + 2.0 * gain**2) ** 2
            det_min = a2 - 4.0 * gain**4 * rho**2
            rounding = 16.0 * _EPS * a2 / det_min * abs(rho) * float(np.max(price_integrand(gain, t)))
            return Estimate(np.asarray(value), "quadrature", np.asarray(abs(value - previous) + rounding + 1e-16),
                            detail=f"Price's theorem along the correlation, Gauss-Legendre with {n} nodes "
                                   f"(error: difference of the {n // 2}- and {n}-node rules)")
        previous = value
        n *= 2
    raise NumericalFailure(f"Gauss-Legendre on Price's path did not converge with {_MAX} nodes")
