"""Durations as named milestone pairs, and the per-incident latency table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmkit import schema
from pmkit.collection import Postmortems
from pmkit.errors import UsageError

__all__ = ["CLOSED_STATUSES", "DURATIONS", "GROUP_COLUMNS", "Duration", "latencies"]

STRING = schema.STRING
DURATION = np.dtype("timedelta64[us]")
_NAT = np.iinfo(np.int64).min


@dataclass(frozen=True)
class Duration:
    """A duration defined as the time from one milestone column to another.

    Parameters
    ----------
    start, end : str
        Timestamp columns of ``incidents`` (e.g. ``"started_at"``, ``"detected_at"``).
    description : str
        What the duration measures, in words.

    Examples
    --------
    >>> from pmkit.metrics import DURATIONS
    >>> DURATIONS["time_to_detect"]
    Duration(start='started_at', end='detected_at', description='...')
    """

    start: str
    end: str
    description: str = ""


#: The default durations, name -> definition. Read-only; pass your own pairs
#: to :func:`latencies` with ``durations={"name": ("start_col", "end_col")}``.
DURATIONS: Mapping[str, Duration] = MappingProxyType(
    {
        "time_to_detect": Duration(
            "started_at", "detected_at", "impact start to detection (canvas step Detect)"
        ),
        "time_to_acknowledge": Duration(
            "detected_at", "acknowledged_at", "detection to acknowledgement (canvas step React)"
        ),
        "time_to_mitigate": Duration(
            "detected_at", "mitigated_at", "detection to mitigation (canvas step Quick Fix)"
        ),
        "time_to_resolve": Duration("started_at", "resolved_at", "impact start to resolution"),
        "time_to_communicate": Duration(
            "detected_at", "communicated_at", "detection to first external communication"
        ),
        "impact_duration": Duration(
            "started_at", "mitigated_at", "impact start to mitigation: how long users were hurt"
        ),
    }
)

#: Grouping columns copied from ``incidents`` to the latency table.
GROUP_COLUMNS: tuple[str, ...] = ("incident_id", "team", "service", "severity", "detection_source")
#: Lower-cased ``status`` values that mean an incident is over.
CLOSED_STATUSES: frozenset[str] = frozenset(
    {"resolved", "closed", "done", "complete", "completed", "fixed", "finished"}
)
DurationsArg = str | Sequence[str] | Mapping[str, "Duration | tuple[str, str]"] | None


def incidents_frame(pm: Postmortems | pd.DataFrame) -> pd.DataFrame:
    """The incidents table of ``pm`` (a collection or the table itself)."""
    if isinstance(pm, Postmortems):
        return pm.incidents
    if isinstance(pm, pd.DataFrame):
        return pm
    raise TypeError(
        f"expected a pmkit.Postmortems or an incidents DataFrame, got {type(pm).__name__}"
    )


def resolve_durations(durations: DurationsArg, columns: Sequence[str]) -> dict[str, Duration]:
    """Turn the ``durations`` argument into name -> Duration, checking the columns."""
    if durations is None:
        chosen: dict[str, Duration] = dict(DURATIONS)
    elif isinstance(durations, Mapping):
        chosen = {}
        for name, value in durations.items():
            if isinstance(value, Duration):
                chosen[str(name)] = value
            elif isinstance(value, tuple | list) and len(value) == 2:
                chosen[str(name)] = Duration(str(value[0]), str(value[1]), "custom")
            else:
                raise UsageError(
                    f"duration {name!r} must be a (start_column, end_column) pair or a "
                    f"pmkit.metrics.Duration, got {value!r}"
                )
    else:
        names = [durations] if isinstance(durations, str) else list(durations)
        unknown = [n for n in names if n not in DURATIONS]
        if unknown:
            raise UsageError(
                f"unknown duration(s) {', '.join(map(repr, unknown))}; the defined durations "
                f"are {', '.join(DURATIONS)}; pass your own as "
                '{"name": ("start_column", "end_column")}'
            )
        chosen = {n: DURATIONS[n] for n in names}
    if not chosen:
        raise UsageError("no durations given; pass None for all of pmkit.metrics.DURATIONS")
    clash = [n for n in chosen if n in (*GROUP_COLUMNS, "quarter", "open", "exclusion_reason")]
    if clash:
        raise UsageError(f"duration name(s) {', '.join(clash)} clash with output columns")
    stamps = [c for c in columns if c.endswith("_at")]
    for name, d in chosen.items():
        for col in (d.start, d.end):
            if col not in columns:
                raise UsageError(
                    f"duration {name!r} needs column {col!r}, which is not in incidents; "
                    f"its timestamp columns are {', '.join(stamps)}"
                )
    return chosen


def as_micros(s: pd.Series, what: str) -> np.ndarray:
    """Microseconds since the epoch (int64, NaT as int64 min) of a tz-aware column."""
    if not isinstance(s.dtype, pd.DatetimeTZDtype):
        raise UsageError(
            f"{what} must be tz-aware timestamps, got {s.dtype}; build incidents with "
            'pmkit.schema.conform(data, "incidents")'
        )
    return np.asarray(s.dt.as_unit("us").array.asi8)


def quarter_labels(s: pd.Series, what: str = "occurred_at") -> pd.Series:
    """``"2026Q3"``-style labels (Arrow strings, NA where the time is missing)."""
    micros = as_micros(s, what)
    missing = micros == _NAT
    months = np.where(missing, 0, micros).astype("datetime64[us]").astype("datetime64[M]")
    code = months.astype(np.int64) // 3  # quarters since 1970Q1
    uniq, inverse = np.unique(code, return_inverse=True)
    labels = [f"{1970 + int(c) // 4}Q{int(c) % 4 + 1}" for c in uniq]
    arr = pa.DictionaryArray.from_arrays(
        pa.array(inverse.astype(np.int32), mask=missing), pa.array(labels, type=pa.string())
    ).cast(pa.large_string())
    return pd.Series(pd.array(arr, dtype=STRING), index=s.index, name="quarter")


def is_open(inc: pd.DataFrame) -> np.ndarray:
    """Incidents still open: no ``resolved_at`` and a stated status that is not closed.

    A missing status says nothing either way, so such an incident is not
    treated as open: its missing resolution is reported as missing instead.
    """
    n = len(inc)
    unresolved = inc["resolved_at"].isna().to_numpy() if "resolved_at" in inc else np.ones(n, bool)
    if "status" not in inc:
        return np.zeros(n, bool)
    status = inc["status"].astype(STRING).str.strip().str.lower()
    stated_open = (status.notna() & ~status.isin(sorted(CLOSED_STATUSES))).to_numpy(
        dtype=bool, na_value=False
    )
    return unresolved & stated_open


def _reason_array(name: str, d: Duration, code: np.ndarray) -> pa.Array:
    """Per-row reason text for one duration, from a small integer code (0 = fine)."""
    texts = [
        "",
        f"{name}: {d.start} missing; ",
        f"{name}: {d.end} missing; ",
        f"{name}: {d.start} and {d.end} missing; ",
        f"{name}: {d.end} before {d.start}; ",
        f"{name}: {d.end} missing (incident still open); ",
        f"{name}: {d.start} inferred; ",
        f"{name}: {d.end} inferred; ",
        f"{name}: {d.start} and {d.end} inferred; ",
    ]
    # every text ends with the separator, so joining needs no null handling
    # (pyarrow 26's null_handling="skip" drops rows when the first one is all null)
    return pa.DictionaryArray.from_arrays(
        pa.array(code.astype(np.int32)), pa.array(texts, type=pa.string())
    ).cast(pa.large_string())


def duration_values(
    inc: pd.DataFrame, name: str, d: Duration, open_: np.ndarray, *, inferred: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """(microseconds, reason code) of one duration; invalid rows hold int64 min.

    With ``inferred=False`` a duration one of whose milestones was inferred is
    left out too (codes 6 to 8): a missing milestone or an end before the start
    keeps its own reason, and an open incident whose start was inferred is
    not censored either, so its reason is the inferred start.
    """
    start = as_micros(inc[d.start], f"incidents.{d.start}")
    end = as_micros(inc[d.end], f"incidents.{d.end}")
    s_na, e_na = start == _NAT, end == _NAT
    code = np.zeros(len(inc), np.int8)
    code[s_na & ~e_na] = 1
    code[e_na & ~s_na] = 2
    code[s_na & e_na] = 3
    code[e_na & ~s_na & open_] = 5
    both = ~(s_na | e_na)
    diff = np.where(both, end - start, _NAT)
    backwards = both & (diff < 0)
    code[backwards] = 4
    diff[backwards] = _NAT
    if not inferred:
        s_inf, e_inf = schema.inferred_mask(inc, d.start), schema.inferred_mask(inc, d.end)
        valid = code == 0
        code[valid & s_inf & ~e_inf] = 6
        code[valid & e_inf & ~s_inf] = 7
        code[valid & s_inf & e_inf] = 8
        code[(code == 5) & s_inf] = 6
        diff[valid & (s_inf | e_inf)] = _NAT
    return diff, code


def latencies(
    pm: Postmortems | pd.DataFrame,
    durations: DurationsArg = None,
    *,
    censored: bool = False,
    as_of: Any = None,
    inferred: bool = True,
) -> pd.DataFrame:
    """One row per incident with its grouping columns and one column per duration.

    Parameters
    ----------
    pm : Postmortems or DataFrame
        A collection, or its ``incidents`` table (or any frame with the
        milestone columns the durations need, as tz-aware timestamps).
    durations : None, str, list of str or dict
        ``None`` for every duration in :data:`DURATIONS`; names of some of them;
        or your own definitions, ``{"time_to_report": ("started_at", "reported_at")}``
        (values may also be :class:`Duration`).
    censored : bool, default False
        Also add, for each duration, a ``<name>_at_least`` column: for an open
        incident whose end milestone is missing, the time from the start
        milestone to ``as_of`` (a right-censored observation); NA otherwise.
        :func:`summarize` with ``censored=True`` and :func:`survival` use it.
    as_of : str, Timestamp or None
        The time open incidents are observed until (tz-aware). ``None`` means the
        latest timestamp in the table; the clock is never read.
    inferred : bool, default True
        ``False`` leaves out every duration with a milestone the reader only
        inferred (provenance ``inferred`` in the ``<milestone>_from`` column:
        no line stated it, a ``milestone.inferred`` problem says from what it
        was taken), with the reason ``"<milestone> inferred"``: statistics on
        stated times alone. Columns without a provenance column, such as
        ``occurred_at`` in a custom pair, are taken as stated.

    Returns
    -------
    DataFrame
        ``incident_id``, ``team``, ``service``, ``severity``, ``detection_source``
        (copied from incidents when present); ``quarter`` (``"2026Q3"`` from
        ``occurred_at``, Arrow string); one ``timedelta64[us]`` column per
        duration, NA when a milestone is missing or the end precedes the start
        (never clipped to zero); ``open`` (bool: no ``resolved_at`` and a stated
        status that is not closed, see :data:`CLOSED_STATUSES`); with
        ``censored=True`` the ``<name>_at_least`` columns; ``exclusion_reason``
        (Arrow string, ``"; "``-separated, NA when every duration is known).

    Raises
    ------
    UsageError
        An unknown duration name, a missing or non-tz-aware milestone column,
        or a naive ``as_of``.

    Examples
    --------
    >>> from pmkit import schema
    >>> from pmkit.metrics import latencies
    >>> inc = schema.conform({
    ...     "incident_id": ["a", "b"], "detection_source": ["monitoring", "customer"],
    ...     "occurred_at": ["2026-07-01T10:00Z", "2026-08-01T10:00Z"],
    ...     "started_at": ["2026-07-01T10:00Z", "2026-08-01T10:00Z"],
    ...     "detected_at": ["2026-07-01T10:12Z", None],
    ...     "mitigated_at": ["2026-07-01T10:40Z", "2026-08-01T09:00Z"]}, "incidents")
    >>> lat = latencies(inc, ["time_to_detect", "impact_duration"])
    >>> lat[["incident_id", "quarter", "time_to_detect", "impact_duration"]]
      incident_id quarter  time_to_detect  impact_duration
    0           a  2026Q3 0 days 00:12:00  0 days 00:40:00
    1           b  2026Q3             NaT              NaT
    >>> lat.loc[1, "exclusion_reason"]
    'time_to_detect: detected_at missing; impact_duration: mitigated_at before started_at'
    """
    inc = incidents_frame(pm)
    chosen = resolve_durations(durations, list(inc.columns))
    out: dict[str, Any] = {c: inc[c].reset_index(drop=True) for c in GROUP_COLUMNS if c in inc}
    when = "occurred_at" if "occurred_at" in inc else "started_at"
    if when in inc:
        out["quarter"] = quarter_labels(inc[when], f"incidents.{when}").reset_index(drop=True)
    else:
        out["quarter"] = pd.Series(pd.array([None] * len(inc), dtype=STRING))
    open_ = is_open(inc)
    reasons: list[pa.Array] = []
    values: dict[str, np.ndarray] = {}
    for name, d in chosen.items():
        diff, code = duration_values(inc, name, d, open_, inferred=inferred)
        values[name] = diff
        out[name] = pd.Series(diff.view("timedelta64[us]"), dtype=DURATION)
        reasons.append(_reason_array(name, d, code))
    out["open"] = pd.Series(open_, dtype=bool)
    if censored:
        until = resolve_as_of(inc, as_of)
        for name, d in chosen.items():
            start = as_micros(inc[d.start], f"incidents.{d.start}")
            end = as_micros(inc[d.end], f"incidents.{d.end}")
            cens = open_ & (start != _NAT) & (end == _NAT) & (start <= until)
            if not inferred:
                cens &= ~schema.inferred_mask(inc, d.start)
            at_least = np.where(cens, until - start, _NAT)
            out[f"{name}_at_least"] = pd.Series(at_least.view("timedelta64[us]"), dtype=DURATION)
    if reasons and len(inc):
        joined = pc.binary_join_element_wise(*reasons, pa.scalar("", pa.large_string()))
        joined = pc.utf8_rtrim(joined, characters="; ")
        joined = pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.large_string()), joined)
        out["exclusion_reason"] = pd.Series(pd.array(joined, dtype=STRING))
    else:
        out["exclusion_reason"] = pd.Series(pd.array([None] * len(inc), dtype=STRING))
    frame = pd.DataFrame(out)
    frame.columns = pd.Index(list(frame.columns))
    return frame


def resolve_as_of(inc: pd.DataFrame, as_of: Any) -> int:
    """``as_of`` in microseconds since the epoch; None is the table's latest timestamp."""
    if as_of is None:
        latest = [
            inc[c].max()
            for c in inc.columns
            if isinstance(inc[c].dtype, pd.DatetimeTZDtype) and inc[c].notna().any()
        ]
        if not latest:
            raise UsageError("as_of=None needs at least one timestamp in incidents; pass as_of=")
        ts = max(latest)
    else:
        ts = parse_as_of(as_of)
    return int(ts.tz_convert("UTC").value) // 1000  # .value is always nanoseconds


def parse_as_of(as_of: Any) -> pd.Timestamp:
    """A given ``as_of`` as a UTC timestamp; text that is not one, or has no zone, is refused."""
    try:
        ts = pd.Timestamp(as_of)
    except (ValueError, TypeError) as err:
        raise UsageError(
            f"as_of must be a timestamp, got {as_of!r}; pass e.g. '2026-10-01T00:00Z'"
        ) from err
    if ts.tzinfo is None:
        raise UsageError(f"as_of must be tz-aware, got {as_of!r}; pass e.g. '2026-10-01T00:00Z'")
    return ts.tz_convert("UTC")


def check_by(frame: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    """``by`` as a list of column names of ``frame``."""
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    missing = [k for k in keys if k not in frame.columns]
    if missing:
        raise UsageError(
            f"by={', '.join(map(repr, missing))} is not the name of a column; "
            f"the columns are {', '.join(map(str, frame.columns))}"
        )
    return keys


def check_confidence(confidence: float) -> None:
    """Raise unless 0 < confidence < 1."""
    if not 0 < confidence < 1:
        raise UsageError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}")
