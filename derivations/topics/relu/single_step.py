r"""A single step of a ReLU network: note 000 sections 5.2 and 5.2.1, eqs (46)-(77).

Note 000 (44)-(45) are note 001 (2)-(3) (``relu.model.readout``, ``relu.model.loss``).
Here K = 1 (the note's (46) differentiates :math:`\operatorname{ReLU}(\langle w_1, X\rangle)`
alone), and with :math:`S = \langle w_1, X\rangle` the note writes the flow as

.. math::

    \tau\frac{d}{dt}w_1 = \big(\underbrace{\mathbb E_{X,Y|S>0}[YX]}_{(I)}
        - \underbrace{\mathbb E_{X,Y|S>0}[SX]}_{(II)}\big)\,\mathbb P(S>0),

then splits X = AX + Sv per class (:math:`A_Y, v_Y` built from :math:`\Sigma_Y`).
Note 000 writes :math:`\mathbb E_{X|Y=1, S>0}` and :math:`\mathbb E_{S>0|Y=1}` for
*conditional* expectations given S > 0 (its (67) is the half-normal mean
:math:`\mathbb E[S|S>0]`), unlike note 001.  Mixed-class expressions such as
:math:`\mathbb E_{X|S>0}[(S-1)AX]` are read with :math:`A = A_Y`, the matrix of
the sample's own class (as the note does when it expands them for Y = 1).

Truth: the gradient of the actual loss, by central differences of the
sampled per-sample loss (any data; stratified over the classes, common random
numbers with the claimed side), or for Gaussian classes by complex-step
differentiation of the exact population loss.  Sections 5.2 is checked on
Gaussian and NLGP data (it does not assume Gaussianity), 5.2.1 on Gaussian
data.  Fourier-basis lines use the ring distance (circulant covariances).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from numerics.models import sampling
from numerics.models.relu_population import flow_limit

from derivations.api import Chain, Correction, Sampled, Tolerances, claim, eq, quote
from numerics import conditioning as cd
from numerics.estimate import Estimate

from . import common as rc
from . import routes
from derivations.topics._notes import N000, N001
from .gaussian import decomposition
from .steady_states import exact_flow, exact_flow_fourier, task

SQRT_2_PI = float(np.sqrt(2 / np.pi))

# ring n in {4, 5} is PSD for xi <= 1.2; NLGP data keep the circulant structure (coordinatewise map)
SMALL_RING = {"n": st.integers(4, 5), "xi1": st.sampled_from([1.0, 0.7, 1.2]), "xi0": st.sampled_from([1.0, 0.7, 1.2]),
              "w_seed": rc.seeds,
              "distance": st.just("ring"), "family": st.sampled_from(["gaussian", "nlgp"]), "g": rc.gains}
GAUSS_RING = {k: v for k, v in SMALL_RING.items() if k != "g"} | {"family": st.just("gaussian")}
CONDITIONAL_000 = ("notation of note 000: E_{X|Y=1,S>0}[.] and E_{S>0|Y=1}[.] are conditional on S > 0; "
                   "mixed-class A = A_Y, v = v_Y from Sigma_Y = Cov(X | Y)")
COMMON = (rc.LABELS, rc.LOSS_HALF, "K = 1", rc.STRATIFIED, rc.CONDITIONAL, CONDITIONAL_000, rc.RING)


# --------------------------------------------------------------------------- per-sample pieces
def Draw(p, eps) -> "_Draw":  # noqa: N802 - reads like the class it returns
    """The :class:`_Draw` of a block, made once per block and point and reused across the paired
    statistics evaluated on it (:func:`numerics.models.sampling.per_block`)."""
    return sampling.per_block(eps, ("relu.single_step.draw", repr(sorted(p.items()))), lambda: _Draw(p, eps))


class _Draw:
    """One stratified block: class draws, their preactivations, and the class matrices A_c, v_c."""

    def __init__(self, p, eps):
        self.w = rc.weights(p)
        self.x1, self.x0 = rc.two_class(p, eps)
        self.s1, self.s0 = self.x1 @ self.w, self.x0 @ self.w
        self.cov1, self.cov0 = rc.class_cov(p, 1), rc.class_cov(p, 0)
        self.q1, self.q0 = self.w @ self.cov1 @ self.w, self.w @ self.cov0 @ self.w
        self.v1, self.a1 = decomposition(self.cov1, self.w)
        self.v0, self.a0 = decomposition(self.cov0, self.w)
        self.on1 = (self.s1 > 0).astype(float)
        self.on0 = (self.s0 > 0).astype(float)


def _col(values: np.ndarray) -> np.ndarray:
    return values[:, None]


def term_one(p, eps) -> np.ndarray:
    r"""(I) = :math:`\mathbb E[YX | S>0]`: per sample :math:`2\cdot\frac12\,1(S_1>0)X_1`."""
    d = Draw(p, eps)
    return _col(d.on1) * d.x1


def term_two(p, eps) -> np.ndarray:
    r"""(II) = :math:`\mathbb E[SX | S>0]`: per sample :math:`S_1^+X_1 + S_0^+X_0`."""
    d = Draw(p, eps)
    return _col(d.on1 * d.s1) * d.x1 + _col(d.on0 * d.s0) * d.x0


def truth(p, eps, scale: float = 1.0) -> np.ndarray:
    r""":math:`-\partial\ell/\partial w_1` per sample, central differences of the stratified loss."""
    return rc.loss_gradient_fd(p, eps, rc.weights(p), scale)


def eq46(p, eps) -> np.ndarray:
    r"""(46): :math:`-(\operatorname{ReLU}(S) - Y)\,1(S>0)X`, stratified."""
    d = Draw(p, eps)
    return 0.5 * _col(-(np.maximum(d.s1, 0) - 1) * d.on1) * d.x1 + 0.5 * _col(-np.maximum(d.s0, 0) * d.on0) * d.x0


def eq47(p, eps, literal: bool = False) -> np.ndarray:
    r"""(47): :math:`[(I) - (II)]\,\mathbb P(S>0)`, or read literally :math:`(I) - (II)\,\mathbb P(S>0)`."""
    one, two = term_one(p, eps), term_two(p, eps)
    return one - 0.5 * two if literal else 0.5 * (one - two)


def eq58(p, eps) -> np.ndarray:
    r"""(58) RHS: :math:`\mathbb E_{X|S>0}[SA_YX] + [\mathbb P(Y=1|S>0)\Sigma_1 + \mathbb P(Y=0|S>0)\Sigma_0]w`."""
    d = Draw(p, eps)
    sax = _col(d.on1 * d.s1) * (d.x1 @ d.a1.T) + _col(d.on0 * d.s0) * (d.x0 @ d.a0.T)
    return sax + _col(d.on1) * (d.cov1 @ d.w) + _col(d.on0) * (d.cov0 @ d.w)


def eq59(p, eps) -> np.ndarray:
    r"""(59) RHS: :math:`\mathbb E_{X|S>0}[A_YX] + \mathbb P(Y=1|S>0)\frac{\mathbb E_{S>0|Y=1}[S]}{w^\top\Sigma_1w}\Sigma_1w`."""
    d = Draw(p, eps)
    ax = _col(d.on1) * (d.x1 @ d.a1.T) + _col(d.on0) * (d.x0 @ d.a0.T)
    return ax + _col(d.on1 * d.s1 / d.q1) * (d.cov1 @ d.w)


def a_term(d: _Draw, basis: np.ndarray | None = None) -> np.ndarray:
    r""":math:`\mathbb E_{X|S>0}[(S-1)A_YX]` per sample (optionally times :math:`P^\top`)."""
    out = _col((d.s1 - 1) * d.on1) * (d.x1 @ d.a1.T) + _col((d.s0 - 1) * d.on0) * (d.x0 @ d.a0.T)
    return out if basis is None else out @ basis


def eq61(p, eps) -> np.ndarray:
    r"""(61): :math:`-\mathbb E[(S-1)AX|S>0] - [P_1(\frac{m_1}{q_1}-1)\Sigma_1 + P_0\frac{m_0}{q_0}\Sigma_0]w`."""
    d = Draw(p, eps)
    bracket = _col(d.on1 * (d.s1 / d.q1 - 1)) * (d.cov1 @ d.w) + _col(d.on0 * d.s0 / d.q0) * (d.cov0 @ d.w)
    return -a_term(d) - bracket


def eq62(p, eps) -> np.ndarray:
    r"""(62): :math:`-\mathbb E[(S-1)AX|S>0] - [(\frac{m_1}{q_1}-1)\Sigma_1 + \frac{m_0}{q_0}\Sigma_0]w`, with
    :math:`m_c = \mathbb E[S|S>0, Y=c]` per sample :math:`2S_c^+` on the class-c draw."""
    d = Draw(p, eps)
    bracket = _col(2 * d.on1 * d.s1 / d.q1 - 1) * (d.cov1 @ d.w) + _col(2 * d.on0 * d.s0 / d.q0) * (d.cov0 @ d.w)
    return -a_term(d) - bracket


def eq63(p, eps) -> np.ndarray:
    r"""(63): (62) in the Fourier basis, with :math:`\Lambda_c` and :math:`u = P^\top w`."""
    d = Draw(p, eps)
    basis = rc.fourier_basis(p)
    u = basis.T @ d.w
    l1, l0 = rc.fourier_eigenvalues(p, 1), rc.fourier_eigenvalues(p, 0)
    m1 = 2 * d.on1 * d.s1
    m0 = 2 * d.on0 * d.s0
    bracket = _col(m1 / (u @ (l1 * u)) - 1) * (l1 * u) + _col(m0 / (u @ (l0 * u))) * (l0 * u)
    return -a_term(d, basis) - bracket


def in_fourier_truth(p, eps, scale: float = 1.0) -> np.ndarray:
    return truth(p, eps, scale) @ rc.fourier_basis(p)


# --------------------------------------------------------------------------- (46)-(47)
TRUTH = Sampled(rc.two_class_dim, truth, "-dL/dw_1 by central differences of the sampled loss")
flow = Chain("relu.step000.flow", note=N000, params=SMALL_RING, reference=TRUTH, assumptions=COMMON)
flow.step(
    "46",
    latex=(r"\tau \frac{d}{dt} w_1 = -\mathbb{E}_{X,Y} \left[ (\text{ReLU}(\langle w_1(t), X \rangle) - Y) "
           r"\frac{\partial}{\partial w_1} [\text{ReLU}(\langle w_1(t), X \rangle)] \right]"),
    claimed=Sampled(rc.two_class_dim, eq46, "(46) per sample"),
    assumptions=("reading: K = 1 (the line differentiates ReLU(<w_1, X>) alone)",),
)
EQ47 = (r"= \underbrace{\left( \mathbb{E}_{X,Y|\langle w_1(t), X \rangle > 0} [YX] \right)}_{\equiv (I)} - "
        r"\underbrace{\left( \mathbb{E}_{X,Y|\langle w_1(t), X \rangle > 0} [\langle w_1(t), X \rangle X] \right)}_{\equiv (II)} "
        r"\mathbb{P}(\langle w_1(t), X \rangle > 0).")
flow.step(
    "47",
    latex=EQ47,
    claimed=Sampled(rc.two_class_dim, eq47, "[(I) - (II)] P(S > 0) per sample"),
    assumptions=("reading: [(I) - (II)] P(S > 0), as (60) uses it",),
)
claim(
    "relu.step000.flow.eq47_literal",
    role="unstated",
    sources=[eq(N000, "47")],
    latex=EQ47,
    params=GAUSS_RING,
    assumptions=COMMON + ("reading: as typeset, (I) - (II) P(S > 0) (the probability multiplies (II) only)",),
    claimed=Sampled(rc.two_class_dim, lambda p, eps: eq47(p, eps, literal=True), "(I) - (II) P(S>0) per sample"),
    reference=TRUTH,
    remark="The literal reading of the underbraces; the other reading is relu.step000.flow.eq47.",
)

# --------------------------------------------------------------------------- (58)-(59): (I) and (II)
def _swap_note(statistic, label: str):
    """Diagnosis hook: does the claimed value match the other term instead? (Monte Carlo, fixed seed)."""

    def diagnose(p, claimed, reference):
        eps = np.random.default_rng(12345).standard_normal((1 << 16, rc.two_class_dim(p)))
        other = statistic(p, eps).mean(axis=0)
        spread = statistic(p, eps).std(axis=0) / np.sqrt(eps.shape[0])
        if np.all(np.abs(np.asarray(claimed) - other) < 6 * spread + 0.05 * np.abs(other).max()):
            return f"the right-hand side agrees with {label} instead: the labels (I) and (II) are exchanged"
        return None

    return diagnose


claim(
    "relu.step000.eq58",
    sources=[eq(N000, "58")],
    latex=(r"(I) = \mathbb{E}_{X|S>0} [SAX] + [\mathbb{P}(Y = 1 | S > 0) \Sigma_1 + \mathbb{P}(Y = 0 | S > 0) \Sigma_0] "
           r"w_1(t),"),
    params=GAUSS_RING,
    assumptions=COMMON + ("(I) = E_{X,Y|S>0}[YX] as defined in (47)",),
    claimed=Sampled(rc.two_class_dim, eq58, "(58) per sample"),
    reference=Sampled(rc.two_class_dim, term_one, "(I) = E[YX | S > 0]"),
    diagnose=_swap_note(term_two, "(II) = E[SX | S>0]"),
    corrected=Correction(
        latex=(r"(II) = \mathbb{E}_{X|S>0} [SAX] + [\mathbb{P}(Y = 1 | S > 0) \Sigma_1 + \mathbb{P}(Y = 0 | S > 0) "
               r"\Sigma_0] w_1(t)"),
        claimed=Sampled(rc.two_class_dim, lambda p, eps: eq58(p, eps) - term_two(p, eps) + term_one(p, eps)),
        remark=("audited as (I) = (58) - (II) + (I), i.e. the statement that (58)'s right-hand side equals (II); "
                "it holds because E[SX|S>0] = E[S A_Y X|S>0] + E[S^2 v_Y|S>0] and E[S^2|S>0, Y] = w^T Sigma_Y w"),
    ),
)
claim(
    "relu.step000.eq59",
    sources=[eq(N000, "59")],
    latex=(r"(II) = \mathbb{E}_{X|S>0} [AX] + \mathbb{P}(Y = 1 | S > 0) \frac{\mathbb{E}_{S>0|Y=1} [S]}"
           r"{w_1(t)^\top \Sigma_1 w_1(t)} \Sigma_1 w_1(t)"),
    params=GAUSS_RING,
    assumptions=COMMON + ("(II) = E_{X,Y|S>0}[S X] as defined in (47)",),
    claimed=Sampled(rc.two_class_dim, eq59, "(59) per sample"),
    reference=Sampled(rc.two_class_dim, term_two, "(II) = E[SX | S > 0]"),
    diagnose=_swap_note(term_one, "(I) = E[YX | S>0]"),
)

# --------------------------------------------------------------------------- (60)-(63)
flow.step(
    "61",
    params=GAUSS_RING,
    latex=(r"= -\mathbb{E}_{X|S>0} [(S-1)AX] - \left[ \mathbb{P}(Y = 1 | S > 0) \left( \frac{\mathbb{E}_{S>0|Y=1} [S]}"
           r"{w_1(t)^\top \Sigma_1 w_1(t)} - 1 \right) \Sigma_1 + \mathbb{P}(Y = 0 | S > 0) \frac{\mathbb{E}_{S>0|Y=0} [S]}"
           r"{w_1(t)^\top \Sigma_0 w_1(t)} \Sigma_0 \right] w_1(t)."),
    claimed=Sampled(rc.two_class_dim, eq61, "(61) per sample"),
    also=[eq(N000, "60")],
    after="relu.step000.eq59",
    previous_form=Sampled(rc.two_class_dim, lambda p, eps: 0.5 * (eq58(p, eps) - eq59(p, eps)),
                          "[(58) - (59)] P(S>0)"),
    remark="(60) is the left side [(I) - (II)] P(S > 0); it follows from (58)-(59) as [(58) - (59)]/2.",
)
flow.step(
    "62",
    params=GAUSS_RING,
    latex=(r"4\tau \frac{d}{dt} w_1 = -\mathbb{E}_{X|S>0} [(S-1)AX] - \left[ \left( \frac{\mathbb{E}_{S>0|Y=1} [S]}"
           r"{w_1(t)^\top \Sigma_1 w_1(t)} - 1 \right) \Sigma_1 + \frac{\mathbb{E}_{S>0|Y=0} [S]}{w_1(t)^\top \Sigma_0 w_1(t)} "
           r"\Sigma_0 \right] w_1(t)"),
    claimed=Sampled(rc.two_class_dim, eq62, "(62) per sample"),
    reference=Sampled(rc.two_class_dim, lambda p, eps: truth(p, eps, 4.0), "4 x (-dL/dw_1)"),
    previous_form=Sampled(rc.two_class_dim, lambda p, eps: 4.0 * eq61(p, eps), "4 x (61)"),
)
flow.step(
    "63",
    params=GAUSS_RING,
    latex=(r"4\tau \frac{d}{dt} u_1 = -\mathbb{E}_{X|S>0} [(S-1)P^\top AX] - \left[ \left( \frac{\mathbb{E}_{S>0|Y=1} [S]}"
           r"{u_1(t)^\top \Lambda_1 u_1(t)} - 1 \right) \Lambda_1 + \frac{\mathbb{E}_{S>0|Y=0} [S]}{u_1(t)^\top \Lambda_0 "
           r"u_1(t)} \Lambda_0 \right] u_1(t)."),
    claimed=Sampled(rc.two_class_dim, eq63, "(63) per sample"),
    reference=Sampled(rc.two_class_dim, lambda p, eps: in_fourier_truth(p, eps, 4.0), "4 P^T (-dL/dw_1)"),
    previous_form=Sampled(rc.two_class_dim, lambda p, eps: eq62(p, eps) @ rc.fourier_basis(p), "P^T (62)"),
    assumptions=(rc.FOURIER, "Lambda_c = diag(P^T Sigma_c P), exact as Sigma_c is circulant"),
)


def eq68_claimed(p) -> np.ndarray:
    r"""(68): :math:`-[(\frac{1}{\sqrt{u^\top\Lambda_1u}} - 1)\Lambda_1 + \frac{1}{\sqrt{u^\top\Lambda_0u}}\Lambda_0]u`."""
    u = rc.fourier_basis(p).T @ rc.weights(p)
    l1, l0 = rc.fourier_eigenvalues(p, 1), rc.fourier_eigenvalues(p, 0)
    return -((1 / np.sqrt(u @ (l1 * u)) - 1) * l1 + l0 / np.sqrt(u @ (l0 * u))) * u


def eq68_corrected(p) -> np.ndarray:
    u = rc.fourier_basis(p).T @ rc.weights(p)
    l1, l0 = rc.fourier_eigenvalues(p, 1), rc.fourier_eigenvalues(p, 0)
    return -(l1 + l0 - SQRT_2_PI * l1 / np.sqrt(u @ (l1 * u))) * u


flow.step(
    "68",
    latex=(r"4\tau \frac{d}{dt} u_1 = - \left[ \left( \frac{1}{\sqrt{u_1(t)^\top \Lambda_1 u_1(t)}} - 1 \right) \Lambda_1 + "
           r"\frac{1}{\sqrt{u_1(t)^\top \Lambda_0 u_1(t)}} \Lambda_0 \right] u_1(t)."),
    claimed=eq68_claimed,
    reference=lambda p: exact_flow_fourier(p).scaled(4.0),
    params=GAUSS_RING,
    assumptions=("Gaussian classes (section 5.2.1); reference: 4 P^T (-grad L) of the exact population loss",),
    method="exact",
    corrected=Correction(
        latex=r"4\tau \frac{d}{dt} u_1 = - \left[ \Lambda_1 + \Lambda_0 - \sqrt{\frac{2}{\pi}} \frac{\Lambda_1}{\sqrt{u_1^\top \Lambda_1 u_1}} \right] u_1",
        claimed=eq68_corrected,
        remark="the same flow as note 001 (21), times 4",
    ),
)


# --------------------------------------------------------------------------- (64)-(65)
def expansion_truth(p, eps) -> np.ndarray:
    r""":math:`(S-1)P^\top A_1X` on the class-1 draw, times 2 (conditional on S > 0)."""
    d = Draw(p, eps)
    return 2 * _col((d.s1 - 1) * d.on1) * (d.x1 @ d.a1.T) @ rc.fourier_basis(p)


def eq64(p, eps) -> np.ndarray:
    d = Draw(p, eps)
    a = np.eye(p.n) - np.outer(d.cov1 @ d.w, d.w) / d.q1
    return 2 * _col((d.s1 - 1) * d.on1) * (d.x1 @ a.T) @ rc.fourier_basis(p)


def eq65(p, eps) -> np.ndarray:
    d = Draw(p, eps)
    basis = rc.fourier_basis(p)
    xi = d.x1 @ basis
    u = basis.T @ d.w
    l1 = rc.fourier_eigenvalues(p, 1)
    s = xi @ u
    projected = xi - np.outer(s, l1 * u) / (u @ (l1 * u))
    return 2 * _col((s - 1) * (s > 0)) * projected


# On Gaussian data both sides of (64)-(65) vanish (A X is independent of S); the per-sample quantity
# (S - 1) P^T A X 1(S > 0) has unit-variance data, so its natural magnitude is 1 (derivcheck mutate sizes
# its offset mutants by it).
EXPANSION_SCALE = Tolerances(scale=1.0)

expansion = Chain(
    "relu.step000.expansion",
    note=N000,
    params=SMALL_RING,
    reference=Sampled(rc.two_class_dim, expansion_truth, "E[(S-1) P^T A_1 X | Y=1, S>0]"),
    assumptions=(rc.CONDITIONAL, rc.RING, rc.FOURIER, "class-1 data (Gaussian or NLGP); Xi = P^T X"),
)
expansion.step(
    "64",
    latex=(r"\mathbb{E}_{X|Y=1, S>0} [(S-1)P^\top AX] = \mathbb{E}_{X|Y=1, S>0} \left[ (S-1)P^\top \left( I_n - "
           r"\frac{\Sigma_1 w_1(t) w_1(t)^\top}{w_1(t)^\top \Sigma_1 w_1(t)} \right) X \right]"),
    claimed=Sampled(rc.two_class_dim, eq64, "(64) per sample"),
    tolerances=EXPANSION_SCALE,
)
expansion.step(
    "65",
    latex=(r"= \mathbb{E}_{\Xi|Y=1, \langle u_1(t), \Xi \rangle > 0} \left[ (\langle u_1(t), \Xi \rangle - 1) \left( I_n - "
           r"\frac{\Lambda_1 u_1(t) u_1(t)^\top}{u_1(t)^\top \Lambda_1 u_1(t)} \right) \Xi \right]."),
    claimed=Sampled(rc.two_class_dim, eq65, "(65) per sample"),
    tolerances=EXPANSION_SCALE,
)


# --------------------------------------------------------------------------- 5.2.1: Gaussian X
def gaussian_a_term(p, eps) -> np.ndarray:
    r""":math:`\mathbb E_{X|S>0}[(S-1)P^\top A_YX]` per sample (Gaussian classes)."""
    return a_term(Draw(p, eps), rc.fourier_basis(p))


GAUSSIAN_A_TERM_SAMPLED = Sampled(rc.two_class_dim, gaussian_a_term, "E[(S-1) P^T A_Y X | S > 0]")


def gaussian_a_term_exact(p) -> Estimate:
    r""":math:`\sum_c \mathbb E[(S-1)1(S>0)\,P^\top A_cX \mid Y=c]` (the mean of :func:`gaussian_a_term`) from the joint
    Gaussian law of :math:`(S, A_cX)` per class: Gaussian regression of :math:`A_cX` on S and 1-D half-normal
    moments (:func:`numerics.conditioning.regression_moment`), C the sampler's covariance."""
    w = rc.weights(p)
    value, err, detail = 0.0, 0.0, ""
    for label in (1, 0):
        _, a = decomposition(rc.class_cov(p, label), w)
        est = cd.regression_moment(routes.sampled_cov(p, label), w, a, {1: 1.0, 0: -1.0})
        value, err, detail = value + est.value, err + est.abs_error, est.detail
    basis = rc.fourier_basis(p)
    return Estimate(value @ basis, "quadrature", err @ np.abs(basis) + 1e-15 * np.abs(value) @ np.abs(basis), detail=detail)


claim(
    "relu.step000.gaussian_a_term",
    sources=[quote(N000, "Now, let us assume that  $X$  is Gaussian. Then,  $\\mathbb{E}_{X|S>0} [(S-1)P^\\top AX] = 0$")],
    latex=r"\mathbb{E}_{X|S>0} [(S-1)P^\top AX] = 0",
    params=GAUSS_RING,
    assumptions=COMMON + (rc.FOURIER, "Gaussian classes"),
    claimed=lambda p: np.zeros(p.n),
    reference=lambda p: gaussian_a_term_exact(p),
    tolerances=Tolerances(scale=1.0),  # entries of E[S A X | S>0] for unit-variance coordinates are O(1)
)


def half_mean_sampled(p, eps) -> np.ndarray:
    r""":math:`2S\,1(S>0)` on Gaussian class-1 data: :math:`\mathbb E[S | S>0, Y=1]`."""
    s = rc.draw_class(p, eps, 1) @ rc.weights(p)
    return 2 * s * (s > 0)


HALF_MEAN = Sampled(rc.two_class_dim, half_mean_sampled, "E[S | S > 0, Y = 1] on Gaussian data")
claim(
    "relu.gauss.half_mean",
    sources=[
        eq(N000, "67"),
        quote(N001, "Note that  $\\mathbb{E}_{S|S>0,Y=1} [S] = \\left( \\frac{2}{\\pi} w_1^\\top \\Sigma_1 w_1 \\right)^{\\frac{1}{2}}$"),
        quote(N000, "So,  $\\mathbb{E}_{S>0|y=1} [s] = \\left(\\frac{2}{\\pi} w_1(t)^\\top \\Sigma w_1(t)\\right)^{\\frac{1}{2}}$"),
    ],
    latex=r"\mathbb{E}_{S>0|Y=1} [S] = \sqrt{\frac{2}{\pi}} (w_1(t)^\top \Sigma_1 w_1(t))^{\frac{1}{2}}",
    params={"n": rc.small_n, "xi1": rc.lengths, "xi0": rc.lengths, "w_seed": rc.seeds},
    assumptions=("X | Y = 1 ~ N(0, Sigma_1), " + rc.PLAIN, rc.CONDITIONAL),
    claimed=lambda p: SQRT_2_PI * float(np.sqrt(rc.weights(p) @ rc.latent_cov(p, 1) @ rc.weights(p))),
    reference=HALF_MEAN,
    remark="The first equality of 000 (67); the same statement appears in 001 section 2 and 000 section 5.2.1.",
)
claim(
    "relu.step000.eq67_fourier",
    sources=[eq(N000, "67")],
    latex=r"= \sqrt{\frac{2}{\pi}} (u_1(t)^\top \Lambda_1 u_1(t))^{\frac{1}{2}}.",
    params=GAUSS_RING,
    assumptions=("X | Y = 1 ~ N(0, Sigma_1), " + rc.RING, rc.CONDITIONAL, rc.FOURIER),
    claimed=lambda p: SQRT_2_PI * float(np.sqrt((lambda u: u @ (rc.fourier_eigenvalues(p, 1) * u))(
        rc.fourier_basis(p).T @ rc.weights(p)))),
    reference=HALF_MEAN,
    remark="The second equality of (67).",
)


# --------------------------------------------------------------------------- (69)-(72)
GAUSS_PLAIN = {"n": rc.small_n, "xi1": rc.lengths, "w_seed": rc.seeds}
GAUSS_TEXT = ("X | y = 1 ~ N(0, Sigma_1), " + rc.PLAIN, rc.CONDITIONAL, "Sigma in (71)-(72) is Sigma_1 (class y = 1)")


def class1(p, eps) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, S, on) for Gaussian class-1 data."""
    x = rc.draw_class(rc.with_defaults(p, xi0=1.0), eps, 1)
    s = x @ rc.weights(p)
    return x, s, (s > 0).astype(float)


def conditional_mean_x(p, eps) -> np.ndarray:
    x, s, on = class1(p, eps)
    return 2 * _col(on) * x


def eq69_statistic(p, eps) -> np.ndarray:
    r"""(69): :math:`\mathbb E_{S>0|y=1}[s]\,v_1` per sample, :math:`2 s^+ v_1`."""
    x, s, on = class1(p, eps)
    v, _ = decomposition(rc.latent_cov(p, 1), rc.weights(p))
    return 2 * _col(on * s) * v[None, :]


def eq69_claimed(p, ctx) -> Estimate:
    r"""(69) as written, :math:`\mathbb E_{S>0|y=1}[s]\,v_1 = 2\,\mathbb E[s\,1(s>0)]\,v_1`, the mean by quadrature of the
    law :math:`\mathcal N(0, w^\top\Sigma_1w)` of s (sampled form: :func:`eq69_statistic`)."""
    w = rc.weights(p)
    cov = rc.latent_cov(p, 1)
    v, _ = decomposition(cov, w)
    half = ctx.gaussian_expectation(lambda s: s, mean=0, var=float(w @ cov @ w), lower=0)
    value = 2 * float(half.value)
    return Estimate(v * value, "quadrature", np.abs(v) * 2 * float(half.abs_error) + 1e-15 * np.abs(v * value),
                    detail=half.detail)


CONDITIONAL_MEAN_SAMPLED = Sampled(lambda p: p.n, conditional_mean_x, "E[x | S > 0, y = 1]")


def conditional_mean_exact(p) -> Estimate:
    r""":math:`\mathbb E[x | S>0, y=1] = 2\,\partial_w\mathbb E[\operatorname{ReLU}(\langle w, x\rangle)]` (P(S>0) = 1/2;
    differentiation under the integral), by Richardson differences of a 1-D quadrature over the law of S
    (:func:`routes.relu_gradient`): no conditioning on S, the note's route."""
    return routes.times(routes.relu_gradient(p), (2.0, 0.0))


claim(
    "relu.step000.eq69",
    sources=[eq(N000, "69")],
    latex=(r"\mathbb{E}_{S>0|y=1} [\mathbb{E}_{x|S,y=1} [x]] = \mathbb{E}_{S>0|y=1} [sv_1] = \mathbb{E}_{S>0|y=1} [s] v_1,"),
    params=GAUSS_PLAIN,
    assumptions=GAUSS_TEXT,
    claimed=eq69_claimed,
    reference=lambda p: conditional_mean_exact(p),
)


def eq71_claimed(p) -> np.ndarray:
    w = rc.weights(p)
    cov = rc.latent_cov(rc.with_defaults(p, xi0=1.0), 1)
    return SQRT_2_PI * cov @ w / np.sqrt(w @ cov @ w)


claim(
    "relu.step000.eq71",
    sources=[eq(N000, "71")],
    latex=(r"\mathbb{E}_{x|y=1, \langle w_1(t), x \rangle > 0} [x] = \frac{\left(\frac{2}{\pi} w_1(t)^\top \Sigma w_1(t)\right)"
           r"^{\frac{1}{2}}}{w_1(t)^\top \Sigma w_1(t)} \Sigma w_1(t) = \sqrt{\frac{2}{\pi}} (w_1(t)^\top \Sigma w_1(t))^"
           r"{-\frac{1}{2}} \Sigma w_1(t),"),
    params=GAUSS_PLAIN,
    assumptions=GAUSS_TEXT,
    claimed=eq71_claimed,
    reference=lambda p: conditional_mean_exact(p),
    remark="The conditional version of note 001 (12): twice it, since P(S > 0 | y = 1) = 1/2.",
)


def conditional_second_moment(p, eps) -> np.ndarray:
    x, s, on = class1(p, eps)
    return 2 * on[:, None, None] * x[:, :, None] * x[:, None, :]


def a_sigma_a(p) -> np.ndarray:
    cov = rc.latent_cov(rc.with_defaults(p, xi0=1.0), 1)
    _, a = decomposition(cov, rc.weights(p))
    return a @ cov @ a.T


def eq72_claimed(p) -> np.ndarray:
    cov = rc.latent_cov(rc.with_defaults(p, xi0=1.0), 1)
    w = rc.weights(p)
    return (np.eye(p.n) - np.outer(cov @ w, w) / (w @ cov @ w)) @ cov


def _mean_term_missing(p, claimed, truth_value):
    cov = rc.latent_cov(rc.with_defaults(p, xi0=1.0), 1)
    w = rc.weights(p)
    missing = np.outer(cov @ w, cov @ w) / (w @ cov @ w)
    gap = np.asarray(truth_value) - np.asarray(claimed)
    if np.abs(gap - missing).max() < 0.1 * np.abs(missing).max():
        return ("truth - claimed = E[S^2 | S>0] v_1 v_1^T = Sigma_1 w w^T Sigma_1 / (w^T Sigma_1 w): the conditional second "
                "moment E[x x^T | S] = A Sigma A^T + S^2 v v^T lost its mean term; the truth is Sigma_1 itself (x -> -x symmetry)")
    return None


second = Chain(
    "relu.step000.second_moment",
    note=N000,
    params=GAUSS_PLAIN,
    # E[x x^T | S > 0] as the Hessian of E[ReLU(<w, x>)^2] (Monte Carlo: SECOND_MOMENT_SAMPLED)
    reference=routes.conditional_second_moment,
    assumptions=GAUSS_TEXT + ("reference: E[x x^T | S>0, y=1] = Hessian in w of E[ReLU(<w, x>)^2 | y=1], by Richardson "
                              "second differences of a 1-D quadrature over the law of S",),
)
SECOND_MOMENT_SAMPLED = Sampled(lambda p: p.n, conditional_second_moment, "E[x x^T | S > 0, y = 1]")
second.step(
    "70",
    latex=(r"\mathbb{E}_{S>0|y=1} [\mathbb{E}_{x|S,y=1} [xx^\top]] = \mathbb{E}_{S>0|y=1} [A_1 \Sigma_1 A_1^\top] = "
           r"A_1 \Sigma_1 A_1^\top."),
    claimed=a_sigma_a,
    diagnose=_mean_term_missing,
    corrected=Correction(
        latex=r"\mathbb{E}_{S>0|y=1} [\mathbb{E}_{x|S,y=1} [xx^\top]] = A_1 \Sigma_1 A_1^\top + \mathbb{E}_{S>0|y=1}[S^2] v_1 v_1^\top = \Sigma_1",
        claimed=lambda p: rc.latent_cov(rc.with_defaults(p, xi0=1.0), 1),
        remark="E[x x^T | S] = Cov(x | S) + E[x | S] E[x | S]^T = A Sigma A^T + S^2 v v^T, and E[S^2 | S>0] = w^T Sigma w",
    ),
)
second.step(
    "72",
    latex=(r"\mathbb{E}_{x|y=1, \langle w_1(t), x \rangle > 0} [xx^\top] = A_1 \Sigma_1 A_1^\top = \left( I_n - "
           r"\frac{1}{w_1(t)^\top \Sigma_1 w_1(t)} \Sigma_1 w_1(t) w_1(t)^\top \right) \Sigma_1."),
    claimed=eq72_claimed,
    diagnose=_mean_term_missing,
)


# --------------------------------------------------------------------------- (73)-(77)
def eq74_claimed(p) -> np.ndarray:
    w = rc.weights(p)
    s1, s0 = rc.latent_cov(p, 1), rc.latent_cov(p, 0)
    terms = sum((np.eye(p.n) - np.outer(c @ w, w) / (w @ c @ w)) @ c for c in (s1, s0))
    return terms @ w - SQRT_2_PI * s1 @ w / np.sqrt(w @ s1 @ w)


def eq75_claimed(p, factor: float = 1.0) -> np.ndarray:
    w = rc.weights(p)
    s1 = rc.latent_cov(p, 1)
    return -factor * SQRT_2_PI * s1 @ w / np.sqrt(w @ s1 @ w)


def eq77_claimed(p) -> np.ndarray:
    u = rc.fourier_basis(p).T @ rc.weights(p)
    l1 = rc.fourier_eigenvalues(p, 1)
    return -2 * SQRT_2_PI * l1 * u / np.sqrt(u @ (l1 * u))


def true_flow_formula(p) -> np.ndarray:
    r"""Correction: :math:`\frac{1}{2\sqrt{2\pi}}q_1^{-1/2}\Sigma_1w - \frac14(\Sigma_0+\Sigma_1)w` (note 001 (20))."""
    w = rc.weights(p)
    s1, s0 = rc.latent_cov(p, 1), rc.latent_cov(p, 0)
    return s1 @ w / (2 * np.sqrt(2 * np.pi) * np.sqrt(w @ s1 @ w)) - 0.25 * (s0 + s1) @ w


gauss_flow = Chain(
    "relu.step000.gauss_flow",
    note=N000,
    params={k: v for k, v in GAUSS_RING.items() if k not in ("family", "g")},
    assumptions=(rc.LABELS, rc.LOSS_HALF, "K = 1", "Gaussian classes", rc.RING,
                 "Sigma without index (input-output term) is Sigma_1",
                 "reference: the gradient of the exact population loss (complex step)"),
    method="exact",
)
gauss_flow.step(
    "74",
    also=[eq(N000, "73")],
    latex=(r"\frac{\tau}{\mathbb{P}(\langle w_1(t), x \rangle > 0)} \frac{d}{dt} w_1 = \left[ \left( I_n - "
           r"\frac{1}{w_1(t)^\top \Sigma_1 w_1(t)} \Sigma_1 w_1(t) w_1(t)^\top \right) \Sigma_1 + \left( I_n - "
           r"\frac{1}{w_1(t)^\top \Sigma_0 w_1(t)} \Sigma_0 w_1(t) w_1(t)^\top \right) \Sigma_0 \right] w_1(t) - "
           r"\left[ \sqrt{\frac{2}{\pi}} (w_1(t)^\top \Sigma w_1(t))^{-\frac{1}{2}} \Sigma w_1(t) \right]"),
    claimed=eq74_claimed,
    reference=lambda p: exact_flow(p).scaled(2.0),
    diagnose=lambda p, c, ref: (
        "the bracketed second-moment terms vanish identically ((I - Sigma w w^T / q) Sigma w = 0) because they use "
        "(72); with E[x x^T | S > 0] = Sigma they give -(Sigma_1 + Sigma_0) w / 2 with a minus sign, and the "
        "input-output term enters with the wrong sign and twice its size (truth: +(2 pi)^{-1/2} q_1^{-1/2} Sigma_1 w)"
    ),
)
gauss_flow.step(
    "75",
    latex=r"= -\sqrt{\frac{2}{\pi}} (w_1(t)^\top \Sigma w_1(t))^{-\frac{1}{2}} \Sigma w_1(t).",
    claimed=eq75_claimed,
    reference=lambda p: exact_flow(p).scaled(2.0),
)
gauss_flow.step(
    "76",
    latex=r"\tau \frac{d}{dt} w_1 = -2 \sqrt{\frac{2}{\pi}} [w_1(t)^\top \Sigma w_1(t)]^{-\frac{1}{2}} \Sigma w_1(t).",
    claimed=lambda p: eq75_claimed(p, 2.0),
    reference=exact_flow,
    previous_form=lambda p: eq75_claimed(p, 0.5),
    remark="From (75), tau dw/dt = P(S > 0) x (75) = (75)/2; the note multiplies by 2 instead.",
    corrected=Correction(
        latex=(r"\tau \frac{d}{dt} w_1 = \frac{1}{2\sqrt{2\pi}} (w_1^\top \Sigma_1 w_1)^{-\frac{1}{2}} \Sigma_1 w_1 - "
               r"\frac{1}{4}(\Sigma_0 + \Sigma_1) w_1"),
        claimed=true_flow_formula,
        remark="note 001 (20), rearranged",
    ),
)
gauss_flow.step(
    "77",
    latex=r"\tau \frac{d}{dt} u_1 = -2 \sqrt{\frac{2}{\pi}} [u_1(t)^\top \Lambda u_1(t)]^{-\frac{1}{2}} \Lambda u_1(t).",
    claimed=eq77_claimed,
    reference=exact_flow_fourier,
    previous_form=lambda p: rc.fourier_basis(p).T @ eq75_claimed(p, 2.0),
    assumptions=(rc.FOURIER, "Lambda = diag(P^T Sigma_1 P)"),
    corrected=Correction(
        latex=(r"\tau \frac{d}{dt} u_1 = \frac{1}{2\sqrt{2\pi}} (u_1^\top \Lambda_1 u_1)^{-\frac{1}{2}} \Lambda_1 u_1 - "
               r"\frac{1}{4}(\Lambda_0 + \Lambda_1) u_1"),
        claimed=lambda p: rc.fourier_basis(p).T @ true_flow_formula(p),
        remark="note 001 (21)",
    ),
)


# --------------------------------------------------------------------------- prose after (77)
def rest_point(p):
    """w(infinity) of the exact flow from w_0 ~ N(0, I)."""
    return flow_limit(task(p), rc.weights(p)).w


claim(
    "relu.step000.shrinks_to_zero",
    sources=[quote(N000, "So it appears that this shrinks  $u_1$  to 0")],
    latex=r"\lim_{t \to \infty} u_1(t) = 0",
    params={k: v for k, v in GAUSS_RING.items() if k not in ("family", "g")},
    assumptions=(rc.LABELS, rc.LOSS_HALF, "K = 1", "Gaussian classes", rc.RING,
                 "reading: a statement about the ReLU neuron's actual gradient flow (the note compares it with "
                 "simulations); the limit is the rest point of the exact flow from w_0 ~ N(0, I)"),
    claimed=lambda p: np.zeros(p.n),
    reference=rest_point,
    method="ode",
    diagnose=lambda p, c, ref: (
        "the actual flow comes to rest at a nonzero steady state (note 001 (22)); near 0 the input-output term "
        "(2 pi)^{-1/2} q_1^{-1/2} Sigma_1 w dominates and pushes w outward"
    ),
    remark="As written, (77) itself would shrink u_1 to 0 in finite time; the actual flow does not.",
)


def relative_rates(p, flow_in_fourier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rates -du_k/dt / u_k, lambda_1) per Fourier mode at w ~ N(0, I)."""
    u = rc.fourier_basis(p).T @ rc.weights(p)
    return -flow_in_fourier / u, rc.fourier_eigenvalues(p, 1)


def rates_in_eigenvalue_order(rates: np.ndarray, lam: np.ndarray) -> np.ndarray:
    return rates[np.argsort(-lam, kind="stable")]


claim(
    "relu.step000.largest_shrink_fastest",
    sources=[quote(N000, "What we see in equation (77) is that the largest eigenvalues are shrunk fastest.")],
    latex=r"-\frac{\dot u_1^{(k)}}{u_1^{(k)}} \text{ increases with } \lambda^{(k)}",
    params={k: v for k, v in GAUSS_RING.items() if k not in ("family", "g")},
    assumptions=(rc.LABELS, rc.LOSS_HALF, "K = 1", "Gaussian classes", rc.RING, rc.FOURIER,
                 "reading: the actual flow at initialisation w ~ N(0, I); rates -du_k/dt / u_k of the exact flow",
                 "encoded as: the rates sorted in decreasing order equal the rates listed by decreasing lambda_1"),
    claimed=lambda p: np.sort(relative_rates(p, exact_flow_fourier(p).value)[0])[::-1],
    reference=lambda p: rates_in_eigenvalue_order(*relative_rates(p, exact_flow_fourier(p).value)),
    method="exact",
    remark="Reading of the rates of (77) as written: relu.step000.largest_shrink_fastest.as_written.",
)
claim(
    "relu.step000.largest_shrink_fastest.as_written",
    sources=[quote(N000, "What we see in equation (77) is that the largest eigenvalues are shrunk fastest.")],
    latex=r"-\frac{\dot u_1^{(k)}}{u_1^{(k)}} \text{ increases with } \lambda^{(k)}",
    params={k: v for k, v in GAUSS_RING.items() if k not in ("family", "g")},
    assumptions=(rc.RING, rc.FOURIER, "reading: the rates of the ODE (77) as written, at w ~ N(0, I)"),
    claimed=lambda p: np.sort(relative_rates(p, eq77_claimed(p))[0])[::-1],
    reference=lambda p: rates_in_eigenvalue_order(*relative_rates(p, eq77_claimed(p))),
    method="exact",
)
