"""Detection sources, Kaplan–Meier curves and per-incident phase timelines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pmkit import schema
from pmkit.errors import UsageError
from pmkit.plots._common import (
    PALETTE,
    PHASES,
    _alpha,
    _base_layout,
    _colors_for,
    _columns,
    _duration_axis,
    _empty,
    _frame,
    _local,
    _minutes,
    _order,
    duration_text,
)


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
    out-of-order one leaves a gap rather than a guess. A phase that rests on
    a milestone the reader inferred (provenance ``inferred``, no line states
    it) is hatched by an overlay trace named ``inferred milestone`` (only
    drawn when there is one), and its hover says so.

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
    hatched: dict[str, list[Any]] = {"y": [], "x": [], "base": []}
    for phase, (start, end) in PHASES.items():
        s, e = shown[start], shown[end]
        ok = (s.notna() & e.notna() & (e >= s)).to_numpy(dtype=bool)
        begin = (s - origin).dt.total_seconds().to_numpy(dtype=float) / 60
        length = (e - s).dt.total_seconds().to_numpy(dtype=float) / 60
        when = _local(s, tz)
        guessed = (schema.inferred_mask(shown, start) | schema.inferred_mask(shown, end))[ok]
        fig.add_trace(
            go.Bar(
                y=[n for n, k in zip(names, ok, strict=True) if k],
                x=length[ok] / per,
                base=begin[ok] / per,
                orientation="h",
                name=phase,
                marker={"color": PALETTE["phase"][phase]},
                customdata=[
                    [duration_text(m), f"{w:%Y-%m-%d %H:%M}", " (inferred)" if g else ""]
                    for m, w, g in zip(length[ok], when[ok], guessed, strict=True)
                ],
                hovertemplate=(
                    f"%{{y}}<br>{phase}: %{{customdata[0]}}%{{customdata[2]}} from "
                    f"%{{customdata[1]}} ({tz})<extra></extra>"
                ),
            )
        )
        rows = [n for n, k in zip(names, ok, strict=True) if k]
        hatched["y"] += [n for n, g in zip(rows, guessed, strict=True) if g]
        hatched["x"] += list(length[ok][guessed] / per)
        hatched["base"] += list(begin[ok][guessed] / per)
    if hatched["y"]:
        fig.add_trace(
            go.Bar(
                **hatched,
                orientation="h",
                name="inferred milestone",
                marker={
                    "color": "rgba(0,0,0,0)",
                    "pattern": {"shape": "/", "fgcolor": "rgba(40,40,40,0.55)"},
                },
                hoverinfo="skip",
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
