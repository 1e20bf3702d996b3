"""Points outside a claim's domain.

A claim holds on a stated space; a drawn point can still fall where the
claim says nothing: a singular matrix the formula inverts, a rank-deficient
design, a covariance that is not positive semidefinite, a quantity that is 0
where the claim needs a scale.  Such a point is neither agreement nor a
counterexample.  A side raises :class:`OutsideDomain` with the reason; the
audit records the point as ``domain`` and the verdict rests on the others.
"""

from __future__ import annotations

import numpy as np


class OutsideDomain(Exception):
    """The parameter point lies outside the claim's domain; the message says why."""


def require_positive_definite(matrix: np.ndarray, what: str = "the matrix", rtol: float = 1e-10) -> np.ndarray:
    r"""The eigenvalues of the symmetric ``matrix``; raises :class:`OutsideDomain` unless
    :math:`\lambda_{\min} > \mathrm{rtol}\cdot\max(|\lambda_{\max}|, \text{tiny})`.

    A matrix that is singular in exact arithmetic comes out of floating point with an
    eigenvalue of order :math:`10^{-16}\lambda_{\max}` of either sign, so "invertible" is
    decided against a relative threshold far above rounding (and far below any eigenvalue a
    sample covariance of gated inputs has when every gate is active).
    """
    sym = (np.asarray(matrix, float) + np.asarray(matrix, float).T) / 2
    lam = np.linalg.eigvalsh(sym)
    top = max(float(np.max(np.abs(lam))), np.finfo(float).tiny)
    if not lam[0] > rtol * top:
        raise OutsideDomain(
            f"{what} is singular or not positive definite (smallest eigenvalue {lam[0]:.3g}, largest {lam[-1]:.3g})"
        )
    return lam


def solve_covariance(matrix: np.ndarray, rhs: np.ndarray, what: str = "the covariance") -> np.ndarray:
    r""":math:`M^{-1} r` for a symmetric positive semidefinite ``matrix`` (a second-moment matrix), after
    :func:`require_positive_definite`: a singular one (a gate that catches no sample, inputs confined to a
    subspace) makes the point :class:`OutsideDomain` instead of an undecided ``LinAlgError`` or a solve that
    returns rounding noise.  ``rhs`` may be complex (the notes' complex transient constants)."""
    require_positive_definite(matrix, what)
    return np.linalg.solve(np.asarray(matrix, float), rhs)
