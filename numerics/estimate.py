"""A computed value together with how far it may be from the truth.

Every engine returns an :class:`Estimate`.  Two kinds of error are kept apart
because they are combined differently by the decision rule:

* ``abs_error``: a deterministic bound or estimate (quadrature error estimate,
  ODE tolerance, floating-point rounding), added linearly;
* ``std_error``: a statistical standard error (Monte Carlo / randomized QMC),
  combined in quadrature and scaled by a z-threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mpmath
import numpy as np



def as_array(value: object) -> np.ndarray:
    """Convert a scalar / sequence / mpmath / SymPy number to a float64 array.

    Complex values are kept complex.  Anything that cannot be made numeric
    raises ``TypeError`` with the offending type in the message.
    """
    if isinstance(value, np.ndarray) and value.dtype.kind in "fiub":
        return value.astype(float)
    if isinstance(value, np.ndarray) and value.dtype.kind == "c":
        return value
    if isinstance(value, (int, float, np.floating, np.integer)):
        return np.asarray(float(value))
    if isinstance(value, mpmath.mpf):
        return np.asarray(float(value))
    if isinstance(value, mpmath.mpc):
        return np.asarray(complex(value))
    if isinstance(value, (list, tuple)):
        return np.asarray([as_array(v) for v in value])
    if isinstance(value, np.ndarray):  # object array of mpf / sympy numbers
        return np.vectorize(lambda v: float(as_array(v)), otypes=[float])(value)
    try:  # SymPy numbers and matrices
        import sympy

        if isinstance(value, sympy.MatrixBase):
            return np.asarray(value.evalf(), dtype=float)
        if isinstance(value, sympy.Basic):
            num = complex(value.evalf())
            return np.asarray(num.real if num.imag == 0 else num)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cannot evaluate {value!r} to a number: {exc}") from exc
    raise TypeError(f"cannot convert a {type(value).__name__} to a numeric array")


@dataclass(frozen=True)
class Estimate:
    """A numeric value with its error budget.

    ``value`` has any shape: () for a scalar, (m,) for a vector, (m, k) for a
    matrix.  ``abs_error`` and ``std_error`` broadcast against it.
    ``high_precision`` optionally keeps the value as mpmath numbers (scalars
    only) so that comparisons beyond double precision are possible.
    """

    value: np.ndarray
    method: str
    abs_error: np.ndarray = field(default_factory=lambda: np.asarray(0.0))
    std_error: np.ndarray | None = None
    samples: int | None = None
    detail: str = ""
    high_precision: object | None = None
    dof: int | None = None  # degrees of freedom of std_error (None: normal approximation)
    # number of interim looks of a sequential estimate (it stopped at one of them once precise enough);
    # the decision rule spends its alpha over them (Bonferroni), which keeps it valid at any stopping look
    looks: int = 1

    @property
    def statistical(self) -> bool:
        return self.std_error is not None

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(np.shape(self.value))

    def scaled(self, factor: float) -> "Estimate":
        hp = None if self.high_precision is None else self.high_precision * factor
        return Estimate(
            value=self.value * factor,
            method=self.method,
            abs_error=self.abs_error * abs(factor),
            std_error=None if self.std_error is None else self.std_error * abs(factor),
            samples=self.samples,
            detail=self.detail,
            high_precision=hp,
            dof=self.dof,
            looks=self.looks,
        )


def exact(value: object, method: str = "exact", detail: str = "") -> Estimate:
    """An estimate whose only error is floating-point rounding (exact enumeration,
    linear algebra, a closed form evaluated in double precision)."""
    hp = value if isinstance(value, (mpmath.mpf, mpmath.mpc)) else None
    arr = as_array(value)
    return Estimate(value=arr, method=method, abs_error=np.zeros(np.shape(arr)), detail=detail, high_precision=hp)


def coerce(value: object, method: str = "exact") -> Estimate:
    """Return ``value`` if it is already an :class:`Estimate`, else wrap it as exact."""
    if isinstance(value, Estimate):
        return value
    return exact(value, method=method)
