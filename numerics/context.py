"""What a check may use at one parameter point: precision, sample sizes, seeds.

A :class:`Context` is handed to every claimed/reference function.  Its random
generators are derived from a hash of (global seed, claim id, point, purpose),
so a re-run reproduces every number, different purposes (search, re-check)
get independent streams, and the same point always sees the same samples.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import montecarlo, quadrature
from .estimate import Estimate


def stable_seed(*material: object) -> int:
    """A 64-bit seed from the repr of ``material`` (stable across runs and machines)."""
    digest = hashlib.sha256(repr(material).encode()).digest()
    return int.from_bytes(digest[:8], "little")


@dataclass(frozen=True)
class Context:
    dps: int = quadrature.DEFAULT_DPS
    samples: int = 1 << 17
    chunk: int = 1 << 15
    sampling: str = "montecarlo"  # or "qmc"
    seed_material: tuple = (0,)
    route: str = "primary"  # "independent": quadrature by another rule on other pieces (re-checks)
    randomizations: int = 16      # independent scrambled Sobol sequences (QMC)
    # sequential sampling: grow the sample up to ``growth`` x ``samples`` until z SE <= target x |mean|
    target: float | None = None
    growth: int = 1
    # ... starting from ``samples / head`` (but not below 4096, where 32 randomized replicates would hold
    # 128 points each): a statistic that resolves the target on fewer samples stops there (the looks are
    # one Sobol prefix, so a look that does not stop costs nothing extra)
    head: int = 1
    point_salt: tuple = ()  # the parameter point: seeds its own random draws, not the Monte Carlo normals
    # the seed of the Monte Carlo / QMC normals where it differs from ``seed_material``: the check's
    # purpose without the claim (see :meth:`sampling_rng`); () means ``seed_material``
    normals_material: tuple = ()

    def derive(self, *salt: object, **changes: object) -> "Context":
        """A context with an extended seed (and optionally other settings changed)."""
        normals = self.normals_material + tuple(salt) if self.normals_material else ()
        return replace(self, seed_material=self.seed_material + tuple(salt), normals_material=normals, **changes)

    def at_point(self, key: str) -> "Context":
        """The context of one parameter point (see :meth:`sampling_rng` for what it does not change)."""
        return replace(self, point_salt=(key,))

    def rng(self, *salt: object) -> np.random.Generator:
        """A generator for the point's own random draws (data sets, directions ...)."""
        return np.random.default_rng(stable_seed(*self.seed_material, *self.point_salt, *salt))

    def sampling_rng(self, *salt: object) -> np.random.Generator:
        """The generator of the Monte Carlo / QMC normals: the same at every point of one check, and
        (with ``normals_material``) in every claim's check of the same purpose.

        Common random numbers across points and claims leave each estimate unbiased with a valid
        standard error (each claim's decision rule is a union bound over its own points and needs
        no independence, within a claim or between claims), and the normals are then drawn once per
        worker and reused (:mod:`numerics.montecarlo` keeps them: drawing them afresh for each of
        the 1,100 checks of a quick audit cost 3 s of its 35 s).  A re-check still draws its own,
        independent of the search's (its purpose is in the salt)."""
        return np.random.default_rng(stable_seed(*(self.normals_material or self.seed_material), *salt))

    # Monte Carlo / QMC -------------------------------------------------------------
    def expect(
        self,
        statistic: montecarlo.Statistic,
        dim: int,
        samples: int | None = None,
        salt: object = "expect",
        versus: object | None = None,
    ) -> Estimate:
        """E[statistic(eps)], eps ~ N(0, I_dim), by MC or randomized QMC per the settings
        (``versus``: the value it is compared with, which lets sequential sampling stop early
        on a plain disagreement)."""
        ests, _ = self.expect_paired([statistic], dim, samples, salt, versus)
        return ests[0]

    def expect_paired(
        self, statistics: Sequence[montecarlo.Statistic], dim: int, samples: int | None = None, salt: object = "paired",
        versus: object | None = None,
    ) -> tuple[list[Estimate], list[Estimate]]:
        n = samples or self.samples
        sequential = self.target is not None and self.growth > 1
        first = max(n // self.head, min(n, 1 << 12)) if sequential else n
        return montecarlo.expectation_paired(
            statistics, dim, first, self.sampling_rng(salt), self.chunk, self.sampling, self.randomizations,
            target=self.target if sequential else None, max_samples=n * self.growth,
            versus=None if versus is None else np.asarray(versus, dtype=float),
        )

    # Quadrature --------------------------------------------------------------------
    def gaussian_expectation(self, h: Callable, mean: object = 0, var: object = 1, kinks: Sequence = (), **kw) -> Estimate:
        return quadrature.gaussian_expectation(h, mean, var, kinks, dps=self.dps, route=self.route, **kw)

    def integrate(self, f: Callable, points: Sequence[object]) -> Estimate:
        return quadrature.integrate(f, points, dps=self.dps, route=self.route)
