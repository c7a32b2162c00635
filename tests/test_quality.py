"""pmkit.quality: completeness flags and check findings on hand-built collections."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from pmkit import schema
from pmkit.collection import Postmortems
from pmkit.quality import CHECKS, check, completeness
from pmkit.testing import make_postmortems

T = pd.Timestamp("2026-02-01T10:00", tz="UTC")


def _collection() -> Postmortems:
    """``full`` fills in every canvas step; ``bare`` nothing; ``prev`` only prevent actions."""
    inc = {
        "incident_id": ["full", "bare", "prev"],
        "summary": ["checkout down", "  ", "dns flapped"],
        "team": ["pay", "pay", "platform"],
        "started_at": [T, None, T],
        "detected_at": [T, None, None],
        "resolved_at": [T, None, T],
        "detection_source": ["monitoring", "unknown", "unknown"],
        "source": ["full.md", "bare.md", "prev.md"],
    }
    events = {
        "incident_id": ["full", "prev"],
        "seq": [0, 0],
        "kind": ["impact_start", "impact_start"],
        "text": ["x", "y"],
    }
    ideas = {
        "incident_id": ["full", "full", "full", "prev"],
        "step": ["other_risk", "react", "quick_fix", "other_risk"],
        "text": ["certs", "page earlier", "roll back", "ttl"],
    }
    acts: dict[str, list[Any]] = {
        "incident_id": ["full", "full", "prev", "prev", "prev"],
        "action_id": ["f1", "f2", "p1", "p2", "p3"],
        "text": ["add alert", "shard db", "pin ttl", "add <b>cache</b>", "review"],
        "owner": ["ann", "bo", None, "cy", "cy"],
        "due": [T, T, T, None, T],
        "status": ["open"] * 5,
        "step": ["detect", "prevent", "prevent", "prevent", None],
        "source": ["full.md", "full.md", "prev.md", "prev.md", "prev.md"],
        "line": [40, 41, 30, 31, 32],
    }
    return Postmortems(
        schema.conform(inc, "incidents"),
        schema.conform(events, "events"),
        schema.conform(ideas, "ideas"),
        schema.conform(acts, "actions"),
    )


def test_completeness_flags_and_counts() -> None:
    c = completeness(_collection()).set_index("incident_id")
    full, bare, prev = c.loc["full"], c.loc["bare"], c.loc["prev"]
    flags = [col for col in c.columns if col.startswith("has_")]
    assert flags == [
        "has_summary",
        "has_timeline",
        "has_start",
        "has_detect_time",
        "has_resolve_time",
        "has_detect",
        "has_react",
        "has_quick_fix",
        "has_prevent",
        "has_other_risk",
        "has_next_steps",
    ]
    assert full[flags].all()
    assert not bare[flags].any()  # a blank summary is no summary
    assert prev[flags].to_dict() == {
        "has_summary": True,
        "has_timeline": True,
        "has_start": True,
        "has_detect_time": False,
        "has_resolve_time": True,
        "has_detect": False,
        "has_react": False,
        "has_quick_fix": False,
        "has_prevent": True,
        "has_other_risk": True,
        "has_next_steps": True,
    }
    assert (full["n_actions"], full["actions_with_owner_and_due"]) == (2, 2)
    assert (prev["n_actions"], prev["actions_with_owner_and_due"]) == (3, 1)
    assert [full["all_actions_owned_and_dated"], prev["all_actions_owned_and_dated"]] == [
        True,
        False,
    ]
    # p3 has no step: the known ones are all prevent
    assert c["only_prevent_actions"].tolist() == [False, False, True]
    assert (full["ideas_other_risk"], full["ideas_react"], full["actions_detect"]) == (1, 1, 1)
    assert (prev["actions_prevent"], prev["ideas_prevent"]) == (2, 0)
    assert c["score"].tolist() == pytest.approx([1.0, 0.0, 7 / 12])
    assert full["missing"] == ""
    assert bare["missing"] == (
        "Summary, Rough Timeline, Detect, React, Quick Fix, Prevent, Other Areas of Risk, "
        "Next Steps"
    )
    assert prev["missing"] == "Rough Timeline (no detection time), Detect, React, Quick Fix"
    assert c["missing"].dtype == schema.STRING


def test_a_milestone_the_reader_inferred_is_not_stated() -> None:
    pm = _collection()
    inc = pm.incidents.copy()
    inc["started_from"] = pd.array(["inferred", None, "timeline"], dtype=schema.PROVENANCE)
    inc["detected_from"] = pd.array(["timeline", None, None], dtype=schema.PROVENANCE)
    mine = Postmortems(**{**pm.tables, "incidents": inc})
    c = completeness(mine).set_index("incident_id")
    assert c["has_start"].tolist() == [False, False, True]
    assert c.loc["full", "missing"] == "Rough Timeline (no start time)"
    found = check(mine)
    row = found[(found["incident_id"] == "full") & (found["code"] == "timeline.no_start")]
    assert row["message"].tolist() == ["no impact start time stated (mark that line [start])"]


def test_check_findings() -> None:
    found = check(_collection())
    assert found.columns.tolist() == [
        "incident_id",
        "source",
        "line",
        "severity",
        "code",
        "message",
    ]
    assert not found[found["incident_id"] == "full"].size
    assert sorted(found.loc[found["incident_id"] == "bare", "code"]) == sorted(
        [
            "summary.missing",
            "timeline.missing",
            "step.no_detect",
            "step.no_react",
            "step.no_quick_fix",
            "step.no_prevent",
            "step.no_other_risk",
            "actions.missing",
        ]
    )
    prev = found[found["incident_id"] == "prev"]
    assert prev["line"].fillna(0).tolist() == [0, 0, 0, 0, 0, 30, 31]
    assert prev["code"].tolist() == [
        "actions.only_prevent",
        "step.no_detect",
        "step.no_quick_fix",
        "step.no_react",
        "timeline.no_detect_time",
        "action.no_owner",
        "action.no_due",
    ]
    assert prev["message"].tolist()[-1] == "action without due date: add <b>cache</b>"
    errors = found[found["severity"] == "error"]
    assert set(errors["code"]) == {
        "summary.missing",
        "actions.missing",
        "action.no_owner",
        "action.no_due",
    }
    assert found["source"].tolist() == sorted(found["source"])
    assert "all actions are prevent" in prev["message"].iloc[0]


def test_every_rule_is_declared_and_reachable() -> None:
    found = check(_collection())
    # blame.language is reached in tests/test_blame.py
    unreached = {"timeline.no_start", "timeline.no_resolve_time", "blame.language"}
    assert set(found["code"]) | unreached == set(CHECKS)
    assert {sev for sev, _ in CHECKS.values()} == {"error", "warning"}


def test_check_counts_agree_with_tables() -> None:
    pm = make_postmortems(60, seed=2)
    found = check(pm)
    codes = found["code"].value_counts()
    assert codes.get("action.no_owner", 0) == int(pm.actions["owner"].isna().sum())
    assert codes.get("action.no_due", 0) == int(pm.actions["due"].isna().sum())
    c = completeness(pm)
    assert len(c) == len(pm)
    assert codes.get("timeline.no_detect_time", 0) == int((~c["has_detect_time"]).sum())
    assert c["score"].between(0, 1).all()


def test_empty_collection() -> None:
    assert len(completeness(Postmortems())) == 0
    found = check(Postmortems())
    assert len(found) == 0
    assert list(found.columns) == ["incident_id", "source", "line", "severity", "code", "message"]
