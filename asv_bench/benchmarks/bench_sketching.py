"""Sketching against numpy lstsq, scipy LSQR / clarkson_woodruff_transform and sklearn projections.

Every contender runs single-threaded (``_threads`` is imported before numpy). Goals (issue 7):
sketch-and-precondition >= 3x faster than lstsq at equal residual; sketch-and-solve >= 8x faster
with residual <= 1.25x optimal; sparse cond-1e6 problem >= 5x faster than LSQR (300 iterations)
with forward error <= 1e-7; countsketch >= 2x faster than scipy's; coordinated sampling >= 5x
lower A^T B error than JL / CountSketch at equal bytes; SketchTransformer >= 2x faster than
SparseRandomProjection at similar distortion.

Issue 16 (one run, single-threaded): sketch-and-precondition >= 3x lstsq on a dense
well-conditioned 100000 x 200 problem at residual within 1e-10 of the optimum (``DenseLeastSquares100k``);
forward error <= 1e-9 at cond 1e6 (``ForwardError``); CountSketch of a 1%-dense 200000 x 200
matrix into 800 rows >= 2x scipy for CSR and CSC, dense no slower (``SketchTime``);
SketchTransformer with dense output >= 2x SparseRandomProjection (``TransformerDenseOutput``).
"""

from . import _threads  # noqa: F401  (single-threaded BLAS / numba, before numpy)

import numpy as np
import scipy.sparse as sp
from scipy.linalg import clarkson_woodruff_transform
from scipy.sparse.linalg import lsqr
from sklearn.metrics import euclidean_distances
from sklearn.random_projection import SparseRandomProjection

from sparselearn.datasets import make_least_squares
from sparselearn.sketching import (
    CoordinatedSampler,
    SketchedLeastSquares,
    SketchTransformer,
    countsketch,
)

N_ROWS, N_COLS = 200_000, 200


def _dense_problem(cond, seed=0):
    """A = G diag(s) V^T (G Gaussian): cond(A) ~ cond; b = A x + noise."""
    rng = np.random.default_rng(seed)
    V, _ = np.linalg.qr(rng.standard_normal((N_COLS, N_COLS)))
    A = rng.standard_normal((N_ROWS, N_COLS)) @ (np.logspace(0, -np.log10(cond), N_COLS)[:, None] * V.T)
    A /= np.sqrt(N_ROWS)
    x = rng.standard_normal(N_COLS)
    b = A @ x + 1e-3 * rng.standard_normal(N_ROWS) / np.sqrt(N_ROWS)
    return A, b, x


def _sparse_problem(cond=1e6, density=0.01, seed=0):
    rng = np.random.default_rng(seed)
    A = sp.random(N_ROWS, N_COLS, density=density, random_state=seed, format="csr")
    A = A @ sp.diags(np.logspace(0, -np.log10(cond), N_COLS))
    A = A.tocsr()
    x = rng.standard_normal(N_COLS)
    return A, A @ x, x  # consistent: x is the exact solution, forward error measures the solver


def _residual(A, b, x):
    return np.linalg.norm(b - A @ x)


class DenseLeastSquares:
    """n = 200000, d = 200 dense: lstsq vs sketch-and-precondition vs sketch-and-solve."""

    params = [1e0, 1e6, 1e8]
    param_names = ["cond"]
    timeout = 300

    def setup(self, cond):
        self.A, self.b, _ = _dense_problem(cond)
        self.sap = SketchedLeastSquares(fit_intercept=False, random_state=0)
        self.sas = SketchedLeastSquares(method="sketch_and_solve", fit_intercept=False,
                                        random_state=0)
        self.sap.fit(self.A[:5000], self.b[:5000])  # compile outside the timing
        self.sas.fit(self.A[:5000], self.b[:5000])

    def time_numpy_lstsq(self, cond):
        np.linalg.lstsq(self.A, self.b, rcond=None)

    def time_sketch_and_precondition(self, cond):
        self.sap.fit(self.A, self.b)

    def time_sketch_and_solve(self, cond):
        self.sas.fit(self.A, self.b)

    def track_sap_residual_rel_diff(self, cond):
        x_ref = np.linalg.lstsq(self.A, self.b, rcond=None)[0]
        r_ref = _residual(self.A, self.b, x_ref)
        return abs(_residual(self.A, self.b, self.sap.fit(self.A, self.b).coef_) - r_ref) / r_ref

    def track_sas_residual_ratio(self, cond):
        x_ref = np.linalg.lstsq(self.A, self.b, rcond=None)[0]
        r_ref = _residual(self.A, self.b, x_ref)
        return _residual(self.A, self.b, self.sas.fit(self.A, self.b).coef_) / r_ref


class SparseLeastSquares:
    """n = 200000, d = 200, 1% dense, cond 1e6: LSQR (300 iterations) vs sketch-and-precondition."""

    timeout = 300

    def setup(self):
        self.A, self.b, self.x = _sparse_problem()
        self.sap = SketchedLeastSquares(fit_intercept=False, random_state=0)
        self.sap.fit(self.A[:5000], self.b[:5000])

    def time_scipy_lsqr(self):
        lsqr(self.A, self.b, atol=1e-14, btol=1e-14, iter_lim=300)

    def time_sketch_and_precondition(self):
        self.sap.fit(self.A, self.b)

    def track_lsqr_forward_error(self):
        x = lsqr(self.A, self.b, atol=1e-14, btol=1e-14, iter_lim=300)[0]
        return np.linalg.norm(x - self.x) / np.linalg.norm(self.x)

    def track_sap_forward_error(self):
        x = self.sap.fit(self.A, self.b).coef_
        return np.linalg.norm(x - self.x) / np.linalg.norm(self.x)


class SketchTime:
    """CountSketch of a 200000 x 200 matrix (1%-dense CSR or CSC, and dense) into k rows."""

    params = [["csr", "csc", "dense"], [800, 2000]]
    param_names = ["input", "sketch_size"]
    timeout = 300

    def setup(self, kind, k):
        A, _, _ = _sparse_problem()
        if kind == "dense":
            A = np.random.default_rng(0).standard_normal(A.shape)
        self.A = A.tocsc() if kind == "csc" else A
        countsketch(self.A[:100], k, 0)

    def time_scipy_clarkson_woodruff(self, kind, k):
        clarkson_woodruff_transform(self.A, k, seed=0)

    def time_sparselearn_countsketch(self, kind, k):
        countsketch(self.A, k, 0)


def _orthogonal_problem(n, d, cond, noise, seed=0):
    """``make_least_squares``: x of norm 1 is the exact solution, the optimal residual has norm
    ``noise``."""
    return make_least_squares(n, d, cond=cond, noise=noise, random_state=seed)


class DenseLeastSquares100k:
    """n = 100000, d = 200 dense, well conditioned (issue 16): fixed costs matter here."""

    params = [1e0, 1e6]
    param_names = ["cond"]
    timeout = 300

    def setup(self, cond):
        n = 100_000
        rng = np.random.default_rng(0)
        V, _ = np.linalg.qr(rng.standard_normal((N_COLS, N_COLS)))
        scale = np.logspace(0, -np.log10(cond), N_COLS)[:, None] * V.T
        self.A = rng.standard_normal((n, N_COLS)) @ scale / np.sqrt(n)
        self.b = self.A @ rng.standard_normal(N_COLS) + 1e-3 * rng.standard_normal(n) / np.sqrt(n)
        self.sap = SketchedLeastSquares(fit_intercept=False, random_state=0)
        self.sap.fit(self.A[:5000], self.b[:5000])

    def time_numpy_lstsq(self, cond):
        np.linalg.lstsq(self.A, self.b, rcond=None)

    def time_sketch_and_precondition(self, cond):
        self.sap.fit(self.A, self.b)

    def track_sap_residual_rel_diff(self, cond):
        r_ref = _residual(self.A, self.b, np.linalg.lstsq(self.A, self.b, rcond=None)[0])
        return abs(_residual(self.A, self.b, self.sap.fit(self.A, self.b).coef_) - r_ref) / r_ref

    def track_sap_n_iter(self, cond):
        return self.sap.fit(self.A, self.b).n_iter_


class ForwardError:
    """Forward error ||x - x*|| / ||x*|| at cond 1e6 (x* exact: r orthogonal to range(A)),
    100000 x 200, ||r|| = 1e-6 (small residual: lstsq reaches about 1e-12) and 1e-3."""

    params = [1e-6, 1e-3]
    param_names = ["residual"]
    timeout = 300

    def setup(self, noise):
        self.A, self.b, self.x = _orthogonal_problem(100_000, N_COLS, 1e6, noise)

    def track_lstsq_forward_error(self, noise):
        x = np.linalg.lstsq(self.A, self.b, rcond=None)[0]
        return np.linalg.norm(x - self.x)

    def track_sap_forward_error(self, noise):
        x = SketchedLeastSquares(fit_intercept=False, random_state=0).fit(self.A, self.b).coef_
        return np.linalg.norm(x - self.x)


class ProductSketchError:
    """A^T B error at equal serialized bytes, n = 100000, d = m = 1000, 10 nonzeros per row."""

    params = ["priority", "threshold", "jl", "countsketch"]
    param_names = ["method"]
    timeout = 300

    def setup(self, method):
        rng = np.random.default_rng(0)
        n, d, s = 100_000, 1000, 10

        def table(present):
            cols = rng.integers(0, d, size=(len(present), s))
            vals = rng.standard_normal((len(present), s))
            return sp.csr_matrix(
                (vals.ravel(), (np.repeat(present, s), cols.ravel())), shape=(n, d)
            )

        keys = rng.permutation(n)
        self.A, self.B = table(keys[: 3 * n // 4]), table(keys[n // 4 :])
        self.truth = (self.A.T @ self.B).toarray()
        ref = CoordinatedSampler(4000, method="priority", random_state=0)
        budget = max(ref.sketch(self.A).nbytes, ref.sketch(self.B).nbytes)
        k = 4000 if method in ("priority", "threshold") else budget // (8 * d)
        self.sampler = CoordinatedSampler(k, method=method, random_state=0)

    def track_relative_error(self, method):
        errors = []
        for seed in range(3):
            self.sampler.random_state = seed
            if hasattr(self.sampler, "seed_"):
                del self.sampler.seed_
            SA, SB = self.sampler.sketch(self.A), self.sampler.sketch(self.B)
            W = self.sampler.estimate_product(SA, SB)
            errors.append(np.linalg.norm(W - self.truth) / np.linalg.norm(self.truth))
        return float(np.mean(errors))

    def time_sketch_both(self, method):
        self.sampler.sketch(self.A)
        self.sampler.sketch(self.B)


class TransformerTime:
    """Sparse 5000 x 100000 (0.1% dense) to 1000 components."""

    params = ["sparselearn_countsketch", "sklearn_sparse_random_projection"]
    param_names = ["transformer"]
    timeout = 300

    def setup(self, name):
        rng = np.random.default_rng(0)
        n, d, nnz_row = 5000, 100_000, 100
        indptr = np.arange(0, n * nnz_row + 1, nnz_row)
        indices = np.sort(rng.integers(0, d, size=(n, nnz_row)), axis=1).ravel()
        self.X = sp.csr_matrix((rng.standard_normal(n * nnz_row), indices, indptr), shape=(n, d))
        self.X.sum_duplicates()
        if name == "sparselearn_countsketch":
            self.tr = SketchTransformer(n_components=1000, random_state=0)
        else:
            self.tr = SparseRandomProjection(n_components=1000, random_state=0)
        self.tr.fit(self.X)

    def time_fit_transform(self, name):
        self.tr.fit_transform(self.X)

    def time_transform(self, name):
        self.tr.transform(self.X)

    def track_max_distance_distortion(self, name):
        X = self.X[:200]
        Z = self.tr.transform(X)
        iu = np.triu_indices(200, 1)
        d0 = euclidean_distances(X)[iu]
        d1 = euclidean_distances(Z)[iu]
        return float(np.max(np.abs(d1 / d0 - 1)))


class TransformerDenseOutput:
    """fit_transform of a sparse X to 500 components, dense output (issue 16): the asv
    5000 x 100000 (0.1% dense) problem and a 50000 x 2000 (1% dense) one."""

    params = [["sparselearn_countsketch", "sklearn_sparse_random_projection"],
              ["5000x100000", "50000x2000"]]
    param_names = ["transformer", "problem"]
    timeout = 300

    def setup(self, name, problem):
        n, d = (int(v) for v in problem.split("x"))
        density = 0.001 if d > 10_000 else 0.01
        self.X = sp.random(n, d, density=density, random_state=0, format="csr")
        if name == "sparselearn_countsketch":
            self.tr = SketchTransformer(n_components=500, dense_output=True, random_state=0)
        else:
            self.tr = SparseRandomProjection(n_components=500, dense_output=True,
                                             random_state=0)
        self.tr.fit_transform(self.X[:100])

    def time_fit_transform(self, name, problem):
        self.tr.fit_transform(self.X)

    def track_rms_distance_distortion(self, name, problem):
        X = self.X[:300]
        Z = self.tr.fit(self.X).transform(X)
        iu = np.triu_indices(300, 1)
        ratio = euclidean_distances(Z)[iu] / euclidean_distances(X)[iu]
        return float(np.sqrt(np.mean((ratio - 1) ** 2)))
