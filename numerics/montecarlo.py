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
from scipy.special import ndtri
from scipy.stats import qmc

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


@dataclass
class _Mean:
    """Running mean only: a randomized-QMC replicate needs no variance (the standard error comes from
    the spread of the replicate means), and the squared deviations cost as much as the mean."""

    n: int = 0
    total: np.ndarray | float = 0.0

    def add(self, block: np.ndarray) -> None:
        self.n += block.shape[0]
        self.total = self.total + block.sum(axis=0)

    @property
    def mean(self) -> np.ndarray | float:
        return self.total / self.n if self.n else 0.0


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
    target: float | None = None,
    max_samples: int | None = None,
    alpha: float = 1e-6,
    versus: np.ndarray | None = None,
) -> tuple[list[Estimate], list[Estimate]]:
    r"""Estimate E[T_k(eps)] for several statistics on common random numbers.

    Returns ``(estimates, differences)`` where ``differences[k]`` estimates
    E[T_k - T_0] for k >= 1 with the standard error of the paired difference.
    ``method`` is ``montecarlo`` (i.i.d. normals) or ``qmc`` (``randomizations``
    independent scrambled Sobol sequences; the standard error comes from the
    spread across randomizations).

    **Sequential sampling.**  With a relative ``target`` the sample size is
    doubled, from ``samples`` up to ``max_samples``, until the estimate is
    precise enough to resolve it:

    .. math::  z\,\max_i \mathrm{SE}_i \le \text{target}\cdot\max_{k,i}|\bar T_{k,i}|,

    (the standard errors of the paired differences when there are several
    statistics), with :math:`z` the decision rule's threshold for the entries.
    The schedule has a fixed number K of looks; the estimates carry
    ``looks = K`` and the decision rule then spends :math:`\alpha/K` per look
    (Bonferroni over the looks), so the family-wise false-refutation
    probability stays below :math:`\alpha` whichever look the sampling stopped at
    -- for any stopping rule.  So the sampling also stops as soon as the
    disagreement is plain: a paired difference, or the distance to ``versus``
    (the other side's value, when it is not sampled), beyond :math:`2z` SE.
    """
    if method not in ("qmc", "montecarlo"):
        raise ValueError(f"unknown sampling method {method!r}")
    stages = [samples]
    if target is not None and max_samples is not None:
        while stages[-1] * 2 <= max_samples:
            stages.append(stages[-1] * 2)
    looks = len(stages)
    if method == "qmc":
        return _paired_qmc(statistics, dim, stages, rng, chunk, randomizations, target, alpha, versus)
    moments = [_Moments() for _ in statistics]
    dmoments = [_Moments() for _ in statistics[1:]]
    done = 0
    for total in stages:
        for eps in _normal_blocks(dim, total - done, chunk, rng):
            _accumulate(statistics, eps, moments, dmoments)
        done = total
        means = [np.asarray(m.mean) for m in moments]
        ses = [m.std_error() for m in (dmoments or moments)]
        if target is None or _decided(means, [np.asarray(m.mean) for m in dmoments], ses, target,
                                      _z(alpha, looks, means[0].size, None), versus, stages[-1] / total):
            break
    detail = f"Monte Carlo, {done} i.i.d. samples in chunks of {chunk}"
    if looks > 1:
        detail += f" (sequential: look {stages.index(done) + 1} of {looks}, target {target:g} relative)"
    ests = [
        Estimate(np.asarray(m.mean), "montecarlo", np.zeros(np.shape(m.mean)), m.std_error(), done, detail, looks=looks)
        for m in moments
    ]
    diffs = [
        Estimate(np.asarray(m.mean), "montecarlo", np.zeros(np.shape(m.mean)), m.std_error(), done, detail + " (paired)",
                 looks=looks)
        for m in dmoments
    ]
    return ests, diffs


def _z(alpha: float, looks: int, entries: int, dof: int | None) -> float:
    from .decide import z_threshold

    return z_threshold(alpha / looks, entries, dof)


def _decided(means: list[np.ndarray], dmeans: list[np.ndarray], ses: list[np.ndarray], target: float, z: float,
             versus: np.ndarray | None, room: float = np.inf, rate: float = 2.0) -> bool:
    """Stop sampling?  When ``z`` times the largest standard error is within ``target`` of the size of
    the quantity; when the disagreement is already beyond ``2z`` standard errors; or when the target is
    out of reach: it would take more than 2 x ``room`` (the growth still allowed) times the samples,
    with the error falling as samples^(-1/rate) (rate 2: Monte Carlo).  Randomized QMC is not given
    up: its rate varies (5-10x in resolution per 8x samples on some of the notes' statistics), and the
    claim's resolution is judged against the largest value over all its points, so a point whose own
    value is small still needs its absolute error reduced."""
    scale = max(float(np.max(np.abs(m), initial=0.0)) for m in means)
    worst = max(float(np.max(s, initial=0.0)) for s in ses)
    if not np.isfinite(worst):
        return False
    if z * worst <= target * scale:
        return True
    if scale > 0 and (z * worst / (target * scale)) ** rate > 2 * room:
        return True
    if dmeans:
        gaps = list(dmeans)
    elif versus is not None and np.size(versus) == means[0].size:
        gaps = [means[0] - np.reshape(versus, np.shape(means[0]))]
    else:
        gaps = []
    return any(bool(np.any(np.abs(g) > 2 * z * s)) for g, s in zip(gaps, ses))


_BITS = 30  # scipy's Sobol points are integers / 2^30


def _sobol_normals(base: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    r"""Points of the scrambled sequence (``base``: their 30-bit integer digits) under each random
    digital shift, stacked (shift r first), as standard normals.

    Replicate r is :math:`u \oplus s_r` (bitwise XOR of the 30-bit digits): a random digital shift
    keeps the net's balance and makes every point uniform, so given the common scrambling the R
    replicate means are i.i.d. and unbiased -- their spread is a valid standard error.  One
    scrambled engine per estimate, instead of R, saves R - 1 costly scramblings."""
    u = ((base[None, :, :] ^ shifts[:, None, :]) + 0.5) / (1 << _BITS)  # centre of the cell: never 0 or 1
    return ndtri(u.reshape(-1, base.shape[1]))  # the normal quantile, without norm.ppf's overhead (5x)


#: the size of one sample's value is taken from every 16th sample: a scale, not a bound (every sample
#: made a quick audit 15 % slower)
_SCALE_STRIDE = 16


def _largest(values: np.ndarray) -> np.ndarray:
    """The largest |value| per entry (two passes, no temporary array)."""
    return np.maximum(values.max(axis=0), -values.min(axis=0))


def _add_stacked(statistics, eps: np.ndarray, n: int, moms: list, dmoms: list, largest: list) -> None:
    """One evaluation of each statistic on the stacked points of several sequences (a statistic's
    per-call set-up, e.g. a covariance factor, is paid once), split back per sequence.  ``largest``
    keeps the largest |value| of one sample of each statistic, then of each difference."""
    vals = [_check_block(t(eps), eps.shape[0], getattr(t, "__name__", "statistic")) for t in statistics]
    sub = [v[::_SCALE_STRIDE] for v in vals]
    for k, v in enumerate(sub + [v - sub[0] for v in sub[1:]]):
        largest[k] = np.maximum(largest[k], _largest(v))
    for j, (mom, dmom) in enumerate(zip(moms, dmoms)):
        rows = slice(j * n, (j + 1) * n)
        for m, v in zip(mom, vals):
            m.add(v[rows])
        for m, v in zip(dmom, vals[1:]):
            m.add(v[rows] - vals[0][rows])


class _SobolNormals:
    """The normals of one randomized-QMC estimate, look by look, drawn once and replayed.

    Look k holds the new points of the scrambled sequence (a Sobol prefix of ``per0 * 2^k`` points stays
    balanced), in pieces of at most one chunk, each under groups of digital shifts of at most one chunk
    of rows in all.  The points depend only on the generator they were seeded from, so every estimate
    seeded alike (the points of one check: :meth:`numerics.context.Context.sampling_rng`) replays them
    instead of paying the scrambling and the normal quantiles again."""

    def __init__(self, dim: int, per0: int, chunk: int, randomizations: int, rng: np.random.Generator) -> None:
        self.engine = qmc.Sobol(d=dim, scramble=True, seed=rng)
        self.shifts = rng.integers(0, 1 << _BITS, size=(randomizations, dim))
        self.per0, self.chunk, self.randomizations = per0, chunk, randomizations
        self.looks: list[list[tuple[slice, int, np.ndarray]]] = []
        self.nbytes = 0

    def look(self, k: int) -> list[tuple[slice, int, np.ndarray]]:
        while len(self.looks) <= k:
            j = len(self.looks)
            new = self.per0 << max(j - 1, 0)  # the points look j adds to the prefix
            piece = min(new, self.chunk)
            group = max(self.chunk // piece, 1)
            blocks = []
            for _ in range(new // piece):
                base = (self.engine.random(piece) * (1 << _BITS)).astype(np.int64)
                for g in range(0, self.randomizations, group):
                    sl = slice(g, g + group)
                    eps = _sobol_normals(base, self.shifts[sl])
                    eps.flags.writeable = False  # replayed: a statistic must not change it in place
                    blocks.append((sl, piece, eps))
            self.looks.append(blocks)
            self.nbytes += sum(b[2].nbytes for b in blocks)
        return self.looks[k]


#: replayed normals per worker process, least recently used first out
_REPLAY: dict[tuple, _SobolNormals] = {}
REPLAY_BYTES = 512 << 20


def _replayed_normals(dim: int, per0: int, chunk: int, randomizations: int, rng: np.random.Generator) -> _SobolNormals:
    key = (dim, per0, chunk, randomizations, repr(rng.bit_generator.state))
    found = _REPLAY.pop(key, None)
    if found is None:
        found = _SobolNormals(dim, per0, chunk, randomizations, rng)
    _REPLAY[key] = found  # most recent last
    while sum(v.nbytes for v in _REPLAY.values()) > REPLAY_BYTES and len(_REPLAY) > 1:
        del _REPLAY[next(iter(_REPLAY))]
    return found


def _paired_qmc(statistics, dim, stages, rng, chunk, randomizations, target=None, alpha=1e-6, versus=None):
    """Randomized QMC; each stage doubles the points of every scrambled sequence."""
    looks = len(stages)
    per0 = 1 << max(int(np.log2(max(stages[0] // randomizations, 2))), 1)  # Sobol balance: power of two
    chunk = 1 << int(np.log2(chunk))
    normals = _replayed_normals(dim, per0, chunk, randomizations, rng)
    moms = [[_Mean() for _ in statistics] for _ in range(randomizations)]
    dmoms = [[_Mean() for _ in statistics[1:]] for _ in range(randomizations)]
    largest: list = [0.0] * (2 * len(statistics) - 1)  # per statistic, then per difference
    per, done = per0, 0
    for look in range(looks):
        for sl, piece, eps in normals.look(look):
            _add_stacked(statistics, eps, piece, moms[sl], dmoms[sl], largest)
        done = per
        means = [np.stack([np.asarray(m[k].mean) for m in moms]) for k in range(len(statistics))]
        dmeans = [np.stack([np.asarray(m[k].mean) for m in dmoms]) for k in range(len(statistics) - 1)]
        spread = [a.std(axis=0, ddof=1) / np.sqrt(randomizations) for a in (dmeans or means)]
        if target is None or _decided([a.mean(axis=0) for a in means], [a.mean(axis=0) for a in dmeans], spread,
                                      target, _z(alpha, looks, means[0][0].size, randomizations - 1), versus,
                                      np.inf):  # QMC: no give-up (see _decided)
            break
        per *= 2
    total = done * randomizations
    detail = f"randomized QMC: a scrambled Sobol sequence of {done} points under {randomizations} random digital shifts"
    if looks > 1:
        detail += f" (sequential: look {look + 1} of {looks}, target {target:g} relative)"

    def summarise(arr: np.ndarray, most: np.ndarray | float, note: str = "") -> Estimate:
        # The replicates' spread cannot resolve below one sample's weight in the mean: an indicator of a
        # region that is nearly a dyadic box (the quadrant {U > 0, V > 0} at correlation 2e-4) puts the
        # same number of points in it under every digital shift, a spread of 0 while the truth differs by 3e-5
        se = np.maximum(arr.std(axis=0, ddof=1) / np.sqrt(randomizations), np.asarray(most) / total)
        return Estimate(arr.mean(axis=0), "qmc", np.zeros(arr.shape[1:]), se, total, detail + note,
                        dof=randomizations - 1, looks=looks)

    k = len(statistics)
    return ([summarise(a, largest[i]) for i, a in enumerate(means)],
            [summarise(a, largest[k + i], " (paired)") for i, a in enumerate(dmeans)])


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
