"""The solve of a group penalty (``penalty.grouped``): block coordinate descent with working sets
over groups, or FISTA for penalties that couple the groups; algorithms in
:mod:`sparselearn._core.group_bcd`."""

import numpy as np

from .._core import datafit as _datafit_kernels
from .._core import group_bcd as _group_bcd
from .._core import group_prox as _gprox
from ._common import finish


def solve_grouped(design, y, sw, datafit, penalty, w, b, fit_intercept, solver, tol, max_iter,
                  verbose, warn, cache):
    """Minimize ``F(Xw + b) + pen(w)`` for a group penalty, on validated arrays.

    ``solver``: ``"auto"`` and ``"cd"`` run block coordinate descent with working sets over
    groups (``"auto"`` runs FISTA for a penalty that is not block separable); ``"fista"`` runs
    FISTA with backtracking. Returns ``(w, b, info)`` as :func:`sparselearn.solvers.solve`.
    """
    gindptr, gindices, gweights, _ = penalty._structure(design.n_features)
    pcode, params = penalty._gcode, penalty._params()
    dcode, dparams = datafit._code, datafit._params()
    if solver == "agd":
        raise ValueError("solver='agd' does not apply to group penalties: use 'auto', 'cd' or "
                         "'fista'.")
    if solver == "cd" and not penalty.block_separable:
        raise ValueError(f"solver='cd' needs a block-separable penalty; "
                         f"{type(penalty).__name__} couples the groups: use 'auto' or 'fista'.")
    if solver in ("auto", "cd") and penalty.block_separable:
        key = ("group", fit_intercept)
        path_cache = None if cache is None else cache.setdefault(key, {})
        w, b, n_iter, stop_crit, n_epochs, history = _group_bcd.group_working_set(
            design.arrays, y, sw, dcode, dparams, w, b, fit_intercept, pcode, params, gweights,
            gindptr, gindices, tol, 100 if max_iter is None else max_iter, 10_000, 10, 5, verbose,
            path_cache)
        info = finish(n_iter, stop_crit, tol, "cd", warn, unit="outer iterations")
        info.update(n_epochs=n_epochs, history=history)
    else:
        bound = _datafit_kernels.curvature_bound(dcode)
        scale = bound if np.isfinite(bound) else 1.0
        lipschitz = scale * (design.spectral_norm_sq(sw) + (1.0 if fit_intercept else 0.0))
        lipschitz = max(lipschitz, 1e-12)
        w, b, n_iter, stop_crit = _group_bcd.group_fista(
            *design.arrays, y, sw, dcode, dparams, np.asarray(w, dtype=np.float64), float(b),
            fit_intercept, pcode, params, gweights, gindptr, gindices, lipschitz,
            10_000 if max_iter is None else max_iter, tol)
        info = finish(n_iter, stop_crit, tol, "fista", warn)
    z = design.matvec(w) + b
    info["objective"] = float(_datafit_kernels.value(dcode, dparams, y, z, sw)
                              + _gprox.value(pcode, params, gweights, gindptr, gindices, w))
    return w, float(b), info
