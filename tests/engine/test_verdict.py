"""The verdict of one comparison: what makes a point undecided, and what is the claim's own error."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import strategies as st

from derivations.api import claim, quote
from numerics.errors import IntegrationError, NotPositiveSemidefinite, NumericalFailure, OrthantError, QuadratureError
from tests.conftest import audit

x = sp.Symbol("x")


@pytest.mark.parametrize("failure", [OrthantError, QuadratureError, IntegrationError, NotPositiveSemidefinite])
def test_a_numerical_failure_in_the_reference_is_inconclusive(failure: type[Exception]) -> None:
    """A failed orthant integral once came out ``error`` (a hand-kept list of failures missed it)."""
    assert issubclass(failure, NumericalFailure)

    def reference(p):
        raise failure("the integral did not reach the requested accuracy")

    c = claim(f"t.verdict.{failure.__name__}", sources=quote("t.txt", "P(Z > 0)"), latex="P = x",
              params={"x": st.floats(0.1, 0.9)}, claimed=x, reference=reference)
    r = audit(c)
    assert r["verdict"] == "inconclusive", (r["verdict"], r["diagnosis"])
    assert failure.__name__ in r["diagnosis"]


def test_any_other_exception_is_the_claims_error() -> None:
    def reference(p):
        raise KeyError("a bug in the claim's code")

    c = claim("t.verdict.bug", sources=quote("t.txt", "bug"), latex="P = x", params={"x": st.floats(0.1, 0.9)},
              claimed=x, reference=reference)
    r = audit(c)
    assert r["verdict"] == "error" and "KeyError" in r["diagnosis"]
