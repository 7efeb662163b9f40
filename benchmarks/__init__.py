"""Side-by-side benchmarks of werkalliantie_stats against its peers: ``python -m benchmarks``.

BLAS threads are pinned to one (environment variables set here, before numpy loads, and
threadpoolctl once it has): R's reference BLAS runs single-threaded, and on a shared
two-core machine a multi-threaded OpenBLAS spins on the small matrices of these models
(np.linalg.solve on 86 x 86 took ~40 ms instead of ~0.1 ms under load). The R child
processes inherit the same variables.
"""

from __future__ import annotations

import os

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")
for _var in THREAD_VARS:
    os.environ[_var] = "1"


def pin_threads() -> str:
    """Pin every BLAS/OpenMP pool to one thread; returns a line saying so for the output."""
    for var in THREAD_VARS:
        os.environ[var] = "1"
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return "BLAS threads: 1 (environment variables; threadpoolctl not installed)"
    threadpool_limits(1)
    return "BLAS threads: 1 (environment variables before numpy import + threadpoolctl)"
