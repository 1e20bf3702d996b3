r"""Redundant gates: note 000 section 3.6 (eqs (33)-(38)).

Two identical gates :math:`g_1 = g_2` (a half-space here), so :math:`b_1 = b_2` and
:math:`A_{11} = A_{12} = A_{22}`.  The note writes the flows of :math:`w_1, w_2`, notes that
:math:`w_1 - w_2` is conserved, and solves for :math:`w_1` with :math:`2\Delta = w_1 - w_2`:

.. math:: K\tau \frac{d}{dt} w_1 = -2A_{11}(w_1 - \Delta) + b_1 \quad\Longrightarrow\quad
          w_1(t) = \Delta + \tfrac12 A_{11}^{-1}\big(Pe^{-\frac{2t}{K\tau}\Lambda + C}\mathbf 1 + b_1\big)

(the right-hand form is what the solution (30) of the previous section gives for this ODE;
the note's (37) drops :math:`\Delta` and keeps the rate :math:`\Lambda`).

The flows are checked against :math:`-K\nabla L` of the model (central differences); the
solutions (37), (38) against the model's true gradient flow (follows: against (30) applied to (36)); the
conservation of :math:`w_1 - w_2` against a scipy trajectory of the model's true flow.
Main reading: the network has exactly K = 2 gates (the note writes no others); the
reading with a third gate is ``gdln.redundant.eq33.other_gates``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from numerics.models import gdln as gd
from numerics.ode import integrate_flow
from numerics.domain import solve_covariance

from derivations.api import Chain, Correction, claim, eq, quote
from .common import DATA, MODEL, Network, base_params, initial_weights, network
from derivations.topics._notes import N000
from .model_31 import one_over_k_story
from .ode_33 import TIME_FRACTIONS

core = {k: v for k, v in base_params.items() if k != "K"}
red_params = {**core, "tau": st.floats(0.25, 4.0), "init_scale": st.floats(0.0, 2.0)}
REDUNDANT = ("K = 2 gates, g_1 = g_2 = 1(<v, x> >= 0) with a random v (the note writes only w_1 and w_2)",)
K2 = 2


def pair(p) -> Network:
    return network(p, "redundant", K=K2)


def start(p) -> tuple[np.ndarray, np.ndarray]:
    """(w_1(0), w_2(0)) = s N(0, I), s = init_scale."""
    w0 = initial_weights(p, 2 * p.n)
    return w0[: p.n], w0[p.n:]


# =========================================================================== blocks
claim(
    "gdln.redundant.blocks",
    sources=[quote(N000, "What if g_1 = g_2? Then, b_1 = b_2 and A_{11} = A_{12} = A_{22}.")],
    latex=r"b_1 = b_2, \quad A_{11} = A_{12} = A_{22}",
    params=core,
    assumptions=DATA + REDUNDANT + ("compared as (b_1, A_11, A_11) against (b_2, A_12, A_22), each from its definition",),
    claimed=lambda p: (lambda net: np.concatenate([net.sigma_yx(0), net.sigma_xx(0, 0).ravel(),
                                                   net.sigma_xx(0, 0).ravel()]))(pair(p)),
    reference=lambda p: (lambda net: np.concatenate([net.sigma_yx(1), net.sigma_xx(0, 1).ravel(),
                                                     net.sigma_xx(1, 1).ravel()]))(pair(p)),
    method="exact",
)


# =========================================================================== (33)-(36): flows
def rhs_33(net: Network, a_scale: float = 1.0) -> np.ndarray:
    r""":math:`-aA_{11}(w_1 + w_2) + b_1` (a = 1 as written)."""
    return -a_scale * net.sigma_xx(0, 0) @ (net.weights[0] + net.weights[1]) + net.sigma_yx(0)


def true_flow_row(p, row: int):
    r""":math:`-K\nabla_{w_{row}} L` by central differences of the model's loss."""
    net = pair(p)
    return gd.part(net.fd_flow(), row, net.K)


def rhs_36(net: Network, a_scale: float = 1.0) -> np.ndarray:
    r""":math:`-2aA_{11}(w_1 - \Delta) + b_1`, :math:`\Delta = (w_1 - w_2)/2`."""
    delta = (net.weights[0] - net.weights[1]) / 2
    return -2 * a_scale * net.sigma_xx(0, 0) @ (net.weights[0] - delta) + net.sigma_yx(0)


def _k_story(p, c, r, corrected) -> str | None:
    return one_over_k_story(K2, c, r, corrected)


redundant = Chain("gdln.redundant", note=N000, params=core, assumptions=DATA + MODEL + REDUNDANT)
redundant.step(
    "33",
    latex=r"K\tau \frac{d}{dt} w_1 = -A_{11}(w_1 + w_2) + b_1,",
    claimed=lambda p: rhs_33(pair(p)),
    reference=lambda p: true_flow_row(p, 0),
    after="gdln.flow.eq10",
    previous_form=lambda p: (lambda net: (net.b - net.A @ net.w)[: net.n])(pair(p)),
    diagnose=lambda p, c, r: _k_story(p, c, r, rhs_33(pair(p), 1 / K2)),
    corrected=Correction(latex=r"K\tau \frac{d}{dt} w_1 = -\frac{1}{K}A_{11}(w_1 + w_2) + b_1",
                         claimed=lambda p: rhs_33(pair(p), 1 / K2)),
)
redundant.step(
    "34",
    latex=r"K\tau \frac{d}{dt} w_2 = -A_{11}(w_1 + w_2) + b_1.",
    claimed=lambda p: rhs_33(pair(p)),
    reference=lambda p: true_flow_row(p, 1),
    after="gdln.flow.eq10",
    previous_form=lambda p: (lambda net: (net.b - net.A @ net.w)[net.n:])(pair(p)),
    diagnose=lambda p, c, r: _k_story(p, c, r, rhs_33(pair(p), 1 / K2)),
    corrected=Correction(latex=r"K\tau \frac{d}{dt} w_2 = -\frac{1}{K}A_{11}(w_1 + w_2) + b_1",
                         claimed=lambda p: rhs_33(pair(p), 1 / K2)),
)
redundant.step(
    "35",
    latex=r"\frac{K\tau}{2} \frac{d}{dt} (w_1 + w_2) = -A_{11}(w_1 + w_2) + b_1.",
    claimed=lambda p: rhs_33(pair(p)),
    reference=lambda p: (lambda a, b: gd.Estimate((a.value + b.value) / 2, "exact", (a.abs_error + b.abs_error) / 2))(
        true_flow_row(p, 0), true_flow_row(p, 1)),
    previous_form=lambda p: rhs_33(pair(p)),
    diagnose=lambda p, c, r: _k_story(p, c, r, rhs_33(pair(p), 1 / K2)),
    corrected=Correction(latex=r"\frac{K\tau}{2} \frac{d}{dt} (w_1 + w_2) = -\frac{1}{K}A_{11}(w_1 + w_2) + b_1",
                         claimed=lambda p: rhs_33(pair(p), 1 / K2)),
    remark="'1/2 (w_1 + w_2) evolves according to' this line; (33) + (34) halved is the 'follows' check.",
)
redundant.step(
    "36",
    latex=r"K\tau \frac{d}{dt} w_1 = K\tau \frac{d}{dt} (w_1 - \Delta) = -2A_{11}(w_1 - \Delta) + b_1.",
    claimed=lambda p: rhs_36(pair(p)),
    reference=lambda p: true_flow_row(p, 0),
    after="gdln.redundant.eq33",
    previous_form=lambda p: rhs_33(pair(p)),
    assumptions=("2 Delta = w_1 - w_2 at the current weights; the middle member equals the left since Delta is "
                 "constant (gdln.redundant.difference_constant)",),
    diagnose=lambda p, c, r: _k_story(p, c, r, rhs_36(pair(p), 1 / K2)),
    corrected=Correction(latex=r"K\tau \frac{d}{dt} w_1 = -\frac{2}{K}A_{11}(w_1 - \Delta) + b_1",
                         claimed=lambda p: rhs_36(pair(p), 1 / K2)),
)


# =========================================================================== w_1 - w_2 is constant
def _times(p) -> np.ndarray:
    return TIME_FRACTIONS * K2 * p.tau


def true_trajectory(p):
    r"""scipy trajectory of the model's true flow :math:`\tau\dot W = -\nabla L` (chain-rule gradient of the
    loss, no moment matrices) from (w_1(0), w_2(0)); shape (T, 2, n)."""
    net = pair(p)
    w1, w2 = start(p)
    return integrate_flow(lambda t, wt: net.true_flow(wt) / p.tau, np.stack([w1, w2]), float(_times(p).max()),
                          t_eval=_times(p))


claim(
    "gdln.redundant.difference_constant",
    sources=[quote(N000, "Clearly, then, w_1 - w_2 is a constant vector.")],
    latex=r"w_1(t) - w_2(t) = w_1(0) - w_2(0)",
    params=red_params,
    assumptions=DATA + MODEL + REDUNDANT + ("checked along the model's true gradient flow (scipy, DOP853) at "
                                            "t = (0, 0.5, 2, 8) K tau",),
    claimed=lambda p: np.tile(start(p)[0] - start(p)[1], (len(TIME_FRACTIONS), 1)),
    reference=lambda p: (lambda est: gd.Estimate(est.value[:, 0] - est.value[:, 1], "ode",
                                                 est.abs_error[:, 0] + est.abs_error[:, 1]))(true_trajectory(p)),
    remark="Holds for the true flow as well as for (33)-(34): identical gates give identical gradients.",
)


# =========================================================================== (37), (38): solutions
def solution_w1(p, with_delta: bool, rate: float) -> np.ndarray:
    r""":math:`\delta\Delta + \frac12 A_{11}^{-1}(Pe^{-\frac{t}{K\tau}r\Lambda + C}\mathbf 1 + b_1)`, C matched at t = 0
    (complex allowed); :math:`\delta = 1` with ``with_delta``, r = ``rate`` (the note: no Delta, r = 1)."""
    net = pair(p)
    a11, b1 = net.sigma_xx(0, 0), net.sigma_yx(0)
    lam, vecs = np.linalg.eigh(a11)
    w1, w2 = start(p)
    delta = (w1 - w2) / 2 if with_delta else np.zeros(p.n)
    a = vecs.T @ (2 * a11 @ (w1 - delta) - b1)  # e^C 1 so that the line equals w_1(0) at t = 0
    transient = np.exp(-np.outer(_times(p), rate * lam) / (K2 * p.tau) + np.log(a.astype(complex))[None, :])
    inside = (vecs @ transient.T).T + b1[None, :]
    return delta[None, :] + 0.5 * np.real(solve_covariance(a11, inside.T, "A_11 = Sigma^xx(p_1, p_1)").T)


def true_path(p):
    r"""(w_1(t), w_2(t)) on the model's true gradient flow (central differences of the loss, integrated), shape (T, 2n)."""
    net = pair(p)
    return net.true_trajectory(p.tau, np.concatenate(start(p)), _times(p))


def true_solution_w1(p) -> np.ndarray:
    r"""Derived from the true flow :math:`\tau\dot w_k = \frac1K(b_1 - \frac1K A_{11}(w_1 + w_2))`, K = 2:
    :math:`s = w_1 + w_2` obeys :math:`\tau\dot s = \frac2K b_1 - \frac2{K^2}A_{11}s`, so
    :math:`w_1(t) = \Delta + \frac K2 A_{11}^{-1}b_1 + \frac12 Pe^{-\frac{2t}{K^2\tau}\Lambda}P^\top(s(0) - KA_{11}^{-1}b_1)`."""
    net = pair(p)
    a11, b1 = net.sigma_xx(0, 0), net.sigma_yx(0)
    lam, vecs = np.linalg.eigh(a11)
    w1, w2 = start(p)
    rest = K2 * solve_covariance(a11, b1, "A_11 = Sigma^xx(p_1, p_1)")
    decay = np.exp(-np.outer(_times(p), 2 * lam) / (K2**2 * p.tau))  # (T, n)
    transient = (vecs @ (decay * (vecs.T @ (w1 + w2 - rest))[None, :]).T).T
    return (w1 - w2)[None, :] / 2 + rest[None, :] / 2 + 0.5 * transient


TRUE_37_LATEX = (r"w_1(t) = \Delta + \frac{K}{2} A_{11}^{-1} b_1 + \frac{1}{2} P e^{-\frac{2t}{K^2\tau} \Lambda} P^\top "
                 r"\left(w_1(0) + w_2(0) - K A_{11}^{-1} b_1\right)")
EQ37_CORRECT_LATEX = (r"w_1(t) = \Delta + \frac{1}{2} A_{11}^{-1} \left( P e^{-\frac{2t}{K\tau} \Lambda + C} \mathbf{1} "
                      r"+ b_1 \right)")
EQ37_CORRECT_LATEX_TEXT = "w_1(t) = Delta + (1/2) A_11^-1 (P e^(-2t Lambda/(K tau) + C) 1 + b_1)"
SOLUTION = (
    "truth: the model's true gradient flow from (w_1(0), w_2(0)) = s N(0, I), s = init_scale; 'follows': what the "
    "solution (30) gives for the ODE (36) as written; trajectories at t = (0, 0.5, 2, 8) K tau (K = 2)",
    "A_11 = P Lambda P^T by numpy eigh; C diagonal, matched so that the line equals w_1(0) at t = 0 (complex allowed)",
)
redundant.step(
    "37",
    latex=r"w_1(t) = \frac{1}{2} A_{11}^{-1} \left( P e^{-\frac{t}{K\tau} \Lambda + C} \mathbf{1} + b_1 \right).",
    claimed=lambda p: solution_w1(p, False, 1.0),
    reference=lambda p: gd.part(true_path(p), (slice(None), slice(0, p.n))),
    params=red_params,
    assumptions=SOLUTION,
    previous_form=lambda p: solution_w1(p, True, 2.0),
    corrected=Correction(latex=TRUE_37_LATEX, claimed=true_solution_w1,
                         remark="the solution of the true flow; (30) applied to (36) as written gives " + EQ37_CORRECT_LATEX_TEXT),
    remark="'follows' compares with what (30) gives for the ODE (36): w_1 - Delta = (2 A_11)^-1 (P e^(-t 2Lambda/(K tau) + C) 1 + b_1).",
)
redundant.step(
    "38",
    latex=(r"w_2(t) = \frac{1}{2} A_{11}^{-1} \left( P e^{-\frac{t}{K\tau} \Lambda + C} \mathbf{1} + b_1 \right) - "
           r"(w_1(0) - w_2(0))."),
    claimed=lambda p: solution_w1(p, False, 1.0) - (start(p)[0] - start(p)[1])[None, :],
    reference=lambda p: gd.part(true_path(p), (slice(None), slice(p.n, 2 * p.n))),
    params=red_params,
    assumptions=SOLUTION,
    previous_form=lambda p: solution_w1(p, False, 1.0) - (start(p)[0] - start(p)[1])[None, :],
    diagnose=lambda p, c, r: (
        "the shift by the conserved w_1(0) - w_2(0) is right (see gdln.redundant.difference_constant); the error is "
        "that of (37)"
        if np.allclose(true_solution_w1(p) - (start(p)[0] - start(p)[1])[None, :], r, rtol=1e-6, atol=1e-8) else None
    ),
    corrected=Correction(latex=TRUE_37_LATEX + r" - (w_1(0) - w_2(0))",
                         claimed=lambda p: true_solution_w1(p) - (start(p)[0] - start(p)[1])[None, :]),
    remark="(38) is (37) shifted by the conserved w_1 - w_2, so it follows from (37) and inherits its error.",
)


# =========================================================================== a third gate
def triple(p) -> Network:
    return network(p, "redundant", K=3)


def rhs_33_three(net: Network, a_scale: float = 1.0, third: bool = False) -> np.ndarray:
    """(33) as written (third=False) or with the third gate's term -A_13 w_3 kept."""
    out = -a_scale * net.sigma_xx(0, 0) @ (net.weights[0] + net.weights[1]) + net.sigma_yx(0)
    return out - a_scale * net.sigma_xx(0, 2) @ net.weights[2] if third else out


claim(
    "gdln.redundant.eq33.other_gates",
    sources=[eq(N000, "33")],
    latex=r"K\tau \frac{d}{dt} w_1 = -A_{11}(w_1 + w_2) + b_1,",
    params=core,
    assumptions=DATA + MODEL + ("reading: K = 3 gates, g_1 = g_2 and a third half-space gate g_3 (the note keeps K "
                                "general in K tau)",),
    claimed=lambda p: rhs_33_three(triple(p)),
    reference=lambda p: (lambda net: gd.part(net.fd_flow(), 0, net.K))(triple(p)),
    diagnose=lambda p, c, r: (
        "two terms are off: the third gate's term -A_13 w_3 is missing (g_3 overlaps g_1), and the A terms carry "
        "1/K (the 1/K of yhat, as in gdln.flow.eq7)"
        if np.allclose(rhs_33_three(triple(p), 1 / 3, True), r, rtol=1e-7, atol=1e-10) else None
    ),
    corrected=Correction(latex=r"K\tau \frac{d}{dt} w_1 = -\frac{1}{K}\left[A_{11}(w_1 + w_2) + A_{13}w_3\right] + b_1",
                         claimed=lambda p: rhs_33_three(triple(p), 1 / 3, True)),
    remark="The same line under the reading with another gate present.",
    role="unstated",
)
