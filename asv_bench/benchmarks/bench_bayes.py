"""Sparse Bayesian learning against scikit-learn's ARDRegression and classical EM-SBL."""
from . import _threads  # noqa: F401

import time
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


class FastSBLLowSNR:
    """Fast SBL vs ARDRegression at 5 and 10 dB (k = 10): nonzeros and NMSE, mean of 5 seeds."""

    params = ([5.0, 10.0],)
    param_names = ["snr_db"]

    def setup(self, snr_db):
        self.problems = [_problem(100, 256, 10, seed=seed, snr_db=snr_db) for seed in range(5)]
        SparseBayesianRegression().fit(self.problems[0][0][:20, :30], self.problems[0][1][:20])

    def _mean(self, estimator, metric):
        values = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for X, y, w, _ in self.problems:
                coef = estimator().fit(X, y).coef_
                values.append(np.count_nonzero(coef) if metric == "nnz"
                              else np.sum((coef - w) ** 2) / np.sum(w ** 2))
        return float(np.mean(values))

    def time_sbl_fast(self, snr_db):
        self._mean(SparseBayesianRegression, "nnz")

    def time_ard(self, snr_db):
        self._mean(ARDRegression, "nnz")

    def track_nnz_sbl_fast(self, snr_db):
        return self._mean(SparseBayesianRegression, "nnz")

    def track_nnz_ard(self, snr_db):
        return self._mean(ARDRegression, "nnz")

    def track_nmse_sbl_fast(self, snr_db):
        return self._mean(SparseBayesianRegression, "nmse")

    def track_nmse_ard(self, snr_db):
        return self._mean(ARDRegression, "nmse")


def _issue15_problem(k, seed, n_samples=100, n_features=256, noise_std=0.01):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features)) / np.sqrt(n_samples)
    support = np.sort(rng.choice(n_features, k, replace=False))
    w = np.zeros(n_features)
    w[support] = rng.choice([-1.0, 1.0], k) * (1.0 + rng.random(k))
    return X, X @ w + noise_std * rng.standard_normal(n_samples), w, support


class FastSBLModerateSparsity:
    """Issue 15: 100 x 256 Gaussian design, noise sigma 0.01, k in {10, 20, 30}, seeds 0-19.

    Fast SBL vs EM-SBL vs ARDRegression: total fit time over the 20 seeds, the median over the
    seeds of ARD's time over fast SBL's (``track_speedup_vs_ard``), exact-support rate
    (``|coef| > 1e-3 max |coef|`` equal to the true support) and mean NMSE. Measured before
    the first fix (pilot noise stalled at var(y), adding ratio 10) -> after, fast SBL exact
    support 15 -> 20 (k = 10), 11 -> 20 (k = 20), 0 -> 19 (k = 30) of 20; EM 20, 20, 19; ARD
    0, 0, 0 (its small spurious weights; nonzero-count support on unnormalized columns: 20,
    19, 14). Speed-up over ARD with the pilot noise search (7-10 full fits per solve): about
    14, 4 and 0.5; with the one-run adding phase and rank-one updates: see the issue-15 note.
    """

    params = ([10, 20, 30],)
    param_names = ["k"]
    timeout = 300

    def setup(self, k):
        self.problems = [_issue15_problem(k, seed) for seed in range(20)]
        SparseBayesianRegression().fit(self.problems[0][0][:20, :30], self.problems[0][1][:20])
        SparseBayesianRegression(method="em").fit(self.problems[0][0][:20, :30],
                                                  self.problems[0][1][:20])

    def _fits(self, make):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return [make().fit(X, y).coef_ for X, y, _, _ in self.problems]

    def _exact(self, make):
        hits = 0
        for coef, (_, _, _, support) in zip(self._fits(make), self.problems):
            hits += np.array_equal(np.flatnonzero(np.abs(coef) > 1e-3 * np.abs(coef).max()), support)
        return hits / len(self.problems)

    def _nmse(self, make):
        return float(np.mean([np.sum((coef - w) ** 2) / np.sum(w ** 2)
                              for coef, (_, _, w, _) in zip(self._fits(make), self.problems)]))

    def time_sbl_fast(self, k):
        self._fits(SparseBayesianRegression)

    def time_sbl_em(self, k):
        self._fits(lambda: SparseBayesianRegression(method="em"))

    def track_speedup_vs_ard(self, k):
        # per seed, the best of 3 fits of each in turn; the median of ARD's time over ours
        ratios = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for X, y, _, _ in self.problems:
                best = {}
                for _ in range(3):
                    for name, make in (("fast", SparseBayesianRegression), ("ard", ARDRegression)):
                        start = time.perf_counter()
                        make().fit(X, y)
                        elapsed = time.perf_counter() - start
                        best[name] = min(best.get(name, np.inf), elapsed)
                ratios.append(best["ard"] / best["fast"])
        return float(np.median(ratios))

    track_speedup_vs_ard.unit = "ratio"

    def time_ard(self, k):
        self._fits(ARDRegression)

    def track_exact_support_rate_sbl_fast(self, k):
        return self._exact(SparseBayesianRegression)

    def track_exact_support_rate_sbl_em(self, k):
        return self._exact(lambda: SparseBayesianRegression(method="em"))

    def track_exact_support_rate_ard(self, k):
        return self._exact(ARDRegression)

    def track_nmse_sbl_fast(self, k):
        return self._nmse(SparseBayesianRegression)

    def track_nmse_sbl_em(self, k):
        return self._nmse(lambda: SparseBayesianRegression(method="em"))

    def track_nmse_ard(self, k):
        return self._nmse(ARDRegression)


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


def _irs_problem(seed, snr_db, n_cols=18, spread=3):
    # the IRS-MIMO channel of He & Joseph in miniature (as tests/bayes/test_kronecker.py):
    # factors 0 and 2 hold blocks of `spread` adjacent angles, factor 1 a single angle
    rng = np.random.default_rng(seed)

    def cn(*shape):
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)

    def steering(n_rows):
        grid = np.linspace(-1.0, 1.0 - 2.0 / n_cols, n_cols)
        return np.exp(1j * np.pi * np.outer(np.arange(n_rows), grid)) / np.sqrt(n_rows)

    factors = [cn(6, n_cols), cn(3, 6) @ steering(6).conj(), steering(16)]
    supports = [rng.integers(0, n_cols - spread + 1) + np.arange(spread),
                rng.integers(0, n_cols, 1),
                rng.integers(0, n_cols - spread + 1) + np.arange(spread)]
    x = np.zeros((n_cols,) * 3, dtype=complex)
    x[np.ix_(*supports)] = np.einsum("i,j,k->ijk", cn(spread), cn(1), cn(spread))
    signal = kron_matvec(factors, x.ravel())
    noise_var = np.mean(np.abs(signal) ** 2) / 10 ** (snr_db / 10)
    return factors, signal + np.sqrt(noise_var) * cn(signal.size), x.ravel()


class BlockSparseKronecker:
    """PC-KroSBL (block_sparse on the block-shaped factors) vs plain SVD-KSBL, IRS-like channel:
    mean NMSE over 6 seeds (the paper reports 0.0029 vs 0.105 at 20 dB on its IRS setup)."""

    params = ([5.0, 20.0],)
    param_names = ["snr_db"]
    timeout = 300

    def setup(self, snr_db):
        self.problems = [_irs_problem(seed, snr_db) for seed in range(6)]

    def _mean_nmse(self, **params):
        values = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for factors, y, x in self.problems:
                coef = KroneckerSBL(**params).fit(factors, y).coef_
                values.append(np.sum(np.abs(coef - x) ** 2) / np.sum(np.abs(x) ** 2))
        return float(np.mean(values))

    def time_svd(self, snr_db):
        self._mean_nmse(method="svd")

    def time_svd_block_sparse(self, snr_db):
        self._mean_nmse(method="svd", block_sparse=[0, 2])

    def track_nmse_svd(self, snr_db):
        return self._mean_nmse(method="svd")

    def track_nmse_svd_block_sparse(self, snr_db):
        return self._mean_nmse(method="svd", block_sparse=[0, 2])

    def track_nmse_am_block_sparse(self, snr_db):
        return self._mean_nmse(method="am", block_sparse=[0, 2])
