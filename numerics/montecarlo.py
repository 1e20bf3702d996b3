r"""Monte Carlo and randomized quasi-Monte Carlo expectations, streamed in chunks.

A quantity is written as :math:`\mathbb{E}[T(\varepsilon)]` with
:math:`\varepsilon \sim \mathcal N(0, I_d)`: the caller supplies the dimension
:math:`d` and a vectorized statistic ``T`` mapping a block of standard normals
of shape (B, d) to per-sample values of shape (B, *shape).  Data models
(:mod:`numerics.models.datamodels`) turn the normals into data, so the same statistic
runs under plain Monte Carlo and under scrambled-Sobol QMC.

Memory is bounded by the chunk size; means and variances are merged across
chunks with Chan's parallel update, so the result does not depend on the
chunk size beyond rounding.

Several statistics evaluated on the same normals (common random numbers)
are supported by :func:`expectation_paired`, which also returns the standard
error of their difference from the per-sample differences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm, qmc

from .estimate import Estimate

Statistic = Callable[[np.ndarray], np.ndarray]


@dataclass
class _Moments:
    """Running mean and sum of squared deviations (Chan et al.)."""

    n: int = 0
    mean: np.ndarray | float = 0.0
    m2: np.ndarray | float = 0.0

    def add(self, block: np.ndarray) -> None:
        nb = block.shape[0]
        if nb == 0:
            return
        mb = block.mean(axis=0)
        m2b = ((block - mb) ** 2).sum(axis=0)
        if self.n == 0:
            self.n, self.mean, self.m2 = nb, mb, m2b
            return
        n = self.n + nb
        delta = mb - self.mean
        self.mean = self.mean + delta * (nb / n)
        self.m2 = self.m2 + m2b + delta**2 * (self.n * nb / n)
        self.n = n

    def std_error(self) -> np.ndarray:
        if self.n < 2:
            return np.full(np.shape(self.mean), np.inf)
        return np.sqrt(self.m2 / (self.n - 1) / self.n)


def _check_block(values: np.ndarray, rows: int, name: str) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if values.shape[:1] != (rows,):
        raise ValueError(f"statistic {name!r} returned shape {values.shape}; its first axis must be the {rows} samples")
    return values


def _accumulate(statistics: Sequence[Statistic], eps: np.ndarray, moments: list, differences: list) -> None:
    """Add one block: each statistic's values, and each one's difference from the first."""
    vals = [_check_block(t(eps), eps.shape[0], getattr(t, "__name__", "statistic")) for t in statistics]
    for mom, v in zip(moments, vals):
        mom.add(v)
    for mom, v in zip(differences, vals[1:]):
        mom.add(v - vals[0])


def _normal_blocks(dim: int, n: int, chunk: int, rng: np.random.Generator):
    done = 0
    while done < n:
        b = min(chunk, n - done)
        yield rng.standard_normal((b, dim))
        done += b


def expectation_paired(
    statistics: Sequence[Statistic],
    dim: int,
    samples: int,
    rng: np.random.Generator,
    chunk: int = 1 << 15,
    method: str = "montecarlo",
    randomizations: int = 16,
) -> tuple[list[Estimate], list[Estimate]]:
    """Estimate E[T_k(eps)] for several statistics on common random numbers.

    Returns ``(estimates, differences)`` where ``differences[k]`` estimates
    E[T_k - T_0] for k >= 1 with the standard error of the paired difference.
    ``method`` is ``montecarlo`` (i.i.d. normals) or ``qmc`` (``randomizations``
    independent scrambled Sobol sequences; the standard error comes from the
    spread across randomizations).
    """
    if method == "qmc":
        return _paired_qmc(statistics, dim, samples, rng, chunk, randomizations)
    if method != "montecarlo":
        raise ValueError(f"unknown sampling method {method!r}")
    moments = [_Moments() for _ in statistics]
    dmoments = [_Moments() for _ in statistics[1:]]
    for eps in _normal_blocks(dim, samples, chunk, rng):
        _accumulate(statistics, eps, moments, dmoments)
    detail = f"Monte Carlo, {samples} i.i.d. samples in chunks of {chunk}"
    ests = [
        Estimate(np.asarray(m.mean), "montecarlo", np.zeros(np.shape(m.mean)), m.std_error(), samples, detail)
        for m in moments
    ]
    diffs = [
        Estimate(np.asarray(m.mean), "montecarlo", np.zeros(np.shape(m.mean)), m.std_error(), samples, detail + " (paired)")
        for m in dmoments
    ]
    return ests, diffs


def _sobol_normals(dim: int, n: int, chunk: int, rng: np.random.Generator):
    engine = qmc.Sobol(d=dim, scramble=True, seed=rng)
    done = 0
    while done < n:
        b = min(chunk, n - done)
        u = engine.random(b)
        # keep away from 0 and 1 where the inverse CDF is infinite
        yield norm.ppf(np.clip(u, 1e-16, 1 - 1e-16))
        done += b


def _paired_qmc(statistics, dim, samples, rng, chunk, randomizations):
    per = 1 << max(int(np.log2(max(samples // randomizations, 2))), 1)  # Sobol balance: power of two
    chunk = min(1 << int(np.log2(chunk)), per)
    means: list[list[np.ndarray]] = [[] for _ in statistics]
    dmeans: list[list[np.ndarray]] = [[] for _ in statistics[1:]]
    for _ in range(randomizations):
        moms = [_Moments() for _ in statistics]
        dmoms = [_Moments() for _ in statistics[1:]]
        for eps in _sobol_normals(dim, per, chunk, rng):
            _accumulate(statistics, eps, moms, dmoms)
        for acc, mom in zip(means, moms):
            acc.append(np.asarray(mom.mean))
        for acc, mom in zip(dmeans, dmoms):
            acc.append(np.asarray(mom.mean))
    total = per * randomizations
    detail = f"randomized QMC: {randomizations} scrambled Sobol sequences of {per} points"

    def summarise(acc: list[np.ndarray], note: str = "") -> Estimate:
        arr = np.stack(acc)
        return Estimate(
            arr.mean(axis=0), "qmc", np.zeros(arr.shape[1:]), arr.std(axis=0, ddof=1) / np.sqrt(randomizations), total, detail + note,
            dof=randomizations - 1,
        )

    return [summarise(a) for a in means], [summarise(a, " (paired)") for a in dmeans]


def expectation(
    statistic: Statistic,
    dim: int,
    samples: int,
    rng: np.random.Generator,
    chunk: int = 1 << 15,
    method: str = "montecarlo",
) -> Estimate:
    """Estimate E[T(eps)], eps ~ N(0, I_dim), with its standard error."""
    ests, _ = expectation_paired([statistic], dim, samples, rng, chunk, method)
    return ests[0]
