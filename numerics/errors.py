"""The one hierarchy of numerical failures.

A :class:`NumericalFailure` means the numerics could not decide at a point (an
integral that did not converge, a covariance that cannot be sampled, an ODE the
solver gave up on): the audit makes that point undecided and the claim
``inconclusive`` with the reason -- never ``confirmed``, never ``error`` (which is
reserved for a bug in the claim's own code).  Every engine raises a subclass, so
the audit catches this one class instead of a hand-kept list.
"""

from __future__ import annotations


class NumericalFailure(ArithmeticError):
    """The numerics could not produce a value of the required accuracy."""


class QuadratureError(NumericalFailure):
    """An integral could not be computed to the requested accuracy."""


class IntegrationError(NumericalFailure):
    """The ODE solver failed."""


class OrthantError(NumericalFailure):
    """An orthant probability could not be computed to a usable accuracy."""


class NotPositiveSemidefinite(NumericalFailure, ValueError):
    """A covariance matrix with a negative eigenvalue: it cannot be sampled."""
