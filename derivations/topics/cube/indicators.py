r"""Indicator identities on the hypercube: note 003 section 3, "More generally?", eq. (13) and the SDP paragraph.

Statements about :math:`\mathbb 1(\langle w, x\rangle \ge 0)` for every :math:`x \in \{\pm1\}^n` ("universal
statements about f without assuming the underlying probability distribution"):

* with :math:`w_1 > 0`, :math:`\mathbb 1(\langle w,x\rangle\ge0) = \mathbb 1(x_1 \ge -\sum_{i\ge2}(w_i/w_1)x_i)`, and if
  :math:`\sum_{i\ge2}|w_i/w_1| < 1` the indicator is :math:`\mathbb 1(x_1 \ge 0)`;
* a separation point k, :math:`\delta = \min_{x\in\{\pm1\}^k}|\sum_{i\le k} w_i x_i|` (13), and: if
  :math:`\sum_{i>k}|w_i| < \delta` then :math:`\mathbb 1(\langle w,x\rangle\ge0) = \mathbb 1(\sum_{i\le k} w_i x_i \ge 0)`;
* the SDP paragraph: :math:`\delta_{\mathrm{INT}} = \max_x x^\top A x` with :math:`A = -ww^\top`.

Checks are Hypothesis properties over w and the WHOLE cube (every x enumerated), in exact rational arithmetic
(:class:`fractions.Fraction`), so ties :math:`\langle w, x\rangle = 0` are decided exactly; the convention is the
note's, ties count as on (:math:`\ge`).  Weights are small integers (scale-free statements, so integers cover the
rationals), which makes ties frequent and counterexamples shrink to small ones.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import strategies as st

from derivations.api import Chain, Correction, Sampled, Tolerances, claim, definition, eq, quote
from .common import DATA_NLGP, cube_points, dot, gains, indicator, lengths, nlgp_sample
from derivations.topics._notes import N003

CUBE = (
    "every x in {-1, +1}^n is enumerated; arithmetic is exact (fractions), ties <w,x> = 0 are counted as on (>=)",
)
weights = st.integers(-4, 4)  # scale-free statements: small integers make ties (and coincidences) frequent
nonzero = weights.filter(lambda v: v != 0)


def head_values(head) -> list[Fraction]:
    r"""All values of :math:`\sum_{i\le k} w_i x_i` over :math:`x \in \{\pm1\}^k`."""
    return [dot(head, x) for x in cube_points(len(head))]


def has_tie(head) -> bool:
    """Some signed sum of the head vanishes (delta of (13) is 0): the special, thin part of the space."""
    return any(v == 0 for v in head_values(head))


# Heads whose signed sums can vanish are where the two readings of delta part; under the plain strategy
# they are rare enough that 8 draws miss them at some seeds, so half the draws come from this part.
heads_with_tie = st.lists(nonzero, min_size=2, max_size=4).filter(has_tie)


def delta_13(head) -> Fraction:
    r"""(13): :math:`\delta = \min_{x \in \{\pm 1\}^k} |\sum_{i\le k} w_i x_i|`."""
    return min(abs(v) for v in head_values(head))


def smallest_positive(head) -> Fraction:
    r"""The prose: "the smallest positive value the LHS produces", :math:`\min\{v > 0\}` over the values of the head sum."""
    return min(v for v in head_values(head) if v > 0)


def scaled_tail(tail, budget: Fraction) -> list[Fraction]:
    r"""The tail direction rescaled so that :math:`\sum_{i>k}|w_i|` equals ``budget`` (all zeros stay zeros)."""
    total = sum(abs(t) for t in tail)
    return [Fraction(0)] * len(tail) if total == 0 else [Fraction(t) * budget / total for t in tail]


def on_cube(w, rule) -> np.ndarray:
    """A 0/1 vector over the whole cube of ``rule(x)``."""
    return np.array([indicator(rule(x)) for x in cube_points(len(w))])


def relu_gate(w) -> np.ndarray:
    r""":math:`\mathbb 1(\langle w, x\rangle \ge 0)` over the cube, exact."""
    return on_cube(w, lambda x: dot(w, x) >= 0)


# =========================================================================== the sufficient condition
claim(
    "cube.sufficient.rewrite",
    sources=[quote(N003, "More generally? Assume $w_1 > 0$.")],
    latex=r"\mathbb{1}(\langle w, x \rangle \geq 0) = \mathbb{1}(x_1 \geq -\sum_{i=2}^n (\frac{w_i}{w_1}) x_i).",
    params={"w1": st.integers(1, 4), "rest": st.lists(weights, min_size=1, max_size=5)},
    assumptions=CUBE + ("w_1 > 0",),
    claimed=lambda p: on_cube([p.w1, *p.rest], lambda x: x[0] >= -sum(Fraction(r, p.w1) * xi for r, xi in zip(p.rest, x[1:]))),
    reference=lambda p: relu_gate([p.w1, *p.rest]),
    method="exact",
)


def dominant_weights(p) -> list[int]:
    r"""w with :math:`w_1 = \sum_{i\ge2}|w_i| + \text{slack}`, so that :math:`\sum_{i\ge2}|w_i/w_1| < 1`."""
    return [sum(abs(r) for r in p.rest) + p.slack, *p.rest]


SUFFICIENT_LATEX = r"\sum_{i=2}^n |\frac{w_i}{w_1}| < 1: \quad \mathbb{1}(x_1 \geq 0) = \mathbb{1}(x_1 \geq 1)"
SUFFICIENT_QUOTE = "If $\\sum_{i=2}^n |\\frac{w_i}{w_1}| < 1$, this is equivalent to $\\mathbb{1}(x_1 \\geq 0) = \\mathbb{1}(x_1 \\geq 1)$"
claim(
    "cube.sufficient.condition",
    sources=[quote(N003, SUFFICIENT_QUOTE)],
    latex=SUFFICIENT_LATEX,
    params={"rest": st.lists(weights, min_size=1, max_size=5), "slack": st.integers(1, 4)},
    assumptions=CUBE + (
        "reading (intended): if sum_{i>=2} |w_i/w_1| < 1 then 1(<w,x> >= 0) = 1(x_1 >= 0) for every x in the cube",
        "w_1 = sum_{i>=2}|w_i| + slack with slack >= 1, which realises every rational ratio < 1 up to scale",
    ),
    claimed=lambda p: on_cube(dominant_weights(p), lambda x: x[0] >= 0),
    reference=lambda p: relu_gate(dominant_weights(p)),
    method="exact",
    remark="The condition is sharp: at sum_{i>=2}|w_i/w_1| = 1 the tie x = (-1, sign(w_2), ...) switches the gate on.",
)
def gate_disagreement(p, eps) -> np.ndarray:
    r"""Per sample :math:`\mathbb 1\big(\mathbb 1(\langle w, X\rangle \ge 0) \ne \mathbb 1(X_1 \ge 0)\big)` on NLGP data."""
    w = np.array(dominant_weights(p), dtype=float)
    x = nlgp_sample(eps, w.size, p.xi, p.g)
    return ((x @ w >= 0) != (x[:, 0] >= 0)).astype(float)


def _disagreement_sweep(p, claimed, truth) -> str:
    w = np.array(dominant_weights(p), dtype=float)
    rows = []
    for g in (0.5, 2.0, 8.0, 32.0, 128.0):
        eps = np.random.default_rng(99).standard_normal((1 << 15, w.size))
        x = nlgp_sample(eps, w.size, p.xi, g)
        rows.append(f"g = {g:g}: {float(np.mean((x @ w >= 0) != (x[:, 0] >= 0))):.4f}")
    return (
        f"at finite g the coordinates are not +-1 and the gate of w = {w.astype(int).tolist()} differs from 1(X_1 >= 0) "
        "with positive probability, which vanishes only as g -> infinity (Monte Carlo, 2^15 samples): " + ", ".join(rows)
    )


claim(
    "cube.sufficient.condition.nlgp",
    role="contrary",
    sources=[quote(N003, SUFFICIENT_QUOTE)],
    latex=SUFFICIENT_LATEX,
    params={"rest": st.lists(weights, min_size=1, max_size=4), "slack": st.integers(1, 4), "xi": lengths, "g": gains},
    assumptions=DATA_NLGP[:1] + (
        "the intended reading of cube.sufficient.condition, at finite gain: 1(<w,X> >= 0) = 1(X_1 >= 0) almost surely, "
        "checked as P(the two gates differ) = 0",
        "w_1 = sum_{i>=2}|w_i| + slack as in cube.sufficient.condition",
    ),
    claimed=lambda p: 0.0,
    reference=Sampled(lambda p: len(dominant_weights(p)), gate_disagreement, "P(1(<w,X> >= 0) != 1(X_1 >= 0))"),
    tolerances=Tolerances(scale=1.0),
    diagnose=_disagreement_sweep,
    remark="The note states the condition for data on the cube; this is the same statement at finite g.",
)

claim(
    "cube.sufficient.literal",
    sources=[quote(N003, SUFFICIENT_QUOTE)],
    latex=SUFFICIENT_LATEX,
    params={},
    assumptions=("reading (literal, as printed): 1(x_1 >= 0) = 1(x_1 >= 1) for x_1 in {-1, +1}",),
    claimed=lambda p: np.array([indicator(x1 >= 1) for x1 in (1, -1)]),
    reference=lambda p: np.array([indicator(x1 >= 0) for x1 in (1, -1)]),
    method="exact",
    remark="As printed the identity does not involve w; it holds on the cube (not on R: x_1 = 1/2).",
)

# =========================================================================== separation point, (13)
claim(
    "cube.separation.rewrite",
    sources=[quote(N003, "Let's consider some separation point $k$")],
    latex=r"\mathbb{1}(\langle w, x \rangle \geq 0) = \mathbb{1}(\sum_{i=1}^k w_i x_i \geq -\sum_{i=k+1}^n w_i x_i).",
    params={"head": st.lists(weights, min_size=1, max_size=3), "tail": st.lists(weights, min_size=1, max_size=3)},
    assumptions=CUBE + ("w = (head, tail), k = len(head); the ordering |w_1| > ... > |w_n| is not needed",),
    claimed=lambda p: on_cube([*p.head, *p.tail], lambda x: dot(p.head, x[: len(p.head)]) >= -dot(p.tail, x[len(p.head):])),
    reference=lambda p: relu_gate([*p.head, *p.tail]),
    method="exact",
)


def _vanishing_story(p, claimed, truth) -> str | None:
    zero = [x for x in cube_points(len(p.head)) if dot(p.head, x) == 0]
    if not zero:
        return None
    return (
        f"a signed sum of w_1..w_k vanishes (x = {zero[0]}), so (13) gives delta = 0, while the smallest positive value "
        f"is {float(smallest_positive(p.head)):g}; (13) is the smallest positive value only when no signed sum vanishes"
    )


claim(
    "cube.separation.delta_eq13",
    sources=[eq(N003, "13"), quote(N003, "What is the smallest positive value the LHS produces? Define")],
    latex=r"\delta \triangleq \min_{x \in \{\pm 1\}^k} \left| \sum_{i=1}^k w_i x_i \right|.",
    params={"head": st.one_of(heads_with_tie, st.lists(nonzero, min_size=1, max_size=4))},
    assumptions=(
        "the claim checked: delta of (13) is 'the smallest positive value the LHS produces', i.e. "
        "min{v > 0 : v = sum_{i<=k} w_i x_i for some x}; nonzero weights so that a positive value exists",
    ),
    claimed=lambda p: float(delta_13(p.head)),
    reference=lambda p: float(smallest_positive(p.head)),
    method="exact",
    diagnose=_vanishing_story,
    remark="Which of the two quantities the argument needs is decided by cube.separation.identity and its second reading.",
)

claim(
    "cube.separation.tail_max",
    sources=[quote(N003, "which in this case is equivalent to $\\sum_{i=k+1}^n |w_i| < \\delta$")],
    latex=r"|\sum_{i=k+1}^n w_i x_i| < \delta \ \forall x \iff \sum_{i=k+1}^n |w_i| < \delta",
    params={"tail": st.lists(weights, min_size=1, max_size=5)},
    assumptions=CUBE + ("checked as max_{x in cube} |sum_{i>k} w_i x_i| = sum_{i>k} |w_i|, which is the equivalence",),
    claimed=lambda p: float(sum(abs(t) for t in p.tail)),
    reference=lambda p: float(max(abs(dot(p.tail, x)) for x in cube_points(len(p.tail)))),
    method="exact",
)

IDENTITY_LATEX = r"\mathbb{1}(\langle w, x \rangle \geq 0) = \mathbb{1}\left(\sum_{i=1}^k w_i x_i \geq 0\right)."
IDENTITY_QUOTE = "if $|\\sum_{i=k+1}^n w_i x_i| < \\delta$ for all x"


def separated(p, delta) -> list[Fraction]:
    """w = (head, tail) with the tail scaled to sum |w_i| = (q/10) delta < delta."""
    return [*p.head, *scaled_tail(p.tail, delta(p.head) * Fraction(p.q, 10))]


def _tie_story(p, claimed, truth) -> str | None:
    zero = [x for x in cube_points(len(p.head)) if dot(p.head, x) == 0]
    if not zero:
        return None
    return (
        f"at x_{{1..k}} = {zero[0]} the head sum is 0, so 1(sum_{{i<=k}} w_i x_i >= 0) = 1 whatever the tail, while "
        "<w,x> is the tail sum and can be negative; the argument needs delta > 0, i.e. (13) as written (min |.|), under "
        "which the condition sum|w_i| < delta is never met when a head sum vanishes (the same failure with '>' for ties)"
    )


for reading, delta, heads, text in (
    ("identity", delta_13, st.lists(nonzero, min_size=1, max_size=4).filter(lambda h: delta_13(h) > 0),
     "delta as defined in (13), min |sum_{i<=k} w_i x_i| (drawn heads have delta > 0; with delta = 0 the premise is empty)"),
    ("identity.smallest_positive", smallest_positive, st.one_of(heads_with_tie, st.lists(nonzero, min_size=1, max_size=4)),
     "delta read as the prose defines it, the smallest positive value of sum_{i<=k} w_i x_i"),
):
    claim(
        f"cube.separation.{reading}",
        sources=[quote(N003, IDENTITY_QUOTE)],
        latex=IDENTITY_LATEX,
        params={"head": heads, "tail": st.lists(weights, min_size=1, max_size=3), "q": st.integers(0, 9)},
        assumptions=CUBE + (
            "reading: " + text,
            "premise sum_{i>k}|w_i| < delta realised as sum_{i>k}|w_i| = (q/10) delta, q in 0..9",
        ),
        claimed=(lambda d: lambda p: on_cube(separated(p, d), lambda x: dot(p.head, x[: len(p.head)]) >= 0))(delta),
        reference=(lambda d: lambda p: relu_gate(separated(p, d)))(delta),
        method="exact",
        diagnose=_tie_story,
    )


def subset_case(case) -> tuple[list[int], list[int], list[tuple[int, ...]]]:
    r"""(head, tail, X) with X the x where :math:`|\sum_{i\le k}| > c/2 > |\sum_{i>k}|`: the largest set on which the
    inequality holds with threshold c/2 (every set on which it holds is inside one of these)."""
    head, tail, c = case
    w = [*head, *tail]
    k = len(head)
    subset = [x for x in cube_points(len(w)) if abs(dot(head, x[:k])) > Fraction(c, 2) > abs(dot(tail, x[k:]))]
    return head, tail, subset


cases = st.tuples(
    st.lists(weights, min_size=1, max_size=3), st.lists(weights, min_size=1, max_size=3), st.integers(0, 30)
).filter(lambda case: len(subset_case(case)[2]) > 0)


def _on_subset(p, rule) -> np.ndarray:
    head, tail, subset = subset_case(p.case)
    return np.array([indicator(rule(head, tail, x)) for x in subset])


claim(
    "cube.separation.subset",
    sources=[quote(N003, "We want \\mathcal{X} s.t. we can make k small in the following inequality.")],
    latex=(
        r"\min_{x \in \mathcal{X}} \left| \sum_{i=1}^k w_i x_i \right| > \max_{x \in \mathcal{X}} "
        r"\left| \sum_{i=k+1}^n w_i x_i \right|"
    ),
    params={"case": cases},
    assumptions=CUBE[:1] + (
        "the implied claim: if the inequality holds on a set X of cube points, then 1(<w,x> >= 0) = "
        "1(sum_{i<=k} w_i x_i >= 0) for every x in X",
    ),
    claimed=lambda p: _on_subset(p, lambda h, t, x: dot(h, x[: len(h)]) >= 0),
    reference=lambda p: _on_subset(p, lambda h, t, x: dot([*h, *t], x) >= 0),
    method="exact",
)

# =========================================================================== the SDP paragraph
definition(
    "cube.sdp.delta_int.definition",
    sources=[quote(N003, "Equation (13) is related to the integer optimization problem")],
    latex=r"\delta_{\text{INT}} \triangleq \max_{x \in \{\pm 1\}^k} \sum_{i,j=1}^k A_{ij} x_i x_j,",
    assumptions=("A = -w w^T restricted to the first k coordinates (the head of the separation point)",),
)

SDP = ("w = (w_1, ..., w_k), integers; A = -w w^T; x over {-1, +1}^k, all enumerated",)


def quadratic_form(head) -> np.ndarray:
    r""":math:`\sum_{i,j} A_{ij} x_i x_j` with the matrix :math:`A = -ww^\top` built in numpy, over the cube."""
    w = np.array(head, dtype=float)
    a = -np.outer(w, w)
    return np.array([float(np.einsum("ij,i,j->", a, np.array(x, float), np.array(x, float))) for x in cube_points(len(head))])


claim(
    "cube.sdp.quadratic_form",
    sources=[quote(N003, "This is because $\\sum_{i,j=1}^k A_{ij} x_i x_j = (x^\\top A x) = -(\\langle w, x \\rangle)^2$")],
    latex=r"\sum_{i,j=1}^k A_{ij} x_i x_j = (x^\top A x) = -(\langle w, x \rangle)^2",
    params={"head": st.lists(weights, min_size=1, max_size=4)},
    assumptions=SDP + ("both right-hand expressions checked at every x",),
    claimed=lambda p: np.concatenate([
        [float(np.array(x) @ (-np.outer(p.head, p.head)) @ np.array(x)) for x in cube_points(len(p.head))],
        [-float(dot(p.head, x)) ** 2 for x in cube_points(len(p.head))],
    ]),
    reference=lambda p: np.tile(quadratic_form(p.head), 2),
    method="exact",
)


def delta_int(p) -> float:
    r""":math:`\delta_{\mathrm{INT}} = \max_x x^\top A x` by enumeration with the numpy matrix A."""
    return float(np.max(quadratic_form(p.head)))


SDP_QUOTE = "\\delta_{\\text{INT}} = \\max_{x \\in \\{\\pm 1\\}^k} -(\\langle w, x \\rangle)^2"
sdp_lines = (
    ("max_form", r"\delta_{\text{INT}} = \max_{x \in \{\pm 1\}^k} -(\langle w, x \rangle)^2",
     lambda p: float(max(-dot(p.head, x) ** 2 for x in cube_points(len(p.head))))),
    ("min_form", r"= -\min_{x \in \{\pm 1\}^k} (\langle w, x \rangle)^2",
     lambda p: -float(min(dot(p.head, x) ** 2 for x in cube_points(len(p.head))))),
    ("sqrt_form", r"= -\sqrt{\delta}.", lambda p: -float(np.sqrt(float(delta_13(p.head))))),
)
sdp = Chain(
    "cube.sdp",
    note=N003,
    params={"head": st.lists(weights, min_size=1, max_size=4)},
    reference=delta_int,
    assumptions=SDP + ("delta as in (13) for the same w",),
    method="exact",
)
for name, latex, side in sdp_lines:
    sdp.step(
        None,
        id=f"cube.sdp.delta_int.{name}",
        sources=[quote(N003, SDP_QUOTE)],
        latex=latex,
        claimed=side,
        corrected=Correction(
            latex=r"\delta_{\text{INT}} = -\delta^2",
            claimed=lambda p: -float(delta_13(p.head)) ** 2,
            remark="(13) minimises |<w,x>|, so the minimum of <w,x>^2 is delta^2",
        ) if name == "sqrt_form" else None,
        diagnose=(lambda p, c, t: f"delta_INT = -delta^2 = {-float(delta_13(p.head)) ** 2:g}, not -sqrt(delta) = {c:g}: "
                  "the minimum of the square of |<w,x>| is the square of its minimum") if name == "sqrt_form" else None,
    )
