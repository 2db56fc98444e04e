"""
============================================================
Your own penalty and loss, built on sparselearn's classes
============================================================

sparselearn's solvers run compiled (Numba) kernels that pick a penalty's and a datafit's
formulas by an integer code. A subclass of :class:`~sparselearn.penalties.Penalty` or
:class:`~sparselearn.datafits.Datafit` written outside the package therefore cannot bring new
formulas to the solvers: a new formula is a few functions added to sparselearn itself, as the
:ref:`contributor guide <contributing>` shows with the code of the log-sum penalty. What user
code *can* do is build new models from the parameters the existing classes expose: per-feature
``weights`` of a penalty, ``sample_weight`` of a loss. This example writes

- an **adaptive Lasso** (Zou, 2006) as a subclass of :class:`~sparselearn.penalties.L1` that
  computes its weights from a pilot estimate, tuned by
  :class:`~sparselearn.linear_model.SparseRegressorCV` like any penalty, and checked against
  scikit-learn's :class:`~sklearn.linear_model.Lasso` on rescaled columns;
- a **weighted least-squares loss** for noise whose level varies from sample to sample, checked
  against the plain loss on rescaled rows.
"""

from pathlib import Path
import sys

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import Lasso, Ridge

from sparselearn.datafits import Datafit
from sparselearn.datasets import make_sparse_regression
from sparselearn.linear_model import SparseRegressor, SparseRegressorCV
from sparselearn.penalties import L1, Penalty

##############################################################################
# A subclass of the base class is refused
# ---------------------------------------
# A penalty defined from scratch has no compiled kernel; the estimators and solvers say so
# instead of running it.


class Cubic(Penalty):
    """``alpha * sum_j |w_j|^3``: no kernel computes it."""

    def __init__(self, alpha=1.0, weights=None, positive=False):
        self.alpha = alpha
        self.weights = weights
        self.positive = positive


class Cauchy(Datafit):
    """``log(1 + (y - z)^2)``: no kernel computes it either."""


X, y, coef = make_sparse_regression(200, 60, 6, rho=0.6, snr=4.0, random_state=0)
for model in (SparseRegressor(penalty=Cubic()), SparseRegressor(datafit=Cauchy())):
    try:
        model.fit(X, y)
    except ValueError as error:
        print(f"ValueError: {error}\n")

##############################################################################
# An adaptive Lasso: a penalty whose weights come from its own parameters
# -----------------------------------------------------------------------
# The adaptive Lasso penalizes :math:`\alpha \sum_j |w_j| / |\hat w_j|^\gamma`, with
# :math:`\hat w` a pilot estimate (here a ridge fit): features the pilot finds strong are
# penalized less, which removes most of the Lasso's bias and many of its false selections.
# It is an :class:`~sparselearn.penalties.L1` penalty with per-feature ``weights``, so a
# subclass of :class:`~sparselearn.penalties.L1` that takes ``pilot_coef`` and ``gamma`` as
# parameters and computes ``weights`` from them reaches the compiled L1 kernels. Its
# parameters are those of its ``__init__``, so ``clone``, ``get_params`` and grid searches
# (``penalty__gamma``) work as for any penalty.


class AdaptiveL1(L1):
    r"""Adaptive Lasso penalty :math:`\alpha \sum_j |w_j| / |\hat w_j|^\gamma`.

    Parameters
    ----------
    alpha : float, default=1.0
        Regularization strength, >= 0.
    pilot_coef : array-like of shape (n_features,)
        Pilot estimate :math:`\hat w` (for instance a ridge fit); no entry may be 0.
    gamma : float, default=1.0
        Exponent of the pilot's magnitudes, > 0.
    positive : bool, default=False
        Constrain the coefficients to be non-negative.
    """

    def __init__(self, alpha=1.0, pilot_coef=None, gamma=1.0, positive=False):
        self.alpha = alpha
        self.pilot_coef = pilot_coef
        self.gamma = gamma
        self.positive = positive

    @property
    def weights(self):
        r"""The per-feature multipliers of ``alpha``, :math:`1 / |\hat w_j|^\gamma`."""
        return 1.0 / np.abs(np.asarray(self.pilot_coef, dtype=float)) ** self.gamma


##############################################################################
# Six of 60 coefficients are non-zero and neighbouring features are correlated
# (:math:`\rho = 0.6`), a setting where the Lasso selects false features. Both penalties are
# tuned by 5-fold cross-validation over their own ``alpha`` path.

pilot = Ridge(alpha=1.0).fit(X, y).coef_
lasso = SparseRegressorCV(penalty=L1(), tol=1e-8).fit(X, y)
adaptive = SparseRegressorCV(penalty=AdaptiveL1(pilot_coef=pilot, gamma=1.0), tol=1e-8).fit(X, y)
support = np.flatnonzero(coef)
for name, model in (("Lasso", lasso), ("adaptive Lasso", adaptive)):
    found = np.flatnonzero(model.coef_)
    error = np.linalg.norm(model.coef_ - coef) / np.linalg.norm(coef)
    print(f"{name:>14}: {len(np.intersect1d(found, support))} of 6 true features, "
          f"{len(np.setdiff1d(found, support))} false ones, relative error {error:.3f}")

##############################################################################
# **Check against a reference.** A weighted L1 penalty is the plain L1 penalty on rescaled
# columns: with :math:`x_j' = x_j / \mathrm{weight}_j`, the Lasso's coefficients
# :math:`w'` give :math:`w_j = w'_j / \mathrm{weight}_j`. scikit-learn's
# :class:`~sklearn.linear_model.Lasso` on the rescaled columns must therefore find our
# adaptive Lasso's solution at the same ``alpha``.

alpha = adaptive.alpha_
weights = AdaptiveL1(pilot_coef=pilot).weights
ours = SparseRegressor(penalty=AdaptiveL1(alpha, pilot_coef=pilot), tol=1e-10).fit(X, y)
reference = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X / weights, y)
gap_adaptive = np.max(np.abs(ours.coef_ - reference.coef_ / weights))
print(f"adaptive Lasso vs scikit-learn's Lasso on rescaled columns: largest coefficient "
      f"difference {gap_adaptive:.1e} (coefficients up to {np.max(np.abs(ours.coef_)):.2f})")

##############################################################################
# The coefficients on the true support and on every feature the Lasso selected: the
# adaptive Lasso shrinks the large ones less and drops all but one of the false ones.

shown = np.union1d(support, np.flatnonzero(lasso.coef_ != 0))
positions = np.arange(len(shown))
fig, ax = plt.subplots(figsize=(8, 3.6))
ax.bar(positions - 0.27, coef[shown], 0.27, label="true", color="black")
ax.bar(positions, lasso.coef_[shown], 0.27, label="Lasso", color="C0")
ax.bar(positions + 0.27, adaptive.coef_[shown], 0.27, label="adaptive Lasso", color="C1")
ax.axhline(0, color="gray", lw=0.8)
ax.set_xticks(positions, [str(j) for j in shown], fontsize=8)
ax.set_xlabel("feature (true support and every feature the Lasso selected)")
ax.set_ylabel("coefficient")
ax.legend(ncol=3, fontsize=8)
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"), dpi=100)

##############################################################################
# A loss of your own: weighted least squares
# ------------------------------------------
# When the noise level :math:`\sigma_i` varies from sample to sample, the maximum-likelihood
# loss weighs each squared residual by :math:`1 / \sigma_i^2`. That loss is the quadratic
# datafit with ``sample_weight``: every estimator and solver take it. Here the noise level of
# each sample grows twenty-fold across the data.

rng = np.random.default_rng(0)
n_samples = X.shape[0]
sigma = np.geomspace(0.05, 1.0, n_samples)
y_het = X @ coef + sigma * rng.standard_normal(n_samples)
sample_weight = 1.0 / sigma**2
sample_weight *= n_samples / sample_weight.sum()  # mean 1: the same alpha scale as unweighted

alpha_het = 0.02
plain = SparseRegressor(penalty=L1(alpha_het), fit_intercept=False, tol=1e-10).fit(X, y_het)
weighted = SparseRegressor(penalty=L1(alpha_het), fit_intercept=False, tol=1e-10)
weighted.fit(X, y_het, sample_weight=sample_weight)
for name, model in (("least squares", plain), ("weighted", weighted)):
    error = np.linalg.norm(model.coef_ - coef) / np.linalg.norm(coef)
    print(f"{name:>13}: relative error {error:.3f}, "
          f"{np.count_nonzero(model.coef_)} non-zero coefficients")

##############################################################################
# **Check against a reference.** With weights of mean 1, the weighted loss is the plain loss
# on rows scaled by :math:`\sqrt{s_i}` (without an intercept, which the scaling would change).

root = np.sqrt(sample_weight)
rescaled = SparseRegressor(penalty=L1(alpha_het), fit_intercept=False, tol=1e-10)
rescaled.fit(X * root[:, None], y_het * root)
gap_weighted = np.max(np.abs(weighted.coef_ - rescaled.coef_))
print(f"weighted loss vs plain loss on rescaled rows: largest coefficient difference "
      f"{gap_weighted:.1e}")

##############################################################################
# The error of each coefficient (exact zeros sit at the bottom line): the weighted loss is the
# more accurate on most features, and keeps every coefficient off the support at zero.

fig, ax = plt.subplots(figsize=(8, 3.2))
features = np.arange(len(coef))
ax.semilogy(features, np.abs(plain.coef_ - coef) + 1e-6, "C0s", ms=5,
            label="least squares + L1")
ax.semilogy(features, np.abs(weighted.coef_ - coef) + 1e-6, "C1^", ms=5,
            label="weighted least squares + L1")
ax.plot(support, np.full(len(support), 2.0), "kv", ms=6, label="true support")
ax.set_xlabel("feature")
ax.set_ylabel("|error| + 1e-6")
ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3)
ax.set_ylim(5e-7, 5)
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_name(Path(sys.argv[0]).stem + "_weighted.png"), dpi=100)

##############################################################################
# Both constructions run on sparselearn's compiled L1 and quadratic kernels, and both match
# their references to the solver tolerance. The adaptive Lasso keeps the true features with
# fewer false ones and less shrinkage; the weighted loss trusts the quiet samples more and
# estimates the coefficients better than the plain one. Any penalty's ``weights`` (MCP, SCAD,
# log-sum, ...) and any datafit's ``sample_weight`` (logistic, Poisson, Huber) combine the
# same way. A formula none of the classes has (the cubic penalty, the Cauchy loss above)
# belongs in sparselearn itself: see :ref:`contributing`.
