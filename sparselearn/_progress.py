"""Progress display and early-stopping callback shared by the iterative estimators.

Every iterative estimator takes scikit-learn's integer ``verbose`` and a ``callback``:

- ``verbose=0`` (or ``False``): silent;
- ``verbose=1`` (or ``True``): a progress display for long fits only. With `tqdm
  <https://tqdm.github.io>`_ installed, a bar on stderr that appears once the fit has run for
  :data:`DELAY` seconds (fits shorter than that show nothing), with the estimator's objective or
  gap as postfix and an ETA when the number of iterations is known; without tqdm, a plain line
  on stderr at most every :data:`INTERVAL` seconds, the first one after :data:`DELAY` seconds;
- ``verbose >= 2``: one line per iteration on stdout (and the estimators' other messages);
- ``callback(state)`` is called after every iteration (epoch, step, stage) with a dict: the
  ``iteration`` count (from 1), the estimator's own quantities (objective, gap, the current
  iterate: live arrays, copy what you keep) and ``elapsed`` seconds. A truthy return value stops
  the fit there: the estimator is fitted with the current iterate, ``n_iter_`` is that
  iteration, and no ``ConvergenceWarning`` is raised for a stop the user asked for.

:class:`Progress` is the one implementation; it is called from the Python-level loops (outer
iterations, epochs, stages, folds), never from inside a Numba kernel.
"""

import sys
import time

try:
    from tqdm import tqdm
except ImportError:  # tqdm is optional: plain lines instead
    tqdm = None

__all__ = ["Progress", "DELAY", "INTERVAL"]

#: Seconds a fit runs before the ``verbose=1`` display appears.
DELAY = 2.0
#: Least seconds between two plain progress lines (``verbose=1`` without tqdm).
INTERVAL = 2.0


def _format(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


class Progress:
    """Progress display and early-stopping callback of one fit.

    Use as a context manager around the fit's Python-level loop; call :meth:`update` once per
    iteration and stop when it returns True.

    Parameters
    ----------
    label : str
        The estimator's name, shown in front of every line and on the bar.
    verbose : int or bool, default=0
        0 silent, 1 progress display for long fits, >= 2 one line per iteration.
    total : int, default=None
        The most iterations the loop can take (for the bar's ETA), None if unknown.
    callback : callable, default=None
        ``callback(state)`` after every :meth:`update`; a truthy return stops the fit.
    unit : str, default="it"
        What one iteration is (``"it"``, ``"epoch"``, ``"step"``, ``"fit"``).

    Attributes
    ----------
    n : int
        Iterations reported so far.
    stopped : bool
        Whether the callback asked to stop.

    Examples
    --------
    >>> from sparselearn._progress import Progress
    >>> with Progress("Demo", verbose=2, total=3) as progress:
    ...     for it in range(3):
    ...         if progress.update(line=f"iteration {it + 1}", objective=1.0 / (it + 1)):
    ...             break
    [Demo] iteration 1
    [Demo] iteration 2
    [Demo] iteration 3
    """

    def __init__(self, label, verbose=0, total=None, callback=None, unit="it"):
        self.label = label
        self.verbose = int(verbose)
        self.total = total
        self.callback = callback
        self.unit = unit
        self.n = 0
        self.stopped = False
        self.start = time.perf_counter()
        self._last_line = self.start + DELAY - INTERVAL
        self._bar = None
        if self.verbose == 1 and tqdm is not None:
            self._bar = tqdm(total=total, desc=label, unit=unit, delay=DELAY, file=sys.stderr,
                             leave=True, dynamic_ncols=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    @property
    def elapsed(self):
        """Seconds since the fit started."""
        return time.perf_counter() - self.start

    def update(self, n=1, line=None, state=None, **fields):
        """Report ``n`` more iterations; return True when the callback asks to stop.

        Parameters
        ----------
        n : int, default=1
            Iterations done since the last call.
        line : str, default=None
            The per-iteration message printed at ``verbose >= 2``.
        state : dict, default=None
            Extra entries of the callback's state (the current iterate, ...), not displayed.
        **fields
            Quantities shown on the bar and the plain lines (objective, gap, ...) and passed to
            the callback.

        Returns
        -------
        stop : bool
            True when the callback returned a truthy value (then also :attr:`stopped`).
        """
        if self.stopped:  # a later loop of the same fit: stop it at once
            return True
        self.n += n
        if self.verbose >= 2:
            if line is not None:
                print(f"[{self.label}] {line}", flush=True)
        elif self.verbose == 1:
            self._display(n, fields)
        if self.callback is not None:
            full = {"iteration": self.n, **fields, **(state or {}), "elapsed": self.elapsed}
            if self.callback(full):
                self.stopped = True
        return self.stopped

    def show(self, **fields):
        """Refresh the ``verbose=1`` display with ``fields`` without counting an iteration or
        calling the callback (for solvers that report their state between iterations).

        Parameters
        ----------
        **fields
            Quantities shown on the bar and the plain lines.
        """
        if self.verbose == 1:
            self._display(0, fields)

    def set_total(self, total):
        """Set the most iterations the loop can take, once it is known.

        Parameters
        ----------
        total : int or None
            The new total (None: unknown).
        """
        self.total = total
        if self._bar is not None:
            self._bar.total = total

    def _display(self, n, fields):
        if self._bar is not None:
            if fields:
                self._bar.set_postfix({k: _format(v) for k, v in fields.items()}, refresh=False)
            self._bar.update(n)
            return
        now = time.perf_counter()
        if now - self._last_line < INTERVAL:
            return
        self._last_line = now
        elapsed = now - self.start
        done = f"{self.n}/{self.total}" if self.total else str(self.n)
        text = ", ".join(f"{k} {_format(v)}" for k, v in fields.items())
        eta = ""
        if self.total and self.n:
            eta = f", at most {elapsed / self.n * max(self.total - self.n, 0):.0f} s left"
        print(f"[{self.label}] {self.unit} {done}{': ' + text if text else ''} "
              f"({elapsed:.1f} s{eta})", file=sys.stderr, flush=True)

    def log(self, line, level=2):
        """Print ``[label] line`` on stdout when ``verbose >= level``.

        Parameters
        ----------
        line : str
            The message.
        level : int, default=2
            The least ``verbose`` that prints it.
        """
        if self.verbose >= level:
            if self._bar is not None:
                self._bar.write(f"[{self.label}] {line}", file=sys.stdout)
            else:
                print(f"[{self.label}] {line}", flush=True)

    def close(self):
        """Close the bar (a no-op without one)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
