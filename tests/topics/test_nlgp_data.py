"""Tests of the NLGP covariance reference (``nlgp.covariance``): the Price-path route against the 2-D cubature
it replaced, and a wrong constant in the route caught.  No test asserts the verdict of a claim of the notes."""

from __future__ import annotations

import numpy as np
import pytest

from derivations.api import Point
from derivations.topics import nlgp_data as nd
from numerics.models import erf_price

POINTS = [(0.05, 0.3), (5.0, 0.95), (20.0, -0.99), (1.0, 0.0)]


@pytest.mark.parametrize("g, rho", POINTS)
def test_price_route_matches_the_cubature(g, rho):
    new, old = nd.erf_correlation(Point({"g": g, "rho": rho})), nd.erf_correlation_cubature(Point({"g": g, "rho": rho}))
    assert abs(float(new.value) - float(old.value)) <= float(new.abs_error) + float(old.abs_error)


def test_a_wrong_constant_in_the_price_integrand_is_caught(monkeypatch):
    """4g^2/pi -> 4.04 g^2/pi (1 %): the route no longer agrees with the cubature."""
    p = Point({"g": 1.0, "rho": 0.6})
    old = nd.erf_correlation_cubature(p)
    right = erf_price.price_integrand
    monkeypatch.setattr(erf_price, "price_integrand", lambda g, t: 1.01 * right(g, t))
    new = nd.erf_correlation(p)
    assert abs(float(new.value) - float(old.value)) > 100 * (float(new.abs_error) + float(old.abs_error))


def test_the_route_refuses_to_guess_where_it_does_not_converge():
    from numerics.errors import NumericalFailure

    with pytest.raises(NumericalFailure):
        erf_price.erf_product_moment(20.0, 0.999999)
    assert np.isfinite(float(erf_price.erf_product_moment(20.0, 0.99).value))
