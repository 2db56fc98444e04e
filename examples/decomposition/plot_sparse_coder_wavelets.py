"""
=========================================================
Sparse coding of a signal over a fixed wavelet dictionary
=========================================================

A piecewise-constant signal with noise is coded over a dictionary of Ricker ("Mexican hat")
wavelets at several widths and positions, with :class:`~sparselearn.decomposition.SparseCoder`
and four coders: orthogonal matching pursuit told the number of atoms, the Lasso solved exactly
by LARS, the Lasso by coordinate descent, and the nonconvex MCP penalty by coordinate descent. The same
dictionary and signal as scikit-learn's sparse coding example; here each panel prints the
number of atoms used and the error to the clean signal.
"""

from pathlib import Path
import sys

import matplotlib.pyplot as plt
import numpy as np

from sparselearn.decomposition import SparseCoder

##############################################################################
# The dictionary: Ricker wavelets
# -------------------------------
# 5 widths, 100 positions each, on a grid of 512 points; every atom has unit norm.


def ricker(centre, width, resolution):
    x = np.arange(resolution) - centre
    atom = (2 / (np.sqrt(3 * width) * np.pi ** 0.25)) * (1 - (x / width) ** 2) \
        * np.exp(-(x ** 2) / (2 * width ** 2))
    return atom / np.linalg.norm(atom)


resolution = 512
widths = [4, 8, 16, 32, 64]
centres = np.linspace(0, resolution - 1, 100)
dictionary = np.array([ricker(c, w, resolution) for w in widths for c in centres])

##############################################################################
# A noisy step signal
# -------------------

rng = np.random.default_rng(0)
clean = np.zeros(resolution)
clean[100:250] = 3.0
clean[250:350] = -1.0
clean[350:420] = 2.0
noisy = clean + 0.3 * rng.standard_normal(resolution)

##############################################################################
# Four coders, one figure
# -----------------------
# Each coder's reconstruction ``code @ dictionary`` against the clean signal.

coders = {
    "OMP (k = 15)": dict(transform_algorithm="omp", transform_n_nonzero_coefs=15),
    "Lasso (LARS)": dict(transform_algorithm="lasso_lars", transform_alpha=2.0),
    "Lasso (CD)": dict(transform_algorithm="cd", transform_alpha=2.0),
    "MCP (CD)": dict(transform_algorithm="cd", transform_penalty="mcp",
                        transform_alpha=2.0),
}
fig, axes = plt.subplots(2, 2, figsize=(11, 6), sharex=True, sharey=True)
for ax, (name, params) in zip(axes.ravel(), coders.items()):
    coder = SparseCoder(dictionary, **params)
    code = coder.transform(noisy[None, :])
    rebuilt = (code @ dictionary).ravel()
    error = np.linalg.norm(rebuilt - clean) / np.linalg.norm(clean)
    ax.plot(noisy, color="0.8", lw=0.8, label="noisy")
    ax.plot(clean, "k--", lw=1, label="clean")
    ax.plot(rebuilt, "C3", lw=1.5, label="coded")
    ax.set_title(f"{name}: {np.count_nonzero(code)} atoms, error {error:.2f}")
    print(f"{name}: {np.count_nonzero(code)} atoms, relative error to the clean signal "
          f"{error:.3f}")
axes[0, 0].legend(fontsize=8)
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"), dpi=90)

##############################################################################
# The two Lasso solvers give the same code (LARS exactly, coordinate descent to its
# tolerance). With the same ``alpha``, MCP keeps the large coefficients unshrunk, so its
# reconstruction follows the step heights where the Lasso's falls short of them.
