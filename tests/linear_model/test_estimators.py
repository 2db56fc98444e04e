"""scikit-learn contract, input validation, dtypes, warm starts."""

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparselearn.linear_model import SparseClassifier, SparseRegressor, SparseRegressorCV
from sparselearn.penalties import L1, MCP, SCAD, Lq


def _replicate_weights_allowed(estimator):
    """scikit-learn's ``check_sample_weights_shape`` asserts that a 2-D ``sample_weight`` is
    refused; these estimators fit one problem per column of it instead (batched fits, issue 19),
    which ``tests/linear_model/test_batch.py`` tests."""
    if isinstance(estimator, (SparseRegressor, SparseClassifier)):
        return {"check_sample_weights_shape": "a 2-D sample_weight fits one problem per column"}
    return {}


# tight tol: the sample-weight equivalence checks compare fits at 1e-7
@parametrize_with_checks([
    SparseRegressor(penalty=L1(alpha=0.01), tol=1e-10),
    SparseRegressor(penalty=MCP(alpha=0.01), tol=1e-10),
    SparseRegressor(penalty=L1(alpha=0.01), datafit="huber", tol=1e-10),
    SparseClassifier(penalty=L1(alpha=0.01), tol=1e-12),
    SparseRegressorCV(n_alphas=5, cv=3, tol=1e-10),
], expected_failed_checks=_replicate_weights_allowed, xfail_strict=True)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("bad, match", [
    (dict(penalty=L1(alpha=-1.0)), "alpha"),
    (dict(penalty=MCP(gamma=0.5)), "gamma"),
    (dict(penalty=SCAD(gamma=1.5)), "gamma"),
    (dict(penalty=Lq(q=1.5)), "q"),
    (dict(solver="newton"), "solver"),
    (dict(tol=-1.0), "tol"),
    (dict(datafit="hinge"), "datafit"),
])
def test_bad_parameters_are_named(bad, match):
    X = np.random.default_rng(0).standard_normal((10, 3))
    with pytest.raises(ValueError, match=match):
        SparseRegressor(**bad).fit(X, np.arange(10.0))


def test_bad_data_is_named():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((10, 3))
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        SparseRegressor().fit(X_nan, np.ones(10))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        SparseRegressor().fit(X, np.ones(9))
    with pytest.raises(ValueError, match="0 sample"):
        SparseRegressor().fit(np.empty((0, 3)), np.empty(0))
    with pytest.raises(ValueError, match="class"):
        SparseClassifier().fit(X, np.ones(10))
    with pytest.raises(ValueError, match="y must be non-negative"):
        SparseRegressor(datafit="poisson").fit(X, -np.ones(10))
    with pytest.raises(ValueError, match="agd"):
        SparseRegressor(penalty=Lq(alpha=0.1), solver="agd").fit(X, np.arange(10.0))


def test_float32_kept_and_sparse_equals_dense(regression_data):
    X, y, _ = regression_data
    est32 = SparseRegressor(penalty=MCP(alpha=0.1), tol=1e-9).fit(X.astype(np.float32), y)
    est64 = SparseRegressor(penalty=MCP(alpha=0.1), tol=1e-9).fit(X, y)
    est_sp = SparseRegressor(penalty=MCP(alpha=0.1), tol=1e-9).fit(sp.csr_matrix(X), y)
    assert est32.coef_.dtype == np.float32
    np.testing.assert_allclose(est32.coef_, est64.coef_, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(est_sp.coef_, est64.coef_, atol=1e-9)
    assert est_sp.predict(sp.csr_matrix(X)) == pytest.approx(est64.predict(X))


def test_warm_start_reuses_solution(regression_data):
    X, y, _ = regression_data
    est = SparseRegressor(penalty=L1(alpha=0.05), tol=1e-8, warm_start=True).fit(X, y)
    n_cold = est.n_iter_
    est.fit(X, y)
    assert est.n_iter_ == 0 < n_cold  # the first optimality check stops it, as sklearn's CD


def test_convergence_warning():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((50, 80))
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        SparseRegressor(penalty=L1(alpha=0.001), tol=1e-12, max_iter=1).fit(X, rng.standard_normal(50))


def test_multiclass_pipeline_gridsearch_pickle(rng):
    X = rng.standard_normal((150, 8))
    y = np.argmax(X[:, :3], axis=1)
    clf = make_pipeline(StandardScaler(), SparseClassifier(penalty=L1(alpha=0.01)))
    search = GridSearchCV(clf, {"sparseclassifier__penalty__alpha": [0.001, 0.01]}, cv=3).fit(X, y)
    best = search.best_estimator_
    assert best[-1].coef_.shape == (3, 8)
    proba = best.predict_proba(X)
    np.testing.assert_allclose(proba.sum(1), 1.0)
    assert best.score(X, y) > 0.8
    clone = pickle.loads(pickle.dumps(best))
    np.testing.assert_array_equal(clone.predict(X), best.predict(X))


def test_cv_leaves_the_callers_penalty_alone(rng):
    """The CV-selected alpha goes to a copy: a penalty reused elsewhere keeps its alpha."""
    from sparselearn.linear_model import SparseRegressorCV
    from sparselearn.penalties import MCP

    X = rng.standard_normal((60, 10))
    y = X[:, 0] + 0.1 * rng.standard_normal(60)
    pen = MCP(alpha=5.0, gamma=2.5)
    cv = SparseRegressorCV(penalty=pen, n_alphas=5, cv=3).fit(X, y)
    assert pen.get_params() == MCP(alpha=5.0, gamma=2.5).get_params()
    assert cv.estimator_.penalty.alpha == cv.alpha_ and cv.estimator_.penalty is not pen


def test_penalty_by_name(rng):
    """``penalty="mcp"`` is ``MCP()`` with its defaults, as ``sparse_encode`` takes names."""
    from sparselearn.linear_model import SparseRegressor, SparseRegressorCV, penalized_path
    from sparselearn.penalties import MCP

    X = rng.standard_normal((80, 12))
    y = 2 * X[:, 0] - X[:, 1] + 0.1 * rng.standard_normal(80)
    by_name = SparseRegressor(penalty="mcp").fit(X, y * 3)
    by_object = SparseRegressor(penalty=MCP()).fit(X, y * 3)
    np.testing.assert_array_equal(by_name.coef_, by_object.coef_)
    assert np.count_nonzero(by_name.coef_) > 0
    _, coefs, _ = penalized_path(X, y, penalty="scad", n_alphas=5)
    assert coefs.shape == (12, 5)
    assert SparseRegressorCV(penalty="l0", n_alphas=5, cv=3).fit(X, y).alpha_ > 0
    with pytest.raises(ValueError, match="penalty"):
        SparseRegressor(penalty="lasso").fit(X, y)
    with pytest.raises(ValueError, match="penalty"):
        penalized_path(X, y, penalty="lasso")


def test_cv_on_a_dataframe_warns_nothing(rng):
    import warnings

    pd = pytest.importorskip("pandas")
    from sparselearn.linear_model import SparseRegressorCV

    X = pd.DataFrame(rng.standard_normal((60, 4)), columns=list("abcd"))
    y = X["a"] + 0.1 * rng.standard_normal(60)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cv = SparseRegressorCV(n_alphas=5, cv=3).fit(X, y)
        cv.predict(X)
        cv.score(X, y)
    assert list(cv.feature_names_in_) == list("abcd")
    assert list(cv.estimator_.feature_names_in_) == list("abcd")
