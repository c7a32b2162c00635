"""Mix shift: did a duration change within strata, or did the strata mix change?"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pmkit import schema
from pmkit.errors import UsageError
from pmkit.metrics._compare import _side, format_duration, verdict_html
from pmkit.metrics._durations import DURATION, check_by, check_confidence
from pmkit.metrics._summary import duration_columns, micros

__all__ = ["MixShift", "mix_shift", "weighted_median"]

_NAT = np.iinfo(np.int64).min
#: Above this many resampled values, the bootstrap works in chunks (memory).
_BOOT_CHUNK = 4_000_000


def weighted_median(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted median of each row of ``x`` (2-D); weights must be positive.

    The smallest value whose cumulative weight reaches half the total; where
    the cumulative weight is exactly half, the mean of that value and the
    next. With equal weights this is exactly the ordinary median
    (:func:`numpy.median`), so a reweighting that changes nothing gives the
    plain median back, and like the sample median the result is an observed
    value or the mean of two neighbouring ones (no interpolation across a
    heavily weighted value).

    >>> x = np.array([[1.0, 2.0, 3.0, 10.0]])
    >>> weighted_median(x, np.ones(4)).tolist(), weighted_median(x, np.array([1, 1, 1, 5])).tolist()
    ([2.5], [10.0])
    """
    x = np.atleast_2d(np.asarray(x, dtype=np.float64))
    order = np.argsort(x, axis=1, kind="stable")
    xs = np.take_along_axis(x, order, axis=1)
    ws = np.take_along_axis(np.broadcast_to(np.asarray(w, np.float64), x.shape), order, axis=1)
    cw = np.cumsum(ws, axis=1)
    half = cw[:, -1] / 2
    eps = 1e-9 * cw[:, -1]
    j = np.argmax(cw >= (half - eps)[:, None], axis=1)
    rows = np.arange(x.shape[0])
    nxt = np.minimum(j + 1, x.shape[1] - 1)
    tie = np.abs(cw[rows, j] - half) <= eps
    return np.asarray(np.where(tie, (xs[rows, j] + xs[rows, nxt]) / 2, xs[rows, j]))


@dataclass(frozen=True, repr=False)
class MixShift:
    """The result of :func:`mix_shift`.

    Attributes
    ----------
    strata : DataFrame
        One row per stratum (see :func:`mix_shift`, Returns).
    overall : DataFrame
        One row: crude and standardized medians and changes.
    verdict : str
        What changed, in plain words: within strata, or the mix.
    """

    strata: pd.DataFrame
    overall: pd.DataFrame
    verdict: str

    def to_frame(self) -> pd.DataFrame:
        """The per-stratum table as a plain DataFrame (a copy)."""
        return self.strata.copy()

    def __repr__(self) -> str:
        return f"<MixShift: {self.verdict}>"

    def _repr_html_(self) -> str:
        return verdict_html("pmkit-mix-shift", self.verdict, self.overall, self.strata)


def _label(value: Any, strata: str) -> str:
    return f"missing {strata}" if pd.isna(value) else str(value)


def _stratified_change(
    groups_a: list[np.ndarray],
    groups_b: list[np.ndarray],
    weights_b: np.ndarray,
    n_boot: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Bootstrap of (weighted median of b) - (median of a), resampling within strata.

    Stratum sizes stay fixed, so each resample keeps both mixes: the interval
    is that of the within-strata change alone.
    """
    n_tot = sum(len(g) for g in groups_a) + sum(len(g) for g in groups_b)
    rows = max(1, _BOOT_CHUNK // max(n_tot, 1))
    w_b = np.concatenate([np.full(len(g), wt) for g, wt in zip(groups_b, weights_b, strict=True)])
    out: list[np.ndarray] = []
    for start in range(0, n_boot, rows):
        size = min(rows, n_boot - start)
        xa = np.concatenate([g[rng.integers(0, len(g), (size, len(g)))] for g in groups_a], 1)
        xb = np.concatenate([g[rng.integers(0, len(g), (size, len(g)))] for g in groups_b], 1)
        out.append(weighted_median(xb, w_b) - np.median(xa, axis=1))
    return np.concatenate(out)


def mix_shift(
    lat: pd.DataFrame,
    a: Any,
    b: Any,
    *,
    by: str = "quarter",
    strata: str = "severity",
    duration: str = "time_to_detect",
    confidence: float = 0.95,
    n_boot: int = 2000,
    random_state: int | np.random.Generator | None = 0,
) -> MixShift:
    """Split a change in a median into the change within strata and the change of mix.

    If SEV1s take longer to detect and period ``b`` had more of them, ``b``'s
    overall median rises although no severity got slower. This function
    reports, per stratum, the sizes, shares and medians in ``a`` and ``b``,
    and a *standardized* median: ``b``'s median as if ``b`` had ``a``'s mix.

    Method (direct standardization of a median): each value of ``b`` in
    stratum ``s`` gets the weight ``share_a(s) / share_b(s)``, and the
    standardized median is the weighted median of ``b``'s values
    (:func:`weighted_median`; equal weights give the ordinary median). Shares
    are taken among incidents with a known duration and over the strata
    present in both periods; it is compared with ``a``'s median over those same
    strata (``median_a_common``, equal to ``median_a`` when no stratum is
    missing from ``b``). ``change_at_a_mix`` is then the change within strata,
    and ``mix_effect = change - change_at_a_mix`` what the mix shift added.
    The interval of ``change_at_a_mix`` is a percentile bootstrap that
    resamples within each stratum (stratum sizes fixed), ``n_boot`` times,
    seeded by ``random_state``.

    A missing stratum value is a stratum of its own ("missing severity").
    Strata found in only one period cannot be standardized; they are listed
    in the verdict and in ``strata_only_in_a`` / ``strata_only_in_b``.

    Parameters
    ----------
    lat : DataFrame
        Output of :func:`latencies` (or any frame with ``by``, ``strata`` and
        the ``duration`` timedelta column).
    a, b : Any
        The two values of ``by`` to compare, e.g. ``"2026Q2"`` and ``"2026Q3"``.
    by : str, default "quarter"
    strata : str, default "severity"
        The column whose mix may have shifted, e.g. ``"service"``.
    duration : str, default "time_to_detect"
    confidence : float, default 0.95
    n_boot : int, default 2000
    random_state : int, Generator or None, default 0

    Returns
    -------
    MixShift
        ``.strata`` (also ``.to_frame()``): one row per stratum, in the order
        of the ``strata`` column (missing last): the ``strata`` column; ``n_a``,
        ``n_b`` (incidents with a known duration), ``n_excluded_a``,
        ``n_excluded_b`` (Int64); ``share_a``, ``share_b``, ``share_change``
        (Float64, the mix among incidents with a known duration);
        ``median_a``, ``median_b``, ``change`` (timedelta64[us], NA where a side
        is empty); ``in_both`` (bool).
        ``.overall``: one row: ``duration``, ``by``, ``strata``, ``a``, ``b``;
        ``n_a``, ``n_b``; ``median_a``, ``median_b``, ``change`` (crude);
        ``median_a_common``, ``median_b_at_a_mix``, ``change_at_a_mix``,
        ``ci_low``, ``ci_high``, ``mix_effect``; ``distinguishable`` (the
        interval excludes zero); ``strata_only_in_a``, ``strata_only_in_b``
        (comma-separated, NA when none).
        ``.verdict``: plain words.

    Raises
    ------
    UsageError
        ``by``, ``strata`` or ``duration`` is not a column (or ``strata`` is
        ``by``), ``a`` or ``b`` is not a value of ``by``, or a bad
        ``confidence`` or ``n_boot``.

    Examples
    --------
    >>> import pandas as pd
    >>> from pmkit.metrics import mix_shift
    >>> minutes = [5, 6, 7, 8, 30, 32] + [5, 6, 7, 30, 31, 32, 33, 34]
    >>> lat = pd.DataFrame({
    ...     "quarter": ["2026Q2"] * 6 + ["2026Q3"] * 8,
    ...     "severity": ["SEV3"] * 4 + ["SEV1"] * 2 + ["SEV3"] * 3 + ["SEV1"] * 5,
    ...     "time_to_detect": pd.to_timedelta(minutes, unit="min")})
    >>> m = mix_shift(lat, "2026Q2", "2026Q3")
    >>> m.strata[["severity", "n_a", "n_b", "share_a", "share_b", "median_a", "median_b"]]
      severity  n_a  n_b   share_a  share_b        median_a        median_b
    0     SEV1    2    5  0.333333    0.625 0 days 00:31:00 0 days 00:32:00
    1     SEV3    4    3  0.666667    0.375 0 days 00:06:30 0 days 00:06:00
    >>> m.overall[["median_a", "median_b", "median_b_at_a_mix", "mix_effect"]]
             median_a        median_b median_b_at_a_mix      mix_effect
    0 0 days 00:07:30 0 days 00:30:30   0 days 00:07:00 0 days 00:23:30
    >>> print(m.verdict)
    time_to_detect median went from 7.5 min (2026Q2, n=6) to 30 min (2026Q3, n=8), +23 min; at 2026Q2's severity mix 2026Q3's median would be 7.0 min, a change of -30 s (95% interval ...), within what chance alone produces; the mix shift accounts for +24 min (largest: SEV1 33% -> 62%).
    """  # noqa: E501
    check_confidence(confidence)
    if not isinstance(n_boot, int) or n_boot < 1:
        raise UsageError(f"n_boot must be a positive integer, got {n_boot!r}")
    (by_col,) = check_by(lat, by)
    (strata_col,) = check_by(lat, strata)
    if strata_col == by_col:
        raise UsageError(
            f"strata={strata!r} is also by; pass the column whose mix may have shifted, "
            'e.g. strata="severity" or strata="service"'
        )
    (name,) = duration_columns(lat, duration)
    values = micros(lat[name])
    _side(lat, by_col, a, "a", values)
    _side(lat, by_col, b, "b", values)
    in_a = lat[by_col].eq(a).to_numpy(dtype=bool, na_value=False)
    in_b = lat[by_col].eq(b).to_numpy(dtype=bool, na_value=False)
    keep = in_a | in_b
    codes, labels = pd.factorize(lat[strata_col][keep], sort=True, use_na_sentinel=False)
    side_a, vals = in_a[keep], values[keep]
    ok = vals != _NAT
    k = len(labels)

    def split(mask: np.ndarray) -> list[np.ndarray]:
        return [np.sort(vals[mask & ok & (codes == s)]).astype(np.float64) for s in range(k)]

    groups_a, groups_b = split(side_a), split(~side_a)
    n_a = np.array([len(g) for g in groups_a])
    n_b = np.array([len(g) for g in groups_b])
    size_a = np.bincount(codes[side_a], minlength=k)
    size_b = np.bincount(codes[~side_a], minlength=k)
    with np.errstate(invalid="ignore", divide="ignore"):
        share_a = n_a / n_a.sum() if n_a.sum() else np.full(k, np.nan)
        share_b = n_b / n_b.sum() if n_b.sum() else np.full(k, np.nan)
    med_a = np.array([np.median(g) if len(g) else np.nan for g in groups_a])
    med_b = np.array([np.median(g) if len(g) else np.nan for g in groups_b])

    def td(x: np.ndarray | list[float]) -> pd.Series:
        arr = np.asarray(x, dtype=np.float64)
        us = np.where(np.isnan(arr), _NAT, np.rint(np.nan_to_num(arr))).astype(np.int64)
        return pd.Series(us.view("timedelta64[us]"), dtype=DURATION)

    table = pd.DataFrame({strata_col: pd.Series(labels, dtype=lat[strata_col].dtype)})
    table["n_a"] = pd.array(n_a, dtype="Int64")
    table["n_b"] = pd.array(n_b, dtype="Int64")
    table["n_excluded_a"] = pd.array(size_a - n_a, dtype="Int64")
    table["n_excluded_b"] = pd.array(size_b - n_b, dtype="Int64")
    table["share_a"] = pd.Series(share_a, dtype="Float64")
    table["share_b"] = pd.Series(share_b, dtype="Float64")
    table["share_change"] = pd.Series(share_b - share_a, dtype="Float64")
    table["median_a"] = td(med_a)
    table["median_b"] = td(med_b)
    table["change"] = td(med_b - med_a)
    both = (n_a > 0) & (n_b > 0)
    table["in_both"] = both
    table.columns = pd.Index(list(table.columns))

    all_a = np.concatenate(groups_a) if k else np.zeros(0)
    all_b = np.concatenate(groups_b) if k else np.zeros(0)
    crude_a = float(np.median(all_a)) if len(all_a) else math.nan
    crude_b = float(np.median(all_b)) if len(all_b) else math.nan
    common = np.flatnonzero(both)
    std_b = common_a = lo = hi = math.nan
    if len(common):
        wa = n_a[common] / n_a[common].sum()
        wb = n_b[common] / n_b[common].sum()
        weights = wa / wb
        ca = [groups_a[s] for s in common]
        cb = [groups_b[s] for s in common]
        common_a = float(np.median(np.concatenate(ca)))
        w_vec = np.concatenate([np.full(len(g), w) for g, w in zip(cb, weights, strict=True)])
        std_b = float(weighted_median(np.concatenate(cb)[None, :], w_vec)[0])
        rng = np.random.default_rng(random_state)
        boot = _stratified_change(ca, cb, weights, n_boot, rng)
        alpha = 1 - confidence
        lo, hi = (float(q) for q in np.quantile(boot, [alpha / 2, 1 - alpha / 2]))
    only_a = [_label(labels[s], strata_col) for s in range(k) if n_a[s] and not n_b[s]]
    only_b = [_label(labels[s], strata_col) for s in range(k) if n_b[s] and not n_a[s]]
    within = std_b - common_a
    overall = pd.DataFrame(
        {
            "duration": pd.array([name], dtype=schema.STRING),
            "by": pd.array([by_col], dtype=schema.STRING),
            "strata": pd.array([strata_col], dtype=schema.STRING),
            "a": pd.array([str(a)], dtype=schema.STRING),
            "b": pd.array([str(b)], dtype=schema.STRING),
            "n_a": pd.array([int(n_a.sum())], dtype="Int64"),
            "n_b": pd.array([int(n_b.sum())], dtype="Int64"),
            "median_a": td([crude_a]),
            "median_b": td([crude_b]),
            "change": td([crude_b - crude_a]),
            "median_a_common": td([common_a]),
            "median_b_at_a_mix": td([std_b]),
            "change_at_a_mix": td([within]),
            "ci_low": td([lo]),
            "ci_high": td([hi]),
            "mix_effect": td([(crude_b - crude_a) - within]),
            "distinguishable": pd.array(
                [None if math.isnan(lo) else bool(lo > 0 or hi < 0)], dtype="boolean"
            ),
            "strata_only_in_a": pd.array([", ".join(only_a) or None], dtype=schema.STRING),
            "strata_only_in_b": pd.array([", ".join(only_b) or None], dtype=schema.STRING),
        }
    )
    largest = None
    if k and not np.all(np.isnan(share_b - share_a)):
        s = int(np.nanargmax(np.abs(np.nan_to_num(share_b) - np.nan_to_num(share_a))))
        largest = (_label(labels[s], strata_col), share_a[s], share_b[s])
    verdict = _verdict(
        name=name,
        strata=strata_col,
        a=a,
        b=b,
        n=(int(n_a.sum()), int(n_b.sum())),
        crude=(crude_a, crude_b),
        std_b=std_b,
        within=within,
        ci=(lo, hi),
        confidence=confidence,
        largest=largest,
        only=(only_a, only_b, n_a, n_b, labels),
    )
    return MixShift(table, overall, verdict)


def _verdict(
    *,
    name: str,
    strata: str,
    a: Any,
    b: Any,
    n: tuple[int, int],
    crude: tuple[float, float],
    std_b: float,
    within: float,
    ci: tuple[float, float],
    confidence: float,
    largest: tuple[str, float, float] | None,
    only: tuple[list[str], list[str], np.ndarray, np.ndarray, Any],
) -> str:
    f = format_duration
    crude_a, crude_b = crude
    head = f"{name} median went from {f(crude_a)} ({a}, n={n[0]}) to {f(crude_b)} ({b}, n={n[1]})"
    if not math.isnan(crude_a) and not math.isnan(crude_b):
        head += f", {f(crude_b - crude_a, signed=True)}"
    only_a, only_b, n_a, n_b, labels = only
    parts = [head]
    if math.isnan(std_b):
        parts.append(
            f"no {strata} has a known {name} in both periods, so no standardized figure exists"
        )
    else:
        pct = f"{confidence * 100:g}%"
        lo, hi = ci
        chance = (
            "larger than chance alone would produce"
            if lo > 0 or hi < 0
            else "within what chance alone produces"
        )
        parts.append(
            f"at {a}'s {strata} mix {b}'s median would be {f(std_b)}, a change of "
            f"{f(within, signed=True)} ({pct} interval {f(lo, signed=True)} to "
            f"{f(hi, signed=True)}), {chance}"
        )
        mix = (crude_b - crude_a) - within
        if largest is not None and not math.isnan(mix):
            label, sa, sb = largest
            parts.append(
                f"the mix shift accounts for {f(mix, signed=True)} (largest: {label} "
                f"{sa * 100:.0f}% -> {sb * 100:.0f}%)"
            )
    idx = {_label(v, strata): i for i, v in enumerate(labels)}
    for side, names, counts in ((a, only_a, n_a), (b, only_b, n_b)):
        if names:
            listed = ", ".join(f"{s} (n={counts[idx[s]]})" for s in names)
            parts.append(
                f"only in {side}: {listed}, left out of the standardized figure"
                if not math.isnan(std_b)
                else f"only in {side}: {listed}"
            )
    return "; ".join(parts) + "."
