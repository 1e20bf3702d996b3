"""derivcheck.numerics: how a claim is checked.  Knows nothing about the notes.

Engines: :mod:`.symbolic` (SymPy proofs under a deadline), :mod:`.quadrature`
(mpmath / scipy with error estimates), :mod:`.gauss_legendre` (tensor
Gauss-Legendre for low-dimensional Gaussian expectations), :mod:`.montecarlo`
(streamed MC and randomized QMC), :mod:`.ode`, :mod:`.gradients`, :mod:`.search`
(Hypothesis), the decision rule :mod:`.decide`, and :mod:`.errors` (the failures
that make a point undecided).  Every engine returns an :class:`~.estimate.Estimate`.

Probability models live in :mod:`.models` (Gaussian, NLGP and hypercube data,
orthant laws, elliptical families, circulant spectra, ReLU population flows,
gated deep linear networks): pure functions of arrays.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

from .estimate import Estimate, coerce, exact

__all__ = ["Estimate", "coerce", "exact"]

# Modules that moved into numerics.models (and lowdim, renamed): claim modules written
# against the old paths (``from numerics import datamodels``, ``numerics.orthants``)
# keep working, and get the very same module object.
_MOVED = {
    **{f"{__name__}.{m}": f"{__name__}.models.{m}" for m in (
        "datamodels", "families", "fourier", "gdln", "orthants", "relu_population", "ring", "sampling")},
    f"{__name__}.lowdim": f"{__name__}.gauss_legendre",
}


class _MovedModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):  # noqa: ANN001 - importlib protocol
        return importlib.util.spec_from_loader(name, self) if name in _MOVED else None

    def create_module(self, spec):  # noqa: ANN001
        return importlib.import_module(_MOVED[spec.name])

    def exec_module(self, module) -> None:  # noqa: ANN001 - already executed under its new name
        pass


if not any(isinstance(f, _MovedModules) for f in sys.meta_path):
    sys.meta_path.append(_MovedModules())
