"""Defaults that work, and what scikit-learn users expect: multi-output y, class_weight, float32,
threaded CV, parameters never modified (issue 14)."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import Lasso, LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparselearn.linear_model import SparseClassifier, SparseRegressor, SparseRegressorCV
from sparselearn.penalties import L1, MCP, ElasticNet


def _replicate_weights_allowed(estimator):
    """scikit-learn's ``check_sample_weights_shape`` asserts that a 2-D ``sample_weight`` is
    refused; these estimators fit one problem per column of it instead (batched fits, issue 19),
    which ``tests/linear_model/test_batch.py`` tests."""
    if isinstance(estimator, (SparseRegressor, SparseClassifier)):
        return {"check_sample_weights_shape": "a 2-D sample_weight fits one problem per column"}
    return {}


@parametrize_with_checks([SparseRegressor(), SparseClassifier(), SparseRegressorCV()],
                         expected_failed_checks=_replicate_weights_allowed, xfail_strict=True)
def test_check_estimator_from_defaults(estimator, check):
    check(estimator)


def test_default_classifier_as_accurate_as_logistic_regression():
    X, y = load_breast_cancer(return_X_y=True)
    ours, theirs = [], []
    for seed in range(5):
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=seed,
                                                  stratify=y)
        scaler = StandardScaler().fit(X_tr)
        X_tr, X_te = scaler.transform(X_tr), scaler.transform(X_te)
        clf = SparseClassifier().fit(X_tr, y_tr)
        ours.append(clf.score(X_te, y_te))
        theirs.append(LogisticRegression().fit(X_tr, y_tr).score(X_te, y_te))
        # a sparse model, not the all-zero one: the default alpha is relative to alpha_max
        assert 0 < np.count_nonzero(clf.coef_) < X.shape[1]
    assert np.mean(ours) >= np.mean(theirs)


def test_default_alpha_is_relative_to_the_data(regression_data):
    X, y, _ = regression_data
    fitted = [SparseRegressor().fit(X, scale * y) for scale in (1.0, 1e3)]
    assert fitted[1].penalty_.alpha == pytest.approx(1e3 * fitted[0].penalty_.alpha)
    np.testing.assert_allclose(fitted[1].coef_, 1e3 * fitted[0].coef_, rtol=1e-5, atol=1e-6)
    assert fitted[0].score(X, y) > 0.9
    assert fitted[0].penalty is None  # the parameter itself is left alone


def test_parameters_are_never_modified(regression_data):
    X, y, _ = regression_data
    pen = MCP(alpha=0.7, gamma=3.0)
    cv = SparseRegressorCV(penalty=pen, n_alphas=5, cv=3).fit(X, y)
    assert pen.alpha == 0.7 and cv.penalty is pen
    assert cv.estimator_.penalty.alpha == cv.alpha_ != 0.7
    est = SparseRegressor(penalty=pen).fit(X, y)
    assert est.penalty_ is pen and pen.get_params() == MCP(alpha=0.7, gamma=3.0).get_params()


def test_multi_output_regression_is_one_fit_per_column(regression_data):
    X, y, _ = regression_data
    Y = np.column_stack([y, -2 * y + X[:, 3], X[:, 7]])
    est = SparseRegressor(penalty=L1(alpha=0.05), tol=1e-10).fit(X, Y)
    assert est.coef_.shape == (3, X.shape[1]) and est.intercept_.shape == (3,)
    assert est.predict(X).shape == (60, 3)
    for k in range(3):
        single = SparseRegressor(penalty=L1(alpha=0.05), tol=1e-10).fit(X, Y[:, k])
        np.testing.assert_allclose(est.coef_[k], single.coef_, atol=1e-10)
        assert est.intercept_[k] == pytest.approx(single.intercept_)
    lasso = Lasso(alpha=0.05, tol=1e-12, max_iter=100_000).fit(X, Y)
    np.testing.assert_allclose(est.coef_, lasso.coef_, atol=1e-6)
    np.testing.assert_allclose(est.predict(X), lasso.predict(X), atol=1e-5)
    # warm start keeps the per-target shape; a restart at the solution makes no pass
    est.set_params(warm_start=True).fit(X, Y)
    assert est.n_iter_.tolist() == [0, 0, 0]


def test_warm_start_at_the_solution_reports_zero_iterations(regression_data):
    X, y, _ = regression_data
    est = SparseRegressor(penalty=ElasticNet(alpha=0.05), tol=1e-6).fit(X, y)
    assert est.n_iter_ > 0
    assert est.set_params(warm_start=True).fit(X, y).n_iter_ == 0


@pytest.mark.parametrize("class_weight", ["balanced", {0: 1.0, 1: 4.0, 2: 0.5}])
def test_class_weight_is_a_sample_weight(rng, class_weight):
    X = rng.standard_normal((90, 6))
    y = np.repeat([0, 1, 2], [60, 20, 10])
    X[:, 0] += y
    weighted = SparseClassifier(penalty=L1(alpha=0.01), class_weight=class_weight,
                                tol=1e-10).fit(X, y)
    sw = compute_sample_weight(class_weight, y)
    reference = SparseClassifier(penalty=L1(alpha=0.01), tol=1e-10).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(weighted.coef_, reference.coef_, atol=1e-8)
    np.testing.assert_allclose(weighted.intercept_, reference.intercept_, atol=1e-8)
    if class_weight == "balanced":  # the minority class is found more often
        plain = SparseClassifier(penalty=L1(alpha=0.01), tol=1e-10).fit(X, y)
        assert ((weighted.predict(X) == 2) & (y == 2)).sum() >= ((plain.predict(X) == 2)
                                                                   & (y == 2)).sum()


def test_float32_is_preserved(regression_data):
    X, y, _ = regression_data
    X32 = X.astype(np.float32)
    reg = SparseRegressor(penalty=L1(alpha=0.05)).fit(X32, y)
    assert reg.coef_.dtype == reg.intercept_.dtype == reg.predict(X32).dtype == np.float32
    reg2 = SparseRegressor(penalty=L1(alpha=0.05)).fit(X32, np.column_stack([y, y]))
    assert reg2.coef_.dtype == reg2.intercept_.dtype == reg2.predict(X32).dtype == np.float32
    cv = SparseRegressorCV(n_alphas=5, cv=3).fit(X32, y)
    assert cv.coef_.dtype == cv.intercept_.dtype == cv.predict(X32).dtype == np.float32
    clf = SparseClassifier(penalty=L1(alpha=0.01)).fit(X32, y > np.median(y))
    assert clf.coef_.dtype == clf.intercept_.dtype == np.float32
    assert clf.decision_function(X32).dtype == clf.predict_proba(X32).dtype == np.float32
    lr = LogisticRegression().fit(X32, y > np.median(y))  # what scikit-learn preserves
    assert lr.coef_.dtype == lr.intercept_.dtype == np.float32


def test_threaded_cv_equals_serial(regression_data):
    X, y, _ = regression_data
    serial = SparseRegressorCV(n_alphas=8, cv=3, n_jobs=1).fit(X, y)
    threaded = SparseRegressorCV(n_alphas=8, cv=3, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(threaded.mse_path_, serial.mse_path_)
    np.testing.assert_array_equal(threaded.coef_, serial.coef_)
    assert threaded.alpha_ == serial.alpha_


def test_positive_alpha_max_uses_positive_correlations_only(rng):
    X = rng.standard_normal((40, 5))
    y = -3 * X[:, 0] + 0.5 * X[:, 1]
    cv = SparseRegressorCV(penalty=L1(positive=True), n_alphas=3, cv=2,
                           fit_intercept=False).fit(X, y)
    assert cv.alphas_[0] == pytest.approx(np.max(X.T @ y) / 40)
    below = SparseRegressor(penalty=L1(alpha=0.99 * cv.alphas_[0], positive=True),
                            fit_intercept=False, tol=1e-10).fit(X, y)
    assert below.coef_.min() >= 0 and np.count_nonzero(below.coef_) == 1
