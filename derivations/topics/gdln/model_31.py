r"""The GDLN model, its gradient flow and the block matrix A.

Audits note 000 sections 2.1, 3.1-3.3 (eqs (5)-(12)) and note 001 section 5
(eqs (46)-(53)), which repeat each other.  The model is

.. math:: \hat y(x) = \frac{1}{K} \Big( \sum_{k \in [K]} g_k(x) w_k^\top \Big) x,

and the flow claims are checked against :math:`-\nabla L` of the model's own loss
:math:`L = \frac12 \langle (y - \hat y)^2 \rangle` (central differences of the loss on an
empirical distribution, or per-sample differences under Monte Carlo on the NLGP mixture).
Differentiating gives

.. math:: -\nabla_{w_1} L = \frac{1}{K}\Big[\Sigma^{yx}(p_1) - \frac{1}{K}\sum_k \Sigma^{xx}(p_1, p_k) w_k\Big]:

one factor 1/K from :math:`\partial \hat y / \partial w_1` and another one from :math:`\hat y`
inside the residual.  The structural claims about A (symmetry, Kronecker form, nonnegative
spectrum) are checked on the same empirical distributions with numpy linear algebra.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from scipy.special import erf

from numerics.models import datamodels as dm
from numerics.models import gdln as gd
from numerics.models import sampling
from numerics.gradients import central_difference

from derivations.api import Chain, Correction, Sampled, Tolerances, claim, definition, eq, quote
from .common import DATA, MODEL, Network, network, with_family
from derivations.topics._notes import N000, N001

ALL_FAMILIES = ("halfspace", "bump", "exclusive", "redundant")
flow_params = with_family(*ALL_FAMILIES)


# Section 2.1's "g is invariant to the scale of w_1" is audited once, as relu.gate.scale_invariance.


# =========================================================================== section 3.1
definition(
    "gdln.model",
    sources=[eq(N000, "5"), eq(N001, "46")],
    latex=r"\hat{y}(x) = \frac{1}{K} \left( \sum_{k \in [K]} g_k(x) w_k^\top \right) x,",
    remark="The same display in both notes.",
)
definition(
    "gdln.weights",
    sources=[eq(N000, "6"), eq(N001, "47")],
    latex=r"W_1 = \begin{pmatrix} w_1^\top \\ \vdots \\ w_K^\top \end{pmatrix}",
)


# =========================================================================== section 3.2: the flow
def eq7_row_form(net: Network, row: int = 0, a_scale: float = 1.0) -> np.ndarray:
    r"""(7) for row ``row``: :math:`\frac1K[\Sigma^{yx}(p_r) - a \sum_k w_k^\top \Sigma^{xx}(p_r, p_k)]`
    with row vectors (a = 1 as written; a = 1/K is the corrected form)."""
    weight_terms = sum(net.weights[k] @ net.sigma_xx(row, k) for k in range(net.K))
    return (net.sigma_yx(row) - a_scale * weight_terms) / net.K


def eq48_column_form(net: Network, row: int = 0, a_scale: float = 1.0) -> np.ndarray:
    r"""(48) for row ``row``: :math:`\frac1K[\Sigma^{yx}(p_r) - a \sum_k \Sigma^{xx}(p_r, p_k) w_k]` (columns)."""
    weight_terms = sum(net.sigma_xx(row, k) @ net.weights[k] for k in range(net.K))
    return (net.sigma_yx(row) - a_scale * weight_terms) / net.K


def one_over_k_story(K: int, claimed, truth, corrected) -> str | None:
    """The diagnosis shared by the flow claims, when the corrected form matches the truth."""
    if K >= 2 and np.allclose(corrected, truth, rtol=1e-7, atol=1e-10):
        return (
            f"the Sigma^xx (A) terms are K = {K} times too large relative to the Sigma^yx (b) term: with "
            "yhat = (1/K) sum_k g_k w_k^T x the gradient carries 1/K from dyhat/dw and another 1/K from yhat "
            "inside the residual, so the weight terms have 1/K^2; with that factor the line matches -grad L "
            "exactly here. No choice of tau or of the loss constant (1/2 or not) fixes this for K >= 2"
        )
    return None


FLOW_LATEX_7 = (
    r"\tau \frac{d}{dt} w_1^\top = \frac{1}{K} \left[ \Sigma^{yx}(p_1) - \sum_{k \in [K]} w_k^\top "
    r"\Sigma^{xx}(p_1, p_k) \right],"
)
CORRECTED_7 = Correction(
    latex=(r"\tau \frac{d}{dt} w_1^\top = \frac{1}{K} \left[ \Sigma^{yx}(p_1) - \frac{1}{K} \sum_{k \in [K]} "
           r"w_k^\top \Sigma^{xx}(p_1, p_k) \right]"),
    claimed=lambda p: eq7_row_form(network(p), 0, 1.0 / network(p).K),
    remark="derived by differentiating L = (1/2)<(y - yhat)^2> of model (5); audited against finite differences",
)

flow = Chain("gdln.flow", note=N000, params=flow_params, assumptions=DATA + MODEL)
flow.step(
    "7",
    latex=FLOW_LATEX_7,
    assumptions=("row-vector form: Sigma^yx(p_1) = <g_1 y x^T> as in (8); compared as 1-D arrays",),
    claimed=lambda p: eq7_row_form(network(p)),
    reference=lambda p: gd.part(network(p).fd_flow(), 0),
    diagnose=lambda p, c, r: one_over_k_story(network(p).K, c, r, eq7_row_form(network(p), 0, 1.0 / network(p).K)),
    corrected=CORRECTED_7,
)
claim(
    "gdln.flow.eq7.loss_without_half",
    sources=[eq(N000, "7")],
    latex=FLOW_LATEX_7,
    params=flow_params,
    assumptions=DATA + ("model (5) with the loss read as L = <(y - yhat)^2> (note 000 section 1: 'mean-squared "
                        "error'), without the 1/2; tau dw/dt = -grad L",),
    claimed=lambda p: eq7_row_form(network(p)),
    reference=lambda p: gd.part(network(p).fd_flow(half=False), 0),
    diagnose=lambda p, c, r: (
        "with the loss without 1/2 the truth is twice the 1/2-loss gradient, (2/K)[Sigma^yx - (1/K) sum_k "
        "w_k^T Sigma^xx(p_1, p_k)]; (7) is off by the overall 2 (absorbable in tau) and by the relative 1/K "
        "(not absorbable)"
        if np.allclose(2 * eq7_row_form(network(p), 0, 1.0 / network(p).K), r, rtol=1e-7, atol=1e-10) else None
    ),
    corrected=Correction(
        latex=(r"\tau \frac{d}{dt} w_1^\top = \frac{2}{K} \left[ \Sigma^{yx}(p_1) - \frac{1}{K} \sum_{k \in [K]} "
               r"w_k^\top \Sigma^{xx}(p_1, p_k) \right]"),
        claimed=lambda p: 2 * eq7_row_form(network(p), 0, 1.0 / network(p).K),
        remark="the gradient of <(y - yhat)^2>: twice the 1/2-loss form",
    ),
    remark="The same line under the other loss convention.",
)


# ----- (48): the column form, checked on the population by Monte Carlo
def _mixture_sample(p, eps) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, gates) on the NLGP mixture, the label drawn; gate parameters fixed by p.seed.

    The two sides of a paired comparison receive the same block of normals; the sample is drawn
    once per block and point (:func:`numerics.models.sampling.per_block`)."""
    from .common import gate_values

    def draw() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        n = p.n
        # the label picks the latent first, so erf is applied once per sample (same law as labelled_mixture)
        y = (eps[:, 2 * n] > 0).astype(float)
        z = np.where(y[:, None] > 0, dm.gaussian(eps[:, :n], dm.latent_factor(n, p.xi1)),
                     dm.gaussian(eps[:, n: 2 * n], dm.latent_factor(n, p.xi2)))
        x = erf(p.gain * z) / np.sqrt(dm.erf_variance(float(p.gain)))
        return x, y, gate_values(p.family, x, p.K, np.random.default_rng([p.seed, 2]))

    return sampling.per_block(eps, ("gdln.mixture_sample", repr(sorted(dict(p).items()))), draw)


def gate_count(p) -> int:
    """The number of gates at p (the redundant family has at least two)."""
    return max(p.K, 2) if p.family == "redundant" else p.K


def _weights_for(p, k: int) -> np.ndarray:
    return np.random.default_rng([p.seed, 3]).standard_normal((k, p.n))


def eq48_per_sample(p, eps, a_scale: float = 1.0) -> np.ndarray:
    r"""(48) per sample: :math:`\frac1K[g_1 y x - a \sum_k g_1 g_k (w_k^\top x) x]`."""
    x, y, gates = _mixture_sample(p, eps)
    weights = _weights_for(p, gates.shape[1])
    k = gates.shape[1]
    scalar = gates[:, 0] * y - a_scale * gates[:, 0] * (gates * (x @ weights.T)).sum(axis=1)
    return scalar[:, None] * x / k


def loss_gradient_per_sample(p, eps) -> np.ndarray:
    r""":math:`-\partial \ell / \partial w_1`, :math:`\ell = \frac12 (y - \hat y)^2`, by per-sample central differences."""
    x, y, gates = _mixture_sample(p, eps)
    weights = _weights_for(p, gates.shape[1])

    k = gates.shape[1]
    others = (gates[:, 1:] * (x @ weights[1:].T)).sum(axis=1)  # the other rows' part of yhat, fixed

    def loss(w1: np.ndarray) -> np.ndarray:
        """The per-sample loss of model (5) as a function of w_1 alone."""
        yhat = (gates[:, 0] * (x @ w1) + others) / k
        return 0.5 * (y - yhat) ** 2

    return -central_difference(loss, weights[0])


def _mixture_dim(p) -> int:
    return 2 * p.n + 1


Chain("gdln.flow48", note=N001, params=flow_params).step(
    "48",
    id="gdln.flow.eq48",
    latex=(r"\tau \frac{d}{dt} w_1 = \frac{1}{K} \left[ \Sigma^{yx}(p_1) - \sum_{k \in [K]} \Sigma^{xx}(p_1, p_k) "
           r"w_k \right],"),
    assumptions=(
        "data: the balanced NLGP mixture itself (population), label drawn with probability 1/2; "
        "X = erf(gZ)/sqrt(Z_c(g)), plain distance, labels 0/1",
        "gates fixed functions of x as in the other flow claims; Sigma^yx = E[g Y X] (column form, (49))",
    ) + MODEL,
    claimed=Sampled(_mixture_dim, eq48_per_sample, "(48) per sample"),
    reference=Sampled(_mixture_dim, loss_gradient_per_sample, "-d loss/d w_1 by per-sample central differences"),
    diagnose=lambda p, c, r: (
        "the Sigma^xx terms are K times too large relative to Sigma^yx (the 1/K of yhat enters the residual "
        "as well as dyhat/dw_1); see gdln.flow.eq7" if gate_count(p) >= 2 else None
    ),
    corrected=Correction(
        latex=(r"\tau \frac{d}{dt} w_1 = \frac{1}{K} \left[ \Sigma^{yx}(p_1) - \frac{1}{K} \sum_{k \in [K]} "
               r"\Sigma^{xx}(p_1, p_k) w_k \right]"),
        claimed=Sampled(_mixture_dim, lambda p, eps: eq48_per_sample(p, eps, 1.0 / gate_count(p))),
        remark="the weight terms with 1/K^2; paired Monte Carlo against the same finite differences",
    ),
    remark="Differs from 000 (7) only by transposition (w_1 and Sigma w_k instead of w_1^T and w_k^T Sigma); "
           "checked here on the population by paired Monte Carlo, (7) on empirical distributions exactly.",
)

claim(
    "gdln.flow.all_rows",
    sources=[quote(N001, "All rows w_k of W_1 have gradient flows of this form.")],
    latex=(r"\tau \frac{d}{dt} w_r = \frac{1}{K} \left[ \Sigma^{yx}(p_r) - \sum_{k \in [K]} \Sigma^{xx}(p_r, p_k) "
           r"w_k \right], \quad r \in [K]"),
    params={**flow_params, "row": st.integers(0, 3)},
    assumptions=DATA + MODEL + ("row r = row mod K",),
    claimed=lambda p: eq48_column_form(network(p), p.row % network(p).K),
    reference=lambda p: gd.part(network(p).fd_flow(), p.row % network(p).K),
    diagnose=lambda p, c, r: one_over_k_story(network(p).K, c, r,
                                              eq48_column_form(network(p), p.row % network(p).K, 1.0 / network(p).K)),
    corrected=Correction(
        latex=(r"\tau \frac{d}{dt} w_r = \frac{1}{K} \left[ \Sigma^{yx}(p_r) - \frac{1}{K}\sum_{k \in [K]} "
               r"\Sigma^{xx}(p_r, p_k) w_k \right]"),
        claimed=lambda p: eq48_column_form(network(p), p.row % network(p).K, 1.0 / network(p).K),
    ),
)

definition("gdln.sigma_yx.eq8", sources=[eq(N000, "8")], latex=r"\Sigma^{yx}(p_i) = \langle g_i y x^\top \rangle_{g, x, y}",
           remark="A row vector in note 000.")
definition("gdln.sigma_xx.eq9", sources=[eq(N000, "9")], latex=r"\Sigma^{xx}(p_i, p_j) = \langle g_i g_j x x^\top \rangle_{g, x}.",
           remark="Average over (g, x); y does not enter, so this equals the (g, X, Y) average of 001 (50).")
definition("gdln.sigma_yx.eq49", sources=[eq(N001, "49")], latex=r"\Sigma^{yx}(p_i) = \mathbb{E}_{g, X, Y} [g_i Y X]",
           remark="A column vector in note 001 (the transpose of 000 (8)).")
definition("gdln.sigma_xx.eq50", sources=[eq(N001, "50")],
           latex=r"\Sigma^{xx}(p_i, p_j) = \mathbb{E}_{g, X, Y} [g_i g_j X X^\top].")
definition(
    "gdln.notation.b_A",
    sources=[quote(N000, "Let us relabel b_i = \\Sigma^{yx}(p_i)^\\top and A_{ij} = \\Sigma^{xx}(p_i, p_j)"),
             quote(N001, "let us relabel b_i = \\Sigma^{yx}(p_i) and A_{ij} = \\Sigma^{xx}(p_i, p_j)")],
    latex=r"b_i = \Sigma^{yx}(p_i)^\top, \quad A_{ij} = \Sigma^{xx}(p_i, p_j)",
    remark="Note 000 transposes its row vector Sigma^yx; note 001 uses its column vector as is: the same b_i.",
)

# =========================================================================== section 3.3: blocks of A
block_params = {**with_family(*ALL_FAMILIES), "i": st.integers(0, 3), "j": st.integers(0, 3)}
SYMMETRIC_QUOTES = [
    quote(N000, "Note that A_{ij} is symmetric and A_{ij} = A_{ji}"),
    quote(N001, "Note that A_{ij} is symmetric and A_{ij} = A_{ji}"),
]


def _ij(p, net: Network) -> tuple[int, int]:
    return p.i % net.K, p.j % net.K


claim(
    "gdln.blocks.symmetric",
    sources=SYMMETRIC_QUOTES + [
        quote(N000, "Note that A_{11} = \\Sigma^{xx}(p_1, p_1) is always symmetric (and real)"),
        quote(N001, "Note that A_{11} = \\Sigma^{xx}(p_1, p_1) is always symmetric (and real)"),
    ],
    latex=r"A_{ij}^\top = A_{ij}",
    params=block_params,
    assumptions=DATA + ("i, j taken mod K",),
    claimed=lambda p: (lambda net: net.sigma_xx(*_ij(p, net)).T)(network(p)),
    reference=lambda p: (lambda net: net.sigma_xx(*_ij(p, net)))(network(p)),
    method="exact",
)
claim(
    "gdln.blocks.swap",
    sources=SYMMETRIC_QUOTES,
    latex=r"A_{ij} = A_{ji}",
    params=block_params,
    assumptions=DATA + ("i, j taken mod K",),
    claimed=lambda p: (lambda net: net.sigma_xx(*_ij(p, net)))(network(p)),
    reference=lambda p: (lambda net: net.sigma_xx(*reversed(_ij(p, net))))(network(p)),
    method="exact",
)


# ----- (10): all weights at once
def eq10_rhs(net: Network, a_scale: float = 1.0) -> np.ndarray:
    r"""The right side of (10), :math:`b - aAw` (a = 1 as written)."""
    return net.b - a_scale * net.A @ net.w


def stacked_eq7(net: Network) -> np.ndarray:
    """K times (7) written for every row k, stacked: what (10) should be if it follows from (7)."""
    return net.K * np.concatenate([eq7_row_form(net, k) for k in range(net.K)])


flow.step(
    "10",
    also=[eq(N001, "51")],
    latex=(
        r"K\tau \frac{d}{dt} \underbrace{\begin{bmatrix} w_1 \\ \vdots \\ w_K \end{bmatrix}}_{w \in \mathbb{R}^{Kn}} "
        r"= \underbrace{\begin{bmatrix} b_1 \\ \vdots \\ b_K \end{bmatrix}}_{b \in \mathbb{R}^{Kn}} - "
        r"\underbrace{\begin{bmatrix} A_{11} & \cdots & A_{1K} \\ \vdots & \ddots & \vdots \\ A_{K1} & \cdots & "
        r"A_{KK} \end{bmatrix}}_{A \in \mathbb{R}^{Kn \times Kn}} \begin{bmatrix} w_1 \\ \vdots \\ w_K \end{bmatrix}."
    ),
    assumptions=("w stacks the rows of W_1 (w = vec(W_1^T)); tau = 1 (it only rescales time)",),
    claimed=lambda p: eq10_rhs(network(p)),
    reference=lambda p: gd.part(network(p).fd_flow(), None, network(p).K, (-1,)),
    after="gdln.flow.eq7",
    previous_form=lambda p: stacked_eq7(network(p)),
    diagnose=lambda p, c, r: one_over_k_story(network(p).K, c, r, eq10_rhs(network(p), 1.0 / network(p).K)),
    corrected=Correction(
        latex=r"K\tau \frac{d}{dt} w = b - \frac{1}{K} A w",
        claimed=lambda p: eq10_rhs(network(p), 1.0 / network(p).K),
        remark="K times the corrected (7) for every row; equivalently K^2 tau dw/dt = K b - A w",
    ),
    remark="Follows from (7) (multiply by K and stack the rows), so it inherits any error of (7).",
)

# ----- the matrix A
claim(
    "gdln.A.symmetric",
    sources=[
        quote(N000, "Note also that A is a symmetric real matrix"),
        quote(N001, "Note also that A is a symmetric real matrix"),
        quote(N000, "It is symmetric because A is block symmetric with blocks A_{ij}, and the blocks are also symmetric."),
    ],
    latex=r"A^\top = A",
    params=flow_params,
    assumptions=DATA + ("A assembled block by block from A_ij = Sigma^xx(p_i, p_j) (each block computed on its own)",),
    claimed=lambda p: network(p).A.T,
    reference=lambda p: network(p).A,
    method="exact",
)


def rayleigh_squares(net: Network) -> np.ndarray:
    r""":math:`\langle (v_i^\top \tilde x)^2 \rangle` for the eigenvectors :math:`v_i` of A: each is a mean of
    squares, hence :math:`\ge 0`, and equals :math:`\lambda_i` if A is the Gram matrix it is said to be."""
    _, vecs = np.linalg.eigh(net.A)
    return np.mean((net.xtilde @ vecs) ** 2, axis=0)


claim(
    "gdln.A.eigenvalues_nonnegative",
    sources=[
        quote(N000, "the diagonal entries of \\Lambda are the corresponding (nonnegative) eigenvalues"),
        quote(N001, "the diagonal entries of \\Lambda are the corresponding (nonnegative) eigenvalues"),
        quote(N000, "since they are all nonnegative"),
    ],
    latex=r"A = P\Lambda P^\top, \quad \Lambda_{ii} \geq 0",
    params=flow_params,
    assumptions=DATA + ("checked as: every eigenvalue of A (numpy eigh) equals the mean of squares <(v_i^T xtilde)^2> "
                        "along its eigenvector, which is >= 0",),
    claimed=lambda p: np.linalg.eigvalsh(network(p).A),
    reference=lambda p: rayleigh_squares(network(p)),
    method="exact",
    tolerances=Tolerances(atol=1e-13),
    remark="Redundant gates give exact zero eigenvalues (null vectors (v, -v)); they come out as rounding-size numbers.",
)

definition(
    "gdln.gtilde",
    sources=[eq(N000, "11"), eq(N001, "52")],
    latex=r"\tilde{g}(x) = \begin{bmatrix} g_1(x) \\ \vdots \\ g_K(x) \end{bmatrix}.",
)


def kron_moment(net: Network) -> np.ndarray:
    r""":math:`\langle (\tilde g \otimes x)(\tilde g \otimes x)^\top\rangle` with ``np.kron``: the mixed-product
    rule per gate pattern (:func:`numerics.models.gdln.kron_second_moment`)."""
    return gd.kron_second_moment(net.gates, net.x)


claim(
    "gdln.A.kronecker",
    sources=[eq(N000, "12"), eq(N001, "53")],
    latex=r"A = \langle (\tilde{g} \otimes x)(\tilde{g} \otimes x)^\top \rangle_{g,x},",
    params=flow_params,
    assumptions=DATA + ("reference: A assembled from its blocks A_ij = Sigma^xx(p_i, p_j) as defined in (9)",),
    claimed=lambda p: kron_moment(network(p)),
    reference=lambda p: network(p).A,
    method="exact",
    remark="Note 001 (53) writes X and <.>_{g,X}; the same statement. The ordering g (x) x (not x (x) g) is what "
           "matches w = (w_1, ..., w_K).",
)

definition(
    "gdln.gate_permutation_invariance",
    sources=[quote(N000, "Whatever distribution we have over g should satisfy that \\tilde{g} \\sim \\Pi\\tilde{g}")],
    latex=r"\tilde{g} \sim \Pi\tilde{g}",
    remark="A modelling requirement on the distribution of gates (the note's 'Interjection'), not a derived claim.",
)
