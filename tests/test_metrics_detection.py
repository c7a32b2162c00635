"""Tests for pmkit.metrics.detection_share and the Wilson interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pmkit import schema
from pmkit.errors import UsageError
from pmkit.metrics import detection_share, latencies, summarize
from pmkit.metrics._detection import wilson_interval
from pmkit.testing import make_postmortems


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "quarter": ["2026Q2"] * 4 + ["2026Q3"] * 3 + [None],
            "detection_source": pd.Series(
                [
                    "monitoring",
                    "customer",
                    "customer",
                    "unknown",
                    "unknown",
                    "unknown",
                    "monitoring",
                    "employee",
                ],
                dtype=schema.TABLES["incidents"]["detection_source"],
            ),
        }
    )


def test_hand_computed_counts_shares_and_unknowns() -> None:
    s = detection_share(frame())
    assert s["quarter"].iloc[::6].tolist()[:2] == ["2026Q2", "2026Q3"]
    assert pd.isna(s["quarter"].iloc[12])
    assert len(s) == 3 * len(schema.DETECTION_SOURCES)
    q2 = s[s["quarter"] == "2026Q2"].set_index("detection_source", drop=False)
    assert q2["count"].tolist() == [1, 2, 0, 0, 0, 1]
    assert (q2["n"] == 4).all() and (q2["n_known"] == 3).all() and (q2["n_unknown"] == 1).all()
    assert q2.loc["customer", "share"] == pytest.approx(2 / 3)
    assert q2.loc["customer", "share_of_all"] == pytest.approx(0.5)
    assert pd.isna(q2.loc["unknown", "share"])
    assert q2.loc["unknown", "share_of_all"] == pytest.approx(0.25)
    assert (q2["customer_first_share"] == q2.loc["customer", "share"]).all()
    # a group whose every source is unknown has no shares, but is reported
    q3 = s[s["quarter"] == "2026Q3"]
    assert q3["n"].iloc[0] == 3 and q3["n_known"].iloc[0] == 1
    missing = s[s["quarter"].isna()]
    assert missing["n"].iloc[0] == 1
    assert int(s["count"].sum()) == len(frame())


def test_group_with_no_known_source_has_na_shares() -> None:
    inc = pd.DataFrame({"team": ["a", "a"], "detection_source": ["unknown", None]})
    s = detection_share(inc, by="team")
    assert s["n_unknown"].iloc[0] == 2
    assert s["share"].isna().all() and s["customer_first_share"].isna().all()
    assert s["share_of_all"].tolist()[-1] == 1.0


def test_output_dtypes_and_columns() -> None:
    s = detection_share(frame(), by=None)
    assert list(s.columns) == [
        "n",
        "n_known",
        "n_unknown",
        "customer_first_share",
        "customer_first_ci_low",
        "customer_first_ci_high",
        "detection_source",
        "count",
        "share",
        "share_ci_low",
        "share_ci_high",
        "share_of_all",
    ]
    assert s["detection_source"].dtype == schema.TABLES["incidents"]["detection_source"]
    assert s["count"].dtype == "Int64" and s["share"].dtype == "Float64"
    assert isinstance(s.index, pd.RangeIndex)


def test_wilson_matches_scipy() -> None:
    k = np.array([0, 1, 7, 12, 20])
    n = np.array([20, 20, 20, 20, 20])
    low, high = wilson_interval(k, n, 0.9)
    for i in range(len(k)):
        ci = stats.binomtest(int(k[i]), int(n[i])).proportion_ci(0.9, method="wilson")
        assert low[i] == pytest.approx(ci.low) and high[i] == pytest.approx(ci.high)
    low, high = wilson_interval(np.array([0]), np.array([0]), 0.95)
    assert np.isnan(low[0]) and np.isnan(high[0])


def test_interval_brackets_share_and_narrows_with_confidence() -> None:
    s95 = detection_share(frame(), confidence=0.95)
    s80 = detection_share(frame(), confidence=0.8)
    ok = s95["share"].notna()
    assert (s95["share_ci_low"][ok] <= s95["share"][ok]).all()
    assert (s95["share"][ok] <= s95["share_ci_high"][ok]).all()
    assert (s80["share_ci_low"][ok] >= s95["share_ci_low"][ok]).all()


def test_accepts_collection_and_latencies_with_the_same_result() -> None:
    pm = make_postmortems(120, seed=2)
    a = detection_share(pm)
    b = detection_share(latencies(pm))
    pd.testing.assert_frame_equal(a, b)
    assert int(a.groupby("quarter")["n"].first().sum()) == len(pm.incidents)


def test_time_to_detect_by_source_is_one_call() -> None:
    lat = latencies(make_postmortems(150, seed=8))
    s = summarize(lat, by="detection_source", durations="time_to_detect")
    assert (s["n"] + s["n_excluded"]).sum() == len(lat)
    assert set(s["detection_source"].astype(str)) <= set(schema.DETECTION_SOURCES)


def test_plots_draw_it() -> None:
    from pmkit import plots

    s = detection_share(make_postmortems(60, seed=1))
    fig = plots.detection_share(s, count="count")
    assert {t.name for t in fig.data} <= set(schema.DETECTION_SOURCES)


def test_errors() -> None:
    with pytest.raises(UsageError, match="needs a 'detection_source' column"):
        detection_share(pd.DataFrame({"quarter": ["2026Q1"]}))
    with pytest.raises(UsageError, match=r"by='team' is not the name of a column"):
        detection_share(frame(), by="team")
    with pytest.raises(UsageError, match=r"value\(s\) 'pager', expected one of monitoring"):
        detection_share(pd.DataFrame({"quarter": ["q"], "detection_source": ["pager"]}))
    with pytest.raises(UsageError, match="confidence must be between 0 and 1"):
        detection_share(frame(), confidence=95)
    with pytest.raises(TypeError, match="got list"):
        detection_share([1, 2])  # type: ignore[arg-type]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b", None]), st.sampled_from([*schema.DETECTION_SOURCES])),
        min_size=1,
        max_size=40,
    )
)
def test_property_every_incident_counted_once(rows: list[tuple[str | None, str]]) -> None:
    inc = pd.DataFrame(rows, columns=["team", "detection_source"])
    s = detection_share(inc, by="team")
    assert int(s["count"].sum()) == len(inc)
    firsts = s.groupby("team", dropna=False)[["n", "n_known", "n_unknown"]].first()
    assert (firsts["n"] == firsts["n_known"] + firsts["n_unknown"]).all()
    known = s[s["share"].notna()]
    assert (
        (known["share_ci_low"] <= known["share"]) & (known["share"] <= known["share_ci_high"])
    ).all()
    sums = s.groupby("team", dropna=False)["share"].sum(min_count=1).dropna()
    assert np.allclose(sums.to_numpy(dtype=float), 1.0)
