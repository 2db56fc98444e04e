"""Entropic optimal transport solvers: log-domain Sinkhorn and Sinkhorn-Newton-Sparse."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from .._core import sns as _sns_core
from .._core import sinkhorn as _sinkhorn_core
from .._progress import Progress
from ._validation import _check_cost, _check_problem, _real_array

__all__ = ["sinkhorn", "sinkhorn2", "sinkhorn_newton_sparse"]

# POT's method names: each one with the same solution (the entropic plan of the same problem)
# runs our log-domain Sinkhorn; "sns" runs Sinkhorn-Newton-Sparse. POT's other methods solve
# something else or with a different (unimplemented) scheme and are refused by name.
_SINKHORN_METHODS = ("sinkhorn", "sinkhorn_log", "sinkhorn_stabilized", "sinkhorn_epsilon_scaling")
_SNS_METHODS = ("sns", "sinkhorn_newton_sparse")
# sinkhorn2 in POT accepts only these (it raises for greenkhorn and epsilon scaling)
_SINKHORN2_METHODS = ("sinkhorn", "sinkhorn_log", "sinkhorn_stabilized") + _SNS_METHODS
_POT_UNIMPLEMENTED = ("greenkhorn", "screenkhorn")
# keyword arguments POT's Sinkhorn variants take that tune their own numerics (absorption
# threshold, printing, inner loops of epsilon scaling): accepted and without effect here
_POT_TUNING_KWARGS = frozenset(
    {"tau", "print_period", "epsilon0", "numInnerItermax", "stopInnerThr", "scaling_base",
     "scaling_coef"}
)

# reg annealing of SNS: first stage at _REG_INIT_FACTOR (max M - min M), stages a factor of at
# most _STAGE_RATIO apart, intermediate stages stopped at _STAGE_TOL times the mass, later
# stages opened by _STAGE_SINKHORN Sinkhorn iterations (measured on grids and point clouds at
# reg 3e-4 to 1e-2: a ratio of 4 let CG stall at the last stage on the W1 grid)
_REG_INIT_FACTOR = 3e-2
_STAGE_RATIO = 3.0
_STAGE_TOL = 1e-2
_STAGE_SINKHORN = 5

# auto method (see _auto_start): SNS at once below _AUTO_SNS_BELOW * (max M - min M);
# otherwise Sinkhorn, switching to SNS when the extrapolated remaining Sinkhorn iterations
# exceed SNS's cost in Sinkhorn iterations (_AUTO_STAGE_COST per annealing stage), checked
# from iteration _AUTO_CHECK_FROM on
_AUTO_SNS_BELOW = 2e-3
_AUTO_STAGE_COST = 120.0
_AUTO_MARGIN = 2.0  # switch when the extrapolation exceeds twice SNS's cost (it is noisy)
_AUTO_CHECK_FROM = 40

_COMMON_PARAMS = {
    "a": ["array-like", None],
    "b": ["array-like", None],
    "M": ["array-like"],
    "reg": [Interval(Real, 0, None, closed="neither")],
    "numItermax": [Interval(Integral, 1, None, closed="left")],
    "stopThr": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "log": ["boolean"],
    "warn": ["boolean"],
    "warmstart": [tuple, list, None],
    "tol": [Interval(Real, 0, None, closed="left"), None],
    "max_iter": [Interval(Integral, 1, None, closed="left"), None],
    "return_log": ["boolean"],
}
_METHOD_PARAM = {"method": [str]}


@validate_params({**_COMMON_PARAMS, **_METHOD_PARAM}, prefer_skip_nested_validation=True)
def sinkhorn(
    a,
    b,
    M,
    reg,
    method="sinkhorn",
    numItermax=1000,
    stopThr=1e-9,
    verbose=False,
    log=False,
    warn=True,
    warmstart=None,
    *,
    tol=None,
    max_iter=None,
    return_log=False,
    **kwargs,
):
    r"""Entropic optimal transport by stabilized (absorbing) Sinkhorn iterations.

    Solves

    .. math::

        \min_{P \ge 0,\; P 1 = a,\; P^T 1 = b} \langle M, P \rangle
        + \mathrm{reg} \sum_{ij} P_{ij} \log P_{ij}

    through its dual: :math:`P_{ij} = \exp\big((u_i + v_j - M_{ij}) / \mathrm{reg}\big)`, with
    :math:`u` then :math:`v` made exact in turn (the log-domain Sinkhorn iterates). They are run
    as scalings of an absorbed kernel, so no kernel :math:`\exp(-M / \mathrm{reg})` ever
    overflows or underflows: the solver stays exact down to ``reg = 1e-4 max(M)`` and below.

    A drop-in for POT's :func:`ot.sinkhorn`: same positional order, keyword names, defaults,
    method names, 2-D ``b`` and log keys (see Notes for what differs).

    Parameters
    ----------
    a : array-like of shape (n,) or None
        Source weights, non-negative. ``None`` or an empty list means uniform ``1 / n``.
    b : array-like of shape (m,) or (m, k), or None
        Target weights, non-negative, with the same total mass as ``a`` (relative mismatch
        up to 1e-6 is rescaled away). ``None`` or an empty list means uniform. A 2-D ``b``
        holds ``k`` target histograms: each column is solved against ``a`` and, as in POT,
        the result is the vector of the ``k`` transport costs ``<M, P_k>``, not the plans.
    M : array-like of shape (n, m)
        Finite cost matrix.
    reg : float
        Entropic regularization (POT's epsilon), ``> 0``.
    method : str, default="sinkhorn"
        POT's ``"sinkhorn"``, ``"sinkhorn_log"``, ``"sinkhorn_stabilized"`` and
        ``"sinkhorn_epsilon_scaling"`` all compute the same entropic plan and run the
        stabilized log-domain Sinkhorn below; ``"sns"`` (or ``"sinkhorn_newton_sparse"``) runs
        :func:`sinkhorn_newton_sparse` with its defaults; ``"auto"`` chooses between the two
        (rule in Notes; the log's ``method`` key names the solver that finished). The
        default stays POT's ``"sinkhorn"``: a POT user gets the iterates, iteration count,
        log schedule and warnings of the method POT's signature names; :func:`wasserstein_distance`
        and :class:`SinkhornTransport` default to ``"auto"``. POT's ``"greenkhorn"`` and
        ``"screenkhorn"`` are not implemented (ValueError naming ``method``).
    numItermax : int, default=1000
        Maximum number of iterations (one iteration updates both potentials).
    stopThr : float, default=1e-9
        Stop when the marginal error ``||P 1 - a||_1 + ||P^T 1 - b||_1`` is below ``stopThr``.
    verbose : bool or int, default=False
        Print a summary of the run (POT's ``verbose=True``); 2 also a line per reg annealing
        stage of SNS. With tqdm, a run longer than a few seconds also shows a bar over the
        stages (see :ref:`progress`).
    log : bool, default=False
        Also return POT's log dict (keys in Returns).
    warn : bool, default=True
        Warn (ConvergenceWarning, a UserWarning) when the iteration cap is reached before
        ``stopThr``.
    warmstart : tuple of two arrays or None, default=None
        POT's warm start ``(log_u, log_v)``: initial dual potentials divided by ``reg``,
        of shapes ``(n,)`` and ``(m,)`` (``(n, k)`` and ``(m, k)``, or a list of ``k`` pairs,
        for a 2-D ``b``).
    tol : float or None, default=None
        sparselearn's name for ``stopThr``; overrides it when given.
    max_iter : int or None, default=None
        sparselearn's name for ``numItermax``; overrides it when given.
    return_log : bool, default=False
        Also return sparselearn's log dict (keys in Returns). Only for a 1-D ``b``.
    **kwargs : dict
        Tuning options of POT's variants (``tau``, ``print_period``, ``epsilon0``,
        ``numInnerItermax``, ``stopInnerThr``, ``scaling_base``, ``scaling_coef``): accepted
        for compatibility, without effect (the solver absorbs its scalings on its own).
        Any other name raises TypeError.

    Returns
    -------
    P : ndarray of shape (n, m), or ndarray of shape (k,) for a 2-D ``b``
        Transport plan, in the dtype of ``M`` when it is float32 or float64; for a 2-D
        ``b``, the transport costs ``<M, P_k>`` of the ``k`` plans.
    log : dict
        With ``log=True`` (POT's keys): ``niter`` (POT's count: index of the last
        iteration, ``n_iter - 1``), ``err`` (marginal error at iterations 1, 11, 21, ...:
        POT's schedule), ``log_u``, ``log_v`` (dual potentials divided by ``reg``),
        ``u``, ``v`` (their exponentials, the scalings of ``exp(-M / reg)``), ``alpha``,
        ``beta`` (the dual potentials themselves, POT's stabilized names), plus ``n_iter``,
        ``dual``, ``cost`` and ``marginal_error`` as below. For a 2-D ``b`` the
        potentials are stacked as columns and ``niter``, ``n_iter`` hold one entry per
        column, ``err`` one array per column. With ``return_log=True`` (sparselearn's keys):
        ``n_iter``; ``err`` (marginal error after each iteration); ``dual`` (dual objective
        after each iteration); ``u``, ``v`` (dual potentials, ``-inf`` on zero-weight
        points); ``cost`` (``<M, P>``); ``marginal_error`` (recomputed from ``P``);
        ``n_absorb`` (kernel re-exponentiations); ``method`` (the solver that finished:
        ``"sinkhorn"`` or ``"sns"``).

    Warns
    -----
    ConvergenceWarning
        When the marginal error is still above ``stopThr`` after ``numItermax`` iterations
        (unless ``warn=False``).

    See Also
    --------
    sinkhorn_newton_sparse : the same problem with Newton acceleration.

    Notes
    -----
    Stabilized scaling (Schmitzer's absorption, [2]_): the plan is kept as
    :math:`\operatorname{diag}(s) K \operatorname{diag}(t)` around an anchor
    :math:`K = e^{(u_0 + v_0 - M) / \mathrm{reg}}`. One iteration is a single pass over
    :math:`K` that computes :math:`K t` (hence the row marginal error of the current plan and
    the new :math:`s = a / K t`) and :math:`K^T s`, then :math:`t = b / K^T s`: no exponential.
    After the ``v`` update the column marginal is exact, so the stopping error is the row
    error, obtained in the same pass. When a scaling leaves :math:`[e^{-100}, e^{100}]` (or a
    row or column of :math:`K` underflows), the scalings are absorbed into ``u0, v0`` and the failed
    half-update is done in the log domain, fused with the re-exponentiation of ``K`` (one
    exponential per entry); the iterates are those of log-domain Sinkhorn. The passes run on
    one thread (memory-bound passes over the plan; the result does not depend on the number
    of threads).

    ``method="auto"``: when ``reg < 2e-3 (max(M) - min(M))`` Sinkhorn would need thousands of
    iterations and SNS runs at once (with its reg annealing). Otherwise Sinkhorn runs, and
    from iteration 40 on, after each iteration, the iterations it still needs are
    extrapolated from its contraction rate over the last half of the run,
    :math:`\log(\mathrm{tol} / e_k) / \log\big((e_k / e_{k-w})^{1/w}\big)`
    (:math:`e` the running minimum of the
    marginal errors); as soon as that exceeds twice the cost of SNS in Sinkhorn iterations
    (120 per annealing stage, measured on point clouds, 1-D and L1 costs with n = 500 to
    2000), SNS takes over from the current potentials (each stage opened by 5 Sinkhorn
    iterations). Both parts count in ``n_iter`` and ``max_iter``; the
    log's ``method`` is ``"sinkhorn"`` or ``"sns"``. Everything the rule uses is known
    before the solve or read off the error history, so a problem Sinkhorn solves quickly
    never pays for Newton steps.

    Differences from POT: the stopping rule is the L1 marginal error of both marginals, checked
    every iteration (POT: the L2 error of one marginal, every 10 iterations), so a run stops
    no later than POT's criterion allows; ``reg = 0`` and non-finite inputs are refused with a
    ValueError (POT warns of numerical errors); the result is a NumPy array (no torch / jax /
    tensorflow backends).

    References
    ----------
    .. [1] M. Cuturi, "Sinkhorn distances: lightspeed computation of optimal transport",
       NeurIPS 2013.
    .. [2] B. Schmitzer, "Stabilized sparse scaling algorithms for entropy regularized
       transport problems", SIAM J. Sci. Comput. 41(3), 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.ot import sinkhorn
    >>> M = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> P = sinkhorn([0.5, 0.5], [0.5, 0.5], M, reg=0.1)
    >>> np.round(P, 4)
    array([[0.5, 0. ],
           [0. , 0.5]])
    """
    return _pot_front(
        a, b, M, reg, method, numItermax, stopThr, verbose, log, warn, warmstart, tol,
        max_iter, return_log, kwargs, "sinkhorn", _SINKHORN_METHODS + _SNS_METHODS, False,
    )


@validate_params({**_COMMON_PARAMS, **_METHOD_PARAM}, prefer_skip_nested_validation=True)
def sinkhorn2(
    a,
    b,
    M,
    reg,
    method="sinkhorn",
    numItermax=1000,
    stopThr=1e-9,
    verbose=False,
    log=False,
    warn=False,
    warmstart=None,
    *,
    tol=None,
    max_iter=None,
    return_log=False,
    **kwargs,
):
    r"""Transport cost of the entropic plan, POT's ``ot.sinkhorn2``.

    Solves the problem of :func:`sinkhorn` and returns ``<M, P>`` (POT's loss: the linear
    cost of the entropic plan, without the entropy term).

    Parameters
    ----------
    a : array-like of shape (n,) or None
        Source weights; ``None`` or an empty list means uniform.
    b : array-like of shape (m,) or (m, k), or None
        Target weights (``k`` histograms as columns give ``k`` costs); ``None`` or an empty
        list means uniform.
    M : array-like of shape (n, m)
        Finite cost matrix.
    reg : float
        Entropic regularization, ``> 0``.
    method : str, default="sinkhorn"
        ``"sinkhorn"``, ``"sinkhorn_log"``, ``"sinkhorn_stabilized"`` (the log-domain
        Sinkhorn of :func:`sinkhorn`), ``"sns"`` (Sinkhorn-Newton-Sparse) or ``"auto"`` (the
        rule of :func:`sinkhorn`). As in POT,
        ``"sinkhorn_epsilon_scaling"`` and ``"greenkhorn"`` are refused here (ValueError).
    numItermax : int, default=1000
        Maximum number of iterations.
    stopThr : float, default=1e-9
        Marginal-error tolerance (see :func:`sinkhorn`).
    verbose : bool or int, default=False
        Print a summary of the run (POT's ``verbose=True``); 2 also a line per reg annealing
        stage of SNS. With tqdm, a run longer than a few seconds also shows a bar over the
        stages (see :ref:`progress`).
    log : bool, default=False
        Also return POT's log dict (see :func:`sinkhorn`).
    warn : bool, default=False
        Warn when the iteration cap is reached (POT's default for ``sinkhorn2`` is off).
    warmstart : tuple of two arrays or None, default=None
        Initial ``(log_u, log_v)`` (see :func:`sinkhorn`).
    tol : float or None, default=None
        sparselearn's name for ``stopThr``.
    max_iter : int or None, default=None
        sparselearn's name for ``numItermax``.
    return_log : bool, default=False
        Also return sparselearn's log dict (see :func:`sinkhorn`).
    **kwargs : dict
        POT's tuning options, accepted without effect (see :func:`sinkhorn`).

    Returns
    -------
    cost : float or ndarray of shape (k,)
        ``<M, P>`` in the dtype of ``M`` (float32 or float64), one value per column of a
        2-D ``b``.
    log : dict
        Only with ``log=True`` or ``return_log=True``.

    See Also
    --------
    sinkhorn : the plan itself.
    transport_cost : ``<M, P>`` of a given plan.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.ot import sinkhorn2
    >>> M = np.array([[0.0, 1.0], [1.0, 0.0]])
    >>> round(float(sinkhorn2([0.5, 0.5], [0.5, 0.5], M, 0.1)), 4)
    0.0
    """
    return _pot_front(
        a, b, M, reg, method, numItermax, stopThr, verbose, log, warn, warmstart, tol,
        max_iter, return_log, kwargs, "sinkhorn2", _SINKHORN2_METHODS, True,
    )


@validate_params(
    {
        **_COMMON_PARAMS,
        "n_sinkhorn_iter": [Interval(Integral, 0, None, closed="left")],
        "sparsity": [Interval(Real, 0, 1, closed="right"), None],
        "max_cg_iter": [Interval(Integral, 1, None, closed="left"), None],
        "reg_init": [StrOptions({"auto"}), Interval(Real, 0, None, closed="neither"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "numItermax": [Interval(Integral, 1, None, closed="left"), None],
        "stopThr": [Interval(Real, 0, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def sinkhorn_newton_sparse(
    a,
    b,
    M,
    reg,
    tol=1e-9,
    max_iter=1000,
    n_sinkhorn_iter=20,
    sparsity=None,
    max_cg_iter=None,
    reg_init="auto",
    return_log=False,
    verbose=0,
    *,
    numItermax=None,
    stopThr=None,
    log=False,
    warn=True,
    warmstart=None,
):
    r"""Entropic optimal transport by Sinkhorn-Newton-Sparse (SNS, Tang et al., 2024).

    Same problem and output as :func:`sinkhorn`:

    .. math::

        \min_{P \ge 0,\; P 1 = a,\; P^T 1 = b} \langle M, P \rangle
        + \mathrm{reg} \sum_{ij} P_{ij} \log P_{ij},

    solved by maximizing the concave dual (Lyapunov potential)

    .. math::

        D(u, v) = \langle a, u \rangle + \langle b, v \rangle
        - \mathrm{reg} \sum_{ij} e^{(u_i + v_j - M_{ij}) / \mathrm{reg}} + \mathrm{reg}.

    Stage 1 runs ``n_sinkhorn_iter`` Sinkhorn iterations (:func:`sinkhorn`). Stage 2 takes
    Newton steps on ``D``: the Hessian ``-(1/reg) [[diag(P 1), P], [P^T, diag(P^T 1)]]`` keeps
    its exact diagonal and only the largest entries of ``P`` off it (the paper's rule: the
    ``ceil(sparsity n m)`` largest), the Newton system is solved by preconditioned conjugate
    gradient, and a backtracking line search accepts the first step that lowers the marginal
    error without lowering ``D``, so the dual increases monotonically.

    Parameters
    ----------
    a : array-like of shape (n,) or None
        Source weights, non-negative; ``None`` or an empty list means uniform.
    b : array-like of shape (m,) or None
        Target weights, non-negative, with the same total mass as ``a``.
    M : array-like of shape (n, m)
        Finite cost matrix.
    reg : float
        Entropic regularization (POT's epsilon, the paper's ``1 / eta``), ``> 0``.
    tol : float, default=1e-9
        Stop when ``||P 1 - a||_1 + ||P^T 1 - b||_1 < tol``.
    max_iter : int, default=1000
        Maximum number of iterations, Sinkhorn warm-up and Newton steps together (the paper's
        count).
    n_sinkhorn_iter : int, default=20
        Sinkhorn warm-up iterations before the Newton stage (the paper's ``N1``).
    sparsity : float in (0, 1] or None, default=None
        Fraction of plan entries kept in the sparsified Hessian (the paper's ``lambda``);
        ``None`` means ``2 / min(n, m)``, i.e. about two entries per row. A full Newton step
        that keeps more than a quarter of the error, or a direction the line search rejects,
        doubles (quadruples) it; from 1/4 on, the exact Hessian is applied matrix-free.
    max_cg_iter : int or None, default=None
        Conjugate-gradient iterations per Newton step; ``None`` means ``n + m``.
    reg_init : "auto", float or None, default="auto"
        Start of the reg annealing (epsilon scaling). When ``reg < reg_init``, SNS first
        solves the problem at ``reg_init`` and then at regularizations decreasing
        geometrically by a factor of at most 3 down to ``reg``, each stage warm-started from
        the previous potentials and stopped at marginal error ``1e-2`` (relative to the
        mass); only the last stage, at ``reg``, runs to ``tol``. ``"auto"`` means
        ``3e-2 (max(M) - min(M))``; ``None`` turns the annealing off.
    return_log : bool, default=False
        Also return a dict with the iteration record.
    verbose : int, default=0
        Print a summary of both stages; 2 also a line per reg annealing stage. With tqdm, a run
        longer than a few seconds also shows a bar over the stages (see :ref:`progress`).
    numItermax : int or None, default=None
        POT's name for ``max_iter``; overrides it when given.
    stopThr : float or None, default=None
        POT's name for ``tol``; overrides it when given.
    log : bool, default=False
        Also return the log with POT's keys (``niter``, ``err``, ``log_u``, ``log_v``, ``u``,
        ``v``, ``alpha``, ``beta``, as in :func:`sinkhorn`) besides the SNS record.
    warn : bool, default=True
        Warn when the iteration cap is reached before the tolerance.
    warmstart : tuple of two arrays or None, default=None
        Initial dual potentials divided by ``reg``, ``(log_u, log_v)`` (POT's warm start).

    Returns
    -------
    P : ndarray of shape (n, m)
        Transport plan, in the dtype of ``M`` when it is float32 or float64.
    log : dict
        Only with ``return_log=True``. The keys of :func:`sinkhorn` (``n_iter``, ``err``,
        ``dual``, ``u``, ``v``, ``cost``, ``marginal_error``) plus ``n_sinkhorn`` (warm-up and
        fallback Sinkhorn iterations), ``n_newton``, ``n_cg``, ``n_fallback`` (Newton
        directions replaced by a Sinkhorn iteration), ``n_direct`` (Newton directions from the
        dense factorization), ``n_trials`` (line-search trials, one pass over the plan
        each), ``n_reanchor`` (kernel re-exponentiations inside the Newton stages, one
        exponential pass each), ``sparsity`` (final density), ``nnz`` (entries of the last
        sparsified Hessian), ``reg_stages`` (the regularization of each annealing stage, the
        last one ``reg``) and ``stage_iter`` (iterations of each stage). ``n_iter``, ``err``
        and ``dual`` cover all stages; ``err`` and ``dual`` are measured at each stage's own
        regularization, so ``dual`` increases within a stage.

    Warns
    -----
    ConvergenceWarning
        When the marginal error is still above ``tol`` after ``max_iter`` iterations.

    See Also
    --------
    sinkhorn : plain log-domain Sinkhorn.

    Notes
    -----
    Per Newton step: one pass to sparsify the plan (the threshold is the order statistic of a
    fixed sample of 32768 entries), CG products with the sparse Hessian (``O(nnz)``), and one
    pass over the plan per line-search trial. The plan is kept as
    :math:`\operatorname{diag}(e^{(u - u_0)/\mathrm{reg}}) K \operatorname{diag}(e^{(v - v_0)/
    \mathrm{reg}})` around an anchor :math:`K` that is re-exponentiated only when a scaling
    exceeds :math:`e^{100}`. CG stops at relative residual ``min(0.1, max(1e-2, sqrt(err)))``
    (the sparsified Hessian limits a step to a linear error reduction anyway); the
    right-hand side and the direction are projected off the Hessian's null direction
    ``(1, -1)`` (a constant moved from ``u`` to ``v``). On near-degenerate problems (e.g.
    random assignment costs at small ``reg``: the plan is close to a permutation, its support
    splits into weakly linked blocks and the Jacobi-scaled Hessian has eigenvalues ~1e-10) CG
    loses orthogonality and does not reach its tolerance in ``max_cg_iter`` steps; when
    ``n + m <= 1200`` the solver then switches to exact Newton directions from a dense LU
    factorization of the Jacobi-scaled Hessian (one potential pinned, ridge 1e-13),
    ``O((n + m)^3)`` per step. If an exact direction fails the line search (float64
    round-off near ``err ~ 1e-13``), one Sinkhorn iteration is taken instead.

    Reg annealing: far from the optimum at small ``reg`` the Newton steps are heavily damped
    (and CG stalls), most of all on costs whose transport LP has many optimal plans (W1, i.e.
    Euclidean-distance costs): there annealing saves most of the iterations and most dense
    Newton solves. On point clouds, where plain SNS does not stall, it costs some time;
    ``reg_init=None`` turns it off. Counted iterations include every stage. The paper itself
    runs a longer Sinkhorn warm-up (``N1 = 700``) for W1 costs instead. Measured figures are
    in the benchmarks page of the documentation.

    References
    ----------
    .. [1] X. Tang, M. Shavlovsky, H. Rahmanian, E. Tardini, K. K. Thekumparampil, T. Xiao,
       L. Ying, "Accelerating Sinkhorn algorithm with sparse Newton iterations", ICLR 2024,
       arXiv:2401.12253.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.ot import sinkhorn_newton_sparse
    >>> rng = np.random.default_rng(0)
    >>> M = rng.random((50, 40))
    >>> P, log = sinkhorn_newton_sparse(None, None, M, reg=1e-3, return_log=True)
    >>> bool(log["marginal_error"] < 1e-9), log["n_iter"] < 100
    (True, True)
    """
    tol = tol if stopThr is None else stopThr
    max_iter = max_iter if numItermax is None else numItermax
    _check_both_logs(log, return_log)
    result = _solve(
        a,
        b,
        M,
        reg,
        "sns",
        tol,
        max_iter,
        return_log or log,
        verbose,
        n_sinkhorn_iter=n_sinkhorn_iter,
        sparsity=sparsity,
        max_cg_iter=max_cg_iter,
        reg_init=reg_init,
        warn=warn,
        warmstart=_check_warmstart(warmstart, None, None),
    )
    if log:
        return result[0], _pot_log(result[1], reg)
    return result


# ---------------------------------------------------------------------------------------------
# POT front end: argument names, methods, 2-D b, POT's log
# ---------------------------------------------------------------------------------------------


def _check_both_logs(log, return_log):
    if log and return_log:
        raise ValueError(
            "log=True (POT's log keys) and return_log=True (sparselearn's keys) are exclusive; "
            "pass only one of them."
        )


def _check_method(method, allowed, caller):
    name = method.lower()
    if name == "auto":
        return "auto"
    if name in allowed:
        return "sns" if name in _SNS_METHODS else "sinkhorn"
    if name in _POT_UNIMPLEMENTED or name in _SINKHORN_METHODS:
        raise ValueError(
            f"method={method!r} is not available in sparselearn.ot.{caller}; use one of "
            f"{sorted(allowed + ('auto',))}."
        )
    raise ValueError(
        f"Unknown method={method!r} for {caller}; use one of {sorted(allowed + ('auto',))}."
    )


def _check_warmstart(warmstart, column, n_columns):
    """``(log_u, log_v)`` of one problem (column ``column`` of a 2-D ``b``) or None."""
    if warmstart is None:
        return None
    if n_columns is not None and isinstance(warmstart, list) and len(warmstart) == n_columns:
        warmstart = warmstart[column]  # POT's sinkhorn_log: one pair per histogram
        if warmstart is None:
            return None
    if len(warmstart) != 2:
        raise ValueError("warmstart must be a pair (log_u, log_v) of arrays.")
    pair = []
    for name, w in zip(("warmstart[0]", "warmstart[1]"), warmstart):
        w = _real_array(w, name, "an array")
        if column is not None and w.ndim == 2:
            w = w[:, column]
        if w.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {w.shape}.")
        pair.append(w)
    return tuple(pair)


def _pot_log(log, reg):
    """POT's log keys from sparselearn's record (potentials ``u``, ``v`` of ``_solve``)."""
    f, g = log["u"], log["v"]
    out = {
        "niter": log["n_iter"] - 1,
        "err": log["err"][::10].copy(),
        "log_u": f / reg,
        "log_v": g / reg,
        "u": np.exp(f / reg),
        "v": np.exp(g / reg),
        "alpha": f,
        "beta": g,
    }
    for key in ("n_iter", "dual", "cost", "marginal_error", "method"):
        out[key] = log[key]
    return out


def _pot_front(a, b, M, reg, method, numItermax, stopThr, verbose, log, warn, warmstart, tol,
               max_iter, return_log, kwargs, caller, allowed, cost_only):
    """Shared body of ``sinkhorn`` and ``sinkhorn2``: names, method, 1-D or 2-D ``b``."""
    unknown = sorted(set(kwargs) - _POT_TUNING_KWARGS)
    if unknown:
        raise TypeError(f"{caller}() got an unexpected keyword argument {unknown[0]!r}")
    solver = _check_method(method, allowed, caller)
    _check_both_logs(log, return_log)
    tol = stopThr if tol is None else tol
    max_iter = numItermax if max_iter is None else max_iter
    want_log = log or return_log
    out_dtype = _out_dtype(M)
    try:
        b_arr = None if b is None else np.asarray(b)
    except (TypeError, ValueError):  # ragged nested lists
        raise ValueError("b must be a 1-D or 2-D array of non-negative weights.") from None
    if b_arr is not None and b_arr.ndim == 2 and not (return_log and 1 in b_arr.shape):
        if return_log:
            raise ValueError(
                "return_log=True needs a 1-D b; use log=True for several target histograms."
            )
        return _solve_columns(a, b_arr, M, reg, solver, tol, max_iter, verbose, log, warn,
                              warmstart, out_dtype)
    P, record = _solve(a, b, M, reg, solver, tol, max_iter, True, verbose, warn=warn,
                       warmstart=_check_warmstart(warmstart, None, None))
    if log:
        record = _pot_log(record, reg)
    value = out_dtype.type(record["cost"]) if cost_only else P
    return (value, record) if want_log else value


def _solve_columns(a, B, M, reg, solver, tol, max_iter, verbose, log, warn, warmstart,
                   out_dtype):
    """POT's 2-D ``b``: one problem per column; the costs ``<M, P_k>`` (and a stacked log)."""
    B = _real_array(B, "b", "an array of non-negative weights")
    if not np.all(np.isfinite(B)):
        raise ValueError("b contains NaN or infinity.")
    if np.any(B < 0):
        raise ValueError("b must be non-negative; it has negative entries.")
    M = _check_cost(M)
    if B.shape[0] != M.shape[1]:
        raise ValueError(
            f"b has {B.shape[0]} rows but M has {M.shape[1]} columns; a 2-D b must have "
            "shape (M.shape[1], n_histograms)."
        )
    n_hist = B.shape[1]
    costs = np.empty(n_hist)
    records = []
    for k in range(n_hist):
        P, record = _solve(a, B[:, k], M, reg, solver, tol, max_iter, True, verbose, warn=warn,
                           warmstart=_check_warmstart(warmstart, k, n_hist))
        costs[k] = record["cost"]
        records.append(_pot_log(record, reg))
    costs = costs.astype(out_dtype)
    if not log:
        return costs
    stacked = {key: np.stack([r[key] for r in records], axis=1)
               for key in ("log_u", "log_v", "u", "v", "alpha", "beta")}
    stacked["niter"] = np.array([r["niter"] for r in records])
    stacked["n_iter"] = np.array([r["n_iter"] for r in records])
    stacked["err"] = [r["err"] for r in records]
    stacked["cost"] = costs.astype(np.float64)
    stacked["marginal_error"] = np.array([r["marginal_error"] for r in records])
    return costs, stacked


def _out_dtype(M):
    dtype = np.asarray(M).dtype if hasattr(M, "dtype") else np.dtype(np.float64)
    return dtype if dtype in (np.float32, np.float64) else np.dtype(np.float64)


# ---------------------------------------------------------------------------------------------
# private core shared by the functions and SinkhornTransport
# ---------------------------------------------------------------------------------------------


def _solve(
    a,
    b,
    M,
    reg,
    method,
    tol,
    max_iter,
    return_log,
    verbose,
    n_sinkhorn_iter=20,
    sparsity=None,
    max_cg_iter=None,
    reg_init="auto",
    check_input=True,
    warn=True,
    warmstart=None,
    callback=None,
    summary_level=1,
    label=None,
):
    """Validate, restrict to the support of (a, b), run a kernel, embed the result back.

    ``verbose`` and ``callback`` follow :mod:`sparselearn._progress` with one update per reg
    annealing stage of SNS (the Newton iterations of a stage run in one compiled kernel) and
    one for a plain Sinkhorn solve; the one-line summary prints at ``verbose >= summary_level``
    (1 for POT's functions, whose ``verbose=True`` prints it, 2 for the estimator); ``label``
    names the lines (default: the function's name).

    With ``check_input=False`` the cost may hold ``+inf`` (forbidden pairs, as
    :class:`SinkhornTransport` builds from labels): those plan entries are exactly zero.
    """
    out_dtype = _out_dtype(M)
    if check_input:
        a, b, M = _check_problem(a, b, M)
    n, m = M.shape
    rows = np.flatnonzero(a > 0)
    cols = np.flatnonzero(b > 0)
    full_support = rows.size == n and cols.size == m
    M_sub = M if full_support else np.ascontiguousarray(M[np.ix_(rows, cols)])
    a_sub, b_sub = a[rows], b[cols]
    n_sub, m_sub = M_sub.shape

    f = np.zeros(n_sub)
    g = np.zeros(m_sub)
    if warmstart is not None:
        log_u, log_v = warmstart
        if log_u.shape[0] != n or log_v.shape[0] != m:
            raise ValueError(
                f"warmstart must hold arrays of lengths {n} and {m} (the shape of M), got "
                f"{log_u.shape[0]} and {log_v.shape[0]}."
            )
        f[:], g[:] = reg * log_u[rows], reg * log_v[cols]
        if not (np.all(np.isfinite(f)) and np.all(np.isfinite(g))):
            raise ValueError("warmstart must be finite on the points of positive weight.")
    err_hist = np.empty(max_iter + 2)
    dual_hist = np.empty(max_iter + 2)
    info = np.zeros(_sns_core.INFO_SIZE, dtype=np.int64)
    n_pre = 0  # Sinkhorn iterations of the auto method before it switched to SNS
    switch_cost = np.inf
    if method == "auto":
        method, switch_cost = _auto_start(float(reg), M_sub, reg_init)
    if method == "sinkhorn":
        # the plan is left as diag(u) K diag(v) around the last anchor: no final exponential
        workspace = np.empty((n_sub, m_sub))
        u_scale, v_scale = np.empty(n_sub), np.empty(m_sub)
        n_iter, err, n_absorb = _sinkhorn_core.scaling_iterations(
            M_sub, a_sub, b_sub, float(reg), f, g, float(tol), int(max_iter), err_hist,
            dual_hist, 0, workspace, switch_cost, _AUTO_CHECK_FROM, u_scale, v_scale,
        )
        f += reg * np.log(u_scale)
        g += reg * np.log(v_scale)
        if not err < tol and n_iter < max_iter:  # auto: the contraction rate asks for Newton
            method, n_sinkhorn_iter, n_pre = "sns", _STAGE_SINKHORN, n_iter
        else:
            _sinkhorn_core.scale_plan(workspace, u_scale, v_scale)
            info[_sns_core.INFO_N_ITER] = n_iter
            info[_sns_core.INFO_N_SINKHORN] = n_iter
            density = None
    if label is None:
        label = "sinkhorn" if method == "sinkhorn" else "sinkhorn_newton_sparse"
    progress = Progress(label, verbose, None, callback, "stage")
    if method == "sinkhorn":
        progress.update(line=f"{n_iter} iterations, marginal error {err:.3e}",
                        state={"reg": float(reg), "n_iter": n_iter, "f": f, "g": g},
                        marginal_error=err)
    if method == "sns":
        n_absorb = 0
        density0 = 2.0 / min(n_sub, m_sub) if sparsity is None else float(sparsity)
        density0 = min(1.0, density0)
        cg_cap = n_sub + m_sub if max_cg_iter is None else int(max_cg_iter)
        regs = _reg_stages(float(reg), reg_init, M_sub)
        progress.set_total(len(regs))
        with progress:
            # the plan comes back in the workspace (the last stage's anchored plan)
            err, density, info, stage_iter, P_sub = _sns_core.annealed_sns(
                M_sub, a_sub, b_sub, regs, f, g, float(tol), _STAGE_TOL * float(a_sub.sum()),
                int(max_iter) - n_pre, int(n_sinkhorn_iter), _STAGE_SINKHORN, density0, cg_cap,
                err_hist[n_pre:], dual_hist[n_pre:], progress, workspace if n_pre else None)
        info[_sns_core.INFO_N_SINKHORN] += n_pre
        n_iter = n_pre + int(sum(stage_iter))
        regs = regs[: len(stage_iter)]
        if n_pre:
            regs = [float(reg)] + regs
            stage_iter = [n_pre] + stage_iter

    if method == "sinkhorn":
        P_sub = workspace
    if full_support:
        P = P_sub
        u, v = f, g
    else:
        P = np.zeros((n, m))
        P[np.ix_(rows, cols)] = P_sub
        u = np.full(n, -np.inf)
        v = np.full(m, -np.inf)
        u[rows], v[cols] = f, g
    marginal_error = float(np.abs(P.sum(axis=1) - a).sum() + np.abs(P.sum(axis=0) - b).sum())
    name = "sinkhorn" if method == "sinkhorn" else "sinkhorn_newton_sparse"
    progress.close()
    if verbose >= summary_level:
        print(
            f"{name}: {n_iter} iterations (Sinkhorn {info[_sns_core.INFO_N_SINKHORN]}, Newton "
            f"{info[_sns_core.INFO_N_NEWTON]}, CG {info[_sns_core.INFO_N_CG]}), marginal error "
            f"{marginal_error:.3e}"
        )
    if warn and not err < tol and not progress.stopped:
        warnings.warn(
            f"{name} did not converge: marginal error {marginal_error:.3e} > tol = {tol:.1e} "
            f"after {n_iter} iterations. Increase max_iter or reg, or loosen tol.",
            ConvergenceWarning,
            stacklevel=3,
        )
    P = P.astype(out_dtype, copy=False)
    if not return_log:
        return P
    with np.errstate(invalid="ignore"):  # 0 * inf on forbidden pairs, left out by where
        cost = float(np.sum(P_sub * M_sub, where=P_sub > 0))
    log = {
        "n_iter": n_iter,
        "err": err_hist[:n_iter].copy(),
        "dual": dual_hist[:n_iter].copy(),
        "u": u,
        "v": v,
        "cost": cost,
        "marginal_error": marginal_error,
        "method": method,  # the solver that ran ("sns" also after an auto switch)
    }
    if method == "sinkhorn":
        log["n_absorb"] = int(n_absorb)
    else:
        log.update(
            n_sinkhorn=int(info[_sns_core.INFO_N_SINKHORN] + info[_sns_core.INFO_N_FALLBACK]),
            n_newton=int(info[_sns_core.INFO_N_NEWTON]),
            n_cg=int(info[_sns_core.INFO_N_CG]),
            n_fallback=int(info[_sns_core.INFO_N_FALLBACK]),
            n_direct=int(info[_sns_core.INFO_N_DIRECT]),
            n_trials=int(info[_sns_core.INFO_N_TRIALS]),
            n_reanchor=int(info[_sns_core.INFO_N_REANCHOR]),
            nnz=int(info[_sns_core.INFO_NNZ]),
            sparsity=float(density),
            reg_stages=np.array(regs),
            stage_iter=np.array(stage_iter, dtype=np.int64),
        )
    return P, log


def _auto_start(reg, M, reg_init="auto"):
    """First choice of the auto method, ``(method, switch_cost)``.

    ``("sns", inf)`` when ``reg`` is below ``_AUTO_SNS_BELOW`` times the cost range (Sinkhorn
    needs thousands of iterations there). Otherwise ``("sinkhorn", switch_cost)``: Sinkhorn,
    left for (annealed) SNS once the iterations it still needs, extrapolated from its
    contraction rate, exceed ``switch_cost``: ``_AUTO_MARGIN`` times the cost of SNS in
    Sinkhorn iterations, ``_AUTO_STAGE_COST`` per annealing stage (measured, point clouds, 1-D
    and L1 costs, n = 500 to 2000: 100 to 150 Sinkhorn iterations' time per stage, warm-up,
    Newton steps and the stage's kernel exponentiation together). The margin and the first
    check at iteration 40 were chosen on the recorded error histories of 48 problems (1-D,
    point clouds, L1 costs; reg 3e-3 to 2e-2 of the range): the extrapolation of Sinkhorn's
    early, non-monotone errors misjudges otherwise.
    """
    spread = _cost_spread(M)
    if spread > 0.0 and reg < _AUTO_SNS_BELOW * spread:
        return "sns", np.inf
    return "sinkhorn", _AUTO_MARGIN * _AUTO_STAGE_COST * len(_reg_stages(reg, reg_init, M))


def _cost_spread(M):
    """``max(M) - min(M)`` over the finite costs (``+inf`` marks forbidden pairs); 0 if none."""
    low, high = float(M.min()), float(M.max())
    if np.isfinite(high):
        return high - low
    finite = M[np.isfinite(M)]
    return float(finite.max() - finite.min()) if finite.size else 0.0


def _reg_stages(reg, reg_init, M):
    """Regularizations of the annealing stages: geometric, ratio at most ``_STAGE_RATIO``,
    from ``reg_init`` down to ``reg`` (just ``[reg]`` when no annealing applies)."""
    if reg_init is None:
        return [reg]
    if isinstance(reg_init, str):  # "auto"
        spread = _cost_spread(M)
        reg_init = _REG_INIT_FACTOR * spread if spread > 0.0 else reg
    if not reg_init > reg:
        return [reg]
    n_steps = int(np.ceil(np.log(reg_init / reg) / np.log(_STAGE_RATIO) - 1e-9))
    ratio = (reg_init / reg) ** (1.0 / n_steps)
    return [reg * ratio**k for k in range(n_steps, 0, -1)] + [reg]
