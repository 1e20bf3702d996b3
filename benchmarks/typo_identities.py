r"""True identities from standard references, written as a user would, for the typo-search benchmark.

Each entry: a claimed side (SymPy, the closed form as the reference prints it),
an independent reference (30-digit quadrature of the defining integral or
expectation; never the closed form), and the parameter space.

Sources:

* Owen, D. B. (1980), *A table of normal integrals*, Comm. Statist. B9:
  10,010.8 (E Phi(a+bZ)), 10,011.1 (E Z Phi(a+bZ)), 10,010.1 (E phi(a+bZ)),
  20,010.3 (E Phi(aZ) Phi(bZ)), 111 (E e^{tZ} Phi(aZ));
* Owen, D. B. (1956), Tables for computing bivariate normal probabilities,
  Ann. Math. Statist. 27: T(h, 1) and T(h, a) + T(ah, 1/a);
* Sheppard (1899): the orthant probability P(U > 0, V > 0);
* Cho & Saul (2009): arc-cosine kernels of order 0 and 1;
* Ng & Geller (1969), *A table of integrals of the error functions*: 10,011.1
  (E erf(a+bZ)), 4.3.? (int erf(bx) e^{-a^2x^2}); Williams (1997) for
  E erf(aU) erf(bV); Stein's lemma for E Z erf(aZ);
* DLMF chapter 7: 7.7.1 (int e^{-x^2t^2}/(1+t^2)), 7.14.2 (Laplace
  transform of erf), and the Gaussian integral.
"""

from __future__ import annotations

import derivcheck

derivcheck.activate()  # derivations, numerics and reports are derivcheck's in this process (see its docstring)

from dataclasses import dataclass
from typing import Any, Callable

import mpmath as mp
import sympy as sp
from hypothesis import strategies as st

a, b, h, t, x = sp.symbols("a b h t x", real=True)
rho = sp.Symbol("rho", real=True)


def Phi(u):  # noqa: N802 - the standard normal cdf, as a user writes it in SymPy
    return (1 + sp.erf(u / sp.sqrt(2))) / 2


def phi(u):
    return sp.exp(-u**2 / 2) / sp.sqrt(2 * sp.pi)


def _ncdf(u):
    return mp.ncdf(u)


def _npdf(u):
    return mp.npdf(u)


def _gauss(h_):
    """E[h(p, Z)] by quadrature."""
    return lambda p, ctx: ctx.gaussian_expectation(lambda z: h_(p.mp, z))


def _owen_t(hh, aa, ctx):
    r"""Owen's T(h, a) = (1/2pi) int_0^a exp(-h^2(1+x^2)/2)/(1+x^2) dx, by quadrature."""
    return ctx.integrate(lambda u: mp.exp(-hh**2 * (1 + u**2) / 2) / (1 + u**2) / (2 * mp.pi), [0, aa])


def _orthant(p, ctx):
    r"""P(U>0, V>0) = int_0^inf phi(u) Phi(rho u / sqrt(1-rho^2)) du (conditioning on U)."""
    s = mp.sqrt(1 - p.mp.rho**2)
    return ctx.integrate(lambda u: _npdf(u) * _ncdf(p.mp.rho * u / s), [0, mp.inf])


def _relu_kernel(p, ctx):
    r"""E[U^+ V^+] = int_0^inf u phi(u) E[(rho u + s W)^+] du, E[(m + sW)^+] = m Phi(m/s) + s phi(m/s)."""
    s = mp.sqrt(1 - p.mp.rho**2)

    def f(u):
        m = p.mp.rho * u
        return u * _npdf(u) * (m * _ncdf(m / s) + s * _npdf(m / s))

    return ctx.integrate(f, [0, mp.inf])


def _williams(p, ctx):
    r"""E[erf(aU) erf(bV)] = E_U[erf(aU) E_W erf(b rho U + b s W)], inner by E erf(m + cW) = erf(m/sqrt(1+2c^2))."""
    q = p.mp
    s = mp.sqrt(1 - q.rho**2)
    return ctx.gaussian_expectation(lambda u: mp.erf(q.a * u) * mp.erf(q.b * q.rho * u / mp.sqrt(1 + 2 * q.b**2 * s**2)))


def _owen_pair(p, ctx):
    one = _owen_t(p.mp.h, p.mp.a, ctx)
    two = _owen_t(p.mp.a * p.mp.h, 1 / p.mp.a, ctx)
    from numerics.estimate import Estimate
    import numpy as np

    value = one.high_precision + two.high_precision
    return Estimate(np.asarray(float(value)), "quadrature", np.asarray(float(one.abs_error + two.abs_error)),
                    detail="two quadratures of Owen's T", high_precision=value)


@dataclass(frozen=True)
class Identity:
    name: str
    source: str
    latex: str
    claimed: sp.Expr
    reference: Callable[..., Any]
    params: dict


A = st.floats(-2, 2)
POS = st.floats(0.2, 3)
RHO = st.floats(-0.9, 0.9)

IDENTITIES: list[Identity] = [
    Identity("E_Phi_shift", "Owen 10,010.8", r"\mathbb E\,\Phi(a+bZ) = \Phi\big(a/\sqrt{1+b^2}\big)",
             Phi(a / sp.sqrt(1 + b**2)), _gauss(lambda p, z: _ncdf(p.a + p.b * z)), {"a": A, "b": POS}),
    Identity("E_Z_Phi_shift", "Owen 10,011.1", r"\mathbb E\,Z\Phi(a+bZ) = \frac{b}{\sqrt{1+b^2}}\phi\big(a/\sqrt{1+b^2}\big)",
             b / sp.sqrt(1 + b**2) * phi(a / sp.sqrt(1 + b**2)), _gauss(lambda p, z: z * _ncdf(p.a + p.b * z)), {"a": A, "b": POS}),
    Identity("E_phi_shift", "Owen 10,010.1", r"\mathbb E\,\phi(a+bZ) = \frac{1}{\sqrt{1+b^2}}\phi\big(a/\sqrt{1+b^2}\big)",
             phi(a / sp.sqrt(1 + b**2)) / sp.sqrt(1 + b**2), _gauss(lambda p, z: _npdf(p.a + p.b * z)), {"a": A, "b": POS}),
    Identity("E_Phi_pair", "Owen 20,010.3", r"\mathbb E\,\Phi(aZ)\Phi(bZ) = \frac14 + \frac{1}{2\pi}\arcsin\frac{ab}{\sqrt{(1+a^2)(1+b^2)}}",
             sp.Rational(1, 4) + sp.asin(a * b / sp.sqrt((1 + a**2) * (1 + b**2))) / (2 * sp.pi),
             _gauss(lambda p, z: _ncdf(p.a * z) * _ncdf(p.b * z)), {"a": A, "b": POS}),
    Identity("E_exp_Phi", "Owen 111", r"\mathbb E\,e^{tZ}\Phi(aZ) = e^{t^2/2}\Phi\big(at/\sqrt{1+a^2}\big)",
             sp.exp(t**2 / 2) * Phi(a * t / sp.sqrt(1 + a**2)), _gauss(lambda p, z: mp.exp(p.t * z) * _ncdf(p.a * z)),
             {"a": A, "t": st.floats(-1.5, 1.5)}),
    Identity("relu_shift", "Gaussian ReLU mean", r"\mathbb E\,(a+bZ)^+ = a\Phi(a/b) + b\phi(a/b)",
             a * Phi(a / b) + b * phi(a / b), lambda p, ctx: ctx.gaussian_expectation(lambda z: mp.mpf(0) if p.mp.a + p.mp.b * z < 0 else p.mp.a + p.mp.b * z, kinks=[-p.mp.a / p.mp.b]),
             {"a": A, "b": POS}),
    Identity("owen_T_h1", "Owen 1956", r"T(h, 1) = \tfrac12\Phi(h)\big(1-\Phi(h)\big)",
             Phi(h) * (1 - Phi(h)) / 2, lambda p, ctx: _owen_t(p.mp.h, 1, ctx), {"h": st.floats(-3, 3)}),
    Identity("owen_T_pair", "Owen 1956", r"T(h,a) + T(ah, 1/a) = \tfrac12\Phi(h) + \tfrac12\Phi(ah) - \Phi(h)\Phi(ah)",
             Phi(h) / 2 + Phi(a * h) / 2 - Phi(h) * Phi(a * h), _owen_pair, {"h": st.floats(0.1, 3), "a": POS}),
    Identity("orthant", "Sheppard 1899", r"P(U>0,V>0) = \frac14 + \frac{\arcsin\rho}{2\pi}",
             sp.Rational(1, 4) + sp.asin(rho) / (2 * sp.pi), _orthant, {"rho": RHO}),
    Identity("arccos0", "Cho & Saul 2009 (order 0)", r"\mathbb E\,\Theta(U)\Theta(V) = \frac{\pi - \arccos\rho}{2\pi}",
             (sp.pi - sp.acos(rho)) / (2 * sp.pi), _orthant, {"rho": RHO}),
    Identity("arccos1", "Cho & Saul 2009 (order 1)", r"\mathbb E\,U^+V^+ = \frac{\sqrt{1-\rho^2} + (\pi - \arccos\rho)\rho}{2\pi}",
             (sp.sqrt(1 - rho**2) + (sp.pi - sp.acos(rho)) * rho) / (2 * sp.pi), _relu_kernel, {"rho": RHO}),
    Identity("E_erf_shift", "Ng & Geller 10,011.1", r"\mathbb E\,\operatorname{erf}(a+bZ) = \operatorname{erf}\big(a/\sqrt{1+2b^2}\big)",
             sp.erf(a / sp.sqrt(1 + 2 * b**2)), _gauss(lambda p, z: mp.erf(p.a + p.b * z)), {"a": A, "b": POS}),
    Identity("stein_erf", "Stein's lemma", r"\mathbb E\,Z\operatorname{erf}(aZ) = \frac{2a}{\sqrt{\pi(1+2a^2)}}",
             2 * a / sp.sqrt(sp.pi * (1 + 2 * a**2)), _gauss(lambda p, z: z * mp.erf(p.a * z)), {"a": POS}),
    Identity("E_erf_sq", "Williams 1997", r"\mathbb E\,\operatorname{erf}(aZ)^2 = \frac{2}{\pi}\arcsin\frac{2a^2}{1+2a^2}",
             2 / sp.pi * sp.asin(2 * a**2 / (1 + 2 * a**2)), _gauss(lambda p, z: mp.erf(p.a * z) ** 2), {"a": POS}),
    Identity("williams", "Williams 1997", r"\mathbb E\,\operatorname{erf}(aU)\operatorname{erf}(bV) = \frac2\pi\arcsin\frac{2ab\rho}{\sqrt{(1+2a^2)(1+2b^2)}}",
             2 / sp.pi * sp.asin(2 * a * b * rho / sp.sqrt((1 + 2 * a**2) * (1 + 2 * b**2))), _williams,
             {"a": POS, "b": POS, "rho": RHO}),
    Identity("dlmf_7_7_1", "DLMF 7.7.1", r"\int_0^\infty \frac{e^{-x^2t^2}}{1+t^2}dt = \frac\pi2 e^{x^2}\operatorname{erfc}x",
             sp.pi / 2 * sp.exp(x**2) * sp.erfc(x),
             lambda p, ctx: ctx.integrate(lambda u: mp.exp(-p.mp.x**2 * u**2) / (1 + u**2), [0, 1, mp.inf]), {"x": st.floats(0.1, 2.5)}),
    Identity("dlmf_7_14_2", "DLMF 7.14.2", r"\int_0^\infty e^{-at}\operatorname{erf}(bt)dt = \frac1a e^{a^2/(4b^2)}\operatorname{erfc}\frac{a}{2b}",
             sp.exp(a**2 / (4 * b**2)) * sp.erfc(a / (2 * b)) / a,
             lambda p, ctx: ctx.integrate(lambda u: mp.exp(-p.mp.a * u) * mp.erf(p.mp.b * u), [0, 1, mp.inf]), {"a": POS, "b": POS}),
    Identity("erf_gauss_integral", "Ng & Geller 4.3", r"\int_0^\infty \operatorname{erf}(bx)e^{-a^2x^2}dx = \frac{\arctan(b/a)}{a\sqrt\pi}",
             sp.atan(b / a) / (a * sp.sqrt(sp.pi)),
             lambda p, ctx: ctx.integrate(lambda u: mp.erf(p.mp.b * u) * mp.exp(-p.mp.a**2 * u**2), [0, 1, mp.inf]), {"a": POS, "b": POS}),
    Identity("gauss_integral", "Gaussian integral", r"\int_{-\infty}^\infty e^{-at^2+bt}dt = \sqrt{\pi/a}\,e^{b^2/(4a)}",
             sp.sqrt(sp.pi / a) * sp.exp(b**2 / (4 * a)),
             lambda p, ctx: ctx.integrate(lambda u: mp.exp(-p.mp.a * u**2 + p.mp.b * u), [-mp.inf, 0, mp.inf]), {"a": POS, "b": A}),
    Identity("erfc_integral", "DLMF 7.7 (moments)", r"\int_0^\infty \operatorname{erfc}(bt)\,dt = \frac{1}{b\sqrt\pi}",
             1 / (b * sp.sqrt(sp.pi)), lambda p, ctx: ctx.integrate(lambda u: mp.erfc(p.mp.b * u), [0, 1, mp.inf]), {"b": POS}),
]
