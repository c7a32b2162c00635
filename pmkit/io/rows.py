"""Column lists that readers append rows to; :func:`pmkit.load` turns them into tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pmkit import schema

__all__ = ["Parsed"]


class Parsed:
    """Column lists of the five tables for one or more documents.

    Readers append rows with :meth:`add`; timestamps are integer microseconds
    since the epoch, UTC (or ``None``), so no per-row datetime objects are
    built on the hot path.

    >>> p = Parsed()
    >>> p.problem("a.md", 3, "warning", "time.placeholder", "fill in the time")
    >>> p.tables["problems"]["code"], len(p)
    (['time.placeholder'], 0)
    """

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, list[Any]]] = {
            name: {c: [] for c in cols} for name, cols in schema.TABLES.items()
        }

    def add(self, table: str, **row: Any) -> None:
        """Append one row; columns not given are missing."""
        self.append(table, row)

    def append(self, table: str, row: Mapping[str, Any]) -> None:
        """:meth:`add` for a row already in a mapping (no keyword re-packing)."""
        get = row.get
        for col, values in self.tables[table].items():
            values.append(get(col))

    def problem(
        self,
        source: str | None,
        line: int | None,
        level: str,
        code: str,
        message: str,
        *,
        incident_id: str | None = None,
    ) -> None:
        """Append a ``problems`` row."""
        self.add(
            "problems",
            source=source,
            line=line,
            incident_id=incident_id,
            level=level,
            code=code,
            message=message,
        )

    def __len__(self) -> int:
        """Incidents read so far."""
        return len(self.tables["incidents"]["incident_id"])
