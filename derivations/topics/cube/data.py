r"""Signals on the hypercube, the data model: note 003 section 3, eq. (7) and the prose around it.

.. math::

    p_\xi(x) = \operatorname{Law}(X), \quad X_i = \frac{1}{\sqrt{\mathcal Z(g)}}\operatorname{erf}(gZ_i),
    \quad Z \sim \mathcal N(0, \Sigma(\xi)).

The note then says: :math:`\operatorname{Cov}(X) \ne \Sigma(\xi)` "but it's pretty close"; as
:math:`g \to 0`, :math:`X \to Z` in distribution; as :math:`g \to \infty`, :math:`X` becomes supported on
the vertices of :math:`\{\pm 1\}^n` (note 001 says the same: :math:`X_i \to \operatorname{sign}(Z_i)`).

Checks:

* the two limits as :math:`L^2` limits under the natural coupling :math:`X = h_g(Z)` (which implies
  convergence in distribution, and for :math:`g\to\infty` that the mass concentrates on the vertices):
  :math:`\mathbb E[(X_1 - Z_1)^2] \to 0` and :math:`\mathbb E[(X_1 - \operatorname{sign} Z_1)^2] \to 0`, each
  computed by 1-D quadrature of the defining integral at a sequence of gains and extrapolated to the limit;
* the covariance of the cube data, :math:`\frac{2}{\pi}\arcsin\rho`, by 1-D quadrature (it gives meaning to
  the "covariance" reading of :math:`\Sigma` in (8)-(12));
* "pretty close", as an approximation claim with a stated tolerance, over the gains the section uses.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import erf

from numerics.models import datamodels as dm
from numerics.estimate import Estimate
from numerics.limits import extrapolate_to_zero

from derivations.api import Tolerances, claim, definition, eq, quote
from .common import approximately
from derivations.topics._notes import N001, N003

rho = sp.Symbol("rho", real=True)

definition(
    "cube.data.eq7",
    sources=[eq(N003, "7")],
    latex=(
        r"p_\xi(x) = \text{Law}(X), \quad X_i = \frac{1}{\sqrt{\mathcal{Z}(g)}} \text{erf}(gZ_i), "
        r"\quad X \sim \mathcal{N}(0, \Sigma(\xi)),"
    ),
    assumptions=(
        "the last clause is read as Z ~ N(0, Sigma(xi)) (the note writes X; X itself is not Gaussian)",
        "Z(g) = Var erf(g Z_1), so Var X_i = 1 (checked as nlgp.normaliser); Sigma(xi) with the plain distance of 003 (2)",
    ),
    remark="The NLGP data model of section 3; the same law as note 001 (with Z(g) there the standard deviation).",
)


# --------------------------------------------------------------------------- the two limits
def _half_line_expectation(integrand, knees: list[float]) -> tuple[float, float]:
    r""":math:`2\int_0^\infty h(z)\varphi(z)\,dz` for an even integrand, split at the given knees (QUADPACK)."""
    pts = [0.0] + sorted(k for k in knees if k > 0) + [np.inf]
    total, error = 0.0, 0.0
    for a, b in zip(pts[:-1], pts[1:]):
        v, e = quad(lambda z: 2.0 * integrand(z) * np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi), a, b,
                    epsabs=1e-16, epsrel=1e-13, limit=200)
        total, error = total + v, error + e
    return total, error + 1e-16


def gaussian_gap(g: float) -> tuple[float, float]:
    r""":math:`\mathbb E[(X_1 - Z_1)^2]` with :math:`X_1 = \operatorname{erf}(gZ_1)/\sqrt{\mathcal Z(g)}`, by quadrature."""
    scale = np.sqrt(dm.erf_variance(g))
    return _half_line_expectation(lambda z: (erf(g * z) / scale - z) ** 2, [1.0, 4.0])


def cube_gap(s: float) -> tuple[float, float]:
    r""":math:`\mathbb E[(X_1 - \operatorname{sign} Z_1)^2]` at gain :math:`g = 1/s`, by quadrature."""
    g = 1.0 / s
    scale = np.sqrt(dm.erf_variance(g))
    return _half_line_expectation(lambda z: (erf(g * z) / scale - 1.0) ** 2, [1.0 / g, 4.0 / g, 1.0])


claim(
    "cube.limit.gaussian",
    sources=[quote(N003, "as $g \\rightarrow 0$, $X \\xrightarrow{d} Z$, i.e. the data is approximately Gaussian")],
    latex=r"X \xrightarrow{d} Z \quad \text{as } g \rightarrow 0",
    params={},
    assumptions=(
        "coupling X_i = erf(g Z_i)/sqrt(Z(g)) with the latent Z itself; coordinates have the same law, so "
        "E|X - Z|^2 = n E[(X_1 - Z_1)^2] and L^2 convergence implies convergence in distribution",
        "checked as lim_{g -> 0} E[(X_1 - Z_1)^2] = 0; the quantity is even and analytic in g, so it is "
        "extrapolated in g^2 from g = 0.4, 0.2, ..., 0.025",
    ),
    claimed=sp.Integer(0),
    reference=lambda p: extrapolate_to_zero(gaussian_gap, 0.4, levels=5, power=2.0,
                                            detail="q(g) = E[(erf(gZ)/sqrt(Z(g)) - Z)^2] by QUADPACK"),
    tolerances=Tolerances(scale=1.0),
    remark="The natural size of the quantity is E[Z_1^2] = 1; the limit is resolved far below that.",
)

claim(
    "cube.limit.hypercube",
    sources=[
        quote(N003, "as $g \\rightarrow \\infty$, X becomes supported on the vertices of the hypercube $\\{\\pm 1\\}^n$"),
        quote(N001, "As  $g \\rightarrow \\infty$ ,  $X_i(Z) \\xrightarrow{d} \\text{sign}(Z_i)$"),
    ],
    latex=r"X_i(Z) \xrightarrow{d} \text{sign}(Z_i) \quad \text{as } g \rightarrow \infty",
    params={},
    assumptions=(
        "coupling X_i = erf(g Z_i)/sqrt(Z(g)) with sign(Z_i); E|X - sign Z|^2 -> 0 implies convergence in "
        "distribution and that P(dist(X, {+-1}^n) > eps) -> 0 for every eps (Markov)",
        "checked as lim_{g -> infinity} E[(X_1 - sign Z_1)^2] = 0, extrapolated in s = 1/g from g = 2, 4, ..., 32",
        "note 001 normalises by the standard deviation and (36) uses erf(gZ) unnormalised; Z(g) -> 1, so the limit is the same",
    ),
    claimed=sp.Integer(0),
    reference=lambda p: extrapolate_to_zero(cube_gap, 0.5, levels=5, power=1.0,
                                            detail="q(1/g) = E[(erf(gZ)/sqrt(Z(g)) - sign Z)^2] by QUADPACK"),
    tolerances=Tolerances(scale=1.0),
    remark="The natural size of the quantity is E[sign(Z_1)^2] = 1; the limit is resolved far below that.",
)


# --------------------------------------------------------------------------- covariances
def sign_correlation(p) -> Estimate:
    r""":math:`\mathbb E[\operatorname{sign}U\operatorname{sign}V] = \mathbb E[\operatorname{sign}(U)\,\mathbb E[\operatorname{sign}V \mid U]]`
    with :math:`\mathbb E[\operatorname{sign}V\mid U=u] = \operatorname{erf}(\rho u/\sqrt{2(1-\rho^2)})`, by 1-D
    quadrature (QUADPACK) on the half line u > 0, the integrand being even (no arcsine formula used)."""
    r = float(p.rho)
    c = r / np.sqrt(2 * (1 - r * r))
    value, error = _half_line_expectation(lambda u: erf(c * u), [1.0, 4.0])
    return Estimate(np.asarray(value), "quadrature", np.asarray(error), detail="QUADPACK on [0, inf) split at 1, 4")


claim(
    "cube.sign_covariance",
    sources=[quote(N003, "X becomes supported on the vertices of the hypercube $\\{\\pm 1\\}^n$")],
    latex=r"\text{Cov}(\text{sign}(Z_i), \text{sign}(Z_j)) = \frac{2}{\pi} \sin^{-1}(\Sigma(\xi)_{ij})",
    params={"rho": st.floats(-0.99, 0.99)},
    assumptions=("(Z_i, Z_j) standard bivariate normal with correlation rho = Sigma(xi)_ij",),
    claimed=2 / sp.pi * sp.asin(rho),
    reference=sign_correlation,
    remark=(
        "Not written in the notes: the covariance of the cube data (arcsine law), supplied by derivcheck because "
        "the 'covariance' reading of Sigma in 003 (8)-(12) uses it."
    ),
)


def nlgp_correlation(p) -> Estimate:
    r""":math:`\operatorname{Cov}(X_i, X_j) = \mathbb E[\operatorname{erf}(gU)\operatorname{erf}(gV)]/\mathcal Z(g)` by 1-D quadrature
    (QUADPACK) of :math:`\operatorname{erf}(gu)\,\mathbb E[\operatorname{erf}(gV)\mid U=u]`, the inner Gaussian
    average of erf in closed form, :math:`\operatorname{erf}(g\rho u/\sqrt{1+2g^2(1-\rho^2)})` (checked as
    bump.inner.eq70); :math:`\mathcal Z(g)` by quadrature (datamodels.erf_variance)."""
    g, r = float(p.g), float(p.rho)
    a = g * r / np.sqrt(1.0 + 2.0 * g * g * (1.0 - r * r))
    num, err = _half_line_expectation(lambda u: erf(g * u) * erf(a * u), [1.0 / g, 4.0 / g, 1.0])
    zc = dm.erf_variance(g)
    return Estimate(np.asarray(num / zc), "quadrature", np.asarray(err / zc + 1e-15),
                    detail="QUADPACK on [0, inf) split at 1/g, 4/g, 1, the inner expectation in closed form")


def _largest_gap(g: float) -> tuple[float, float]:
    r"""max over rho in [0, 1] of |Cov(X)(rho) - rho| at gain g (g = inf: the arcsine law), and where."""
    grid = np.linspace(0.0, 1.0, 2001)
    if np.isinf(g):
        cov = 2 / np.pi * np.arcsin(grid)
    else:
        k = 2 * g * g / (1 + 2 * g * g)
        cov = np.arcsin(k * grid) / np.arcsin(k)
    gap = np.abs(cov - grid)
    return float(gap.max()), float(grid[gap.argmax()])


def _closeness_story(p, claimed, truth) -> str:
    rows = ", ".join(f"g = {g:g}: {_largest_gap(g)[0]:.3f} at rho = {_largest_gap(g)[1]:.2f}"
                     for g in (0.25, 0.5, 1.0, 2.0, 5.0, np.inf))
    return (
        f"Cov(X)_ij = {float(truth):.4f} against Sigma(xi)_ij = {float(claimed):.4f} at g = {p.g:.4g}; the largest gap "
        f"over rho in [0, 1] (closed forms of nlgp.covariance and cube.sign_covariance) grows with g: {rows}"
    )


claim(
    "cube.cov_close_to_sigma",
    sources=[quote(N003, "(Note that $\\text{Cov}(X) \\neq \\Sigma(\\xi)$, but it's pretty close.)")],
    latex=r"\text{Cov}(X) \approx \Sigma(\xi)",
    params={"g": st.floats(0.1, 20.0), "rho": st.floats(0.0, 1.0, exclude_max=True)},
    assumptions=(
        "X_i = erf(g Z_i)/sqrt(Z(g)); (Z_i, Z_j) with correlation rho = Sigma(xi)_ij in [0, 1) (the entries of "
        "exp(-(i-j)^2/xi^2) for i != j)",
        "'pretty close' read as: every entry of Cov(X) within 0.1 of Sigma(xi) (entries are correlations, natural size 1)",
        "regime: the gains of section 3, g in [0.1, 20] (the section goes on to the limit g -> infinity)",
    ),
    claimed=lambda p: p.rho,
    reference=nlgp_correlation,
    tolerances=approximately(0.1),
    diagnose=_closeness_story,
    remark="An approximation claim: the measured gap is in the evidence (max discrepancy) and, if refuted, in the diagnosis.",
)
