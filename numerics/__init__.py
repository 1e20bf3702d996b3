"""derivcheck.numerics: how a claim is checked.  Knows nothing about the notes.

Engines: :mod:`.symbolic` (SymPy proofs under a deadline), :mod:`.quadrature`
(mpmath / scipy with error estimates), :mod:`.montecarlo` (streamed MC and
randomized QMC), :mod:`.ode`, :mod:`.gradients`, :mod:`.search` (Hypothesis),
:mod:`.datamodels` (Gaussian, NLGP, hypercube samplers), and the decision rule
:mod:`.decide`.  Every engine returns an :class:`~.estimate.Estimate`.
"""

from .estimate import Estimate, coerce, exact

__all__ = ["Estimate", "coerce", "exact"]
