r"""Conditional expectations by the ratio estimator, with a delta-method standard error.

.. math::

    \mathbb E[T \mid A] = \frac{\mathbb E[T\,1_A]}{P(A)},\qquad
    \hat R = \frac{\sum_i T_i 1_{A,i}}{\sum_i 1_{A,i}},\qquad
    \widehat{\mathrm{se}}(\hat R) = \frac{1}{\hat p\sqrt n}
    \sqrt{\tfrac1n \textstyle\sum_i (T_i - \hat R)^2 1_{A,i}},

with :math:`\hat p` the fraction of samples in the event (first-order delta
method; the samples are i.i.d. standard normals, streamed in chunks).  Too few
samples in the event (fewer than ``min_in_event``) raise
:class:`RareEventError` rather than return a meaningless ratio.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .estimate import Estimate


class RareEventError(ArithmeticError):
    """Too few samples fell in the conditioning event."""


def conditional_expectation(
    statistic: Callable[[np.ndarray], np.ndarray],
    event: Callable[[np.ndarray], np.ndarray],
    dim: int,
    samples: int,
    rng: np.random.Generator,
    chunk: int = 1 << 15,
    min_in_event: int = 1000,
) -> Estimate:
    """E[statistic(eps) | event(eps)], eps ~ N(0, I_dim), by the ratio estimator."""
    s1 = s2 = None
    count = 0.0
    done = 0
    while done < samples:
        b = min(chunk, samples - done)
        eps = rng.standard_normal((b, dim))
        t = np.asarray(statistic(eps), dtype=float)
        a = np.asarray(event(eps), dtype=bool).reshape(b, *([1] * (t.ndim - 1)))
        ta = np.where(a, t, 0.0)
        s1 = ta.sum(axis=0) if s1 is None else s1 + ta.sum(axis=0)
        s2 = (ta**2).sum(axis=0) if s2 is None else s2 + (ta**2).sum(axis=0)
        count += float(a.reshape(b).sum())
        done += b
    if count < min_in_event:
        raise RareEventError(f"only {int(count)} of {samples} samples fell in the event (need {min_in_event})")
    r = s1 / count
    # sum (T - R)^2 1_A = sum T^2 1_A - 2 R sum T 1_A + R^2 n_A
    resid = np.maximum(s2 - 2 * r * s1 + r**2 * count, 0.0)
    p = count / samples
    se = np.sqrt(resid / samples) / (p * np.sqrt(samples))
    return Estimate(np.asarray(r), "montecarlo", np.zeros(np.shape(r)), np.asarray(se), samples,
                    detail=f"ratio estimator E[T 1_A]/P(A), {int(count)} of {samples} samples in the event, delta-method error")
