"""Plotly figure builders: a DataFrame from the analysis layer in, a ``go.Figure`` out.

Nothing here computes a statistic. Each function draws what
:mod:`pmkit.metrics`, :mod:`pmkit.themes` or :mod:`pmkit.actions` returned:
medians and intervals come from :func:`pmkit.summarize`, curves from
:func:`pmkit.survival`, theme sizes and trends from :func:`pmkit.risk_themes`.
Column arguments are names of columns (as in plotly express); a wrong one
raises :class:`pmkit.UsageError` listing the columns there are.

Colours are fixed per phase, detection source, action state and severity
(:data:`PALETTE`), and teams keep their colour across figures when the same
``colors=`` mapping (see :func:`team_colors`) is passed to each. Timestamps are
stored in UTC and shown in the ``tz=`` the caller chooses.

>>> import pmkit
>>> from pmkit import plots
>>> pm = pmkit.testing.make_postmortems(60, seed=0)
>>> lat = pmkit.latencies(pm)
>>> summary = pmkit.summarize(lat, by="quarter", durations="time_to_detect")
>>> fig = plots.median_trend(summary)
>>> fig.data[-1].name, fig.layout.yaxis.type
('time_to_detect', 'log')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pmkit.errors import UsageError

__all__ = [
    "PALETTE",
    "PHASES",
    "detection_share",
    "duration_text",
    "follow_through",
    "latency_distribution",
    "median_trend",
    "phase_timeline",
    "risk_theme_map",
    "survival_curves",
    "team_colors",
]

#: Every colour pmkit draws with: fixed per phase, detection source, action
#: state and severity; ``"sequence"`` colours other groups (teams, services)
#: in the order :func:`team_colors` assigns.
PALETTE: Mapping[str, Any] = {
    "phase": {
        "detect": "#d62728",
        "acknowledge": "#ff7f0e",
        "mitigate": "#1f77b4",
        "resolve": "#2ca02c",
    },
    "detection_source": {
        "monitoring": "#2ca02c",
        "automated_test": "#17becf",
        "employee": "#1f77b4",
        "third_party": "#9467bd",
        "customer": "#d62728",
        "unknown": "#c7c7c7",
    },
    "state": {
        "done": "#2ca02c",
        "open": "#1f77b4",
        "in_progress": "#17becf",
        "overdue": "#d62728",
        "unowned": "#ff7f0e",
        "wont_do": "#7f7f7f",
        "unknown": "#c7c7c7",
    },
    "severity": {
        "SEV1": "#67000d",
        "SEV2": "#cb181d",
        "SEV3": "#fb6a4a",
        "SEV4": "#fcae91",
        "SEV5": "#fee5d9",
    },
    "sequence": (
        "#4c78a8",
        "#f58518",
        "#54a24b",
        "#b279a2",
        "#e45756",
        "#72b7b2",
        "#eeca3b",
        "#9d755d",
        "#ff9da6",
        "#bab0ac",
    ),
}

#: The phases of an incident: name -> (start milestone, end milestone).
PHASES: Mapping[str, tuple[str, str]] = {
    "detect": ("started_at", "detected_at"),
    "acknowledge": ("detected_at", "acknowledged_at"),
    "mitigate": ("acknowledged_at", "mitigated_at"),
    "resolve": ("mitigated_at", "resolved_at"),
}

#: Tick positions (minutes) and labels of duration axes.
_DURATION_TICKS: tuple[tuple[float, str], ...] = (
    (1 / 6, "10 s"),
    (0.5, "30 s"),
    (1, "1 min"),
    (2, "2 min"),
    (5, "5 min"),
    (10, "10 min"),
    (15, "15 min"),
    (30, "30 min"),
    (60, "1 h"),
    (120, "2 h"),
    (240, "4 h"),
    (480, "8 h"),
    (1440, "1 day"),
    (2880, "2 days"),
    (10080, "1 week"),
    (43200, "30 days"),
    (129600, "90 days"),
)
_MAX_TICKS = 8
_MAJOR_TICKS = frozenset(
    {"10 s", "1 min", "5 min", "15 min", "1 h", "4 h", "1 day", "1 week", "30 days"}
)
_EMPTY_TEXT = "nothing to show: no rows match"


# -- checks -------------------------------------------------------------------------------


def _frame(df: Any, what: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    return df


def _columns(df: pd.DataFrame, **named: str | None) -> None:
    """Raise UsageError, plotly-express style, for any argument naming no column."""
    for arg, col in named.items():
        if col is not None and col not in df.columns:
            raise UsageError(
                f"{col!r} is not the name of a column (argument {arg}=); "
                f"columns are {', '.join(map(str, df.columns))}"
            )


def team_colors(values: Iterable[Any]) -> dict[str, str]:
    """A stable colour per value (team, service, ...): sorted, then the palette in order.

    Pass the result as ``colors=`` to several figures (built from the full
    collection, not a filtered part) so a team keeps its colour everywhere.

    >>> team_colors(["search", "payments", "payments"])
    {'payments': '#4c78a8', 'search': '#f58518'}
    """
    seq = PALETTE["sequence"]
    names = sorted({str(v) for v in values if not pd.isna(v)})
    return {name: seq[i % len(seq)] for i, name in enumerate(names)}


def _colors_for(
    column: str | None, values: Iterable[Any], colors: Mapping[str, str] | None
) -> dict[str, str]:
    given = dict(colors or {})
    fixed = dict(PALETTE.get(column or "", {})) if column in PALETTE else {}
    vals = [str(v) for v in values]
    missing = [v for v in vals if v not in given and v not in fixed]
    auto = team_colors(missing)
    return {v: given.get(v) or fixed.get(v) or auto[v] for v in vals}


def _minutes(s: pd.Series) -> np.ndarray:
    return np.asarray(pd.to_timedelta(s).dt.total_seconds().to_numpy(dtype=float) / 60.0)


def duration_text(minutes: float) -> str:
    """A duration in minutes as words: "45 s", "12 min", "3.5 h", "2.0 days".

    >>> duration_text(12.0), duration_text(210.0)
    ('12 min', '3.5 h')
    """
    if np.isnan(minutes):
        return "unknown"
    s = minutes * 60
    if s < 90:
        return f"{s:.0f} s"
    if minutes < 90:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} days"


def _duration_axis(values: np.ndarray) -> dict[str, Any]:
    """A log axis in minutes with readable ticks ("5 min", "1 h", "1 day")."""
    v = values[np.isfinite(values) & (values > 0)]
    if not len(v):
        return {"type": "log", "title": {"text": "duration (log scale)"}}
    lo, hi = float(v.min()), float(v.max())
    ticks = [t for t in _DURATION_TICKS if lo / 3 <= t[0] <= hi * 3]
    if len(ticks) > _MAX_TICKS:
        ticks = [t for t in ticks if t[1] in _MAJOR_TICKS]
    return {
        "type": "log",
        "tickvals": [t[0] for t in ticks],
        "ticktext": [t[1] for t in ticks],
        "range": [np.log10(lo / 1.5), np.log10(hi * 1.5)],
        "title": {"text": "duration (log scale)"},
    }


def _empty(fig: go.Figure) -> go.Figure:
    fig.add_annotation(text=_EMPTY_TEXT, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    return fig


def _base_layout(fig: go.Figure, title: str, **extra: Any) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        template="plotly_white",
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        **extra,
    )
    return fig


def _order(values: pd.Series) -> list[Any]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna().tolist())
        return [c for c in values.cat.categories if c in present]
    return sorted(values.dropna().unique().tolist(), key=str)


def _local(s: pd.Series, tz: str) -> pd.Series:
    """Timestamps in zone ``tz`` as naive wall-clock times (what plotly shows)."""
    try:
        return s.dt.tz_convert(tz).dt.tz_localize(None)
    except (KeyError, ValueError) as err:
        raise UsageError(f"unknown time zone tz={tz!r}; pass e.g. tz='Europe/Paris'") from err


# -- latencies -----------------------------------------------------------------------------


def latency_distribution(
    lat: pd.DataFrame,
    summary: pd.DataFrame | None = None,
    *,
    duration: str = "time_to_detect",
    x: str = "quarter",
    points: bool = True,
    title: str | None = None,
) -> go.Figure:
    """Each incident's duration per period on a log axis, with the median and its interval.

    Parameters
    ----------
    lat : DataFrame
        Output of :func:`pmkit.latencies`: one row per incident.
    summary : DataFrame, optional
        Output of :func:`pmkit.summarize` grouped by ``x``; its ``median``,
        ``median_ci_low`` and ``median_ci_high`` of ``duration`` are drawn as a
        black diamond with error bars, and ``n`` labels each period.
    duration : str, default "time_to_detect"
        The timedelta column to draw.
    x : str, default "quarter"
        The period (or group) column.
    points : bool, default True
        Draw every incident as a dot beside its box.
    title : str, optional

    Returns
    -------
    go.Figure
        One box trace per period (name = period), then the ``"median (95% interval)"``
        marker trace when ``summary`` is given. Zero durations cannot sit on a log
        axis; how many were left out is said in the subtitle.

    Examples
    --------
    >>> import pmkit
    >>> lat = pmkit.latencies(pmkit.testing.make_postmortems(60, seed=0))
    >>> s = pmkit.summarize(lat, by="quarter", durations="time_to_detect")
    >>> fig = latency_distribution(lat, s)
    >>> fig.data[-1].name, fig.layout.yaxis.type
    ('median (95% interval)', 'log')
    """
    _frame(lat, "lat")
    _columns(lat, duration=duration, x=x)
    fig = go.Figure()
    minutes = _minutes(lat[duration])
    keep = np.isfinite(minutes) & (minutes > 0)
    n_zero = int((np.isfinite(minutes) & (minutes <= 0)).sum())
    periods = _order(lat[x])
    n_no_x = int((lat[x].isna().to_numpy() & keep).sum())
    for period in periods:
        mine = lat[x].eq(period).to_numpy(dtype=bool, na_value=False) & keep
        fig.add_trace(
            go.Box(
                x=[str(period)] * int(mine.sum()),
                y=minutes[mine],
                name=str(period),
                boxpoints="all" if points else False,
                jitter=0.4,
                pointpos=-1.6,
                marker={"size": 4, "opacity": 0.55, "color": PALETTE["sequence"][0]},
                line={"color": PALETTE["sequence"][0]},
                fillcolor="rgba(76,120,168,0.15)",
                showlegend=False,
                text=lat.loc[mine, "incident_id"].astype(str).tolist()
                if "incident_id" in lat
                else None,
                hovertemplate="%{text}: %{y:.1f} min<extra></extra>",
            )
        )
    if summary is not None:
        _frame(summary, "summary")
        _columns(summary, x=x, median="median", median_ci_low="median_ci_low")
        s = summary
        if "duration" in s.columns:
            s = s[(s["duration"] == duration).to_numpy(dtype=bool, na_value=False)]
        s = s[s[x].notna().to_numpy(dtype=bool)]
        med = _minutes(s["median"])
        low = _minutes(s["median_ci_low"])
        high = _minutes(s["median_ci_high"])
        n = s["n"].to_numpy() if "n" in s.columns else np.full(len(s), np.nan)
        fig.add_trace(
            go.Scatter(
                x=s[x].astype(str).tolist(),
                y=med,
                mode="markers",
                name="median (95% interval)",
                marker={"symbol": "diamond", "size": 11, "color": "black"},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": np.where(np.isnan(high), 0, high - med),
                    "arrayminus": np.where(np.isnan(low), 0, med - low),
                    "color": "black",
                    "thickness": 2,
                    "width": 8,
                },
                customdata=np.stack([low, high, n], axis=-1) if len(s) else None,
                hovertemplate=(
                    "median %{y:.1f} min<br>interval %{customdata[0]:.1f}"
                    "–%{customdata[1]:.1f} min<br>n=%{customdata[2]}<extra></extra>"
                ),
            )
        )
        if len(s):
            labels = [
                f"{p}<br>n={int(k)}" if not pd.isna(k) else str(p)
                for p, k in zip(s[x].astype(str), n, strict=True)
            ]
            fig.update_xaxes(tickvals=s[x].astype(str).tolist(), ticktext=labels)
    sub = "; ".join(
        text
        for text in (
            f"{n_zero} zero duration(s) not drawn on the log axis" if n_zero else "",
            f"{n_no_x} incident(s) without a {x} not drawn" if n_no_x else "",
        )
        if text
    )
    _base_layout(
        fig,
        (title or f"{duration} per {x}") + (f"<br><sup>{sub}</sup>" if sub else ""),
        showlegend=summary is not None,
    )
    fig.update_layout(yaxis=_duration_axis(minutes[keep]), xaxis={"type": "category"})
    fig.update_xaxes(title_text=x, categoryorder="array", categoryarray=[str(p) for p in periods])
    if not keep.any():
        _empty(fig)
    return fig


def median_trend(
    summary: pd.DataFrame,
    *,
    x: str = "quarter",
    color: str | None = None,
    colors: Mapping[str, str] | None = None,
    band: bool | None = None,
    title: str | None = None,
) -> go.Figure:
    """Median per period with its interval as a shaded band, one line per group.

    Parameters
    ----------
    summary : DataFrame
        Output of :func:`pmkit.summarize` grouped by ``x`` (and ``color``).
    x : str, default "quarter"
    color : str, optional
        Group column drawn as separate lines (e.g. ``"team"``); default one
        line per ``duration``.
    colors : dict, optional
        Group -> colour, e.g. from :func:`team_colors`.
    band : bool, optional
        Draw intervals as shaded bands (default for one or two groups) rather
        than error bars side by side (default for more, which bands would bury).
    title : str, optional

    Returns
    -------
    go.Figure
        With bands, per group a hidden ``"<group> interval"`` low/high pair filled between,
        then the ``<group>`` median line (markers; hover gives n and the interval).
    """
    _frame(summary, "summary")
    color = color or ("duration" if "duration" in summary.columns else None)
    _columns(summary, x=x, color=color)
    _columns(summary, median="median", median_ci_low="median_ci_low", ci_high="median_ci_high")
    fig = go.Figure()
    groups = _order(summary[color]) if color else [None]
    cmap = _colors_for(color, [g for g in groups if g is not None], colors)
    use_band = len(groups) <= 2 if band is None else band
    all_minutes: list[np.ndarray] = []
    for g in groups:
        part = (
            summary
            if g is None
            else summary[summary[color].eq(g).to_numpy(dtype=bool, na_value=False)]
        )
        part = part[part[x].notna().to_numpy(dtype=bool)].sort_values(x, kind="stable")
        xs = part[x].astype(str).tolist()
        med, low, high = (_minutes(part[c]) for c in ("median", "median_ci_low", "median_ci_high"))
        all_minutes += [med, low, high]
        name = "median" if g is None else str(g)
        c = cmap.get(name, PALETTE["sequence"][0])
        if use_band:
            known = ~(np.isnan(low) | np.isnan(high))
            bx = [v for v, k in zip(xs, known, strict=True) if k]
            fig.add_trace(
                go.Scatter(x=bx, y=high[known], mode="lines", line={"width": 0},
                           showlegend=False, hoverinfo="skip", name=f"{name} interval",
                           legendgroup=name)
            )  # fmt: skip
            fig.add_trace(
                go.Scatter(x=bx, y=low[known], mode="lines", line={"width": 0}, fill="tonexty",
                           fillcolor=_alpha(c, 0.18), showlegend=False, hoverinfo="skip",
                           name=f"{name} interval", legendgroup=name)
            )  # fmt: skip
        n = part["n"].to_numpy() if "n" in part.columns else np.full(len(part), np.nan)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=med,
                mode="lines+markers",
                name=name,
                legendgroup=name,
                line={"color": c, "width": 2},
                marker={"size": 7},
                error_y=None
                if use_band
                else {
                    "type": "data",
                    "symmetric": False,
                    "array": np.nan_to_num(high - med),
                    "arrayminus": np.nan_to_num(med - low),
                    "thickness": 1.5,
                    "width": 4,
                },
                customdata=np.stack([low, high, n], axis=-1) if len(part) else None,
                hovertemplate=(
                    f"{name}<br>%{{x}}: median %{{y:.1f}} min<br>interval "
                    "%{customdata[0]:.1f}–%{customdata[1]:.1f} min<br>n=%{customdata[2]}"
                    "<extra></extra>"
                ),
            )
        )
    what = ", ".join(sorted(set(summary["duration"].astype(str)))) if "duration" in summary else ""
    _base_layout(fig, title or f"median {what} per {x}, with its 95% interval")
    if not use_band:
        fig.update_layout(scattermode="group", scattergap=0.5)
    values = np.concatenate(all_minutes) if all_minutes else np.array([])
    fig.update_layout(yaxis=_duration_axis(values), xaxis={"type": "category", "title": x})
    if not len(summary):
        _empty(fig)
    return fig


def _alpha(color: str, a: float) -> str:
    h = color.lstrip("#")
    if len(h) != 6:
        return color
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{a})"


def detection_share(
    share: pd.DataFrame,
    *,
    x: str = "quarter",
    source: str = "detection_source",
    y: str = "share",
    count: str | None = None,
    title: str | None = None,
) -> go.Figure:
    """Stacked bars: how incidents were first noticed, per period.

    Parameters
    ----------
    share : DataFrame
        Long form, one row per period and source (e.g. from
        ``pmkit.metrics.detection_share``).
    x, source, y : str
        Period, detection source and value columns; a ``y`` between 0 and 1
        is shown as a percentage.
    count : str, optional
        Column of incident counts shown on hover.
    title : str, optional

    Returns
    -------
    go.Figure
        One bar trace per detection source (in :data:`pmkit.schema.DETECTION_SOURCES`
        order), stacked; customer-detected incidents are red.
    """
    _frame(share, "share")
    _columns(share, x=x, source=source, y=y, count=count)
    fig = go.Figure()
    sources = _order(share[source])
    cmap = _colors_for("detection_source", [str(s) for s in sources], None)
    values = pd.to_numeric(share[y], errors="coerce")
    as_pct = bool(len(values)) and values.max() <= 1.0
    periods = sorted(share[x].dropna().astype(str).unique())
    for src in sources:
        part = share[share[source].eq(src).to_numpy(dtype=bool, na_value=False)]
        v = pd.to_numeric(part[y], errors="coerce").to_numpy(dtype=float)
        fig.add_trace(
            go.Bar(
                x=part[x].astype(str).tolist(),
                y=v * 100 if as_pct else v,
                name=str(src),
                marker={"color": cmap[str(src)]},
                customdata=part[count].to_numpy() if count else None,
                hovertemplate=f"{src}<br>%{{x}}: %{{y:.0f}}{'%' if as_pct else ''}"
                + ("<br>n=%{customdata}" if count else "")
                + "<extra></extra>",
            )
        )
    _base_layout(fig, title or "how incidents were detected", barmode="stack")
    fig.update_layout(
        xaxis={"type": "category", "title": x, "categoryorder": "array", "categoryarray": periods},
        yaxis={"title": "% of incidents" if as_pct else y, "range": [0, 100] if as_pct else None},
    )
    if not len(share):
        _empty(fig)
    return fig


def survival_curves(
    km: pd.DataFrame,
    *,
    color: str | None = None,
    colors: Mapping[str, str] | None = None,
    band: bool = True,
    title: str | None = None,
) -> go.Figure:
    """Kaplan–Meier curves: the share of incidents still lasting after a given time.

    Parameters
    ----------
    km : DataFrame
        Output of :func:`pmkit.survival` (``time``, ``survival``, ``ci_low``,
        ``ci_high``, ``at_risk`` and the ``by`` columns).
    color : str, optional
        The ``by`` column of :func:`pmkit.survival`, one curve per value.
    colors : dict, optional
        Group -> colour, e.g. from :func:`team_colors`.
    band : bool, default True
        Shade the pointwise interval.
    title : str, optional

    Returns
    -------
    go.Figure
        Step curves on a log time axis; a curve starts at 1 just before its
        first event (time 0 cannot sit on a log axis). Per group the band pair
        (``"<group> interval"``), then the curve named after the group.
    """
    _frame(km, "km")
    _columns(km, color=color, time="time", survival="survival")
    fig = go.Figure()
    groups = _order(km[color]) if color else [None]
    cmap = _colors_for(color, [g for g in groups if g is not None], colors)
    minutes = _minutes(km["time"])
    positive = minutes[minutes > 0]
    floor = float(positive.min()) / 2 if len(positive) else 1.0
    for g in groups:
        mask = (
            np.ones(len(km), bool)
            if g is None
            else km[color].eq(g).to_numpy(dtype=bool, na_value=False)
        )
        part = km[mask]
        t = np.where(minutes[mask] > 0, minutes[mask], floor)
        name = "all incidents" if g is None else str(g)
        c = cmap.get(name, PALETTE["sequence"][0])
        if band and {"ci_low", "ci_high"} <= set(km.columns):
            fig.add_trace(
                go.Scatter(x=t, y=part["ci_high"], mode="lines", line={"width": 0, "shape": "hv"},
                           showlegend=False, hoverinfo="skip", name=f"{name} interval",
                           legendgroup=name)
            )  # fmt: skip
            fig.add_trace(
                go.Scatter(x=t, y=part["ci_low"], mode="lines", line={"width": 0, "shape": "hv"},
                           fill="tonexty", fillcolor=_alpha(c, 0.15), showlegend=False,
                           hoverinfo="skip", name=f"{name} interval", legendgroup=name)
            )  # fmt: skip
        risk = part["at_risk"].to_numpy() if "at_risk" in part else np.full(len(part), np.nan)
        fig.add_trace(
            go.Scatter(
                x=t,
                y=part["survival"],
                mode="lines",
                name=name,
                legendgroup=name,
                line={"shape": "hv", "color": c, "width": 2},
                customdata=np.stack([minutes[mask], risk], axis=-1) if len(part) else None,
                hovertemplate=(
                    f"{name}<br>after %{{customdata[0]:.0f}} min: %{{y:.0%}} still open"
                    "<br>at risk: %{customdata[1]}<extra></extra>"
                ),
            )
        )
    _base_layout(fig, title or "share of incidents still lasting (Kaplan–Meier)")
    fig.update_layout(
        xaxis=_duration_axis(np.append(minutes[minutes > 0], floor)),
        yaxis={"title": "still lasting", "tickformat": ".0%", "range": [0, 1.02]},
    )
    fig.update_xaxes(title_text="time since start (log scale)")
    if not len(km):
        _empty(fig)
    return fig


# -- incidents ------------------------------------------------------------------------------


def phase_timeline(
    incidents: pd.DataFrame,
    *,
    tz: str = "UTC",
    label: str = "incident_id",
    max_incidents: int = 40,
    title: str | None = None,
) -> go.Figure:
    """Per incident, its phases as bars from impact start: detect, acknowledge, mitigate, resolve.

    Each row is one incident, labelled with its start time in ``tz``; bars are
    placed by time since the incident's first known milestone, so incidents
    months apart can be compared. A phase is drawn only where both of its
    milestones (:data:`PHASES`) are known and in order; a missing or
    out-of-order one leaves a gap rather than a guess.

    Parameters
    ----------
    incidents : DataFrame
        The ``incidents`` table (or a selection of it).
    tz : str, default "UTC"
        Time zone of the start times in the row labels and hovers, e.g.
        ``"Europe/Paris"``.
    label : str, default "incident_id"
        Column naming each row.
    max_incidents : int, default 40
        The most recent incidents (by ``started_at``) are drawn; the title
        says how many were left out.
    title : str, optional

    Returns
    -------
    go.Figure
        One horizontal bar trace per phase (name = phase): ``base`` = phase
        start and ``x`` = phase length, both in minutes or hours (the axis
        title says which) since the incident's first milestone.

    Examples
    --------
    >>> import pmkit
    >>> pm = pmkit.testing.make_postmortems(10, seed=0)
    >>> fig = phase_timeline(pm.incidents, tz="Europe/Paris")
    >>> [t.name for t in fig.data]
    ['detect', 'acknowledge', 'mitigate', 'resolve']
    """
    _frame(incidents, "incidents")
    needed = [c for pair in PHASES.values() for c in pair]
    _columns(incidents, label=label, **{c: c for c in dict.fromkeys(needed)})
    if max_incidents < 1:
        raise UsageError(f"max_incidents must be at least 1, got {max_incidents}")
    stamps = list(dict.fromkeys(needed))
    first = incidents[stamps].min(axis=1)
    inc = incidents.assign(_first=first).sort_values(
        "_first", ascending=False, kind="stable", na_position="last"
    )
    shown = inc.head(max_incidents).iloc[::-1]
    left_out = len(inc) - len(shown)
    origin = shown["_first"]
    local = _local(origin.astype(incidents[stamps[0]].dtype), tz)
    names = [
        f"{n} · {t:%Y-%m-%d %H:%M}" if not pd.isna(t) else f"{n} · no time"
        for n, t in zip(shown[label].astype(str), local, strict=True)
    ]
    ends = [(shown[c] - origin).dt.total_seconds().to_numpy(dtype=float) / 60 for c in stamps]
    longest = float(np.nanmax(ends)) if len(shown) and np.isfinite(ends).any() else 0.0
    unit, per = ("hours", 60.0) if longest > 180 else ("minutes", 1.0)
    fig = go.Figure()
    for phase, (start, end) in PHASES.items():
        s, e = shown[start], shown[end]
        ok = (s.notna() & e.notna() & (e >= s)).to_numpy(dtype=bool)
        begin = (s - origin).dt.total_seconds().to_numpy(dtype=float) / 60
        length = (e - s).dt.total_seconds().to_numpy(dtype=float) / 60
        when = _local(s, tz)
        fig.add_trace(
            go.Bar(
                y=[n for n, k in zip(names, ok, strict=True) if k],
                x=length[ok] / per,
                base=begin[ok] / per,
                orientation="h",
                name=phase,
                marker={"color": PALETTE["phase"][phase]},
                customdata=[
                    [duration_text(m), f"{w:%Y-%m-%d %H:%M}"]
                    for m, w in zip(length[ok], when[ok], strict=True)
                ],
                hovertemplate=(
                    f"%{{y}}<br>{phase}: %{{customdata[0]}} from %{{customdata[1]}} ({tz})"
                    "<extra></extra>"
                ),
            )
        )
    note = f"; {left_out} earlier not shown" if left_out > 0 else ""
    _base_layout(
        fig,
        title or f"incident phases (start times in {tz}{note})",
        barmode="overlay",
        height=max(260, 120 + 22 * len(shown)),
    )
    fig.update_layout(
        xaxis={"title": f"{unit} since the first milestone", "rangemode": "tozero"},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": names,
               "automargin": True},
    )  # fmt: skip
    if not len(shown):
        _empty(fig)
    return fig


# -- themes and actions ---------------------------------------------------------------------


def _short(text: str, width: int = 42) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def risk_theme_map(
    themes: pd.DataFrame,
    trend: pd.DataFrame | None = None,
    *,
    label: str = "label",
    size: str = "n_incidents",
    top: int = 12,
    title: str | None = None,
) -> go.Figure:
    """Risk themes: how many incidents each touched, and in which quarters.

    Parameters
    ----------
    themes : DataFrame
        ``RiskThemes.themes`` from :func:`pmkit.risk_themes`.
    trend : DataFrame, optional
        ``RiskThemes.trend`` (``theme_id``, ``quarter``, ``n_incidents``),
        drawn as a heatmap beside the bars.
    label, size : str
        Theme name and size columns.
    top : int, default 12
        The largest themes (by ``size``) are drawn.
    title : str, optional

    Returns
    -------
    go.Figure
        A horizontal bar trace ``"incidents"`` (largest theme on top) and, with
        ``trend``, a heatmap ``"per quarter"`` sharing its rows.
    """
    _frame(themes, "themes")
    _columns(themes, label=label, size=size, theme_id="theme_id")
    if trend is not None:
        _frame(trend, "trend")
        _columns(trend, theme_id="theme_id", quarter="quarter", n_incidents="n_incidents")
    chosen = themes.sort_values(size, ascending=False, kind="stable").head(top).iloc[::-1]
    ids = chosen["theme_id"].tolist()
    rows = [f"{_short(str(t))} [{i}]" for t, i in zip(chosen[label], ids, strict=True)]
    cols = 2 if trend is not None else 1
    fig = make_subplots(
        rows=1,
        cols=cols,
        shared_yaxes=True,
        column_widths=[0.3, 0.7] if cols == 2 else [1.0],
        horizontal_spacing=0.02,
    )
    hover = chosen["representative"].astype(str).tolist() if "representative" in chosen else rows
    fig.add_trace(
        go.Bar(
            y=rows,
            x=chosen[size].to_numpy(dtype=float),
            orientation="h",
            name="incidents",
            marker={"color": PALETTE["sequence"][0]},
            customdata=hover,
            hovertemplate="%{y}<br>%{x} incidents<br>e.g. %{customdata}<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    if trend is not None:
        quarters = sorted(trend["quarter"].dropna().astype(str).unique())
        grid = (
            trend.assign(quarter=trend["quarter"].astype(str))
            .pivot_table(index="theme_id", columns="quarter", values="n_incidents",
                         aggfunc="sum", observed=True)
            .reindex(index=ids, columns=quarters)
        )  # fmt: skip
        fig.add_trace(
            go.Heatmap(
                z=grid.to_numpy(dtype=float),
                x=quarters,
                y=rows,
                name="per quarter",
                colorscale="Blues",
                colorbar={"title": {"text": "incidents"}, "thickness": 12},
                hovertemplate="%{y}<br>%{x}: %{z} incidents<extra></extra>",
                xgap=1,
                ygap=1,
            ),
            row=1,
            col=2,
        )
        fig.update_xaxes(type="category", title_text="quarter", row=1, col=2)
    _base_layout(
        fig,
        title or "recurring risk themes (incidents touched)",
        height=max(300, 120 + 30 * len(rows)),
    )
    fig.update_xaxes(title_text="incidents", row=1, col=1)
    fig.update_yaxes(automargin=True, type="category", row=1, col=1)
    if not len(chosen):
        _empty(fig)
    return fig


def follow_through(
    summary: pd.DataFrame,
    *,
    by: str = "team",
    states: Sequence[str] = ("done", "open"),
    inside: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """Stacked bars of action counts per team (or other group): done, open, and overdue.

    Parameters
    ----------
    summary : DataFrame
        One row per group with one count column per state, e.g.
        ``pmkit.action_health(pm, by="team").summary``.
    by : str, default "team"
    states : sequence of str, default ("done", "open")
        Disjoint count columns, stacked in this order.
    inside : dict, optional
        Subset counts drawn as a thinner bar inside the segment of the state
        that contains them; default ``{"overdue": "open"}`` when there is an
        ``overdue`` column (overdue actions are open ones, so stacking them
        would count them twice).
    colors : dict, optional
        State -> colour; defaults to :data:`PALETTE` ``["state"]``.
    title : str, optional

    Returns
    -------
    go.Figure
        One horizontal bar trace per state (name = state), stacked, then one
        per ``inside`` column (name = that column) placed at the start of its
        containing segment.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"team": ["a", "b"], "done": [3, 1], "open": [1, 2], "overdue": [0, 2]})
    >>> [t.name for t in follow_through(s).data]
    ['done', 'open', 'overdue']
    """
    _frame(summary, "summary")
    if inside is None:
        inside = {"overdue": "open"} if "overdue" in summary.columns else {}
    _columns(summary, by=by, **{f"states[{i}]": s for i, s in enumerate(states)})
    _columns(summary, **{f"inside[{k!r}]": k for k in inside})
    bad = [v for v in inside.values() if v not in states]
    if bad:
        raise UsageError(
            f"inside= names {', '.join(map(repr, bad))}, which is not in states "
            f"({', '.join(states)}); a subset is drawn inside one of the stacked states"
        )
    cmap = _colors_for("state", [*states, *inside], colors)
    groups = [str(g) if pd.notna(g) else f"(no {by})" for g in summary[by]]
    counts = {c: pd.to_numeric(summary[c], errors="coerce").fillna(0).to_numpy(dtype=float)
              for c in [*states, *inside]}  # fmt: skip
    fig = go.Figure()
    starts: dict[str, np.ndarray] = {}
    offset = np.zeros(len(groups))
    for state in states:
        starts[state] = offset.copy()
        fig.add_trace(
            go.Bar(
                y=groups,
                x=counts[state],
                base=offset.copy(),
                orientation="h",
                name=state,
                marker={"color": cmap[state]},
                hovertemplate=f"%{{y}}: %{{x}} {state}<extra></extra>",
            )
        )
        offset = offset + counts[state]
    for sub, within in inside.items():
        fig.add_trace(
            go.Bar(
                y=groups,
                x=counts[sub],
                base=starts[within],
                orientation="h",
                width=0.4,
                name=f"{sub}",
                marker={"color": cmap[sub]},
                hovertemplate=f"%{{y}}: %{{x}} {sub} (of the {within} ones)<extra></extra>",
            )
        )
    _base_layout(
        fig,
        title or f"action follow-through per {by}",
        barmode="overlay",
        height=max(260, 120 + 28 * len(groups)),
    )
    fig.update_layout(
        xaxis={"title": "actions"},
        yaxis={"type": "category", "automargin": True, "categoryorder": "array",
               "categoryarray": sorted(groups, reverse=True)},
    )  # fmt: skip
    if not len(summary):
        _empty(fig)
    return fig
