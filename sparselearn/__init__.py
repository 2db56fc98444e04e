"""sparselearn: sparse learning and optimization on one Numba core.

Subpackages
-----------
linear_model   sparse GLMs with convex and nonconvex penalties
decomposition  sparse coding and dictionary learning
bayes          sparse Bayesian learning
scoring        SLIM integer scoring systems
ot             entropic optimal transport
sketching      random sketches and sketched least squares

Heavy optional dependencies (cvxpy, POT, dask, matplotlib) are imported lazily,
inside the functions that need them, so ``import sparselearn`` stays fast.
"""

import importlib

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]

_SUBPACKAGES = ("linear_model", "decomposition", "bayes", "scoring", "ot", "sketching",
                "datasets", "penalties", "datafits", "solvers")


def __getattr__(name):
    """``sparselearn.linear_model`` and the other subpackages load on first access."""
    if name in _SUBPACKAGES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'sparselearn' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBPACKAGES))
