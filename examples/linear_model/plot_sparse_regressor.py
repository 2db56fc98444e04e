"""
======================================================================
SparseRegressor: scikit-learn's Lasso on raw features, and beyond L1
======================================================================

:class:`~sparselearn.linear_model.SparseRegressor` with an
:class:`~sparselearn.penalties.L1` penalty solves the problem of scikit-learn's
:class:`~sklearn.linear_model.Lasso` (same ``alpha``, same scaling, an unpenalized intercept);
changing the penalty object changes the model and nothing else. Here we fit both on raw
features, as they come (column means from -5 to 8, scales from 0.5 to 5: nothing centred or
standardized), check that they agree, and compare the Lasso's coefficients with those of the
nonconvex :class:`~sparselearn.penalties.MCP`, which does not shrink large coefficients.
"""

from pathlib import Path
import sys
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import Lasso

from sparselearn.datasets import make_sparse_regression
from sparselearn.linear_model import SparseRegressor
from sparselearn.penalties import L1, MCP

##############################################################################
# Raw features with a planted sparse model
# ----------------------------------------
# 10 of 300 coefficients are non-zero. Each feature is then shifted and scaled, as measured
# features are: the model is the same, its coefficients divided by the scales.

X, y, coef = make_sparse_regression(600, 300, 10, rho=0.3, snr=5.0, random_state=0)
rng = np.random.default_rng(0)
scales = rng.uniform(0.5, 5.0, X.shape[1])
offsets = rng.uniform(-5.0, 8.0, X.shape[1])
X_raw = X * scales + offsets
true_coef = coef / scales
support = np.flatnonzero(coef)

##############################################################################
# The same Lasso as scikit-learn's
# --------------------------------
# ``alpha`` a tenth of the smallest value with an all-zero model. Both run once first, so the
# times below exclude sparselearn's one-time compilation (and scikit-learn's imports).

alpha_max = np.max(np.abs((X_raw - X_raw.mean(0)).T @ (y - y.mean()))) / len(y)
alpha = 0.1 * alpha_max
sk = Lasso(alpha=alpha, tol=1e-8, max_iter=100_000)
ours = SparseRegressor(penalty=L1(alpha=alpha), tol=1e-8)
times = {}
for name, model in (("scikit-learn Lasso", sk), ("SparseRegressor(L1)", ours)):
    model.fit(X_raw, y)
    start = time.perf_counter()
    model.fit(X_raw, y)
    times[name] = time.perf_counter() - start
    print(f"{name:>20}: {times[name] * 1e3:6.1f} ms, {np.count_nonzero(model.coef_)} non-zeros, "
          f"intercept {model.intercept_:.4f}")
print(f"largest coefficient difference: {np.max(np.abs(sk.coef_ - ours.coef_)):.1e}")

##############################################################################
# Beyond L1: the same estimator with MCP
# --------------------------------------
# MCP penalizes like L1 near zero and not at all beyond ``|w| = gamma * alpha``, so large
# coefficients are shrunk less, or not at all. Same ``alpha``, same raw features.

mcp = SparseRegressor(penalty=MCP(alpha=alpha, gamma=3.0), tol=1e-8).fit(X_raw, y)
for name, model in (("Lasso", ours), ("MCP", mcp)):
    found = np.flatnonzero(model.coef_)
    error = np.linalg.norm(model.coef_ - true_coef) / np.linalg.norm(true_coef)
    print(f"{name:>5}: {len(np.intersect1d(found, support))} of 10 true features, "
          f"{len(np.setdiff1d(found, support))} false ones, relative error {error:.3f}")

##############################################################################
# The coefficients, feature by feature
# ------------------------------------
# Coefficients times the feature scale (the effect of one standard deviation of the feature),
# on the true support and on the features either model selected wrongly.

shown = np.union1d(support, np.flatnonzero(ours.coef_ != 0))
shown = np.union1d(shown, np.flatnonzero(mcp.coef_ != 0))
positions = np.arange(len(shown))
fig, ax = plt.subplots(figsize=(9, 3.8))
ax.bar(positions - 0.27, (true_coef * scales)[shown], 0.27, label="true", color="black")
ax.bar(positions, (ours.coef_ * scales)[shown], 0.27, label="Lasso (L1)", color="C0")
ax.bar(positions + 0.27, (mcp.coef_ * scales)[shown], 0.27, label="MCP", color="C1")
ax.axhline(0, color="gray", lw=0.8)
ax.set_xticks(positions, [str(j) for j in shown], rotation=90, fontsize=7)
ax.set_xlabel("feature (true support and every feature selected)")
ax.set_ylabel("coefficient x feature scale")
ax.legend(ncol=3, fontsize=8)
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"), dpi=100)

##############################################################################
# The Lasso and scikit-learn's Lasso agree to the solver tolerance, on raw features, without a
# call to ``StandardScaler``. The Lasso shrinks every coefficient and admits small false ones to
# compensate; MCP, at the same ``alpha``, shrinks less and selects no false feature. Both
# penalize the coefficients of the features as given, so a feature with a large scale (a small
# coefficient) stays in MCP's shrinking region: when the units of the features are arbitrary,
# standardize them or pass per-feature ``weights`` to the penalty. Any penalty of
# ``sparselearn.penalties`` (SCAD, L0, Lq, CEL0, ...) and any datafit (``"huber"``,
# ``"poisson"``) plug into the same estimator the same way.
