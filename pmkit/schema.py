"""The five tables' columns and dtypes, declared once and checked here.

Every table is a pandas DataFrame on a RangeIndex. Strings are Arrow-backed
(``pd.StringDtype("pyarrow")``, missing is ``pd.NA``), timestamps are
``datetime64[us, UTC]``, enumerations are categoricals.

>>> from pmkit import schema
>>> list(schema.empty("problems").columns)
['source', 'line', 'incident_id', 'level', 'code', 'message']
>>> schema.validate(schema.empty("events"), "events").shape
(0, 12)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmkit.errors import SchemaError

__all__ = [
    "ACTION_STATUSES",
    "CONFIDENCES",
    "DETECTION_SOURCES",
    "EVENT_KINDS",
    "LEVELS",
    "MILESTONES",
    "PROVENANCES",
    "SEVERITIES",
    "STEPS",
    "TABLES",
    "TIME_PRECISIONS",
    "confidence_column",
    "conform",
    "empty",
    "from_lists",
    "inferred_mask",
    "line_column",
    "provenance_column",
    "validate",
]

STRING = pd.StringDtype("pyarrow")
TIMESTAMP = pd.DatetimeTZDtype(unit="us", tz="UTC")
INT = pd.Int64Dtype()
BOOL = pd.BooleanDtype()

#: Event kinds, in the order an incident usually goes through them.
EVENT_KINDS: tuple[str, ...] = (
    "impact_start",
    "detected",
    "reported",
    "acknowledged",
    "escalated",
    "communicated_internal",
    "communicated_external",
    "action",
    "mitigated",
    "resolved",
    "note",
)
#: How an incident was first noticed. Always filled: ``unknown`` when not stated.
DETECTION_SOURCES: tuple[str, ...] = (
    "monitoring",
    "customer",
    "employee",
    "third_party",
    "automated_test",
    "unknown",
)
#: Canvas steps that hold remediation ideas and actions. ``cause`` (root cause,
#: contributing factors) and ``lesson`` (lessons learned) are not canvas steps
#: but are where real postmortems write their risks down.
STEPS: tuple[str, ...] = (
    "detect",
    "react",
    "quick_fix",
    "prevent",
    "other_risk",
    "cause",
    "lesson",
)
#: Ordered from most to least severe; ``SEV1 < SEV2`` means SEV1 is worse.
SEVERITIES: tuple[str, ...] = ("SEV1", "SEV2", "SEV3", "SEV4", "SEV5")
ACTION_STATUSES: tuple[str, ...] = ("open", "in_progress", "done", "wont_do", "unknown")
TIME_PRECISIONS: tuple[str, ...] = ("second", "minute", "hour", "day", "relative")
#: Where a milestone timestamp on ``incidents`` came from: stated in front
#: matter, stated by a timeline line (or the summary), recorded by an incident
#: platform, or inferred from other lines (with a ``milestone.inferred`` problem).
PROVENANCES: tuple[str, ...] = ("metadata", "timeline", "platform", "inferred")
#: How sure a milestone is: ``stated`` (a line, the front matter or a platform
#: gives it), ``inferred`` (taken from other lines) or ``ambiguous`` (stated, but
#: the document contradicts itself about it or its time could be read two ways:
#: a day-first or month-first date, ``PST`` in July, a line out of order, a
#: platform that disagrees by more than 5 minutes, milestones out of order).
CONFIDENCES: tuple[str, ...] = ("stated", "inferred", "ambiguous")
#: Problem levels; ``info`` rows say what was skipped on purpose (a README in
#: a folder), not what went wrong.
LEVELS: tuple[str, ...] = ("error", "warning", "info")
#: Milestones on ``incidents``: name -> the event kinds whose timed events supply
#: it when no metadata gives it: the first of them, the last for a resolution
#: (a customer report is a detection).
MILESTONES: dict[str, tuple[str, ...]] = {
    "started_at": ("impact_start",),
    "detected_at": ("detected", "reported"),
    "reported_at": ("reported",),
    "acknowledged_at": ("acknowledged",),
    "mitigated_at": ("mitigated",),
    "resolved_at": ("resolved",),
    "communicated_at": ("communicated_external",),
}


def provenance_column(milestone: str) -> str:
    """The column saying where a milestone came from.

    >>> provenance_column("started_at")
    'started_from'
    """
    return milestone.removesuffix("_at") + "_from"


def line_column(milestone: str) -> str:
    """The column holding the line of ``source`` a milestone was read from.

    >>> line_column("started_at")
    'started_line'
    """
    return milestone.removesuffix("_at") + "_line"


def confidence_column(milestone: str) -> str:
    """The column saying how sure a milestone is (see :data:`CONFIDENCES`).

    >>> confidence_column("started_at")
    'started_confidence'
    """
    return milestone.removesuffix("_at") + "_confidence"


def inferred_mask(incidents: pd.DataFrame, milestone: str) -> np.ndarray:
    """Rows whose ``milestone`` the reader inferred (a boolean NumPy array).

    All False when the frame has no provenance column for it (``occurred_at``,
    or a frame built without them).
    """
    column = provenance_column(milestone)
    if column not in incidents:
        return np.zeros(len(incidents), dtype=bool)
    inferred: np.ndarray = (incidents[column].astype(object) == "inferred").to_numpy(
        dtype=bool, na_value=False
    )
    return inferred


def _cat(values: Sequence[str], *, ordered: bool = False) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(list(values), ordered=ordered)


PROVENANCE = _cat(PROVENANCES)
CONFIDENCE = _cat(CONFIDENCES)

#: table name -> {column: dtype}; the column order is the table's order.
TABLES: dict[str, dict[str, Any]] = {
    "incidents": {
        "incident_id": STRING,
        "title": STRING,
        "summary": STRING,
        "severity": _cat(SEVERITIES, ordered=True),
        "team": STRING,
        "service": STRING,
        "status": STRING,
        "occurred_at": TIMESTAMP,
        "started_at": TIMESTAMP,
        "detected_at": TIMESTAMP,
        "reported_at": TIMESTAMP,
        "acknowledged_at": TIMESTAMP,
        "mitigated_at": TIMESTAMP,
        "resolved_at": TIMESTAMP,
        "communicated_at": TIMESTAMP,
        "started_from": PROVENANCE,
        "detected_from": PROVENANCE,
        "reported_from": PROVENANCE,
        "acknowledged_from": PROVENANCE,
        "mitigated_from": PROVENANCE,
        "resolved_from": PROVENANCE,
        "communicated_from": PROVENANCE,
        "started_line": INT,
        "detected_line": INT,
        "reported_line": INT,
        "acknowledged_line": INT,
        "mitigated_line": INT,
        "resolved_line": INT,
        "communicated_line": INT,
        "started_confidence": CONFIDENCE,
        "detected_confidence": CONFIDENCE,
        "reported_confidence": CONFIDENCE,
        "acknowledged_confidence": CONFIDENCE,
        "mitigated_confidence": CONFIDENCE,
        "resolved_confidence": CONFIDENCE,
        "communicated_confidence": CONFIDENCE,
        "detection_source": _cat(DETECTION_SOURCES),
        "reported_by": STRING,
        "tz": STRING,
        "source": STRING,
    },
    "events": {
        "incident_id": STRING,
        "seq": INT,
        "at": TIMESTAMP,
        "kind": _cat(EVENT_KINDS),
        "actor": STRING,
        "text": STRING,
        "raw_time": STRING,
        "time_precision": _cat(TIME_PRECISIONS),
        "approximate": BOOL,
        "source": STRING,
        "line": INT,
        "heading": STRING,
    },
    "ideas": {
        "incident_id": STRING,
        "step": _cat(STEPS),
        "text": STRING,
        "heading": STRING,
        "source": STRING,
        "line": INT,
    },
    "actions": {
        "incident_id": STRING,
        "action_id": STRING,
        "text": STRING,
        "owner": STRING,
        "due": TIMESTAMP,
        "status": _cat(ACTION_STATUSES),
        "closed_at": TIMESTAMP,
        "step": _cat(STEPS),
        "tracker_key": STRING,
        "source": STRING,
        "line": INT,
    },
    "problems": {
        "source": STRING,
        "line": INT,
        "incident_id": STRING,
        "level": _cat(LEVELS),
        "code": STRING,
        "message": STRING,
    },
}

#: Columns that may never be missing.
REQUIRED: dict[str, tuple[str, ...]] = {
    "incidents": ("incident_id", "detection_source"),
    "events": ("incident_id", "seq", "kind", "text"),
    "ideas": ("incident_id", "step", "text"),
    "actions": ("incident_id", "action_id", "text", "status"),
    "problems": ("level", "code", "message"),
}


def _table(name: str) -> dict[str, Any]:
    try:
        return TABLES[name]
    except KeyError:
        raise ValueError(
            f"unknown table {name!r}; pmkit's tables are {', '.join(TABLES)}"
        ) from None


def empty(name: str) -> pd.DataFrame:
    """An empty table with the declared columns and dtypes.

    >>> empty("ideas").dtypes["step"]
    CategoricalDtype(categories=['detect', 'react', 'quick_fix', 'prevent', 'other_risk',
                      'cause', 'lesson'],
    , ordered=False, categories_dtype=str)
    """
    cols = _table(name)
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in cols.items()})


def _to_timestamp(values: Any) -> pd.Series:
    s = pd.Series(values)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC").astype(TIMESTAMP)
    if s.dtype.kind == "i":
        # integers are microseconds since the epoch, UTC
        return pd.Series(s.to_numpy(dtype="int64").astype("datetime64[us]")).dt.tz_localize("UTC")
    return pd.Series(pd.to_datetime(s, utc=True)).astype(TIMESTAMP)


def _columns_and_length(
    data: Mapping[str, Any] | pd.DataFrame, name: str
) -> tuple[dict[str, Any], int]:
    """Table ``name``'s schema and the common length of ``data``'s columns.

    Raises ValueError for a column the table does not have (a typo must not drop
    data silently) and for columns of different lengths.
    """
    cols = _table(name)
    extra = [c for c in data if c not in cols]
    if extra:
        raise ValueError(
            f"{name} has no column(s) {', '.join(map(str, extra))}; "
            f"its columns are {', '.join(cols)}"
        )
    lengths = {len(v) for v in dict(data).values()} if len(data) else {0}
    if len(lengths) > 1:
        raise ValueError(f"{name}: columns have different lengths {sorted(lengths)}")
    return cols, lengths.pop()


def conform(data: Mapping[str, Any] | pd.DataFrame, name: str) -> pd.DataFrame:
    """Build table ``name`` from column data, casting every column to its dtype.

    Missing columns are filled with NA; columns that are not in the schema are
    an error (so a typo cannot drop data silently).

    >>> conform({"incident_id": ["a"], "seq": [0], "kind": ["detected"], "text": ["x"]},
    ...         "events").dtypes["kind"].categories[1]
    'detected'
    """
    cols, n = _columns_and_length(data, name)
    out: dict[str, pd.Series] = {}
    for col, dtype in cols.items():
        if col not in data:
            out[col] = (
                pd.Series(pd.array([None] * n, dtype=dtype)) if n else pd.Series([], dtype=dtype)
            )
            continue
        values = data[col]
        if isinstance(dtype, pd.DatetimeTZDtype):
            out[col] = _to_timestamp(values).reset_index(drop=True)
        else:
            out[col] = pd.Series(values).reset_index(drop=True).astype(dtype)
    return pd.DataFrame(out)


_ARROW_TIMESTAMP = pa.timestamp("us", tz="UTC")
#: What Arrow could not take as it is: the column is cast the slow way instead.
_NOT_PLAIN = (pa.ArrowException, OverflowError)


def _numpy(arr: pa.Array, fill: Any) -> tuple[Any, Any]:
    """Values and missing-value mask of an Arrow array, for pandas' masked arrays."""
    mask = arr.is_null().to_numpy(zero_copy_only=False)
    return arr.fill_null(fill).to_numpy(zero_copy_only=False, writable=True), mask


def _plain(values: list[Any], dtype: Any) -> Any:
    """``values`` as an array of ``dtype`` through Arrow, or None when they are not plain.

    Plain is ``str`` for strings and categories, ``int`` for integers, ``bool``
    for flags, with ``None`` for missing. Anything else (a float, a string of
    digits, a category that is not one) returns None, so that the caller casts
    the column as :func:`conform` does: same result, same warnings and errors.
    """
    try:
        if dtype == STRING:
            return pd.array(pa.array(values, type=pa.large_string()), dtype=dtype)
        if dtype == INT:
            # Inferred, not typed: Arrow would truncate 1.5 to 1 where pandas refuses.
            arr = pa.array(values)
            if arr.type not in (pa.int64(), pa.null()):
                return None
            return pd.arrays.IntegerArray(*_numpy(arr.cast(pa.int64()), 0))
        if dtype == BOOL:
            return pd.arrays.BooleanArray(*_numpy(pa.array(values, type=pa.bool_()), False))
        if isinstance(dtype, pd.CategoricalDtype):
            arr = pa.array(values, type=pa.large_string())
            codes = pc.index_in(arr, value_set=pa.array(list(dtype.categories), pa.large_string()))
            if codes.null_count != arr.null_count:
                return None  # a value that is not a category: pandas warns, then drops it
            return pd.Categorical.from_codes(
                codes.fill_null(-1).to_numpy(zero_copy_only=False), dtype=dtype
            )
    except _NOT_PLAIN:
        return None
    return None


def from_lists(data: Mapping[str, list[Any]], name: str) -> pd.DataFrame:
    """Build table ``name`` from lists of plain Python values, as readers collect them.

    The fast way in for :func:`pmkit.load`, same result as :func:`conform`
    given the same values, with timestamps as ``int`` microseconds since the
    epoch, UTC. Other columns are ``str``, ``int``, ``bool`` or ``None``
    (missing); a column holding anything else is cast as :func:`conform` casts
    it, and raises as it does when a value does not fit.

    >>> df = from_lists({"incident_id": ["a", "a"], "seq": [0, 1], "at": [0, None],
    ...                  "kind": ["detected", "resolved"], "text": ["x", "y"]}, "events")
    >>> df["at"].tolist(), df["seq"].dtype, df["actor"].isna().all()
    ([Timestamp('1970-01-01 00:00:00+0000', tz='UTC'), NaT], Int64Dtype(), np.True_)
    """
    cols, n = _columns_and_length(data, name)
    out: dict[str, Any] = {}
    for col, dtype in cols.items():
        values = data.get(col)
        if values is None:
            values = [None] * n
        if isinstance(dtype, pd.DatetimeTZDtype):
            stamps = pa.array(values, type=_ARROW_TIMESTAMP)
            stamps_np = stamps.to_numpy(zero_copy_only=False, writable=True)
            out[col] = pd.array(stamps_np, dtype=dtype)
            continue
        array = _plain(values, dtype)
        out[col] = pd.Series(values).astype(dtype).array if array is None else array
    return pd.DataFrame(out, copy=False)


def _failures(name: str, df: pd.DataFrame) -> pd.DataFrame:
    cols = _table(name)
    rows: list[dict[str, Any]] = []
    missing = [c for c in cols if c not in df.columns]
    for c in missing:
        rows.append({"table": name, "column": c, "check": "present", "found": "missing"})
    for c, dtype in cols.items():
        if c in missing:
            continue
        if df[c].dtype != dtype:
            rows.append(
                {"table": name, "column": c, "check": f"dtype {dtype}", "found": str(df[c].dtype)}
            )
        elif isinstance(dtype, pd.CategoricalDtype) and list(df[c].cat.categories) != list(
            dtype.categories
        ):
            rows.append(
                {
                    "table": name,
                    "column": c,
                    "check": f"categories {list(dtype.categories)}",
                    "found": str(list(df[c].cat.categories)),
                }
            )
    for c in REQUIRED[name]:
        if c in df.columns:
            n_na = int(df[c].isna().sum())
            if n_na:
                rows.append(
                    {
                        "table": name,
                        "column": c,
                        "check": "no missing values",
                        "found": f"{n_na} NA",
                    }
                )
    if not isinstance(df.index, pd.RangeIndex):
        rows.append(
            {
                "table": name,
                "column": "<index>",
                "check": "RangeIndex",
                "found": type(df.index).__name__,
            }
        )
    return pd.DataFrame(rows, columns=["table", "column", "check", "found"]).astype(STRING)


def validate(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check ``df`` against table ``name`` and return it unchanged (for ``.pipe``).

    Raises
    ------
    SchemaError
        With ``.failures``: one row per failed check (table, column, check, found).

    >>> validate(pd.DataFrame({"x": [1]}), "problems")
    Traceback (most recent call last):
    ...
    pmkit.errors.SchemaError: problems does not match its schema: 6 failed check(s), first: ...
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    failures = _failures(name, df)
    if len(failures):
        first = failures.iloc[0]
        raise SchemaError(
            f"{name} does not match its schema: {len(failures)} failed check(s), first: "
            f"column {first['column']} {first['check']}, found {first['found']}; "
            f'build tables with pmkit.schema.conform(data, "{name}")',
            failures,
        )
    return df


def concat(frames: Sequence[pd.DataFrame], name: str) -> pd.DataFrame:
    """Concatenate frames of table ``name`` keeping the schema's dtypes."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty(name)
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    out = pd.concat(frames, ignore_index=True)
    for c, dtype in _table(name).items():
        if out[c].dtype != dtype:
            out[c] = out[c].astype(dtype)
    return out
