import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.metrics import euclidean_distances
from sklearn.pipeline import make_pipeline
from sklearn.linear_model import RidgeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from sparselearn.sketching import SketchTransformer, make_sketch

SKETCHES = ["countsketch", "sparse_sign", "gaussian", "srht"]


@pytest.mark.parametrize("sketch", SKETCHES)
def test_distances_preserved(sketch, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = sp.random(40, 5000, density=0.02, random_state=global_random_seed, format="csr")
    X = X + sp.csr_matrix(rng.standard_normal((40, 1)) * np.eye(40, 5000))
    tr = SketchTransformer(sketch=sketch, n_components=1000, random_state=global_random_seed)
    Z = tr.fit_transform(X)
    d_orig = euclidean_distances(X)[np.triu_indices(40, 1)]
    d_new = euclidean_distances(Z)[np.triu_indices(40, 1)]
    ratio = d_new / d_orig
    # eps ~ sqrt(8 log(n_pairs) / k) = 0.24 for a JL map at k = 1000 with 780 pairs
    assert np.all(np.abs(ratio - 1) < 0.25), (ratio.min(), ratio.max())


@pytest.mark.parametrize("sketch", SKETCHES)
def test_transform_is_the_function_sketch_of_features(sketch):
    X = np.random.default_rng(0).standard_normal((20, 300))
    tr = SketchTransformer(sketch=sketch, n_components=64, random_state=5).fit(X)
    op = make_sketch(sketch, 64, random_state=5).fit(300)
    np.testing.assert_allclose(tr.transform(X), op.apply(X.T).T, rtol=1e-12, atol=1e-12)
    Xs = sp.csr_matrix(X)
    out = tr.transform(Xs)
    out = out.toarray() if sp.issparse(out) else out
    np.testing.assert_allclose(out, tr.transform(X), rtol=1e-12, atol=1e-12)


def test_auto_dimension_and_errors():
    X = np.random.default_rng(0).standard_normal((100, 20000))
    tr = SketchTransformer(eps=0.5, random_state=0).fit(X)
    from sklearn.random_projection import johnson_lindenstrauss_min_dim

    assert tr.n_components_ == johnson_lindenstrauss_min_dim(100, eps=0.5)
    # the bound exceeds n_features: capped there, with a warning, instead of an error
    with pytest.warns(UserWarning, match="capped at 100"):
        small = SketchTransformer(eps=0.1, random_state=0).fit(X[:, :100])
    assert small.n_components_ == 100
    assert small.transform(X[:, :100]).shape == (100, 100)
    with pytest.raises(ValueError, match="n_components"):
        SketchTransformer(n_components=0).fit(X)
    with pytest.raises(ValueError, match="SRHT"):
        SketchTransformer(sketch="srht", n_components=200).fit(X[:, :100])
    with pytest.warns(UserWarning, match="higher than the number of features"):
        SketchTransformer(n_components=200).fit(X[:, :100])


def test_pipeline_and_dense_output():
    rng = np.random.default_rng(0)
    X = sp.random(200, 3000, density=0.01, random_state=0, format="csr")
    y = (X @ rng.standard_normal(3000) > 0).astype(int)
    pipe = make_pipeline(SketchTransformer(n_components=500, random_state=0), RidgeClassifier())
    assert pipe.fit(X, y).score(X, y) > 0.8
    tr = SketchTransformer(n_components=50, dense_output=True, random_state=0).fit(X)
    assert isinstance(tr.transform(X), np.ndarray)
    assert sp.issparse(SketchTransformer(n_components=50, random_state=0).fit_transform(X))
    names = tr.get_feature_names_out()
    assert names[0] == "sketchtransformer0" and len(names) == 50


@parametrize_with_checks(
    [
        SketchTransformer(n_components=2, random_state=0),
        SketchTransformer(sketch="srht", n_components=2, random_state=0),
        SketchTransformer(sketch="gaussian", n_components=2, random_state=0),
        SketchTransformer(sketch="sparse_sign", n_components=2, random_state=0),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.parametrize("sketch", ["countsketch", "sparse_sign"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sparse_dense_output_matches_product(sketch, dtype, global_random_seed):
    """Sparse X, sparse S, dense output: X @ S^T as an ndarray, in X's dtype."""
    X = sp.random(30, 400, density=0.05, random_state=global_random_seed, format="csr",
                  dtype=dtype)
    tr = SketchTransformer(sketch=sketch, n_components=50, dense_output=True,
                           random_state=global_random_seed).fit(X)
    expected = X.toarray().astype(np.float64) @ tr.components_.toarray().T
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for data in (X, X.tocsc()):
        Z = tr.transform(data)
        assert isinstance(Z, np.ndarray) and Z.dtype == dtype
        np.testing.assert_allclose(Z, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("sketch", ["countsketch", "sparse_sign"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sparse_input_dense_output_equals_dense_product(sketch, dtype, global_random_seed):
    """The dense-output path for sparse X (a row-wise kernel, no sparse intermediate) equals
    X @ S.T computed densely, for CSR (int32 / int64 indices, unsorted with duplicates,
    empty rows) and CSC input, and equals the sparse-output path."""
    rng = np.random.default_rng(global_random_seed)
    n, d = 60, 300
    X = sp.random(n, d, density=0.05, random_state=global_random_seed, format="csr",
                  dtype=dtype)
    X[rng.integers(0, n, size=10)] = 0  # empty rows
    X.eliminate_zeros()
    tr = SketchTransformer(sketch=sketch, n_components=40, dense_output=True,
                           random_state=global_random_seed).fit(X)
    S = tr.components_.toarray()
    expected = X.toarray().astype(np.float64) @ S.T
    tol = 1e-5 if dtype == np.float32 else 1e-12
    # a non-canonical copy: each row reversed, its first nonzero split in two duplicates
    rows = [X.indices[X.indptr[i]:X.indptr[i + 1]][::-1] for i in range(n)]
    vals = [X.data[X.indptr[i]:X.indptr[i + 1]][::-1] for i in range(n)]
    ind = np.concatenate([np.concatenate([r[:1], r]) for r in rows])
    dat = np.concatenate([np.concatenate([v[:1] / 2, v[:1] / 2, v[1:]]) if len(v) else v
                          for v in vals])
    ptr = np.concatenate([[0], np.cumsum([len(r) + (len(r) > 0) for r in rows])])
    messy = sp.csr_matrix((dat, ind, ptr), shape=(n, d))
    for index_dtype in (np.int32, np.int64):
        for M in (X, X.tocsc(), messy):
            M = M.copy()
            M.indices = M.indices.astype(index_dtype)
            M.indptr = M.indptr.astype(index_dtype)
            Z = tr.transform(M)
            assert isinstance(Z, np.ndarray) and Z.dtype == dtype
            np.testing.assert_allclose(Z, expected, rtol=tol, atol=tol)
    sparse_out = tr.set_params(dense_output=False).transform(X)
    np.testing.assert_allclose(sparse_out.toarray(), expected, rtol=tol, atol=tol)
