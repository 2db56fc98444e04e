"""Dictionary learning: batch alternating minimization and the online algorithm of Mairal et al.

The estimators validate and resolve their parameters; the loops are the drivers of
:mod:`sparselearn._core.dict_learning`.
"""

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import validate_data

from .._core import dict_learning as _dict_learning
from .._blas_threads import single_thread_blas
from .._progress import Progress
from ..penalties import Penalty
from ._base import TRANSFORM_CONSTRAINTS, _BaseDictionaryLearner, dense, initial_dictionary
from ._encode import PENALTIES, _coding_params, _warn_failures, numba_threads

__all__ = ["DictionaryLearning", "MiniBatchDictionaryLearning"]

FIT_ALGORITHMS = ("cd", "fista", "omp", "iht", "mp", "lars")

# iteration cap and tolerance of the coding steps
_CODING_MAX_ITER = 1000
_CODING_TOL = 1e-4

_COMMON_CONSTRAINTS = {
    "n_components": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "alpha": [Interval(numbers.Real, 0, None, closed="left")],
    "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
    "fit_algorithm": [StrOptions(set(FIT_ALGORITHMS))],
    "penalty": [StrOptions(set(PENALTIES)), Penalty],
    "n_nonzero_coefs": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "dict_init": ["array-like", None],
    "init": [StrOptions({"data", "random"})],
    "verbose": ["verbose"],
    "random_state": ["random_state"],
    "positive_dict": ["boolean"],
    **TRANSFORM_CONSTRAINTS,
}


class _DictionaryMixin(_BaseDictionaryLearner):
    """Coding step shared by the learners (``fit_algorithm`` with ``alpha``/``n_nonzero_coefs``)."""

    def _fit_coding(self, n_features, n_components):
        """Keyword arguments of :func:`sparselearn._core.encode.encode` for the learning steps."""
        # scikit-learn's fit_algorithm="lars" is the LARS-Lasso homotopy (its "lasso_lars")
        algorithm = "lasso_lars" if self.fit_algorithm == "lars" else self.fit_algorithm
        alpha = self.alpha if algorithm in ("cd", "fista", "lasso_lars") else None
        return _coding_params(algorithm, self.penalty, alpha, self.n_nonzero_coefs,
                              self.positive_code, _CODING_MAX_ITER, _CODING_TOL, n_features,
                              n_components)

    def _check_fit_params(self, n_features):
        if self.fit_algorithm == "omp" and self.n_nonzero_coefs is not None \
                and self.n_nonzero_coefs > n_features:
            raise ValueError(f"n_nonzero_coefs={self.n_nonzero_coefs} exceeds n_features={n_features}.")
        if self.fit_algorithm == "omp" and self.positive_code:
            raise ValueError("positive_code=True is not available with fit_algorithm='omp'.")


class DictionaryLearning(_DictionaryMixin, BaseEstimator):
    r"""Batch dictionary learning by alternating minimization.

    Solves

    .. math::
        \min_{C, D} \; \tfrac12 \|X - C D\|_F^2 + \sum_{i, j} \mathrm{pen}(C_{ij})
        \quad \text{s.t.} \quad \|D_k\|_2 \le 1 \;\; \forall k,

    alternating a sparse coding step on all signals (``fit_algorithm``, warm-started for
    ``"cd"``/``"fista"``) and a dictionary step: one block coordinate descent sweep on the atoms
    (``dict_update="bcd"``, Mairal et al. 2010) or one K-SVD sweep (``"ksvd"``, Aharon et al.
    2006; unit-norm atoms, codes refitted on their support; pair it with ``"omp"``). Atoms that go
    unused or duplicate another (``|cosine| > 0.99``) are replaced by the worst represented
    residuals, and so are the weakest atoms when the objective stalls (see ``tol``): from any
    initialization this escapes the local minima where one atom mixes two planted ones.

    Parameters
    ----------
    n_components : int, default=None
        Number of atoms (default ``n_features``).
    alpha : float, default=1.0
        Penalty strength of the ``"cd"`` / ``"fista"`` / ``"lars"`` coding step.
    max_iter : int, default=1000
        Maximum number of alternations (epochs over the data). ``0`` fits nothing:
        ``components_`` is the initial dictionary (``dict_init`` as given).
    tol : float, default=1e-8
        The fit stalls when the objective changes by less than ``tol`` times its value (or
        has not gone ``tol`` below its lowest value for 10 iterations, as greedy codes can
        cycle). At a stall the weakest atoms (rarely used, ``|cosine| > 0.95`` with a more
        used one, else the least used one) restart from the worst represented residuals.
        When such an escape does not lower the objective by 0.1 % by the next stall, the
        dictionary from before it is restored and the escape tried again with twice as many
        of its least used atoms; after three tries the fit stops on that dictionary.
    fit_algorithm : {"cd", "fista", "omp", "iht", "mp", "lars"}, default="cd"
        Coding algorithm of the learning steps (see :func:`sparse_encode`); ``"lars"`` is, as in
        scikit-learn, the LARS-Lasso homotopy (:func:`sparse_encode`'s ``"lasso_lars"``) on the
        L1 problem with ``alpha``, whose optimum ``"cd"`` reaches too.
    penalty : {"l1", "l0", "mcp", "scad", "lq", "cel0"} or Penalty, default="l1"
        Penalty of the ``"cd"`` / ``"fista"`` coding step.
    n_nonzero_coefs : int, default=None
        Atoms per signal of the greedy coding steps.
    dict_update : {"bcd", "ksvd"}, default="bcd"
        Dictionary step.
    transform_algorithm : str, default="omp"
        Algorithm of ``transform`` (see :class:`SparseCoder`).
    transform_n_nonzero_coefs : int, default=None
        Atoms per signal of the greedy ``transform``.
    transform_alpha : float, default=None
        Penalty strength (or targeted squared residual for ``"omp"``) of ``transform``.
    transform_penalty : {"l1", "l0", "mcp", "scad", "lq", "cel0"} or Penalty, default="l1"
        Penalty of ``transform`` with ``"cd"`` / ``"fista"``.
    transform_max_iter : int, default=1000
        Iteration cap of ``transform``.
    n_jobs : int, default=None
        Numba threads over signals (``None``: 1, ``-1``: all).
    dict_init : array-like of shape (n_components, n_features), default=None
        Initial dictionary (rows normalized).
    init : {"data", "random"}, default="data"
        Initial atoms when ``dict_init`` is None: random normalized signals or Gaussian atoms.
    verbose : int, default=0
        0 silent; 1 a progress bar with the objective (plain lines without tqdm) once the fit
        runs longer than a few seconds; 2 the objective at every iteration (see
        :ref:`progress`).
    random_state : int, RandomState instance or None, default=None
        Seed of the initialization and of atom replacement.
    positive_code : bool, default=False
        Non-negative codes.
    split_sign : bool, default=False
        Return ``transform``'s codes split into their positive and negative parts,
        ``[max(c, 0), max(-c, 0)]`` (shape (n_samples, 2 n_components)), as scikit-learn: a
        non-negative representation for downstream classifiers.
    positive_dict : bool, default=False
        Non-negative atoms (``"bcd"`` only).
    code_init : array-like of shape (n_samples, n_components), default=None
        Start of the first coding step of ``"cd"`` / ``"fista"`` (warm start; other coders
        start from scratch), as scikit-learn's.
    callback : callable, default=None
        Called after every iteration with a dict of the state: ``iteration`` (from 1),
        ``objective``, ``dictionary`` (the atoms), ``code``, ``errors`` (the objectives so far),
        ``elapsed`` (seconds); the arrays are the live ones, copy what you keep. A truthy return
        value stops the fit after that iteration (``n_iter_`` is then that iteration, and no
        ``ConvergenceWarning`` is raised); scikit-learn's callbacks, which return None, run
        unchanged.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        The learned atoms.
    error_ : ndarray of shape (n_iter_,)
        Objective after each iteration.
    n_iter_ : int
        Number of iterations run.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during ``fit`` (string column names only).

    See Also
    --------
    MiniBatchDictionaryLearning : Online version, faster on many signals.
    MaskedDictionaryLearning : Masked objective of Chidambaram et al. (2023).

    References
    ----------
    J. Mairal, F. Bach, J. Ponce, G. Sapiro, "Online learning for matrix factorization and sparse
    coding", JMLR 11, 2010. M. Aharon, M. Elad, A. Bruckstein, "K-SVD: an algorithm for designing
    overcomplete dictionaries for sparse representation", IEEE TSP 54(11), 2006.

    Examples
    --------
    >>> from sparselearn.decomposition import DictionaryLearning
    >>> from sparselearn.datasets import make_planted_dictionary
    >>> X, D, C = make_planted_dictionary(300, 12, 8, 2, random_state=0)
    >>> dl = DictionaryLearning(12, fit_algorithm="omp", n_nonzero_coefs=2, dict_update="ksvd",
    ...                         max_iter=30, random_state=0).fit(X)
    >>> dl.components_.shape
    (12, 8)
    """

    _parameter_constraints = {
        **_COMMON_CONSTRAINTS,
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "dict_update": [StrOptions({"bcd", "ksvd"})],
        "code_init": ["array-like", None],
        "callback": [callable, None],
    }

    def __init__(self, n_components=None, *, alpha=1.0, max_iter=1000, tol=1e-8, fit_algorithm="cd",
                 penalty="l1", n_nonzero_coefs=None, dict_update="bcd", transform_algorithm="omp",
                 transform_n_nonzero_coefs=None, transform_alpha=None, transform_penalty="l1",
                 transform_max_iter=1000, n_jobs=None, dict_init=None, init="data", verbose=0,
                 random_state=None, positive_code=False, split_sign=False,
                 positive_dict=False, code_init=None, callback=None):
        self.n_components = n_components
        self.alpha = alpha
        self.max_iter = max_iter
        self.tol = tol
        self.fit_algorithm = fit_algorithm
        self.penalty = penalty
        self.n_nonzero_coefs = n_nonzero_coefs
        self.dict_update = dict_update
        self.transform_algorithm = transform_algorithm
        self.transform_n_nonzero_coefs = transform_n_nonzero_coefs
        self.transform_alpha = transform_alpha
        self.transform_penalty = transform_penalty
        self.transform_max_iter = transform_max_iter
        self.n_jobs = n_jobs
        self.dict_init = dict_init
        self.init = init
        self.verbose = verbose
        self.random_state = random_state
        self.positive_code = positive_code
        self.split_sign = split_sign
        self.positive_dict = positive_dict
        self.code_init = code_init
        self.callback = callback

    def _fit(self, Xd):
        n_samples, n_features = Xd.shape
        self._check_fit_params(n_features)
        if self.dict_update == "ksvd" and self.positive_dict:
            raise ValueError("positive_dict=True is not available with dict_update='ksvd'.")
        rng = check_random_state(self.random_state)
        n_components = self.n_components or n_features
        D = initial_dictionary(Xd, n_components, self.dict_init, self.init, rng,
                               normalize=self.max_iter > 0, positive=self.positive_dict)
        coding = self._fit_coding(n_features, n_components)
        codes = None
        if self.code_init is not None:
            codes = check_array(self.code_init, dtype=np.float64, order="C", copy=True,
                                input_name="code_init")
            if codes.shape != (n_samples, n_components):
                raise ValueError(f"code_init must have shape ({n_samples}, {n_components}), "
                                 f"got {codes.shape}.")
        with numba_threads(self.n_jobs), Progress("DictionaryLearning", self.verbose,
                                                  self.max_iter, self.callback) as progress:
            errors, converged, failures, all_zero = _dict_learning.batch_dict_learning(
                Xd, D, coding, self.dict_update, self.positive_dict, self.max_iter, self.tol, rng,
                progress=progress, codes=codes)
        return self._finish(D, errors, converged, failures, all_zero, progress.stopped)

    def _finish(self, D, errors, converged, failures, all_zero, stopped):
        """Warnings and fitted attributes of a fit (in memory, or on dask chunks)."""
        _warn_failures(failures, _CODING_MAX_ITER, stacklevel=4)
        if all_zero:
            warnings.warn(
                f"DictionaryLearning stopped after {len(errors)} iterations: every code is zero, "
                f"also with atoms drawn from the data, so alpha={self.alpha!r} is too large for "
                f"this data (no signal correlates with an atom by more than the penalty's "
                f"threshold). Lower alpha.", UserWarning, stacklevel=3)
        elif not converged and not stopped and self.tol > 0 and self.max_iter > 0:
            warnings.warn(f"DictionaryLearning did not converge in max_iter={self.max_iter} "
                          "iterations; increase max_iter or tol.", ConvergenceWarning, stacklevel=3)
        self.components_ = D
        self.error_ = errors
        self.n_iter_ = len(errors)
        return self


class MiniBatchDictionaryLearning(_DictionaryMixin, BaseEstimator):
    r"""Online dictionary learning (Mairal, Bach, Ponce & Sapiro, 2009/2010).

    Minimizes the expected cost
    :math:`\mathbb{E}_x \min_c \tfrac12\|x - cD\|^2 + \sum_j \mathrm{pen}(c_j)` over unit-ball
    atoms. Each mini-batch is coded (``fit_algorithm``), the sufficient statistics
    :math:`A \leftarrow \beta_t A + C^T C / b`, :math:`B \leftarrow \beta_t B + C^T X / b` are
    updated with the forgetting factor :math:`\beta_t = (1 - 1/t)^\rho` at step :math:`t`
    (``forget_rate`` :math:`= \rho`), and the atoms take block coordinate descent sweeps on
    them; with several alternations per batch (``n_batch_iter``, by default 2 when a batch holds
    at least 2 signals per atom) the batch is then coded again over the swept atoms, its new
    codes replace its previous ones in the statistics, and the atoms are swept again. As in
    SPAMS, the dictionary starts from data samples and atoms that go unused or
    duplicate another one are replaced by random signals of the batch (``replace_atoms=True``).

    Parameters
    ----------
    n_components : int, default=None
        Number of atoms (default ``n_features``).
    alpha : float, default=1.0
        Penalty strength of the ``"cd"`` / ``"fista"`` / ``"lars"`` coding step.
    max_iter : int, default=1000
        Maximum number of epochs over the data (early stopping usually ends sooner). ``0`` fits
        nothing: ``components_`` is the initial dictionary (``dict_init`` as given).
    fit_algorithm : {"cd", "fista", "omp", "iht", "mp", "lars"}, default="cd"
        Coding algorithm of the learning steps; ``"lars"`` is, as in scikit-learn, the LARS-Lasso
        homotopy on the L1 problem with ``alpha`` (:func:`sparse_encode`'s ``"lasso_lars"``).
    penalty : {"l1", "l0", "mcp", "scad", "lq", "cel0"} or Penalty, default="l1"
        Penalty of the ``"cd"`` / ``"fista"`` coding step.
    n_nonzero_coefs : int, default=None
        Atoms per signal of the greedy coding steps.
    batch_size : int, default=256
        Signals per mini-batch.
    shuffle : bool, default=True
        Shuffle the signals at each epoch.
    replace_atoms : bool, default=True
        Replace unused and duplicated atoms by random signals of the batch (SPAMS' ``clean``).
    dict_init : array-like of shape (n_components, n_features), default=None
        Initial dictionary (rows normalized).
    init : {"data", "random"}, default="data"
        Initial atoms when ``dict_init`` is None.
    transform_algorithm : str, default="omp"
        Algorithm of ``transform`` (see :class:`SparseCoder`).
    transform_n_nonzero_coefs : int, default=None
        Atoms per signal of the greedy ``transform``.
    transform_alpha : float, default=None
        Penalty strength (or targeted squared residual for ``"omp"``) of ``transform``.
    transform_penalty : {"l1", "l0", "mcp", "scad", "lq", "cel0"} or Penalty, default="l1"
        Penalty of ``transform`` with ``"cd"`` / ``"fista"``.
    transform_max_iter : int, default=1000
        Iteration cap of ``transform``.
    verbose : int, default=0
        0 silent; 1 a progress bar over the mini-batch steps with the smoothed objective (plain
        lines without tqdm) once the fit runs longer than a few seconds; 2 a line per step and
        per epoch (see :ref:`progress`).
    random_state : int, RandomState instance or None, default=None
        Seed of initialization, shuffling and atom replacement.
    positive_code : bool, default=False
        Non-negative codes.
    split_sign : bool, default=False
        Return ``transform``'s codes split into their positive and negative parts,
        ``[max(c, 0), max(-c, 0)]`` (shape (n_samples, 2 n_components)), as scikit-learn: a
        non-negative representation for downstream classifiers.
    positive_dict : bool, default=False
        Non-negative atoms.
    tol : float, default=1e-3
        Stop when ``||D_new - D_old||_F / n_components <= tol`` (0 disables).
    max_no_improvement : int, default=10
        Stop after this many mini-batches without improvement of the exponentially weighted
        average of the batch objective (``None`` disables).
    forget_rate : float, default=16.0
        Exponent :math:`\rho` of the forgetting factor :math:`\beta_t = (1 - 1/t)^\rho` that
        scales the past statistics at step :math:`t` (Mairal et al. 2010, sec. 3.4.2): the
        mini-batch of step :math:`s` weighs :math:`(s/t)^\rho` relative to the newest one.
        ``0`` weighs all mini-batches alike; ``1`` is close to scikit-learn's rule; larger
        values forget the codes computed with the early, poor dictionaries faster (the memory,
        about the last :math:`t / (\rho + 1)` steps, still grows without bound). The default 16
        recovers planted atoms in far fewer steps (see the user guide) and lowers the held-out
        objective on image patches.
    n_batch_iter : int or "auto", default="auto"
        Alternations on each mini-batch. An integer: that many, each a coding then one BCD sweep
        on the statistics (1, as in scikit-learn and SPAMS). From the second on, the batch is
        coded again over the swept atoms (``"cd"`` / ``"fista"`` warm-started from its previous
        codes) and its new codes replace its previous ones in the statistics, so that these hold
        the newest batch's codes over (nearly) the current atoms rather than over the atoms the
        step started from: the newest batch weighs more, as with a larger ``forget_rate``.
        ``"auto"``: 3 alternations of 3 BCD sweeps each when the batch holds at least 2 signals
        per atom (``batch_size >= 2 * n_components``), else 1 alternation of 1 sweep. With
        fewer signals per atom, re-fitting the atoms to the newest batch overfits it: with 256
        atoms on batches of 256 8 x 8 patches extra alternations raise the held-out objective
        (by 0.5-3 %), as faster forgetting does, while with 100 atoms they lower it on patches
        and digits and find planted atoms in far fewer steps (100 atoms, 5 non-zeros per signal,
        120 steps: 0.885 against 0.69 of them recovered with one alternation, 0.847 with two,
        seeds 0-19). A step of ``"auto"`` costs about 1.9 times a single alternation (the
        re-coding is warm-started, the sweeps are cheap); see the user guide.
    callback : callable, default=None
        Called after every mini-batch step of ``fit`` with a dict of the state: ``iteration``
        (steps of this ``fit``, from 1), ``objective`` (the smoothed batch objective), ``epoch``
        (from 0), ``step`` (total steps, from 1), ``dictionary`` (the atoms, live: copy what you
        keep), ``batch_cost``, ``elapsed`` (seconds). A truthy return value stops the fit after
        that step (``n_steps_`` is then that step, ``n_iter_`` the epochs started, and no
        ``ConvergenceWarning`` is raised); scikit-learn's callbacks, which return None, run
        unchanged.
    n_jobs : int, default=None
        Numba threads over signals (``None``: 1, ``-1``: all).

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        The learned atoms.
    n_iter_ : int
        Epochs run (a started epoch counts).
    n_steps_ : int
        Mini-batch steps run.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during ``fit`` (string column names only).

    See Also
    --------
    DictionaryLearning : Batch alternating minimization.
    sklearn.decomposition.MiniBatchDictionaryLearning : The reference.

    References
    ----------
    J. Mairal, F. Bach, J. Ponce, G. Sapiro, "Online dictionary learning for sparse coding", ICML
    2009; "Online learning for matrix factorization and sparse coding", JMLR 11, 2010.

    Examples
    --------
    >>> from sparselearn.decomposition import MiniBatchDictionaryLearning
    >>> from sparselearn.datasets import make_planted_dictionary
    >>> X, D, C = make_planted_dictionary(512, 16, 10, 2, random_state=0)
    >>> dl = MiniBatchDictionaryLearning(16, alpha=0.1, batch_size=64, max_iter=5,
    ...                                  random_state=0).fit(X)
    >>> dl.transform(X[:3]).shape
    (3, 16)
    """

    _parameter_constraints = {
        **_COMMON_CONSTRAINTS,
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "replace_atoms": ["boolean"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "max_no_improvement": [Interval(numbers.Integral, 0, None, closed="left"), None],
        "callback": [callable, None],
        "forget_rate": [Interval(numbers.Real, 0, None, closed="left")],
        "n_batch_iter": [Interval(numbers.Integral, 1, None, closed="left"),
                         StrOptions({"auto"})],
    }

    def __init__(self, n_components=None, *, alpha=1.0, max_iter=1000, fit_algorithm="cd",
                 penalty="l1", n_nonzero_coefs=None, batch_size=256, shuffle=True, replace_atoms=True,
                 dict_init=None, init="data", transform_algorithm="omp",
                 transform_n_nonzero_coefs=None, transform_alpha=None, transform_penalty="l1",
                 transform_max_iter=1000, verbose=0, random_state=None, positive_code=False,
                 split_sign=False, positive_dict=False, tol=1e-3, max_no_improvement=10,
                 forget_rate=16.0, n_batch_iter="auto", n_jobs=None, callback=None):
        self.n_components = n_components
        self.alpha = alpha
        self.max_iter = max_iter
        self.fit_algorithm = fit_algorithm
        self.penalty = penalty
        self.n_nonzero_coefs = n_nonzero_coefs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.replace_atoms = replace_atoms
        self.dict_init = dict_init
        self.init = init
        self.transform_algorithm = transform_algorithm
        self.transform_n_nonzero_coefs = transform_n_nonzero_coefs
        self.transform_alpha = transform_alpha
        self.transform_penalty = transform_penalty
        self.transform_max_iter = transform_max_iter
        self.verbose = verbose
        self.random_state = random_state
        self.positive_code = positive_code
        self.split_sign = split_sign
        self.positive_dict = positive_dict
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.forget_rate = forget_rate
        self.n_batch_iter = n_batch_iter
        self.n_jobs = n_jobs
        self.callback = callback

    _FITTED_ARRAYS = ("components_", "_A", "_B")

    # -- state ------------------------------------------------------------------------------

    def _init_state(self, Xd):
        self._check_fit_params(Xd.shape[1])
        self._rng = check_random_state(self.random_state)
        n_components = self.n_components or Xd.shape[1]
        self.components_ = initial_dictionary(Xd, n_components, self.dict_init, self.init, self._rng,
                                              normalize=self.max_iter > 0, positive=self.positive_dict)
        self._A = np.zeros((n_components, n_components))
        self._B = np.zeros((n_components, Xd.shape[1]))
        self.n_steps_ = 0
        self.n_iter_ = 0

    # -- public API ----------------------------------------------------------------------------

    def _fit(self, Xd, batches=None):
        # batches: the mini-batch rows of a dask Xd by position, shuffled per epoch by itself
        self._init_state(Xd)
        coding = self._fit_coding(Xd.shape[1], self.components_.shape[0])
        batch_size = min(self.batch_size, Xd.shape[0])
        n_passes, n_sweeps = _dict_learning.batch_alternations(
            self.n_batch_iter, batch_size, self.components_.shape[0])
        total = self.max_iter * -(-Xd.shape[0] // batch_size)
        with numba_threads(self.n_jobs), Progress("MiniBatchDictionaryLearning", self.verbose,
                                                  total, self.callback, "step") as progress:
            self.n_iter_, self.n_steps_, stopped, failures = _dict_learning.online_dict_learning(
                Xd if batches is None else batches, self.components_, self._A, self._B, coding,
                batch_size, self.max_iter, self.shuffle and batches is None, self.positive_dict,
                self.replace_atoms, self.tol,
                self.max_no_improvement, self._rng, n_steps=self.n_steps_, progress=progress,
                forget_rate=self.forget_rate, n_passes=n_passes, n_sweeps=n_sweeps)
        stopped = stopped or progress.stopped
        _warn_failures(failures, _CODING_MAX_ITER, stacklevel=3)
        if self.n_steps_ > 0 and not np.any(self._A):
            # the statistics A = sum C^T C are zero: every code of the last steps was zero
            warnings.warn(
                f"MiniBatchDictionaryLearning: every code is zero (also with atoms drawn from "
                f"the data), so the dictionary did not learn anything: the penalty (alpha="
                f"{self.alpha!r}) is too large for this data (no signal correlates with an atom "
                f"by more than the penalty's threshold). Lower alpha.", UserWarning,
                stacklevel=2)
        elif not stopped and self.max_iter > 0 and (self.tol > 0
                                                  or self.max_no_improvement is not None):
            warnings.warn(
                f"MiniBatchDictionaryLearning reached max_iter={self.max_iter} epochs before the "
                "early-stopping rules (tol, max_no_improvement) fired; increase max_iter.",
                ConvergenceWarning, stacklevel=2)
        return self

    def partial_fit(self, X, y=None):
        """One mini-batch step on ``X`` (the first call initializes the dictionary from it).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            One mini-batch of signals.
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : MiniBatchDictionaryLearning
            The updated learner.
        """
        first = not hasattr(self, "components_")
        if first:
            self._validate_params()
        X = validate_data(self, X, reset=first, accept_sparse=["csr", "csc"],
                          dtype=[np.float64, np.float32])
        Xd = np.ascontiguousarray(dense(X), dtype=np.float64)
        if first:
            self._init_state(Xd)
        coding = self._fit_coding(Xd.shape[1], self.components_.shape[0])
        # the step works in float64 on the state, kept in the dtype of X between calls
        for name in self._FITTED_ARRAYS:
            setattr(self, name, np.array(getattr(self, name), dtype=np.float64, order="C"))
        n_passes, n_sweeps = _dict_learning.batch_alternations(
            self.n_batch_iter, Xd.shape[0], self.components_.shape[0])
        with single_thread_blas(), numba_threads(self.n_jobs):
            _, failures = _dict_learning.minibatch_step(
                self.components_, self._A, self._B, Xd, self.n_steps_, coding, self.positive_dict,
                self.replace_atoms, self._rng, self.forget_rate, n_passes, n_sweeps)
        self._cast_fitted(X.dtype)
        _warn_failures(failures, _CODING_MAX_ITER, stacklevel=2)
        self.n_steps_ += 1
        self.n_iter_ = max(self.n_iter_, 1)
        return self
