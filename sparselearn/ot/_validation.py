"""Input checks shared by the OT functions and estimators (kernels never validate)."""

import numpy as np

# relative mass mismatch accepted (then b is rescaled to the mass of a)
_MASS_RTOL = 1e-6


def _check_cost(M, name="M"):
    """2-D finite float64 C-contiguous cost matrix."""
    try:
        M = np.asarray(M)
    except (TypeError, ValueError) as exc:  # ragged input
        raise ValueError(f"{name} must be a 2-D array of numbers: {exc}") from None
    if M.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be a 2-D array of real numbers, got dtype {M.dtype}.")
    if M.ndim != 2:
        raise ValueError(f"{name} must be a 2-D cost matrix, got an array of shape {M.shape}.")
    if M.shape[0] == 0 or M.shape[1] == 0:
        raise ValueError(f"{name} must be non-empty, got shape {M.shape}.")
    M = np.ascontiguousarray(M, dtype=np.float64)
    if not np.all(np.isfinite(M)):
        raise ValueError(f"{name} contains NaN or infinity; costs must be finite.")
    return M


def _check_marginal(w, size, name, axis_name):
    """1-D finite non-negative weights of length ``size``; empty means uniform."""
    if w is None:
        return np.full(size, 1.0 / size)
    w = _real_array(w, name, "a 1-D array of non-negative weights")
    if w.ndim == 2 and 1 in w.shape:  # column or row vector
        w = w.ravel()
    if w.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of weights, got shape {w.shape}.")
    if w.shape[0] == 0:
        return np.full(size, 1.0 / size)
    if w.shape[0] != size:
        raise ValueError(
            f"{name} has {w.shape[0]} entries but M has {size} {axis_name}; "
            f"M must have shape (len(a), len(b))."
        )
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{name} contains NaN or infinity.")
    if np.any(w < 0):
        raise ValueError(f"{name} must be non-negative; it has negative entries.")
    if w.sum() <= 0:
        raise ValueError(f"{name} must have positive total mass.")
    return w


def _real_array(w, name, what):
    """``w`` as float64, refusing ragged, complex, object or string input by ``name``."""
    try:
        w = np.asarray(w)
    except (TypeError, ValueError):  # ragged input
        raise ValueError(f"{name} must be {what}.") from None
    if w.size and w.dtype.kind not in "biuf":
        raise ValueError(f"{name} must be {what} of real numbers, got dtype {w.dtype}.")
    return w.astype(np.float64, copy=False)


def _check_problem(a, b, M):
    """Validate ``(a, b, M)`` of an OT problem; return float64 copies with equal masses."""
    M = _check_cost(M)
    a = _check_marginal(a, M.shape[0], "a", "rows")
    b = _check_marginal(b, M.shape[1], "b", "columns")
    mass_a, mass_b = a.sum(), b.sum()
    if abs(mass_a - mass_b) > _MASS_RTOL * max(mass_a, mass_b):
        raise ValueError(
            f"a and b must have the same total mass (balanced OT), got sum(a) = {mass_a:.6g} "
            f"and sum(b) = {mass_b:.6g}."
        )
    b = b * (mass_a / mass_b)
    return a, b, M
