r"""A single ReLU neuron: the flow (19)-(21) and its steady states (22)-(31), note 001 section 2.

With K = 1 the note finds, for Gaussian classes,

.. math::

    \tau\frac{d}{dt}w_1 = -\frac14\Big(\Sigma_0 + \big(1 - \sqrt{2/\pi}\,(w_1^\top\Sigma_1w_1)^{-1/2}\big)\Sigma_1\Big)w_1,

and, in the Fourier basis where the circulant :math:`\Sigma_c = P\Lambda_cP^\top`,
the same flow for :math:`u_1 = P^\top w_1`; setting it to 0 gives (22)

.. math:: (\Lambda_0+\Lambda_1)u_1 = \sqrt{2/\pi}\,\|u_1\|_{\Lambda_1}^{-1}\Lambda_1u_1 .

References.  The flow is compared with the gradient of the actual loss:
central differences of the sampled per-sample loss for (19) (any data), and
complex-step differentiation of the exact Gaussian population loss
(:mod:`numerics.models.relu_population`) for (20)-(21).  Steady states are found
without the note's algebra: by root-finding on that exact gradient along an
invariant ray (single Fourier mode, or a cosine/sine pair of one frequency
with a random phase), or by integrating the flow with scipy until it comes to
rest (then refined by Newton's method); stability comes from the Hessian of
the loss.  Each displayed steady-state equation is then evaluated at these
true steady states.  Lines (23)-(31) are equations "c = E(u)" for the
constant :math:`c = \sqrt{2/\pi}`; they are encoded as the value E(u*) each line
assigns to :math:`\sqrt{2/\pi}` (claimed) against :math:`\sqrt{2/\pi}` (reference), so
that consecutive lines can be compared ("does it follow?") at the same u*.

Distance: the note calls :math:`\Sigma_0, \Sigma_1` circulant, i.e. the ring
distance; every Fourier-basis claim is checked with it, and the flow (21) is
also checked with the plain distance of note 003 (2) to measure the error of
treating a Toeplitz covariance as diagonal in the Fourier basis.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from numerics.models import fourier as fo
from numerics.estimate import Estimate
from numerics.models.relu_population import GaussianTask, flow_limit, stationary_on_ray

from derivations.api import Chain, Correction, Point, Sampled, claim, eq, quote
from . import common as rc
from derivations.topics._notes import N001, N003

SQRT_2_PI = float(np.sqrt(2 / np.pi))
GAUSS_RING = ("X | Y = c ~ N(0, Sigma(xi_c)), balanced labels 0/1, " + rc.RING, rc.LOSS_HALF, rc.FOURIER,
              "Lambda_c = diag(P^T Sigma_c P) (the eigenvalues, as Sigma_c is circulant)")


def task(p: Point) -> GaussianTask:
    """The Gaussian single-neuron task of the point (its distance, lengths xi_1, xi_0)."""
    return GaussianTask(rc.latent_cov(p, 1), rc.latent_cov(p, 0))


def exact_flow(p: Point) -> Estimate:
    r""":math:`-\nabla\mathcal L(w)` of the exact Gaussian population loss, complex-step differentiated."""
    value = task(p).flow(rc.weights(p))
    return Estimate(value, "exact", 1e-14 * np.abs(value).max() * np.ones_like(value),
                    detail="complex-step gradient of the exact population loss (quadrature constants c1, c2)")


def exact_flow_fourier(p: Point) -> Estimate:
    r""":math:`P^\top(-\nabla\mathcal L(w))`."""
    est = exact_flow(p)
    q = rc.fourier_basis(p)
    return Estimate(q.T @ est.value, "exact", est.abs_error, detail=est.detail + ", in the Fourier basis")


# =========================================================================== (19)-(21)
def eq19_statistic(p, eps):
    r"""(19) per sample: :math:`\frac12 X_1 1(S_1>0)` minus :math:`S X 1(S>0)` over the mixture (stratified)."""
    w = rc.weights(p)
    x1, x0 = rc.two_class(p, eps)
    s1, s0 = x1 @ w, x0 @ w
    io = 0.5 * (s1 > 0)[:, None] * x1
    xx = 0.5 * (s1 * (s1 > 0))[:, None] * x1 + 0.5 * (s0 * (s0 > 0))[:, None] * x0
    return io - xx


def eq20_claimed(p) -> np.ndarray:
    r""":math:`-\frac14(\Sigma_0 + (1 - \sqrt{2/\pi}\,q_1^{-1/2})\Sigma_1)w_1`."""
    w = rc.weights(p)
    s1, s0 = rc.latent_cov(p, 1), rc.latent_cov(p, 0)
    q1 = w @ s1 @ w
    return -0.25 * (s0 + (1 - SQRT_2_PI / np.sqrt(q1)) * s1) @ w


def eq21_claimed(p) -> np.ndarray:
    r""":math:`-\frac14(\Lambda_0 + (1 - \sqrt{2/\pi}(u_1^\top\Lambda_1u_1)^{-1/2})\Lambda_1)u_1`, :math:`u_1 = P^\top w_1`."""
    u = rc.fourier_basis(p).T @ rc.weights(p)
    l1, l0 = rc.fourier_eigenvalues(p, 1), rc.fourier_eigenvalues(p, 0)
    return -0.25 * (l0 + (1 - SQRT_2_PI / np.sqrt(u @ (l1 * u))) * l1) * u


RING_PARAMS = {"n": st.integers(6, 8), "xi1": rc.ring_lengths, "xi0": rc.ring_lengths, "w_seed": rc.seeds,
               "distance": st.just("ring")}
# Steady states: two distinct classes, xi_1 > xi_0 as in Figure 1 (xi_1 = 2, xi_2 = 1); with xi_1 = xi_0 every
# ratio lambda_0/lambda_1 is 1 and the note's premise ("these pairs are all distinct") fails.
STEADY_RING = {**RING_PARAMS, "xi1": st.floats(1.0, 1.6), "xi0": st.floats(0.4, 0.8), "w_seed": st.integers(0, 2**16)}
DISTINCT = "two distinct classes: xi_1 in [1, 1.6] > xi_0 in [0.4, 0.8] (the ordering of Figure 1)"

single = Chain(
    "relu.single_neuron.flow",
    note=N001,
    params={**RING_PARAMS, "family": st.sampled_from(["gaussian", "nlgp"]), "g": rc.gains},
    assumptions=(rc.LABELS, rc.LOSS_HALF, "K = 1", rc.RESTRICTED, rc.RING),
)
single.step(
    "19",
    params={"n": rc.small_n, "xi1": rc.lengths, "xi0": rc.lengths, "w_seed": rc.seeds,
            "family": st.sampled_from(["gaussian", "nlgp"]), "g": rc.gains},
    latex=(
        r"\tau \frac{d}{dt} w_1 = \frac{1}{2} \mathbb{E}_{X, \langle w_1, X \rangle > 0 | Y=1} [X] - "
        r"\mathbb{E}_{X, Y, \langle w_1, X \rangle > 0} [\langle w_1, X \rangle X]"
    ),
    claimed=Sampled(rc.two_class_dim, eq19_statistic, "(19) per sample"),
    reference=Sampled(rc.two_class_dim, lambda p, eps: rc.loss_gradient_fd(p, eps, rc.weights(p)),
                      "-dL/dw_1 by central differences of the sampled loss"),
    assumptions=(rc.STRATIFIED, "Gaussian or NLGP classes: (19) does not use Gaussianity", rc.PLAIN),
)
single.step(
    "20",
    latex=(
        r"= -\frac{1}{4} \left( \Sigma_0 + \left( 1 - \sqrt{\frac{2}{\pi}} (w_1^\top \Sigma_1 w_1)^{-\frac{1}{2}} \right) "
        r"\Sigma_1 \right) w_1."
    ),
    claimed=eq20_claimed,
    reference=exact_flow,
    params={**RING_PARAMS, "family": st.just("gaussian")},
    assumptions=("Gaussian classes",),
    method="exact",
)
EQ21_LATEX = (
    r"\tau \frac{d}{dt} u_1 = -\frac{1}{4} \left( \Lambda_0 + \left( 1 - \sqrt{\frac{2}{\pi}} (u_1^\top \Lambda_1 u_1)^"
    r"{-\frac{1}{2}} \right) \Lambda_1 \right) u_1."
)
single.step(
    "21",
    latex=EQ21_LATEX,
    claimed=eq21_claimed,
    reference=exact_flow_fourier,
    params={**RING_PARAMS, "family": st.just("gaussian")},
    assumptions=("Gaussian classes", rc.FOURIER, "Lambda_c = diag(P^T Sigma_c P)"),
    previous_form=lambda p: rc.fourier_basis(p).T @ eq20_claimed(p),
    method="exact",
)
claim(
    "relu.single_neuron.flow.eq21_plain",
    role="contrary",
    sources=[eq(N001, "21")],
    latex=EQ21_LATEX,
    params={**RING_PARAMS, "distance": st.just("plain")},
    assumptions=("X | Y = c ~ N(0, Sigma(xi_c)) with " + rc.PLAIN, rc.LOSS_HALF, rc.FOURIER,
                 "reading: plain (Toeplitz) distance, with Lambda_c := diag(P^T Sigma_c P), "
                 "since a Toeplitz Sigma_c has no Fourier eigenbasis"),
    claimed=eq21_claimed,
    reference=exact_flow_fourier,
    method="exact",
    remark="The other reading of 'both Sigma_0 and Sigma_1 are circulant': the covariance of note 003 (2).",
    diagnose=lambda p, c, ref: (
        f"with the plain distance P^T Sigma_1 P is not diagonal: its off-diagonal part is "
        f"{fo.off_diagonal_ratio(rc.latent_cov(p, 1), rc.fourier_basis(p)):.2%} of Sigma_1 in Frobenius norm"
    ),
)


# =========================================================================== steady states
def single_mode_state(p: Point) -> np.ndarray:
    r"""The stationary point :math:`t^*p_j` on the ray of Fourier mode j (root of the exact gradient)."""
    q = rc.fourier_basis(p)
    return stationary_on_ray(task(p), q[:, p.mode % p.n]).w


def pair_state(p: Point) -> np.ndarray:
    r"""A stationary point on the ray :math:`\cos\phi\,p_{c} + \sin\phi\,p_{s}` of the cosine/sine pair of frequency f."""
    q = rc.fourier_basis(p)
    f = 1 + p.freq % max((p.n - 1) // 2, 1)
    cos_col, sin_col = 2 * f - 1, 2 * f
    direction = np.cos(p.phase) * q[:, cos_col] + np.sin(p.phase) * q[:, sin_col]
    return stationary_on_ray(task(p), direction).w


def limit_state(p: Point) -> np.ndarray:
    """Where the exact flow comes to rest from w_0 ~ N(0, I/n) (scipy LSODA, then Newton)."""
    w0 = rc.weights(p) / np.sqrt(p.n)
    return flow_limit(task(p), w0).w


def in_fourier(p: Point, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(u, Lambda_1, Lambda_0) of a weight vector."""
    return rc.fourier_basis(p).T @ w, rc.fourier_eigenvalues(p, 1), rc.fourier_eigenvalues(p, 0)


def state_of(p: Point) -> np.ndarray:
    return {"mode": single_mode_state, "pair": pair_state, "limit": limit_state}[p.state](p)


STATE_PARAMS = {**STEADY_RING, "state": st.sampled_from(["mode", "pair", "limit"]), "mode": st.integers(0, 7),
                "freq": st.integers(0, 2), "phase": st.floats(0.0, 6.28)}
STATES = ("steady states found without the note's algebra: a single Fourier mode (root of the exact gradient "
          "on its ray), a cosine/sine pair with a random phase, or the rest point of the exact flow from a random start",)


def eq22_sides(p: Point) -> tuple[np.ndarray, np.ndarray]:
    u, l1, l0 = in_fourier(p, state_of(p))
    norm = np.sqrt(u @ (l1 * u))
    return (l0 + l1) * u, SQRT_2_PI / norm * l1 * u


claim(
    "relu.steady.eq22",
    sources=[eq(N001, "22")],
    latex=r"(\Lambda_0 + \Lambda_1) u_1 = \sqrt{\frac{2}{\pi}} \frac{1}{\|u_1\|_{\Lambda_1}} \Lambda_1 u_1.",
    params=STATE_PARAMS,
    assumptions=GAUSS_RING + STATES + (DISTINCT, "claimed: the left side at the steady state; reference: the right side there",),
    claimed=lambda p: eq22_sides(p)[0],
    reference=lambda p: eq22_sides(p)[1],
    method="exact",
)


# --------------------------------------------------------------------------- (23)-(25): one active mode
def _single(p: Point) -> tuple[float, float, float, float]:
    """(u_k, lambda_1^(k), lambda_0^(k), ||u||_Lambda1) at the single-mode steady state of mode k."""
    u, l1, l0 = in_fourier(p, single_mode_state(p))
    k = p.mode % p.n
    return float(u[k]), float(l1[k]), float(l0[k]), float(np.sqrt(u @ (l1 * u)))


SINGLE_PARAMS = {**STEADY_RING, "mode": st.integers(0, 7)}
steady = Chain(
    "relu.steady.single",
    note=N001,
    params=SINGLE_PARAMS,
    reference=sp.sqrt(2 / sp.pi),
    assumptions=GAUSS_RING + (DISTINCT,
        "u = u* the stationary point on the ray of Fourier mode k (root of the exact gradient)",
        "each line is encoded as the value it assigns to sqrt(2/pi), evaluated at u*",
    ),
    method="exact",
)


def _norm_dropped(p, c, ref):
    uk, l1, l0, norm = _single(p)
    if abs(c - ref * norm) < 1e-6 * abs(ref * norm):
        return ("the line uses (u^(k))^2 lambda_1^(k) = ||u||_Lambda1^2 where (24) has ||u||_Lambda1 "
                "(the square root of the weighted norm is dropped)")
    return None


steady.step("23", latex=(r"(\lambda_0^{(k)} + \lambda_1^{(k)})u_1^{(k)} = \sqrt{\frac{2}{\pi}} "
                         r"\frac{\lambda_1^{(k)}}{\|u_1\|_{\Lambda_1}} u_1^{(k)}."),
            claimed=lambda p: (lambda uk, l1, l0, nm: (l0 + l1) * nm / l1)(*_single(p)))
steady.step("24", latex=r"\frac{\lambda_0^{(k)}}{\lambda_1^{(k)}} + 1 = \sqrt{\frac{2}{\pi}} \frac{1}{\|u_1\|_{\Lambda_1}}.",
            claimed=lambda p: (lambda uk, l1, l0, nm: (l0 / l1 + 1) * nm)(*_single(p)))
EQ25 = (r"\frac{\lambda_0^{(k)}}{\lambda_1^{(k)}} + 1 = \sqrt{\frac{2}{\pi}} \frac{1}{(u_1^{(k)})^2 \lambda_1^{(k)}} "
        r"\iff (u_1^{(k)})^2 = \sqrt{\frac{2}{\pi}} \frac{1}{\lambda_0^{(k)} + \lambda_1^{(k)}}.")
steady.step("25", id="relu.steady.single.eq25_left", latex=EQ25,
            claimed=lambda p: (lambda uk, l1, l0, nm: (l0 / l1 + 1) * uk**2 * l1)(*_single(p)),
            diagnose=_norm_dropped, remark="The left equation of (25).")
steady.step("25", id="relu.steady.single.eq25_right", latex=EQ25,
            claimed=lambda p: (lambda uk, l1, l0, nm: (l0 + l1) * uk**2)(*_single(p)),
            diagnose=_norm_dropped, remark="The right equation of (25).")


def solved_amplitude(p: Point) -> float:
    return _single(p)[0] ** 2


claim(
    "relu.steady.single.eq25_solution",
    sources=[eq(N001, "25")],
    latex=EQ25,
    params=SINGLE_PARAMS,
    assumptions=GAUSS_RING + (DISTINCT, "the single-mode steady state of mode k, found by root-finding on the exact gradient",),
    claimed=lambda p: (lambda uk, l1, l0, nm: SQRT_2_PI / (l0 + l1))(*_single(p)),
    reference=solved_amplitude,
    method="exact",
    remark="The solved form of (25) against the squared amplitude of the true steady state.",
    corrected=Correction(
        latex=r"(u_1^{(k)})^2 = \frac{2}{\pi} \frac{\lambda_1^{(k)}}{(\lambda_0^{(k)} + \lambda_1^{(k)})^2}",
        claimed=lambda p: (lambda uk, l1, l0, nm: 2 / np.pi * l1 / (l0 + l1) ** 2)(*_single(p)),
        remark="from (24) with ||u||_Lambda1 = |u^(k)| sqrt(lambda_1^(k))",
    ),
)


# --------------------------------------------------------------------------- (26)-(31): a cosine/sine pair
def _pair(p: Point) -> tuple[float, float, float, float, float, float]:
    """(u1, u2, lambda_1^(k1), lambda_1^(k2), lambda_0^(k1), lambda_0^(k2)) at a pair steady state."""
    u, l1, l0 = in_fourier(p, pair_state(p))
    f = 1 + p.freq % max((p.n - 1) // 2, 1)
    a, b = 2 * f - 1, 2 * f
    return float(u[a]), float(u[b]), float(l1[a]), float(l1[b]), float(l0[a]), float(l0[b])


def _pair_line(fn):
    return lambda p: fn(*_pair(p))


pair = Chain(
    "relu.steady.pair",
    note=N001,
    params={**STEADY_RING, "freq": st.integers(0, 2), "phase": st.floats(0.0, 6.28)},
    reference=sp.sqrt(2 / sp.pi),
    assumptions=GAUSS_RING + (DISTINCT,
        "u = u* a steady state supported on the cosine (k1) and sine (k2) modes of one frequency, "
        "at a random phase (root of the exact gradient on that ray)",
        "each line is encoded as the value it assigns to sqrt(2/pi), evaluated at u*",
    ),
    method="exact",
)
pair.step("26", latex=(r"\frac{\lambda_0^{(k_1)}}{\lambda_1^{(k_1)}} + 1 = \frac{\lambda_0^{(k_2)}}{\lambda_1^{(k_2)}} + 1 = "
                       r"\sqrt{\frac{2}{\pi}} \frac{1}{(u_1^{(k_1)})^2 \lambda_1^{(k_1)} + (u_1^{(k_2)})^2 \lambda_1^{(k_2)}}"),
          claimed=_pair_line(lambda a, b, l1a, l1b, l0a, l0b: (l0a / l1a + 1) * (a**2 * l1a + b**2 * l1b)),
          remark="Encoded with the k1 ratio; the two ratios coincide for a cosine/sine pair.")
pair.step("27", latex=(r"\sqrt{\frac{2}{\pi}} = \left( \frac{\lambda_0^{(k_1)}}{\lambda_1^{(k_1)}} + 1 \right) \left( "
                       r"(u_1^{(k_1)})^2 \lambda_1^{(k_1)} + (u_1^{(k_2)})^2 \lambda_1^{(k_2)} \right)"),
          claimed=_pair_line(lambda a, b, l1a, l1b, l0a, l0b: (l0a / l1a + 1) * (a**2 * l1a + b**2 * l1b)))
pair.step("28", latex=(r"= \lambda_0^{(k_1)} (u_1^{(k_1)})^2 + \frac{\lambda_0^{(k_1)} \lambda_1^{(k_2)}}{\lambda_1^{(k_1)}} "
                       r"(u_1^{(k_2)})^2 + (u_1^{(k_1)})^2 \lambda_1^{(k_1)} + (u_1^{(k_2)})^2 \lambda_1^{(k_2)}"),
          claimed=_pair_line(lambda a, b, l1a, l1b, l0a, l0b: l0a * a**2 + l0a * l1b / l1a * b**2 + a**2 * l1a + b**2 * l1b))
pair.step("29", latex=(r"= [\lambda_0^{(k_1)} + \lambda_1^{(k_1)}] (u_1^{(k_1)})^2 + \left[ \frac{\lambda_0^{(k_1)}}"
                       r"{\lambda_1^{(k_1)}} + 1 \right] \lambda_1^{(k_2)} (u_1^{(k_2)})^2."),
          claimed=_pair_line(lambda a, b, l1a, l1b, l0a, l0b: (l0a + l1a) * a**2 + (l0a / l1a + 1) * l1b * b**2))
pair.step("30", latex=(r"\sqrt{\frac{2}{\pi}} = \left( \frac{\lambda_0^{(k_2)}}{\lambda_1^{(k_2)}} + 1 \right) \left( "
                       r"(u_1^{(k_1)})^2 \lambda_1^{(k_1)} + (u_1^{(k_2)})^2 \lambda_1^{(k_2)} \right)"),
          claimed=_pair_line(lambda a, b, l1a, l1b, l0a, l0b: (l0b / l1b + 1) * (a**2 * l1a + b**2 * l1b)))
pair.step("31", latex=(r"= \left[ \frac{\lambda_0^{(k_2)}}{\lambda_1^{(k_2)}} + 1 \right] \lambda_1^{(k_1)} (u_1^{(k_1)})^2 + "
                       r"\left[ \lambda_0^{(k_2)} + \lambda_1^{(k_2)} \right] (u_1^{(k_2)})^2."),
          claimed=_pair_line(lambda a, b, l1a, l1b, l0a, l0b: (l0b / l1b + 1) * l1a * a**2 + (l0b + l1b) * b**2))


# --------------------------------------------------------------------------- which modes survive
def frequency_energy(p: Point, w: np.ndarray) -> np.ndarray:
    """Fraction of ||u||^2 carried by each frequency (cosine and sine of one frequency together)."""
    u = rc.fourier_basis(p).T @ w
    freqs = fo.frequencies(p.n)
    energy = np.bincount(freqs, weights=u**2)
    return energy / energy.sum()


def dominant_share(p: Point) -> Estimate:
    share = float(frequency_energy(p, limit_state(p)).max())
    return Estimate(np.asarray(share), "ode", np.asarray(1e-12), detail="rest point of the exact flow (LSODA + Newton)")


claim(
    "relu.steady.sparse",
    sources=[
        quote(N001, "So, only one or two of the eigenvectors will ever be nonzero."),
        quote(N003, "which lets us show that the limiting solutions are a superposition of just one or two modes"),
    ],
    latex=r"u_1(\infty) \text{ is supported on one frequency: one mode, or the cosine/sine pair of one frequency}",
    params={**STEADY_RING, "n": st.integers(6, 10)},
    assumptions=GAUSS_RING + (DISTINCT, "reading: the rest point of the flow from a random start w_0 ~ N(0, I/n)",
                              "checked as: the share of ||u||^2 carried by the dominant frequency is 1"),
    claimed=lambda p: 1.0,
    reference=dominant_share,
    note_flag="I need to confirm this with simulations.",
)


def surviving_mode_is_min_ratio(p: Point) -> float:
    """1 if mode k is the mode with the smallest lambda_0/lambda_1 (the note's candidate for survival), else 0."""
    l1, l0 = rc.fourier_eigenvalues(p, 1), rc.fourier_eigenvalues(p, 0)
    ratio = l0 / l1
    k = p.mode % p.n
    return float(ratio[k] <= ratio.min() * (1 + 1e-12))


def mode_is_stable(p: Point) -> float:
    """1 if the single-mode steady state of mode k is a local minimum of the loss (Hessian PSD), else 0."""
    q = rc.fourier_basis(p)
    return float(stationary_on_ray(task(p), q[:, p.mode % p.n]).stable)


claim(
    "relu.steady.stable_mode",
    sources=[quote(N001, "I think this means its update is affected least by changes in")],
    latex=(r"\text{the single-mode steady state of mode } k \text{ is stable} \iff "
           r"\frac{\lambda_0^{(k)}}{\lambda_1^{(k)}} = \min_j \frac{\lambda_0^{(j)}}{\lambda_1^{(j)}}"),
    params={**STEADY_RING, "mode": st.integers(0, 7)},
    assumptions=GAUSS_RING + (DISTINCT, "reading of the note's closing remark: the mode with the smallest ratio is the one "
                              "that survives; stability from the Hessian of the exact loss at the steady state",),
    claimed=surviving_mode_is_min_ratio,
    reference=mode_is_stable,
    method="exact",
    note_flag="I am not sure if this will generalize.",
    remark="A cosine or sine mode of the minimising frequency is stable only up to the flat rotation within its pair.",
)

# --------------------------------------------------------------------------- the data of Figure 1
FIGURE1 = {"n": st.just(40), "xi1": st.just(2.0), "xi0": st.just(1.0), "w_seed": st.sampled_from([0, 1, 2])}
FIGURE1_TEXT = "the data of Figure 1: n = 40, xi_1 = 2, xi_2 = 1, Gaussian classes (g = 0.01)"


def first_frequency_only(p: Point) -> np.ndarray:
    out = np.zeros(p.n // 2 + 1)
    out[0] = 1.0
    return out


def limit_energy(p: Point) -> Estimate:
    w0 = rc.weights(p) * np.sqrt(2 / (p.n + 1))  # Xavier normal, fan_in n, fan_out 1
    energy = frequency_energy(p, flow_limit(task(p), w0).w)
    return Estimate(energy, "ode", np.full(energy.shape, 1e-12), detail="rest point of the exact flow (LSODA + Newton)")


for distance in ("ring", "plain"):
    claim(
        "relu.steady.long_limit" + ("" if distance == "ring" else ".plain"),
        role="stated" if distance == "ring" else "contrary",
        sources=[quote(N001, "Empirically, in the *very long limit*, it's only the first eigenvalue that is nonzero.")],
        latex=r"u_1(\infty) \propto e_1 \quad \text{(only the first eigenvalue is nonzero: a flat receptive field)}",
        params={**FIGURE1, "distance": st.just(distance)},
        assumptions=(FIGURE1_TEXT, rc.RING if distance == "ring" else rc.PLAIN, rc.LOSS_HALF, rc.FOURIER,
                     "w_1(0) ~ Xavier normal (std sqrt(2/(n+1))); the limit is the rest point of the exact flow",
                     "checked as the share of ||u||^2 per frequency: all of it at frequency 0"),
        claimed=first_frequency_only,
        reference=limit_energy,
        remark=("" if distance == "ring" else
                "Reading with the plain distance of note 003 (2): the first Fourier mode is then not an eigenvector."),
    )


def note_ratio_facts(p: Point) -> np.ndarray:
    """1 + [argmin_k lambda_0/lambda_1, argmin_k 1/(lambda_0 + lambda_1)] over the frequencies 0..n/2 (eigenvalues by numpy)."""
    q = rc.fourier_basis(p)
    l1 = np.diag(q.T @ rc.latent_cov(p, 1) @ q)
    l0 = np.diag(q.T @ rc.latent_cov(p, 0) @ q)
    freqs = fo.frequencies(p.n)
    first = np.array([np.argmax(freqs == f) for f in range(p.n // 2 + 1)])
    return 1.0 + np.array([np.argmin(l0[first] / l1[first]), np.argmin(1 / (l0[first] + l1[first]))], dtype=float)


claim(
    "relu.steady.smallest_ratio",
    sources=[quote(N001, "has the smallest ratio  $\\frac{\\lambda_0^{(k)}}{\\lambda_1^{(k)}}$  and the smallest inverse sum")],
    latex=(r"k = 1 \text{ has the smallest ratio } \frac{\lambda_0^{(k)}}{\lambda_1^{(k)}} \text{ and the smallest inverse sum } "
           r"\frac{1}{\lambda_0^{(k)} + \lambda_1^{(k)}}"),
    params={**FIGURE1, "distance": st.just("ring")},
    assumptions=(FIGURE1_TEXT, rc.RING, "k = 1 is the first (constant, frequency 0) eigenvector; frequencies counted from 1"),
    claimed=lambda p: np.ones(2),
    reference=note_ratio_facts,
    method="exact",
    note_flag="I am not sure if this will generalize.",
)


def distinct_ratio_count(p: Point) -> float:
    """Number of distinct values of lambda_0/lambda_1 over the frequencies 0..n/2 (relative gap > 1e-9)."""
    q = rc.fourier_basis(p)
    l1 = np.diag(q.T @ rc.latent_cov(p, 1) @ q)
    l0 = np.diag(q.T @ rc.latent_cov(p, 0) @ q)
    freqs = fo.frequencies(p.n)
    ratios = np.sort([l0[np.argmax(freqs == f)] / l1[np.argmax(freqs == f)] for f in range(p.n // 2 + 1)])
    gaps = np.diff(ratios) > 1e-9 * np.abs(ratios[1:])
    return float(1 + gaps.sum())


claim(
    "relu.steady.distinct_pairs",
    sources=[quote(N001, "Empirically, we observe that these pairs are all distinct.")],
    latex=r"\frac{\lambda_0^{(k)}}{\lambda_1^{(k)}} \neq \frac{\lambda_0^{(j)}}{\lambda_1^{(j)}} \text{ for different frequencies } j \neq k",
    params={**FIGURE1, "distance": st.just("ring")},
    assumptions=(FIGURE1_TEXT, rc.RING, "encoded as: the n/2 + 1 frequencies give n/2 + 1 distinct ratios"),
    claimed=lambda p: float(p.n // 2 + 1),
    reference=distinct_ratio_count,
    method="exact",
)
