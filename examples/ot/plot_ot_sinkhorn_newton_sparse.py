"""
=========================================================
Sinkhorn-Newton-Sparse versus log-domain Sinkhorn
=========================================================

Entropic optimal transport between two 2-D point clouds at a small regularization
(``reg = 1e-3`` of the normalized squared Euclidean cost). Log-domain Sinkhorn converges
linearly and slowly here; Sinkhorn-Newton-Sparse (Tang et al., ICLR 2024) runs a few Sinkhorn
iterations, then Newton steps with a sparsified Hessian, and reaches machine-level marginal
error in a few dozen iterations. By default it first anneals the regularization (stages
``3e-2, 1e-2, 3.3e-3`` stopped at a loose error, then ``1e-3``), which keeps the Newton steps
undamped. We then use :class:`~sparselearn.ot.SinkhornTransport` to map the source cloud onto
the target.
"""

from pathlib import Path
import sys
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sparselearn.ot import SinkhornTransport, sinkhorn, sinkhorn_newton_sparse

##############################################################################
# Data: two Gaussian clouds, cost normalized to max 1
# ----------------------------------------------------

rng = np.random.default_rng(0)
n = 300
xs = rng.normal(size=(n, 2))
xt = 0.6 * rng.normal(size=(n, 2)) + np.array([3.0, 1.0])
M = ((xs[:, None, :] - xt[None, :, :]) ** 2).sum(-1)
M /= M.max()
reg = 1e-3

##############################################################################
# Solve with both methods and compare the convergence histories
# -------------------------------------------------------------

# Numba compiles the kernels on their first call (once per install); run both solvers on a small
# problem first so that the timings below are of the solves alone.
sinkhorn_newton_sparse(None, None, M[:30, :30], reg, tol=1e-9)
sinkhorn(None, None, M[:30, :30], 1e-1, tol=1e-9)

start = time.perf_counter()
P_sns, log_sns = sinkhorn_newton_sparse(None, None, M, reg, tol=1e-12, return_log=True)
time_sns = time.perf_counter() - start
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # capped at 3000 iterations on purpose
    P_sk, log_sk = sinkhorn(None, None, M, reg, tol=1e-12, max_iter=3000, return_log=True)
time_sk = time.perf_counter() - start
print(f"SNS:      {log_sns['n_iter']} iterations ({log_sns['n_newton']} Newton), "
      f"{time_sns:.2f} s (solve only, kernels compiled)")
print(f"Sinkhorn: {log_sk['n_iter']} iterations, {time_sk:.2f} s (solve only, kernels compiled)")
print(f"max |P_sns - P_sinkhorn| = {np.abs(P_sns - P_sk).max():.1e}")

fig, ax = plt.subplots(figsize=(6, 4))
# both axes logarithmic: SNS's few dozen iterations next to Sinkhorn's thousands
ax.loglog(np.arange(1, len(log_sk["err"]) + 1), log_sk["err"], label="log-domain Sinkhorn")
ax.loglog(np.arange(1, len(log_sns["err"]) + 1), log_sns["err"], label="Sinkhorn-Newton-Sparse")
for k, boundary in enumerate(np.cumsum(log_sns["stage_iter"])[:-1]):
    label = "next annealing stage" if k == 0 else None
    ax.axvline(boundary + 1, color="gray", ls=":", label=label)
ax.set_xlabel("iteration (log scale)")
ax.set_ylabel("marginal error")
ax.set_title(f"Convergence, reg = {reg:g}")
ax.legend()
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_name("plot_ot_sinkhorn_newton_sparse_convergence.png"), dpi=80)

##############################################################################
# The plan and the transport map
# ------------------------------
# At this regularization the plan concentrates its mass on a small share of its entries, which
# is what makes the sparsified Newton steps cheap (the left panel shows the entries above a
# thousandth of the largest); the fitted transport maps each source point to the barycentre of
# its targets.

mass = np.sort(P_sns.ravel())[::-1].cumsum() / P_sns.sum()
print(f"{np.searchsorted(mass, 0.99) / P_sns.size:.0%} of the entries hold 99% of the mass; "
      f"{np.mean(P_sns > 1e-3 * P_sns.max()):.0%} are above 1e-3 of the largest")

fig, axes = plt.subplots(1, 2, figsize=(10, 4))
axes[0].imshow(P_sns[:60, :60] > 1e-3 * P_sns.max(), cmap="Greys", interpolation="nearest")
axes[0].set_title("plan entries above 1e-3 of the largest (60 x 60 corner)")

est = SinkhornTransport(reg=reg, norm="max").fit(xs, xt)
mapped = est.transform(xs)
axes[1].scatter(*xs.T, s=8, label="source")
axes[1].scatter(*xt.T, s=8, label="target")
axes[1].scatter(*mapped.T, s=8, marker="+", label="mapped source")
axes[1].set_title("SinkhornTransport.transform")
axes[1].legend()
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"), dpi=80)
