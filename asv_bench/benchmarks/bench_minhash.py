"""Densified one-permutation MinHash against datasketch's ``MinHash`` (issue 21, item 1).

Goal: ``MinHashSketch(n_hashes=256)`` >= 20x faster than datasketch
``MinHash(num_perm=256).update_batch`` on sets of 10^4 elements, with the accuracy of MinHash.

The two do different work per element, and that is the point: datasketch hashes each element
as *bytes with SHA-1* (``hashlib.sha1``, in a Python loop over the elements of the batch) and
then evaluates 256 universal hashes ``(a h + b) mod p`` per element (numpy, ``O(256 |S|)``);
``MinHashSketch`` hashes each element (an integer column index) once into one of 256 bins and
densifies the empty bins (``O(|S| + 256)``, Numba). For a fair start, the datasketch input is
prepared outside the timing (the elements already encoded as bytes), and each library sketches
one set per call, as a datasketch user does. A batched ``transform`` of many sets (one call)
is timed as well.

Recorded ``track_`` figures: the speed ratio, and the accuracy at J = 0.5 (variance of the
estimate over its MinHash value ``J (1 - J) / k``, for both libraries on the same pairs).
"""

from . import _threads  # noqa: F401  (single-threaded BLAS / numba, before numpy)

import time

import numpy as np
import scipy.sparse as sp

from sparselearn.sketching import MinHashSketch, jaccard_estimate

N_FEATURES = 10**6
SET_SIZE = 10**4
N_SETS = 10
K = 256


def _sets(seed=0):
    rng = np.random.default_rng(seed)
    rows = [np.sort(rng.choice(N_FEATURES, SET_SIZE, replace=False)) for _ in range(N_SETS)]
    X = sp.csr_matrix(
        (np.ones(SET_SIZE * N_SETS, dtype=bool), np.concatenate(rows),
         np.arange(0, SET_SIZE * N_SETS + 1, SET_SIZE)),
        shape=(N_SETS, N_FEATURES),
    )
    return X, [[str(e).encode() for e in row] for row in rows]


def _datasketch_minhash(tokens):
    from datasketch import MinHash

    m = MinHash(num_perm=K, seed=1)
    m.update_batch(tokens)
    return m


def _seconds(func, repeat=3):
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


class MinHashSpeed:
    """Signatures of 10 sets of 10^4 elements (out of 10^6), k = 256."""

    params = ["optimal", "reverse", "rotation"]
    param_names = ["densification"]
    timeout = 300

    def setup(self, densification):
        self.X, self.tokens = _sets()
        self.rows = [self.X[i] for i in range(N_SETS)]
        self.mh = MinHashSketch(K, densification=densification, random_state=0).fit(self.X)
        self.mh.transform(self.X[:1])  # compile outside the timing

    def time_datasketch_update_batch(self, densification):
        for tokens in self.tokens:
            _datasketch_minhash(tokens)

    def time_sparselearn_one_set_per_call(self, densification):
        for row in self.rows:
            self.mh.transform(row)

    def time_sparselearn_batched(self, densification):
        self.mh.transform(self.X)

    def track_speedup_vs_datasketch(self, densification):
        """datasketch time / MinHashSketch time, one set per call (goal: >= 20)."""
        ours = _seconds(lambda: [self.mh.transform(row) for row in self.rows])
        theirs = _seconds(lambda: [_datasketch_minhash(t) for t in self.tokens], repeat=1)
        return theirs / ours

    track_speedup_vs_datasketch.unit = "ratio"


class MinHashAccuracy:
    """Variance / (J (1 - J) / k) at J = 0.5, k = 256, 300 trials, sets of 32 and 128."""

    params = [[32, 128], ["optimal", "reverse", "rotation", "datasketch"]]
    param_names = ["set_size", "method"]
    timeout = 600

    def setup(self, set_size, method):
        rng = np.random.default_rng(0)
        common = (2 * set_size - 1) // 3
        elements = rng.choice(N_FEATURES, 2 * set_size - 1 - common, replace=False)
        self.a = elements[:set_size]
        self.b = np.concatenate([elements[:common], elements[set_size:]])
        self.J = common / (2 * set_size - 1 - common)
        X = np.zeros((2, N_FEATURES), dtype=bool)
        X[0, self.a] = True
        X[1, self.b] = True
        self.X = sp.csr_matrix(X)

    def track_variance_ratio(self, set_size, method):
        estimates = []
        for trial in range(300):
            if method == "datasketch":
                from datasketch import MinHash

                ma, mb = MinHash(num_perm=K, seed=trial), MinHash(num_perm=K, seed=trial)
                ma.update_batch([str(e).encode() for e in self.a])
                mb.update_batch([str(e).encode() for e in self.b])
                estimates.append(ma.jaccard(mb))
            else:
                sig = MinHashSketch(K, densification=method, random_state=trial).fit_transform(
                    self.X)
                estimates.append(jaccard_estimate(sig[0], sig[1]))
        return np.var(estimates) / (self.J * (1 - self.J) / K)

    track_variance_ratio.unit = "ratio"
