r"""Typo search (numerics.typos, derivations.engine.typo_search) and the diagnosis fixes of issue 16.

The reference values are computed independently (mpmath closed forms of the
true identity, or quadrature in the audit tests); the wrong lines are single
typos of :math:`\mathbb E\,\Phi(a+bZ) = \Phi(a/\sqrt{1+b^2})` (Owen 10,010.8).
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
import sympy as sp
from hypothesis import strategies as st

from derivations.api import claim, quote
from numerics.diagnose import constant_relation
from numerics.spread import spread_points
from numerics.typos import screen, single_edit_variants
from tests.conftest import audit

a, b = sp.symbols("a b", real=True)


def Phi(u):  # noqa: N802
    return (1 + sp.erf(u / sp.sqrt(2))) / 2


TRUTH = Phi(a / sp.sqrt(1 + b**2))
POINTS = [{"a": 0.7, "b": 1.3}, {"a": -1.1, "b": 0.4}, {"a": 1.9, "b": 2.6}, {"a": -0.3, "b": 1.7}, {"a": 1.2, "b": 0.9}]
REF = [float(mp.ncdf(p["a"] / mp.sqrt(1 + p["b"] ** 2))) for p in POINTS]
TOL = [1e-9] * len(POINTS)


@pytest.mark.parametrize(
    "wrong, kind, words",
    [
        (Phi(-a / sp.sqrt(1 + b**2)), "sign", "the sign of a inside erf is flipped"),
        (Phi(a / sp.sqrt(1 + 2 * b**2)), "factor", "factor"),
        (Phi(b / sp.sqrt(1 + a**2)), "swap", "a and b are swapped"),
        (Phi(a / (1 + b**2)), "exponent", "square root"),
        (Phi(a / sp.sqrt(1 + b**2)) + b / 4, "drop_term", "the term b/4 should not be there"),
        (sp.erf(a / sp.sqrt(2 + 2 * b**2)) / 2, "add_term", "missing"),
    ],
)
def test_screen_inverts_each_typo_class(wrong, kind, words):
    survivors, screened = screen(wrong, POINTS, REF, TOL)
    assert screened > 20
    kinds = [e.kind for s in survivors for e in s.edits]
    assert kind in kinds, [e.description for s in survivors for e in s.edits]
    best = next(e for s in survivors for e in s.edits if e.kind == kind)
    assert words in best.description
    values = [complex(best.expr.subs({a: p["a"], b: p["b"]}).evalf(20)) for p in POINTS]
    assert np.allclose(values, REF, rtol=1e-12)


def test_screen_finds_nothing_for_an_unrelated_line():
    survivors, _ = screen(sp.atan(a * b), POINTS, REF, TOL)
    assert survivors == []


def test_single_edit_variants_cover_the_classes():
    kinds = {e.kind for e in single_edit_variants(TRUTH)}
    assert kinds == {"sign", "factor", "drop_term", "exponent", "swap"}


def _owen(p, ctx):
    """E[Phi(a + bZ)] by quadrature."""
    return ctx.gaussian_expectation(lambda z: mp.ncdf(p.mp.a + p.mp.b * z))


def test_audit_names_the_sign_inside_phi_and_confirms_the_correction():
    c = claim(
        "t16.owen_sign", sources=quote("tests", "Owen 10,010.8"), latex=r"\Phi(-a/\sqrt{1+b^2})",
        claimed=Phi(-a / sp.sqrt(1 + b**2)),
        reference=_owen, params={"a": st.floats(0.2, 2), "b": st.floats(0.1, 3)},
    )
    r = audit(c)
    assert r["verdict"] == "refuted"
    found = [x for x in r["typo_search"]["corrections"] if x["verdict"] == "confirmed"]
    assert found and "sign of a" in found[0]["typo"] and "inside erf" in found[0]["typo"]
    assert "typo search: the sign of a" in r["diagnosis"]
    assert r["corrected"]["source"] == "derivcheck typo search" and r["corrected"]["verdict"] == "confirmed"


def test_audit_of_a_true_line_runs_no_typo_search():
    c = claim(
        "t16.owen_true", sources=quote("tests", "Owen 10,010.8"), latex=r"\Phi(a/\sqrt{1+b^2})",
        claimed=TRUTH, reference=_owen, params={"a": st.floats(-2, 2), "b": st.floats(0.1, 3)},
    )
    r = audit(c)
    assert r["verdict"] == "confirmed" and "typo_search" not in r


# --------------------------------------------------------------------------- diagnosis fixes
def test_complex_values_are_not_cast_to_real():
    rng = np.random.default_rng(1)
    ref = [complex(x, y) for x, y in rng.normal(size=(6, 2))]
    zero = [np.asarray(0.0)] * 6
    rel = constant_relation([1j * np.asarray(v) for v in ref], [np.asarray(v) for v in ref], zero, zero)
    assert rel.kind == "factor" and "$i$" in rel.text
    # conj(truth) has the same real part: cast to real it would look like agreement
    rel = constant_relation([np.conj(np.asarray(v)) for v in ref], [np.asarray(v) for v in ref], zero, zero)
    assert rel.kind == "none"


def test_a_varying_ratio_is_never_a_constant_factor():
    """40 points where claimed = 2 truth within noise, one where it strays by 8 standard errors: the
    chi-square of the fit alone would pass (64 < its 1e-6 limit of about 90); the point-by-point test does not."""
    rng = np.random.default_rng(2)
    r = np.linspace(0.5, 2.0, 40)
    sigma = 1e-3
    c = 2 * r + sigma * np.clip(rng.normal(size=40), -1, 1) * 0.5
    c[17] += 8 * sigma
    sig = [np.asarray(sigma)] * 40
    zero = [np.asarray(0.0)] * 40
    rel = constant_relation([np.asarray(v) for v in c], [np.asarray(v) for v in r], sig, zero)
    assert rel.kind == "none", rel.text
    c[17] -= 8 * sigma  # without the stray point it is the constant factor 2
    rel = constant_relation([np.asarray(v) for v in c], [np.asarray(v) for v in r], sig, zero)
    assert rel.kind == "factor" and rel.closed_form == "2"


def test_spread_points_avoid_special_values():
    params = {"h": st.floats(-3, 3), "k": st.floats(-3, 3), "rho": st.floats(-0.9, 0.9)}
    pts = spread_points(params, 6, seed=0, key="t16")
    assert len(pts) == 6
    for p in pts:
        assert p["h"] != p["k"] and p["rho"] != 0.0 and all(v != round(v) for v in p.values())
        assert -3 <= p["h"] <= 3 and -0.9 <= p["rho"] <= 0.9
    spans = [max(p[n] for p in pts) - min(p[n] for p in pts) for n in params]
    assert spans[0] > 2 and spans[1] > 2 and spans[2] > 0.6
