"""Semi-NMF and sparse NMF against scikit-learn's NMF, same run, single-threaded BLAS.

Data: scikit-learn's ``load_digits`` (1797 x 64), rank 10; and a planted unmixing problem
(300 pixels, 50 bands, 4 materials, sparse abundances) with 10 % of the bands corrupted by large
positive outliers.
"""
from . import _threads  # noqa: F401  (sets single-thread env vars before numpy is imported)

import warnings

import numpy as np


def _digits():
    from sklearn.datasets import load_digits

    return load_digits().data


class SemiNMFDigits:
    """Rank-10 semi-NMF of the digits: goal under 5 s; reconstruction error between the
    truncated SVD's (the lower bound) and scikit-learn NMF's (``max_iter=1000``) x 1.001."""

    timeout = 300

    def setup(self):
        from sklearn.decomposition import NMF, TruncatedSVD

        from sparselearn.decomposition import SemiNMF

        self.X = _digits()
        self.SemiNMF, self.NMF = SemiNMF, NMF
        self.ours = SemiNMF(10, random_state=0).fit(self.X).reconstruction_err_
        self.ref = NMF(10, max_iter=1000, random_state=0).fit(self.X).reconstruction_err_
        svd = TruncatedSVD(10, algorithm="arpack", random_state=0).fit(self.X)
        self.svd = np.linalg.norm(self.X - svd.transform(self.X) @ svd.components_)

    def time_semi_nmf_als(self):
        self.SemiNMF(10, random_state=0).fit(self.X)

    def time_semi_nmf_mu(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.SemiNMF(10, solver="mu", random_state=0).fit(self.X)

    def time_sklearn_nmf(self):
        self.NMF(10, max_iter=1000, random_state=0).fit(self.X)

    def track_error_over_nmf(self):
        return float(self.ours / self.ref)

    def track_error_over_svd(self):
        return float(self.ours / self.svd)


class SparseNMFDigits:
    """Rank-10 sparse NMF (squared loss, no penalty) of the digits against scikit-learn's NMF:
    time, and the ratio of the reconstruction errors (goal <= 1.01)."""

    timeout = 300

    def setup(self):
        from sklearn.decomposition import NMF

        from sparselearn.decomposition import SparseNMF

        self.X = _digits()
        self.SparseNMF = SparseNMF
        self.ours = SparseNMF(10, max_iter=500, random_state=0).fit(self.X).reconstruction_err_
        self.ref = NMF(10, max_iter=1000, random_state=0).fit(self.X).reconstruction_err_

    def time_sparse_nmf(self):
        self.SparseNMF(10, max_iter=500, random_state=0).fit(self.X)

    def track_error_over_nmf(self):
        return float(self.ours / self.ref)


class CorrentropyUnmixing:
    """Abundance error with 10 % of the bands corrupted: squared loss over correntropy loss
    (goal >= 2)."""

    timeout = 300

    def setup(self):
        from scipy.optimize import linear_sum_assignment

        from sparselearn.decomposition import SparseNMF

        rng = np.random.default_rng(0)
        H = rng.uniform(size=(4, 50))
        self.W = rng.uniform(size=(300, 4)) * (rng.uniform(size=(300, 4)) < 0.5)
        X = self.W @ H + 0.01 * rng.uniform(size=(300, 50))
        bad = rng.choice(50, 5, replace=False)
        X[:, bad] += 10 * X.max() * rng.uniform(size=(300, 5))
        self.X, self.SparseNMF = X, SparseNMF
        errors = {}
        for loss in ("frobenius", "correntropy"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                codes = SparseNMF(4, loss=loss, sparsity=0.1, max_iter=500,
                                  random_state=0).fit_transform(X)
            unit = self.W / np.linalg.norm(self.W, axis=0)
            est = codes / np.maximum(np.linalg.norm(codes, axis=0), 1e-300)
            cols = linear_sum_assignment(-(unit.T @ est))[1]
            E = codes[:, cols]
            scale = (E * self.W).sum(0) / np.maximum((E * E).sum(0), 1e-300)
            errors[loss] = np.linalg.norm(self.W - E * scale) / np.linalg.norm(self.W)
        self.errors = errors

    def time_correntropy(self):
        self.SparseNMF(4, loss="correntropy", sparsity=0.1, max_iter=500,
                       random_state=0).fit(self.X)

    def track_abundance_error_ratio(self):
        return float(self.errors["frobenius"] / self.errors["correntropy"])
