"""Say how a refuted value is wrong: a constant factor, a sign, a constant term.

Pure helpers on numbers; the audit layer decides where the numbers come from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
import numpy as np

# Simple closed forms that factors in Gaussian calculations are made of:
# r * 2^(a/2) * pi^(b/2) with small a, b and r in {1, 3}.
_SIMPLE: list[tuple[str, float]] = []


def _power_latex(base: str, half_exponent: int) -> str:
    if half_exponent == 0:
        return ""
    if half_exponent == 1:
        return rf"\sqrt{{{base}}}"
    if half_exponent % 2 == 0:
        e = half_exponent // 2
        return base if e == 1 else f"{base}^{{{e}}}"
    return f"{base}^{{{half_exponent}/2}}"


def _factor_latex(r: int, a: int, b: int) -> str:
    num = [str(r)] if r != 1 else []
    den = []
    for base, e in (("2", a), (r"\pi", b)):
        (num if e > 0 else den).append(_power_latex(base, abs(e)))
    num = [x for x in num if x]
    den = [x for x in den if x]
    top = " ".join(num) or "1"
    return top if not den else rf"\frac{{{top}}}{{{' '.join(den)}}}"


def _build_simple() -> None:
    for r in (1, 3):
        for a in range(-6, 7):
            for b in range(-4, 5):
                if (r, a, b) == (1, 0, 0):
                    continue
                _SIMPLE.append((_factor_latex(r, a, b), r * 2.0 ** (a / 2) * math.pi ** (b / 2)))
        for a in range(-6, 7):  # 1/3 times powers of two
            _SIMPLE.append((_factor_latex(1, a, 0).replace("1", "1", 1) + r" / 3" if a else r"\frac{1}{3}", 2.0 ** (a / 2) / 3))
    _SIMPLE.sort(key=lambda t: len(t[0]))


_build_simple()


@dataclass(frozen=True)
class Recognised:
    latex: str
    value: float
    how: str  # "identify" (mpmath.identify at high precision) or "candidates" (within uncertainty)


def recognise_constant(x: float, rel_uncertainty: float) -> Recognised | None:
    """Name a constant ``x`` known to relative accuracy ``rel_uncertainty``.

    Tries, with sign, the simple closed forms above and accepts one only if it
    is the unique candidate within 4 x the uncertainty (plus 1e-12).  For very
    precise values it falls back to :func:`mpmath.identify` over pi, sqrt(pi),
    sqrt(2), accepting only short answers that reproduce x to 1e-10.
    """
    if not math.isfinite(x) or x == 0:
        return None
    sign = -1.0 if x < 0 else 1.0
    ax = abs(x)
    tol = 4.0 * max(rel_uncertainty, 0.0) + 1e-12
    hits = [(l, v) for l, v in _SIMPLE if abs(ax - v) <= tol * ax]
    if len(hits) == 1 or (hits and rel_uncertainty < 1e-9):
        latex, v = hits[0]
        return Recognised(("-" if sign < 0 else "") + latex, sign * v, "candidates")
    if hits or rel_uncertainty > 1e-9:
        return None
    found = mpmath.identify(ax, ["pi", "sqrt(pi)", "sqrt(2)"], tol=1e-12, maxcoeff=24)
    if found and len(found) <= 30:
        names = {"pi": mpmath.pi, "sqrt": mpmath.sqrt, "log": mpmath.log, "exp": mpmath.exp}
        try:  # mpmath.identify may answer with log/exp forms; anything else is not a simple constant
            value = float(mpmath.mpmathify(eval(found, {"__builtins__": {}}, names)))  # noqa: S307 - mpmath output
        except (NameError, SyntaxError, TypeError, ValueError):
            return None
        if abs(value - ax) <= 1e-10 * ax:
            return Recognised(("-" if sign < 0 else "") + found, sign * value, "identify")
    return None


@dataclass(frozen=True)
class Relation:
    """How claimed relates to reference over a set of points."""

    kind: str  # "factor", "sign", "offset", "none"
    value: float | None
    uncertainty: float
    text: str
    closed_form: str | None = None  # LaTeX of the recognised constant, if any


def _flat(values: Sequence[np.ndarray]) -> np.ndarray:
    """All entries in one array; complex values stay complex (never cast to real)."""
    arrays = [np.ravel(np.asarray(v)) for v in values]
    kind = complex if any(np.iscomplexobj(a) for a in arrays) else float
    return np.concatenate([a.astype(kind) for a in arrays])


def constant_relation(
    claimed: Sequence[np.ndarray],
    reference: Sequence[np.ndarray],
    sigma_claimed: Sequence[np.ndarray],
    sigma_reference: Sequence[np.ndarray],
    alpha: float = 1e-6,
) -> Relation:
    r"""Is claimed = k * reference with one k at every point (and entry), or claimed = reference + c?

    ``sigma_claimed``/``sigma_reference`` are the standard uncertainties of
    the two sides at each entry.  The factor is fitted by weighted least
    squares with errors in both variables, weights
    :math:`1/(\sigma_c^2 + k^2 \sigma_r^2)` (two iterations); it is accepted
    when the residuals pass a chi-square test at level ``alpha`` and k differs
    from 1 by more than 5 of its standard errors.  The offset is tested the
    same way.
    """
    from scipy.stats import chi2, norm

    c, r = _flat(claimed), _flat(reference)
    sc, sr = np.abs(_flat(sigma_claimed)), np.abs(_flat(sigma_reference))
    if c.size < 3 or not (np.all(np.isfinite(c)) and np.all(np.isfinite(r))):
        return Relation("none", None, float("nan"), "")
    scale = max(float(np.max(np.abs(r))), float(np.max(np.abs(c))), 1e-300)
    floor = 1e-13 * scale
    sc = np.nan_to_num(sc, nan=0.0)
    sr = np.nan_to_num(sr, nan=0.0)
    dof = max(c.size - 1, 1) * (2 if np.iscomplexobj(c) or np.iscomplexobj(r) else 1)
    limit = float(chi2.isf(alpha, dof))
    k: complex = 1.0
    for _ in range(3):
        w = 1.0 / (sc**2 + (abs(k) * sr) ** 2 + floor**2)
        den = float(np.sum(w * np.abs(r) ** 2))
        if den <= 0:
            break
        k = complex(np.sum(w * c * np.conj(r)) / den)
    else:
        k_se = float(1.0 / np.sqrt(den))
        resid = float(np.sum(w * np.abs(c - k * r) ** 2))
        # a constant factor must also hold point by point: no single ratio may stray (Bonferroni z)
        z = float(norm.isf(alpha / (2 * c.size)))
        pointwise = bool(np.all(np.abs(c - k * r) <= z * np.sqrt(sc**2 + (abs(k) * sr) ** 2) + 2 * floor + 1e-9 * np.abs(c)))
        if resid <= limit and pointwise and abs(k - 1.0) > 5 * k_se:
            if abs(k) <= 5 * k_se:
                return Relation("zero", 0.0, k_se, "the claimed value is 0 where the truth is not")
            if abs(k + 1.0) <= 5 * k_se:
                return Relation("sign", -1.0, k_se, "claimed has the opposite sign of the truth (claimed = -truth)", "-1")
            if abs(k.imag) > 5 * k_se:  # a complex constant: named only when it is +-i
                for unit, name in ((1j, "i"), (-1j, "-i")):
                    if abs(k - unit) <= 5 * k_se:
                        return Relation("factor", None, k_se, f"claimed is ${name}$ times the truth", None)
                return Relation("factor", None, k_se, f"claimed is a constant complex factor {k:.6g} (+/- {k_se:.1g}) times the truth", None)
            kr = k.real
            rec = recognise_constant(kr, k_se / max(abs(kr), 1e-300))
            name = f" = ${rec.latex}$" if rec else ""
            return Relation(
                "factor", rec.value if rec else kr, k_se,
                f"claimed is a constant {kr:.6g} (+/- {k_se:.1g}){name} times the truth",
                rec.latex if rec else None,
            )
    w = 1.0 / (sc**2 + sr**2 + floor**2)
    d = c - r
    off = complex(np.sum(w * d) / np.sum(w))
    off_se = float(1.0 / np.sqrt(np.sum(w)))
    resid = float(np.sum(w * np.abs(d - off) ** 2))
    if resid <= limit and abs(off) > 5 * off_se:
        if abs(off.imag) > 5 * off_se:
            return Relation("offset", None, off_se, f"claimed - truth is a constant complex {off:.6g} (+/- {off_se:.1g})", None)
        off = off.real
        rec = recognise_constant(off, off_se / max(abs(off), 1e-300))
        name = f" = ${rec.latex}$" if rec else ""
        return Relation(
            "offset", off, off_se,
            f"claimed - truth is a constant {off:.6g} (+/- {off_se:.1g}){name}: a missing or extra constant term",
            rec.latex if rec else None,
        )
    return Relation("none", None, float("nan"), "")
