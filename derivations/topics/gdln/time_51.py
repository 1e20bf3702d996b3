r"""Time-dependent gating: note 000 section 5.1 (eqs (39)-(43)).

With gates :math:`g(t, x)` the moments depend on t and the flow becomes
:math:`K\tau \dot w = b(t) - A(t) w` (39).  The note asks when the :math:`A(t)` share an
eigenbasis, recalls that "two matrices are simultaneously diagonalizable iff they commute",
and expands the product :math:`A(t)A(t')` in (40)-(43) without finishing.

Gates here are moving half-spaces :math:`g_k(t, x) = 1(\langle v_k + t d_k, x\rangle \ge 0)`.
(39) is checked against :math:`-K\nabla L` of the model with the gates frozen at time t;
(40)-(43) against the matrix product of :math:`A(t) = \langle \tilde x_t \tilde x_t^\top\rangle` and
:math:`A(t')` on an empirical distribution, where the double expectations over independent
:math:`(x, x')` of (42), (43) are exact double sums over all pairs of sample points.
The linear-algebra fact is decided exactly with SymPy on small rational matrices.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from numerics.models import gdln as gd

from derivations.api import Chain, Correction, claim, definition, eq, incomplete, quote
from .common import DATA, MODEL, Network, base_params, network
from derivations.topics._notes import N000
from .model_31 import one_over_k_story

time_params = {**base_params, "t": st.floats(0.0, 2.0)}
MOVING = ("gates g_k(t, x) = 1(<v_k + t d_k, x> >= 0) with random v_k, d_k (gates that change during training)",)


def _moving(p) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng([p.seed, 30])
    return rng.standard_normal((p.K, p.n)), rng.standard_normal((p.K, p.n))


def at_time(p, t: float, size: int | None = None) -> Network:
    """The network with its gates frozen at time t (data and weights of the point)."""
    base = network(p, "halfspace") if size is None else network(p, "halfspace", size=size)
    dirs, drifts = _moving(p)
    return Network(base.x, base.y, gd.moving_halfspace_gates(base.x, dirs, drifts, t), base.weights)


# =========================================================================== (39)
def rhs_39(p, a_scale: float = 1.0) -> np.ndarray:
    net = at_time(p, p.t)
    return net.b - a_scale * net.A @ net.w


claim(
    "gdln.timevarying.flow.eq39",
    sources=[eq(N000, "39")],
    latex=r"K\tau \frac{d}{dt}w = b(t) - A(t)w.",
    params=time_params,
    assumptions=DATA + MODEL + MOVING + ("checked at one time t: -K grad L with the gates g(t, .) of that time",),
    claimed=rhs_39,
    reference=lambda p: (lambda net: gd.part(net.fd_flow(), None, net.K, (-1,)))(at_time(p, p.t)),
    after="gdln.flow.eq10",
    previous_form=rhs_39,
    diagnose=lambda p, c, r: one_over_k_story(p.K, c, r, rhs_39(p, 1.0 / p.K)),
    corrected=Correction(latex=r"K\tau \frac{d}{dt}w = b(t) - \frac{1}{K}A(t)w", claimed=lambda p: rhs_39(p, 1.0 / p.K)),
    remark="(10) with the moments of the gates at time t; it inherits whatever (10) gets wrong.",
)

claim(
    "gdln.timevarying.A_symmetric",
    sources=[quote(N000, "Note that A(t) is always real symmetric for each t.")],
    latex=r"A(t)^\top = A(t)",
    params=time_params,
    assumptions=DATA + MOVING + ("A(t) assembled block by block from A_ij(t) = <g_i(t, x) g_j(t, x) x x^T>",),
    claimed=lambda p: at_time(p, p.t).A.T,
    reference=lambda p: at_time(p, p.t).A,
    method="exact",
)

definition(
    "gdln.timevarying.common_basis",
    sources=[quote(N000, "Let us momentarily assume that it is diagonalizable in the same basis across time, that is "
                         "A(t) = P\\Lambda(t)P^\\top")],
    latex=r"A(t) = P\Lambda(t)P^\top",
    remark="An assumption the note makes for the sake of argument; it never returns to it.",
)


# =========================================================================== simultaneous diagonalisation
def _rational_rotation(rng: np.random.Generator, size: int) -> sp.Matrix:
    r"""A rational orthogonal matrix: a Pythagorean rotation (3/5, 4/5 or 5/13, 12/13) in a random plane."""
    c, s = [(sp.Rational(3, 5), sp.Rational(4, 5)), (sp.Rational(5, 13), sp.Rational(12, 13))][int(rng.integers(2))]
    i, j = rng.choice(size, 2, replace=False)
    q = sp.eye(size)
    q[i, i], q[i, j], q[j, i], q[j, j] = c, -s, s, c
    return q


def _ints(rng: np.random.Generator, count: int, low: int = -3, high: int = 4) -> list[int]:
    return [int(v) for v in rng.integers(low, high, count)]


def symmetric_pair(kind: str, seed: int, size: int) -> tuple[sp.Matrix, sp.Matrix]:
    """Pairs of rational symmetric matrices of several kinds (commuting or not)."""
    rng = np.random.default_rng([seed, 40])
    if kind == "random":
        a, b, c, d, e, f = _ints(rng, 6)
        return sp.Matrix([[a, b], [b, c]]), sp.Matrix([[d, e], [e, f]])
    q = _rational_rotation(rng, size)
    if kind == "shared_basis":
        return q * sp.diag(*_ints(rng, size)) * q.T, q * sp.diag(*_ints(rng, size)) * q.T
    if kind == "degenerate":
        a, b = _ints(rng, 2)
        r = sp.Matrix(2, 2, _ints(rng, 4))
        r = r + r.T
        return (q * sp.diag(a, a, *([b] * (size - 2))) * q.T,
                q * sp.diag(r, *(_ints(rng, size - 2))) * q.T)
    if kind == "scalar":
        # any symmetric B; built with rational eigenvalues so that SymPy's eigenvalues stay exact and fast
        r = _rational_rotation(rng, size) * q
        b = r * sp.diag(*_ints(rng, size)) * r.T
        return int(rng.integers(-3, 4)) * sp.eye(size), b
    raise ValueError(kind)


def general_pair(kind: str, seed: int, size: int) -> tuple[sp.Matrix, sp.Matrix]:
    """Pairs of rational square matrices, not necessarily symmetric."""
    rng = np.random.default_rng([seed, 41])
    if kind == "random":
        return sp.Matrix(2, 2, _ints(rng, 4)), sp.Matrix(2, 2, _ints(rng, 4))
    if kind == "jordan":
        a, k = _ints(rng, 2)
        j = sp.Matrix([[a, 1], [0, a]])
        return j, j + k * sp.eye(2)
    if kind == "similar_diagonal":
        s = sp.eye(size)
        for _ in range(size):  # a unimodular integer change of basis
            i, j = rng.choice(size, 2, replace=False)
            s[i, :] = s[i, :] + int(rng.integers(-2, 3)) * s[j, :]
        return s * sp.diag(*_ints(rng, size)) * s.inv(), s * sp.diag(*_ints(rng, size)) * s.inv()
    return symmetric_pair(kind, seed, size)


def commute(a: sp.Matrix, b: sp.Matrix) -> float:
    return float(a * b == b * a)


@lru_cache(maxsize=256)
def _diagonalizable_together(kind: str, seed: int, size: int, general: bool) -> float:
    a, b = (general_pair if general else symmetric_pair)(kind, seed, size)
    return float(gd.simultaneously_diagonalizable(a, b))


SYMMETRIC_KINDS = ("shared_basis", "random", "degenerate", "scalar")
claim(
    "gdln.linalg.commute_iff_simultaneous",
    sources=[quote(N000, "Recall that two matrices are simultaneously diagonalizable iff they commute.")],
    latex=r"AB = BA \iff \exists\, Q:\ Q^{-1}AQ,\ Q^{-1}BQ \text{ diagonal}",
    params={"kind": st.sampled_from(SYMMETRIC_KINDS), "seed": st.integers(0, 2**16), "size": st.integers(2, 3)},
    assumptions=(
        "reading: for real symmetric (hence diagonalisable) matrices, the case of A(t), A(t')",
        "rational symmetric pairs: shared rational orthogonal eigenbasis (with or without a repeated eigenvalue), "
        "a multiple of I with a symmetric matrix, or random 2 x 2 integer matrices (3 x 3 random pairs are left "
        "out: their cubic eigenvalues make exact SymPy eigenspaces too slow)",
        "claimed: 1 if AB = BA exactly, else 0; reference: 1 if the joint eigenspaces of (A, B) span the space "
        "(SymPy, exact), else 0",
    ),
    claimed=lambda p: commute(*symmetric_pair(p.kind, p.seed, p.size)),
    reference=lambda p: _diagonalizable_together(p.kind, p.seed, p.size, False),
    method="exact",
)
claim(
    "gdln.linalg.commute_iff_simultaneous.general_matrices",
    role="unstated",
    sources=[quote(N000, "Recall that two matrices are simultaneously diagonalizable iff they commute.")],
    latex=r"AB = BA \iff \exists\, Q:\ Q^{-1}AQ,\ Q^{-1}BQ \text{ diagonal}",
    params={"kind": st.sampled_from(("similar_diagonal", "random", "jordan")), "seed": st.integers(0, 2**16),
            "size": st.integers(2, 3)},
    assumptions=(
        "reading: for arbitrary square matrices, as the sentence is written",
        "rational pairs: simultaneously similar to diagonal matrices, random 2 x 2 integer matrices, or a 2 x 2 "
        "Jordan block with a shift of itself",
        "claimed: 1 if AB = BA exactly, else 0; reference: common eigenbasis by SymPy, exactly",
    ),
    claimed=lambda p: commute(*general_pair(p.kind, p.seed, p.size)),
    reference=lambda p: _diagonalizable_together(p.kind, p.seed, p.size, True),
    method="exact",
    diagnose=lambda p, c, r: (
        "a Jordan block commutes with any polynomial in itself but is not diagonalisable at all; the theorem "
        "needs both matrices diagonalisable (true for the symmetric A(t))" if c == 1 and r == 0 else None
    ),
    corrected=Correction(
        latex=r"A, B \text{ diagonalizable}: \ AB = BA \iff \text{simultaneously diagonalizable}",
        claimed=lambda p: (lambda a, b: commute(a, b) * float(a.is_diagonalizable() and b.is_diagonalizable()))(
            *general_pair(p.kind, p.seed, p.size)),
        remark="the hypothesis 'both diagonalizable' added (SymPy decides diagonalisability exactly)",
    ),
    remark="The same sentence under the literal reading.",
)


# =========================================================================== (40)-(43): A(t) A(t')
PAIR_SAMPLE = 96  # the double sums run over all PAIR_SAMPLE^2 pairs (x, x')
product_params = {**base_params, "n": st.integers(2, 4), "K": st.integers(1, 3), "t": st.floats(0.0, 2.0),
                  "t2": st.floats(0.0, 2.0)}


def _pair_nets(p) -> tuple[Network, Network]:
    return at_time(p, p.t, PAIR_SAMPLE), at_time(p, p.t2, PAIR_SAMPLE)


def product_reference(p) -> np.ndarray:
    r""":math:`A(t)A(t')` with :math:`A(t) = \langle\tilde x_t\tilde x_t^\top\rangle` from the expanded inputs (numpy @)."""
    now, later = _pair_nets(p)
    a_now = now.xtilde.T @ now.xtilde / PAIR_SAMPLE
    a_later = later.xtilde.T @ later.xtilde / PAIR_SAMPLE
    return a_now @ a_later


def block_product(first: Network, second: Network) -> np.ndarray:
    r""":math:`[\sum_l A_{il}A'_{lj}]_{ij}` from the blocks :math:`\langle g_i g_l x x^\top\rangle` of each factor."""
    k = first.K
    return np.block([[sum(first.sigma_xx(i, l) @ second.sigma_xx(l, j) for l in range(k)) for j in range(k)]
                     for i in range(k)])


def eq40(p) -> np.ndarray:
    r"""(40) as written: both factors with gates at time t (the second reads :math:`g(t, x')`)."""
    now, _ = _pair_nets(p)
    return block_product(now, now)


def eq41(p) -> np.ndarray:
    now, later = _pair_nets(p)
    return block_product(now, later)


def _pair_products(x: np.ndarray) -> np.ndarray:
    r""":math:`(x_a x_a^\top)(x_b x_b^\top)` for every pair (a, b) of sample points, shape (N, N, n, n)."""
    outer = np.einsum("ap,aq->apq", x, x)
    return np.einsum("apq,bqr->abpr", outer, outer)


def eq42(p) -> np.ndarray:
    r"""(42): :math:`\sum_l \langle g_i(t,x)g_l(t,x) x x^\top g_l(t',x')g_j(t',x') x' x'^\top\rangle_{x,x'}` as a
    double sum over all pairs of independent draws (x, x') from the empirical distribution."""
    now, later = _pair_nets(p)
    prods = _pair_products(now.x)
    g, h = now.gates, later.gates
    k, n = now.K, now.n
    out = np.zeros((k * n, k * n))
    for i in range(k):
        for j in range(k):
            for l in range(k):
                weight = np.outer(g[:, i] * g[:, l], h[:, l] * h[:, j])
                out[i * n:(i + 1) * n, j * n:(j + 1) * n] += np.einsum("ab,abpr->pr", weight, prods) / PAIR_SAMPLE**2
    return out


def eq43(p) -> np.ndarray:
    r"""(43): the same double sum with :math:`\sum_l g_l(t,x)g_l(t',x')` inside the expectation."""
    now, later = _pair_nets(p)
    prods = _pair_products(now.x)
    g, h = now.gates, later.gates
    shared = g @ h.T  # sum_l g_l(t, x_a) g_l(t', x_b)
    k, n = now.K, now.n
    out = np.zeros((k * n, k * n))
    for i in range(k):
        for j in range(k):
            weight = np.outer(g[:, i], h[:, j]) * shared
            out[i * n:(i + 1) * n, j * n:(j + 1) * n] = np.einsum("ab,abpr->pr", weight, prods) / PAIR_SAMPLE**2
    return out


def story_40(p, claimed, truth) -> str | None:
    now, _ = _pair_nets(p)
    if np.allclose(claimed, block_product(now, now), rtol=1e-9, atol=1e-12):
        return (f"the second factor is written with g(t, x') instead of g(t', x'): the line equals A(t)^2, not "
                f"A(t)A(t') (here t = {p.t:g}, t' = {p.t2:g}); (41) has t' and is unaffected")
    return None


product = Chain(
    "gdln.timevarying.product",
    note=N000,
    params=product_params,
    reference=product_reference,
    assumptions=DATA[:1] + MOVING + (
        f"an empirical distribution of {PAIR_SAMPLE} points; x' is an independent draw from it, so a double "
        f"expectation over (x, x') is the average over all {PAIR_SAMPLE}^2 pairs",
        "the bracket [.]_{ij} [.]_{jk} of (40) read as the product of the two block matrices",
    ),
    method="exact",
)
product.step(
    "40",
    latex=(r"A(t)A(t') = \left[ \langle g_i(t, x)g_j(t, x)xx^\top \rangle_{x,y,g} \right]_{ij} \left[ \langle "
           r"g_i(t, x')g_j(t, x')x'x'^\top \rangle_{x',y',g} \right]_{jk}"),
    claimed=eq40,
    diagnose=story_40,
    corrected=Correction(
        latex=(r"A(t)A(t') = \left[ \langle g_i(t, x)g_j(t, x)xx^\top \rangle \right]_{ij} \left[ \langle "
               r"g_j(t', x')g_k(t', x')x'x'^\top \rangle \right]_{jk}"),
        claimed=eq41,
    ),
)
product.step(
    "41",
    latex=(r"= \left[ \sum_l \langle g_i(t, x)g_l(t, x)xx^\top \rangle_{x,y,g} \langle g_l(t', x')g_j(t', x')"
           r"x'x'^\top \rangle_{x',y',g} \right]_{ij}"),
    claimed=eq41,
)
product.step(
    "42",
    latex=(r"= \left[ \sum_l \langle g_i(t, x)g_l(t, x)xx^\top g_l(t', x')g_j(t', x')x'x'^\top "
           r"\rangle_{x,y,x',y',g} \right]_{ij}"),
    claimed=eq42,
)
product.step(
    "43",
    latex=(r"= \left[ \langle g_i(t, x)g_j(t', x') \sum_l g_l(t, x)g_l(t', x')xx^\top x'x'^\top "
           r"\rangle_{x,y,x',y',g} \right]_{ij}"),
    claimed=eq43,
)

incomplete(
    "gdln.timevarying.when_commute",
    sources=[quote(N000, "When is A(t) diagonalizable in the same basis across time?")],
    latex=r"A(t)A(t') = A(t')A(t) \ ?",
    remark="The expansion (40)-(43) stops without a condition for A(t) and A(t') to commute.",
)
