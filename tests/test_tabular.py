"""Generic tables (CSV, JSONL, JSON, YAML, Parquet) of incidents, events and actions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pmkit
from pmkit import schema
from pmkit.errors import ParseError

DATA = Path(__file__).parent / "data" / "tabular"
COLUMNS = {"Incident ID": "incident_id"}


def utc(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz="UTC")


def valid(pm: pmkit.Postmortems) -> pmkit.Postmortems:
    for name in schema.TABLES:
        schema.validate(getattr(pm, name), name)
    return pm


@pytest.mark.parametrize("fmt", [None, "table"])
def test_incidents_csv(fmt: str | None) -> None:
    pm = valid(pmkit.load(DATA / "incidents.csv", columns=COLUMNS, format=fmt))
    a = pm.incidents.set_index("incident_id").loc["INC-100"]
    assert (a["title"], a["severity"], a["team"], a["service"]) == (
        "Queue backlog",
        "SEV2",
        "Platform",
        "queue",
    )
    assert a["started_at"] == utc("2024-06-01 08:00")
    assert a["detected_at"] == utc("2024-06-01 08:12")  # written 10:12+02:00
    assert a["resolved_at"] == utc("2024-06-01 09:30")
    assert a["started_from"] == a["detected_from"] == "metadata"
    assert a["detection_source"] == "monitoring"
    (msg,) = pm.problems.loc[pm.problems["code"] == "time.no_zone", "message"]
    assert msg == (
        "started_at 2024-06-03 10:00 has no time zone; write it with an offset "
        "(2024-05-01T10:07:00Z) or pass tz='Europe/Paris' to pmkit.load"
    )
    assert pm.problems["line"].iloc[0] == 3
    pm = pmkit.load(DATA / "incidents.csv", columns=COLUMNS, tz="Europe/Paris")
    assert pm.incidents["started_at"].iloc[1] == utc("2024-06-03 08:00")
    assert len(pm.problems) == 0


def test_events_jsonl_and_parquet() -> None:
    pm = valid(pmkit.load(DATA / "timeline.jsonl"))
    ev = pm.events
    assert list(ev["kind"]) == ["note", "detected", "resolved"]
    assert list(ev["at"]) == [
        utc("2024-06-01 08:00"),
        utc("2024-06-01 08:12"),
        utc("2024-06-01 09:30"),
    ]
    assert list(ev["line"]) == [1, 2, 4]
    assert ev["actor"].iloc[1] == "pagerbot"
    pm = valid(pmkit.load(DATA / "events.parquet"))
    assert pm.events[["incident_id", "at", "text"]].values.tolist() == [
        ["INC-100", utc("2024-06-01 08:05"), "consumer pods crash looping"]
    ]


def test_actions_yaml() -> None:
    pm = valid(pmkit.load(DATA / "actions.yaml", format="table"))
    a = pm.actions
    assert list(a["action_id"]) == ["INC-100#1", "PLAT-77"]
    assert list(a["owner"]) == ["ana", "bo"]
    assert list(a["due"]) == [utc("2024-07-01"), utc("2024-07-15")]
    assert list(a["status"]) == ["in_progress", "done"]
    assert a["step"].iloc[0] == "detect"


def test_missing_columns_names_them_and_what_was_found(tmp_path: Path) -> None:
    f = tmp_path / "events.csv"
    f.write_text("Incident,When,What\nINC-1,2024-05-01T10:07:00Z,alert fired\n")
    pm = pmkit.load(f)
    assert list(pm.problems["code"]) == ["table.missing_columns"]
    assert pm.problems["message"].iloc[0] == (
        "events table needs columns incident_id, at, text; found Incident, When, What; "
        'pass columns={"Incident": "incident_id", ...} to pmkit.load'
    )
    with pytest.raises(ParseError, match="events table needs columns incident_id, at, text"):
        pmkit.load(f, strict=True)


def test_unknown_table() -> None:
    pm = pmkit.load(DATA / "unknown.csv")
    assert list(pm.problems["code"]) == ["table.unknown"]
    assert pm.problems["message"].iloc[0] == (
        "cannot tell whether this table holds incidents, events or actions from its columns "
        "Incident, When, What; events need incident_id, at, text; actions need incident_id, "
        "text, owner or due; incidents need incident_id and a milestone; "
        'pass columns={"Incident": "incident_id", ...} to pmkit.load'
    )


def test_broken_json_is_an_error_problem() -> None:
    pm = pmkit.load(DATA / "broken.json")
    assert list(pm.problems["code"]) == ["table.unreadable"]
    assert (
        pm.problems["message"]
        .iloc[0]
        .startswith("cannot read this .json file as a table (Invalid control character")
    )


def test_other_problems(tmp_path: Path) -> None:
    f = tmp_path / "incidents.json"
    f.write_text(
        '{"incidents": [{"incident_id": "", "title": "x"}, '
        '{"incident_id": "A", "severity": "huge", "detected_at": "soon", "colour": "red"}]}'
    )
    pm = pmkit.load(f)
    got = dict(zip(pm.problems["code"], pm.problems["message"], strict=True))
    assert got == {
        "table.extra_columns": "incidents table columns colour are not pmkit columns and were "
        "not read; pmkit's incidents columns are " + ", ".join(schema.TABLES["incidents"]),
        "table.no_id": "a row has no incident_id; it is skipped",
        "table.bad_value": 'unknown severity "huge"; use SEV1..SEV5, P1..P5 or '
        "critical/high/medium/low",
    }
    (tmp_path / "incidents.json").write_text('{"incidents": []}')
    pm = pmkit.load(tmp_path / "incidents.json")
    assert list(pm.problems["message"]) == ["the table has no rows"]
    assert list(pm.problems["code"]) == ["table.empty"]
