"""pmkit.actions: follow-through, chase lists and tracker merging, on frames of known values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pmkit import schema
from pmkit.actions import ActionHealth, action_health, overdue, unowned, with_tracker
from pmkit.collection import Postmortems
from pmkit.errors import UsageError
from pmkit.io.jira import read_jira
from pmkit.testing import make_postmortems

JIRA = Path(__file__).parent / "data" / "jira"
DAY0 = pd.Timestamp("2026-01-01", tz="UTC")


def _day(d: float | None) -> pd.Timestamp | None:
    return None if d is None else DAY0 + pd.Timedelta(days=d)


def _pm(
    actions: dict[str, list[Any]], incidents: dict[str, list[Any]] | None = None
) -> Postmortems:
    inc = incidents or {
        "incident_id": ["a", "b"],
        "team": ["pay", "id"],
        "occurred_at": [_day(-1), _day(4)],
        "resolved_at": [_day(0), _day(5)],
    }
    inc = {**inc, "detection_source": ["unknown"] * len(inc["incident_id"])}
    n = len(actions["incident_id"])
    acts = {
        "action_id": [f"x{i}" for i in range(n)],
        "text": [f"action {i}" for i in range(n)],
        **actions,
    }
    return Postmortems(schema.conform(inc, "incidents"), actions=schema.conform(acts, "actions"))


@pytest.fixture
def km_pm() -> Postmortems:
    # incident a resolved on day 0: closed after 2, 4, 4 (wont_do), 6 days; one done, undated
    # incident b resolved on day 5: one open action, censored at as_of (day 10) -> 5 days
    return _pm(
        {
            "incident_id": ["a", "a", "a", "a", "a", "b"],
            "owner": ["ann", "ann", None, "bo", "bo", None],
            "due": [_day(1), None, _day(3), _day(20), None, _day(9)],
            "status": ["done", "done", "wont_do", "done", "done", "in_progress"],
            "closed_at": [_day(2), _day(4), _day(4), _day(6), None, None],
        }
    )


def test_km_with_censoring_matches_hand_computation(km_pm: Postmortems) -> None:
    h = action_health(km_pm, as_of=_day(10), by=None)
    km = h.time_to_close
    assert list(km.columns) == ["days", "share_open", "ci_low", "ci_high", "at_risk"]
    # events at 2 (1 of 5), 4 (2 of 4), censored at 5, event at 6 (1 of 1)
    assert km["days"].tolist() == [0.0, 2.0, 4.0, 5.0, 6.0]
    np.testing.assert_allclose(km["share_open"], [1.0, 0.8, 0.4, 0.4, 0.0])
    assert km["at_risk"].tolist() == [5, 5, 4, 2, 1]
    inside = km["ci_low"].notna() & km["ci_high"].notna()
    assert inside.sum() >= 2
    assert (km["ci_low"][inside] <= km["share_open"][inside] + 1e-12).all()
    assert (km["ci_high"][inside] >= km["share_open"][inside] - 1e-12).all()


def test_summary_exact_numbers(km_pm: Postmortems) -> None:
    h = action_health(km_pm, as_of=_day(10), by="team")
    s = h.summary
    assert s.columns.tolist() == [
        "team",
        "actions",
        "with_owner",
        "with_due",
        "with_both",
        "done",
        "wont_do",
        "open",
        "status_unknown",
        "overdue",
        "median_open_age_days",
        "closed_undated",
    ]
    assert s["team"].tolist() == ["id", "pay"]
    ida, pay = s.iloc[0], s.iloc[1]
    assert (pay["actions"], pay["done"], pay["wont_do"], pay["open"]) == (5, 4, 1, 0)
    assert pay["with_owner"] == pytest.approx(4 / 5)
    assert pay["with_due"] == pytest.approx(3 / 5)
    assert pay["with_both"] == pytest.approx(2 / 5)
    assert pay["closed_undated"] == 1
    assert np.isnan(pay["median_open_age_days"])
    assert (ida["actions"], ida["open"], ida["overdue"]) == (1, 1, 1)
    assert ida["median_open_age_days"] == pytest.approx(5.0)
    assert ida["with_owner"] == 0.0
    # per-team curves
    km = h.time_to_close
    # no action of team id closed yet: the curve stays at 1 from day 0
    assert km.loc[km["team"] == "id", "share_open"].tolist() == [1.0]
    assert h.by == ("team",)
    assert h.as_of == _day(10)


def test_overdue_boundary_around_as_of() -> None:
    as_of = _day(10)
    assert as_of is not None
    pm = _pm(
        {
            "incident_id": ["a"] * 6,
            "owner": ["ann", "ann", "bo", "bo", None, "cy"],
            "due": [as_of, as_of - pd.Timedelta(microseconds=1), _day(2), _day(2), _day(3), None],
            "status": ["open", "open", "done", "wont_do", "unknown", "open"],
        }
    )
    s = action_health(pm, as_of=as_of, by=None).summary
    # due exactly at as_of is not yet overdue; closed ones never are; unknown status is open
    assert int(s.loc[0, "overdue"]) == 2
    assert int(s.loc[0, "open"]) == 4
    assert int(s.loc[0, "status_unknown"]) == 1
    late = overdue(pm, as_of=as_of)
    assert late["action_id"].tolist() == ["x1", "x4"]  # owner ann first, missing owner last
    assert late.loc[1, "owner"] is pd.NA
    assert late["days_overdue"].tolist() == pytest.approx([1e-6 / 86_400, 7.0])
    assert late.columns.tolist() == [
        "owner",
        "team",
        "incident_id",
        "action_id",
        "text",
        "due",
        "status",
        "days_overdue",
        "tracker_key",
        "source",
        "line",
    ]
    # one day later, the action due at as_of is overdue too
    assert len(overdue(pm, as_of=as_of + pd.Timedelta(days=1))) == 3


def test_as_of_none_is_latest_observation_not_a_due_date() -> None:
    pm = _pm(
        {
            "incident_id": ["a", "a"],
            "due": [_day(3), _day(400)],
            "status": ["open", "done"],
            "closed_at": [None, _day(7)],
        }
    )
    h = action_health(pm, by=None)
    assert h.as_of == _day(7)
    assert int(h.summary.loc[0, "overdue"]) == 1
    assert h.summary.loc[0, "median_open_age_days"] == pytest.approx(7.0)


def test_unowned_lists_open_actions_without_owner() -> None:
    pm = _pm(
        {
            "incident_id": ["b", "a", "a", "a"],
            "owner": [None, None, "ann", None],
            "due": [None, _day(3), None, None],
            "status": ["open", "open", "open", "done"],
        }
    )
    todo = unowned(pm)
    assert todo["action_id"].tolist() == ["x0", "x1"]  # team id before pay
    assert todo["has_due"].tolist() == [False, True]
    assert todo["owner"].isna().all()
    assert unowned(pm, include_closed=True)["action_id"].tolist() == ["x0", "x1", "x3"]


def test_invariants_on_generated_collection() -> None:
    pm = make_postmortems(80, seed=5)
    h = action_health(pm, by=("team", "quarter", "step"))
    s = h.summary
    assert (s["done"] + s["wont_do"] + s["open"] == s["actions"]).all()
    assert (s["overdue"] <= s["open"]).all()
    assert int(s["actions"].sum()) == len(pm.actions)
    assert s[["with_owner", "with_due", "with_both"]].stack().between(0, 1).all()
    assert (s["with_both"] <= s[["with_owner", "with_due"]].min(axis=1)).all()
    assert int(s["overdue"].sum()) == len(overdue(pm))
    km = h.time_to_close
    first = km.groupby(["team", "quarter", "step"], observed=True, dropna=False).head(1)
    assert (first["share_open"] == 1.0).all()


def test_repr_and_html_escape_text() -> None:
    pm = _pm(
        {"incident_id": ["a"], "status": ["open"]},
        incidents={
            "incident_id": ["a"],
            "team": ["<b>ops</b>"],
            "occurred_at": [_day(0)],
            "resolved_at": [_day(1)],
        },
    )
    h = action_health(pm, as_of=_day(3))
    assert isinstance(h, ActionHealth)
    out = h._repr_html_()
    assert "&lt;b&gt;ops&lt;/b&gt;" in out
    assert "<b>ops</b>" not in out
    assert repr(h).startswith("<ActionHealth as of 2026-01-04 00:00 UTC: 1 actions")


def test_empty_collection_gives_empty_frames() -> None:
    h = action_health(Postmortems(), as_of="2026-01-01T00:00Z")
    assert len(h.summary) == 0
    assert len(h.time_to_close) == 0
    assert list(h.time_to_close.columns[-5:]) == [
        "days",
        "share_open",
        "ci_low",
        "ci_high",
        "at_risk",
    ]
    assert len(overdue(Postmortems(), as_of="2026-01-01T00:00Z")) == 0


def test_input_is_not_modified(km_pm: Postmortems) -> None:
    before = km_pm.actions.copy()
    action_health(km_pm, as_of=_day(10))
    overdue(km_pm, as_of=_day(10))
    pd.testing.assert_frame_equal(km_pm.actions, before)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"as_of": "2026-01-01"}, r"as_of must be tz-aware, got '2026-01-01'"),
        ({"as_of": "soon"}, r"as_of must be a timestamp, got 'soon'"),
        ({"by": "squad"}, r"by='squad' is not the name of a column"),
    ],
)
def test_usage_errors(km_pm: Postmortems, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        action_health(km_pm, **kwargs)


def test_as_of_none_without_any_timestamp() -> None:
    with pytest.raises(UsageError, match="as_of=None needs at least one observed timestamp"):
        overdue(Postmortems())


# --- with_tracker -----------------------------------------------------------------


@pytest.fixture
def tracked() -> Postmortems:
    inc = {
        "incident_id": ["PM-0001", "PM-0002"],
        "occurred_at": [_day(0), _day(1)],
        "detection_source": ["unknown", "unknown"],
    }
    acts = {
        "incident_id": ["PM-0001", "PM-0001", "PM-0002", "PM-0002", "PM-0002"],
        "action_id": ["a1", "a2", "a3", "a4", "a5"],
        "text": [
            "Alert on checkout queue depth (PAY-123)",
            "Write the failover runbook",
            "Load test failover path",
            "Fix typo in docs ABC-9",
            "Buy more disks",
        ],
        "owner": [None, "dana", None, None, "eve"],
        "due": [None, _day(30), None, None, None],
        "status": ["open", "open", "open", "open", "unknown"],
        "tracker_key": [None, "pay-124", None, None, None],
    }
    return Postmortems(schema.conform(inc, "incidents"), actions=schema.conform(acts, "actions"))


def test_with_tracker_matches_by_key_text_and_label(tracked: Postmortems) -> None:
    before = tracked.actions.copy()
    jira = read_jira(JIRA / "search_pages.json")
    merged = with_tracker(tracked, jira)
    pd.testing.assert_frame_equal(tracked.actions, before)  # input untouched
    acts = merged.postmortems.actions
    schema.validate(acts, "actions")
    assert merged.matches.to_dict("list") == {
        "incident_id": ["PM-0001", "PM-0001", "PM-0002"],
        "action_id": ["a1", "a2", "a3"],
        "key": ["PAY-123", "PAY-124", "OPS-9"],
        "via": ["text", "tracker_key", "label"],
    }
    a1, a2, a3, a4, a5 = (acts.iloc[i] for i in range(5))
    # a1 takes the first PAY-123 row, not the duplicate from the overlapping page
    assert (a1["owner"], a1["status"], a1["tracker_key"]) == ("Ann Lee", "done", "PAY-123")
    assert a1["due"] == pd.Timestamp("2026-02-01", tz="UTC")
    assert a1["closed_at"] == pd.Timestamp("2026-01-20T15:30", tz="UTC")
    # tracker has no assignee / due: the document's stay
    assert (a2["owner"], a2["status"], a2["due"]) == ("dana", "in_progress", _day(30))
    assert pd.isna(a2["closed_at"])
    assert (a3["owner"], a3["status"]) == ("Bo Chen", "wont_do")
    assert a3["closed_at"] == pd.Timestamp("2026-01-10T09:00", tz="UTC")
    assert (a4["status"], a5["status"], a5["owner"]) == ("open", "unknown", "eve")

    ua = merged.unmatched_actions
    assert ua["action_id"].tolist() == ["a4", "a5"]
    assert ua["reason"].tolist()[0] == "key ABC-9 not in tracker"
    assert ua["reason"].tolist()[1].startswith("no issue key in tracker_key or text")
    ut = merged.unmatched_tracker
    assert ut["key"].tolist() == ["OPS-10", "PAY-123"]
    assert ut["reason"].tolist() == [
        "no action mentions this key and no label names a known incident",
        "duplicate key: the first row was used",
    ]
    assert list(ut.columns) == [*jira.columns, "reason"]
    assert "3 actions matched, 2 actions and 2 tracker rows unmatched" in repr(merged)
    assert "OPS-10" in merged._repr_html_()


def test_with_tracker_a_link_in_tracker_key_does_not_stop_label_matching(
    tracked: Postmortems,
) -> None:
    # the Markdown reader keeps a pull request link a postmortem names as tracker_key
    acts = tracked.actions.copy()
    acts["tracker_key"] = acts["tracker_key"].astype(object)
    acts.loc[2, "tracker_key"] = "https://github.com/o/r/pull/5"
    acts.loc[3, "tracker_key"] = "https://jira.example.com/browse/PAY-124"
    pm = Postmortems(tracked.incidents, actions=schema.conform(acts, "actions"))
    merged = with_tracker(pm, read_jira(JIRA / "search_pages.json"))
    got = merged.matches.set_index("action_id")
    assert (got.loc["a3", "key"], got.loc["a3", "via"]) == ("OPS-9", "label")
    assert (got.loc["a4", "key"], got.loc["a4", "via"]) == ("PAY-124", "tracker_key")


def test_with_tracker_key_only(tracked: Postmortems) -> None:
    merged = with_tracker(tracked, read_jira(JIRA / "search_pages.json"), link_on=("key",))
    assert merged.matches["action_id"].tolist() == ["a1", "a2"]
    ut = merged.unmatched_tracker.set_index("key")["reason"]
    assert ut["OPS-9"] == "no action mentions this key"
    assert merged.unmatched_actions.set_index("action_id").loc["a3", "reason"] == (
        "no issue key in tracker_key or text"
    )


def test_with_tracker_label_only_ignores_keys(tracked: Postmortems) -> None:
    merged = with_tracker(tracked, read_jira(JIRA / "search_pages.json"), link_on="label")
    # a1's text names PAY-123, but only its label (pm:PM-0001) and summary link it here
    assert merged.matches[["action_id", "key", "via"]].values.tolist() == [
        ["a1", "PAY-123", "label"],
        ["a3", "OPS-9", "label"],
    ]
    reasons = merged.unmatched_actions.set_index("action_id")["reason"]
    assert reasons["a4"] == "has an issue key but link_on excludes 'key'"


def test_label_match_needs_similar_text_when_ambiguous() -> None:
    inc = {"incident_id": ["PM-9"], "detection_source": ["unknown"]}
    acts = {
        "incident_id": ["PM-9", "PM-9"],
        "action_id": ["b1", "b2"],
        "text": ["Add disk usage alert", "Rotate TLS certificates automatically"],
        "status": ["open", "open"],
    }
    pm = Postmortems(schema.conform(inc, "incidents"), actions=schema.conform(acts, "actions"))
    jira = pd.DataFrame(
        {
            "key": ["OPS-1", "OPS-2"],
            "summary": ["rotate tls certificates automatically", "Quarterly planning"],
            "owner": ["Fay", "Gus"],
            "due": pd.Series([None, None], dtype=schema.TIMESTAMP),
            "status": ["open", "open"],
            "closed_at": pd.Series([None, None], dtype=schema.TIMESTAMP),
            "labels": ["PM-9", "incident:pm-9"],
        }
    )
    merged = with_tracker(pm, jira)
    assert merged.matches[["action_id", "key"]].values.tolist() == [["b2", "OPS-1"]]
    assert merged.unmatched_tracker["reason"].tolist() == [
        "labelled PM-9 but no action of it has similar text"
    ]
    assert merged.postmortems.actions.loc[1, "owner"] == "Fay"


def test_with_tracker_errors(tracked: Postmortems) -> None:
    jira = read_jira(JIRA / "search_merged.json")
    with pytest.raises(UsageError, match=r"link_on must name one or both of 'key', 'label'"):
        with_tracker(tracked, jira, link_on=("title",))
    with pytest.raises(UsageError, match=r"tracker has no column\(s\) owner, due"):
        with_tracker(tracked, jira[["key", "status", "closed_at", "labels"]])
    with pytest.raises(TypeError, match="tracker must be a pandas DataFrame"):
        with_tracker(tracked, {"key": []})  # type: ignore[arg-type]
