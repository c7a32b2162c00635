"""Exceptions raised by pmkit.

The tree::

    PmkitError                      root of everything pmkit raises on purpose
    ├── ParseError(ValueError)      a document or export could not be read;
    │                               carries ``.source`` (file) and ``.line``
    ├── SchemaError(ValueError)     a table does not match its declared schema;
    │                               carries ``.failures``, a DataFrame with one
    │                               row per failed check
    └── UsageError(ValueError)      a call's arguments do not make sense
                                    (unknown column, unknown duration, empty
                                    selection); the message says how to fix it

Bad *content* is a ``ValueError`` subclass; a wrong Python *type* is a plain
``TypeError``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ParseError", "PmkitError", "SchemaError", "UsageError"]


class PmkitError(Exception):
    """Root of the exceptions pmkit raises on purpose."""


class ParseError(PmkitError, ValueError):
    """A document could not be read.

    Parameters
    ----------
    message : str
        What failed and how to fix it.
    source : str or None
        The file (or record) the problem is in.
    line : int or None
        1-based line number in ``source``.
    code : str
        The ``problems`` code of the failure, e.g. ``"time.naive"``.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        code: str = "parse",
    ) -> None:
        self.source = source
        self.line = line
        self.code = code
        where = ""
        if source is not None:
            where = f"{source}:{line}: " if line is not None else f"{source}: "
        super().__init__(f"{where}{message}")


class SchemaError(PmkitError, ValueError):
    """A table does not match its schema; ``failures`` lists every failed check."""

    def __init__(self, message: str, failures: pd.DataFrame) -> None:
        self.failures = failures
        super().__init__(message)


class UsageError(PmkitError, ValueError):
    """The arguments of a call do not make sense; the message says how to fix it."""
