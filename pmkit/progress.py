"""A progress bar for long work, in Jupyter and in a terminal, with a tqdm-like API.

In a Jupyter kernel it draws an HTML ``<progress>`` bar that updates in place
(through IPython's display handles, so no ipywidgets needed); in a terminal it
redraws one line on stderr; when stderr is not a terminal (a CI log, a pipe)
it writes a single line when the work ends, so logs do not fill with bars.

>>> from pmkit.progress import progress
>>> total = 0
>>> for x in progress(range(3), desc="adding", disable=True):
...     total += x
>>> total
3
>>> bar = progress(total=10, disable=True)
>>> bar(4, 10)  # also usable as pmkit.load(..., progress=bar)
>>> bar.n
4
"""

from __future__ import annotations

import html
import sys
import time
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import IO, Any, Generic, TypeVar

__all__ = ["Progress", "progress"]

T = TypeVar("T")
_WIDTH = 30


def _in_jupyter() -> bool:
    shell_mod = sys.modules.get("IPython")
    if shell_mod is None:
        return False
    shell = shell_mod.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h:d}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


class Progress(Generic[T]):
    """Progress of ``total`` steps; iterate over it, or call :meth:`update`.

    Parameters
    ----------
    iterable : iterable, optional
        Items to yield while counting them.
    total : int, optional
        Number of steps; default ``len(iterable)`` when it has one.
    desc : str
        What is being done, shown before the bar.
    unit : str
        Name of one step ("files", "incidents").
    disable : bool
        Draw nothing (counting still works).
    file : text stream, optional
        Where the terminal bar goes; default stderr.
    mininterval : float
        Least seconds between two redraws.
    """

    def __init__(
        self,
        iterable: Iterable[T] | None = None,
        total: int | None = None,
        *,
        desc: str = "",
        unit: str = "it",
        disable: bool = False,
        file: IO[str] | None = None,
        mininterval: float = 0.1,
    ) -> None:
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable)  # type: ignore[arg-type]
        self.iterable = iterable
        self.total = total
        self.desc = desc
        self.unit = unit
        self.disable = disable
        self.file = file if file is not None else sys.stderr
        self.mininterval = mininterval
        self.n = 0
        self.closed = False
        self._start = time.monotonic()
        self._last = -float("inf")
        self._handle: Any = None
        self._jupyter = not disable and _in_jupyter()
        self._tty = bool(getattr(self.file, "isatty", lambda: False)())

    # -- counting --------------------------------------------------------------------------

    def __iter__(self) -> Iterator[T]:
        if self.iterable is None:
            raise TypeError("this Progress has no iterable; call update() instead")
        try:
            for item in self.iterable:
                yield item
                self.update()
        finally:
            self.close()

    def update(self, n: int = 1) -> None:
        """Advance by ``n`` steps."""
        self.n += n
        self._draw()

    def __call__(self, done: int, total: int | None = None) -> None:
        """Set the count directly: the ``progress=`` callback of :func:`pmkit.load`."""
        if total is not None:
            self.total = total
        self.n = done
        self._draw()
        if self.total is not None and done >= self.total:
            self.close()

    def set_description(self, desc: str) -> None:
        self.desc = desc
        self._draw(force=True)

    def close(self) -> None:
        """Draw the final state and stop."""
        if self.closed:
            return
        self._draw(force=True, final=True)
        self.closed = True

    def __enter__(self) -> Progress[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- drawing ---------------------------------------------------------------------------

    def text(self) -> str:
        """One line: ``desc:  40% |######....| 4/10 files [00:02<00:03, 2.0 files/s]``."""
        elapsed = time.monotonic() - self._start
        head = f"{self.desc}: " if self.desc else ""
        rate = f", {self.n / elapsed:,.1f} {self.unit}/s" if self.n and elapsed > 0 else ""
        if self.total:
            frac = min(self.n / self.total, 1.0)
            filled = int(_WIDTH * frac)
            left = elapsed / self.n * (self.total - self.n) if self.n else 0.0
            return (
                f"{head}{frac:4.0%} |{'#' * filled}{'.' * (_WIDTH - filled)}| "
                f"{self.n}/{self.total} {self.unit} [{_clock(elapsed)}<{_clock(left)}{rate}]"
            )
        return f"{head}{self.n} {self.unit} [{_clock(elapsed)}{rate}]"

    def _html(self) -> str:
        value = f"value='{self.n}' max='{self.total}'" if self.total else ""
        return (
            f"<div class='pmkit-progress'><progress {value} style='width:20em'></progress> "
            f"<code>{html.escape(self.text())}</code></div>"
        )

    def _draw(self, *, force: bool = False, final: bool = False) -> None:
        if self.disable or self.closed:
            return
        now = time.monotonic()
        if not force and now - self._last < self.mininterval:
            return
        self._last = now
        if self._jupyter:
            from IPython.display import HTML, display

            if self._handle is None:
                self._handle = display(HTML(self._html()), display_id=True)
            else:
                self._handle.update(HTML(self._html()))
        elif self._tty:
            self.file.write("\r" + self.text() + ("\n" if final else ""))
            self.file.flush()
        elif final:
            self.file.write(self.text() + "\n")
            self.file.flush()


def progress(
    iterable: Iterable[T] | None = None,
    total: int | None = None,
    **kwargs: Any,
) -> Progress[T]:
    """A :class:`Progress` bar (same arguments), like ``tqdm(iterable)``."""
    return Progress(iterable, total, **kwargs)
