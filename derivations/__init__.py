"""derivcheck.derivations: what is claimed.

The authoring API (:mod:`.api`), the registry (:mod:`.registry`), the audit
of one claim (:mod:`.audit`) and of many (:mod:`.runner`), the command line
(:mod:`.cli`), and one module per topic of the notes in :mod:`.topics`.
"""

import os as _os

# The audit runs one worker process per core; a multithreaded BLAS inside each worker
# oversubscribes the cores and makes the many small matrix products of sampled
# statistics 10-30x slower (measured: (32768 x 5) @ (5 x 5) takes 5-11 ms threaded,
# 0.3 ms single-threaded on 2 cores).  Must run before numpy is first imported;
# an explicit setting in the environment wins.  The runner also limits the BLAS pools of
# its workers at run time (threadpoolctl), for processes that imported numpy first.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")


def __getattr__(name: str):
    """``derivations.check`` and ``derivations.CheckResult`` (imported on first use: the engine is not loaded before)."""
    if name in ("check", "CheckResult"):
        from . import interactive

        return getattr(interactive, name)
    raise AttributeError(f"module 'derivations' has no attribute {name!r}")
