"""Sparse Bayesian learning against scikit-learn's ARDRegression and classical EM-SBL."""
from . import _threads  # noqa: F401

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ARDRegression

from sparselearn.bayes import KroneckerSBL, SparseBayesianRegression, kron_matvec


def _problem(n_samples, n_features, k, seed=0, snr_db=20.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    support = np.sort(rng.choice(n_features, k, replace=False))
    w = np.zeros(n_features)
    w[support] = rng.choice([-1.0, 1.0], k) * (1.0 + rng.random(k))
    signal = X @ w
    y = signal + np.sqrt(np.mean(signal ** 2) / 10 ** (snr_db / 10)) * rng.standard_normal(n_samples)
    return X, y, w, support


class FastSBLvsARD:
    """Fast marginal likelihood vs ARDRegression: time, NMSE, nonzeros, exact support."""

    params = ([(100, 256, 10), (200, 512, 20), (500, 1000, 20)],)
    param_names = ["n_samples, n_features, k"]

    def setup(self, shape):
        self.X, self.y, self.w, self.support = _problem(*shape)
        SparseBayesianRegression().fit(self.X[:20, :30], self.y[:20])  # compile outside timing

    def _fit(self, estimator):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return estimator.fit(self.X, self.y)

    def time_sbl_fast(self, shape):
        self._fit(SparseBayesianRegression())

    def time_ard(self, shape):
        self._fit(ARDRegression())

    def track_nmse_sbl_fast(self, shape):
        coef = self._fit(SparseBayesianRegression()).coef_
        return float(np.sum((coef - self.w) ** 2) / np.sum(self.w ** 2))

    def track_nmse_ard(self, shape):
        coef = self._fit(ARDRegression()).coef_
        return float(np.sum((coef - self.w) ** 2) / np.sum(self.w ** 2))

    def track_nnz_sbl_fast(self, shape):
        return int(np.count_nonzero(self._fit(SparseBayesianRegression()).coef_))

    def track_nnz_ard(self, shape):
        return int(np.count_nonzero(self._fit(ARDRegression()).coef_))

    def track_exact_support_rate_sbl_fast(self, shape):
        hits = 0
        for seed in range(5):
            X, y, _, support = _problem(*shape, seed=seed)
            est = SparseBayesianRegression().fit(X, y)
            hits += np.array_equal(est.active_, support)
        return hits / 5

    def track_exact_support_rate_ard(self, shape):
        hits = 0
        for seed in range(5):
            X, y, _, support = _problem(*shape, seed=seed)
            est = ARDRegression().fit(X, y)
            hits += np.array_equal(np.flatnonzero(est.coef_), support)
        return hits / 5


def _kron_problem(n_cols, rows, seed=0, snr_db=15.0):
    rng = np.random.default_rng(seed)
    factors = [rng.standard_normal((m, n_cols)) for m in rows]
    x = np.zeros((n_cols,) * len(rows))
    x[np.ix_(*[rng.choice(n_cols, 2, replace=False) for _ in rows])] = 1.0 + rng.random((2,) * len(rows))
    x = x.ravel()
    signal = kron_matvec(factors, x)
    y = signal + np.sqrt(np.mean(signal ** 2) / 10 ** (snr_db / 10)) * rng.standard_normal(signal.size)
    full = factors[0]
    for f in factors[1:]:
        full = np.kron(full, f)
    return factors, full, y, x


class KroneckerVsClassical:
    """KroneckerSBL (SVD, AM) vs EM-SBL / fast SBL / ARD on the flattened problem."""

    params = ([8, 10],)
    param_names = ["n_cols_per_factor"]
    timeout = 300

    def setup(self, n_cols):
        self.factors, self.full, self.y, self.x = _kron_problem(n_cols, (5, 6, 7))

    def _nmse(self, coef):
        return float(np.sum(np.abs(coef - self.x) ** 2) / np.sum(self.x ** 2))

    def _quiet(self, fit):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return fit()

    def time_ksbl_svd(self, n_cols):
        self._quiet(lambda: KroneckerSBL(method="svd").fit(self.factors, self.y))

    def time_ksbl_am(self, n_cols):
        self._quiet(lambda: KroneckerSBL(method="am").fit(self.factors, self.y))

    def time_em_sbl_flat(self, n_cols):
        self._quiet(lambda: SparseBayesianRegression(method="em", fit_intercept=False).fit(self.full, self.y))

    def time_ard_flat(self, n_cols):
        self._quiet(lambda: ARDRegression(fit_intercept=False).fit(self.full, self.y))

    def track_nmse_ksbl_svd(self, n_cols):
        return self._nmse(self._quiet(lambda: KroneckerSBL(method="svd").fit(self.factors, self.y)).coef_)

    def track_nmse_ksbl_am(self, n_cols):
        return self._nmse(self._quiet(lambda: KroneckerSBL(method="am").fit(self.factors, self.y)).coef_)

    def track_nmse_em_sbl_flat(self, n_cols):
        return self._nmse(self._quiet(
            lambda: SparseBayesianRegression(method="em", fit_intercept=False).fit(self.full, self.y)).coef_)

    def track_nmse_ard_flat(self, n_cols):
        return self._nmse(self._quiet(lambda: ARDRegression(fit_intercept=False).fit(self.full, self.y)).coef_)


def _logistic_problem(n_samples, n_features, k=5, seed=0):
    from scipy.special import expit

    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2 * n_samples, n_features))
    w = np.zeros(n_features)
    w[rng.choice(n_features, k, replace=False)] = rng.choice([-1.0, 1.0], k) * (1.5 + rng.random(k))
    y = (rng.random(2 * n_samples) < expit(X @ w + 0.5)).astype(int)
    return X[:n_samples], y[:n_samples], X[n_samples:], y[n_samples:]


class RVCvsLogisticRegression:
    """RelevanceVectorClassifier vs scikit-learn LogisticRegression: time, test accuracy, nnz."""

    params = ([(400, 100), (300, 500)],)
    param_names = ["n_samples, n_features"]

    def setup(self, shape):
        from sklearn.linear_model import LogisticRegression

        from sparselearn.bayes import RelevanceVectorClassifier

        self.rvc_cls, self.lr_cls = RelevanceVectorClassifier, LogisticRegression
        self.X, self.y, self.X_test, self.y_test = _logistic_problem(*shape)
        RelevanceVectorClassifier().fit(self.X[:40, :10], self.y[:40])  # compile outside timing

    def time_rvc(self, shape):
        self.rvc_cls().fit(self.X, self.y)

    def time_logistic_regression(self, shape):
        self.lr_cls(max_iter=1000).fit(self.X, self.y)

    def track_accuracy_rvc(self, shape):
        return float(self.rvc_cls().fit(self.X, self.y).score(self.X_test, self.y_test))

    def track_accuracy_logistic_regression(self, shape):
        return float(self.lr_cls(max_iter=1000).fit(self.X, self.y).score(self.X_test, self.y_test))

    def track_nnz_rvc(self, shape):
        return int(np.count_nonzero(self.rvc_cls().fit(self.X, self.y).coef_))
