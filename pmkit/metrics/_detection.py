"""Who noticed first: detection-source shares per period, with Wilson intervals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from pmkit import schema
from pmkit.collection import Postmortems
from pmkit.errors import UsageError
from pmkit.metrics._durations import check_by, check_confidence, quarter_labels

__all__ = ["detection_share", "wilson_interval"]

SOURCES = schema.DETECTION_SOURCES
_UNKNOWN = SOURCES.index("unknown")
_CUSTOMER = SOURCES.index("customer")


def wilson_interval(
    k: np.ndarray, n: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of the proportion ``k / n``, elementwise; NaN where n == 0.

    Unlike the textbook ``p ± z sqrt(p(1-p)/n)`` it stays inside [0, 1] and
    does not collapse to a point at 0 or n successes, which matters with the
    handful of incidents a team has per quarter.

    >>> low, high = wilson_interval(np.array([0, 3]), np.array([10, 10]), 0.95)
    >>> np.round(low, 3).tolist(), np.round(high, 3).tolist()
    ([0.0, 0.108], [0.278, 0.603])
    """
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    z = float(stats.norm.ppf(1 - (1 - confidence) / 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # at k = 0 and k = n the bounds are exactly 0 and 1; rounding must not move them
    low = np.where(n > 0, np.where(k <= 0, 0.0, np.clip(centre - half, 0.0, 1.0)), np.nan)
    high = np.where(n > 0, np.where(k >= n, 1.0, np.clip(centre + half, 0.0, 1.0)), np.nan)
    return low, high


def _frame_with_keys(lat_or_pm: Postmortems | pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if isinstance(lat_or_pm, Postmortems):
        frame = lat_or_pm.incidents
    elif isinstance(lat_or_pm, pd.DataFrame):
        frame = lat_or_pm
    else:
        raise TypeError(
            "expected a pmkit.Postmortems, its incidents table or the output of "
            f"pmkit.latencies, got {type(lat_or_pm).__name__}"
        )
    if "detection_source" not in frame.columns:
        raise UsageError(
            "detection_share needs a 'detection_source' column; pass a pmkit.Postmortems, "
            "its incidents table or the output of pmkit.latencies"
        )
    if "quarter" in keys and "quarter" not in frame.columns:
        when = next((c for c in ("occurred_at", "started_at") if c in frame.columns), None)
        if when is not None:
            frame = frame.assign(quarter=quarter_labels(frame[when], when))
    return frame


def _source_codes(col: pd.Series) -> np.ndarray:
    """Index into :data:`DETECTION_SOURCES` per row; a missing value is ``unknown``."""
    text = col.astype("object")
    known = set(SOURCES)
    stray = sorted({str(v) for v in text.dropna().unique() if v not in known})
    if stray:
        raise UsageError(
            f"detection_source has value(s) {', '.join(map(repr, stray))}, expected one of "
            f"{', '.join(SOURCES)}; map them first, e.g. "
            'frame.replace({"detection_source": {"pagerduty": "monitoring"}})'
        )
    lookup = {s: i for i, s in enumerate(SOURCES)}
    return np.array(
        [_UNKNOWN if pd.isna(v) else lookup[v] for v in text.to_numpy()], dtype=np.int64
    )


def detection_share(
    lat_or_pm: Postmortems | pd.DataFrame,
    *,
    by: str | Sequence[str] | None = "quarter",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """How incidents were first noticed, per group, with Wilson score intervals.

    Shares are taken among incidents whose detection source is known: an
    ``unknown`` source says nothing about who noticed first, so counting it in
    the denominator would make every source look rarer. Unknown sources are
    still counted (``n_unknown`` and the ``unknown`` row, whose ``share_of_all``
    says how much of the group they are); nothing is dropped.

    The headline figure of the canvas's Detect step, "find it before a customer
    does", is ``customer_first_share``: the share of known-source incidents a
    customer noticed first (the ``customer`` row's ``share``, repeated on every
    row of the group so one row answers the question).

    Parameters
    ----------
    lat_or_pm : Postmortems or DataFrame
        A collection, its ``incidents`` table, or the output of
        :func:`latencies`; needs ``detection_source`` and the ``by`` columns.
        ``by="quarter"`` on a frame without a ``quarter`` column uses
        ``occurred_at`` (or ``started_at``).
    by : str, list of str or None, default "quarter"
        Grouping columns; a missing key is a group of its own. ``None``: one group.
    confidence : float, default 0.95
        Level of the Wilson intervals.

    Returns
    -------
    DataFrame
        Long form, one row per group and detection source (every source of
        :data:`pmkit.schema.DETECTION_SOURCES`, zero counts included), ready for
        :func:`pmkit.plots.detection_share`: the ``by`` columns; ``n`` (incidents
        in the group), ``n_known``, ``n_unknown`` (Int64);
        ``customer_first_share``, ``customer_first_ci_low``,
        ``customer_first_ci_high`` (Float64, the same on every row of a group);
        ``detection_source`` (categorical); ``count`` (Int64); ``share``,
        ``share_ci_low``, ``share_ci_high`` (Float64, among known sources; NA
        for ``unknown`` and when no source of the group is known);
        ``share_of_all`` (Float64, ``count / n``).

    Raises
    ------
    UsageError
        No ``detection_source`` column, an unknown ``by`` column, a source
        outside :data:`pmkit.schema.DETECTION_SOURCES`, or a bad ``confidence``.

    See Also
    --------
    summarize : time to detect by source is
        ``summarize(lat, by="detection_source", durations="time_to_detect")``.

    Examples
    --------
    >>> import pandas as pd
    >>> from pmkit.metrics import detection_share
    >>> inc = pd.DataFrame({
    ...     "quarter": ["2026Q3"] * 5,
    ...     "detection_source": ["monitoring", "monitoring", "customer", "unknown", None]})
    >>> s = detection_share(inc)
    >>> s[["detection_source", "count", "share", "share_of_all"]].head(2)
      detection_source  count     share  share_of_all
    0       monitoring      2  0.666667           0.4
    1         customer      1  0.333333           0.2
    >>> s.loc[0, ["n", "n_known", "n_unknown"]].tolist()
    [5, 3, 2]
    >>> s.loc[0, ["customer_first_share", "customer_first_ci_low", "customer_first_ci_high"]]
    customer_first_share      0.333333
    customer_first_ci_low     0.061492
    customer_first_ci_high     0.79234
    Name: 0, dtype: Float64

    Time to detect by source is one call to :func:`summarize`:

    >>> from pmkit.metrics import latencies, summarize
    >>> from pmkit.testing import make_postmortems
    >>> lat = latencies(make_postmortems(200, seed=5))
    >>> by_source = summarize(lat, by="detection_source", durations="time_to_detect")
    >>> by_source[["detection_source", "n", "median", "median_ci_low"]]
      detection_source    n          median   median_ci_low
    0       monitoring  101 0 days 00:09:00 0 days 00:07:00
    1         customer   37 0 days 00:32:00 0 days 00:21:00
    2         employee   20 0 days 00:06:30 0 days 00:04:00
    3          unknown   22 0 days 00:05:30 0 days 00:02:00
    """
    check_confidence(confidence)
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    frame = _frame_with_keys(lat_or_pm, keys)
    keys = check_by(frame, keys)
    if keys:
        grouped = frame.groupby(keys, observed=True, dropna=False, sort=True)
        codes = grouped.ngroup().to_numpy().astype(np.int64)
        key_frame = grouped.size().reset_index()[keys]
    else:
        codes = np.zeros(len(frame), np.int64)
        key_frame = pd.DataFrame(index=range(1))
    n_groups, n_src = len(key_frame), len(SOURCES)
    src = _source_codes(frame["detection_source"])
    counts = np.bincount(codes * n_src + src, minlength=n_groups * n_src).reshape(n_groups, n_src)
    n = counts.sum(axis=1)
    n_unknown = counts[:, _UNKNOWN]
    n_known = n - n_unknown
    known_n = np.repeat(n_known[:, None], n_src, axis=1)
    known_n[:, _UNKNOWN] = 0  # no share among known for "unknown" itself
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(known_n > 0, counts / np.maximum(known_n, 1), np.nan)
        of_all = np.where(n[:, None] > 0, counts / np.maximum(n[:, None], 1), np.nan)
    low, high = wilson_interval(counts, known_n, confidence)
    cf_low, cf_high = low[:, _CUSTOMER], high[:, _CUSTOMER]

    take = np.repeat(np.arange(n_groups), n_src)
    out = key_frame.iloc[take].reset_index(drop=True) if keys else pd.DataFrame(index=take)
    out = out.reset_index(drop=True)

    def per_group(values: np.ndarray, dtype: Any) -> pd.Series:
        return pd.Series(np.repeat(values, n_src), dtype=dtype)

    def per_row(values: np.ndarray, dtype: Any) -> pd.Series:
        return pd.Series(values.ravel(), dtype=dtype)

    out["n"] = per_group(n, "Int64")
    out["n_known"] = per_group(n_known, "Int64")
    out["n_unknown"] = per_group(n_unknown, "Int64")
    out["customer_first_share"] = per_group(share[:, _CUSTOMER], "Float64")
    out["customer_first_ci_low"] = per_group(cf_low, "Float64")
    out["customer_first_ci_high"] = per_group(cf_high, "Float64")
    out["detection_source"] = pd.Series(
        np.tile(np.asarray(SOURCES, dtype=object), n_groups),
        dtype=schema.TABLES["incidents"]["detection_source"],
    )
    out["count"] = per_row(counts, "Int64")
    out["share"] = per_row(share, "Float64")
    out["share_ci_low"] = per_row(low, "Float64")
    out["share_ci_high"] = per_row(high, "Float64")
    out["share_of_all"] = per_row(of_all, "Float64")
    out.columns = pd.Index(list(out.columns))
    return out
