"""Generic solvers over (datafit, penalty).

``solve`` dispatches to working-set coordinate descent (default), FISTA or the nonconvex
accelerated gradient method of Yang, Asgharian & Bhatnagar, and returns the objective too;
``fit_path`` is the warm-started sequence of solves behind every estimator, path and CV.
The public functions check their arrays once; what they call internally does not check again.
"""

from .._design import Design, as_design
from ._common import absolute_tol, gradient_at_start, objective
from ._solve import SOLVERS, alpha_max, fit_path, solve
from .gradient import accelerated_gradient, fista
from .working_set import solve_working_set

#: The names :func:`~sparselearn.solvers.solve` accepts as ``solver``: ``"auto"`` and ``"cd"``
#: (working-set coordinate descent), ``"agd"`` (the nonconvex accelerated gradient method) and
#: ``"fista"``.
SOLVERS = SOLVERS  # re-bound here so that the API reference shows the comment above

__all__ = ["solve", "solve_working_set", "accelerated_gradient", "fista", "objective", "Design",
           "as_design", "gradient_at_start", "absolute_tol", "alpha_max", "fit_path", "SOLVERS"]
