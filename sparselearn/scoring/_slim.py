"""SLIMClassifier: supersparse linear integer models solved with open-source MIP solvers."""

import numbers
import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from .._progress import Progress
from . import _heuristics, _mip
from ._problem import build_problem
from ._scorecard import ScoreCard

__all__ = ["SLIMClassifier"]

_MIP_SOLVERS = ("highs", "scip", "cpsat")


class SLIMClassifier(ClassifierMixin, BaseEstimator):
    r"""Supersparse Linear Integer Model (SLIM): an optimised integer scoring system.

    SLIM (Ustun & Rudin, 2016) learns integer points ``coef_`` and an integer threshold
    ``intercept_``: a sample is predicted ``classes_[1]`` iff its total score
    ``X @ coef_ + intercept_`` is positive. The model solves

    .. math::

        \min_{\lambda \in \mathcal{L},\ \lambda_0 \in \mathbb{Z}}\
        \frac{1}{N} \sum_{i=1}^{N} w_i\, \mathbb{1}[y_i (x_i^\top \lambda + \lambda_0) \le 0]
        + C_0 \|\lambda\|_0 + C_1 \|\lambda\|_1

    (a score of exactly 0 predicts the negative class) as a mixed-integer program with
    loss indicators under tight, data-derived big-M rows, L0 indicators and a small L1
    term that makes the optimal coefficients coprime and minimal. ``C0`` is the training
    accuracy traded per feature: a feature stays only if it removes more than :math:`N C_0`
    weighted errors. ``C1`` is below :math:`\min(1/N, C_0) / \max_{\lambda} \|\lambda\|_1`
    so it only breaks ties.

    The MIP (HiGHS through :func:`scipy.optimize.milp` by default; SCIP or CP-SAT
    optionally) is seeded by heuristics that work on the exact 0-1 loss: rounded
    L1-logistic fits, then integer local search (coordinate moves and swaps, exact best
    intercept by sorting). When the number of candidate models is at most
    ``max_enumeration`` the problem is solved exactly by enumeration instead. The 0-1
    loss of the final integer model is always recomputed from its coefficients;
    ``objective_value_`` is that recomputed value.

    Parameters
    ----------
    max_coef : int, default=10
        Coefficients lie in ``{-max_coef, ..., max_coef}`` unless ``coef_set`` says
        otherwise.
    max_features : int or None, default=None
        Largest number of nonzero coefficients (the intercept is not counted). None: no
        limit beyond the number of features.
    C0 : float, default=1e-3
        Penalty per nonzero coefficient (fraction of the weighted training error): a
        feature stays only if it removes more than ``N * C0`` weighted errors. Below
        ``1 / N`` every feature that fixes a single training error enters, so the model
        fills ``max_features`` and can overfit small noisy data; the paper picks C0 from
        a small grid (about ``0.9 / (N P)`` to ``0.05``) by cross-validation, e.g. with
        :class:`~sklearn.model_selection.GridSearchCV` and ``solver="heuristic"``.
    C1 : float or None, default=None
        Penalty on ``||coef||_1``. None: ``0.5 min(w_min / N, C0) / max ||coef||_1``,
        small enough never to trade accuracy or sparsity.
    coef_set : array-like of int, dict or None, default=None
        Allowed coefficient values: one list for every feature, or a dict
        ``{feature: list}`` (feature by index or name) overriding the default range for
        some features. A set without 0 forces its feature into the model.
    intercept_bounds : (int, int) or None, default=None
        Range of the intercept. None: ``+-(max_i max_coef |x_i|_1 + 1)`` restricted to
        ``max_features`` terms, beyond which every sample gets the same label.
    class_weight : dict, "balanced" or None, default=None
        Weights of the two classes in the 0-1 loss, as in scikit-learn.
    constraints : list of dict or None, default=None
        Operational constraints, a feature by column index or name:
        ``{"type": "sign", "feature": j, "sign": +1 | -1}``;
        ``{"type": "max_fpr", "value": f}`` (training false positive rate at most f);
        ``{"type": "min_tpr", "value": t}`` (training true positive rate at least t);
        ``{"type": "at_most_one", "features": [j, k, ...]}``;
        ``{"type": "max_features_in_group", "features": [...], "k": 2}``;
        ``{"type": "linear", "coef": {j: a_j, ...}, "lb": lo, "ub": hi}`` for
        ``lo <= sum_j a_j coef_j <= hi``; and ``{"type": "cvxpy", "func": f}`` where
        ``f(coef)`` takes a cvxpy variable and returns linear cvxpy constraints on it.
        Infeasible constraints raise a ``ValueError``.
    solver : {"highs", "scip", "cpsat", "enumerate", "heuristic"}, default="highs"
        "highs": HiGHS via :func:`scipy.optimize.milp`; "scip": PySCIPOpt; "cpsat":
        OR-Tools CP-SAT with indicator constraints (features scaled to integers);
        "enumerate": exhaustive enumeration (exact, small problems only); "heuristic":
        rounding and local search only, no optimality proof.
    time_limit : float, default=60
        Wall-clock seconds for the whole fit (heuristics included).
    mip_gap : float, default=1e-4
        Relative optimality gap at which the MIP solver stops.
    node_limit : int or None, default=None
        Branch-and-bound node limit (HiGHS, SCIP); makes a limited solve deterministic.
    heuristics : bool, default=True
        Seed the solve with rounded L1-logistic fits improved by local search, and
        polish the MIP's model by local search.
    max_enumeration : int, default=200_000
        With a MIP solver, enumerate instead when there are at most this many candidate
        models (0 disables).
    data_reduction : bool, default=False
        Drop from the MIP the samples that every near-optimal convex proxy classifies
        correctly (the paper's data reduction); the loss is still reported on all samples.
    reduction_tol : float, default=0.05
        Relative width of the proxy's near-optimal set used by ``data_reduction``.
    random_state : int, RandomState instance or None, default=None
        Seeds the convex fits of the heuristics and CP-SAT.
    verbose : int, default=0
        0 silent; 1 a progress display once the fit runs longer than a few seconds (a tqdm
        bar, or plain lines without tqdm) with the incumbent objective, the best lower bound
        and their relative gap as the solve goes; 2 also a line per incumbent, progress messages
        and the MIP solver's own log (see :ref:`progress`). In-flight reports come from
        HiGHS through ``highspy`` when it is installed (``scipy.optimize.milp`` has no
        callback: without highspy, and with ``solver="scip"`` or ``"cpsat"``, the MIP's
        incumbent, bound and gap are reported once, when it ends) and from the heuristics
        and enumeration when they end.
    callback : callable, default=None
        Called with each new incumbent (the heuristics' best model, each improving MIP
        solution in flight where the backend reports them as above, the MIP's result, the
        enumeration's optimum), with a dict of the state: ``iteration`` (reports so far, from
        1), ``incumbent`` (its objective; the MIP's own objective, on the reduced data with
        ``data_reduction``), ``bound`` (the best proven lower bound, ``-inf`` if none),
        ``gap`` (relative), ``coef`` (its integer points), ``source`` (``"heuristic"``,
        ``"highs"``, ``"scip"``, ``"cpsat"``, ``"enumeration"``), ``elapsed`` (seconds). A
        truthy return value stops the search there (a MIP solve is interrupted where the
        backend allows it, HiGHS through highspy; otherwise the MIP is skipped when the stop
        comes from the heuristics' report): the best model so far is kept, ``mip_gap_`` and
        ``objective_bound_`` say how far it is from proven, and no ``ConvergenceWarning`` is
        raised.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,), dtype int64
        Integer points per feature.
    intercept_ : int
        Integer intercept: predict ``classes_[1]`` iff ``X @ coef_ > -intercept_``.
    classes_ : ndarray of shape (2,)
        Class labels; ``classes_[1]`` is the positive class.
    objective_value_ : float
        Objective recomputed from ``coef_`` and ``intercept_`` on the training data.
    loss_ : float
        Weighted training 0-1 loss ``sum_i w_i err_i / N`` of the final model.
    mip_gap_ : float
        Relative gap between ``objective_value_`` and the best proven lower bound: 0.0
        when proven optimal, ``inf`` when no bound is known (heuristic only, or no bound
        from the solver).
    objective_bound_ : float
        Best proven lower bound of the objective (``-inf`` when none is known); equal to
        ``objective_value_`` when the model is proven optimal.
    mip_objective_ : float
        Objective the MIP solver reported for its own solution (nan if it ran without
        finding one, or did not run).
    solve_status_ : str
        How the model was obtained and proven, with any disagreement between the
        solver's objective and the recomputed one.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined when X has string feature names.

    See Also
    --------
    ScoreCard : the printable card returned by :meth:`scorecard`.
    ThresholdBinarizer : indicator features ``x_j > t`` for continuous columns.

    Notes
    -----
    Open-source solvers rarely prove optimality within a minute on mid-size data;
    ``mip_gap_`` is then the honest remaining gap. On non-integer features the MIP uses a
    small margin so that its loss is an upper bound of the true one; the heuristics and
    the final recomputation use the exact loss. Merging duplicate rows, adding the
    conflict cut ``z+ + z- >= 1`` for points seen with both labels, and a size bound
    ``||coef||_0 <= V / C0`` from the heuristic incumbent ``V`` make the MIP smaller;
    the incumbent is returned whenever the solver finds nothing better in time.

    References
    ----------
    .. [1] B. Ustun and C. Rudin, "Supersparse linear integer models for optimized
       medical scoring systems", Machine Learning 102(3):349-391, 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn.scoring import SLIMClassifier
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1], [1, 1], [0, 0]])
    >>> y = np.array([0, 0, 0, 1, 1, 0])
    >>> clf = SLIMClassifier(max_coef=5, C0=0.01, random_state=0).fit(X, y)
    >>> clf.coef_, clf.intercept_
    (array([1, 1]), -1)
    >>> clf.predict(X)
    array([0, 0, 0, 1, 1, 0])
    """

    _parameter_constraints = {
        "max_coef": [Interval(numbers.Integral, 1, None, closed="left")],
        "max_features": [Interval(numbers.Integral, 0, None, closed="left"), None],
        "C0": [Interval(numbers.Real, 0, None, closed="left")],
        "C1": [Interval(numbers.Real, 0, None, closed="left"), None],
        "coef_set": ["array-like", dict, None],
        "intercept_bounds": [tuple, list, None],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "constraints": [list, None],
        "solver": [StrOptions({"highs", "scip", "cpsat", "enumerate", "heuristic"})],
        "time_limit": [Interval(numbers.Real, 0, None, closed="neither")],
        "mip_gap": [Interval(numbers.Real, 0, None, closed="left")],
        "node_limit": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "heuristics": ["boolean"],
        "max_enumeration": [Interval(numbers.Integral, 0, None, closed="left")],
        "data_reduction": ["boolean"],
        "reduction_tol": [Interval(numbers.Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "callback": [callable, None],
    }

    def __init__(
        self,
        max_coef=10,
        max_features=None,
        C0=1e-3,
        C1=None,
        coef_set=None,
        intercept_bounds=None,
        class_weight=None,
        constraints=None,
        solver="highs",
        time_limit=60,
        mip_gap=1e-4,
        node_limit=None,
        heuristics=True,
        max_enumeration=200_000,
        data_reduction=False,
        reduction_tol=0.05,
        random_state=None,
        verbose=0,
        callback=None,
    ):
        self.max_coef = max_coef
        self.max_features = max_features
        self.C0 = C0
        self.C1 = C1
        self.coef_set = coef_set
        self.intercept_bounds = intercept_bounds
        self.class_weight = class_weight
        self.constraints = constraints
        self.solver = solver
        self.time_limit = time_limit
        self.mip_gap = mip_gap
        self.node_limit = node_limit
        self.heuristics = heuristics
        self.max_enumeration = max_enumeration
        self.data_reduction = data_reduction
        self.reduction_tol = reduction_tol
        self.random_state = random_state
        self.verbose = verbose
        self.callback = callback

    # ------------------------------------------------------------------ fitting
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Solve the SLIM problem on the training data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features (binary or integer features give an exact MIP loss).
        y : array-like of shape (n_samples,)
            Binary labels.

        Returns
        -------
        self : SLIMClassifier
            The fitted estimator.
        """
        start = time.perf_counter()
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) != 2:
            raise ValueError(
                "Only binary classification is supported by SLIMClassifier: y needs "
                f"exactly 2 classes, got {len(self.classes_)} class"
                + ("es." if len(self.classes_) != 1 else ".")
            )
        if self.intercept_bounds is not None and len(self.intercept_bounds) != 2:
            raise ValueError(
                f"intercept_bounds must be a pair (lo, hi), got {self.intercept_bounds!r}."
            )
        y_pm = np.where(y == self.classes_[1], 1.0, -1.0)
        sample_w = compute_sample_weight(self.class_weight, y).astype(float)
        problem = build_problem(
            np.asarray(X, dtype=np.float64), y_pm, sample_w,
            getattr(self, "feature_names_in_", None), max_coef=self.max_coef,
            max_features=self.max_features, C0=self.C0, C1=self.C1,
            coef_set=self.coef_set, intercept_bounds=self.intercept_bounds,
            constraints=self.constraints,
        )
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        best = _Incumbent(problem)
        notes = []
        n_models = _heuristics.count_models(problem)
        enumerate_ = self.solver == "enumerate" or (
            self.solver in _MIP_SOLVERS and 0 < n_models <= self.max_enumeration
        )
        self.mip_objective_ = float("nan")
        with Progress("SLIMClassifier", self.verbose, None, self.callback,
                      "solution") as progress:
            lower_bound = self._search(problem, best, notes, n_models, enumerate_, seed, start,
                                       progress)
        if best.coef is None:
            raise ValueError(
                f"No feasible model was found within time_limit={self.time_limit} s; the "
                "constraints may be infeasible. Raise time_limit or relax the constraints."
            )
        coef, intercept, objective = _heuristics.reduce_by_gcd(problem, best.coef,
                                                               best.objective)
        self.coef_ = np.asarray(coef, dtype=np.int64)
        self.intercept_ = int(intercept)
        self.objective_value_ = float(objective)
        penalty = float(np.count_nonzero(self.coef_) * problem.C0
                        + problem.C1 * np.abs(self.coef_).sum())
        self.loss_ = self.objective_value_ - penalty
        if np.isfinite(lower_bound):
            gap = (self.objective_value_ - lower_bound) / max(abs(self.objective_value_),
                                                               1e-12)
            self.mip_gap_ = 0.0 if gap <= 1e-9 else float(gap)
        else:
            self.mip_gap_ = float("inf")
        self.objective_bound_ = (self.objective_value_ if self.mip_gap_ == 0.0
                                 else float(lower_bound))
        if (self.mip_gap_ > max(self.mip_gap, 1e-9) and self.solver != "heuristic"
                and not progress.stopped):
            warnings.warn(
                f"SLIM stopped with a relative gap of {self.mip_gap_:.3g} (mip_gap="
                f"{self.mip_gap}); raise time_limit (now {self.time_limit} s) to prove "
                "optimality.",
                ConvergenceWarning,
            )
        self.solve_status_ = "; ".join(notes)
        progress.log(f"done: {self.solve_status_}")
        return self

    def _search(self, problem, best, notes, n_models, enumerate_, seed, start, progress):
        """Enumeration, or heuristics then the MIP; offers models to ``best``, reports each
        incumbent to ``progress``; returns the best proven lower bound (or -inf)."""
        if enumerate_:
            progress.log(f"enumerating {n_models} models")
            coef, _, obj, n_seen = _heuristics.enumerate_models(problem)
            if not np.isfinite(obj):
                raise ValueError(
                    "No integer model satisfies the constraints (exhaustive enumeration): "
                    "the constraints are infeasible."
                )
            best.offer(coef)
            notes.append(f"optimal: exhaustive enumeration of {n_seen} models")
            progress.update(line=f"enumeration optimum {best.objective:.6g}",
                            state={"coef": best.coef, "source": "enumeration"},
                            incumbent=best.objective, bound=best.objective, gap=0.0)
            return best.objective
        if self.heuristics:
            self._run_heuristics(problem, best, seed)
            progress.update(line=f"heuristic incumbent objective {best.objective:.6g}",
                            state={"coef": best.coef, "source": "heuristic"},
                            incumbent=best.objective, bound=-np.inf, gap=np.inf)
        if self.solver == "heuristic":
            if best.coef is None:
                raise ValueError(
                    "The heuristics found no model that satisfies the constraints; "
                    "use a MIP solver to decide feasibility."
                )
            notes.append("heuristic: rounding and local search, optimality not proven")
            return -np.inf
        if progress.stopped and best.coef is not None:
            notes.append("stopped by the callback after the heuristics: MIP not run, "
                         "optimality not proven")
            return -np.inf
        remaining = self.time_limit - (time.perf_counter() - start)
        return self._run_mip(problem, best, max(remaining, 0.05), seed, notes, progress)

    # ------------------------------------------------------------------ using
    def scorecard(self, feature_names=None, positive_label=None):
        """The fitted model as a printable score card.

        Parameters
        ----------
        feature_names : list of str or None, default=None
            Names of the columns; defaults to ``feature_names_in_`` or ``x0, x1, ...``.
        positive_label : str or None, default=None
            Text of the positive outcome; defaults to ``str(classes_[1])``.

        Returns
        -------
        card : ScoreCard
            ``print(card)`` shows one line per feature with nonzero points, and the rule
            ``predict positive iff total score > threshold``.
        """
        check_is_fitted(self)
        if feature_names is None:
            feature_names = getattr(self, "feature_names_in_", None)
        if feature_names is None:
            feature_names = [f"x{j}" for j in range(self.n_features_in_)]
        if len(feature_names) != self.n_features_in_:
            raise ValueError(
                f"feature_names has {len(feature_names)} names for {self.n_features_in_} "
                "features."
            )
        return ScoreCard(
            feature_names=list(map(str, feature_names)),
            points=self.coef_.copy(),
            intercept=self.intercept_,
            positive_label=str(self.classes_[1]) if positive_label is None else positive_label,
            negative_label=str(self.classes_[0]),
        )


    def decision_function(self, X):
        """Total integer score ``X @ coef_ + intercept_`` of each sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Positive scores predict ``classes_[1]``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        return X @ self.coef_.astype(X.dtype) + X.dtype.type(self.intercept_)


    def predict(self, X):
        """Predict ``classes_[1]`` where the total score is positive, else ``classes_[0]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        return self.classes_[(scores > 0).astype(int)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    # ------------------------------------------------------------------ private
    def _run_heuristics(self, problem, best, seed):
        starts = _heuristics.rounded_starts(problem, seed)
        scored = []
        for coef in starts:
            obj, _ = _heuristics.evaluate(problem, coef)
            scored.append((obj, coef))
            best.offer(coef, obj)
        scored.sort(key=lambda item: item[0])
        swaps = problem.n_features ** 2 * problem.X.shape[0] <= 2_000_000
        for obj, coef in scored[:3]:
            coef, _, obj = _heuristics.local_search(problem, coef, use_swaps=swaps)
            best.offer(coef, obj)

    def _run_mip(self, problem, best, time_limit, seed, notes, progress):
        """Solve the MIP, merge with the incumbent; returns a lower bound (or -inf)."""
        mip_problem = problem
        reduced = False
        if self.data_reduction:
            from ._reduction import agreed_correct_rows

            agreed = agreed_correct_rows(problem, tol=self.reduction_tol)
            if agreed.any() and not agreed.all():
                mip_problem = problem.subset(np.flatnonzero(~agreed))
                reduced = True
                notes.append(
                    f"data reduction removed {int(problem.counts[agreed].sum())} of "
                    f"{int(problem.n_total)} samples"
                )
        max_size = None
        if best.coef is not None and problem.integer_data and problem.C0 > 0:
            # a model with more than V / C0 features cannot beat the incumbent's value V
            # (an objective cutoff row would also be valid, but it slows HiGHS down)
            incumbent, _ = _heuristics.evaluate(mip_problem, best.coef)
            max_size = int(np.floor(incumbent / problem.C0 + 1e-9))
        if self.solver == "cpsat":
            result = _mip.solve_cpsat(mip_problem, time_limit, self.mip_gap,
                                      random_state=seed, verbose=self.verbose)
            model = None
        else:
            model = _mip.build_mip(mip_problem, max_size=max_size)
            solve = _mip.solve_highs if self.solver == "highs" else _mip.solve_scip
            kwargs = {}
            if self.solver == "highs":
                kwargs = {"progress": progress, "incumbent": best.objective}
            result = solve(model, time_limit, self.mip_gap, node_limit=self.node_limit,
                           verbose=self.verbose, **kwargs)
        progress.log(f"{self.solver}: {result['status']} ({result['message']})")
        status = result["status"]
        if not result.get("reported") and result["x"] is not None:
            objective = min(float(result["objective"]), best.objective)
            bound = result["dual_bound"]
            progress.update(
                line=f"{self.solver} incumbent {objective:.6g}, bound {bound:.6g}",
                state={"coef": (model.extract(result["x"])[0] if model is not None else
                                np.round(result["x"][: problem.n_features]).astype(np.int64)),
                       "source": self.solver},
                incumbent=objective, bound=bound,
                gap=(objective - bound) / max(abs(objective), 1e-12))
        if status == "infeasible" and best.coef is None:
            raise ValueError(
                f"The SLIM MIP is infeasible ({self.solver}): no integer model satisfies "
                "the constraints. Relax constraints, coef_set or max_features."
            )
        if result["x"] is not None:
            if model is not None:
                coef, _ = model.extract(result["x"])
            else:
                coef = np.round(result["x"][: problem.n_features]).astype(np.int64)
            coef = _heuristics.project_to_sets(problem, coef)
            self.mip_objective_ = float(result["objective"])
            intercept = int(np.round(result["x"][problem.n_features]))
            exact = _heuristics.objective_at(mip_problem, coef, intercept)
            if problem.integer_data and abs(exact - self.mip_objective_) > 1e-6:
                notes.append(
                    f"{self.solver} reported objective {self.mip_objective_:.6g}, the "
                    f"recomputed one is {exact:.6g} (big-M numerics); recomputed value kept"
                )
            elif not problem.integer_data and abs(exact - self.mip_objective_) > 1e-6:
                notes.append(
                    f"{self.solver} objective {self.mip_objective_:.6g} uses a margin on "
                    f"real-valued features; the exact recomputed one is {exact:.6g}"
                )
            best.offer(coef)
            if self.heuristics:
                polished, _, obj = _heuristics.local_search(problem, coef)
                best.offer(polished, obj)
        if status == "optimal" or (status == "infeasible" and best.coef is not None):
            # infeasible although the incumbent is feasible: the size bound cut everything better
            lower = best.objective if status == "infeasible" else result["dual_bound"]
            kind = "optimal" if not reduced else "optimal on the reduced data"
            notes.insert(0, f"{kind}: {self.solver} proved the MIP within mip_gap="
                            f"{self.mip_gap}")
        elif status == "interrupted" or progress.stopped:
            lower = result["dual_bound"]
            notes.insert(0, f"{self.solver} stopped by the callback ({status})")
        else:
            lower = result["dual_bound"]
            notes.insert(0, f"{self.solver} stopped at the time limit ({status})")
        if not problem.integer_data:
            # a margin MIP counts at least the true errors: its bound is the margin problem's
            notes.append("lower bound from the margin MIP on real-valued features")
        return lower


class _Incumbent:
    """Best integer model seen so far, scored by the exact objective on all the data."""

    def __init__(self, problem):
        self.problem = problem
        self.coef = None
        self.objective = np.inf

    def offer(self, coef, objective=None):
        if objective is None:
            objective, _ = _heuristics.evaluate(self.problem, coef)
        if objective < self.objective - 1e-12:
            self.coef = np.asarray(coef, dtype=np.int64).copy()
            self.objective = float(objective)
