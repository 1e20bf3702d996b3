r"""Combining estimates: sums, products and smooth functions of several :class:`Estimate` objects.

For independent estimates :math:`X_1, \dots, X_k` and a smooth :math:`f`, the
first-order (delta-method) error of :math:`f(X_1,\dots,X_k)` is

.. math::

    \mathrm{se} = \sqrt{\textstyle\sum_j (\partial_j f)^2\, \mathrm{se}_j^2},\qquad
    e = \textstyle\sum_j |\partial_j f|\, e_j,

statistical errors in quadrature and deterministic bounds linearly, as the
decision rule treats them.  The partial derivatives are taken by central
differences with a relative step of 1e-6.  Estimates computed on *shared*
random numbers are not independent: use a paired :class:`Sampled` side (or
one statistic returning both quantities) instead of combining them here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .estimate import Estimate, coerce


def _method(parts: list[Estimate]) -> str:
    methods = {e.method for e in parts}
    for m in ("montecarlo", "qmc", "double", "series", "ode", "quadrature", "exact", "symbolic"):
        if m in methods:
            return m
    return parts[0].method


def apply(f: Callable[..., object], *estimates: object, detail: str = "") -> Estimate:
    """f(X_1, ..., X_k) with delta-method errors (scalar or entrywise arrays)."""
    parts = [coerce(e) for e in estimates]
    values = [np.asarray(e.value, dtype=complex if np.iscomplexobj(e.value) else float) for e in parts]
    out = np.asarray(f(*values))
    var = np.zeros(np.shape(out))
    det = np.zeros(np.shape(out))
    statistical = any(e.statistical for e in parts)
    for j, e in enumerate(parts):
        se = np.zeros(np.shape(values[j])) if e.std_error is None else np.asarray(e.std_error, float)
        ae = np.asarray(np.abs(e.abs_error), float)
        h = 1e-6 * np.maximum(np.abs(values[j]), 1.0)  # small against the curvature; double-precision safe
        up = [v if i != j else v + h for i, v in enumerate(values)]
        down = [v if i != j else v - h for i, v in enumerate(values)]
        deriv = (np.asarray(f(*up)) - np.asarray(f(*down))) / (2 * h)
        var = var + np.abs(deriv) ** 2 * se**2
        det = det + np.abs(deriv) * ae
    dofs = [e.dof for e in parts if e.dof is not None]
    samples = max((e.samples or 0 for e in parts), default=0) or None
    return Estimate(out, _method(parts), det, np.sqrt(var) if statistical else None, samples,
                    detail=detail or "combined: " + "; ".join(e.detail for e in parts if e.detail)[:300],
                    dof=min(dofs) if dofs else None)


def add(*estimates: object) -> Estimate:
    return apply(lambda *v: sum(v), *estimates, detail="sum of estimates")


def multiply(x: object, y: object) -> Estimate:
    return apply(lambda a, b: a * b, x, y, detail="product of estimates")


def divide(x: object, y: object) -> Estimate:
    return apply(lambda a, b: a / b, x, y, detail="ratio of estimates")
