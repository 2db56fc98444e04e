import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LassoCV, lasso_path

from sparselearn.linear_model import SparseRegressorCV, penalized_path
from sparselearn.penalties import L0, L1, MCP, SCAD


@pytest.mark.parametrize("sparse", [False, True])
def test_lasso_path_matches_sklearn(regression_data, sparse):
    X, y, _ = regression_data
    Xf = sp.csc_matrix(X) if sparse else X
    alphas, coefs, info = penalized_path(Xf, y, penalty=L1(), n_alphas=15, tol=1e-10)
    ref_alphas, ref_coefs, _ = lasso_path(X, y, alphas=alphas, tol=1e-14, max_iter=100_000)
    np.testing.assert_allclose(alphas, ref_alphas)
    assert alphas[0] == pytest.approx(np.max(np.abs(X.T @ y)) / len(y))  # sklearn's alpha_max
    np.testing.assert_allclose(coefs, ref_coefs, atol=1e-7)
    assert info["converged"].all()


@pytest.mark.parametrize("penalty", [L1(), MCP(gamma=3.0), SCAD(), L0()], ids=repr)
def test_path_starts_at_zero_and_grows(regression_data, penalty):
    X, y, _ = regression_data
    alphas, coefs, info = penalized_path(X, y, penalty=penalty, n_alphas=10, fit_intercept=True)
    assert np.all(np.diff(alphas) < 0)
    assert np.count_nonzero(coefs[:, 0]) == 0
    assert np.count_nonzero(coefs[:, -1]) > 0
    # just below alpha_max the solution leaves zero
    _, coefs_below, _ = penalized_path(X, y, penalty=penalty, alphas=[alphas[0] * 0.97],
                                       fit_intercept=True)
    assert np.count_nonzero(coefs_below) > 0


def test_cv_selects_like_lassocv(regression_data):
    X, y, _ = regression_data
    ours = SparseRegressorCV(penalty=L1(), n_alphas=20, cv=4, tol=1e-8).fit(X, y)
    ref = LassoCV(alphas=ours.alphas_, cv=4, tol=1e-12, max_iter=100_000).fit(X, y)
    np.testing.assert_allclose(ours.alphas_, ref.alphas_)
    # both are the held-out mean squared error
    np.testing.assert_allclose(ours.mse_path_, ref.mse_path_, rtol=1e-4)
    assert ours.alpha_ == pytest.approx(ref.alpha_)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    assert set(ours.cv_results_) >= {"alphas", "mean_test_loss", "std_test_loss", "split0_test_loss"}


def test_path_input_errors(regression_data):
    X, y, _ = regression_data
    with pytest.raises(ValueError, match="alphas"):
        penalized_path(X, y, alphas=[-1.0])
    with pytest.raises(ValueError, match="eps"):
        penalized_path(X, y, eps=2.0)
    with pytest.raises(ValueError, match="y must take values"):
        penalized_path(X, y, datafit="logistic")


@pytest.mark.parametrize("kwargs, name", [({"tol": -1.0}, "tol"), ({"max_iter": -1}, "max_iter"),
                                          ({"max_iter": 1.5}, "max_iter"), ({"eps": 2.0}, "eps"),
                                          ({"n_alphas": 0}, "n_alphas"), ({"solver": "x"}, "solver"),
                                          ({"penalty": "lasso"}, "penalty")])
def test_path_parameters_are_checked_by_name(regression_data, kwargs, name):
    X, y, _ = regression_data
    with pytest.raises(ValueError, match=name):
        penalized_path(X, y, **kwargs)
