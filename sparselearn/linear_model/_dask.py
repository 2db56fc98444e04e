"""The linear models on dask arrays: one pass over the data, then the in-memory solvers.

For the quadratic datafit the objective depends on the data only through the weighted means
and the centred weighted Gram of ``[X, y]``, which one pass builds (:mod:`sparselearn._chunked`).
From its factor ``R`` (``R^T R`` the centred covariance) this module builds a small dense design
of ``n_features + 1`` rows with exactly the same least-squares objective,

.. math:: \\frac{1}{m} \\lVert \\sqrt{m} R_y - \\sqrt{m} R_X w \\rVert^2
          = \\sum_i s_i ((y_i - \\bar y) - (x_i - \\bar x)^T w)^2 / \\sum_i s_i,

and runs the in-memory estimator on it (its working-set coordinate descent, every penalty). With
an intercept the small design is centred and the intercept is ``ybar - xbar^T w``, the optimum for
any ``w`` (the in-memory solver's centred coordinates, solved in closed form); without one, the
row ``sqrt(m) [xbar, ybar]`` is added so that the design has the uncentred Gram. The fit on the
small design takes the iterates of the in-memory fit: coordinate descent sees the data only
through Gram entries, which are the same.

Above :data:`_GRAM_MAX_FEATURES` features the ``p x p`` Gram is not built: working-set passes
return the full gradient and the Gram of the working set only (:func:`_working_set_solve`).
The logistic, Poisson and Huber datafits run prox-Newton, one pass per outer iteration
(:func:`_prox_newton`). Cross-validation builds the statistics of every hash fold in the same
pass; predictions on dask input are lazy (``map_blocks`` over the row chunks).
"""

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone

from .. import _chunked
from .._core import prox as _prox
from .._design import Design
from ..datafits import Huber, Quadratic, get_datafit
from ..solvers import alpha_max, fit_path
from ._cv import store_cv_results
from ._path import _alpha_grid, check_alphas
from ._validation import check_coef_init, check_penalty

__all__ = ["fit_regressor", "fit_glm_regressor", "regression_path", "fit_regressor_cv",
           "fit_classifier", "lazy_method"]


def _check_quadratic(datafit):
    datafit = get_datafit(datafit)
    if not isinstance(datafit, Quadratic):
        raise ValueError(f"datafit must be 'quadratic' for dask input (the one-pass Gram is exact "
                         f"for the least-squares loss only); got {type(datafit).__name__}.")
    return datafit


def _chunked_problem(X, y, sample_weight, multi_output):
    """``X``, ``Y`` (2-D) and the weights as aligned dask arrays, and whether ``y`` was 1-D."""
    X = _chunked.as_row_chunked(X, "X")
    Y = _chunked.align_rows(y, X, "y", ndim=(1, 2) if multi_output else (1,))
    one_target = Y.ndim == 1
    if one_target:
        Y = Y[:, None]
    if Y.shape[1] == 0:
        raise ValueError("y must have at least one target column.")
    sw = None if sample_weight is None else _chunked.align_rows(sample_weight, X,
                                                                "sample_weight")
    return X, Y, sw, one_target


def _small_design(factor, n_features, fit_intercept):
    """``(Z, T)``: a dense design and targets whose uniform-weight least-squares objective is
    the data's (centred when ``fit_intercept``)."""
    R = factor.R
    if not fit_intercept:
        R = np.vstack([factor.mean[None, :], R])
    scale = np.sqrt(R.shape[0])
    Z = np.asfortranarray(scale * R[:, :n_features])
    T = np.ascontiguousarray(scale * R[:, n_features:])
    return Z, T


def _intercepts(factor, coefs, n_features, fit_intercept, target=0):
    """``ybar - xbar^T w`` for each column of ``coefs`` (of target ``target``); zeros without
    intercept."""
    if not fit_intercept:
        return np.zeros(coefs.shape[1])
    return factor.mean[n_features + target] - factor.mean[:n_features] @ coefs


def fit_regressor(estimator, X, y, sample_weight):
    """``SparseRegressor.fit`` on a dask ``X``: one pass, then the in-memory fit of the small
    design (see the module docstring). Sets the estimator's attributes and returns it."""
    from ._estimators import SparseRegressor

    if not isinstance(get_datafit(estimator.datafit), Quadratic):
        return fit_glm_regressor(estimator, X, y, sample_weight)
    penalty = check_penalty(estimator.penalty)
    X, Y, sw, one_target = _chunked_problem(X, y, sample_weight, multi_output=True)
    n_features = X.shape[1]
    if n_features > _GRAM_MAX_FEATURES and not getattr(penalty, "grouped", False):
        return _fit_regressor_working_sets(estimator, X, Y, sw, penalty, one_target)
    factor, _, _ = _chunked.gram_factors(X, Y, sw)
    Z, T = _small_design(factor, n_features, estimator.fit_intercept)
    inner = SparseRegressor(penalty=estimator.penalty, datafit="quadratic", fit_intercept=False,
                            solver=estimator.solver, tol=estimator.tol,
                            max_iter=estimator.max_iter, warm_start=estimator.warm_start,
                            verbose=estimator.verbose)
    if estimator.warm_start and hasattr(estimator, "coef_"):
        inner.coef_ = np.asarray(estimator.coef_, dtype=np.float64)
        inner.intercept_ = np.zeros(np.shape(estimator.intercept_))
    inner.fit(Z, T[:, 0] if one_target else T)
    coefs = np.atleast_2d(inner.coef_)
    intercepts = np.array([_intercepts(factor, coefs[k][:, None], n_features,
                                       estimator.fit_intercept, target=k)[0]
                           for k in range(coefs.shape[0])])
    dtype = np.dtype(X.dtype if X.dtype in (np.float32, np.float64) else np.float64)
    coefs = coefs.astype(dtype, copy=False)
    intercepts = intercepts.astype(dtype, copy=False)
    estimator.coef_ = coefs[0] if one_target else coefs
    estimator.intercept_ = intercepts[0] if one_target else intercepts
    for name in ("n_iter_", "stop_crit_", "objective_", "penalty_"):
        setattr(estimator, name, getattr(inner, name))
    estimator.n_features_in_ = n_features
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    return estimator


#: Above this many features ``SparseRegressor.fit`` (quadratic datafit, separable penalty) does
#: not build the ``p x p`` Gram: working-set passes (:func:`_working_set_solve`) build the full
#: gradient and the Gram of the working set only, itself at most this many features.
_GRAM_MAX_FEATURES = 4096


def _working_set_solve(X, y, sw, penalty, *, default_ratio, fit_intercept, start, tol, max_iter,
                       solver):
    """Least squares plus a separable penalty by working-set passes over the chunks.

    Pass ``k`` is at ``w_k`` (supported in the working set ``ws_k``): it returns the centred
    cross-moments of every feature with the residual ``y - X w_k`` (the full gradient, and the
    intercept ``ybar - xbar^T w_k``) and the Gram of ``[X[:, ws_k], y]``. The client checks the
    optimality scores of the in-memory solvers on the full gradient; when they exceed ``tol``
    it solves the problem restricted to ``ws_k`` exactly as the one-pass path does (the in-memory
    solver on a small design with that Gram; a TSQR pass when it is ill-conditioned), and
    picks ``ws_{k + 1}`` with the in-memory rule (:func:`~sparselearn._core.working_set.
    next_working_set`: the new support plus the features that violated most at ``w_k``, outside
    ``ws_k``), capped at :data:`_GRAM_MAX_FEATURES`. The first pass (``w = 0``) gives the
    tolerance's scale and the default alpha, as in memory.

    Returns ``(w, b, info)`` with ``info`` holding ``n_iter`` (solves), ``stop_crit``,
    ``objective`` and ``penalty``.
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from .._core.working_set import next_working_set
    from ..solvers import absolute_tol, solve

    n_features = X.shape[1]
    w = np.zeros(n_features)
    ws = np.flatnonzero(start) if start is not None else np.zeros(0, dtype=np.int64)
    violation, n_iter, max_outer = np.inf, 0, 100 if max_iter is None else max_iter
    for n_iter in range(max_outer + 1):
        gram, residual = _chunked.working_set_pass(X, y, sw, w, ws)
        weight = residual.weight
        if not weight > 0:
            raise ValueError("sample_weight must have a positive sum.")
        x_mean, e_mean = residual.mean[:n_features], residual.mean[n_features]
        grad = -residual.m2[:n_features, 0] / weight
        lipschitz = residual.diag[:n_features] / weight
        if not fit_intercept:  # uncentred moments
            grad = grad - x_mean * e_mean
            lipschitz = lipschitz + x_mean**2
        if n_iter == 0:  # w = 0: the in-memory start
            curvs = lipschitz if penalty.needs_curvatures else np.zeros(n_features)
            if default_ratio is not None:
                a_max = penalty.alpha_max(grad, lipschitz, curvatures=curvs)
                penalty = clone(penalty).set_params(alpha=float(default_ratio * a_max))
            tol = absolute_tol(tol, grad)
            weights = penalty._weights(n_features)
        scores = _optimality_scores(penalty, w, grad, lipschitz, curvs)
        violation = float(np.max(scores, initial=0.0))
        if violation <= tol or n_iter == max_outer:
            break
        w_new = w.copy()
        if ws.size:
            factor = _chunked.GramFactor.from_moments(gram, ws.size)
            if factor is None:  # too ill-conditioned for Cholesky: TSQR of the working set
                factor = _chunked.GramFactor.from_qr(_chunked.qr_pass(X[:, ws], y, sw)[0])
            Z, T = _small_design(factor, ws.size, fit_intercept)
            w_init = start[ws] if (n_iter == 0 and start is not None) else w[ws]
            w_new[ws], _, _ = solve(Z, T[:, 0], None, Quadratic(),
                                    clone(penalty).set_params(weights=weights[ws]), w_init,
                                    tol=0.1 * tol, max_iter=max_iter, solver=solver, warn=False)
        ranked = scores.copy()
        ranked[ws] = 0.0  # solved on: optimal at w_new up to the inner tolerance
        support = w_new != 0
        ws = next_working_set(ranked, support, tol, 10)
        # the cap; a support beyond it grows the set by half the cap per pass
        size = max(_GRAM_MAX_FEATURES, int(support.sum()) + _GRAM_MAX_FEATURES // 2)
        if ws.size > size:
            keep = np.argpartition(-np.where(support, np.inf, ranked), size - 1)[:size]
            ws = np.sort(keep).astype(np.int64)
        w = w_new
    if violation > tol:
        warnings.warn(
            f"Objective did not converge. You might want to increase the number of iterations "
            f"(max_iter) or tol: working-set passes on dask input stopped at optimality "
            f"violation {violation:.3e} > tol={tol:.1e} after {n_iter} solves.",
            ConvergenceWarning, stacklevel=4)
    e_var = residual.m2[n_features, 0] / weight
    objective = 0.5 * (e_var if fit_intercept else e_var + e_mean**2) + penalty.value(w)
    b = e_mean if fit_intercept else 0.0
    return w, b, {"n_iter": n_iter, "stop_crit": violation, "objective": objective,
                  "penalty": penalty}


def _fit_regressor_working_sets(estimator, X, Y, sw, penalty, one_target):
    """``SparseRegressor.fit`` above :data:`_GRAM_MAX_FEATURES` features: working-set passes,
    one target at a time."""
    from ._estimators import DEFAULT_ALPHA_RATIO

    n_targets, n_features = Y.shape[1], X.shape[1]
    starts = [None] * n_targets
    if estimator.warm_start and hasattr(estimator, "coef_"):
        previous = np.asarray(estimator.coef_, dtype=np.float64).reshape(-1, n_features)
        if previous.shape[0] == n_targets:
            starts = list(previous)
    ratio = DEFAULT_ALPHA_RATIO["regression"] if estimator.penalty is None else None
    fits = [_working_set_solve(X, Y[:, k], sw, penalty, default_ratio=ratio,
                               fit_intercept=estimator.fit_intercept, start=starts[k],
                               tol=estimator.tol, max_iter=estimator.max_iter,
                               solver=estimator.solver)
            for k in range(n_targets)]
    dtype = _output_dtype(X)
    coefs = np.array([w for w, _, _ in fits], dtype=dtype)
    intercepts = np.array([b for _, b, _ in fits], dtype=dtype)
    infos = {key: [info[key] for _, _, info in fits]
             for key in ("n_iter", "stop_crit", "objective", "penalty")}
    estimator.coef_ = coefs[0] if one_target else coefs
    estimator.intercept_ = intercepts[0] if one_target else intercepts
    if one_target:
        estimator.n_iter_, estimator.stop_crit_ = int(infos["n_iter"][0]), infos["stop_crit"][0]
        estimator.objective_, estimator.penalty_ = infos["objective"][0], infos["penalty"][0]
    else:
        estimator.n_iter_ = np.array(infos["n_iter"])
        estimator.stop_crit_ = np.array(infos["stop_crit"])
        estimator.objective_ = np.array(infos["objective"])
        estimator.penalty_ = infos["penalty"]
    estimator.n_features_in_ = n_features
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    return estimator


def regression_path(X, y, *, penalty, alphas, n_alphas, eps, datafit, fit_intercept,
                    sample_weight, solver, tol, max_iter, coef_init, verbose):
    """``penalized_path`` on a dask ``X`` (quadratic datafit): one pass, then the in-memory path
    of the small design; ``info["intercepts"]`` as in memory."""
    from ._path import penalized_path

    _check_quadratic(datafit)
    penalty = check_penalty(penalty)
    X, Y, sw, _ = _chunked_problem(X, y, sample_weight, multi_output=False)
    n_features = X.shape[1]
    coef_init = check_coef_init(coef_init, n_features)
    factor, _, _ = _chunked.gram_factors(X, Y, sw)
    Z, T = _small_design(factor, n_features, fit_intercept)
    alphas, coefs, info = penalized_path(
        Z, T[:, 0], penalty=penalty, alphas=alphas, n_alphas=n_alphas, eps=eps,
        datafit="quadratic", fit_intercept=False, solver=solver, tol=tol, max_iter=max_iter,
        coef_init=coef_init, verbose=verbose)
    info["intercepts"] = _intercepts(factor, coefs, n_features, fit_intercept)
    return alphas, coefs, info


def _cv_splitter(cv):
    """The hash folds of a dask CV: ``cv`` an int (that many folds) or a HashFolds."""
    if isinstance(cv, _chunked.HashFolds):
        cv.get_n_splits()  # checks its parameters
        return cv
    if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
        return _chunked.HashFolds(n_splits=int(cv))
    raise ValueError(f"cv must be an int or a HashFolds for dask input (the folds are built in "
                     f"the single pass over the data from a hash of the row index); got {cv!r}.")


def _fold_losses(train, test, n_features, datafit, penalty, alphas,
                 fit_intercept, solver, tol, max_iter):
    """Held-out mean squared error (weighted) of the path fitted on one training fold, for each
    alpha, from the fold's moments (``SparseRegressorCV``'s ``mse_path_`` in memory)."""
    Z, T = _small_design(train, n_features, fit_intercept)
    sw = np.full(Z.shape[0], 1.0 / Z.shape[0])
    coefs, _, _ = fit_path(Design(Z, check_finite=False), T[:, 0], sw, datafit, penalty, alphas,
                           fit_intercept=False, solver=solver, tol=tol, max_iter=max_iter,
                           warn=False, check_input=False)
    intercepts = _intercepts(train, coefs, n_features, fit_intercept)
    return test.mean_loss(n_features, coefs, intercepts)


def fit_regressor_cv(estimator, X, y, sample_weight):
    """``SparseRegressorCV.fit`` on a dask ``X``: the statistics of all hash folds in one pass,
    the paths on the small training designs, the held-out losses from the fold moments."""
    from ._estimators import SparseRegressor

    datafit = _check_quadratic(estimator.datafit)
    penalty = check_penalty(estimator.penalty)
    splitter = _cv_splitter(estimator.cv)
    X, Y, sw, _ = _chunked_problem(X, y, sample_weight, multi_output=False)
    n_features = X.shape[1]
    n_folds = splitter.get_n_splits()
    if X.shape[0] < n_folds:
        raise ValueError(f"Cannot have n_splits={n_folds} greater than the number of samples in "
                         f"X: n_samples={X.shape[0]}.")
    full, train, test = _chunked.gram_factors(X, Y, sw, n_folds, splitter.random_state)
    Z, T = _small_design(full, n_features, estimator.fit_intercept)
    design = Design(Z, check_finite=False)
    sw_small = np.full(Z.shape[0], 1.0 / Z.shape[0])
    t = T[:, 0]
    if estimator.alphas is None:
        a_max, _ = alpha_max(design, t, sw_small, datafit, penalty, False, check_input=False)
        alphas = _alpha_grid(a_max, estimator.n_alphas, estimator.eps)
    else:
        alphas = check_alphas(estimator.alphas)
    losses = Parallel(n_jobs=estimator.n_jobs, prefer="threads")(
        delayed(_fold_losses)(train[k], test[k], n_features, datafit, penalty,
                              alphas, estimator.fit_intercept, estimator.solver, estimator.tol,
                              estimator.max_iter)
        for k in range(n_folds))
    best = store_cv_results(estimator, alphas, losses)
    # refit along the path down to alpha_ (warm starts keep nonconvex fits on the same branch)
    coefs, _, info = fit_path(design, t, sw_small, datafit, penalty, alphas[: best + 1],
                              fit_intercept=False, solver=estimator.solver, tol=estimator.tol,
                              max_iter=estimator.max_iter, verbose=estimator.verbose,
                              check_input=False)
    dtype = np.dtype(X.dtype if X.dtype in (np.float32, np.float64) else np.float64)
    refit = SparseRegressor(penalty=clone(penalty).set_params(alpha=estimator.alpha_),
                            datafit=estimator.datafit, fit_intercept=estimator.fit_intercept,
                            solver=estimator.solver, tol=estimator.tol,
                            max_iter=estimator.max_iter)
    refit.coef_ = coefs[:, -1].astype(dtype, copy=False)
    refit.intercept_ = dtype.type(_intercepts(full, coefs[:, -1:], n_features,
                                              estimator.fit_intercept)[0])
    refit.n_iter_ = int(info["n_iter"][-1])
    refit.stop_crit_ = float(info["stop_crit"][-1])
    refit.objective_ = float(info["objective"][-1])
    refit.penalty_ = refit.penalty
    refit.n_features_in_ = n_features
    estimator.estimator_ = refit
    estimator.coef_ = refit.coef_
    estimator.intercept_ = refit.intercept_
    estimator.n_iter_ = refit.n_iter_
    estimator.n_features_in_ = n_features
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    return estimator


def _apply_block(block, estimator, method):
    with _chunked.single_threaded():
        return getattr(estimator, method)(block)


def lazy_method(estimator, method, X):
    """``estimator.method(X)`` for a dask ``X``, lazily: a dask array computed chunk by chunk
    (``map_blocks`` over the row chunks, each running the in-memory method), never on the
    client.

    Parameters
    ----------
    estimator : fitted estimator
        A fitted linear model.
    method : str
        ``"predict"``, ``"decision_function"``, ``"predict_proba"``, ...
    X : dask.array.Array of shape (n_samples, n_features)
        Samples (unknown row chunk sizes are fine).

    Returns
    -------
    out : dask.array.Array
        Rows chunked as ``X``; the shape and dtype of the in-memory method's output.
    """
    X = _chunked.as_row_chunked(X, "X", known_rows=False)
    n_features = estimator.n_features_in_
    if X.shape[1] != n_features:
        raise ValueError(f"X has {X.shape[1]} features, but {type(estimator).__name__} is "
                         f"expecting {n_features} features as input.")
    probe_dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    probe = np.asarray(getattr(estimator, method)(np.zeros((1, n_features), dtype=probe_dtype)))
    chunks = (X.chunks[0],) + tuple((size,) for size in probe.shape[1:])
    meta = np.empty((0,) * probe.ndim, dtype=probe.dtype)
    token = f"{type(estimator).__name__.lower()}-{method}"
    if probe.ndim == 1:
        return X.map_blocks(_apply_block, estimator, method, drop_axis=1, chunks=chunks,
                            dtype=probe.dtype, meta=meta, token=token)
    return X.map_blocks(_apply_block, estimator, method, chunks=chunks, dtype=probe.dtype,
                        meta=meta, token=token)


#: Step sizes of the prox-Newton line search, scored in the pass that follows each direction
#: (the curvature statistics of that pass are at the full step).
NEWTON_STEPS = (1.0, 0.5, 0.25, 0.125, 0.0625, 0.03125)

#: Passes of the line search along one direction: when no step of :data:`NEWTON_STEPS` lowers
#: the objective (a Poisson step far from the solution overshooting), the next pass scores the
#: same steps scaled by ``NEWTON_STEPS[-1] / 2``.
MAX_LINE_SEARCH_PASSES = 4

#: Outer prox-Newton iterations (one pass each) of the non-quadratic fits on dask input when
#: ``max_iter`` is None.
MAX_NEWTON_ITER = 50


def _intercept_only(datafit, y, sw, fit_intercept=True):
    """``(b0, weight)``: the optimal intercept of the model ``w = 0`` (the in-memory start; 0
    without ``fit_intercept``) and the sum of the weights, from passes over ``y`` alone (the
    first also checks it against the datafit).

    Datafits whose intercept-only optimum is a function of the weighted mean of ``y`` (quadratic,
    logistic, Poisson) take one pass; Huber's is the root of the non-decreasing, piecewise
    linear ``g(b) = sum_i s_i f'(y_i, b)``: each pass scores ``g`` on a grid of the bracket and at
    the secant point (exact once the bracket lies on the root's linear piece), typically 3 to 5
    passes over ``y``.
    """
    summary = _chunked.target_pass(y, sw, datafit)
    weight = summary["weight"]
    if not weight > 0:
        raise ValueError("sample_weight must have a positive sum.")
    if not fit_intercept:
        return 0.0, weight
    if not isinstance(datafit, Huber):
        return datafit.intercept_only(np.array([summary["weighted_y"] / weight]), np.ones(1)), weight
    lo, hi = summary["min"], summary["max"]
    g_lo, g_hi = -np.inf, np.inf
    for _ in range(60):
        scale = max(abs(lo), abs(hi))
        if hi - lo <= 1e-15 * scale:
            break
        grid = list(np.linspace(lo, hi, 14)[1:-1])
        if np.isfinite(g_lo) and np.isfinite(g_hi) and g_hi > g_lo:
            secant = lo - g_lo * (hi - lo) / (g_hi - g_lo)
            grid += [secant, secant - 4e-16 * scale, secant + 4e-16 * scale]
        points = np.array(sorted(b for b in grid if lo < b < hi))
        values = _chunked.target_pass(y, sw, datafit, points)["grad_b"]
        if np.any(values == 0.0):
            return float(points[np.flatnonzero(values == 0.0)[0]]), weight
        below = np.flatnonzero(values < 0.0)
        if below.size:
            lo, g_lo = points[below[-1]], values[below[-1]]
        above = np.flatnonzero(values > 0.0)
        if above.size:
            hi, g_hi = points[above[0]], values[above[0]]
    return 0.5 * (lo + hi), weight


def _newton_model(stats, weight, fit_intercept, extra_curvature=None):
    """The quadratic model of the datafit at the point of ``stats`` as a small least-squares
    design: ``(R, V_g)`` with ``R^T R`` the curvature Gram (centred with an intercept, plus
    ``diag(extra_curvature)``) and ``V_g`` the gradient in ``R``'s row space (``R^T V_g = g``),
    the model's per-feature curvatures (its diagonal), and the intercept's data."""
    curvature = stats["curvature"]
    grad_x, grad_b = stats["grad_x"] / weight, stats["grad_b"] / weight
    h_total, h_mean = curvature.weight / weight, curvature.mean
    gram = curvature.m2 / weight
    if fit_intercept:
        grad_c = grad_x - h_mean * grad_b
    else:
        grad_c = grad_x
        gram = gram + h_total * np.outer(h_mean, h_mean)
    if extra_curvature is not None:
        gram = gram + np.diag(extra_curvature)
    eigvals, eigvecs = np.linalg.eigh(0.5 * (gram + gram.T))
    keep = eigvals > eigvals[-1] * 1e-13
    root = np.sqrt(eigvals[keep])
    R = root[:, None] * eigvecs[:, keep].T
    grad_rows = (eigvecs[:, keep].T @ grad_c) / root
    return {"R": R, "grad_rows": grad_rows, "grad_x": grad_x, "grad_b": grad_b,
            "grad_c": grad_c, "h_total": h_total, "h_mean": h_mean,
            "lipschitz": np.diag(gram).copy()}


def _optimality_scores(penalty, w, grad, lipschitz, curvs):
    """The in-memory solvers' per-feature (per-group) optimality violations at ``w``."""
    if getattr(penalty, "grouped", False):
        return penalty.subdiff_distance(w, grad)
    return _prox.optimality_scores(penalty._code, penalty._params(), penalty._weights(w.shape[0]),
                                   curvs, w, grad, lipschitz)


def _check_curvature_penalty(penalty, datafit):
    """Penalties that need the datafit's curvature per feature (CEL0) apply when the Newton
    model's curvatures are the datafit's curvature bound (Huber), as they are in memory."""
    if penalty.needs_curvatures and not isinstance(datafit, Huber):
        raise ValueError(f"penalty {type(penalty).__name__} is not supported for dask input with "
                         f"the {type(datafit).__name__} datafit (it needs the datafit's curvature "
                         f"bound per feature, which only the Huber and quadratic passes build).")


def _prox_newton(X, y, sw, datafit, penalty, *, default_penalty, fit_intercept, start, tol,
                 max_iter, solver):
    """Prox-Newton for ``F(Xw + b) + pen(w)`` on dask chunks: one pass per outer iteration.

    Each pass returns, at the current point, the datafit gradient and the Gram of ``X``
    weighted by the datafit's curvatures from ``raw_grad_hess`` (the second derivative for
    logistic and Poisson, the curvature bound for Huber, whose model then majorizes the
    objective); the client minimizes the quadratic model plus the penalty with the in-memory
    coordinate descent, on a small design whose least-squares objective is the model, and the
    next pass scores the steps of :data:`NEWTON_STEPS` along that direction while it builds the
    statistics at the full step. A shorter step costs one more pass. The start, the tolerance
    and the default penalty are the in-memory fit's: the intercept-only model and its gradient.

    Parameters
    ----------
    X, y, sw : dask.array.Array
        Aligned chunks (``y`` in the datafit's domain, ``sw`` None or the weights).
    datafit : Datafit
        Logistic, Poisson or Huber.
    penalty : Penalty
        The penalty (ignored when ``default_penalty`` is given).
    default_penalty : tuple or None
        ``(template, ratio)``: fit ``template`` with ``alpha = ratio * alpha_max`` (the
        estimators' ``penalty=None``).
    fit_intercept : bool
        Fit an unpenalized intercept.
    start : tuple or None
        ``(w, b)`` of a warm start; None starts at the intercept-only model.
    tol : float
        Relative tolerance (the estimators' ``tol``).
    max_iter : int or None
        Outer iterations (None: :data:`MAX_NEWTON_ITER`).
    solver : str
        The in-memory solver of each model.

    Returns
    -------
    w : ndarray of shape (n_features,)
    b : float
    info : dict
        ``n_iter``, ``stop_crit``, ``objective`` and ``penalty`` (the one fitted).
    """
    import warnings

    from sklearn.exceptions import ConvergenceWarning

    from ..solvers import absolute_tol, solve

    n_features = X.shape[1]
    b0, _ = _intercept_only(datafit, y, sw, fit_intercept)
    # Huber's curvatures are its bound: the curvature Gram does not move, one pass builds it
    fixed_curvature = isinstance(datafit, Huber)
    zeros = np.zeros(n_features)
    stats = _chunked.newton_pass(X, y, sw, datafit, zeros, b0, zeros, 0.0, [1.0])
    weight = stats["weight"]
    held_curvature = stats["curvature"]
    model = _newton_model(stats, weight, fit_intercept)
    grad0 = model["grad_x"]
    template = penalty if default_penalty is None else default_penalty[0]
    _check_curvature_penalty(template, datafit)
    curvs = (model["lipschitz"] if template.needs_curvatures
             else np.zeros(n_features))  # Huber: the bound times the centred column norms
    if default_penalty is not None:
        template, ratio = default_penalty
        a_max = template.alpha_max(grad0, model["lipschitz"], curvatures=curvs)
        penalty = clone(template).set_params(alpha=float(ratio * a_max))
    tol = absolute_tol(tol, grad0)
    max_outer = MAX_NEWTON_ITER if max_iter is None else max_iter
    w, b = zeros, b0
    if start is not None and (np.any(start[0] != 0) or start[1] != b0):
        w, b = np.array(start[0], dtype=np.float64), float(start[1])
        stats = _chunked.newton_pass(X, y, sw, datafit, w, b, zeros, 0.0, [1.0],
                                     curvature=not fixed_curvature)
        model = None
    objective = stats["losses"][0] / weight + penalty.value(w)
    grouped = getattr(penalty, "grouped", False)
    concavity = None if grouped else _prox.concavities(
        penalty._code, penalty._params(), penalty._weights(n_features), curvs)
    convexify = False
    violation, n_iter = np.inf, 0
    for n_iter in range(max_outer + 1):
        if model is None:
            if fixed_curvature:
                stats["curvature"] = held_curvature
            model = _newton_model(stats, weight, fit_intercept)
        grad_x, grad_b = model["grad_x"], model["grad_b"]
        violation = float(np.max(_optimality_scores(penalty, w, model["grad_c"],
                                                    model["lipschitz"], curvs), initial=0.0))
        if fit_intercept:
            violation = max(violation, abs(grad_b))
        if violation <= tol or n_iter == max_outer:
            break
        step_model = model
        if convexify:  # a rejected step: coordinate models at least as curved as the penalty
            step_model = _newton_model(stats, weight, fit_intercept,
                                       np.maximum(concavity - model["lipschitz"], 0.0))
        # the model's minimizer: ||sqrt(m) (R w - grad_rows) - sqrt(m) R w'||^2 / (2 m) + pen
        R = step_model["R"]
        scale = np.sqrt(R.shape[0])
        w_model, _, _ = solve(np.asfortranarray(scale * R),
                              scale * (R @ w - step_model["grad_rows"]),
                              None, Quadratic(), penalty, w, tol=max(0.1 * tol, 1e-6 * violation),
                              solver=solver, warn=False)
        dw = w_model - w
        h_total, h_mean = model["h_total"], model["h_mean"]
        db = -(grad_b + h_total * (h_mean @ dw)) / h_total if fit_intercept else 0.0
        decrease = grad_x @ dw + grad_b * db + penalty.value(w_model) - penalty.value(w)
        # Armijo's sufficient decrease, up to the rounding of the summed losses (near the
        # optimum the decrease of a Newton step falls below it)
        slack = 64 * np.finfo(float).eps * abs(objective)
        steps = np.asarray(NEWTON_STEPS)
        for _ in range(MAX_LINE_SEARCH_PASSES):
            trial = _chunked.newton_pass(X, y, sw, datafit, w, b, dw, db, steps,
                                         curvature=not fixed_curvature)
            with np.errstate(invalid="ignore", over="ignore"):
                values = np.array([trial["losses"][k] / weight + penalty.value(w + t * dw)
                                   for k, t in enumerate(steps)])
                accepted = np.flatnonzero(values <= objective + slack
                                          + 1e-4 * steps * min(decrease, 0.0))
            values = np.where(np.isnan(values), np.inf, values)
            k = int(accepted[0]) if accepted.size else int(np.argmin(values))
            if values[k] <= objective + slack:
                break
            steps = steps * (NEWTON_STEPS[-1] / 2)
        if values[k] > objective + slack:  # no step lowers the objective
            if not convexify and concavity is not None and np.any(concavity > 0.0):
                convexify = True
                continue
            break
        convexify = False
        w, b, objective = w + steps[k] * dw, b + steps[k] * db, values[k]
        if k == 0:
            stats, model = trial, None
        else:
            stats = _chunked.newton_pass(X, y, sw, datafit, w, b, zeros, 0.0, [1.0],
                                         curvature=not fixed_curvature)
            model = None
    if violation > tol:
        warnings.warn(
            f"Objective did not converge. You might want to increase the number of iterations "
            f"(max_iter) or tol: prox-Newton on dask input stopped at optimality violation "
            f"{violation:.3e} > tol={tol:.1e} after {n_iter} outer iterations.",
            ConvergenceWarning, stacklevel=4)
    return w, b, {"n_iter": n_iter, "stop_crit": violation, "objective": objective,
                  "penalty": penalty}


def _output_dtype(X):
    return np.dtype(X.dtype if X.dtype in (np.float32, np.float64) else np.float64)


def fit_glm_regressor(estimator, X, y, sample_weight):
    """``SparseRegressor.fit`` on a dask ``X`` with the Poisson or Huber datafit: prox-Newton,
    one pass per outer iteration (:func:`_prox_newton`). Sets the attributes, returns the
    estimator."""
    from ._estimators import DEFAULT_ALPHA_RATIO

    datafit = get_datafit(estimator.datafit)
    penalty = check_penalty(estimator.penalty)
    X = _chunked.as_row_chunked(X, "X")
    y = _chunked.align_rows(y, X, "y")
    sw = None if sample_weight is None else _chunked.align_rows(sample_weight, X,
                                                                "sample_weight")
    n_features = X.shape[1]
    start = None
    if (estimator.warm_start and hasattr(estimator, "coef_")
            and np.shape(estimator.coef_) == (n_features,)):
        start = (np.asarray(estimator.coef_, dtype=np.float64),
                 float(estimator.intercept_) if estimator.fit_intercept else 0.0)
    default = (None if estimator.penalty is not None
               else (penalty, DEFAULT_ALPHA_RATIO["regression"]))
    w, b, info = _prox_newton(X, y, sw, datafit, penalty, default_penalty=default,
                              fit_intercept=estimator.fit_intercept, start=start,
                              tol=estimator.tol, max_iter=estimator.max_iter,
                              solver=estimator.solver)
    dtype = _output_dtype(X)
    estimator.coef_ = w.astype(dtype)
    estimator.intercept_ = dtype.type(b)
    estimator.n_iter_ = int(info["n_iter"])
    estimator.stop_crit_ = float(info["stop_crit"])
    estimator.objective_ = float(info["objective"])
    estimator.penalty_ = info["penalty"]
    estimator.n_features_in_ = n_features
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    return estimator


def fit_classifier(estimator, X, y, sample_weight):
    """``SparseClassifier.fit`` on a dask ``X`` (two classes): prox-Newton on the logistic loss,
    one pass per outer iteration (:func:`_prox_newton`)."""
    import dask.array as da

    from ..datafits import Logistic
    from ..penalties import ElasticNet
    from ._estimators import DEFAULT_ALPHA_RATIO

    penalty = check_penalty(estimator.penalty)
    if estimator.class_weight is not None:
        raise ValueError("class_weight is not supported for dask input; pass the weights of the "
                         "classes in sample_weight.")
    X = _chunked.as_row_chunked(X, "X")
    y = _chunked.align_rows(y, X, "y", real=False)
    classes = np.unique(np.asarray(da.unique(y).compute()))
    if classes.size != 2:
        raise ValueError(f"SparseClassifier on dask input needs samples of exactly 2 classes in "
                         f"y, got {classes.size}: {classes[:5].tolist()}.")
    y_pm = da.where(y == classes[1], 1.0, -1.0)
    sw = None if sample_weight is None else _chunked.align_rows(sample_weight, X,
                                                                "sample_weight")
    n_features = X.shape[1]
    start = None
    if (estimator.warm_start and hasattr(estimator, "coef_")
            and np.shape(estimator.coef_) == (1, n_features)):
        start = (np.array(estimator.coef_[0], dtype=np.float64),
                 float(estimator.intercept_[0]) if estimator.fit_intercept else 0.0)
    default = (None if estimator.penalty is not None
               else (ElasticNet(l1_ratio=0.5), DEFAULT_ALPHA_RATIO["classification"]))
    w, b, info = _prox_newton(X, y_pm, sw, Logistic(), penalty, default_penalty=default,
                              fit_intercept=estimator.fit_intercept, start=start,
                              tol=estimator.tol, max_iter=estimator.max_iter,
                              solver=estimator.solver)
    dtype = _output_dtype(X)
    estimator.classes_ = classes
    estimator.coef_ = w[None, :].astype(dtype)
    estimator.intercept_ = np.array([b], dtype=dtype)
    estimator.n_iter_ = np.array([info["n_iter"]])
    estimator.penalty_ = info["penalty"]
    estimator.n_features_in_ = n_features
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    return estimator
