"""Bad input to every public callable gets a ValueError or TypeError that names the parameter.

The walker visits every name in the ``__all__`` of the package and of each subpackage. Each name
has a baseline in ``_BASELINES``: a valid call at tiny sizes (for a class, the constructor
arguments and the method calls made on the instance). From the baseline and the signatures the
walker derives its cases:

- every array argument (a list of arrays too: its first element) gets NaN, inf, an empty array,
  a complex array and an object array of strings; a 2-D one also gets a 1-D array; the arguments
  listed in the baseline's ``short`` (``(parameter, axis)``) get one entry too few along that
  axis, which makes them disagree with another argument (X vs y, a vs M);
- every size parameter (``n_*``, ``max_*``, ``*_size``, ...) gets -1, 0 and 2.5; every
  tolerance (``tol``, ``eps``, ...) and regularization (``alpha``, ``reg``) gets -1.0.

Each case must raise a ValueError or TypeError whose message names the parameter. Constructor
parameters are checked at the first method call (scikit-learn's convention). For an estimator
method (``fit``, ``predict``, ...), the messages of scikit-learn's own ``validate_data`` are also
accepted: they are what the drop-in user gets from scikit-learn, and what ``check_estimator``
asks for. A case fails on a silent result, a ComplexWarning, any other exception type or a hang
(each case runs in a thread with a deadline).
"""

import importlib
import inspect
import re
import threading
import warnings
from dataclasses import dataclass, field

import numpy as np
import pytest

PACKAGES = [
    "sparselearn",
    "sparselearn.linear_model",
    "sparselearn.decomposition",
    "sparselearn.bayes",
    "sparselearn.scoring",
    "sparselearn.ot",
    "sparselearn.sketching",
    "sparselearn.datasets",
    "sparselearn.penalties",
    "sparselearn.datafits",
    "sparselearn.solvers",
]

# A case that does not answer within this many seconds hangs. Every case fails in validation
# (milliseconds); the deadline only has to exceed a first-call Numba compilation on a busy
# machine (the baselines, which run first, compile with a longer deadline).
CASE_TIMEOUT = 120.0
BASELINE_TIMEOUT = 600.0

SIZE_PARAM = re.compile(
    r"^(n_(?!jobs$)\w+|max_\w+|\w*_size|nnz_per_col|p0|node_limit|time_limit|numItermax)$"
)
TOL_PARAM = re.compile(r"^(tol|\w+_tol|eps|mip_gap|stopThr)$")
REG_PARAM = re.compile(r"^(alpha|reg|l2_reg|noise_var|C0)$")

# Messages of scikit-learn's validate_data / check_array / check_consistent_length, accepted
# for the array arguments of estimator methods (as scikit-learn's own estimators give them).
SKLEARN_INPUT_MESSAGES = re.compile(
    "|".join([
        r"Input \w+ contains (NaN|infinity)",
        r"contains NaN",
        r"Found array with 0 (sample|feature)",
        r"Expected (a )?2D (array|input)",
        r"Expected a 2-dimensional container",
        r"Complex data not supported",
        r"could not convert string to float",
        r"Unable to convert array of bytes/strings",
        r"inconsistent numbers of samples",
        r"dtype='numeric' is not compatible with arrays of bytes/strings",
        r"features, but \w+ is expecting",
    ])
)

# Public names that take no user input: reason.
NO_INPUT = {
    "sparselearn.__version__": "a version string",
    "sparselearn.solvers.SOLVERS": "a tuple of solver names",
    "sparselearn.penalties.Penalty": "abstract base class; each concrete penalty is walked",
    "sparselearn.penalties.GroupPenalty": "abstract base class; each group penalty is walked",
    "sparselearn.datafits.Datafit": "abstract base class; each concrete datafit is walked",
    "sparselearn.sketching.BaseSketch": "abstract base class; each concrete sketch is walked",
    "sparselearn.sketching.ProductSketch": (
        "the result record of CoordinatedSampler.sketch, built by it from validated input; "
        "estimate_product checks the records it gets"
    ),
}


@dataclass
class Baseline:
    """A valid call at tiny sizes.

    For a function, ``kwargs`` are its arguments. For a class, ``kwargs`` go to the constructor
    and ``calls`` lists ``(method, kwargs)`` made in order on the instance.
    """

    kwargs: dict
    calls: list = field(default_factory=list)
    short: list = field(default_factory=list)  # (parameter, axis) that must match another
    skip: dict = field(default_factory=dict)  # (parameter, kind) -> reason the input is valid


def _data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, 4))
    y = X @ np.array([1.0, -2.0, 0.0, 0.0]) + 0.01 * rng.standard_normal(8)
    yc = np.array([0, 1] * 4)
    return rng, X, y, yc


def _baselines():
    from sparselearn import datafits, penalties, solvers
    from sparselearn.datasets import load_heart, load_mammographic
    from sparselearn.sketching import CoordinatedSampler, MinHashSketch

    rng, X, y, yc = _data()
    Xb = (X > 0).astype(float)
    D = rng.standard_normal((3, 4))
    D /= np.linalg.norm(D, axis=1, keepdims=True)
    a, b = np.full(4, 0.25), np.full(5, 0.2)
    xs, xt = rng.standard_normal((4, 2)), rng.standard_normal((5, 2)) + 1.0
    M = ((xs[:, None, :] - xt[None, :, :]) ** 2).sum(-1)
    P = np.outer(a, b)
    xs2 = rng.standard_normal((4, 3))
    coupling = np.eye(4) + 0.1
    A1, A2 = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    x_k = np.zeros(16)
    x_k[5] = 1.0
    y_k = np.kron(A1, A2) @ x_k
    design = solvers.as_design(X)
    sw = np.full(8, 1 / 8)
    w = np.zeros(4)
    l1 = penalties.L1(alpha=0.1)
    quad = datafits.Quadratic()
    image = rng.standard_normal((6, 6))
    patches = rng.standard_normal((4, 2, 2))
    sampler = CoordinatedSampler(4, random_state=0)
    SA, SB = sampler.sketch(X), sampler.sketch(X)
    minhash = MinHashSketch(8, random_state=0).fit(Xb)
    raw_sketch = minhash.transform(Xb, densify=False)
    signatures = minhash.transform(Xb)
    X_heart = load_heart(return_X_y=True)[0][:10]
    X_mammo = load_mammographic(return_X_y=True)[0][:10]

    uniform_ok = {("a", "empty"): "empty weights mean uniform (POT's [])",
                  ("b", "empty"): "empty weights mean uniform (POT's [])"}
    labels_ok = {("y", "object"): "class labels may be strings"}
    vector_ok = "a vector is a valid input (sketched as one column)"
    fit_Xy = [("fit", {"X": X, "y": y}), ("predict", {"X": X})]
    fit_Xyc = [("fit", {"X": X, "y": yc}), ("predict", {"X": X})]
    fit_X = [("fit", {"X": X}), ("transform", {"X": X})]
    Xy_short = [("y", 0)]
    complex_ok = "complex data is supported (complex Kronecker SBL)"
    one_target_feature = "a 1-D Y is one target feature (scikit-learn's y)"

    def penalty(**kw):
        return Baseline(kw, [("value", {"w": np.array([0.5, -1.0, 0.0])})],
                        skip={("w", "empty"): "the penalty of no coefficients is 0"})

    def group_penalty(**kw):
        # groups as a vector of group ids: features 0, 1 in group 0, feature 2 in group 1
        return Baseline({**kw, "groups": np.array([0, 0, 1])},
                        [("value", {"w": np.array([0.5, -1.0, 0.0])}),
                         ("prox", {"v": np.array([0.5, -1.0, 0.0]), "step": 1.0})],
                        skip={("w", "empty"): "the penalty of no coefficients is 0"})

    def datafit(**kw):
        return Baseline(kw, [("value", {"y": y, "Xw": np.zeros(8)})], short=[("Xw", 0)])

    def sketch_op(**kw):
        return Baseline({"sketch_size": 4, "random_state": 0, **kw},
                        [("fit", {"n_rows": 8}), ("apply", {"A": X})], short=[("A", 0)],
                        skip={("A", "1d"): vector_ok})

    def sketch_fn(**kw):
        return Baseline({"A": X, "sketch_size": 4, "random_state": 0, **kw},
                        skip={("A", "1d"): vector_ok})

    def solver_call(**kw):
        return Baseline({"design": design, "y": y, "sw": sw, "datafit": quad, "penalty": l1,
                         "w": w, **kw}, short=[("y", 0), ("sw", 0), ("w", 0)])

    from sparselearn.linear_model import SparseRegressor

    regressor = SparseRegressor()
    lm = "sparselearn.linear_model."
    dec = "sparselearn.decomposition."
    bay = "sparselearn.bayes."
    sco = "sparselearn.scoring."
    ot = "sparselearn.ot."
    sk = "sparselearn.sketching."
    ds = "sparselearn.datasets."
    pen = "sparselearn.penalties."
    df = "sparselearn.datafits."
    so = "sparselearn.solvers."
    return {
        # linear_model
        lm + "SparseRegressor": Baseline({}, fit_Xy, short=Xy_short),
        lm + "SparseClassifier": Baseline({}, fit_Xyc, short=Xy_short, skip=labels_ok),
        lm + "SparseRegressorCV": Baseline({"n_alphas": 3, "cv": 2}, fit_Xy, short=Xy_short),
        lm + "penalized_path": Baseline({"X": X, "y": y, "n_alphas": 3}, short=Xy_short),
        lm + "HashFolds": Baseline(
            {"n_splits": 2}, [("split", {"X": X})],
            skip={("X", kind): "only the number of rows of X counts (as KFold.split)"
                  for kind in ("nan", "inf", "complex", "object", "1d")}),
        lm + "bootstrap_fit": Baseline({"estimator": regressor, "X": X, "y": y,
                                        "n_resamples": 3, "random_state": 0}, short=Xy_short),
        lm + "permutation_test": Baseline({"estimator": regressor, "X": X, "y": y,
                                           "n_permutations": 3, "random_state": 0},
                                          short=Xy_short),
        lm + "stability_selection": Baseline({"estimator": regressor, "X": X, "y": y,
                                              "n_resamples": 3, "random_state": 0},
                                             short=Xy_short),
        # decomposition
        dec + "sparse_encode": Baseline({"X": X, "dictionary": D, "n_nonzero_coefs": 2},
                                        short=[("dictionary", 1)]),
        dec + "SparseCoder": Baseline({"dictionary": D, "transform_n_nonzero_coefs": 2},
                                      fit_X, short=[("dictionary", 1)]),
        dec + "DictionaryLearning": Baseline(
            {"n_components": 3, "max_iter": 2, "random_state": 0}, fit_X),
        dec + "MiniBatchDictionaryLearning": Baseline(
            {"n_components": 3, "max_iter": 2, "batch_size": 4, "random_state": 0}, fit_X),
        dec + "MaskedDictionaryLearning": Baseline(
            {"n_components": 3, "n_nonzero_coefs": 2, "mask_size": 2, "batch_size": 4,
             "max_iter": 2, "random_state": 0}, fit_X),
        dec + "SemiNMF": Baseline({"n_components": 2, "max_iter": 2, "random_state": 0}, fit_X),
        dec + "SparseNMF": Baseline({"n_components": 2, "max_iter": 2, "random_state": 0},
                                    [("fit", {"X": np.abs(X)})]),
        dec + "dictionary_recovery_score": Baseline({"D_true": D, "D_est": D},
                                                    short=[("D_est", 1)]),
        dec + "dictionary_recovery_error": Baseline({"D_true": D, "D_est": D},
                                                    short=[("D_est", 1)]),
        dec + "extract_patches_2d": Baseline({"image": image, "patch_size": (2, 2),
                                              "max_patches": 3, "random_state": 0}),
        dec + "reconstruct_from_patches_2d": Baseline({"patches": patches,
                                                       "image_size": (3, 3)}),
        # bayes
        bay + "KroneckerSBL": Baseline(
            {"max_iter": 5}, [("fit", {"X": [A1, A2], "y": y_k}), ("predict", {"X": [A1, A2]})],
            short=[("y", 0)], skip={("X", "complex"): complex_ok, ("y", "complex"): complex_ok}),
        bay + "RelevanceVectorClassifier": Baseline({"max_iter": 5}, fit_Xyc, short=Xy_short,
                                                   skip=labels_ok),
        bay + "SparseBayesianRegression": Baseline({"max_iter": 5}, fit_Xy, short=Xy_short),
        bay + "kron_matvec": Baseline({"factors": [A1, A2], "x": x_k}, short=[("x", 0)],
                                      skip={("factors", "complex"): complex_ok,
                                            ("x", "complex"): complex_ok}),
        bay + "kronecker_sbl": Baseline({"factors": [A1, A2], "y": y_k, "max_iter": 5},
                                        short=[("y", 0)],
                                        skip={("factors", "complex"): complex_ok,
                                              ("y", "complex"): complex_ok}),
        bay + "relevance_vector_classification": Baseline({"X": X, "t": yc, "max_iter": 5},
                                                          short=[("t", 0)]),
        bay + "sparse_bayesian_learning": Baseline({"X": X, "y": y, "max_iter": 5},
                                                   short=Xy_short),
        # scoring
        sco + "SLIMClassifier": Baseline({"max_coef": 3, "time_limit": 10, "random_state": 0},
                                         [("fit", {"X": Xb, "y": yc}), ("predict", {"X": Xb})],
                                         short=Xy_short, skip=labels_ok),
        sco + "ScoreCard": Baseline({"feature_names": ["f0", "f1"], "points": np.array([1, -2]),
                                     "intercept": 0}, [("__str__", {})],
                                    short=[("points", 0)]),
        sco + "ThresholdBinarizer": Baseline({"n_thresholds": 2}, fit_X),
        # ot
        ot + "SinkhornTransport": Baseline(
            {"reg": 1.0}, [("fit", {"Xs": xs, "Xt": xt}), ("transform", {"Xs": xs})],
            short=[("Xt", 1)],
            skip={("Xt", "1d"): "a 1-D second argument is scikit-learn's y, ignored (transport "
                                "onto Xs itself), as a Pipeline passes it"}),
        ot + "SparseMongeMap": Baseline(
            {"gamma": 0.5}, [("fit", {"X": xs, "y": xt}), ("transform", {"X": xs}),
                             ("displacement", {"X": xs})],
            short=[("y", 1)],
            skip={("y", "1d"): "a 1-D second argument is scikit-learn's y, ignored (the map "
                               "onto X itself), as a Pipeline passes it"}),
        ot + "InverseOT": Baseline(
            {"alpha": 0.1}, [("fit", {"X": xs, "Y": xs2, "coupling": coupling}),
                             ("score", {"X": xs, "y": xs2, "coupling": coupling})],
            short=[("Y", 0), ("coupling", 1), ("y", 0)],
            skip={("Y", "1d"): one_target_feature, ("y", "1d"): one_target_feature}),
        ot + "inverse_ot_path": Baseline(
            {"X": xs, "Y": xs2, "coupling": coupling, "n_alphas": 2},
            short=[("Y", 0), ("coupling", 1)], skip={("Y", "1d"): one_target_feature}),
        ot + "entropic_ot_value": Baseline({"P": P, "M": M, "reg": 1.0}, short=[("P", 0)]),
        ot + "sinkhorn": Baseline({"a": a, "b": b, "M": M, "reg": 1.0},
                                  short=[("a", 0), ("b", 0)], skip=uniform_ok),
        ot + "sinkhorn2": Baseline({"a": a, "b": b, "M": M, "reg": 1.0},
                                   short=[("a", 0), ("b", 0)], skip=uniform_ok),
        ot + "sinkhorn_newton_sparse": Baseline({"a": a, "b": b, "M": M, "reg": 1.0},
                                                short=[("a", 0), ("b", 0)], skip=uniform_ok),
        ot + "transport_cost": Baseline({"P": P, "M": M}, short=[("P", 0)]),
        ot + "wasserstein_distance": Baseline({"xs": xs, "xt": xt, "reg": 1.0},
                                              short=[("xt", 1)]),
        # sketching
        sk + "CoordinatedSampler": Baseline(
            {"sketch_size": 4, "random_state": 0},
            [("sketch", {"A": X}), ("estimate_product", {"SA": SA, "SB": SB})],
            skip={("A", "1d"): vector_ok}),
        sk + "CountSketch": sketch_op(),
        sk + "GaussianSketch": sketch_op(),
        sk + "SRHTSketch": sketch_op(),
        sk + "SparseSignSketch": sketch_op(nnz_per_col=2),
        sk + "SketchTransformer": Baseline({"n_components": 3, "random_state": 0}, fit_X),
        sk + "MinHashSketch": Baseline({"n_hashes": 8, "random_state": 0},
                                       [("fit", {"X": Xb}), ("transform", {"X": Xb}),
                                        ("densify", {"sketches": raw_sketch})]),
        sk + "jaccard_estimate": Baseline({"sig_a": signatures, "sig_b": signatures},
                                          short=[("sig_b", 1)]),
        sk + "lsh_bands": Baseline({"signatures": signatures, "n_bands": 2}),
        sk + "merge_minhash": Baseline({"sketches": [raw_sketch, raw_sketch]}),
        sk + "near_duplicate_pairs": Baseline({"signatures": signatures, "n_bands": 2,
                                               "threshold": 0.5}),
        sk + "SketchedLeastSquares": Baseline({"sketch_size": 6, "random_state": 0}, fit_Xy,
                                              short=Xy_short),
        sk + "countsketch": sketch_fn(),
        sk + "gaussian_sketch": sketch_fn(),
        sk + "importance_sampled_product": Baseline({"A": X, "B": X, "sketch_size": 4,
                                                     "random_state": 0}, short=[("B", 0)],
                                                    skip={("A", "1d"): vector_ok,
                                                          ("B", "1d"): vector_ok}),
        sk + "make_sketch": Baseline({"sketch": "gaussian", "sketch_size": 4,
                                      "random_state": 0}),
        sk + "sparse_sign_sketch": sketch_fn(nnz_per_col=2),
        sk + "srht_sketch": sketch_fn(),
        # datasets
        ds + "make_correlated_design": Baseline({"n_samples": 5, "n_features": 3,
                                                 "random_state": 0}),
        ds + "make_planted_dictionary": Baseline({"n_samples": 5, "n_components": 4,
                                                  "n_features": 3, "n_nonzero_coefs": 2,
                                                  "random_state": 0}),
        ds + "make_least_squares": Baseline({"n_samples": 6, "n_features": 3, "cond": 10.0,
                                             "random_state": 0}),
        ds + "make_sparse_regression": Baseline({"n_samples": 5, "n_features": 6,
                                                 "n_informative": 2, "random_state": 0}),
        ds + "load_breastcancer": Baseline({}),
        ds + "load_haberman": Baseline({}),
        ds + "load_heart": Baseline({}),
        ds + "load_mammographic": Baseline({}),
        ds + "binarize_heart": Baseline({"X": X_heart}),
        ds + "binarize_mammographic": Baseline({"X": X_mammo}),
        # penalties
        pen + "L1": penalty(alpha=0.1),
        pen + "L0": penalty(alpha=0.1),
        pen + "MCP": penalty(alpha=0.1),
        pen + "SCAD": penalty(alpha=0.1),
        pen + "Lq": penalty(alpha=0.1),
        pen + "CEL0": penalty(alpha=0.1),
        pen + "ElasticNet": penalty(alpha=0.1),
        pen + "LogSum": penalty(alpha=0.1),
        pen + "GroupLasso": group_penalty(alpha=0.1),
        pen + "SparseGroupLasso": group_penalty(alpha=0.1, l1_ratio=0.5),
        pen + "GroupMCP": group_penalty(alpha=0.1, gamma=3.0),
        pen + "GroupSCAD": group_penalty(alpha=0.1, gamma=3.7),
        pen + "GroupSparseEnvelope": group_penalty(alpha=0.1, k=1),
        # datafits
        df + "Quadratic": datafit(),
        df + "Logistic": Baseline({}, [("value", {"y": 2.0 * yc - 1, "Xw": np.zeros(8)})],
                                  short=[("Xw", 0)]),
        df + "Poisson": Baseline({}, [("value", {"y": np.abs(y), "Xw": np.zeros(8)})],
                                 short=[("Xw", 0)]),
        df + "Huber": datafit(),
        df + "get_datafit": Baseline({"datafit": "quadratic"}),
        # solvers
        so + "solve": solver_call(),
        so + "solve_working_set": solver_call(),
        so + "accelerated_gradient": solver_call(),
        so + "fista": solver_call(),
        so + "objective": solver_call(b=0.0),
        so + "Design": Baseline({"X": X}),
        so + "as_design": Baseline({"X": X}),
        so + "gradient_at_start": Baseline({"design": design, "y": y, "sw": sw, "datafit": quad,
                                            "fit_intercept": False},
                                           short=[("y", 0), ("sw", 0)]),
        so + "absolute_tol": Baseline({"tol": 1e-4, "grad0": np.ones(4)}),
        so + "alpha_max": Baseline({"design": design, "y": y, "sw": sw, "datafit": quad,
                                    "penalty": l1}, short=[("y", 0), ("sw", 0)]),
        so + "fit_path": Baseline({"design": design, "y": y, "sw": sw, "datafit": quad,
                                   "penalty": l1, "alphas": np.array([0.5, 0.1])},
                                  short=[("y", 0), ("sw", 0)]),
    }


# Known failures, (name, parameter, kind) -> reason; "*" matches any parameter or kind.
XFAIL = {
}


def _known_failure(qualname, pname, kind):
    for key in ((qualname, pname, kind), (qualname, pname, "*"), (qualname, "*", "*")):
        if key in XFAIL:
            return XFAIL[key]
    return None


def _public_names():
    names = []
    for module_name in PACKAGES:
        module = importlib.import_module(module_name)
        names += [f"{module_name}.{name}" for name in module.__all__]
    return names


def _resolve(qualname):
    module_name, name = qualname.rsplit(".", 1)
    return getattr(importlib.import_module(module_name), name)


BASELINES = _baselines()
PUBLIC_NAMES = _public_names()


# ---------------------------------------------------------------------------------------------
# the cases


def _array_variants(value):
    """Bad versions of a valid array: kind -> array."""
    value = np.asarray(value)
    as_float = value.astype(np.float64)
    nan, inf = as_float.copy(), as_float.copy()
    nan.flat[0], inf.flat[-1] = np.nan, np.inf
    strings = value.astype(object)
    strings.flat[0] = "a"
    variants = {
        "nan": nan,
        "inf": inf,
        "empty": as_float[:0],
        "complex": as_float + 1j,
        "object": strings,
    }
    if value.ndim == 2:
        variants["1d"] = as_float[:, 0]
    return variants


def _shortened(value, axis):
    value = np.asarray(value)
    return np.take(value, np.arange(value.shape[axis] - 1), axis=axis)


def _is_array(value):
    return isinstance(value, np.ndarray) and value.dtype.kind in "biuf"


def _signature_scalars(func, given):
    """Size, tolerance and regularization parameters of ``func``: name -> bad values."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return {}
    scalars = {}
    for pname, param in params.items():
        value = given.get(pname, param.default)
        if isinstance(value, bool) or not (
            value is None or value is inspect.Parameter.empty
            or isinstance(value, (int, float, str))
        ):
            continue
        if SIZE_PARAM.match(pname):
            scalars[pname] = {"negative": -1, "zero": 0, "noninteger": 2.5}
        elif TOL_PARAM.match(pname) or REG_PARAM.match(pname):
            scalars[pname] = {"negative": -1.0}
    if "time_limit" in scalars:
        scalars["time_limit"] = {"negative": -1, "zero": 0}
    return scalars


# Values that are valid for a size parameter: (name, parameter, kind) -> reason.
VALID_SCALARS = {
    ("sparselearn.datasets.make_sparse_regression", "n_informative", "zero"):
        "no informative feature: pure noise, a valid problem",
    ("sparselearn.scoring.SLIMClassifier", "max_features", "zero"):
        "the intercept-only scoring system",
    ("sparselearn.scoring.SLIMClassifier", "max_enumeration", "zero"):
        "no enumeration in the heuristics",
    ("sparselearn.ot.sinkhorn_newton_sparse", "n_sinkhorn_iter", "zero"):
        "no Sinkhorn warm-up: Newton from the start",
    ("sparselearn.ot.SinkhornTransport", "n_sinkhorn_iter", "zero"):
        "no Sinkhorn warm-up: Newton from the start",
    ("sparselearn.decomposition.MiniBatchDictionaryLearning", "max_no_improvement", "zero"):
        "as scikit-learn: no early stopping on the objective",
    ("sparselearn.decomposition.DictionaryLearning", "max_iter", "zero"):
        "as scikit-learn: no iteration, components_ is the initial dictionary",
    ("sparselearn.decomposition.MiniBatchDictionaryLearning", "max_iter", "zero"):
        "as scikit-learn: no iteration, components_ is the initial dictionary",
    ("sparselearn.decomposition.SemiNMF", "max_iter", "zero"):
        "as scikit-learn's NMF: no iteration, the factorization is the starting point",
    ("sparselearn.decomposition.SparseNMF", "max_iter", "zero"):
        "as scikit-learn's NMF: no iteration, the factorization is the starting point",
    ("sparselearn.solvers.solve_working_set", "n_anderson", "zero"):
        "no Anderson extrapolation",
    ("sparselearn.sketching.SketchedLeastSquares", "max_iter", "zero"):
        "no refinement: the sketch-and-solve start, as scikit-learn's max_iter=0",
}


def _cases():
    cases = []
    for qualname in PUBLIC_NAMES:
        baseline = BASELINES.get(qualname)
        if baseline is None:
            continue
        obj = _resolve(qualname)
        is_class = inspect.isclass(obj)
        # (where, parameter, value): where is None for the function / constructor, else a call index
        slots = [(None, baseline.kwargs)]
        if is_class:
            slots += [(i, kwargs) for i, (_, kwargs) in enumerate(baseline.calls)]
        for where, kwargs in slots:
            for pname, value in kwargs.items():
                array = value[0] if isinstance(value, list) and value and _is_array(value[0]) \
                    else value
                if not _is_array(array):
                    continue
                for kind, bad in _array_variants(array).items():
                    if isinstance(value, list):
                        bad = [bad] + value[1:]
                    cases.append((qualname, where, pname, kind, bad))
            for pname, axis in baseline.short:
                if pname in kwargs:
                    cases.append((qualname, where, pname, f"short{axis}",
                                  _shortened(kwargs[pname], axis)))
        func = obj.__init__ if is_class else obj
        for pname, values in _signature_scalars(func, baseline.kwargs).items():
            for kind, bad in values.items():
                if (qualname, pname, kind) not in VALID_SCALARS:
                    cases.append((qualname, None, pname, kind, bad))
    params = []
    for qualname, where, pname, kind, bad in _cases_dedup(cases):
        short = qualname.replace("sparselearn.", "")
        if (pname, kind) in BASELINES[qualname].skip:
            continue
        reason = _known_failure(qualname, pname, kind)
        marks = []
        if reason:
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        call = "" if where is None else f"{BASELINES[qualname].calls[where][0]}:"
        params.append(pytest.param(qualname, where, pname, bad, marks=marks,
                                   id=f"{short}-{call}{pname}-{kind}"))
    return params


def _cases_dedup(cases):
    seen = set()
    for case in cases:
        key = case[:4]
        if key not in seen:
            seen.add(key)
            yield case


def _run(qualname, where=None, pname=None, bad=None):
    """Make the baseline call of ``qualname`` with ``bad`` in place of ``pname``."""
    obj = _resolve(qualname)
    baseline = BASELINES[qualname]
    kwargs = dict(baseline.kwargs)
    if where is None and pname is not None:
        kwargs[pname] = bad
    if not inspect.isclass(obj):
        return obj(**kwargs)
    instance = obj(**kwargs)
    out = instance
    for i, (method, call_kwargs) in enumerate(baseline.calls):
        call_kwargs = dict(call_kwargs)
        if i == where:
            call_kwargs[pname] = bad
        # the first argument positionally (scikit-learn's set_output wraps transform(X)), the
        # others by name
        first, *rest = list(call_kwargs.items()) or [(None, None)]
        args = () if first[0] is None else (first[1],)
        out = getattr(instance, method)(*args, **dict(rest))
        if i == where:
            break
    return out


def _run_with_deadline(func, *args, timeout=CASE_TIMEOUT):
    """``func(*args)`` in a thread: ``(result, exception, warnings)``; a hang fails the test."""
    box = {}

    def target():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                box["result"] = func(*args)
            except BaseException as exc:  # noqa: BLE001 - the test inspects it
                box["exception"] = exc
        box["warnings"] = caught

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"no answer within {timeout} s (a hang)")
    return box.get("result"), box.get("exception"), box.get("warnings", [])


# ---------------------------------------------------------------------------------------------
# the tests


@pytest.mark.parametrize("qualname", PUBLIC_NAMES)
def test_every_public_name_has_a_baseline(qualname):
    assert qualname in BASELINES or qualname in NO_INPUT, (
        f"add a baseline for {qualname} in tests/test_bad_input.py (a valid call at tiny sizes), "
        "so that the walker feeds it bad input")


@pytest.mark.parametrize("qualname", sorted(BASELINES))
def test_baseline_is_valid(qualname):
    assert qualname in PUBLIC_NAMES, f"{qualname} has a baseline but is not public"
    _, exc, _ = _run_with_deadline(_run, qualname, timeout=BASELINE_TIMEOUT)
    if exc is not None:
        raise exc


@pytest.mark.parametrize("qualname, where, pname, bad", _cases())
def test_bad_input_is_refused_by_name(qualname, where, pname, bad):
    result, exc, caught = _run_with_deadline(_run, qualname, where, pname, bad)
    complex_warnings = [w for w in caught if issubclass(w.category, np.exceptions.ComplexWarning)]
    assert not complex_warnings, f"complex input cast with a warning: {complex_warnings[0].message}"
    if exc is None:
        pytest.fail(f"{pname}: the bad value was accepted (returned {type(result).__name__})")
    if not isinstance(exc, (ValueError, TypeError)):
        raise AssertionError(f"{type(exc).__name__} instead of a ValueError/TypeError") from exc
    message = str(exc)
    named = re.search(rf"(?<![A-Za-z0-9_]){re.escape(pname)}(?![A-Za-z0-9_])", message)
    sklearn_message = where is not None and SKLEARN_INPUT_MESSAGES.search(message)
    if not (named or sklearn_message):
        raise AssertionError(f"the message does not name {pname!r}: {message!r}") from exc
