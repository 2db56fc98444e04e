"""
===================================================================
Group selection: group lasso, group MCP and the sparse group lasso
===================================================================

The features come in 100 groups of 10 (think of the dummy columns of one categorical variable,
or the spline basis of one covariate); 5 groups carry the signal (n = 200). A group penalty
selects whole groups. We compare, at the alpha chosen by 5-fold cross-validation, the groups
kept by the group lasso, by group MCP (MCP applied to each group's norm, as R's grpreg) and by
the sparse group lasso, then the time of a group lasso fit against skglm's ``GroupBCD``.

Group MCP stops shrinking a group once its norm is large, so cross-validation does not need to
admit spurious groups to fit the true ones: fewer false groups than the group lasso.
"""

from pathlib import Path
import sys
import time

import matplotlib.pyplot as plt
import numpy as np

from sparselearn.linear_model import SparseRegressor, SparseRegressorCV
from sparselearn.penalties import GroupLasso, GroupMCP, SparseGroupLasso

rng = np.random.default_rng(0)
n_samples, n_groups, size = 200, 100, 10
X = rng.standard_normal((n_samples, n_groups * size))
coef = np.zeros(n_groups * size)
active = np.sort(rng.choice(n_groups, 5, replace=False))
for g in active:
    coef[g * size:(g + 1) * size] = rng.standard_normal(size)
y = X @ coef + rng.standard_normal(n_samples)

##############################################################################
# Groups selected by cross-validation
# -----------------------------------
# ``groups=10``: contiguous groups of 10 features (a list of index arrays or a vector of
# group ids works too). Each bar shows a group's coefficient norm; the true groups are marked.

penalties = {"group lasso": GroupLasso(groups=size),
             "group MCP": GroupMCP(gamma=3.0, groups=size),
             "sparse group lasso": SparseGroupLasso(l1_ratio=0.5, groups=size)}
fig, axes = plt.subplots(3, 1, figsize=(10, 7), sharex=True)
true_norms = np.linalg.norm(coef.reshape(n_groups, size), axis=1)
for ax, (name, pen) in zip(axes, penalties.items()):
    est = SparseRegressorCV(penalty=pen, n_alphas=30, eps=1e-2, cv=5).fit(X, y)
    norms = np.linalg.norm(est.coef_.reshape(n_groups, size), axis=1)
    selected = np.flatnonzero(norms)
    false_groups = np.setdiff1d(selected, active).size
    zeros_inside = int(np.sum(est.coef_.reshape(n_groups, size)[selected] == 0))
    ax.bar(np.arange(n_groups), norms, color="C3", label="estimated group norm")
    ax.plot(active, true_norms[active], "kx", ms=8, label="true group norm")
    ax.set_ylabel("||w_g||")
    ax.set_title(f"{name}: {np.intersect1d(selected, active).size}/5 true groups, "
                 f"{false_groups} false; {zeros_inside} zeros inside the groups kept")
    print(f"{name}: groups {selected.tolist()}")
axes[0].legend(loc="upper right")
axes[-1].set_xlabel("group")
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_name("plot_group_penalties_selection.png"), dpi=80)

##############################################################################
# Group lasso against skglm
# -------------------------
# Block coordinate descent over a working set of groups (steps :math:`1 / L_g`, with
# :math:`L_g` the largest eigenvalue of the block :math:`X_g^\top X_g / n`), against skglm's
# ``GroupBCD`` on the same objective
# :math:`\|y - Xw\|^2 / (2 n) + \alpha \sum_g \sqrt{10}\, \|w_g\|`, both compiled beforehand,
# median of 5 runs. skglm is optional (``pip install skglm``). skglm compiles its Numba
# jitclasses in every new Python process (they are not cached on disk): its untimed first fit
# below takes about 10 s, which the example's total running time at the bottom of the page
# includes; sparselearn's kernels come from the on-disk cache.

alpha = 0.1 * GroupLasso(groups=size).alpha_max(X.T @ y / n_samples)
ours = SparseRegressor(penalty=GroupLasso(alpha=alpha, groups=size), fit_intercept=False,
                       tol=1e-8)
ours.fit(X, y)  # compile (once per install) outside the timing


def median_seconds(fit, repeats=5):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fit()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


timings = {"sparselearn": median_seconds(lambda: ours.fit(X, y))}
try:
    from skglm.datafits import QuadraticGroup
    from skglm.penalties import WeightedGroupL2
    from skglm.solvers import GroupBCD
except ImportError:
    print("skglm not installed: its timing is left out")
else:
    grp_ptr = np.arange(0, n_groups * size + 1, size, dtype=np.int32)
    grp_indices = np.arange(n_groups * size, dtype=np.int32)
    # skglm's solvers read X by columns: its estimators convert X to column-major order
    # before calling them, and so does this direct call
    X_columns = np.asfortranarray(X)

    def skglm_fit():
        return GroupBCD(tol=1e-8, fit_intercept=False).solve(
            X_columns, y, QuadraticGroup(grp_ptr, grp_indices),
            WeightedGroupL2(alpha, np.full(n_groups, np.sqrt(size)), grp_ptr, grp_indices))

    skglm_fit()  # compile its jitclasses outside the timing
    timings["skglm GroupBCD"] = median_seconds(skglm_fit)
print("median seconds:", {name: round(t, 4) for name, t in timings.items()})
fig, ax = plt.subplots(figsize=(5, 3))
ax.barh(list(timings), list(timings.values()), color=["C0", "C1"][:len(timings)])
ax.set_xlabel("seconds (median of 5), alpha = alpha_max / 10")
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"), dpi=80)
