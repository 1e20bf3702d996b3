r"""Gradients of an actual loss, by central finite differences.

The reference side of a gradient-flow claim must not reuse the note's
algebra, so it differentiates the loss itself: for per-sample losses
:math:`\ell(\theta; x)` evaluated on a block of samples,

.. math:: \partial_j \ell \approx \frac{\ell(\theta + h e_j) - \ell(\theta - h e_j)}{2h}

on the same samples (common random numbers), which is exact for quadratic
losses up to rounding and has :math:`O(h^2)` bias for smooth ones.  Averaging
the per-sample differences over the data with :mod:`numerics.montecarlo`
gives :math:`\nabla_\theta \mathbb{E}[\ell]` with a standard error.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

PerSampleLoss = Callable[[np.ndarray], np.ndarray]


def central_difference(loss: PerSampleLoss, theta: np.ndarray, step: float = 1e-5) -> np.ndarray:
    """Per-sample gradient of ``loss`` at ``theta``.

    ``loss(theta)`` returns the per-sample losses (shape (B,)) for one flat
    parameter vector.  Returns shape (B, *theta.shape).
    """
    theta = np.asarray(theta, float)
    flat = theta.ravel()
    h = step * np.maximum(1.0, np.abs(flat))
    columns = []
    for j in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[j] += h[j]
        down[j] -= h[j]
        columns.append((loss(up.reshape(theta.shape)) - loss(down.reshape(theta.shape))) / (2 * h[j]))
    grad = np.stack(columns, axis=1)
    return grad.reshape((grad.shape[0],) + theta.shape)

