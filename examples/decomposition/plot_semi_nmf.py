"""
Semi-NMF parts of digits, and sparse NMF robust to corrupted features
=====================================================================

Semi-NMF (Ding, Li & Jordan, 2010) factors :math:`X \\approx W H` with nonnegative codes
:math:`W` and components :math:`H` of any sign. Its feasible set contains NMF's (both factors
nonnegative) and is contained in the truncated SVD's (no sign constraint), so its reconstruction
error lies between theirs. On the 8x8 digits at rank 10 the components are shown for the three
factorizations: SVD's are global signed patterns, NMF's are additive strokes, semi-NMF's are
strokes that may also erase (negative pixels), and each digit is still a nonnegative
combination of them, which keeps the codes readable as feature activations (the use of
semi-NMF on MLP activations by Shafran, Geiger & Geva, 2025).

The second part plants sparse nonnegative abundances and nonnegative endmembers (a
hyperspectral unmixing model), corrupts 10 % of the features (bands) with large outliers, and
fits ``SparseNMF`` with the squared loss and with the correntropy loss of Wang, Pan, Xiang & Zhu,
whose reweighting gives the corrupted bands weights near zero.
"""
from pathlib import Path
import sys

import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.datasets import load_digits
from sklearn.decomposition import NMF, TruncatedSVD

from sparselearn.decomposition import SemiNMF, SparseNMF

####################################################################################################
# Rank-10 factorizations of the digits
X = load_digits().data
semi = SemiNMF(10, random_state=0).fit(X)
nmf = NMF(10, max_iter=1000, random_state=0).fit(X)
svd = TruncatedSVD(10, algorithm="arpack", random_state=0).fit(X)
svd_err = np.linalg.norm(X - svd.transform(X) @ svd.components_)
rows = [("truncated SVD", svd.components_, svd_err),
        ("semi-NMF", semi.components_, semi.reconstruction_err_),
        ("NMF", nmf.components_, nmf.reconstruction_err_)]
for name, _, err in rows:
    print(f"{name:>14}: reconstruction error {err:.1f}")

####################################################################################################
# The components (red: positive, blue: negative pixels), one row per factorization, with its
# reconstruction error

fig, axes = plt.subplots(3, 10, figsize=(10, 3.6))
for row, (name, components, err) in zip(axes, rows):
    for j, ax in enumerate(row):
        image = components[j].reshape(8, 8)
        vmax = np.abs(image).max()
        ax.imshow(image, cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        ax.set_xticks([])
        ax.set_yticks([])
    row[0].set_ylabel(f"{name}\nerror {err:.0f}", fontsize="small")
fig.suptitle("Rank-10 components of the 8x8 digits")
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_name("plot_semi_nmf_components.png"))

####################################################################################################
# Planted unmixing problem with 5 of 50 bands corrupted
rng = np.random.default_rng(0)
n_pixels, n_bands, n_materials = 300, 50, 4
endmembers = rng.uniform(size=(n_materials, n_bands))
abundances = rng.uniform(size=(n_pixels, n_materials)) * (
    rng.uniform(size=(n_pixels, n_materials)) < 0.5)
Y = abundances @ endmembers + 0.01 * rng.uniform(size=(n_pixels, n_bands))
bad = rng.choice(n_bands, n_bands // 10, replace=False)
Y[:, bad] += 10 * Y.max() * rng.uniform(size=(n_pixels, bad.size))


def abundance_error(W_true, W_est):
    """Relative error after matching the components by order (Hungarian) and scale."""
    unit = W_true / np.linalg.norm(W_true, axis=0)
    est = W_est / np.maximum(np.linalg.norm(W_est, axis=0), 1e-300)
    cols = linear_sum_assignment(-(unit.T @ est))[1]
    E = W_est[:, cols]
    scale = (E * W_true).sum(0) / np.maximum((E * E).sum(0), 1e-300)
    return np.linalg.norm(W_true - E * scale) / np.linalg.norm(W_true)


fits = {}
for loss in ("frobenius", "correntropy"):
    model = SparseNMF(n_materials, loss=loss, sparsity=0.1, max_iter=500, random_state=0)
    codes = model.fit_transform(Y)
    fits[loss] = (abundance_error(abundances, codes), model.feature_weights_)
    print(f"{loss:>14}: abundance error {fits[loss][0]:.3f}")

####################################################################################################
# Left: the feature weights of each fit (the squared loss weighs every band equally, the
# correntropy loss drives the corrupted ones to near zero); right: the error of the recovered
# abundances.

fig, (ax_weights, ax_error) = plt.subplots(1, 2, figsize=(10, 3.6),
                                           gridspec_kw={"width_ratios": [2.2, 1]})
for loss, (_, weights) in fits.items():
    ax_weights.semilogy(np.arange(n_bands), np.maximum(weights, 1e-20), marker=".", label=loss)
ax_weights.plot(bad, np.full(bad.size, 1e-20), "kx", label="corrupted bands")
ax_weights.set_xlabel("band (feature)")
ax_weights.set_ylabel("feature weight")
ax_weights.legend(fontsize="small", loc="center left")
ax_error.bar(list(fits), [err for err, _ in fits.values()], color=["C0", "C1"])
ax_error.set_ylabel("abundance error")
fig.suptitle("Sparse NMF with 5 of 50 bands corrupted")
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"))
