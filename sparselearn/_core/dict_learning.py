"""Dictionary-learning drivers: batch alternation, the online algorithm, the masked objective.

The loops of ``DictionaryLearning``, ``MiniBatchDictionaryLearning`` and
``MaskedDictionaryLearning`` as pure functions on arrays. ``X`` is a dense C-contiguous float64
array of signals (one per row), ``D`` the dictionary of shape (n_components, n_features), one atom
per row, updated in place. The coding step is :func:`sparselearn._core.encode.encode` with the
resolved parameters ``coding`` (a dict of its keyword arguments: ``algorithm``,
``n_nonzero_coefs``, ``penalty`` as arrays, ``max_iter``, ...). ``rng`` is a
``numpy.random.RandomState`` (shuffling, masks, atom replacement), drawn in the estimator's order.

This module is numpy-level rather than Numba: every iteration is dominated by compiled kernels
(the coders of :mod:`sparselearn._core.encode`, the dictionary updates of
:mod:`sparselearn._core.dict_update`) and a few BLAS products (``C^T C``, ``C^T X``, ``X D^T``), so
the Python loop costs nothing measurable, and the shuffles, masks and atom replacements draw from
numpy's random generator in the same order as before. Progress goes to a
:class:`sparselearn._progress.Progress` passed by the estimator.
No validation and no scikit-learn here; coding failures are returned for the caller to warn about.
"""

import time

import numpy as np

from . import dict_update as _dict_update
from . import greedy as _greedy
from . import prox as _prox
from .encode import encode


def _needs_norms(coding):
    """Whether the coder takes the squared signal norms: the residual targets of OMP / MP, the
    duality-gap certificate of coordinate descent (L1 / elastic net; ignored otherwise)."""
    return coding["algorithm"] in ("omp", "mp", "cd")


def encode_signals(X, D, coding, init=None, norms_sq=None):
    """Codes of the rows of ``X`` over ``D``: :func:`~sparselearn._core.encode.encode` on
    ``G = D D^T`` and ``X D^T``, given the squared signal norms (computed if ``None``) so that
    OMP / MP reach their residual targets and coordinate descent stops on its duality gap;
    returns ``(codes, n_iter, failures)``."""
    gram = np.ascontiguousarray(D @ D.T)
    cov = np.ascontiguousarray(X @ D.T)
    if norms_sq is None and _needs_norms(coding):
        norms_sq = np.einsum("ij,ij->i", X, X)
    return encode(gram, cov, init=init, norms_sq=norms_sq, **coding)


def penalized_cost(X, codes, D, penalty):
    """``0.5 ||X - C D||_F^2 + sum pen(C)``; ``penalty`` as ``(code, params, weights, convex)``
    (``None``: the datafit only). CEL0 takes the squared atom norms as curvatures."""
    residual = X - codes @ D
    cost = 0.5 * float(np.sum(residual * residual))
    if penalty is None:
        return cost
    pen_code, params, weights, _ = penalty
    n_samples = codes.shape[0]
    weights = np.tile(weights, n_samples)
    curvs = np.tile(np.sum(D * D, axis=1), n_samples)
    return cost + float(_prox.value(pen_code, params, weights, curvs,
                                    np.ascontiguousarray(codes, dtype=np.float64).ravel()))


def bcd_sweep(D, A, B, positive, n_sweeps=1):
    """``n_sweeps`` block coordinate descent sweeps on the atoms; returns the mask of unused
    atoms, those whose usage ``A_kk`` is at most ``1e-10`` times the mean usage (or exactly 0)."""
    min_usage = 1e-10 * max(np.trace(A) / A.shape[0], 1e-300)
    return _dict_update.update_dict_bcd(D, A, B, n_sweeps, positive, min_usage)


def duplicate_atoms(D, threshold=0.99):
    """Atoms whose |cosine| with an earlier atom exceeds ``threshold`` (SPAMS' cleaning)."""
    norms = np.linalg.norm(D, axis=1)
    norms[norms == 0] = 1.0
    cos = np.abs(D @ D.T) / np.outer(norms, norms)
    np.fill_diagonal(cos, 0.0)
    cos = np.tril(cos)
    return np.flatnonzero(np.any(cos > threshold, axis=1))


def replace_atoms(D, atoms, X, rng, residual=None):
    """Replace the given atoms by normalized signals of ``X`` (Gaussian if zero): random ones, or,
    given the residual ``X - C D``, the worst represented ones (as in K-SVD implementations)."""
    if residual is not None and len(atoms):
        worst = np.argsort(-np.einsum("ij,ij->i", residual, residual))[:len(atoms)]
        for k, i in zip(atoms, worst):
            d = np.array(residual[i], dtype=np.float64)
            norm = np.linalg.norm(d)
            if norm > 0:
                D[k] = d / norm
        return
    for k in atoms:
        d = np.array(X[rng.randint(X.shape[0])], dtype=np.float64)
        norm = np.linalg.norm(d)
        if norm == 0:
            d = rng.standard_normal(D.shape[1])
            norm = np.linalg.norm(d)
        D[k] = d / norm


# ---------------------------------------------------------------------------------------------
# batch
# ---------------------------------------------------------------------------------------------

# an escape from a stalled dictionary is kept when it lowers the objective by this fraction
ESCAPE_GAIN = 1e-3
# atoms whose squared codes sum to less than this fraction of the mean are weak
WEAK_USAGE = 0.25
# atoms closer than this |cosine| to a more used atom are weak
WEAK_COHERENCE = 0.95
# iterations without a new lowest objective that count as a stall (OMP / IHT codes can cycle)
STALL_PATIENCE = 10
# escapes tried from one stalled dictionary, each restarting twice as many atoms as the last
ESCAPE_TRIES = 3


def weak_atoms(D, usage):
    """Atoms that contribute little at a stall: usage (sum of squared codes, the diagonal of
    ``C^T C``) under ``WEAK_USAGE`` times the mean usage, or |cosine| above ``WEAK_COHERENCE``
    with a more used atom (the less used of the pair)."""
    weak = usage < WEAK_USAGE * usage.mean()
    norms = np.linalg.norm(D, axis=1)
    norms[norms == 0] = 1.0
    cos = np.abs(D @ D.T) / np.outer(norms, norms)
    np.fill_diagonal(cos, 0.0)
    close_i, close_j = np.nonzero(np.triu(cos > WEAK_COHERENCE))
    for i, j in zip(close_i, close_j):
        weak[i if usage[i] <= usage[j] else j] = True
    if not weak.any():
        weak[np.argmin(usage)] = True
    return np.flatnonzero(weak)


class StallEscape:
    """The stopping rule of batch dictionary learning and its escapes from stalls, shared by the
    in-memory fit (:func:`batch_dict_learning`) and the dask fit
    (:func:`sparselearn.decomposition._dask.fit_batch`), so that both take the same iterates.

    After every iteration :meth:`check` is given the objectives so far. The fit stalls when
    the objective changes by at most ``tol`` times its value in an iteration that replaced no
    atom, or in two iterations in a row that did (replacements the codes do not take up, as
    with more atoms than the data can use, change nothing), or when it has not gone ``tol``
    below its lowest value for ``STALL_PATIENCE`` iterations (greedy codes can cycle). At a
    stall the weak atoms (:func:`weak_atoms`) are to restart from the worst represented
    residuals (the caller replaces them); at the next stall, if the lowest objective since that
    escape is not ``ESCAPE_GAIN`` below the lowest one before it (a cycling objective must beat
    its whole cycle), the dictionary it left is restored in place and its objective appended to
    the errors, unless the escape ends below that dictionary's objective, whose dictionary then
    stays. From that dictionary the escape is tried again, up to ``ESCAPE_TRIES`` times in
    all, each time with twice as many atoms (the least used of the restored dictionary, at most
    half of them): a planted atom that two learned ones share is often not among the weakest
    few. After the last failed try the fit stops on the restored dictionary.

    Parameters
    ----------
    tol : float
        Relative change of the objective that counts as a stall.
    max_iter : int
        Iterations of the fit (no escape is started at the last one).
    """

    def __init__(self, tol, max_iter):
        self.tol = tol
        self.max_iter = max_iter
        self.best = np.inf
        self.n_flat = 0
        self.small_before = False
        self.saved = None
        self.n_tries = 0
        self.n_weak = 0

    def check(self, it, errors, replaced, D, usage):
        """The rule after iteration ``it`` (from 0).

        Parameters
        ----------
        it : int
            The iteration just done.
        errors : list of float
            Objectives so far (the restored dictionary's is appended at a failed escape).
        replaced : bool
            Whether the iteration replaced unused or duplicated atoms.
        D : ndarray of shape (n_components, n_features)
            The dictionary (restored in place at a failed escape).
        usage : ndarray of shape (n_components,)
            Sum of the squared codes of each atom in this iteration.

        Returns
        -------
        stop : bool
            Whether the fit has converged (with the restored dictionary, if any, in ``D``).
        weak : ndarray of int or None
            The atoms to restart from the worst represented residuals now, or None.
        """
        tol = self.tol
        small = it > 0 and abs(errors[-2] - errors[-1]) <= tol * abs(errors[-1])
        if errors[-1] < self.best * (1.0 - tol):
            self.best, self.n_flat = errors[-1], 0
        else:
            self.n_flat += 1
        self.small_before, small_before = small, self.small_before
        if not ((small and (not replaced or small_before)) or self.n_flat >= STALL_PATIENCE):
            return False, None
        if self.saved is not None and self.best >= self.saved[0] * (1.0 - ESCAPE_GAIN):
            # the last escape found nothing better: back to the dictionary it left, unless the
            # escape, though not below the whole cycle it left, ends below that dictionary
            if self.saved[2] <= errors[-1]:
                D[:] = self.saved[1]
                errors.append(self.saved[2])
            else:
                self.saved = (self.saved[0], D.copy(), errors[-1], usage.copy())
            if self.n_tries >= ESCAPE_TRIES or it + 1 == self.max_iter:
                return True, None
            # try again from it, restarting twice as many of its least used atoms
            self.n_weak = min(2 * self.n_weak, D.shape[0] // 2)
            self.n_tries += 1
            self.best, self.n_flat, self.small_before = np.inf, 0, False
            return False, np.argsort(self.saved[3], kind="stable")[:self.n_weak]
        weak = weak_atoms(D, usage)
        if not weak.size or it + 1 == self.max_iter:
            return True, None
        self.saved = (min(self.best, errors[-1]), D.copy(), errors[-1], usage.copy())
        self.n_tries, self.n_weak = 1, weak.size
        self.best, self.n_flat, self.small_before = np.inf, 0, False
        return False, weak


def batch_dict_learning(X, D, coding, dict_update, positive_dict, max_iter, tol, rng, progress=None,
                        codes=None):
    """Alternate coding all signals and one dictionary sweep (``"bcd"`` on ``A = C^T C``,
    ``B = C^T X``, or ``"ksvd"``), replacing unused and duplicated atoms by the worst represented
    residuals. ``"cd"`` / ``"fista"`` codes are warm-started (replaced atoms' codes set to 0).

    The fit stops, converged, on the rule of :class:`StallEscape` on the objective
    ``0.5 ||X - C D||^2 + pen(C)``: at a stall the weak atoms restart from the worst
    represented residuals, as K-SVD implementations do, and the fit goes on (a stalled
    dictionary often has one atom mixing two planted ones next to a barely used one), until an
    escape does not lower the objective and the dictionary it left is restored (its objective
    appended to the errors). It also stops when every code is zero twice in a row
    (the second time with the unused atoms replaced by data: the penalty is too strong for the
    data and nothing will change). Returns ``(errors, converged, failures, all_zero)``: the
    objective after each iteration, the coding failures of all steps, and whether it stopped
    on all-zero codes. ``codes``: start of the first warm-started coding step (overwritten).
    ``progress`` (a :class:`sparselearn._progress.Progress` or None) is updated after every
    iteration with the objective, and the state ``dictionary``, ``code``, ``errors``; the loop
    stops when it returns True (the callback asked to stop).
    """
    penalty = coding.get("penalty")
    warm = coding["algorithm"] in ("cd", "fista")
    norms_sq = np.einsum("ij,ij->i", X, X) if _needs_norms(coding) else None
    errors = []
    failures = []
    converged = False
    n_all_zero = 0
    stall = StallEscape(tol, max_iter)
    start = time.perf_counter()
    for it in range(max_iter):
        codes, _, failed = encode_signals(X, D, coding, init=codes if warm else None,
                                          norms_sq=norms_sq)
        failures.extend(failed)
        n_all_zero = 0 if np.any(codes) else n_all_zero + 1
        if n_all_zero == 2:
            errors.append(penalized_cost(X, codes, D, penalty))
            break
        if dict_update == "ksvd":
            unused = _dict_update.update_dict_ksvd(D, codes, X)
        else:
            unused = bcd_sweep(D, codes.T @ codes, codes.T @ X, positive_dict)
        stale = np.union1d(np.flatnonzero(unused), duplicate_atoms(D))
        if stale.size:
            replace_atoms(D, stale, X, rng, residual=X - codes @ D)
            if positive_dict:
                D[stale] = np.abs(D[stale])  # unit norm kept, never a zero atom
        if stale.size and warm:
            codes[:, stale] = 0.0
        errors.append(penalized_cost(X, codes, D, penalty))
        if progress is not None and progress.update(
                line=f"iteration {it + 1}: objective {errors[-1]:.6e} "
                     f"({time.perf_counter() - start:.1f} s)",
                state={"dictionary": D, "code": codes, "errors": errors}, objective=errors[-1]):
            break
        stop, weak = stall.check(it, errors, stale.size > 0, D,
                                 np.einsum("ij,ij->j", codes, codes))
        if stop:
            converged = True
            break
        if weak is not None:
            replace_atoms(D, weak, X, rng, residual=X - codes @ D)
            if positive_dict:
                D[weak] = np.abs(D[weak])
            if warm:
                codes[:, weak] = 0.0
    return np.asarray(errors), converged, failures, n_all_zero == 2


# ---------------------------------------------------------------------------------------------
# online
# ---------------------------------------------------------------------------------------------


# the default number of alternations per mini-batch ("auto", see :func:`batch_alternations`):
# AUTO_PASSES alternations of AUTO_SWEEPS BCD sweeps each when a batch holds at least
# AUTO_BATCH_RATIO signals per atom, else one alternation of one sweep. Three alternations:
# after 120 steps with 100 atoms, 5 non-zeros per signal (issue 15), most planted atoms the
# fit misses are found (|cos| 0.9-0.99 with a learned atom) but not yet refined past 0.99; a
# few are shared by one learned atom next to a barely used one. The third alternation refines
# them sooner: 0.885 (min 0.79) of them recovered over seeds 0-19 against 0.847 (min 0.73)
AUTO_BATCH_RATIO = 2
AUTO_PASSES = 3
AUTO_SWEEPS = 3


def batch_alternations(n_batch_iter, batch_size, n_components):
    """``(n_passes, n_sweeps)`` of :func:`minibatch_step` for the learner's ``n_batch_iter``:
    an integer is that many alternations of one BCD sweep; ``"auto"`` is ``AUTO_PASSES``
    alternations of ``AUTO_SWEEPS`` sweeps when ``batch_size >= AUTO_BATCH_RATIO *
    n_components``, else one alternation of one sweep (scikit-learn's and SPAMS' step).

    Re-coding the batch over the swept atoms and sweeping again makes the newest batch weigh
    more in the statistics, as faster forgetting does: it finds planted atoms in far fewer
    steps, but with few signals per atom in a batch it fits the atoms to that batch and raises
    the held-out objective on image patches (256 atoms, batches of 256), as a larger
    ``forget_rate`` does there."""
    if n_batch_iter != "auto":
        return int(n_batch_iter), 1
    if batch_size >= AUTO_BATCH_RATIO * n_components:
        return AUTO_PASSES, AUTO_SWEEPS
    return 1, 1


def minibatch_step(D, A, B, Xb, step, coding, positive_dict, replace, rng, forget_rate=1.0,
                   n_passes=1, n_sweeps=1):
    """One step of the online algorithm on the batch ``Xb`` (step ``step``, from 0): code it,
    update the statistics ``A <- beta A + C^T C / b``, ``B <- beta B + C^T X / b`` with the
    forgetting factor ``beta = (1 - 1 / (step + 1)) ** forget_rate`` (0 at the first step),
    ``n_sweeps`` BCD sweeps on the atoms, and, if ``replace``, replace unused and duplicated
    atoms by random signals of the batch (their statistics reset). ``D``, ``A``, ``B`` are
    updated in place. Returns ``(cost, failures)``, the batch objective per signal before the
    dictionary update.

    This is the past-data scaling of Mairal et al. (JMLR 2010, sec. 3.4.2, their ``rho``): at
    step ``t`` (from 1) the batch of step ``s`` weighs ``(s / t) ** forget_rate`` relative to the
    newest one. ``forget_rate = 0`` weighs every batch alike (their Algorithm 1); ``1`` is close
    to scikit-learn's rule (sec. 3.4.3 with ``step < batch_size``); larger exponents forget the
    codes computed with the early, poor dictionaries faster, while the memory, about the last
    ``t / (forget_rate + 1)`` steps, still grows without bound.

    With ``n_passes > 1`` the batch takes that many alternations: it is coded again over the
    swept atoms (``"cd"`` / ``"fista"`` warm-started from its previous codes), its codes replace
    its previous ones in ``A`` and ``B`` (``A = beta A_past + C^T C / b``), and the atoms take
    another ``n_sweeps`` sweeps (:func:`batch_alternations` gives the default). The codes the
    statistics keep are then those of the step's final atoms but one dictionary step, not of
    the atoms the step started from, which matters most while the atoms still move a lot: with
    2 passes planted atoms are found in far fewer steps.
    """
    batch_size = Xb.shape[0]
    warm = coding["algorithm"] in ("cd", "fista")
    norms_sq = np.einsum("ij,ij->i", Xb, Xb) if _needs_norms(coding) else None
    codes, _, failures = encode_signals(Xb, D, coding, norms_sq=norms_sq)
    cost = penalized_cost(Xb, codes, D, coding.get("penalty")) / batch_size
    beta = (step / (step + 1.0)) ** forget_rate
    A *= beta
    B *= beta
    past = (A.copy(), B.copy()) if n_passes > 1 else None
    for k in range(n_passes):
        if k:
            codes, _, failed = encode_signals(Xb, D, coding, init=codes if warm else None,
                                              norms_sq=norms_sq)
            failures.extend(failed)
            A[:] = past[0]
            B[:] = past[1]
        A += codes.T @ codes / batch_size
        B += codes.T @ Xb / batch_size
        unused = bcd_sweep(D, A, B, positive_dict, n_sweeps)
    if replace:
        stale = np.union1d(np.flatnonzero(unused), duplicate_atoms(D))
        if stale.size:
            replace_atoms(D, stale, Xb, rng)
            if positive_dict:
                D[stale] = np.abs(D[stale])  # unit norm kept, never a zero atom
            A[stale, :] = 0.0
            A[:, stale] = 0.0
            B[stale] = 0.0
    return cost, failures


def online_dict_learning(X, D, A, B, coding, batch_size, max_iter, shuffle, positive_dict, replace,
                         tol, max_no_improvement, rng, n_steps=0, progress=None, forget_rate=1.0,
                         n_passes=1, n_sweeps=1):
    """Epochs of :func:`minibatch_step` over ``X`` (shuffled each epoch if ``shuffle``), with the
    forgetting exponent ``forget_rate`` and ``n_passes`` alternations of ``n_sweeps`` BCD
    sweeps per batch.

    Stops, after the second step at least, when the dictionary moves by at most ``tol`` (``||D_new
    - D_old||_F / n_components``, ``tol > 0``) or when the exponentially weighted average of the
    batch objective (weight ``batch / (n_samples + 1)``) has not reached a new minimum for
    ``max_no_improvement`` steps (``None``: never). Returns ``(n_iter, n_steps, stopped,
    failures)``: epochs started, total steps (from ``n_steps``), whether a rule fired.
    ``progress`` (a :class:`sparselearn._progress.Progress` or None) is updated after every step
    with the batch and smoothed objectives and the state ``epoch``, ``step``, ``dictionary``,
    ``batch_cost``; the loop stops when it returns True (the callback asked to stop).
    """
    n_samples = X.shape[0]
    n_batches = int(np.ceil(n_samples / batch_size))
    ewa_cost = ewa_min = None
    no_improvement = 0
    stopped = False
    failures = []
    n_iter = 0
    start = time.perf_counter()
    for epoch in range(max_iter):
        order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
        n_iter = epoch + 1
        for b in range(n_batches):
            Xb = X[order[b * batch_size:(b + 1) * batch_size]]
            old = D.copy()
            cost, failed = minibatch_step(D, A, B, Xb, n_steps, coding, positive_dict, replace, rng,
                                          forget_rate, n_passes, n_sweeps)
            failures.extend(failed)
            n_steps += 1
            weight = min(Xb.shape[0] / (n_samples + 1), 1.0)
            ewa_cost = cost if ewa_cost is None else ewa_cost * (1 - weight) + cost * weight
            if ewa_min is None or ewa_cost < ewa_min:
                ewa_min, no_improvement = ewa_cost, 0
            else:
                no_improvement += 1
            if progress is not None and progress.update(
                    line=f"step {n_steps}: batch objective {cost:.6e}, smoothed {ewa_cost:.6e}",
                    state={"epoch": epoch, "step": n_steps, "dictionary": D, "batch_cost": cost},
                    objective=ewa_cost):
                break
            change = np.linalg.norm(D - old) / D.shape[0]
            if n_steps > 1 and ((tol > 0 and change <= tol)
                                or (max_no_improvement is not None
                                    and no_improvement >= max_no_improvement)):
                stopped = True
                break
        if progress is not None:
            progress.log(f"epoch {epoch + 1}: smoothed objective {ewa_cost:.6e} "
                         f"({time.perf_counter() - start:.1f} s)")
            if progress.stopped:
                break
        if stopped:
            if progress is not None:
                progress.log(f"converged after {n_steps} steps")
            break
    return n_iter, n_steps, stopped, failures


# ---------------------------------------------------------------------------------------------
# masked (Chidambaram, Wu, Cheng & Ge, ICML 2023)
# ---------------------------------------------------------------------------------------------


def masked_dict_learning(X, D, n_nonzero_coefs, mask_size, batch_size, max_iter, learning_rate,
                         shuffle, rng, progress=None):
    """Epochs of masked steps: per batch, a random set of ``mask_size`` visible coordinates (all
    of them if ``mask_size == n_features``), OMP codes with ``n_nonzero_coefs`` atoms on the
    visible ones, one Adam step (``beta = (0.9, 0.999)``, ``eps = 1e-8``) on the batch-mean
    squared residual over the hidden ones, then unit-norm atoms. Returns ``(losses, n_steps)``:
    the mean hidden loss of each epoch and the number of Adam steps. ``progress`` (a
    :class:`sparselearn._progress.Progress` or None) is updated after every epoch with the hidden
    loss and the state ``dictionary``, ``losses``; the loop stops when it returns True."""
    n_samples, n_features = X.shape
    first = np.zeros_like(D)
    second = np.zeros_like(D)
    grad = np.zeros_like(D)
    n_batches = int(np.ceil(n_samples / batch_size))
    masked = mask_size < n_features
    losses = []
    step = 0
    start = time.perf_counter()
    for epoch in range(max_iter):
        order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
        total = 0.0
        for b in range(n_batches):
            Xb = X[order[b * batch_size:(b + 1) * batch_size]]
            if masked:
                visible = np.sort(rng.choice(n_features, mask_size, replace=False))
                hidden = np.setdiff1d(np.arange(n_features), visible, assume_unique=True)
            else:
                visible = hidden = np.arange(n_features)
            D_vis = D[:, visible]
            X_vis = Xb[:, visible]
            codes, _ = _greedy.omp_gram(np.ascontiguousarray(D_vis @ D_vis.T),
                                        np.ascontiguousarray(X_vis @ D_vis.T),
                                        np.einsum("ij,ij->i", X_vis, X_vis), n_nonzero_coefs, -1.0)
            residual = Xb[:, hidden] - codes @ D[:, hidden]
            total += float(np.sum(residual * residual)) / Xb.shape[0]
            grad[:] = 0.0
            grad[:, hidden] = (-2.0 / Xb.shape[0]) * (codes.T @ residual)
            step += 1
            _dict_update.adam_step(D, grad, first, second, step, learning_rate, 0.9, 0.999, 1e-8)
            _dict_update.normalize_rows(D)
        losses.append(total / n_batches)
        if progress is not None and progress.update(
                line=f"epoch {epoch + 1}: hidden loss {losses[-1]:.6e} "
                     f"({time.perf_counter() - start:.1f} s)",
                state={"dictionary": D, "losses": losses}, loss=losses[-1]):
            break
    return np.asarray(losses), step
