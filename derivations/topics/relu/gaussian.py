r"""ReLU analysis, Gaussian data: note 001 section 2, eqs (2)-(14), and the same
equations where note 000 section 5.2 repeats them.

Model (001 (2)): :math:`\hat y(x) = \frac1K\sum_k \operatorname{ReLU}(\langle w_k, x\rangle)`,
loss (001 (3)): :math:`\mathcal L = \frac12\mathbb E[(\hat y - Y)^2]`.  With
:math:`S = \langle w_1, X\rangle`, the note decomposes

.. math::

    X = AX + Sv, \qquad v = \frac{\Sigma_1 w_1}{w_1^\top\Sigma_1 w_1}, \qquad A = I_n - v w_1^\top,

so that :math:`\operatorname{Cov}(AX, S) = 0`, and for Gaussian X
:math:`X | S \sim \mathcal N(Sv, A\Sigma_1A^\top)`.  Note 001 writes
:math:`\mathbb E_{X, S>0|Y=1}[f]` for the *restricted* expectation
:math:`\mathbb E[f\,1(S>0)|Y=1]` (its (10)-(11) multiply the conditional one by
:math:`\mathbb P(S>0|Y=1)`); the checks use that reading throughout.

References: Monte Carlo on sampled data (paired with the claimed side where
both are sampled), exact Gaussian conditioning by linear algebra on the joint
covariance of (X, S), 1-D quadrature for the law of S, and central
differences of the per-sample loss for the flow.  The decomposition's covariance
and independence facts, the symmetry of :math:`S^2` and the first moment
:math:`\mathbb E[X1(S>0)]` are computed without sampling where the family allows it
(:mod:`.routes`: Gaussian regression down to half-normal moments, pair moments by
1-D quadrature, orthant enumeration, the gradient of :math:`\mathbb E[\operatorname{ReLU}(S)]`).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from numerics.estimate import Estimate

from derivations.api import Chain, Correction, Sampled, Tolerances, claim, definition, eq, incomplete, quote
from numerics import conditioning as cd

from . import common as rc
from . import routes
from derivations.topics._notes import N000, N001, N003

definition(
    "relu.model.readout",
    sources=[eq(N001, "2"), eq(N000, "44")],
    latex=r"\hat{y}(x) = \frac{1}{K} \sum_{k \in [K]} \text{ReLU}(\langle w_k, x \rangle).",
)
definition(
    "relu.model.loss",
    sources=[eq(N001, "3"), eq(N000, "45")],
    latex=r"\mathcal{L} = \frac{1}{2} \mathbb{E}_{X,Y} \left[ (\hat{y}(X) - Y)^2 \right].",
)

GAUSSIAN = "X | Y = c ~ N(0, Sigma(xi_c)), plain distance; Sigma_1 = Sigma(xi_1) is then Cov(X | Y = 1)"


# =========================================================================== (4)-(5): the flow for K neurons
def _network(p) -> np.ndarray:
    """The K x n first-layer weights (rows w_k) from the point's seed."""
    rng = np.random.default_rng(p.w_seed)
    return rng.standard_normal((p.K, p.n))


def flow_reference(p, eps):
    r"""Per-sample :math:`-\partial\ell/\partial w_1` of :math:`\ell = \frac12(\hat y - Y)^2`, :math:`\hat y` from (2),
    by central differences, stratified over the two classes."""
    x1, x0 = rc.two_class(p, eps)
    weights = _network(p)
    others = [rc.relu(x @ weights[1:].T).sum(axis=1) for x in (x1, x0)]  # neurons 2..K do not move

    def loss(w1: np.ndarray) -> np.ndarray:
        out = 0.0
        for x, y, rest in ((x1, 1.0, others[0]), (x0, 0.0, others[1])):
            yhat = (rc.relu(x @ w1) + rest) / p.K
            out = out + 0.5 * 0.5 * (yhat - y) ** 2
        return out

    return -rc.central_difference(loss, weights[0])


def eq4_statistic(p, eps, k_factor: float = 1.0):
    r"""(4) per sample: :math:`-(\hat y - Y)\,\partial_{w_1}\operatorname{ReLU}(\langle w_1, X\rangle)`
    with :math:`\partial_{w_1}\operatorname{ReLU}(\langle w_1, x\rangle) = 1(\langle w_1, x\rangle > 0)\,x`."""
    weights = _network(p)
    total = 0.0
    for x, y in zip(rc.two_class(p, eps), (1.0, 0.0)):
        pre = x @ weights.T
        yhat = rc.relu(pre).sum(axis=1) / p.K
        total = total + 0.5 * (-(yhat - y) * (pre[:, 0] > 0))[:, None] * x
    return total * k_factor


def eq5_statistic(p, eps, k_factor: float = 1.0):
    r"""(5) per sample: :math:`\frac12 X_1 1(S_1>0)` on the class-1 draw minus
    :math:`\frac1K\sum_k \langle w_k, X\rangle 1(S_1>0)1(S_k>0) X` over the mixture."""
    weights = _network(p)
    x1, x0 = rc.two_class(p, eps)
    first = 0.5 * (x1 @ weights[0] > 0)[:, None] * x1
    second = 0.0
    for x in (x1, x0):
        pre = x @ weights.T
        both = (pre[:, :1] > 0) & (pre > 0)
        second = second + 0.5 * (np.sum(pre * both, axis=1) / p.K)[:, None] * x
    return (first - second) * k_factor


def _k_times(p, claimed, truth):
    c, r = np.asarray(claimed), np.asarray(truth)
    if np.allclose(c, p.K * r, rtol=0.05, atol=0.05 * np.abs(r).max()):
        return (f"claimed = K x truth with K = {p.K}: (4) drops the 1/K that dyhat/dw_1 carries; "
                "for K = 1 there is no discrepancy (a rescaling of tau by K would also absorb it)")
    return None


FLOW_PARAMS = {"K": st.integers(1, 3), "n": st.integers(3, 4), "xi1": rc.lengths, "xi0": rc.lengths, "w_seed": rc.seeds}
FLOW_REFERENCE = Sampled(rc.two_class_dim, flow_reference, "-dL/dw_1 by central differences of the sampled loss")

flow = Chain(
    "relu.flow001",
    note=N001,
    params=FLOW_PARAMS,
    reference=FLOW_REFERENCE,
    assumptions=(rc.LABELS, rc.LOSS_HALF, rc.STRATIFIED, rc.RESTRICTED,
                 "data: Gaussian classes (the factor K at stake does not depend on the data)",
                 "K neurons with random rows w_k; checked for w_1"),
)
flow.step(
    "4",
    latex=(
        r"\tau \frac{d}{dt} w_1 = - \mathbb{E}_{X,Y} \left[ \left( \frac{1}{K} \sum_{k \in [K]} \text{ReLU}(\langle w_k, X "
        r"\rangle) - Y \right) \frac{\partial}{\partial w_1} [\text{ReLU}(\langle w_1, X \rangle)] \right]"
    ),
    claimed=Sampled(rc.two_class_dim, eq4_statistic, "(4) per sample"),
    diagnose=_k_times,
    corrected=Correction(
        latex=(r"\tau \frac{d}{dt} w_1 = - \frac{1}{K}\mathbb{E}_{X,Y} \left[ \left( \frac{1}{K} \sum_{k} \text{ReLU}(\langle "
               r"w_k, X \rangle) - Y \right) \frac{\partial}{\partial w_1} [\text{ReLU}(\langle w_1, X \rangle)] \right]"),
        claimed=Sampled(rc.two_class_dim, lambda p, eps: eq4_statistic(p, eps, 1.0 / p.K)),
        remark="the chain rule through yhat = (1/K) sum_k ReLU(<w_k, x>) gives a factor 1/K",
    ),
)
flow.step(
    "5",
    latex=(
        r"= \frac{1}{2} \mathbb{E}_{X, \langle w_1, X \rangle > 0 | Y=1} [X] - \frac{1}{K} \sum_{k \in [K]} "
        r"\mathbb{E}_{X,Y, \langle w_1, X \rangle > 0, \langle w_k, X \rangle > 0} [\langle w_k, X \rangle X]"
    ),
    claimed=Sampled(rc.two_class_dim, eq5_statistic, "(5) per sample"),
    diagnose=_k_times,
)
incomplete(
    "relu.flow001.full_update",
    sources=[quote(N001, "Thus, the full update is given by")],
    latex=r"\tau \frac{d}{dt} w_1 = \frac{1}{2}",
    remark="The note stops after the first term; (15)-(18) before it belong to the orthant topic (cube.*).",
)


# =========================================================================== (7)-(9): the decomposition
def _unit_weights(p, cov: np.ndarray) -> np.ndarray:
    """w from the seed, scaled to w^T Sigma w = 1 (so S has unit variance)."""
    w = rc.weights(p)
    return w / np.sqrt(w @ cov @ w)


def decomposition(cov: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""(v, A) of (8)-(9): :math:`v = \Sigma w / (w^\top\Sigma w)`, :math:`A = I - v w^\top`."""
    v = cov @ w / (w @ cov @ w)
    return v, np.eye(len(w)) - np.outer(v, w)


def _decomposed(p) -> np.ndarray:
    """AX + Sv for a random point X (from the seed) with v, A from Sigma(xi_1)."""
    cov = rc.latent_cov(p, 1)
    w = rc.weights(p)
    x = np.random.default_rng([p.w_seed, 7]).standard_normal(p.n) * p.x_scale
    v, a = decomposition(cov, w)
    return a @ x + (w @ x) * v


claim(
    "relu.decomposition.identity",
    sources=[eq(N001, "7"), eq(N000, "49"), quote(N001, "Equation (7) clearly holds.")],
    latex=r"X = AX + Sv,",
    params={"n": rc.small_n, "xi1": rc.lengths, "w_seed": rc.seeds, "x_scale": st.floats(0.01, 100.0)},
    assumptions=("pointwise in X, with v, A from (8)-(9); S = <w_1, X>",),
    claimed=_decomposed,
    reference=lambda p: np.random.default_rng([p.w_seed, 7]).standard_normal(p.n) * p.x_scale,
    method="exact",
    remark="An identity for any v (A X + S v = X - v w^T X + S v); 000 (49) builds v from Sigma instead of Sigma_1.",
)
definition(
    "relu.decomposition.v",
    sources=[eq(N001, "8"), eq(N000, "50")],
    latex=r"v = \frac{1}{w_1^\top \Sigma_1 w_1} \Sigma_1 w_1,",
    remark="000 (50) writes Sigma (the covariance of x) where 001 (8) writes Sigma_1.",
)
definition(
    "relu.decomposition.A",
    sources=[eq(N001, "9"), eq(N000, "51")],
    latex=r"A = I_n - v w_1^\top.",
)


def cross_covariance(p, eps):
    r""":math:`S\,AX` on class-1 data with v, A built from the exact :math:`\operatorname{Cov}(X|Y=1)`,
    w scaled so that Var S = 1 (mean-zero data: its mean is Cov(AX, S))."""
    cov = rc.class_cov(p, 1)
    w = _unit_weights(p, cov)
    _, a = decomposition(cov, w)
    x = rc.draw_class(p, eps, 1)
    return (x @ w)[:, None] * (x @ a.T)


def cross_covariance_exact(p) -> Estimate:
    r""":math:`\mathbb E[S\,AX] = A\,\operatorname{Cov}(X)\,w` by linearity, with Cov(X) computed from the family's
    construction by 1-D routes (:func:`routes.covariance`: pair moments conditioned on one coordinate, chi-square
    quadrature), not from the formula used to build A."""
    w = _unit_weights(p, rc.class_cov(p, 1))
    _, a = decomposition(rc.class_cov(p, 1), w)
    cov = routes.covariance(p, 1)
    value = a @ cov.value @ w
    err = np.abs(a) @ cov.abs_error @ np.abs(w) + 1e-15 * (np.abs(a) @ np.abs(cov.value) @ np.abs(w))
    return Estimate(value, "quadrature", err, detail="A Cov(X) w, " + cov.detail)


SINGLE_CLASS = {"n": rc.small_n, "xi1": rc.lengths, "xi0": rc.lengths, "w_seed": rc.seeds}
claim(
    "relu.decomposition.zero_covariance",
    sources=[
        quote(N001, "Our specific selection of  $v$  and  $A$  guarantees that  $AX$  and  $S$  have zero covariance"),
        quote(N000, "Our choice of  $A$  and  $v$  implies that  $AX$  and  $S$  have zero *covariance*"),
    ],
    latex=r"\operatorname{Cov}(AX, S) = 0",
    params={**SINGLE_CLASS, "family": rc.families, "g": rc.gains, "nu": rc.dofs},
    assumptions=("Sigma_1 in v is the actual covariance of the class-1 data (exact for each family)",
                 "any mean-zero data: Gaussian, NLGP, Student-t, hypercube; w scaled to Var S = 1"),
    claimed=lambda p: np.zeros(p.n),
    reference=lambda p: cross_covariance_exact(p),
    tolerances=Tolerances(scale=1.0),  # |Cov(S, X_i)| <= 1 for unit-variance S and coordinates of variance <= 1
)
CROSS_COVARIANCE_SAMPLED = Sampled(rc.two_class_dim, cross_covariance, "E[S A X] on class-1 data")


def gaussian_conditioning(p) -> np.ndarray:
    r"""(regression vector, conditional covariance) of X on S from the joint covariance
    :math:`\begin{pmatrix}\Sigma & \Sigma w\\ w^\top\Sigma & w^\top\Sigma w\end{pmatrix}` of (X, S),
    by numpy solves (Schur complement)."""
    cov = rc.latent_cov(p, 1)
    w = rc.weights(p)
    t = np.vstack([np.eye(p.n), w[None, :]])
    joint = t @ cov @ t.T
    coef = np.linalg.solve(joint[-1:, -1:], joint[-1:, :-1]).ravel()
    cond = joint[:-1, :-1] - joint[:-1, -1:] @ np.linalg.solve(joint[-1:, -1:], joint[-1:, :-1])
    return np.concatenate([coef, cond.ravel()])


def conditional_law_claimed(p) -> np.ndarray:
    r"""(v, :math:`A\Sigma_1A^\top`) as the note states them."""
    cov = rc.latent_cov(p, 1)
    v, a = decomposition(cov, rc.weights(p))
    return np.concatenate([v, (a @ cov @ a.T).ravel()])


claim(
    "relu.gauss.conditional_law",
    sources=[
        quote(N001, "So,  $X | S \\sim \\mathcal{N}(Sv, A\\Sigma_1 A^\\top)$"),
        quote(N000, "so we'd have  $\\mathbb{E}_{X|S=s} [X] = A \\mathbb{E}[X] + sv = sv$"),
    ],
    latex=r"X | S \sim \mathcal{N}(Sv, A\Sigma_1 A^\top)",
    params={"n": rc.small_n, "xi1": rc.lengths, "w_seed": rc.seeds},
    assumptions=(GAUSSIAN, "checked as (E[X | S = s]/s, Cov(X | S)) against Gaussian conditioning on the joint law of (X, S)"),
    claimed=conditional_law_claimed,
    reference=gaussian_conditioning,
    method="exact",
)


def independence_witness(p, eps):
    r"""Cov(phi(S), psi(AX)) as E[phi(S)psi(AX)] - E[phi(S')psi(AX'')] with independent copies X', X'':
    phi in {1(S>0), |S|}, psi in {(AX)_i, (AX)_i^2}; w scaled to Var S = 1."""
    cov = rc.class_cov(p, 1)
    w = _unit_weights(p, cov)
    _, a = decomposition(cov, w)
    n = p.n
    x, x1, x2 = (rc.draw_class(p, eps[:, k * n : (k + 1) * n], 1) for k in range(3))

    s, ax = x @ w, x @ a.T
    s1, ax2 = x1 @ w, x2 @ a.T
    joint = np.concatenate([(s > 0)[:, None] * ax, np.abs(s)[:, None] * ax**2], axis=1)
    apart = np.concatenate([(s1 > 0)[:, None] * ax2, np.abs(s1)[:, None] * ax2**2], axis=1)
    return joint - apart


INDEPENDENCE_SAMPLED = Sampled(lambda p: 3 * p.n, independence_witness, "E[phi(S) psi(AX)] - E[phi(S')] E[psi(AX'')]")


def independence_witness_exact(p) -> Estimate:
    r"""The witness of :func:`independence_witness` from the joint Gaussian law of (S, AX) (Gaussian regression of
    AX on S, 1-D half-normal moments): :math:`\mathbb E[1(S>0)AX]`, and
    :math:`\mathbb E[|S|(AX)_i^2] - \mathbb E|S|\,\mathbb E[(AX)_i^2]` with :math:`\mathbb E|S| (AX)_i^2 = 2\mathbb E[S 1(S>0)(AX)_i^2]`
    (the law of (S, AX) is symmetric) and :math:`\mathbb E[1(S>0)]\mathbb E[AX] = 0`."""
    cov = routes.sampled_cov(p, 1)
    w = _unit_weights(p, rc.class_cov(p, 1))
    _, a = decomposition(rc.class_cov(p, 1), w)
    first = cd.regression_moment(cov, w, a, {0: 1.0})
    joint = cd.regression_square_moment(cov, w, a, {1: 2.0})
    m1, e1 = cd.half_normal_moment(1)
    q = float(w @ cov @ w)
    var = np.einsum("ij,jk,ik->i", a, cov, a)
    apart = 2 * np.sqrt(q) * m1 * var
    value = np.concatenate([first.value, joint.value - apart])
    err = np.concatenate([first.abs_error, joint.abs_error + 2 * np.sqrt(q) * e1 * var + 1e-15 * apart])
    return Estimate(value, "quadrature", err, detail=first.detail)


claim(
    "relu.decomposition.independent",
    sources=[quote(N001, "Since  $X$  is Gaussian, this implies they are independent.")],
    latex=r"AX \perp\!\!\!\perp S \quad (X \text{ Gaussian})",
    params={"n": rc.small_n, "xi1": rc.lengths, "w_seed": rc.seeds},
    assumptions=(GAUSSIAN, "independence tested through Cov(1(S>0), (AX)_i) = 0 and Cov(|S|, (AX)_i^2) = 0 for every i",
                 "w scaled to Var S = 1"),
    claimed=lambda p: np.zeros(2 * p.n),
    reference=lambda p: independence_witness_exact(p),
    tolerances=Tolerances(scale=1.0),  # E|S| (AX)_i^2 <= E[S^2]^(1/2) E[(AX)_i^4]^(1/2) = O(1) at unit variances
    remark=("The note's next paragraph ('For general data, this does not imply independence') is not encoded: "
            "an inequality is not a claim the engine can check."),
)


# =========================================================================== symmetry facts
def positive_fractions(p, eps):
    """[1(S_1 > 0), 1(S_0 > 0)] on a class-1 and a class-0 draw."""
    w = rc.weights(p)
    x1, x0 = rc.two_class(p, eps)
    return np.stack([(x1 @ w > 0), (x0 @ w > 0)], axis=1).astype(float)


claim(
    "relu.symmetry.half",
    sources=[
        quote(N000, "By symmetry,  $\\mathbb{P}(Y = 1 \\mid S > 0) = \\frac{1}{2}$  and  $PR(S > 0) = \\frac{1}{2}$"),
        quote(N000, "By symmetry,  $\\mathbb{P}(\\langle w_1(t), x \\rangle > 0) = \\frac{1}{2}$"),
    ],
    latex=r"\mathbb{P}(Y = 1 \mid S > 0) = \frac{1}{2}, \quad \mathbb{P}(S > 0) = \frac{1}{2}",
    params={**SINGLE_CLASS, "family": rc.families, "g": rc.gains, "nu": rc.dofs},
    assumptions=(rc.LABELS, "Gaussian, NLGP, Student-t or hypercube classes; w ~ N(0, I) (no ties S = 0)",
                 "checked as P(S>0 | Y=1) = P(S>0 | Y=0) = 1/2, which gives both statements by Bayes' rule"),
    claimed=lambda p: np.array([0.5, 0.5]),
    # without sampling the indicator (routes.positive_fraction); the Monte Carlo side: POSITIVE_FRACTIONS_SAMPLED
    reference=routes.positive_fraction,
)
POSITIVE_FRACTIONS_SAMPLED = Sampled(rc.two_class_dim, positive_fractions, "[1(S_1 > 0), 1(S_0 > 0)]")


def second_moment_given_positive(p, eps):
    r""":math:`2 S^2 1(S>0)` on class-1 data: :math:`\mathbb E[S^2 | S>0, Y=1]` with P(S>0|Y=1) = 1/2."""
    s = rc.draw_class(p, eps, 1) @ rc.weights(p)
    return 2 * s**2 * (s > 0)


claim(
    "relu.symmetry.second_moment",
    sources=[
        quote(N001, "By symmetry of  $S$  about 0,  $\\mathbb{E}_{S|S>0,Y=1} [S^2] = \\mathbb{E}_{S|Y=1} [S^2] = "
                    "w_1^\\top \\Sigma_1 w_1$"),
        quote(N001, "(This step does not require Gaussianity!)"),
    ],
    latex=r"\mathbb{E}_{S|S>0,Y=1} [S^2] = \mathbb{E}_{S|Y=1} [S^2] = w_1^\top \Sigma_1 w_1",
    params={**SINGLE_CLASS, "family": rc.families, "g": rc.gains, "nu": rc.dofs},
    assumptions=(rc.CONDITIONAL, "Sigma_1 = Cov(X | Y = 1), exact for each family",
                 "Gaussian, NLGP, Student-t and hypercube data: the prose says Gaussianity is not needed"),
    claimed=lambda p: float(rc.weights(p) @ rc.class_cov(p, 1) @ rc.weights(p)),
    reference=routes.half_second_moment,
)

# =========================================================================== (6)-(12): E[X 1(S>0) | Y=1]
GAUSS_PARAMS = {"n": rc.small_n, "xi1": rc.lengths, "w_seed": rc.seeds}


def restricted_first_moment(p, eps):
    r""":math:`X\,1(S>0)` on Gaussian class-1 data."""
    x = rc.draw_class(rc.with_defaults(p, xi0=1.0), eps, 1)
    return (x @ rc.weights(p) > 0)[:, None] * x


def _class1_dim(p) -> int:
    return p.n


def _half_line(ctx, q: float, power: int) -> Estimate:
    r""":math:`\int_0^\infty s^k \varphi_q(s)\,ds` for :math:`S \sim \mathcal N(0, q)`, by quadrature."""
    return ctx.gaussian_expectation(lambda s: s**power, mean=0, var=q, lower=0)


def _vector_times(vec: np.ndarray, scalar: Estimate, factor: float = 1.0) -> Estimate:
    value = float(scalar.value) * factor
    err = float(scalar.abs_error) * abs(factor)
    return Estimate(np.asarray(vec) * value, "quadrature", np.abs(vec) * err + 1e-15 * np.abs(vec * value),
                    detail=scalar.detail)


def eq6_claimed(p, ctx):
    r""":math:`\mathbb E_{S>0|Y=1}[\mathbb E_{X|S,Y=1}[X]]`: the inner conditional mean by Gaussian
    conditioning (:math:`\beta s`, :math:`\beta` from the joint covariance of (X, S)), the outer
    restricted expectation over S > 0 by quadrature."""
    beta = gaussian_conditioning(rc.with_defaults(p, xi0=1.0))[: p.n]
    w = rc.weights(p)
    q = float(w @ rc.latent_cov(p, 1) @ w)
    return _vector_times(beta, _half_line(ctx, q, 1))


def eq10_statistic(p, eps):
    r"""(10) per sample: :math:`S\,1(S>0)\,v` (paired with :math:`X\,1(S>0)`)."""
    x = rc.draw_class(rc.with_defaults(p, xi0=1.0), eps, 1)
    w = rc.weights(p)
    v, _ = decomposition(rc.latent_cov(p, 1), w)
    s = x @ w
    return (s * (s > 0))[:, None] * v[None, :]


def eq10_claimed(p, ctx):
    r"""(10) as written, :math:`\mathbb E_{S>0|Y=1}[Sv] = \mathbb E[S\,1(S>0)]\,v`, the restricted mean of S by
    quadrature of its law :math:`\mathcal N(0, w^\top\Sigma_1w)` (sampled form: :func:`eq10_statistic`)."""
    w = rc.weights(p)
    cov = rc.latent_cov(p, 1)
    v, _ = decomposition(cov, w)
    return _vector_times(v, _half_line(ctx, float(w @ cov @ w), 1))


def eq11_claimed(p, ctx):
    r""":math:`\mathbb E_{S|S>0,Y=1}[S]\,v\,\mathbb P(S>0|Y=1)` with the conditional mean and the
    probability each computed by quadrature of the law of S."""
    w = rc.weights(p)
    cov = rc.latent_cov(p, 1)
    q = float(w @ cov @ w)
    v, _ = decomposition(cov, w)
    mass = _half_line(ctx, q, 0)
    cond_mean = float(_half_line(ctx, q, 1).value) / float(mass.value)
    return _vector_times(v, mass, cond_mean)


def eq12_claimed(p):
    r""":math:`\frac{1}{\sqrt{2\pi}}(w_1^\top\Sigma_1w_1)^{-1/2}\Sigma_1w_1`."""
    w = rc.weights(p)
    cov = rc.latent_cov(p, 1)
    return cov @ w / (np.sqrt(2 * np.pi) * np.sqrt(w @ cov @ w))


first = Chain(
    "relu.gauss.first_moment",
    note=N001,
    params=GAUSS_PARAMS,
    # E[X 1(S>0)] = d/dw E[ReLU(<w, X>)] (differentiation under the integral), by Richardson differences of a
    # 1-D quadrature over the law of S: no conditioning on S, the note's route (Monte Carlo: FIRST_MOMENT_SAMPLED)
    reference=routes.relu_gradient,
    assumptions=(GAUSSIAN, rc.RESTRICTED, "reference: E[X 1(S>0) | Y=1] = d/dw E[ReLU(<w, X>) | Y=1], Richardson "
                 "differences of a 1-D quadrature over the law N(0, w^T Sigma_1 w) of S"),
)
FIRST_MOMENT_SAMPLED = Sampled(_class1_dim, restricted_first_moment, "E[X 1(S>0) | Y=1] on Gaussian data")
first.step(
    "6",
    latex=r"\mathbb{E}_{X, S > 0 | Y=1} [X] = \mathbb{E}_{S > 0 | Y=1} [\mathbb{E}_{X|S,Y=1} [X]].",
    claimed=eq6_claimed,
)
first.step(
    "10",
    latex=r"\mathbb{E}_{X, S > 0 | Y=1} [X] = \mathbb{E}_{S > 0 | Y=1} [Sv]",
    claimed=eq10_claimed,
)
first.step(
    "11",
    latex=r"= \mathbb{E}_{S|S>0,Y=1} [Sv] \mathbb{P}(S > 0 | Y = 1)",
    claimed=eq11_claimed,
)
first.step(
    "12",
    latex=r"= \frac{1}{\sqrt{2\pi}} (w_1^\top \Sigma_1 w_1)^{-\frac{1}{2}} \Sigma_1 w_1.",
    claimed=eq12_claimed,
    also=[quote(N003, "For Gaussian data,"), ],
    remark=("The same formula is note 003's Gaussian form of f(w) = E[1(<w, X> >= 0) X | Y = Y_i]: "
            "f(w) = (2 pi)^{-1/2} (w^T Sigma_i w)^{-1/2} Sigma_i w."),
)

# =========================================================================== (13)-(14): E[S X 1(S>0) | Y=1]
def restricted_second(p, eps, label: int = 1):
    r""":math:`S X\,1(S>0)` on Gaussian class-``label`` data."""
    q = rc.with_defaults(p, xi0=p.get("xi0", 1.0), xi1=p.get("xi1", 1.0))
    x = rc.draw_class(q, eps, label)
    s = x @ rc.weights(p)
    return (s * (s > 0))[:, None] * x


def eq13_tower(p, ctx, conditional: bool = False):
    r"""Middle of (13): :math:`\mathbb E_{S>0|Y=1}[S\,\mathbb E_{X|S}[X]]\,\mathbb P(S>0|Y=1)` with the inner
    mean Sv; the outer expectation restricted (note 001's notation) or, if ``conditional``, conditional."""
    w = rc.weights(p)
    cov = rc.latent_cov(p, 1)
    q = float(w @ cov @ w)
    v, _ = decomposition(cov, w)
    mass = _half_line(ctx, q, 0)
    outer = _half_line(ctx, q, 2)
    factor = float(mass.value) / (float(mass.value) if conditional else 1.0)
    return _vector_times(v, outer, factor)


def eq13_final(p, ctx):
    r"""End of (13): :math:`\mathbb E_{S|S>0,Y=1}[S^2]\,v\,\mathbb P(S>0|Y=1)`, each factor by quadrature."""
    w = rc.weights(p)
    cov = rc.latent_cov(p, 1)
    q = float(w @ cov @ w)
    v, _ = decomposition(cov, w)
    mass = _half_line(ctx, q, 0)
    cond = float(_half_line(ctx, q, 2).value) / float(mass.value)
    return _vector_times(v, mass, cond)


EQ13_LATEX = (
    r"\mathbb{E}_{X, S > 0 | Y=1} [SX] = \mathbb{E}_{S > 0 | Y=1} [S \mathbb{E}_{X|S,Y=1} [X]] \mathbb{P}(S > 0 | Y = 1) "
    r"= \mathbb{E}_{S|S>0,Y=1} [S^2] v \mathbb{P}(S > 0 | Y = 1)."
)
second = Chain(
    "relu.gauss.second_moment",
    note=N001,
    params=GAUSS_PARAMS,
    reference=Sampled(_class1_dim, restricted_second, "E[S X 1(S>0) | Y=1] on Gaussian data"),
    assumptions=(GAUSSIAN, rc.RESTRICTED),
)
second.step(
    "13",
    id="relu.gauss.second_moment.eq13_tower",
    latex=EQ13_LATEX,
    claimed=eq13_tower,
    remark="The middle expression of (13), read with E_{S>0|Y=1} restricted as in (6) and (10).",
    corrected=Correction(
        latex=r"\mathbb{E}_{X, S > 0 | Y=1} [SX] = \mathbb{E}_{S > 0 | Y=1} [S \mathbb{E}_{X|S,Y=1} [X]]",
        claimed=lambda p, ctx: eq13_tower(p, ctx, conditional=True),
        remark="a restricted expectation already carries P(S > 0 | Y = 1); multiplying by it again halves the value",
    ),
)
second.step(
    "13",
    id="relu.gauss.second_moment.eq13",
    latex=EQ13_LATEX,
    claimed=eq13_final,
    remark="The last expression of (13).",
)
second.step(
    "14",
    latex=(
        r"\mathbb{E}_{X, \langle w_1, X \rangle > 0 | Y=1} [\langle w_1, X \rangle X] = \frac{1}{2} w_1^\top \Sigma_1 w_1 "
        r"\left( \frac{1}{w_1^\top \Sigma_1 w_1} \Sigma_1 w_1 \right) = \frac{1}{2} \Sigma_1 w_1."
    ),
    claimed=lambda p: 0.5 * rc.latent_cov(p, 1) @ rc.weights(p),
)
claim(
    "relu.gauss.second_moment.eq13_tower_conditional",
    role="contrary",
    sources=[eq(N001, "13")],
    latex=EQ13_LATEX,
    params=GAUSS_PARAMS,
    assumptions=(GAUSSIAN, "reading: the outer E_{S>0|Y=1} of the middle expression is the conditional expectation given S > 0"),
    claimed=lambda p, ctx: eq13_tower(p, ctx, conditional=True),
    reference=Sampled(_class1_dim, restricted_second, "E[S X 1(S>0) | Y=1] on Gaussian data"),
    remark="The other reading of the middle expression of (13).",
)


def class0_second(p, eps):
    return restricted_second(p, eps, label=0)


claim(
    "relu.gauss.second_moment.class0",
    sources=[quote(N001, "Both labels appear in the ODE for this term, but the result has the same form.")],
    latex=r"\mathbb{E}_{X, \langle w_1, X \rangle > 0 | Y=0} [\langle w_1, X \rangle X] = \frac{1}{2} \Sigma_0 w_1",
    params={"n": rc.small_n, "xi0": rc.lengths, "w_seed": rc.seeds},
    assumptions=(GAUSSIAN, rc.RESTRICTED, "the class-0 version of (14)"),
    claimed=lambda p: 0.5 * rc.latent_cov(rc.with_defaults(p, xi1=1.0), 0) @ rc.weights(p),
    reference=Sampled(lambda p: 2 * p.n, class0_second, "E[S X 1(S>0) | Y=0] on Gaussian data"),
)
