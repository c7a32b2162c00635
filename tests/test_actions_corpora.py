"""Follow-through and quality reports on data/sample and the real corpora: they run,
and their figures agree with each other and with the tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pmkit
from pmkit.actions import CLOSED, action_health, overdue, unowned
from pmkit.quality import CHECKS, check, completeness

GROUPINGS: list[str | tuple[str, ...] | None] = [
    ("team", "quarter"),
    None,
    "step",
    "owner",
    ("severity", "service"),
]


@pytest.fixture(params=["sample", "corpora"])
def collection(request: pytest.FixtureRequest) -> pmkit.Postmortems:
    pm: pmkit.Postmortems = request.getfixturevalue(request.param)
    return pm


def test_collections_have_actions(collection: pmkit.Postmortems) -> None:
    assert len(collection) > 80
    assert len(collection.actions) > 150


@pytest.mark.parametrize("by", GROUPINGS)
def test_action_health_figures_add_up(
    collection: pmkit.Postmortems, by: str | tuple[str, ...] | None
) -> None:
    health = action_health(collection, by=by)
    s = health.summary
    assert (s["actions"] > 0).all()
    assert ((s["done"] + s["wont_do"] + s["open"]) == s["actions"]).all()
    assert int(s["actions"].sum()) == len(collection.actions)
    assert (s["overdue"] <= s["open"]).all()
    assert (s["status_unknown"] <= s["open"]).all()
    assert (s["closed_undated"] <= s["done"] + s["wont_do"]).all()
    for share in ("with_owner", "with_due", "with_both"):
        assert s[share].between(0, 1).all(), share
    assert (s["with_both"] <= s[["with_owner", "with_due"]].min(axis=1) + 1e-12).all()
    ages = s["median_open_age_days"]
    assert (ages.dropna() >= 0).all()
    # a median age needs an open action (NaN also when no open action has a known start)
    assert (s.loc[ages.notna(), "open"] > 0).all()
    assert ages[s["open"] == 0].isna().all()
    curve = health.time_to_close
    assert curve["share_open"].between(0, 1).all()
    assert (curve["days"] >= 0).all()
    keys = list(health.by)
    groups = curve.groupby(keys, dropna=False, observed=True) if keys else [((), curve)]
    for _, g in groups:
        assert (np.diff(g["share_open"].to_numpy()) <= 1e-12).all()


def test_action_totals_match_the_table(collection: pmkit.Postmortems) -> None:
    s = action_health(collection, by=None).summary.iloc[0]
    status = collection.actions["status"].astype("string")
    assert int(s["done"]) == int((status == "done").sum())
    assert int(s["wont_do"]) == int((status == "wont_do").sum())
    assert int(s["open"]) == int((~status.isin(CLOSED)).sum())
    owner = collection.actions["owner"].notna()
    assert s["with_owner"] == pytest.approx(owner.mean())


def test_overdue_list_is_a_subset_of_open_actions(collection: pmkit.Postmortems) -> None:
    health = action_health(collection, by=None)
    late = overdue(collection)  # same as_of=None rule as action_health
    assert len(late) == int(health.summary["overdue"].sum())
    assert not late["status"].astype("string").isin(CLOSED).any()
    assert (late["due"] < health.as_of).all()
    assert (late["days_overdue"] > 0).all()
    acts = collection.actions
    open_keys = set(
        zip(
            acts["incident_id"][~acts["status"].astype("string").isin(CLOSED)],
            acts["action_id"][~acts["status"].astype("string").isin(CLOSED)],
            strict=True,
        )
    )
    assert set(zip(late["incident_id"], late["action_id"], strict=True)) <= open_keys


def test_unowned_list_matches_the_shares(collection: pmkit.Postmortems) -> None:
    todo = unowned(collection, include_closed=True)
    assert len(todo) == int(collection.actions["owner"].isna().sum())
    assert len(unowned(collection)) <= len(todo)


def test_completeness_runs_and_agrees(collection: pmkit.Postmortems) -> None:
    c = completeness(collection)
    assert len(c) == collection.incidents["incident_id"].nunique()
    assert c["score"].between(0, 1).all()
    assert int(c["n_actions"].sum()) == len(
        collection.actions[collection.actions["incident_id"].isin(c["incident_id"])]
    )
    assert (c["actions_with_owner_and_due"] <= c["n_actions"]).all()
    assert not (c["all_actions_owned_and_dated"] & (c["n_actions"] == 0)).any()
    assert (c["has_next_steps"] == (c["n_actions"] > 0)).all()
    steps = ["detect", "react", "quick_fix", "prevent", "other_risk"]
    per_step = c[[f"actions_{s}" for s in steps]].sum(axis=1)
    assert (per_step <= c["n_actions"]).all()
    # a full score leaves no heading missing (the converse fails on unowned actions)
    assert (c.loc[c["score"] == 1.0, "missing"] == "").all()
    assert (c.loc[c["missing"] != "", "score"] < 1.0).all()


def test_check_runs_and_agrees(collection: pmkit.Postmortems) -> None:
    found = check(collection)
    assert list(found.columns) == ["incident_id", "source", "line", "severity", "code", "message"]
    assert set(found["code"]) <= set(CHECKS)
    assert set(found["incident_id"]) <= set(collection.incidents["incident_id"])
    for code, (severity, _) in CHECKS.items():
        assert set(found.loc[found["code"] == code, "severity"]) <= {severity}
    codes = found["code"].value_counts()
    acts = collection.actions
    assert codes.get("action.no_owner", 0) == int(acts["owner"].isna().sum())
    assert codes.get("action.no_due", 0) == int(acts["due"].isna().sum())
    c = completeness(collection)
    assert codes.get("actions.missing", 0) == int((c["n_actions"] == 0).sum())
    assert codes.get("summary.missing", 0) == int((~c["has_summary"]).sum())
    assert found["message"].str.len().min() > 10
    per_action = found[found["code"].str.startswith("action.")]
    assert per_action["line"].notna().all()


def test_sample_and_corpora_differ_as_expected(
    sample: pmkit.Postmortems, corpora: pmkit.Postmortems
) -> None:
    """Generated sample documents carry owners and dates; real ones mostly do not."""
    own_sample = action_health(sample, by=None).summary["with_both"].iloc[0]
    own_real = action_health(corpora, by=None).summary["with_both"].iloc[0]
    assert own_sample > own_real
    assert isinstance(own_real, float | np.floating)
    assert not pd.isna(own_real)
