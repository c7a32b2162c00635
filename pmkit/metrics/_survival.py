"""Kaplan–Meier curves for durations with still-open incidents censored at ``as_of``."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from pmkit.collection import Postmortems
from pmkit.errors import UsageError
from pmkit.metrics._durations import (
    DURATION,
    Duration,
    check_by,
    check_confidence,
    incidents_frame,
    latencies,
)

__all__ = ["survival"]

_NAT = np.iinfo(np.int64).min


def km_curve(
    observed: np.ndarray, censored: np.ndarray, confidence: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan–Meier estimate: (time, survival, ci_low, ci_high, at_risk).

    Times are int64 microseconds; the first row is time 0 with survival 1.
    The pointwise interval is SciPy's log-log (exponential Greenwood) interval.
    """
    both = np.concatenate([observed, censored])
    n = len(both)
    if len(observed) == 0:
        one = np.ones(1)
        return np.zeros(1, np.int64), one, one, one, np.array([n])
    data = stats.CensoredData(
        uncensored=observed.astype(np.float64), right=censored.astype(np.float64)
    )
    sf = stats.ecdf(data).sf
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        # the log-log interval is undefined where survival is 0 or 1: NaN there is right
        warnings.simplefilter("ignore", RuntimeWarning)
        ci = sf.confidence_interval(confidence, method="log-log")
    times = np.rint(sf.quantiles).astype(np.int64)
    at_risk = n - np.searchsorted(np.sort(both), times, side="left")
    return (
        np.concatenate([[0], times]),
        np.concatenate([[1.0], sf.probabilities]),
        np.concatenate([[1.0], ci.low.probabilities]),
        np.concatenate([[1.0], ci.high.probabilities]),
        np.concatenate([[n], at_risk]),
    )


def km_median(
    observed: np.ndarray, censored: np.ndarray, confidence: float
) -> tuple[int, int, int]:
    """KM median and its interval (int64 µs, int64 min where not reached).

    The median is the first time the curve reaches 0.5 or below; its interval
    inverts the pointwise band (Brookmeyer–Crowley style): the first times the
    lower and the upper band reach 0.5.
    """
    t, s, lo, hi, _ = km_curve(observed, censored, confidence)

    def first(curve: np.ndarray) -> int:
        hit = np.flatnonzero(np.nan_to_num(curve, nan=0.0) <= 0.5)
        return int(t[hit[0]]) if len(hit) else _NAT

    return first(s), first(lo), first(hi)


def survival(
    pm: Postmortems | pd.DataFrame,
    duration: str | Mapping[str, Duration | tuple[str, str]] = "time_to_resolve",
    *,
    by: str | Sequence[str] | None = None,
    as_of: Any = None,
    confidence: float = 0.95,
    inferred: bool = True,
) -> pd.DataFrame:
    """Kaplan–Meier curve of a duration, counting still-open incidents as censored.

    An open incident (see :func:`latencies`) whose end milestone is missing is
    a right-censored observation: it lasted at least from its start milestone
    to ``as_of``. Incidents with a missing start, an end before the start, or a
    missing end while not open are left out (see ``exclusion_reason`` in
    :func:`latencies`).

    Parameters
    ----------
    pm : Postmortems or DataFrame
        A collection or its incidents table.
    duration : str or dict
        A name from :data:`DURATIONS` or one custom pair,
        ``{"time_to_report": ("started_at", "reported_at")}``.
    by : str or list of str, optional
        Columns of :func:`latencies`' output to draw one curve per group.
    as_of : str or Timestamp, optional
        When open incidents were last observed (tz-aware); ``None`` means the
        latest timestamp in the incidents table, never the clock.
    confidence : float, default 0.95
        Level of the pointwise log-log interval.
    inferred : bool, default True
        ``False`` leaves out incidents whose start or end milestone the reader
        inferred, as :func:`latencies` does.

    Returns
    -------
    DataFrame
        The ``by`` columns; ``time`` (timedelta64[us], starting at 0);
        ``survival`` (share of incidents whose duration exceeds ``time``);
        ``ci_low``, ``ci_high`` (pointwise interval, NaN where undefined);
        ``at_risk`` (incidents still lasting just before ``time``).

    Raises
    ------
    UsageError
        Unknown duration or ``by`` column, naive ``as_of``, bad ``confidence``.

    Examples
    --------
    >>> from pmkit.metrics import survival
    >>> from pmkit.testing import make_postmortems
    >>> km = survival(make_postmortems(60, seed=2), "time_to_resolve")
    >>> list(km.columns)
    ['time', 'survival', 'ci_low', 'ci_high', 'at_risk']
    >>> km["survival"].is_monotonic_decreasing, int(km["at_risk"].iloc[0])
    (True, 60)
    """
    check_confidence(confidence)
    names = [duration] if isinstance(duration, str) else duration
    if not isinstance(duration, str) and len(duration) != 1:
        raise UsageError(f"survival takes one duration, got {len(duration)}: {list(duration)}")
    lat = latencies(incidents_frame(pm), names, censored=True, as_of=as_of, inferred=inferred)
    name = duration if isinstance(duration, str) else next(iter(duration))
    keys = check_by(lat, by)
    obs_all = lat[name].to_numpy().view(np.int64)
    cens_all = lat[f"{name}_at_least"].to_numpy().view(np.int64)
    if keys:
        grouped = lat.groupby(keys, observed=True, dropna=False, sort=True)
        codes = grouped.ngroup().to_numpy()
        key_frame = grouped.size().reset_index()[keys]
    else:
        codes = np.zeros(len(lat), np.int64)
        key_frame = pd.DataFrame(index=range(1))
    parts: list[pd.DataFrame] = []
    for g in range(len(key_frame)):
        mine = codes == g
        obs, cens = obs_all[mine], cens_all[mine]
        t, s, lo, hi, risk = km_curve(obs[obs != _NAT], cens[cens != _NAT], confidence)
        part = key_frame.iloc[np.zeros(len(t), np.int64) + g].reset_index(drop=True)
        part["time"] = pd.Series(t.view("timedelta64[us]"), dtype=DURATION)
        part["survival"] = s
        part["ci_low"] = lo
        part["ci_high"] = hi
        part["at_risk"] = pd.array(risk, dtype="Int64")
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out.columns = pd.Index(list(out.columns))
    return out
