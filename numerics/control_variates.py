r"""Control variates for sampled statistics: :math:`T - \beta^\top (C - \mathbb E C)`.

For per-sample values :math:`T` (shape (B, ...)) and controls :math:`C` (shape (B, ..., K)) whose
means :math:`\mathbb E C` are known in closed form, the corrected values have the same mean as
:math:`T` whatever :math:`\beta` is; the variance is smallest at the regression coefficient of
T on C.  The coefficients are fitted once on a *pilot* block that is independent of the blocks
the estimate uses (a fixed seeded block), so the corrected estimator stays unbiased and its
standard error from the replicates stays valid.
"""

from __future__ import annotations

import numpy as np


def fitted_coefficients(values: np.ndarray, controls: np.ndarray, ridge: float = 1e-12) -> np.ndarray:
    r"""Least-squares :math:`\beta` (shape (..., K)) of the centred values on the centred controls,
    per output component, on a pilot block.  A control with no variance gets coefficient 0."""
    t = np.asarray(values, dtype=float)
    c = np.asarray(controls, dtype=float)
    t = t - t.mean(axis=0)
    c = c - c.mean(axis=0)
    b = t.shape[0]
    # per component: (C^T C) beta = C^T t
    gram = np.einsum("b...k,b...m->...km", c, c) / b
    rhs = np.einsum("b...k,b...->...k", c, t) / b
    k = gram.shape[-1]
    scale = np.maximum(np.trace(gram, axis1=-2, axis2=-1), 1e-300)[..., None, None]
    return np.linalg.solve(gram + ridge * scale * np.eye(k), rhs[..., None])[..., 0]


def corrected(values: np.ndarray, controls: np.ndarray, means: np.ndarray, beta: np.ndarray) -> np.ndarray:
    r""":math:`T - \sum_k \beta_k (C_k - \mathbb E C_k)` per sample."""
    return np.asarray(values, dtype=float) - np.einsum("b...k,...k->b...", np.asarray(controls) - means, beta)
