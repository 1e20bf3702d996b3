"""Authoring fixes of issue 16: where a claim is defined, tracebacks, method labels, sweeps."""

from __future__ import annotations

import sympy as sp
from hypothesis import strategies as st
from scipy.special import erf as scipy_erf

from derivations.api import claim, declared_in, quote
from tests.conftest import audit

SRC = quote("tests", "authoring fixes")
x = sp.Symbol("x", real=True)

HELPER_MODULE = '''
from derivations.api import claim, quote
import sympy as sp
x = sp.Symbol("x", real=True)


def my_claim(name, factor):
    return claim(name, sources=quote("t", "q"), latex="x", claimed=factor * x, reference=x)


my_claim("fix16.helper.one", 1)
my_claim("fix16.helper.two", 2)
'''


def test_defined_at_skips_the_users_helper_frame():
    namespace = {"__name__": "fix16_helper_module"}
    exec(compile(HELPER_MODULE, "fix16_helper_module.py", "exec"), namespace)  # noqa: S102
    one, two = declared_in("fix16_helper_module")
    assert one.defined_at == "fix16_helper_module.py:11" and two.defined_at == "fix16_helper_module.py:12"
    assert one.module == "fix16_helper_module"


def _deepest(p):
    raise ValueError("raised three frames down")


def _middle(p):
    return _deepest(p)


def test_stored_traceback_keeps_the_raising_frame():
    c = claim("fix16.traceback", sources=SRC, latex="x", claimed=x, reference=lambda p: _middle(p), params={"x": st.floats(0, 1)})
    r = audit(c)
    assert r["verdict"] == "error"
    assert "_deepest" in r["traceback"] and "raised three frames down" in r["traceback"]


def test_scipy_values_are_labelled_double_not_exact():
    c = claim("fix16.double", sources=SRC, latex=r"\operatorname{erf}x", claimed=sp.erf(x),
              reference=lambda p: float(scipy_erf(p.x)), params={"x": st.floats(0.1, 2)})
    r = audit(c)
    assert r["verdict"] == "confirmed" and r["method"] == "double"


def test_sweep_stays_inside_a_union_strategy():
    space = {"x": st.one_of(st.floats(-3, -1), st.floats(1, 3))}
    c = claim("fix16.sweep", sources=SRC, latex="2x", claimed=2 * x, reference=lambda p: 3.0 * p.x, params=space)
    r = audit(c)
    assert r["verdict"] == "refuted"
    values = r["evidence"]["sweep"]["values"]
    assert len(values) >= 5 and all(1 <= abs(v) <= 3 for v in values), values


def test_sweep_values_come_from_the_strategy():
    from numerics.spread import sweep_values

    values = sweep_values({"x": st.one_of(st.floats(-3, -1), st.floats(1, 3))}, "x", 17, seed=0, key="fix16")
    assert min(values) < 0 < max(values)  # both pieces are swept ...
    assert all(1 <= abs(v) <= 3 for v in values)  # ... and the gap between them is not
