r"""The notes' data, drawn from a block of standard normals: the data models claims name.

A sampled claim says which law its data follow and what statistic it averages::

    Sampled(data=NLGP_MIXTURE, statistic=lambda p, x, y: (y * (x[:, p.i] > 0))[:, None] * x)

and the engine draws (X, Y) once per block of normals and point, for every side that
names the same model (claimed and reference run on common random numbers).

Two balanced classes (note 001): label Y = 1 for latent :math:`Z \sim \mathcal N(0, \Sigma(\xi_1))`,
Y = 0 for :math:`\Sigma(\xi_2)`, plain (Toeplitz) distance, and
:math:`X = \operatorname{erf}(gZ)/\sqrt{Z_c(g)}` (unit variance per site) or, in note 002,
:math:`x = \operatorname{erf}(gZ)` without the normaliser.  The data dimension is
``p.n`` or, for the gate-position parametrisation of the small-bump gate, n = i + 1 + m.
"""

from __future__ import annotations

import numpy as np

from derivations.api import DataModel, Point
from numerics.models import datamodels as dm


def sized(p: Point) -> Point:
    """The point with its data dimension: ``n`` as given, or n = i + 1 + m (gate at site i, m sites after it)."""
    return p if "n" in p else Point({**p, "n": p.i + 1 + p.m})


def _mixture_dim(p: Point) -> int:
    return 2 * sized(p).n + 1


def _mixture(normalised: bool):
    make = dm.nlgp if normalised else dm.nlgp_unnormalised

    def draw(p: Point, eps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(X, Y) from the balanced two-class mixture, the label drawn as well."""
        q = sized(p)
        n = q.n
        x1 = make(eps[:, :n], dm.latent_factor(n, q.xi1), q.g)
        x0 = make(eps[:, n : 2 * n], dm.latent_factor(n, q.xi2), q.g)
        return dm.labelled_mixture(eps, n, x1, x0)

    return draw


NLGP_MIXTURE = DataModel(
    "nlgp-mixture", _mixture_dim, _mixture(normalised=True),
    "balanced classes xi_1 (Y = 1), xi_2 (Y = 0), plain distance; X = erf(gZ)/sqrt(Z_c(g)); label drawn",
)
ERF_MIXTURE = DataModel(
    "erf-mixture", _mixture_dim, _mixture(normalised=False),
    "balanced classes xi_1 (y = 1), xi_2 (y = 0), plain distance; x = erf(gZ), unnormalised; label drawn",
)
