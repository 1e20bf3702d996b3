"""The verdict of one comparison: what makes a point undecided, and what is the claim's own error."""

from __future__ import annotations

import pytest
import sympy as sp
from hypothesis import strategies as st

from derivations.api import claim, quote
from derivations.engine.settings import AuditSettings
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


def test_a_check_is_as_fine_as_its_sampled_side_whichever_side_samples() -> None:
    """A sampled claimed side against an exact reference is a Monte Carlo check: its method, resolution
    text and sample size come from the sampled side (they once came from the reference alone, so such a
    check read "exact")."""
    from derivations.api import Sampled

    c = claim("t.verdict.sampled_claimed", sources=quote("t.txt", "E[Z^2] = 1"), latex="E[Z^2] = 1",
              params={"s": st.floats(0.5, 2.0)},
              claimed=Sampled(dim=1, statistic=lambda p, eps: (p.s * eps[:, 0]) ** 2),
              reference=lambda p: p.s**2)
    r = audit(c)
    assert r["verdict"] == "confirmed", r["diagnosis"]
    assert r["method"] in ("qmc", "montecarlo"), r["method"]
    assert "QMC" in r["evidence"]["resolution_text"] or "Monte Carlo" in r["evidence"]["resolution_text"]
    quick = AuditSettings()  # the sequential sampling's first look at least
    assert r["evidence"]["samples_per_point"] >= quick.samples // quick.sample_head


def test_a_sampled_refutation_is_rechecked_on_at_least_the_whole_sample_of_its_mode() -> None:
    """The search starts its sequential sampling from a quarter of the mode's sample; its re-check never
    starts below the whole sample (it grows to 4x unless the disagreement is plain)."""
    from derivations.api import Sampled

    c = claim("t.verdict.sampled_wrong", sources=quote("t.txt", "E[Z^2] = 1.05"), latex="E[Z^2] = 1.05",
              params={"s": st.floats(0.5, 2.0)},
              claimed=lambda p: 1.05 * p.s**2,
              reference=Sampled(dim=1, statistic=lambda p, eps: (p.s * eps[:, 0]) ** 2))
    r = audit(c)
    quick = AuditSettings()
    assert r["verdict"] == "refuted", r["diagnosis"]
    assert quick.samples <= r["evidence"]["recheck"]["samples"] <= quick.samples * quick.recheck_sample_factor * quick.sample_growth
    assert r["counterexample"]["first_seen"] is not None
