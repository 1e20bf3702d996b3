r"""Two ReLU neurons on Gaussian data, note 001 eqs (15)-(18), and the basis initialization, note 001 eq (36).

For :math:`X \sim \mathcal N(0, \Sigma_1)` (class :math:`Y = 1`), :math:`S_1 = \langle w_1, X\rangle`,
:math:`S_k = \langle w_k, X\rangle`, :math:`\rho_{ij} = w_i^\top\Sigma_1 w_j`,
:math:`\gamma = \rho_{1k}/\sqrt{\rho_{11}\rho_{kk}}` (15), the note gives (16) = (17) = (18) as
:math:`[\dots]\,\Sigma_1 w_1 + [\dots]\,\Sigma_1 w_k` and leaves the second bracket of (18) as "? some mess ?".

derivcheck's closed form (derived here with Price/Stein's lemma and checked below as corrections):

.. math::

    \mathbb E[\mathbb 1(S_1>0)\mathbb 1(S_k>0)\, S_k X]
    = \frac{\sqrt{1-\gamma^2}}{2\pi}\sqrt{\frac{\rho_{kk}}{\rho_{11}}}\;\Sigma_1 w_1
    + \Big(\frac14 + \frac{\sin^{-1}\gamma}{2\pi}\Big)\,\Sigma_1 w_k,

from :math:`\mathbb E[X \mid S_1, S_k] = \Sigma_1 W^\top M^{-1}(S_1, S_k)^\top` (:math:`W = [w_1; w_k]`,
:math:`M = W\Sigma_1W^\top`) and the quadrant moments
:math:`\mathbb E[UV; U,V>0] = \frac{\sqrt{1-\gamma^2}}{2\pi} + \gamma P`,
:math:`\mathbb E[V^2; U,V>0] = P + \frac{\gamma\sqrt{1-\gamma^2}}{2\pi}`,
:math:`P = \frac14 + \frac{\sin^{-1}\gamma}{2\pi}`.  Check at :math:`w_k = w_1`: :math:`\frac12\Sigma_1 w_1`, which is (14).

References: the two quadrant moments by 2-D cubature over the joint law of :math:`(S_1, S_k)` (then the Gaussian
regression above), and independently a plain Monte Carlo of the left-hand side on sampled X.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from numerics.models import datamodels as dm
from numerics.estimate import Estimate
from numerics.quadrature import bivariate_gaussian_expectation

from derivations.api import Chain, Correction, Sampled, claim, definition, eq, incomplete, quote
from derivations.kinds import gaussian_expectation
from .common import latent_sample
from derivations.topics._notes import N001

TWO = {"n": st.integers(2, 5), "xi1": st.floats(0.6, 5.0), "w_seed": st.integers(0, 2**16)}
DATA = (
    "X ~ N(0, Sigma_1) for the class Y = 1, Sigma_1 = Sigma(xi_1) with the plain distance; w_1, w_k ~ N(0, I_n) "
    "drawn from w_seed (generic: gamma in (-1, 1))",
    "rho_ij = w_i^T Sigma_1 w_j (the Sigma of (15) is Sigma_1)",
    "E_{X, A | Y=1}[.] is the restricted expectation E[. 1(A) | Y = 1], as (14) of the same note requires "
    "(E_{X, S>0|Y=1}[S X] = Sigma_1 w_1 / 2; the conditional reading would give Sigma_1 w_1)",
)


# --------------------------------------------------------------------------- the quantities of (15)
@lru_cache(maxsize=256)
def setting(n: int, xi1: float, w_seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(Sigma_1, w_1, w_k)."""
    rng = np.random.default_rng(w_seed)
    return dm.covariance(n, xi1), rng.standard_normal(n), rng.standard_normal(n)


def rhos(p) -> tuple[float, float, float, float]:
    r"""(15): :math:`\rho_{11}, \rho_{kk}, \rho_{1k}, \gamma`."""
    sigma, w1, wk = setting(p.n, p.xi1, p.w_seed)
    r11, rkk, r1k = float(w1 @ sigma @ w1), float(wk @ sigma @ wk), float(w1 @ sigma @ wk)
    return r11, rkk, r1k, r1k / np.sqrt(r11 * rkk)


def directions(p) -> tuple[np.ndarray, np.ndarray]:
    r""":math:`\Sigma_1 w_1, \Sigma_1 w_k`."""
    sigma, w1, wk = setting(p.n, p.xi1, p.w_seed)
    return sigma @ w1, sigma @ wk


# --------------------------------------------------------------------------- the note's coefficients
def bracket_17_w1(r11: float, rkk: float, g: float) -> float:
    r"""(17), bracket of :math:`\Sigma_1 w_1`, as a function of :math:`(\rho_{11}, \rho_{kk}, \gamma)`."""
    return (
        (rkk / r11 * np.arccos(-g) - g**2 * np.arcsin(g)) / (2 * np.pi * (1 - g**2))
        + (1 / (g * r11) - 1 / np.sqrt(r11 * rkk)) / (2 * np.pi * np.sqrt(1 - g**2))
    )


def coefficient_17_w1(p) -> float:
    r11, rkk, _, g = rhos(p)
    return bracket_17_w1(r11, rkk, g)


def coefficient_17_wk(p) -> float:
    r"""(17), bracket of :math:`\Sigma_1 w_k`."""
    r11, rkk, _, g = rhos(p)
    return (
        -g / (2 * np.pi * (1 - g**2)) * np.sqrt(r11 / rkk) * (rkk / r11 * np.arccos(g) - np.arcsin(g))
        + (1 / (g * rkk) - 1 / np.sqrt(r11 * rkk)) / (2 * np.pi * np.sqrt(1 - g**2))
    )


def coefficient_18_w1(p) -> float:
    r"""(18), bracket of :math:`\Sigma_1 w_1`."""
    r11, rkk, _, g = rhos(p)
    return (
        (g**2 - rkk / r11) / (2 * np.pi * (1 - g**2)) * np.arccos(g)
        + (2 * rkk / r11 - g**2) / (4 * (1 - g**2))
        + (1 / (g * r11) - 1 / np.sqrt(r11 * rkk)) / (2 * np.pi * np.sqrt(1 - g**2))
    )


def vector_17(p) -> np.ndarray:
    d1, dk = directions(p)
    return coefficient_17_w1(p) * d1 + coefficient_17_wk(p) * dk


# --------------------------------------------------------------------------- derivcheck's coefficients
def coefficient_w1(p) -> float:
    r""":math:`a = \frac{\sqrt{1-\gamma^2}}{2\pi}\sqrt{\rho_{kk}/\rho_{11}}`."""
    r11, rkk, _, g = rhos(p)
    return np.sqrt(1 - g**2) / (2 * np.pi) * np.sqrt(rkk / r11)


def coefficient_wk(p) -> float:
    r""":math:`b = \frac14 + \frac{\sin^{-1}\gamma}{2\pi}`."""
    return 0.25 + np.arcsin(rhos(p)[3]) / (2 * np.pi)


def vector_derived(p) -> np.ndarray:
    d1, dk = directions(p)
    return coefficient_w1(p) * d1 + coefficient_wk(p) * dk


# --------------------------------------------------------------------------- references
@lru_cache(maxsize=256)
def _quadrant_coefficients(n: int, xi1: float, w_seed: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Coefficients (of :math:`\Sigma_1 w_1`, :math:`\Sigma_1 w_k`) and their error bounds, from
    :math:`M^{-1}\big(\mathbb E[\mathbb 1\mathbb 1 S_k S_1], \mathbb E[\mathbb 1\mathbb 1 S_k^2]\big)` with the two
    quadrant moments of the standardised pair (U, V), correlation gamma, by 2-D cubature."""
    p = type("P", (), {"n": n, "xi1": xi1, "w_seed": w_seed})()
    r11, rkk, r1k, g = rhos(p)
    quadrant = lambda u, v: (u > 0) * (v > 0)  # noqa: E731
    m_uv = bivariate_gaussian_expectation(lambda u, v: quadrant(u, v) * u * v, g)
    m_vv = bivariate_gaussian_expectation(lambda u, v: quadrant(u, v) * v * v, g)
    moments = np.array([np.sqrt(r11 * rkk) * float(m_uv.value), rkk * float(m_vv.value)])
    errors = np.array([np.sqrt(r11 * rkk) * float(m_uv.abs_error), rkk * float(m_vv.abs_error)])
    inverse = np.linalg.inv(np.array([[r11, r1k], [r1k, rkk]]))
    return inverse @ moments, np.abs(inverse) @ errors + 1e-14 * np.abs(inverse @ moments)


def quadrature_vector(p) -> Estimate:
    r""":math:`\Sigma_1 W^\top M^{-1} m`, m the quadrant moments by cubature (Gaussian regression on :math:`(S_1,S_k)`)."""
    coef, err = _quadrant_coefficients(p.n, p.xi1, p.w_seed)
    d1, dk = directions(p)
    return Estimate(coef[0] * d1 + coef[1] * dk, "quadrature", err[0] * np.abs(d1) + err[1] * np.abs(dk),
                    detail="2-D cubature of the quadrant moments of (S_1, S_k), then E[X | S_1, S_k] (linear algebra)")


def quadrature_coefficient(which: int):
    def side(p) -> Estimate:
        coef, err = _quadrant_coefficients(p.n, p.xi1, p.w_seed)
        return Estimate(np.asarray(coef[which]), "quadrature", np.asarray(err[which]),
                        detail="2-D cubature of the quadrant moments of (S_1, S_k), then M^{-1} (linear algebra)")
    side.__doc__ = f"Coefficient {which} of the truth in the basis (Sigma_1 w_1, Sigma_1 w_k), by 2-D cubature."
    return side


def sampled_lhs(p, eps) -> np.ndarray:
    r"""Per sample :math:`\mathbb 1(S_1>0)\mathbb 1(S_k>0) S_k X` with :math:`X = L\varepsilon`, :math:`LL^\top = \Sigma_1`."""
    _, w1, wk = setting(p.n, p.xi1, p.w_seed)
    x = latent_sample(eps, p.n, p.xi1)
    s1, sk = x @ w1, x @ wk
    return ((s1 > 0) * (sk > 0) * sk)[:, None] * x


def _scale_story(p, claimed, truth) -> str:
    r11, rkk, _, g = rhos(p)
    before, after = bracket_17_w1(r11, rkk, g), bracket_17_w1(4 * r11, rkk, g)
    return (
        "the note's brackets are not homogeneous in w_1: under w_1 -> 2 w_1 (rho_11 -> 4 rho_11, gamma unchanged) the "
        f"true Sigma_1 w_1-term is unchanged, so its bracket must halve, from {before:.4g} to {before / 2:.4g}, but (17) "
        "(and (18), which equals it) "
        f"gives {after:.4g} (terms 1/(gamma rho_11) and rho_kk/rho_11); gamma = {g:.3f}. Correct brackets: "
        "sqrt(1-gamma^2) sqrt(rho_kk/rho_11)/(2 pi) and 1/4 + arcsin(gamma)/(2 pi)"
    )


def _wk_story(p, claimed, truth) -> str:
    r11, rkk, _, g = rhos(p)
    before = coefficient_17_wk(p)
    scaled = (
        -g / (2 * np.pi * (1 - g**2)) * np.sqrt(r11 / (4 * rkk)) * (4 * rkk / r11 * np.arccos(g) - np.arcsin(g))
        + (1 / (g * 4 * rkk) - 1 / np.sqrt(4 * r11 * rkk)) / (2 * np.pi * np.sqrt(1 - g**2))
    )
    return (
        "under w_k -> 2 w_k both sides double through S_k and Sigma_1 w_k, so the Sigma_1 w_k bracket must not change "
        f"(it can depend on gamma only), but the bracket of (17) goes from {before:.4g} to {scaled:.4g}; gamma = {g:.3f}. "
        "Correct bracket: 1/4 + arcsin(gamma)/(2 pi) = P(S_1 > 0, S_k > 0)"
    )


# =========================================================================== entries
definition(
    "cube.two_neuron.eq15",
    sources=[eq(N001, "15")],
    latex=r"\rho_{ij} = w_i^\top \Sigma w_j \quad \text{for } i, j = 1, k \quad \text{and} \quad \gamma = \frac{\rho_{1k}}{\sqrt{\rho_{11}\rho_{kk}}}.",
    assumptions=("Sigma is Sigma_1, the covariance of the class Y = 1",),
)
definition(
    "cube.two_neuron.eq16",
    sources=[eq(N001, "16")],
    latex=r"\mathbb{E}_{X, \langle w_1, X \rangle > 0, \langle w_k, X \rangle > 0 | Y=1} [\langle w_k, X \rangle X]",
    assumptions=DATA[2:],
    remark="The quantity that (17) and (18) evaluate (the k > 1 term of the flow (5)).",
)

EQ17 = (
    r"= \left[ \frac{1}{2\pi(1-\gamma^2)} \left( \frac{\rho_{kk}}{\rho_{11}} \cos^{-1}(-\gamma) - \gamma^2 \sin^{-1}(\gamma) "
    r"\right) + \frac{\frac{1}{\gamma\rho_{11}} - \frac{1}{\sqrt{\rho_{11}\rho_{kk}}}}{2\pi\sqrt{1-\gamma^2}} \right] "
    r"\Sigma_1 w_1 + \left[ -\frac{\gamma}{2\pi(1-\gamma^2)} \sqrt{\frac{\rho_{11}}{\rho_{kk}}} \left( "
    r"\frac{\rho_{kk}}{\rho_{11}} \cos^{-1}(\gamma) - \sin^{-1}(\gamma) \right) + \frac{\frac{1}{\gamma\rho_{kk}} - "
    r"\frac{1}{\sqrt{\rho_{11}\rho_{kk}}}}{2\pi\sqrt{1-\gamma^2}} \right] \Sigma_1 w_k"
)
CORRECT_17 = Correction(
    latex=(
        r"= \frac{\sqrt{1-\gamma^2}}{2\pi}\sqrt{\frac{\rho_{kk}}{\rho_{11}}}\, \Sigma_1 w_1 + "
        r"\left(\frac{1}{4} + \frac{\sin^{-1}\gamma}{2\pi}\right) \Sigma_1 w_k"
    ),
    claimed=vector_derived,
    remark="derived by derivcheck: Gaussian regression on (S_1, S_k) and the two quadrant moments (Stein's lemma)",
)
two_neuron = Chain("cube.two_neuron", note=N001, params=TWO, assumptions=DATA)
two_neuron.step(
    "17",
    latex=EQ17,
    claimed=vector_17,
    reference=quadrature_vector,
    corrected=CORRECT_17,
    diagnose=_scale_story,
)
claim(
    "cube.two_neuron.eq17.montecarlo",
    sources=[eq(N001, "17")],
    latex=EQ17,
    params=TWO,
    assumptions=DATA + ("reference: plain Monte Carlo of the left-hand side (16) on sampled X (no regression used)",),
    claimed=vector_17,
    reference=Sampled(lambda p: p.n, sampled_lhs, "1(S_1 > 0) 1(S_k > 0) S_k X on X ~ N(0, Sigma_1)"),
    corrected=CORRECT_17,
    diagnose=_scale_story,
)
for which, name, side in ((0, "w1", coefficient_17_w1), (1, "wk", coefficient_17_wk)):
    two_neuron.step(
        "17",
        id=f"cube.two_neuron.eq17.{name}_coefficient",
        latex=EQ17,
        assumptions=(f"only the bracket multiplying Sigma_1 {'w_1' if which == 0 else 'w_k'} (unique: Sigma_1 w_1 and Sigma_1 w_k are independent for generic w)",),
        claimed=side,
        reference=quadrature_coefficient(which),
        corrected=Correction(
            latex=(r"\frac{\sqrt{1-\gamma^2}}{2\pi}\sqrt{\frac{\rho_{kk}}{\rho_{11}}}" if which == 0
                   else r"\frac{1}{4} + \frac{\sin^{-1}\gamma}{2\pi}"),
            claimed=coefficient_w1 if which == 0 else coefficient_wk,
            remark="derivcheck's closed form",
        ),
        diagnose=_scale_story if which == 0 else _wk_story,
        after=None,  # a part of (17) itself, not a line that follows from it
    )

EQ18_W1 = (
    r"\frac{\gamma^2 - \frac{\rho_{kk}}{\rho_{11}}}{2\pi(1-\gamma^2)} \cos^{-1}(\gamma) + \frac{2\frac{\rho_{kk}}{\rho_{11}} "
    r"- \gamma^2}{4(1-\gamma^2)} + \frac{\frac{1}{\gamma\rho_{11}} - \frac{1}{\sqrt{\rho_{11}\rho_{kk}}}}{2\pi\sqrt{1-\gamma^2}}"
)
two_neuron.step(
    "18",
    id="cube.two_neuron.eq18.w1_coefficient",
    latex=rf"= \left[ {EQ18_W1} \right] \Sigma_1 w_1",
    assumptions=("only the bracket multiplying Sigma_1 w_1; the other bracket is '? some mess ?' (cube.two_neuron.eq18)",),
    claimed=coefficient_18_w1,
    reference=quadrature_coefficient(0),
    after="cube.two_neuron.eq17.w1_coefficient",
    previous_form=coefficient_17_w1,
    corrected=Correction(
        latex=r"\frac{\sqrt{1-\gamma^2}}{2\pi}\sqrt{\frac{\rho_{kk}}{\rho_{11}}}",
        claimed=coefficient_w1,
        remark="derivcheck's closed form",
    ),
    diagnose=_scale_story,
    remark="(18) rewrites the Sigma_1 w_1 bracket of (17) with cos^{-1}(-gamma) = pi - cos^{-1}(gamma), sin^{-1} = pi/2 - cos^{-1}.",
)
incomplete(
    "cube.two_neuron.eq18",
    sources=[eq(N001, "18")],
    latex=rf"= \left[ {EQ18_W1} \right] \Sigma_1 w_1 + [\text{{? some mess ?}}] \Sigma_1 w_k",
    note_flag="? some mess ?",
    assumptions=DATA,
    remark=(
        "The Sigma_1 w_k bracket is never written. derivcheck's value: 1/4 + arcsin(gamma)/(2 pi) = P(S_1 > 0, S_k > 0), "
        "checked as cube.two_neuron.wk_coefficient; the Sigma_1 w_1 bracket should be sqrt(1-gamma^2) "
        "sqrt(rho_kk/rho_11)/(2 pi) (checked as the correction of cube.two_neuron.eq18.w1_coefficient)."
    ),
)
claim(
    "cube.two_neuron.wk_coefficient",
    sources=[quote(N001, "+ [\\text{? some mess ?}] \\Sigma_1 w_k")],
    latex=r"[\text{? some mess ?}] = \frac{1}{4} + \frac{\sin^{-1}\gamma}{2\pi}",
    params=TWO,
    assumptions=DATA + ("derivcheck's value of the bracket the note leaves unfinished",),
    claimed=coefficient_wk,
    reference=quadrature_coefficient(1),
    note_flag="? some mess ?",
    remark="Supplied by derivcheck; equal to P(<w_1,X> > 0, <w_k,X> > 0 | Y = 1).",
)

# =========================================================================== (36)
g = sp.Symbol("g", positive=True)
incomplete(
    "cube.basis_init.eq36",
    sources=[eq(N001, "36")],
    latex=r"\mathbb{E}_{X, \langle X, e_i \rangle > 0 | Y=1} [\langle X, e_i \rangle]",
    note_flag="I am going to break the law and cite that result here without showing any work.",
    assumptions=("X = erf(gZ), Z ~ N(0, Sigma(xi_1)) for Y = 1 (no normaliser, as the note writes)",),
    remark=(
        "The note gives only the left-hand side; the cited value is missing. derivcheck's value is arctan(sqrt(2) g)/pi "
        "(cube.basis_init.value); the small-bump result the note points to, read at j = i, is checked as "
        "cube.basis_init.from_small_bump."
    ),
)


Z = sp.Symbol("Z", real=True)
#: :math:`\mathbb E[\operatorname{erf}(gZ)\mathbb 1(Z > 0)]`, :math:`Z \sim \mathcal N(0,1)`: mpmath quadrature on
#: the half line; certified in ball arithmetic (Arb's integral, |erf| <= 1 bounds the tail)
half_line_erf = gaussian_expectation(sp.erf(g * Z), Z, mean=0, variance=1, lower=0)


BASIS = (
    "X = erf(gZ) unnormalised, Z_i ~ N(0, 1) (the diagonal of Sigma(xi_1) is 1); restricted expectation "
    "E[<X,e_i> 1(<X,e_i> > 0) | Y = 1] (the convention of (14))",
)
claim(
    "cube.basis_init.value",
    role="completion",
    sources=[eq(N001, "36")],
    latex=r"\mathbb{E}_{X, \langle X, e_i \rangle > 0 | Y=1} [\langle X, e_i \rangle] = \frac{1}{\pi}\tan^{-1}(\sqrt{2} g)",
    params={"g": st.floats(0.05, 20.0)},
    assumptions=BASIS,
    claimed=sp.atan(sp.sqrt(2) * g) / sp.pi,
    reference=half_line_erf,
    remark="Supplied by derivcheck (the note shows no value); its g -> infinity limit 1/2 is E[sign(Z) 1(Z > 0)].",
)
claim(
    "cube.basis_init.from_small_bump",
    role="prose",
    sources=[eq(N001, "36"), quote(N001, "This is the same as the “small bump” gate we show below.")],
    latex=r"\mathbb{E}_{X, \langle X, e_i \rangle > 0 | Y=1} [\langle X, e_i \rangle] = \frac{2}{\sqrt{\pi}} \tan^{-1}(\sqrt{2} g)",
    params={"g": st.floats(0.05, 20.0)},
    assumptions=BASIS + (
        "reading: the cited result is the note's small-bump formula, 001 (73) at r = rho_ii = 1 "
        "(equivalently (74) at j = i, times 2 Z(g) to undo P(Y = 1) and the normaliser)",
    ),
    claimed=2 / sp.sqrt(sp.pi) * sp.atan(sp.sqrt(2) * g),
    reference=half_line_erf,
    corrected=Correction(
        latex=r"\frac{1}{\pi}\tan^{-1}(\sqrt{2} g)",
        claimed=sp.atan(sp.sqrt(2) * g) / sp.pi,
        remark="derivcheck's value (cube.basis_init.value)",
    ),
)
