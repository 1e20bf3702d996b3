r"""The problem and the ReLU gate: note 000 sections 1-2.1, note 001 sections 1 and 4-4.1.

Both notes open with the same network and data, and both decompose the ReLU
into a gate times the preactivation:

.. math::

    \operatorname{ReLU}(\langle w_1, x\rangle) = g(t, x)\langle w_1, x\rangle,
    \qquad g(t, x) = \mathbb 1(\langle w_1(t), x\rangle \ge 0).

The decomposition and the scale invariance of the gate are pointwise facts:
they are checked exactly on integer vectors, where the preactivation hits 0
(the only place where ">= 0" versus "> 0" could matter).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from derivations.api import Tolerances, claim, definition, eq, quote
from derivations.topics._notes import N000, N001

definition(
    "relu.model.network",
    sources=[eq(N000, "1"), eq(N001, "1")],
    latex=r"\hat{y} = W_2 \sigma(W_1 x + b_1) + b_2.",
    remark="One hidden layer of K units; W_1 in R^{K x n}, W_2 in R^{1 x K}.",
)
definition(
    "relu.model.data",
    sources=[
        quote(N000, "we sample  $x \\sim p_{\\xi_1}$  with probability  $\\frac{1}{2}$  and  $x \\sim p_{\\xi_2}$  otherwise"),
        quote(N001, "If  $x$  is sampled from  $p_{\\xi_1}$ , then  $y(x) = 1$ ; otherwise,  $y(x) = 0$"),
    ],
    latex=r"x \sim \tfrac12 p_{\xi_1} + \tfrac12 p_{\xi_2}, \quad y(x) = \mathbb{1}(x \sim p_{\xi_1})",
    remark="The balanced two-class task with labels 0/1 that every relu.* claim assumes.",
)

# --------------------------------------------------------------------------- (2) / 001 (44)
integer_vectors = st.lists(st.integers(-2, 2), min_size=2, max_size=5)


def _pair(p) -> tuple[np.ndarray, np.ndarray]:
    """(w, x) of equal length from the two integer lists (the shorter one sets the length)."""
    m = min(len(p.w), len(p.x))
    return np.asarray(p.w[:m], float), np.asarray(p.x[:m], float)


def gate_times_preactivation(p) -> float:
    r""":math:`g(x)\langle w, x\rangle` with :math:`g = \mathbb 1(\langle w, x\rangle \ge 0)` as in (2)."""
    w, x = _pair(p)
    s = float(w @ x)
    return float(s >= 0) * s


claim(
    "relu.gate.decomposition",
    sources=[eq(N000, "2"), eq(N001, "44")],
    latex=(
        r"\text{ReLU}(\langle w_1(t), x \rangle) = g(t, x) \langle w_1(t), x \rangle \quad \text{where} \quad "
        r"g(t, x) = \mathbb{1}(\langle w_1(t), x \rangle \geq 0)."
    ),
    params={"w": integer_vectors, "x": integer_vectors},
    assumptions=("pointwise in (w, x); integer vectors so that <w, x> = 0 occurs",),
    claimed=gate_times_preactivation,
    reference=lambda p: max(float(np.dot(*_pair(p))), 0.0),
    method="exact",
    # small integers in doubles: both sides are exact, so equality is exact (a draw where every <w, x> <= 0
    # has no scale to be relative to, and needs none)
    tolerances=Tolerances(rtol=0.0, atol=0.0),
)

definition(
    "relu.gate.flip_metric",
    sources=[eq(N000, "3"), eq(N001, "45")],
    latex=r"p(t) = \mathbb{P}_x(g(t, x) = g(t + \delta t, x)) \quad \text{for all } t",
)
definition(
    "relu.gate.uniform_metric",
    sources=[eq(N000, "4")],
    latex=r"p_{\text{unif}} = \mathbb{P}_x(\{g(t, x) = g(t', x) \ \forall t, t'\})",
)


def gate_at_scaled(p) -> float:
    r""":math:`\mathbb 1(\langle \alpha w, x\rangle \ge 0)`, in exact rational arithmetic.

    The drawn alpha is a double, i.e. an exact rational; in floating point
    :math:`\alpha\langle w, x\rangle` with :math:`\langle w, x\rangle = 0` can round to a tiny
    negative number, so the sign is decided with :class:`fractions.Fraction` (ties exact)."""
    m = min(len(p.w), len(p.x))
    alpha = Fraction(p.alpha)
    return float(sum((alpha * wi) * xi for wi, xi in zip(p.w[:m], p.x[:m])) >= 0)


claim(
    "relu.gate.scale_invariance",
    sources=[
        quote(N000, "Note that  $g$  is invariant to the scale of  $w_1$ ."),
        quote(N001, "Note that  $g$  is invariant to the scale of  $w_1$ ."),
    ],
    latex=r"g(x; \alpha w_1) = g(x; w_1), \quad \alpha > 0",
    params={"w": integer_vectors, "x": integer_vectors, "alpha": st.floats(1e-3, 1e3)},
    assumptions=("pointwise in (w, x); alpha > 0 (a negative scale flips the gate)",),
    claimed=gate_at_scaled,
    reference=lambda p: float(sum(int(a) * int(b) for a, b in zip(p.w, p.x)) >= 0),  # integers: exact
    method="exact",
    tolerances=Tolerances(rtol=0.0, atol=0.0),  # 0/1 values decided exactly on both sides
)
