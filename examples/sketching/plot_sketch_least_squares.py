"""
===========================================================
Sketched least squares and coordinated product sketches
===========================================================

Random sketches shrink a tall matrix :math:`A` (:math:`n \times d`) to :math:`SA`
(:math:`k \times d`, :math:`k \ll n`) while keeping the geometry of its column space. Two uses
are shown:

1. *Sketch-and-precondition* least squares: the sketch gives a preconditioner :math:`M` such
   that :math:`AM` is well conditioned, and conjugate gradients converge in a few tens of passes
   over :math:`A` to the accuracy of a direct solver, even at condition number :math:`10^8`;
   *sketch-and-solve* stops after the sketch, with a residual a few percent above optimal.
2. *Coordinated sampling* of two sparse tables: each table is sketched on its own, and
   :math:`A^\top B` is estimated from the two sketches far more accurately than with a JL or
   CountSketch sketch of the same size in bytes.

Each part draws its own figure.
"""

from pathlib import Path
import sys
import warnings

import matplotlib.pyplot as plt
import numpy as np
import scipy.sparse as sp
from matplotlib.ticker import NullFormatter, ScalarFormatter
from sklearn.exceptions import ConvergenceWarning

from sparselearn.sketching import CoordinatedSampler, SketchedLeastSquares

##############################################################################
# Least squares: forward error along the iterations
# --------------------------------------------------
#
# ``max_iter`` caps the conjugate-gradient passes; we refit with growing caps to trace the
# error of each sketch against the exact solution and against ``numpy.linalg.lstsq``.

rng = np.random.default_rng(0)
n, d = 10000, 30
U, _ = np.linalg.qr(rng.standard_normal((n, d)))
V, _ = np.linalg.qr(rng.standard_normal((d, d)))
A = (U * np.logspace(0, -8, d)) @ V.T  # condition number 1e8
x_true = rng.standard_normal(d)
x_true /= np.linalg.norm(x_true)
noise = rng.standard_normal(n)
noise -= U @ (U.T @ noise)  # orthogonal to range(A): x_true is the exact solution
b = A @ x_true + 1e-4 * noise / np.linalg.norm(noise)

err_lstsq = np.linalg.norm(np.linalg.lstsq(A, b, rcond=None)[0] - x_true)
caps = np.arange(1, 31, 3)
fig, ax = plt.subplots(figsize=(5, 3.5))
for sketch in ["sparse_sign", "srht", "gaussian", "countsketch"]:
    errors = []
    for cap in caps:
        reg = SketchedLeastSquares(sketch=sketch, max_iter=int(cap), fit_intercept=False,
                                   random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # small caps stop early
            reg.fit(A, b)
        errors.append(np.linalg.norm(reg.coef_ - x_true))
    ax.semilogy(caps, errors, marker="o", ms=3, label=sketch)
ax.axhline(err_lstsq, color="k", ls="--", label="numpy lstsq")
ax.set_xlabel("CG iterations (passes over A)")
ax.set_ylabel("forward error ||x - x*||")
ax.set_title("sketch-and-precondition, condition number 1e8")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_name("plot_sketch_least_squares_lstsq.png"), dpi=100)

##############################################################################
# Matrix products: error against storage
# --------------------------------------
#
# Two sparse "tables" share a key space (rows); each row has 5 nonzeros out of 300 columns.
# A sampled row costs its nonzeros plus an id and a probability; a row of a linear sketch
# costs 300 numbers. The error :math:`\|A^\top B - \widehat{A^\top B}\|_F` is shown relative
# to :math:`\|A\|_F \|B\|_F`, the scale in which every sketch's error bound is stated:
# :math:`A^\top B` itself is much smaller than that here (the tables' rows barely overlap in
# their columns), so an error relative to :math:`\|A^\top B\|_F` exceeds 1 for every sketch
# at these sizes. The two coordinated samplers ("priority" and
# "threshold") give almost the same error, and so do the two linear sketches ("jl" and
# "countsketch"): each pair of curves lies on top of each other in the figure.

n_keys, n_cols, nnz_row = 20000, 300, 5


def table(present):
    cols = rng.integers(0, n_cols, size=(len(present), nnz_row))
    vals = rng.standard_normal((len(present), nnz_row))
    return sp.csr_matrix((vals.ravel(), (np.repeat(present, nnz_row), cols.ravel())),
                         shape=(n_keys, n_cols))


keys = rng.permutation(n_keys)
TA, TB = table(keys[: 3 * n_keys // 4]), table(keys[n_keys // 4:])
truth = (TA.T @ TB).toarray()
scale = sp.linalg.norm(TA) * sp.linalg.norm(TB)

fig, ax = plt.subplots(figsize=(5, 3.5))
for method in ["priority", "threshold", "jl", "countsketch"]:
    sizes, errors = [], []
    for k_sample in [250, 500, 1000, 2000, 4000]:
        if method in ("priority", "threshold"):
            k = k_sample
        else:
            ref = CoordinatedSampler(k_sample, method="priority", random_state=0)
            k = max(1, ref.sketch(TA).nbytes // (8 * n_cols))
        sampler = CoordinatedSampler(k, method=method, random_state=1)
        SA, SB = sampler.sketch(TA), sampler.sketch(TB)
        sizes.append(SA.nbytes / 1e3)
        errors.append(np.linalg.norm(sampler.estimate_product(SA, SB) - truth) / scale)
    ax.loglog(sizes, errors, marker="o", ms=3, label=method)
ax.xaxis.set_major_formatter(ScalarFormatter())
ax.xaxis.set_minor_formatter(NullFormatter())
ax.yaxis.set_minor_formatter(NullFormatter())
ax.set_xticks([20, 50, 100, 200])
ax.set_xlabel("size of one table's sketch (kB)")
ax.set_ylabel(r"error $/\ (\|A\|_F\, \|B\|_F)$")
ax.set_title("coordinated sampling vs linear sketches")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"), dpi=100)
