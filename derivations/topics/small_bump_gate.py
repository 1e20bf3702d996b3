r"""The small-bump gate :math:`g(x) = 1(\langle e_i, x\rangle > 0)` on NLGP data.

Audits note 001, section 5.2 (input-output covariance, eqs (66)-(74)) and
note 002 (the two-gate GDLN with the small-bump gate, eqs (1)-(13)).

Data model (note 001): two balanced classes, label Y = 1 for
:math:`Z \sim \mathcal N(0, \Sigma(\xi_1))`, Y = 0 for
:math:`\Sigma(\xi_2)`, plain (Toeplitz) distance
:math:`\Sigma(\xi)_{ij} = e^{-(i-j)^2/\xi^2}`, and
:math:`X = \operatorname{erf}(gZ)/\mathcal Z(g)` where note 001 needs
:math:`\mathcal Z(g) = \sqrt{\operatorname{Var} \operatorname{erf}(gZ_1)}`
for unit variance.  Note 002 never introduces the normaliser; its formulas
are checked for :math:`x = \operatorname{erf}(gZ)`.

References never reuse the notes' algebra: the Gaussian integrals are
computed by quadrature (mpmath at 30 digits in 1-D), the gated erf moments
(half-space expectations and gated covariances) exactly by orthant
probabilities (:mod:`numerics.models.erf_orthants`: each erf written as the
mean of a sign, Sheppard's orthant formula, enumeration over the sign
patterns; the mixture by total expectation over the drawn label), the
gradient flow by finite differences of the sampled loss, and conditional laws
by linear algebra on :math:`\Sigma(\xi)`.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import sympy as sp
from hypothesis import strategies as st
from scipy.special import erf

from numerics.estimate import Estimate
from numerics.models import datamodels as dm
from numerics.control_variates import corrected as cv_corrected, fitted_coefficients
from numerics.models.erf_orthants import (gate_given_site, gated_control_means, gated_controls, gated_erf_mean,
                                          gated_erf_second_moment)
from numerics.models.sampling import fixed_normals
from numerics.gradients import central_difference
from numerics.quadrature import gaussian_cutoff

from derivations.api import almost_surely, Chain, Correction, Sampled, Tolerances, claim, definition, eq, quote
from derivations.topics._data import ERF_MIXTURE, NLGP_MIXTURE, sized
from derivations.topics._notes import N001, N002


gains = st.floats(0.05, 6.0)
lengths = st.floats(0.6, 5.0)
correlations = st.floats(0.001, 0.999)

g, r, z, xi = sp.symbols("g r z xi", positive=True)
i_, k_, l_ = sp.symbols("i k l", integer=True, nonnegative=True)

DATA_001 = (
    "balanced classes, Y = 1 with Z ~ N(0, Sigma(xi_1)), Y = 0 with Z ~ N(0, Sigma(xi_2)); plain distance",
    "X = erf(gZ)/Z(g) with Z(g) = sqrt(Var erf(g Z_1)), so Var X_i = 1",
    "gate g_i(x) = 1(x_i > 0); expectations E_{X, A | Y=1}[.] mean E[. 1(A) | Y = 1] (restricted, not conditional)",
)
DATA_002 = (
    "x = erf(gZ), unnormalised (note 002 introduces no normaliser)",
    "balanced labels y in {0, 1}: y = 1 with Z ~ N(0, Sigma(xi_1)), y = 0 with Sigma(xi_2); plain distance",
)


def rho(a: sp.Expr, b: sp.Expr) -> sp.Expr:
    r""":math:`\rho_{ab} = \exp(-(a-b)^2/\xi^2)`, the latent correlation."""
    return sp.exp(-((a - b) ** 2) / xi**2)


def normaliser(gain: float) -> float:
    r""":math:`\mathcal Z(g)` of note 001: the standard deviation of erf(gZ), by quadrature."""
    return float(np.sqrt(dm.erf_variance(float(gain))))


# positions: gate index i and size n = i + 1 + m (m >= 1 so that j != i exists)
mixture_params = {
    "i": st.integers(0, 4),
    "m": st.integers(1, 5),
    "xi1": lengths,
    "xi2": lengths,
    "g": st.floats(0.2, 5.0),
}


# =========================================================================== note 001, (66)-(74)
definition(
    "bump.sigma_yx.eq66",
    sources=[eq(N001, "66")],
    latex=r"\Sigma^{yx}(p_i) = \mathbb{E}_{g,X,Y} [g_i Y X]",
    remark="Definition of the input-output covariance for gate p_i (restates (49)).",
)


def sigma_yx_sampled(p, x, y):
    r""":math:`g_i(X)\,Y\,X` on (X, Y) drawn from the balanced NLGP mixture (label drawn too)."""
    return (y * (x[:, p.i] > 0))[:, None] * x


SIGMA_YX_SAMPLED = Sampled(data=NLGP_MIXTURE, statistic=sigma_yx_sampled, description="E[g_i Y X] on the NLGP mixture")


def mixture_gated_mean(p, normalised: bool = True, labels: tuple[float, float] = (1.0, 0.0)) -> Estimate:
    r""":math:`\mathbb{E}[g_i(X)\,Y X]` on the balanced two-class mixture, exactly.

    Total expectation over the drawn label, :math:`\sum_y \mathbb P(Y=y)\, y\,
    \mathbb E[\mathbb 1(Z_i > 0) X \mid Y=y]` with P(Y=y) = 1/2 and ``labels`` the values of y for the
    classes xi_1, xi_2 (1 and 0); each class term is
    :math:`\mathbb E[\mathbb 1(Z_i>0)\operatorname{erf}(gZ)]` by orthant probabilities
    (:func:`numerics.models.erf_orthants.gated_erf_mean`), over the normaliser
    :math:`\sqrt{Z_c(g)}` (quadrature) when ``normalised``.  :math:`X_i > 0 \iff Z_i > 0` since erf is increasing."""
    q = sized(p)
    scale = 1.0 / normaliser(q.g) if normalised else 1.0
    value, error, details = np.zeros(q.n), np.zeros(q.n), []
    for y, length in zip(labels, (q.xi1, q.xi2)):
        if y == 0.0:
            continue  # the class with y = 0 adds 0 * E[...]
        est = gated_erf_mean(dm.covariance(q.n, length), q.g, q.i)
        value += 0.5 * y * scale * est.value
        error += 0.5 * abs(y) * scale * est.abs_error
        details.append(est.detail)
    error += 1e-13 * np.abs(value)  # the normaliser's quadrature (QUADPACK at 1e-13 relative)
    return Estimate(value, "exact", error, detail="total expectation over the label; " + "; ".join(details))


def sigma_yx_exact(p) -> Estimate:
    r""":math:`\Sigma^{yx}(p_i) = \mathbb{E}[g_i Y X]` on the NLGP mixture (note 001), exactly."""
    return mixture_gated_mean(p, normalised=True)


SIGMA_YX = sigma_yx_exact

sigma_yx = Chain(
    "bump.sigma_yx",
    note=N001,
    params=mixture_params,
    reference=SIGMA_YX,
    assumptions=DATA_001,
)


_CV_FITS: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
SMOOTH = ("linear", "cubic")


def _class1_terms(p, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Per-sample :math:`\tfrac12\,\mathbb P(Z_i>0 \mid Z_j)\operatorname{erf}(gZ_j)/\mathcal Z(g)` (the gate
    Rao-Blackwellised given :math:`Z_j`) and the controls, both shape (B, n, ...)."""
    gate = gate_given_site(z, dm.covariance(p.n, p.xi1), p.i)
    # the smooth controls only: a sign control would put back the discontinuity the conditioning removed,
    # which costs randomized QMC more than it saves (measured)
    return 0.5 * gate * erf(p.g * z) / normaliser(p.g), gated_controls(z, gate, SMOOTH)


def class1_control_fit(p) -> tuple[np.ndarray, np.ndarray]:
    r"""(means, coefficients) of the control variates :math:`\mathbb 1(Z_i>0)(Z_j, Z_j^3)`
    (Rao-Blackwellised like the statistic, same means) for :math:`\tfrac12\mathbb 1(Z_i>0)\operatorname{erf}(gZ_j)/\mathcal Z(g)`
    on class-1 latents: closed-form Gaussian means (:func:`numerics.models.erf_orthants.gated_control_means`),
    coefficients fitted on a pilot block seeded by the point, independent of the audit's blocks (so the
    estimate stays unbiased)."""
    q = sized(p)
    key = (q.n, q.i, float(q.xi1), float(q.g))
    if key not in _CV_FITS:
        if len(_CV_FITS) > 256:
            _CV_FITS.clear()
        t, c = _class1_terms(q, fixed_normals(dict(q), q.n, 8192, salt="control-variate pilot"))  # marginals, as _reduced
        _CV_FITS[key] = (gated_control_means(dm.covariance(q.n, q.xi1), q.i, SMOOTH), fitted_coefficients(t, c))
    return _CV_FITS[key]


def _reduced(p, eps: np.ndarray) -> np.ndarray:
    r"""Per-sample values whose entry j has the mean of :math:`\tfrac12\mathbb 1(Z_i>0)\operatorname{erf}(gZ_j)/\mathcal Z(g)`:
    the gate conditioned on :math:`Z_j` (Rao-Blackwell), minus fitted control variates.

    After the conditioning, entry j is a function of :math:`Z_j` alone, and :math:`Z_j \sim \mathcal N(0, 1)`
    (unit diagonal of :math:`\Sigma(\xi_1)`); so entry j is sampled from coordinate j of the block, one
    coordinate of the scrambled Sobol points per entry (a 1-D stratified sample, far better for randomized QMC
    than the projection :math:`Z_j = (L\varepsilon)_j`).  The mean of each entry needs only its marginal law;
    the joint law across entries does not enter."""
    means, beta = class1_control_fit(p)
    t, c = _class1_terms(p, eps[:, : p.n])
    return cv_corrected(t, c, means, beta)


def restricted_class1(p, eps, reduced: bool = True):
    r"""The note's line (67): :math:`X\,1(X_i>0)` on class-1 data, times P(Y=1) = 1/2.  By default the
    variance-reduced per-sample values (:func:`_reduced`; X_i > 0 iff Z_i > 0); ``reduced=False`` the raw ones
    on class-1 data :math:`X = \operatorname{erf}(gZ)/\mathcal Z(g)`, :math:`Z = L\varepsilon`."""
    p = sized(p)
    if reduced:
        return _reduced(p, eps)
    zl = dm.gaussian(eps[:, : p.n], dm.latent_factor(p.n, p.xi1))
    x1 = erf(p.g * zl) / np.sqrt(dm.erf_variance(float(p.g)))
    return 0.5 * (x1[:, p.i] > 0)[:, None] * x1


def latent_form(p, eps, reduced: bool = True):
    r"""The note's line (68): :math:`1(Z_i>0)\operatorname{erf}(gZ)/\mathcal Z(g)` on class-1 latents, times 1/2
    (variance-reduced per-sample values by default, as :func:`restricted_class1`)."""
    p = sized(p)
    if reduced:
        return _reduced(p, eps)
    zl = dm.gaussian(eps[:, : p.n], dm.latent_factor(p.n, p.xi1))
    return 0.5 * (zl[:, p.i] > 0)[:, None] * erf(p.g * zl) / normaliser(p.g)


sigma_yx.step(
    "67",
    latex=r"= \mathbb{E}_{X, \langle e_i, X \rangle > 0 | Y=1} [X] \mathbb{P}(Y=1)",
    claimed=Sampled(lambda p: sized(p).n, restricted_class1,
                    "E[X 1(X_i>0) | Y=1] P(Y=1); gate conditioned on Z_j, control variates (Z_j, Z_j^3)"),
    after="bump.sigma_yx.eq66",
    previous_form=SIGMA_YX,
)
sigma_yx.step(
    "68",
    latex=(
        r"= \mathbb{E}_{Z_i > 0} \left[ \mathbb{E}_{Z | Z_i, Y=1} \left[ \frac{\text{erf}(gZ)}{\mathcal{Z}(g)} "
        r"\right] \right] \mathbb{P}(Y=1)."
    ),
    claimed=Sampled(lambda p: sized(p).n, latent_form,
                    "E[1(Z_i>0) erf(gZ)/Z(g) | Y=1] P(Y=1); gate conditioned on Z_j, control variates (Z_j, Z_j^3)"),
)

# --------------------------------------------------------------------------- (69)-(70): inner expectation
inner = Chain(
    "bump.inner",
    note=N001,
    params={"g": gains, "r": correlations, "z": st.floats(-4.0, 4.0)},
    assumptions=("(Z_i, Z_j) standard bivariate normal with correlation r in (0, 1)",),
)


def conditional_from_joint(p, ctx):
    r""":math:`\mathbb{E}[\operatorname{erf}(gZ_j) | Z_i = z]` as
    :math:`\int \operatorname{erf}(g t)\, \varphi_2(z, t; r)\, dt / \varphi(z)`,
    the bivariate normal density built from the inverse of [[1, r], [r, 1]]
    (no conditional-law formula used), by mpmath quadrature."""
    with mp.workdps(ctx.dps + 10):
        rr, zz, gg = mp.mpf(p.r), mp.mpf(p.z), mp.mpf(p.g)
        cov = mp.matrix([[1, rr], [rr, 1]])
        prec = cov ** -1
        det = mp.det(cov)

        def joint(t):
            q = prec[0, 0] * zz**2 + 2 * prec[0, 1] * zz * t + prec[1, 1] * t**2
            return mp.exp(-q / 2) / (2 * mp.pi * mp.sqrt(det))

        marginal = mp.exp(-zz**2 / 2) / mp.sqrt(2 * mp.pi)
        centre = rr * zz  # only used to place breakpoints near the bulk
        width = mp.sqrt(1 - rr**2)
        # truncated where the conditional law's tail is below the working precision (a fixed 12 widths
        # dropped a mass 2 Phi(-12) ~ 3.6e-33 that the quadrature's error estimate did not see, and
        # refuted (69)-(70) at 40 digits)
        cut = gaussian_cutoff(ctx.dps + 10) * width
        pts = [centre - cut, centre, 0, centre + cut] if abs(centre) < cut else [centre - cut, centre, centre + cut]
        pts = sorted(set(pts))
    est = ctx.integrate(lambda t: mp.erf(gg * t) * joint(t) / marginal, pts)
    return est


inner.reference = conditional_from_joint
zj = sp.Symbol("z_j", real=True)
inner.step(
    "69",
    latex=(
        r"\mathbb{E}_{Z | Z_i, Y=1} [\text{erf}(gZ_j)] = \int_{\mathbb{R}} \text{erf}(gz_j) "
        r"\frac{1}{\sqrt{2\pi}\sqrt{1-r^2}} \exp\left(-\frac{(z_j - rz_i)^2}{2(1-r^2)}\right) dz_j"
    ),
    claimed=lambda p, ctx: ctx.gaussian_expectation(lambda t: mp.erf(p.mp.g * t), mean=p.mp.r * p.mp.z, var=1 - p.mp.r**2),
    reference=conditional_from_joint,
    remark="The claimed side is the note's integral, evaluated by quadrature as written.",
)
inner.step(
    "70",
    latex=r"= \text{erf}\left(\frac{gr}{\sqrt{1+2g^2(1-r^2)}} z_i\right).",
    claimed=sp.erf(g * r / sp.sqrt(1 + 2 * g**2 * (1 - r**2)) * z),
    reference=conditional_from_joint,
    latex_symbols={"z_i": "z"},
)

claim(
    "bump.conditional_law",
    sources=[quote(N001, "for j \\neq i, Z_j | Z_i \\sim \\mathcal{N}(rZ_i, 1 - r^2)")],
    latex=r"Z_j | Z_i \sim \mathcal{N}(rZ_i, 1 - r^2), \quad r = e^{-(i-j)^2/\xi_1^2}",
    params={"n": st.integers(2, 8), "xi1": lengths, "i": st.integers(0, 7), "j": st.integers(0, 7)},
    assumptions=("Z ~ N(0, Sigma(xi_1)) with plain distance", "i, j taken modulo n"),
    claimed=lambda p: np.array([np.exp(-(((p.i % p.n) - (p.j % p.n)) ** 2) / p.xi1**2),
                                1 - np.exp(-2 * (((p.i % p.n) - (p.j % p.n)) ** 2) / p.xi1**2)]),
    reference=lambda p: _gaussian_conditioning(p),
    method="exact",
    remark="Checked as (regression coefficient, conditional variance) of Z_j on Z_i.",
)


def _gaussian_conditioning(p):
    """(Sigma_ji / Sigma_ii, Sigma_jj - Sigma_ji^2 / Sigma_ii) from the covariance matrix."""
    cov = dm.covariance(p.n, p.xi1)
    a, b = p.i % p.n, p.j % p.n
    return np.array([cov[b, a] / cov[a, a], cov[b, b] - cov[b, a] ** 2 / cov[a, a]])


# --------------------------------------------------------------------------- (71)-(73): outer expectation
def half_space_erf(p):
    r""":math:`\mathbb{E}[1(U>0)\operatorname{erf}(gV)]` for a standard bivariate normal
    (U, V) with correlation r, exactly by orthant probabilities (erf as the mean of a sign;
    :func:`numerics.models.erf_orthants.gated_erf_mean`), no erf-Gaussian identity."""
    est = gated_erf_mean(np.array([[1.0, p.r], [p.r, 1.0]]), p.g, 0)
    return Estimate(est.value[1], "exact", est.abs_error[1], detail=est.detail)


outer = Chain(
    "bump.outer",
    note=N001,
    params={"g": gains, "r": correlations},
    reference=half_space_erf,
    assumptions=("(Z_i, Z_j) standard bivariate normal with correlation r in (0, 1)",),
)
outer.step(
    "71",
    latex=(
        r"\mathbb{E}_{Z_i > 0} [\mathbb{E}_{Z | Z_i, Y=1} [\text{erf}(gZ_j)]] = \int_0^\infty \frac{1}{\sqrt{2\pi}} "
        r"\exp\left(-\frac{z_i^2}{2}\right) \text{erf}\left(\frac{gr}{\sqrt{1+2g^2(1-r^2)}} z_i\right) dz_i"
    ),
    claimed=lambda p, ctx: ctx.gaussian_expectation(
        lambda u: mp.erf(p.mp.g * p.mp.r / mp.sqrt(1 + 2 * p.mp.g**2 * (1 - p.mp.r**2)) * u), lower=0
    ),
    remark="The claimed side is the note's integral, evaluated by quadrature as written.",
)
outer.step(
    "72",
    latex=r"= \frac{2}{\sqrt{\pi}} \tan^{-1}\left(\frac{\sqrt{2}gr}{\sqrt{1+2g^2(1-r^2)}}\right)",
    claimed=2 / sp.sqrt(sp.pi) * sp.atan(sp.sqrt(2) * g * r / sp.sqrt(1 + 2 * g**2 * (1 - r**2))),
)
outer.step(
    "73",
    latex=r"= \frac{2}{\sqrt{\pi}} \tan^{-1}\left(\frac{r}{\sqrt{\frac{1}{2g^2} + (1-r^2)}}\right).",
    claimed=2 / sp.sqrt(sp.pi) * sp.atan(r / sp.sqrt(1 / (2 * g**2) + (1 - r**2))),
)


# --------------------------------------------------------------------------- (74): summary
def summary_74(p):
    r"""(74) over j: :math:`\frac{1}{\sqrt\pi \mathcal Z(g)}\tan^{-1}\big(r_{ij}/\sqrt{1/(2g^2) + 1 - r_{ij}^2}\big)`."""
    p = sized(p)
    rij = np.exp(-((np.arange(p.n) - p.i) ** 2) / p.xi1**2)
    return np.arctan(rij / np.sqrt(1 / (2 * p.g**2) + (1 - rij**2))) / (np.sqrt(np.pi) * normaliser(p.g))


def from_73(p):
    r"""What (73) becomes after the note's last step: times :math:`\mathbb{P}(Y=1)/\mathcal Z(g) = 1/(2\mathcal Z(g))`."""
    p = sized(p)
    rij = np.exp(-((np.arange(p.n) - p.i) ** 2) / p.xi1**2)
    line73 = 2 / np.sqrt(np.pi) * np.arctan(rij / np.sqrt(1 / (2 * p.g**2) + (1 - rij**2)))
    return line73 * 0.5 / normaliser(p.g)


sigma_yx.step(
    "74",
    latex=(
        r"\Sigma^{yx}(p_i)_j = \frac{1}{\sqrt{\pi}\mathcal{Z}(g)} "
        r"\tan^{-1}\left(\frac{r}{\sqrt{\frac{1}{2g^2} + (1-r^2)}}\right)."
    ),
    assumptions=("r = r_ij = exp(-(i-j)^2/xi_1^2); checked as the whole vector over j",),
    claimed=summary_74,
    after="bump.outer.eq73",
    previous_form=from_73,
    note_flag="TODO: finish!",
    remark="The note's summary of (68) with (73) substituted; its TODO refers to the input-input term.",
)

# =========================================================================== note 002
definition(
    "bump002.model",
    sources=[eq(N002, "1")],
    latex=r"\hat{y}(x) = \frac{1}{2} (g_1(x)W_1 + g_2(x)W_2) x,",
)
definition("bump002.gate1", sources=[eq(N002, "2")], latex=r"g_1(x) = \mathbb{1}(\langle x, e_i \rangle \geq 0)")
definition("bump002.gate2", sources=[eq(N002, "3")], latex=r"g_2(x) = \mathbb{1}(\langle x, -e_i \rangle \geq 0).")


def gates_sum_minus_one(p, x, y) -> np.ndarray:
    r""":math:`g_1(x) - (1 - g_2(x))` per draw on the data of note 002 (the gates as defined in (2), (3))."""
    return (x[:, p.i] >= 0).astype(float) - (1.0 - (-x[:, p.i] >= 0).astype(float))


claim(
    "bump002.gates_complementary",
    sources=[quote(N002, "So, g_1(x) = 1 - g_2(x).")],
    latex=r"g_1(x) = 1 - g_2(x)",
    params=mixture_params,
    assumptions=DATA_002 + ("a statement about the random input X: judged almost surely, as E|g_1(X) - (1 - g_2(X))| = 0 "
                            "under the data law; the boundary x_i = 0 is bump002.gates_complementary.everywhere",),
    claimed=lambda p: 0.0,
    reference=almost_surely(ERF_MIXTURE, gates_sum_minus_one, "E|g_1(X) - (1 - g_2(X))|"),
    tolerances=Tolerances(scale=1.0),  # gate values are 0 or 1: resolution is judged against 1
)
claim(
    "bump002.gates_complementary.everywhere",
    role="domain",
    sources=[quote(N002, "So, g_1(x) = 1 - g_2(x).")],
    latex=r"g_1(x) = 1 - g_2(x)",
    params={"x_i": st.floats(-3.0, 3.0)},
    assumptions=("pointwise in x, for every x including the boundary x_i = 0 (a null set of the data law); "
                 "only the coordinate x_i matters",),
    claimed=lambda p: 1.0 - float(-p.x_i >= 0),
    reference=lambda p: float(p.x_i >= 0),
    method="exact",
    diagnose=lambda p, c, ref: (
        "both gates are on at x_i = 0 because (2) and (3) both use >=; the identity holds for x_i != 0, "
        "i.e. almost surely under NLGP/Gaussian data (P(X_i = 0) = 0; see bump002.gates_exclusive)"
        if p.x_i == 0 else None
    ),
    corrected=Correction(
        latex=r"g_1(x) = 1 - \mathbb{1}(\langle x, -e_i \rangle > 0)",
        claimed=lambda p: 1.0 - float(-p.x_i > 0),
        remark="g_2 with a strict inequality",
    ),
    remark="The boundary case: a remark on the almost-sure statement bump002.gates_complementary, not a refutation of it.",
)


def gates_overlap(p, x, y):
    r""":math:`g_1 g_2 x x^\top` on sampled data (the two gates as defined in (2), (3))."""
    both = ((x[:, p.i] >= 0) & (-x[:, p.i] >= 0)).astype(float)
    return both[:, None, None] * x[:, :, None] * x[:, None, :]


claim(
    "bump002.gates_exclusive",
    sources=[quote(N002, "Note that \\Sigma^{xx}(p_1, p_2) = 0 by the construction of our gates")],
    latex=r"\Sigma^{xx}(p_1, p_2) = 0",
    params=mixture_params,
    assumptions=DATA_002,
    claimed=lambda p: np.zeros((sized(p).n, sized(p).n)),
    reference=Sampled(data=ERF_MIXTURE, statistic=gates_overlap, description="E[g_1 g_2 x x^T]"),
    tolerances=Tolerances(scale=1.0),  # entries of E[x x^T] are O(1); resolution is judged against that
    remark="True almost surely: the gates overlap only on {x_i = 0}, a null set for NLGP data.",
)


# --------------------------------------------------------------------------- (4): gradient flow
def _weights(p) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(p.w_seed)
    return rng.standard_normal(p.n), rng.standard_normal(p.n)


def _model_loss(p, x, y):
    """Per-sample loss 1/2 (y - yhat)^2 of model (1) as a function of W_1 (flat)."""
    w1, w2 = _weights(p)
    g1 = (x[:, p.i] >= 0).astype(float)
    g2 = (-x[:, p.i] >= 0).astype(float)

    def loss(w1_new: np.ndarray) -> np.ndarray:
        yhat = 0.5 * (g1 * (x @ w1_new) + g2 * (x @ w2))
        return 0.5 * (y - yhat) ** 2

    return loss, w1


def flow_reference(p, x, y):
    r"""Per-sample :math:`-\partial \ell / \partial W_1` of :math:`\ell = \frac12 (y - \hat y)^2`, by central differences."""
    p = sized(p)
    loss, w1 = _model_loss(p, x, y)
    return -central_difference(loss, w1)


def flow_claimed(p, x, y, weight_factor: float = 1.0):
    r"""(4) with :math:`\Sigma^{yx}`, :math:`\Sigma^{xx}` as defined in (5), (6), per sample; ``weight_factor``
    multiplies the two W-terms (1 as written, 1/2 in the corrected form)."""
    p = sized(p)
    w1, w2 = _weights(p)
    g1 = (x[:, p.i] >= 0).astype(float)
    g2 = (-x[:, p.i] >= 0).astype(float)
    syx = (g1 * y)[:, None] * x
    w1_sxx11 = (g1 * g1 * (x @ w1))[:, None] * x
    w2_sxx12 = (g1 * g2 * (x @ w2))[:, None] * x
    return 0.5 * (syx - weight_factor * w1_sxx11 - weight_factor * w2_sxx12)


flow_params = {**mixture_params, "w_seed": st.integers(0, 2**16)}
claim(
    "bump002.flow",
    sources=[eq(N002, "4")],
    latex=(
        r"\tau \frac{d}{dt} W_1 = \frac{1}{2} [\Sigma^{yx}(p_1) - W_1 \Sigma^{xx}(p_1, p_1) "
        r"- W_2 \Sigma^{xx}(p_1, p_2)],"
    ),
    params=flow_params,
    assumptions=DATA_002 + (
        "loss L = 1/2 E[(y - yhat)^2] with yhat from (1); tau = 1; W_1, W_2 random rows",
        "Sigma^{yx}, Sigma^{xx} as defined in (5), (6), estimated on the same samples",
    ),
    claimed=Sampled(data=ERF_MIXTURE, statistic=flow_claimed, description="(4) with (5), (6) per sample"),
    reference=Sampled(data=ERF_MIXTURE, statistic=flow_reference, description="-dL/dW_1 by finite differences"),
    corrected=Correction(
        latex=(
            r"\tau \frac{d}{dt} W_1 = \frac{1}{2} [\Sigma^{yx}(p_1) - \tfrac{1}{2} W_1 \Sigma^{xx}(p_1, p_1) "
            r"- \tfrac{1}{2} W_2 \Sigma^{xx}(p_1, p_2)]"
        ),
        claimed=Sampled(data=ERF_MIXTURE, statistic=lambda p, x, y: flow_claimed(p, x, y, 0.5)),
        remark="the prefactor 1/2 of (1) enters yhat as well as dyhat/dW_1, so the W-terms carry 1/4 overall",
    ),
    diagnose=lambda p, c, ref: (
        "the W-terms are twice too large relative to Sigma^{yx}: with yhat = (1/2)(...)x the weight terms get "
        "(1/2)^2; no rescaling of tau or of the loss fixes this, since the Sigma^{yx} term has only one factor 1/2"
    ),
)

definition("bump002.sigma_yx_def", sources=[eq(N002, "5")], latex=r"\Sigma^{yx}(p) = \langle g_p y x^\top \rangle_{x,y}")
definition("bump002.sigma_xx_def", sources=[eq(N002, "6")], latex=r"\Sigma^{xx}(p, q) = \langle g_p g_q x x^\top \rangle_{x,y}.")


# --------------------------------------------------------------------------- (7)
def eq7(p):
    r"""(7) over k: :math:`\frac1\pi\tan^{-1}\sqrt{\rho_{ik}^2/(\frac{1}{2g^2} + 1 - \rho_{ik}^2)}`."""
    p = sized(p)
    rik = np.exp(-((p.i - np.arange(p.n)) ** 2) / p.xi1**2)
    return np.arctan(np.sqrt(rik**2 / (1 / (2 * p.g**2) + (1 - rik**2)))) / np.pi


def gated_class1(p, eps):
    r""":math:`g_1(x)\,x` on class-1 data only (the reading :math:`\mathbb{E}[g_1 x \mid y=1]`)."""
    p = sized(p)
    x1 = dm.nlgp_unnormalised(eps[:, : p.n], dm.latent_factor(p.n, p.xi1), p.g)
    return (x1[:, p.i] >= 0)[:, None] * x1


def gated_yx(p, x, y):
    r""":math:`g_1(x)\,y\,x` on (x, y) from the balanced mixture."""
    return (y * (x[:, p.i] >= 0))[:, None] * x


def gated_yx_exact(p) -> Estimate:
    r""":math:`\langle g_1 y x \rangle` on the balanced mixture, x = erf(gZ), exactly (total expectation over y,
    orthant probabilities); the gate's boundary x_i = 0 is a null set, so >= and > agree."""
    return mixture_gated_mean(p, normalised=False)


def gated_class1_exact(p) -> Estimate:
    r""":math:`\mathbb{E}[g_1(x)\,x \mid y = 1]`, x = erf(gZ), Z ~ N(0, Sigma(xi_1)), exactly (orthant probabilities)."""
    q = sized(p)
    return gated_erf_mean(dm.covariance(q.n, q.xi1), q.g, q.i)


EQ7_LATEX = (
    r"\Sigma^{yx}(p_1) = \frac{1}{\pi} \left[\tan^{-1} \left(\sqrt{\frac{\rho_{ik}^2}{\frac{1}{2g^2} + (1 - \rho_{ik}^2)}} "
    r"\right) \right]_k^\top, \quad \rho_{ik} = \exp \left(-\frac{(i-k)^2}{\xi_1^2} \right)."
)
FLAG_002 = "This looks wrong tbh. See Desmos. First one is right tho."
claim(
    "bump002.sigma_yx",
    sources=[eq(N002, "7")],
    latex=EQ7_LATEX,
    params=mixture_params,
    assumptions=DATA_002 + ("Sigma^{yx}(p_1) = <g_1 y x^T>_{x,y} over the balanced mixture, as defined in (5)",),
    claimed=eq7,
    reference=gated_yx_exact,
    note_flag=FLAG_002,
)
claim(
    "bump002.sigma_yx.class1_reading",
    role="contrary",
    sources=[eq(N002, "7")],
    latex=EQ7_LATEX,
    params=mixture_params,
    assumptions=DATA_002 + ("reading: the class-conditional E[g_1 x | y = 1] (no factor P(y = 1))",),
    claimed=eq7,
    reference=gated_class1_exact,
    note_flag=FLAG_002,
    remark="The same line under the other reading of its left-hand side.",
)

# --------------------------------------------------------------------------- (8)-(13)
sigma2_12 = 1 - (rho(i_, l_) ** 2 - 2 * rho(i_, k_) * rho(i_, l_) * rho(k_, l_) + rho(k_, l_) ** 2) / (1 - rho(i_, k_) ** 2)
sigma2_13 = (1 - rho(i_, k_) ** 2 - rho(i_, l_) ** 2 - rho(k_, l_) ** 2 + 2 * rho(i_, k_) * rho(i_, l_) * rho(k_, l_)) / (
    1 - rho(i_, k_) ** 2
)
c_11 = g / sp.sqrt(1 + 2 * g**2 * sigma2_12)
a_i_9 = (rho(k_, l_) - rho(i_, l_) * rho(i_, k_)) / (1 - rho(i_, k_) ** 2) * c_11
a_k_10 = (rho(i_, l_) - rho(k_, l_) * rho(i_, k_)) / (1 - rho(i_, k_) ** 2) * c_11
entry_8 = sp.atan(sp.sqrt(2) * (rho(i_, k_) + a_i_9) / sp.sqrt(1 + 2 * a_k_10**2 * sigma2_12)) / sp.pi
_entry_8 = sp.lambdify((g, xi, i_, k_, l_), entry_8, "numpy")

triple_params = {"g": st.floats(0.2, 5.0), "xi": st.floats(0.8, 5.0), "i": st.integers(0, 3),
                 "dk": st.integers(1, 3), "l": st.integers(0, 6)}


def _ikl(p) -> tuple[int, int, int]:
    return p.i, p.i + p.dk, p.l


def eq8_matrix(p):
    r"""(8) as the matrix over (k, l), k != i (where (9)-(10) divide by :math:`1-\rho_{ii}^2 = 0`), n = 7."""
    n = 7
    ks = [k for k in range(n) if k != p.i]
    return np.array([[_entry_8(p.g, p.xi, p.i, k, l) for l in range(n)] for k in ks])


def gated_xx_class1(p, eps):
    r""":math:`1(x_i \ge 0)\,x x^\top` on class-1 data x = erf(gZ), rows k != i."""
    n = 7
    x = dm.nlgp_unnormalised(eps, dm.latent_factor(n, p.xi), p.g)
    keep = [k for k in range(n) if k != p.i]
    gate = (x[:, p.i] >= 0).astype(float)
    return gate[:, None, None] * x[:, keep, None] * x[:, None, :]


def gated_xx_class1_exact(p) -> Estimate:
    r""":math:`\mathbb{E}[1(x_i \ge 0)\,x x^\top \mid y = 1]`, x = erf(gZ), rows k != i, n = 7, exactly:
    a 3-D orthant expectation per entry (:func:`numerics.models.erf_orthants.gated_erf_second_moment`)."""
    n = 7
    keep = [k for k in range(n) if k != p.i]
    return gated_erf_second_moment(dm.covariance(n, p.xi), p.g, p.i, keep, list(range(n)))


def half_covariance(p):
    r"""Corrected (8): :math:`\frac{1}{\pi}\arcsin\frac{2g^2\rho_{kl}}{1+2g^2}` -- i.e. half of
    :math:`\mathbb{E}[x x^\top]`, independent of the gate index i (symmetry Z -> -Z)."""
    n = 7
    keep = [k for k in range(n) if k != p.i]
    cov = dm.covariance(n, p.xi)[keep, :]
    return np.arcsin(2 * p.g**2 * cov / (1 + 2 * p.g**2)) / np.pi


claim(
    "bump002.sigma_xx",
    sources=[eq(N002, "8")],
    latex=(
        r"\Sigma^{xx}(p_1, p_1) = \frac{1}{\pi} \tan^{-1} \left(\sqrt{2} \frac{\rho_{ik} + a_i}"
        r"{\sqrt{1 + 2a_k^2 \sigma_1^2}} \right)"
    ),
    params={"g": st.floats(0.2, 5.0), "xi": st.floats(0.8, 5.0), "i": st.integers(0, 3)},
    assumptions=DATA_002 + (
        "entry (k, l) of Sigma^{xx}(p_1, p_1) on class-1 data (the note's rho are those of xi_1), n = 7",
        "a_i, a_k, c, sigma^2 = sigma_1^2 as in (9)-(12)",
    ),
    claimed=eq8_matrix,
    reference=gated_xx_class1_exact,
    note_flag=FLAG_002,
    corrected=Correction(
        latex=r"\Sigma^{xx}(p_1, p_1)_{kl} = \frac{1}{\pi} \sin^{-1} \left( \frac{2g^2 \rho_{kl}}{1 + 2g^2} \right)",
        claimed=half_covariance,
        remark="by Z -> -Z symmetry E[1(x_i >= 0) x x^T] = E[x x^T]/2, whatever i is",
    ),
    diagnose=lambda p, c, ref: (
        "the claimed entries depend on the gate index i (through rho_ik, a_i, a_k), but the true "
        "Sigma^{xx}(p_1, p_1) = E[x x^T]/2 does not depend on i at all"
    ),
)


def regression_coefficients(p):
    r"""c times the coefficients of (Z_i, Z_k) in :math:`\mathbb{E}[Z_l | Z_i, Z_k]`, by solving the
    2x2 normal equations numerically (numpy), with c from (11)-(12)."""
    n = max(_ikl(p)) + 1
    cov = dm.covariance(n, p.xi)
    i, k, l = _ikl(p)
    s = [i, k]
    beta = np.linalg.solve(cov[np.ix_(s, s)], cov[s, l])
    cond_var = cov[l, l] - cov[l, s] @ beta
    return p.g / np.sqrt(1 + 2 * p.g**2 * cond_var) * beta


_coefficients_9_10 = sp.lambdify((g, xi, i_, k_, l_), [a_i_9, a_k_10], "numpy")
_c_11 = sp.lambdify((g, xi, i_, k_, l_), c_11, "mpmath")


def eq9_10(p):
    """(a_i, a_k) as written in (9), (10)."""
    return np.array(_coefficients_9_10(p.g, p.xi, *_ikl(p)), dtype=float)


READING_9_10 = (
    "reading: a_i, a_k are the coefficients of Z_i, Z_k in c E[Z_l | Z_i, Z_k], so that "
    "E[erf(g Z_l) | Z_i, Z_k] = erf(a_i Z_i + a_k Z_k)"
)


def _swap_diagnosis(p, c, ref):
    if np.allclose(np.asarray(c)[::-1], np.asarray(ref), rtol=1e-9, atol=1e-12):
        return "a_i and a_k are exchanged: the note's a_i is c times the coefficient of Z_k, and a_k that of Z_i"
    return None


for label, which, expr in (("9", 0, a_i_9), ("10", 1, a_k_10)):
    claim(
        f"bump002.coefficients.eq{label}",
        sources=[eq(N002, label)],
        latex={"9": r"a_i = \frac{\rho_{kl} - \rho_{il}\rho_{ik}}{1 - \rho_{ik}^2} c",
               "10": r"a_k = \frac{\rho_{il} - \rho_{kl}\rho_{ik}}{1 - \rho_{ik}^2} c"}[label],
        params=triple_params,
        assumptions=("(Z_i, Z_k, Z_l) from Sigma(xi), plain distance; k != i", READING_9_10),
        claimed=(lambda w: lambda p: eq9_10(p)[w])(which),
        reference=(lambda w: lambda p: regression_coefficients(p)[w])(which),
        method="exact",
        note_flag=FLAG_002,
        diagnose=(lambda w: lambda p, c, ref: _swap_diagnosis(p, eq9_10(p), regression_coefficients(p)))(which),
        corrected=Correction(
            latex={"9": r"a_i = \frac{\rho_{il} - \rho_{kl}\rho_{ik}}{1 - \rho_{ik}^2} c",
                   "10": r"a_k = \frac{\rho_{kl} - \rho_{il}\rho_{ik}}{1 - \rho_{ik}^2} c"}[label],
            claimed=(lambda w: lambda p: eq9_10(p)[1 - w])(which),
            remark="the numerators of (9) and (10) exchanged",
        ),
        remark="(9)-(10) define symbols used in (8); they are checked under the reading stated in the assumptions.",
    )


def conditional_erf(p, ctx):
    r""":math:`\mathbb{E}[\operatorname{erf}(gZ_l) | Z_i = u, Z_k = v]` by mpmath quadrature over the
    conditional normal, whose mean and variance come from numpy linear algebra on Sigma(xi)."""
    n = max(_ikl(p)) + 1
    cov = dm.covariance(n, p.xi)
    i, k, l = _ikl(p)
    s = [i, k]
    beta = np.linalg.solve(cov[np.ix_(s, s)], cov[s, l])
    mean = beta @ np.array([p.u, p.v])
    var = max(cov[l, l] - cov[l, s] @ beta, 0.0)
    return ctx.gaussian_expectation(lambda t: mp.erf(p.g * t), mean=mean, var=var)


def eq11_claimed(p, ctx):
    r""":math:`\operatorname{erf}(c\,\mathbb{E}[Z_l|Z_i,Z_k])` with c from (11) and :math:`\sigma^2` from (12)."""
    i, k, l = _ikl(p)
    cov = dm.covariance(max(i, k, l) + 1, p.xi)
    beta = np.linalg.solve(cov[np.ix_([i, k], [i, k])], cov[[i, k], l])
    with mp.workdps(ctx.dps + 10):
        return mp.erf(_c_11(mp.mpf(p.g), mp.mpf(p.xi), i, k, l) * mp.mpf(float(beta @ np.array([p.u, p.v]))))


claim(
    "bump002.scale_c",
    sources=[eq(N002, "11")],
    latex=r"c = \frac{g}{\sqrt{1 + 2g^2 \sigma^2}}",
    params={**triple_params, "u": st.floats(-3.0, 3.0), "v": st.floats(-3.0, 3.0)},
    assumptions=(
        "(Z_i, Z_k, Z_l) from Sigma(xi), plain distance; k != i",
        "reading: E[erf(g Z_l) | Z_i, Z_k] = erf(c E[Z_l | Z_i, Z_k]) with sigma^2 = Var(Z_l | Z_i, Z_k) from (12)",
    ),
    claimed=eq11_claimed,
    reference=conditional_erf,
    tolerances=Tolerances(rtol=1e-9),
    note_flag=FLAG_002,
)


def schur_variance(p):
    r""":math:`\operatorname{Var}(Z_l | Z_i, Z_k)` as the Schur complement, computed with numpy."""
    n = max(_ikl(p)) + 1
    cov = dm.covariance(n, p.xi)
    i, k, l = _ikl(p)
    s = [i, k]
    return cov[l, l] - cov[l, s] @ np.linalg.solve(cov[np.ix_(s, s)], cov[s, l])


variance = Chain(
    "bump002.sigma2",
    note=N002,
    params={"xi": st.floats(0.8, 5.0), "i": st.integers(0, 3), "dk": st.integers(1, 3), "l": st.integers(0, 6)},
    reference=schur_variance,
    assumptions=("(Z_i, Z_k, Z_l) from Sigma(xi), plain distance; k = i + dk != i",
                 "reading: sigma^2 = Var(Z_l | Z_i, Z_k)"),
    note_flag=FLAG_002,
    tolerances=Tolerances(rtol=1e-9),
    latex_symbols={
        "rho_ik": rho(i_, i_ + sp.Symbol("dk", integer=True, positive=True)),
        "rho_il": rho(i_, l_),
        "rho_kl": rho(i_ + sp.Symbol("dk", integer=True, positive=True), l_),
    },
)
variance.step(
    "12",
    latex=r"\sigma^2 = 1 - \frac{1}{1 - \rho_{ik}^2} (\rho_{il}^2 - 2\rho_{ik}\rho_{il}\rho_{kl} + \rho_{kl}^2)",
    claimed=sigma2_12.subs(k_, i_ + sp.Symbol("dk", integer=True, positive=True)),
)
variance.step(
    "13",
    latex=r"= \frac{1}{1 - \rho_{ik}^2} (1 - \rho_{ik}^2 - \rho_{il}^2 - \rho_{kl}^2 + 2\rho_{ik}\rho_{il}\rho_{kl})",
    claimed=sigma2_13.subs(k_, i_ + sp.Symbol("dk", integer=True, positive=True)),
)
