"""``MaskedDictionaryLearning``: the masking objective of Chidambaram, Wu, Cheng & Ge (ICML 2023).

The estimator validates; the loop is :func:`sparselearn._core.dict_learning.masked_dict_learning`.
"""

import numbers

from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from .._core import dict_learning as _dict_learning
from .._progress import Progress
from ._base import TRANSFORM_CONSTRAINTS, _BaseDictionaryLearner, initial_dictionary
from ._encode import numba_threads

__all__ = ["MaskedDictionaryLearning"]


class MaskedDictionaryLearning(_BaseDictionaryLearner, BaseEstimator):
    r"""Dictionary learning with the masking objective of Chidambaram et al. (ICML 2023).

    At every mini-batch step a fresh random set ``E`` of ``mask_size`` coordinates is drawn
    (``H`` = the others). Codes come from OMP with exactly ``n_nonzero_coefs`` atoms on the
    visible coordinates, :math:`z_i = \mathrm{OMP}_k(D_{:,E}, x_{i,E})`, and are held fixed while
    one Adam step (Kingma & Ba) is taken on the loss over the hidden coordinates

    .. math::
        \frac{1}{b} \sum_{i \in \text{batch}} \| x_{i,H} - z_i D_{:,H} \|_2^2 ,

    after which the atoms (rows of ``D``) are renormalized. With ``mask_size = n_features`` the
    loop is the plain reconstruction objective (``E = H =`` all coordinates), the paper's baseline.
    The paper shows that, with more learned atoms than true ones and noisy signals, the masked
    objective recovers the planted atoms where the plain one does not.

    Parameters
    ----------
    n_components : int, default=None
        Number of learned atoms (default ``n_features``).
    n_nonzero_coefs : int, default=None
        Atoms per code (OMP sparsity). Default ``min(5, mask_size, n_components)``: 5, adapted
        to inputs with fewer features or atoms (an explicit value above them is an error).
    mask_size : int, default=None
        Number of visible (encoding) coordinates per step, in ``[n_nonzero_coefs, n_features]``;
        default ``round(0.9 n_features)``, the paper's choice, raised to an explicit
        ``n_nonzero_coefs`` when that is larger (at most ``n_features``). ``n_features`` means
        no masking.
    batch_size : int, default=200
        Signals per step.
    max_iter : int, default=500
        Epochs over the data.
    learning_rate : float, default=1e-3
        Adam step size.
    shuffle : bool, default=True
        Shuffle the signals at each epoch.
    dict_init : array-like of shape (n_components, n_features), default=None
        Initial dictionary (rows normalized). For the paper's gain, signals that are not in ``X``
        (see Notes).
    init : {"data", "random"}, default="data"
        Initial atoms when ``dict_init`` is None: random signals of ``X`` or Gaussian atoms.
    transform_algorithm : str, default="omp"
        Algorithm of ``transform`` (see :class:`SparseCoder`).
    transform_n_nonzero_coefs : int, default=None
        Atoms per signal of the greedy ``transform`` (default ``n_nonzero_coefs``).
    transform_alpha : float, default=None
        Penalty strength (or targeted squared residual for ``"omp"``) of ``transform``.
    transform_penalty : {"l1", "l0", "mcp", "scad", "lq", "cel0"} or Penalty, default="l1"
        Penalty of ``transform`` with ``"cd"`` / ``"fista"``.
    transform_max_iter : int, default=1000
        Iteration cap of ``transform``.
    positive_code : bool, default=False
        Non-negative codes in ``transform`` (not with OMP).
    split_sign : bool, default=False
        Return ``transform``'s codes split into their positive and negative parts,
        ``[max(c, 0), max(-c, 0)]`` (shape (n_samples, 2 n_components)), as scikit-learn: a
        non-negative representation for downstream classifiers.
    verbose : int, default=0
        0 silent; 1 a progress bar over the epochs with the hidden-coordinate loss (plain lines
        without tqdm) once the fit runs longer than a few seconds; 2 the loss after every epoch
        (see :ref:`progress`).
    random_state : int, RandomState instance or None, default=None
        Seed of initialization, masks and shuffling.
    n_jobs : int, default=None
        Numba threads over signals (``None``: 1, ``-1``: all).
    callback : callable, default=None
        Called after every epoch with a dict of the state: ``iteration`` (epochs, from 1),
        ``loss`` (the epoch's mean hidden-coordinate loss), ``dictionary`` (the atoms, live: copy
        what you keep), ``losses`` (so far), ``elapsed`` (seconds). A truthy return value stops
        the fit after that epoch (``n_iter_`` is then that epoch).

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Learned unit-norm atoms.
    n_nonzero_coefs_ : int
        Atoms per code used (``n_nonzero_coefs`` or its default for this data).
    mask_size_ : int
        Visible coordinates per step used (``mask_size`` or its default for this data).
    loss_ : ndarray of shape (n_iter_,)
        Mean hidden-coordinate loss of each epoch.
    n_iter_ : int
        Epochs run.
    n_steps_ : int
        Adam steps run.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during ``fit`` (string column names only).

    See Also
    --------
    MiniBatchDictionaryLearning : Online learning of the plain objective.
    dictionary_recovery_error : The paper's recovery metric.

    Notes
    -----
    The loop is the one of the authors' code: ``mask_size`` is the size of the encoded set ``E``,
    one mask per mini-batch, OMP on the unnormalized restricted atoms ``D[:, E]`` (scikit-learn's
    atom choice), loss summed over ``H`` and averaged over the batch (no ``d / |H|`` factor),
    Adam with :math:`\beta = (0.9, 0.999)`, :math:`\epsilon = 10^{-8}`. Their loader does not
    shuffle (``shuffle=False``); shuffling barely changes the recovery error.

    Initialization decides the gain. The paper initializes with fresh noisy signals of the
    generative model, independent of the training signals. An atom started at a training signal
    carries that signal's noise on every coordinate, the hidden ones included, so masking cannot
    tell it from signal and keeps it: such atoms stay close to their starting signal, and most of
    the masked objective's gain over the plain one is lost with ``init="data"``. Initialized
    from fresh signals at the paper's setting (``d = 100``, 200 planted atoms,
    ``n_components = 400``, ``k = 5``, noise 0.1 per coordinate, 1000 signals, batch 200, 500
    epochs, ``mask_size = 90``), this loop reproduces the paper's recovery errors for the plain
    and the masked objective. On real data, pass ``dict_init`` built from signals held out of
    ``X``.

    References
    ----------
    M. Chidambaram, C. Wu, Y. Cheng, R. Ge, "Hiding Data Helps: On the Benefits of Masking for
    Sparse Coding", ICML 2023, arXiv:2302.12715.

    Examples
    --------
    >>> from sparselearn.decomposition import MaskedDictionaryLearning
    >>> from sparselearn.datasets import make_planted_dictionary
    >>> X, D, C = make_planted_dictionary(200, 20, 10, 2, noise=0.01, unit_codes=True,
    ...                                   random_state=0)
    >>> dl = MaskedDictionaryLearning(30, n_nonzero_coefs=2, batch_size=50, max_iter=5,
    ...                               random_state=0).fit(X)
    >>> dl.components_.shape
    (30, 10)
    """

    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "n_nonzero_coefs": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "mask_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "shuffle": ["boolean"],
        "dict_init": ["array-like", None],
        "init": [StrOptions({"data", "random"})],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
        "callback": [callable, None],
        **TRANSFORM_CONSTRAINTS,
    }

    def __init__(self, n_components=None, *, n_nonzero_coefs=None, mask_size=None, batch_size=200,
                 max_iter=500, learning_rate=1e-3, shuffle=True, dict_init=None, init="data",
                 transform_algorithm="omp", transform_n_nonzero_coefs=None, transform_alpha=None,
                 transform_penalty="l1", transform_max_iter=1000, positive_code=False,
                 split_sign=False, verbose=0, random_state=None, n_jobs=None,
                 callback=None):
        self.n_components = n_components
        self.n_nonzero_coefs = n_nonzero_coefs
        self.mask_size = mask_size
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.shuffle = shuffle
        self.dict_init = dict_init
        self.init = init
        self.transform_algorithm = transform_algorithm
        self.transform_n_nonzero_coefs = transform_n_nonzero_coefs
        self.transform_alpha = transform_alpha
        self.transform_penalty = transform_penalty
        self.transform_max_iter = transform_max_iter
        self.positive_code = positive_code
        self.split_sign = split_sign
        self.verbose = verbose
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.callback = callback

    def _transform_n_nonzero_coefs(self, dictionary):
        n_nonzero = self.transform_n_nonzero_coefs
        if n_nonzero is None and self.transform_algorithm in ("omp", "mp", "iht", "topk", "lars"):
            n_nonzero = min(self.n_nonzero_coefs_, dictionary.shape[0], dictionary.shape[1])
        return n_nonzero

    def _fit(self, Xd):
        n_samples, n_features = Xd.shape
        n_components = self.n_components or n_features
        if self.mask_size is None:
            mask_size = max(round(0.9 * n_features), self.n_nonzero_coefs or 1, 1)
            mask_size = min(mask_size, n_features)
        else:
            mask_size = self.mask_size
        if mask_size > n_features:
            raise ValueError(f"mask_size={mask_size} exceeds n_features={n_features}.")
        k = self.n_nonzero_coefs
        if k is None:
            k = min(5, mask_size, n_components)
        if k > mask_size or k > n_components:
            raise ValueError(f"n_nonzero_coefs={k} exceeds mask_size={mask_size} or "
                             f"n_components={n_components}.")
        rng = check_random_state(self.random_state)
        D = initial_dictionary(Xd, n_components, self.dict_init, self.init, rng)
        with numba_threads(self.n_jobs), Progress("MaskedDictionaryLearning", self.verbose,
                                                  self.max_iter, self.callback,
                                                  "epoch") as progress:
            losses, n_steps = _dict_learning.masked_dict_learning(
                Xd, D, k, mask_size, min(self.batch_size, n_samples), self.max_iter,
                self.learning_rate, self.shuffle, rng, progress=progress)
        self.components_ = D
        self.n_nonzero_coefs_ = k
        self.mask_size_ = mask_size
        self.loss_ = losses
        self.n_iter_ = len(losses)
        self.n_steps_ = n_steps
        return self
