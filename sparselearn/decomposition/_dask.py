"""Dictionary learning and sparse coding on dask arrays: passes over the row chunks, the
dictionary on the client.

- ``DictionaryLearning`` (``dict_update="bcd"``): each iteration is one pass. The dictionary is
  broadcast, every chunk is coded on its worker with the in-memory coder (warm-started from its
  codes of the previous iteration for ``"cd"`` / ``"fista"``, as in memory: the codes stay on
  the workers between passes, persisted), and the chunks return ``C^T C``, ``C^T X``, the
  penalty of each code column and ``||X||^2``, summed in a tree. The client takes the
  in-memory BCD sweep on them and evaluates the objective
  ``0.5 (||X||^2 - 2 <C^T X, D> + <C^T C, D D^T>) + pen(C)`` from the same sums. Atoms to
  replace (unused or duplicated, or the weak atoms restarted at a stall by the in-memory rule,
  :class:`sparselearn._core.dict_learning.StallEscape`) cost one more pass, which returns the
  worst represented residuals of every chunk: the fit takes the in-memory iterates and stops
  at the same iteration.
- ``MiniBatchDictionaryLearning``: the in-memory online loop runs on the client, its mini-batches
  gathered from the chunks in synchronous rounds (:class:`RoundRows`).
- ``transform`` and ``sparse_encode``: lazy, the in-memory coder mapped over the row chunks.
"""

import numpy as np
from sklearn.utils import check_random_state

from .. import _chunked
from .._core import dict_learning as _dict_learning
from .._core import prox as _prox
from .._progress import Progress
from ._base import initial_dictionary
from ._encode import _check_X_dictionary, _sparse_encode

__all__ = ["fit_learner", "fit_batch", "RoundRows", "encode_lazy"]


def fit_learner(estimator, X):
    """``fit`` of a dictionary learner on a dask ``X`` (its parameters validated already).

    Parameters
    ----------
    estimator : DictionaryLearning or MiniBatchDictionaryLearning
        The learner.
    X : dask.array.Array of shape (n_samples, n_features)
        Training signals, one per row (known row chunks).

    Returns
    -------
    estimator : object
        Fitted.
    """
    from .._blas_threads import single_thread_blas
    from ._dict_learning import DictionaryLearning, MiniBatchDictionaryLearning

    X = _chunked.as_row_chunked(X, "X")
    with single_thread_blas():
        if isinstance(estimator, DictionaryLearning):
            fit_batch(estimator, X)
        elif isinstance(estimator, MiniBatchDictionaryLearning):
            estimator._fit(X, batches=RoundRows(X, estimator))
        else:
            raise TypeError(f"{type(estimator).__name__}.fit does not take dask arrays; compute "
                            f"X first (X.compute()).")
    dtype = np.dtype(X.dtype if X.dtype in (np.float32, np.float64) else np.float64)
    estimator._cast_fitted(dtype)
    estimator.n_features_in_ = X.shape[1]
    if hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_
    return estimator


# ---------------------------------------------------------------------------------------------
# batch dictionary learning: one pass per iteration


def _signals(X_block):
    X_block = np.ascontiguousarray(X_block, dtype=np.float64)
    if not np.all(np.isfinite(X_block)):
        raise ValueError("X contains NaN or infinity.")
    return X_block


def _code_chunk(X_block, codes_block, D, coding, warm):
    """Code one chunk over ``D`` (warm-started from ``codes_block``); returns the codes and the
    chunk's sums."""
    with _chunked.single_threaded():
        X_block = _signals(X_block)
        init = None if codes_block is None or not warm else np.array(codes_block, order="C")
        codes, _, failures = _dict_learning.encode_signals(X_block, D, coding, init=init)
        penalty = coding.get("penalty")
        column_penalty = np.zeros(D.shape[0])
        if penalty is not None:
            pen_code, params, weights, _ = penalty
            ones = np.ones(codes.shape[0])
            for k in range(D.shape[0]):
                column_penalty[k] = _prox.value(pen_code, params, weights[k] * ones, ones,
                                                np.ascontiguousarray(codes[:, k]))
        sums = {"A": codes.T @ codes, "B": codes.T @ X_block, "penalty": column_penalty,
                "norm2": float(np.einsum("ij,ij->", X_block, X_block)), "failures": failures}
        return codes, sums


def _merge_sums(*parts):
    merged = {key: sum(part[key] for part in parts) for key in ("A", "B", "penalty", "norm2")}
    merged["failures"] = [failure for part in parts for failure in part["failures"]]
    return merged


def _pooled_failures(failures, n_samples):
    """The coding failures of one pass's chunks as those of one call on all ``n_samples``
    signals."""
    pooled = {}
    for algorithm, n_failed, _ in failures:
        pooled[algorithm] = pooled.get(algorithm, 0) + n_failed
    return [(algorithm, n_failed, n_samples) for algorithm, n_failed in pooled.items()]


def _coding_pass(X, codes, D, coding, warm):
    """One pass: the codes of every chunk (persisted on the workers) and the summed sums."""
    import dask
    import dask.array as da

    n_components = D.shape[0]
    x_blocks = X.to_delayed().ravel()
    c_blocks = [None] * len(x_blocks) if codes is None else codes.to_delayed().ravel()
    D_shared = dask.delayed(D.copy(), pure=True)
    task = dask.delayed(_code_chunk, pure=True, nout=2)
    parts = [task(xb, cb, D_shared, coding, warm) for xb, cb in zip(x_blocks, c_blocks)]
    new_codes = da.concatenate([da.from_delayed(part[0], shape=(rows, n_components),
                                                dtype=np.float64)
                                for part, rows in zip(parts, X.chunks[0])])
    root = _chunked.tree_reduce([part[1] for part in parts], _merge_sums)
    _chunked.passes.add()
    # unoptimized: the array optimizations would fuse the chunk tasks into the codes' blocks
    # (new keys), and the sums would code every chunk a second time
    new_codes, root = dask.persist(new_codes, root, optimize_graph=False)
    return new_codes, root.compute()


def _worst_chunk_rows(X_block, codes_block, D, n_rows):
    """The ``n_rows`` rows of the chunk's residual ``X - C D`` of largest norm."""
    with _chunked.single_threaded():
        residual = _signals(X_block) - np.asarray(codes_block) @ D
        norms = np.einsum("ij,ij->i", residual, residual)
        keep = np.argsort(-norms, kind="stable")[:n_rows]
        return norms[keep], residual[keep]


def _merge_worst(*parts):
    norms = np.concatenate([part[0] for part in parts])
    rows = np.concatenate([part[1] for part in parts])
    keep = np.argsort(-norms, kind="stable")[:max(len(part[0]) for part in parts)]
    return norms[keep], rows[keep]


def _worst_residuals(X, codes, D, n_rows):
    """One pass: the ``n_rows`` rows of the residual ``X - C D`` of largest norm."""
    import dask

    task = dask.delayed(_worst_chunk_rows, pure=True)
    D_shared = dask.delayed(D.copy(), pure=True)
    parts = [task(xb, cb, D_shared, n_rows)
             for xb, cb in zip(X.to_delayed().ravel(), codes.to_delayed().ravel())]
    _chunked.passes.add()
    (root,) = dask.compute(_chunked.tree_reduce(parts, _merge_worst))
    return root[1]


def _zero_columns(block, columns):
    block = np.array(block)
    block[:, columns] = 0.0
    return block


def fit_batch(estimator, X):
    """``DictionaryLearning.fit`` on a dask ``X`` with the BCD dictionary update: one pass per
    iteration (see the module docstring), the rules and warnings of the in-memory fit.

    Parameters
    ----------
    estimator : DictionaryLearning
        The learner (parameters validated).
    X : dask.array.Array of shape (n_samples, n_features)
        From :func:`sparselearn._chunked.as_row_chunked`.

    Returns
    -------
    estimator : DictionaryLearning
        Fitted (``components_``, ``error_``, ``n_iter_``).
    """
    n_samples, n_features = X.shape
    if estimator.dict_update != "bcd":
        raise ValueError(f"dict_update={estimator.dict_update!r} is not available for dask input "
                         f"(a K-SVD sweep takes one pass per atom); use dict_update='bcd'.")
    estimator._check_fit_params(n_features)
    rng = check_random_state(estimator.random_state)
    n_components = estimator.n_components or n_features
    D = initial_dictionary(X, n_components, estimator.dict_init, estimator.init, rng,
                           normalize=estimator.max_iter > 0, positive=estimator.positive_dict)
    coding = estimator._fit_coding(n_features, n_components)
    penalty = coding.get("penalty")
    if penalty is not None and penalty[0] == _prox.CEL0:
        raise ValueError("penalty='cel0' is not available for dask input (its value depends on "
                         "the atom norms after the update, which the pass cannot know).")
    warm = coding["algorithm"] in ("cd", "fista")
    codes = None
    if estimator.code_init is not None:
        codes = _chunked.align_rows(estimator.code_init, X, "code_init", ndim=(2,))
        if codes.shape != (n_samples, n_components):
            raise ValueError(f"code_init must have shape ({n_samples}, {n_components}), got "
                             f"{codes.shape}.")
        codes = codes.astype(np.float64)
    errors, failures = [], []
    converged, n_all_zero = False, 0
    stall = _dict_learning.StallEscape(estimator.tol, estimator.max_iter)
    progress = Progress("DictionaryLearning", estimator.verbose, estimator.max_iter,
                        estimator.callback)
    with progress:
        for it in range(estimator.max_iter):
            codes, sums = _coding_pass(X, codes, D, coding, warm)
            failures.extend(_pooled_failures(sums["failures"], n_samples))
            A, B, column_penalty = sums["A"], sums["B"], sums["penalty"]
            n_all_zero = 0 if np.any(np.diag(A) > 0) else n_all_zero + 1
            if n_all_zero == 2:
                errors.append(_objective(A, B, column_penalty, sums["norm2"], D))
                break
            unused = _dict_learning.bcd_sweep(D, A, B, estimator.positive_dict)
            stale = np.union1d(np.flatnonzero(unused), _dict_learning.duplicate_atoms(D))
            if stale.size:
                residual = _worst_residuals(X, codes, D, stale.size)
                _dict_learning.replace_atoms(D, stale, residual, rng, residual=residual)
                if estimator.positive_dict:
                    D[stale] = np.abs(D[stale])  # unit norm kept, never a zero atom
            if stale.size and warm:
                codes = codes.map_blocks(_zero_columns, stale, dtype=np.float64)
                A, B, column_penalty = A.copy(), B.copy(), column_penalty.copy()
                A[stale, :], A[:, stale], B[stale], column_penalty[stale] = 0.0, 0.0, 0.0, 0.0
            errors.append(_objective(A, B, column_penalty, sums["norm2"], D))
            if progress.update(line=f"iteration {it + 1}: objective {errors[-1]:.6e} "
                                    f"({progress.elapsed:.1f} s)",
                               state={"dictionary": D, "code": codes, "errors": errors},
                               objective=errors[-1]):
                break
            stop, weak = stall.check(it, errors, stale.size > 0, D, np.diag(A).copy())
            if stop:
                converged = True
                break
            if weak is not None:  # the in-memory escape from a stall, one more pass
                residual = _worst_residuals(X, codes, D, weak.size)
                _dict_learning.replace_atoms(D, weak, residual, rng, residual=residual)
                if estimator.positive_dict:
                    D[weak] = np.abs(D[weak])
                if warm:
                    codes = codes.map_blocks(_zero_columns, weak, dtype=np.float64)
    return estimator._finish(D, np.asarray(errors), converged, failures, n_all_zero == 2,
                             progress.stopped)


def _objective(A, B, column_penalty, norm2, D):
    """``0.5 ||X - C D||_F^2 + pen(C)`` from ``A = C^T C``, ``B = C^T X``, ``||X||_F^2`` and the
    penalty of each code column."""
    datafit = 0.5 * (norm2 - 2.0 * np.sum(B * D) + np.sum(A * (D @ D.T)))
    return float(max(datafit, 0.0) + np.sum(column_penalty))


# ---------------------------------------------------------------------------------------------
# online dictionary learning: mini-batches gathered in rounds


class RoundRows:
    """The rows of a dask ``X`` as the in-memory online loop reads them, gathered in rounds.

    The loop asks for its mini-batches by position (``rows[positions]``, consecutive positions,
    the loop's own shuffle off). At the first batch of each epoch (position 0) the positions are
    mapped to a fresh permutation of the rows, drawn from the learner's random state at the
    point of the stream where the in-memory loop draws its own, so that a dask fit takes the same
    mini-batches, hence the same dictionary, as the in-memory fit with the same
    ``random_state`` (with ``shuffle=False``: the rows in order). The rows of a round, the next
    ``round_batches`` mini-batches of the epoch, are gathered from the chunks in one pass (every
    chunk contributes the rows of the round it holds); the client holds one round at a time, at
    most as many rows as the largest chunk (and one mini-batch).

    Parameters
    ----------
    X : dask.array.Array of shape (n_samples, n_features)
        From :func:`sparselearn._chunked.as_row_chunked`.
    estimator : MiniBatchDictionaryLearning
        The learner: ``shuffle``, ``batch_size`` and its random state ``_rng`` (drawn once the
        fit has set it).
    """

    def __init__(self, X, estimator):
        self.X = X
        self.shape = X.shape
        self.estimator = estimator
        batch_size = min(estimator.batch_size, X.shape[0])
        self.round_rows = batch_size * max(1, int(max(X.chunks[0])) // batch_size)
        self._order = np.arange(X.shape[0])
        self._start = self._stop = 0
        self._rows = None

    def __getitem__(self, positions):
        positions = np.asarray(positions)
        if positions.size and positions[0] == 0:  # a new epoch
            self._rows = None
            if self.estimator.shuffle:
                self._order = self.estimator._rng.permutation(self.shape[0])
        if positions.size and (self._rows is None or positions[0] < self._start
                               or positions[-1] >= self._stop):
            self._gather(int(positions[0]))
        return self._rows[positions - self._start]

    def _gather(self, start):
        """One pass: the rows of the round starting at position ``start``."""
        stop = min(start + self.round_rows, self.shape[0])
        rows = self._order[start:stop]
        sort = np.argsort(rows, kind="stable")
        _chunked.passes.add()
        fetched = _signals(self.X[rows[sort]].compute())
        self._rows = np.empty_like(fetched)
        self._rows[sort] = fetched
        self._start, self._stop = start, stop


# ---------------------------------------------------------------------------------------------
# lazy coding


def _encode_block(X_block, init_block, dictionary, gram, params):
    with _chunked.single_threaded():
        code, _ = _sparse_encode(_signals(X_block), dictionary, gram=gram, init=init_block,
                                 **params)
        return code


def encode_lazy(X, dictionary, *, gram, cov, algorithm, penalty, alpha, n_nonzero_coefs,
                positive, init, max_iter, tol):
    """``sparse_encode`` of a dask ``X``: a dask array of codes, each row chunk coded by the
    in-memory coder on its worker, never on the client.

    Parameters
    ----------
    X : dask.array.Array of shape (n_samples, n_features)
        Signals (unknown row chunk sizes are fine without ``init``).
    dictionary : array-like of shape (n_components, n_features)
        Atoms (in memory, broadcast to the tasks).
    gram, cov, algorithm, penalty, alpha, n_nonzero_coefs, positive, init, max_iter, tol
        As :func:`sparse_encode`; ``cov`` must be None (it has a column per sample), ``init``
        may be an array or a dask array of shape (n_samples, n_components).

    Returns
    -------
    code : dask.array.Array of shape (n_samples, n_components)
        Rows chunked as ``X``.
    """
    import dask.array as da

    X = _chunked.as_row_chunked(X, "X", known_rows=init is None or isinstance(init, str))
    if cov is not None:
        raise ValueError("cov must be None for a dask X (it holds a column per sample); the "
                         "correlations are computed chunk by chunk.")
    dtype = X.dtype if X.dtype in (np.float32, np.float64) else np.float64
    probe, dictionary = _check_X_dictionary(np.zeros((1, X.shape[1]), dtype=dtype), dictionary)
    n_components = dictionary.shape[0]
    if gram is not None:
        gram = np.asarray(gram, dtype=np.float64)
    params = {"algorithm": algorithm, "penalty": penalty, "alpha": alpha,
              "n_nonzero_coefs": n_nonzero_coefs, "positive": positive, "max_iter": max_iter,
              "tol": tol}
    # the parameters are checked here, at the call, not at the first compute
    out_dtype = _sparse_encode(probe, dictionary, gram=gram, **params)[0].dtype
    chunks = (X.chunks[0], (n_components,))
    meta = np.empty((0, 0), dtype=out_dtype)
    if init is None or isinstance(init, str):
        return X.map_blocks(_encode_block, init, dictionary, gram, params, chunks=chunks,
                            dtype=out_dtype, meta=meta, token="sparse-encode")
    init = _chunked.align_rows(init, X, "init", ndim=(2,))
    if init.shape[1] != n_components:
        raise ValueError(f"init must have shape ({X.shape[0]}, {n_components}), got "
                         f"{init.shape}.")
    return da.map_blocks(_encode_block, X, init, dictionary, gram, params, chunks=chunks,
                         dtype=out_dtype, meta=meta, token="sparse-encode")
