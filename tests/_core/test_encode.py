"""The coding dispatcher sparselearn._core.encode against its kernels and numpy oracles."""

import numpy as np
import pytest

from sparselearn._core import coding as _coding
from sparselearn._core import encode as _encode
from sparselearn._core import greedy as _greedy
from sparselearn._core import prox as _prox
from sparselearn.penalties import CEL0, L1, MCP, SCAD, L0


def _problem(rng, n_samples=30, n_components=12, n_features=20):
    D = rng.standard_normal((n_components, n_features))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    codes = rng.standard_normal((n_samples, n_components))
    codes *= rng.uniform(size=codes.shape) < 0.2
    X = codes @ D + 0.05 * rng.standard_normal((n_samples, n_features))
    G = np.ascontiguousarray(D @ D.T)
    cov = np.ascontiguousarray(X @ D.T)
    return X, D, G, cov


def _arrays(pen, n_components):
    return pen._code, pen._params(), pen._weights(n_components), pen.convex


@pytest.mark.parametrize("positive", [False, True])
def test_greedy_dispatch_equals_the_kernels(rng, positive):
    X, _, G, cov = _problem(rng)
    norms_sq = np.einsum("ij,ij->i", X, X)
    runs = {
        "mp": (_greedy.mp_gram(G, cov, norms_sq, 3, -1.0, 50, positive)[0],
               dict(norms_sq=norms_sq, n_nonzero_coefs=3, max_iter=50)),
        "iht": (_greedy.niht_gram(G, cov, 3, 50, 1e-6, positive)[0],
                dict(n_nonzero_coefs=3, max_iter=50, tol=1e-6)),
        "topk": (_greedy.topk_gram(cov, 3, positive), dict(n_nonzero_coefs=3)),
        "threshold": (_greedy.soft_threshold_codes(cov, 0.3, positive), dict(threshold=0.3)),
    }
    if not positive:
        runs["omp"] = (_greedy.omp_gram(G, cov, norms_sq, 3, -1.0)[0],
                       dict(norms_sq=norms_sq, n_nonzero_coefs=3))
    for algorithm, (expected, kwargs) in runs.items():
        codes, _, _ = _encode.encode(G, cov, algorithm, positive=positive, **kwargs)
        np.testing.assert_array_equal(codes, expected, err_msg=algorithm)


def test_threshold_and_topk_against_numpy(rng):
    _, _, G, cov = _problem(rng)
    codes, n_iter, failures = _encode.encode(G, cov, "threshold", threshold=0.4)
    np.testing.assert_allclose(codes, np.sign(cov) * np.maximum(np.abs(cov) - 0.4, 0.0))
    assert (n_iter, failures) == (1, [])
    codes, _, _ = _encode.encode(G, cov, "topk", n_nonzero_coefs=4)
    assert np.all(np.count_nonzero(codes, axis=1) == 4)
    for i in range(cov.shape[0]):
        top = np.argsort(-np.abs(cov[i]))[:4]
        np.testing.assert_array_equal(codes[i, top], cov[i, top])


def test_omp_residual_target_and_iteration_count(rng):
    X, D, G, cov = _problem(rng)
    norms_sq = np.einsum("ij,ij->i", X, X)
    codes, n_iter, _ = _encode.encode(G, cov, "omp", norms_sq=norms_sq, n_nonzero_coefs=12,
                                      tol_residual=0.5)
    assert n_iter == 12
    residual = np.sum((X - codes @ D) ** 2, axis=1)
    assert np.all(residual <= 0.5 + 1e-10)
    assert np.count_nonzero(codes) < codes.size  # the target stops it early


@pytest.mark.parametrize("algorithm", ["cd", "fista"])
@pytest.mark.parametrize("pen", [L1(alpha=0.1), L1(alpha=0.1, positive=True), MCP(alpha=0.1),
                                 SCAD(alpha=0.1), CEL0(alpha=0.05)], ids=repr)
def test_penalized_dispatch_equals_the_kernels(rng, algorithm, pen):
    _, _, G, cov = _problem(rng)
    n_components = G.shape[0]
    start = rng.standard_normal(cov.shape)
    curvs = np.ascontiguousarray(np.diag(G))
    expected = start.copy()
    if algorithm == "cd":
        _coding.cd_gram(G, cov, expected, pen._code, pen._params(), pen._weights(n_components),
                        curvs, 200, 1e-6, np.zeros(0))
    else:
        _coding.fista_gram(G, cov, expected, np.linalg.eigvalsh(G)[-1], pen._code, pen._params(),
                           pen._weights(n_components), curvs, 200, 1e-6)
    init = start.copy()
    codes, _, _ = _encode.encode(G, cov, algorithm, penalty=_arrays(pen, n_components), init=init,
                                 max_iter=200, tol=1e-6)
    np.testing.assert_allclose(codes, expected, rtol=1e-12, atol=1e-14)
    assert codes is init  # the start is overwritten in place


@pytest.mark.parametrize("pen", [MCP(alpha=0.1, gamma=2.0), L0(alpha=0.02), SCAD(alpha=0.1)],
                         ids=repr)
def test_nonconvex_codes_start_from_the_l1_problem_with_the_same_zero_threshold(rng, pen):
    _, _, G, cov = _problem(rng)
    n = G.shape[0]
    curvature = float(np.median(np.diag(G)))
    alpha = _encode.l1_start_alpha(pen._code, pen._params(), curvature)
    np.testing.assert_allclose(alpha, pen.zero_threshold(curvature), rtol=1e-12)
    l1_codes, _, _ = _encode.encode(G, cov, "cd", penalty=_arrays(L1(alpha=alpha), n), init="zeros")
    expected, _, _ = _encode.encode(G, cov, "cd", penalty=_arrays(pen, n), init=l1_codes)
    for init in (None, "l1"):
        codes, _, _ = _encode.encode(G, cov, "cd", penalty=_arrays(pen, n), init=init)
        np.testing.assert_array_equal(codes, expected)
    from_zero, _, _ = _encode.encode(G, cov, "cd", penalty=_arrays(pen, n), init="zeros")
    assert not np.array_equal(from_zero, expected) or np.count_nonzero(expected) == 0


def test_l1_start_alpha_is_where_the_prox_starts_to_move():
    pen = MCP(alpha=0.3, gamma=2.0)
    c = 0.8
    boundary = _encode.l1_start_alpha(pen._code, pen._params(), c) / c
    prox = _prox.prox_1d
    assert prox(pen._code, pen._params(), 1.0, c, boundary * (1 - 1e-6), 1.0 / c) == 0.0
    assert prox(pen._code, pen._params(), 1.0, c, boundary * (1 + 1e-6), 1.0 / c) != 0.0


def test_failures_are_reported_per_kernel_run(rng):
    X, _, G, cov = _problem(rng)
    n = G.shape[0]
    _, n_iters, status = _greedy.niht_gram(G, cov, 3, 1, 1e-12, False)
    _, n_iter, failures = _encode.encode(G, cov, "iht", n_nonzero_coefs=3, max_iter=1, tol=1e-12)
    assert failures == [("iht", int(np.sum(status == 2)), X.shape[0])] and failures[0][1] > 0
    assert n_iter == n_iters.max()
    # a nonconvex penalty started from L1: one entry per run that failed (L1 start, then MCP)
    _, _, failures = _encode.encode(G, cov, "fista", penalty=_arrays(MCP(alpha=0.05), n),
                                    max_iter=2, tol=1e-12)
    assert [f[0] for f in failures] == ["fista", "fista"]
    assert all(0 < f[1] <= f[2] == X.shape[0] for f in failures)
    _, _, failures = _encode.encode(G, cov, "cd", penalty=_arrays(L1(alpha=0.1), n),
                                    max_iter=1000, tol=1e-4)
    assert failures == []


def test_lipschitz_is_the_largest_eigenvalue(rng):
    _, _, G, _ = _problem(rng)
    np.testing.assert_allclose(_encode.lipschitz(G), np.linalg.eigvalsh(G)[-1], rtol=1e-12)
