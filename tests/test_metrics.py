"""Tests for pmkit.metrics: durations, latencies, summaries, comparisons, survival."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from pmkit import schema
from pmkit.errors import UsageError
from pmkit.metrics import (
    DURATIONS,
    Comparison,
    Duration,
    compare,
    latencies,
    summarize,
    survival,
)
from pmkit.metrics._compare import format_duration
from pmkit.metrics._summary import exact_ranks, min_n_exact
from pmkit.testing import make_postmortems

STRING = schema.STRING
PROVENANCE = schema.PROVENANCE
T0 = pd.Timestamp("2026-07-01T10:00Z")


def minutes(values: list[float | None]) -> pd.Series:
    return pd.Series(
        [pd.NaT if v is None else pd.Timedelta(minutes=v) for v in values],
        dtype="timedelta64[us]",
    )


def at(offsets: list[float | None]) -> list[Any]:
    return [None if o is None else T0 + pd.Timedelta(minutes=o) for o in offsets]


def tiny() -> pd.DataFrame:
    """Four incidents whose every duration is known by hand."""
    return schema.conform(
        {
            "incident_id": ["a", "b", "c", "d"],
            "team": ["x", "x", "y", "y"],
            "severity": ["SEV1", "SEV2", "SEV2", "SEV3"],
            "detection_source": ["monitoring", "customer", "monitoring", "unknown"],
            "status": ["resolved", "resolved", "open", None],
            "occurred_at": ["2026-03-31T23:59Z", "2026-04-01T00:00Z", T0, None],
            "started_at": at([0, 0, 0, None]),
            "detected_at": at([12, None, 5, 9]),
            "acknowledged_at": at([15, 3, 4, 10]),
            "mitigated_at": at([40, 30, None, 20]),
            "resolved_at": at([100, 60, None, None]),
        },
        "incidents",
    )


# --- durations and latencies -------------------------------------------------


def test_default_durations_are_documented_pairs() -> None:
    pairs = {name: (d.start, d.end) for name, d in DURATIONS.items()}
    assert pairs == {
        "time_to_detect": ("started_at", "detected_at"),
        "time_to_acknowledge": ("detected_at", "acknowledged_at"),
        "time_to_mitigate": ("detected_at", "mitigated_at"),
        "time_to_resolve": ("started_at", "resolved_at"),
        "time_to_communicate": ("detected_at", "communicated_at"),
        "impact_duration": ("started_at", "mitigated_at"),
    }
    assert all(d.description for d in DURATIONS.values())
    with pytest.raises(TypeError):
        DURATIONS["x"] = Duration("a_at", "b_at")  # type: ignore[index]


def test_latencies_exact_values_reasons_and_dtypes() -> None:
    lat = latencies(tiny(), ["time_to_detect", "time_to_acknowledge", "time_to_resolve"])
    expected = pd.DataFrame(
        {
            "incident_id": pd.array(["a", "b", "c", "d"], dtype=STRING),
            "team": pd.array(["x", "x", "y", "y"], dtype=STRING),
            "service": pd.array([None] * 4, dtype=STRING),
            "severity": tiny()["severity"],
            "detection_source": tiny()["detection_source"],
            "quarter": pd.array(["2026Q1", "2026Q2", "2026Q3", None], dtype=STRING),
            "time_to_detect": minutes([12, None, 5, None]),
            "time_to_acknowledge": minutes([3, None, None, 1]),
            "time_to_resolve": minutes([100, 60, None, None]),
            "open": [False, False, True, False],
            "exclusion_reason": pd.array(
                [
                    None,
                    "time_to_detect: detected_at missing; time_to_acknowledge: detected_at missing",
                    "time_to_acknowledge: acknowledged_at before detected_at; "
                    "time_to_resolve: resolved_at missing (incident still open)",
                    "time_to_detect: started_at missing; "
                    "time_to_resolve: started_at and resolved_at missing",
                ],
                dtype=STRING,
            ),
        }
    )
    pd.testing.assert_frame_equal(lat, expected)


def test_latencies_can_leave_out_inferred_milestones() -> None:
    inc = tiny()
    inc["started_from"] = pd.array(["timeline", "timeline", "inferred", None], dtype=PROVENANCE)
    inc["detected_from"] = pd.array(["inferred", None, "inferred", "timeline"], dtype=PROVENANCE)
    inc["acknowledged_from"] = pd.array(["timeline", "inferred", None, None], dtype=PROVENANCE)
    names = ["time_to_detect", "time_to_acknowledge", "time_to_resolve"]
    everything = latencies(inc, names)
    pd.testing.assert_frame_equal(everything, latencies(tiny(), names))  # the default keeps them
    stated = latencies(inc, names, inferred=False)
    for name, want in zip(
        names, [[None, None, None, None], [None, None, None, 1], [100, 60, None, None]], strict=True
    ):
        pd.testing.assert_series_equal(stated[name], minutes(want), check_names=False)
    assert list(stated["exclusion_reason"]) == [
        "time_to_detect: detected_at inferred; time_to_acknowledge: detected_at inferred",
        "time_to_detect: detected_at missing; time_to_acknowledge: detected_at missing",
        # an end before its start says so; an open incident whose start was
        # inferred is no censored observation either
        "time_to_detect: started_at and detected_at inferred; "
        "time_to_acknowledge: acknowledged_at before detected_at; "
        "time_to_resolve: started_at inferred",
        "time_to_detect: started_at missing; time_to_resolve: started_at and resolved_at missing",
    ]
    # an open incident whose start was inferred is no censored observation either
    cens = latencies(inc, ["time_to_resolve"], censored=True, as_of="2026-07-01T12:00Z")
    assert cens["time_to_resolve_at_least"].notna().tolist() == [False, False, True, False]
    cens = latencies(
        inc, ["time_to_resolve"], censored=True, as_of="2026-07-01T12:00Z", inferred=False
    )
    assert cens["time_to_resolve_at_least"].notna().tolist() == [False] * 4
    # a frame without the _from columns has nothing inferred
    pd.testing.assert_frame_equal(
        latencies(tiny(), names, inferred=False), latencies(tiny(), names)
    )


def test_survival_can_leave_out_inferred_milestones() -> None:
    inc = make_postmortems(80, seed=2).incidents.copy()
    inferred = (np.arange(len(inc)) % 4 == 0) & inc["started_at"].notna().to_numpy()
    inc.loc[inferred, "started_from"] = "inferred"
    without = inc.copy()
    without.loc[inferred, "started_at"] = pd.NaT
    pd.testing.assert_frame_equal(
        survival(inc, "time_to_detect", inferred=False), survival(without, "time_to_detect")
    )
    assert not survival(inc, "time_to_detect").equals(survival(without, "time_to_detect"))


def test_latencies_accepts_collection_custom_pairs_and_one_name() -> None:
    pm = make_postmortems(30, seed=5)
    custom = latencies(pm, {"time_to_report": ("started_at", "reported_at")})
    assert "time_to_report" in custom.columns
    assert custom["exclusion_reason"].str.contains("reported_at missing").all()
    one = latencies(pm, "time_to_detect")
    pd.testing.assert_series_equal(one["time_to_detect"], latencies(pm)["time_to_detect"])
    own = latencies(pm, {"ttd": Duration("started_at", "detected_at", "mine")})
    pd.testing.assert_series_equal(
        own["ttd"], one["time_to_detect"].rename("ttd"), check_names=True
    )


def test_latencies_of_empty_table() -> None:
    lat = latencies(schema.empty("incidents"))
    assert len(lat) == 0
    assert lat["time_to_detect"].dtype == np.dtype("timedelta64[us]")
    assert lat["exclusion_reason"].dtype == STRING


def test_latencies_censored_columns_use_as_of() -> None:
    lat = latencies(tiny(), ["time_to_resolve"], censored=True, as_of="2026-07-01T12:00Z")
    pd.testing.assert_series_equal(
        lat["time_to_resolve_at_least"],
        minutes([None, None, 120, None]).rename("time_to_resolve_at_least"),
    )
    latest = latencies(tiny(), ["time_to_resolve"], censored=True)
    # as_of=None is the latest timestamp in the table: c's own detection at 10:05
    assert latest.loc[2, "time_to_resolve_at_least"] == pd.Timedelta(minutes=100)


@pytest.mark.parametrize(
    ("durations", "match"),
    [
        (
            ["time_to_dettect"],
            r"unknown duration\(s\) 'time_to_dettect'; the defined durations "
            r"are time_to_detect, time_to_acknowledge",
        ),
        (
            {"x": ("started_at", "nope_at")},
            r"duration 'x' needs column 'nope_at', which is not "
            r"in incidents; its timestamp columns are occurred_at, started_at",
        ),
        ({"x": "started_at"}, r"duration 'x' must be a \(start_column, end_column\) pair"),
        ({}, r"no durations given; pass None"),
        ({"team": ("started_at", "detected_at")}, r"duration name\(s\) team clash"),
    ],
)
def test_latencies_bad_durations(durations: Any, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        latencies(tiny(), durations)


def test_latencies_type_and_dtype_errors() -> None:
    with pytest.raises(TypeError, match=r"expected a pmkit\.Postmortems or an incidents DataFrame"):
        latencies([1, 2])  # type: ignore[arg-type]
    naive = pd.DataFrame({"started_at": pd.to_datetime(["2026-01-01"]), "detected_at": [None]})
    naive["detected_at"] = naive["started_at"]
    with pytest.raises(UsageError, match=r"incidents.started_at must be tz-aware timestamps"):
        latencies(naive, "time_to_detect")
    with pytest.raises(UsageError, match="as_of must be tz-aware, got '2026-01-01'"):
        latencies(tiny(), censored=True, as_of="2026-01-01")
    empty = schema.empty("incidents")
    with pytest.raises(UsageError, match="as_of=None needs at least one timestamp"):
        latencies(empty, censored=True)


# --- summarize ----------------------------------------------------------------


def test_exact_ranks_match_brute_force() -> None:
    for conf in (0.8, 0.9, 0.95, 0.99):
        tail = (1 - conf) / 2
        n = np.arange(0, 80)
        got = exact_ranks(n, conf)
        for size, rank in zip(n, got, strict=True):
            ok = [r for r in range(1, size + 1) if stats.binom.cdf(r - 1, size, 0.5) <= tail]
            assert rank == (max(ok) if ok else 0)
    assert min_n_exact(0.95) == 6
    assert min_n_exact(0.99) == 8


def test_summarize_hand_computed() -> None:
    lat = pd.DataFrame(
        {"g": ["a"] * 10 + ["b"] * 6, "time_to_x": minutes([*range(1, 11), *[None] * 6])}
    )
    lat.loc[10:14, "time_to_x"] = minutes([1, 2, 3, 4, 5]).to_numpy()
    out = summarize(lat, by="g")
    expected = pd.DataFrame(
        {
            "g": ["a", "b"],
            "duration": pd.array(["time_to_x"] * 2, dtype=STRING),
            "n": pd.array([10, 5], dtype="Int64"),
            "n_excluded": pd.array([0, 1], dtype="Int64"),
            "median": minutes([5.5, 3]),
            "median_ci_low": minutes([2, None]),  # n=10 at 95%: ranks 2 and 9
            "median_ci_high": minutes([9, None]),
            "p75": minutes([7.75, 4]),
            "p90": minutes([9.1, 4.6]),
            "mean": minutes([5.5, 3]),
            "note": pd.array(
                [None, "n=5 is too small for a 95% interval of the median (needs n >= 6)"],
                dtype=STRING,
            ),
        }
    )
    pd.testing.assert_frame_equal(out, expected)


def test_summarize_without_by_and_empty_group_and_ns_unit() -> None:
    lat = pd.DataFrame({"d": pd.to_timedelta([1, 2, 3], unit="s").astype("timedelta64[ns]")})
    lat["e"] = pd.Series([pd.NaT] * 3, dtype="timedelta64[ns]")
    out = summarize(lat)
    assert list(out.columns[:3]) == ["duration", "n", "n_excluded"]
    assert out["median"].tolist() == [pd.Timedelta(seconds=2), pd.NaT]
    assert out["note"].tolist() == [
        "n=3 is too small for a 95% interval of the median (needs n >= 6)",
        "no e value in this group",
    ]


def test_summarize_keeps_missing_group_keys() -> None:
    out = summarize(latencies(tiny(), "time_to_resolve"), by="quarter")
    assert out["quarter"].isna().sum() == 1
    assert int(out["n"].sum() + out["n_excluded"].sum()) == 4


def test_summarize_bootstrap_is_seeded_and_brackets_median() -> None:
    lat = latencies(make_postmortems(200, seed=6))
    one = summarize(lat, by="team", durations="time_to_detect", ci="bootstrap", n_boot=300)
    two = summarize(lat, by="team", durations="time_to_detect", ci="bootstrap", n_boot=300)
    pd.testing.assert_frame_equal(one, two)
    assert (one["median_ci_low"] <= one["median"]).all()
    assert (one["median"] <= one["median_ci_high"]).all()
    small = summarize(lat.head(1), durations="time_to_detect", ci="bootstrap")
    assert small["note"].iloc[0] == "n=1 is too small for a bootstrap interval (needs n >= 2)"


def test_exact_interval_coverage_on_lognormal() -> None:
    rng = np.random.default_rng(20260701)
    reps, n = 2000, 15
    true_median = math.exp(3.0)  # minutes
    draws = rng.lognormal(3.0, 1.2, size=(reps, n))
    lat = pd.DataFrame(
        {
            "rep": np.repeat(np.arange(reps), n),
            "time_to_x": pd.to_timedelta(draws.ravel() * 60e6, unit="us").astype("timedelta64[us]"),
        }
    )
    out = summarize(lat, by="rep")
    lo = out["median_ci_low"].dt.total_seconds() / 60
    hi = out["median_ci_high"].dt.total_seconds() / 60
    coverage = float(((lo <= true_median) & (true_median <= hi)).mean())
    # exact coverage at n=15 is 1 - 2 P(Bin(15, .5) <= 3) = 0.965
    assert 0.945 <= coverage <= 0.985


def test_summarize_censored_km_median() -> None:
    inc = schema.conform(
        {
            "incident_id": ["a", "b", "c", "d"],
            "detection_source": ["monitoring"] * 4,
            "status": ["resolved", "resolved", "resolved", "investigating"],
            "started_at": at([0, 0, 0, 0]),
            "resolved_at": at([10, 20, 30, None]),
        },
        "incidents",
    )
    lat = latencies(inc, "time_to_resolve", censored=True, as_of=T0 + pd.Timedelta(minutes=25))
    out = summarize(lat, censored=True)
    assert out["n"].tolist() == [3]
    assert out["n_censored"].tolist() == [1]
    # KM: S(10) = 3/4, S(20) = 3/4 * 2/3 = 1/2, so the KM median is 20 min
    assert out["km_median"].tolist() == [pd.Timedelta(minutes=20)]
    assert out["median"].tolist() == [pd.Timedelta(minutes=20)]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"by": "tem"}, UsageError, r"by='tem' is not the name of a column; the columns are"),
        ({"durations": "team"}, UsageError, r"'team' is not a timedelta column of the frame"),
        ({"confidence": 95}, UsageError, r"confidence must be between 0 and 1 \(e.g. 0.95\)"),
        ({"ci": "normal"}, UsageError, r'ci must be "exact" or "bootstrap", got \'normal\''),
        ({"ci": "bootstrap", "n_boot": 0}, UsageError, r"n_boot must be a positive integer"),
        (
            {"censored": True},
            UsageError,
            r"censored=True needs column\(s\) time_to_detect_at_least",
        ),
    ],
)
def test_summarize_errors(kwargs: dict[str, Any], error: type[Exception], match: str) -> None:
    lat = latencies(tiny(), "time_to_detect")
    with pytest.raises(error, match=match):
        summarize(lat, **kwargs)


def test_summarize_type_error() -> None:
    with pytest.raises(TypeError, match="lat must be a pandas DataFrame, got list"):
        summarize([1])  # type: ignore[arg-type]


# --- compare ------------------------------------------------------------------


def two_quarters(a: list[float | None], b: list[float | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quarter": pd.array(["2026Q2"] * len(a) + ["2026Q3"] * len(b), dtype=STRING),
            "team": pd.array(["x"] * len(a) + ["y"] * len(b), dtype=STRING),
            "time_to_detect": minutes(a + b),
        }
    )


def test_compare_hand_computed() -> None:
    c = compare(two_quarters([1, 2, 3, 4, 5, None], [6, 7, 8, 9, 10]), "2026Q2", "2026Q3")
    assert isinstance(c, Comparison)
    row = c.to_frame().iloc[0]
    assert row["median_a"] == pd.Timedelta(minutes=3)
    assert row["median_b"] == pd.Timedelta(minutes=8)
    assert row["difference"] == pd.Timedelta(minutes=5)
    assert row["p_value"] == pytest.approx(
        stats.mannwhitneyu([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).pvalue
    )
    # pooled IQR of residuals is 2 min; SE = 2 * sqrt(1/5 + 1/5); z = 1.96 + 0.84
    mdc = (stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) * 2 * math.sqrt(0.4)
    assert row["min_detectable_change"].total_seconds() / 60 == pytest.approx(mdc, abs=1e-6)
    assert row["ci_low"] <= row["difference"] <= row["ci_high"]
    assert bool(row["distinguishable"]) is True
    assert c.verdict.startswith(
        "time_to_detect median went from 3.0 min (2026Q2, n=5) to 8.0 min (2026Q3, n=5); "
        "a difference of +5.0 min (95% interval"
    )
    assert "is larger than chance alone would produce (Mann-Whitney p=0.0079)" in c.verdict
    assert c.verdict.endswith(
        "the smallest change this sample could reliably detect is about 3.5 min"
    )
    assert c.groups["n_excluded"].tolist() == [1, 0]
    assert c.verdict in c._repr_html_() and c.verdict in repr(c)


def test_compare_noise_and_groups() -> None:
    lat = latencies(make_postmortems(300, seed=7))
    c = compare(lat, "payments", "identity", by="team")
    assert c.verdict.startswith("time_to_detect median is ")
    assert " for payments (n=" in c.verdict
    same = compare(two_quarters([1, 5, 3, 9, 7], [2, 6, 4, 8, 10]), "2026Q2", "2026Q3")
    assert "is within what chance alone produces with these sample sizes" in same.verdict
    assert bool(same.to_frame()["distinguishable"].iloc[0]) is False


def test_compare_too_few() -> None:
    c = compare(two_quarters([1, None], [2, 3]), "2026Q2", "2026Q3")
    assert c.verdict.endswith(
        "too few incidents with a known time_to_detect to compare "
        "(at least 2 on each side are needed)"
    )
    assert pd.isna(c.to_frame()["p_value"].iloc[0])


def test_compare_errors() -> None:
    lat = two_quarters([1, 2], [3, 4])
    with pytest.raises(
        UsageError,
        match=r"b='2026Q4' is not a value of column 'quarter'; "
        r"its values are 2026Q2, 2026Q3",
    ):
        compare(lat, "2026Q2", "2026Q4")
    with pytest.raises(UsageError, match=r"by='month' is not the name of a column"):
        compare(lat, "2026Q2", "2026Q3", by="month")
    with pytest.raises(UsageError, match=r"n_boot must be a positive integer, got 0"):
        compare(lat, "2026Q2", "2026Q3", n_boot=0)


def test_format_duration() -> None:
    us = 1e6
    assert format_duration(45 * us) == "45 s"
    assert format_duration(9.5 * 60 * us) == "9.5 min"
    assert format_duration(42 * 60 * us) == "42 min"
    assert format_duration(-3 * 3600 * us, signed=True) == "-3.0 h"
    assert format_duration(3 * 86400 * us) == "3.0 days"
    assert format_duration(math.nan) == "unknown"


# --- survival -----------------------------------------------------------------


def test_survival_hand_computed() -> None:
    inc = schema.conform(
        {
            "incident_id": ["a", "b", "c", "d", "e"],
            "detection_source": ["monitoring"] * 5,
            "status": ["resolved", "resolved", "resolved", "open", "resolved"],
            "started_at": at([0, 0, 0, 0, 0]),
            "resolved_at": at([10, 20, 30, None, -5]),
        },
        "incidents",
    )
    km = survival(inc, "time_to_resolve", as_of=T0 + pd.Timedelta(minutes=25))
    assert km["time"].tolist() == [pd.Timedelta(minutes=m) for m in (0, 10, 20, 25, 30)]
    assert km["survival"].tolist() == pytest.approx([1, 0.75, 0.5, 0.5, 0.0])
    assert km["at_risk"].tolist() == [4, 4, 3, 2, 1]
    assert (km["ci_low"].fillna(0) <= km["survival"]).all()


def test_survival_by_team_and_errors() -> None:
    pm = make_postmortems(80, seed=8)
    km = survival(pm, by="team")
    assert list(km.columns) == ["team", "time", "survival", "ci_low", "ci_high", "at_risk"]
    assert set(km["team"]) == set(pm.incidents["team"])
    start = km.groupby("team")["at_risk"].first()
    assert start.sum() == len(pm)  # every incident is in a curve at time 0 (none excluded here)
    custom = survival(pm.incidents, {"ttd": ("started_at", "detected_at")})
    assert custom["survival"].is_monotonic_decreasing
    with pytest.raises(UsageError, match=r"survival takes one duration, got 2"):
        survival(pm, {"a": ("started_at", "detected_at"), "b": ("started_at", "resolved_at")})
    with pytest.raises(UsageError, match="confidence must be between 0 and 1"):
        survival(pm, confidence=1.5)


def test_survival_group_with_only_censored() -> None:
    inc = schema.conform(
        {
            "incident_id": ["a"],
            "detection_source": ["monitoring"],
            "status": ["open"],
            "started_at": at([0]),
        },
        "incidents",
    )
    km = survival(inc, as_of=T0 + pd.Timedelta(hours=1))
    assert km["survival"].tolist() == [1.0]
    assert km["at_risk"].tolist() == [1]


# --- properties -----------------------------------------------------------------

offset = st.one_of(st.none(), st.integers(-600, 6000))


@st.composite
def incident_tables(draw: st.DrawFn) -> pd.DataFrame:
    k = draw(st.integers(1, 25))
    cols: dict[str, list[Any]] = {
        c: at([draw(offset) for _ in range(k)])
        for c in ("detected_at", "acknowledged_at", "mitigated_at", "resolved_at")
    }
    return schema.conform(
        {
            "incident_id": [f"i{i}" for i in range(k)],
            "team": [draw(st.sampled_from(["x", "y", "z"])) for _ in range(k)],
            "detection_source": ["unknown"] * k,
            "status": [draw(st.sampled_from(["open", "resolved", None])) for _ in range(k)],
            "started_at": at([draw(st.one_of(st.none(), st.just(0))) for _ in range(k)]),
            **cols,
        },
        "incidents",
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(incident_tables())
def test_property_no_negative_duration_without_reason(inc: pd.DataFrame) -> None:
    lat = latencies(inc)
    reasons = lat["exclusion_reason"].fillna("")
    for name in DURATIONS:
        values = lat[name]
        assert (values.dropna() >= pd.Timedelta(0)).all()
        mentioned = reasons.str.contains(f"{name}: ", regex=False).to_numpy(dtype=bool)
        assert (values.isna().to_numpy() == mentioned).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(incident_tables())
def test_property_summary_accounts_for_every_incident(inc: pd.DataFrame) -> None:
    lat = latencies(inc)
    out = summarize(lat, by="team")
    sizes = lat["team"].value_counts()
    total = (out["n"] + out["n_excluded"]).to_numpy()
    assert (total == out["team"].map(sizes).to_numpy()).all()
    known = out["median_ci_low"].notna()
    assert (out.loc[known, "median_ci_low"] <= out.loc[known, "median"]).all()
    assert (out.loc[known, "median"] <= out.loc[known, "median_ci_high"]).all()
    has = out["n"] > 0
    assert (out.loc[has, "median"] <= out.loc[has, "p75"]).all()
    assert (out.loc[has, "p75"] <= out.loc[has, "p90"]).all()
