"""pmkit.plots: figures draw exactly what the analysis layer returned."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import pmkit
from pmkit import plots
from pmkit.errors import UsageError


@pytest.fixture(scope="module")
def pm() -> pmkit.Postmortems:
    return pmkit.testing.make_postmortems(120, seed=1)


@pytest.fixture(scope="module")
def lat(pm: pmkit.Postmortems) -> pd.DataFrame:
    return pmkit.latencies(pm)


def _minutes(s: pd.Series) -> np.ndarray:
    return s.dt.total_seconds().to_numpy(dtype=float) / 60


def test_latency_distribution_draws_summary_median_and_interval(lat: pd.DataFrame) -> None:
    s = pmkit.summarize(lat, by="quarter", durations="time_to_detect")
    fig = plots.latency_distribution(lat, s)
    assert isinstance(fig, go.Figure)
    boxes = [t for t in fig.data if t.type == "box"]
    assert [b.name for b in boxes] == sorted(lat["quarter"].dropna().unique())
    marker = fig.data[-1]
    assert marker.name == "median (95% interval)"
    np.testing.assert_allclose(marker.y, _minutes(s["median"]))
    np.testing.assert_allclose(
        np.asarray(marker.y) + np.asarray(marker.error_y.array), _minutes(s["median_ci_high"])
    )
    np.testing.assert_allclose(
        np.asarray(marker.y) - np.asarray(marker.error_y.arrayminus),
        _minutes(s["median_ci_low"]),
    )
    assert fig.layout.yaxis.type == "log"
    assert all(("min" in t or "h" in t or "s" in t) for t in fig.layout.yaxis.ticktext)
    assert len(fig.layout.yaxis.ticktext) <= 8
    # every positive duration is drawn, nothing else
    drawn = sum(len(b.y) for b in boxes)
    m = _minutes(lat["time_to_detect"])
    assert drawn == int((np.isfinite(m) & (m > 0)).sum())
    assert "n=" in fig.layout.xaxis.ticktext[0]


def test_latency_distribution_says_zero_durations_are_left_out() -> None:
    lat = pd.DataFrame(
        {
            "incident_id": ["a", "b", "c"],
            "quarter": ["2026Q1"] * 3,
            "time_to_detect": pd.to_timedelta([0, 5, 10], unit="min"),
        }
    )
    fig = plots.latency_distribution(lat)
    assert "1 zero duration(s) not drawn" in fig.layout.title.text
    assert list(fig.data[0].y) == [5.0, 10.0]


def test_empty_frame_says_so(lat: pd.DataFrame) -> None:
    fig = plots.latency_distribution(lat.iloc[:0])
    assert fig.layout.annotations[0].text == plots._EMPTY_TEXT


def test_median_trend_band_and_grouped_error_bars(lat: pd.DataFrame) -> None:
    s = pmkit.summarize(lat, by="quarter", durations="time_to_detect")
    fig = plots.median_trend(s)
    names = [t.name for t in fig.data]
    assert names == ["time_to_detect interval", "time_to_detect interval", "time_to_detect"]
    assert fig.data[1].fill == "tonexty"
    np.testing.assert_allclose(fig.data[2].y, _minutes(s["median"]))
    np.testing.assert_allclose(fig.data[0].y, _minutes(s["median_ci_high"]))

    by_team = pmkit.summarize(lat, by=["quarter", "team"], durations="time_to_detect")
    colors = plots.team_colors(lat["team"])
    fig = plots.median_trend(by_team, color="team", colors=colors)
    assert [t.name for t in fig.data] == sorted(lat["team"].unique())
    assert fig.layout.scattermode == "group"
    assert {t.name: t.line.color for t in fig.data} == colors
    assert fig.data[0].error_y.array is not None


def test_detection_share_stacks_percentages_with_fixed_colours() -> None:
    share = pd.DataFrame(
        {
            "quarter": ["2026Q1", "2026Q1", "2026Q2", "2026Q2"],
            "detection_source": pd.Categorical(
                ["monitoring", "customer", "monitoring", "customer"],
                categories=pmkit.schema.DETECTION_SOURCES,
            ),
            "share": [0.75, 0.25, 0.5, 0.5],
            "n": [3, 1, 2, 2],
        }
    )
    fig = plots.detection_share(share, count="n")
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["monitoring", "customer"]
    assert list(fig.data[1].y) == [25.0, 50.0]
    assert fig.data[1].marker.color == plots.PALETTE["detection_source"]["customer"]
    assert fig.layout.yaxis.title.text == "% of incidents"


def test_survival_curves_follow_the_km_table(pm: pmkit.Postmortems) -> None:
    km = pmkit.survival(pm, by="team")
    fig = plots.survival_curves(km, color="team")
    curves = [t for t in fig.data if not t.name.endswith("interval")]
    assert [c.name for c in curves] == sorted(km["team"].unique())
    first = km[km["team"] == curves[0].name]
    np.testing.assert_allclose(curves[0].y, first["survival"])
    assert curves[0].line.shape == "hv"
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.yaxis.tickformat == ".0%"
    # time 0 is moved just left of the first event, never dropped
    assert len(curves[0].x) == len(first) and min(curves[0].x) > 0


def test_phase_timeline_in_callers_time_zone(pm: pmkit.Postmortems) -> None:
    inc = pm.incidents.head(5)
    fig = plots.phase_timeline(inc, tz="America/New_York")
    assert [t.name for t in fig.data] == list(plots.PHASES)
    assert {t.marker.color for t in fig.data} == set(plots.PALETTE["phase"].values())
    row = inc.iloc[0]
    ny = row["started_at"].tz_convert("America/New_York").strftime("%Y-%m-%d %H:%M")
    assert any(ny in label for label in fig.data[0].y)
    detect = fig.data[0]
    i = next(i for i, y in enumerate(detect.y) if y.startswith(row["incident_id"]))
    minutes = (row["detected_at"] - row["started_at"]).total_seconds() / 60
    unit = 60 if "hours" in fig.layout.xaxis.title.text else 1
    assert detect.x[i] == pytest.approx(minutes / unit)
    assert "America/New_York" in fig.layout.title.text


def test_phase_timeline_leaves_gaps_rather_than_guessing() -> None:
    inc = pmkit.schema.conform(
        {
            "incident_id": ["a"],
            "detection_source": ["monitoring"],
            "started_at": ["2026-01-01T10:00Z"],
            "detected_at": [None],
            "acknowledged_at": ["2026-01-01T10:30Z"],
            "mitigated_at": ["2026-01-01T10:20Z"],  # before acknowledged: out of order
            "resolved_at": ["2026-01-01T11:00Z"],
        },
        "incidents",
    )
    fig = plots.phase_timeline(inc)
    counts = {t.name: len(t.x) for t in fig.data}
    assert counts == {"detect": 0, "acknowledge": 0, "mitigate": 0, "resolve": 1}
    assert fig.data[3].base[0] == pytest.approx(20.0)


def test_phase_timeline_hatches_phases_that_rest_on_an_inferred_milestone() -> None:
    inc = pmkit.schema.conform(
        {
            "incident_id": ["a", "b"],
            "detection_source": ["monitoring", "monitoring"],
            "started_at": ["2026-01-01T10:00Z", "2026-01-02T10:00Z"],
            "detected_at": ["2026-01-01T10:05Z", "2026-01-02T10:05Z"],
            "acknowledged_at": ["2026-01-01T10:09Z", "2026-01-02T10:09Z"],
            "started_from": ["inferred", "timeline"],
            "detected_from": ["timeline", "timeline"],
            "acknowledged_from": ["timeline", "inferred"],
        },
        "incidents",
    )
    fig = plots.phase_timeline(inc)
    by = {t.name: t for t in fig.data}
    assert list(by["detect"].y) == ["a · 2026-01-01 10:00", "b · 2026-01-02 10:00"]
    assert [c[2] for c in by["detect"].customdata] == [" (inferred)", ""]  # a's start
    assert "%{customdata[2]}" in by["detect"].hovertemplate
    # one overlay hatches a's detect phase and b's acknowledge phase, exactly over them
    over = by["inferred milestone"]
    assert over.marker.pattern.shape == "/"
    assert list(over.y) == ["a · 2026-01-01 10:00", "b · 2026-01-02 10:00"]
    assert list(over.base) == [by["detect"].base[0], by["acknowledge"].base[1]]
    assert list(over.x) == [by["detect"].x[0], by["acknowledge"].x[1]]
    # without inferred milestones there is no overlay
    stated = inc.assign(started_from="timeline", acknowledged_from="timeline")
    stated = pmkit.schema.conform(stated, "incidents")
    assert [t.name for t in plots.phase_timeline(stated).data] == list(plots.PHASES)


def test_phase_timeline_limits_rows_and_says_so(pm: pmkit.Postmortems) -> None:
    fig = plots.phase_timeline(pm.incidents, max_incidents=10)
    assert len(fig.layout.yaxis.categoryarray) == 10
    assert f"{len(pm) - 10} earlier not shown" in fig.layout.title.text
    with pytest.raises(UsageError, match="max_incidents must be at least 1, got 0"):
        plots.phase_timeline(pm.incidents, max_incidents=0)
    with pytest.raises(UsageError, match="unknown time zone tz='Mars/Olympus'"):
        plots.phase_timeline(pm.incidents, tz="Mars/Olympus")


def test_risk_theme_map_bars_and_heatmap(pm: pmkit.Postmortems) -> None:
    rt = pmkit.risk_themes(pm)
    fig = plots.risk_theme_map(rt.themes, rt.trend)
    bar, heat = fig.data
    assert bar.name == "incidents" and heat.type == "heatmap"
    top_id = int(bar.y[-1].rsplit("[", 1)[1].rstrip("]"))
    biggest = rt.themes.set_index("theme_id").loc[top_id]
    assert bar.x[-1] == biggest["n_incidents"] == rt.themes["n_incidents"].max()
    assert list(heat.x) == sorted(rt.trend["quarter"].unique())
    trend = rt.trend[rt.trend["theme_id"] == top_id]
    assert list(heat.z[-1]) == trend.sort_values("quarter")["n_incidents"].tolist()
    only_bars = plots.risk_theme_map(rt.themes, top=1)
    assert len(only_bars.data) == 1 and len(only_bars.data[0].y) == 1


def test_follow_through_stacks_states_and_draws_overdue_inside_open() -> None:
    s = pd.DataFrame({"team": ["a", "b"], "done": [3, 1], "open": [1, 2], "overdue": [0, 2]})
    fig = plots.follow_through(s)
    assert [t.name for t in fig.data] == ["done", "open", "overdue"]
    _done, open_, overdue = fig.data
    assert list(open_.base) == [3.0, 1.0]  # stacked after done
    assert list(overdue.x) == [0.0, 2.0] and list(overdue.base) == list(open_.base)
    assert overdue.marker.color == plots.PALETTE["state"]["overdue"]
    missing = s.astype({"team": "string"})
    missing.loc[1, "team"] = pd.NA
    assert list(plots.follow_through(missing).data[0].y) == ["a", "(no team)"]
    with pytest.raises(UsageError, match="inside= names 'open', which is not in states"):
        plots.follow_through(s, states=["done"], inside={"overdue": "open"})


def test_follow_through_from_action_health(pm: pmkit.Postmortems) -> None:
    health = pmkit.action_health(pm, by="team")
    fig = plots.follow_through(health.summary)
    np.testing.assert_allclose(fig.data[2].x, health.summary["overdue"].astype(float))


def test_detection_share_from_metrics(pm: pmkit.Postmortems) -> None:
    share = pmkit.detection_share(pm)
    fig = plots.detection_share(share, y="share_of_all", count="count")
    customer = next(t for t in fig.data if t.name == "customer")
    expected = share[share["detection_source"] == "customer"]["share_of_all"] * 100
    np.testing.assert_allclose(customer.y, expected.astype(float))


def test_team_colours_are_stable_across_subsets() -> None:
    full = plots.team_colors(["search", "payments", "identity"])
    assert plots.team_colors(["identity", "payments", "search"]) == full
    assert len(set(full.values())) == 3


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda lat: plots.latency_distribution(lat, x="foo"), "'foo' is not the name of a column"),
        (lambda lat: plots.latency_distribution(lat, duration="bar"), "argument duration="),
        (lambda lat: plots.median_trend(lat, color="foo"), "'foo' is not the name"),
        (lambda lat: plots.detection_share(lat), "'share' is not the name of a column"),
        (lambda lat: plots.survival_curves(lat), "'time' is not the name of a column"),
        (lambda lat: plots.follow_through(lat, states=["done"]), "'done' is not the name"),
        (lambda lat: plots.risk_theme_map(lat), "'label' is not the name of a column"),
    ],
)
def test_column_arguments_are_checked(lat: pd.DataFrame, call, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match=message) as info:
        call(lat)
    assert "columns are incident_id, team" in str(info.value)


def test_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="lat must be a pandas DataFrame, got list"):
        plots.latency_distribution([1, 2])  # type: ignore[arg-type]


def test_rows_without_a_period_are_counted_not_drawn(lat: pd.DataFrame) -> None:
    undated = lat.copy()
    undated.loc[:9, "quarter"] = pd.NA
    s = pmkit.summarize(undated, by="quarter", durations="time_to_detect")
    fig = plots.latency_distribution(undated, s)
    assert "without a quarter not drawn" in fig.layout.title.text
    assert "<NA>" not in [t.name for t in fig.data]
    assert len(fig.data[-1].x) == s["quarter"].notna().sum()
    trend = plots.median_trend(s)
    assert "<NA>" not in list(trend.data[-1].x)
