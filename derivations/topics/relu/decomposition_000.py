r"""Note 000 section 5.2, eqs (48) and (52)-(57): the decomposition X = AX + Sv, conditioned on S > 0.

The note states these lines for *any* data ("In general, this is very
challenging. We will split this into two terms, one of which disappears when
X is Gaussian"), with :math:`S = \langle w_1, X\rangle`,
:math:`v = \Sigma_1 w_1/(w_1^\top\Sigma_1 w_1)`, :math:`A = I_n - v w_1^\top`, and note
000's conditional notation :math:`\mathbb E_{X|Y=1,S>0}[\cdot] = \mathbb E[\cdot \mid S>0, Y=1]`.

They are checked on non-Gaussian data where every conditional law is known
exactly: the hypercube limit :math:`X = \operatorname{sign}(Z)`,
:math:`Z \sim \mathcal N(0, \Sigma(\xi_1))`, whose law on :math:`\{\pm1\}^n` is
enumerated with exact orthant probabilities (:mod:`numerics.models.orthants`).  With
generic real weights every pattern has its own value of S, so the inner
conditional expectations :math:`\mathbb E[\cdot \mid S = s]` of the nested lines are
computed literally, pattern by pattern, and :math:`\Sigma_1 = \mathbb E[XX^\top]`
is computed from the same law.  The references are the direct conditional
expectations :math:`\mathbb E[X\mid S>0]` and :math:`\mathbb E[SX\mid S>0]`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from numerics.models import datamodels as dm
from numerics.estimate import Estimate
from numerics.models.orthants import sign_law

from derivations.api import Chain, claim, eq
from derivations.topics._notes import N000

CUBE = (
    "class Y = 1 only (Y X = X): X = sign(Z), Z ~ N(0, Sigma(xi_1)), plain distance -- non-Gaussian data with an "
    "exactly enumerable law; w_1 generic real (standard normal), so P(S = 0) = 0 and every pattern has its own S",
    "notation of note 000: E_{X|Y=1,S>0}[.] and E_{S>0|Y=1}[.] are conditional on S > 0 (and Y = 1)",
    "Sigma_1 = E[X X^T | Y = 1] (the covariance of the data, not the latent Sigma(xi_1))",
)
PARAMS = {"n": st.integers(2, 4), "xi1": st.floats(0.5, 3.0), "w_seed": st.integers(0, 2**16)}


@dataclass(frozen=True)
class CubeLaw:
    """The enumerated class-1 law and the note's objects built from it."""

    patterns: np.ndarray  # (2^n, n)
    prob: np.ndarray      # P(X = pattern)
    error: float          # bound on the total probability error
    w: np.ndarray
    s: np.ndarray         # S of each pattern
    sigma: np.ndarray     # Sigma_1 = E[X X^T]
    v: np.ndarray
    a: np.ndarray

    @property
    def on(self) -> np.ndarray:
        return self.s > 0

    def given_positive(self, values: np.ndarray) -> np.ndarray:
        r""":math:`\mathbb E[h \mid S>0]` for per-pattern values h (first axis: patterns)."""
        weight = (self.prob * self.on) / np.sum(self.prob * self.on)
        return np.tensordot(weight, values, axes=(0, 0))


def law(p) -> CubeLaw:
    cov = dm.covariance(p.n, p.xi1)
    sl = sign_law(cov)
    pats = sl.patterns.astype(float)
    w = np.random.default_rng(p.w_seed).standard_normal(p.n)
    sigma = np.einsum("k,ki,kj->ij", sl.prob, pats, pats)
    v = sigma @ w / (w @ sigma @ w)
    return CubeLaw(pats, sl.prob, float(np.sum(sl.error)), w, pats @ w, sigma, v, np.eye(p.n) - np.outer(v, w))


def _exact(value: np.ndarray, cl: CubeLaw, what: str) -> Estimate:
    scale = float(np.max(np.abs(value))) if np.size(value) else 0.0
    return Estimate(np.asarray(value), "exact", np.full(np.shape(value), 4 * cl.error * max(scale, 1.0) + 1e-13),
                    detail=f"exact enumeration of sign(Z) over {cl.patterns.shape[0]} patterns; {what}")


def inner(cl: CubeLaw, values: np.ndarray) -> np.ndarray:
    r""":math:`\mathbb E[h(X) \mid S = S(x)]` for each pattern x: all patterns sharing x's value of S."""
    out = np.empty_like(values)
    for k, sk in enumerate(cl.s):
        same = np.isclose(cl.s, sk, rtol=0, atol=1e-12)
        out[k] = np.tensordot(cl.prob[same] / cl.prob[same].sum(), values[same], axes=(0, 0))
    return out


def mean_given_positive(p):
    r"""Reference: :math:`\mathbb E[X \mid S>0, Y=1]`, summed directly over the patterns with S > 0."""
    cl = law(p)
    return _exact(cl.given_positive(cl.patterns), cl, "E[X | S > 0]")


def moment_given_positive(p):
    r"""Reference: :math:`\mathbb E[SX \mid S>0, Y=1]`, summed directly over the patterns with S > 0."""
    cl = law(p)
    return _exact(cl.given_positive(cl.s[:, None] * cl.patterns), cl, "E[S X | S > 0]")


claim(
    "relu.step000.tower.eq48",
    sources=[eq(N000, "48")],
    latex=(
        r"\mathbb{E}_{X|Y=1, \langle w_1(t), X \rangle > 0} [f(X)] = "
        r"\mathbb{E}_{S>0|Y=1} [\mathbb{E}_{X|S,Y=1} [f(X)]] ."
    ),
    params={**PARAMS, "power": st.integers(1, 3)},
    assumptions=CUBE + ("f(X) = X^power entrywise (power 1, 2, 3), a family of test functions",),
    claimed=lambda p: (lambda cl: _exact(cl.given_positive(inner(cl, cl.patterns ** p.power)), cl, "nested"))(law(p)),
    reference=lambda p: (lambda cl: _exact(cl.given_positive(cl.patterns ** p.power), cl, "direct"))(law(p)),
    method="exact",
    remark="The law of total expectation, evaluated literally: the inner expectation given S, then the outer over S > 0.",
)

first = Chain("relu.step000.decomp_first", note=N000, params=PARAMS, reference=mean_given_positive,
              assumptions=CUBE, method="exact")
first.step(
    "52",
    latex=r"\mathbb{E}_{X|Y=1, S>0} [YX] = \mathbb{E}_{S>0|Y=1} [\mathbb{E}_{X|S,Y=1} [AX] + Sv]",
    claimed=lambda p: (lambda cl: _exact(
        cl.given_positive(inner(cl, cl.patterns @ cl.a.T) + cl.s[:, None] * cl.v[None, :]), cl, "(52) nested"))(law(p)),
)
first.step(
    "53",
    latex=(
        r"= \mathbb{E}_{X|Y=1, S>0} [AX] + \frac{\mathbb{E}_{S>0|Y=1} [S]}{w_1(t)^\top \Sigma_1 w_1(t)} "
        r"\Sigma_1 w_1(t),"
    ),
    claimed=lambda p: (lambda cl: _exact(
        cl.given_positive(cl.patterns @ cl.a.T) + cl.given_positive(cl.s) / (cl.w @ cl.sigma @ cl.w) * (cl.sigma @ cl.w),
        cl, "(53)"))(law(p)),
)

second = Chain("relu.step000.decomp_second", note=N000, params=PARAMS, reference=moment_given_positive,
               assumptions=CUBE, method="exact")
second.step(
    "54",
    latex=r"\mathbb{E}_{X|Y=1, S>0} [SX] = \mathbb{E}_{S>0|Y=1} [S \mathbb{E}_{X|S,Y=1} [AX] + S^2 v]",
    claimed=lambda p: (lambda cl: _exact(
        cl.given_positive(cl.s[:, None] * inner(cl, cl.patterns @ cl.a.T) + (cl.s**2)[:, None] * cl.v[None, :]),
        cl, "(54) nested"))(law(p)),
)
second.step(
    "55",
    latex=r"= \mathbb{E}_{X|Y=1, S>0} [SAX] + \mathbb{E}_{S>0|Y=1} [S^2] v",
    claimed=lambda p: (lambda cl: _exact(
        cl.given_positive(cl.s[:, None] * (cl.patterns @ cl.a.T)) + cl.given_positive(cl.s**2) * cl.v, cl, "(55)"))(law(p)),
)
second.step(
    "56",
    latex=r"= \mathbb{E}_{X|Y=1, S>0} [SAX] + w_1(t)^\top \Sigma_1 w_1(t) v,",
    claimed=lambda p: (lambda cl: _exact(
        cl.given_positive(cl.s[:, None] * (cl.patterns @ cl.a.T)) + (cl.w @ cl.sigma @ cl.w) * cl.v, cl, "(56)"))(law(p)),
    remark="Uses E[S^2 | S > 0] = E[S^2] = w^T Sigma_1 w: S is symmetric and P(S = 0) = 0.",
)
second.step(
    "57",
    latex=r"= \mathbb{E}_{X|Y=1, S>0} [SAX] + \Sigma_1 w_1(t).",
    claimed=lambda p: (lambda cl: _exact(
        cl.given_positive(cl.s[:, None] * (cl.patterns @ cl.a.T)) + cl.sigma @ cl.w, cl, "(57)"))(law(p)),
)
