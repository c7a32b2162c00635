"""Risk themes and action follow-through."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from pmkit.errors import UsageError
from pmkit.plots._common import (
    PALETTE,
    _base_layout,
    _colors_for,
    _columns,
    _empty,
    _frame,
)


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
