"""Merging a postmortem document with the platform records of the same incident."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

import pmkit
from pmkit import schema
from pmkit.io.merge import merge_sources

PLATFORMS = Path(__file__).parent / "data" / "platforms"

DOC = """---
id: PT4KHLK
title: Checkout outage
---

# Checkout outage

## Summary

Payments failed after a config push. Status page:
https://status.acme.example/incidents/p31zjtct2jer

## Timeline

All times UTC.

- 10:02 [start] checkout errors begin
- 10:07 PagerDuty alert fired for checkout 5xx
- 10:20 on-call acknowledged the page
- 10:25 rolled back the config push
"""


def utc(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz="UTC")


def folder(tmp_path: Path, doc: str = DOC) -> Path:
    (tmp_path / "2024-03-12-checkout.md").write_text(doc, encoding="utf-8")
    for name in ("pagerduty-incidents.json", "statuspage-incidents.json"):
        shutil.copy(PLATFORMS / name, tmp_path / name)
    return tmp_path


def test_document_and_platforms_become_one_incident(tmp_path: Path) -> None:
    pm = pmkit.load(folder(tmp_path))
    for name in schema.TABLES:
        schema.validate(getattr(pm, name), name)
    inc = pm.incidents.set_index("incident_id")
    # PT4KHLK by id, p31zjtct2jer by the link in the document; the other two stay
    assert sorted(inc.index) == ["PQ9ZV1B", "PT4KHLK", "zz81kq0d"]
    a = inc.loc["PT4KHLK"]
    assert a["source"] == str(tmp_path / "2024-03-12-checkout.md")
    assert (a["title"], a["severity"], a["service"], a["team"]) == (
        "Checkout outage",
        "SEV1",
        "checkout",
        "Payments",
    )
    # the document's own milestones win
    assert (a["started_at"], a["started_from"]) == (utc("2024-03-12 10:02"), "timeline")
    assert (a["acknowledged_at"], a["acknowledged_from"]) == (
        utc("2024-03-12 10:20"),
        "timeline",
    )
    assert (a["mitigated_at"], a["mitigated_from"]) == (utc("2024-03-12 10:25"), "timeline")
    # the platforms fill what it lacks
    assert (a["resolved_at"], a["resolved_from"]) == (utc("2024-03-12 10:44:05"), "platform")
    assert (a["communicated_at"], a["communicated_from"]) == (
        utc("2024-03-12 10:10"),
        "platform",
    )
    assert a["detection_source"] == "monitoring"
    ev = pm.events[pm.events["incident_id"] == "PT4KHLK"]
    assert list(ev["seq"]) == list(range(12))
    assert ev["at"].is_monotonic_increasing
    assert ev["kind"].iloc[0] == "impact_start"
    assert set(ev["source"]) == {
        str(tmp_path / n)
        for n in ("2024-03-12-checkout.md", "pagerduty-incidents.json", "statuspage-incidents.json")
    }


def test_a_platform_time_replaces_a_milestone_the_document_only_inferred(tmp_path: Path) -> None:
    # no line says anyone took the incident on: the document infers it from the
    # first response, PagerDuty recorded when the page was acknowledged
    doc = DOC.replace("- 10:20 on-call acknowledged the page", "- 10:12 paged the database team")
    pm = pmkit.load(folder(tmp_path, doc))
    a = pm.incidents.set_index("incident_id").loc["PT4KHLK"]
    assert (a["acknowledged_at"], a["acknowledged_from"]) == (
        utc("2024-03-12 10:09:30"),
        "platform",
    )
    mine = pm.problems[pm.problems["incident_id"] == "PT4KHLK"]
    assert "merge.conflict" not in set(mine["code"])
    assert not mine["message"].str.contains("acknowledged_at is taken").any()
    # an inferred start gives way too, and occurred_at (the quarter) follows it;
    # an inferred milestone no platform states keeps its warning
    doc2 = doc.replace("- 10:02 [start] checkout errors begin", "- 09:40 config push deployed")
    two = tmp_path / "two"
    two.mkdir()
    (two / "2024-03-12-checkout.md").write_text(doc2, encoding="utf-8")
    shutil.copy(PLATFORMS / "statuspage-incidents.json", two)  # no acknowledgement there
    pm2 = pmkit.load(two)
    b = pm2.incidents.set_index("incident_id").loc["PT4KHLK"]
    assert (b["started_at"], b["started_from"]) == (utc("2024-03-12 10:02"), "platform")
    assert b["occurred_at"] == utc("2024-03-12 10:02")
    assert (b["acknowledged_at"], b["acknowledged_from"]) == (utc("2024-03-12 10:12"), "inferred")
    left = pm2.problems[pm2.problems["incident_id"] == "PT4KHLK"]
    assert list(left["code"]) == ["milestone.inferred"]
    assert "acknowledged_at is taken" in left["message"].iloc[0]
    # alone, the document infers it, says so, and records the provenance
    alone = pmkit.load(tmp_path / "2024-03-12-checkout.md")
    inc = alone.incidents.iloc[0]
    assert (inc["acknowledged_at"], inc["acknowledged_from"]) == (
        utc("2024-03-12 10:12"),
        "inferred",
    )
    assert alone.problems["message"].str.contains("acknowledged_at is taken").any()


def test_conflict_beyond_tolerance_is_a_warning(tmp_path: Path) -> None:
    pm = pmkit.load(folder(tmp_path))
    conflicts = pm.problems[pm.problems["code"] == "merge.conflict"]
    doc = tmp_path / "2024-03-12-checkout.md"
    assert list(conflicts["message"]) == [
        f"acknowledged_at: {doc} says 2024-03-12 10:20:00 UTC, "
        f"{tmp_path / 'pagerduty-incidents.json'} says 2024-03-12 10:09:30 UTC "
        "(0 days 00:10:30 apart); the document's value is kept, correct whichever is wrong"
    ]
    assert list(conflicts["level"]) == ["warning"]
    assert list(conflicts["incident_id"]) == ["PT4KHLK"]
    # 10:25 against Statuspage's 10:27 is within the 5-minute tolerance
    assert "id.duplicate" not in set(pm.problems["code"])


def test_without_matches_tables_are_unchanged(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(DOC.replace("PT4KHLK", "other").replace("p31zjtct2jer", "x"))
    pm = pmkit.load(tmp_path)
    tables = {name: getattr(pm, name) for name in schema.TABLES}
    assert merge_sources(tables) is tables
    shutil.copy(PLATFORMS / "pagerduty-incidents.json", tmp_path)
    tables = {name: getattr(pmkit.load(tmp_path), name) for name in schema.TABLES}
    merged = merge_sources(tables)
    for name in schema.TABLES:
        pd.testing.assert_frame_equal(merged[name], tables[name])


def test_platform_named_by_two_documents_is_ambiguous(tmp_path: Path) -> None:
    text = DOC.replace("id: PT4KHLK", "id: {}")
    (tmp_path / "a.md").write_text(text.format("a"))
    (tmp_path / "b.md").write_text(text.format("b"))
    shutil.copy(PLATFORMS / "statuspage-incidents.json", tmp_path)
    pm = pmkit.load(tmp_path)
    assert len(pm.incidents) == 4
    amb = pm.problems[pm.problems["code"] == "merge.ambiguous"]
    assert list(amb["message"]) == [
        f"platform incident p31zjtct2jer is named by several documents ({tmp_path / 'a.md'}, "
        f"{tmp_path / 'b.md'}); it is kept on its own. Give the right postmortem id: p31zjtct2jer"
    ]
