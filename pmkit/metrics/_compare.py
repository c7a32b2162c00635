"""Two periods or two groups: did a duration really change?"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from pmkit import schema
from pmkit.errors import UsageError
from pmkit.metrics._durations import DURATION, check_by, check_confidence
from pmkit.metrics._summary import bootstrap_medians, duration_columns, micros, summarize

__all__ = ["Comparison", "compare"]

_NAT = np.iinfo(np.int64).min
#: Power at which :func:`compare` states the minimum detectable change.
POWER = 0.8


def format_duration(us: float, *, signed: bool = False) -> str:
    """A duration in microseconds as words a reader can compare: "12 min", "3.5 h".

    >>> format_duration(12 * 60e6), format_duration(-90 * 60e6, signed=True)
    ('12 min', '-1.5 h')
    """
    if us is None or (isinstance(us, float) and math.isnan(us)) or us == _NAT:
        return "unknown"
    sign = ("+" if us > 0 else "-" if us < 0 else "") if signed else ("-" if us < 0 else "")
    s = abs(us) / 1e6
    if s < 90:
        text = f"{s:.0f} s"
    elif s < 10 * 60:
        text = f"{s / 60:.1f} min"
    elif s < 90 * 60:
        text = f"{s / 60:.0f} min"
    elif s < 48 * 3600:
        text = f"{s / 3600:.1f} h"
    else:
        text = f"{s / 86400:.1f} days"
    return sign + text


def _p_text(p: float) -> str:
    return "p<0.001" if p < 0.001 else f"p={p:.2g}"


@dataclass(frozen=True, repr=False)
class Comparison:
    """The result of :func:`compare`.

    Attributes
    ----------
    groups : DataFrame
        The two sides, as :func:`summarize` reports them (``a`` first).
    difference : DataFrame
        One row: ``duration``, ``by``, ``a``, ``b``, ``median_a``, ``median_b``,
        ``difference`` (``median_b - median_a``), ``ci_low``, ``ci_high``
        (bootstrap interval of the difference), ``p_value`` (two-sided
        Mann–Whitney U), ``min_detectable_change``, ``distinguishable``
        (``p_value < 1 - confidence``).
    verdict : str
        The comparison in plain words.
    """

    groups: pd.DataFrame
    difference: pd.DataFrame
    verdict: str

    def to_frame(self) -> pd.DataFrame:
        """The one-row ``difference`` table as a plain DataFrame (a copy)."""
        return self.difference.copy()

    def __repr__(self) -> str:
        return f"<Comparison: {self.verdict}>"

    def _repr_html_(self) -> str:
        return verdict_html("pmkit-comparison", self.verdict, self.groups, self.difference)


def verdict_html(css_class: str, verdict: str, *tables: pd.DataFrame) -> str:
    """A result object in Jupyter: its verdict in words, then its tables (escaped)."""
    body = "".join(t.to_html(index=False, escape=True) for t in tables)
    return f"<div class='{css_class}'><p>{html.escape(verdict)}</p>{body}</div>"


def _side(lat: pd.DataFrame, by: str, value: Any, name: str, values: np.ndarray) -> np.ndarray:
    mask = lat[by].eq(value).to_numpy(dtype=bool, na_value=False)
    if not mask.any():
        present = sorted(map(str, lat[by].dropna().unique()))
        shown = ", ".join(present[:20]) + (", ..." if len(present) > 20 else "")
        raise UsageError(
            f"{name}={value!r} is not a value of column {by!r}; its values are {shown or 'none'}"
        )
    x = values[mask]
    return np.sort(x[x != _NAT])


def compare(
    lat: pd.DataFrame,
    a: Any,
    b: Any,
    *,
    by: str = "quarter",
    duration: str = "time_to_detect",
    confidence: float = 0.95,
    n_boot: int = 2000,
    random_state: int | np.random.Generator | None = 0,
) -> Comparison:
    """Compare a duration between two periods (or two groups) and say if it changed.

    Three figures back the verdict:

    - the difference of medians with a percentile bootstrap interval (each side
      resampled independently, ``n_boot`` times, seeded by ``random_state``);
    - the two-sided Mann–Whitney U p-value (:func:`scipy.stats.mannwhitneyu`);
    - the minimum detectable change at 80% power. A sample median has standard
      error about ``1 / (2 f(m) sqrt(n))``; the density at the median ``f(m)``
      is approximated by the average density over the interquartile range,
      ``0.5 / IQR``, with the IQR pooled over both sides after centring each
      on its median. So ``SE(diff) ~ IQR * sqrt(1/n_a + 1/n_b)`` and the
      change detectable with 80% power at level ``1 - confidence`` is
      ``(z(1 - alpha/2) + z(0.8)) * SE(diff)``. It is an approximation (no
      simulation), good enough to say whether a sample could have seen a change
      of a given size; it is slightly conservative for normal data.

    Parameters
    ----------
    lat : DataFrame
        Output of :func:`latencies` (or any frame with ``by`` and ``duration``).
    a, b : Any
        The two values of ``by`` to compare, e.g. ``"2026Q2"`` and ``"2026Q3"``,
        or two teams with ``by="team"``; ``b`` is the later or the other one.
    by : str, default "quarter"
    duration : str, default "time_to_detect"
    confidence : float, default 0.95
    n_boot : int, default 2000
    random_state : int, Generator or None, default 0

    Returns
    -------
    Comparison
        ``.groups`` (summarize's columns for ``a`` and ``b``), ``.difference``
        (one row, see :class:`Comparison`) and ``.verdict`` (plain words).

    Raises
    ------
    UsageError
        ``by`` or ``duration`` is not a column, ``a`` or ``b`` is not a value
        of ``by``, or a bad ``confidence`` or ``n_boot``.

    Examples
    --------
    >>> from pmkit.metrics import compare, latencies
    >>> from pmkit.testing import make_postmortems
    >>> lat = latencies(make_postmortems(400, seed=4))
    >>> c = compare(lat, "2026Q2", "2026Q3")
    >>> print(c.verdict)
    time_to_detect median went from ... (2026Q2, n=...) to ... (2026Q3, n=...); ...
    >>> list(c.to_frame().columns)[:6]
    ['duration', 'by', 'a', 'b', 'median_a', 'median_b']
    """
    check_confidence(confidence)
    if not isinstance(n_boot, int) or n_boot < 1:
        raise UsageError(f"n_boot must be a positive integer, got {n_boot!r}")
    (by_col,) = check_by(lat, by)
    (name,) = duration_columns(lat, duration)
    values = micros(lat[name])
    xa = _side(lat, by_col, a, "a", values)
    xb = _side(lat, by_col, b, "b", values)
    pair = lat[
        lat[by_col].eq(a).to_numpy(dtype=bool, na_value=False)
        | lat[by_col].eq(b).to_numpy(dtype=bool, na_value=False)
    ]
    groups = summarize(pair, by=by_col, durations=name, confidence=confidence)
    order = [0, 1] if groups[by_col].iloc[0] == a else [1, 0]
    groups = groups.iloc[order].reset_index(drop=True) if len(groups) == 2 else groups

    na, nb = len(xa), len(xb)
    alpha = 1 - confidence
    med_a = float(np.median(xa)) if na else math.nan
    med_b = float(np.median(xb)) if nb else math.nan
    diff = lo = hi = p = mdc = math.nan
    if na >= 2 and nb >= 2:
        rng = np.random.default_rng(random_state)
        boot = bootstrap_medians(xb, n_boot, rng) - bootstrap_medians(xa, n_boot, rng)
        lo, hi = (float(q) for q in np.quantile(boot, [alpha / 2, 1 - alpha / 2]))
        diff = med_b - med_a
        p = float(stats.mannwhitneyu(xa, xb, alternative="two-sided").pvalue)
        resid = np.concatenate([xa - med_a, xb - med_b])
        q1, q3 = np.quantile(resid, [0.25, 0.75])
        z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(POWER)
        mdc = float(z * (q3 - q1) * math.sqrt(1 / na + 1 / nb))

    def td(x: float) -> Any:
        return pd.NaT if math.isnan(x) else pd.Timedelta(round(x), unit="us")

    difference = pd.DataFrame(
        {
            "duration": pd.array([name], dtype=schema.STRING),
            "by": pd.array([by_col], dtype=schema.STRING),
            "a": pd.array([str(a)], dtype=schema.STRING),
            "b": pd.array([str(b)], dtype=schema.STRING),
            **{
                col: pd.Series([td(v)], dtype=DURATION)
                for col, v in [
                    ("median_a", med_a),
                    ("median_b", med_b),
                    ("difference", diff),
                    ("ci_low", lo),
                    ("ci_high", hi),
                ]
            },
            "p_value": [p],
            "min_detectable_change": pd.Series([td(mdc)], dtype=DURATION),
            "distinguishable": pd.array([None if math.isnan(p) else p < alpha], dtype="boolean"),
        }
    )
    return Comparison(
        groups,
        difference,
        _verdict(name, by_col, a, b, na, nb, med_a, med_b, diff, lo, hi, p, mdc, confidence),
    )


def _verdict(
    name: str,
    by: str,
    a: Any,
    b: Any,
    na: int,
    nb: int,
    med_a: float,
    med_b: float,
    diff: float,
    lo: float,
    hi: float,
    p: float,
    mdc: float,
    confidence: float,
) -> str:
    f = format_duration
    if by == "quarter":
        head = f"{name} median went from {f(med_a)} ({a}, n={na}) to {f(med_b)} ({b}, n={nb})"
    else:
        head = f"{name} median is {f(med_a)} for {a} (n={na}) and {f(med_b)} for {b} (n={nb})"
    if math.isnan(p):
        return (
            f"{head}; too few incidents with a known {name} to compare "
            "(at least 2 on each side are needed)"
        )
    pct = f"{confidence * 100:g}%"
    shift = (
        f"a difference of {f(diff, signed=True)} ({pct} interval "
        f"{f(lo, signed=True)} to {f(hi, signed=True)})"
    )
    test = f"Mann-Whitney {_p_text(p)}"
    if p < 1 - confidence:
        judged = f"{shift} is larger than chance alone would produce ({test})"
    else:
        judged = f"{shift} is within what chance alone produces with these sample sizes ({test})"
    return (
        f"{head}; {judged}; the smallest change this sample could reliably detect is about {f(mdc)}"
    )
