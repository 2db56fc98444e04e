import pickle

import numpy as np
import pytest
from scipy.special import expit
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparselearn.bayes import RelevanceVectorClassifier, relevance_vector_classification


def _planted(seed, n_samples=400, n_features=100, k=5, intercept=0.5):
    """Sparse logistic truth; returns a train and a test half."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2 * n_samples, n_features))
    support = np.sort(rng.choice(n_features, k, replace=False))
    w = np.zeros(n_features)
    w[support] = rng.choice([-1.0, 1.0], k) * (1.5 + rng.random(k))
    y = (rng.random(2 * n_samples) < expit(X @ w + intercept)).astype(int)
    return X[:n_samples], y[:n_samples], X[n_samples:], y[n_samples:], w, support


@parametrize_with_checks([RelevanceVectorClassifier()])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_planted_sparse_logistic_truth(global_random_seed):
    X, y, X_test, y_test, w, support = _planted(global_random_seed)
    rvc = RelevanceVectorClassifier().fit(X, y)
    # every relevant feature is in the model and carries the largest weights
    assert np.isin(support, rvc.active_).all()
    coef = rvc.coef_[0]
    assert np.all(np.sign(coef[support]) == np.sign(w[support]))
    # type-II ML keeps some irrelevant features when n_samples >> n_features (about a third
    # of them have q^2 > s), but with clearly smaller weights than the relevant ones
    spurious = np.setdiff1d(np.arange(w.size), support)
    assert np.max(np.abs(coef[spurious])) < 0.6 * np.min(np.abs(coef[support]))
    # at least as accurate as scikit-learn's (L2) logistic regression, on a fraction of the
    # features, and about as close to the truth
    logreg = LogisticRegression(max_iter=1000).fit(X, y)
    assert rvc.score(X_test, y_test) >= logreg.score(X_test, y_test)
    assert np.linalg.norm(coef - w) < 1.2 * np.linalg.norm(logreg.coef_[0] - w)
    assert rvc.active_.size < 0.6 * X.shape[1]
    assert rvc.intercept_[0] == pytest.approx(0.5, abs=0.5)


def test_laplace_posterior_is_exact_mode_and_fixed_point(global_random_seed):
    X, y, *_ = _planted(global_random_seed, n_samples=200, n_features=30, k=3)
    rvc = RelevanceVectorClassifier(tol=1e-6, max_iter=5000).fit(X, y)
    active = rvc.active_
    Xa = np.column_stack([np.ones(X.shape[0]), X[:, active]])
    theta = np.r_[rvc.intercept_[0], rvc.coef_[0, active]]
    lam = np.r_[0.0, rvc.lambda_[0, active]]
    p = expit(Xa @ theta)
    # the mode: gradient of the penalized log-likelihood vanishes (flat prior on the intercept)
    grad = Xa.T @ (y - p) - lam * theta
    assert np.max(np.abs(grad)) < 1e-4 * np.max(np.abs(Xa.T @ y))
    # Laplace covariance: inverse Hessian at the mode (intercept marginalized)
    hessian = (Xa * (p * (1 - p))[:, None]).T @ Xa + np.diag(lam)
    cov = np.linalg.inv(hessian)[1:, 1:]
    assert np.allclose(rvc.sigma_, cov, rtol=1e-3, atol=1e-8)
    # optimal precisions of the Gaussian surrogate: lambda = (1 - lambda Sigma_jj) / mu_j^2
    mu = rvc.coef_[0, active]
    fixed_point = (1.0 - lam[1:] * np.diag(cov)) / mu ** 2
    assert np.allclose(lam[1:], fixed_point, rtol=1e-2)


def test_underdetermined_recovery():
    # more features than samples: the Bayesian prior still finds the relevant ones
    X, y, X_test, y_test, w, support = _planted(1, n_samples=150, n_features=300, k=3)
    rvc = RelevanceVectorClassifier().fit(X, y)
    assert np.isin(support, rvc.active_).all()
    assert rvc.active_.size <= 0.15 * X.shape[1]
    logreg = LogisticRegression(max_iter=1000).fit(X, y)
    assert rvc.score(X_test, y_test) > logreg.score(X_test, y_test) + 0.05


def test_multiclass_one_vs_rest(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    n_samples, n_features = 600, 20
    X = rng.standard_normal((n_samples, n_features))
    W = np.zeros((3, n_features))
    W[0, 2], W[1, 5], W[2, 9] = 3.0, 3.0, 3.0
    labels = np.array(["a", "b", "c"])
    y = labels[np.argmax(X @ W.T + 0.3 * rng.standard_normal((n_samples, 3)), axis=1)]
    rvc = RelevanceVectorClassifier().fit(X[:400], y[:400])
    assert list(rvc.classes_) == ["a", "b", "c"]
    assert rvc.coef_.shape == (3, n_features) and rvc.intercept_.shape == (3,)
    assert np.isin([2, 5, 9], rvc.active_).all()
    proba = rvc.predict_proba(X[400:])
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert np.array_equal(rvc.predict(X[400:]), rvc.classes_[proba.argmax(axis=1)])
    assert rvc.score(X[400:], y[400:]) > 0.85
    assert isinstance(rvc.sigma_, list) and len(rvc.sigma_) == 3


def test_binary_api_no_intercept_float32_pickle():
    X, y, X_test, *_ = _planted(0, n_samples=200, n_features=20, k=3, intercept=0.0)
    rvc = RelevanceVectorClassifier(fit_intercept=False).fit(X.astype(np.float32), y)
    assert rvc.intercept_.tolist() == [0.0]
    assert rvc.coef_.dtype == np.float32
    scores = rvc.decision_function(X_test)
    assert scores.shape == (X_test.shape[0],)
    proba = rvc.predict_proba(X_test)
    assert np.allclose(proba[:, 1], expit(X_test @ rvc.coef_[0].astype(float)), atol=1e-5)
    assert np.array_equal(rvc.predict(X_test), (scores > 0).astype(int))
    assert np.allclose(rvc.predict_log_proba(X_test), np.log(proba))
    again = pickle.loads(pickle.dumps(rvc))
    assert np.array_equal(again.predict_proba(X_test), proba)
    assert clone(rvc).get_params() == rvc.get_params()


def test_function_form_checks_its_input():
    X, y, *_ = _planted(0, n_samples=100, n_features=20, k=3)
    Xnan = X.copy()
    Xnan[3, 3] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        relevance_vector_classification(Xnan, y)
    with pytest.raises(ValueError, match="binary targets 0 and 1"):
        relevance_vector_classification(X, 2.0 * y - 1.0)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        relevance_vector_classification(X, y[:-1])
    with pytest.raises(ValueError, match="max_newton"):
        relevance_vector_classification(X, y, max_newton=0)
    result = relevance_vector_classification(X.tolist(), y.tolist())
    est = RelevanceVectorClassifier().fit(X, y)
    np.testing.assert_allclose(result["coef"], est.coef_.ravel())


def test_bad_input_and_convergence_warning():
    X, y, *_ = _planted(0, n_samples=100, n_features=20, k=3)
    with pytest.raises(ValueError, match="two classes"):
        RelevanceVectorClassifier().fit(X, np.zeros(100))
    with pytest.raises(ValueError, match="Unknown label type"):
        RelevanceVectorClassifier().fit(X, np.linspace(0, 1, 100))
    Xnan = X.copy()
    Xnan[3, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        RelevanceVectorClassifier().fit(Xnan, y)
    with pytest.raises(ValueError, match="max_iter"):
        RelevanceVectorClassifier(max_iter=0).fit(X, y)
    with pytest.raises(ValueError, match="tol"):
        RelevanceVectorClassifier(tol=-1.0).fit(X, y)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        RelevanceVectorClassifier(max_iter=1).fit(X, y)


def test_verbose_is_an_int(capsys):
    X, y, *_ = _planted(0, n_samples=100, n_features=10, k=2)
    assert RelevanceVectorClassifier().get_params()["verbose"] == 0
    RelevanceVectorClassifier().fit(X, y)
    assert capsys.readouterr().out == ""
    RelevanceVectorClassifier(verbose=2).fit(X, y)  # 1: a bar for long fits only
    assert "[RelevanceVectorClassifier]" in capsys.readouterr().out
