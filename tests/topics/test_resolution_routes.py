"""Issue 14 ("power"): the lower-variance reference of ``relu.symmetry.half`` (routes.positive_fraction).

The route must be unbiased -- it agrees with the plain Monte Carlo of the indicator it replaces -- and, for the
NLGP, the one family it still samples, finer than that indicator at the same randomized-QMC budget.  No test
asserts the verdict of a note's claim.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from derivations.api import Point
from derivations.topics.relu import gaussian as rg
from derivations.topics.relu import routes
from numerics import montecarlo
from numerics.context import Context

CTX = Context(samples=1 << 14, sampling="qmc", randomizations=16, seed_material=("test-resolution",))
POINTS = [
    Point({"n": 5, "xi1": 1.5, "xi0": 0.7, "w_seed": 0, "family": "nlgp", "g": 3.0, "nu": 5}),
    Point({"n": 4, "xi1": 2.5, "xi0": 1.0, "w_seed": 1, "family": "nlgp", "g": 0.3, "nu": 5}),
    Point({"n": 4, "xi1": 1.0, "xi0": 0.7, "w_seed": 3, "family": "gaussian", "g": 1.0, "nu": 5}),
    Point({"n": 5, "xi1": 0.7, "xi0": 1.5, "w_seed": 5, "family": "student", "g": 1.0, "nu": 6}),
    Point({"n": 5, "xi1": 1.5, "xi0": 1.0, "w_seed": 2, "family": "hypercube", "g": 1.0, "nu": 5}),
]


def indicator_estimate(p, samples: int = 1 << 16, method: str = "montecarlo"):
    """The old reference: the sampled indicators [1(S_1 > 0), 1(S_0 > 0)]."""
    s = rg.POSITIVE_FRACTIONS_SAMPLED
    return montecarlo.expectation(lambda eps: s.statistic(p, eps), s.dimension(p), samples,
                                  np.random.default_rng(11), method=method)


@pytest.mark.parametrize("p", POINTS, ids=lambda p: f"{p.family}-g{p.g}")
def test_positive_fraction_agrees_with_the_sampled_indicator(p):
    new = routes.positive_fraction(p, CTX)
    old = indicator_estimate(p)
    own = np.asarray(new.abs_error) + 5.0 * np.asarray(0.0 if new.std_error is None else new.std_error)
    assert np.all(np.abs(np.asarray(new.value) - old.value) <= 5.0 * old.std_error + own + 1e-12), (new.value, old.value)


def test_conditional_route_is_finer_than_the_indicator():
    """NLGP, g = 0.3, strongly correlated latents (xi_1 = 2.5), same randomized-QMC budget (2^16 points under 16
    shifts): the conditional estimator's standard error is at least 2x smaller than the sampled indicator's
    (measured 2.9x).  Not asserted at g = 3: there the conditional probability is nearly an indicator again
    and the gain at this budget is not reliable."""
    p = POINTS[1]
    new = routes.positive_fraction(p, replace(CTX, samples=1 << 16))
    old = indicator_estimate(p, 1 << 16, "qmc")
    assert np.max(new.std_error) * 2.0 <= np.min(old.std_error), (new.std_error, old.std_error)


@pytest.mark.parametrize("p", POINTS[2:], ids=lambda p: p.family)
def test_exact_families_are_not_sampled(p):
    """Gaussian, Student-t and hypercube data: quadrature / enumeration, with a deterministic error below 1e-9."""
    new = routes.positive_fraction(p, CTX)
    assert new.std_error is None or np.all(np.asarray(new.std_error) == 0)
    assert np.all(np.asarray(new.abs_error) < 1e-9)
