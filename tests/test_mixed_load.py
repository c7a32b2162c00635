"""A lead's folder: canvas Markdown postmortems, a Statuspage export and a Jira export.

``tests/data/mixed`` holds three postmortems in the canvas template shape
(YAML front matter with ``id:``), a Statuspage incidents export describing two
of them plus one incident nobody wrote up, and a Jira search export for their
actions. The fixtures are hand-written in the documented shapes.

- ``PM-2024-101`` (login) is linked to Statuspage ``k3v9q2m7xw1a`` by the status
  page link in its summary; its timeline lacks the resolution and the first
  public update, and its mitigation (10:40) is 9 minutes after Statuspage's
  ``monitoring_at`` (10:31): a deliberate conflict. Its start (09:58) is within
  the 5-minute tolerance of Statuspage's ``started_at`` (10:00).
- ``h7t2w9c4pq8n`` (search) carries the Statuspage id in its front matter; its
  timeline lacks the start of impact. Resolved 15:30 vs 15:32: no conflict.
- ``PM-2024-103`` (billing) has no platform record.
- Statuspage ``r5n8d2f6js0b`` (webhooks) has no postmortem: it stays on its own.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pmkit
from pmkit import schema
from pmkit.io.jira import read_jira

DATA = Path(__file__).parent / "data" / "mixed"
LOGIN = str(DATA / "2024-05-02-login.md")
SEARCH = str(DATA / "2024-05-09-search.md")
BILLING = str(DATA / "2024-05-20-billing.md")
STATUSPAGE = str(DATA / "statuspage-incidents.json")
JIRA = str(DATA / "jira-search.json")

MILESTONES = list(schema.MILESTONES)


def utc(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz="UTC")


@pytest.fixture(scope="module")
def pm() -> pmkit.Postmortems:
    loaded = pmkit.load(DATA)
    for name in schema.TABLES:
        schema.validate(getattr(loaded, name), name)
    return loaded


def test_one_incident_per_real_incident(pm: pmkit.Postmortems) -> None:
    inc = pm.incidents
    assert len(inc) == 4
    assert sorted(inc["incident_id"]) == [
        "PM-2024-101",
        "PM-2024-103",
        "h7t2w9c4pq8n",
        "r5n8d2f6js0b",
    ]
    assert inc["incident_id"].is_unique
    by_id = dict(zip(inc["incident_id"], inc["source"], strict=True))
    # merged incidents keep the document as their source
    assert by_id == {
        "PM-2024-101": LOGIN,
        "h7t2w9c4pq8n": SEARCH,
        "PM-2024-103": BILLING,
        "r5n8d2f6js0b": STATUSPAGE,
    }
    assert pm.inputs == tuple(
        str(DATA / n)
        for n in (
            "2024-05-02-login.md",
            "2024-05-09-search.md",
            "2024-05-20-billing.md",
            "jira-search.json",
            "statuspage-incidents.json",
        )
    )
    # every row of every table belongs to one of the four incidents
    ids = set(inc["incident_id"])
    for name in ("events", "ideas", "actions"):
        assert set(getattr(pm, name)["incident_id"]) <= ids, name
    assert pm.counts() == {
        "incidents": 4,
        "events": 20,
        "ideas": 11,
        "actions": 5,
        "problems": 2,
        "errors": 0,
        "warnings": 2,
        "info": 0,
    }


def _milestones(pm: pmkit.Postmortems, iid: str) -> dict[str, tuple[object, object]]:
    row = pm.incidents.set_index("incident_id").loc[iid]
    out: dict[str, tuple[object, object]] = {}
    for col in MILESTONES:
        at, src = row[col], row[col.replace("_at", "_from")]
        out[col] = (None if pd.isna(at) else at, None if pd.isna(src) else src)
    return out


def test_linked_by_the_status_page_link(pm: pmkit.Postmortems) -> None:
    assert _milestones(pm, "PM-2024-101") == {
        "started_at": (utc("2024-05-02 09:58"), "timeline"),  # Statuspage 10:00: within 5 min
        "detected_at": (utc("2024-05-02 10:04"), "timeline"),
        "reported_at": (None, None),
        "acknowledged_at": (utc("2024-05-02 10:09"), "timeline"),
        "mitigated_at": (utc("2024-05-02 10:40"), "timeline"),  # the document's value kept
        "resolved_at": (utc("2024-05-02 11:15"), "platform"),  # 07:15-04:00
        "communicated_at": (utc("2024-05-02 10:12"), "platform"),  # created_at 06:12-04:00
    }
    row = pm.incidents.set_index("incident_id").loc["PM-2024-101"]
    # the document's metadata wins; what it lacks (status) comes from Statuspage
    assert (row["title"], row["severity"], row["team"], row["service"], row["status"]) == (
        "Logins failing after the session store failed over",
        "SEV2",
        "identity",
        "login",
        "resolved",
    )
    assert (row["detection_source"], row["tz"]) == ("monitoring", "UTC")
    assert row["occurred_at"] == utc("2024-05-02 09:58")


def test_linked_by_the_same_id(pm: pmkit.Postmortems) -> None:
    assert _milestones(pm, "h7t2w9c4pq8n") == {
        "started_at": (utc("2024-05-09 13:05"), "platform"),  # the document has no [start]
        "detected_at": (utc("2024-05-09 13:20"), "timeline"),
        "reported_at": (utc("2024-05-09 13:20"), "timeline"),
        "acknowledged_at": (utc("2024-05-09 13:26"), "timeline"),
        "mitigated_at": (utc("2024-05-09 14:05"), "timeline"),
        "resolved_at": (utc("2024-05-09 15:30"), "timeline"),  # Statuspage 15:32: within 5 min
        "communicated_at": (utc("2024-05-09 13:40"), "platform"),
    }
    row = pm.incidents.set_index("incident_id").loc["h7t2w9c4pq8n"]
    assert (row["title"], row["severity"], row["service"], row["detection_source"]) == (
        "Search results stale for two hours",
        "SEV3",
        "search",
        "customer",
    )


def test_unlinked_document_and_platform_record_stay_as_they_are(pm: pmkit.Postmortems) -> None:
    billing = _milestones(pm, "PM-2024-103")
    assert {c: src for c, (_, src) in billing.items()} == dict.fromkeys(MILESTONES, "timeline")
    assert billing["communicated_at"][0] == utc("2024-05-20 09:10")
    assert _milestones(pm, "r5n8d2f6js0b") == {
        "started_at": (None, None),
        "detected_at": (None, None),
        "reported_at": (None, None),
        "acknowledged_at": (None, None),
        "mitigated_at": (None, None),
        "resolved_at": (utc("2024-05-14 15:10"), "platform"),  # 17:10+02:00
        "communicated_at": (utc("2024-05-14 14:00"), "platform"),
    }
    row = pm.incidents.set_index("incident_id").loc["r5n8d2f6js0b"]
    assert (row["title"], row["severity"], row["status"]) == (
        "Webhook deliveries delayed",
        "SEV3",
        "resolved",
    )


def test_events_of_merged_incidents_interleave_in_time(pm: pmkit.Postmortems) -> None:
    ev = pm.events[pm.events["incident_id"] == "PM-2024-101"]
    assert list(ev["seq"]) == list(range(7))
    assert list(ev["at"]) == [
        utc(f"2024-05-02 {t}") for t in ("09:58", "10:04", "10:09", "10:12", "10:31", "10:40")
    ] + [utc("2024-05-02 11:15")]
    assert list(ev["source"]) == [LOGIN] * 3 + [STATUSPAGE] * 2 + [LOGIN, STATUSPAGE]
    assert list(ev["kind"]) == [
        "impact_start",
        "detected",
        "acknowledged",
        "communicated_external",
        "communicated_external",
        "mitigated",
        "communicated_external",
    ]
    # HTML in the Statuspage body is stripped
    assert ev["text"].iloc[3] == "investigating: Some users cannot log in; we are looking into it."
    search = pm.events[pm.events["incident_id"] == "h7t2w9c4pq8n"]
    assert list(search["source"]) == [SEARCH, SEARCH, STATUSPAGE, SEARCH, SEARCH, STATUSPAGE]
    assert list(search["seq"]) == list(range(6))


def test_disagreement_beyond_tolerance_is_one_conflict(pm: pmkit.Postmortems) -> None:
    conflicts = pm.problems[pm.problems["code"] == "merge.conflict"]
    assert conflicts[["source", "incident_id", "level"]].values.tolist() == [
        [LOGIN, "PM-2024-101", "warning"]
    ]
    assert list(conflicts["message"]) == [
        f"mitigated_at: {LOGIN} says 2024-05-02 10:40:00 UTC, {STATUSPAGE} says "
        "2024-05-02 10:31:00 UTC (0 days 00:09:00 apart); the document's value is kept, "
        "correct whichever is wrong"
    ]


def test_jira_export_in_the_folder_adds_no_rows(pm: pmkit.Postmortems) -> None:
    # The Jira export is for with_tracker, not a table of incidents: load
    # recognises it, reads nothing from it and says how to use it.
    for name in ("incidents", "events", "ideas", "actions"):
        assert JIRA not in set(getattr(pm, name)["source"]), name
    jira = pm.problems[pm.problems["source"] == JIRA]
    assert jira[["level", "code"]].values.tolist() == [["warning", "jira.tracker_export"]]
    assert "pm.with_tracker(pmkit.io.jira.read_jira(" in jira["message"].iloc[0]
    assert set(pm.problems["code"]) == {"merge.conflict", "jira.tracker_export"}


def test_actions_before_the_tracker(pm: pmkit.Postmortems) -> None:
    cols = ["action_id", "owner", "due", "status", "tracker_key"]
    rows = [[None if pd.isna(v) else v for v in r] for r in pm.actions[cols].values.tolist()]
    assert rows == [
        ["PM-2024-101#1", "ravi", utc("2024-06-01"), "open", "IAM-41"],
        ["PM-2024-101#2", "mei", utc("2024-06-15"), "open", None],
        ["h7t2w9c4pq8n#1", "jo", utc("2024-06-10"), "open", "SRCH-7"],
        ["h7t2w9c4pq8n#2", None, None, "open", None],
        ["PM-2024-103#1", "lu", utc("2024-07-01"), "open", "BILL-3"],
    ]


def test_tracker_updates_matching_actions_and_reports_the_rest(pm: pmkit.Postmortems) -> None:
    tracker = read_jira(JIRA)
    merged = pm.with_tracker(tracker)
    after = merged.postmortems
    for name in schema.TABLES:
        schema.validate(getattr(after, name), name)
    # only actions change
    for name in ("incidents", "events", "ideas", "problems"):
        pd.testing.assert_frame_equal(getattr(after, name), getattr(pm, name))
    acts = after.actions.set_index("action_id")
    cols = ["owner", "due", "status", "closed_at", "tracker_key"]
    got = {aid: [None if pd.isna(v) else v for v in acts.loc[aid, cols]] for aid in acts.index}
    assert got == {
        # by the key in its text: Jira's assignee, due date and status win
        "PM-2024-101#1": ["Ravi Shah", utc("2024-06-05"), "in_progress", None, "IAM-41"],
        # by the label pm:PM-2024-101 and similar text; Jira has no due date: the document's stays
        "PM-2024-101#2": ["Mei Tan", utc("2024-06-15"), "open", None, "IAM-50"],
        # done in Jira: closed at its resolution date (16:30+02:00)
        "h7t2w9c4pq8n#1": ["Jo Park", utc("2024-06-10"), "done", utc("2024-05-28 14:30"), "SRCH-7"],
        "h7t2w9c4pq8n#2": [None, None, "open", None, None],
        "PM-2024-103#1": ["lu", utc("2024-07-01"), "open", None, "BILL-3"],
    }
    assert merged.matches.values.tolist() == [
        ["PM-2024-101", "PM-2024-101#1", "IAM-41", "tracker_key"],
        ["PM-2024-101", "PM-2024-101#2", "IAM-50", "label"],
        ["h7t2w9c4pq8n", "h7t2w9c4pq8n#1", "SRCH-7", "tracker_key"],
    ]
    assert merged.unmatched_tracker[["key", "reason"]].values.tolist() == [
        ["OPS-77", "no action mentions this key and no label names a known incident"]
    ]
    assert merged.unmatched_actions[["action_id", "reason"]].values.tolist() == [
        [
            "h7t2w9c4pq8n#2",
            "no issue key in tracker_key or text, and no tracker issue labelled with its "
            "incident has similar text",
        ],
        ["PM-2024-103#1", "key BILL-3 not in tracker"],
    ]
    # the input collection is not modified
    assert list(pm.actions["owner"].astype(object).fillna("-")) == ["ravi", "mei", "jo", "-", "lu"]


# -- CSV tables are streamed (bench/bench_connectors.py: 12x -> 8x the file size) ----


def test_csv_row_with_more_values_than_the_header(tmp_path: Path) -> None:
    f = tmp_path / "events.csv"
    f.write_text(
        "incident_id,at,text\n"
        "A,2024-05-01T10:00:00Z,alert fired,stray\n"
        'A,2024-05-01T10:05:00Z,"rolled\nback"\n'
    )
    pm = pmkit.load(f)
    assert pm.events[["incident_id", "seq", "text", "line"]].values.tolist() == [
        ["A", 0, "alert fired", 2],
        ["A", 1, "rolled\nback", 4],
    ]
    assert pm.problems[["line", "level", "code", "message"]].values.tolist() == [
        [
            2,
            "warning",
            "table.extra_values",
            "a row has 1 more value(s) than the 3 columns of the header; they were not read",
        ]
    ]


def test_csv_unreadable_midway_keeps_no_rows_of_it(tmp_path: Path) -> None:
    f = tmp_path / "events.csv"
    f.write_bytes(
        b"incident_id,at,text\nA,2024-05-01T10:00:00Z,alert fired\n"
        + b"A,2024-05-01T10:00:00Z,x\n" * 5000
        + b"B,2024-05-01T10:00:00Z,caf\xe9 down\n"
    )
    pm = pmkit.load(f)
    assert len(pm.events) == 0
    assert list(pm.problems["code"]) == ["table.unreadable"]
    assert (
        pm.problems["message"]
        .iloc[0]
        .startswith("cannot read this .csv file as a table ('utf-8' codec can't decode byte 0xe9")
    )
    header_only = tmp_path / "empty.csv"
    header_only.write_text("incident_id,at,text\n")
    assert list(pmkit.load(header_only).problems["code"]) == ["table.empty"]
