"""Palette, column checks and axis helpers shared by the figure builders."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pmkit.errors import UsageError
from pmkit.metrics import format_duration

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

    The same wording as :func:`pmkit.metrics.format_duration` (the report, the CLI
    and the widgets all show durations this way).

    >>> duration_text(12.0), duration_text(210.0)
    ('12 min', '3.5 h')
    """
    return format_duration(minutes * 60e6)


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


def _alpha(color: str, a: float) -> str:
    h = color.lstrip("#")
    if len(h) != 6:
        return color
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{a})"
