"""
====================================================================
Sparse logistic regression: accuracy against the number of features
====================================================================

Which of the 30 measurements of scikit-learn's breast cancer data does a classifier need? We
fit L1- and MCP-penalized logistic regressions along a regularization path
(:func:`~sparselearn.linear_model.penalized_path`, with an unpenalized intercept), score each
model of the path on held-out patients, and compare with
:class:`~sparselearn.bayes.RelevanceVectorClassifier`, which chooses its features itself, and
with scikit-learn's ``LogisticRegression`` (ridge penalty, all 30 features).
"""

import matplotlib.pyplot as plt
import numpy as np
from pathlib import Path
import sys
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sparselearn.bayes import RelevanceVectorClassifier
from sparselearn.linear_model import SparseClassifier, penalized_path
from sparselearn.penalties import L1, MCP

##############################################################################
# Data
# ----
# Features standardized on the training split (the penalties treat every feature alike);
# ``penalized_path`` with the logistic datafit takes labels in {-1, +1}.

data = load_breast_cancer()
X_train, X_test, y_train, y_test = train_test_split(
    data.data, data.target, test_size=0.4, stratify=data.target, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
s_train = 2 * y_train - 1

##############################################################################
# Held-out accuracy along the paths
# ---------------------------------
# Each point is one model of the path: its number of nonzero coefficients and its accuracy on
# the held-out patients.

fig, ax = plt.subplots(figsize=(7, 4))
for name, penalty in (("L1", L1()), ("MCP", MCP(gamma=3.0))):
    alphas, coefs, info = penalized_path(X_train, s_train, penalty=penalty, datafit="logistic",
                                         fit_intercept=True, n_alphas=40, eps=1e-2)
    sizes = np.count_nonzero(coefs, axis=0)
    accuracy = [np.mean((X_test @ w + b > 0) == y_test)
                for w, b in zip(coefs.T, info["intercepts"])]
    ax.plot(sizes, accuracy, "o-", ms=3, label=f"{name}-logistic path")

rvc = RelevanceVectorClassifier().fit(X_train, y_train)
ax.plot(rvc.active_.size, rvc.score(X_test, y_test), "k*", ms=12,
        label="RelevanceVectorClassifier")
ridge = LogisticRegression().fit(X_train, y_train)
ax.axhline(ridge.score(X_test, y_test), color="gray", ls="--",
           label="LogisticRegression (ridge, 30 features)")
ax.set_xlabel("number of features in the model")
ax.set_ylabel("held-out accuracy")
ax.set_ylim(0.85, 1.0)
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()
fig.savefig(Path(sys.argv[0]).with_suffix(".png"), dpi=100)

##############################################################################
# A few features suffice: the L1 path reaches the ridge model's held-out accuracy with 4 of the
# 30. MCP, which leaves large coefficients unshrunk, does worse at every size on this data: with
# features this correlated, the Lasso's shrinkage is useful regularization, and the unbiased
# coefficients of a nonconvex penalty pay off rather when the true model is sparse and the
# sample large (see the regression example). The relevance vector classifier lands on the L1
# curve with no path to tune.
#
# One model, as an estimator
# --------------------------
# :class:`~sparselearn.linear_model.SparseClassifier` fits one point of such a path; here the L1
# penalty at a tenth of ``alpha_max`` (the smallest alpha with an all-zero model).

clf = SparseClassifier(penalty=L1(alpha=0.1 * alphas[0])).fit(X_train, y_train)
kept = np.flatnonzero(clf.coef_.ravel())
print(f"L1-logistic at alpha = {clf.penalty.alpha:.3g}: {kept.size} features, held-out "
      f"accuracy {clf.score(X_test, y_test):.3f}")
for j in kept:
    print(f"  {data.feature_names[j]:<25} {clf.coef_.ravel()[j]:+.2f}")
print(f"RelevanceVectorClassifier: {rvc.active_.size} features, held-out accuracy "
      f"{rvc.score(X_test, y_test):.3f}; LogisticRegression: {ridge.score(X_test, y_test):.3f}")
