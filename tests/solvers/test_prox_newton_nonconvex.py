"""Prox-Newton working sets with nonconvex penalties on a non-quadratic datafit.

With the logistic loss, a model fitted with confidence has small curvature ``p (1 - p)``; below the
concavity of MCP / SCAD the Newton model of a coordinate is nonconvex and its minimizer swaps a
feature for another along a direction the true objective rises on. The solver used to reject
that step, fall back to the slow majorization step, and alternate the two for 100 outer
iterations without converging (MCP-logistic on standardized breast cancer, just below
``alpha_max``).
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sparselearn.linear_model import SparseClassifier, penalized_path
from sparselearn.penalties import MCP, SCAD


@pytest.fixture(scope="module")
def breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), 2.0 * y - 1.0


@pytest.mark.parametrize("penalty", [MCP(gamma=3.0), MCP(gamma=6.0), SCAD(gamma=3.7)],
                         ids=["mcp3", "mcp6", "scad"])
def test_nonconvex_logistic_path_converges_near_alpha_max(breast_cancer, penalty):
    X, s = breast_cancer
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        alphas, coefs, info = penalized_path(X, s, penalty=penalty, datafit="logistic",
                                             fit_intercept=True, n_alphas=12, eps=1e-1,
                                             tol=1e-8)
    assert np.all(info["converged"])
    assert np.max(info["n_iter"]) <= 20


def test_nonconvex_logistic_fit_is_stationary(breast_cancer):
    X, s = breast_cancer
    alpha = 0.9 * 0.3888  # just below alpha_max of this problem
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = SparseClassifier(penalty=MCP(alpha=alpha, gamma=3.0), tol=1e-8).fit(X, s)
    w, b = clf.coef_.ravel(), clf.intercept_[0]
    z = X @ w + b
    d = -s / (1.0 + np.exp(s * z)) / len(s)
    grad = X.T @ d
    # MCP's derivative: alpha - |w| / gamma inside [0, gamma alpha], 0 beyond
    slope = np.sign(w) * np.maximum(alpha - np.abs(w) / 3.0, 0.0)
    on_support = w != 0
    assert np.count_nonzero(w) >= 1
    assert np.max(np.abs(grad[on_support] + slope[on_support])) <= 1e-6
    assert np.max(np.abs(grad[~on_support]), initial=0.0) <= alpha + 1e-6
    assert abs(d.sum()) <= 1e-6
