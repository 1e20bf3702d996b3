r"""Exclusive gates: note 000 section 3.5 (eqs (25)-(32)) and note 001 "Exclusive Gates" ((57), (58)).

Exactly one gate is on for every x (here: the cone gates
:math:`g_k(x) = 1(k = \arg\max_j \langle v_j, x\rangle)`), so
:math:`\Sigma^{xx}(p, q) = 0` for p != q and A is block diagonal.  The note then solves the
flow of :math:`w_1` alone,

.. math:: K\tau \frac{d}{dt} w_1 = -A_{11}w_1 + b_1, \qquad A_{11} = P\Lambda P^\top,\ u_1 = P^\top w_1,

and reads off the limit as the OLS solution on the subset of the data where :math:`g_1 = 1`.

Checks: (25), (26) against :math:`-K\nabla_{w_1} L` of the model (central differences);
(27)-(31), which say "this ODE is solved by", against scipy trajectories of (26)/(25) as
written (C matched to the initial condition, complex allowed: see ``gdln.ode.real_C``);
(32) and the OLS statements against the exact long-time flow map and against lstsq.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from numerics.models import gdln as gd
from numerics.domain import solve_covariance

from derivations.api import LINE_ABOVE, Chain, Correction, Tolerances, claim, eq, incomplete, quote
from .common import DATA, LARGE_SAMPLE, MODEL, Network, base_params, initial_weights, network
from derivations.topics._notes import N000, N001
from .model_31 import one_over_k_story
from .ode_33 import TIME_FRACTIONS, matching_exponent, note_modes

excl_params = {**base_params, "tau": st.floats(0.25, 4.0), "init_scale": st.floats(0.0, 2.0)}
EXCLUSIVE = (
    "exclusive gates: K cones g_k(x) = 1(k = argmax_j <v_j, x>), random v_j; exactly one gate is on for every x",
)
ODE_25 = (
    "the ODE is (25) as written, K tau dw_1/dt = -A_11 w_1 + b_1; w_1(0) = s N(0, I), s = init_scale; "
    "trajectories at t = (0, 0.5, 2, 8) K tau",
    "A_11 = P Lambda P^T by numpy eigh; C diagonal matched to w_1(0), complex entries allowed (gdln.ode.real_C "
    "treats the real reading)",
)

SXX11 = "Sigma^xx(p_1, p_1) (the gate-1 second moment)"


def exclusive_network(p, size: int | None = None) -> Network:
    return network(p, "exclusive") if size is None else network(p, "exclusive", size=size)


# =========================================================================== the blocks vanish
def off_diagonal_blocks(net: Network) -> np.ndarray:
    return np.array([net.sigma_xx(i, j) for i in range(net.K) for j in range(net.K) if i != j])


claim(
    "gdln.exclusive.blocks_vanish",
    sources=[quote(N000, "Then, \\Sigma^{xx}(p, q) = 0 for p \\neq q."), quote(N000, "Then A becomes block diagonal."),
             quote(N001, "Then, \\Sigma^{xx}(p, q) = 0 for p \\neq q, which makes A block diagonal.")],
    latex=r"\Sigma^{xx}(p, q) = 0 \quad (p \neq q)",
    params={**base_params, "K": st.integers(2, 4)},
    assumptions=DATA + EXCLUSIVE,
    claimed=lambda p: np.zeros_like(off_diagonal_blocks(exclusive_network(p))),
    reference=lambda p: off_diagonal_blocks(exclusive_network(p)),
    method="exact",
    tolerances=Tolerances(scale=1.0),
    remark="The entries of <x x^T> are O(1) (Var X_i = 1); 0 is judged against that scale.",
)


# =========================================================================== (25), (26): the flow of w_1
def rhs_25(net: Network, a_scale: float = 1.0) -> np.ndarray:
    return -a_scale * net.sigma_xx(0, 0) @ net.weights[0] + net.sigma_yx(0)


def true_flow_w1(p):
    r""":math:`-K\nabla_{w_1} L` by central differences of the model's loss."""
    net = exclusive_network(p)
    return gd.part(net.fd_flow(), 0, net.K)


def eigen_11(net: Network) -> tuple[np.ndarray, np.ndarray]:
    return np.linalg.eigh(net.sigma_xx(0, 0))


exclusive = Chain("gdln.exclusive", note=N000, params=excl_params, assumptions=DATA + MODEL + EXCLUSIVE)
exclusive.step(
    "25",
    latex=r"K\tau \frac{d}{dt} w_1 = -A_{11}w_1 + b_1.",
    also=[eq(N001, "57")],
    claimed=lambda p: rhs_25(exclusive_network(p)),
    reference=true_flow_w1,
    after="gdln.flow.eq10",
    previous_form=lambda p: (lambda net: (net.b - net.A @ net.w)[: net.n])(exclusive_network(p)),
    diagnose=lambda p, c, r: one_over_k_story(exclusive_network(p).K, c, r, rhs_25(exclusive_network(p), 1.0 / exclusive_network(p).K)),
    corrected=Correction(latex=r"K\tau \frac{d}{dt} w_1 = -\frac{1}{K}A_{11}w_1 + b_1",
                         claimed=lambda p: rhs_25(exclusive_network(p), 1.0 / exclusive_network(p).K)),
    remark="Follows from (10) because A_1k = 0 for k != 1.",
)


def rhs_26(net: Network, a_scale: float = 1.0) -> np.ndarray:
    lam, vecs = eigen_11(net)
    return -a_scale * lam * (vecs.T @ net.weights[0]) + vecs.T @ net.sigma_yx(0)


exclusive.step(
    "26",
    latex=r"K\tau \frac{d}{dt} u_1 = -\Lambda u_1 + c_1.",
    claimed=lambda p: rhs_26(exclusive_network(p)),
    reference=lambda p: (lambda net, est: gd.Estimate(eigen_11(net)[1].T @ est.value, "exact",
                                                      np.full(net.n, float(np.max(est.abs_error)) * np.sqrt(net.n))))(
        exclusive_network(p), true_flow_w1(p)),
    previous_form=lambda p: (lambda net: eigen_11(net)[1].T @ rhs_25(net))(exclusive_network(p)),
    diagnose=lambda p, c, r: one_over_k_story(exclusive_network(p).K, c, r, rhs_26(exclusive_network(p), 1.0 / exclusive_network(p).K)),
    corrected=Correction(latex=r"K\tau \frac{d}{dt} u_1 = -\frac{1}{K}\Lambda u_1 + c_1",
                         claimed=lambda p: rhs_26(exclusive_network(p), 1.0 / exclusive_network(p).K)),
    remark="u_1 = P^T w_1, c_1 = P^T b_1; the reference rotates -K grad_{w_1} L by P^T.",
)


# =========================================================================== (27)-(31): the solution
def _times(p) -> np.ndarray:
    return TIME_FRACTIONS * exclusive_network(p).K * p.tau


def _modes(p) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(lam, P, u_1(0), c_1, diag C) at the point."""
    net = exclusive_network(p)
    lam, vecs = eigen_11(net)
    u0 = vecs.T @ initial_weights(p, net.n)
    c1 = vecs.T @ net.sigma_yx(0)
    return lam, vecs, u0, c1, matching_exponent(lam, u0, c1, real=False)


def eq27(p) -> np.ndarray:
    lam, _, _, c1, diag_c = _modes(p)
    return note_modes(lam, c1, diag_c, _times(p), exclusive_network(p).K * p.tau)


def _transient(p) -> np.ndarray:
    r""":math:`e^{-\frac{t}{K\tau}\Lambda + C}\mathbf 1` at each time, shape (T, n) (complex C allowed)."""
    lam, _, _, _, diag_c = _modes(p)
    return np.exp(-np.outer(_times(p), lam) / (exclusive_network(p).K * p.tau) + diag_c[None, :])


def eq28(p) -> np.ndarray:
    return (_modes(p)[1] @ eq27(p).T).T


def eq29(p) -> np.ndarray:
    lam, vecs, _, c1, _ = _modes(p)
    return np.real((vecs @ (_transient(p) / lam[None, :]).T).T + vecs @ (c1 / lam))


def eq30(p) -> np.ndarray:
    net = exclusive_network(p)
    vecs = _modes(p)[1]
    inside = (vecs @ _transient(p).T).T + net.sigma_yx(0)[None, :]
    return np.real(solve_covariance(net.sigma_xx(0, 0), inside.T, SXX11).T)


def eq31(p) -> np.ndarray:
    r"""(31): the same with :math:`\Sigma^{xx}(p_1, p_1) = \langle g_1 x x^\top\rangle` and
    :math:`\Sigma^{yx}(p_1)^\top = \langle g_1 y x\rangle` computed from their definitions on the gated subset."""
    net = exclusive_network(p)
    on = net.gates[:, 0] > 0
    sxx = net.x[on].T @ net.x[on] / net.x.shape[0]
    syx = net.x[on].T @ net.y[on] / net.x.shape[0]
    inside = (_modes(p)[1] @ _transient(p).T).T + syx[None, :]
    return np.real(solve_covariance(sxx, inside.T, SXX11).T)


def ode_26(p):
    """scipy trajectory of (26) as written, from u_1(0) = P^T w_1(0)."""
    lam, _, u0, c1, _ = _modes(p)
    return gd.linear_flow(np.diag(lam), c1, exclusive_network(p).K * p.tau, u0, _times(p))


def ode_25(p):
    """scipy trajectory of (25) as written, from w_1(0)."""
    net = exclusive_network(p)
    return gd.linear_flow(net.sigma_xx(0, 0), net.sigma_yx(0), net.K * p.tau, initial_weights(p, net.n), _times(p))


def true_w1_path(p):
    r""":math:`w_1(t)` on the model's true gradient flow (central differences of the loss, integrated) from
    :math:`w_1(0)`; the other blocks start at 0 (A is block diagonal, so they do not reach w_1)."""
    net = exclusive_network(p)
    start = np.concatenate([initial_weights(p, net.n), np.zeros((net.K - 1) * net.n)])
    return gd.part(net.true_trajectory(p.tau, start, _times(p)), (slice(None), slice(0, net.n)))


def true_u1_path(p):
    r""":math:`u_1(t) = P^\top w_1(t)` on the true flow."""
    est = true_w1_path(p)
    vecs = eigen_11(exclusive_network(p))[1]
    return gd.Estimate(np.asarray(est.value) @ vecs, est.method,
                       np.broadcast_to(np.abs(est.abs_error), np.shape(est.value)) @ np.abs(vecs), None, est.samples, est.detail)


def true_w1_limit(p, size: int | None = None):
    r""":math:`w_1(\infty)` of the model's true gradient flow (exact flow map of the central-difference field)."""
    net = exclusive_network(p, size)
    tau = float(p.get("tau", 1.0))
    start = np.concatenate([initial_weights(p, net.n) if "init_scale" in p else np.zeros(net.n), np.zeros((net.K - 1) * net.n)])
    return gd.part(net.true_limit(tau, start), slice(0, net.n))


solution_assumptions = ODE_25[1:] + ("truth: w_1(t) on the model's true gradient flow; 'follows': the line above, "
                                     "or for (27) scipy trajectories of (26) as written",)
exclusive.step("27", latex=r"u_1(t) = \Lambda^{-1} e^{-\frac{t}{K\tau} \Lambda + C} \mathbf{1} + \Lambda^{-1} c_1,",
               claimed=eq27, reference=true_u1_path, previous_form=ode_26, assumptions=solution_assumptions,
               remark="'This ODE is solved by': 'follows' compares with scipy trajectories of (26) as written; "
                      "the truth is the model's true flow, against which it inherits the 1/K of (25).")
exclusive.step("28", latex=r"w_1(t) = P \left( \Lambda^{-1} e^{-\frac{t}{K\tau} \Lambda + C} \mathbf{1} + \Lambda^{-1} c_1 \right)",
               claimed=eq28, reference=true_w1_path, assumptions=solution_assumptions,
               previous_form=lambda p: (_modes(p)[1] @ eq27(p).T).T)
exclusive.step("29", latex=r"= P \Lambda^{-1} e^{-\frac{t}{K\tau} \Lambda + C} \mathbf{1} + P \Lambda^{-1} c_1",
               claimed=eq29, reference=true_w1_path, assumptions=solution_assumptions)
exclusive.step("30", latex=r"= A_{11}^{-1} \left( P e^{-\frac{t}{K\tau} \Lambda + C} \mathbf{1} + b_1 \right).",
               claimed=eq30, reference=true_w1_path, assumptions=solution_assumptions)
exclusive.step(
    "31",
    latex=(r"w_1(t) = (\Sigma^{xx}(p_1, p_1))^{-1} \left( P e^{-\frac{t}{K\tau} \Lambda + C} \mathbf{1} + "
           r"\Sigma^{yx}(p_1)^\top \right)."),
    claimed=eq31, reference=true_w1_path, assumptions=solution_assumptions,
)


# =========================================================================== (32): the limit
def limit_25(p):
    r""":math:`w_1(\infty)` of (25) as written: the exact long-time flow map (40 slowest time constants)."""
    net = exclusive_network(p)
    return gd.flow_limit(net.sigma_xx(0, 0), net.sigma_yx(0), net.K * p.tau, initial_weights(p, net.n))


def eq32_literal(p) -> np.ndarray:
    r"""The right side of (32) as displayed, at the time t = t_frac K tau it still contains."""
    net = exclusive_network(p)
    lam, vecs, _, _, diag_c = _modes(p)
    transient = np.exp(-p.t_frac * lam + diag_c)  # t/(K tau) = t_frac
    return np.real(solve_covariance(net.sigma_xx(0, 0), vecs @ transient + net.sigma_yx(0), SXX11))


def eq32_limit(p) -> np.ndarray:
    r""":math:`(\Sigma^{xx}(p_1,p_1))^{-1}\Sigma^{yx}(p_1)^\top`: (32) with the transient sent to 0."""
    net = exclusive_network(p)
    return solve_covariance(net.sigma_xx(0, 0), net.sigma_yx(0), SXX11)


EQ32_LATEX = (r"w_1(\infty) = (\Sigma^{xx}(p_1, p_1))^{-1} \left( P e^{-\frac{t}{K\tau} \Lambda + C} \mathbf{1} + "
              r"\Sigma^{yx}(p_1)^\top \right).")
exclusive.step(
    "32",
    latex=EQ32_LATEX,
    also=[eq(N001, "58")],
    claimed=eq32_literal,
    reference=true_w1_limit,
    role="unstated",
    params={**excl_params, "t_frac": st.floats(0.0, 8.0)},
    assumptions=ODE_25[1:] + ("reading: literal -- the right side is evaluated at the time t = t_frac K tau that it "
                              "still displays; the left side is the limit of the model's true flow",),
    previous_form=eq32_limit,
    diagnose=lambda p, c, r: (
        f"the right side still depends on t (here t = {p.t_frac:g} K tau): the transient P e^(-t Lambda/(K tau) + C) 1 "
        "decays to 0, so w_1(inf) = Sigma^xx(p_1, p_1)^-1 Sigma^yx(p_1)^T; at t = 0 the right side is w_1(0)"
    ),
    corrected=Correction(latex=r"w_1(\infty) = K(\Sigma^{xx}(p_1, p_1))^{-1} \Sigma^{yx}(p_1)^\top",
                         claimed=lambda p: exclusive_network(p).K * eq32_limit(p),
                         remark="the transient sent to 0, and the factor K of the true flow's limit"),
    remark="Note 001 (58) is the same display (there Sigma^yx is a column, so its ^T is a transposition slip). "
           "'follows' compares with (31) at t -> infinity.",
)
claim(
    "gdln.exclusive.eq32.limit_reading",
    sources=[eq(N000, "32"), eq(N001, "58")],
    latex=EQ32_LATEX,
    params=excl_params,
    assumptions=DATA + MODEL + EXCLUSIVE + ("reading: t -> infinity is meant inside the right side too, "
                                            "so the transient term is 0 (what the left side w_1(inf) says)",),
    claimed=eq32_limit,
    reference=true_w1_limit,
    after="gdln.exclusive.eq25",
    previous_form=limit_25,
    corrected=Correction(latex=r"w_1(\infty) = K(\Sigma^{xx}(p_1, p_1))^{-1} \Sigma^{yx}(p_1)^\top",
                         claimed=lambda p: exclusive_network(p).K * eq32_limit(p),
                         remark="the limit of the true flow tau dw_1/dt = b_1/K - A_11 w_1/K^2"),
    remark="The same line under the reading its left side forces; 'follows' compares with the limit of (25) as written.",
)


# =========================================================================== the OLS statements
def normal_equations(p) -> np.ndarray:
    r""":math:`(\langle x x^\top\rangle)^{-1}\langle x y\rangle` from averages."""
    net = network(p, "halfspace", size=LARGE_SAMPLE)
    return np.linalg.solve(net.x.T @ net.x / net.x.shape[0], net.x.T @ net.y / net.x.shape[0])


claim(
    "gdln.ols.normal_equations",
    sources=[quote(N000, "this is the population solution to OLS, (X^\\top X)^{-1} X^\\top y = "
                         "(\\langle xx^\\top \\rangle)^{-1} (\\langle xy \\rangle)"),
             quote(N001, "this is the population solution to OLS, (\\mathbb{E}_{X,Y}[XX^\\top])^{-1}\\mathbb{E}_{X,Y}[YX]")],
    latex=r"(X^\top X)^{-1} X^\top y = (\langle xx^\top \rangle)^{-1} (\langle xy \rangle)",
    params=base_params,
    assumptions=DATA[:2] + (f"X: the {LARGE_SAMPLE} x n data matrix of the balanced sample, y its labels; the left side "
                            "by numpy lstsq (SVD), the right side from averages",),
    claimed=normal_equations,
    reference=lambda p: (lambda net: gd.least_squares(net.x, net.y))(network(p, "halfspace", size=LARGE_SAMPLE)),
)


def subset_ols(p):
    """OLS of y on x over the samples where g_1(x) = 1 (lstsq on those rows only)."""
    net = exclusive_network(p, LARGE_SAMPLE)
    on = net.gates[:, 0] > 0
    return gd.least_squares(net.x[on], net.y[on])


SUBSET_QUOTES = [quote(N000, "So, each weight matrix converges to the OLS solution on the subset of the data determined by its gate."),
                 quote(N001, "So, each weight matrix converges to the OLS solution on the subset of the data determined by its gate.")]
claim(
    "gdln.exclusive.ols_subset",
    sources=SUBSET_QUOTES,
    latex=r"w_1(\infty) = \arg\min_\beta \langle (\beta^\top x - y)^2 \rangle_{x,y \,|\, g_1(x) = 1}",
    params=excl_params,
    assumptions=DATA + EXCLUSIVE + (
        "reading: w_1(inf) is the limit of (25) as written (exact long-time flow map), on a sample of "
        f"{LARGE_SAMPLE}; the OLS solution on the subset by lstsq on the rows with g_1 = 1",
    ),
    claimed=lambda p: subset_ols(p).value,
    reference=LINE_ABOVE,
    after="gdln.exclusive.eq25",
    previous_form=lambda p: (lambda net: gd.flow_limit(net.sigma_xx(0, 0), net.sigma_yx(0), net.K * p.tau,
                                                       initial_weights(p, net.n)))(exclusive_network(p, LARGE_SAMPLE)),
    remark="Follows-only: compared with the limit of (25) as written; the truth about the weights is "
           "gdln.exclusive.ols_subset.model_reading.",
)


def model_w1_limit(p):
    r""":math:`w_1` of the minimiser of the model's loss (the limit of its true flow): lstsq of y on :math:`\tilde x/K`."""
    net = exclusive_network(p, LARGE_SAMPLE)
    return gd.part(gd.least_squares(net.xtilde / net.K, net.y), slice(0, net.n))


claim(
    "gdln.exclusive.ols_subset.model_reading",
    sources=SUBSET_QUOTES,
    latex=r"w_1(\infty) = \arg\min_\beta \langle (\beta^\top x - y)^2 \rangle_{x,y \,|\, g_1(x) = 1}",
    params=base_params,
    assumptions=DATA + MODEL + EXCLUSIVE + (
        "reading: w_1(inf) is the limit of the model's true gradient flow, i.e. the w_1 block of the minimiser of L "
        f"(lstsq of y on xtilde/K over {LARGE_SAMPLE} samples)",
    ),
    claimed=lambda p: subset_ols(p).value,
    reference=model_w1_limit,
    after="gdln.exclusive.eq25",
    previous_form=lambda p: (lambda net: gd.flow_limit(net.sigma_xx(0, 0), net.sigma_yx(0), float(net.K), np.zeros(net.n)))(
        exclusive_network(p, LARGE_SAMPLE)),
    diagnose=lambda p, c, r: (
        f"the weights converge to K = {exclusive_network(p).K} times the subset OLS solution: on g_1 = 1 the model "
        "predicts (1/K) w_1^T x, so it is the prediction (1/K) w_1^T x, not w_1, that equals the OLS fit"
        if np.allclose(exclusive_network(p).K * np.asarray(c), r, rtol=1e-6, atol=1e-9) else None
    ),
    corrected=Correction(latex=r"w_1(\infty) = K \arg\min_\beta \langle (\beta^\top x - y)^2 \rangle_{x,y \,|\, g_1(x) = 1}",
                         claimed=lambda p: exclusive_network(p).K * subset_ols(p).value),
)


incomplete(
    "gdln.bump_limit.adjacent_difference",
    sources=[quote(N001, "But what does the input-input covariance term do? Well, for this gate, it basically "
                         "computes a difference between adjacent points of \\Sigma^{yx}(p_i).")],
    latex=r"w(\infty) = (\Sigma^{xx}(p_i, p_i))^{-1} \Sigma^{yx}(p_i) \approx \text{difference of adjacent entries of } \Sigma^{yx}(p_i)",
    note_flag="TODO: finish!",
    remark="Note 001 section 5.2 (small-bump gate 1(<e_i, x> > 0)); 'basically' is not made precise and the "
           "section stops at its TODO. The input-output covariance (66)-(74) is audited as bump.*.",
)
