r"""Note 001, section 3 "Sigmoid Analysis": the gradient flow of the biases.

Single neuron (eqs (37)-(43)): :math:`\hat y(x) = \sigma(\langle w_1, x\rangle + b_1)`,
MSE loss :math:`\mathcal L = \frac12 \mathbb{E}[(\hat y(X) - Y)^2]` (note 001 (3)),
labels Y = 1 for :math:`X \sim p_{\xi_1}` and Y = 0 otherwise (note 001,
section 1), balanced classes, and Gaussian data, so that
:math:`\langle w_1, X\rangle \sim \mathcal N(0, \sigma_c^2)` with
:math:`\sigma_c^2 = w_1^\top \Sigma_c w_1` in class c.

Convention switch: the section states :math:`\sigma(x) = \operatorname{erf}(x/\sqrt2)`,
but (38) differentiates :math:`\operatorname{erf}` itself
(:math:`\frac{d}{dh}\operatorname{erf}(h) = \frac{2}{\sqrt\pi}e^{-h^2}`), and (39)-(43)
follow (38).  The single-neuron lines are therefore checked under
:math:`\sigma = \operatorname{erf}`, and (38) and (43) are checked a second
time under the stated :math:`\sigma = \operatorname{erf}(\cdot/\sqrt2)`.

Multiple neurons: :math:`\hat y = \frac1K\sum_k \sigma(\langle w_k, x\rangle + b_k)`
with :math:`\sigma = \operatorname{erf}(\cdot/\sqrt2)` (the displays use
:math:`\sigma' = \sqrt{2/\pi}\,e^{-h^2/2}`) and, as the note says there,
labels +1 / -1.

References never reuse the note's algebra: Gaussian integrals by mpmath
quadrature at 30 digits; flows as minus the derivative of the actual loss,
either per sample by central differences on sampled data (Monte Carlo, the
label drawn too) or by Richardson-extrapolated differences of the exact loss,
itself computed by Gauss-Legendre quadrature over the (at most 2-D) Gaussian
preactivations.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import strategies as st
from scipy.special import erf

from numerics.models import datamodels as dm
from numerics import gauss_legendre
from numerics.models import sampling
from numerics.estimate import Estimate
from numerics.gradients import central_difference

from derivations.api import Correction, Sampled, Tolerances, claim, definition, eq, incomplete, quote
from derivations.kinds import gaussian_expectation
from derivations.topics._notes import N001, N004


SQRT2, SQRTPI = np.sqrt(2.0), np.sqrt(np.pi)

# --------------------------------------------------------------------------- conventions
SIGMA_ERF = "sigma(h) = erf(h): the convention (38) uses (it differentiates erf itself), although the section states erf(h/sqrt 2)"
SIGMA_ERF_SQRT2 = "sigma(h) = erf(h/sqrt 2), as the section states ('We will consider sigma(x) = erf(x/sqrt 2)')"
LABELS_01 = "labels Y = 1 for class xi_1 (covariance Sigma_1) and Y = 0 for class xi_0 (Sigma_0), P(Y = 1) = 1/2 (note 001, section 1)"
LABELS_PM = "labels Y = +1 for class xi_1 (Sigma_1) and Y = -1 for class xi_0 (Sigma_0), balanced, as the note says for this display"
LOSS = "MSE loss L = 1/2 E_{X,Y}[(yhat(X) - Y)^2] (note 001 (3)); tau = 1, so tau db/dt = -dL/db"
GAUSS = "Gaussian data X ~ N(0, Sigma(xi)) with the plain (Toeplitz) distance on n sites"
PROJECTED = "<w_1, X> ~ N(0, sigma_c^2) in class c with sigma_c^2 = w_1^T Sigma_c w_1 (Gaussian data); checked over sigma_c^2 directly"
READING_38 = "reading: the unbalanced '-\\langle w_1, X \\rangle + b_1)^2' in (38)-(41) is -(\\langle w_1, X \\rangle + b_1)^2"

variances = st.floats(0.05, 8.0)
biases = st.floats(-3.0, 3.0)


# =========================================================================== single neuron
definition(
    "sigmoid.single.model",
    sources=[eq(N001, "37")],
    latex=r"\hat{y}(x) = \sigma(\langle w_1, x \rangle + b_1).",
    assumptions=(SIGMA_ERF_SQRT2 + " (stated); (38)-(43) use erf itself",),
)


def _gaussian_classes(p, eps) -> tuple[np.ndarray, np.ndarray]:
    """Class-1 and class-0 Gaussian data from the first and second n normals."""
    return sampling.latent(eps[:, : p.n], p.n, p.xi1), sampling.latent(eps[:, p.n : 2 * p.n], p.n, p.xi0)


def _weights(p) -> np.ndarray:
    r"""A random receptive field :math:`w_1 \sim \text{w\_scale} \cdot \mathcal N(0, I_n/n)`."""
    return p.w_scale * np.random.default_rng(p.w_seed).standard_normal(p.n) / np.sqrt(p.n)


def _sigma(name: str):
    return (lambda h: erf(h)) if name == "erf" else (lambda h: erf(h / SQRT2))


def single_flow_reference(activation: str):
    r"""Per-sample :math:`-\partial_{b_1} \frac12(\sigma(\langle w_1, X\rangle + b_1) - Y)^2` by central
    differences, on (X, Y) drawn from the balanced mixture (labels 0/1, the label drawn too)."""

    def statistic(p, eps):
        x1, x0 = _gaussian_classes(p, eps)
        x, y = dm.labelled_mixture(eps, p.n, x1, x0)
        h = x @ _weights(p)
        sigma = _sigma(activation)
        return -central_difference(lambda b: 0.5 * (sigma(h + b[0]) - y) ** 2, np.array([p.b]))[:, 0]

    return statistic


def eq38_sampled(p, eps):
    r"""(38) as written, per sample: :math:`\frac12 \frac{2}{\sqrt\pi}e^{-h_1^2}` on class-1 data minus
    :math:`\operatorname{erf}(h)\frac{2}{\sqrt\pi}e^{-h^2}` on the drawn mixture sample, :math:`h = \langle w_1, X\rangle + b_1`."""
    x1, x0 = _gaussian_classes(p, eps)
    x, _ = dm.labelled_mixture(eps, p.n, x1, x0)
    w = _weights(p)
    h1, h = x1 @ w + p.b, x @ w + p.b
    return 0.5 * 2 / SQRTPI * np.exp(-(h1**2)) - erf(h) * 2 / SQRTPI * np.exp(-(h**2))


flow_params = {
    "n": st.integers(2, 6), "xi1": st.floats(0.5, 3.0), "xi0": st.floats(0.5, 3.0),
    "w_seed": st.integers(0, 2**16), "w_scale": st.floats(0.3, 1.5), "b": st.floats(-2.0, 2.0),
}
EQ38 = (
    r"\tau \frac{d}{dt} b_1 = \frac{1}{2} \mathbb{E}_{X|Y=1} \left[ \frac{2}{\sqrt{\pi}} e^{-\langle w_1, X \rangle + b_1)^2} "
    r"\right] - \mathbb{E}_{X,Y} \left[ \text{erf}(\langle w_1, X \rangle + b_1) \frac{2}{\sqrt{\pi}} "
    r"e^{-\langle w_1, X \rangle + b_1)^2} \right]."
)
mixture_dim = lambda p: 2 * p.n + 1  # noqa: E731 - class-1 normals, class-0 normals, label

claim(
    "sigmoid.single.bias_flow",
    role="contrary",
    sources=[eq(N001, "38")],
    latex=EQ38,
    params=flow_params,
    assumptions=(SIGMA_ERF, LABELS_01, LOSS, GAUSS, READING_38, "w_1 random, w_1 ~ w_scale N(0, I/n)"),
    claimed=Sampled(mixture_dim, eq38_sampled, "(38) per sample"),
    reference=Sampled(mixture_dim, single_flow_reference("erf"), "-dL/db_1 by central differences, label drawn"),
    remark="Holds for any data law; Gaussian data are used because (39)-(43) assume them.",
)
# --------------------------------------------------------------------------- (39)-(41): Gaussian integrals
s1sq, s0sq, b = sp.symbols("s1sq s0sq b", real=True)

EQ39 = 2 / sp.sqrt(sp.pi) / sp.sqrt(2 * s1sq + 1) * sp.exp(b**2 / (2 * s1sq) * (1 / (2 * s1sq + 1) - 1))


def eq41(s: sp.Expr) -> sp.Expr:
    """The right-hand side of (41) with sigma_1^2 = s."""
    a = 2 * s / (2 * s + 1) - 1
    return -2 / (sp.sqrt(sp.pi) * sp.sqrt(2 * s + 1)) * sp.exp(a * b**2) * sp.erf(a / sp.sqrt(1 + 2 * s / (2 * s + 1)) * b)


S = sp.Symbol("S", real=True)  # <w_1, X> in class 1: N(0, sigma_1^2)
#: E[2/sqrt(pi) e^{-(S + b_1)^2}] by quadrature; certified in ball arithmetic (|integrand| <= 2/sqrt(pi))
quad_gauss_term = gaussian_expectation(2 / sp.sqrt(sp.pi) * sp.exp(-((S + b) ** 2)), S, mean=0, variance=s1sq)
#: E[erf(S + b_1) 2/sqrt(pi) e^{-(S + b_1)^2}] by quadrature; certified likewise
quad_cross_term = gaussian_expectation(sp.erf(S + b) * 2 / sp.sqrt(sp.pi) * sp.exp(-((S + b) ** 2)), S, mean=0, variance=s1sq)


single_params = {"s1sq": variances, "b": biases}
claim(
    "sigmoid.single.gauss_term",
    sources=[eq(N001, "39")],
    latex=(
        r"\mathbb{E}_{X|Y=1} \left[ \frac{2}{\sqrt{\pi}} e^{-\langle w_1, X \rangle + b_1)^2} \right] = "
        r"\frac{2}{\sqrt{\pi}} \cdot \frac{1}{\sqrt{2\sigma_1^2 + 1}} \exp \left( \frac{b_1^2}{2\sigma_1^2} "
        r"\left( \frac{1}{2\sigma_1^2 + 1} - 1 \right) \right)."
    ),
    params=single_params,
    assumptions=(PROJECTED, READING_38, "sigma_1^2 in [0.05, 8], b_1 in [-3, 3]"),
    claimed=EQ39,
    reference=quad_gauss_term,
)
claim(
    "sigmoid.single.cross_term",
    sources=[eq(N001, "40"), eq(N001, "41")],
    latex=(
        r"\mathbb{E}_{X|Y=1} \left[ \text{erf}(\langle w_1, X \rangle + b_1) \frac{2}{\sqrt{\pi}} "
        r"e^{-\langle w_1, X \rangle + b_1)^2} \right] = -\frac{2}{\sqrt{\pi} \cdot \sqrt{2\sigma_1^2 + 1}} "
        r"\exp \left( \left( \frac{2\sigma_1^2}{2\sigma_1^2 + 1} - 1 \right) b_1^2 \right) \text{erf} \left( "
        r"\frac{\frac{2\sigma_1^2}{2\sigma_1^2 + 1} - 1}{\sqrt{1 + \frac{2\sigma_1^2}{2\sigma_1^2 + 1}}} b_1 \right)."
    ),
    params=single_params,
    assumptions=(PROJECTED, READING_38, "sigma_1^2 in [0.05, 8], b_1 in [-3, 3]"),
    claimed=eq41(s1sq),
    reference=quad_cross_term,
    remark="(40) is the left-hand side, (41) the right-hand side of one equation.",
)

def _convention_diagnosis(p, claimed, truth) -> str:
    return ("the line differentiates erf itself (d/dh erf(h) = 2/sqrt(pi) e^{-h^2}); for the stated sigma = erf(h/sqrt 2) "
            "the derivative is sqrt(2/pi) e^{-h^2/2}, so the line is the flow of sigma = erf, not of the stated activation "
            "(checked under sigma = erf by the claim without the suffix)")


def eq38_by_quadrature(activation_in_formula: str):
    r"""(38) over the Gaussian preactivations :math:`S_c \sim \mathcal N(0, \sigma_c^2)`, by quadrature:
    :math:`\frac12\mathbb{E}_1[\sigma'(S+b)] - \frac12\sum_c\mathbb{E}_c[\sigma(S+b)\sigma'(S+b)]` with the note's
    :math:`\sigma = \operatorname{erf}`, :math:`\sigma' = \frac{2}{\sqrt\pi}e^{-h^2}` (``"erf"``) or with
    :math:`\sigma = \operatorname{erf}(\cdot/\sqrt2)`, :math:`\sigma' = \sqrt{2/\pi}e^{-h^2/2}` (``"erf_sqrt2"``)."""
    if activation_in_formula == "erf":
        act, slope = (lambda h: erf(h)), (lambda h: 2 / SQRTPI * np.exp(-(h**2)))
    else:
        act, slope = (lambda h: erf(h / SQRT2)), (lambda h: np.sqrt(2 / np.pi) * np.exp(-(h**2) / 2))

    def side(p) -> Estimate:
        first = gauss_legendre.gaussian_expectation(lambda s: slope(s[:, 0] + p.b), [[p.s1sq]])
        cross = [gauss_legendre.gaussian_expectation(lambda s: act(s[:, 0] + p.b) * slope(s[:, 0] + p.b), [[v]]) for v in (p.s1sq, p.s0sq)]
        value = 0.5 * first.value - 0.5 * (cross[0].value + cross[1].value)
        err = 0.5 * first.abs_error + 0.5 * (cross[0].abs_error + cross[1].abs_error)
        return Estimate(np.asarray(value), "quadrature", np.asarray(err), detail=first.detail)

    return side


# --------------------------------------------------------------------------- (42)-(43): the assembled flow


def eq42_expr() -> sp.Expr:
    """The right-hand side of (42) as printed."""
    a1 = 2 * s1sq / (2 * s1sq + 1) - 1
    a0 = 2 * s0sq / (2 * s0sq + 1) - 1
    return 1 / (sp.sqrt(sp.pi) * sp.sqrt(2 * s1sq + 1)) * (
        sp.exp(1 / (2 * s1sq) * (1 / (2 * s1sq + 1) - 1) * b**2)
        + sp.exp(a1 * b**2) * sp.erf(a1 / sp.sqrt(1 + 2 * s1sq / (2 * s1sq + 1)) * b)
        + sp.sqrt((2 * s1sq + 1) / (2 * s0sq + 1)) * sp.exp(a0 * b**2)
        * sp.erf(a0 / sp.sqrt(1 + 2 * s0sq / (2 * s0sq + 1)) * b)
    )


EQ42 = eq42_expr()
_eq42_num = sp.lambdify((s1sq, s0sq, b), EQ42, "mpmath")
_from_39_41 = sp.lambdify((s1sq, s0sq, b), EQ39 / 2 - (eq41(s1sq) + eq41(s0sq)) / 2, "mpmath")


def exact_single_flow(activation: str, labels: tuple[float, float] = (1.0, 0.0)):
    r""":math:`-\partial_{b}\mathcal L` with :math:`\mathcal L(b) = \frac14\sum_c \mathbb{E}[(\sigma(S_c + b) - y_c)^2]`,
    :math:`S_c \sim \mathcal N(0, \sigma_c^2)`: the loss by Gauss-Legendre quadrature, the derivative by
    Richardson-extrapolated central differences (no formula for the derivative)."""
    sigma = _sigma(activation)

    def flow(p) -> Estimate:
        bias = p.b if "b" in p else 0.0

        def loss(bs: np.ndarray, order: int) -> np.ndarray:
            total = 0.0
            for var, y in ((p.s1sq, labels[0]), (p.s0sq, labels[1])):
                total = total + 0.25 * gauss_legendre.grid_expectation(
                    lambda s: (sigma(s[:, :1] + bs[None, :]) - y) ** 2, [[var]], order
                )
            return total

        return gauss_legendre.derivative_of_expectation(loss, bias).scaled(-1.0)

    return flow


claim(
    "sigmoid.single.bias_flow.erf_sqrt2",
    sources=[eq(N001, "38")],
    latex=EQ38,
    params={"s1sq": variances, "s0sq": variances, "b": biases},
    assumptions=(SIGMA_ERF_SQRT2, LABELS_01, LOSS, PROJECTED, READING_38, "sigma_c^2 in [0.05, 8], b_1 in [-3, 3]",
                 "both sides by quadrature over the Gaussian preactivations (the erf reading is checked on sampled data)"),
    claimed=eq38_by_quadrature("erf"),
    reference=exact_single_flow("erf_sqrt2"),
    diagnose=_convention_diagnosis,
    corrected=Correction(
        latex=(
            r"\tau \frac{d}{dt} b_1 = \frac{1}{2} \mathbb{E}_{X|Y=1} \left[ \sqrt{\tfrac{2}{\pi}} "
            r"e^{-\frac12(\langle w_1, X \rangle + b_1)^2} \right] - \mathbb{E}_{X,Y} \left[ "
            r"\text{erf}\big(\tfrac{\langle w_1, X \rangle + b_1}{\sqrt 2}\big) \sqrt{\tfrac{2}{\pi}} "
            r"e^{-\frac12(\langle w_1, X \rangle + b_1)^2} \right]"
        ),
        claimed=eq38_by_quadrature("erf_sqrt2"),
        remark="(38) with sigma' = sqrt(2/pi) exp(-h^2/2) for the convention the section states",
    ),
    remark="The same line under the convention the section states; (38) differentiates erf(h), not erf(h/sqrt 2).",
)

claim(
    "sigmoid.single.bias_flow_closed",
    sources=[eq(N001, "42")],
    latex=(
        r"\tau \frac{d}{dt} b_1 = \frac{1}{\sqrt{\pi} \cdot \sqrt{2\sigma_1^2 + 1}} \left( e^{\frac{1}{2\sigma_1^2} "
        r"\left( \frac{1}{2\sigma_1^2 + 1} - 1 \right) b_1^2} + e^{\left( \frac{2\sigma_1^2}{2\sigma_1^2 + 1} - 1 \right) "
        r"b_1^2} \text{erf} \left( \frac{\frac{2\sigma_1^2}{2\sigma_1^2 + 1} - 1}{\sqrt{1 + \frac{2\sigma_1^2}"
        r"{2\sigma_1^2 + 1}}} b_1 \right) + \sqrt{\frac{2\sigma_1^2 + 1}{2\sigma_0^2 + 1}} e^{\left( \frac{2\sigma_0^2}"
        r"{2\sigma_0^2 + 1} - 1 \right) b_1^2} \text{erf} \left( \frac{\frac{2\sigma_0^2}{2\sigma_0^2 + 1} - 1}"
        r"{\sqrt{1 + \frac{2\sigma_0^2}{2\sigma_0^2 + 1}}} b_1 \right) \right)"
    ),
    params={"s1sq": variances, "s0sq": variances, "b": biases},
    assumptions=(SIGMA_ERF, LABELS_01, LOSS, PROJECTED, "sigma_c^2 in [0.05, 8], b_1 in [-3, 3]"),
    claimed=lambda p: _eq42_num(p.mp.s1sq, p.mp.s0sq, p.mp.b),
    reference=exact_single_flow("erf"),
    after="sigmoid.single.cross_term",
    previous_form=lambda p: _from_39_41(p.mp.s1sq, p.mp.s0sq, p.mp.b),
    remark="'Follows' compares with (38) after substituting (39) for the first term and (41), for both classes, for the second.",
)

EQ43 = r"\tau \frac{d}{dt} b_1 \Big|_{t=0} = \frac{1}{\sqrt{\pi} \cdot \sqrt{2\sigma_1^2(0) + 1}}."
init_params = {"s1sq": variances, "s0sq": variances}
INIT = "at initialization b_1(0) = 0 (note 004: 'At initialization, b_1 = 0'); sigma_c^2 = sigma_c^2(0)"
claim(
    "sigmoid.single.bias_flow_init",
    role="contrary",
    sources=[eq(N001, "43")],
    latex=EQ43,
    params=init_params,
    assumptions=(SIGMA_ERF, LABELS_01, LOSS, PROJECTED, INIT),
    claimed=1 / (sp.sqrt(sp.pi) * sp.sqrt(2 * s1sq + 1)),
    reference=exact_single_flow("erf"),
    after="sigmoid.single.bias_flow_closed",
    previous_form=lambda p: _eq42_num(p.mp.s1sq, p.mp.s0sq, 0),
)
claim(
    "sigmoid.single.bias_flow_init.erf_sqrt2",
    sources=[eq(N001, "43")],
    latex=EQ43,
    params=init_params,
    assumptions=(SIGMA_ERF_SQRT2, LABELS_01, LOSS, PROJECTED, INIT),
    claimed=1 / (sp.sqrt(sp.pi) * sp.sqrt(2 * s1sq + 1)),
    reference=exact_single_flow("erf_sqrt2"),
    diagnose=_convention_diagnosis,
    corrected=Correction(
        latex=r"\tau \frac{d}{dt} b_1 \Big|_{t=0} = \frac{1}{\sqrt{2\pi} \cdot \sqrt{\sigma_1^2(0) + 1}}",
        claimed=1 / (sp.sqrt(2 * sp.pi) * sp.sqrt(s1sq + 1)),
        remark=(
            "with sigma' = sqrt(2/pi) exp(-h^2/2): (1/2) E[sigma'(S_1)] = 1/(sqrt(2 pi) sqrt(sigma_1^2 + 1)); "
            "the erf-times-Gaussian terms vanish at b_1 = 0 because sigma is odd"
        ),
    ),
    remark="The same line under the convention the section states.",
)

incomplete(
    "sigmoid.single.receptive_field",
    sources=[
        quote(N001, "NOTE: analyzing the bias term may not be sufficient. I might have to look at the evolution of the receptive field too."),
        quote(N001, "## Receptive field"),
    ],
    latex=r"\text{NOTE: analyzing the bias term may not be sufficient.}",
    remark=(
        "A plan, not a statement: the 'Receptive field' subsection that follows is empty, so there is no flow for "
        "w_1 to check. The bias flow (43) itself depends on w_1 through sigma_1^2(0) = w_1^T Sigma_1 w_1, which "
        "moves as soon as w_1 does."
    ),
)


# =========================================================================== multiple neurons
definition(
    "sigmoid.model",
    sources=[
        quote(N001, "Now, we'll consider a network with multiple hidden neurons. Our prediction model is"),
        eq(N004, "1"),
        eq(N004, "16"),
    ],
    latex=r"\hat{y}(x) = \frac{1}{K} \sum_{k \in [K]} \sigma(\langle w_k, x \rangle + b_k).",
    assumptions=("note 001: sigma = erf(h/sqrt 2); note 004 (1): sigma = sigmoid, erf(h/sqrt 2) later; "
                 "note 004 (16): 'some general activation function sigma'",),
    remark="004 (1) takes <w_k, x> as an integral over the torus; in practice (and here) the Euclidean inner product on R^n.",
)


def _multi_weights(p) -> tuple[np.ndarray, np.ndarray]:
    r"""K random receptive fields :math:`w_k \sim \text{w\_scale}\,\mathcal N(0, I_n/n)` and biases uniform on [-bmax, bmax]."""
    rng = np.random.default_rng(p.w_seed)
    w = p.w_scale * rng.standard_normal((p.K, p.n)) / np.sqrt(p.n)
    bias = rng.uniform(-p.bmax, p.bmax, p.K)
    return w, bias


# --------------------------------------------------------------------------- the closed-form display
def _grams(p) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r""":math:`(\sigma_{ij}) = W\Sigma_1W^\top`, :math:`(\tau_{ij}) = W\Sigma_0W^\top` and the biases."""
    w, bias = _multi_weights(p)
    xi1, xi0 = class_lengths(p)
    return w @ dm.covariance(p.n, xi1) @ w.T, w @ dm.covariance(p.n, xi0) @ w.T, bias


def class_lengths(p) -> tuple[float, float]:
    r""":math:`(\xi_1, \xi_0)`: the longer and the shorter length scale, in the order ``long_first`` says."""
    return (p.xi_long, p.xi_short) if p.long_first else (p.xi_short, p.xi_long)


def display_terms(
    s1: np.ndarray, s0: np.ndarray, bias: np.ndarray, i: int, *,
    label_half: bool = False, self_root: bool = False, cross_fix: bool = False, around_init: bool = False,
) -> tuple[float, float, float]:
    r"""The three groups of the note's closed form for :math:`K\tau\,\frac{d}{dt}b_i` (neuron i in the
    role of neuron 1): (label term, k = 1 bracket, sum over k > 1), the display being
    first - second - third.

    The flags switch on the three repairs found by the audit (``label_half``:
    the first term times 1/2; ``self_root``: the k = 1 bracket times
    :math:`\sqrt{2/\pi}`; ``cross_fix``: :math:`-\sigma_{1k}b_1/(\sigma_{11}+1)` instead of
    :math:`-\frac{\sigma_{1k}}{\sigma_{11}}\frac{b_1}{\sigma_{11}+1}`) and the "Around init"
    form (``around_init``: the erf argument :math:`b_k/(\sqrt2\sqrt{1+\sigma_{kk}})`)."""
    K = s1.shape[0]
    b1 = bias[i]
    c = np.sqrt(2 / np.pi)
    s11, t11 = s1[i, i], s0[i, i]
    first = c * (np.exp(-(b1**2) / (2 * (s11 + 1))) / np.sqrt(s11 + 1) - np.exp(-(b1**2) / (2 * (t11 + 1))) / np.sqrt(t11 + 1))
    if label_half:
        first /= 2

    def self_term(s: float) -> float:
        a = 1 - s / (s + 1)
        return np.exp(-0.5 * a * b1**2) / np.sqrt(s + 1) * erf(a * b1 / (SQRT2 * np.sqrt(1 + s / (s + 1))))

    second = (self_term(s11) + self_term(t11)) / (2 * K) * (c if self_root else 1.0)

    def cross_term(s: np.ndarray, k: int) -> float:
        sii, skk, sik = s[i, i], s[k, k], s[i, k]
        if around_init:
            arg = bias[k] / (SQRT2 * np.sqrt(1 + skk))
        else:
            num = -sik * b1 / (sii + 1) + bias[k] if cross_fix else -(sik / sii) * b1 / (sii + 1) + bias[k]
            arg = num / (SQRT2 * np.sqrt(1 + (skk - sik**2 / sii))) / np.sqrt(1 + sik**2 / (sii + (sii * skk - sik**2)) / (sii + 1))
        return np.exp(-(b1**2) / (2 * (sii + 1))) / np.sqrt(sii + 1) * erf(arg)

    third = c / (2 * K) * sum(cross_term(s1, k) + cross_term(s0, k) for k in range(K) if k != i)
    return float(first), float(second), float(third)


def display_flow(s1: np.ndarray, s0: np.ndarray, bias: np.ndarray, i: int, **flags: bool) -> float:
    """The note's closed form (with optional repairs, see :func:`display_terms`)."""
    first, second, third = display_terms(s1, s0, bias, i, **flags)
    return first - second - third


def display_vector(**flags):
    """The display for every neuron i = 1..K (the display is written for i = 1; the labels are arbitrary)."""

    def side(p) -> np.ndarray:
        s1, s0, bias = _grams(p)
        return np.array([display_flow(s1, s0, bias, i, **flags) for i in range(p.K)])

    return side


ORDERS_2D = (48, 72)
ORDERS_1D = (120, 180)


def exact_multi_flows(p) -> Estimate:
    r""":math:`K\tau\,db_i/dt = -K\,\partial_{b_i}\mathcal L` for every i, :math:`\mathcal L = \frac14\sum_{c}
    \mathbb{E}_c[(\hat y - y_c)^2]` with y = +1/-1.  Only the terms of
    :math:`(\hat y - y)^2 = \frac{1}{K^2}\sum_{j,k}\sigma_j\sigma_k - \frac{2y}{K}\sum_k\sigma_k + y^2` that contain
    :math:`b_i` are kept (the others do not move with :math:`b_i`); each is a 1-D or 2-D Gaussian
    integral over the preactivations :math:`(S_i, S_k) \sim \mathcal N(0, W\Sigma_cW^\top)`, by
    Gauss-Legendre quadrature; the derivative by Richardson differences."""
    s1, s0, bias = _grams(p)
    K = p.K
    sig = _sigma("erf_sqrt2")
    values, errors = [], []
    for i in range(K):

        def part(bs: np.ndarray, order: int, i: int = i) -> np.ndarray:
            total = 0.0
            for gram, y in ((s1, 1.0), (s0, -1.0)):
                f = lambda s: sig(s[:, :1] + bs[None, :]) ** 2 / K**2 - 2 * y / K * sig(s[:, :1] + bs[None, :])  # noqa: E731
                total = total + 0.25 * gauss_legendre.grid_expectation(f, [[gram[i, i]]], ORDERS_1D[ORDERS_2D.index(order)])
                for k in range(K):
                    if k != i:
                        cov = gram[np.ix_([i, k], [i, k])]
                        g = lambda s, k=k: 2 / K**2 * sig(s[:, :1] + bs[None, :]) * sig(s[:, 1:2] + bias[k])  # noqa: E731
                        total = total + 0.25 * gauss_legendre.grid_expectation(g, cov, order)
            return total

        est = gauss_legendre.derivative_of_expectation(part, bias[i], ORDERS_2D)
        values.append(-K * float(est.value))
        errors.append(K * float(est.abs_error))
    return Estimate(np.array(values), "quadrature", np.array(errors), detail=est.detail)


def _term_truths(p, i: int = 0) -> dict[str, float]:
    r"""The three groups of terms of :math:`K\tau\,db_1/dt` computed one by one by quadrature:
    label term :math:`\sqrt{2/\pi}\,\mathbb{E}[Y e^{-h_1^2/2}]`, self term
    :math:`\frac1K\sqrt{2/\pi}\,\mathbb{E}[\sigma(h_1)e^{-h_1^2/2}]`, cross terms (k > 1)."""
    s1, s0, bias = _grams(p)
    K, c = p.K, np.sqrt(2 / np.pi)
    sig = _sigma("erf_sqrt2")
    out = {"label": 0.0, "self": 0.0, "cross": 0.0}
    for gram, y in ((s1, 1.0), (s0, -1.0)):
        e = lambda s: np.exp(-((s[:, 0] + bias[i]) ** 2) / 2)  # noqa: E731
        out["label"] += 0.5 * y * c * float(gauss_legendre.grid_expectation(e, [[gram[i, i]]], ORDERS_1D[1]))
        out["self"] += 0.5 * c / K * float(gauss_legendre.grid_expectation(lambda s: sig(s[:, 0] + bias[i]) * e(s), [[gram[i, i]]], ORDERS_1D[1]))
        for k in range(K):
            if k != i:
                cov = gram[np.ix_([i, k], [i, k])]
                out["cross"] += 0.5 * c / K * float(
                    gauss_legendre.grid_expectation(lambda s, k=k: sig(s[:, 1] + bias[k]) * e(s), cov, ORDERS_2D[1])
                )
    return out


def diagnose_display(p, claimed, truth) -> str:
    """Which group of terms of the display is off, and by how much."""
    s1, s0, bias = _grams(p)
    note = dict(zip(("label", "self", "cross"), display_terms(s1, s0, bias, 0)))
    true = _term_truths(p)
    parts = []
    for name, what in (("label", "first term sqrt(2/pi)(...)"), ("self", "k = 1 bracket"), ("cross", "sum over k > 1")):
        if abs(true[name]) > 1e-12:
            parts.append(f"{what}: printed/true = {note[name] / true[name]:.4g}")
        else:
            parts.append(f"{what}: printed {note[name]:.3g}, true {true[name]:.3g}")
    return (
        "term by term at the counterexample (neuron 1): " + "; ".join(parts)
        + ". Expected from the derivation: the first term lacks the factor P(Y = +-1) = 1/2, the k = 1 bracket "
        "lacks sqrt(2/pi), and the k > 1 erf numerator has -(sigma_1k/sigma_11) b_1/(sigma_11+1) where "
        "-sigma_1k b_1/(sigma_11+1) is right"
    )


def first_display(left_factor: str = "1"):
    r"""The first display's right-hand side for every neuron i (as neuron 1), by Gauss-Legendre quadrature
    over the preactivations: :math:`\sqrt{2/\pi}\,\mathbb{E}[Y e^{-h_i^2/2}] - \frac1K\sqrt{2/\pi}\sum_k
    \mathbb{E}[\sigma(h_k)e^{-h_i^2/2}]`, divided by K when ``left_factor`` is "K" (left side read as
    :math:`K\tau\,db_i/dt`)."""

    def side(p) -> Estimate:
        s1, s0, bias = _grams(p)
        K, c = p.K, np.sqrt(2 / np.pi)
        sig = _sigma("erf_sqrt2")
        values, errors = np.zeros(K), np.zeros(K)
        for i in range(K):
            for gram, y in ((s1, 1.0), (s0, -1.0)):
                gauss = lambda s: np.exp(-((s[:, 0] + bias[i]) ** 2) / 2)  # noqa: E731
                terms = [(0.5 * c * y, gauss_legendre.gaussian_expectation(gauss, [[gram[i, i]]], ORDERS_1D)),
                         (-0.5 * c / K, gauss_legendre.gaussian_expectation(lambda s: sig(s[:, 0] + bias[i]) * gauss(s), [[gram[i, i]]], ORDERS_1D))]
                for k in range(K):
                    if k != i:
                        cov = gram[np.ix_([i, k], [i, k])]
                        terms.append((-0.5 * c / K, gauss_legendre.gaussian_expectation(lambda s, k=k: sig(s[:, 1] + bias[k]) * gauss(s), cov, ORDERS_2D)))
                for weight, est in terms:
                    values[i] += weight * float(est.value)
                    errors[i] += abs(weight) * float(est.abs_error)
        scale = float(K) if left_factor == "K" else 1.0
        return Estimate(values / scale, "quadrature", errors / scale, detail="tensor Gauss-Legendre quadrature over the preactivations")

    return side


def exact_bias_flows(p) -> Estimate:
    r""":math:`\tau\,db_i/dt = -\partial_{b_i}\mathcal L` (see :func:`exact_multi_flows`, which is K times this)."""
    return exact_multi_flows(p).scaled(1.0 / p.K)


# two distinct classes (the task discriminates them), in both orders (note 001: localization for xi_1 > xi_2,
# oscillations otherwise)
CLASS_PARAMS = {"xi_long": st.floats(1.5, 3.0), "xi_short": st.floats(0.5, 1.2), "long_first": st.booleans()}
CLASSES = "distinct classes: {xi_1, xi_0} = {xi_long in [1.5, 3], xi_short in [0.5, 1.2]}, in either order"
multi_params = {
    "K": st.integers(1, 3), "n": st.integers(2, 6), **CLASS_PARAMS,
    "w_seed": st.integers(0, 2**16), "w_scale": st.floats(0.3, 1.5), "bmax": st.floats(0.0, 2.0),
}
MULTI = (SIGMA_ERF_SQRT2, LABELS_PM, "MSE loss L = 1/2 E[(yhat - Y)^2]; tau = 1", GAUSS, CLASSES,
         "w_k ~ w_scale N(0, I/n) independent, b_k uniform on [-bmax, bmax]")
claim(
    "sigmoid.multi.bias_flow",
    sources=[quote(N001, "**Bias term** The gradient flow to the bias term is")],
    latex=(
        r"\tau \frac{d}{dt} b_1 = \sqrt{\frac{2}{\pi}} \mathbb{E}_{X,Y} \left[ Y e^{-\frac{1}{2}(\langle w_1, X \rangle "
        r"+ b_1)^2} \right] - \frac{1}{K} \sqrt{\frac{2}{\pi}} \sum_{k \in [K]} \mathbb{E}_{X,Y} \left[ \sigma(\langle "
        r"w_k, X \rangle + b_k) e^{-\frac{1}{2}(\langle w_1, X \rangle + b_1)^2} \right]."
    ),
    params=multi_params,
    assumptions=MULTI,
    claimed=first_display(),
    reference=exact_bias_flows,
    diagnose=lambda p, c, ref: (
        f"claimed/true = {np.ravel(c)[0] / np.ravel(ref)[0]:.4g} at K = {p.K}: the right-hand side is K times -dL/db_1 "
        "(the 1/K of yhat enters dyhat/db_1), i.e. it is K tau db_1/dt, the left side the next display uses"
        if p.K > 1 and abs(np.ravel(ref)[0]) > 0 else None
    ),
    corrected=Correction(
        latex=(
            r"K\tau \frac{d}{dt} b_1 = \sqrt{\frac{2}{\pi}} \mathbb{E}_{X,Y} \left[ Y e^{-\frac{1}{2}(\langle w_1, X "
            r"\rangle + b_1)^2} \right] - \frac{1}{K} \sqrt{\frac{2}{\pi}} \sum_{k \in [K]} \mathbb{E}_{X,Y} \left[ "
            r"\sigma(\langle w_k, X \rangle + b_k) e^{-\frac{1}{2}(\langle w_1, X \rangle + b_1)^2} \right]"
        ),
        claimed=first_display(left_factor="K"),
        remark="the same right-hand side with K tau on the left",
    ),
)

definition(
    "sigmoid.multi.notation",
    sources=[quote(N001, "Again, we'll need to introduce some simplifying notation:")],
    latex=r"\sigma_{ij} \triangleq w_i^\top \Sigma_1 w_j, \quad \tau_{ij} \triangleq w_i^\top \Sigma_0 w_j.",
    assumptions=(LABELS_PM,),
    remark=("Convention switch: 'here, the negative class has label -1, not 0. Nevertheless, I still use Sigma_0 "
            "to denote the covariance matrix of this class.'"),
)


closed_params = {**multi_params, "n": st.integers(2, 8), "K": st.integers(1, 3)}
DISPLAY_LATEX = (
    r"K\tau \frac{d}{dt} b_1 = \sqrt{\frac{2}{\pi}} \left( \frac{e^{-\frac{b_1^2}{2(\sigma_{11}+1)}}}{\sqrt{\sigma_{11}+1}} "
    r"- \frac{e^{-\frac{b_1^2}{2(\tau_{11}+1)}}}{\sqrt{\tau_{11}+1}} \right) - \frac{1}{2K} \left[ "
    r"\frac{e^{-\frac{1}{2}(1-\frac{\sigma_{11}}{\sigma_{11}+1})b_1^2}}{\sqrt{\sigma_{11}+1}} \operatorname{erf} \left( "
    r"\frac{1}{\sqrt{2}} \frac{(1-\frac{\sigma_{11}}{\sigma_{11}+1})b_1}{\sqrt{1+\frac{\sigma_{11}}{\sigma_{11}+1}}} "
    r"\right) + \frac{e^{-\frac{1}{2}(1-\frac{\tau_{11}}{\tau_{11}+1})b_1^2}}{\sqrt{\tau_{11}+1}} \operatorname{erf} "
    r"\left( \frac{1}{\sqrt{2}} \frac{(1-\frac{\tau_{11}}{\tau_{11}+1})b_1}{\sqrt{1+\frac{\tau_{11}}{\tau_{11}+1}}} "
    r"\right) \right] - \frac{1}{2K} \sqrt{\frac{2}{\pi}} \sum_{k>1} \frac{1}{\sqrt{\sigma_{11}+1}} "
    r"e^{-\frac{1}{2(\sigma_{11}+1)}b_1^2} \operatorname{erf} \left( \frac{1}{\sqrt{2}\sqrt{1+(\sigma_{kk}-"
    r"\frac{\sigma_{1k}^2}{\sigma_{11}})}} \cdot \frac{-\frac{\sigma_{1k}}{\sigma_{11}}\frac{b_1}{\sigma_{11}+1}+b_k}"
    r"{\sqrt{1+\frac{\sigma_{1k}^2}{\sigma_{11}+(\sigma_{11}\sigma_{kk}-\sigma_{1k}^2)}\frac{1}{\sigma_{11}+1}}} "
    r"\right) - \frac{1}{2K} \sqrt{\frac{2}{\pi}} \sum_{k>1} \frac{1}{\sqrt{\tau_{11}+1}} e^{-\frac{1}{2(\tau_{11}+1)}"
    r"b_1^2} \operatorname{erf} \left( \frac{1}{\sqrt{2}\sqrt{1+(\tau_{kk}-\frac{\tau_{1k}^2}{\tau_{11}})}} \cdot "
    r"\frac{-\frac{\tau_{1k}}{\tau_{11}}\frac{b_1}{\tau_{11}+1}+b_k}{\sqrt{1+\frac{\tau_{1k}^2}{\tau_{11}+(\tau_{11}"
    r"\tau_{kk}-\tau_{1k}^2)}\frac{1}{\tau_{11}+1}}} \right)"
)
CORRECTED_DISPLAY = (
    r"K\tau \frac{d}{dt} b_1 = \frac{1}{2}\sqrt{\frac{2}{\pi}} \left( \frac{e^{-\frac{b_1^2}{2(\sigma_{11}+1)}}}"
    r"{\sqrt{\sigma_{11}+1}} - \frac{e^{-\frac{b_1^2}{2(\tau_{11}+1)}}}{\sqrt{\tau_{11}+1}} \right) - \frac{1}{2K}"
    r"\sqrt{\frac{2}{\pi}} \left[ \dots \right] - \frac{1}{2K} \sqrt{\frac{2}{\pi}} \sum_{k>1} \frac{e^{-\frac{b_1^2}"
    r"{2(\sigma_{11}+1)}}}{\sqrt{\sigma_{11}+1}} \operatorname{erf} \left( \frac{1}{\sqrt{2}\sqrt{1+\sigma_{kk}-"
    r"\frac{\sigma_{1k}^2}{\sigma_{11}}}} \cdot \frac{b_k - \frac{\sigma_{1k} b_1}{\sigma_{11}+1}}{\sqrt{1+"
    r"\frac{\sigma_{1k}^2}{(\sigma_{11}+\sigma_{11}\sigma_{kk}-\sigma_{1k}^2)(\sigma_{11}+1)}}} \right) - (\tau\text{ terms alike})"
)
claim(
    "sigmoid.multi.bias_flow_closed",
    sources=[quote(N001, "(Note that here, the negative class has label -1, not 0. Nevertheless, I still use")],
    latex=DISPLAY_LATEX,
    params=closed_params,
    assumptions=MULTI + ("checked for every neuron i in the role of neuron 1 (a vector over i = 1..K)",),
    claimed=display_vector(),
    reference=exact_multi_flows,
    after="sigmoid.multi.bias_flow",
    previous_form=first_display(),
    diagnose=diagnose_display,
    corrected=Correction(
        latex=CORRECTED_DISPLAY,
        claimed=display_vector(label_half=True, self_root=True, cross_fix=True),
        remark=(
            "three repairs: the first term times P(Y = +-1) = 1/2; the k = 1 bracket times sqrt(2/pi) "
            "(sigma' = sqrt(2/pi) e^{-h^2/2}); in the k > 1 terms, conditioning on S_1 under the weight "
            "e^{-(S_1+b_1)^2/2} gives the mean -sigma_11 b_1/(sigma_11+1) for S_1, hence -sigma_1k b_1/(sigma_11+1)"
        ),
    ),
    remark=(
        "'Follows' compares with the right-hand side of the previous display (whose left side is in fact "
        "K tau db_1/dt, see sigmoid.multi.bias_flow), evaluated by quadrature."
    ),
)

# --------------------------------------------------------------------------- "Around init"
APPROX = Tolerances(rtol=0.1, max_resolution=0.5)  # confirmed means: within the stated 10%
init_multi_params = {
    "K": st.integers(2, 3), "n": st.just(8), **CLASS_PARAMS,
    "w_seed": st.integers(0, 2**16), "w_scale": st.just(1.0), "bmax": st.floats(0.0, 0.5),
}
def diagnose_around_init(p, claimed, truth) -> str:
    """How large the neglected overlaps are, and the error of the approximation step alone."""
    s1, s0, bias = _grams(p)
    corr = [abs(g[i, k]) / np.sqrt(g[i, i] * g[k, k]) for g in (s1, s0) for i in range(p.K) for k in range(p.K) if k != i]
    full = np.array([display_flow(s1, s0, bias, i, label_half=True, self_root=True, cross_fix=True) for i in range(p.K)])
    approx = np.array([display_flow(s1, s0, bias, i, label_half=True, self_root=True, around_init=True) for i in range(p.K)])
    step = float(np.max(np.abs(approx - full)) / np.max(np.abs(full)))
    return (f"the neglected correlations |sigma_1k|/sqrt(sigma_11 sigma_kk) reach {max(corr):.2f} here; dropping them from "
            f"the repaired display alone changes the flow by {step:.1%} of its largest entry; the rest of the discrepancy is "
            "inherited from the full display (first term x2, k = 1 bracket without sqrt(2/pi))")


AROUND_INIT_LATEX = (
    r"K\tau \frac{d}{dt} b_1 \approx \sqrt{\frac{2}{\pi}} \left( \frac{e^{-\frac{b_1^2}{2(\sigma_{11}+1)}}}"
    r"{\sqrt{\sigma_{11}+1}} - \frac{e^{-\frac{b_1^2}{2(\tau_{11}+1)}}}{\sqrt{\tau_{11}+1}} \right) - \frac{1}{2K} "
    r"\left[ \dots \right] - \frac{1}{2K} \sqrt{\frac{2}{\pi}} \sum_{k>1} \frac{1}{\sqrt{\sigma_{11}+1}} "
    r"e^{-\frac{1}{2(\sigma_{11}+1)}b_1^2} \operatorname{erf} \left( \frac{b_k}{\sqrt{2}\sqrt{1+\sigma_{kk}}} \right) "
    r"- \frac{1}{2K} \sqrt{\frac{2}{\pi}} \sum_{k>1} \frac{1}{\sqrt{\tau_{11}+1}} e^{-\frac{1}{2(\tau_{11}+1)}b_1^2} "
    r"\operatorname{erf} \left( \frac{b_k}{\sqrt{2}\sqrt{1+\tau_{kk}}} \right)"
)
claim(
    "sigmoid.multi.bias_flow_around_init",
    sources=[quote(N001, "Around init,")],
    latex=AROUND_INIT_LATEX,
    params=init_multi_params,
    assumptions=MULTI + (
        "regime 'around init': n = 8, w_k ~ N(0, I/n) independent (so sigma_1k is small against sigma_11, sigma_kk), "
        "|b_k| <= 0.5 (biases start at 0), K in {2, 3}",
        "reading: the approximation drops sigma_1k (tau_1k) in the k > 1 terms, i.e. sets sigma_1k = 0",
        "approximation tolerance: 10% of the largest |K tau db_i/dt| over the neurons (vector over i)",
    ),
    claimed=display_vector(around_init=True),
    reference=exact_multi_flows,
    tolerances=APPROX,
    diagnose=diagnose_around_init,
    after="sigmoid.multi.bias_flow_closed",
    corrected=Correction(
        latex=r"\text{the corrected display (see sigmoid.multi.bias\_flow\_closed) with } \sigma_{1k} = \tau_{1k} = 0",
        claimed=display_vector(label_half=True, self_root=True, around_init=True),
        remark="the three repairs of the full display, then sigma_1k, tau_1k -> 0; measures the approximation alone",
    ),
    remark=(
        "An approximation: the evidence's max_relative_discrepancy is the measured error over the regime; "
        "the corrected form isolates the error of dropping sigma_1k from the errors inherited from the full display "
        "(measured when written: up to 32-40% of the largest flow at some points of the regime, depending on the engine's sample settings; 25-68% for the printed form). Random receptive fields are not nearly "
        "uncorrelated under Sigma_c when xi is long against n: sigma_1k is then comparable to sigma_11. "
        "'Follows' checks the step from the printed full display within the same 10%."
    ),
)
