r"""Quadrature with an honest error estimate.

* :func:`integrate` — 1-D integrals with mpmath (tanh-sinh) at a settable
  precision, with mpmath's error estimate (the difference between the last
  two refinement levels).  On an infinite range, where that estimate can be
  optimistic, the integral is recomputed on a second node set (every finite
  piece bisected) and the larger discrepancy is kept.
* :func:`gaussian_expectation` — :math:`\mathbb{E}[h(\mu + \sigma U)]`,
  :math:`U \sim \mathcal N(0,1)`, with the range split at the kinks of
  :math:`h` and truncated where the Gaussian tail is below the working
  precision.
* :func:`bivariate_gaussian_expectation` — :math:`\mathbb{E}[h(U, V)]` for a
  standard bivariate normal with correlation :math:`\rho`, by adaptive
  cubature (scipy) in double precision in the coordinates
  :math:`U, W` with :math:`V = \rho U + \sqrt{1-\rho^2} W`; kinks of
  :math:`h` along :math:`U = 0` and :math:`V = 0` are split exactly (polar
  sectors), so the integrand is smooth on every piece.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import mpmath
import numpy as np
from scipy.integrate import cubature

from .estimate import Estimate
from .errors import QuadratureError  # noqa: F401 - raised here, importable from here

DEFAULT_DPS = 30


def gaussian_cutoff(dps: int) -> float:
    """Half-width L such that the standard normal mass beyond |u| > L is below 10^-(dps+5)."""
    return math.sqrt(2.0 * (dps + 5) * math.log(10.0)) + 1.0


ROUTES = ("primary", "independent")


def _independent_pieces(pts: list) -> list[tuple[object, object, bool]]:
    r"""Pieces (a, b, reciprocal) for the independent route.

    Every finite piece is bisected (other breakpoints); an infinite tail
    :math:`[a, \infty)` with :math:`a \ge 1` becomes :math:`\int_0^{1/a} f(1/u)u^{-2}du` (a
    finite range, so no infinite-range mapping whose scale is fixed at 1: with a breakpoint
    at a = 1/z = 3e160 that mapping misses the whole tail with a tiny error estimate);
    a tail starting below 1 is first split at 1 (or -1).
    """
    out: list[tuple[object, object, bool]] = []
    for a, b in zip(pts[:-1], pts[1:]):
        if mpmath.isinf(b) and b > 0:
            start = a if a >= 1 else mpmath.mpf(1)
            if a < start:
                out += [(a, (a + start) / 2, False), ((a + start) / 2, start, False)]
            out.append((mpmath.mpf(0), 1 / start, True))
        elif mpmath.isinf(a) and a < 0:
            end = b if b <= -1 else mpmath.mpf(-1)
            out.append((1 / end, mpmath.mpf(0), True))
            if end < b:
                out += [(end, (end + b) / 2, False), ((end + b) / 2, b, False)]
        else:
            out += [(a, (a + b) / 2, False), ((a + b) / 2, b, False)]
    return out


def _integrate_independent(f: Callable, pts: list) -> tuple[object, object]:
    """Gauss-Legendre on the pieces of :func:`_independent_pieces`; error: its own estimate plus the
    change from the previous degree, per piece."""
    total, err = mpmath.mpf(0), mpmath.mpf(0)
    for a, b, reciprocal in _independent_pieces(pts):
        if a == b:
            continue
        g = (lambda u: f(1 / u) / (u * u) if u != 0 else mpmath.mpf(0)) if reciprocal else f
        v, e = mpmath.quad(g, [a, b], method="gauss-legendre", error=True)
        total += v
        err += abs(e)
    return total, err


def integrate(
    f: Callable[[mpmath.mpf], mpmath.mpf],
    points: Sequence[object],
    dps: int = DEFAULT_DPS,
    route: str = "primary",
) -> Estimate:
    """Integrate ``f`` over the piecewise range ``points`` (breakpoints included).

    ``route="independent"`` computes the same integral by another rule on
    other pieces (Gauss-Legendre, every finite piece bisected, infinite tails
    by the substitution t = 1/u): the re-check of a refutation, which must not
    repeat the route that produced it with more digits.

    Returns an :class:`Estimate` with method ``quadrature`` whose
    ``high_precision`` field keeps the mpmath value.
    """
    if route not in ROUTES:
        raise ValueError(f"route must be one of {ROUTES}, got {route!r}")
    if route == "independent":
        with mpmath.workdps(dps + 5):
            pts = [p if isinstance(p, mpmath.mpf) or p in (mpmath.inf, -mpmath.inf) else mpmath.mpf(p) for p in points]
            value, err = _integrate_independent(f, pts)
        if not (mpmath.isfinite(value) and mpmath.isfinite(err)):
            raise QuadratureError(f"integral is not finite on the independent route (value {value}, error {err})")
        with mpmath.workdps(dps):
            value = +value
        return Estimate(
            value=np.asarray(complex(value) if isinstance(value, mpmath.mpc) else float(value)), method="quadrature",
            abs_error=np.asarray(float(err) + float(abs(value)) * 10.0 ** (-dps)),
            detail=f"independent route: mpmath Gauss-Legendre, {dps} digits, bisected pieces, tails by t = 1/u",
            high_precision=value,
        )
    with mpmath.workdps(dps + 5):
        pts = [p if isinstance(p, mpmath.mpf) or p in (mpmath.inf, -mpmath.inf) else mpmath.mpf(p) for p in points]
        value, err = mpmath.quad(f, pts, method="tanh-sinh", error=True)
        infinite = any(mpmath.isinf(p) for p in pts)
        if infinite:
            # mpmath's own estimate can be optimistic on infinite ranges: compare with a
            # second node set (every finite piece bisected) and keep the larger error.
            finer = [pts[0]]
            for a, b in zip(pts[:-1], pts[1:]):
                finer += [b] if mpmath.isinf(a) or mpmath.isinf(b) else [(a + b) / 2, b]
            v2, e2 = mpmath.quad(f, finer, method="tanh-sinh", error=True)
            err = max(abs(err), abs(e2), abs(value - v2))
    if not (mpmath.isfinite(value) and mpmath.isfinite(err)):
        raise QuadratureError(f"integral is not finite (value {value}, error {err})")
    with mpmath.workdps(dps):
        value = +value
    return Estimate(
        # a complex integrand gives a complex value (kept complex; the decision rule compares moduli)
        value=np.asarray(complex(value) if isinstance(value, mpmath.mpc) else float(value)),
        method="quadrature",
        abs_error=np.asarray(float(err) + float(abs(value)) * 10.0 ** (-dps)),
        detail=(
            f"mpmath tanh-sinh quadrature, {dps} digits, {len(points) - 1} pieces"
            + ("; error also from the same integral on bisected pieces" if infinite else "; mpmath error estimate")
        ),
        high_precision=value,
    )


def gaussian_expectation(
    h: Callable[[mpmath.mpf], mpmath.mpf],
    mean: object = 0,
    var: object = 1,
    kinks: Sequence[object] = (),
    dps: int = DEFAULT_DPS,
    lower: object = None,
    upper: object = None,
    route: str = "primary",
) -> Estimate:
    r"""Return :math:`\mathbb{E}[h(X)\,1(\text{lower} < X < \text{upper})]`, :math:`X \sim \mathcal N(\text{mean}, \text{var})`.

    ``kinks`` are points (in the x variable) where h is not smooth.  ``h`` must
    grow at most polynomially: the range is truncated where the normal tail is
    below 10^-(dps+5).
    """
    with mpmath.workdps(dps + 10):
        mu = mpmath.mpf(mean)
        sd = mpmath.sqrt(mpmath.mpf(var))
        if sd == 0:
            inside = (lower is None or mu > lower) and (upper is None or mu < upper)
            val = h(mu) if inside else mpmath.mpf(0)
            return Estimate(np.asarray(float(val)), "quadrature", np.asarray(0.0), detail="degenerate (variance 0)", high_precision=val)
        cut = gaussian_cutoff(dps)
        lo = -cut if lower is None else max(-cut, (mpmath.mpf(lower) - mu) / sd)
        hi = cut if upper is None else min(cut, (mpmath.mpf(upper) - mu) / sd)
        if hi <= lo:
            return Estimate(np.asarray(0.0), "quadrature", np.asarray(0.0), detail="empty range", high_precision=mpmath.mpf(0))
        inner = sorted({(mpmath.mpf(k) - mu) / sd for k in kinks} | {mpmath.mpf(0)})
        pts = [lo] + [u for u in inner if lo < u < hi] + [hi]

        c = 1 / mpmath.sqrt(2 * mpmath.pi)

        def integrand(u: mpmath.mpf) -> mpmath.mpf:
            return h(mu + sd * u) * c * mpmath.exp(-u * u / 2)

    est = integrate(integrand, pts, dps=dps, route=route)
    return Estimate(
        value=est.value,
        method="quadrature",
        abs_error=est.abs_error,
        detail=est.detail + f", Gaussian range truncated at |u| = {float(cut):.1f}",
        high_precision=est.high_precision,
    )


def bivariate_gaussian_expectation(
    h: Callable[[np.ndarray, np.ndarray], np.ndarray],
    rho: float,
    rtol: float = 1e-12,
    atol: float = 1e-14,
) -> Estimate:
    r"""Return :math:`\mathbb{E}[h(U, V)]` for standard normals with correlation :math:`\rho`.

    ``h`` is vectorized over numpy arrays.  The plane is cut along the lines
    U = 0 and V = 0 into four sectors (in polar coordinates of the whitened
    pair (U, W)), so indicators and ReLU kinks along those lines never fall
    inside a piece.  Double precision; the error is scipy's cubature estimate.
    """
    if not -1.0 < rho < 1.0:
        raise QuadratureError(f"correlation must be in (-1, 1), got {rho}")
    s = math.sqrt(1.0 - rho * rho)
    cut = gaussian_cutoff(16)
    # In whitened polar coordinates (U, W) = t (cos a, sin a); V = 0 along the
    # direction a0 with rho cos a0 + s sin a0 = 0.
    a_v = math.atan2(-rho, s)
    # both rays of each line through the origin: U = 0 at +-pi/2, V = 0 at a_v and a_v + pi
    cuts = (-math.pi / 2, math.pi / 2, a_v, a_v + math.pi)
    angles = sorted({round((a + math.pi) % (2 * math.pi) - math.pi, 15) for a in cuts})
    angles = angles + [angles[0] + 2 * math.pi]

    def integrand(x: np.ndarray) -> np.ndarray:
        t, a = x[:, 0], x[:, 1]
        u, w = t * np.cos(a), t * np.sin(a)
        v = rho * u + s * w
        return h(u, v) * np.exp(-0.5 * t * t) * t / (2.0 * math.pi)

    total, error = 0.0, 0.0
    for a0, a1 in zip(angles[:-1], angles[1:]):
        if a1 - a0 < 1e-15:
            continue
        res = cubature(integrand, [0.0, a0], [cut, a1], rtol=rtol, atol=atol, max_subdivisions=20000)
        if res.status != "converged":
            raise QuadratureError(f"cubature did not converge on sector [{a0:.3f}, {a1:.3f}] (error {res.error:.2g})")
        total += float(res.estimate)
        error += float(res.error)
    return Estimate(
        value=np.asarray(total),
        method="quadrature",
        abs_error=np.asarray(error + 1e-15 * abs(total)),
        detail=f"scipy cubature (Genz-Malik/Gauss-Kronrod), polar sectors split at U=0 and V=0, rtol {rtol:g}",
    )
