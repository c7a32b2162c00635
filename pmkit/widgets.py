"""Jupyter dashboards: controls wired to pmkit's analysis functions and plots.

Each function returns an ``ipywidgets`` container to display in a notebook
(JupyterLab or Voilà). Nothing is computed here: every number comes from
:mod:`pmkit.metrics` or :mod:`pmkit.themes`, every chart from
:mod:`pmkit.plots`; the widgets only choose which rows go in.

The returned container also carries, for scripts and tests:

- ``controls``: name -> the control widget (each has the CSS class
  ``pmkit-<name>``, a stable hook for browser tests);
- ``figures``: name -> the ``go.Figure`` currently shown;
- ``frames``: name -> the DataFrame currently shown or drawn;
- ``refresh()``: recompute after changing the collection's controls by hand.

ipywidgets is optional: ``pip install 'pmkit[notebooks]'``.

>>> import pmkit
>>> from pmkit.widgets import explorer
>>> view = explorer(pmkit.testing.make_postmortems(40, seed=0))
>>> view.controls["team"].value = "search"
>>> int(view.frames["incidents"]["team"].eq("search").all())
1
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from pmkit import plots
from pmkit.actions import action_health
from pmkit.collection import Postmortems
from pmkit.errors import UsageError
from pmkit.io._files import write_text_atomic
from pmkit.metrics import DURATIONS, compare, detection_share, latencies, summarize, survival
from pmkit.themes import recurrences, risk_themes

__all__ = ["explorer", "quarterly_review", "theme_browser"]

ALL = "(all)"
#: Durations the quarterly review compares by default (canvas steps Detect,
#: React, Quick Fix).
REVIEW_DURATIONS: tuple[str, ...] = ("time_to_detect", "time_to_acknowledge", "time_to_mitigate")


def _ipywidgets() -> Any:
    try:
        import ipywidgets
    except ImportError as err:  # pragma: no cover - exercised by test with a blocked import
        raise ImportError(
            "pmkit.widgets needs ipywidgets; install it with pip install 'pmkit[notebooks]'"
        ) from err
    return ipywidgets


def _check_pm(pm: Any) -> Postmortems:
    if not isinstance(pm, Postmortems):
        raise TypeError(f"pm must be a pmkit.Postmortems, got {type(pm).__name__}")
    if not len(pm):
        raise UsageError("the collection has no incidents; load some with pmkit.load(path)")
    return pm


def _hook(widget: Any, name: str) -> Any:
    widget.add_class(f"pmkit-{name}")
    return widget


def _show(out: Any, fig: go.Figure) -> None:
    """Put ``fig`` in an Output widget as plotly's own mime bundle.

    Setting ``outputs`` directly (rather than ``display`` inside ``with out``)
    needs no running kernel, so it behaves the same in tests, JupyterLab and
    Voilà, and replaces the previous figure in one message.
    """
    bundle = pio.renderers["plotly_mimetype"].to_mimebundle(fig.to_dict())
    bundle["text/plain"] = f"<Figure: {fig.layout.title.text or ''}>"
    out.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)


def _table(df: pd.DataFrame, name: str, max_rows: int = 30) -> str:
    """HTML table for people: durations as "12 min", missing values blank."""
    df = df.head(max_rows).copy()
    for col in df.columns:
        if pd.api.types.is_timedelta64_dtype(df[col]):
            minutes = df[col].dt.total_seconds() / 60
            df[col] = [plots.duration_text(m) if pd.notna(m) else "" for m in minutes]
        elif not pd.api.types.is_numeric_dtype(df[col]):
            df[col] = df[col].astype(object).where(df[col].notna(), "")
    return df.to_html(
        index=False, escape=True, na_rep="", classes=f"pmkit-table pmkit-{name}", border=0
    )


def _options(values: pd.Series) -> list[str]:
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.dropna().astype(str))
        return [ALL, *(str(c) for c in values.cat.categories if str(c) in present)]
    return [ALL, *sorted({str(v) for v in values.dropna()})]


def _quarters(lat: pd.DataFrame) -> list[str]:
    return sorted({str(q) for q in lat["quarter"].dropna()})


def _container(w: Any, children: Sequence[Any], name: str) -> Any:
    box = _hook(w.VBox(list(children)), name)
    box.controls = {}
    box.figures = {}
    box.frames = {}
    return box


def _wire(controls: dict[str, Any], refresh: Callable[[], None]) -> None:
    for control in controls.values():
        if hasattr(control, "value"):
            control.observe(lambda _change: refresh(), names="value")


# -- explorer --------------------------------------------------------------------------------


def explorer(
    pm: Postmortems,
    *,
    duration: str = "time_to_detect",
    tz: str = "UTC",
    max_incidents: int = 30,
) -> Any:
    """Filter incidents and see their latencies, trends, survival and phases update.

    Controls: quarter range, team, service, severity, detection source,
    duration, and "stated times only" (leave out of the latency views the
    durations that rest on a milestone the reader inferred, see
    :func:`pmkit.latencies`; the phase timeline hatches those phases). Views: a
    count of incidents shown and excluded, the latency distribution per
    quarter (:func:`pmkit.plots.latency_distribution`), the median per quarter
    and team (:func:`pmkit.plots.median_trend`), the Kaplan–Meier curve per
    team (:func:`pmkit.plots.survival_curves`) and the phases of the most
    recent incidents (:func:`pmkit.plots.phase_timeline`).

    Parameters
    ----------
    pm : Postmortems
    duration : str, default "time_to_detect"
        Initial duration (one of :data:`pmkit.DURATIONS`).
    tz : str, default "UTC"
        Time zone the phase timeline shows start times in.
    max_incidents : int, default 30
        Incidents drawn in the phase timeline.

    Returns
    -------
    ipywidgets.VBox
        With ``controls`` (``quarters``, ``team``, ``service``, ``severity``,
        ``detection_source``, ``duration``, ``stated_only``), ``figures`` (``latency``,
        ``trend``, ``survival``, ``phases``), ``frames`` (``incidents``,
        ``latencies``, ``summary``) and ``counts`` (``shown``, ``excluded``).
    """
    w = _ipywidgets()
    pm = _check_pm(pm)
    if duration not in DURATIONS:
        raise UsageError(f"unknown duration {duration!r}; the durations are {', '.join(DURATIONS)}")
    lat_all = latencies(pm)
    lat_stated: list[pd.DataFrame] = []  # computed when first asked for
    inc_all = pm.incidents
    quarters = _quarters(lat_all)
    colors = plots.team_colors(inc_all["team"])
    layout = w.Layout(width="auto")
    controls: dict[str, Any] = {}
    if quarters:
        controls["quarters"] = w.SelectionRangeSlider(
            options=quarters, index=(0, len(quarters) - 1), description="Quarters",
            continuous_update=False, layout=w.Layout(width="480px"),
        )  # fmt: skip
    for col, label in [
        ("team", "Team"),
        ("service", "Service"),
        ("severity", "Severity"),
        ("detection_source", "Detected by"),
    ]:
        controls[col] = w.Dropdown(options=_options(inc_all[col]), value=ALL, description=label)
    controls["duration"] = w.Dropdown(
        options=list(DURATIONS), value=duration, description="Duration"
    )
    controls["stated_only"] = w.Checkbox(
        value=False, description="Stated times only", indent=False,
        tooltip="leave out durations that rest on a milestone no line states",
    )  # fmt: skip
    for name, c in controls.items():
        _hook(c, name)
        c.style = {"description_width": "initial"}
    count = _hook(w.HTML(), "count")
    outs = {name: _hook(w.Output(layout=layout), f"fig-{name}") for name in
            ("latency", "trend", "survival", "phases")}  # fmt: skip
    rows = [
        w.HBox([controls[k] for k in ("quarters", "duration", "stated_only") if k in controls]),
        w.HBox([controls[k] for k in ("team", "service", "severity", "detection_source")]),
        count,
        *outs.values(),
    ]
    box = _container(w, rows, "explorer")
    box.controls = controls

    def mask() -> np.ndarray:
        keep = np.ones(len(inc_all), bool)
        for col in ("team", "service", "severity", "detection_source"):
            v = controls[col].value
            if v != ALL:
                keep &= inc_all[col].astype(str).eq(v).to_numpy(dtype=bool, na_value=False)
        if "quarters" in controls:
            lo, hi = controls["quarters"].value
            if (lo, hi) != (quarters[0], quarters[-1]):
                q = lat_all["quarter"]
                keep &= (q.ge(lo) & q.le(hi)).to_numpy(dtype=bool, na_value=False)
        return keep

    def refresh() -> None:
        keep = mask()
        d = controls["duration"].value
        stated = bool(controls["stated_only"].value)
        if stated and not lat_stated:
            lat_stated.append(latencies(pm, inferred=False))
        inc = inc_all[keep].reset_index(drop=True)
        lat = (lat_stated[0] if stated else lat_all)[keep].reset_index(drop=True)
        by_q = summarize(lat, by="quarter", durations=d)
        by_team = summarize(lat, by=["quarter", "team"], durations=d)
        missing = int(by_q["n_excluded"].sum()) if len(by_q) else 0
        shown, excluded = int(keep.sum()), int((~keep).sum())
        box.counts = {"shown": shown, "excluded": excluded}
        count.value = (
            f"<div class='pmkit-count' data-shown='{shown}' data-excluded='{excluded}'>"
            f"<b>{shown}</b> incidents shown, {excluded} excluded by the filters; "
            f"{missing} of those shown have no {html.escape(d)} "
            f"(missing{', inferred' if stated else ''} or out-of-order timestamps)</div>"
        )
        figs = {
            "latency": plots.latency_distribution(lat, by_q, duration=d),
            "trend": plots.median_trend(by_team, color="team", colors=colors),
            "survival": plots.survival_curves(
                survival(inc, d, by="team", inferred=not stated) if len(inc) else _empty_km(),
                color="team", colors=colors,
                title=f"{d}: share of incidents still lasting (Kaplan–Meier)",
            ),
            "phases": plots.phase_timeline(inc, tz=tz, max_incidents=max_incidents),
        }  # fmt: skip
        for name, fig in figs.items():
            _show(outs[name], fig)
        box.figures = figs
        box.frames = {"incidents": inc, "latencies": lat, "summary": by_q}

    _wire(controls, refresh)
    box.refresh = refresh
    refresh()
    return box


def _empty_km() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "team": pd.Series([], dtype=object),
            "time": pd.Series([], dtype="timedelta64[us]"),
            "survival": pd.Series([], dtype=float),
        }
    )


# -- quarterly review ------------------------------------------------------------------------


def _previous(quarters: list[str], quarter: str) -> str | None:
    i = quarters.index(quarter)
    return quarters[i - 1] if i > 0 else None


def _review_parts(
    pm: Postmortems,
    lat: pd.DataFrame,
    themes: Any,
    quarter: str,
    previous: str | None,
    durations: Sequence[str],
) -> tuple[list[tuple[str, Any]], dict[str, Any], dict[str, pd.DataFrame]]:
    """The review's content as ("html", text) and ("figure", fig) parts, in order."""
    parts: list[tuple[str, Any]] = []
    figures: dict[str, Any] = {}
    frames: dict[str, pd.DataFrame] = {}
    pair = [q for q in (previous, quarter) if q is not None]
    sel = lat[lat["quarter"].isin(pair).to_numpy(dtype=bool, na_value=False)]
    n_q = int(lat["quarter"].eq(quarter).sum())
    head = f"Quarterly review {html.escape(quarter)}: {n_q} incidents" + (
        f", compared with {html.escape(previous)} ({int(lat['quarter'].eq(previous).sum())})"
        if previous
        else " (no earlier quarter to compare with)"
    )
    parts.append(("html", f"<h2 class='pmkit-review-title'>{head}</h2>"))
    medians = summarize(sel, by="quarter", durations=list(durations))
    frames["medians"] = medians
    verdicts: list[str] = []
    for d in durations:
        if previous is None:
            continue
        verdicts.append(compare(lat, previous, quarter, duration=d).verdict)
    frames["verdicts"] = pd.DataFrame({"duration": list(durations)[: len(verdicts)],
                                       "verdict": verdicts})  # fmt: skip
    items = "".join(f"<li>{html.escape(v)}</li>" for v in verdicts)
    parts.append(
        (
            "html",
            "<h3>Did detection, reaction and mitigation change?</h3>"
            f"<ul class='pmkit-verdicts' data-count='{len(verdicts)}'>{items}</ul>",
        )
    )
    shown = medians[["quarter", "duration", "n", "n_excluded", "median", "median_ci_low",
                     "median_ci_high", "p90", "note"]]  # fmt: skip
    parts.append(("html", "<h3>Medians with 95% intervals</h3>" + _table(shown, "medians")))
    for d in durations[:1]:
        fig = plots.latency_distribution(
            sel, medians, duration=d, title=f"{d}: {' vs '.join(pair)}"
        )
        figures["latency"] = fig
        parts.append(("figure", fig))
    share = detection_share(lat, by="quarter")
    frames["detection"] = share
    lines = []
    for q in pair:
        row = share[share["quarter"].eq(q).to_numpy(dtype=bool, na_value=False)].head(1)
        if len(row) and pd.notna(row["customer_first_share"].iloc[0]):
            r = row.iloc[0]
            lines.append(
                f"<li>{html.escape(q)}: customers noticed first in "
                f"{r['customer_first_share']:.0%} (95% interval {r['customer_first_ci_low']:.0%}"
                f"–{r['customer_first_ci_high']:.0%}) of the {int(r['n_known'])} incidents "
                f"whose detection source is known ({int(r['n_unknown'])} unknown)</li>"
            )
    parts.append(
        (
            "html",
            "<h3>Did we find it before a customer did?</h3>"
            f"<ul class='pmkit-detection'>{''.join(lines)}</ul>",
        )
    )
    fig = plots.detection_share(share, y="share_of_all", count="count")
    figures["detection"] = fig
    parts.append(("figure", fig))
    health = action_health(pm, by=("team", "quarter")).summary
    mine = health[health["quarter"].eq(quarter).to_numpy(dtype=bool, na_value=False)]
    frames["actions"] = mine.reset_index(drop=True)
    if len(mine):
        fig = plots.follow_through(
            mine, by="team", title=f"follow-through of the actions of {quarter}'s incidents"
        )
        figures["actions"] = fig
        parts.append(("html", f"<h3>Action follow-through ({html.escape(quarter)})</h3>"))
        parts.append(("figure", fig))
    if themes is not None and len(themes.trend):
        t = themes.trend[themes.trend["quarter"].eq(quarter).to_numpy(dtype=bool)]
        t = t[t["n_incidents"].gt(0).to_numpy(dtype=bool)]
        top = (
            t.merge(themes.themes[["theme_id", "label", "representative", "teams"]], on="theme_id")
            .sort_values("n_incidents", ascending=False, kind="stable")
            .head(5)
        )
        frames["themes"] = top
        parts.append(
            (
                "html",
                f"<h3>Top recurring risk themes in {html.escape(quarter)}</h3>"
                + _table(top[["label", "n_incidents", "teams", "representative"]], "themes"),
            )
        )
    return parts, figures, frames


def _write_html(path: Path, title: str, parts: list[tuple[str, Any]]) -> Path:
    """A standalone page; plotly.js is embedded once, with the first figure."""
    body: list[str] = []
    first = True
    for kind, value in parts:
        if kind == "figure":
            body.append(
                value.to_html(full_html=False, include_plotlyjs=first, config={"responsive": True})
            )
            first = False
        else:
            body.append(value)
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;"
        "max-width:1100px;margin:2em auto} table{border-collapse:collapse}"
        " td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left}</style>"
        f"</head><body>{''.join(body)}</body></html>"
    )
    return write_text_atomic(path, page)


def quarterly_review(
    pm: Postmortems,
    quarter: str | None = None,
    *,
    durations: Sequence[str] = REVIEW_DURATIONS,
    path: str | os.PathLike[str] | None = None,
) -> Any:
    """One quarter against the one before: medians, verdicts, top risk themes.

    Shows, for the chosen quarter and the previous one: the plain-words
    verdict of :func:`pmkit.compare` for each duration, the medians with
    their intervals (:func:`pmkit.summarize`), the latency distribution of
    both quarters, the customer-detected share with its interval
    (:func:`pmkit.detection_share`), the follow-through of the quarter's
    actions per team (:func:`pmkit.action_health`) and the risk themes
    (:func:`pmkit.risk_themes`) seen most in the quarter. A button writes
    the same content as a standalone HTML file (plotly.js embedded, opens
    without a network).

    Parameters
    ----------
    pm : Postmortems
    quarter : str, optional
        E.g. ``"2026Q3"``; default the latest quarter with incidents.
    durations : sequence of str
        Durations to compare (names from :data:`pmkit.DURATIONS`).
    path : str or path, optional
        Where the button writes the report; default
        ``pmkit-review-<quarter>.html`` in the working directory.

    Returns
    -------
    ipywidgets.VBox
        With ``controls`` (``quarter``, ``path``, ``write``), ``figures``
        (``latency``, ``detection``, ``actions``), ``frames`` (``medians``,
        ``verdicts``, ``detection``, ``actions``, ``themes``) and
        ``write_report()`` returning the written path.
    """
    w = _ipywidgets()
    pm = _check_pm(pm)
    bad = [d for d in durations if d not in DURATIONS]
    if bad or not durations:
        raise UsageError(
            f"unknown duration(s) {bad or '(none given)'}; the durations are {', '.join(DURATIONS)}"
        )
    lat = latencies(pm)
    quarters = _quarters(lat)
    if not quarters:
        raise UsageError("no incident has an occurred_at time, so there are no quarters to review")
    if quarter is None:
        quarter = quarters[-1]
    if quarter not in quarters:
        raise UsageError(
            f"quarter {quarter!r} has no incidents; quarters are {', '.join(quarters)}"
        )
    themes = risk_themes(pm) if len(pm.ideas) else None
    controls: dict[str, Any] = {
        "quarter": w.Dropdown(options=quarters, value=quarter, description="Quarter"),
        "path": w.Text(value="", description="Report file", layout=w.Layout(width="420px")),
        "write": w.Button(description="Write HTML report", icon="file", button_style="primary"),
    }
    for name, c in controls.items():
        _hook(c, name)
    status = _hook(w.HTML(), "status")
    content = _hook(w.VBox([]), "review")
    box = _container(
        w,
        [w.HBox([controls["quarter"], controls["path"], controls["write"]]), status, content],
        "quarterly-review",
    )
    box.controls = controls
    state: dict[str, Any] = {}

    def default_path(q: str) -> str:
        return str(path) if path is not None else f"pmkit-review-{q}.html"

    def refresh() -> None:
        q = controls["quarter"].value
        prev = _previous(quarters, q)
        parts, figures, frames = _review_parts(pm, lat, themes, q, prev, durations)
        children = []
        for kind, value in parts:
            if kind == "figure":
                key = next(k for k, f in figures.items() if f is value)
                out = _hook(w.Output(layout=w.Layout(width="auto")), f"fig-{key}")
                _show(out, value)
                children.append(out)
            else:
                children.append(w.HTML(value))
        content.children = children
        controls["path"].value = default_path(q)
        state["parts"] = parts
        box.figures = figures
        box.frames = frames

    def write_report(_button: Any = None) -> Path:
        q = controls["quarter"].value
        target = Path(controls["path"].value or default_path(q))
        try:
            written = _write_html(target, f"pmkit quarterly review {q}", state["parts"])
        except OSError as err:
            status.value = (
                f"<div class='pmkit-status' data-ok='0'>could not write {html.escape(str(target))}"
                f": {html.escape(str(err))}</div>"
            )
            raise
        status.value = (
            f"<div class='pmkit-status' data-ok='1' data-path='{html.escape(str(written))}'>"
            f"wrote {html.escape(str(written))}</div>"
        )
        return written

    controls["quarter"].observe(lambda _c: refresh(), names="value")
    controls["write"].on_click(write_report)
    box.refresh = refresh
    box.write_report = write_report
    refresh()
    return box


# -- theme browser ---------------------------------------------------------------------------


def theme_browser(pm: Postmortems, *, threshold: float = 0.35, tz: str = "UTC") -> Any:
    """Pick a risk theme; see its statements, incidents, teams and recurrences.

    Parameters
    ----------
    pm : Postmortems
    threshold : float, default 0.35
        Similarity threshold of :func:`pmkit.recurrences`.
    tz : str, default "UTC"
        Time zone of the incident dates shown.

    Returns
    -------
    ipywidgets.VBox
        With ``controls`` (``theme``), ``figures`` (``themes``: the theme map
        of :func:`pmkit.plots.risk_theme_map`) and ``frames`` (``statements``:
        the chosen theme's statements with incident, team and date;
        ``recurrences``: pairs of the theme's incidents from
        :func:`pmkit.recurrences`).
    """
    w = _ipywidgets()
    pm = _check_pm(pm)
    rt = risk_themes(pm)
    rec = recurrences(pm, threshold=threshold)
    if not len(rt.themes):
        raise UsageError(
            "no risk themes found: the collection has too few risk or cause statements "
            "(ideas with step other_risk or cause)"
        )
    options = [
        (f"{label} ({n} incidents)", int(t))
        for t, label, n in zip(rt.themes["theme_id"], rt.themes["label"], rt.themes["n_incidents"],
                               strict=True)
    ]  # fmt: skip
    controls = {"theme": _hook(w.Dropdown(options=options, description="Theme"), "theme")}
    controls["theme"].layout = w.Layout(width="600px")
    fig_out = _hook(w.Output(layout=w.Layout(width="auto")), "fig-themes")
    detail = _hook(w.HTML(), "theme-detail")
    box = _container(w, [fig_out, controls["theme"], detail], "theme-browser")
    box.controls = controls
    figure = plots.risk_theme_map(rt.themes, rt.trend)
    _show(fig_out, figure)
    box.figures = {"themes": figure}
    info = pm.incidents[["incident_id", "title", "team", "occurred_at"]]

    def refresh() -> None:
        tid = controls["theme"].value
        theme = rt.themes[rt.themes["theme_id"].eq(tid).to_numpy(dtype=bool)].iloc[0]
        st = rt.incidents(tid).merge(info, on="incident_id", how="left")
        st = st.assign(occurred_at=st["occurred_at"].dt.tz_convert(tz).dt.strftime("%Y-%m-%d"))
        ids = set(st["incident_id"])
        r = rec[
            (rec["incident_id"].isin(ids) & rec["earlier_incident_id"].isin(ids)).to_numpy(
                dtype=bool
            )
        ].reset_index(drop=True)
        box.frames = {"statements": st, "recurrences": r}
        detail.value = (
            f"<div class='pmkit-theme' data-theme='{tid}' data-statements='{len(st)}' "
            f"data-recurrences='{len(r)}'>"
            f"<h3>{html.escape(str(theme['label']))}</h3>"
            f"<p>{int(theme['n_incidents'])} incidents, teams: {html.escape(str(theme['teams']))}"
            f"; typical statement: <i>{html.escape(str(theme['representative']))}</i></p>"
            f"<h4>Statements</h4>"
            + _table(st[["incident_id", "occurred_at", "team", "title", "text"]], "statements")
            + f"<h4>Recurrences ({len(r)}): a later incident like an earlier one, "
            "with the earlier one's actions as they stood</h4>"
            + _table(r, "recurrences")
            + "</div>"
        )

    controls["theme"].observe(lambda _c: refresh(), names="value")
    box.refresh = refresh
    refresh()
    return box
