"""One BLAS thread for the fits that multiply many small matrices (the dictionary learners, NMF,
the batch GLM solver): threaded BLAS slows such products down on few cores, and on a busy
machine its waiting threads cost several times the product's CPU time."""

_BLAS_CONTROLLER = []


def single_thread_blas():
    """Context capping BLAS at one thread. The loaded libraries are looked up once per process
    (``threadpool_limits`` scans them at every call, which costs as much as a whole small
    ``partial_fit`` step)."""
    from threadpoolctl import ThreadpoolController

    if not _BLAS_CONTROLLER:
        _BLAS_CONTROLLER.append(ThreadpoolController())
    return _BLAS_CONTROLLER[0].limit(limits=1, user_api="blas")
