"""One document end to end: walk the sections, then derive the incident row."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from pmkit import classify, schema, timeparse
from pmkit.io._incident import evidence_line, micros
from pmkit.io.markdown._milestones import _is_marked, _Milestones
from pmkit.io.markdown._text import (
    _ACTOR,
    _CANVAS_STEPS,
    _FENCE,
    _HEADING,
    _IDEA_SECTIONS,
    _MARKER_HINT,
    _MAX_SUMMARY,
    _MEMO_MAX,
    _MILESTONE_KEYS,
    _SENTENCE,
    _ZONE_WORDS,
    _bold_heading,
    _clean_inline,
    _list_line,
    _may_hold,
    _memo_default,
    _midnight,
    _section,
)

#: Stands in for "no date known" when a yearless heading date needs a year.
_NO_DAY = datetime(1, 1, 1).date()
#: First characters of lines that may be headings, fences or heading underlines.
_MAY_MARK = "#=`~*_"
#: kinds whose explicitly marked lines ("[start]", "**Recovery:**") the milestones need
_MARKED_KINDS = frozenset({"impact_start", "mitigated"})
#: milestone column -> the column saying where it came from
#: kinds another sentence of a timeline entry may add to its milestones: someone reported
#: it, someone took it on (measured: sentence-level starts, detections and mitigations
#: cost more cells than they gave on the corpora)
_ALSO_KINDS = frozenset({"reported", "acknowledged"})
#: at most this many time.ambiguous_date rows per document
_MAX_AMBIGUOUS = 20
#: a link to another document of the folder: ``](incidents/2024-09-20-eks)``, ``](./a.md)``,
#: or a Sphinx/MyST ``{toctree}`` or ``{include}`` directive
_LOCAL_LINK = re.compile(
    r"\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s]{1,300})\)|\{(?:toctree|include)\}[^\n]{0,300}"
)
_EVIDENCE_COLUMNS = {
    col: (schema.provenance_column(col), schema.line_column(col)) for col in _MILESTONE_KEYS
}


def _lists_ahead(lines: list[str], start: int, level: int) -> bool:
    """Whether a list item or table row follows before the next heading of ``level`` or above."""
    for raw in lines[start:]:
        if raw[:1] == "#":
            hm = _HEADING.match(raw.strip())
            if hm is not None and len(hm.group(1)) <= level:
                return False
        elif _list_line(raw):
            return True
    return False


def _timeline_heading(title: str, year: int | None) -> str | None:
    """What a sub-heading of a timeline is: ``"time"``, ``"date"`` or None (anything else).

    Timelines written as headings put each event's time in a heading and its
    text under it ("### 13:44", "### 2018-01-17 17:14pm", "### 07:35 - Node limit
    increased") and a day in a heading over them ("## May 12"). A heading that
    starts with a time is an event; one that is a date and little else is a day.
    """
    if not title[:1].isdigit() and not title[:1].isupper() and title[:1] not in "~±":
        return None
    m = timeparse.find_time(title)
    if m is not None and m.relative is None and m.start == 0:
        return "time"
    ds = timeparse.find_date_span(title, year=year)
    if ds is not None and ds[1] == 0 and len(title[ds[2] :].strip(" ,.:-—–()")) <= 3:
        return "date"
    return None


def _without_marker(text: str, vocabulary: classify.Vocabulary | None) -> str:
    """The text of a timeline line without its explicit marker."""
    if _MARKER_HINT.search(text):  # markers are [tags] or ALL-CAPS banners
        marker, rest = classify.event_marker(text, vocabulary)
        if marker is not None:
            return rest.strip(" :-—–")
    return text


_unmarked = _memo_default(_without_marker)


_severity_text = lru_cache(maxsize=_MEMO_MAX)(classify.normalize_severity)


def _severity(value: object) -> tuple[str | None, str | None]:
    """``classify.normalize_severity``, memoised for text values."""
    if isinstance(value, str):
        return _severity_text(value)
    return classify.normalize_severity(value)


class _Doc(_Milestones):
    """Walks a document's sections, then builds its incident, events and problems rows."""

    def run(self) -> None:
        body = self.front_matter()
        self.apply_meta()
        lines = self.lines
        if self.zone is None:
            # "All times in UTC" written anywhere (below the timeline, in a footnote)
            # is the zone of the lines above it too; the walk below sets each
            # statement again where it stands
            for i in range(body, len(lines)):
                raw = lines[i]
                if _may_hold(raw, _ZONE_WORDS):
                    zone = timeparse.find_zone_statement(_clean_inline(raw))
                    if zone:
                        self.set_zone(zone, i + 1)
                        break
        section: str | None = "preamble"
        heading_text: str | None = None
        section_level = 0
        in_fence: str | None = None
        block: list[tuple[int, str]] = []
        handlers: dict[str, Callable[[list[tuple[int, str]], str | None, str | None], None]] = {}
        for name in _IDEA_SECTIONS:
            handlers[name] = self.read_ideas
        handlers["timeline"] = self.read_timeline
        handlers["next_steps"] = self.read_actions
        handlers["summary"] = self.read_summary
        handlers["preamble"] = self.read_preamble
        for name in ("impact", "resolution", "other"):
            handlers[name] = self.read_prose
        sub_step: str | None = None
        top = True  # no sub-heading yet in the section
        # a timeline heading that starts with a time: the event whose text is under it
        timed_heading: tuple[int, str] | None = None

        def flush() -> None:
            nonlocal timed_heading
            if timed_heading is not None:
                line, title = timed_heading
                under = " ".join(text.strip() for _, text in block if text.strip())
                self.read_timeline([(line, f"{title} {under}".rstrip())], heading_text, sub_step)
                timed_heading = None
            elif block:
                handler = handlers.get(section or "other")
                if handler is not None:
                    handler(block, heading_text, sub_step)
            block.clear()

        prev_plain = ""
        for idx in range(body, len(lines)):
            raw = lines[idx]
            c = raw[:1]
            if in_fence is None and (not c or (c not in _MAY_MARK and not c.isspace())):
                # most lines: no heading, fence or underline can start here
                prev_plain = raw.rstrip()
                block.append((idx + 1, raw))
                continue
            stripped = raw.strip()
            if in_fence is not None:
                # a closing fence is the opening run (or longer) and nothing else: "```bash"
                # inside a code block opens nothing and closes nothing (CommonMark)
                if stripped.startswith(in_fence) and not stripped.lstrip(in_fence[0]).strip():
                    in_fence = None
                continue
            fm = _FENCE.match(stripped) if stripped[:1] in ("`", "~") else None
            if fm:
                in_fence = fm.group(1)
                continue
            hm = _HEADING.match(stripped) if stripped.startswith("#") else None
            level = 0
            title = ""
            if hm:
                level = len(hm.group(1))
                title = _clean_inline(stripped[hm.end() :].rstrip(" \t#"))
            elif (
                stripped[:1] == "="
                and set(stripped) <= {"="}
                and prev_plain
                and not prev_plain.startswith(("-", "*", "|"))
            ):
                level, title = 1, _clean_inline(prev_plain)
                if block and block[-1][1].strip() == prev_plain:
                    block.pop()
            elif stripped[:1] in ("*", "_") and _bold_heading(stripped):
                level, title = 7, _clean_inline(stripped)
            if level:
                prev_plain = ""
                found = _section(title, self.vocab)
                if section == "timeline" and found is None and level >= section_level:
                    year = (self.current_date or self.doc_date or _NO_DAY).year
                    kind = _timeline_heading(title, year if year > 1 else None)
                    if kind is not None:
                        # "### 13:44" with its text under it, "## May 12" over the day's lines
                        flush()
                        if kind == "time":
                            timed_heading = (idx + 1, title)
                        else:
                            self.heading_context(title, idx + 1)
                            ds = timeparse.find_date_span(title, year=year)
                            if ds is not None:
                                self.current_date = ds[0]
                        continue
                if self.title is None and level == 1 and found is None:
                    # the document's title: the text under it is still the preamble
                    self.title = title
                    flush()
                    self.heading_context(title, idx + 1)
                    continue
                if found is None and level == 7:
                    # A bold line that names no section is ordinary text.
                    block.append((idx + 1, raw))
                    continue
                sub_list = (
                    section == "next_steps"
                    and level > section_level
                    and (found in _CANVAS_STEPS or found == "next_steps")
                )
                # "## Remediation", a paragraph, then "### Immediate Actions" with a
                # list: the paragraph introduces the lists, like prose around a list
                self.intro = sub_list and top and _lists_ahead(lines, idx + 1, section_level)
                flush()
                self.intro = False
                self.heading_context(title, idx + 1)
                self.action_heading = title  # it may say its actions are done
                # "### Short-term ([Follow along here](.../issues/39133))"
                self.heading_tracker = (
                    self.tracker_link(stripped) if "://" in stripped or "]" in stripped else None
                )
                if found is None and section not in (None, "preamble") and level > section_level:
                    # An unknown sub-heading (a date, a phase) stays in its section.
                    top = False
                    continue
                if sub_list:
                    # "### Long-term Improvements", "### Immediate Actions (Completed)"
                    # under "## Remediation": a canvas step or another list of
                    # actions stays in the section ("Short-term" is not a step)
                    sub_step = found if found != "next_steps" else None
                    top = False
                    continue
                if found == "timeline":
                    self.has_timeline = True
                    self.timeline_last = None
                section, heading_text, section_level, sub_step = found, title, level, None
                top = True
                if section is None and self.title is None:
                    self.title = title
                continue
            prev_plain = stripped
            block.append((idx + 1, raw))
        flush()

    def also_kinds(self, events: list[dict[str, Any]]) -> None:
        """What the other sentences of a timeline entry say happened at its time.

        "16:11 GSIs report in slack that the hub is down for lab users. It is confirmed
        that the hub process has crashed": the entry is read as one event of one kind,
        but its time is also when the incident was acknowledged; "... pushed to GitHub.
        Google immediately notified us" is also when it was reported. Each sentence
        after the first is classified on its own; the kinds of :data:`_ALSO_KINDS`
        found are kept in ``also`` for :meth:`milestones`.
        """
        pending: list[tuple[dict[str, Any], list[str]]] = []
        for e in events:
            text = e["text"]
            if e["at"] is None or ". " not in text:
                continue
            sentences = _SENTENCE.split(text)
            if len(sentences) > 1:
                pending.append((e, sentences[1:]))
        if not pending:
            return
        flat = [s for _, ss in pending for s in ss]
        kinds = iter(classify.classify_events(flat, self.vocab))
        for e, ss in pending:
            found = {next(kinds) for _ in ss} & _ALSO_KINDS
            found.discard(e["kind"])
            if found:
                e["also"] = found

    def date_order_now(self) -> bool | None:
        """Whether this document's numeric dates are day-first: decided the first time a
        date that could be read both ways is met (see :func:`pmkit.timeparse.date_order`),
        saying so where no date of the document decides."""
        if self.day_first_decided:
            return self.day_first_flag
        self.day_first_decided = True
        body = self.body_start
        lines = self.lines
        order = timeparse.date_order(
            lines[body:], known=self.doc_date, zone=self.zone or self.tz_arg
        )
        self.day_first_flag = order.day_first
        if order.decided_by not in ("dates", "known date", ""):
            how = {
                "both": "the document writes dates both ways, so this one is read month-first",
                "zone": f"read {'day' if order.day_first else 'month'}-first, the order where "
                f"the document's zone ({self.zone or self.tz_arg}) is",
                "default": "read month-first (US), as no date of the document shows the order",
            }[order.decided_by]
            for i, written in order.ambiguous[:_MAX_AMBIGUOUS]:
                self.problem(
                    body + i + 1,
                    "warning",
                    "time.ambiguous_date",
                    f"{written!r} could be day-first or month-first; {how}. Write the date "
                    "as YYYY-MM-DD",
                )
        return self.day_first_flag

    def mark_misdated(self, events: list[dict[str, Any]]) -> None:
        """Lines whose date is days before the lines around them: a typo, not this incident.

        "2023-01-11 14:34 ...", "2022-01-11 14:40 ...", "2023-01-11 14:51 ...": the
        middle line's year is a slip. Such a line keeps its time as written but is
        left out of the milestones (it would become the start, or a detection a
        year early), with a ``time.out_of_order`` warning; the lines after it are
        not moved. A line counts when it is at least two days before the timed
        line above it and (unless it is the last) before the one below it too.
        """
        gap = timedelta(days=2)
        times = [e["at"] for e in events if e["at"] is not None and e["relative"] is None]
        if len(times) < 2 or max(times) - min(times) < gap:
            return  # (the usual case: every line within two days)
        timed = sorted(
            (e for e in events if e["at"] is not None and e["relative"] is None),
            key=lambda e: e["line"],
        )
        for i in range(1, len(timed)):
            e, before = timed[i], timed[i - 1]
            after = timed[i + 1] if i + 1 < len(timed) else None
            if before["at"] - e["at"] < gap or (after is not None and after["at"] - e["at"] < gap):
                continue
            e["misdated"] = True
            self.problem(
                e["line"],
                "warning",
                "time.out_of_order",
                f"{e['raw_time']!r} is {(before['at'] - e['at']).days} days before the line "
                f"above it (line {before['line']}); read as a typo in the date and left out of "
                "the milestones: fix the date",
            )

    def finish(self) -> None:
        if not any(e["at"] is not None for e in self.events):
            self.prose_timeline()
        events = self.events
        texts = [e["text"] for e in events]
        kinds = classify.classify_events(texts, self.vocab) if texts else []
        # explicit markers are removed from the text kept
        marked: dict[str, datetime] = {}  # the first explicitly marked start and mitigation
        for e, kind in zip(events, kinds, strict=True):
            e["kind"] = kind
            if kind != "note":
                text = e["text"]
                e["text"] = _unmarked(text, self.vocab)
                at = e["at"]
                if (
                    at is not None
                    and kind in _MARKED_KINDS
                    and (kind not in marked or at < marked[kind])
                    and _is_marked(text, self.vocab)
                ):
                    marked[kind] = at
        self.also_kinds(events)
        self.resolve_relative(events)
        self.mark_misdated(events)
        read = [e for e in events if not e.get("misdated")]
        milestones, provenance = self.milestones(read, marked)
        source_kind = self.detection(events)
        timed = [e["at"] for e in events if e["at"] is not None]
        occurred = (
            milestones["started_at"]
            or milestones["detected_at"]
            or (min(timed) if timed else None)
            or _midnight(self.first_date or self.doc_date or self.summary_date())
        )
        if (
            occurred is None
            and not self.has_timeline
            and not self.n_actions
            and not self.n_ideas
            and not any(milestones.values())
            and self.is_index()
        ):
            # an index page: nothing of an incident to measure
            self.problem(
                None,
                "info",
                "file.not_postmortem",
                f"{self.file_name} reads as an index page (no date, time, timeline, idea or "
                "action, and it is named index or links to other documents): not read as an "
                "incident. If it is a postmortem, add `date:` front matter and a '## Timeline'",
            )
            self.write_problems()
            return
        if occurred is None:
            self.problem(
                None,
                "warning",
                "date.missing",
                "no date found in front matter, file name, timeline or text; add `date:` "
                "front matter or name the file YYYY-MM-DD-title.md",
            )
        if not self.has_timeline:
            self.problem(
                None,
                "warning",
                "timeline.missing",
                f"no Timeline section; {len(timed)} time(s) or date(s) were read from the "
                "prose, where which milestone a sentence states is less sure: add a "
                "'## Timeline' with one line per event (see pmkit/templates/postmortem.md)"
                if timed
                else "no Timeline section and no times in the text; milestones can only come "
                "from front matter: add a '## Timeline' with one line per event",
            )
        severity, sev_warning = _severity(self.meta.get("severity"))
        if sev_warning:
            self.problem(1, "warning", "frontmatter.bad_value", sev_warning)
        status = self.meta_str("status")
        status = status.lower() if status else None
        if status is None:
            status = "resolved" if milestones["resolved_at"] is not None else None
        summary = " ".join(self.summary_parts) or " ".join(self.preamble_parts[:3])
        out = self.out
        row: dict[str, Any] = {
            "incident_id": self.incident_id,
            "title": self.title or self.file_stem,
            "summary": summary[:_MAX_SUMMARY] or None,
            "severity": severity,
            "team": self.meta_str("team", "owner_team", "squad"),
            "service": self.meta_str("service", "services", "component", "system"),
            "status": status,
            "occurred_at": micros(occurred),
            "detection_source": source_kind,
            "reported_by": self.meta_str("reported_by"),
            "tz": self.zone or self.tz_arg,
            "source": self.source,
        }
        evidence = self.evidence
        for col, (source_col, line_col) in _EVIDENCE_COLUMNS.items():
            at = milestones[col]
            row[col] = micros(at)
            row[source_col] = provenance[col]
            row[line_col] = evidence_line(col, at, read, evidence.get(col))
        out.append("incidents", row)
        if events:
            self.event_rows(events)
        self.write_problems()

    def is_index(self) -> bool:
        """Whether the document is named ``index.md`` or links to two other local documents."""
        if self.file_stem.lower().lstrip("_") == "index":
            return True
        return len(set(_LOCAL_LINK.findall("\n".join(self.lines)))) >= 2

    def write_problems(self) -> None:
        """Append the document's problems; an info row is tied to no incident."""
        for line, level, code, message in self.pending_problems:
            self.out.add(
                "problems",
                source=self.source,
                line=line,
                incident_id=None if level == "info" else self.incident_id,
                level=level,
                code=code,
                message=message,
            )

    def event_rows(self, events: list[dict[str, Any]]) -> None:
        """Append the events column by column (the hot path of a large load)."""
        n = len(events)
        texts = [e["text"] for e in events]
        actors: list[str | None] = []
        for text in texts:
            am = _ACTOR.search(text) if ("@" in text or "[" in text) else None
            actors.append(None if am is None else am.group(1) or am.group(2))
        values: dict[str, list[Any]] = {
            "incident_id": [self.incident_id] * n,
            "seq": list(range(n)),
            "at": [micros(e["at"]) for e in events],
            "kind": [e["kind"] for e in events],
            "actor": actors,
            "text": texts,
            "source": [self.source] * n,
        }
        for col, column in self.out.tables["events"].items():
            column.extend(values[col] if col in values else [e[col] for e in events])
