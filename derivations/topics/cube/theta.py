r"""Section 3.1 of note 003: f as a sum over the sign patterns :math:`\Theta`, eqs (14)-(22) and the prose around them.

With :math:`X = \operatorname{sign}(Z)` on :math:`\{\pm1\}^n` and
:math:`\Theta = \{x \in \{\pm 1\}^n : \langle w, x\rangle \ge 0\}` (18), the note writes
:math:`\mathbb E[\mathbb 1(\langle w, X\rangle \ge 0) X]` as a sum over :math:`\Theta` (14)-(17), expands the
indicator as a product over coordinates (19), then as a sum over coordinates with
:math:`g_j(x) = \sum_{x'\in\Theta} \mathbb 1(x_j = x'_j)` (20)-(22), and states what it wants to show about
:math:`g_j`.  Before that, a prose conjecture: :math:`X_j` is roughly independent of the gate unless j is the
largest entry of w, and then :math:`X_j \approx \operatorname{sgn}(w_j)`.

References: exact enumeration with the law of :math:`\operatorname{sign} Z` (orthant probabilities,
:mod:`numerics.models.orthants`; :math:`n \le 5` so every probability is exact up to a 1-D quadrature); the truth
:math:`f(w)` is computed from the marginal laws of :math:`X_{\operatorname{supp} w \cup \{m\}}`
(:func:`numerics.models.orthants.restricted_mean`), the note's lines from the full law, term by term as written.
Pointwise identities are checked over the whole cube in exact integer arithmetic.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from numerics.models import datamodels as dm
from numerics.models import orthants
from numerics.estimate import Estimate

from derivations.api import Chain, Correction, claim, definition, eq, quote
from .common import DATA_CUBE, approximately, cube_points, dot, f_cube, indicator, lengths
from derivations.topics._notes import N003

small = st.integers(-3, 3)  # integer weights: ties <w,x> = 0 occur and are exact
THETA = ("Theta = {x in {-1,+1}^n : <w,x> >= 0} as in (18) (ties in Theta), integer weights so that ties are exact",)


def theta(w) -> np.ndarray:
    r""":math:`\Theta` (18) as an array of rows, exact integer arithmetic."""
    return np.array([x for x in cube_points(len(w)) if dot(w, x) >= 0], dtype=float).reshape(-1, len(w))


def expect(p, per_pattern) -> Estimate:
    r""":math:`\mathbb E_X[h(X)]` for :math:`h` given on the pattern array (shape (2^n, n) -> (2^n, ...))."""
    return orthants.cube_expectation(dm.covariance(len(p.w), p.xi), per_pattern)


def truth(p) -> Estimate:
    r"""The left-hand side :math:`\mathbb E[\mathbb 1(\langle w, X\rangle \ge 0) X]` from the marginal laws (exact)."""
    return f_cube(np.array(p.w, float), len(p.w), p.xi)


# =========================================================================== 3.1, the prose conjecture
def gate_conditional_means(p) -> tuple[np.ndarray, int]:
    r""":math:`\mathbb E[X_j \mid \langle w, X\rangle \ge 0]` for every j (exact), and the index of :math:`\max_j |w_j|`."""
    w = np.random.default_rng(p.w_seed).standard_normal(p.n)
    cov = dm.covariance(p.n, p.xi)
    est = orthants.cube_expectation(cov, lambda pats: np.column_stack([(pats @ w >= 0)[:, None] * pats, pats @ w >= 0]))
    joint, prob = np.asarray(est.value)[:-1], float(np.asarray(est.value)[-1])
    return joint / prob, int(np.argmax(np.abs(w)))


def gate_weights_sign(p) -> float:
    w = np.random.default_rng(p.w_seed).standard_normal(p.n)
    return float(np.sign(w[np.argmax(np.abs(w))]))


GENERIC = {"n": st.integers(3, 5), "xi": lengths, "w_seed": st.integers(0, 2**16)}
GENERIC_DATA = DATA_CUBE[:1] + (
    "regime: w ~ N(0, I_n), n = 3..5 (the 'more general setting' the sentence is about); gate I = 1(<w,X> >= 0)",
    "X_j and I are both two-valued, so 'X_j independent of I' is exactly E[X_j | I = 1] = E[X_j] = 0",
    "'approximately' read as: within 0.1 (X_j takes values +-1, so conditional means live in [-1, 1])",
)
INDEPENDENCE_QUOTE = "Something like X_j is approximately independent of $\\mathbb{1}(\\langle w, X \\rangle \\geq 0)$"


def _others(p) -> np.ndarray:
    """E[X_j | I = 1] for every j but the largest entry of w."""
    means, top = gate_conditional_means(p)
    return np.delete(means, top)


def _top(p) -> float:
    """E[X_j* | I = 1] for the largest entry j* of w."""
    means, top = gate_conditional_means(p)
    return float(means[top])


def _independence_story(p, claimed, truth_value) -> str:
    means, top = gate_conditional_means(p)
    cov = 2 / np.pi * np.arcsin(dm.covariance(p.n, p.xi))[top]
    return (
        f"E[X_j | I = 1] over j = {np.round(means, 3).tolist()} (largest |w_j| at j = {top}); the dependence follows the "
        f"correlation with X_j* (Cov(sign Z)_j*j = {np.round(cov, 3).tolist()}), not only the size of w_j"
    )


claim(
    "cube.gate.non_max_independent",
    sources=[quote(N003, INDEPENDENCE_QUOTE)],
    latex=r"X_j \perp\!\!\!\perp \mathbb{1}(\langle w, X \rangle \geq 0) \quad (j \neq \arg\max_i |w_i|)",
    params=GENERIC,
    assumptions=GENERIC_DATA,
    claimed=lambda p: np.zeros(p.n - 1),
    reference=_others,
    method="exact",
    tolerances=approximately(0.1),
    diagnose=_independence_story,
)
claim(
    "cube.gate.max_entry_sign",
    sources=[quote(N003, "Otherwise, $X_j \\approx \\text{sgn}(w_j)$.")],
    latex=r"X_j \approx \text{sgn}(w_j) \quad (j = \arg\max_i |w_i|)",
    params=GENERIC,
    assumptions=GENERIC_DATA[:1] + (
        GENERIC_DATA[1],
        "reading: on the event I = 1, X_j* ~ sgn(w_j*), checked as E[X_j* | I = 1] = sgn(w_j*) within 0.1",
    ),
    claimed=gate_weights_sign,
    reference=_top,
    method="exact",
    tolerances=approximately(0.1),
    diagnose=_independence_story,
)

# =========================================================================== (14)-(17) and the entrywise line
chain_params = {"w": st.lists(small, min_size=2, max_size=5), "xi": lengths}
definition(
    "cube.theta.eq18",
    sources=[eq(N003, "18")],
    latex=r"\Theta = \{x = (x_j)_{j \in [n]} \in \{\pm 1\}^n \mid \langle w, x \rangle \geq 0\}.",
    remark="Used from (14) on, defined only at (18).",
)

sums = Chain(
    "cube.theta",
    note=N003,
    params=chain_params,
    reference=truth,
    assumptions=DATA_CUBE[:1] + THETA + (
        "the left side of (14) writes 1(<w, x> >= 0) with a lower-case x inside E_X; read as x = X",
    ),
)


def _matches(pats: np.ndarray, th: np.ndarray) -> np.ndarray:
    r"""Indicator matrix :math:`\mathbb 1(x = x')`, rows x (patterns), columns x' in Theta."""
    return np.all(pats[:, None, :] == th[None, :, :], axis=2).astype(float)


def _coordinate_matches(pats: np.ndarray, th: np.ndarray) -> np.ndarray:
    r""":math:`\mathbb 1(x_i = x'_i)`, shape (patterns, Theta, n)."""
    return (pats[:, None, :] == th[None, :, :]).astype(float)


def _polynomial_factors(pats: np.ndarray, th: np.ndarray) -> np.ndarray:
    r""":math:`\frac{\operatorname{sgn}(x'_i)}{2}(x_i + x'_i)`, shape (patterns, Theta, n)."""
    return np.sign(th)[None, :, :] / 2.0 * (pats[:, None, :] + th[None, :, :])


def line_14(p):
    th = theta(p.w)
    return expect(p, lambda pats: _matches(pats, th).sum(axis=1)[:, None] * pats)


def line_15(p):
    th = theta(p.w)
    return expect(p, lambda pats: np.prod(_coordinate_matches(pats, th), axis=2).sum(axis=1)[:, None] * pats)


def line_16(p):
    th = theta(p.w)
    return expect(p, lambda pats: np.prod(_polynomial_factors(pats, th), axis=2).sum(axis=1)[:, None] * pats)


def line_17(p):
    r"""Sum over :math:`x'\in\Theta` outside, one expectation per :math:`x'` (the order of (17))."""
    th = theta(p.w)
    total = np.zeros(len(p.w))
    error = np.zeros(len(p.w))
    for xp in th:
        est = expect(p, lambda pats, xp=xp: np.prod(_polynomial_factors(pats, xp[None, :]), axis=2)[:, 0][:, None] * pats)
        total += np.asarray(est.value)
        error += np.asarray(est.abs_error)
    return Estimate(total, "exact", error, detail="sum over Theta of exact expectations")


sums.step(
    "14",
    latex=(
        r"\mathbb{E}_X[\mathbb{1}(\langle w, x \rangle \geq 0)X] = \mathbb{E}_X \left[\sum_{x' \in \Theta} "
        r"\mathbb{1}(X = x')X \right]"
    ),
    claimed=line_14,
)
sums.step(
    "15",
    latex=r"= \mathbb{E}_X \left[\sum_{x' \in \Theta} \left[\prod_{i=1}^n \mathbb{1}(X_i = x'_i) \right] X \right]",
    claimed=line_15,
)
sums.step(
    "16",
    latex=(
        r"= \mathbb{E}_X \left[\sum_{x' \in \Theta} \left[\prod_{i=1}^n \frac{\text{sgn}(x'_i)}{2} (X_i + x'_i) "
        r"\right] X \right]"
    ),
    claimed=line_16,
)
sums.step(
    "17",
    latex=(
        r"= \sum_{x' \in \Theta} \mathbb{E}_X \left[\left(\prod_{i=1}^n \frac{\text{sgn}(x'_i)}{2} (X_i + x'_i) "
        r"\right) X \right]."
    ),
    claimed=line_17,
)

ENTRYWISE_LATEX = (
    r"\sum_{x' \in \Theta} \mathbb{E}_X \left[ \left(\prod_{i=1}^n \frac{\text{sgn}(x'_i)}{2} (X_i + x'_i) \right) X_j "
    r"\right] = \sum_{x' \in \Theta} \mathbb{E}_X \left[ \left(\prod_{i=1}^n \frac{\text{sgn}(x'_i)}{2} (X_i + x'_i) "
    r"X_j \right) \right]"
)


def entrywise_inside(p):
    r"""Reading B of the entrywise line: :math:`X_j` inside the product, :math:`\prod_i [a_i X_j] = X_j^n \prod_i a_i`."""
    th = theta(p.w)
    n = len(p.w)
    return expect(p, lambda pats: np.prod(_polynomial_factors(pats, th), axis=2).sum(axis=1)[:, None] * pats**n)


sums.step(
    None,
    id="cube.theta.entrywise.outside",
    sources=[quote(N003, "Entrywise,")],
    latex=ENTRYWISE_LATEX,
    assumptions=("reading A: X_j multiplies the whole product (parentheses as in (17))",),
    claimed=line_17,
    method="exact",
    remark="Under reading A the right side is the left side regrouped; checked for every j at once.",
)
sums.step(
    None,
    id="cube.theta.entrywise.inside",
    role="unstated",
    sources=[quote(N003, "Entrywise,")],
    latex=ENTRYWISE_LATEX,
    assumptions=("reading B: X_j is a factor inside the product over i, i.e. prod_i [a_i X_j]",),
    claimed=entrywise_inside,
    method="exact",
    after="cube.theta.eq17",  # the other reading of the same line, not a line below reading A
    diagnose=lambda p, c, t: (
        "with X_j inside the product it is raised to the power n; for even n, X_j^n = 1 and the line becomes "
        "P(<w,X> >= 0) in every entry" if len(p.w) % 2 == 0 else None
    ),
)

# =========================================================================== (19)
pointwise = {"w": st.lists(small, min_size=1, max_size=5)}


def eq19_sides(p) -> np.ndarray:
    r"""Both right-hand sides of (19) at every x of the cube, stacked: :math:`\sum_{x'\in\Theta}\mathbb 1(x = x')`,
    then :math:`\sum_{x'\in\Theta}\prod_j \mathbb 1(x_j = x'_j)`."""
    th = [tuple(int(v) for v in row) for row in theta(p.w)]
    pts = cube_points(len(p.w))
    first = [sum(indicator(tuple(x) == xp) for xp in th) for x in pts]
    second = [sum(float(np.prod([indicator(a == b) for a, b in zip(x, xp)])) for xp in th) for x in pts]
    return np.array(first + second)


claim(
    "cube.theta.eq19",
    sources=[eq(N003, "19")],
    latex=(
        r"\mathbb{1}(\langle w, x \rangle \geq 0) = \sum_{x' \in \Theta} \mathbb{1}(x = x') = \sum_{x' \in \Theta} "
        r"\prod_{j \in [n]} \mathbb{1}(x_j = x'_j)"
    ),
    params=pointwise,
    assumptions=THETA + ("pointwise identity at every x in {-1,+1}^n (both right-hand sides)",),
    claimed=eq19_sides,
    reference=lambda p: np.tile([indicator(dot(p.w, x) >= 0) for x in cube_points(len(p.w))], 2),
    method="exact",
)


# =========================================================================== (20)-(22)
def g_table(w) -> np.ndarray:
    r""":math:`g_j(x) = \sum_{x'\in\Theta}\mathbb 1(x_j = x'_j)` (20)/(21) for every x of the cube (rows) and j
    (columns), summed directly over :math:`\Theta`."""
    th = [tuple(int(v) for v in row) for row in theta(w)]
    return np.array([[sum(1 for xp in th if xp[j] == x[j]) for j in range(len(w))] for x in cube_points(len(w))], float)


def eq20_claimed(p):
    r""":math:`\sum_j \mathbb E[g_j(X) X]`, with :math:`g_j` summed over :math:`\Theta` for every pattern."""
    th = theta(p.w)
    return expect(p, lambda pats: _coordinate_matches(pats, th).sum(axis=(1, 2))[:, None] * pats)


def _eq20_story(p, claimed, truth_value) -> str:
    th = theta(p.w)
    cov = 2 / np.pi * np.arcsin(dm.covariance(len(p.w), p.xi))
    linear = 0.5 * cov @ th.sum(axis=0)
    gap = float(np.max(np.abs(np.asarray(claimed) - linear)))
    return (
        "sum_j g_j(x) = sum_{x' in Theta} (n/2 + <x, x'>/2), so the right side equals (1/2) Cov(X) sum_{x' in Theta} x' "
        f"(to {gap:.1e} here): the product over j in (19) cannot be replaced by a sum over j"
    )


claim(
    "cube.theta.eq20",
    sources=[eq(N003, "20")],
    latex=(
        r"\mathbb{E}_{X|Y=1}[\mathbb{1}(\langle w, X \rangle \geq 0)X] = \sum_{j \in [n]} \mathbb{E}_{X|Y=1} "
        r"\left[\underbrace{\left(\sum_{x' \in \Theta} \mathbb{1}(X_j = x'_j) \right)}_{\triangleq g_j(X)} X \right]."
    ),
    params=chain_params,
    assumptions=DATA_CUBE[:1] + THETA,
    claimed=eq20_claimed,
    reference=truth,
    method="exact",
    diagnose=_eq20_story,
    corrected=Correction(
        latex=r"\mathbb{E}_{X|Y=1}[\mathbb{1}(\langle w, X \rangle \geq 0)X] = \sum_{x' \in \Theta} \mathbb{P}(X = x')\, x'",
        claimed=lambda p: expect(p, lambda pats: np.array([indicator(dot(p.w, x) >= 0) for x in pats])[:, None] * pats),
        remark="from (19): the indicator is a sum over Theta of products over coordinates, not of sums",
    ),
)
definition(
    "cube.theta.eq21",
    sources=[eq(N003, "21")],
    latex=r"g_j(x) = \sum_{x' \in \Theta} \mathbb{1}(x_j = x'_j)",
    remark="Restates the definition of g_j under (20).",
)


def eq22_counts(p) -> np.ndarray:
    r"""(22) for every (x, j): :math:`|\{x'\in\Theta: x'_j = 1\}|\mathbb 1(x_j=1) + |\{x'\in\Theta: x'_j=-1\}|\mathbb 1(x_j=-1)`."""
    th = theta(p.w)
    up, down = (th == 1).sum(axis=0), (th == -1).sum(axis=0)
    return np.array([[up[j] * indicator(x[j] == 1) + down[j] * indicator(x[j] == -1) for j in range(len(p.w))]
                     for x in cube_points(len(p.w))])


claim(
    "cube.theta.eq22",
    sources=[eq(N003, "22")],
    latex=(
        r"g_j(x) = |\{x' \in \Theta \mid x'_j = 1\}| \mathbb{1}(x_j = 1) + |\{x' \in \Theta \mid x'_j = -1\}| "
        r"\mathbb{1}(x_j = -1)"
    ),
    params=pointwise,
    assumptions=THETA + ("checked at every x of the cube and every j",),
    claimed=eq22_counts,
    reference=lambda p: g_table(p.w),
    method="exact",
)


# =========================================================================== the two properties under (20)
def dominated(p) -> tuple[list[int], int]:
    """w with one coordinate (at position pos) larger than the sum of the others, and that position."""
    rest = list(p.rest)
    pos = p.pos % (len(rest) + 1)
    big = (sum(abs(r) for r in rest) + p.slack) * (-1 if p.negative else 1)
    return rest[:pos] + [big] + rest[pos:], pos


dominance = {"rest": st.lists(small, min_size=1, max_size=4), "slack": st.integers(1, 3), "pos": st.integers(0, 4),
             "negative": st.booleans()}
REGIME = (
    "'w_j sufficiently large' read through the sufficient condition of section 3: |w_j| > sum_{i != j} |w_i|",
)
APPROX = ("'approximately' read as: every entry within 10% of the largest entry",)


def _count_story(p, claimed, truth_value) -> str:
    w, _ = dominated(p)
    return (
        f"g_j counts patterns of Theta, it is not an indicator: here |Theta| = {len(theta(w))} = 2^(n-1) with n = {len(w)}, "
        "and g_j is |Theta| times the claimed form (property 1) or |Theta|/2 times it (property 2)"
    )


def dominant_indicator(p) -> np.ndarray:
    r""":math:`\mathbb 1(x_j = \operatorname{sign}(w_j))` over the cube, j the dominant coordinate."""
    w, j = dominated(p)
    return np.array([indicator(x[j] == np.sign(w[j])) for x in cube_points(len(w))])


claim(
    "cube.theta.property1",
    sources=[quote(N003, "$g_j(x) \\approx \\mathbb{1}(x_j = \\text{sign}(w_j))$ when $w_j$ is sufficiently large")],
    latex=r"g_j(x) \approx \mathbb{1}(x_j = \text{sign}(w_j))",
    params=dominance,
    assumptions=THETA + REGIME + APPROX + ("j is the dominant coordinate; checked at every x of the cube",),
    claimed=dominant_indicator,
    reference=lambda p: g_table(dominated(p)[0])[:, dominated(p)[1]],
    method="exact",
    tolerances=approximately(0.1, relative=True),
    diagnose=_count_story,
    corrected=Correction(
        latex=r"g_j(x) = |\Theta|\, \mathbb{1}(x_j = \text{sign}(w_j))",
        claimed=lambda p: len(theta(dominated(p)[0])) * dominant_indicator(p),
        remark="under the sufficient condition Theta = {x': x'_j = sign(w_j)}",
    ),
)


def _other_index(p) -> int:
    """A coordinate j other than the dominant one."""
    w, pos = dominated(p)
    j = (pos + 1 + p.other) % len(w)
    return j if j != pos else (pos + 1) % len(w)


claim(
    "cube.theta.property2",
    sources=[quote(N003, "$g_j(x) \\approx 1$ when $w_j$ is not sufficiently large")],
    latex=r"g_j(x) \approx 1",
    params={**dominance, "other": st.integers(0, 3)},
    assumptions=THETA + REGIME + APPROX + (
        "w_j not sufficiently large: another coordinate i satisfies the sufficient condition and j != i; checked at every x",
    ),
    claimed=lambda p: np.ones(2 ** len(dominated(p)[0])),
    reference=lambda p: g_table(dominated(p)[0])[:, _other_index(p)],
    method="exact",
    tolerances=approximately(0.1, relative=True),
    diagnose=_count_story,
    corrected=Correction(
        latex=r"g_j(x) = |\Theta| / 2",
        claimed=lambda p: np.full(2 ** len(dominated(p)[0]), len(theta(dominated(p)[0])) / 2.0),
        remark="under the sufficient condition for i != j, half of Theta has x'_j = 1",
    ),
)


def imbalance_ratios(p) -> np.ndarray:
    r""":math:`b_j/a_j` for w ~ N(0, I_n) drawn from the seed (see :func:`imbalance`)."""
    w = np.random.default_rng(p.w_seed).standard_normal(p.n)
    th = np.array([x for x in cube_points(p.n) if float(np.dot(w, x)) >= 0], float)
    s = np.sign(w)
    return (th == -s[None, :]).sum(axis=0) / (th == s[None, :]).sum(axis=0)


def imbalance(p) -> np.ndarray:
    r"""For each j: :math:`r_j = b_j/a_j`, :math:`a_j = |\Theta \cap \{x'_j = \operatorname{sgn} w_j\}|`,
    :math:`b_j = |\Theta\cap\{x'_j = -\operatorname{sgn} w_j\}|`; property 1 is :math:`r_j = 0`, property 2 is
    :math:`r_j = 1`.  Returns the distance of :math:`r_j` to :math:`\{0, 1\}`."""
    w = np.random.default_rng(p.w_seed).standard_normal(p.n)
    th = np.array([x for x in cube_points(p.n) if float(np.dot(w, x)) >= 0], float)
    s = np.sign(w)
    a = (th == s[None, :]).sum(axis=0)
    b = (th == -s[None, :]).sum(axis=0)
    r = b / a
    return np.minimum(r, 1.0 - r)


claim(
    "cube.theta.no_middle_ground",
    sources=[quote(N003, "Hopefully, we can show there is a pretty clear divide between the two cases, and that nothing falls in between.")],
    latex=r"g_j \approx |\Theta|\,\mathbb{1}(x_j = \text{sign}(w_j)) \ \text{or}\ g_j \approx |\Theta|/2 \quad \forall j",
    params={"n": st.integers(2, 7), "w_seed": st.integers(0, 2**16)},
    assumptions=THETA[:1] + (
        "by (22) g_j(x) = a_j 1(x_j = sgn w_j) + b_j 1(x_j = -sgn w_j) with a_j >= b_j; property 1 is b_j/a_j = 0, "
        "property 2 is b_j/a_j = 1",
        "regime: w ~ N(0, I_n), n = 2..7; 'clear divide' read as: every b_j/a_j within 0.1 of 0 or of 1",
    ),
    claimed=lambda p: np.zeros(p.n),
    reference=imbalance,
    method="exact",
    tolerances=approximately(0.1),
    diagnose=lambda p, c, t: (
        f"b_j/a_j = {np.round(imbalance_ratios(p), 3).tolist()} for w = {np.round(np.random.default_rng(p.w_seed).standard_normal(p.n), 3).tolist()}: "
        "for generic w the coordinates fall in between the two cases"
    ),
    remark="Purely combinatorial (no probabilities): counts of Theta.",
)
