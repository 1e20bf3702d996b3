r"""One ReLU neuron and the function f: note 003 sections 1-2, eqs (1)-(6), properties 1-4 of f.

Two classes :math:`X_1 \sim p(\xi_1)`, :math:`X_0 \sim p(\xi_0)` with
:math:`\operatorname{Cov}(X) = \Sigma(\xi)`, one neuron :math:`\hat y = \operatorname{ReLU}(\langle w, x\rangle)`, and

.. math::

    f(w) = \frac{\partial}{\partial w}\mathbb E_{X|Y=Y_i}[\operatorname{ReLU}(\langle w, X\rangle)]
         = \mathbb E_{X|Y=Y_i}[\mathbb 1(\langle w, X\rangle \ge 0)X].

Data families (:mod:`numerics.models.families`): Gaussian, NLGP (note 003 (7)),
elliptical Student-t, and the hypercube limit sign(Z).  Property 1 of f is
checked on common random numbers: both sides are estimated on the same
sampled X, so an invariance is tested against the standard error of the
paired difference.  Properties 2 and 3, property 4's transpose rule and footnote 2
compute f at both arguments by the low-dimensional routes of :mod:`.routes`
(Gaussian regression and the chi-square mixing moment for Gaussian and
Student-t data, orthant enumeration for the hypercube, conditional Monte Carlo
for the NLGP); the elliptical form is checked against the gradient of
:math:`\mathbb E[\operatorname{ReLU}(\langle w, X\rangle)]` by 1-D quadrature and Richardson
differences.  Y_i = 1 for class :math:`\xi_1` (the class with label 1).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from hypothesis import strategies as st
from scipy import integrate, stats

from numerics.models import families as fam
from numerics.models import fourier as fo
from numerics.estimate import Estimate

from derivations.api import Chain, Correction, Sampled, Tolerances, claim, definition, eq, quote
from . import common as rc
from . import routes
from derivations.topics._notes import N003
from .gaussian import decomposition
from .steady_states import exact_flow_fourier

definition(
    "relu.f.classes",
    sources=[eq(N003, "1")],
    latex=r"X_1 \sim p(\xi_1), \quad X_0 \sim p(\xi_0),",
)
definition(
    "relu.f.model",
    sources=[eq(N003, "3")],
    latex=r"\hat{y}(x) = \text{ReLU}(\langle w, x \rangle),",
)


# --------------------------------------------------------------------------- (2)
def second_moment(p, eps) -> np.ndarray:
    r""":math:`XX^\top` on sampled class data (mean zero, so its mean is Cov(X))."""
    x = rc.draw_class(p, eps, 1)
    return x[:, :, None] * x[:, None, :]


COV_LATEX = r"\text{Cov}(X) = \Sigma(\xi), \quad \Sigma(\xi)_{ij} = \exp(-(i-j)^2/\xi^2)."
for family in ("gaussian", "nlgp"):
    claim(
        "relu.f.covariance." + family,
        role="stated" if family == "gaussian" else "unstated",
        sources=[eq(N003, "2")],
        latex=COV_LATEX,
        params={"n": rc.small_n, "xi1": rc.lengths, "family": st.just(family), "g": rc.gains},
        assumptions=(("reading: p Gaussian, N(0, Sigma(xi))" if family == "gaussian" else
                      "reading: p the NLGP of note 003 (7), X_i = erf(g Z_i)/sqrt(Z(g)), Z ~ N(0, Sigma(xi))"),
                     rc.PLAIN, "Cov(X) by Monte Carlo on sampled data"),
        claimed=lambda p: rc.latent_cov(p, 1),
        reference=Sampled(lambda p: 2 * p.n, second_moment, "E[X X^T]"),
        remark=("" if family == "gaussian" else
                "The note itself says later 'Cov(X) != Sigma(xi), but it's pretty close' (see nlgp.covariance)."),
        corrected=None if family == "gaussian" else Correction(
            latex=r"\text{Cov}(X)_{ij} = \frac{\sin^{-1}(2g^2\Sigma_{ij}/(1+2g^2))}{\sin^{-1}(2g^2/(1+2g^2))}",
            claimed=lambda p: fam.exact_covariance("nlgp", rc.latent_cov(p, 1), p.g),
            remark="the arcsine map of the latent correlations (nlgp.covariance)",
        ),
    )


# --------------------------------------------------------------------------- f and its properties
def f_samples(p, eps, w: np.ndarray, label: int = 1) -> np.ndarray:
    r""":math:`\mathbb 1(\langle w, X\rangle \ge 0)X` per class-``label`` sample."""
    x = rc.draw_class(p, eps, label)
    return (x @ w >= 0)[:, None] * x


def relu_derivative(p, eps) -> np.ndarray:
    r"""Per-sample :math:`\partial_w\operatorname{ReLU}(\langle w, X\rangle)` by central differences."""
    x = rc.draw_class(p, eps, 1)
    return rc.central_difference(lambda v: rc.relu(x @ v), rc.weights(p))


F_PARAMS = {"n": rc.small_n, "xi1": rc.lengths, "xi0": rc.lengths, "w_seed": rc.seeds,
            "family": rc.families, "g": rc.gains, "nu": st.sampled_from([5, 6])}
F_DATA = ("class-1 data from the family: Gaussian, NLGP (g), Student-t (nu, Cov = Sigma) or hypercube sign(Z); "
          + rc.PLAIN, "w ~ N(0, I_n) from a seed")
F_SAMPLED = Sampled(rc.two_class_dim, lambda p, eps: f_samples(p, eps, rc.weights(p)), "f(w) = E[1(<w,X> >= 0) X | Y=1]")
# the independent route to f, (4) itself: the derivative of E[ReLU(<w, X>)] (F_SAMPLED is the note's line (5))
F_DERIVATIVE = Sampled(rc.two_class_dim, lambda p, eps: relu_derivative(p, eps), "d/dw E[ReLU(<w, X>)] by central differences")

claim(
    "relu.f.eq5",
    sources=[eq(N003, "5")],
    latex=r"f(w) = \mathbb{E}_{X|Y=Y_i} [\mathbb{1}(\langle w, X \rangle \geq 0) X].",
    params=F_PARAMS,
    assumptions=F_DATA + ("f(w) := d/dw E[ReLU(<w, X>) | Y = Y_i] as in (4), by central differences of the sampled ReLU",),
    claimed=F_SAMPLED,
    reference=F_DERIVATIVE,
)
claim(
    "relu.f.property1",
    sources=[quote(N003, "*It is invariant to scaling w :* $f(w) = f(\\alpha w)$ for $\\alpha > 0$")],
    latex=r"f(w) = f(\alpha w) \quad \text{for } \alpha > 0",
    params={**F_PARAMS, "alpha": st.sampled_from([0.1, 3.0, 1000.0])},
    assumptions=F_DATA,
    claimed=F_SAMPLED,
    reference=Sampled(rc.two_class_dim, lambda p, eps: f_samples(p, eps, p.alpha * rc.weights(p)), "f(alpha w)"),
)
claim(
    "relu.f.property2",
    sources=[quote(N003, "*It is sign equivariant:* $f(-w) = -f(w)$")],
    latex=r"f(-w) = -f(w)",
    params=F_PARAMS,
    assumptions=F_DATA + ("symmetric data (X and -X have the same law) for every family",),
    # f at w and at -w by the low-dimensional routes of routes.py, each on its own random numbers: on common
    # sampled X the paired difference -f(w) - f(-w) is -E[X] sample by sample, no less variable than either side
    claimed=routes.restricted_mean_side(transform_f=lambda p: -np.eye(p.n)),
    reference=routes.restricted_mean_side(transform_w=lambda p: -np.eye(p.n)),
)
PROPERTY2_SAMPLED = (Sampled(rc.two_class_dim, lambda p, eps: -f_samples(p, eps, rc.weights(p)), "-f(w)"),
                     Sampled(rc.two_class_dim, lambda p, eps: f_samples(p, eps, -rc.weights(p)), "f(-w)"))


def shifted(p, eps) -> np.ndarray:
    r""":math:`\mathcal C\,\mathbb 1(\langle w, X\rangle \ge 0)X` with the shift down by one (footnote 1)."""
    c = fo.cyclic_shift(p.n)
    return f_samples(p, eps, rc.weights(p)) @ c.T


PROPERTY3 = [quote(N003, "*It is translation equivariant*¹: $f(\\mathcal{C} w) = \\mathcal{C} f(w)$"),
             quote(N003, "So, if \\mathcal{C} is a shift down by 1, $x_i = (\\mathcal{C} x)_{i+1}$")]
for distance in ("ring", "plain"):
    claim(
        "relu.f.property3" + ("" if distance == "ring" else ".plain"),
        role="stated" if distance == "ring" else "contrary",
        sources=PROPERTY3,
        latex=r"f(\mathcal{C} w) = \mathcal{C} f(w)",
        params={**F_PARAMS, "n": st.integers(4, 5), "xi1": st.sampled_from([1.0, 0.7, 1.2]),
                "distance": st.just(distance)},
        assumptions=(("reading: ring distance, Sigma(xi) circulant (p invariant under circular shifts)"
                      if distance == "ring" else
                      "reading: the plain distance of note 003 (2) (Toeplitz: not invariant under circular shifts)"),
                     "class-1 data from the family (Gaussian, NLGP, Student-t, hypercube)", "C: shift down by one"),
        # f by the low-dimensional routes of routes.py (Monte Carlo sides: PROPERTY3_SAMPLED)
        claimed=routes.restricted_mean_side(transform_f=lambda p: fo.cyclic_shift(p.n)),
        reference=routes.restricted_mean_side(transform_w=lambda p: fo.cyclic_shift(p.n)),
    )
PROPERTY3_SAMPLED = (Sampled(rc.two_class_dim, shifted, "C f(w)"),
                     Sampled(rc.two_class_dim, lambda p, eps: f_samples(p, eps, fo.cyclic_shift(p.n) @ rc.weights(p)), "f(C w)"))


# --------------------------------------------------------------------------- property 4 and footnote 2
def law_preserving_map(p) -> np.ndarray:
    r""":math:`A = \Sigma^{1/2}Q\Sigma^{-1/2}` with Q a random orthogonal matrix: :math:`A\Sigma A^\top = \Sigma`, |det A| = 1,
    so p(Ax) = p(x) for every elliptical law with scatter :math:`\Sigma`; A is not orthogonal in general."""
    sigma = rc.latent_cov(p, 1)
    lam, vec = np.linalg.eigh(sigma)
    root = vec @ np.diag(np.sqrt(lam)) @ vec.T
    q, r = np.linalg.qr(np.random.default_rng([p.w_seed, 99]).standard_normal((p.n, p.n)))
    q = q * np.sign(np.diag(r))
    return root @ q @ np.linalg.inv(root)


def property4_claimed(p, eps) -> np.ndarray:
    a = law_preserving_map(p)
    return f_samples(p, eps, rc.weights(p)) @ np.linalg.inv(a)  # rows: (A^{-T} f)^T = f^T A^{-1}


ELLIPTIC = {**F_PARAMS, "family": st.sampled_from(["gaussian", "student"])}
PROPERTY4_SOURCE = quote(N003, "then $f(Aw) = A^{-\\top} f(w)$")
claim(
    "relu.f.property4",
    sources=[quote(N003, "*It can preserve symmetry in p :* If p is symmetric w.r.t. some invertible linear transformation A"),
             PROPERTY4_SOURCE],
    latex=r"p_\xi(x) = p_\xi(Ax) \ \forall x \implies f(Aw) = A^{-\top} f(w)",
    params=ELLIPTIC,
    assumptions=("Gaussian or Student-t class-1 data with scatter Sigma(xi), " + rc.PLAIN,
                 "A = Sigma^{1/2} Q Sigma^{-1/2}, Q random orthogonal: p(Ax) = p(x), A not orthogonal"),
    claimed=Sampled(rc.two_class_dim, property4_claimed, "A^{-T} f(w)"),
    reference=Sampled(rc.two_class_dim, lambda p, eps: f_samples(p, eps, law_preserving_map(p) @ rc.weights(p)), "f(A w)"),
    diagnose=lambda p, c, ref: (
        "from p(Ax) = p(x) (so AX ~ X): f(w) = E[1(<w, AX> >= 0) AX] = A f(A^T w), i.e. f(A^T w) = A^{-1} f(w) "
        "(relu.f.property4.transpose_rule); the stated f(Aw) = A^{-T} f(w) needs p invariant under A^T instead, "
        "and both coincide only for orthogonal A (footnote 2)"
    ),
)


def transpose_rule_claimed(p, eps) -> np.ndarray:
    a = law_preserving_map(p)
    return f_samples(p, eps, rc.weights(p)) @ np.linalg.inv(a).T  # rows: (A^{-1} f)^T


claim(
    "relu.f.property4.transpose_rule",
    role="completion",
    sources=[PROPERTY4_SOURCE],
    latex=r"p_\xi(x) = p_\xi(Ax) \ \forall x \implies f(A^\top w) = A^{-1} f(w)",
    params=ELLIPTIC,
    assumptions=("Gaussian or Student-t class-1 data with scatter Sigma(xi), " + rc.PLAIN,
                 "A = Sigma^{1/2} Q Sigma^{-1/2}, Q random orthogonal: p(Ax) = p(x), A not orthogonal"),
    claimed=routes.restricted_mean_side(transform_f=lambda p: np.linalg.inv(law_preserving_map(p))),
    reference=routes.restricted_mean_side(transform_w=lambda p: law_preserving_map(p).T),
    remark="Not in the note: the transformation rule derivcheck derives from p(Ax) = p(x), checked the same way.",
)


def orthogonal_map(p) -> np.ndarray:
    """A law-preserving orthogonal map: the reflection i -> n-1-i (all families), or -I."""
    return np.eye(p.n)[::-1] if p.map == "reflection" else -np.eye(p.n)


claim(
    "relu.f.footnote2",
    sources=[quote(N003, "If A is orthogonal, then $f(Aw) = Af(w)$.")],
    latex=r"f(Aw) = Af(w) \quad (A \text{ orthogonal}, \ p_\xi(Ax) = p_\xi(x))",
    params={**F_PARAMS, "map": st.sampled_from(["reflection", "minus_identity"])},
    assumptions=F_DATA + ("A: the reflection i -> n-1-i or -I, orthogonal maps preserving every family's law",),
    claimed=routes.restricted_mean_side(transform_f=orthogonal_map),
    reference=routes.restricted_mean_side(transform_w=orthogonal_map),
)
TRANSPOSE_RULE_SAMPLED = (Sampled(rc.two_class_dim, transpose_rule_claimed, "A^{-1} f(w)"),
                          Sampled(rc.two_class_dim, lambda p, eps: f_samples(p, eps, law_preserving_map(p).T @ rc.weights(p)), "f(A^T w)"))
FOOTNOTE2_SAMPLED = (Sampled(rc.two_class_dim, lambda p, eps: f_samples(p, eps, rc.weights(p)) @ orthogonal_map(p).T, "A f(w)"),
                     Sampled(rc.two_class_dim, lambda p, eps: f_samples(p, eps, orthogonal_map(p) @ rc.weights(p)), "f(A w)"))
claim(
    "relu.f.property4_captures",
    sources=[quote(N003, "(Note property 4 captures properties 2 and 3.)")],
    latex=r"A \in \{-I, \mathcal{C}\}: \ A^{-\top} = A",
    params={"n": st.integers(2, 12), "which": st.sampled_from(["minus_identity", "shift"])},
    assumptions=("property 4 with A = -I gives property 2 and with A = C gives property 3 iff A^{-T} = A",),
    claimed=lambda p: (-np.eye(p.n) if p.which == "minus_identity" else fo.cyclic_shift(p.n)),
    reference=lambda p: np.linalg.inv(-np.eye(p.n) if p.which == "minus_identity" else fo.cyclic_shift(p.n)).T,
    method="exact",
)


# --------------------------------------------------------------------------- elliptical form
@lru_cache(maxsize=16)
def positive_part_mean(family: str, nu: int) -> float:
    r""":math:`\kappa = \mathbb E[\max(T, 0)]` for the unit-variance marginal T of the family, by quadrature."""
    if family == "gaussian":
        value, _ = integrate.quad(lambda t: t * stats.norm.pdf(t), 0, np.inf, epsabs=1e-14, epsrel=1e-12)
        return float(value)
    scale = np.sqrt((nu - 2) / nu)
    value, _ = integrate.quad(lambda t: t * stats.t.pdf(t, nu), 0, np.inf, epsabs=1e-14, epsrel=1e-12)
    return float(value * scale)


def elliptical_form(p, w: np.ndarray | None = None) -> np.ndarray:
    r""":math:`g(w^\top\Sigma w)\Sigma w` with :math:`g(q) = \kappa q^{-1/2}`."""
    w = rc.weights(p) if w is None else w
    sigma = rc.latent_cov(p, 1)
    return positive_part_mean(p.family, p.get("nu", 5)) * sigma @ w / np.sqrt(w @ sigma @ w)


claim(
    "relu.f.elliptical",
    sources=[quote(N003, "For elliptical data more generally,"),
             quote(N003, "is some scalar function that scales like $\\sim x^{-\\frac{1}{2}}$ for inputs x")],
    latex=r"f(w) = g(w^\top \Sigma_i w) \Sigma_i w, \quad g(x) \sim x^{-\frac{1}{2}}",
    params=ELLIPTIC,
    assumptions=("Gaussian or Student-t class-1 data, Cov = Sigma(xi_1), " + rc.PLAIN,
                 "g(q) = kappa q^{-1/2} with kappa = E[max(T, 0)] of the unit-variance marginal, by quadrature",
                 "reference: (4), the gradient of E[ReLU(<w, X>)] by Richardson differences, E[ReLU] a 1-D integral over "
                 "the law of <w, Z> times E[R] (X = R Z; R = 1 for Gaussian data)"),
    claimed=elliptical_form,
    reference=routes.relu_gradient,
    remark="For elliptical data E[X | S] = S Sigma w / q, so the x^{-1/2} scaling is exact, not only asymptotic.",
)


# --------------------------------------------------------------------------- (4) and (6)
def eq4_statistic(p, eps) -> np.ndarray:
    r"""(4) per sample: :math:`\frac12 f(w) - \frac12(\Sigma_0+\Sigma_1)w`, f by central differences of ReLU on the class-1 draw."""
    w = rc.weights(p)
    return 0.5 * relu_derivative(p, eps) - 0.5 * (rc.class_cov(p, 0) + rc.class_cov(p, 1)) @ w


def eq6_claimed(p) -> np.ndarray:
    r"""(6): :math:`g(u^\top\Lambda_iu)\Lambda_iu - \frac12(\Lambda_0+\Lambda_1)u` with the elliptical g."""
    u = rc.fourier_basis(p).T @ rc.weights(p)
    l1, l0 = rc.fourier_eigenvalues(p, 1), rc.fourier_eigenvalues(p, 0)
    kappa = positive_part_mean(p.family, p.get("nu", 5))
    return kappa * l1 * u / np.sqrt(u @ (l1 * u)) - 0.5 * (l0 + l1) * u


FLOW_RING = {"n": st.integers(4, 5), "xi1": st.sampled_from([1.0, 0.7, 1.2]), "xi0": st.sampled_from([1.0, 0.7, 1.2]),
             "w_seed": rc.seeds, "distance": st.just("ring"), "family": st.just("gaussian")}
EQ4_LATEX = (r"\tau \frac{d}{dt} w = -\frac{\partial \mathcal{L}}{\partial w} = \frac{1}{2} \underbrace{\left[\frac{\partial}"
             r"{\partial w} \mathbb{E}_{X|Y=Y_i} [\text{ReLU}(\langle w, x \rangle)] \right]}_{\triangleq f(w)} - \frac{1}{2} "
             r"(\Sigma_0 + \Sigma_1) w,")
EQ6_LATEX = r"\tau \frac{d}{dt} u = g(u^\top \Lambda_i u) \Lambda_i u - \frac{1}{2} (\Lambda_0 + \Lambda_1) u,"
for loss_name, factor, text in (("half", 1.0, rc.LOSS_HALF), ("plain", 2.0, "loss L = E[(yhat - Y)^2] (no 1/2); tau = 1")):
    chain = Chain(
        f"relu.f.flow_{loss_name}_loss",
        note=N003,
        params=FLOW_RING,
        assumptions=(rc.LABELS, text, rc.STRATIFIED, "Y_i = 1 for class xi_1",
                     "Gaussian classes (elliptical, as (6) needs), Sigma_c = Cov(X | Y = c), " + rc.RING),
    )
    chain.step(
        "4",
        latex=EQ4_LATEX,
        claimed=Sampled(rc.two_class_dim, eq4_statistic, "(4) per sample"),
        reference=Sampled(rc.two_class_dim, (lambda k: lambda p, eps: rc.loss_gradient_fd(p, eps, rc.weights(p), k))(factor),
                          "-dL/dw by central differences of the sampled loss"),
        remark=f"Reading: {text}.",
        role="unstated",  # note 003 never states its loss: both constants fill a gap
    )
    chain.step(
        "6",
        latex=EQ6_LATEX,
        claimed=eq6_claimed,
        # P^T (-dL/dw) of the exact Gaussian population loss, complex-step differentiated (Monte Carlo: the
        # central differences of the sampled loss, flow_reference_sampled)
        reference=(lambda k: lambda p: routes.times(exact_flow_fourier(p), (k, 0.0)))(factor),
        previous_form=lambda p: rc.fourier_basis(p).T @ (0.5 * elliptical_form(p)
                                                         - 0.5 * (rc.class_cov(p, 0) + rc.class_cov(p, 1)) @ rc.weights(p)),
        assumptions=(rc.FOURIER, "g from the elliptical form, g(q) = kappa q^{-1/2}"),
        remark=f"Reading: {text}. Follows from (4) with f = g Sigma_i w?",
        role="unstated",
    )


def flow_reference_sampled(factor: float) -> Sampled:
    """The Monte Carlo reference of the (6) steps: P^T (-dL/dw) by central differences of the sampled loss."""
    return Sampled(rc.two_class_dim, lambda p, eps: rc.loss_gradient_fd(p, eps, rc.weights(p), factor) @ rc.fourier_basis(p),
                   "P^T (-dL/dw)")


# --------------------------------------------------------------------------- prose of section 2
def frequency_rates(p) -> tuple[np.ndarray, np.ndarray]:
    r"""Shrink rates :math:`\frac12(\lambda_0 + \lambda_1)` per frequency 0..n/2 and the frequencies."""
    freqs = fo.frequencies(p.n)
    rates = 0.5 * (rc.fourier_eigenvalues(p, 0) + rc.fourier_eigenvalues(p, 1))
    first = np.array([np.argmax(freqs == f) for f in range(p.n // 2 + 1)])
    return rates[first], np.arange(p.n // 2 + 1)


claim(
    "relu.f.low_frequencies_first",
    sources=[quote(N003, "specifically shrinking lower-frequency oscillations faster than higher-frequency ones")],
    latex=r"\tfrac12(\lambda_0^{(k)} + \lambda_1^{(k)}) \text{ decreases with the frequency } k",
    params={"n": st.integers(6, 10), "xi1": rc.ring_lengths, "xi0": rc.ring_lengths, "distance": st.just("ring")},
    assumptions=(rc.RING, rc.FOURIER, "the second term -(1/2)(Sigma_0 + Sigma_1) w of (4) in the Fourier basis",
                 "encoded as: the rates sorted in decreasing order equal the rates listed by increasing frequency"),
    claimed=lambda p: np.sort(frequency_rates(p)[0])[::-1],
    reference=lambda p: frequency_rates(p)[0],
    method="exact",
    note_flag="Does this make sense?",
)


def init_flow(p, ctx) -> Estimate:
    r"""The flow at w ~ N(0, I_n) (1/2-loss): :math:`\frac12 f(w) - \frac14(\Sigma_0+\Sigma_1)w`, f by Monte Carlo;
    :math:`\mathbb E[SX1(S>0)] = \frac12\operatorname{Cov}(X)w` holds exactly for symmetric data."""
    w = rc.weights(p)
    f = ctx.expect(lambda eps: f_samples(p, eps, w), rc.per_class_dim(p))
    second = 0.25 * (rc.class_cov(p, 0) + rc.class_cov(p, 1)) @ w
    return Estimate(0.5 * f.value - second, "montecarlo", np.zeros(p.n), 0.5 * f.std_error, f.samples, f.detail)


claim(
    "relu.f.second_term_dominates",
    sources=[quote(N003, "Early on, with w initialized as standard Gaussian, the second term dominates the dynamics.")],
    latex=r"\tau \frac{d}{dt} w \approx -\frac{1}{4}(\Sigma_0 + \Sigma_1) w \quad (w \sim \mathcal{N}(0, I_n))",
    params={"n": st.just(40), "xi1": st.just(2.0), "xi0": st.just(1.0), "w_seed": st.integers(0, 1),
            "family": st.just("nlgp"), "g": st.sampled_from([0.01, 1.0, 3.0])},
    assumptions=(rc.LABELS, rc.LOSS_HALF, "regime: n = 40, xi_1 = 2, xi_0 = 1 (the notes' figures), w ~ N(0, I_n), "
                 "NLGP data with g in {0.01 (nearly Gaussian), 1, 3}, " + rc.PLAIN,
                 "approximation accepted when the neglected term (1/2) f(w) is within 10% of the largest entry of the flow"),
    claimed=lambda p: -0.25 * (rc.class_cov(p, 0) + rc.class_cov(p, 1)) @ rc.weights(p),
    reference=init_flow,
    tolerances=Tolerances(rtol=0.1, max_resolution=0.2),
    remark="Stated tolerance 10%; the measured relative size of the neglected term is in the evidence (max relative discrepancy).",
)


# --------------------------------------------------------------------------- the extra fact
def jacobian_of_f(p) -> np.ndarray:
    r"""Jacobian of the elliptical :math:`f(w) = \kappa\,\Sigma w/\sqrt{w^\top\Sigma w}` by complex steps (confirmed
    form, relu.f.elliptical)."""
    w = rc.weights(p)
    h = 1e-30
    sigma = rc.latent_cov(p, 1)
    kappa = positive_part_mean(p.family, p.get("nu", 5))
    cols = []
    for j in range(p.n):
        wc = w + 1j * h * np.eye(p.n)[j]
        cols.append(np.imag(kappa * sigma @ wc / np.sqrt(wc @ sigma @ wc)) / h)
    return np.stack(cols, axis=1)


claim(
    "relu.f.extra_fact",
    sources=[quote(N003, "One additional thing we can say about f is that")],
    latex=r"\frac{\partial}{\partial w} f(w)_i \perp w \quad \forall i, \quad \text{and} \quad \frac{\partial}{\partial w} f(w) \perp w",
    params={k: v for k, v in ELLIPTIC.items() if k not in ("xi0", "g")},
    assumptions=("Gaussian or Student-t class-1 data; f in its elliptical form (relu.f.elliptical)",
                 "checked as J w = 0 and w^T J = 0 for the Jacobian J of f, J by complex-step differentiation"),
    claimed=lambda p: np.zeros(2 * p.n),
    reference=lambda p: np.concatenate([jacobian_of_f(p) @ rc.weights(p), rc.weights(p) @ jacobian_of_f(p)]),
    method="exact",
    tolerances=Tolerances(atol=1e-12, scale=1.0),
)


def delta_form(p) -> np.ndarray:
    r"""The note's last line for Gaussian data: :math:`\int p\,\delta(\langle w,x\rangle)x x^\top = \varphi_S(0)\,\mathbb E[XX^\top|S=0]
    = A\Sigma A^\top/\sqrt{2\pi q}` (Gaussian conditioning)."""
    sigma = rc.latent_cov(p, 1)
    w = rc.weights(p)
    _, a = decomposition(sigma, w)
    return a @ sigma @ a.T / np.sqrt(2 * np.pi * (w @ sigma @ w))


claim(
    "relu.f.extra_fact.delta",
    sources=[quote(N003, "where δ is the Dirac delta function.")],
    latex=r"\frac{\partial}{\partial w_j} f(w)_i = \int_{\mathbb{R}^n} p_\xi(x) \delta(\langle w, x \rangle) x_i x_j dx",
    params={k: v for k, v in ELLIPTIC.items() if k not in ("xi0", "g", "nu")} | {"family": st.just("gaussian")},
    assumptions=("Gaussian class-1 data, " + rc.PLAIN,
                 "the delta integral evaluated as phi_S(0) E[X X^T | S = 0] by Gaussian conditioning; "
                 "the Jacobian of f by complex steps of its Gaussian form"),
    claimed=delta_form,
    reference=jacobian_of_f,
    method="exact",
)
