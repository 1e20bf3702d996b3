"""One Side class per kind of what an author writes: evaluated, described and rescaled alike."""

from __future__ import annotations

import gc

import numpy as np
import sympy as sp
from sympy.core.cache import clear_cache
from hypothesis import strategies as st

from derivations.api import Point, Sampled, claim, quote
from derivations.engine import sides
from numerics.context import Context
from tests.conftest import audit

x = sp.Symbol("x")
CTX = Context(dps=30, samples=1 << 12, chunk=1 << 12, sampling="montecarlo", seed_material=(0, "t", "sides"))


def test_each_kind_gets_its_side() -> None:
    assert isinstance(sides.side(x**2), sides.SymPySide)
    assert isinstance(sides.side(0.25), sides.ConstantSide)
    assert isinstance(sides.side(3), sides.ConstantSide)
    assert isinstance(sides.side(lambda p: p.x), sides.FunctionSide)
    assert isinstance(sides.side(Sampled(1, lambda p, eps: eps[:, 0])), sides.SampledSide)


def test_a_constant_claimed_side_is_refuted_not_an_error() -> None:
    """``claimed=0.25`` against a true value of 0.5: once an error ("'float' object is not callable",
    raised when the recognised factor 1/2 was divided out of a constant)."""
    c = claim("t.sides.constant", sources=quote("t.txt", "a constant"), latex="E[X^2] = 1/4",
              params={"s": st.floats(0.1, 2.0)}, claimed=0.25, reference=lambda p: 0.5)
    r = audit(c)
    assert r["verdict"] == "refuted", (r["verdict"], r["diagnosis"])
    assert r["corrected"] is not None and r["corrected"]["verdict"] in ("proved", "confirmed")


def test_two_constants_in_one_process_keep_their_own_values() -> None:
    """The lambdify cache was keyed by ``id()``: a constant side built afresh at each evaluation could
    reuse the id of a freed one and get its function, i.e. its value."""
    p = Point({})
    values = []
    for k in range(50):
        clear_cache()  # SymPy's own cache kept the old objects alive, which hid the reuse of their ids
        gc.collect()
        values.append(float(sides.evaluate_side(0.5 + k, p, CTX).value))
    assert values == [0.5 + k for k in range(50)]
    for name, claimed, truth, expected in (("a", 0.5, 0.5, "confirmed"), ("b", 0.25, 0.25, "confirmed"),
                                           ("c", 0.5, 0.25, "refuted")):
        c = claim(f"t.sides.constant.{name}", sources=quote("t.txt", "c"), latex="c = c",
                  params={"s": st.floats(0.1, 2.0)}, claimed=claimed, reference=lambda p, t=truth: t)
        assert audit(c)["verdict"] == expected, (claimed, truth)


def test_scaling_divides_every_kind() -> None:
    p = Point({"x": 2.0})
    assert float(sides.evaluate_side(sides.scaled(x**2, 2.0), p, CTX).value) == 2.0
    assert float(sides.evaluate_side(sides.scaled(0.5, 2.0), p, CTX).value) == 0.25
    assert float(sides.evaluate_side(sides.scaled(lambda q: np.array([q.x, 1.0]), 2.0), p, CTX).value[0]) == 1.0
    assert float(sides.evaluate_side(sides.scaled(lambda q, ctx: q.x, 4.0), p, CTX).value) == 0.5
    half = sides.scaled(Sampled(1, lambda q, eps: np.full(len(eps), q.x)), 2.0)
    assert float(sides.evaluate_side(half, p, CTX).value) == 1.0


def test_describe_says_what_was_written() -> None:
    assert sides.describe(x**2) == "x^{2}" and sides.describe_format(x**2) == "latex"
    assert sides.describe(0.25) == "0.25" and sides.describe_format(0.25) == "latex"
    assert "lambda" in sides.describe(lambda p: p.x) and sides.describe_format(lambda p: p.x) == "python"


def test_a_data_model_is_drawn_once_per_block_for_both_sides() -> None:
    """Sampled(data=...): the engine draws (X, Y) once per block and hands it to every statistic."""
    from derivations.api import DataModel

    calls: list[int] = []

    def draw(p, eps):
        calls.append(len(eps))
        return eps[:, :2] * p.s, (eps[:, 2] > 0).astype(float)

    data = DataModel("test-pairs", 3, draw)
    second_moment = Sampled(data=data, statistic=lambda p, x, y: x[:, 0] ** 2)
    also_second_moment = Sampled(data=data, statistic=lambda p, x, y: x[:, 1] ** 2)
    c = claim("t.sides.drawn_once", sources=quote("t.txt", "E X_1^2 = E X_2^2"), latex="E X_1^2 = E X_2^2",
              params={"s": st.floats(0.5, 2.0)}, claimed=second_moment, reference=also_second_moment)
    r = audit(c)
    assert r["verdict"] == "confirmed", r["diagnosis"]
    # every sample was drawn once although two statistics read it
    per_point = r["evidence"]["samples_per_point"]
    assert sum(calls) == per_point * r["evidence"]["points_tested"]


def test_a_sampled_side_needs_a_statistic() -> None:
    c = claim("t.sides.no_statistic", sources=quote("t.txt", "x"), latex="x", params={"s": st.floats(0.5, 2.0)},
              claimed=Sampled(dim=2), reference=lambda p: 0.0)
    r = audit(c)
    assert r["verdict"] == "error" and "statistic" in r["diagnosis"]
