"""sigmoid.discrim.symmetric_preactivations: the conditional Monte Carlo side against the paired Monte
Carlo it replaced, and a broken variant (an asymmetric test function) that it must refute."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import strategies as st

from derivations.api import Point, Tolerances, claim, quote
from derivations.engine.audit import audit_claim
from derivations.engine.settings import AuditSettings
from derivations.topics._notes import N004
from derivations.topics.sigmoid import discrimination_objective as disc
from numerics import montecarlo
from numerics.context import Context

CTX = Context(samples=1 << 14, sampling="qmc", randomizations=16, seed_material=("test-sigmoid-routes",))
SETTINGS = replace(AuditSettings.for_mode("quick"), max_examples=4, shrink_budget=10, database=None)


@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize("g", [0.3, 4.0])
def test_symmetry_expectations_match_monte_carlo(sign, g):
    p = Point({"n": 6, "xi": 0.9, "g": g, "w_seed": 11})
    mc = montecarlo.expectation(lambda eps: disc.symmetry_tests(sign)(p, eps), p.n, 1 << 16, np.random.default_rng(3))
    new = disc.symmetry_expectations(sign)(p, CTX)
    gap = np.abs(new.value - mc.value)
    assert np.all(gap <= 5 * mc.std_error + 5 * new.std_error + new.abs_error + 1e-12), (new.value, mc.value)


@pytest.mark.parametrize("shift", [0.0, 0.02])
def test_shifted_threshold_is_refuted(shift):
    """P(S > t) against P(-S > t): a claimed side that adds 0.02 to the probabilities must be refuted."""
    base = disc.symmetry_expectations(-1.0)

    def claimed(p, ctx):
        est = base(p, ctx)
        return replace(est, value=est.value + np.array([0, 0, shift, shift, shift]))

    c = claim(f"test.sigmoid.routes.symmetry{shift}", sources=[quote(N004, "test variant")], latex="test",
              claimed=claimed, reference=disc.symmetry_expectations(1.0),
              params={"n": st.just(6), "xi": disc.lengths, "g": disc.gains, "w_seed": st.integers(0, 2**16)},
              tolerances=Tolerances(scale=1.0))
    assert audit_claim(c, SETTINGS, lambda i: None)["verdict"] == ("confirmed" if shift == 0.0 else "refuted")


def test_dominance_matches_monte_carlo():
    p = Point({"n": 8, "xi1": 1.4, "xi0": 0.6, "w_seed": 5})
    mc = montecarlo.expectation(lambda eps: disc.dominance_sampled(p, eps), 2, 1 << 16, np.random.default_rng(5))
    new = disc.dominance_exact(p)
    assert abs(float(new.value) - float(mc.value)) <= 5 * float(mc.std_error) + float(new.abs_error)


@pytest.mark.parametrize("factor", [1.0, 1.01])
def test_dominance_constant(factor):
    """The polar-angle closed form (2/pi) atan(s_1/s_0) against the exact route; off by 1 %: refuted."""
    c = claim(f"test.sigmoid.routes.dominance{factor}", sources=[quote(N004, "test variant")], latex="test",
              claimed=lambda p: factor * 2 / np.pi * np.arctan(disc.std_devs(p)[0] / disc.std_devs(p)[1]),
              reference=disc.dominance_exact, params=disc.gauss_params)
    assert audit_claim(c, SETTINGS, lambda i: None)["verdict"] == ("confirmed" if factor == 1.0 else "refuted")
