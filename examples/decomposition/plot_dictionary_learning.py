"""
=====================================================================
Dictionary learning: recovering a planted dictionary, step by step
=====================================================================

:class:`~sparselearn.decomposition.DictionaryLearning` alternates a sparse coding step (every
signal coded over the current atoms) and a dictionary update (block coordinate descent over the
atoms), as scikit-learn's :class:`~sklearn.decomposition.DictionaryLearning` does, with the same
parameters. Here both learn from signals built on a planted dictionary of 30 atoms in dimension
20 (3 atoms per signal, small noise), from the same initial atoms, and we follow how many
planted atoms each has found after every iteration and after how many seconds.
"""

from pathlib import Path
import sys
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import DictionaryLearning as SklearnDictionaryLearning
from sklearn.exceptions import ConvergenceWarning

from sparselearn.datasets import make_planted_dictionary
from sparselearn.decomposition import DictionaryLearning

##############################################################################
# Planted problem
# ---------------
# ``X = C D + noise``: 600 signals, each a combination of 3 of the 30 unit-norm atoms of
# ``D``. Both learners start from the same 30 randomly chosen signals, normalized.

X, D, _ = make_planted_dictionary(600, 30, 20, 3, noise=0.01, random_state=0)
rng = np.random.default_rng(0)
dict_init = X[rng.choice(len(X), 30, replace=False)]
dict_init /= np.linalg.norm(dict_init, axis=1, keepdims=True)


def recovered(atoms):
    """Fraction of planted atoms with a learned atom at |cosine| > 0.99."""
    atoms = atoms / np.linalg.norm(atoms, axis=1, keepdims=True)
    return np.mean(np.abs(D @ atoms.T).max(axis=1) > 0.99)


##############################################################################
# Learning, with a record of every iteration
# ------------------------------------------
# Both estimators call ``callback`` with their state, the current atoms under the key
# ``"dictionary"``: sparselearn after every iteration (``state["iteration"]``, from 1),
# scikit-learn after every fifth with its local variables (``state["ii"]``, from 0). The
# callback notes the iteration, the time and the fraction recovered (its own cost, a 30 x 30
# product, is negligible). The same parameters go to both: L1 coding by coordinate descent with
# ``alpha=0.1``, at most 200 iterations, stopping when the objective changes by less than
# ``tol = 1e-5`` of its value in an iteration. A first fit
# compiles sparselearn's Numba kernels, so the times below are those of compiled code.

params = dict(n_components=30, alpha=0.1, max_iter=200, tol=1e-5, fit_algorithm="cd",
              transform_algorithm="omp", dict_init=dict_init, random_state=0)
DictionaryLearning(**params).fit(X)

histories, models = {}, {}
for name, cls in (("sparselearn", DictionaryLearning),
                  ("scikit-learn", SklearnDictionaryLearning)):
    history = []
    start = time.perf_counter()

    def callback(state, history=history, start=start):
        # sparselearn counts iterations from 1, scikit-learn's locals() from 0
        iteration = state["iteration"] if "iteration" in state else state["ii"] + 1
        history.append((iteration, time.perf_counter() - start,
                        recovered(state["dictionary"])))

    with warnings.catch_warnings():
        # scikit-learn's coding step warns once per signal whose Lasso stops at its iteration
        # cap (hundreds of lines per fit); its dictionary is unaffected
        warnings.filterwarnings("ignore", category=ConvergenceWarning, module="sklearn")
        models[name] = cls(**params, callback=callback).fit(X)
    histories[name] = np.array(history)
    iterations, seconds, fraction = histories[name][-1]
    print(f"{name:>12}: {iterations:.0f} iterations in {seconds:.2f} s, "
          f"{fraction:.0%} of the planted atoms recovered")

##############################################################################
# Recovery against iterations and against time
# ----------------------------------------------
# The two learners run the same algorithm on the same problem and find the planted atoms at
# a similar pace per iteration (the problem is nonconvex: the recovered fraction can step back
# while atoms move, and which of the local minima each ends in depends on small differences
# of the coding steps). The difference is the cost of an iteration (right panel, log scale).

fig, (ax_it, ax_time) = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
for name, history in histories.items():
    ax_it.plot(history[:, 0], history[:, 2], marker=".", label=name)
    ax_time.plot(history[:, 1], history[:, 2], marker=".", label=name)
ax_it.set_xlabel("iteration")
ax_it.set_ylabel("planted atoms recovered")
ax_time.set_xlabel("seconds")
ax_time.set_xscale("log")
ax_it.legend(loc="lower right")
for ax in (ax_it, ax_time):
    ax.grid(alpha=0.3)
fig.suptitle("Dictionary learning on 30 planted atoms (d = 20, 3 atoms per signal)")
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"), dpi=100)

##############################################################################
# The learned atoms
# -----------------
# Each planted atom (top) above the atom sparselearn learned closest to it (bottom, sign
# aligned): a learned atom that matches shows the same pattern of 20 values.

learned = models["sparselearn"].components_
learned = learned / np.linalg.norm(learned, axis=1, keepdims=True)
cosines = D @ learned.T
match = np.abs(cosines).argmax(axis=1)
aligned = learned[match] * np.sign(cosines[np.arange(len(D)), match])[:, None]

fig, (ax_true, ax_learned) = plt.subplots(2, 1, figsize=(9, 4.2), sharex=True)
limit = np.abs(D).max()
for ax, atoms, title in ((ax_true, D, "planted atoms"), (ax_learned, aligned, "learned atoms")):
    ax.imshow(atoms.T, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    ax.set_ylabel("feature")
    ax.set_title(title, fontsize=10)
ax_learned.set_xlabel("atom")
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_name(Path(sys.argv[0]).stem + "_atoms.png"), dpi=100)
