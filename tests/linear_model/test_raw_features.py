"""Raw (uncentred) features: with an intercept, the fit does not depend on feature offsets.

The solvers move each coordinate along its centred column and let the intercept absorb the
offset (coordinate descent), or run in the centred parametrization (FISTA, AG), so shifting the
columns of X only shifts the intercept: same coefficients, same number of iterations.
"""

import numpy as np
import pytest
import scipy.sparse as sp

from sparselearn.linear_model import (SparseClassifier, SparseRegressor, SparseRegressorCV,
                                      penalized_path)
from sparselearn.penalties import CEL0, L1, MCP, Lq


def _data(rng, n=300, p=40, weighted=False):
    X = rng.standard_normal((n, p)) * rng.uniform(0.5, 3.0, p)
    sw = rng.uniform(0.2, 2.0, n) if weighted else np.ones(n)
    X -= np.average(X, axis=0, weights=sw)  # centred in the weighted sense
    offsets = rng.uniform(-8.0, 12.0, p)
    w = np.zeros(p)
    w[:5] = rng.uniform(1.0, 2.0, 5) * rng.choice([-1, 1], 5)
    return X, X + offsets, offsets, w, sw if weighted else None


CASES = [
    ("quadratic", L1(alpha=0.05), "cd"), ("quadratic", MCP(alpha=0.1), "cd"),
    ("quadratic", Lq(alpha=0.02), "cd"), ("quadratic", CEL0(alpha=0.02), "cd"),
    ("huber", L1(alpha=0.05), "cd"), ("poisson", L1(alpha=0.02), "cd"),
    ("logistic", L1(alpha=0.01), "cd"), ("logistic", MCP(alpha=0.02), "cd"),
    ("quadratic", L1(alpha=0.05), "fista"), ("quadratic", MCP(alpha=0.1), "agd"),
    ("logistic", L1(alpha=0.01), "fista"),
]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("datafit, penalty, solver", CASES, ids=lambda c: repr(c))
def test_offsets_change_only_the_intercept(rng, datafit, penalty, solver, weighted):
    Xc, Xr, offsets, w, sw = _data(rng, weighted=weighted)
    if datafit in ("logistic", "poisson"):
        w = 0.3 * w  # away from separable data (logistic) and huge counts (Poisson)
    z = Xc @ w + 0.5
    if datafit == "logistic":
        y = (z + rng.logistic(size=z.size) > 0).astype(int)
        make = lambda: SparseClassifier(penalty=penalty, solver=solver, tol=1e-7)  # noqa: E731
    else:
        y = (rng.poisson(np.exp(z)) if datafit == "poisson"
             else z + 0.3 * rng.standard_normal(z.size))
        make = lambda: SparseRegressor(penalty=penalty, datafit=datafit, solver=solver,  # noqa
                                       tol=1e-7, max_iter=None if solver == "cd" else 50_000)
    centred = make().fit(Xc, y, sample_weight=sw)
    raw = make().fit(Xr, y, sample_weight=sw)
    coef_c, coef_r = np.ravel(centred.coef_), np.ravel(raw.coef_)
    scale = max(1.0, np.max(np.abs(coef_c)))
    np.testing.assert_allclose(coef_r, coef_c, atol=1e-4 * scale)
    assert np.ravel(raw.intercept_)[0] + offsets @ coef_r == pytest.approx(
        np.ravel(centred.intercept_)[0], abs=1e-4 * scale)
    n_c, n_r = np.ravel(centred.n_iter_)[0], np.ravel(raw.n_iter_)[0]
    assert n_r <= 1.1 * n_c + 1


def test_sparse_raw_features_are_centred_implicitly(rng):
    """Sparse columns with nonzero means: same fit as the densified, centred columns."""
    n, p = 400, 60
    X = sp.random(n, p, density=0.2, format="csc", random_state=0,
                  data_rvs=lambda k: rng.uniform(2.0, 4.0, k))
    w = np.zeros(p)
    w[:4] = [2.0, -1.5, 1.0, 1.2]
    y = X @ w + 1.0 + 0.1 * rng.standard_normal(n)
    dense = X.toarray()
    centred = SparseRegressor(penalty=L1(alpha=0.01), tol=1e-9).fit(dense - dense.mean(0), y)
    raw = SparseRegressor(penalty=L1(alpha=0.01), tol=1e-9).fit(X, y)
    np.testing.assert_allclose(raw.coef_, centred.coef_, atol=1e-6)
    assert raw.n_iter_ <= centred.n_iter_ + 1


def test_path_and_cv_on_raw_features(rng):
    Xc, Xr, offsets, w, _ = _data(rng)
    y = Xc @ w + 0.3 * rng.standard_normal(Xc.shape[0])
    _, coefs_c, info_c = penalized_path(Xc, y, penalty=MCP(), n_alphas=10, fit_intercept=True)
    _, coefs_r, info_r = penalized_path(Xr, y, penalty=MCP(), n_alphas=10, fit_intercept=True)
    np.testing.assert_allclose(coefs_r, coefs_c, atol=1e-5)
    assert np.sum(info_r["n_iter"]) <= np.sum(info_c["n_iter"]) + 10
    cv_c = SparseRegressorCV(n_alphas=10, cv=3).fit(Xc, y)
    cv_r = SparseRegressorCV(n_alphas=10, cv=3).fit(Xr, y)
    assert cv_r.alpha_ == pytest.approx(cv_c.alpha_)
    np.testing.assert_allclose(cv_r.coef_, cv_c.coef_, atol=1e-5)
