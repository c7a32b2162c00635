"""Per-group medians, percentiles and intervals of any timedelta columns."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from pmkit import schema
from pmkit.errors import UsageError
from pmkit.metrics._durations import DURATION, check_by, check_confidence
from pmkit.metrics._survival import km_median

__all__ = ["summarize"]

STRING = schema.STRING
_NAT = np.iinfo(np.int64).min
#: Above this many resampled values, the bootstrap works in chunks (memory).
_BOOT_CHUNK = 4_000_000


def duration_columns(frame: pd.DataFrame, durations: str | Sequence[str] | None) -> list[str]:
    """The timedelta columns to summarise; ``<name>_at_least`` companions are skipped."""
    timedeltas = [c for c in frame.columns if pd.api.types.is_timedelta64_dtype(frame[c])]
    if durations is None:
        return [
            c
            for c in timedeltas
            if not (str(c).endswith("_at_least") and str(c)[: -len("_at_least")] in timedeltas)
        ]
    names = [durations] if isinstance(durations, str) else list(durations)
    bad = [d for d in names if d not in timedeltas]
    if bad:
        raise UsageError(
            f"{', '.join(map(repr, bad))} is not a timedelta column of the frame; "
            f"its timedelta columns are {', '.join(map(str, timedeltas)) or 'none'}"
        )
    return names


def micros(s: pd.Series) -> np.ndarray:
    """Int64 microseconds of a timedelta column, NaT as int64 min."""
    return np.asarray(s.astype(DURATION).to_numpy().view(np.int64))


def exact_ranks(n: np.ndarray, confidence: float) -> np.ndarray:
    """1-based rank ``l`` of the lower order statistic of the exact median interval.

    [x_(l), x_(n-l+1)] covers the median with probability
    1 - 2 P(Binomial(n, 1/2) <= l - 1) >= ``confidence``; ``l`` is the largest
    rank that keeps that guarantee, and 0 where no rank does (n too small).
    """
    tail = (1 - confidence) / 2
    n = np.maximum(n, 0)
    k = stats.binom.ppf(tail, n, 0.5)
    k = np.nan_to_num(k, nan=0.0).astype(np.int64)
    # ppf is the smallest k with CDF(k) >= tail; CDF(k) == tail still qualifies
    k = k + (stats.binom.cdf(k, n, 0.5) <= tail + 1e-12)
    return np.where(n > 0, k, 0)


def min_n_exact(confidence: float) -> int:
    """Smallest sample size whose exact median interval reaches ``confidence``."""
    return math.ceil(math.log2(2 / (1 - confidence)) - 1e-9)


def _quantile(sv: np.ndarray, off: np.ndarray, n: np.ndarray, p: float) -> np.ndarray:
    """Linear-interpolation quantile (NumPy's default) per group of sorted values."""
    h = (np.maximum(n, 1) - 1) * p
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, np.maximum(n - 1, 0))
    safe = n > 0
    a = sv[np.where(safe, off + lo, 0)] if len(sv) else np.zeros(len(n), np.int64)
    b = sv[np.where(safe, off + hi, 0)] if len(sv) else np.zeros(len(n), np.int64)
    val = a + np.rint((h - lo) * (b - a)).astype(np.int64)
    return np.where(safe, val, _NAT)


def bootstrap_medians(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Medians of ``n_boot`` resamples (with replacement) of ``values``."""
    n = len(values)
    rows = max(1, _BOOT_CHUNK // max(n, 1))
    meds: list[np.ndarray] = []
    for start in range(0, n_boot, rows):
        size = min(rows, n_boot - start)
        meds.append(np.median(values[rng.integers(0, n, size=(size, n))], axis=1))
    return np.concatenate(meds)


def _bootstrap_median(
    values: np.ndarray, n_boot: int, confidence: float, rng: np.random.Generator
) -> tuple[int, int]:
    """Percentile bootstrap interval of the median of ``values`` (int64 µs)."""
    tail = (1 - confidence) / 2
    lo, hi = np.quantile(bootstrap_medians(values, n_boot, rng), [tail, 1 - tail])
    return int(np.rint(lo)), int(np.rint(hi))


def summarize(
    lat: pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    durations: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    ci: Literal["exact", "bootstrap"] = "exact",
    n_boot: int = 1000,
    random_state: int | np.random.Generator | None = 0,
    censored: bool = False,
) -> pd.DataFrame:
    """Median, interval, p75, p90 and mean of each duration, per group, in long form.

    The default interval of the median is exact and distribution-free: the
    order statistics [x_(l), x_(n-l+1)] with ``l`` the largest rank such that
    ``1 - 2 P(Binomial(n, 1/2) <= l-1) >= confidence``. It needs no resampling,
    is vectorised over groups and its coverage is at least ``confidence`` for
    any continuous distribution. Below ``n = ceil(log2(2 / (1 - confidence)))``
    (6 at 95%) no such interval exists: the interval is NA and ``note`` says so.

    Parameters
    ----------
    lat : DataFrame
        Any frame with ``timedelta64`` columns, e.g. the output of :func:`latencies`.
    by : str or list of str, optional
        Grouping columns; a missing key is a group of its own (nothing is dropped).
    durations : str or list of str, optional
        Timedelta columns to summarise; default all of them (except the
        ``<name>_at_least`` companions that :func:`latencies` adds).
    confidence : float, default 0.95
        Level of the median interval.
    ci : {"exact", "bootstrap"}, default "exact"
        ``"bootstrap"``: percentile bootstrap of the median (``n_boot``
        resamples per group, seeded by ``random_state``; NA below n = 2).
    n_boot : int, default 1000
    random_state : int, Generator or None, default 0
    censored : bool, default False
        Also estimate the Kaplan–Meier median, which counts open incidents as
        censored: needs the ``<name>_at_least`` columns of
        ``latencies(..., censored=True)``.

    Returns
    -------
    DataFrame
        One row per group and duration: the ``by`` columns; ``duration`` (the
        column name); ``n`` (rows with a value); ``n_excluded`` (rows of the
        group without one, so ``n + n_excluded`` is the group size);
        ``median``, ``median_ci_low``, ``median_ci_high``, ``p75``, ``p90``
        (linear interpolation) and ``mean`` (for comparison only), all
        timedelta64[us]; with ``censored=True`` also ``n_censored`` (excluded
        rows used as censored observations), ``km_median``,
        ``km_median_ci_low``, ``km_median_ci_high`` (NA when the curve does
        not reach 0.5); ``note`` (why an interval is missing, else NA).

    Raises
    ------
    UsageError
        Unknown ``by`` or duration column, bad ``confidence``, ``ci`` or
        ``n_boot``, or ``censored=True`` without the ``_at_least`` columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from pmkit.metrics import summarize
    >>> minutes = pd.to_timedelta([3, 5, 8, 9, 12, 20, 41, None], unit="min")
    >>> lat = pd.DataFrame({"team": ["a"] * 8, "time_to_detect": minutes})
    >>> s = summarize(lat, by="team")
    >>> s[["team", "n", "n_excluded", "median", "median_ci_low", "median_ci_high"]]
      team  n  n_excluded          median   median_ci_low  median_ci_high
    0    a  7           1 0 days 00:09:00 0 days 00:03:00 0 days 00:41:00
    """
    check_confidence(confidence)
    if ci not in ("exact", "bootstrap"):
        raise UsageError(f'ci must be "exact" or "bootstrap", got {ci!r}')
    if ci == "bootstrap" and (not isinstance(n_boot, int) or n_boot < 1):
        raise UsageError(f"n_boot must be a positive integer, got {n_boot!r}")
    if not isinstance(lat, pd.DataFrame):
        raise TypeError(f"lat must be a pandas DataFrame, got {type(lat).__name__}")
    keys = check_by(lat, by)
    names = duration_columns(lat, durations)
    if censored:
        lacking = [d for d in names if f"{d}_at_least" not in lat.columns]
        if lacking:
            raise UsageError(
                f"censored=True needs column(s) {', '.join(d + '_at_least' for d in lacking)}; "
                "build the frame with pmkit.metrics.latencies(pm, censored=True)"
            )
    if keys:
        grouped = lat.groupby(keys, observed=True, dropna=False, sort=True)
        codes = grouped.ngroup().to_numpy().astype(np.int64)
        key_frame = grouped.size().reset_index()[keys]
    else:
        codes = np.zeros(len(lat), np.int64)
        key_frame = pd.DataFrame(index=range(1))
    n_groups = len(key_frame)
    size = np.bincount(codes, minlength=n_groups)
    rng = np.random.default_rng(random_state)
    pct = f"{confidence * 100:g}%"
    cols: dict[str, list[np.ndarray]] = {}
    notes: list[list[str | None]] = []

    def put(col: str, arr: np.ndarray) -> None:
        cols.setdefault(col, []).append(arr)

    for name in names:
        v = micros(lat[name])
        ok = v != _NAT
        c, x = codes[ok], v[ok]
        order = np.lexsort((x, c))
        sv = x[order]
        n = np.bincount(c, minlength=n_groups)
        off = np.concatenate([[0], np.cumsum(n)[:-1]]).astype(np.int64)
        total = np.bincount(c, weights=x.astype(np.float64), minlength=n_groups)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, np.rint(total / np.maximum(n, 1)), 0).astype(np.int64)
        put("n", n)
        put("n_excluded", size - n)
        put("median", _quantile(sv, off, n, 0.5))
        note: list[str | None] = [None] * n_groups
        if ci == "exact":
            rank = exact_ranks(n, confidence)
            has = rank >= 1
            low = np.where(has, sv[np.where(has, off + rank - 1, 0)] if len(sv) else 0, _NAT)
            high = np.where(has, sv[np.where(has, off + n - rank, 0)] if len(sv) else 0, _NAT)
            for g in np.flatnonzero(~has).tolist():
                note[g] = (
                    f"no {name} value in this group"
                    if n[g] == 0
                    else f"n={n[g]} is too small for a {pct} interval of the median "
                    f"(needs n >= {min_n_exact(confidence)})"
                )
        else:
            low = np.full(n_groups, _NAT)
            high = np.full(n_groups, _NAT)
            for g in range(n_groups):
                if n[g] >= 2:
                    seg = sv[off[g] : off[g] + n[g]]
                    low[g], high[g] = _bootstrap_median(seg, n_boot, confidence, rng)
                else:
                    note[g] = f"n={n[g]} is too small for a bootstrap interval (needs n >= 2)"
        put("median_ci_low", low)
        put("median_ci_high", high)
        put("p75", _quantile(sv, off, n, 0.75))
        put("p90", _quantile(sv, off, n, 0.90))
        put("mean", np.where(n > 0, mean, _NAT))
        if censored:
            w = micros(lat[f"{name}_at_least"])
            cens_ok = w != _NAT
            put("n_censored", np.bincount(codes[cens_ok], minlength=n_groups))
            km = np.full((3, n_groups), _NAT)
            for g in range(n_groups):
                cg = w[cens_ok & (codes == g)]
                km[:, g] = km_median(sv[off[g] : off[g] + n[g]], cg, confidence)
            put("km_median", km[0])
            put("km_median_ci_low", km[1])
            put("km_median_ci_high", km[2])
        notes.append(note)

    n_names = len(names)
    # group-major order: every duration of group 0, then group 1, ...
    take = np.repeat(np.arange(n_groups), n_names)
    out = key_frame.iloc[take].reset_index(drop=True) if keys else pd.DataFrame(index=take)
    out = out.reset_index(drop=True)
    out["duration"] = pd.array(np.tile(np.asarray(names, dtype=object), n_groups), dtype=STRING)
    for col, parts in cols.items():
        flat = np.stack(parts).T.ravel() if parts else np.zeros(0, np.int64)
        if col in ("n", "n_excluded", "n_censored"):
            out[col] = pd.array(flat, dtype="Int64")
        else:
            out[col] = pd.Series(flat.view("timedelta64[us]"), dtype=DURATION)
    note_flat = [notes[d][g] for g in range(n_groups) for d in range(n_names)]
    out["note"] = pd.array(note_flat, dtype=STRING)
    out.columns = pd.Index(list(out.columns))
    return out
