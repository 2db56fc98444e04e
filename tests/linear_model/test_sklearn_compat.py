"""scikit-learn's own Lasso / ElasticNet / path / CV tests, run against sparselearn.

The installed ``sklearn/linear_model/tests/test_coordinate_descent.py`` is loaded with
``Lasso``, ``ElasticNet``, ``LassoCV``, ``ElasticNetCV``, ``lasso_path`` and ``enet_path`` bound to
the thin adapters below (scikit-learn's signatures mapped onto ``SparseRegressor``,
``SparseRegressorCV`` and ``penalized_path``; every fitted number comes from sparselearn). Its test
functions are collected from this module, so each one passes or fails under its own name, with
scikit-learn's assertion message. Tests the adapters cannot cover are listed in ``EXCLUDED`` with
the reason; parametrizations over scikit-learn's multi-task estimators (group-lasso models that
sparselearn does not provide) are dropped from the parameter lists.
"""

import importlib.util
import numbers
import os

import numpy as np
import pytest
import sklearn
import sklearn.linear_model as sklm
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from sparselearn.linear_model import SparseRegressor, SparseRegressorCV, penalized_path
from sparselearn.penalties import L1
from sparselearn.penalties import ElasticNet as ElasticNetPenalty

_SKLEARN_TESTS = os.path.join(os.path.dirname(sklearn.__file__), "linear_model", "tests",
                              "test_coordinate_descent.py")
if not os.path.exists(_SKLEARN_TESTS):
    pytest.skip("this scikit-learn installation ships without its tests",
                allow_module_level=True)


def _penalty(alpha, l1_ratio, positive):
    if l1_ratio == 1.0:
        return L1(alpha=alpha, positive=positive)
    return ElasticNetPenalty(alpha=alpha, l1_ratio=l1_ratio, positive=positive)


def _duality_gap(X, y, coef, intercept, alpha, l1_ratio, sample_weight=None):
    """Duality gap of the elastic-net objective ``||y - Xw - b||^2 / (2n) + alpha l1_ratio ||w||_1
    + alpha (1 - l1_ratio) ||w||^2 / 2`` at the fitted point (scikit-learn's ``dual_gap_``): a
    diagnostic computed from sparselearn's solution, not a solver quantity."""
    X = X.toarray() if hasattr(X, "toarray") else np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    sw = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    sw = sw * n / sw.sum()
    Y = np.asarray(y, dtype=np.float64).reshape(n, -1)
    W = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    B = np.atleast_1d(np.asarray(intercept, dtype=np.float64))
    gaps = []
    l1, l2 = alpha * l1_ratio, alpha * (1.0 - l1_ratio)
    for k in range(Y.shape[1]):
        w = W[k]
        r = Y[:, k] - X @ w - B[k]
        primal = (sw * r**2).sum() / (2 * n) + l1 * np.abs(w).sum() + l2 * (w @ w) / 2
        corr = X.T @ (sw * r) / n - l2 * w
        scale = min(1.0, l1 / np.max(np.abs(corr))) if np.any(corr) and l1 > 0 else 1.0
        theta = scale * sw * r / n  # dual point; n theta_i^2 / (2 s_i) written without 1 / s_i
        dual = (theta @ Y[:, k] - B[k] * theta.sum() - scale**2 * (sw * r**2).sum() / (2 * n)
                - l2 * (scale * w) @ (scale * w) / 2)
        gaps.append(max(primal - dual, 0.0))
    return gaps[0] if len(gaps) == 1 else np.array(gaps)


class ElasticNet(RegressorMixin, BaseEstimator):
    """scikit-learn's ``ElasticNet`` signature onto ``SparseRegressor(penalty=ElasticNet)``."""

    _l1_only = False

    def __init__(self, alpha=1.0, *, l1_ratio=0.5, fit_intercept=True, precompute=False,
                 max_iter=1000, copy_X=True, tol=1e-4, warm_start=False, positive=False,
                 random_state=None, selection="cyclic"):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.copy_X = copy_X
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection

    def fit(self, X, y, sample_weight=None, check_input=True):
        l1_ratio = 1.0 if self._l1_only else self.l1_ratio
        est = SparseRegressor(penalty=_penalty(self.alpha, l1_ratio, self.positive),
                              fit_intercept=self.fit_intercept, tol=self.tol,
                              max_iter=self.max_iter, warm_start=self.warm_start)
        if self.warm_start and hasattr(self, "coef_"):
            est.coef_, est.intercept_ = self.coef_, getattr(self, "intercept_", 0.0)
        est.fit(X, y, sample_weight=sample_weight)
        self.estimator_ = est
        self.coef_, self.intercept_, self.n_iter_ = est.coef_, est.intercept_, est.n_iter_
        self.n_features_in_ = est.n_features_in_
        if hasattr(est, "feature_names_in_"):
            self.feature_names_in_ = est.feature_names_in_
        self.dual_gap_ = _duality_gap(X, y, est.coef_, est.intercept_, self.alpha, l1_ratio,
                                      sample_weight)
        return self

    @property
    def sparse_coef_(self):
        import scipy.sparse as sp
        return sp.csr_matrix(self.coef_)

    def predict(self, X):
        return self.estimator_.predict(X)


class Lasso(ElasticNet):
    """scikit-learn's ``Lasso`` signature onto ``SparseRegressor(penalty=L1)``."""

    _l1_only = True

    def __init__(self, alpha=1.0, *, fit_intercept=True, precompute=False, copy_X=True,
                 max_iter=1000, tol=1e-4, warm_start=False, positive=False, random_state=None,
                 selection="cyclic"):
        super().__init__(alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept,
                         precompute=precompute, max_iter=max_iter, copy_X=copy_X, tol=tol,
                         warm_start=warm_start, positive=positive, random_state=random_state,
                         selection=selection)

    def get_params(self, deep=True):
        params = super().get_params(deep)
        params.pop("l1_ratio", None)
        return params

    @classmethod
    def _get_param_names(cls):
        return sorted(set(ElasticNet._get_param_names()) - {"l1_ratio"})


def _grid(alphas, n_alphas):
    """scikit-learn's ``alphas`` (an int: how many; an array: the grid) as ours."""
    if isinstance(alphas, str) or alphas is None:
        return None, 100 if n_alphas in (None, "deprecated") else n_alphas
    if isinstance(alphas, numbers.Integral):
        return None, int(alphas)
    return alphas, 100


@validate_params({"X": ["array-like", "sparse matrix"], "y": ["array-like"]},
                 prefer_skip_nested_validation=True)
def enet_path(X, y, *, l1_ratio=0.5, eps=1e-3, n_alphas="deprecated", alphas="warn",
              precompute="auto", Xy=None, copy_X=True, coef_init=None, verbose=False,
              return_n_iter=False, positive=False, check_input=True, **params):
    """scikit-learn's ``enet_path`` onto ``penalized_path`` (no intercept, as scikit-learn's)."""
    unknown = set(params) - {"tol", "max_iter", "random_state", "selection", "sample_weight"}
    if unknown:
        raise ValueError(f"Unexpected parameters in params: {sorted(unknown)}")
    grid, count = _grid(alphas, n_alphas)
    alphas_, coefs, info = penalized_path(
        X, y, penalty=_penalty(1.0, l1_ratio, positive), alphas=grid, n_alphas=count, eps=eps,
        tol=params.get("tol", 1e-4), max_iter=params.get("max_iter", 1000),
        sample_weight=params.get("sample_weight"), coef_init=coef_init, verbose=int(verbose))
    gaps = np.array([_duality_gap(X, y, coefs[:, k], 0.0, a, l1_ratio,
                                  params.get("sample_weight"))
                     for k, a in enumerate(alphas_)])
    if return_n_iter:
        return alphas_, coefs, gaps, info["n_iter"]
    return alphas_, coefs, gaps


def lasso_path(X, y, *, eps=1e-3, n_alphas="deprecated", alphas="warn", precompute="auto",
               Xy=None, copy_X=True, coef_init=None, verbose=False, return_n_iter=False,
               positive=False, **params):
    """scikit-learn's ``lasso_path`` onto ``penalized_path`` with ``L1``."""
    return enet_path(X, y, l1_ratio=1.0, eps=eps, n_alphas=n_alphas, alphas=alphas,
                     coef_init=coef_init, verbose=verbose, return_n_iter=return_n_iter,
                     positive=positive, **params)


class ElasticNetCV(RegressorMixin, BaseEstimator):
    """scikit-learn's ``ElasticNetCV`` (one ``l1_ratio``) onto ``SparseRegressorCV``."""

    _l1_only = False
    _parameter_constraints = {
        "l1_ratio": [Interval(numbers.Real, 0, 1, closed="both")],
        "alphas": [Interval(numbers.Integral, 1, None, closed="left"), "array-like"],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "selection": [StrOptions({"cyclic", "random"})],
    }

    def __init__(self, *, l1_ratio=0.5, eps=1e-3, alphas=100, fit_intercept=True,
                 precompute="auto", max_iter=1000, tol=1e-4, cv=None, copy_X=True, verbose=0,
                 n_jobs=None, positive=False, random_state=None, selection="cyclic"):
        self.l1_ratio = l1_ratio
        self.eps = eps
        self.alphas = alphas
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.cv = cv
        self.copy_X = copy_X
        self.verbose = verbose
        self.n_jobs = n_jobs
        self.positive = positive
        self.random_state = random_state
        self.selection = selection

    def fit(self, X, y, sample_weight=None, **params):
        if params:
            raise ValueError(f"{sorted(params)} are passed but are not explicitly set as "
                             "requested or not requested; metadata routing is not enabled.")
        self._validate_params()
        l1_ratio = 1.0 if self._l1_only else self.l1_ratio
        grid, count = _grid(self.alphas, None)
        est = SparseRegressorCV(penalty=_penalty(1.0, l1_ratio, self.positive), alphas=grid,
                                n_alphas=count, eps=self.eps, cv=5 if self.cv is None else self.cv,
                                fit_intercept=self.fit_intercept, tol=self.tol,
                                max_iter=self.max_iter, n_jobs=self.n_jobs)
        est.fit(X, y, sample_weight=sample_weight)
        self.estimator_ = est
        for name in ("alpha_", "alphas_", "mse_path_", "coef_", "intercept_", "n_iter_",
                     "n_features_in_"):
            setattr(self, name, getattr(est, name))
        self.l1_ratio_ = l1_ratio
        self.dual_gap_ = _duality_gap(X, y, est.coef_, est.intercept_, est.alpha_, l1_ratio,
                                      sample_weight)
        return self

    def predict(self, X):
        return self.estimator_.predict(X)


class LassoCV(ElasticNetCV):
    """scikit-learn's ``LassoCV`` onto ``SparseRegressorCV(penalty=L1)``."""

    _l1_only = True
    _parameter_constraints = {k: v for k, v in ElasticNetCV._parameter_constraints.items()
                              if k != "l1_ratio"}

    def __init__(self, *, eps=1e-3, alphas=100, fit_intercept=True, precompute="auto",
                 max_iter=1000, tol=1e-4, copy_X=True, cv=None, verbose=False, n_jobs=None,
                 positive=False, random_state=None, selection="cyclic"):
        super().__init__(l1_ratio=1.0, eps=eps, alphas=alphas, fit_intercept=fit_intercept,
                         precompute=precompute, max_iter=max_iter, tol=tol, cv=cv,
                         copy_X=copy_X, verbose=verbose, n_jobs=n_jobs, positive=positive,
                         random_state=random_state, selection=selection)

    @classmethod
    def _get_param_names(cls):
        return sorted(set(ElasticNetCV._get_param_names()) - {"l1_ratio"})


_ADAPTERS = {"Lasso": Lasso, "ElasticNet": ElasticNet, "LassoCV": LassoCV,
             "ElasticNetCV": ElasticNetCV, "lasso_path": lasso_path, "enet_path": enet_path}

#: scikit-learn tests not run, with the reason.
EXCLUDED = {
    # scikit-learn's private internals
    "test_set_order_dense": "sklearn's private _set_order helper",
    "test_set_order_sparse": "sklearn's private _set_order helper",
    "test_cython_solver_equivalence": "sklearn's private Cython cd_fast kernels",
    "test_lassoCV_does_not_set_precompute": "monkeypatches sklearn's private "
                                            "_coordinate_descent.Lasso used inside LassoCV",
    # precompute / Gram / check_input / copy_X: options of sklearn's solver, not of ours
    "test_elasticnet_precompute_incorrect_gram": "user-supplied Gram matrix (precompute=array)",
    "test_elasticnet_precompute_gram_weighted_samples": "user-supplied Gram matrix",
    "test_overridden_gram_matrix": "user-supplied Gram matrix",
    "test_check_input_false": "check_input=False skipping of validation (ours always validates)",
    "test_enet_copy_X_False_check_input_False": "copy_X=False in-place centring of X",
    "test_warm_start_convergence": "asserts the cold fit takes more than 2 iterations; our "
                                   "n_iter_ counts working-set outer iterations (2 here), not "
                                   "epochs (the warm start at the solution reports 0, tested in "
                                   "test_estimators.py)",
    "test_linear_models_cv_fit_with_loky": "runs the CV under joblib's loky process backend: "
                                           "every worker process imports and loads the Numba "
                                           "kernels (14-24 s here, over the suite's budget); "
                                           "SparseRegressorCV runs its folds in threads "
                                           "(test_defaults.py::test_threaded_cv_equals_serial)",
    # multi-task (group-lasso) models: not in sparselearn
    "test_multi_task_lasso_vs_skglm": "MultiTaskLasso",
    "test_multi_task_lasso_and_enet": "MultiTaskLasso / MultiTaskElasticNet",
    "test_multi_task_lasso_readonly_data": "MultiTaskLasso",
    "test_multitask_enet_and_lasso_cv": "MultiTaskElasticNetCV / MultiTaskLassoCV",
    "test_multi_task_lasso_cv_dtype": "MultiTaskLassoCV",
    "test_warm_start_multitask_lasso": "MultiTaskLasso",
    "test_1d_multioutput_lasso_and_multitask_lasso_cv": "compares with MultiTaskLassoCV",
    "test_1d_multioutput_enet_and_multitask_enet_cv": "compares with MultiTaskElasticNetCV over "
                                                      "a list of l1_ratio",
    # ElasticNetCV over a list of l1_ratio: SparseRegressorCV selects alpha for one penalty
    # (GridSearchCV over penalty__l1_ratio covers the rest)
    "test_enet_path": "ElasticNetCV(l1_ratio=[...]) and MultiTaskElasticNet",
    "test_enet_cv_grid_search": "ElasticNetCV(l1_ratio=[...]) (l1_ratio_ selection)",
    "test_enet_l1_ratio": "asserts sklearn's wording for l1_ratio=0 without alphas and "
                          "MultiTaskElasticNetCV (ours: ValueError naming l1_ratio)",
    # scikit-learn's own messages, deprecations and advice
    "test_lasso_alpha_warning": "sklearn's UserWarning advising LinearRegression at alpha=0 "
                                "(our solver handles alpha=0)",
    "test_path_function_deprecated_n_alphas": "sklearn's n_alphas deprecation FutureWarning",
    "test_cv_estimators_reject_params_with_no_routing_enabled": "metadata routing of fit "
                                                                 "params (groups)",
}

#: Parameter sets not run (by pytest id), with the reason; removed at collection by
#: ``tests/linear_model/conftest.py``.
EXCLUDED_PARAMS = {
    "test_sparse_dense_descent_paths[csr_matrix-2-enet_path]": "lasso_path with 2-D y is "
    "sklearn's multi-task (group) path",
    "test_sparse_dense_descent_paths[csr_matrix-2-lasso_path]": "multi-task path",
    "test_sparse_dense_descent_paths[csr_array-2-enet_path]": "multi-task path",
    "test_sparse_dense_descent_paths[csr_array-2-lasso_path]": "multi-task path",
}


def _load_sklearn_tests():
    """Import scikit-learn's test module with the adapters in place of its estimators (bound
    while the module executes, so parametrize lists hold the adapters too)."""
    saved = {name: getattr(sklm, name) for name in _ADAPTERS}
    spec = importlib.util.spec_from_file_location("_sklearn_test_coordinate_descent",
                                                  _SKLEARN_TESTS)
    module = importlib.util.module_from_spec(spec)
    try:
        for name, adapter in _ADAPTERS.items():
            setattr(sklm, name, adapter)
        spec.loader.exec_module(module)
    finally:
        for name, original in saved.items():
            setattr(sklm, name, original)
    return module


_MULTI_TASK = tuple(getattr(sklm, name) for name in dir(sklm) if name.startswith("MultiTask"))


def _param_values(value):
    if hasattr(value, "values"):  # pytest.param
        return tuple(value.values)
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def _trim_params(func):
    """Remove the parameter sets naming a scikit-learn multi-task estimator, and those with
    ``precompute`` other than False: the adapters have no Gram precomputation, so they would
    repeat the ``precompute=False`` case exactly."""
    for mark in getattr(func, "pytestmark", []):
        if mark.name != "parametrize" or not isinstance(mark.args[1], list):
            continue
        names = mark.args[0]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        values = mark.args[1]
        kept = [v for v in values
                if not any(isinstance(x, type) and issubclass(x, _MULTI_TASK)
                           for x in _param_values(v))]
        if "precompute" in names:
            at = names.index("precompute")
            kept = [v for v in kept if _param_values(v)[at] is False]
        values[:] = kept
    return func


def _collect():
    module = _load_sklearn_tests()
    tests = {}
    for name in dir(module):
        if name.startswith("test_") and name not in EXCLUDED:
            tests[name] = _trim_params(getattr(module, name))
    return tests


globals().update(_collect())
