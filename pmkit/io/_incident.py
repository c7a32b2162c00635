"""One incident's rows, built the same way by the structured readers.

The Miro, platform and table readers collect an incident's events and known
milestones in an :class:`IncidentRows`, then :meth:`IncidentRows.finish` writes
the ``incidents`` and ``events`` rows: event kinds from
:func:`pmkit.classify.classify_event` when the source gives none, milestones
from explicit values first and otherwise from the earliest event of the
matching kind, or the latest for :data:`LATEST_MILESTONES` (the Markdown reader
picks its milestones this way too, and then infers what no line marks), with
their provenance.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from pmkit import classify, schema
from pmkit.classify import Vocabulary
from pmkit.io.rows import Parsed

__all__ = [
    "LATEST_KINDS",
    "LATEST_MILESTONES",
    "IncidentRows",
    "evidence_line",
    "load_json",
    "micros",
    "parse_instant",
    "pick",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
#: milestone column -> event kinds that supply it; declared once, in the schema
KIND_OF_MILESTONE = schema.MILESTONES
#: Milestones taken from the latest event of their kinds, not the earliest: an
#: incident said to be resolved again later ("outage closed", then "confirmed
#: by the end user") was not finally resolved the first time.
LATEST_MILESTONES = frozenset({"resolved_at"})
#: the event kinds whose latest time is kept
LATEST_KINDS = frozenset(k for col in LATEST_MILESTONES for k in KIND_OF_MILESTONE[col])


def taken(col: str) -> str:
    """How a ``milestone.inferred`` message names the milestone it inferred.

    :func:`pmkit.io.merge.merge_sources` finds the message by it, to drop it
    when a platform states that milestone.
    """
    return f"{col} is taken"


def pick(col: str, times: list[datetime]) -> datetime:
    """The milestone ``col`` among candidate times: the earliest, the latest for
    :data:`LATEST_MILESTONES`; of equal times, the first given."""
    return max(times) if col in LATEST_MILESTONES else min(times)


def evidence_line(
    col: str,
    at: datetime | None,
    events: list[dict[str, Any]],
    hint: tuple[datetime, int | None] | None = None,
) -> int | None:
    """The line milestone ``col`` (at ``at``) was read from, or None.

    ``hint`` is (time, line) when the reader knows the line (a front-matter key,
    the summary sentence, the line an inference was made from); it counts while
    the milestone still has that time. Otherwise the first event at ``at`` of a
    kind that supplies ``col``, else the first event at ``at`` (an inferred
    acknowledgement is some response's line).
    """
    if at is None:
        return None
    if hint is not None and hint[0] == at and hint[1] is not None:
        return hint[1]
    kinds = KIND_OF_MILESTONE[col]
    fallback = None
    for e in events:
        if e["at"] == at:
            line = e.get("line")
            if e["kind"] in kinds:
                return line if line is not None else fallback
            if fallback is None:
                fallback = line
    return fallback


def micros(at: datetime | None) -> int | None:
    """Integer microseconds since the epoch, UTC (None stays None)."""
    return None if at is None else (at - _EPOCH) // _MICROSECOND


def parse_instant(value: Any, tz: tzinfo | None = None) -> datetime | None:
    """An ISO 8601 timestamp as an aware UTC datetime.

    Returns None for a missing or empty value. Raises ``ValueError`` for text
    that is not ISO 8601, and for a naive timestamp when ``tz`` is None (the
    caller turns both into ``problems`` rows: a naive time is never guessed).

    >>> parse_instant("2024-05-01T12:00:00+02:00").isoformat()
    '2024-05-01T10:00:00+00:00'
    >>> parse_instant("2024-05-01T10:00:00.000Z").isoformat()
    '2024-05-01T10:00:00+00:00'
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        at = value
    else:
        text = str(value).strip()
        if not text:
            return None
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        at = datetime.fromisoformat(text)
    if at.tzinfo is None:
        if tz is None:
            raise ValueError(f"{value} has no time zone")
        at = at.replace(tzinfo=tz)
    return at.astimezone(UTC)


def load_json(text: str, source: str, out: Parsed, what: str) -> Any:
    """Parse JSON text; a syntax error becomes an error problem and None."""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        line = getattr(err, "lineno", None)
        detail = getattr(err, "msg", type(err).__name__)
        out.problem(
            source,
            line,
            "error",
            "json.invalid",
            f"{what} file is not valid JSON ({detail}, line {line}); the file is skipped; "
            "re-export it or check it was not truncated",
        )
        return None


@dataclass
class IncidentRows:
    """An incident being read: fields, explicit milestones and events."""

    incident_id: str
    source: str
    vocabulary: Vocabulary | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    #: milestone column -> (time, provenance, line) given explicitly by the source
    milestones: dict[str, tuple[datetime, str, int | None]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    #: provenance of milestones taken from events
    event_provenance: str = "timeline"
    problems: list[tuple[int | None, str, str, str]] = field(default_factory=list)

    def problem(self, line: int | None, level: str, code: str, message: str) -> None:
        """Record a problem for this incident."""
        self.problems.append((line, level, code, message))

    def event(self, text: str, at: datetime | None, kind: str | None = None, **more: Any) -> None:
        """Add a timeline event; ``kind`` None means classify ``text``."""
        self.events.append({"text": text, "at": at, "kind": kind, **more})

    def milestone(
        self, col: str, at: datetime | None, provenance: str, line: int | None = None
    ) -> None:
        """Set a milestone explicitly (the earliest given wins; the latest for
        :data:`LATEST_MILESTONES`, as a platform that resolves an incident twice
        resolved it the second time); ``line`` is where the source states it."""
        if at is None:
            return
        old = self.milestones.get(col)
        if old is None or pick(col, [old[0], at]) != old[0]:
            self.milestones[col] = (at, provenance, line)

    def finish(self, out: Parsed) -> None:
        """Append this incident's ``incidents``, ``events`` and ``problems`` rows."""
        for e in self.events:
            if e["kind"] is None:
                kind = classify.classify_event(e["text"], self.vocabulary)
                if kind != "note":
                    marker, rest = classify.event_marker(e["text"], self.vocabulary)
                    if marker is not None and rest.strip(" :-—–"):
                        e["text"] = rest.strip(" :-—–")
                e["kind"] = kind
        row: dict[str, Any] = {"incident_id": self.incident_id, "source": self.source}
        row.update({k: v for k, v in self.fields.items() if v is not None})
        for col, kinds in KIND_OF_MILESTONE.items():
            given = self.milestones.get(col)
            at: datetime | None = None
            prov: str | None = None
            line: int | None = None
            if given is not None:
                at, prov, line = given
            else:
                times = [e["at"] for e in self.events if e["kind"] in kinds and e["at"]]
                if times:
                    at = pick(col, times)
                    prov = self.event_provenance
                    line = evidence_line(col, at, self.events)
            row[col] = micros(at)
            row[schema.provenance_column(col)] = prov
            row[schema.line_column(col)] = line
        if row.get("status") is None and row.get("resolved_at") is not None:
            row["status"] = "resolved"
        if row.get("occurred_at") is None:
            timed = [e["at"] for e in self.events if e["at"] is not None]
            row["occurred_at"] = (
                row.get("started_at")
                or row.get("detected_at")
                or (micros(min(timed)) if timed else None)
            )
        elif isinstance(row["occurred_at"], datetime):
            row["occurred_at"] = micros(row["occurred_at"])
        if row.get("detection_source") is None:
            row["detection_source"] = self._detection()
        out.add("incidents", **row)
        for seq, e in enumerate(self.events):
            out.add(
                "events",
                incident_id=self.incident_id,
                seq=seq,
                at=micros(e["at"]),
                kind=e["kind"],
                actor=e.get("actor"),
                text=e["text"],
                raw_time=e.get("raw_time"),
                time_precision=e.get("time_precision"),
                approximate=e.get("approximate", False),
                source=self.source,
                line=e.get("line"),
                heading=e.get("heading"),
            )
        for line, level, code, message in self.problems:
            out.problem(self.source, line, level, code, message, incident_id=self.incident_id)

    def _detection(self) -> str:
        first = sorted(
            (e for e in self.events if e["kind"] in ("detected", "reported")),
            key=lambda e: (e["at"] is None, e["at"] or _EPOCH),
        )
        for e in first[:1]:
            found = classify.detection_source(e["text"], self.vocabulary)
            if found:
                return found
            if e["kind"] == "reported":
                return "customer"
        summary = str(self.fields.get("summary") or "")[:2000]
        found = classify.detection_source(summary, self.vocabulary) if summary else None
        return found or "unknown"
