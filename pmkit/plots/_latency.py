"""Latency figures: distributions per period and median trends with intervals."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pmkit.plots._common import (
    PALETTE,
    _alpha,
    _base_layout,
    _colors_for,
    _columns,
    _duration_axis,
    _empty,
    _frame,
    _minutes,
    _order,
)


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
