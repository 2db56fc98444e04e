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
import sys
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
# Warm-started paths over 50 alphas from alpha_max down to alpha_max / 100: one panel of
# coefficients per penalty (coloured: the 10 planted features, grey: the others), and, bottom
# right, the number of nonzero coefficients along each path against the 10 planted ones.

# Numba compiles the solver on its first call (once per install); fit a small path first so the
# timings in the titles are of the paths alone.
for pen in penalties.values():
    penalized_path(X[:50, :40], y[:50], penalty=pen, n_alphas=3)

# a 2 x 2 grid (not a row of three) so that the figure also reads as the gallery thumbnail
fig, axes = plt.subplots(2, 2, figsize=(9, 7))
path_axes, size_ax = [axes[0, 0], axes[0, 1], axes[1, 0]], axes[1, 1]
largest = 0  # the largest support along the paths
for k, (ax, (name, pen)) in enumerate(zip(path_axes, penalties.items())):
    start = time.perf_counter()
    alphas, coefs, info = penalized_path(X, y, penalty=pen, n_alphas=50, eps=1e-2)
    elapsed = time.perf_counter() - start
    others = np.setdiff1d(np.arange(X.shape[1]), support)
    ax.semilogx(alphas, coefs[others].T, color="0.75", lw=0.5)
    ax.semilogx(alphas, coefs[support].T, lw=1.5)
    ax.invert_xaxis()
    ax.set_title(f"{name} path (solve: {elapsed:.2f} s)")
    ax.set_xlabel("alpha")
    ax.set_ylabel("coefficients")
    sizes = np.count_nonzero(coefs, axis=0)
    size_ax.semilogx(alphas, sizes, f"C{k}-", lw=2, label=name)
    largest = max(largest, sizes.max())
size_ax.axhline(support.size, color="k", ls="--", lw=1, label="planted (10)")
size_ax.invert_xaxis()
# linear up to the planted 10, logarithmic above, so that both ends of the paths read
size_ax.set_yscale("symlog", linthresh=10)
size_ax.set_ylim(0, 1.3 * largest)
ticks = [t for t in (0, 5, 10, 30, 100, 300, 1000) if t <= 1.3 * largest]
size_ax.set_yticks(ticks, [str(t) for t in ticks])
size_ax.set_xlabel("alpha")
size_ax.set_ylabel("nonzero coefficients")
size_ax.set_title("support size along the paths")
size_ax.legend(loc="upper left")
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_name("plot_sparse_glm_paths.png"), dpi=80)

##############################################################################
# Supports chosen by cross-validation
# -----------------------------------
# 5-fold cross-validation picks alpha for each penalty; the left panel counts the features
# selected outside the planted support, the right one compares the MCP estimate with the truth.

fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
false_counts = []
for k, (name, pen) in enumerate(penalties.items()):
    est = SparseRegressorCV(penalty=pen, n_alphas=30, eps=1e-2, cv=5).fit(X, y)
    found = np.flatnonzero(est.coef_)
    false_pos = np.setdiff1d(found, support).size
    false_counts.append(false_pos)
    axes[0].bar(k, false_pos, color="C3")
    axes[0].text(k, false_pos + 0.5, f"{np.intersect1d(found, support).size}/10 found",
                 ha="center")
    if name == "MCP":
        mcp = est
axes[0].set_xticks(range(3), list(penalties))
axes[0].set_ylim(0, 1.15 * max(false_counts) + 1)  # room for the labels above the bars
axes[0].set_ylabel("false positives at the CV alpha")
axes[1].stem(support, coef[support], linefmt="C0-", markerfmt="C0o", basefmt="k-",
             label="planted")
selected = np.flatnonzero(mcp.coef_)
axes[1].plot(selected, mcp.coef_[selected], "C3x", ms=7, label="MCP (CV), nonzeros")
axes[1].set_xlim(0, X.shape[1])
top = 1.6 * np.abs(coef).max()  # room above the stems for the legend
axes[1].set_ylim(-top / 1.6 * 1.15, top)
axes[1].legend(loc="upper center", ncol=2)
axes[1].set_xlabel("feature")
axes[1].set_title("planted vs estimated coefficients")
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_name("plot_sparse_glm_cv.png"), dpi=80)

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
print("iterations:", iterations)
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.bar(range(3), list(iterations.values()), color=["C0", "C1", "C2"])
ax.set_xticks(range(3), ["Yang et al.", "Ghadimi-Lan", "ISTA"])
ax.set_ylabel("iterations to tol 1e-6 (LS-MCP)")
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"), dpi=80)
