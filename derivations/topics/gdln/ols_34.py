r"""Gating structures, the limit of the flow and the OLS loss.

Audits note 000 sections 3.4-3.4.2 (eqs (16)-(24)) and note 001 section 5.1.2
(eqs (59)-(65), the same displays with X, Y capitalised).

* (16) rewrites the flow (10) when the gating structure is drawn uniformly from G
  structures; checked against :math:`-K\nabla L` of the model averaged over structures.
* (17) factorises a block of A; checked on the empirical distribution.
* "If none of the eigenvalues are zero, then :math:`w(\infty) = A^{-1}b`": two readings --
  the limit of the ODE (10) as written (scipy, stiff solver, long time), and the limit of the
  model's true gradient flow, i.e. the minimiser of :math:`L = \frac12\langle(y-\hat y)^2\rangle`
  (least squares on the design :math:`\tilde x / K`).
* "the population solution to the OLS problem of regressing y on :math:`\tilde x`":
  ``numpy.linalg.lstsq`` on a large balanced sample, used as the distribution.
* (19)-(22), (24): the loss of that OLS fit, against the mean squared residual of the lstsq fit.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from hypothesis import strategies as st

from numerics.models import gdln as gd
from numerics.domain import solve_covariance

from derivations.api import LINE_ABOVE, Chain, Correction, Tolerances, claim, definition, eq, incomplete, quote
from .common import (
    DATA, LARGE_SAMPLE, MODEL, Network, gate_values, initial_weights, network, with_family,
)
from derivations.topics._notes import N000, N001
from .model_31 import one_over_k_story

INVERTIBLE = ("halfspace", "bump", "exclusive")


# =========================================================================== (16): gating structures
def structure_networks(p) -> tuple[list[Network], Network]:
    r"""G gating structures (K half-space gates each, drawn once) on the same data and weights, and the
    pooled network on the joint distribution of (structure, x, y) with the structure uniform."""
    base = network(p, "halfspace")
    nets = []
    for s in range(p.G):
        gates = gate_values("halfspace", base.x, base.K, np.random.default_rng([p.seed, 20 + s]))
        nets.append(Network(base.x, base.y, gates, base.weights))
    pooled = Network(np.vstack([m.x for m in nets]), np.concatenate([m.y for m in nets]),
                     np.vstack([m.gates for m in nets]), base.weights)
    return nets, pooled


def eq16_rhs(p, a_scale: float = 1.0) -> np.ndarray:
    r""":math:`\frac1G\sum_g [b_{x,y|g} - a A_{x,y|g} w]` with the moments of each structure."""
    nets, _ = structure_networks(p)
    return sum(m.b - a_scale * m.A @ m.w for m in nets) / len(nets)


def structures_true_flow(p):
    r""":math:`-K\nabla_w L`, :math:`L = \frac12 \frac1G \sum_g \langle (y - \hat y_g(x))^2\rangle`, by central differences."""
    nets, _ = structure_networks(p)
    k = nets[0].K
    est = gd.finite_difference_gradient(lambda wt: sum(m.loss(wt) for m in nets) / len(nets), nets[0].weights)
    return gd.part(est, None, -k, (-1,))


structure_params = {**{k: v for k, v in with_family("halfspace").items() if k != "family"}, "G": st.integers(2, 3)}
claim(
    "gdln.structures.eq16",
    sources=[eq(N000, "16")],
    latex=r"K\tau \frac{d}{dt}w = \frac{1}{G} \sum_{g \in \{g\}} [b_{x,y|g} - A_{x,y|g}w],",
    params=structure_params,
    assumptions=DATA + MODEL + (
        "a gating structure (K half-space gates) is drawn uniformly from G fixed structures, independently of (x, y); "
        "b_{x,y|g}, A_{x,y|g} are the moments (8), (9) under structure g",
    ),
    claimed=eq16_rhs,
    reference=structures_true_flow,
    after="gdln.flow.eq10",
    previous_form=lambda p: (lambda pooled: pooled.b - pooled.A @ pooled.w)(structure_networks(p)[1]),
    diagnose=lambda p, c, r: one_over_k_story(p.K, c, r, eq16_rhs(p, 1.0 / p.K)),
    corrected=Correction(
        latex=r"K\tau \frac{d}{dt}w = \frac{1}{G} \sum_{g \in \{g\}} [b_{x,y|g} - \frac{1}{K}A_{x,y|g}w]",
        claimed=lambda p: eq16_rhs(p, 1.0 / p.K),
    ),
    remark="Follows from (10) written for the joint distribution of (structure, x, y) (law of total expectation).",
)


incomplete(
    "gdln.structures.norm_intuition",
    sources=[quote(N000, "Intuitively, a gating structure that minimizes the norm of A will shrink the slowest. "
                         "This is somewhat equivalent to minimizing the eigenvalues of A")],
    latex=r"\arg\min_{\{g\}} \|A\| \ \text{shrinks the slowest}",
    remark="An intuition with no stated norm or measure of 'shrinking'; the precise part (mode i decays at rate "
           "lambda_i/(K tau)) is gdln.ode.decay_rates, and 'eigenvalues nonnegative' is gdln.A.eigenvalues_nonnegative.",
)


# =========================================================================== (17)
def eq17_block(p) -> np.ndarray:
    r""":math:`\mathbb P(g_i = 1, g_j = 1)\,\langle x x^\top\rangle_{x|g_i=g_j=1}`: frequency times conditional mean."""
    net = network(p)
    i, j = p.i % net.K, p.j % net.K
    both = (net.gates[:, i] * net.gates[:, j]) > 0
    return both.mean() * (net.x[both].T @ net.x[both] / both.sum())


claim(
    "gdln.blocks.eq17",
    sources=[eq(N000, "17")],
    latex=(r"A_{ij} = \langle g_i g_j x x^\top \rangle_{g,x} = \mathbb{P}(g_i = 1, g_j = 1) "
           r"\langle x x^\top \rangle_{x|g_i=g_j=1}."),
    params={**with_family("halfspace", "redundant"), "i": st.integers(0, 3), "j": st.integers(0, 3)},
    assumptions=DATA + (
        "i, j taken mod K; gate pairs with P(g_i = g_j = 1) > 0 (two half-spaces through 0 always overlap), "
        "since otherwise the conditional average is undefined",
    ),
    claimed=eq17_block,
    reference=lambda p: (lambda net: net.sigma_xx(p.i % net.K, p.j % net.K))(network(p)),
    method="exact",
)

# =========================================================================== (18): xtilde, A and b
definition(
    "gdln.xtilde",
    sources=[eq(N000, "18"), eq(N001, "59")],
    latex=r"\tilde{x} = \begin{bmatrix} g_1(x)x \\ \vdots \\ g_K(x)x \end{bmatrix} \in \mathbb{R}^{Kn},",
)


def xtilde_moments(net: Network) -> np.ndarray:
    r""":math:`(\langle\tilde x\tilde x^\top\rangle, \langle\tilde x y\rangle)` flattened, from the expanded inputs."""
    xt = net.xtilde
    return np.concatenate([(xt.T @ xt / xt.shape[0]).ravel(), xt.T @ net.y / xt.shape[0]])


claim(
    "gdln.ols.moments",
    sources=[quote(N000, "then A = \\langle \\tilde{x}\\tilde{x}^\\top \\rangle_{x,y,g} and b = \\langle \\tilde{x}y \\rangle_{x,y,g}"),
             quote(N001, "then A = \\mathbb{E}_{g,X,Y} [\\tilde{X}\\tilde{X}^\\top] and b = \\mathbb{E}_{g,X,Y} [Y\\tilde{X}]")],
    latex=r"A = \langle \tilde{x}\tilde{x}^\top \rangle_{x,y,g}, \quad b = \langle \tilde{x}y \rangle_{x,y,g}",
    params=with_family("halfspace", "bump", "exclusive", "redundant"),
    assumptions=DATA + ("reference: A and b assembled from the blocks (9) and (8); compared as one flat vector",),
    claimed=lambda p: xtilde_moments(network(p)),
    reference=lambda p: (lambda net: np.concatenate([net.A.ravel(), net.b]))(network(p)),
    method="exact",
)


# =========================================================================== the limit w(inf)
limit_params = {**with_family(*INVERTIBLE), "tau": st.floats(0.25, 4.0), "init_scale": st.floats(0.0, 2.0)}
LIMIT_QUOTES = [quote(N000, "If none of the eigenvalues are zero, then w(\\infty) = A^{-1}b"),
                quote(N001, "If none of the eigenvalues are zero, then w(\\infty) = A^{-1}b")]


def note_limit(p) -> np.ndarray:
    net = network(p)
    net.require_invertible_A()
    return np.linalg.solve(net.A, net.b)


claim(
    "gdln.limit.ode_reading",
    sources=LIMIT_QUOTES,
    latex=r"w(\infty) = A^{-1}b",
    params=limit_params,
    assumptions=DATA + (
        "reading: the limit of the ODE (10) as written, K tau dw/dt = b - A w, from w(0) = s N(0, I)",
        "gate families with invertible A (half-spaces, bumps, exclusive cones)",
    ),
    claimed=note_limit,
    reference=LINE_ABOVE,
    after="gdln.flow.eq10",
    previous_form=lambda p: (lambda net: gd.flow_limit(net.A, net.b, net.K * p.tau, initial_weights(p, net.A.shape[0])))(network(p)),
    remark="Follows-only: compared with the limit of (10) as written (exact flow map to 40 slowest time constants, "
           "plus the residual bound); its truth is that of (10). The truth about the weights is gdln.limit.model_reading.",
)


def model_minimiser(p, size: int = LARGE_SAMPLE):
    r"""The minimiser of the model's loss, :math:`\arg\min_w \langle (y - w^\top\tilde x/K)^2\rangle`, by lstsq:
    the limit of the true gradient flow (a convex quadratic with :math:`A \succ 0`)."""
    net = network(p, size=size)
    return gd.least_squares(net.xtilde / net.K, net.y)


def large_note_limit(p) -> np.ndarray:
    net = network(p, size=LARGE_SAMPLE)
    net.require_invertible_A()
    return np.linalg.solve(net.A, net.b)


claim(
    "gdln.limit.model_reading",
    sources=LIMIT_QUOTES,
    latex=r"w(\infty) = A^{-1}b",
    params=with_family(*INVERTIBLE),
    assumptions=DATA + MODEL + (
        "reading: the limit of the model's true gradient flow = the minimiser of L (unique since A is invertible), "
        f"found by lstsq of y on xtilde/K over a balanced sample of {LARGE_SAMPLE}",
    ),
    claimed=large_note_limit,
    reference=model_minimiser,
    after="gdln.flow.eq10",
    previous_form=lambda p: (lambda net: gd.flow_limit(net.A, net.b, float(net.K), np.zeros(net.A.shape[0])))(
        network(p, size=LARGE_SAMPLE)),
    diagnose=lambda p, c, r: (
        f"the claimed limit is 1/K = 1/{network(p).K} of the minimiser: the model predicts (1/K) w^T xtilde, so "
        "the weights must be K times the OLS coefficients A^-1 b; the prediction (1/K) w(inf)^T xtilde is the OLS one"
        if np.allclose(network(p).K * np.asarray(c), r, rtol=1e-7, atol=1e-10) else None
    ),
    corrected=Correction(latex=r"w(\infty) = K A^{-1}b", claimed=lambda p: network(p).K * large_note_limit(p)),
)


# =========================================================================== OLS solution
def ols_fit(p, size: int = LARGE_SAMPLE):
    """lstsq of y on xtilde (the OLS problem of the note)."""
    net = network(p, size=size)
    return gd.least_squares(net.xtilde, net.y)


claim(
    "gdln.ols.population_solution",
    sources=[quote(N000, "this is the population solution to the OLS problem of regressing y on \\tilde{x}"),
             quote(N001, "this is the population solution to the OLS problem of regressing Y on \\tilde{X}, "
                         "averaging across the distributions of the data *subject to* the gating architecture")],
    latex=r"A^{-1}b = \arg\min_\beta \langle (\beta^\top \tilde{x} - y)^2 \rangle_{x,y,g}",
    params=with_family(*INVERTIBLE),
    assumptions=DATA + (f"fixed gates; OLS by numpy lstsq (SVD) on a balanced sample of {LARGE_SAMPLE}, the same "
                        "sample as the distribution of A and b",),
    claimed=large_note_limit,
    reference=ols_fit,
)


def pooled_structures(p, size: int = LARGE_SAMPLE) -> tuple[list[Network], np.ndarray, np.ndarray]:
    """The G structures on a large sample, and the pooled design (one row per (structure, sample))."""
    base = network(p, "halfspace", size=size)
    nets = [Network(base.x, base.y, gate_values("halfspace", base.x, base.K, np.random.default_rng([p.seed, 20 + s])),
                    base.weights) for s in range(p.G)]
    return nets, np.vstack([m.xtilde for m in nets]), np.concatenate([m.y for m in nets])


def averaged_structures_solution(p) -> np.ndarray:
    r""":math:`A^{-1}b` with :math:`A = \frac1G\sum_g A_{x,y|g}`, :math:`b = \frac1G\sum_g b_{x,y|g}`."""
    nets, _, _ = pooled_structures(p)
    return solve_covariance(sum(m.A for m in nets) / len(nets), sum(m.b for m in nets) / len(nets), "the averaged A")


claim(
    "gdln.ols.population_solution.random_structures",
    sources=[quote(N000, "averaging across the distributions of the data *and* the gating architectures")],
    latex=r"A^{-1}b = \arg\min_\beta \langle (\beta^\top \tilde{x} - y)^2 \rangle_{x,y,g}, \quad g \text{ random}",
    params=structure_params,
    assumptions=DATA + ("reading of note 000: the gating structure is random, uniform over G structures of K "
                        "half-space gates; OLS by lstsq on all (structure, sample) rows",),
    claimed=averaged_structures_solution,
    reference=lambda p: (lambda nets, d, y: gd.least_squares(d, y))(*pooled_structures(p)),
)


# =========================================================================== (19)-(22): the OLS loss
def ols_loss(p, size: int = LARGE_SAMPLE):
    r"""The mean squared residual of the lstsq fit of y on :math:`\tilde x` (the loss of the OLS solution)."""
    net = network(p, size=size)
    fit = gd.least_squares(net.xtilde, net.y)
    return float(np.mean((net.xtilde @ fit.value - net.y) ** 2))


def _large(p) -> Network:
    net = network(p, size=LARGE_SAMPLE)
    net.require_invertible_A()  # (19)-(22) use A^{-1}; a rank-deficient design has no unique OLS fit
    return net


def eq19(p) -> float:
    net = _large(p)
    beta = np.linalg.solve(net.A, net.b)
    return float(np.mean((net.xtilde @ beta - net.y) ** 2))


def eq20(p) -> float:
    net = _large(p)
    pred = net.xtilde @ np.linalg.solve(net.A, net.b)
    return float(np.mean(pred**2 - 2 * net.y * pred + net.y**2))


def eq21(p) -> float:
    net = _large(p)
    return 0.5 - float(net.b @ np.linalg.solve(net.A, net.b))


def class_moments(net: Network, label: float) -> tuple[np.ndarray, np.ndarray]:
    r""":math:`\langle\tilde x\rangle_{|y}` and :math:`\langle\tilde x\tilde x^\top\rangle_{|y}` on one class."""
    xt = net.xtilde[net.y == label]
    return xt.mean(axis=0), xt.T @ xt / xt.shape[0]


def eq22(p, positive: float = 1.0) -> float:
    net = _large(p)
    m1, s1 = class_moments(net, positive)
    _, s0 = class_moments(net, 1.0 - positive)
    return 0.5 - 0.5 * float(m1 @ solve_covariance(s1 + s0, m1, "the class second moments"))


ols = Chain(
    "gdln.ols.loss",
    note=N000,
    params=with_family(*INVERTIBLE),
    reference=ols_loss,
    assumptions=DATA + (
        f"balanced sample of {LARGE_SAMPLE} (exactly half per class) used as the distribution of (x, y) and of (x', y')",
        "labels y = 1 for the xi_1 class, y = 0 for the xi_2 class, as in the note; loss without 1/2 as displayed",
    ),
)
ols.step(
    "19",
    latex=(r"\mathcal{L}_{OLS} = \left\langle \left( \tilde{x}'^\top (\langle \tilde{x}\tilde{x}^\top \rangle_{x,y,g})^{-1} "
           r"\langle \tilde{x}y \rangle_{x,y,g} - y' \right)^2 \right\rangle_{x',y',g'}"),
    also=[eq(N001, "60")],
    claimed=eq19,
    remark="Note 001 calls it L_infinity and writes X, Y; the same display.",
)
ols.step(
    "20",
    latex=(r"= \left\langle (\tilde{x}'^\top (\langle \tilde{x}\tilde{x}^\top \rangle_{x,y,g})^{-1} \langle \tilde{x}y "
           r"\rangle_{x,y,g})^2 - 2(y' \tilde{x}'^\top (\langle \tilde{x}\tilde{x}^\top \rangle_{x,y,g})^{-1} "
           r"\langle \tilde{x}y \rangle_{x,y,g}) + (y')^2 \right\rangle_{x',y',g'}"),
    also=[eq(N001, "61")],
    claimed=eq20,
)
ols.step(
    "21",
    latex=(r"= \frac{1}{2} - \langle y\tilde{x}^\top \rangle_{x,y,g} (\langle \tilde{x}\tilde{x}^\top \rangle_{x,y,g})^{-1} "
           r"\langle \tilde{x}y \rangle_{x,y,g}"),
    also=[eq(N001, "62")],
    claimed=eq21,
)
ols.step(
    "22",
    latex=(r"= \frac{1}{2} - \frac{1}{2} \langle \tilde{x} \rangle_{x,g|y=1}^\top (\langle \tilde{x}\tilde{x}^\top "
           r"\rangle_{x,g|y=1} + \langle \tilde{x}\tilde{x}^\top \rangle_{x,g|y=0})^{-1} \langle \tilde{x} \rangle_{x,g|y=1}."),
    also=[eq(N001, "63")],
    claimed=eq22,
)


REPLICATES = 8


def _replicate(p, r: int) -> Network:
    """An independent balanced sample (replicate r) with the gates and weights of the point."""
    from numerics import gdln as gdl

    base = _large(p)
    x, y = gdl.balanced_nlgp(p.n, p.xi1, p.xi2, p.gain, LARGE_SAMPLE, np.random.default_rng([p.seed, 100 + r]))
    return Network(x, y, gate_values(p.family, x, p.K, np.random.default_rng([p.seed, 2])), base.weights)


def _loss_22(net: Network, positive: float) -> float:
    m1, s1 = class_moments(net, positive)
    _, s0 = class_moments(net, 1.0 - positive)
    return 0.5 - 0.5 * float(m1 @ solve_covariance(s1 + s0, m1, "the class second moments"))


def _lstsq_loss(net: Network, target: np.ndarray) -> float:
    fit = gd.least_squares(net.xtilde, target)
    return float(np.mean((net.xtilde @ fit.value - target) ** 2))


@lru_cache(maxsize=64)
def _label_swap_replicates(key: tuple) -> tuple[np.ndarray, np.ndarray]:
    from derivations.api import Point

    p = Point(dict(key))
    nets = [_replicate(p, r) for r in range(REPLICATES)]
    return (np.array([_loss_22(m, 1.0) for m in nets]), np.array([_lstsq_loss(m, 1.0 - m.y) for m in nets]))


def _replicates(p) -> tuple[np.ndarray, np.ndarray]:
    return _label_swap_replicates(tuple(sorted(p.items())))


def eq22_replicated(p):
    r"""(22) with the :math:`\xi_1` class positive, averaged over independent samples; its standard error is
    that of the paired difference with the reference (the population statement needs sampling error)."""
    from numerics.estimate import Estimate

    claimed, swapped = _replicates(p)
    se = np.std(claimed - swapped, ddof=1) / np.sqrt(REPLICATES)
    return Estimate(np.asarray(claimed.mean()), "montecarlo", np.asarray(0.0), np.asarray(se), REPLICATES * LARGE_SAMPLE,
                    f"{REPLICATES} independent balanced samples of {LARGE_SAMPLE} (paired)", dof=REPLICATES - 1)


def swapped_label_loss(p):
    """The OLS loss with the xi_2 class labelled 1 (lstsq on 1 - y), on the same samples."""
    from numerics.estimate import Estimate

    _, swapped = _replicates(p)
    return Estimate(np.asarray(swapped.mean()), "montecarlo", np.asarray(0.0), np.asarray(0.0), REPLICATES * LARGE_SAMPLE,
                    "lstsq on the swapped labels, same samples", dof=REPLICATES - 1)


def other_class_formula(p):
    """(22) with the mean of the xi_2 class (the class labelled 1 after the swap), same samples."""
    from numerics.estimate import Estimate

    _, swapped = _replicates(p)
    values = np.array([_loss_22(_replicate(p, r), 0.0) for r in range(REPLICATES)])
    se = np.std(values - swapped, ddof=1) / np.sqrt(REPLICATES)
    return Estimate(np.asarray(values.mean()), "montecarlo", np.asarray(0.0), np.asarray(se), REPLICATES * LARGE_SAMPLE,
                    "(22) with the other class mean", dof=REPLICATES - 1)


claim(
    "gdln.ols.wlog_labels",
    sources=[quote(N000, "In the final step, we assumed (WLOG) that the negative class is y = 0 and the positive class is y = 1.")],
    latex=(r"\mathcal{L}_{OLS}\big|_{y=1 \text{ on } p_{\xi_1}} = \mathcal{L}_{OLS}\big|_{y=1 \text{ on } p_{\xi_2}}"),
    params=with_family(*INVERTIBLE),
    assumptions=DATA[:1] + DATA[2:] + (
        "reading: 'WLOG' = the loss (22) does not depend on which class is called positive; claimed: (22) with the "
        "xi_1 class positive; reference: the OLS loss (lstsq) with the xi_2 class labelled 1 instead",
        f"a population statement: both sides are averaged over {REPLICATES} independent balanced samples of "
        f"{LARGE_SAMPLE}, with the standard error of the paired difference (Student t, {REPLICATES - 1} dof)",
    ),
    claimed=eq22_replicated,
    reference=swapped_label_loss,
    diagnose=lambda p, c, r: (
        "the model has no intercept, so relabelling y -> 1 - y changes the OLS loss unless the classes have the "
        "same distribution; with the xi_2 class labelled 1 the loss is (22) with that class's mean, "
        "1/2 - 1/2 <xtilde>_{y=0}^T (S_1 + S_0)^-1 <xtilde>_{y=0}"
    ),
    corrected=Correction(
        latex=(r"\mathcal{L}_{OLS}\big|_{y=1 \text{ on } p_{\xi_2}} = \frac{1}{2} - \frac{1}{2} \langle \tilde{x} "
               r"\rangle_{|y=0}^\top (\langle \tilde{x}\tilde{x}^\top \rangle_{|y=1} + \langle \tilde{x}\tilde{x}^\top "
               r"\rangle_{|y=0})^{-1} \langle \tilde{x} \rangle_{|y=0}"),
        claimed=other_class_formula,
        remark="(22) holds for the other labelling with the mean of the class that is labelled 1",
    ),
)

definition(
    "gdln.gtilde.binary",
    sources=[eq(N000, "23"), eq(N001, "64")],
    latex=r"\tilde{g}(x) = \begin{bmatrix} g_1(x) \\ \vdots \\ g_K(x) \end{bmatrix} \in \{0, 1\}^K.",
)


def eq24(p) -> float:
    r""":math:`\mathcal L^*(\tilde g)` of (24) with the moments of :math:`\tilde g \otimes x` built with ``np.kron``
    (mixed-product rule per gate pattern, :mod:`numerics.models.gdln`), class by class."""
    net = _large(p)
    pos, neg = net.y == 1, net.y == 0
    m = gd.kron_first_moment(net.gates[pos], net.x[pos])
    s = gd.kron_second_moment(net.gates[pos], net.x[pos]) + gd.kron_second_moment(net.gates[neg], net.x[neg])
    return float(m @ solve_covariance(s, m, "the second moment of g x"))


claim(
    "gdln.ols.eq24",
    sources=[eq(N000, "24"), eq(N001, "65")],
    latex=(r"\mathcal{L}^*(\tilde{g}) = \langle \tilde{g} \otimes x \rangle_{x,g|y=1}^\top (\langle (\tilde{g} \otimes x)"
           r"(\tilde{g} \otimes x)^\top \rangle_{x,g|y=1} + \langle (\tilde{g} \otimes x)(\tilde{g} \otimes x)^\top "
           r"\rangle_{x,g|y=0})^{-1} \langle \tilde{g} \otimes x \rangle_{x,g|y=1}"),
    params=with_family(*INVERTIBLE),
    assumptions=DATA + (
        "reading of 'minimizing (22) is equivalent to maximizing (24)': L_OLS = 1/2 - L*/2 for every gating, "
        "so L* is compared with 1 - 2 L_OLS, L_OLS the mean squared residual of the lstsq fit",
    ),
    claimed=eq24,
    reference=lambda p: 1.0 - 2.0 * ols_loss(p),
    note_flag="I will have to think more about this.",
    remark="Note 001 (65) names it L*_infinity; the same display. 001 (65) and 000 (24) also restate (22) with g (x) x.",
)

incomplete(
    "gdln.ols.diagonal_precision",
    sources=[quote(N000, "I think that the best precision matrix would be maximally diagonal (no clue if this is "
                         "actually true! but maybe it holds empirically?)")],
    latex=r"\arg\max_{\tilde g} \mathcal{L}^*(\tilde g) \ \text{has a maximally (block) diagonal } "
          r"\left(\langle \tilde x \tilde x^\top \rangle\right)^{-1}",
    note_flag="no clue if this is actually true! ... But tbh I haven't got the slightest clue!!",
    remark="A conjecture about the optimal gating, left open by the note; not checkable as stated.",
)


def off_diagonal_precision(p) -> np.ndarray:
    r"""The blocks :math:`(A^{-1})_{ij}`, i != j, of the precision matrix (numpy inverse)."""
    net = network(p, "exclusive")
    net.require_invertible_A()  # a cone that catches no sample leaves A singular: no A^{-1} to speak of
    inv = np.linalg.inv(net.A)
    n = net.n
    blocks = [inv[i * n:(i + 1) * n, j * n:(j + 1) * n] for i in range(net.K) for j in range(net.K) if i != j]
    return np.array(blocks) if blocks else np.zeros((0, n, n))


claim(
    "gdln.ols.tiling_gates_block_precision",
    sources=[quote(N000, "Gates that tile the space without overlap would achieve this (I think?)")],
    latex=r"g_i g_j = 0 \ (i \neq j) \implies \left(A^{-1}\right)_{ij} = 0 \ (i \neq j)",
    params={**{k: v for k, v in with_family("exclusive").items() if k != "family"}, "K": st.integers(2, 4)},
    assumptions=DATA + ("'this' read as: the precision matrix A^-1 is block diagonal (blocks of different gates "
                        "decoupled); exclusive cone gates tile the space without overlap",),
    claimed=lambda p: np.zeros_like(off_diagonal_precision(p)),
    reference=off_diagonal_precision,
    method="exact",
    tolerances=Tolerances(scale=1.0),
    note_flag="(I think?) But tbh I haven't got the slightest clue!!",
    remark="The entries of A^-1 are O(1) or larger here; scale 1 is the size against which 0 is judged.",
)
