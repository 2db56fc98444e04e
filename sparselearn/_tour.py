"""What a row of the tour (``python -m sparselearn``) reports, and how it is timed.

Each subpackage's ``_tour`` module holds ``TOUR``, a list of ``(capability, problem, run)``,
and ``LEGEND``, a list of ``(term, meaning)`` for the words its rows use. ``run()`` does the
work and returns a :class:`Result`: sparselearn's own time, the reference's time when the row
runs one, and one sentence a reader can check.
"""

import time
from typing import NamedTuple, Optional


class Result(NamedTuple):
    """The outcome of one tour row.

    Attributes
    ----------
    seconds : float
        Time of sparselearn's own work in the row.
    result : str
        What was obtained, against a bound, a planted truth or the reference.
    reference : str
        The peer the row compares with (empty when none).
    reference_seconds : float or None
        The peer's time on the same problem (None when not timed).
    """

    seconds: float
    result: str
    reference: str = ""
    reference_seconds: Optional[float] = None


def timed(fn, *args, **kwargs):
    """Call ``fn(*args, **kwargs)``; return its value and the elapsed seconds."""
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start
