"""Batch fits behind the estimators and the path: a 2-D ``y`` (independent outputs) or a 2-D
``sample_weight`` (one column per replicate) is a batch of problems on one design, solved
together by :func:`sparselearn.solvers._batch.fit_batch_path`."""

import numpy as np
from sklearn.base import clone

from .._checks import check_named_array
from .._design import Design
from ..solvers import alpha_max, fit_path
from ..solvers._batch import batch_alpha_max, fit_batch_path

__all__ = ["is_2d", "replicate_weights", "problems", "fit_problems", "batch_path"]


def is_2d(array):
    """Whether ``array`` (None, a list or an array) has two dimensions."""
    # np.asarray, not np.ndim: array-likes that only define __array__ (as scikit-learn's
    # estimator checks pass) refuse the array-function protocol
    return array is not None and np.asarray(array).ndim == 2


def replicate_weights(sample_weight, n_samples, name="sample_weight"):
    """A 2-D ``sample_weight`` of shape (n_samples, n_problems), one column per problem, as
    rows summing to 1: shape (n_problems, n_samples). Errors name ``name``."""
    sw = check_named_array(sample_weight, name, ndim=2)
    if sw.shape[0] != n_samples:
        raise ValueError(f"{name} must have shape (n_samples, n_problems) = ({n_samples}, ...), "
                         f"got {sw.shape}.")
    if np.any(sw < 0):
        raise ValueError(f"{name} must be non-negative.")
    totals = sw.sum(axis=0)
    if not np.all(totals > 0):
        raise ValueError(f"every column of {name} must have a positive sum; column "
                         f"{int(np.argmin(totals))} sums to {float(np.min(totals))}.")
    return np.ascontiguousarray((sw / totals).T)


def problems(Y, sw, sample_weight, n_samples):
    """The batch ``(Y, SW)``, rows one problem each, from a 2-D ``Y`` (one target per column,
    sharing the 1-D normalized weights ``sw``) or a 1-D ``Y`` with a 2-D ``sample_weight``."""
    if Y.ndim == 2 and is_2d(sample_weight):
        raise ValueError("y and sample_weight cannot both be 2-D: a 2-D y fits one problem per "
                         "target, a 2-D sample_weight one problem per column of weights.")
    if Y.ndim == 2:
        SW = np.repeat(np.asarray(sw, dtype=np.float64)[None, :], Y.shape[1], axis=0)
        return np.ascontiguousarray(Y.T, dtype=np.float64), SW
    SW = replicate_weights(sample_weight, n_samples)
    return np.repeat(np.asarray(Y, dtype=np.float64)[None, :], SW.shape[0], axis=0), SW


def fit_problems(design, Y, SW, datafit, penalty, default, ratio, *, fit_intercept, solver, tol,
                 max_iter, coef_init=None, intercept_init=None, verbose=0):
    """Fit every problem of a batch at one penalty: ``penalty``, or with ``default`` (a Penalty)
    that penalty with ``alpha = ratio * alpha_max`` of each problem.

    Returns ``(coefs, intercepts, info, penalties)``: arrays with one row per problem, ``info``
    with ``n_iter``, ``stop_crit``, ``objective`` per problem, the penalty of each problem.
    """
    n_problems = Y.shape[0]
    start = None
    if default is not None:
        a_max, start = batch_alpha_max(design, Y, SW, datafit, default, fit_intercept)
        alphas = ratio * a_max
        penalties = [clone(default).set_params(alpha=float(a)) for a in alphas]
        penalty = default
    else:
        alphas = np.full(n_problems, float(penalty.alpha))
        penalties = [penalty] * n_problems
    if solver in ("auto", "cd") and not getattr(penalty, "grouped", False):
        coefs, intercepts, info = fit_batch_path(
            design, Y, SW, datafit, penalty, alphas[:, None], fit_intercept=fit_intercept,
            tol=tol, max_iter=max_iter, coef_init=coef_init, intercept_init=intercept_init,
            start=start, verbose=verbose)
        info = {key: info[key][:, 0] for key in ("n_iter", "stop_crit", "objective")}
        return coefs[:, :, 0], intercepts[:, 0], info, penalties
    # the gradient methods and the group penalties (block coordinate descent) have no batch
    # form: one fit per problem
    coefs = np.empty((n_problems, design.n_features))
    intercepts = np.empty(n_problems)
    info = {"n_iter": np.empty(n_problems, dtype=np.int64), "stop_crit": np.empty(n_problems),
            "objective": np.empty(n_problems)}
    for k in range(n_problems):
        coef, intercept, res = fit_path(
            design, Y[k], SW[k], datafit, penalties[k], fit_intercept=fit_intercept,
            solver=solver, tol=tol, max_iter=max_iter,
            coef_init=None if coef_init is None else coef_init[k],
            intercept_init=None if intercept_init is None else intercept_init[k],
            verbose=verbose, check_input=False)
        coefs[k], intercepts[k] = coef[:, 0], intercept[0]
        for key in info:
            info[key][k] = res[key][0]
    return coefs, intercepts, info, penalties


def batch_path(X, Y, SW, datafit, penalty, alphas, n_alphas, eps, *, fit_intercept, solver, tol,
               max_iter, coef_init, verbose, alpha_grid, check_alphas):
    """:func:`sparselearn.linear_model.penalized_path` for a batch (validated ``X``, ``Y`` and
    ``SW`` with one row per problem): one alpha grid for all problems, from the largest
    ``alpha_max`` among them.

    Returns ``(alphas, coefs, info)`` with ``coefs`` of shape (n_problems, n_features,
    n_alphas) and per-problem rows in ``info``.
    """
    design = Design(X, check_finite=False)
    n_problems, n_features = Y.shape[0], X.shape[1]
    if coef_init is not None:
        coef_init = check_named_array(coef_init, "coef_init", ndim=(1, 2))
        coef_init = np.array(np.broadcast_to(coef_init, (n_problems, n_features)))\
            if coef_init.shape in ((n_features,), (n_problems, n_features)) else None
        if coef_init is None:
            raise ValueError(f"coef_init must have shape ({n_features},) or ({n_problems}, "
                             f"{n_features}).")
    start = None
    if alphas is None:
        if getattr(penalty, "grouped", False):
            a_max = [alpha_max(design, Y[k], SW[k], datafit, penalty, fit_intercept,
                               check_input=False)[0] for k in range(n_problems)]
        else:
            a_max, start = batch_alpha_max(design, Y, SW, datafit, penalty, fit_intercept)
        alphas = alpha_grid(float(np.max(a_max)), n_alphas, eps)
    else:
        alphas = check_alphas(alphas)
    if solver in ("auto", "cd") and not getattr(penalty, "grouped", False):
        coefs, intercepts, info = fit_batch_path(
            design, Y, SW, datafit, penalty, alphas, fit_intercept=fit_intercept, tol=tol,
            max_iter=max_iter, coef_init=coef_init, start=start, verbose=verbose)
        info.pop("tol")
    else:
        coefs = np.empty((n_problems, n_features, alphas.size))
        intercepts = np.empty((n_problems, alphas.size))
        info = {}
        for k in range(n_problems):
            coefs[k], intercepts[k], res = fit_path(
                design, Y[k], SW[k], datafit, penalty, alphas, fit_intercept=fit_intercept,
                solver=solver, tol=tol, max_iter=max_iter,
                coef_init=None if coef_init is None else coef_init[k], verbose=verbose,
                check_input=False)
            for key, value in res.items():
                info.setdefault(key, np.empty((n_problems, alphas.size), dtype=value.dtype))
                info[key][k] = value
    info["intercepts"] = intercepts
    return alphas, coefs, info
