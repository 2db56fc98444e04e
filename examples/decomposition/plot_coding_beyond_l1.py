"""
Beyond l1 sparse coding: sparsity versus reconstruction
=======================================================

The comparison of Rentzeperis, Calatroni, Perrinet & Prandi ("Beyond l1 sparse coding in V1",
2023): code signals of a planted dictionary with the l1, l0 and CEL0 penalties over a range of
``alpha`` and plot the reconstruction error against the number of active atoms. The nonconvex
coders start from the l1 solution (``sparse_encode``'s default), and reach a lower error at equal
sparsity.
"""
from pathlib import Path
import sys
import matplotlib.pyplot as plt
import numpy as np

from sparselearn.decomposition import sparse_encode
from sparselearn.datasets import make_planted_dictionary

####################################################################################################
# Data: 300 signals of 64 features, 8 atoms each out of 256, noise 0.05
X, D, C = make_planted_dictionary(300, 256, 64, 8, noise=0.05, random_state=0)

####################################################################################################
# Sparsity / error curves
fig, ax = plt.subplots(figsize=(5, 4))
for penalty, alphas in (("l1", np.geomspace(0.02, 1.0, 10)), ("l0", np.geomspace(0.002, 0.3, 10)),
                        ("cel0", np.geomspace(0.002, 0.3, 10))):
    nnz, err = [], []
    for alpha in alphas:
        codes = sparse_encode(X, D, algorithm="fista", penalty=penalty, alpha=alpha, max_iter=2000)
        nnz.append(np.count_nonzero(codes, axis=1).mean())
        err.append(np.mean(np.sum((X - codes @ D) ** 2, axis=1) / np.sum(X**2, axis=1)))
    ax.plot(nnz, err, "o-", label=penalty)
ax.set_xlabel("active atoms per signal")
ax.set_ylabel("relative reconstruction error")
ax.set_yscale("log")
ax.legend()
ax.set_title("l1 vs l0 / CEL0 sparse coding")
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"))
