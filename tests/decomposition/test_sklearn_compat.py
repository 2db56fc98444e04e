"""scikit-learn's own dictionary-learning tests, run against sparselearn's drop-ins.

The installed scikit-learn's ``sklearn/decomposition/tests/test_dict_learning.py`` is loaded as a
private module (``sklearn``'s own test module is left untouched), the names sparselearn shares
with scikit-learn are rebound to ours in it, and its test functions are re-exported here, so that
pytest collects and reports each of them under its own name (parametrizations included) as part
of the normal suite.

Rebound: ``sparse_encode``, ``SparseCoder``, ``DictionaryLearning``,
``MiniBatchDictionaryLearning``. sparselearn has no functional ``dict_learning`` /
``dict_learning_online`` (nor scikit-learn's private ``_update_dict``): the tests that call only
those (``SKLEARN_ONLY``) would test scikit-learn's code, not ours, so they are not run here; the
tests that compare them with the estimators do run (the estimators are ours).

Excluded because they assert scikit-learn's private internals (``EXCLUDED``, each with its
reason): none.
"""

import importlib.util
import warnings
from pathlib import Path

import pytest
import sklearn

from sparselearn import decomposition as _ours

REBOUND = ("sparse_encode", "SparseCoder", "DictionaryLearning", "MiniBatchDictionaryLearning")

# tests asserting scikit-learn's private internals: name -> reason
EXCLUDED = {}

# tests that call none of the rebound names, only scikit-learn's own functions
_NOT_OURS = ("calls only scikit-learn's own {}, which sparselearn does not provide: it tests "
             "scikit-learn, not sparselearn")
SKLEARN_ONLY = {
    "test_dict_learning_lars_positive_parameter": _NOT_OURS.format("dict_learning"),
    "test_dict_learning_dtype_match": _NOT_OURS.format("dict_learning"),
    "test_dict_learning_numerical_consistency": _NOT_OURS.format("dict_learning"),
    "test_dict_learning_online_shapes": _NOT_OURS.format("dict_learning_online"),
    "test_dict_learning_online_lars_positive_parameter": _NOT_OURS.format("dict_learning_online"),
    "test_dict_learning_online_positivity": _NOT_OURS.format("dict_learning_online"),
    "test_dict_learning_online_dtype_match": _NOT_OURS.format("dict_learning_online"),
    "test_dict_learning_online_numerical_consistency": _NOT_OURS.format("dict_learning_online"),
    "test_update_dict": _NOT_OURS.format("private _update_dict"),
}

_PATH = Path(sklearn.__file__).parent / "decomposition" / "tests" / "test_dict_learning.py"


def _load():
    spec = importlib.util.spec_from_file_location("_sparselearn_compat_sklearn_dict_learning",
                                                  _PATH)
    module = importlib.util.module_from_spec(spec)
    with warnings.catch_warnings():
        # scikit-learn's own marks (thread_unsafe) are registered by its conftest, not ours
        warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
        spec.loader.exec_module(module)
    for name in REBOUND:
        setattr(module, name, getattr(_ours, name))
    return module


_SKLEARN_TESTS = _load()
_ALL_TESTS = sorted(name for name in dir(_SKLEARN_TESTS) if name.startswith("test_"))

for _name in _ALL_TESTS:
    if _name not in EXCLUDED and _name not in SKLEARN_ONLY:
        globals()[_name] = getattr(_SKLEARN_TESTS, _name)


def test_compat_module_is_complete():
    """The skipped names are tests of scikit-learn's module, the ones said to call none of our
    names really do not, and the rebinding took effect."""
    import ast

    assert set(EXCLUDED) <= set(_ALL_TESTS)
    assert set(SKLEARN_ONLY) <= set(_ALL_TESTS)
    assert len(_ALL_TESTS) > 40
    for name in REBOUND:
        assert getattr(_SKLEARN_TESTS, name) is getattr(_ours, name)
    tree = ast.parse(_PATH.read_text())
    calls_ours = {
        node.name for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} & set(REBOUND)
    }
    assert not calls_ours & set(SKLEARN_ONLY)
    # every test that calls one of our names runs here
    assert calls_ours - set(EXCLUDED) <= set(globals())
