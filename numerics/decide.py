r"""The decision rule: do a claimed value and a reference value agree?

For every entry :math:`i` of the (scalar, vector or matrix) values the rule
allows the discrepancy

.. math::

    |c_i - r_i| \le z_\alpha \sqrt{s_{c,i}^2 + s_{r,i}^2}
                   + e_{c,i} + e_{r,i} + \mathrm{rtol}\cdot S + \mathrm{atol},

where :math:`s` are statistical standard errors, :math:`e` deterministic error
bounds, :math:`S = \max_i \max(|r_i|, |c_i|)` the scale of the whole value and
:math:`z_\alpha = \Phi^{-1}(1 - \alpha / (2m))` the two-sided Bonferroni
threshold over the :math:`m` entries.  Under a true identity with
approximately normal Monte Carlo errors the probability that *any* entry
exceeds its tolerance is at most :math:`\alpha` (family-wise).

The *resolution* is the largest tolerance relative to the scale: the smallest
relative discrepancy the comparison could have detected.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm
from scipy.stats import t as student_t

from .estimate import Estimate

AGREE, DISAGREE, UNDECIDED = "agree", "disagree", "undecided"
DOMAIN = "domain"  # the point is outside the claim's domain (numerics.domain.OutsideDomain): neither for nor against


@dataclass(frozen=True)
class Tolerance:
    """How strict a comparison is.

    ``alpha``: family-wise false-alarm probability for statistical errors.
    ``rtol``/``atol``: floors for values computed in finite precision (``atol``
    matters where the true value is 0 and rounding is relative to the terms).
    ``max_resolution``: the audit cannot confirm with a resolution coarser
    than this (applied over all tested points by the caller).
    """

    alpha: float = 1e-6
    rtol: float = 1e-9
    atol: float = 0.0
    max_resolution: float = 0.1


@dataclass(frozen=True)
class Comparison:
    status: str
    max_abs_discrepancy: float
    max_rel_discrepancy: float
    uncertainty: float
    tolerance: float
    resolution: float
    z_threshold: float | None
    entries: int
    worst_index: tuple[int, ...]
    reason: str = ""
    scale: float = 0.0

    @property
    def agrees(self) -> bool:
        return self.status == AGREE


def z_threshold(alpha: float, entries: int, dof: int | None = None) -> float:
    """Two-sided Bonferroni threshold for ``entries`` simultaneous tests at level ``alpha``.

    With ``dof`` (a standard error estimated from few replicates, as in
    randomized QMC) the Student-t quantile replaces the normal one.
    """
    q = alpha / (2.0 * max(entries, 1))
    return float(norm.isf(q) if dof is None else student_t.isf(q, dof))


def _hp_discrepancy(claimed: Estimate, reference: Estimate) -> float | None:
    """Discrepancy computed in multiple precision when both sides kept it."""
    if claimed.high_precision is None or reference.high_precision is None:
        return None
    import mpmath

    return float(abs(mpmath.mpmathify(claimed.high_precision) - mpmath.mpmathify(reference.high_precision)))


def compare(claimed: Estimate, reference: Estimate, tol: Tolerance) -> Comparison:
    """Compare two estimates entry by entry with the rule in the module docstring."""
    c = np.asarray(claimed.value)
    r = np.asarray(reference.value)
    if c.shape != r.shape:
        if c.size == r.size:
            c = c.reshape(r.shape)
        else:
            raise ValueError(f"shape mismatch: claimed has shape {c.shape}, reference has shape {r.shape}")
    m = max(r.size, 1)
    statistical = claimed.statistical or reference.statistical
    dofs = [e.dof for e in (claimed, reference) if e.statistical and e.dof is not None]
    # a sequential estimate may have stopped at any of its looks: alpha is split over all of them
    # (over every pair of looks when both sides were sampled on their own)
    looks = claimed.looks * reference.looks
    z = z_threshold(tol.alpha / looks, m, min(dofs) if dofs else None) if statistical else None

    if not np.all(np.isfinite(r)):
        return Comparison(UNDECIDED, np.nan, np.nan, np.nan, np.nan, np.inf, z, m, (), "reference is not finite (nan/inf)", np.nan)
    if not np.all(np.isfinite(c)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(c))[0]) if c.ndim else ()
        return Comparison(
            DISAGREE, np.inf, np.inf, 0.0, 0.0, 0.0, z, m, bad,
            "claimed is not finite (nan/inf) where the reference is finite", float(np.max(np.abs(r), initial=0.0)),
        )

    se_c = np.zeros(r.shape) if claimed.std_error is None else np.broadcast_to(claimed.std_error, r.shape)
    se_r = np.zeros(r.shape) if reference.std_error is None else np.broadcast_to(reference.std_error, r.shape)
    sigma = np.sqrt(np.asarray(se_c, float) ** 2 + np.asarray(se_r, float) ** 2)
    det = np.broadcast_to(np.abs(claimed.abs_error), r.shape) + np.broadcast_to(np.abs(reference.abs_error), r.shape)
    scale = float(max(np.max(np.abs(r), initial=0.0), np.max(np.abs(c), initial=0.0)))
    tolerance = (z or 0.0) * sigma + det + tol.rtol * scale + tol.atol

    diff = np.abs(c - r)
    hp = _hp_discrepancy(claimed, reference) if r.ndim == 0 else None
    if hp is not None:
        diff = np.asarray(hp)
    excess = diff - tolerance
    worst = np.unravel_index(int(np.argmax(excess)), r.shape) if r.ndim else ()
    worst = tuple(int(i) for i in worst)
    max_abs = float(np.max(diff))
    rel = max_abs / scale if scale > 0 else (0.0 if max_abs == 0 else np.inf)
    max_tol = float(np.max(tolerance))
    resolution = max_tol / scale if scale > 0 else (0.0 if max_tol == 0 else np.inf)
    unc = float(np.max(sigma)) if statistical else float(np.max(det))

    if np.any(excess > 0):
        i = worst
        reason = (
            f"|claimed - reference| = {float(diff[i]):.3g} exceeds the tolerance {float(tolerance[i]):.3g}"
            + (f" ({float(diff[i] / sigma[i]):.1f} standard errors)" if statistical and sigma[i] > 0 else "")
            + (f" at entry {i}" if r.ndim else "")
        )
        return Comparison(DISAGREE, max_abs, rel, unc, max_tol, resolution, z, m, worst, reason, scale)
    return Comparison(AGREE, max_abs, rel, unc, max_tol, resolution, z, m, worst, "", scale)


def overall_resolution(comparisons: list[Comparison], natural_scale: float = 0.0) -> float:
    """Largest tolerance over the points, relative to the largest magnitude over the points.

    A point where the true value is 0 has no relative resolution of its own;
    over the region tested the quantity has a scale, and the tolerance is
    judged against it.  ``natural_scale`` is a floor for that scale, for a
    quantity claimed to vanish everywhere (e.g. a covariance block that is 0).
    """
    tols = [c.tolerance for c in comparisons if np.isfinite(c.tolerance)]
    scales = [c.scale for c in comparisons if np.isfinite(c.scale)]
    if not tols:
        return float("nan")
    top, scale = max(tols), max(max(scales, default=0.0), natural_scale)
    if scale > 0:
        return top / scale
    return 0.0 if top == 0 else float("inf")
