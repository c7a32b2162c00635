"""PagerDuty, incident.io and Statuspage exports into the five tables."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

import pmkit
from pmkit import schema
from pmkit.errors import ParseError
from pmkit.io._incident import IncidentRows
from pmkit.io.platforms import read_incidentio, read_pagerduty, read_statuspage
from pmkit.io.rows import Parsed

DATA = Path(__file__).parent / "data" / "platforms"
PD = DATA / "pagerduty-incidents.json"
IIO = DATA / "incidentio-incidents.json"
SP = DATA / "statuspage-incidents.json"


def utc(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz="UTC")


def valid(pm: pmkit.Postmortems) -> pmkit.Postmortems:
    for name in schema.TABLES:
        schema.validate(getattr(pm, name), name)
    return pm


def messages(pm: pmkit.Postmortems) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, msg in zip(pm.problems["code"], pm.problems["message"], strict=True):
        out.setdefault(str(code), []).append(str(msg))
    return out


@pytest.mark.parametrize("fmt", [None, "pagerduty"])
def test_pagerduty(fmt: str | None) -> None:
    pm = valid(pmkit.load(PD, format=fmt))
    inc = pm.incidents.set_index("incident_id")
    assert list(inc.index) == ["PT4KHLK", "PQ9ZV1B"]
    a = inc.loc["PT4KHLK"]
    assert (a["title"], a["severity"], a["service"], a["team"], a["status"]) == (
        "Checkout 5xx above threshold",
        "SEV1",
        "checkout",
        "Payments",
        "resolved",
    )
    assert a["detected_at"] == utc("2024-03-12 10:07:12")
    assert a["acknowledged_at"] == utc("2024-03-12 10:09:30")
    assert a["resolved_at"] == utc("2024-03-12 10:44:05")
    assert pd.isna(a["started_at"])
    assert a["detected_from"] == a["acknowledged_from"] == a["resolved_from"] == "platform"
    assert a["detection_source"] == "monitoring"
    b = inc.loc["PQ9ZV1B"]
    # urgency when there is no priority, the escalation policy when there are no teams
    assert (b["severity"], b["team"], b["detection_source"]) == (
        "SEV4",
        "Search on-call",
        "employee",
    )
    assert b["detected_at"] == utc("2024-04-02 14:05")
    assert pd.isna(b["acknowledged_at"])
    ev = pm.events[pm.events["incident_id"] == "PT4KHLK"]
    assert list(ev["kind"]) == ["detected", "acknowledged", "note", "resolved"]
    assert ev["text"].iloc[2] == "Rolling back the gateway config & watching errors"
    assert ev["actor"].iloc[1] == "Ana Lima"
    msgs = messages(pm)
    assert msgs["platform.no_id"] == ["PagerDuty incident #3 in the file has no id; it is skipped"]
    assert msgs["platform.bad_time"] == [
        "PagerDuty acknowledge_log_entry created_at 'yesterday' is not an ISO 8601 time with a "
        "zone (e.g. 2024-05-01T10:05:00Z); it is left out"
    ]


@pytest.mark.parametrize("fmt", [None, "incidentio"])
def test_incidentio(fmt: str | None) -> None:
    pm = valid(pmkit.load(IIO, format=fmt))
    inc = pm.incidents.set_index("incident_id")
    assert list(inc.index) == ["INC-42", "01HR8Y2W3V4U5T6S7R8Q9P0N1M"]
    a = inc.loc["INC-42"]
    assert (a["title"], a["severity"], a["team"], a["service"], a["status"]) == (
        "Login failures for EU users",
        "SEV1",
        "Identity",
        "sso, login-api",
        "closed",
    )
    assert a["summary"] == "The SSO provider rejected EU logins after a certificate rotation."
    assert a["detection_source"] == "customer"
    expected = {
        "started_at": "2024-02-20 08:01",  # written with a +01:00 offset
        "detected_at": "2024-02-20 08:15",
        "acknowledged_at": "2024-02-20 08:18",
        "mitigated_at": "2024-02-20 09:02",
        "resolved_at": "2024-02-20 09:30",
    }
    for col, at in expected.items():
        assert a[col] == utc(at), col
        assert a[col.replace("_at", "_from")] == "platform"
    ev = pm.events[pm.events["incident_id"] == "INC-42"]
    assert list(ev["kind"]) == [
        "impact_start",
        "detected",
        "acknowledged",
        "note",
        "mitigated",
        "mitigated",
        "resolved",
    ]
    assert ev["text"].iloc[5] == "Monitoring: Failed over to the secondary IdP"
    b = inc.loc["01HR8Y2W3V4U5T6S7R8Q9P0N1M"]
    assert (b["severity"], b["status"], b["detection_source"]) == ("SEV3", "triage", "unknown")
    assert b["detected_at"] == utc("2024-03-01 12:00")
    assert messages(pm) == {
        "platform.bad_value": [
            "incident.io custom field 'Detection source' value 'the moon' is not a detection "
            "source (monitoring, customer, employee, third_party, automated_test)"
        ]
    }


@pytest.mark.parametrize("fmt", [None, "statuspage"])
def test_statuspage(fmt: str | None) -> None:
    pm = valid(pmkit.load(SP, format=fmt))
    inc = pm.incidents.set_index("incident_id")
    assert list(inc.index) == ["p31zjtct2jer", "zz81kq0d"]
    a = inc.loc["p31zjtct2jer"]
    assert (a["severity"], a["service"], a["status"]) == (
        "SEV2",
        "Checkout, Payments API",
        "resolved",
    )
    assert a["started_at"] == utc("2024-03-12 10:02")
    assert a["communicated_at"] == utc("2024-03-12 10:10")  # written as 05:10-05:00
    assert a["mitigated_at"] == utc("2024-03-12 10:27")
    assert a["resolved_at"] == utc("2024-03-12 10:45")
    assert a["communicated_from"] == a["mitigated_from"] == "platform"
    ev = pm.events[pm.events["incident_id"] == "p31zjtct2jer"]
    assert (ev["kind"] == "communicated_external").all()
    assert list(ev["at"]) == [utc(f"2024-03-12 10:{m}") for m in ("10", "20", "27", "45")]
    assert ev["text"].iloc[0] == (
        "investigating: We are investigating elevated errors & failed payments at checkout."
    )
    assert ev["text"].iloc[2] == (
        "monitoring: A fix has been implemented and we are monitoring the results."
    )
    msgs = messages(pm)
    assert msgs["statuspage.maintenance"] == [
        "Statuspage item mnt7h2k9 ('Database maintenance') is a scheduled maintenance, not an "
        "incident; it is skipped"
    ]
    assert msgs["platform.bad_value"] == [
        "Statuspage impact 'catastrophic' is not critical, major, minor or none"
    ]
    assert msgs["platform.bad_time"] == [
        "Statuspage created_at '2024-03-15 10:00' is not an ISO 8601 time with a zone "
        "(e.g. 2024-05-01T10:05:00Z); it is left out"
    ]


def test_truncated_export_is_an_error_problem() -> None:
    pm = pmkit.load(DATA / "statuspage-truncated.json")
    assert list(pm.problems["code"]) == ["json.invalid"]
    assert pm.problems["message"].iloc[0].startswith("Statuspage file is not valid JSON")
    with pytest.raises(ParseError, match="Statuspage file is not valid JSON"):
        pmkit.load(DATA / "statuspage-truncated.json", strict=True)


def test_not_incidents_is_an_error_problem() -> None:
    for read, name in (
        (read_pagerduty, "PagerDuty"),
        (read_incidentio, "incident.io"),
        (read_statuspage, "Statuspage"),
    ):
        p = read('{"services": []}', source="x.json")
        assert p.tables["problems"]["code"] == ["platform.not_incidents"]
        assert p.tables["problems"]["message"] == [
            f"{name} file holds a JSON dict without incidents (expected a list, or "
            "'incidents' / 'incident'); check the export"
        ]


def test_single_incident_object() -> None:
    p = read_statuspage('{"incident": {"id": "a", "impact": "none"}}', source="x.json")
    assert p.tables["incidents"]["incident_id"] == ["a"]
    assert p.tables["incidents"]["severity"] == [None]


def test_unknown_priority_is_a_warning() -> None:
    p = read_pagerduty('[{"id": "P1", "priority": {"summary": "whenever"}}]', source="x.json")
    assert p.tables["problems"]["message"] == [
        'PagerDuty: unknown severity "whenever"; use SEV1..SEV5, P1..P5 or critical/high/medium/low'
    ]


def test_folder_of_mixed_exports(tmp_path: Path) -> None:
    for f in (PD, IIO, SP):
        (tmp_path / f.name).write_bytes(f.read_bytes())
    pm = valid(pmkit.load(tmp_path))
    assert len(pm.incidents) == 6
    assert set(pm.incidents["detected_from"].dropna()) == {"platform"}


def _at(hh: int, mm: int) -> datetime:
    return datetime(2024, 5, 1, hh, mm, tzinfo=UTC)


def _incident(rows: IncidentRows) -> dict[str, list[object]]:
    out = Parsed()
    rows.finish(out)
    return out.tables["incidents"]


def test_structured_readers_take_the_last_resolution_like_the_markdown_reader() -> None:
    rows = IncidentRows("INC-1", "export.json")
    rows.event("Errors begin", _at(10, 0), "impact_start")
    rows.event("Status: resolved", _at(11, 0), "resolved")
    rows.event("Errors are back", _at(11, 30), "impact_start")
    rows.event("Status: resolved", _at(12, 0), "resolved")
    inc = _incident(rows)
    assert inc["started_at"] == [1714557600000000]  # the first start, 10:00
    assert inc["resolved_at"] == [1714564800000000]  # the last resolution, 12:00
    # the same rule for milestones the platform gives explicitly
    rows = IncidentRows("INC-2", "export.json")
    for col, hh, mm in [
        ("resolved_at", 11, 0),
        ("resolved_at", 12, 0),
        ("detected_at", 10, 5),
        ("detected_at", 10, 9),
    ]:
        rows.milestone(col, _at(hh, mm), "platform")
    inc = _incident(rows)
    assert inc["resolved_at"] == [1714564800000000]  # 12:00, the later
    assert inc["detected_at"] == [1714557900000000]  # 10:05, the earlier
