"""Tour rows for ``python -m sparselearn``: sparse Bayesian learning."""
import numpy as np


def _sparse_problem(seed=4, n_samples=100, n_features=256, k=10, snr_db=20.0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_samples, n_features))
    support = np.sort(rng.choice(n_features, k, replace=False))
    w = np.zeros(n_features)
    w[support] = rng.choice([-1.0, 1.0], k) * (1.0 + rng.random(k))
    signal = X @ w
    y = signal + np.sqrt(np.mean(signal ** 2) / 10 ** (snr_db / 10)) * rng.standard_normal(n_samples)
    return X, y, w, support


def _run_fast():
    from . import SparseBayesianRegression

    X, y, w, support = _sparse_problem()
    sbl = SparseBayesianRegression().fit(X, y)
    nmse = 10 * np.log10(np.sum((sbl.coef_ - w) ** 2) / np.sum(w ** 2))
    exact = "exact" if np.array_equal(sbl.active_, support) else f"{sbl.active_.size} active"
    return f"NMSE {nmse:.0f} dB, support {exact}"


def _run_rvc():
    from scipy.special import expit
    from sklearn.linear_model import LogisticRegression

    from . import RelevanceVectorClassifier

    rng = np.random.default_rng(1)
    X = rng.standard_normal((800, 100))
    w = np.zeros(100)
    w[rng.choice(100, 5, replace=False)] = rng.choice([-1.0, 1.0], 5) * (1.5 + rng.random(5))
    y = (rng.random(800) < expit(X @ w + 0.5)).astype(int)
    rvc = RelevanceVectorClassifier().fit(X[:400], y[:400])
    logreg = LogisticRegression(max_iter=1000).fit(X[:400], y[:400])
    return (f"accuracy {rvc.score(X[400:], y[400:]):.3f} on {rvc.active_.size} features "
            f"(LogisticRegression {logreg.score(X[400:], y[400:]):.3f} on 100)")


def _run_kronecker():
    from . import KroneckerSBL, kron_matvec

    rng = np.random.default_rng(0)
    factors = [rng.standard_normal((m, 12)) for m in (6, 8, 8)]
    x = np.zeros((12, 12, 12))
    x[np.ix_(*[rng.choice(12, 2, replace=False) for _ in range(3)])] = 1.0 + rng.random((2, 2, 2))
    x = x.ravel()
    signal = kron_matvec(factors, x)
    y = signal + 0.1 * np.sqrt(np.mean(signal ** 2)) * rng.standard_normal(signal.size)
    ksbl = KroneckerSBL(method="svd").fit(factors, y)
    nmse = 10 * np.log10(np.sum((ksbl.coef_ - x) ** 2) / np.sum(x ** 2))
    return f"NMSE {nmse:.0f} dB, {ksbl.n_iter_} iterations"


TOUR = [
    ("bayes", "fast SBL, n=100 p=256 k=10, 20 dB", _run_fast),
    ("bayes", "RVC, n=400 p=100 k=5 logistic truth", _run_rvc),
    ("bayes", "KroneckerSBL (SVD), 384 meas., 12^3 unknowns", _run_kronecker),
]
