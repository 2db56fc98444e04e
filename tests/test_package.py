"""The top-level package: fast import, subpackages reachable as attributes."""

import subprocess
import sys


def _run(code):
    return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True).stdout.split()


def test_subpackages_load_on_attribute_access():
    out = _run("import sys, sparselearn\n"
               "print('sparselearn.linear_model' in sys.modules)\n"
               "print(sparselearn.linear_model.SparseRegressor.__name__)\n"
               "print(sparselearn.ot.sinkhorn.__name__, 'linear_model' in dir(sparselearn))")
    assert out == ["False", "SparseRegressor", "sinkhorn", "True"]


def test_unknown_attribute_is_an_attribute_error():
    out = _run("import sparselearn\n"
               "try:\n    sparselearn.lineer_model\nexcept AttributeError as e:\n    print('ok')")
    assert out == ["ok"]
