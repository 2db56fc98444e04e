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
# Phase transition
# ----------------
# m = 40 measurements, 100 unknowns, k of them non-zero, 20 dB; 10 trials per k. A trial
# counts when the estimated support is exactly the planted one.
#
# The Lasso baseline (``LassoLarsIC(criterion="bic")``, given the true noise variance) stays
# near 0: the Lasso shrinks the large coefficients, so the alpha that BIC picks to fit them
# well also admits small spurious ones. Its support usually contains the planted one plus a
# few false positives, which an exact-support count rejects. SBL does not shrink the large
# coefficients and prunes the rest.

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
                "Lasso (BIC)": LassoLarsIC(criterion="bic", noise_variance=np.mean(s ** 2) / 100)
                .fit(X, y).coef_,
                "fast SBL": SparseBayesianRegression().fit(X, y).coef_}
        for name, coef in fits.items():
            hits[name] += np.array_equal(np.flatnonzero(coef), support)
    for name in rates:
        rates[name].append(hits[name] / n_trials)
print({name: np.round(rate, 2).tolist() for name, rate in rates.items()})

fig, ax = plt.subplots(figsize=(6, 4))
for name, rate in rates.items():
    ax.plot(ks / n_samples, rate, "o-", label=name)
ax.set(xlabel="k / m", ylabel="exact support rate", title="Phase transition (m = 40, n = 100)")
ax.legend()
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_name("plot_sbl_recovery_phase.png"), dpi=100)

##############################################################################
# KroneckerSBL against classical SBL on the flattened problem
# -----------------------------------------------------------
# :math:`y = (A_1 \otimes A_2 \otimes A_3)\, x + \text{noise}` with factors of 5, 6 and 7
# rows (210 measurements) and :math:`n` columns each, :math:`x` with a 2 x 2 x 2 support.
# KroneckerSBL works on the factors; EM-SBL on the flattened :math:`210 \times n^3` matrix.
# Both run once on the smallest problem first, so the times are those of compiled code (Numba
# compiles each kernel on its first call).

sizes = [6, 8, 10]
problems = []
for n_cols in sizes:
    factors = [rng.standard_normal((m, n_cols)) for m in (5, 6, 7)]
    x = np.zeros((n_cols,) * 3)
    x[np.ix_(*[rng.choice(n_cols, 2, replace=False) for _ in range(3)])] = 1.0
    y = kron_matvec(factors, x.ravel()) + 0.05 * rng.standard_normal(210)
    problems.append((factors, y))

kronecker = KroneckerSBL()
em_sbl = SparseBayesianRegression(method="em", fit_intercept=False)
flattened = [np.kron(np.kron(*factors[:2]), factors[2]) for factors, _ in problems]
fits = {"KroneckerSBL (SVD)": lambda i: kronecker.fit(*problems[i]),
        "EM-SBL, flattened": lambda i: em_sbl.fit(flattened[i], problems[i][1])}
times = {name: [] for name in fits}
for name, fit in fits.items():
    fit(0)  # compile outside the timing
    for i in range(len(sizes)):
        start = time.perf_counter()
        fit(i)
        times[name].append(time.perf_counter() - start)
print({name: np.round(t, 3).tolist() for name, t in times.items()})

fig, ax = plt.subplots(figsize=(6, 4))
for name, t in times.items():
    ax.semilogy([n ** 3 for n in sizes], t, "o-", label=name)
ax.set(xlabel="unknowns n1 n2 n3", ylabel="fit time (s, compiled)",
       title="Kronecker vs flattened SBL, 210 measurements")
ax.legend()
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"), dpi=100)
