"""
=============================================================
Sparse Bayesian learning: phase transition and Kronecker SBL
=============================================================

Success rate of exact support recovery against the sparsity ratio k/m for OMP (told k),
Lasso (LassoLarsIC) and fast SBL (told nothing), then KroneckerSBL against classical
SBL on the flattened problem as the factor size grows.
"""
from pathlib import Path
import sys
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LassoLarsIC, OrthogonalMatchingPursuit

from sparselearn.bayes import KroneckerSBL, SparseBayesianRegression, kron_matvec

rng = np.random.default_rng(0)

##############################################################################
# Phase transition: m = 40 measurements, 100 unknowns, 20 dB
n_samples, n_features, n_trials = 40, 100, 10
ks = np.arange(2, 21, 3)
rates = {"OMP (k known)": [], "Lasso (BIC)": [], "fast SBL": []}
for k in ks:
    hits = dict.fromkeys(rates, 0)
    for _ in range(n_trials):
        X = rng.standard_normal((n_samples, n_features))
        support = np.sort(rng.choice(n_features, k, replace=False))
        w = np.zeros(n_features)
        w[support] = rng.choice([-1, 1], k) * (1 + rng.random(k))
        s = X @ w
        y = s + np.sqrt(np.mean(s ** 2) / 100) * rng.standard_normal(n_samples)
        fits = {"OMP (k known)": OrthogonalMatchingPursuit(n_nonzero_coefs=k).fit(X, y).coef_,
                "Lasso (BIC)": LassoLarsIC(noise_variance=np.mean(s ** 2) / 100).fit(X, y).coef_,
                "fast SBL": SparseBayesianRegression().fit(X, y).coef_}
        for name, coef in fits.items():
            hits[name] += np.array_equal(np.flatnonzero(coef), support)
    for name in rates:
        rates[name].append(hits[name] / n_trials)

##############################################################################
# KroneckerSBL vs classical SBL on the flattened problem
sizes = [6, 8, 10]
times = {"KroneckerSBL (SVD)": [], "EM-SBL, flattened": []}
for n_cols in sizes:
    factors = [rng.standard_normal((m, n_cols)) for m in (5, 6, 7)]
    x = np.zeros((n_cols,) * 3)
    x[np.ix_(*[rng.choice(n_cols, 2, replace=False) for _ in range(3)])] = 1.0
    y = kron_matvec(factors, x.ravel()) + 0.05 * rng.standard_normal(210)
    t0 = time.perf_counter()
    KroneckerSBL().fit(factors, y)
    times["KroneckerSBL (SVD)"].append(time.perf_counter() - t0)
    full = np.kron(np.kron(factors[0], factors[1]), factors[2])
    t0 = time.perf_counter()
    SparseBayesianRegression(method="em", fit_intercept=False).fit(full, y)
    times["EM-SBL, flattened"].append(time.perf_counter() - t0)

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
for name, rate in rates.items():
    axes[0].plot(ks / n_samples, rate, "o-", label=name)
axes[0].set(xlabel="k / m", ylabel="exact support rate", title="Phase transition (m=40, n=100)")
axes[0].legend()
for name, t in times.items():
    axes[1].semilogy([n ** 3 for n in sizes], t, "o-", label=name)
axes[1].set(xlabel="unknowns n1 n2 n3", ylabel="time (s)", title="Kronecker vs flattened SBL")
axes[1].legend()
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"), dpi=100)
print({name: np.round(rate, 2).tolist() for name, rate in rates.items()})
print({name: np.round(t, 3).tolist() for name, t in times.items()})
