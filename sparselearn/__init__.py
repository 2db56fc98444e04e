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

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
