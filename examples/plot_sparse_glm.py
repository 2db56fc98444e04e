"""
=====================================================
Sparse GLMs: convex and nonconvex penalties compared
=====================================================

On a correlated Gaussian design with 10 planted non-zero coefficients (n = 200, p = 1000,
Toeplitz correlation 0.5), we compare the regularization paths of the Lasso, MCP and SCAD,
the supports chosen by cross-validation, and the convergence of the nonconvex accelerated
gradient method of Yang, Asgharian & Bhatnagar (2023) against its two baselines.

Nonconvex penalties shrink large coefficients less than the Lasso, so cross-validation does not
need to admit many small spurious coefficients to fit the large ones: fewer false positives.
"""

from pathlib import Path
import time

import matplotlib.pyplot as plt
import numpy as np

from sparselearn.datafits import Quadratic
from sparselearn.datasets import make_sparse_regression
from sparselearn.linear_model import SparseRegressorCV, penalized_path
from sparselearn.penalties import L1, MCP, SCAD
from sparselearn.solvers import accelerated_gradient

X, y, coef = make_sparse_regression(200, 1000, 10, rho=0.5, snr=3.0, random_state=0)
support = np.flatnonzero(coef)
penalties = {"Lasso": L1(), "MCP": MCP(gamma=3.0), "SCAD": SCAD(gamma=3.7)}

##############################################################################
# Regularization paths
# --------------------
# Warm-started paths over 50 alphas from alpha_max down to alpha_max / 100.

# Numba compiles the solver on its first call (once per install); fit a small path first so the
# timings in the titles are of the paths alone.
for pen in penalties.values():
    penalized_path(X[:50, :40], y[:50], penalty=pen, n_alphas=3)

fig, axes = plt.subplots(2, 3, figsize=(13, 7))
for ax, (name, pen) in zip(axes[0], penalties.items()):
    start = time.perf_counter()
    alphas, coefs, info = penalized_path(X, y, penalty=pen, n_alphas=50, eps=1e-2)
    elapsed = time.perf_counter() - start
    others = np.setdiff1d(np.arange(X.shape[1]), support)
    ax.semilogx(alphas, coefs[others].T, color="0.75", lw=0.5)
    ax.semilogx(alphas, coefs[support].T, lw=1.5)
    ax.invert_xaxis()
    ax.set_title(f"{name} path (solve: {elapsed:.2f} s)")
    ax.set_xlabel("alpha")
axes[0, 0].set_ylabel("coefficients (colour: true support)")

##############################################################################
# Supports chosen by cross-validation
# -----------------------------------

for k, (name, pen) in enumerate(penalties.items()):
    est = SparseRegressorCV(penalty=pen, n_alphas=30, eps=1e-2, cv=5).fit(X, y)
    found = np.flatnonzero(est.coef_)
    false_pos = np.setdiff1d(found, support).size
    axes[1, 0].bar(k, false_pos, color="C3")
    axes[1, 0].text(k, false_pos + 0.5, f"{np.intersect1d(found, support).size}/10 found",
                    ha="center")
axes[1, 0].set_xticks(range(3), list(penalties))
axes[1, 0].set_ylabel("false positives at the CV alpha")

##############################################################################
# Nonconvex accelerated gradient versus its baselines
# ---------------------------------------------------
# Iterations to reach the same stationarity tolerance on LS-MCP (alpha = 0.1).

Xs = X / (np.linalg.norm(X, axis=0) / np.sqrt(X.shape[0]))
sw = np.full(X.shape[0], 1.0 / X.shape[0])
iterations = {}
for scheme in ("yang", "ghadimi_lan", "ista"):
    _, _, info = accelerated_gradient(Xs, y, sw, Quadratic(), MCP(alpha=0.1), np.zeros(1000),
                                      tol=1e-6, max_iter=50_000, scheme=scheme, warn=False)
    iterations[scheme] = info["n_iter"]
axes[1, 1].bar(range(3), list(iterations.values()), color=["C0", "C1", "C2"])
axes[1, 1].set_xticks(range(3), ["Yang et al.", "Ghadimi-Lan", "ISTA"])
axes[1, 1].set_ylabel("iterations to tol 1e-6 (LS-MCP)")

axes[1, 2].stem(coef, linefmt="C0-", markerfmt="C0o", basefmt=" ", label="truth")
mcp = SparseRegressorCV(penalty=MCP(gamma=3.0), n_alphas=30, eps=1e-2, cv=5).fit(X, y)
axes[1, 2].plot(mcp.coef_, "C3.", ms=3, label="MCP (CV)")
axes[1, 2].legend()
axes[1, 2].set_title("planted vs estimated coefficients")
fig.tight_layout()
fig.savefig(Path(__file__).with_suffix(".png"), dpi=80)
print("iterations:", iterations)
