"""How well pmkit reads your postmortems: score its milestones against hand labels.

A reliability lead who hand-labels what a few of their own postmortems state
(one row per file and milestone) can measure how often pmkit reads the same
thing before trusting its quarterly numbers. The project measures itself the
same way, on real postmortems from many teams (``bench/bench_truth.py``).

A truth table has one row per ``file`` and ``field`` (a milestone such as
``started_at``, or ``detection_source``) with a ``state``:

* ``stated``: the text states ``value`` (an ISO time with its zone, or a
  detection source);
* ``day``: the text states only the day ``value`` (``YYYY-MM-DD``) in ``zone``;
* ``none``: the text states no such time: a value pmkit gives there is *spurious*;
* ``ambiguous``: several lines could be meant; not scored.

:func:`score_milestones` compares each row with what pmkit read and returns one
row per cell with its ``outcome``; :func:`summarize_scores` counts them.

>>> import pandas as pd
>>> from pmkit.evaluate import score_milestones, summarize_scores
>>> truth = pd.DataFrame({"file": ["a.md", "a.md"], "field": ["started_at", "resolved_at"],
...                       "state": ["stated", "none"], "value": ["2024-05-01T10:00Z", ""]})
>>> incidents = pd.DataFrame({"source": ["/x/a.md"],
...     "started_at": pd.to_datetime(["2024-05-01 10:00:30"], utc=True),
...     "resolved_at": pd.to_datetime(["2024-05-01 12:00"], utc=True)})
>>> score_milestones(incidents, truth)["outcome"].tolist()
['right', 'spurious']
>>> summarize_scores(score_milestones(incidents, truth)).loc[0, ["right", "spurious"]].tolist()
[1, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pmkit import schema
from pmkit.errors import SchemaError

__all__ = ["OUTCOMES", "STATES", "read_truth", "score_milestones", "summarize_scores"]

#: What a truth row may say about a cell.
STATES: tuple[str, ...] = ("stated", "day", "none", "ambiguous")
#: How pmkit's reading of a cell compares with the truth: ``right`` (within the
#: tolerance, the same day, or the same detection source), ``missing`` (the
#: text states it, pmkit gives nothing), ``wrong`` (another value), ``spurious``
#: (a value where the text states none), ``absent`` (rightly nothing) and
#: ``ambiguous`` (not scored).
OUTCOMES: tuple[str, ...] = ("right", "missing", "wrong", "spurious", "absent", "ambiguous")
_REQUIRED = ("file", "field", "state", "value")
#: How far a stated time may be off and still be read right.
TOLERANCE = pd.Timedelta(minutes=1)


def read_truth(path: str | PurePath) -> pd.DataFrame:
    """A truth table from CSV, checked.

    Columns ``file``, ``field``, ``state`` and ``value`` are required; ``zone``
    (for ``day`` rows) and ``evidence`` (the line, as a reminder) are optional.
    """
    truth = pd.read_csv(path, dtype=str, keep_default_na=False)
    return _checked(truth)


def _checked(truth: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in _REQUIRED if c not in truth]
    if missing:
        raise SchemaError(
            f"a truth table needs the columns {', '.join(_REQUIRED)}; missing {', '.join(missing)}",
            failures=pd.DataFrame({"column": missing}),
        )
    bad = truth.loc[~truth["state"].isin(STATES), ["file", "field", "state"]]
    if len(bad):
        first = bad.iloc[0]
        raise SchemaError(
            f"truth row {first['file']} {first['field']}: state {first['state']!r} is not one "
            f"of {', '.join(STATES)}",
            failures=bad.reset_index(drop=True),
        )
    dup = truth.duplicated(["file", "field"], keep=False)
    if dup.any():
        first = truth.loc[dup].iloc[0]
        raise SchemaError(
            f"truth has {int(dup.sum())} rows for the same file and field, e.g. "
            f"{first['file']} {first['field']}; keep one row per cell",
            failures=truth.loc[dup, ["file", "field"]].reset_index(drop=True),
        )
    return truth


def _keys(sources: pd.Series, files: Sequence[str]) -> pd.Series:
    """Each incident's truth ``file``: the truth path its source path ends with."""
    by_depth: dict[int, set[str]] = {}
    for f in files:
        by_depth.setdefault(len(PurePath(f).parts), set()).add(f)
    out: list[str | None] = []
    for source in sources.astype(object):
        parts = PurePath(str(source)).parts
        found = None
        for depth, names in by_depth.items():
            tail = "/".join(parts[-depth:])
            if tail in names:
                found = tail
                break
        out.append(found)
    return pd.Series(out, index=sources.index, dtype=object)


def score_milestones(
    incidents: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    tolerance: pd.Timedelta = TOLERANCE,
    inferred: bool = True,
) -> pd.DataFrame:
    """Compare pmkit's milestones with a truth table, one row per labelled cell.

    Parameters
    ----------
    incidents : DataFrame
        ``pm.incidents`` (its ``source`` column names the files).
    truth : DataFrame
        The truth table (see the module docstring).
    tolerance : Timedelta
        How far a stated time may be off and still be right.
    inferred : bool
        With False, milestones pmkit only inferred count as not read (a
        score of what the documents state and pmkit reads as stated).

    Returns
    -------
    DataFrame
        ``file``, ``field``, ``state``, ``want``, ``got`` (the value pmkit read,
        as text), ``provenance``, ``outcome`` (one of :data:`OUTCOMES`) and
        ``error`` (got minus want, for stated times). Truth rows whose file pmkit
        did not read are ``missing``.
    """
    truth = _checked(truth)
    keys = _keys(incidents["source"], truth["file"].unique().tolist())
    row_of = {k: i for i, k in enumerate(keys) if k is not None}
    rows = []
    zones = truth["zone"] if "zone" in truth else pd.Series("", index=truth.index)
    for file, field, state, value, zone in zip(
        truth["file"].astype(str),
        truth["field"].astype(str),
        truth["state"].astype(str),
        truth["value"].astype(str),
        zones.astype(str),
        strict=True,
    ):
        i = row_of.get(file)
        got: object = None
        prov: str | None = None
        if i is not None and field in incidents:
            got = incidents[field].iloc[i]
            pcol = schema.provenance_column(field)
            if pcol in incidents and field != "detection_source":
                p = incidents[pcol].iloc[i]
                prov = None if pd.isna(p) else str(p)
            if not inferred and prov == "inferred":
                got = None
        if got is not None and pd.isna(got):  # type: ignore[call-overload]
            got = None
        if field == "detection_source" and got == "unknown":
            got = None
        outcome, error = _outcome(state, value, got, zone or "UTC", field, tolerance)
        rows.append(
            {
                "file": file,
                "field": field,
                "state": state,
                "want": value,
                "got": None if got is None else _text(got),
                "provenance": prov,
                "outcome": outcome,
                "error": error,
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        out = pd.DataFrame(
            columns=["file", "field", "state", "want", "got", "provenance", "outcome", "error"]
        )
    out["outcome"] = pd.Categorical(out["outcome"], categories=OUTCOMES)
    out["error"] = pd.to_timedelta(out["error"])
    for col in ("file", "field", "state", "want", "got", "provenance"):
        out[col] = out[col].astype(schema.STRING)
    return out


def _text(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def _outcome(
    state: str, value: str, got: object, zone: str, field: str, tolerance: pd.Timedelta
) -> tuple[str, pd.Timedelta | None]:
    if state == "ambiguous":
        return "ambiguous", None
    if state == "none":
        return ("absent" if got is None else "spurious"), None
    if got is None:
        return "missing", None
    if field == "detection_source":
        return ("right" if str(got) == value else "wrong"), None
    stamp = pd.Timestamp(str(got)) if not isinstance(got, pd.Timestamp) else got
    if state == "day":
        local = stamp.tz_convert(ZoneInfo(zone))
        return ("right" if local.strftime("%Y-%m-%d") == value else "wrong"), None
    want = pd.Timestamp(value)
    if want.tzinfo is None:
        want = want.tz_localize("UTC")
    error = stamp - want
    return ("right" if abs(error) <= tolerance else "wrong"), error


def summarize_scores(cells: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Counts and shares of each outcome, overall or per group.

    Returns
    -------
    DataFrame
        The ``by`` columns, then ``stated`` (cells the text states: stated or
        day), ``right``, ``missing``, ``wrong``, ``right_share`` (right / stated),
        ``unstated`` (cells the text states none), ``spurious``,
        ``spurious_share`` (spurious / unstated) and ``ambiguous``.
    """
    groups = [] if by is None else [by] if isinstance(by, str) else list(by)
    df = cells.assign(_one=1)
    counts = (
        df.pivot_table(
            index=groups or None,
            columns="outcome",
            values="_one",
            aggfunc="sum",
            fill_value=0,
            observed=False,
        )
        if groups
        else df.groupby("outcome", observed=False)["_one"].sum().to_frame().T
    )
    counts = counts.reindex(columns=list(OUTCOMES), fill_value=0).astype("int64")
    out = pd.DataFrame(index=counts.index)
    out["stated"] = counts["right"] + counts["missing"] + counts["wrong"]
    out["right"] = counts["right"]
    out["missing"] = counts["missing"]
    out["wrong"] = counts["wrong"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["right_share"] = np.where(out["stated"] > 0, out["right"] / out["stated"], np.nan)
        unstated = counts["spurious"] + counts["absent"]
        out["unstated"] = unstated
        out["spurious"] = counts["spurious"]
        out["spurious_share"] = np.where(unstated > 0, counts["spurious"] / unstated, np.nan)
    out["ambiguous"] = counts["ambiguous"]
    out.columns.name = None
    return out.reset_index(drop=not groups)
