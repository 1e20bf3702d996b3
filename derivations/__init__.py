"""derivcheck.derivations: what is claimed.

The authoring API (:mod:`.api`), the registry (:mod:`.registry`), the audit
of one claim (:mod:`.audit`) and of many (:mod:`.runner`), the command line
(:mod:`.cli`), and one module per topic of the notes in :mod:`.topics`.
"""

import os as _os

# Claims are audited in parallel worker processes, on small matrices.  A multithreaded BLAS in
# every worker oversubscribes the cores: measured on 2 shared cores, a 4096 x 20 lstsq took 0.3 s
# with OpenBLAS threads and 1 ms without.  Effective only if numpy is not imported yet.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")
