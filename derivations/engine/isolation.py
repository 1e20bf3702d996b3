"""Claims do not leak process-wide state into each other.

A worker audits many claims one after the other.  Anything a claim's module
or code changes globally -- numpy's floating-point error handling
(``np.seterr(all="raise")`` turned overflow warnings of *other* modules into
errors), mpmath's working precision, warning filters, the global random
generators -- is reset to the same state before every claim, so a verdict does
not depend on which claims ran before it in the same process.
"""

from __future__ import annotations

import contextlib
import random
import warnings
from collections.abc import Iterator

import mpmath
import numpy as np

#: numpy's own defaults (``np.seterr`` in a fresh interpreter)
NUMPY_ERRSTATE = {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}
#: the warning filters of the process before any claims module was imported
_FILTERS = list(warnings.filters)


@contextlib.contextmanager
def fresh_globals() -> Iterator[None]:
    """Run a claim with default numpy error state, mpmath precision, warning filters, RNG seeds."""
    old_err = np.seterr(**NUMPY_ERRSTATE)
    old_prec = mpmath.mp.prec
    mpmath.mp.prec = 53
    random.seed(0)
    np.random.seed(0)  # noqa: NPY002 - the legacy global generator, in case a claim uses it
    try:
        with warnings.catch_warnings():
            warnings.filters[:] = _FILTERS
            getattr(warnings, "_filters_mutated", lambda: None)()  # the filters' cache must see the change
            yield
    finally:
        np.seterr(**old_err)
        mpmath.mp.prec = old_prec
