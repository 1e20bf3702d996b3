r"""Closed-form solutions of the GDLN flow: note 000 (13)-(15), note 001 (54)-(56).

The note diagonalises :math:`A = P\Lambda P^\top`, sets :math:`u = P^\top w`, :math:`c = P^\top b`
and solves

.. math:: K\tau \frac{d}{dt}u = -\Lambda u + c \implies
          u(t) = \Lambda^{-1}e^{-\frac{t}{K\tau}\Lambda+C}\mathbf{1} + \Lambda^{-1}c,

"where C is a constant diagonal matrix that defines the initial condition".  These lines
claim to solve the ODE (10) *as written*, so they are checked against it: the closed form is
substituted into the ODE with SymPy (one mode), and compared with scipy trajectories of (10)
from random initial conditions (the flow of (10) is not the model's true flow -- see
``gdln.flow.eq10`` -- but that is (10)'s error, not (13)'s).

Matching the initial condition needs :math:`e^{C}\mathbf{1} = \Lambda u(0) - c`.  With C
real this is possible only where every entry of :math:`\Lambda u(0) - c` is positive; the
lines (13)-(15) are checked in the reading that allows a complex C (any nonzero entries),
and the real reading is its own entry, ``gdln.ode.real_C``.  A zero eigenvalue
(``gdln.ode.zero_eigenvalue``) makes :math:`\Lambda^{-1}` undefined.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from numerics.models import gdln as gd
from numerics.domain import solve_covariance

from derivations.api import Chain, Correction, claim, eq, incomplete, quote
from .common import DATA, MODEL, Network, initial_weights, network, with_family
from derivations.topics._notes import N000, N001

TIME_FRACTIONS = np.array([0.0, 0.5, 2.0, 8.0])  # evaluation times, in units of K tau

ode_params = {
    **with_family("halfspace", "bump", "exclusive"),
    "tau": st.floats(0.25, 4.0),
    "init_scale": st.floats(0.0, 2.0),
}
ODE_ASSUMPTIONS = DATA + (
    "the ODE is (10) as written, K tau dw/dt = b - A w, with A, b of the network at the point",
    "w(0) = s N(0, I) with s = init_scale (s = 0 starts at w = 0); trajectories compared at t = (0, 0.5, 2, 8) K tau",
    "A = P Lambda P^T by numpy eigh; u = P^T w, c = P^T b",
)
READING_COMPLEX_C = (
    "reading: C is a constant diagonal matrix, complex entries allowed, chosen so that the line holds at t = 0 "
    "(e^C 1 = Lambda u(0) - c); the real reading is gdln.ode.real_C",
)


# --------------------------------------------------------------------------- the note's formulas
def times(p) -> np.ndarray:
    return TIME_FRACTIONS * network(p).K * p.tau


def eigen(net: Network, invertible: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(Lambda, P) of A; (13)-(15) divide by Lambda, so a singular A is outside their domain."""
    if invertible:
        net.require_invertible_A()
    lam, vecs = np.linalg.eigh(net.A)
    return lam, vecs


def matching_exponent(lam: np.ndarray, u0: np.ndarray, c: np.ndarray, real: bool) -> np.ndarray:
    r"""The diagonal of C fixed by the initial condition, :math:`e^{C_{ii}} = \lambda_i u_i(0) - c_i`
    (log of a negative number: nan when C must be real, :math:`\log|a| + i\pi` when complex is allowed)."""
    a = lam * u0 - c
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(a) if real else np.log(a.astype(complex))


def note_modes(lam: np.ndarray, c: np.ndarray, diag_c: np.ndarray, ts: np.ndarray, scale: float) -> np.ndarray:
    r"""(13): :math:`u(t) = \Lambda^{-1} e^{-\frac{t}{K\tau}\Lambda + C}\mathbf 1 + \Lambda^{-1} c` at each t, shape (T, dim).
    The matrix exponential of a diagonal matrix is the entrywise exponential of its diagonal."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        expo = np.exp(-np.outer(ts, lam) / scale + diag_c[None, :])
        u = expo / lam[None, :] + (c / lam)[None, :]
    return _real(u)


def _real(u: np.ndarray) -> np.ndarray:
    if np.iscomplexobj(u):
        if np.all(np.isfinite(u)) and np.max(np.abs(u.imag)) > 1e-9 * max(np.max(np.abs(u.real)), 1.0):
            raise ValueError("the closed form came out complex")  # cannot happen for real data: a bug
        return u.real
    return u


def eq13(p, real_c: bool = False) -> np.ndarray:
    net = network(p)
    lam, vecs = eigen(net)
    u0 = vecs.T @ initial_weights(p, net.A.shape[0])
    c = vecs.T @ net.b
    return note_modes(lam, c, matching_exponent(lam, u0, c, real_c), times(p), net.K * p.tau)


def eq14(p) -> np.ndarray:
    r"""(14): :math:`w(t) = P\Lambda^{-1}e^{\dots}\mathbf 1 + P\Lambda^{-1}c`."""
    net = network(p)
    lam, vecs = eigen(net)
    u0 = vecs.T @ initial_weights(p, net.A.shape[0])
    c = vecs.T @ net.b
    diag_c = matching_exponent(lam, u0, c, real=False)
    ts = times(p)
    transient = np.exp(-np.outer(ts, lam) / (net.K * p.tau) + diag_c[None, :])
    return _real((vecs @ (transient / lam[None, :]).T).T + vecs @ (c / lam))


def eq15(p) -> np.ndarray:
    r"""(15): :math:`w(t) = A^{-1}Pe^{\dots}\mathbf 1 + A^{-1}b` (A inverted by numpy solve)."""
    net = network(p)
    lam, vecs = eigen(net)
    u0 = vecs.T @ initial_weights(p, net.A.shape[0])
    c = vecs.T @ net.b
    diag_c = matching_exponent(lam, u0, c, real=False)
    transient = np.exp(-np.outer(times(p), lam) / (net.K * p.tau) + diag_c[None, :])
    pe = vecs @ transient.T  # columns: P e^{...} 1 at each time
    return _real(solve_covariance(net.A, pe, "A").T + solve_covariance(net.A, net.b, "A")[None, :])


# --------------------------------------------------------------------------- references: scipy
def mode_trajectory(p):
    r"""scipy trajectory of :math:`K\tau \dot u = -\Lambda u + c` (the left side of (13)) from :math:`u(0) = P^\top w(0)`."""
    net = network(p)
    lam, vecs = eigen(net)
    u0 = vecs.T @ initial_weights(p, net.A.shape[0])
    return gd.linear_flow(np.diag(lam), vecs.T @ net.b, net.K * p.tau, u0, times(p))


def weight_trajectory(p):
    r"""scipy trajectory of (10) as written, :math:`K\tau \dot w = b - Aw`, from w(0)."""
    net = network(p)
    return gd.linear_flow(net.A, net.b, net.K * p.tau, initial_weights(p, net.A.shape[0]), times(p))


# --------------------------------------------------------------------------- corrected closed forms
def true_modes(p) -> np.ndarray:
    r"""Derived from :math:`\tau\dot w = -\nabla L = \frac1K b - \frac1{K^2} A w`: mode by mode
    :math:`u(t) = K\Lambda^{-1}c + e^{-\frac{t}{K^2\tau}\Lambda}(u(0) - K\Lambda^{-1}c)` (any u(0))."""
    net = network(p)
    lam, vecs = eigen(net)
    u0 = vecs.T @ initial_weights(p, net.A.shape[0])
    rest = net.K * (vecs.T @ net.b) / lam
    return rest + np.exp(-np.outer(times(p), lam) / (net.K**2 * p.tau)) * (u0 - rest)


def true_weights(p) -> np.ndarray:
    r""":math:`w(t) = P u(t) = K A^{-1} b + P e^{-\frac{t}{K^2\tau}\Lambda}P^\top(w(0) - K A^{-1}b)`."""
    return (eigen(network(p))[1] @ true_modes(p).T).T


CORRECTED_13 = Correction(
    latex=r"u(t) = K\Lambda^{-1}c + e^{-\frac{t}{K^2\tau}\Lambda}\left(u(0) - K\Lambda^{-1}c\right)",
    claimed=true_modes,
    remark="the solution of the corrected flow K tau du/dt = -(1/K) Lambda u + c: limit K Lambda^-1 c, rates lambda_i/(K^2 tau)",
)
CORRECTED_14 = Correction(
    latex=r"w(t) = K A^{-1}b + P e^{-\frac{t}{K^2\tau}\Lambda} P^\top\left(w(0) - K A^{-1}b\right)",
    claimed=true_weights,
    remark="w = P u with the corrected (13); the limit is K A^-1 b",
)


# --------------------------------------------------------------------------- references: the true flow
def true_weight_path(p):
    r"""w(t) of the model's true gradient flow :math:`\tau\dot w = -\nabla L(w)` (central differences of the
    loss, integrated by scipy) from the same w(0), at the same times: what the weights actually do."""
    net = network(p)
    return net.true_trajectory(p.tau, initial_weights(p, net.A.shape[0]), times(p))


def rotate(est, vecs: np.ndarray):
    r""":math:`P^\top w` row by row, with the error bound carried through :math:`|P|^\top`."""
    return gd.Estimate(np.asarray(est.value) @ vecs, est.method,
                       np.broadcast_to(np.abs(est.abs_error), np.shape(est.value)) @ np.abs(vecs), None, est.samples, est.detail)


def true_mode_path(p):
    r""":math:`u(t) = P^\top w(t)` on the true gradient flow (P from A = P Lambda P^T, as the note defines u)."""
    return rotate(true_weight_path(p), eigen(network(p))[1])


def with_rounding(p, value: np.ndarray) -> gd.Estimate:
    r"""A closed form of (13)-(15) evaluated in double precision, with its rounding bound
    :math:`10\,\kappa(A)\,\epsilon\,\max(|w|, |\Lambda^{-1}c|)`: the terms :math:`\Lambda^{-1}c` and the
    transient nearly cancel at small t, and dividing by :math:`\Lambda` (or solving with A) loses
    :math:`\log_{10}\kappa(A)` digits, so the tolerance follows the path, not the unit roundoff."""
    net = network(p)
    lam, vecs = eigen(net)
    kappa = float(lam[-1] / lam[0])
    scale = max(float(np.max(np.abs(value))), float(np.max(np.abs((vecs.T @ net.b) / lam))))
    return gd.Estimate(np.asarray(value), "exact", np.full(np.shape(value), 10 * kappa * gd.EPS * scale),
                       detail=f"closed form in double precision, condition number of A {kappa:.3g}")


# =========================================================================== the step to u
def diagonalised_rhs(p) -> np.ndarray:
    net = network(p)
    lam, vecs = eigen(net, invertible=False)
    u = vecs.T @ net.w
    return -lam * u + vecs.T @ net.b


def true_diagonal_rate(p):
    r""":math:`K\tau\,\dot u = K P^\top(-\nabla L(w))` at the network's weights, the gradient by central differences."""
    net = network(p)
    return rotate(gd.part(net.fd_flow(), None, float(net.K), (-1,)), eigen(net, invertible=False)[1])


claim(
    "gdln.ode.diagonalised",
    sources=[eq(N000, "13"), eq(N001, "54")],
    latex=r"K\tau \frac{d}{dt}u = -\Lambda u + c",
    params=with_family("halfspace", "bump", "exclusive", "redundant"),
    assumptions=DATA + MODEL + ("u = P^T w, c = P^T b; the truth is K tau du/dt = K P^T (-grad L) of the model",),
    claimed=diagonalised_rhs,
    reference=true_diagonal_rate,
    method="exact",
    after="gdln.flow.eq10",
    previous_form=lambda p: (lambda net: eigen(net, invertible=False)[1].T @ (net.b - net.A @ net.w))(network(p)),
    corrected=Correction(
        latex=r"K\tau \frac{d}{dt}u = -\frac{1}{K}\Lambda u + c",
        claimed=lambda p: (lambda net, lv: -lv[0] * (lv[1].T @ net.w) / net.K + lv[1].T @ net.b)(network(p), eigen(network(p))),
        remark="the rotation by P^T of the corrected flow (7)/(10): the A term carries 1/K^2, the b term 1/K",
    ),
    remark="'follows': rotating (10) by P^T gives this diagonal system; its truth is the model's flow.",
)

# =========================================================================== one mode, symbolically
t_, K_, tau_, lam_, C_, c_ = sp.symbols("t K tau lam C c", positive=True)
c_ = sp.Symbol("c", real=True)
C_ = sp.Symbol("C", real=True)
mode_13 = sp.exp(-t_ / (K_ * tau_) * lam_ + C_) / lam_ + c_ / lam_

claim(
    "gdln.ode.eq13.substitution",
    sources=[eq(N000, "13"), eq(N001, "54")],
    latex=r"u(t) = \Lambda^{-1}e^{-\frac{t}{K\tau}\Lambda+C}\mathbf{1} + \Lambda^{-1}c",
    params={"t": st.floats(0.0, 10.0), "K": st.integers(1, 4), "tau": st.floats(0.25, 4.0),
            "lam": st.floats(0.01, 5.0), "C": st.floats(-3.0, 3.0), "c": st.floats(-3.0, 3.0)},
    assumptions=("one mode i of the diagonal system: lam = Lambda_ii > 0, C = C_ii, c = c_i",
                 "checked by substitution: K tau du/dt (SymPy derivative) against -lam u + c"),
    claimed=K_ * tau_ * sp.diff(mode_13, t_),
    reference=-lam_ * mode_13 + c_,
    remark="Substitution shows (13) solves the ODE for every C; which initial conditions it reaches is gdln.ode.real_C.",
)

# =========================================================================== (13)-(15): trajectories
ode = Chain("gdln.ode", note=N000, params=ode_params, assumptions=ODE_ASSUMPTIONS + READING_COMPLEX_C)
ode.step(
    "13",
    latex=(r"K\tau \frac{d}{dt}u = -\Lambda u + c \implies u(t) = \Lambda^{-1}e^{-\frac{t}{K\tau}\Lambda+C}\mathbf{1} "
           r"+ \Lambda^{-1}c,"),
    also=[eq(N001, "54")],
    claimed=lambda p: with_rounding(p, eq13(p)),
    reference=true_mode_path,
    after="gdln.flow.eq10",
    previous_form=mode_trajectory,
    corrected=CORRECTED_13,
    remark="Truth: u = P^T w on the model's true gradient flow (central differences of the loss, integrated); "
           "'follows': scipy integration of the left half of (13), i.e. of (10) as written, from u(0) = P^T w(0).",
)
ode.step(
    "14",
    latex=r"w(t) = P\Lambda^{-1}e^{-\frac{t}{K\tau}\Lambda+C}\mathbf{1} + P\Lambda^{-1}c",
    also=[eq(N001, "55")],
    claimed=lambda p: with_rounding(p, eq14(p)),
    reference=true_weight_path,
    previous_form=lambda p: with_rounding(p, (eigen(network(p))[1] @ eq13(p).T).T),
    corrected=CORRECTED_14,
    remark="Truth: the model's true gradient flow in w; follows from (13) by w = P u.",
)
ode.step(
    "15",
    latex=r"= A^{-1}Pe^{-\frac{t}{K\tau}\Lambda+C}\mathbf{1} + A^{-1}b.",
    also=[eq(N001, "56")],
    claimed=lambda p: with_rounding(p, eq15(p)),
    reference=true_weight_path,
    corrected=CORRECTED_14,
)


# =========================================================================== C real?
def real_c_story(p, claimed, truth) -> str | None:
    net = network(p)
    lam, vecs = eigen(net)
    a = lam * (vecs.T @ initial_weights(p, net.A.shape[0])) - vecs.T @ net.b
    bad = np.flatnonzero(a <= 0)
    if bad.size:
        return (
            f"e^C 1 must equal Lambda u(0) - c to match the initial condition, but {bad.size} of its {a.size} entries "
            f"are <= 0 here (e.g. entry {bad[0]}: {a[bad[0]]:.4g}); no real C gives a nonpositive e^(C_ii). "
            "Every initial condition is reached if e^C 1 is replaced by the free vector Lambda u(0) - c "
            "(equivalently C complex, C_ii = log|a_i| + i pi where a_i < 0)"
        )
    return None


def general_modes(p) -> np.ndarray:
    r"""Corrected (13): :math:`u(t) = \Lambda^{-1}c + e^{-\frac{t}{K\tau}\Lambda}(u(0) - \Lambda^{-1}c)` (any u(0))."""
    net = network(p)
    lam, vecs = eigen(net)
    u0 = vecs.T @ initial_weights(p, net.A.shape[0])
    c = vecs.T @ net.b
    return c / lam + np.exp(-np.outer(times(p), lam) / (net.K * p.tau)) * (u0 - c / lam)


REAL_C_QUOTES = [
    quote(N000, "where C is a constant diagonal matrix that defines the initial condition"),
    quote(N001, "where C is a constant diagonal matrix that defines the initial condition"),
    quote(N001, "where C is some constant diagonal matrix that defines the initial condition"),
]
claim(
    "gdln.ode.real_C",
    sources=[eq(N000, "13"), *REAL_C_QUOTES],
    latex=(r"u(t) = \Lambda^{-1}e^{-\frac{t}{K\tau}\Lambda+C}\mathbf{1} + \Lambda^{-1}c, \quad C \in "
           r"\mathbb{R}^{Kn \times Kn} \text{ diagonal, fixed by } u(0)"),
    params=ode_params,
    assumptions=ODE_ASSUMPTIONS + ("reading: C real (the notes work with real matrices); where no real C matches "
                                   "u(0) the claimed trajectory is undefined (nan)",),
    claimed=lambda p: eq13(p, real_c=True),
    reference=mode_trajectory,
    role="prose",
    diagnose=real_c_story,
    corrected=Correction(
        latex=r"u(t) = \Lambda^{-1}c + e^{-\frac{t}{K\tau}\Lambda}\left(u(0) - \Lambda^{-1}c\right)",
        claimed=general_modes,
        remark="e^C 1 replaced by the vector Lambda u(0) - c, which may have entries of either sign",
    ),
)


# =========================================================================== a zero eigenvalue
def redundant_eigen(net: Network) -> tuple[np.ndarray, np.ndarray]:
    r"""The exact eigen-decomposition of :math:`A = \begin{pmatrix}1&1\\1&1\end{pmatrix}\otimes A_{11}` for
    K = 2 identical gates: :math:`\Lambda = \operatorname{diag}(2\Lambda_{11}, 0)`,
    :math:`P = \frac{1}{\sqrt2}\begin{pmatrix}V&V\\V&-V\end{pmatrix}` (the zero eigenvalues exactly 0)."""
    lam11, v = np.linalg.eigh(net.sigma_xx(0, 0))
    vecs = np.block([[v, v], [v, -v]]) / np.sqrt(2.0)
    return np.concatenate([2 * lam11, np.zeros_like(lam11)]), vecs


def redundant_network(p) -> Network:
    return network(p, "redundant", K=2)


def zero_eigen_eq14(p) -> np.ndarray:
    r"""(14) as written with the exact spectrum (zeros included): :math:`\Lambda^{-1}` divides by 0."""
    net = redundant_network(p)
    lam, vecs = redundant_eigen(net)
    u0 = vecs.T @ initial_weights(p, 2 * net.n)
    c = vecs.T @ net.b
    diag_c = matching_exponent(lam, u0, c, real=False)
    u = note_modes(lam, c, diag_c, TIME_FRACTIONS * 2 * p.tau, 2 * p.tau)
    return (vecs @ u.T).T


def zero_eigen_ode(p):
    """scipy trajectory of (10) as written for K = 2 identical gates."""
    net = redundant_network(p)
    return gd.linear_flow(net.A, net.b, 2 * p.tau, initial_weights(p, 2 * net.n), TIME_FRACTIONS * 2 * p.tau)


def zero_eigen_reference(p):
    """The model's true gradient flow for K = 2 identical gates (central differences of the loss, integrated)."""
    net = redundant_network(p)
    return net.true_trajectory(p.tau, initial_weights(p, 2 * net.n), TIME_FRACTIONS * 2 * p.tau)


def zero_eigen_corrected(p) -> np.ndarray:
    r"""Mode by mode on the true flow :math:`\tau\dot u = c/K - \Lambda u/K^2` (K = 2):
    :math:`u_i(t) = Kc_i/\lambda_i + (u_i(0) - Kc_i/\lambda_i)e^{-\lambda_i t/(K^2\tau)}` for
    :math:`\lambda_i > 0` and :math:`u_i(t) = u_i(0) + c_i t/(K\tau)` for :math:`\lambda_i = 0`."""
    net = redundant_network(p)
    lam, vecs = redundant_eigen(net)
    u0 = vecs.T @ initial_weights(p, 2 * net.n)
    c = vecs.T @ net.b
    ts = TIME_FRACTIONS * 2 * p.tau
    zero = lam == 0
    safe = np.where(zero, 1.0, lam)
    decaying = 2 * c / safe + (u0 - 2 * c / safe) * np.exp(-np.outer(ts, lam) / (4 * p.tau))
    linear = u0 + np.outer(ts, c) / (2 * p.tau)
    return (vecs @ np.where(zero[None, :], linear, decaying).T).T


def zero_eigen_story(p, claimed, truth) -> str | None:
    net = redundant_network(p)
    lam, vecs = redundant_eigen(net)
    c = vecs.T @ net.b
    zero = lam == 0
    return (
        f"A has {int(zero.sum())} zero eigenvalues (identical gates g_1 = g_2: null vectors (v, -v)/sqrt 2); "
        f"Lambda^-1 in (13)-(15) divides by 0. Along a null vector v, v^T xtilde = 0 for every sample, so "
        f"c_i = v^T b = 0 (here max |c_i| = {np.max(np.abs(c[zero])):.1e}) and the mode is frozen, u_i(t) = u_i(0) "
        "(this is 'w_1 - w_2 is constant'); the limit is w(inf) = A^+ b + (I - A^+ A) w(0), not A^-1 b"
    )


incomplete(
    "gdln.ode.zero_eigenvalue.question",
    sources=[quote(N000, "What happens if an eigenvalue is zero?")],
    latex=r"\lambda_i = 0\,?",
    remark="The note asks the question and leaves it open; gdln.ode.zero_eigenvalue evaluates the closed form there "
           "(a boundary case) and gives the computed answer as its corrected form.",
)
claim(
    "gdln.ode.zero_eigenvalue",
    sources=[quote(N000, "What happens if an eigenvalue is zero?"), eq(N000, "14"), eq(N001, "55")],
    latex=r"w(t) = P\Lambda^{-1}e^{-\frac{t}{K\tau}\Lambda+C}\mathbf{1} + P\Lambda^{-1}c, \quad \lambda_i = 0",
    params={k: v for k, v in ode_params.items() if k not in ("family", "K")},
    assumptions=DATA + (
        "K = 2 identical half-space gates (g_1 = g_2), the simplest gating with zero eigenvalues of A "
        "(A = [[1, 1], [1, 1]] (x) A_11: its spectrum diag(2 Lambda_11, 0) is built exactly)",
        "truth: the model's true gradient flow; C matched to w(0) as in gdln.ode (complex allowed)",
    ),
    role="domain",
    claimed=zero_eigen_eq14,
    reference=zero_eigen_reference,
    diagnose=zero_eigen_story,
    corrected=Correction(
        latex=(r"u_i(t) = \frac{Kc_i}{\lambda_i} + \left(u_i(0) - \frac{Kc_i}{\lambda_i}\right)e^{-\frac{\lambda_i t}{K^2\tau}}"
               r" \ (\lambda_i > 0), \qquad u_i(t) = u_i(0) + \frac{c_i t}{K\tau} \ (\lambda_i = 0)"),
        claimed=zero_eigen_corrected,
        remark="mode by mode; for a zero eigenvalue of A = <xtilde xtilde^T> also c_i = 0, so u_i stays at u_i(0)",
    ),
    remark="The note asks the question; this entry evaluates the note's closed form where an eigenvalue is 0 "
           "and gives the computed answer as its corrected form.",
)


# =========================================================================== which modes decay slowest
def decay_rates_claimed(p) -> np.ndarray:
    r"""The rate of mode i read off (13): :math:`\lambda_i/(K\tau)` (smallest eigenvalue, slowest decay)."""
    net = network(p)
    return eigen(net)[0] / (net.K * p.tau)


def measured_decay_rates(p, true_flow: bool = False):
    r"""Rates measured on a scipy trajectory of (10) (``true_flow``: of the model's true gradient flow): with :math:`e_i(t) = v_i^\top(w(t) - w(\infty))`,
    :math:`r_i = \log(|e_i(0)|/|e_i(t_1)|)/t_1` at :math:`t_1 = K\tau/\lambda_{\max}`; :math:`w(\infty)` from the
    exact long-time flow map.  The integration error is propagated to the rates."""
    net = network(p)
    lam, vecs = eigen(net)
    scale = net.K * p.tau
    w0 = initial_weights(p, net.A.shape[0])
    t1 = scale / lam[-1]
    if true_flow:
        t1 = net.K * t1  # one time constant of the fastest true mode, K^2 tau / lambda_max
        path = net.true_trajectory(p.tau, w0, np.array([0.0, t1]))
        limit = net.true_limit(p.tau, w0)
    else:
        path = gd.linear_flow(net.A, net.b, scale, w0, np.array([0.0, t1]))
        limit = gd.flow_limit(net.A, net.b, scale, w0)
    e = (path.value - limit.value[None, :]) @ vecs
    err = (path.abs_error + limit.abs_error[None, :]).sum(axis=1, keepdims=True) * np.ones_like(e)
    rates = np.log(np.abs(e[0]) / np.abs(e[1])) / t1
    rate_err = (err[0] / np.abs(e[0]) + err[1] / np.abs(e[1])) / t1
    return gd.Estimate(rates, "ode", rate_err, detail=path.detail)


claim(
    "gdln.ode.decay_rates",
    sources=[quote(N001, "We wish to see which gating structures yield solutions with the smallest eigenvalues, "
                         "since they will decay the slowest.")],
    latex=r"v_i^\top (w(t) - w(\infty)) \propto e^{-\frac{\lambda_i t}{K\tau}}",
    params={**ode_params, "init_scale": st.floats(0.5, 2.0)},
    assumptions=ODE_ASSUMPTIONS[:-1] + (
        "reading: along eigenvector v_i of A the distance to the limit decays at rate lambda_i/(K tau) (as (13) gives), "
        "so the smallest eigenvalues decay the slowest; rates measured over one time constant of the fastest mode",
    ),
    claimed=decay_rates_claimed,
    reference=lambda p: measured_decay_rates(p, true_flow=True),
    after="gdln.flow.eq10",
    previous_form=measured_decay_rates,
    corrected=Correction(
        latex=r"v_i^\top (w(t) - w(\infty)) \propto e^{-\frac{\lambda_i t}{K^2\tau}}",
        claimed=lambda p: decay_rates_claimed(p) / network(p).K,
        remark="the true flow has rates lambda_i/(K^2 tau): the same ordering, so the smallest eigenvalues still decay slowest",
    ),
    remark="Truth: rates measured on the model's true gradient flow; 'follows': measured on (10) as written.",
    role="unstated",
)


def relative_rates(p):
    r"""Measured true-flow rates relative to the fastest mode's, :math:`r_i / r_{\max}` (errors propagated)."""
    est = measured_decay_rates(p, true_flow=True)
    r = np.asarray(est.value)
    err = np.asarray(est.abs_error)
    return gd.Estimate(r / r[-1], "ode", err / abs(r[-1]) + np.abs(r) * err[-1] / r[-1] ** 2, detail=est.detail)


claim(
    "gdln.ode.decay_order",
    sources=[quote(N001, "We wish to see which gating structures yield solutions with the smallest eigenvalues, "
                         "since they will decay the slowest.")],
    latex=r"\text{rate}_i \propto \lambda_i \quad (\text{smallest eigenvalues decay the slowest})",
    # half-space and bump gates: an exclusive cone left empty by the sample would give a zero eigenvalue (a
    # boundary case, gdln.ode.zero_eigenvalue), for which there is no single limit to measure the decay against
    # (and with K > n half-spaces the gated inputs can be linearly dependent): K <= 2 <= n keeps A invertible
    params={**with_family("halfspace", "bump"), "K": st.integers(1, 2), "tau": st.floats(0.25, 4.0),
            "init_scale": st.floats(0.5, 2.0)},
    assumptions=DATA + MODEL + (
        "reading (the sentence's content): along eigenvector v_i of A the distance to the limit decays at a rate "
        "proportional to lambda_i, so smaller eigenvalues decay slower; compared as rate_i / rate_max = lambda_i / lambda_max, "
        "the rates measured on the model's true gradient flow",
    ),
    claimed=lambda p: (lambda lam: lam / lam[-1])(eigen(network(p))[0]),
    reference=relative_rates,
    remark="Scale-free: the ordering holds for the true flow too, whose rates are lambda_i/(K^2 tau).",
)
