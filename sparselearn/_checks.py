"""Array checks for the public functions whose every refusal names the argument.

scikit-learn's :func:`~sklearn.utils.check_array` refuses complex, empty, 1-D or non-numeric
input with messages that do not say which argument was wrong ("Complex data not supported",
"Found array with 0 sample(s)", "could not convert string to float"), and ``np.asarray(x,
dtype=float)`` casts complex input with only a ComplexWarning. :func:`check_named_array` runs
the checks in an order that names the argument in each message, then hands the array to
``check_array`` for the dtype, layout and finiteness conversions.
"""

import numbers

import numpy as np
import scipy.sparse as sp
from sklearn.utils import check_array

__all__ = ["check_named_array", "check_named_scalar"]


def check_named_array(x, name, *, ndim=(1, 2), dtype=np.float64, accept_sparse=False,
                      allow_empty=False, ensure_finite=True, allow_complex=False, order=None,
                      copy=False):
    """Validate an array argument; each ValueError / TypeError names ``name``.

    Parameters
    ----------
    x : array-like or sparse matrix
        The argument.
    name : str
        Its name in the caller's signature, quoted in every error message.
    ndim : int or tuple of int, default=(1, 2)
        Accepted numbers of dimensions.
    dtype : dtype, list of dtypes or None, default=np.float64
        As :func:`sklearn.utils.check_array`'s ``dtype`` (None keeps the dtype; a list keeps
        a listed dtype and converts others to the first).
    accept_sparse : bool, str or list of str, default=False
        Accepted sparse formats (False: a sparse input is a TypeError).
    allow_empty : bool, default=False
        Accept an array with no entries.
    ensure_finite : bool, default=True
        Refuse NaN and infinity.
    allow_complex : bool, default=False
        Accept complex input (kept complex; ``dtype`` then applies to real input only).
    order : {"C", "F"} or None, default=None
        Memory layout of the returned array.
    copy : bool, default=False
        Always copy.

    Returns
    -------
    x : ndarray or sparse matrix
        The validated array.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn._checks import check_named_array
    >>> check_named_array([1, 2], "a")
    array([1., 2.])
    >>> check_named_array(np.array([1 + 1j]), "a")
    Traceback (most recent call last):
    ...
    ValueError: a must be real; got complex input.
    """
    ndims = (ndim,) if isinstance(ndim, numbers.Integral) else tuple(ndim)
    if sp.issparse(x):
        if not accept_sparse:
            raise TypeError(f"{name} must be a dense array; got a sparse {type(x).__name__}.")
        values = x.data
    else:
        if isinstance(x, (str, bytes)) or x is None:
            raise TypeError(f"{name} must be an array of numbers; got {type(x).__name__}.")
        try:
            x = np.asarray(x)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"{name} must be an array of numbers: {exc}") from None
        values = x
    if values.dtype.kind not in "biufc":
        try:
            values = values.astype(np.complex128 if allow_complex else np.float64)
        except (ValueError, TypeError):
            raise ValueError(
                f"{name} must hold numbers; got an array of dtype {values.dtype} whose entries "
                "are not all numbers.") from None
        if not sp.issparse(x):
            x = values
    if np.iscomplexobj(values) and not allow_complex:
        raise ValueError(f"{name} must be real; got complex input.")
    if x.ndim not in ndims:
        expected = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"{name} must be a {expected} array; got shape {x.shape}.")
    if not allow_empty and np.prod(x.shape) == 0:
        raise ValueError(f"{name} is empty (shape {x.shape}).")
    if np.iscomplexobj(values):
        if ensure_finite and not np.all(np.isfinite(values)):
            raise ValueError(f"{name} contains NaN or infinity.")
        return np.array(x, dtype=np.complex128, order=order or "K", copy=copy or None)
    try:
        return check_array(x, accept_sparse=accept_sparse, dtype=dtype, order=order, copy=copy,
                           ensure_all_finite=ensure_finite, ensure_2d=False, allow_nd=True,
                           ensure_min_samples=0, ensure_min_features=0, input_name=name)
    except ValueError as exc:
        message = str(exc)
        raise ValueError(message if name in message else f"{name}: {message}") from None


def check_named_scalar(value, name, *, kind="real", low=None, high=None, closed="left",
                       allow_none=False):
    """Validate a number argument; each ValueError / TypeError names ``name``.

    Parameters
    ----------
    value : object
        The argument.
    name : str
        Its name in the caller's signature.
    kind : {"real", "integer"}, default="real"
        An integer (bool refused) or any finite real number.
    low, high : float or None, default=None
        Bounds (None: unbounded).
    closed : {"left", "right", "both", "neither"}, default="left"
        Which bounds are included.
    allow_none : bool, default=False
        Accept None (returned as is).

    Returns
    -------
    value : int, float or None
        ``int(value)`` or ``float(value)``.

    Examples
    --------
    >>> from sparselearn._checks import check_named_scalar
    >>> check_named_scalar(3, "max_iter", kind="integer", low=1)
    3
    >>> check_named_scalar(-1.0, "tol", low=0)
    Traceback (most recent call last):
    ...
    ValueError: tol must be a real number >= 0; got -1.0.
    """
    if value is None and allow_none:
        return None
    if kind == "integer":
        valid_type = isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
        words = "an integer"
    else:
        valid_type = (isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
                      and np.isfinite(value))
        words = "a real number"
    left_ok = low is None or (value >= low if closed in ("left", "both") else value > low) \
        if valid_type else False
    right_ok = high is None or (value <= high if closed in ("right", "both") else value < high) \
        if valid_type else False
    if not (valid_type and left_ok and right_ok):
        bounds = []
        if low is not None:
            bounds.append((">= " if closed in ("left", "both") else "> ") + f"{low}")
        if high is not None:
            bounds.append(("<= " if closed in ("right", "both") else "< ") + f"{high}")
        requirement = words + (" " + " and ".join(bounds) if bounds else "")
        if allow_none:
            requirement += " or None"
        error = ValueError if valid_type else TypeError
        raise error(f"{name} must be {requirement}; got {value!r}.")
    return int(value) if kind == "integer" else float(value)


def check_named_Xy(X, y, *, X_name="X", y_name="y", y_ndim=1, **kwargs):
    """Validate a 2-D ``X`` and a target ``y`` with one entry (or row) per row of ``X``.

    Parameters
    ----------
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Design.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Target, float64.
    X_name, y_name : str, default="X", "y"
        Names quoted in the error messages.
    y_ndim : int or tuple of int, default=1
        Accepted numbers of dimensions of ``y``.
    **kwargs : dict
        Passed to :func:`check_named_array` for ``X``.

    Returns
    -------
    X, y : validated arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from sparselearn._checks import check_named_Xy
    >>> check_named_Xy(np.ones((3, 2)), np.ones(2))
    Traceback (most recent call last):
    ...
    ValueError: inconsistent numbers of samples: y has 2 entries but X has 3 rows.
    """
    X = check_named_array(X, X_name, ndim=2, **kwargs)
    y = check_named_array(y, y_name, ndim=y_ndim)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"inconsistent numbers of samples: {y_name} has {y.shape[0]} entries "
                         f"but {X_name} has {X.shape[0]} rows.")
    return X, y


def check_kernel_code(obj, name, code_attr="_code"):
    """Refuse a penalty or datafit without a compiled kernel (its ``code_attr`` is None).

    The solvers run compiled kernels that pick a penalty's or a datafit's formulas by an integer
    code; a subclass of the base class defined outside sparselearn has none, and would
    otherwise fail deep inside a kernel with an unrelated error.

    Parameters
    ----------
    obj : Penalty or Datafit
        The object to check.
    name : str
        The argument it was passed as (``"penalty"``, ``"datafit"``), quoted in the error.
    code_attr : str, default="_code"
        The attribute holding the kernel code (``"_gcode"`` for the group penalties).

    Returns
    -------
    obj : Penalty or Datafit
        ``obj`` itself.
    """
    if getattr(obj, code_attr, None) is None:
        raise ValueError(
            f"{name}: {type(obj).__name__} has no compiled kernel ({code_attr} is None). The "
            f"solvers run the formulas of sparselearn's own classes only: build on one of them "
            f"(a subclass may compute its parameters, such as a penalty's per-feature weights; "
            f"a loss takes sample_weight), or add the new {name}'s kernel to sparselearn "
            f"itself as the contributor guide describes."
        )
    return obj
