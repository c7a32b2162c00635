"""Read incident platform exports: PagerDuty, incident.io and Atlassian Statuspage.

Each reader takes the JSON its platform's REST API returns (a file may hold one
incident or a list of them) and writes one ``incidents`` row per incident, with
its timeline in ``events``. Milestones read from the platform are marked
``"platform"`` in the ``*_from`` columns. When a postmortem document describes
the same incident, :func:`pmkit.io.merge.merge_sources` combines the two.

``format="pagerduty"``
    ``{"incidents": [...]}`` from ``GET /incidents`` (or ``{"incident": {...}}``).
    Log entries come either inside each incident (``"log_entries": [...]``) or
    beside them (``{"incidents": [...], "log_entries": [...]}``, matched by
    ``log_entry.incident.id``). ``trigger_log_entry`` is the detection (from a
    monitoring integration, or an employee for ``web_trigger``),
    ``acknowledge_log_entry`` the acknowledgement, ``resolve_log_entry`` the
    resolution, ``escalate``/``assign`` entries escalations and ``annotate``
    entries notes. ``priority.summary`` (else ``urgency``) gives the severity,
    ``service.summary`` the service, ``teams`` (else ``escalation_policy``) the team.
``format="incidentio"``
    ``{"incidents": [...]}`` from incident.io's ``GET /v2/incidents``.
    ``incident_timestamp_values`` give milestones by name: "Impact started"
    (started), "Reported at"/"Detected at" (detected), "Accepted at"/
    "Acknowledged at" (acknowledged), "Fixed at"/"Mitigated at" (mitigated),
    "Resolved at" (resolved); other timestamps ("Identified at", "Closed at")
    are notes on the timeline. ``severity.name`` gives the severity,
    ``incident_status.name`` the status; custom fields named like team,
    service or detection source fill those columns. Optional
    ``incident_updates`` (``GET /v2/incident_updates``, inside each incident or
    beside them) are status changes on the timeline. The incident id is its
    ``reference`` (``INC-123``), else its ``id``.
``format="statuspage"``
    Atlassian Statuspage incidents: a list, ``{"incidents": [...]}`` or
    ``{"incident": {...}}``. Every ``incident_updates[]`` entry is an external
    communication (``status: body``); the first ``monitoring`` update is the
    mitigation and ``resolved_at`` (or the first ``resolved`` update) the
    resolution; ``started_at`` (manage API) is the start of impact; ``impact``
    (critical/major/minor) gives the severity, ``components`` the service.
    Scheduled maintenances are skipped with a warning.

Examples
--------
>>> import json
>>> doc = {"incidents": [{"id": "p1", "name": "Slow API", "impact": "minor",
...     "created_at": "2024-05-01T10:05:00Z", "resolved_at": "2024-05-01T11:00:00Z",
...     "incident_updates": [{"status": "investigating", "body": "Looking into it",
...                           "created_at": "2024-05-01T10:05:00Z"}]}]}
>>> out = read_statuspage(json.dumps(doc), source="sp.json")
>>> out.tables["incidents"]["severity"], out.tables["events"]["kind"]
(['SEV3'], ['communicated_external'])
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pmkit import classify
from pmkit.classify import Vocabulary
from pmkit.io import Options, Reader, register
from pmkit.io._html import html_to_text
from pmkit.io._incident import IncidentRows, load_json, parse_instant
from pmkit.io.rows import Parsed

__all__ = ["read_incidentio", "read_pagerduty", "read_statuspage"]

_FAR = datetime.max.replace(tzinfo=UTC)


class _Export:
    """One export file: problems and timestamps shared by the three readers."""

    def __init__(
        self, platform: str, source: str, vocabulary: Vocabulary | None, out: Parsed
    ) -> None:
        self.platform = platform
        self.source = source
        self.vocab = vocabulary
        self.out = out

    def records(self, doc: Any, *keys: str) -> list[dict[str, Any]] | None:
        """The incident records of a document: a list, or a list/object under a key."""
        if isinstance(doc, list):
            return [r for r in doc if isinstance(r, dict)]
        if isinstance(doc, dict):
            for key in keys:
                value = doc.get(key)
                if isinstance(value, list):
                    return [r for r in value if isinstance(r, dict)]
                if isinstance(value, dict):
                    return [value]
        self.out.problem(
            self.source,
            None,
            "error",
            "platform.not_incidents",
            f"{self.platform} file holds a JSON {type(doc).__name__} without incidents "
            f"(expected a list, or {' / '.join(repr(k) for k in keys)}); check the export",
        )
        return None

    def incident(self, record: dict[str, Any], index: int, *id_keys: str) -> IncidentRows | None:
        iid = next((str(record[k]) for k in id_keys if record.get(k) not in (None, "")), None)
        if iid is None:
            self.out.problem(
                self.source,
                None,
                "error",
                "platform.no_id",
                f"{self.platform} incident #{index + 1} in the file has no "
                f"{' or '.join(id_keys)}; it is skipped",
            )
            return None
        rows = IncidentRows(iid, self.source, self.vocab, event_provenance="platform")
        return rows

    def time(self, rows: IncidentRows, value: Any, what: str) -> datetime | None:
        """A platform timestamp in UTC; a bad or naive one is a problem."""
        try:
            return parse_instant(value)
        except (ValueError, TypeError):
            rows.problem(
                None,
                "warning",
                "platform.bad_time",
                f"{self.platform} {what} {value!r} is not an ISO 8601 time with a zone "
                "(e.g. 2024-05-01T10:05:00Z); it is left out",
            )
            return None


def _summary(obj: Any) -> str | None:
    if isinstance(obj, dict):
        value = obj.get("summary") or obj.get("name")
        return str(value) if value else None
    return None


def _severity(rows: IncidentRows, value: Any, platform: str) -> str | None:
    sev, warning = classify.normalize_severity(value)
    if warning:
        rows.problem(None, "warning", "platform.bad_value", f"{platform}: {warning}")
    return sev


# -- PagerDuty ---------------------------------------------------------------------

_PD_KINDS = {
    "trigger_log_entry": "detected",
    "acknowledge_log_entry": "acknowledged",
    "resolve_log_entry": "resolved",
    "escalate_log_entry": "escalated",
    "assign_log_entry": "escalated",
    "annotate_log_entry": "note",
}
_PD_MILESTONES = {
    "trigger_log_entry": "detected_at",
    "acknowledge_log_entry": "acknowledged_at",
    "resolve_log_entry": "resolved_at",
}
#: entries that only say who was notified: many per incident, nothing about it
_PD_SKIP = frozenset({"notify_log_entry", "snooze_log_entry", "unacknowledge_log_entry"})


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _pd_entry_text(entry: dict[str, Any]) -> str:
    channel = _obj(entry.get("channel"))
    if entry.get("type") == "annotate_log_entry":
        note = channel.get("summary") or channel.get("content")
        if note:
            return html_to_text(str(note))
    return html_to_text(str(entry.get("summary") or entry.get("type") or ""))


def _open(
    text: str, source: str, vocabulary: Vocabulary | None, out: Parsed | None, platform: str
) -> tuple[Parsed, _Export, Any, list[dict[str, Any]] | None]:
    """Parse an export and find its incident records; ``records`` is None when there
    are none (the reason is already a problem row)."""
    out = Parsed() if out is None else out
    ex = _Export(platform, source, vocabulary, out)
    doc = load_json(text, source, out, platform)
    records = None if doc is None else ex.records(doc, "incidents", "incident")
    return out, ex, doc, records


def read_pagerduty(
    text: str,
    *,
    source: str,
    vocabulary: Vocabulary | None = None,
    out: Parsed | None = None,
) -> Parsed:
    """Read PagerDuty incidents with their log entries (JSON) into column lists.

    Parameters
    ----------
    text : str
        JSON from ``GET /incidents`` (optionally with ``log_entries``), see the
        module docstring for the accepted shapes.
    source : str
        The file path, for ``source`` columns and problems.
    vocabulary : Vocabulary, optional
        Event vocabulary for the detection source.
    out : Parsed, optional
        Accumulator to append to.

    Returns
    -------
    Parsed
        One incident per PagerDuty incident, ids are PagerDuty's.

    Examples
    --------
    >>> import json
    >>> doc = {"incidents": [{"id": "PT4KHLK", "title": "Disk full", "urgency": "high",
    ...     "created_at": "2024-05-01T10:00:00Z", "log_entries": [
    ...         {"type": "acknowledge_log_entry", "created_at": "2024-05-01T10:04:00Z",
    ...          "summary": "Acknowledged by Ana"}]}]}
    >>> p = read_pagerduty(json.dumps(doc), source="pd.json")
    >>> p.tables["incidents"]["severity"], p.tables["events"]["kind"]
    (['SEV2'], ['acknowledged'])
    """
    out, ex, doc, records = _open(text, source, vocabulary, out, "PagerDuty")
    if records is None:
        return out
    beside: dict[str, list[dict[str, Any]]] = {}
    if isinstance(doc, dict) and isinstance(doc.get("log_entries"), list):
        for entry in doc["log_entries"]:
            if isinstance(entry, dict) and isinstance(entry.get("incident"), dict):
                beside.setdefault(str(entry["incident"].get("id")), []).append(entry)
    for index, rec in enumerate(records):
        rows = ex.incident(rec, index, "id")
        if rows is None:
            continue
        f = rows.fields
        f["title"] = rec.get("title") or rec.get("summary")
        f["summary"] = html_to_text(str(rec.get("description") or "")) or None
        priority = _summary(rec.get("priority"))
        f["severity"] = _severity(rows, priority or rec.get("urgency"), "PagerDuty")
        f["service"] = _summary(rec.get("service"))
        teams = [t for t in (_summary(t) for t in rec.get("teams") or []) if t]
        f["team"] = ", ".join(teams) if teams else _summary(rec.get("escalation_policy"))
        f["status"] = rec.get("status")
        created = ex.time(rows, rec.get("created_at"), "created_at")
        entries = [e for e in rec.get("log_entries") or [] if isinstance(e, dict)]
        entries += beside.get(rows.incident_id, [])
        entries.sort(key=lambda e: str(e.get("created_at") or ""))
        for entry in entries:
            kind = str(entry.get("type") or "").removesuffix("_reference")
            if kind in _PD_SKIP:
                continue
            at = ex.time(rows, entry.get("created_at"), f"{kind} created_at")
            agent = _summary(entry.get("agent"))
            rows.event(
                _pd_entry_text(entry),
                at,
                _PD_KINDS.get(kind, "note"),
                actor=agent,
                raw_time=entry.get("created_at"),
                time_precision="second",
            )
            if kind in _PD_MILESTONES:
                rows.milestone(_PD_MILESTONES[kind], at, "platform")
            if kind == "trigger_log_entry" and "detection_source" not in f:
                channel = _obj(entry.get("channel"))
                manual = channel.get("type") in ("web_trigger", "email_trigger", "phone")
                f["detection_source"] = "employee" if manual else "monitoring"
        if "detected_at" not in rows.milestones:
            rows.milestone("detected_at", created, "platform")
            f.setdefault("detection_source", "monitoring" if created else None)
        resolved = ex.time(rows, rec.get("resolved_at"), "resolved_at")
        if "resolved_at" not in rows.milestones:
            rows.milestone("resolved_at", resolved, "platform")
        f["occurred_at"] = created
        rows.finish(out)
    return out


# -- incident.io -------------------------------------------------------------------

_IIO_TIMESTAMPS: dict[str, tuple[str | None, str]] = {
    "impact started": ("started_at", "impact_start"),
    "impact start": ("started_at", "impact_start"),
    "detected": ("detected_at", "detected"),
    "reported": ("detected_at", "detected"),
    "declared": ("detected_at", "detected"),
    "accepted": ("acknowledged_at", "acknowledged"),
    "acknowledged": ("acknowledged_at", "acknowledged"),
    "fixed": ("mitigated_at", "mitigated"),
    "mitigated": ("mitigated_at", "mitigated"),
    "resolved": ("resolved_at", "resolved"),
}
_IIO_STATUS_KINDS = {"monitoring": "mitigated", "fixed": "mitigated", "resolved": "resolved"}
_FIELD_NAMES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bteams?\b|\bsquad\b|\bowner"), "team"),
    (re.compile(r"\bservices?\b|\bproducts?\b|\bcomponents?\b|\bsystems?\b"), "service"),
    (re.compile(r"detect"), "detection_source"),
]


def _iio_value(entry: dict[str, Any]) -> str | None:
    values = entry.get("values") or []
    texts: list[str] = []
    for v in values if isinstance(values, list) else []:
        if not isinstance(v, dict):
            continue
        for key in ("value_option", "value_catalog_entry"):
            inner = v.get(key)
            if isinstance(inner, dict) and (inner.get("value") or inner.get("name")):
                texts.append(str(inner.get("value") or inner.get("name")))
        for key in ("value_text", "value_link", "value_numeric"):
            if v.get(key) not in (None, ""):
                texts.append(str(v[key]))
    return ", ".join(texts) or None


def _name_key(name: str) -> str:
    return re.sub(r"\s+at$", "", " ".join(name.lower().split()))


def read_incidentio(
    text: str,
    *,
    source: str,
    vocabulary: Vocabulary | None = None,
    out: Parsed | None = None,
) -> Parsed:
    """Read incident.io v2 incidents (JSON) into column lists.

    Parameters
    ----------
    text : str
        JSON from ``GET /v2/incidents``, see the module docstring.
    source : str
        The file path, for ``source`` columns and problems.
    vocabulary : Vocabulary, optional
        Event vocabulary for status-update messages.
    out : Parsed, optional
        Accumulator to append to.

    Returns
    -------
    Parsed
        One incident per incident.io incident, ids are their references (``INC-123``).

    Examples
    --------
    >>> import json
    >>> doc = {"incidents": [{"id": "01H", "reference": "INC-7", "name": "Login down",
    ...     "severity": {"name": "Major"}, "incident_timestamp_values": [
    ...         {"incident_timestamp": {"name": "Impact started"},
    ...          "value": {"value": "2024-05-01T09:58:00Z"}}]}]}
    >>> p = read_incidentio(json.dumps(doc), source="iio.json")
    >>> p.tables["incidents"]["incident_id"], p.tables["incidents"]["severity"]
    (['INC-7'], ['SEV2'])
    """
    out, ex, doc, records = _open(text, source, vocabulary, out, "incident.io")
    if records is None:
        return out
    beside: dict[str, list[dict[str, Any]]] = {}
    if isinstance(doc, dict) and isinstance(doc.get("incident_updates"), list):
        for upd in doc["incident_updates"]:
            if isinstance(upd, dict):
                beside.setdefault(str(upd.get("incident_id")), []).append(upd)
    for index, rec in enumerate(records):
        rows = ex.incident(rec, index, "reference", "id")
        if rows is None:
            continue
        f = rows.fields
        f["title"] = rec.get("name")
        f["summary"] = html_to_text(str(rec.get("summary") or "")) or None
        sev = rec.get("severity")
        f["severity"] = _severity(rows, _summary(sev), "incident.io")
        status = rec.get("incident_status")
        f["status"] = (_summary(status) or "").lower() or None
        for entry in rec.get("custom_field_entries") or []:
            if not isinstance(entry, dict):
                continue
            name = _summary(entry.get("custom_field")) or ""
            value = _iio_value(entry)
            col = next((c for p, c in _FIELD_NAMES if p.search(name.lower())), None)
            if col is None or value is None or col in f:
                continue
            if col == "detection_source":
                norm = classify.normalize_detection_source(value)
                if norm is None:
                    rows.problem(
                        None,
                        "warning",
                        "platform.bad_value",
                        f"incident.io custom field {name!r} value {value!r} is not a detection "
                        "source (monitoring, customer, employee, third_party, automated_test)",
                    )
                    continue
                value = norm
            f[col] = value
        for tv in rec.get("incident_timestamp_values") or []:
            if not isinstance(tv, dict):
                continue
            name = _summary(tv.get("incident_timestamp")) or "timestamp"
            raw = tv.get("value")
            raw = raw.get("value") if isinstance(raw, dict) else raw
            if raw in (None, ""):
                continue
            at = ex.time(rows, raw, f"timestamp {name!r}")
            col, ts_kind = _IIO_TIMESTAMPS.get(_name_key(name), (None, "note"))
            rows.event(name, at, ts_kind, raw_time=str(raw), time_precision="second")
            if col is not None:
                rows.milestone(col, at, "platform")
        updates = [u for u in rec.get("incident_updates") or [] if isinstance(u, dict)]
        updates += beside.get(str(rec.get("id")), [])
        for upd in sorted(updates, key=lambda u: str(u.get("created_at") or "")):
            new = _summary(upd.get("new_incident_status")) or ""
            message = html_to_text(str(upd.get("message") or ""))
            text_ = f"{new}: {message}" if new and message else new or message
            at = ex.time(rows, upd.get("created_at"), "incident update created_at")
            rows.event(
                text_ or "status update",
                at,
                _IIO_STATUS_KINDS.get(new.lower()),
                actor=_summary(upd.get("updater", {}).get("user"))
                if isinstance(upd.get("updater"), dict)
                else None,
                raw_time=upd.get("created_at"),
                time_precision="second",
            )
        created = ex.time(rows, rec.get("created_at"), "created_at")
        if "detected_at" not in rows.milestones:
            rows.milestone("detected_at", created, "platform")
        f["occurred_at"] = rows.milestones.get("started_at", (created, ""))[0]
        rows.events.sort(key=lambda e: (e["at"] is None, e["at"] or _FAR))
        rows.finish(out)
    return out


# -- Statuspage --------------------------------------------------------------------

_IMPACT = {"critical": "SEV1", "major": "SEV2", "minor": "SEV3"}


def read_statuspage(
    text: str,
    *,
    source: str,
    vocabulary: Vocabulary | None = None,
    out: Parsed | None = None,
) -> Parsed:
    """Read Atlassian Statuspage incidents (JSON) into column lists.

    Parameters
    ----------
    text : str
        JSON: a list of incidents, ``{"incidents": [...]}`` or ``{"incident": {...}}``.
    source : str
        The file path, for ``source`` columns and problems.
    vocabulary : Vocabulary, optional
        Unused (every update is an external communication); kept for symmetry.
    out : Parsed, optional
        Accumulator to append to.

    Returns
    -------
    Parsed
        One incident per Statuspage incident, ids are Statuspage's.

    Examples
    --------
    >>> p = read_statuspage('[{"id": "x1", "name": "Down", "impact": "critical"}]',
    ...                     source="sp.json")
    >>> p.tables["incidents"]["severity"]
    ['SEV1']
    """
    out, ex, _doc, records = _open(text, source, vocabulary, out, "Statuspage")
    if records is None:
        return out
    for index, rec in enumerate(records):
        if rec.get("scheduled_for"):
            out.problem(
                source,
                None,
                "warning",
                "statuspage.maintenance",
                f"Statuspage item {rec.get('id')} ({rec.get('name')!r}) is a scheduled "
                "maintenance, not an incident; it is skipped",
                incident_id=str(rec.get("id")) if rec.get("id") else None,
            )
            continue
        rows = ex.incident(rec, index, "id")
        if rows is None:
            continue
        f = rows.fields
        f["title"] = rec.get("name")
        f["status"] = rec.get("status")
        impact = str(rec.get("impact") or "").lower()
        f["severity"] = _IMPACT.get(impact)
        if impact and impact not in _IMPACT and impact not in ("none", "maintenance"):
            rows.problem(
                None,
                "warning",
                "platform.bad_value",
                f"Statuspage impact {impact!r} is not critical, major, minor or none",
            )
        comps = [c for c in (_summary(c) for c in rec.get("components") or []) if c]
        f["service"] = ", ".join(comps) or None
        postmortem = html_to_text(str(rec.get("postmortem_body") or ""))
        f["summary"] = postmortem or None
        updates = [u for u in rec.get("incident_updates") or [] if isinstance(u, dict)]
        updates.sort(key=lambda u: str(u.get("created_at") or ""))
        for upd in updates:
            status = str(upd.get("status") or "")
            at = ex.time(rows, upd.get("created_at"), f"{status or 'incident'} update created_at")
            body = html_to_text(str(upd.get("body") or ""))
            rows.event(
                f"{status}: {body}" if status and body else status or body or "update",
                at,
                "communicated_external",
                raw_time=upd.get("created_at"),
                time_precision="second",
            )
            if status == "monitoring":
                rows.milestone("mitigated_at", at, "platform")
            elif status == "resolved":
                rows.milestone("resolved_at", at, "platform")
        started = ex.time(rows, rec.get("started_at"), "started_at")
        rows.milestone("started_at", started, "platform")
        monitoring = ex.time(rows, rec.get("monitoring_at"), "monitoring_at")
        if monitoring is not None:
            rows.milestones.pop("mitigated_at", None)
            rows.milestone("mitigated_at", monitoring, "platform")
        resolved = ex.time(rows, rec.get("resolved_at"), "resolved_at")
        if resolved is not None:
            rows.milestones.pop("resolved_at", None)
            rows.milestone("resolved_at", resolved, "platform")
        created = ex.time(rows, rec.get("created_at"), "created_at")
        rows.milestone("communicated_at", created, "platform")
        f["occurred_at"] = started or created
        rows.finish(out)
    return out


# -- registration -------------------------------------------------------------------

_SNIFF_IIO = re.compile(r'"(?:incident_timestamp_values|incident_status|custom_field_entries)"')
_SNIFF_PD = re.compile(
    r'"(?:incident_number|escalation_policy|log_entries|first_trigger_log_entry)"'
    r'|"type"\s*:\s*"incident"'
)
_SNIFF_SP = re.compile(r'"incident_updates"')


def _sniffer(pattern: re.Pattern[str]) -> Callable[[str, str], bool]:
    def sniff(name: str, head: str) -> bool:
        return head.lstrip()[:1] in ("[", "{") and pattern.search(head) is not None

    return sniff


def _reader(
    read: Callable[..., Parsed],
) -> Callable[[Path, str, Parsed, Options], None]:
    def run(path: Path, text: str, out: Parsed, options: Options) -> None:
        read(text, source=str(path), vocabulary=options.vocabulary, out=out)

    return run


# incident.io first: its exports may also hold "incident_updates"
register(Reader("incidentio", (".json",), _sniffer(_SNIFF_IIO), _reader(read_incidentio)))
register(Reader("pagerduty", (".json",), _sniffer(_SNIFF_PD), _reader(read_pagerduty)))
register(Reader("statuspage", (".json",), _sniffer(_SNIFF_SP), _reader(read_statuspage)))
