"""
=============================================
SLIM: an optimised integer medical score card
=============================================

A SLIM model (Ustun & Rudin, 2016) is a linear classifier with small integer points:
add the points of the risk factors a patient has, and predict the outcome when the total
exceeds a threshold. Here the breast cancer data of scikit-learn is turned into yes/no
risk factors (``feature > threshold``), SLIM is solved with HiGHS under a size limit, and
its test error is compared, size by size, with an L1-logistic regression whose
coefficients are scaled and rounded to the same integer range (the usual shortcut).
"""

# sphinx_gallery_thumbnail_number = 1
from pathlib import Path
import sys
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from sparselearn.linear_model import penalized_path
from sparselearn.scoring import SLIMClassifier, ThresholdBinarizer

##############################################################################
# Binary risk factors
# -------------------
# Each continuous column becomes indicators at its terciles, named like
# ``mean radius>13.5``.

data = load_breast_cancer()
binarizer = ThresholdBinarizer(n_thresholds=2)
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.3, stratify=data.target, random_state=0)
Xb_train = binarizer.fit_transform(X_train)
Xb_test = binarizer.transform(X_test)
names = binarizer.get_feature_names_out(data.feature_names)
print(f"{Xb_train.shape[1]} binary risk factors")

##############################################################################
# A score card with at most 3 risk factors
# ----------------------------------------
# SLIM is an anytime solver: it starts from its heuristics' best model and lets the MIP
# improve it until ``time_limit``. Proving that model optimal (closing the gap to the MIP's
# lower bound) takes far longer than a few seconds on this problem (the gap is still above
# 0.9 after a minute), so the limits here are deliberately short. A fit that stops with the
# gap open raises a ``ConvergenceWarning``; this example expects it, catches that warning
# only, and prints the fitted ``mip_gap_`` instead (``inf``: no lower bound was proven
# within the limit) and ``solve_status_``. A status ``no_solution`` says that the MIP solver
# found no model of its own within the limit: the score card is then the heuristics' best
# model, which the MIP could not improve on in that time.

with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # stopped at the time limit on purpose
    card_model = SLIMClassifier(max_coef=5, max_features=3, C0=1e-3, time_limit=2,
                                random_state=0).fit(Xb_train, y_train)
print(card_model.scorecard(feature_names=list(names), positive_label="benign"))
print(f"test error {1 - card_model.score(Xb_test, y_test):.3f}; "
      f"relative gap {card_model.mip_gap_:.2f}; status: {card_model.solve_status_}")

##############################################################################
# Test error against model size
# -----------------------------
# SLIM under ``max_features = k`` against the rounded L1-logistic model with at most
# ``k`` nonzero coefficients: along the L1-logistic path
# (:func:`~sparselearn.linear_model.penalized_path`, intercept not penalized), every fit is
# truncated to its ``k`` largest coefficients, scaled so that the largest is 5 and rounded,
# its integer threshold set to fit the training data, and the model with the lowest training
# error is kept.

alphas, path, _ = penalized_path(Xb_train, 2 * y_train - 1, datafit="logistic",
                                    fit_intercept=True, n_alphas=200, eps=1e-3)


def rounded_l1_logistic(X, y, k, max_coef):
    """Along the L1-logistic path, every nonzero fit truncated to its k largest coefficients,
    scaled so that the largest is max_coef and rounded, with the integer threshold that fits
    the training data best; the model with the lowest training error."""
    best, best_err = None, np.inf
    for coef in path.T:
        if not np.any(coef):
            continue
        coef = np.where(np.abs(coef) >= np.sort(np.abs(coef))[-k], coef, 0.0)
        coef = np.round(coef * max_coef / np.abs(coef).max())
        scores = X @ coef
        for intercept in np.arange(-np.abs(coef).sum() - 1, np.abs(coef).sum() + 1):
            err = np.mean((scores + intercept > 0) != y)
            if err < best_err:
                best, best_err = (coef, intercept), err
    return best


sizes = [1, 2, 3, 4, 5]
slim_err, lr_err = [], []
for k in sizes:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 1 s limit on purpose, as above
        slim = SLIMClassifier(max_coef=5, max_features=k, C0=1e-4, time_limit=1,
                              random_state=0).fit(Xb_train, y_train)
    slim_err.append(1 - slim.score(Xb_test, y_test))
    coef, intercept = rounded_l1_logistic(Xb_train, y_train, k, 5)
    lr_err.append(np.mean((Xb_test @ coef + intercept > 0) != y_test))
    print(f"k={k}: SLIM {slim_err[-1]:.3f} (gap {slim.mip_gap_:.2f})  "
          f"rounded L1-logistic {lr_err[-1]:.3f}")

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(sizes, 100 * np.array(slim_err), "o-", label="SLIM (HiGHS, 1 s)")
ax.plot(sizes, 100 * np.array(lr_err), "s--", label="rounded L1-logistic")
ax.set_xticks(list(sizes))  # sizes are whole numbers of risk factors
ax.set_xlabel("model size (nonzero points)")
ax.set_ylabel("test error (%)")
ax.set_title("Breast cancer: integer score cards")
ax.legend()
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"), dpi=100)
plt.show()

##############################################################################
# On these 60 indicators the two integer models are within about one test error point
# of each other at every size (a 1 s time limit leaves SLIM's MIP gap open). The rounded
# path needs the data-fitted threshold and the truncation to get there; SLIM searches the
# integer models directly and takes operational constraints (see the user guide) that a
# rounded logistic fit cannot.
