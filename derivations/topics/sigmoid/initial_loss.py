r"""Note 004, section 3 "Sigmoid -> ReLU": the loss at initialization, eqs
(15)-(27), and the :math:`L^1` loss, eqs (28)-(34).

Data :math:`X \sim p(\xi, g)`: the NLGP :math:`X = \operatorname{erf}(gZ)/\sqrt{Z_c(g)}`,
:math:`Z \sim \mathcal N(0, \Sigma(\xi))`, on n = 3 sites of the ring (every pair
at distance 1, so :math:`\Sigma(\xi)` is positive definite for every
:math:`\xi`; the lines do not depend on n).  Balanced classes
:math:`\xi_1, \xi_0`.  Model (16) with :math:`\sigma = \operatorname{erf}(\cdot/\sqrt2)` and
labels :math:`Y_1, Y_0 = 1, -1` for the sigmoid (as the note says), ReLU with
labels 1, 0 (as (26) implies), random :math:`w_k \sim \mathcal N(0, I_n/n)`.

Expectations "over (X, Y)" are estimated with the label drawn too; the
note's class-by-class forms on class-1 and class-0 draws of the same normals
(common random numbers).  Lines that equal the line above sample by sample
(substitutions, regrouping, algebra) are compared draw by draw on a fixed
block of 4096 draws (exact); lines that equal it only in expectation (the
symmetry step (22)) or that are anchored to the loss itself, by paired Monte
Carlo.  Expectations :math:`\mathbb{E}_{X \sim p, \langle w_1, X\rangle > 0}[f]` are read
as :math:`\mathbb{E}[f\,1(\langle w_1, X\rangle > 0)]` (restricted, not conditional);
the conditional reading is encoded as a second claim for (21).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp
from hypothesis import strategies as st
from scipy.special import erf, ndtr

from numerics.models import datamodels, sampling
from numerics.gradients import central_difference

from derivations.api import Chain, Correction, Sampled, Tolerances, claim, definition, eq, incomplete, quote
from derivations.topics._notes import N004

SQRT2 = np.sqrt(2.0)
N = 3

DATA = ("X ~ p(xi, g): NLGP erf(gZ)/sqrt(Z_c(g)), Z ~ N(0, Sigma(xi)) on n = 3 ring sites; balanced classes "
        "xi_1 in [1.2, 3] and xi_0 in [0.4, 1] (distinct, xi_1 > xi_0), g in [0.05, 5]")
SIGMOID = "sigma(h) = erf(h/sqrt 2), labels Y_1, Y_0 = 1, -1 (as the note states for the sigmoid)"
RELU = "ReLU activation, labels Y_1, Y_0 = 1, 0 (implied by (26)); no biases"
INIT = "K = 1, b_1 = 0 ('At initialization, b_1 = 0'), w_1 ~ N(0, I_n/n)"
RESTRICTED = "reading: E_{X ~ p, <w_1,X> > 0}[f] = E[f 1(<w_1, X> > 0)] (restricted expectation)"
EXACT = ("truth: against 4 L(0) by paired Monte Carlo; 'follows': against the line above on the same draws "
         "(the two agree draw by draw)")

gains = st.floats(0.05, 5.0)
# two distinct classes (the task discriminates two processes), xi_1 > xi_0 as in note 004's Figure 1
base_params = {"xi1": st.floats(1.2, 3.0), "xi0": st.floats(0.4, 1.0), "g": gains, "w_seed": st.integers(0, 2**16)}


# --------------------------------------------------------------------------- data and models
def classes(p, eps) -> tuple[np.ndarray, np.ndarray]:
    """Class-1 and class-0 data from the first and second 3 normals (computed once per block)."""
    return sampling.per_block(eps, ("classes", p.xi1, p.xi0, p.g), lambda: (
        sampling.nlgp(eps[:, :N], N, p.xi1, p.g, "ring"), sampling.nlgp(eps[:, N : 2 * N], N, p.xi0, p.g, "ring")))


def mixture(p, eps) -> tuple[np.ndarray, np.ndarray]:
    """(X, label in {1, 0}) from the balanced mixture; the label from the 7th normal."""
    x1, x0 = classes(p, eps)
    first = eps[:, 2 * N] > 0
    return np.where(first[:, None], x1, x0), first


def weights(p) -> tuple[np.ndarray, np.ndarray]:
    """K receptive fields w_k ~ N(0, I_n/n) and biases uniform on [-bmax, bmax] (0 when absent)."""
    return _weights(p.w_seed, p.K if "K" in p else 1, p.bmax if "bmax" in p else None)


@lru_cache(maxsize=256)
def _weights(seed: int, k: int, bmax: float | None) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((k, N)) / np.sqrt(N)
    bias = rng.uniform(-bmax, bmax, k) if bmax is not None else np.zeros(k)
    w.setflags(write=False)
    bias.setflags(write=False)
    return w, bias


def class1(p, eps) -> np.ndarray:
    """Class-1 data from a block of 3 normals (computed once per block)."""
    return sampling.per_block(eps, ("class1", p.xi1, p.g), lambda: sampling.nlgp(eps, N, p.xi1, p.g, "ring"))


def sigma(h):
    return erf(h / SQRT2)


def yhat_sigmoid(w: np.ndarray, bias: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(16) with sigma = erf(h/sqrt 2)."""
    return sigma(x @ w.T + bias).mean(axis=1)


def yhat_relu(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(16) with ReLU and no biases."""
    return np.maximum(x @ w.T, 0.0).mean(axis=1)


MIX_DIM = 2 * N + 1

# =========================================================================== (15)-(18)
definition(
    "sigmoid.loss.data",
    sources=[eq(N004, "15"), quote(N004, "The labels  $Y$  are a bijection with  $\\xi$ .")],
    latex=r"X \sim p(\xi, g) \in \mathbb{R}^n,",
    remark="The data model of section 3; its g -> 0 limit is audited as sigmoid.data.gaussian_limit.",
)


def labels_of(p) -> tuple[float, float]:
    return (1.0, -1.0) if p.labels == "pm" else (1.0, 0.0)


def loss_drawn(p, eps) -> np.ndarray:
    r"""Per sample :math:`\frac12(\hat y(X) - Y)^2` on the mixture, the label drawn."""
    x, first = mixture(p, eps)
    y1, y0 = labels_of(p)
    w, bias = weights(p)
    return 0.5 * (yhat_sigmoid(w, bias, x) - np.where(first, y1, y0)) ** 2


def loss_by_class(p, eps) -> np.ndarray:
    r"""(18) per sample: :math:`\frac14[(\hat y(X_1) - Y_1)^2 + (\hat y(X_0) - Y_0)^2]`."""
    x1, x0 = classes(p, eps)
    y1, y0 = labels_of(p)
    w, bias = weights(p)
    return 0.25 * ((yhat_sigmoid(w, bias, x1) - y1) ** 2 + (yhat_sigmoid(w, bias, x0) - y0) ** 2)


claim(
    "sigmoid.loss.per_class",
    sources=[eq(N004, "18")],
    latex=(r"= \frac{1}{4} (\mathbb{E}_{X \sim p(\xi_1, g)} [(\hat{y}(X) - Y_1)^2] + \mathbb{E}_{X \sim p(\xi_0, g)} "
           r"[(\hat{y}(X) - Y_0)^2])."),
    params={**base_params, "K": st.integers(1, 2), "bmax": st.floats(0.0, 2.0), "labels": st.sampled_from(["pm", "01"])},
    assumptions=(DATA, "sigma = erf(h/sqrt 2); labels (Y_1, Y_0) = (1, -1) or (1, 0); w_k ~ N(0, I/n), b_k uniform on [-bmax, bmax]"),
    claimed=Sampled(MIX_DIM, loss_by_class, "(18) class by class"),
    reference=Sampled(MIX_DIM, loss_drawn, "(17): 1/2 (yhat - Y)^2 with Y drawn"),
)


# =========================================================================== (19)-(25): the sigmoid at initialization
def four_loss_drawn(p, eps) -> np.ndarray:
    r""":math:`4\cdot\frac12(\hat y(X) - Y)^2`, K = 1, :math:`b_1 = 0`, labels +1/-1 drawn."""
    x, first = mixture(p, eps)
    w, _ = weights(p)
    return 2.0 * (sigma(x @ w[0]) - np.where(first, 1.0, -1.0)) ** 2


def _s(p, eps) -> tuple[np.ndarray, np.ndarray]:
    """Preactivations S = <w_1, X> on the class-1 and class-0 draws."""
    x1, x0 = classes(p, eps)
    w, _ = weights(p)
    return x1 @ w[0], x0 @ w[0]


def line_19(p, eps) -> np.ndarray:
    x1, x0 = classes(p, eps)
    w, bias = weights(p)
    return (yhat_sigmoid(w, bias, x1) - 1) ** 2 + (yhat_sigmoid(w, bias, x0) + 1) ** 2


def line_20(p, eps) -> np.ndarray:
    s1, s0 = _s(p, eps)
    return (sigma(s1) - 1) ** 2 + (sigma(s0) + 1) ** 2


def line_21(p, eps, weight_pos: float = 1.0, weight_neg: float = 1.0) -> np.ndarray:
    r"""(21): each expectation split by the sign of :math:`S`; the weights are 1 in the restricted reading and
    :math:`1/\mathbb{P}(S > 0) = 1/\mathbb{P}(S < 0) = 2` in the conditional reading."""
    s1, s0 = _s(p, eps)
    pos1, neg1, pos0, neg0 = s1 > 0, s1 < 0, s0 > 0, s0 < 0
    return (weight_pos * (sigma(s1) - 1) ** 2 * pos1 + weight_neg * (sigma(s1) - 1) ** 2 * neg1
            + weight_pos * (sigma(s0) + 1) ** 2 * pos0 + weight_neg * (sigma(s0) + 1) ** 2 * neg0)


def line_22(p, eps) -> np.ndarray:
    s1, s0 = _s(p, eps)
    pos1, pos0 = s1 > 0, s0 > 0
    return ((sigma(s1) - 1) ** 2 * pos1 + (sigma(s1) + 1) ** 2 * pos1
            + (sigma(s0) + 1) ** 2 * pos0 + (sigma(s0) - 1) ** 2 * pos0)


def line_23(p, eps) -> np.ndarray:
    s1, s0 = _s(p, eps)
    pos1, pos0 = s1 > 0, s0 > 0
    return ((sigma(s1) - 1) ** 2 + (sigma(s1) + 1) ** 2) * pos1 + ((sigma(s0) + 1) ** 2 + (sigma(s0) - 1) ** 2) * pos0


def line_24(p, eps) -> np.ndarray:
    s1, s0 = _s(p, eps)
    return 2 * ((sigma(s1) ** 2 + 1) * (s1 > 0) + (sigma(s0) ** 2 + 1) * (s0 > 0))


FOUR_L0 = Sampled(MIX_DIM, four_loss_drawn, "4 L(0): 4 * 1/2 (sigma(<w_1,X>) - Y)^2, Y drawn")
init_params = dict(base_params)
INIT_ASSUMPTIONS = (DATA, SIGMOID, INIT, "L as in (17)")
CHAIN = "sigmoid.init_loss"
init_loss = Chain(CHAIN, note=N004, params=init_params, reference=FOUR_L0, assumptions=INIT_ASSUMPTIONS)
init_loss.step(
    "19",
    latex=r"4\mathcal{L}(0) = \mathbb{E}_{X \sim p(\xi_1, g)} [(\hat{y}(X) - 1)^2] + \mathbb{E}_{X \sim p(\xi_0, g)} [(\hat{y}(X) + 1)^2]",
    claimed=Sampled(MIX_DIM, line_19, "(19) class by class"),
)
init_loss.step(
    "20",
    latex=(r"= \mathbb{E}_{X \sim p(\xi_1, g)} [(\sigma(\langle w_1, X \rangle) - 1)^2] + \mathbb{E}_{X \sim p(\xi_0, g)} "
           r"[(\sigma(\langle w_1, X \rangle) + 1)^2]"),
    assumptions=(EXACT,),
    claimed=Sampled(MIX_DIM, line_20, "(20) class by class"),
    previous_form=Sampled(MIX_DIM, line_19, "(19) class by class"),
)
EQ21 = (
    r"= \mathbb{E}_{X \sim p(\xi_1, g), \langle w_1, X \rangle > 0} [(\sigma(\langle w_1, X \rangle) - 1)^2] + "
    r"\mathbb{E}_{X \sim p(\xi_1, g), \langle w_1, X \rangle < 0} [(\sigma(\langle w_1, X \rangle) - 1)^2] + "
    r"\mathbb{E}_{X \sim p(\xi_0, g), \langle w_1, X \rangle > 0} [(\sigma(\langle w_1, X \rangle) + 1)^2] + "
    r"\mathbb{E}_{X \sim p(\xi_0, g), \langle w_1, X \rangle < 0} [(\sigma(\langle w_1, X \rangle) + 1)^2]"
)
init_loss.step(
    "21",
    role="unstated",
    latex=EQ21,
    assumptions=(RESTRICTED, EXACT + "; S = 0 has probability 0"),
    claimed=Sampled(MIX_DIM, line_21, "(21), restricted reading"),
    previous_form=Sampled(MIX_DIM, line_20, "(20) class by class"),
)
claim(
    f"{CHAIN}.eq21.conditional",
    role="unstated",
    sources=[eq(N004, "21")],
    latex=EQ21,
    params=init_params,
    assumptions=INIT_ASSUMPTIONS + ("reading: E_{X ~ p, <w_1,X> > 0}[f] = E[f | <w_1, X> > 0] (conditional expectation); "
                                    "P(S > 0) = P(S < 0) = 1/2 because the data law is symmetric (sigmoid.discrim.symmetric_preactivations)",),
    claimed=Sampled(MIX_DIM, lambda p, eps: line_21(p, eps, 2.0, 2.0), "(21), conditional reading"),
    reference=FOUR_L0,
    corrected=Correction(
        latex=r"4\mathcal{L}(0) = \tfrac12 \mathbb{E}_{\cdot \mid \langle w_1, X \rangle > 0}[\cdot] + \tfrac12 \mathbb{E}_{\cdot \mid \langle w_1, X \rangle < 0}[\cdot] + \dots",
        claimed=Sampled(MIX_DIM, line_21, "(21), conditional expectations weighted by P(S > 0) = P(S < 0) = 1/2"),
        remark="conditional expectations must be weighted by P(S > 0) = P(S < 0) = 1/2",
    ),
    remark="The other reading of the same line; (22)-(24) would inherit the factor under it.",
)
init_loss.step(
    "22",
    role="unstated",
    latex=(
        r"= \mathbb{E}_{X \sim p(\xi_1, g), \langle w_1, X \rangle > 0} [(\sigma(\langle w_1, X \rangle) - 1)^2] + "
        r"\mathbb{E}_{X \sim p(\xi_1, g), \langle w_1, X \rangle > 0} [(\sigma(\langle w_1, X \rangle) + 1)^2] + "
        r"\mathbb{E}_{X \sim p(\xi_0, g), \langle w_1, X \rangle > 0} [(\sigma(\langle w_1, X \rangle) + 1)^2] + "
        r"\mathbb{E}_{X \sim p(\xi_0, g), \langle w_1, X \rangle > 0} [(\sigma(\langle w_1, X \rangle) - 1)^2]"
    ),
    assumptions=(RESTRICTED, "uses the symmetry X -> -X of p(xi, g) and the oddness of sigma; "
                             "checked against the loss itself by paired Monte Carlo"),
    claimed=Sampled(MIX_DIM, line_22, "(22) class by class"),
    previous_form=Sampled(MIX_DIM, line_21, "(21), restricted reading"),
)
init_loss.step(
    "23",
    role="unstated",
    latex=(
        r"= \mathbb{E}_{X \sim p(\xi_1, g), \langle w_1, X \rangle > 0} [(\sigma(\langle w_1, X \rangle) - 1)^2 + "
        r"(\sigma(\langle w_1, X \rangle) + 1)^2] + \mathbb{E}_{X \sim p(\xi_0, g), \langle w_1, X \rangle > 0} "
        r"[(\sigma(\langle w_1, X \rangle) + 1)^2 + (\sigma(\langle w_1, X \rangle) - 1)^2]"
    ),
    assumptions=(RESTRICTED, EXACT),
    claimed=Sampled(MIX_DIM, line_23, "(23) class by class"),
    previous_form=Sampled(MIX_DIM, line_22, "(22) class by class"),
)
init_loss.step(
    "24",
    role="unstated",
    latex=(r"= 2 (\mathbb{E}_{X \sim p(\xi_1, g), \langle w_1, X \rangle > 0} [\sigma(\langle w_1, X \rangle)^2 + 1] + "
           r"\mathbb{E}_{X \sim p(\xi_0, g), \langle w_1, X \rangle > 0} [\sigma(\langle w_1, X \rangle)^2 + 1])"),
    assumptions=(RESTRICTED, EXACT),
    claimed=Sampled(MIX_DIM, line_24, "(24) class by class"),
    previous_form=Sampled(MIX_DIM, line_23, "(23) class by class"),
)
incomplete(
    f"{CHAIN}.eq25",
    sources=[eq(N004, "25")],
    latex=r"= \quad (25)",
    remark=("The note stops here. Under the restricted reading and the symmetry of the data, (24) equals "
            "2 + E_1[sigma(S)^2] + E_0[sigma(S)^2]; for Gaussian data E[erf(S/sqrt 2)^2] = (2/pi) arcsin(s^2/(1+s^2)) with "
            "s^2 = Var S (not checked here: the note gives no line)."),
)


#: init draws examined at each point under the per-initialization reading: "stays fixed" is then said of
#: every one of them.  One draw per point left the verdict to the seed: the deviation exceeds 10% for only
#: 2-6% of initializations, at g >= 2 (300 draws at xi = (2, 1): median 3%, largest 16% at g = 5).  Each
#: point examines 64 of them (32 left the verdict to the seed: confirmed at 2 of 10 quick seeds).
INIT_PANEL = 64


def four_loss_at_gain(which: str, init: str = "panel"):
    r""":math:`(\sigma(S_1) - 1)^2 + (\sigma(S_0) + 1)^2` (the per-draw form of (20)) at gain ``p[which]``;
    'g0' is the Gaussian limit :math:`X = Z`.  The same latent normals for both gains.

    ``init="panel"``: one value per initialization :math:`w_k \sim N(0, I_n/n)` of a panel of
    :data:`INIT_PANEL` (seeded by ``w_seed``); ``init="random"``: :math:`w` is drawn afresh with every
    sample (from three more normals), so the mean is the loss averaged over initializations."""

    def statistic(p, eps) -> np.ndarray:
        if which == "g0":
            x1 = sampling.latent(eps[:, :N], N, p.xi1, "ring")
            x0 = sampling.latent(eps[:, N : 2 * N], N, p.xi0, "ring")
        else:
            x1, x0 = classes(p, eps)
        if init == "random":
            w = eps[:, 2 * N : 3 * N] / np.sqrt(N)
            s1, s0 = np.sum(x1 * w, axis=1), np.sum(x0 * w, axis=1)
        else:
            w = _weights(p.w_seed, INIT_PANEL, None)[0]
            s1, s0 = x1 @ w.T, x0 @ w.T
        # sigma(h) = erf(h/sqrt 2) = 2 Phi(h) - 1 (ndtr is twice as fast as erf)
        return (2 * ndtr(s1) - 2) ** 2 + (2 * ndtr(s0)) ** 2

    return statistic


def four_loss_gaussian_panel(p) -> np.ndarray:
    r"""The Gaussian limit (g -> 0) of :func:`four_loss_at_gain` for each initialization of the panel, in closed
    form: for :math:`S \sim N(0, s^2)`, :math:`\mathbb E[\operatorname{erf}(S/\sqrt2)] = 0` and
    :math:`\mathbb E[\operatorname{erf}(S/\sqrt2)^2] = \tfrac2\pi \arcsin\frac{s^2}{1+s^2}` (the Gaussian
    integral of erf^2), so :math:`\mathbb E[(\sigma(S) \mp 1)^2] = 1 + \tfrac2\pi\arcsin\frac{s^2}{1+s^2}`
    with :math:`s_c^2 = w^\top\Sigma(\xi_c) w`."""
    w = _weights(p.w_seed, INIT_PANEL, None)[0]

    def term(xi: float) -> np.ndarray:
        s2 = np.einsum("ki,ij,kj->k", w, datamodels.covariance(N, xi, "ring"), w)
        return 1 + 2 / np.pi * np.arcsin(s2 / (1 + s2))

    return term(p.xi1) + term(p.xi0)


FIXED_IN_G = quote(N004, "the starting loss for ReLU activation seems to decrease, while it (sensibly) stays fixed for sigmoid activation")
claim(
    "sigmoid.init_loss.fixed_in_g",
    sources=[FIXED_IN_G],
    latex=r"\mathcal{L}(0) \text{ stays fixed as } g \rightarrow \infty \text{ (sigmoid)}",
    params=init_params,
    assumptions=INIT_ASSUMPTIONS + (
        "reading: for each initialization w ~ N(0, I_n/n) (the note's observation is of training runs, one "
        f"initialization each), the sigmoid's loss at initialization at gain g equals its Gaussian (g -> 0) value "
        f"within 10% (an approximate statement: 'stays fixed'); g in [0.05, 5]; a panel of {INIT_PANEL} "
        "initializations at every point",
        "randomized QMC for the NLGP data; the Gaussian limit in closed form (the Gaussian integral of erf^2)",
    ),
    claimed=Sampled(2 * N, four_loss_at_gain("g"), f"4 L(0) at gain g, for each of {INIT_PANEL} initializations"),
    reference=four_loss_gaussian_panel,
    tolerances=Tolerances(rtol=0.1, max_resolution=0.5),
    remark=("Typical initializations move by about 3% over g in [0.05, 5]; a few percent of them by more than 10% at "
            "g >= 2 (up to 16% at g = 5). The ReLU half ('seems to decrease') is an observation about training runs "
            "and is not encoded."),
)
claim(
    "sigmoid.init_loss.fixed_in_g.average_init",
    role="unstated",
    sources=[FIXED_IN_G],
    latex=r"\mathbb{E}_{w}\,\mathcal{L}(0) \text{ stays fixed as } g \rightarrow \infty \text{ (sigmoid)}",
    params={k: v for k, v in init_params.items() if k != "w_seed"},
    assumptions=INIT_ASSUMPTIONS + (
        "reading: the loss at initialization averaged over initializations w ~ N(0, I_n/n) at gain g equals its "
        "Gaussian (g -> 0) value within 10%; g in [0.05, 5]",
        "paired Monte Carlo on common latent normals and common initializations",
    ),
    claimed=Sampled(3 * N, four_loss_at_gain("g", init="random"), "E_w 4 L(0) at gain g"),
    reference=Sampled(3 * N, four_loss_at_gain("g0", init="random"), "E_w 4 L(0) for Gaussian data (g -> 0)"),
    tolerances=Tolerances(rtol=0.1, max_resolution=0.5),
    remark="The same line read as a statement about the average initialization.",
)


# =========================================================================== (26)-(27): ReLU
def relu_four_loss_drawn(p, eps) -> np.ndarray:
    r""":math:`4\cdot\frac12(\hat y(X) - Y)^2` for ReLU, labels 1/0 drawn."""
    x, first = mixture(p, eps)
    w, _ = weights(p)
    return 2.0 * (yhat_relu(w, x) - first.astype(float)) ** 2


def line_26(p, eps) -> np.ndarray:
    x1, x0 = classes(p, eps)
    w, _ = weights(p)
    return (yhat_relu(w, x1) - 1) ** 2 + yhat_relu(w, x0) ** 2


def line_27(p, eps) -> np.ndarray:
    r"""(27) with 'ReLU(w_1, X)' read as :math:`\operatorname{ReLU}(\langle w_1, X\rangle)`."""
    x1, x0 = classes(p, eps)
    w, _ = weights(p)
    return (np.maximum(x1 @ w[0], 0) - 1) ** 2 + np.maximum(x0 @ w[0], 0) ** 2


claim(
    "sigmoid.relu_loss.eq26",
    sources=[eq(N004, "26")],
    latex=r"4\mathcal{L} = \mathbb{E}_{X \sim p(\xi_1, g)} [(\hat{y}(X) - 1)^2] + \mathbb{E}_{X \sim p(\xi_0, g)} [(\hat{y}(X))^2]",
    params={**base_params, "K": st.integers(1, 2)},
    assumptions=(DATA, RELU, "w_k ~ N(0, I/n)"),
    claimed=Sampled(MIX_DIM, line_26, "(26) class by class"),
    reference=Sampled(MIX_DIM, relu_four_loss_drawn, "4 * 1/2 (yhat - Y)^2, Y drawn"),
)
claim(
    "sigmoid.relu_loss.eq27",
    sources=[eq(N004, "27")],
    latex=r"= \mathbb{E}_{X \sim p(\xi_1, g)} [(\text{ReLU}(w_1, X) - 1)^2] + \mathbb{E}_{X \sim p(\xi_0, g)} [(\text{ReLU}(w_1, X))^2]",
    params={**base_params, "K": st.just(1)},
    assumptions=(DATA, RELU, "K = 1; reading: ReLU(w_1, X) = ReLU(<w_1, X>)",
                 "truth: against 4 L by paired Monte Carlo; 'follows': against (26) on the same draws"),
    claimed=Sampled(MIX_DIM, line_27, "(27) class by class"),
    reference=Sampled(MIX_DIM, relu_four_loss_drawn, "4 * 1/2 (yhat - Y)^2, Y drawn"),
    after="sigmoid.relu_loss.eq26",
    previous_form=Sampled(MIX_DIM, line_26, "(26) class by class"),
)

# =========================================================================== (28)-(34): L1 loss
definition("sigmoid.l1.loss", sources=[eq(N004, "28")], latex=r"\mathcal{L} = \mathbb{E}_{X,Y} [|Y - \hat{y}(X)|]",
           assumptions=(SIGMOID,))

l1_params = {**base_params, "K": st.integers(1, 2), "bmax": st.floats(0.0, 1.5)}
L1 = (DATA, SIGMOID, "K in {1, 2}, w_k ~ N(0, I/n), b_k uniform on [-bmax, bmax]; |yhat| < 1 since sigma takes values in (-1, 1)",
      "E_{X,Y} over the balanced mixture computed class by class on paired class-1 and class-0 draws")
DIRECTIONAL = ("vector identities in w_1 checked along a random unit direction u drawn anew at every parameter point "
               "(u . gradient, i.e. directional derivatives by central differences)")


def l1_stratified(p, eps) -> np.ndarray:
    r"""(28) per draw, class by class: :math:`\frac12(|1 - \hat y(X_1)| + |-1 - \hat y(X_{-1})|)` (the balanced
    mixture's expectation is the average of the class expectations; that decomposition is (18), checked with
    the label drawn)."""
    x1, x0 = classes(p, eps)
    w, bias = weights(p)
    return 0.5 * (np.abs(1.0 - yhat_sigmoid(w, bias, x1)) + np.abs(-1.0 - yhat_sigmoid(w, bias, x0)))


def l1_by_class(p, eps, half: float = 1.0) -> np.ndarray:
    r"""(29) per sample: :math:`(1 - \hat y(X_1)) + (1 + \hat y(X_{-1}))`, times ``half``."""
    x1, x0 = classes(p, eps)
    w, bias = weights(p)
    return half * ((1 - yhat_sigmoid(w, bias, x1)) + (1 + yhat_sigmoid(w, bias, x0)))


claim(
    "sigmoid.l1.by_class",
    sources=[eq(N004, "29")],
    latex=r"= \mathbb{E}_{X|Y=1} [1 - \hat{y}(X)] + \mathbb{E}_{X|Y=-1} [1 + \hat{y}(X)].",
    params=l1_params,
    assumptions=L1,
    claimed=Sampled(MIX_DIM, l1_by_class, "(29) class by class"),
    reference=Sampled(MIX_DIM, l1_stratified, "(28): E|Y - yhat| class by class"),
    corrected=Correction(
        latex=r"= \tfrac12 \mathbb{E}_{X|Y=1} [1 - \hat{y}(X)] + \tfrac12 \mathbb{E}_{X|Y=-1} [1 + \hat{y}(X)]",
        claimed=Sampled(MIX_DIM, lambda p, eps: l1_by_class(p, eps, 0.5)),
        remark="each class has probability 1/2",
    ),
)


def direction(p) -> np.ndarray:
    r"""A random unit direction u in R^n (seeded by the point): the vector identities (30)-(32) are checked
    through their component along u, i.e. through directional derivatives (a new u at every point)."""
    u = np.random.default_rng([p.w_seed, 1]).standard_normal(N)
    return u / np.linalg.norm(u)


def _w1_gradient(loss_of_w1, p) -> np.ndarray:
    r"""Per sample :math:`\partial_u \ell = \frac{d}{dt}\ell(w_1 + t u)|_{t=0}` by central differences."""
    w, _ = weights(p)
    u = direction(p)
    return central_difference(lambda t: loss_of_w1(w[0] + t[0] * u), np.zeros(1))[:, 0]


def _with_w1(p, w1: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w, bias = weights(p)
    w = w.copy()
    w[0] = w1
    return w, bias


def l1_gradient_reference(p, eps) -> np.ndarray:
    r"""Per draw :math:`\partial_u` of (28)'s class-by-class form :math:`\frac12(|1 - \hat y(X_1)| + |-1 - \hat y(X_{-1})|)`,
    by central differences of the loss itself."""
    x1, x0 = classes(p, eps)
    return _w1_gradient(lambda w1: 0.5 * (np.abs(1.0 - yhat_sigmoid(*_with_w1(p, w1), x1))
                                          + np.abs(-1.0 - yhat_sigmoid(*_with_w1(p, w1), x0))), p)


def yhat_gradient(p, x: np.ndarray) -> np.ndarray:
    r"""Per sample :math:`\partial\hat y(X)/\partial w_1` by central differences."""
    return _w1_gradient(lambda w1: yhat_sigmoid(*_with_w1(p, w1), x), p)


def analytic_yhat_gradient(p, x: np.ndarray) -> np.ndarray:
    r"""Per sample :math:`\partial\hat y(X)/\partial w_1 = \frac1K\sqrt{2/\pi}\,e^{-h_1^2/2}X` (the value of the symbol in (30))."""
    w, bias = weights(p)
    h = x @ w[0] + bias[0]
    return np.sqrt(2 / np.pi) * np.exp(-(h**2) / 2) / len(bias) * (x @ direction(p))


def eq30_sampled(p, eps, half: float = 1.0) -> np.ndarray:
    r"""(30) per sample: :math:`-\partial\hat y(X_1)/\partial w_1 + \partial\hat y(X_{-1})/\partial w_1`, times ``half``."""
    x1, x0 = classes(p, eps)
    return half * (-analytic_yhat_gradient(p, x1) + analytic_yhat_gradient(p, x0))


def eq29_gradient(p, eps) -> np.ndarray:
    r"""The gradient of (29)'s per-sample form, by central differences: what (30) should follow from."""
    x1, x0 = classes(p, eps)
    return _w1_gradient(lambda w1: (1 - yhat_sigmoid(*_with_w1(p, w1), x1)) + (1 + yhat_sigmoid(*_with_w1(p, w1), x0)), p)


claim(
    "sigmoid.l1.gradient",
    sources=[eq(N004, "30")],
    latex=(r"\frac{\partial \mathcal{L}}{\partial w_1} = -\mathbb{E}_{X|Y=1} \left[ \frac{\partial \hat{y}(X)}{\partial w_1} "
           r"\right] + \mathbb{E}_{X|Y=-1} \left[ \frac{\partial \hat{y}(X)}{\partial w_1} \right]."),
    params=l1_params,
    assumptions=L1 + (DIRECTIONAL, "the gradient of (28) by central differences of |Y - yhat| per sample; the symbol dyhat/dw_1 "
                      "in (30) is evaluated exactly (chain rule), so only the assembly of (30) is on trial"),
    claimed=Sampled(MIX_DIM, eq30_sampled, "(30) class by class"),
    reference=Sampled(MIX_DIM, l1_gradient_reference, "d E|Y - yhat| / dw_1 (along u) by central differences"),
    after="sigmoid.l1.by_class",
    previous_form=Sampled(MIX_DIM, eq29_gradient, "gradient of (29)"),
    corrected=Correction(
        latex=(r"\frac{\partial \mathcal{L}}{\partial w_1} = -\tfrac12\mathbb{E}_{X|Y=1} \left[ \frac{\partial \hat{y}(X)}"
               r"{\partial w_1} \right] + \tfrac12\mathbb{E}_{X|Y=-1} \left[ \frac{\partial \hat{y}(X)}{\partial w_1} \right]"),
        claimed=Sampled(MIX_DIM, lambda p, eps: eq30_sampled(p, eps, 0.5)),
        remark="the factor P(Y = +-1) = 1/2 lost in (29)",
    ),
)


def class1_yhat_gradient(p, eps) -> np.ndarray:
    r""":math:`\partial\hat y(X)/\partial w_1` on class-1 draws, by central differences."""
    return yhat_gradient(p, class1(p, eps))


def eq31_sampled(p, eps) -> np.ndarray:
    r"""(31) per sample: :math:`\frac1K\sigma'(\langle w_1, X\rangle + b_1)X` with :math:`\sigma' = \sqrt{2/\pi}e^{-h^2/2}`."""
    x1 = class1(p, eps)
    w, bias = weights(p)
    h = x1 @ w[0] + bias[0]
    return np.sqrt(2 / np.pi) * np.exp(-(h**2) / 2) / p.K * (x1 @ direction(p))


def eq32_sampled(p, eps, constant: float = 1 / np.sqrt(np.pi)) -> np.ndarray:
    r"""(32) per sample: :math:`\frac{1}{\sqrt\pi}\frac1K e^{-h^2/2}X` (``constant`` replaces :math:`1/\sqrt\pi`)."""
    x1 = class1(p, eps)
    w, bias = weights(p)
    h = x1 @ w[0] + bias[0]
    return constant * np.exp(-(h**2) / 2) / p.K * (x1 @ direction(p))


GRAD = Sampled(N, class1_yhat_gradient, "E[dyhat/dw_1 | Y = 1] by central differences")
class1_params = {k: v for k, v in l1_params.items() if k != "xi0"}  # (31)-(32) involve class-1 data only
claim(
    "sigmoid.l1.yhat_gradient",
    sources=[eq(N004, "31")],
    latex=(r"\mathbb{E}_{X|Y=1} \left[ \frac{\partial \hat{y}(X)}{\partial w_1} \right] = \frac{1}{K} \mathbb{E}_{X|Y=1} "
           r"[\sigma'(\langle w_1, X \rangle + b_1) X]"),
    params=class1_params,
    assumptions=L1 + (DIRECTIONAL, "sigma' = sqrt(2/pi) exp(-h^2/2), the derivative of erf(h/sqrt 2)"),
    claimed=Sampled(N, eq31_sampled, "(31) per sample"),
    reference=GRAD,
)
claim(
    "sigmoid.l1.yhat_gradient_explicit",
    sources=[eq(N004, "32")],
    latex=(r"= \frac{1}{\sqrt{\pi}} \frac{1}{K} \mathbb{E}_{X|Y=1} \left[ e^{-\frac{1}{2}(\langle w_1, X \rangle + b_1)^2} "
           r"X \right]."),
    params=class1_params,
    assumptions=L1 + (DIRECTIONAL, "sigma = erf(h/sqrt 2), whose derivative is sqrt(2/pi) exp(-h^2/2)"),
    claimed=Sampled(N, eq32_sampled, "(32) per sample"),
    reference=GRAD,
    after="sigmoid.l1.yhat_gradient",
    previous_form=Sampled(N, eq31_sampled, "(31) per sample"),
    corrected=Correction(
        latex=(r"= \sqrt{\frac{2}{\pi}} \frac{1}{K} \mathbb{E}_{X|Y=1} \left[ e^{-\frac{1}{2}(\langle w_1, X \rangle + "
               r"b_1)^2} X \right]"),
        claimed=Sampled(N, lambda p, eps: eq32_sampled(p, eps, np.sqrt(2 / np.pi))),
        remark="sigma'(h) = sqrt(2/pi) e^{-h^2/2} for sigma = erf(h/sqrt 2); 1/sqrt(pi) fits neither erf(h) (2/sqrt(pi) e^{-h^2}) nor erf(h/sqrt 2)",
    ),
)

# --------------------------------------------------------------------------- (33)-(34): expanding the square
w_1, w_2, w_3, x_1, x_2, x_3, b_1 = sp.symbols("w1 w2 w3 x1 x2 x3 b", real=True)
ws, xs = (w_1, w_2, w_3), (x_1, x_2, x_3)
EQ33 = sp.exp(-sp.Rational(1, 2) * (sum(w * x for w, x in zip(ws, xs)) + b_1) ** 2) * x_1
EQ34 = sp.exp(-sp.Rational(1, 2) * (
    sum(w**2 * x**2 for w, x in zip(ws, xs))
    + 2 * sum(ws[k] * ws[j] * xs[k] * xs[j] for j in range(3) for k in range(3) if k > j)
    + 2 * b_1 * sum(w * x for w, x in zip(ws, xs)) + b_1**2
)) * x_1
coordinate = st.floats(-2.0, 2.0)
claim(
    "sigmoid.l1.expanded_square",
    sources=[eq(N004, "33"), eq(N004, "34")],
    latex=(
        r"\mathbb{E}_{X|Y=1} \left[ e^{-\frac{1}{2}(\sum_{j=1}^n w_1^{(j)} X_j + b_1)^2} X_i \right] = \mathbb{E}_{X|Y=1} "
        r"\left[ \exp \left( -\frac{1}{2} \left( \sum_{j=1}^n (w_1^{(j)})^2 X_j^2 + 2 \sum_{k>j} w_1^{(k)} w_1^{(j)} X_k "
        r"X_j + 2b_1 \sum_{j=1}^n w_1^{(j)} X_j + b_1^2 \right) \right) X_i \right]"
    ),
    params={"w1": coordinate, "w2": coordinate, "w3": coordinate, "x1": coordinate, "x2": coordinate, "x3": coordinate, "b": coordinate},
    assumptions=("n = 3, i = 1: the integrands agree pointwise, hence so do the expectations",),
    claimed=EQ34,
    reference=EQ33,
    remark="(33) is the expression, (34) its expansion; checked as an identity of the integrands (SymPy, then numerically).",
)
