"""Single-threaded BLAS for every benchmark: imported first by each benchmark module.

The environment variables only reach libraries loaded after this import, but asv's runner
loads numpy (and its OpenBLAS, with one thread per core) before any benchmark module, so the
pools already loaded are capped with threadpoolctl too: with two BLAS threads the process time
of a NumPy-based solver counted both threads (POT's stabilized Sinkhorn: 2.7x its
single-threaded process time on the 2-core devbox, issue 16).
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

from threadpoolctl import threadpool_limits  # noqa: E402

# a plain call (not a context manager) keeps the limit for the life of the process
_LIMITS = threadpool_limits(limits=1)
