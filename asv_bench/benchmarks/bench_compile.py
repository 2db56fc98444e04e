"""What a fresh install pays on its first fit: import plus the first fit of each estimator at
tour size, in a new Python process with an empty Numba cache (``NUMBA_CACHE_DIR`` pointed at a
new directory), so the time includes every kernel's compilation. The reference is the same
process start, import and fit with the peer library (scikit-learn, POT), which compiles
nothing. ``track_first_fit_seconds`` reports the seconds of each; ``time_*`` would repeat the
subprocess, so the figures are taken once per run in ``setup_cache``.

Every figure is CPU time (user + system seconds), ours and the reference's alike, not wall
time: compilation is CPU-bound, and on a loaded machine the wall time of a subprocess measures
the other processes as much as the child. The child reads its own ``getrusage(RUSAGE_SELF)``
before the import and after the fit; the tour reads ``getrusage(RUSAGE_CHILDREN)`` around
``subprocess.run``. BLAS is capped at one thread in the child as well (``_threads`` sets the
environment variables the child inherits), so a multi-threaded BLAS call does not count twice.

The same snippets measure the issue-18 goal (import plus first fit under a few seconds) from a
shell: ``python -m asv_bench.benchmarks.bench_compile`` prints the table.
"""
from . import _threads  # noqa: F401

import os
import subprocess
import sys
import resource
import tempfile

_DATA = """
import numpy as np
rng = np.random.default_rng(0)
X = rng.standard_normal((200, 500))
y = X[:, :5] @ np.ones(5) + 0.1 * rng.standard_normal(200)
"""

# name -> (sparselearn snippet, reference snippet or None); each runs after _DATA
FIRST_FITS = {
    "lasso": ("from sparselearn.linear_model import SparseRegressor\n"
              "SparseRegressor(penalty='l1').fit(X, y)",
              "from sklearn.linear_model import Lasso\nLasso(alpha=0.1).fit(X, y)"),
    "mcp_cv": ("from sparselearn.linear_model import SparseRegressorCV\n"
               "SparseRegressorCV(penalty='mcp', cv=3).fit(X, y)",
               "from sklearn.linear_model import LassoCV\nLassoCV(cv=3).fit(X, y)"),
    "l1_logistic": ("from sparselearn.linear_model import SparseClassifier\n"
                    "SparseClassifier().fit(X[:, :100], y > 0)",
                    "from sklearn.linear_model import LogisticRegression\n"
                    "LogisticRegression(penalty='l1', solver='liblinear').fit(X[:, :100], y > 0)"),
    "omp": ("from sparselearn.decomposition import sparse_encode\n"
            "sparse_encode(X[:, :100], X[:100, :100], algorithm='omp', n_nonzero_coefs=5)",
            "from sklearn.decomposition import sparse_encode\n"
            "sparse_encode(X[:, :100], X[:100, :100], algorithm='omp', n_nonzero_coefs=5)"),
    "online_dictionary": ("from sparselearn.decomposition import MiniBatchDictionaryLearning\n"
                          "MiniBatchDictionaryLearning(n_components=20, max_iter=2,"
                          " random_state=0).fit(X[:, :32])",
                          "from sklearn.decomposition import MiniBatchDictionaryLearning\n"
                          "MiniBatchDictionaryLearning(n_components=20, max_iter=2,"
                          " random_state=0).fit(X[:, :32])"),
    "fast_sbl": ("from sparselearn.bayes import SparseBayesianRegression\n"
                 "SparseBayesianRegression().fit(X[:100, :256], y[:100])",
                 "from sklearn.linear_model import ARDRegression\n"
                 "ARDRegression().fit(X[:100, :256], y[:100])"),
    "rvc": ("from sparselearn.bayes import RelevanceVectorClassifier\n"
            "RelevanceVectorClassifier().fit(X[:, :100], y > 0)", None),
    "kronecker_sbl": ("from sparselearn.bayes import KroneckerSBL\n"
                      "factors = [rng.standard_normal((m, 12)) for m in (6, 8, 8)]\n"
                      "KroneckerSBL(method='svd').fit(factors, rng.standard_normal(384))", None),
    "slim": ("from sparselearn.scoring import SLIMClassifier\n"
             "SLIMClassifier(max_coef=3, time_limit=5, random_state=0)"
             ".fit((X[:, :5] > 0).astype(float), y > 0)", None),
    "sinkhorn": ("from sparselearn.ot import sinkhorn\n"
                 "M = ((X[:, None, :2] - X[None, :, 2:4]) ** 2).sum(-1)\n"
                 "sinkhorn(None, None, M / M.max(), 1e-2)",
                 "import ot\nM = ((X[:, None, :2] - X[None, :, 2:4]) ** 2).sum(-1)\n"
                 "ot.sinkhorn(np.full(200, 1 / 200), np.full(200, 1 / 200), M / M.max(), 1e-2)"),
    "sinkhorn_newton_sparse": ("from sparselearn.ot import sinkhorn_newton_sparse\n"
                               "M = ((X[:, None, :2] - X[None, :, 2:4]) ** 2).sum(-1)\n"
                               "sinkhorn_newton_sparse(None, None, M / M.max(), 1e-2)", None),
    "sketched_lstsq": ("from sparselearn.sketching import SketchedLeastSquares\n"
                       "SketchedLeastSquares(random_state=0).fit(np.tile(X[:, :50], (50, 1)),"
                       " np.tile(y, 50))",
                       "np.linalg.lstsq(np.tile(X[:, :50], (50, 1)), np.tile(y, 50), rcond=None)"),
}


_CPU = ("import resource\n"
        "def _cpu():\n"
        "    usage = resource.getrusage(resource.RUSAGE_SELF)\n"
        "    return usage.ru_utime + usage.ru_stime\n")


def first_fit_seconds(snippet):
    """CPU seconds (user + system) a new interpreter spends to import and run ``snippet`` with
    an empty Numba cache (the data are made before the clock starts)."""
    code = f"{_DATA}\n{_CPU}\nstart = _cpu()\n{snippet}\nprint(_cpu() - start)"
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                             capture_output=True, text=True).stdout
    return float(out.split()[-1])


def _children_cpu():
    """CPU seconds (user + system) of every child process this one has waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class FirstFit:
    """Import plus first fit on a fresh install (empty Numba cache), ours and the peer's, in CPU
    seconds."""

    params = (list(FIRST_FITS), ["sparselearn", "reference"])
    param_names = ["estimator", "library"]
    timeout = 1800

    def setup_cache(self):
        return {(name, library): first_fit_seconds(snippet) if snippet else float("nan")
                for name, pair in FIRST_FITS.items()
                for library, snippet in zip(("sparselearn", "reference"), pair)}

    def track_first_fit_seconds(self, cache, name, library):
        return cache[(name, library)]

    track_first_fit_seconds.unit = "seconds"


class FirstTour:
    """``python -m sparselearn`` on a fresh install: the whole tour, compilation included (CPU
    seconds of the child process and any it starts)."""

    timeout = 1800

    def setup_cache(self):
        with tempfile.TemporaryDirectory() as cache:
            start = _children_cpu()
            subprocess.run([sys.executable, "-m", "sparselearn"], check=True, capture_output=True,
                           env=dict(os.environ, NUMBA_CACHE_DIR=cache))
            return _children_cpu() - start

    def track_tour_seconds(self, cache):
        return cache

    track_tour_seconds.unit = "seconds"


if __name__ == "__main__":
    for name, pair in FIRST_FITS.items():
        ours = first_fit_seconds(pair[0])
        peer = first_fit_seconds(pair[1]) if pair[1] else float("nan")
        print(f"{name:24s} sparselearn {ours:6.2f} s   reference {peer:6.2f} s (CPU)", flush=True)
