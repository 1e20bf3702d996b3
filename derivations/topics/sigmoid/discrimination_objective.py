r"""Note 004, section 2 "Localization" and "Understanding the model": the
discrimination argument, eqs (6)-(14), the Gaussian-data computation of
:math:`\mathbb P(|\langle w, X_1\rangle| > |\langle w, X_0\rangle|)` and the
"difference in means" eigenvector argument.

Discrete version throughout (the note's "discrete land"): signals in
:math:`\mathbb R^n` on the ring :math:`\mathbb Z_n`, ring distance,
:math:`(w*x)(\tau) = \sum_s w(s)x(\tau-s)` indices mod n, uniform positions
:math:`\tau, \tau'` on the ring, Euclidean inner products, and for the
operators :math:`K_i` the covariance matrices
:math:`k_i(s,t) = \mathbb{E}[X_i(s)X_i(t)]`.

Data: independent :math:`X_1 \sim p_{\xi_1}`, :math:`X_0 \sim p_{\xi_0}`, NLGP
:math:`X = \operatorname{erf}(gZ)/\sqrt{Z_c(g)}`, :math:`Z \sim \mathcal N(0, \Sigma(\xi))`
with the ring kernel (positive semidefinite for n >= 8, :math:`\xi \le 1.6`),
and the Gaussian case (:math:`g \to 0`) where the note assumes it.
Activation :math:`\sigma = \operatorname{erf}(\cdot/\sqrt2)`, as the section states.

The argmax lines (7)-(14) are checked as identities of the objectives (the
probabilities inside the argmax), for every receptive field w: equal
objectives have equal maximizers.  Where the objectives are equal event by
event (monotonicity, squaring, polar form, Parseval), the events themselves
are compared sample by sample on a fixed block of 4096 draws (exact);
where they are only equal in law (translation invariance), by paired
Monte Carlo.  Each of (8)-(14) is checked against the line it rewrites (its
reference is that line's objective), so its verdict is the verdict of the
step; whether a line is true of :math:`w^-` as defined then rests on (7), the
only step checked against the definition itself.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from scipy import integrate, optimize
from scipy.special import erf, erfc, ndtr, roots_legendre

from numerics import conditioning as cd
from numerics.models import datamodels as dm
from numerics.models import ring, sampling
from numerics.estimate import Estimate

from derivations.api import LINE_ABOVE, Chain, Correction, Point, Sampled, Tolerances, claim, definition, eq, quote
from derivations.topics._notes import N004

SQRT2 = np.sqrt(2.0)

RING = "discrete version of the torus: the ring Z_n, ring distance, (w*x)(tau) = sum_s w(s) x(tau - s) mod n"
NLGP = "X_c = erf(gZ)/sqrt(Z_c(g)), Z ~ N(0, Sigma(xi_c)) with the ring kernel; X_1, X_0 independent"
SIGMA = "sigma(h) = erf(h/sqrt 2) (strictly increasing)"
RF = "w ~ N(0, I_n/n) random (a typical initialisation), b^- in [-2, 2]; n = 6 for Monte Carlo checks, n in 8..10 for event-by-event ones"
OBJECTIVE = "reading: 'argmax_w A = argmax_w B' is checked as A(w) = B(w) for every w (equal objectives, hence equal maximizers)"
CLASSES = "two distinct classes: {xi_1, xi_0} = {xi_long in [1.1, 1.6], xi_short in [0.4, 0.9]}, in both orders"

sites = st.integers(8, 10)  # the ring kernel is PSD for n >= 6 and xi <= 1.6
lengths = st.floats(0.4, 1.6)
gains = st.floats(0.05, 5.0)
# two distinct classes, in both orders (note 004's Figure 1 has xi_1 > xi_0: (20, 10) for n = 400)
objective_params = {"n": st.just(6), "xi_long": st.floats(1.1, 1.6), "xi_short": st.floats(0.4, 0.9), "long_first": st.booleans(), "g": gains, "w_seed": st.integers(0, 2**16), "b": st.floats(-2.0, 2.0)}
BLOCK = 4096
event_params = {**objective_params, "n": sites}  # event-by-event checks are cheap: let n vary


# --------------------------------------------------------------------------- data
def receptive_field(p) -> np.ndarray:
    return np.random.default_rng(p.w_seed).standard_normal(p.n) / np.sqrt(p.n)


def two_classes(p, eps) -> tuple[np.ndarray, np.ndarray]:
    """Independent X_1 (first n normals) and X_0 (next n normals), NLGP on the ring (computed once per block)."""
    xi1, xi0 = class_lengths(p)
    return sampling.per_block(eps, ("classes", p.n, xi1, xi0, p.g), lambda: (
        sampling.nlgp(eps[:, : p.n], p.n, xi1, p.g, "ring"), sampling.nlgp(eps[:, p.n : 2 * p.n], p.n, xi0, p.g, "ring")))


def class_lengths(p) -> tuple[float, float]:
    r""":math:`(\xi_1, \xi_0)`: given directly, or as the longer and the shorter length scale in the order
    ``long_first`` says."""
    if "xi_long" not in p:
        return p.xi1, p.xi0
    return (p.xi_long, p.xi_short) if p.long_first else (p.xi_short, p.xi_long)


def convolved(p, eps) -> tuple[np.ndarray, np.ndarray]:
    r"""(w * X_1, w * X_0) on the ring (computed once per block)."""
    def compute():
        x1, x0 = two_classes(p, eps)
        c = ring.convolution_matrix(receptive_field(p))
        return np.einsum("bs,ts->bt", x1, c), np.einsum("bs,ts->bt", x0, c)
    return sampling.per_block(eps, ("conv", p.n, *class_lengths(p), p.g, p.w_seed), compute)


def positions(p, eps) -> tuple[np.ndarray, np.ndarray]:
    r"""Independent uniform positions :math:`\tau, \tau'` on the ring (columns 2n and 2n + 1)."""
    return ring.uniform_positions(eps[:, 2 * p.n], p.n), ring.uniform_positions(eps[:, 2 * p.n + 1], p.n)


def objective_dim(p) -> int:
    return 2 * p.n + 2


def fixed_block(p, dim: int) -> np.ndarray:
    """A fixed block of standard normals for event-by-event comparisons (seeded by the point)."""
    return sampling.fixed_normals(p, dim, BLOCK, "event block")


def sigma_greater(h1: np.ndarray, h0: np.ndarray) -> np.ndarray:
    r"""The event :math:`\sigma(h_1) > \sigma(h_0)` for :math:`\sigma = \operatorname{erf}(\cdot/\sqrt2)`, written as
    :math:`\operatorname{erfc}(h_1/\sqrt2) < \operatorname{erfc}(h_0/\sqrt2)` (the same number, :math:`\sigma = 1 - \operatorname{erfc}`),
    so that it is not lost to rounding where erf saturates at 1 in double precision."""
    return erfc(h1 / SQRT2) < erfc(h0 / SQRT2)


# --------------------------------------------------------------------------- per-sample events
def event_definition(p, eps) -> np.ndarray:
    r"""Definition of :math:`w^-`: :math:`\int\sigma(|(w*X_1)(\tau)|+b)d\tau > \int\sigma(|(w*X_0)(\tau)|+b)d\tau`."""
    c1, c0 = convolved(p, eps)
    m1 = erfc((np.abs(c1) + p.b) / SQRT2).mean(axis=1)
    m0 = erfc((np.abs(c0) + p.b) / SQRT2).mean(axis=1)
    return (m1 < m0).astype(float)


def event_7(p, eps) -> np.ndarray:
    r"""(7): :math:`\sigma(|(w*X_1)(\tau)|+b) > \sigma(|(w*X_0)(\tau')|+b)`, independent uniform :math:`\tau, \tau'`."""
    t1, t0 = positions(p, eps)
    rows = np.arange(eps.shape[0])
    c1, c0 = convolved(p, eps)
    c1, c0 = c1[rows, t1], c0[rows, t0]
    return sigma_greater(np.abs(c1) + p.b, np.abs(c0) + p.b).astype(float)


def event_8(p, eps) -> np.ndarray:
    r"""(8): :math:`|(w*X_1)(\tau)| > |(w*X_0)(\tau')|`."""
    t1, t0 = positions(p, eps)
    rows = np.arange(eps.shape[0])
    c1, c0 = convolved(p, eps)
    return (np.abs(c1[rows, t1]) > np.abs(c0[rows, t0])).astype(float)


def event_9(p, eps, scale: float = 1.0) -> np.ndarray:
    r"""(9): :math:`|\langle w, X_1\rangle| > |\langle w, X_0\rangle|` (w scaled by ``scale``)."""
    x1, x0 = two_classes(p, eps)
    w = scale * receptive_field(p)
    return (np.abs(x1 @ w) > np.abs(x0 @ w)).astype(float)


def event_10(p, eps, scale: float = 1.0) -> np.ndarray:
    r"""(10): :math:`\langle w, X_1\rangle^2 > \langle w, X_0\rangle^2`."""
    x1, x0 = two_classes(p, eps)
    w = scale * receptive_field(p)
    return ((x1 @ w) ** 2 > (x0 @ w) ** 2).astype(float)


def on_fixed_block(event):
    """The per-sample events of a fixed block of draws (a vector of 0/1), for an exact comparison."""

    def side(p) -> np.ndarray:
        return event(p, fixed_block(p, objective_dim(p)))

    return side


# =========================================================================== (6) and the definition of w^-
definition(
    "sigmoid.discrim.ideal",
    sources=[eq(N004, "6")],
    latex=(
        r"\mathbb{P}_{X_1, X_0} \left( \int \sigma(|(w^- * X_1)(\tau)| + b^-) d\tau > \int \sigma(|(w^- * X_0)(\tau)| "
        r"+ b^-) d\tau \right) \approx 1,"
    ),
    remark="A desideratum ('Ideally') for trained weights, not a statement about given weights.",
)
definition(
    "sigmoid.discrim.optimal_rf",
    sources=[quote(N004, "In the context of equation (6), let's define the optimal RF  $w^-$  as")],
    latex=(
        r"w^- \triangleq \arg \max_w \mathbb{P}_{X_1, X_0} \left( \int \sigma(|(w * X_1)(\tau)| + b^-) d\tau > "
        r"\int \sigma(|(w * X_0)(\tau)| + b^-) d\tau \right)."
    ),
)

# =========================================================================== (7)-(10)
claim(
    "sigmoid.discrim.eq7",
    sources=[eq(N004, "7"), quote(N004, "we can (I think) rewrite this as")],
    latex=(r"w^- = \arg \max_w \mathbb{P}_{X_1, X_0, \tau, \tau'} (\sigma(|(w * X_1)(\tau)| + b^-) > "
           r"\sigma(|(w * X_0)(\tau')| + b^-))"),
    params=objective_params,
    assumptions=(RING, NLGP, CLASSES, SIGMA, RF, OBJECTIVE),
    note_flag="(I think)",
    claimed=Sampled(objective_dim, event_7, "P(sigma(|(w*X_1)(tau)|+b) > sigma(|(w*X_0)(tau')|+b))"),
    reference=Sampled(objective_dim, event_definition, "P(int sigma(|w*X_1|+b) > int sigma(|w*X_0|+b))"),
    diagnose=lambda p, c, ref: (
        f"at this w the definition's probability is {float(ref):.4g} but (7)'s is {float(c):.4g}: the definition compares "
        "tau-averages of the two sigmoid profiles, (7) single positions; the averages fluctuate less, so the two "
        "probabilities differ, and the definition depends on b^- while (7) does not after (8). Equal maximizers are "
        "not excluded by this, but they would need an argument the note does not give"
    ),
    remark=("Paired Monte Carlo on the same X_1, X_0 (plus the two positions). Reading: the two objectives are "
            "equal for every w, a sufficient condition for equal maximisers. The note states only that the "
            "maximisers are equal, which no check here reaches: this reading is unstated, and its refutation "
            "leaves (7) -- and the lines derived from it -- undecided, not false."),
    role="unstated",
)
claim(
    "sigmoid.discrim.eq8",
    sources=[eq(N004, "8")],
    latex=r"= \arg \max_w \mathbb{P}_{X_1, X_0, \tau, \tau'} (|(w * X_1)(\tau)| > |(w * X_0)(\tau')|) \quad \text{monotonicity}",
    params=event_params,
    assumptions=(RING, NLGP, CLASSES, SIGMA, RF, OBJECTIVE, "checked event by event on a fixed block of 4096 draws"),
    claimed=on_fixed_block(event_8),
    reference=LINE_ABOVE,
    after="sigmoid.discrim.eq7",
    previous_form=on_fixed_block(event_7),
    method="exact",
    remark="Follows-only: compared with (7) event by event; the objective has no route to the truth other than (7).",
)
claim(
    "sigmoid.discrim.eq9",
    sources=[eq(N004, "9")],
    latex=r"= \arg \max_w \mathbb{P}_{X_1, X_0} (|\langle w, X_1 \rangle| > |\langle w, X_0 \rangle|), \quad \text{translation invariance}",
    params=objective_params,
    assumptions=(RING, NLGP, CLASSES, RF, OBJECTIVE,
                 "(w*X)(tau) is the inner product of X with a translate of the reflected w; the ring law is invariant "
                 "under translations and reflections"),
    claimed=Sampled(objective_dim, event_9, "P(|<w,X_1>| > |<w,X_0>|)"),
    reference=LINE_ABOVE,
    after="sigmoid.discrim.eq8",
    previous_form=Sampled(objective_dim, event_8, "P(|(w*X_1)(tau)| > |(w*X_0)(tau')|)"),
    remark="Follows-only: compared with (8) by paired Monte Carlo.",
)
claim(
    "sigmoid.discrim.eq10",
    sources=[eq(N004, "10")],
    latex=r"= \arg \max_w \mathbb{P}_{X_1, X_0} ((\langle w, X_1 \rangle)^2 > (\langle w, X_0 \rangle)^2),",
    params=event_params,
    assumptions=(RING, NLGP, CLASSES, RF, OBJECTIVE, "checked event by event on a fixed block of 4096 draws"),
    claimed=on_fixed_block(event_10),
    reference=LINE_ABOVE,
    after="sigmoid.discrim.eq9",
    previous_form=on_fixed_block(event_9),
    method="exact",
    remark="Follows-only: compared with (9) event by event.",
)


# --------------------------------------------------------------------------- prose around (10)
def symmetry_tests(sign: float):
    r"""Test functions of :math:`S = \pm\langle w, X\rangle/\sqrt{w^\top K w}` (unit variance), X from :math:`p_\xi`: :math:`S`, :math:`\tanh S`,
    :math:`1(S > t)` for t = 0, 0.5, 1 (the class is a parameter: xi stands for xi_1 or xi_0)."""

    def statistic(p, eps) -> np.ndarray:
        x = sampling.per_block(eps, ("class", p.n, p.xi, p.g), lambda: sampling.nlgp(eps, p.n, p.xi, p.g, "ring"))
        w = receptive_field(p)
        s = sign * (x @ w) / np.sqrt(w @ nlgp_kernel(p.n, p.xi, p.g) @ w)
        return np.stack([s, np.tanh(s), (s > 0).astype(float), (s > 0.5).astype(float), (s > 1.0).astype(float)], axis=1)

    return statistic


def symmetry_expectations(sign: float):
    r"""The means of :func:`symmetry_tests` without the paired Monte Carlo: :math:`\mathbb E[\pm S]` from the 1-D
    quadrature of :math:`\mathbb E[X_i]` (linearity), :math:`\mathbb P(\pm S > t)` by conditional Monte Carlo (one latent
    coordinate integrated out exactly, :func:`numerics.conditioning.conditional_exceedance_nlgp`) and
    :math:`\mathbb E\tanh(\pm S)` by randomized QMC, each side on its own random numbers (pairing :math:`S` with
    :math:`-S` doubles the variance of the first test instead of cancelling it)."""

    def side(p, ctx) -> Estimate:
        w = receptive_field(p)
        scale = float(np.sqrt(w @ nlgp_kernel(p.n, p.xi, p.g) @ w))
        factor = dm.latent_factor(p.n, p.xi, "ring")
        cov = factor @ factor.T
        c = float(np.sqrt(dm.erf_variance(float(p.g))))
        mean = cd.odd_mean(lambda u: erf(p.g * u) / c)  # E[X_i]
        thresholds = np.array([0.0, 0.5, 1.0])
        # P(sign S > t): P(S > t scale) for sign +1, 1 - P(S > -t scale) for sign -1
        levels = sign * thresholds * scale
        mean_s = sign * w.sum() * float(mean.value) / scale

        def statistic(eps: np.ndarray) -> np.ndarray:
            z = dm.gaussian(np.ascontiguousarray(eps), factor)
            s = sign * (erf(p.g * z) / c @ w) / scale
            above = cd.conditional_exceedance_nlgp(z, cov, w, float(p.g), c, levels)
            # control variate: s, whose mean is known from the quadrature; 0.6 ~ E[U tanh U] for a standard normal U
            # (the best slope in the Gaussian analogue; any fixed slope keeps the mean)
            return np.column_stack([np.tanh(s) - 0.6 * (s - mean_s), above if sign > 0 else 1.0 - above])

        # the mode's whole sample budget: sequential sampling stops each side once it resolves the target
        # (a quarter of it capped thorough mode at 4.6e-3)
        est = ctx.expect(statistic, p.n, salt=("symmetry", sign))
        value = np.concatenate([[mean_s], est.value])
        mean_err = np.abs(w).sum() * float(mean.abs_error) / scale
        abs_err = np.concatenate([[mean_err], est.abs_error + np.array([0.6 * mean_err, 0, 0, 0])])
        std = np.concatenate([[0.0], est.std_error])
        return Estimate(value, est.method, abs_err, std, est.samples,
                        "E[S] by 1-D quadrature; P(S > t) by conditional Monte Carlo; " + est.detail,
                        dof=est.dof, looks=est.looks)

    return side


SYMMETRY_SAMPLED = (Sampled(lambda p: p.n, symmetry_tests(-1.0), "E[h(-S)]"),
                    Sampled(lambda p: p.n, symmetry_tests(1.0), "E[h(S)]"))
claim(
    "sigmoid.discrim.symmetric_preactivations",
    sources=[quote(N004, "are symmetric, zero-mean random variables")],
    latex=r"\langle w, X_1 \rangle \overset{d}{=} -\langle w, X_1 \rangle, \quad \langle w, X_0 \rangle \overset{d}{=} -\langle w, X_0 \rangle, \quad \text{zero mean}",
    params={"n": st.just(6), "xi": lengths, "g": gains, "w_seed": st.integers(0, 2**16)},
    assumptions=(RING, NLGP, RF, "X ~ p_xi with xi in the range of both xi_1 and xi_0 (one class at a time)",
                 "checked through E[h(S)] = E[h(-S)] for h(s) = s, tanh(s), 1(s > 0), 1(s > 1/2), 1(s > 1), S = <w,X>/sqrt(w^T K w) (unit variance)"),
    claimed=symmetry_expectations(-1.0),
    reference=symmetry_expectations(1.0),
    tolerances=Tolerances(scale=1.0),
    remark="The test functions are O(1) (S has unit variance, the others are bounded by 1): resolution is judged against 1.",
)
claim(
    "sigmoid.discrim.scale_invariance",
    sources=[quote(N004, "Note that the probability in equation (10) is invariant to scaling  $w$ .")],
    latex=r"\mathbb{P}((\langle cw, X_1 \rangle)^2 > (\langle cw, X_0 \rangle)^2) = \mathbb{P}((\langle w, X_1 \rangle)^2 > (\langle w, X_0 \rangle)^2), \quad c > 0",
    params={**{k: v for k, v in event_params.items() if k != "b"}, "scale": st.floats(0.01, 100.0)},
    assumptions=(RING, NLGP, CLASSES, RF, "checked event by event on a fixed block of 4096 draws"),
    claimed=lambda p: event_10(p, fixed_block(p, objective_dim(p)), p.scale),
    reference=on_fixed_block(event_10),
    method="exact",
)

# =========================================================================== Gaussian data: the chain
gauss_params = {"n": sites, "xi1": lengths, "xi0": lengths, "w_seed": st.integers(0, 2**16)}
GAUSS = ("Gaussian data (g -> 0): X_c ~ N(0, Sigma(xi_c)), ring kernel; so <w, X_c> ~ N(0, w^T Sigma_c w), as the note says",
         "w ~ N(0, I_n/n) random; s_c^2 = w^T Sigma_c w")


def std_devs(p) -> tuple[float, float]:
    """(s_1, s_0) with s_c^2 = w^T Sigma(xi_c) w on the ring."""
    w = receptive_field(p)
    return tuple(float(np.sqrt(w @ dm.covariance(p.n, xi, "ring") @ w)) for xi in (p.xi1, p.xi0))  # type: ignore[return-value]


def dominance_sampled(p, eps) -> np.ndarray:
    r""":math:`1(|A| > |B|)` for independent :math:`A = \langle w, X_1\rangle`, :math:`B = \langle w, X_0\rangle` drawn
    as :math:`s_1 U`, :math:`s_0 V` (the note's premise that the projections are centred normals)."""
    s1, s0 = std_devs(p)
    return (np.abs(s1 * eps[:, 0]) > np.abs(s0 * eps[:, 1])).astype(float)


DOMINANCE_SAMPLED = Sampled(2, dominance_sampled, "P(|<w,X_1>| > |<w,X_0>|) by Monte Carlo")


def dominance_exact(p) -> Estimate:
    r""":math:`\mathbb P(|s_1U| > |s_0V|)` for independent standard normals, conditioning on the class-0 projection
    :math:`s_0V` (the note's chain conditions on the class-1 one): given V, the event has probability
    :math:`\mathbb P(|U| > s_0|V|/s_1) = \operatorname{erfc}(s_0|V|/(\sqrt2 s_1))`, integrated over the half-normal
    law of |V| by adaptive quadrature (scipy, its error estimate)."""
    s1, s0 = std_devs(p)
    value, err = integrate.quad(lambda v: erfc(s0 * v / (SQRT2 * s1)) * 2 * np.exp(-0.5 * v * v) / np.sqrt(2 * np.pi),
                                0.0, np.inf, epsabs=1e-14, epsrel=1e-12)
    return Estimate(np.asarray(value), "quadrature", np.asarray(err + 1e-15),
                    detail="conditioning on the class-0 projection, 1-D adaptive quadrature over |V|")


DOMINANCE = dominance_exact


def _quad(f, a: float, b: float) -> tuple[float, float]:
    value, err = integrate.quad(f, a, b, epsabs=1e-14, epsrel=1e-12, limit=200)
    return value, err


def _density(s: float):
    return lambda x: np.exp(-0.5 * (x / s) ** 2) / (np.sqrt(2 * np.pi) * s)


def _estimate(value: float, err: float, what: str) -> Estimate:
    return Estimate(np.asarray(value), "quadrature", np.asarray(err + 1e-15 * abs(value)), detail=f"scipy QUADPACK: {what}")


def line_1(p) -> Estimate:
    r""":math:`\int_{\mathbb R}\int_{[-|x_1|,|x_1|]} p_0(x_0)p_1(x_1)\,dx_0\,dx_1`, the inner variable written as
    :math:`x_0 = |x_1|\,t`, :math:`t \in [-1, 1]` (so the domain is a rectangle and the integrand smooth), by tensor
    Gauss-Legendre quadrature on :math:`t \in [-1, 1]` and :math:`x_1 \in [0, 12 s_1]` (even in :math:`x_1`), two orders."""
    s1, s0 = std_devs(p)
    p0, p1 = _density(s0), _density(s1)

    def rule(order: int) -> float:
        t, wt = roots_legendre(order)
        u, wu = roots_legendre(order)
        x1 = 6 * s1 * (u + 1)  # [0, 12 s_1]
        wx = 6 * s1 * wu
        inner = (wt[None, :] * p0(x1[:, None] * t[None, :])).sum(axis=1) * x1
        return float(2 * (wx * inner * p1(x1)).sum())

    coarse, fine = rule(80), rule(120)
    return _estimate(fine, abs(fine - coarse) + 1e-15, "tensor Gauss-Legendre after x_0 = |x_1| t")


def line_2(p) -> Estimate:
    s1, s0 = std_devs(p)
    p1 = _density(s1)
    a = _quad(lambda x: (ndtr(abs(x) / s0) - ndtr(-abs(x) / s0)) * p1(x), -np.inf, 0.0)
    b = _quad(lambda x: (ndtr(abs(x) / s0) - ndtr(-abs(x) / s0)) * p1(x), 0.0, np.inf)
    return _estimate(a[0] + b[0], a[1] + b[1], "quad")


def _half_line(f, s1: float) -> tuple[float, float]:
    return _quad(lambda x: f(x) * _density(s1)(x), 0.0, np.inf)


def line_3(p) -> Estimate:
    s1, s0 = std_devs(p)
    v, e = _half_line(lambda x: 2 * ndtr(x / s0) - 1, s1)
    return _estimate(2 * v, 2 * e, "quad")


def line_4(p) -> Estimate:
    s1, s0 = std_devs(p)
    v, e = _half_line(lambda x: ndtr(x / s0), s1)
    return _estimate(4 * v - 1, 4 * e, "quad")


def line_5(p) -> Estimate:
    s1, s0 = std_devs(p)
    v, e = _half_line(lambda x: 0.5 * erf(x / (SQRT2 * s0)) + 0.5, s1)
    return _estimate(4 * v - 1, 4 * e, "quad")


def line_6(p) -> Estimate:
    s1, s0 = std_devs(p)
    v, e = _half_line(lambda x: erf(x / (SQRT2 * s0)), s1)
    return _estimate(2 * v, 2 * e, "quad")


def line_7(p) -> Estimate:
    s1, s0 = std_devs(p)
    v, e = _quad(lambda x: erf(x / (SQRT2 * s0)) * np.exp(-(x**2) / (2 * s1**2)), 0.0, np.inf)
    c = 2 / (np.sqrt(2 * np.pi) * s1)
    return _estimate(c * v, c * e, "quad")


CHAIN_LINES = (
    ("1", line_1, r"\mathbb{P}_{X_1, X_0} (|\langle w, X_1 \rangle| > |\langle w, X_0 \rangle|) = \int_{\mathbb{R}} \int_{[-|x_1|, |x_1|]} p_0(x_0) p_1(x_1) dx_0 dx_1",
     r"\int_{\mathbb{R}} \int_{[-|x_1|, |x_1|]} p_0(x_0) p_1(x_1) dx_0 dx_1"),
    ("2", line_2, r"= \int_{\mathbb{R}} \left[ \Phi \left( \frac{|x_1|}{\sqrt{w^\top \Sigma_0 w}} \right) - \Phi \left( \frac{-|x_1|}{\sqrt{w^\top \Sigma_0 w}} \right) \right] p_1(x_1) dx_1",
     r"\Phi \left( \frac{-|x_1|}{\sqrt{w^\top \Sigma_0 w}} \right) \right] p_1(x_1) dx_1"),
    ("3", line_3, r"= 2 \int_{\mathbb{R}_{\geq 0}} \left[ 2\Phi \left( \frac{x_1}{\sqrt{w^\top \Sigma_0 w}} \right) - 1 \right] p_1(x_1) dx_1",
     r"&= 2 \int_{\mathbb{R}_{\geq 0}} \left[ 2\Phi"),
    ("4", line_4, r"= 4 \int_{\mathbb{R}_{\geq 0}} \Phi \left( \frac{x_1}{\sqrt{w^\top \Sigma_0 w}} \right) p_1(x_1) dx_1 - 1",
     r"&= 4 \int_{\mathbb{R}_{\geq 0}} \Phi \left("),
    ("5", line_5, r"= 4 \int_{\mathbb{R}_{\geq 0}} \left[ \frac{1}{2} \operatorname{erf} \left( \frac{1}{\sqrt{2}} \cdot \frac{x_1}{\sqrt{w^\top \Sigma_0 w}} \right) + \frac{1}{2} \right] p_1(x_1) dx_1 - 1",
     r"&= 4 \int_{\mathbb{R}_{\geq 0}} \left[ \frac{1}{2} \operatorname{erf}"),
    ("6", line_6, r"= 2 \int_{\mathbb{R}_{\geq 0}} \operatorname{erf} \left( \frac{1}{\sqrt{2}} \cdot \frac{x_1}{\sqrt{w^\top \Sigma_0 w}} \right) p_1(x_1) dx_1",
     r"&= 2 \int_{\mathbb{R}_{\geq 0}} \operatorname{erf}"),
    ("7", line_7, r"= \frac{2}{\sqrt{2\pi} \cdot \sqrt{w^\top \Sigma_1 w}} \int_{\mathbb{R}_{\geq 0}} \operatorname{erf} \left( \frac{1}{\sqrt{2}} \cdot \frac{x_1}{\sqrt{w^\top \Sigma_0 w}} \right) \exp \left( -\frac{1}{2(w^\top \Sigma_1 w)} x_1^2 \right) dx_1",
     r"&= \frac{2}{\sqrt{2\pi} \cdot \sqrt{w^\top \Sigma_1 w}} \int_{\mathbb{R}_{\geq 0}}"),
)
CHAIN = "sigmoid.gauss_dominance"
dominance = Chain(CHAIN, note=N004, params=gauss_params, reference=DOMINANCE, assumptions=GAUSS)
for label, line, latex, text in CHAIN_LINES:
    dominance.step(
        None,
        id=f"{CHAIN}.line{label}",
        sources=[quote(N004, text)],
        latex=latex,
        assumptions=("each line's integral is evaluated as written by adaptive quadrature (scipy)",),
        claimed=line,
        remark=f"Line {label} of the unnumbered display under 'Gaussian data'.",
    )

dominance.step(
    None,
    id=f"{CHAIN}.closed_form",
    sources=[
        quote(N004, r"\exp \left( -\frac{1}{2(w^\top \Sigma_1 w)} x_1^2 \right) dx_1"),
        quote(N004, "Specifically, we want to maximize the variance of  $\\langle w, X_1 \\rangle$  relative to that of  $\\langle w, X_0 \\rangle$ ."),
        quote(N004, "This condition is equivalent to having  $w^-$  *maximize the spread in the preactivations corresponding to  $p_{\\xi_1}$  relative to those for  $p_{\\xi_0}$*"),
    ],
    latex=r"\mathbb{P}_{X_1, X_0} (|\langle w, X_1 \rangle| > |\langle w, X_0 \rangle|) = \frac{2}{\pi} \tan^{-1} \sqrt{\frac{w^\top \Sigma_1 w}{w^\top \Sigma_0 w}}",
    claimed=lambda p: 2 / np.pi * np.arctan(std_devs(p)[0] / std_devs(p)[1]),
    remark=(
        "Not written in the note: derivcheck's closed form of the chain's last line (polar angle of (A/s_1, B/s_0) is "
        "uniform). It is increasing in the variance ratio, which is the note's 'maximize the variance of <w, X_1> "
        "relative to that of <w, X_0>' for Gaussian data."
    ),
)


# =========================================================================== (11)-(14)
def event_11(p, eps) -> np.ndarray:
    r"""(11): :math:`|\cos\theta(w,X_1)|\,\|X_1\| > |\cos\theta(w,X_0)|\,\|X_0\|`."""
    x1, x0 = two_classes(p, eps)
    w = receptive_field(p)

    def cos(x):
        return (x @ w) / (np.linalg.norm(w) * np.linalg.norm(x, axis=1))

    return (np.abs(cos(x1)) * np.linalg.norm(x1, axis=1) > np.abs(cos(x0)) * np.linalg.norm(x0, axis=1)).astype(float)


def event_12(p, eps) -> np.ndarray:
    r"""(12): :math:`|\cos\theta(w,X_1)|/|\cos\theta(w,X_0)| > \|X_0\|/\|X_1\|`."""
    x1, x0 = two_classes(p, eps)
    w = receptive_field(p)

    def cos(x):
        return (x @ w) / (np.linalg.norm(w) * np.linalg.norm(x, axis=1))

    return (np.abs(cos(x1)) / np.abs(cos(x0)) > np.linalg.norm(x0, axis=1) / np.linalg.norm(x1, axis=1)).astype(float)


def event_13(p, eps) -> np.ndarray:
    r"""(13): :math:`|\langle \mathcal F w, \mathcal F X_1\rangle| > |\langle \mathcal F w, \mathcal F X_0\rangle|`, unitary DFT,
    Hermitian inner product :math:`\langle a, b\rangle = \sum_k a_k \overline{b_k}`."""
    x1, x0 = two_classes(p, eps)
    fw = ring.unitary_dft(receptive_field(p))
    return (np.abs(ring.unitary_dft(x1, axis=1).conj() @ fw) > np.abs(ring.unitary_dft(x0, axis=1).conj() @ fw)).astype(float)


def event_14(p, eps) -> np.ndarray:
    r"""(14): the same event written in the Fourier variables :math:`\hat w = \mathcal F w`, :math:`\hat X = \mathcal F X`."""
    x1, x0 = two_classes(p, eps)
    w_hat = np.fft.fft(receptive_field(p), norm="ortho")
    x1_hat, x0_hat = np.fft.fft(x1, axis=1, norm="ortho"), np.fft.fft(x0, axis=1, norm="ortho")
    return (np.abs(np.einsum("bk,k->b", x1_hat.conj(), w_hat)) > np.abs(np.einsum("bk,k->b", x0_hat.conj(), w_hat))).astype(float)


EVENT = "checked event by event on a fixed block of 4096 draws"
claim(
    "sigmoid.discrim.eq11",
    sources=[eq(N004, "11")],
    latex=r"w^- = \arg \max_w \mathbb{P}_{X_1, X_0} (|\cos \theta(w, X_1)| \|X_1\|_2 > |\cos \theta(w, X_0)| \|X_0\|_2)",
    params={k: v for k, v in event_params.items() if k != "b"},
    assumptions=(RING, NLGP, CLASSES, RF, OBJECTIVE, EVENT),
    claimed=on_fixed_block(event_11),
    reference=LINE_ABOVE,
    after="sigmoid.discrim.eq9",
    previous_form=on_fixed_block(event_9),
    method="exact",
)
claim(
    "sigmoid.discrim.eq12",
    sources=[eq(N004, "12")],
    latex=r"= \arg \max_w \mathbb{P}_{X_1, X_0} \left( \frac{|\cos \theta(w, X_1)|}{|\cos \theta(w, X_0)|} > \frac{\|X_0\|_2}{\|X_1\|_2} \right)",
    params={k: v for k, v in event_params.items() if k != "b"},
    assumptions=(RING, NLGP, CLASSES, RF, OBJECTIVE, EVENT),
    claimed=on_fixed_block(event_12),
    reference=LINE_ABOVE,
    after="sigmoid.discrim.eq9",
    previous_form=on_fixed_block(event_9),
    method="exact",
)
claim(
    "sigmoid.discrim.eq13",
    sources=[eq(N004, "13")],
    latex=r"w^- = \arg \max_w \mathbb{P}_{X_1, X_0} (|\langle \mathcal{F} w, \mathcal{F} X_1 \rangle| > |\langle \mathcal{F} w, \mathcal{F} X_0 \rangle|),",
    params={k: v for k, v in event_params.items() if k != "b"},
    assumptions=(RING, NLGP, CLASSES, RF, OBJECTIVE, EVENT, "F is the unitary DFT and <.,.> the Hermitian inner product (Parseval)"),
    claimed=on_fixed_block(event_13),
    reference=LINE_ABOVE,
    after="sigmoid.discrim.eq9",
    previous_form=on_fixed_block(event_9),
    method="exact",
)
claim(
    "sigmoid.discrim.eq14",
    sources=[eq(N004, "14")],
    latex=r"= \arg \max_{\hat{w}} \mathbb{P}_{\hat{X}_1, \hat{X}_0} (|\langle \hat{w}, \hat{X}_1 \rangle| > |\langle \hat{w}, \hat{X}_0 \rangle|).",
    params={k: v for k, v in event_params.items() if k != "b"},
    assumptions=(RING, NLGP, CLASSES, RF, OBJECTIVE, EVENT,
                 "reading: w-hat ranges over the transforms F w of real receptive fields (Hermitian-symmetric vectors); "
                 "over all of C^n the problem is larger (complex receptive fields) and its maximum can be higher"),
    claimed=on_fixed_block(event_14),
    reference=LINE_ABOVE,
    after="sigmoid.discrim.eq13",
    previous_form=on_fixed_block(event_13),
    method="exact",
)
# The two sentences below are statements about the relation between lines of the note (not about w^-), so their
# truth is that relation itself, checked event by event: independent of whether (7) holds.
claim(
    "sigmoid.discrim.equivalence_9_10",
    sources=[quote(N004, "Equations (9) and (10) are obviously equivalent")],
    latex=r"|\langle w, X_1 \rangle| > |\langle w, X_0 \rangle| \iff (\langle w, X_1 \rangle)^2 > (\langle w, X_0 \rangle)^2",
    params=event_params,
    assumptions=(RING, NLGP, CLASSES, RF, "the events of (9) and (10), " + EVENT),
    claimed=on_fixed_block(event_10),
    reference=on_fixed_block(event_9),
    method="exact",
)
claim(
    "sigmoid.discrim.parseval",
    sources=[quote(N004, "This says the Fourier transform is unitary from  $L^2(\\mathbb{T})$  to  $\\ell^2(\\mathbb{Z})$ . The result for DFT is analogous.")],
    latex=r"\langle \mathcal{F} w, \mathcal{F} x \rangle = \langle w, x \rangle \ \text{(unitary DFT)}: \text{the events of (13) and (9) coincide}",
    params={k: v for k, v in event_params.items() if k != "b"},
    assumptions=(RING, NLGP, CLASSES, RF, EVENT, "F is the unitary DFT and <.,.> the Hermitian inner product (Parseval)"),
    claimed=on_fixed_block(event_13),
    reference=on_fixed_block(event_9),
    method="exact",
)


# =========================================================================== difference in means
def nlgp_kernel(n: int, xi: float, g: float) -> np.ndarray:
    r""":math:`k(s,t) = \mathbb{E}[X(s)X(t)] = \sin^{-1}\frac{2g^2\rho_{st}}{1+2g^2} / \sin^{-1}\frac{2g^2}{1+2g^2}`, ring
    (the NLGP covariance; audited as nlgp.covariance)."""
    return dm.nlgp_covariance(dm.covariance(n, xi, "ring"), g)


def quadratic_forms(p) -> np.ndarray:
    r""":math:`(\langle K_1 w, w\rangle, \langle K_0 w, w\rangle)` with :math:`(K_i w)(t) = \sum_s k_i(s,t) w(s)`."""
    w = receptive_field(p)
    return np.array([(nlgp_kernel(p.n, xi, p.g).T @ w) @ w for xi in (p.xi1, p.xi0)])


def one_class_second_moment(p, eps) -> np.ndarray:
    r"""Per sample :math:`\langle w, X\rangle^2`, X from :math:`p_\xi` (NLGP on the ring)."""
    return (sampling.nlgp(eps, p.n, p.xi, p.g, "ring") @ receptive_field(p)) ** 2


means_params = {"n": sites, "xi1": lengths, "xi0": lengths, "g": gains, "w_seed": st.integers(0, 2**16)}
MEANS = (RING, NLGP, "w ~ N(0, I_n/n) random", "K_i is the covariance matrix k_i(s,t) = E[X_i(s) X_i(t)] (closed form of NLGP data)")
claim(
    "sigmoid.means.second_moment",
    sources=[quote(N004, "We can, though, compute the means of the squared terms in equation (10).")],
    latex=(
        r"\mathbb{E}_{X_i} [(\langle w, X_i \rangle)^2] = \mathbb{E}_{X_i} \left[ \left( \int_{\mathbb{T}} w(s) X_i(s) ds "
        r"\right) \left( \int_{\mathbb{T}} w(t) X_i(t) dt \right) \right] = \int_{\mathbb{T}} \int_{\mathbb{T}} w(s) w(t) "
        r"\mathbb{E}_{X_i} [X_i(s) X_i(t)] ds dt = \int_{\mathbb{T}} \int_{\mathbb{T}} w(s) w(t) k_i(s, t) ds dt = "
        r"\langle K_i w, w \rangle_{L^2}"
    ),
    params={"n": st.just(6), "xi": lengths, "g": gains, "w_seed": st.integers(0, 2**16)},
    assumptions=MEANS + ("n = 6 (Monte Carlo); one class at a time: xi stands for xi_1 or xi_0 (same range)",
                         "the last member checked; the middle members are the same number by linearity"),
    claimed=lambda p: float((nlgp_kernel(p.n, p.xi, p.g).T @ receptive_field(p)) @ receptive_field(p)),
    reference=Sampled(lambda p: p.n, one_class_second_moment, "E[<w, X>^2]"),
)
claim(
    "sigmoid.means.difference",
    sources=[quote(N004, "&= \\langle (K_1 - K_0) w, w \\rangle_{L^2}. \\end{aligned}$$")],
    latex=(r"\mathbb{E}_{X_1} [(\langle w, X_1 \rangle)^2] - \mathbb{E}_{X_0} [(\langle w, X_0 \rangle)^2] = \langle K_1 w, "
           r"w \rangle_{L^2} - \langle K_0 w, w \rangle_{L^2} = \langle (K_1 - K_0) w, w \rangle_{L^2}."),
    params=means_params,
    assumptions=MEANS,
    claimed=lambda p: float(((nlgp_kernel(p.n, p.xi1, p.g) - nlgp_kernel(p.n, p.xi0, p.g)).T @ receptive_field(p)) @ receptive_field(p)),
    reference=lambda p: float(np.diff(quadratic_forms(p)[::-1])[0]),
    method="exact",
    after="sigmoid.means.second_moment",
    previous_form=lambda p: float(np.diff(quadratic_forms(p)[::-1])[0]),
    remark=("The first equality is sigmoid.means.second_moment for xi = xi_1 and xi_0 (checked there by Monte Carlo); "
            "here the remaining step, <K_1 w, w> - <K_0 w, w> = <(K_1 - K_0) w, w>, is checked by linear algebra."),
)


def difference_operator(p) -> np.ndarray:
    return nlgp_kernel(p.n, p.xi1, p.g) - nlgp_kernel(p.n, p.xi0, p.g)


def rayleigh_at_leading_eigenvector(p) -> float:
    r""":math:`\langle (K_1-K_0)v, v\rangle` for the leading eigenvector v of :math:`K_1 - K_0` (numpy eigh)."""
    lam, vec = np.linalg.eigh(difference_operator(p))
    v = vec[:, -1]
    return float(v @ difference_operator(p) @ v)


def maximize_on_sphere(a: np.ndarray, rng: np.random.Generator, starts: int = 3) -> float:
    r""":math:`\max_{\|w\|=1} w^\top a w` by BFGS on the Rayleigh quotient from random starts (no eigen-decomposition)."""

    def negative(w: np.ndarray) -> tuple[float, np.ndarray]:
        norm2 = w @ w
        q = float(w @ a @ w) / norm2
        return -q, -2 * (a @ w - q * w) / norm2  # gradient of the Rayleigh quotient

    return float(max(-optimize.minimize(negative, rng.standard_normal(a.shape[0]), jac=True, method="BFGS",
                                        options={"gtol": 1e-10}).fun for _ in range(starts)))


def sphere_maximum(p) -> float:
    r""":math:`\max_{\|w\|=1}\langle (K_1-K_0)w, w\rangle` by BFGS on :math:`w/\|w\|` from 3 random starts."""
    return maximize_on_sphere(difference_operator(p), np.random.default_rng(p.w_seed))


claim(
    "sigmoid.means.leading_eigenvector",
    sources=[quote(N004, "Then, maximizing this is just finding the leading eigenvector of the operator  $K_1 - K_0$ .")],
    latex=r"\max_{\|w\|_{L^2} = 1} \langle (K_1 - K_0) w, w \rangle_{L^2} \text{ is attained at the leading eigenvector of } K_1 - K_0",
    params=means_params,
    assumptions=MEANS[:2] + (MEANS[3], "the maximum over the unit sphere found by BFGS from 3 random starts; tolerance 1e-7 relative (optimizer accuracy)"),
    claimed=rayleigh_at_leading_eigenvector,
    reference=sphere_maximum,
    tolerances=Tolerances(rtol=1e-7),
    method="exact",
)


def rayleigh_constant(p) -> float:
    r""":math:`\langle (K_1-K_0)\mathbf 1, \mathbf 1\rangle / n`: the quadratic form at the unit constant function."""
    one = np.ones(p.n) / np.sqrt(p.n)
    return float(one @ difference_operator(p) @ one)


def top_eigenvalue(p) -> float:
    """The largest eigenvalue of K_1 - K_0 (numpy eigvalsh)."""
    return float(np.linalg.eigvalsh(difference_operator(p))[-1])


def rayleigh_best_mode(p) -> float:
    r"""The quadratic form at the Fourier mode :math:`\cos(2\pi k^* t/n)` with :math:`k^*` maximizing the spectrum
    of the circulant :math:`K_1 - K_0`."""
    k = int(np.argmax(ring.circulant_spectrum(difference_operator(p)[0])))
    v = ring.fourier_mode(p.n, k)
    return float(v @ difference_operator(p) @ v)


def _mode_diagnosis(p, c, ref) -> str:
    spectrum = ring.circulant_spectrum(difference_operator(Point(p))[0])
    k = int(np.argmax(spectrum))
    return (f"with xi_1 = {p.xi1:.3g} < xi_0 = {p.xi0:.3g} the constant function has the smallest eigenvalue "
            f"{spectrum[0]:.3g} (k_1 - k_0 <= 0 off the diagonal); the leading eigenvector is the Fourier mode k = {k} "
            f"(eigenvalue {spectrum[k]:.3g})")


EIGEN_LATEX = r"\text{the leading eigenvector of } K_1 - K_0 \text{ is the constant function}"
EIGEN_SOURCE = quote(N004, "We can show that this is the constant function")
lo = st.floats(0.4, 0.8)
gap = st.floats(0.05, 0.8)
claim(
    "sigmoid.means.constant_eigenvector",
    sources=[EIGEN_SOURCE],
    latex=EIGEN_LATEX,
    params={"n": sites, "xi0": lo, "gap": gap, "g": gains},
    assumptions=MEANS[:2] + (MEANS[3], "xi_1 = xi_0 + gap > xi_0 (the order of note 004's Figure 1, (xi_1, xi_0) = (20, 10))",
                             "checked as: the unit constant attains the largest eigenvalue"),
    claimed=lambda p: rayleigh_constant(Point({**p, "xi1": p.xi0 + p.gap})),
    reference=lambda p: top_eigenvalue(Point({**p, "xi1": p.xi0 + p.gap})),
    method="exact",
)
claim(
    "sigmoid.means.constant_eigenvector.reversed",
    role="contrary",
    sources=[EIGEN_SOURCE],
    latex=EIGEN_LATEX,
    params={"n": sites, "xi1": lo, "gap": gap, "g": gains},
    assumptions=MEANS[:2] + (MEANS[3], "xi_0 = xi_1 + gap > xi_1 (the other order)", "checked as: the unit constant attains the largest eigenvalue"),
    claimed=lambda p: rayleigh_constant(Point({**p, "xi0": p.xi1 + p.gap})),
    reference=lambda p: top_eigenvalue(Point({**p, "xi0": p.xi1 + p.gap})),
    method="exact",
    diagnose=lambda p, c, ref: _mode_diagnosis(Point({**p, "xi0": p.xi1 + p.gap}), c, ref),
    corrected=Correction(
        latex=r"\text{the leading eigenvector of } K_1 - K_0 \text{ is the Fourier mode } \cos(2\pi k^* t / n),\ k^* = \arg\max_k (\hat k_1 - \hat k_0)(k)",
        claimed=lambda p: rayleigh_best_mode(Point({**p, "xi0": p.xi1 + p.gap})),
        remark="K_1 - K_0 is circulant on the ring, so its eigenvectors are Fourier modes; k* = 0 only when xi_1 > xi_0",
    ),
)
