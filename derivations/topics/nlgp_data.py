r"""The NLGP data model itself: the normaliser and the covariance map.

:math:`X_i = \operatorname{erf}(gZ_i)/\sqrt{\mathcal Z_c(g)}` with
:math:`Z \sim \mathcal N(0, \Sigma(\xi))`.  The notes never write
:math:`\mathcal Z_c(g)` or :math:`\operatorname{Cov}(X)` in closed form;
derivcheck supplies the closed forms and checks them, because other claims
lean on them.  Note the two conventions: note 003 (7) divides by
:math:`\sqrt{\mathcal Z(g)}` (so :math:`\mathcal Z = \operatorname{Var}
\operatorname{erf}(gZ)`), note 001 (68) divides by :math:`\mathcal Z(g)`
(so there :math:`\mathcal Z` must be the standard deviation).
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import sympy as sp
from hypothesis import strategies as st
from scipy.special import erf

from numerics.models.datamodels import erf_variance
from numerics.models.erf_price import erf_product_moment
from numerics.estimate import Estimate
from numerics.quadrature import bivariate_gaussian_expectation

from derivations.api import claim, quote
from derivations.topics._notes import N001, N003


g = sp.Symbol("g", positive=True)
rho = sp.Symbol("rho", real=True)

ZC = 2 / sp.pi * sp.asin(2 * g**2 / (1 + 2 * g**2))

claim(
    "nlgp.normaliser",
    sources=[
        quote(N003, "\\mathcal{Z}(g) is a normalization constant that ensures \\text{Var}(X_i) = 1"),
        quote(N001, "\\mathcal{Z}(g) is the normalization constant that ensures the variance of each coordinate is 1"),
    ],
    latex=r"\mathcal{Z}(g) = \operatorname{Var}[\operatorname{erf}(gZ)] = \frac{2}{\pi}\sin^{-1}\frac{2g^2}{1+2g^2}",
    params={"g": st.floats(0.01, 50.0)},
    assumptions=("Z ~ N(0, 1); convention of note 003 (7): X_i = erf(g Z_i)/sqrt(Z(g))",),
    claimed=ZC,
    reference=lambda p, ctx: ctx.gaussian_expectation(lambda z: mp.erf(p.g * z) ** 2),
    remark=(
        "Not written in the notes: derivcheck supplies the closed form. Note 001 (68) divides by Z(g) itself, "
        "so there Z(g) must be the square root of this quantity."
    ),
)


def erf_correlation(p):
    r""":math:`\mathbb{E}[\operatorname{erf}(gU)\operatorname{erf}(gV)] / \mathbb{E}[\operatorname{erf}(gU)^2]`
    for standard normals with correlation rho: the numerator as a 1-D integral along the correlation
    (Price's theorem, Gauss-Legendre; :func:`numerics.models.erf_price.erf_product_moment`), the
    denominator by 1-D adaptive quadrature (``erf_variance``)."""
    num = erf_product_moment(float(p.g), float(p.rho))
    den = erf_variance(float(p.g))
    value = float(num.value) / den
    err = float(num.abs_error) / den + abs(value) * 1e-12
    return Estimate(np.asarray(value), "quadrature", np.asarray(err), detail=num.detail + "; denominator by QUADPACK")


def erf_correlation_cubature(p):
    r"""The former route of :func:`erf_correlation`: the numerator by 2-D cubature of the bivariate normal density
    (kept for the tests, which compare the two routes)."""
    num = bivariate_gaussian_expectation(lambda u, v: erf(p.g * u) * erf(p.g * v), p.rho, rtol=1e-11)
    den = erf_variance(float(p.g))
    value = float(num.value) / den
    err = float(num.abs_error) / den + abs(value) * 1e-12
    return Estimate(np.asarray(value), "quadrature", np.asarray(err), detail=num.detail + "; denominator by QUADPACK")


claim(
    "nlgp.covariance",
    sources=[quote(N003, "Note that \\text{Cov}(X) \\neq \\Sigma(\\xi), but it's pretty close.")],
    latex=r"\operatorname{Cov}(X_i, X_j) = \frac{\sin^{-1}\left(\frac{2g^2\rho_{ij}}{1+2g^2}\right)}{\sin^{-1}\left(\frac{2g^2}{1+2g^2}\right)}",
    params={"g": st.floats(0.01, 20.0), "rho": st.floats(-0.99, 0.99)},
    assumptions=("(Z_i, Z_j) standard bivariate normal with correlation rho_ij = Sigma(xi)_ij",
                 "X_i = erf(g Z_i)/sqrt(Z(g)) as in note 003 (7)"),
    claimed=sp.asin(2 * g**2 * rho / (1 + 2 * g**2)) / sp.asin(2 * g**2 / (1 + 2 * g**2)),
    reference=erf_correlation,
    latex_symbols={"rho_ij": "rho"},
    remark="Not written in the notes: the covariance of NLGP data as a function of the latent correlation.",
)
