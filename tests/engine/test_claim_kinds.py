r"""Claim kinds beyond equality (issue 16): each with a true statement confirmed and a false one refuted.

References (recomputed here by an engine, never trusted): erfc x <= e^{-x^2} for x >= 0 (DLMF 7.8);
the Gaussian characteristic function; DLMF 7.6.1 (the Maclaurin series of erf); Owen's T derivative
dT/dh = -phi(h)(Phi(ah) - 1/2); int erf = x erf x + e^{-x^2}/sqrt(pi); the inverse Mills ratio
E[Z | Z > a] = phi(a)/(1 - Phi(a)); E[Z^2 | Z > a] = 1 + a phi(a)/(1 - Phi(a)).
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import strategies as st

from derivations.api import quote
from derivations.api import claim as declare
from derivations.kinds import antiderivative, conditional, derivative, inequality, series
from numerics import combine
from tests.conftest import audit

SRC = quote("tests", "issue 16 claim kinds")
x, s, h, a = (sp.Symbol(n, real=True) for n in "x s h a".split())


def verdict_of(c) -> dict:
    r = audit(c)
    assert r["verdict"] != "error", (r["diagnosis"], r.get("traceback"))
    return r


# ------------------------------------------------------------------ inequalities
def test_inequality_true_is_confirmed_with_its_margin():
    c = inequality("k16.ineq.true", sources=SRC, latex=r"\operatorname{erfc}x < e^{-x^2}", lhs=sp.erfc(x), relation="<",
                   rhs=sp.exp(-x**2), params={"x": st.floats(0.1, 3)})
    r = verdict_of(c)
    assert r["verdict"] == "confirmed", r["diagnosis"]
    assert r["evidence"]["smallest_margin"] > 0 and "smallest margin" in r["evidence"]["resolution_text"]


def test_inequality_false_is_refuted_at_the_worst_violation():
    c = inequality("k16.ineq.false", sources=SRC, latex=r"\operatorname{erfc}x \le e^{-2x^2}", lhs=sp.erfc(x), relation="<=",
                   rhs=sp.exp(-2 * x**2), params={"x": st.floats(0, 3)})
    r = verdict_of(c)
    assert r["verdict"] == "refuted"
    cx = r["counterexample"]
    assert cx["margin"] < 0 and cx["relative_error"] >= cx["first_seen"]["relative_error"]


# ------------------------------------------------------------------ complex values
def _char(p, ctx):
    """int e^{-t^2/2} e^{i s t} dt by complex quadrature."""
    return ctx.integrate(lambda t: mp.exp(-t**2 / 2 + 1j * p.mp.s * t), [-mp.inf, 0, mp.inf])


@pytest.mark.parametrize("claimed, verdict", [
    (sp.sqrt(2 * sp.pi) * sp.exp(-s**2 / 2), "confirmed"),
    (sp.sqrt(2 * sp.pi) * sp.exp(-s**2 / 2 + sp.I * s), "refuted"),  # a spurious phase: the real parts alone can agree
])
def test_complex_sides_and_complex_quadrature(claimed, verdict):
    c = declare(f"k16.complex.{verdict}", sources=SRC, latex=r"\int e^{-t^2/2+ist}dt = \sqrt{2\pi}e^{-s^2/2}",
                claimed=claimed, reference=_char, params={"s": st.floats(0.2, 3)})
    assert verdict_of(c)["verdict"] == verdict


# ------------------------------------------------------------------ series
ERF_SERIES = series(lambda p, n: (-1) ** n * p.mp.x ** (2 * n + 1) / (mp.factorial(n) * (2 * n + 1)), 0, alternating=True)


@pytest.mark.parametrize("claimed, verdict", [(sp.sqrt(sp.pi) / 2 * sp.erf(x), "confirmed"), (sp.sqrt(sp.pi) * sp.erf(x), "refuted")])
def test_series_summed_to_convergence_with_a_tail_bound(claimed, verdict):
    c = declare(f"k16.series.{verdict}", sources=SRC, latex=r"\sum_n \frac{(-1)^n x^{2n+1}}{n!(2n+1)} = \frac{\sqrt\pi}{2}\operatorname{erf}x",
                claimed=claimed, reference=ERF_SERIES, params={"x": st.floats(0.1, 2)})
    r = verdict_of(c)
    assert r["verdict"] == verdict and r["method"] == "series"
    assert "tail <=" in r["evidence"]["reference_detail"]


def test_a_series_without_a_tail_bound_is_not_summed():
    side = series(lambda p, n: 1 / mp.mpf(n + 1) ** 2, 0)
    c = declare("k16.series.nobound", sources=SRC, latex=r"\sum 1/n^2", claimed=sp.pi**2 / 6, reference=side)
    r = audit(c)
    assert r["verdict"] == "error" and "no tail bound" in r["diagnosis"]


# ------------------------------------------------------------------ derivatives and antiderivatives
def _owen_t(p, ctx):
    """Owen's T(h, a) by quadrature."""
    return ctx.integrate(lambda t: mp.exp(-p.mp.h**2 * (1 + t**2) / 2) / (1 + t**2) / (2 * mp.pi), [0, p.mp.a])


def Phi(u):  # noqa: N802
    return (1 + sp.erf(u / sp.sqrt(2))) / 2


def phi(u):
    return sp.exp(-u**2 / 2) / sp.sqrt(2 * sp.pi)


@pytest.mark.parametrize("rhs, verdict", [(-phi(h) * (Phi(a * h) - sp.Rational(1, 2)), "confirmed"), (-phi(h) * Phi(a * h), "refuted")])
def test_derivative_of_a_quadrature_side(rhs, verdict):
    c = declare(f"k16.deriv.{verdict}", sources=SRC, latex=r"\partial_h T(h,a) = -\phi(h)(\Phi(ah)-\tfrac12)",
                claimed=rhs, reference=derivative(_owen_t, "h"), params={"h": st.floats(0.1, 2), "a": st.floats(0.2, 2)})
    assert verdict_of(c)["verdict"] == verdict


@pytest.mark.parametrize("by", ["differentiation", "integral"])
@pytest.mark.parametrize("F, verdict", [(x * sp.erf(x) + sp.exp(-x**2) / sp.sqrt(sp.pi), "confirmed"),
                                        (x * sp.erf(x) - sp.exp(-x**2) / sp.sqrt(sp.pi), "refuted")])
def test_indefinite_integral(F, verdict, by):
    c = antiderivative(f"k16.anti.{by}.{verdict}", sources=SRC, latex=r"\int \operatorname{erf}x\,dx = x\operatorname{erf}x + e^{-x^2}/\sqrt\pi",
                       antiderivative=F, integrand=sp.erf(x), var="x", by=by, lower=0.0, params={"x": st.floats(0.1, 3)})
    r = verdict_of(c)
    assert r["verdict"] in ((verdict, "proved") if verdict == "confirmed" else (verdict,)), r["diagnosis"]


# ------------------------------------------------------------------ conditional expectations and combined estimates
MILLS = conditional(1, lambda p, eps: eps[:, 0], lambda p, eps: eps[:, 0] > p.a)


@pytest.mark.parametrize("claimed, verdict", [(phi(a) / (1 - Phi(a)), "confirmed"), (phi(a) / Phi(a), "refuted")])
def test_conditional_expectation_by_the_ratio_estimator(claimed, verdict):
    c = declare(f"k16.cond.{verdict}", sources=SRC, latex=r"\mathbb E[Z \mid Z > a] = \frac{\phi(a)}{1-\Phi(a)}",
                claimed=claimed, reference=MILLS, params={"a": st.floats(-1, 1)})
    r = verdict_of(c)
    assert r["verdict"] == verdict and r["method"] == "montecarlo"
    assert "ratio estimator" in r["evidence"]["reference_detail"]


def _second_moment(p, ctx):
    """E[Z^2 | Z > a] = E[Z^2 1{Z>a}] / P(Z > a): two independent quadratures combined (delta method)."""
    top = ctx.integrate(lambda z: z**2 * mp.npdf(z), [p.mp.a, mp.inf])
    bottom = ctx.integrate(lambda z: mp.npdf(z), [p.mp.a, mp.inf])
    return combine.divide(top, bottom)


@pytest.mark.parametrize("claimed, verdict", [(1 + a * phi(a) / (1 - Phi(a)), "confirmed"), (1 - a * phi(a) / (1 - Phi(a)), "refuted")])
def test_combined_estimates(claimed, verdict):
    c = declare(f"k16.combine.{verdict}", sources=SRC, latex=r"\mathbb E[Z^2 \mid Z > a] = 1 + a\frac{\phi(a)}{1-\Phi(a)}",
                claimed=claimed, reference=_second_moment, params={"a": st.floats(-1, 1)})
    assert verdict_of(c)["verdict"] == verdict


def test_combine_propagates_errors():
    from numerics.estimate import Estimate

    e1 = Estimate(np.asarray(2.0), "montecarlo", np.asarray(0.0), np.asarray(0.1))
    e2 = Estimate(np.asarray(4.0), "montecarlo", np.asarray(0.0), np.asarray(0.2))
    q = combine.divide(e1, e2)
    # se of X/Y = sqrt((0.1/4)^2 + (2*0.2/16)^2)
    assert np.isclose(float(q.value), 0.5) and np.isclose(float(q.std_error), np.hypot(0.1 / 4, 2 * 0.2 / 16), rtol=1e-6)


def test_an_inequality_the_numerics_cannot_evaluate_is_inconclusive_with_the_reason():
    from numerics.errors import QuadratureError

    def rhs(p):
        raise QuadratureError("the integral did not converge")

    c = inequality("k16.ineq.failure", sources=SRC, latex=r"x \le I(x)", lhs=x, relation="<=", rhs=rhs,
                   params={"x": st.floats(0.1, 3)})
    r = audit(c)
    assert r["verdict"] == "inconclusive" and "QuadratureError" in r["diagnosis"], r["diagnosis"]
