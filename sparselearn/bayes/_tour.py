"""Tour rows for ``python -m sparselearn``: sparse Bayesian learning."""
import numpy as np

from .._tour import Result, timed

LEGEND = [
    ("fast SBL", "Tipping & Faul's fast marginal-likelihood method: adds, re-estimates and "
                 "deletes one feature at a time, without being told the sparsity"),
    ("RVC", "relevance vector classifier: the same prior under a logistic likelihood"),
    ("KroneckerSBL", "SBL for y = (A1 kron A2 kron A3) x, working on the factors only"),
    ("error (dB)", "10 log10(||w - w_true||^2 / ||w_true||^2): -20 dB is 1 % squared error"),
]


def _sparse_problem(seed=4, n_samples=100, n_features=256, k=10, snr_db=20.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    support = np.sort(rng.choice(n_features, k, replace=False))
    w = np.zeros(n_features)
    w[support] = rng.choice([-1.0, 1.0], k) * (1.0 + rng.random(k))
    signal = X @ w
    noise_std = np.sqrt(np.mean(signal ** 2) / 10 ** (snr_db / 10))
    y = signal + noise_std * rng.standard_normal(n_samples)
    return X, y, w, support


def _error_db(coef, truth):
    return 10 * np.log10(np.sum((coef - truth) ** 2) / np.sum(truth ** 2))


def _run_fast():
    from sklearn.linear_model import ARDRegression

    from . import SparseBayesianRegression

    X, y, w, support = _sparse_problem()
    sbl, seconds = timed(SparseBayesianRegression().fit, X, y)
    ard, ref_seconds = timed(ARDRegression().fit, X, y)

    def summary(coef):
        found = np.flatnonzero(coef)  # each method's own pruning
        support_text = "exact support" if np.array_equal(found, support) else \
            f"{np.intersect1d(found, support).size}/10 true and " \
            f"{np.setdiff1d(found, support).size} false features"
        return f"{support_text}, error {_error_db(coef, w):.0f} dB"

    return Result(seconds, f"{summary(sbl.coef_)} (ARDRegression: {summary(ard.coef_)})",
                  "scikit-learn ARDRegression", ref_seconds)


def _run_rvc():
    from scipy.special import expit
    from sklearn.linear_model import LogisticRegression

    from . import RelevanceVectorClassifier

    rng = np.random.default_rng(1)
    X = rng.standard_normal((800, 100))
    w = np.zeros(100)
    w[rng.choice(100, 5, replace=False)] = rng.choice([-1.0, 1.0], 5) * (1.5 + rng.random(5))
    y = (rng.random(800) < expit(X @ w + 0.5)).astype(int)
    rvc, seconds = timed(RelevanceVectorClassifier().fit, X[:400], y[:400])
    logreg, ref_seconds = timed(LogisticRegression(max_iter=1000).fit, X[:400], y[:400])
    return Result(seconds, f"held-out accuracy {rvc.score(X[400:], y[400:]):.3f} with "
                           f"{rvc.active_.size} of 100 features (LogisticRegression: "
                           f"{logreg.score(X[400:], y[400:]):.3f} with all)",
                  "scikit-learn LogisticRegression", ref_seconds)


def _run_kronecker():
    from . import KroneckerSBL, kron_matvec

    rng = np.random.default_rng(0)
    factors = [rng.standard_normal((m, 12)) for m in (6, 8, 8)]
    x = np.zeros((12, 12, 12))
    x[np.ix_(*[rng.choice(12, 2, replace=False) for _ in range(3)])] = 1.0 + rng.random((2, 2, 2))
    x = x.ravel()
    signal = kron_matvec(factors, x)
    y = signal + 0.1 * np.sqrt(np.mean(signal ** 2)) * rng.standard_normal(signal.size)
    ksbl, seconds = timed(KroneckerSBL(method="svd").fit, factors, y)
    return Result(seconds, f"error {_error_db(ksbl.coef_, x):.0f} dB at 20 dB SNR, "
                           f"{ksbl.n_iter_} iterations")


TOUR = [
    ("bayes", "fast SBL, n=100 p=256, 10 nonzeros, 20 dB SNR", _run_fast),
    ("bayes", "RVC, n=400 p=100, 5 relevant features", _run_rvc),
    ("bayes", "KroneckerSBL (SVD), 384 measurements, 12^3 unknowns", _run_kronecker),
]
