r"""Orthant probabilities and the exact law of :math:`X = \operatorname{sign}(Z)` on the hypercube.

For :math:`Z \sim \mathcal N(0, C)` in :math:`d` dimensions (correlation
matrix :math:`R`), :math:`X = \operatorname{sign}(Z) \in \{\pm 1\}^d` has the
probability mass function

.. math::

    p(s) = \mathbb P(\operatorname{sign} Z = s)
         = 2^{-d} \sum_{S \subseteq [d],\ |S| \text{ even}} s^S\, m(S),
    \qquad s^S = \prod_{i \in S} s_i,\quad
    m(S) = \mathbb E\Big[\prod_{i\in S} \operatorname{sign} Z_i\Big]

(Walsh expansion; odd moments vanish because :math:`Z \overset{d}{=} -Z`).
The moments are computed without any Monte Carlo:

* :math:`m(\{i,j\}) = \frac{2}{\pi}\arcsin\rho_{ij}` (Sheppard), which gives the
  closed forms for up to three variables,
  :math:`p(s) = \frac18 + \frac{1}{4\pi}\sum_{i<j} s_i s_j \arcsin\rho_{ij}`;
* four variables (Plackett's reduction, Price's theorem along the path
  :math:`R(t) = I + t(R - I)`):

  .. math::

      m(\{a,b,c,d\}) = \frac{4}{\pi^2} \sum_{\{a,b\}}
          \int_0^{\arcsin\rho_{ab}} \arcsin\big(\rho_{cd\cdot ab}(\sin u / \rho_{ab})\big)\, du,

  the sum over the six pairs :math:`\{a,b\}` of the four indices, with
  :math:`\{c,d\}` the complementary pair and :math:`\rho_{cd\cdot ab}(t)` the partial correlation of
  :math:`Z_c, Z_d` given :math:`Z_a = Z_b = 0` under :math:`R(t)`.  The
  substitution :math:`t = \sin u/\rho_{ab}` removes the
  :math:`(1 - t^2\rho_{ab}^2)^{-1/2}` endpoint singularity; the integral is
  done by Gauss-Legendre, doubling the nodes until two rules agree, and the
  difference of the last two rules is the error estimate.

So :math:`d \le 5` is exact up to that 1-D quadrature.  For :math:`d \ge 6`
each orthant probability is :func:`scipy.stats.multivariate_normal.cdf`
(Genz's randomized lattice rule) run with two independent seeds; the error is
the larger of its nominal ``abseps`` and the spread of the two runs.

Everything is a pure function of the covariance; results are cached on the
bytes of the correlation matrix.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import roots_legendre
from scipy.stats import multivariate_normal

from ..estimate import Estimate
from ..errors import OrthantError  # noqa: F401 - raised here, importable from here

MAX_EXACT_DIM = 5  # Walsh expansion with moments of order <= 4
SCIPY_ABSEPS = 1e-6
_GL_START, _GL_MAX, _GL_TOL = 16, 4096, 1e-14


@dataclass(frozen=True)
class SignLaw:
    """The law of sign(Z) on {-1, +1}^d.

    ``patterns`` has shape (2^d, d) with entries +-1 (row k is the binary
    expansion of k, bit set -> -1, first coordinate most significant);
    ``prob`` and ``error`` have shape (2^d,).  ``method`` says how it was made.
    """

    patterns: np.ndarray
    prob: np.ndarray
    error: np.ndarray
    method: str

    @property
    def dim(self) -> int:
        return int(self.patterns.shape[1])


# --------------------------------------------------------------------------- helpers
def correlation(cov: np.ndarray) -> np.ndarray:
    """R = D^{-1/2} C D^{-1/2}; orthant probabilities depend on C only through R."""
    cov = np.asarray(cov, dtype=float)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1]:
        raise ValueError(f"covariance must be a square matrix, got shape {cov.shape}")
    sd = np.sqrt(np.diag(cov))
    if np.any(sd <= 0):
        raise OrthantError("a coordinate has variance 0: its sign is not defined")
    r = cov / np.outer(sd, sd)
    np.fill_diagonal(r, 1.0)
    return (r + r.T) / 2


def sign_patterns(d: int) -> np.ndarray:
    """All 2^d points of {-1, +1}^d as rows (first row all +1)."""
    bits = (np.arange(2**d)[:, None] >> np.arange(d - 1, -1, -1)[None, :]) & 1
    return 1 - 2 * bits


def pair_moment(rho: float | np.ndarray) -> float | np.ndarray:
    r""":math:`\mathbb E[\operatorname{sign} Z_i \operatorname{sign} Z_j] = \frac{2}{\pi}\arcsin\rho_{ij}` (Sheppard)."""
    return 2.0 / math.pi * np.arcsin(np.clip(rho, -1.0, 1.0))


def _partial_correlation(r4: np.ndarray, a: int, b: int, c: int, d: int, t: np.ndarray) -> np.ndarray:
    r"""Partial correlation of (c, d) given (a, b) under :math:`R(t) = I + t(R - I)`, for a vector of t."""
    rab, rcd = t * r4[a, b], t * r4[c, d]
    rca, rcb, rda, rdb = t * r4[c, a], t * r4[c, b], t * r4[d, a], t * r4[d, b]
    det = 1.0 - rab * rab
    # B A^{-1} B^T for B = [[rca, rcb], [rda, rdb]], A = [[1, rab], [rab, 1]]
    q_cc = (rca * rca - 2 * rab * rca * rcb + rcb * rcb) / det
    q_dd = (rda * rda - 2 * rab * rda * rdb + rdb * rdb) / det
    q_cd = (rca * rda - rab * (rca * rdb + rcb * rda) + rcb * rdb) / det
    s_cc, s_dd, s_cd = 1.0 - q_cc, 1.0 - q_dd, rcd - q_cd
    if np.any(s_cc <= 0) or np.any(s_dd <= 0):
        raise OrthantError("conditional variance <= 0: the correlation matrix is singular to working precision")
    return np.clip(s_cd / np.sqrt(s_cc * s_dd), -1.0, 1.0)


@lru_cache(maxsize=16)
def _legendre_rule(n: int) -> tuple[np.ndarray, np.ndarray]:
    return roots_legendre(n)


def _gauss_legendre(f, lo: float, hi: float) -> tuple[float, float]:
    """Integrate a vectorized smooth f on [lo, hi], doubling Gauss-Legendre nodes until two rules agree."""
    if lo == hi:
        return 0.0, 0.0
    previous = None
    n = _GL_START
    while n <= _GL_MAX:
        x, w = _legendre_rule(n)
        u = 0.5 * (hi - lo) * x + 0.5 * (hi + lo)
        value = 0.5 * (hi - lo) * float(np.dot(w, f(u)))
        if previous is not None and abs(value - previous) <= _GL_TOL * max(1.0, abs(value)):
            return value, abs(value - previous) + 1e-16
        previous = value
        n *= 2
    raise OrthantError(f"Gauss-Legendre did not converge with {_GL_MAX} nodes (last change {abs(value - previous):.2g})")


def fourth_moment(r4: np.ndarray) -> tuple[float, float]:
    r""":math:`\mathbb E[\prod_{i=1}^4 \operatorname{sign} Z_i]` for a 4x4 correlation matrix, with an error estimate.

    Plackett / Price: :math:`\frac{d}{dt} m(R(t)) = \sum_{a<b} \rho_{ab}\, 4\,\varphi_2(0,0;t\rho_{ab})\,
    \frac{2}{\pi}\arcsin\rho_{cd\cdot ab}(t)` and :math:`m(I) = 0`.
    """
    r4 = np.asarray(r4, dtype=float)
    total, error = 0.0, 0.0
    for a, b in itertools.combinations(range(4), 2):
        c, d = (k for k in range(4) if k not in (a, b))
        rho = float(r4[a, b])
        if rho == 0.0:
            continue
        value, err = _gauss_legendre(
            lambda u, a=a, b=b, c=c, d=d, rho=rho: np.arcsin(_partial_correlation(r4, a, b, c, d, np.sin(u) / rho)),
            0.0, math.asin(max(-1.0, min(1.0, rho))),
        )
        total += value
        error += err
    k = 4.0 / math.pi**2
    return k * total, k * error + 1e-15


# --------------------------------------------------------------------------- the law of sign(Z)
def _walsh_law(r: np.ndarray) -> SignLaw:
    d = r.shape[0]
    pats = sign_patterns(d)
    prob = np.ones(2**d)
    err = np.zeros(2**d)
    for i, j in itertools.combinations(range(d), 2):
        prob += pats[:, i] * pats[:, j] * pair_moment(r[i, j])
    if d >= 4:
        for quad in itertools.combinations(range(d), 4):
            m4, e4 = fourth_moment(r[np.ix_(quad, quad)])
            prob += np.prod(pats[:, quad], axis=1) * m4
            err += e4
    scale = 2.0**-d
    how = "closed form (Sheppard)" if d <= 3 else "Walsh expansion, 4th sign moments by Plackett's 1-D integral"
    return SignLaw(pats, prob * scale, err * scale + 4e-16, how)


def _scipy_orthant(r: np.ndarray, seed: int) -> tuple[float, float]:
    """P(Z > 0) for correlation r by scipy's multivariate normal CDF, twice, with an error estimate."""
    d = r.shape[0]
    values = [
        float(multivariate_normal.cdf(np.zeros(d), mean=np.zeros(d), cov=r, abseps=SCIPY_ABSEPS, releps=0.0,
                                      rng=np.random.default_rng(seed + k)))
        for k in range(2)
    ]
    return float(np.mean(values)), max(SCIPY_ABSEPS, abs(values[0] - values[1]))


def _scipy_law(r: np.ndarray) -> SignLaw:
    d = r.shape[0]
    pats = sign_patterns(d)
    prob = np.zeros(2**d)
    err = np.zeros(2**d)
    for k in range(2 ** (d - 1)):  # p(s) = p(-s): the second half mirrors the first
        s = pats[k]
        value, e = _scipy_orthant(r * np.outer(s, s), seed=k)
        prob[k] = prob[2**d - 1 - k] = value
        err[k] = err[2**d - 1 - k] = e
    return SignLaw(pats, prob, err, "scipy.stats.multivariate_normal.cdf (randomized lattice), two seeds")


@lru_cache(maxsize=4096)
def _law_cached(key: bytes, d: int) -> SignLaw:
    r = np.frombuffer(key, dtype=float).reshape(d, d)
    return _walsh_law(r) if d <= MAX_EXACT_DIM else _scipy_law(r)


def sign_law(cov: np.ndarray) -> SignLaw:
    """The exact law of sign(Z), Z ~ N(0, cov): closed forms (d <= 3), Plackett (d = 4, 5), scipy beyond."""
    r = correlation(cov)
    d = r.shape[0]
    if d == 0:
        return SignLaw(np.zeros((1, 0), dtype=int), np.ones(1), np.zeros(1), "empty")
    r = np.round(r, 15)  # identical matrices from different arithmetic share the cache entry
    return _law_cached(np.ascontiguousarray(r).tobytes(), d)


def orthant_probability(cov: np.ndarray, signs: np.ndarray | None = None) -> tuple[float, float]:
    r""":math:`\mathbb P(\operatorname{sign} Z = s)` (default s = all +1) and its error bound."""
    law = sign_law(cov)
    s = np.ones(law.dim, dtype=int) if signs is None else np.asarray(signs, dtype=int)
    k = int(np.flatnonzero(np.all(law.patterns == s[None, :], axis=1))[0])
    return float(law.prob[k]), float(law.error[k])


# --------------------------------------------------------------------------- expectations on the cube
def cube_expectation(cov: np.ndarray, statistic, detail: str = "") -> Estimate:
    r""":math:`\mathbb E[h(\operatorname{sign} Z)] = \sum_{s} p(s)\, h(s)` by exact enumeration.

    ``statistic`` maps the (2^d, d) array of patterns to per-pattern values of
    shape (2^d, ...).  The error is :math:`\sum_s |h(s)|\, \mathrm{err}(s)`.
    """
    law = sign_law(cov)
    values = np.asarray(statistic(law.patterns), dtype=float)
    if values.shape[:1] != (law.patterns.shape[0],):
        raise ValueError(f"statistic returned shape {values.shape}; its first axis must be the {law.patterns.shape[0]} patterns")
    prob = law.prob.reshape((-1,) + (1,) * (values.ndim - 1))
    err = law.error.reshape(prob.shape)
    value = np.sum(prob * values, axis=0)
    bound = np.sum(err * np.abs(values), axis=0) + 1e-15 * np.sum(np.abs(prob * values), axis=0)
    return Estimate(np.asarray(value), "exact", np.asarray(bound),
                    detail=f"exact enumeration over {law.patterns.shape[0]} sign patterns ({law.method})" + (f"; {detail}" if detail else ""))


def restricted_mean(
    w: np.ndarray, cov: np.ndarray, ties: str = "include", tol: float = 0.0
) -> Estimate:
    r""":math:`f(w) = \mathbb E[\mathbb 1(\langle w, X\rangle \ge 0)\, X]`, :math:`X = \operatorname{sign}(Z)`, exactly.

    Only the support :math:`S` of :math:`w` decides the indicator, so entry
    :math:`m` needs the law of :math:`X_{S \cup \{m\}}` only (dimension at
    most :math:`|S| + 1`).  ``ties``: "include" counts :math:`\langle w,x\rangle = 0`
    as on (the :math:`\ge` of the notes), "exclude" as off (:math:`>`);
    ``tol`` treats :math:`|\langle w,x\rangle| \le` tol as a tie (for weights
    that are exact in rational arithmetic but rounded in floating point).
    """
    w = np.asarray(w, dtype=float)
    cov = np.asarray(cov, dtype=float)
    n = w.shape[0]
    support = [int(i) for i in np.flatnonzero(w != 0)]
    if ties not in ("include", "exclude"):
        raise ValueError(f"ties must be 'include' or 'exclude', got {ties!r}")

    def indicator(pats: np.ndarray) -> np.ndarray:
        s = pats[:, : len(support)] @ w[support]
        tie = np.abs(s) <= tol
        return np.where(tie, 1.0 if ties == "include" else 0.0, (s > 0).astype(float))

    value = np.zeros(n)
    error = np.zeros(n)
    details = set()
    for m in range(n):
        idx = support + ([] if m in support else [m])
        pos = idx.index(m)
        est = cube_expectation(cov[np.ix_(idx, idx)], lambda pats: indicator(pats) * pats[:, pos])
        value[m], error[m] = float(est.value), float(est.abs_error)
        details.add(est.detail)
    return Estimate(value, "exact", error, detail="; ".join(sorted(details)))
