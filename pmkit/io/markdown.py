"""Read one Markdown postmortem into rows of the five tables.

Two flavours matter: pmkit's own canvas template (``pmkit/templates/postmortem.md``,
YAML front matter and the eight canvas sections) and postmortems as teams really
write them (TOML or no front matter, headings with many names, timelines as
bullets, tables or prose, times in a dozen formats). Whatever cannot be
understood becomes a ``problems`` row with the file and line.

The reader works on one document at a time and returns plain column lists
(:class:`Parsed`); :func:`pmkit.load` turns many of them into DataFrames at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import re
import tomllib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import PurePath
from typing import Any

import yaml

from pmkit import classify, timeparse
from pmkit.classify import Vocabulary
from pmkit.io._incident import KIND_OF_MILESTONE, micros
from pmkit.io.rows import Parsed

__all__ = ["read_markdown"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# libyaml's safe loader when the wheel has it: same safety, ~10x faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAX_SUMMARY = 4000

# the closing "#"s are cut with rstrip: a regex tail after a lazy group is quadratic
_HEADING = re.compile(r"(#{1,6})[ \t]+")
_FENCE = re.compile(r"(`{3,}|~{3,})")
_BULLET = re.compile(r"([ \t]*)(?:[-*+]|\d{1,3}[.)])[ \t]+(.*)")
_CHECKBOX = re.compile(r"\[([ xX✓✔-])\][ \t]*")
_TABLE_SEP = re.compile(r"\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*")
_TAG = re.compile(r"<[^<>\n]{0,500}>")
# What is left of a tag after stripping ("<<b>script>", a tag over 500 characters,
# one cut by a link or emphasis): "<" before a letter is split from it, so no
# text column ever holds a tag opener such as "<script".
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_LINK = re.compile(r"!?\[([^\[\]\n]{0,300})\]\([^()\s]{0,2000}\)")
_EMPH = re.compile(r"(\*\*|__|(?<![\w*])\*(?!\s)|(?<!\w)_(?!\s)|`)")
_ACTOR = re.compile(r"@([A-Za-z0-9][\w.-]{0,38})|\[([A-Za-z][\w.-]{1,38})\](?!\()")
_OWNER_LABEL = re.compile(r"\b(?:owner|assignee|assigned to|who)\s*[:=]\s*([^,;|()]{1,60})", re.I)
_DUE_LABEL = re.compile(r"\b(?:due(?: date)?|deadline|by|eta|target)\b\s*[:=]?\s*", re.I)
_TRACKER = re.compile(r"\b([A-Z][A-Z0-9]{1,9}-\d{1,7})\b")
_STEP_TAG = re.compile(
    r"[(\[]\s*(detect|react|quick[ _-]?fix|prevent|other[ _-]?risk)\s*[)\]]", re.I
)
_META_SPLIT = re.compile(r"\s+[—–]\s+|\s+-\s+(?=@|owner|due|by\b)", re.I)
_ZONE_TOKEN = re.compile(r"\b(?:UTC|GMT|[A-Z]{2,4}T)(?:[+-]\d{1,2}(?::?\d{2})?)?\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
_DIGIT = re.compile(r"\d")
_PLACEHOLDER_TIME = re.compile(r"\b(?:(\d{1,2}):(?:\?\?|xx|XX|--)|[Hh]{2}:[Mm]{2})(?![\w?])")
#: metadata keys accepted in a key/value block under the title -> front-matter key
_META_KEYS = {
    "team": "team",
    "owning team": "team",
    "service": "service",
    "services": "service",
    "affected service": "service",
    "component": "service",
    "severity": "severity",
    "sev": "severity",
    "priority": "severity",
    "status": "status",
    "detection source": "detection_source",
    "detected by": "detection_source",
    "reported by": "reported_by",
}
_META_LINE = re.compile(
    r"[ \t]*(?:[-*][ \t]+)?(?:\*\*|__)?("
    + "|".join(sorted(_META_KEYS, key=len, reverse=True))
    + r")[ \t]*(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:|:)[ \t]*(\S.{0,80}?)[ \t]*$",
    re.I,
)
_ZONE_HINT = re.compile(r"time|zone", re.I)
# markers are [tags] or ALL-CAPS banners; other lines need no marker lookup
_MARKER_HINT = re.compile(r"\[|\b[A-Z]{4,}\b")
_PREAMBLE = re.compile(r"\b(?:all (?:times|events)|unless otherwise|otherwise noted)\b", re.I)
# "Unless otherwise noted all events happened on <date>": a date written on a
# line is an exception for that line, not the new default for the next ones.
_STICKY_DATE = re.compile(r"\botherwise noted\b", re.I)
_STEM_DATE = re.compile(r"(\d{4})[-_](\d{2})[-_](\d{2})")

_ONCE_PER_DOCUMENT = frozenset({"time.no_zone", "time.no_date", "time.zone_dst", "time.pm_24h"})
_CANVAS_STEPS = {"detect", "react", "quick_fix", "prevent", "other_risk", "cause", "lesson"}
_IDEA_SECTIONS = _CANVAS_STEPS
_MILESTONE_KEYS = {
    "started_at": ("started_at", "start", "started", "impact_start", "impact_started_at"),
    "detected_at": ("detected_at", "detected", "detection"),
    "reported_at": ("reported_at", "reported"),
    "acknowledged_at": ("acknowledged_at", "acknowledged", "ack", "responded_at"),
    "mitigated_at": ("mitigated_at", "mitigated", "fixed_at"),
    "resolved_at": ("resolved_at", "resolved", "ended_at", "end"),
    "communicated_at": ("communicated_at", "first_communication_at", "status_page_at"),
}
_STEP_NAMES = {
    "detect": "detect",
    "react": "react",
    "quickfix": "quick_fix",
    "quick fix": "quick_fix",
    "quick-fix": "quick_fix",
    "quick_fix": "quick_fix",
    "prevent": "prevent",
    "other risk": "other_risk",
    "other_risk": "other_risk",
    "other-risk": "other_risk",
    "otherrisk": "other_risk",
}


def _clean_inline(text: str) -> str:
    """Plain text of a Markdown line: links to their text, tags and emphasis removed."""
    if "<" in text:
        text = _TAG.sub("", text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "*" in text or "_" in text or "`" in text:
        text = _EMPH.sub("", text)
    text = " ".join(text.split())
    return _TAG_OPEN.sub("< ", text) if "<" in text else text


def _no_tags(text: str) -> str:
    """Front matter text without HTML tags or tag openers (see :func:`_clean_inline`)."""
    if "<" not in text:
        return text
    return _TAG_OPEN.sub("< ", _TAG.sub("", text)).strip()


class _Doc:
    """State while reading one document."""

    def __init__(
        self,
        text: str,
        source: str,
        tz: str | None,
        vocabulary: Vocabulary | None,
        out: Parsed,
    ) -> None:
        self.source = source
        self.vocab = vocabulary
        self.out = out
        self.tz_arg = tz
        self.lines = text.split("\n")
        self.meta: dict[str, Any] = {}
        self.incident_id = PurePath(source).stem
        self.title: str | None = None
        self.summary_parts: list[str] = []
        self.preamble_parts: list[str] = []
        self.zone: str | None = None  # zone text in force for the document
        self.zone_line = 0
        self.doc_date: date | None = None
        self.events: list[dict[str, Any]] = []
        self.n_actions = 0
        self.seen_problems: set[tuple[str, str]] = set()
        self.pending_problems: list[tuple[int | None, str, str, str]] = []
        self.has_timeline = False
        self.prose: list[tuple[int, str, str | None]] = []

    # -- problems ---------------------------------------------------------
    def problem(self, line: int | None, level: str, code: str, message: str) -> None:
        # One row per code for problems that repeat on every line of a timeline.
        key = (code, "" if code in _ONCE_PER_DOCUMENT else message)
        if key in self.seen_problems:
            return
        self.seen_problems.add(key)
        if "<" in message:  # messages quote the input
            message = _TAG_OPEN.sub("< ", message)
        self.pending_problems.append((line, level, code, message))

    # -- front matter -----------------------------------------------------
    def front_matter(self) -> int:
        """Parse YAML (---) or TOML (+++) front matter; return the first body line index."""
        lines = self.lines
        if not lines or lines[0].strip() not in ("---", "+++"):
            return 0
        fence = lines[0].strip()
        end = None
        for i in range(1, min(len(lines), 2000)):
            if lines[i].strip() == fence or (fence == "---" and lines[i].strip() == "..."):
                end = i
                break
        if end is None:
            self.problem(
                1,
                "error",
                "frontmatter.unclosed",
                f"front matter opened with {fence} on line 1 is never closed; "
                f"add a closing {fence} line",
            )
            return 1
        body = "\n".join(lines[1:end])
        data: Any
        try:
            if fence == "+++":
                data = tomllib.loads(body)
            else:
                data = _flat_yaml(lines, 1, end)
                if data is None:
                    data = yaml.load(body, Loader=_YAML_LOADER)
                    if "*" in body:
                        _check_aliases(data)
        except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError, RecursionError) as err:
            mark = getattr(err, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            kind = "TOML" if fence == "+++" else "YAML"
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            self.problem(
                line,
                "error",
                "frontmatter.invalid",
                f"front matter is not valid {kind} ({first}); the document body is still read",
            )
            return end + 1
        if data is None:
            return end + 1
        if not isinstance(data, dict):
            self.problem(
                1,
                "error",
                "frontmatter.not_mapping",
                f"front matter must be a mapping of keys to values, found {type(data).__name__}",
            )
            return end + 1
        extra = data.get("extra")
        if isinstance(extra, dict):
            data = {**extra, **data}
        self.meta = {str(k).strip().lower().replace(" ", "_"): v for k, v in data.items()}
        return end + 1

    def meta_str(self, *keys: str) -> str | None:
        for k in keys:
            v = self.meta.get(k)
            if v is None or isinstance(v, dict | list):
                continue
            s = _no_tags(str(v).strip())
            if s:
                return s
        return None

    # -- time helpers -----------------------------------------------------
    def zone_for(self, on: date | None, line: int) -> tzinfo | None:
        zone = self.zone or self.tz_arg
        if zone is None:
            return None
        try:
            tz, warn = timeparse.resolve_zone(zone, on)
        except ValueError as err:
            self.problem(line, "warning", "time.unknown_zone", str(err))
            return None
        if warn is not None:
            self.problem(line, "warning", warn[0], warn[1])
        return tz

    def set_zone(self, zone: str, line: int) -> None:
        try:
            timeparse.resolve_zone(zone, None)
        except ValueError as err:
            self.problem(line, "warning", "time.unknown_zone", str(err))
            return
        self.zone = zone
        self.zone_line = line

    def meta_time(self, value: Any, key: str) -> datetime | None:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                tz = self.zone_for(value.date(), 1)
                if tz is None:
                    self.problem(
                        1,
                        "error",
                        "time.no_zone",
                        f"front matter {key} {value.isoformat()} has no time zone; "
                        "add an offset, a `timezone:` key, or pass tz= to pmkit.load",
                    )
                    return None
                value = value.replace(tzinfo=tz)
            try:
                return value.astimezone(UTC)
            except OverflowError:
                self.problem(
                    1,
                    "error",
                    "time.invalid",
                    f"front matter {key} {value.isoformat()} is out of range in UTC",
                )
                return None
        if isinstance(value, date):
            return None
        if not isinstance(value, str):
            return None
        m = timeparse.find_time(value)
        if m is None:
            self.problem(
                1,
                "warning",
                "frontmatter.bad_value",
                f"front matter {key} {value!r} is not a date and time; "
                "write it as 2026-09-14T09:12:00+02:00",
            )
            return None
        return self.absolute(m, 1, self.doc_date)

    def absolute(self, m: timeparse.TimeMatch, line: int, on: date | None) -> datetime | None:
        try:
            # year 0 is written, not missing: date() reports it
            if m.year is not None and m.month is not None and m.day is not None:
                day: date | None = date(m.year, m.month, m.day)
            else:
                day = on
        except ValueError as err:
            self.problem(
                line, "error", "time.invalid", f"invalid date in {m.raw!r}: {err}; check it"
            )
            return None
        if day is None:
            self.problem(
                line,
                "error",
                "time.no_date",
                f"times (first: {m.raw!r}) have no date and none is stated before them; "
                "write the date once above the timeline (e.g. 'All events on 2026-09-14')",
            )
            return None
        if self.first_date is None:
            self.first_date = day
        if m.zone is not None:
            tz: tzinfo | None = UTC
        else:
            tz = self.zone_for(day, line)
        if tz is None:
            self.problem(
                line,
                "error",
                "time.no_zone",
                f"timeline times (first: {m.raw!r}) state no time zone; write one above the "
                "timeline (e.g. 'All times in UTC'), or pass tz='Europe/Paris' to pmkit.load",
            )
            return None
        try:
            return timeparse.to_utc(m, on=day, tz=tz)
        except (ValueError, OverflowError) as err:
            self.problem(line, "error", "time.invalid", f"{err}")
            return None

    # -- body ---------------------------------------------------------------
    def run(self) -> None:
        body = self.front_matter()
        self.apply_meta()
        lines = self.lines
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

        def flush() -> None:
            if block:
                handler = handlers.get(section or "other")
                if handler is not None:
                    handler(block, heading_text, sub_step)
            block.clear()

        prev_plain = ""
        for idx in range(body, len(lines)):
            raw = lines[idx]
            stripped = raw.strip()
            if in_fence is not None:
                if stripped.startswith(in_fence):
                    in_fence = None
                continue
            fm = _FENCE.match(stripped) if stripped[:1] in ("`", "~") else None
            if fm:
                in_fence = fm.group(1)[:3]
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
                flush()
                self.heading_context(title, idx + 1)
                if found is None and section not in (None, "preamble") and level > section_level:
                    # An unknown sub-heading (a date, a phase) stays in its section.
                    continue
                if section == "next_steps" and level > section_level and found in _CANVAS_STEPS:
                    sub_step = found
                    continue
                if found == "timeline":
                    self.has_timeline = True
                section, heading_text, section_level, sub_step = found, title, level, None
                if section is None and self.title is None:
                    self.title = title
                continue
            prev_plain = stripped
            block.append((idx + 1, raw))
        flush()

    def heading_context(self, title: str, line: int) -> None:
        zone = timeparse.find_zone_statement(title)
        if zone:
            self.set_zone(zone, line)
        d = timeparse.find_date(title)
        if d is not None:
            self.current_date = d

    current_date: date | None = None
    sticky_date = False
    in_prose = False
    first_date: date | None = None  # date of the first timeline time, zone or not

    def summary_date(self) -> date | None:
        for part in (*self.summary_parts, *self.preamble_parts):
            d = timeparse.find_date(part)
            if d is not None:
                return d
        return None

    def apply_meta(self) -> None:
        meta = self.meta
        iid = self.meta_str("id", "incident_id", "key")
        if iid:
            self.incident_id = iid
        self.title = self.meta_str("title")
        zone = self.meta_str("timezone", "tz", "time_zone", "zone")
        if zone:
            self.set_zone(zone, 1)
        raw_date = meta.get("date")
        if isinstance(raw_date, datetime):
            self.doc_date = raw_date.date()
        elif isinstance(raw_date, date):
            self.doc_date = raw_date
        elif isinstance(raw_date, str):
            self.doc_date = timeparse.find_date(raw_date)
            if self.doc_date is None:
                self.problem(
                    1,
                    "warning",
                    "frontmatter.bad_value",
                    f"front matter date {raw_date!r} is not a date; write it as 2026-09-14",
                )
        if self.doc_date is None:
            m = _STEM_DATE.search(PurePath(self.source).name)
            if m:
                try:
                    self.doc_date = date(int(m[1]), int(m[2]), int(m[3]))
                except ValueError:
                    self.doc_date = None
        self.current_date = self.doc_date

    # -- sections -------------------------------------------------------------
    def paragraphs(self, block: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Bullets (with their continuation lines), table rows and paragraphs as items."""
        items: list[tuple[int, str]] = []
        cur: list[str] = []
        cur_line = 0
        for line_no, raw in block:
            s = raw.strip()
            if not s:
                if cur:
                    items.append((cur_line, " ".join(cur)))
                    cur = []
                continue
            bm = _BULLET.match(raw)
            if bm or s.startswith("|"):
                if cur:
                    items.append((cur_line, " ".join(cur)))
                cur = [bm.group(2) if bm else s]
                cur_line = line_no
                continue
            if not cur:
                cur_line = line_no
            cur.append(s)
        if cur:
            items.append((cur_line, " ".join(cur)))
        return items

    def inline_meta(self, block: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Take ``**Team:** payments``-style metadata lines out of a block.

        Many templates put a small key/value block under the title instead of
        front matter. Front matter wins where both give a key.
        """
        rest: list[tuple[int, str]] = []
        for line, raw in block:
            m = _META_LINE.match(raw) if ":" in raw else None
            if m is None:
                rest.append((line, raw))
                continue
            key = _META_KEYS[m.group(1).strip().lower()]
            self.meta.setdefault(key, _clean_inline(m.group(2)))
        return rest

    def read_summary(
        self, block: list[tuple[int, str]], heading: str | None, _s: str | None
    ) -> None:
        block = self.inline_meta(block)
        for line, text in self.paragraphs(block):
            self.summary_parts.append(_clean_inline(text))
            self.context_from(text, 0)
            self.prose.append((line, text, heading))

    def read_preamble(
        self, block: list[tuple[int, str]], heading: str | None, _s: str | None
    ) -> None:
        block = self.inline_meta(block)
        for line, text in self.paragraphs(block):
            self.preamble_parts.append(_clean_inline(text))
            self.context_from(text, line)
            self.prose.append((line, text, heading))

    def read_prose(self, block: list[tuple[int, str]], heading: str | None, _s: str | None) -> None:
        for line, text in self.paragraphs(block):
            self.prose.append((line, text, heading))

    def prose_timeline(self) -> None:
        """No timeline section gave a time: read the times written in sentences.

        Short postmortems tell their timeline in prose ("At 15:23 UTC we received
        a report ..."): each sentence with a clock time becomes an event.
        """
        self.in_prose = True
        self.current_date = self.doc_date
        for line, text, heading in self.prose:
            for sentence in _SENTENCE.split(text):
                if not _DIGIT.search(sentence):
                    continue
                m = timeparse.find_time(sentence)
                if m is None or m.relative is not None:
                    d = timeparse.find_date(sentence)
                    if d is not None:
                        self.current_date = d
                    continue
                for clause in _clauses(sentence, m):
                    self.timeline_item(clause, line, heading, None)
        self.in_prose = False

    def context_from(self, text: str, line: int) -> None:
        if self.zone is None:
            zone = timeparse.find_zone_statement(text)
            if zone:
                self.set_zone(zone, line)

    def read_ideas(self, block: list[tuple[int, str]], heading: str | None, _s: str | None) -> None:
        step = _section(heading or "", self.vocab)
        header: list[str] | None = None
        for line, item in self.paragraphs(block):
            if item.startswith("|"):
                cells = _cells(item)
                if _TABLE_SEP.fullmatch(item.strip()):
                    continue
                if header is None:
                    header = [c.lower() for c in cells]
                    continue
                text = _clean_inline(" — ".join(c for c in cells if c))
            else:
                text = _clean_inline(item)
            if not text or (text.endswith(":") and len(text) < 80):
                continue
            self.out.add(
                "ideas",
                incident_id=self.incident_id,
                step=step,
                text=text,
                heading=heading,
                source=self.source,
                line=line,
            )

    def read_actions(
        self, block: list[tuple[int, str]], heading: str | None, sub_step: str | None
    ) -> None:
        header: dict[str, int] | None = None
        items = self.paragraphs(block)
        listed = any(_BULLET.match(raw) or raw.lstrip().startswith("|") for _, raw in block)
        for line, item in items:
            if listed and not _is_list_item(block, line):
                continue  # guidance prose around a list of actions
            if item.startswith("|"):
                if _TABLE_SEP.fullmatch(item.strip()):
                    continue
                cells = _cells(item)
                if header is None:
                    header = _action_header(cells)
                    continue
                self.table_action(cells, header, line, heading, sub_step)
                continue
            self.list_action(item, line, heading, sub_step)

    def add_action(
        self,
        *,
        text: str,
        owner: str | None,
        due: date | None,
        status: str,
        step: str | None,
        tracker: str | None,
        line: int,
    ) -> None:
        self.n_actions += 1
        self.out.add(
            "actions",
            incident_id=self.incident_id,
            action_id=f"{self.incident_id}#{self.n_actions}",
            text=text,
            owner=owner,
            due=micros(datetime(due.year, due.month, due.day, tzinfo=UTC)) if due else None,
            status=status,
            step=step,
            tracker_key=tracker,
            source=self.source,
            line=line,
        )

    def list_action(self, item: str, line: int, heading: str | None, sub_step: str | None) -> None:
        checked: bool | None = None
        cm = _CHECKBOX.match(item)
        if cm:
            checked = cm.group(1) not in (" ", "-")
            item = item[cm.end() :]
        text = _clean_inline(item)
        if not text or (text.endswith(":") and len(text) < 80):
            return
        owner = None
        om = _ACTOR.search(text)
        if om and om.group(1):
            owner = om.group(1)
        else:
            lm = _OWNER_LABEL.search(text)
            if lm:
                owner = lm.group(1).strip()
        due = None
        for dm in _DUE_LABEL.finditer(text):
            due = timeparse.find_date(text[dm.end() : dm.end() + 40])
            if due is not None:
                break
        tm = _TRACKER.search(text)
        sm = _STEP_TAG.search(text)
        step = _STEP_NAMES.get(sm.group(1).lower().replace("-", " ")) if sm else sub_step
        words = _META_SPLIT.split(text, maxsplit=1)[0] if (owner or due) else text
        if sm:
            words = words.replace(sm.group(0), "")
        status = classify.normalize_action_status(None, checked=checked)
        self.add_action(
            text=" ".join(words.split()) or text,
            owner=owner,
            due=due,
            status=status,
            step=step,
            tracker=tm.group(1) if tm else None,
            line=line,
        )

    def table_action(
        self,
        cells: list[str],
        header: dict[str, int],
        line: int,
        heading: str | None,
        sub_step: str | None,
    ) -> None:
        def cell(name: str) -> str | None:
            i = header.get(name)
            if i is None or i >= len(cells):
                return None
            v = _clean_inline(cells[i])
            return v or None

        text = cell("text")
        if text is None:
            return
        owner = cell("owner")
        if owner and owner.lower() in ("-", "n/a", "tbd", "none", "?"):
            owner = None
        due_text = cell("due")
        due = timeparse.find_date(due_text) if due_text else None
        status_text = cell("status")
        step_text = cell("step")
        step = _STEP_NAMES.get(step_text.lower()) if step_text else sub_step
        tracker_text = cell("tracker") or text
        tm = _TRACKER.search(tracker_text)
        self.add_action(
            text=text,
            owner=owner.lstrip("@") if owner else None,
            due=due,
            status=classify.normalize_action_status(status_text),
            step=step,
            tracker=tm.group(1) if tm else None,
            line=line,
        )

    def read_timeline(
        self, block: list[tuple[int, str]], heading: str | None, _s: str | None
    ) -> None:
        header: list[str] | None = None
        time_col = 0
        prev_at: datetime | None = None
        for line, item in self.paragraphs(block):
            if item.startswith("|"):
                if _TABLE_SEP.fullmatch(item.strip()):
                    continue
                cells = _cells(item)
                if header is None and not any(timeparse.find_time(c) for c in cells):
                    self.zone_from_header(cells, line)
                    header = [c.lower() for c in cells]
                    time_col = next(
                        (i for i, h in enumerate(header) if "time" in h or "date" in h), 0
                    )
                    continue
                lead = cells[time_col] if time_col < len(cells) else ""
                rest = " — ".join(c for i, c in enumerate(cells) if i != time_col and c)
                if timeparse.find_time(lead) is None and timeparse.find_date(lead) is not None:
                    # a date-only first cell: the time may be in the next cell
                    self.current_date = timeparse.find_date(lead)
                text = f"{lead} {rest}".strip()
            else:
                text = item
            prev_at = self.timeline_item(text, line, heading, prev_at)

    def zone_from_header(self, cells: list[str], line: int) -> None:
        """``| Date and Time in CET | Event |``: a zone named in a column header."""
        for token in _ZONE_TOKEN.findall(" ".join(cells)):
            try:
                timeparse.resolve_zone(token, None)
            except ValueError:
                continue
            self.set_zone(token, line)
            return

    def timeline_item(
        self, item: str, line: int, heading: str | None, prev_at: datetime | None
    ) -> datetime | None:
        text = _clean_inline(item)
        if not text:
            return prev_at
        zone = timeparse.find_zone_statement(text) if _ZONE_HINT.search(text) else None
        if zone:
            self.set_zone(zone, line)
        m = timeparse.find_time(text)
        if m is None and _PLACEHOLDER_TIME.search(text):
            return self.placeholder_item(text, line, heading, prev_at)
        if m is None:
            ds = timeparse.find_date_span(text)
            if ds is not None:
                d, a, b = ds
                self.current_date = d
                rest = (text[:a] + " " + text[b:]).strip(" :-—–|,.()")
                leading = text[:a].strip(" *_(").lower() in ("", "on", "at")
                if _STICKY_DATE.search(text):
                    # "unless otherwise noted all events happened on ...": a date
                    # written on one line then applies to that line only
                    self.sticky_date = True
                if len(rest.split()) < 4 or not leading or zone or _PREAMBLE.search(text):
                    return prev_at  # a date line that later lines inherit
                # a dated line without a clock time: an event to the day
                tz = self.zone_for(d, line) if (self.zone or self.tz_arg) else UTC
                day_at = datetime(d.year, d.month, d.day, tzinfo=tz or UTC).astimezone(UTC)
                self.add_event(rest, day_at, None, line, heading, text[a:b], "day", False)
                return prev_at
            if timeparse.is_placeholder(text):
                self.problem(
                    line,
                    "warning",
                    "time.placeholder",
                    f"timeline line has a placeholder instead of a time ({text[:40]!r}); "
                    "fill in the time",
                )
                self.add_event(text, None, None, line, heading, text[:8], "minute", False)
                return prev_at
            bad = timeparse.find_bad_time(text)
            if bad is not None:
                self.problem(
                    line,
                    "error",
                    "time.invalid",
                    f"{bad!r} is not a valid time of day (hours 0-23, minutes 0-59)",
                )
            if zone and len(text) < 200:
                return prev_at
            if self.events and not _BULLET.match(item) and len(text) > 0:
                # prose with no time continues the previous line
                self.events[-1]["text"] += " " + text
                return prev_at
            self.add_event(text, None, None, line, heading, None, None, False)
            return prev_at
        for code, message in m.warnings:
            self.problem(line, "warning", code, f"{message} (in {m.raw!r})")
        rest = " ".join((text[: m.start] + " " + text[m.end :]).split()).strip(" :-—–|,.")
        rest = rest.lstrip(":-—–| ").strip()
        if m.relative is not None:
            self.add_event(rest, None, m.relative, line, heading, m.raw, "relative", m.approximate)
            return prev_at
        if m.year is not None and m.month is not None and m.day is not None:
            if not self.sticky_date:
                # an impossible date is reported by to_utc below
                with contextlib.suppress(ValueError):
                    self.current_date = date(m.year, m.month, m.day)
            explicit = True
        else:
            explicit = False
        at = self.absolute(m, line, self.current_date)
        if self.in_prose:
            # prose is not written in order: no rollover, no order warnings
            self.add_event(rest, at, None, line, heading, m.raw, m.precision, m.approximate)
            return prev_at
        if at is not None and prev_at is not None and not explicit and at < prev_at:
            if prev_at - at > timedelta(hours=12) and at.year < 9999:
                # past midnight: the inherited date moves on by a day
                at += timedelta(days=1)
                if self.current_date is not None and self.current_date.year < 9999:
                    self.current_date += timedelta(days=1)
            else:
                self.problem(
                    line,
                    "warning",
                    "time.out_of_order",
                    f"timeline line at {m.raw!r} is earlier than the line before it; "
                    "kept as written",
                )
        elif at is not None and prev_at is not None and at < prev_at:
            self.problem(
                line,
                "warning",
                "time.out_of_order",
                f"timeline line at {m.raw!r} is earlier than the line before it; kept as written",
            )
        self.add_event(rest, at, None, line, heading, m.raw, m.precision, m.approximate)
        return at if at is not None and (prev_at is None or at > prev_at) else prev_at

    def placeholder_item(
        self, text: str, line: int, heading: str | None, prev_at: datetime | None
    ) -> datetime | None:
        """``2024-03-13 14:??`` or ``HH:mm``: the time was never filled in.

        A known hour is kept at hour precision; otherwise the event has no time.
        """
        ph = _PLACEHOLDER_TIME.search(text)
        assert ph is not None
        ds = timeparse.find_date_span(text[: ph.start()])
        day = ds[0] if ds is not None else self.current_date
        rest = " ".join((text[: ph.start()] + " " + text[ph.end() :]).split())
        if ds is not None:
            rest = " ".join((text[: ds[1]] + " " + text[ph.end() :]).split())
        rest = rest.strip(" :-—–|,.")
        at = None
        hour = ph.group(1)
        if hour is not None and day is not None and int(hour) < 24:
            tz = self.zone_for(day, line)
            if tz is not None:
                local = datetime(day.year, day.month, day.day, int(hour), tzinfo=tz)
                at = local.astimezone(UTC)
        self.problem(
            line,
            "warning",
            "time.placeholder",
            f"timeline line has a placeholder instead of a time ({ph.group(0)!r}); "
            + ("read to the hour; " if at is not None else "")
            + "fill in the time",
        )
        self.add_event(rest, at, None, line, heading, ph.group(0), "hour" if at else None, False)
        return prev_at

    def add_event(
        self,
        text: str,
        at: datetime | None,
        relative: timedelta | None,
        line: int,
        heading: str | None,
        raw: str | None,
        precision: str | None,
        approximate: bool,
    ) -> None:
        self.events.append(
            {
                "text": text,
                "at": at,
                "relative": relative,
                "line": line,
                "heading": heading,
                "raw_time": raw,
                "time_precision": precision,
                "approximate": approximate,
            }
        )

    # -- finish ---------------------------------------------------------------
    def finish(self) -> None:
        if not any(e["at"] is not None for e in self.events):
            self.prose_timeline()
        events = self.events
        texts = [e["text"] for e in events]
        kinds = classify.classify_events(texts, self.vocab) if texts else []
        # explicit markers are removed from the text kept
        for e, kind in zip(events, kinds, strict=True):
            e["kind"] = kind
            if kind != "note" and _MARKER_HINT.search(e["text"]):
                marker, rest = classify.event_marker(e["text"], self.vocab)
                if marker is not None:
                    e["text"] = rest.strip(" :-—–")
        self.resolve_relative(events)
        milestones: dict[str, datetime | None] = {}
        provenance: dict[str, str | None] = {}
        for col, keys in _MILESTONE_KEYS.items():
            value = next((self.meta[k] for k in keys if k in self.meta), None)
            at = self.meta_time(value, col) if value is not None else None
            if at is not None:
                milestones[col], provenance[col] = at, "metadata"
                continue
            wanted = KIND_OF_MILESTONE[col]
            times = [e["at"] for e in events if e["kind"] in wanted and e["at"] is not None]
            if times:
                milestones[col], provenance[col] = min(times), "timeline"
            else:
                milestones[col], provenance[col] = None, None
        if milestones["started_at"] is None:
            self.infer_start(events, milestones, provenance)
        if milestones["mitigated_at"] is None and milestones["resolved_at"] is not None:
            milestones["mitigated_at"] = milestones["resolved_at"]
            provenance["mitigated_at"] = provenance["resolved_at"]
            self.problem(
                None,
                "warning",
                "milestone.inferred",
                "no line marks when the impact was mitigated; mitigated_at is taken as "
                "resolved_at, when it had ended at the latest. Mark the right line [mitigated]",
            )
        self.check_order(milestones, provenance)
        source_kind = self.detection(events)
        timed = [e["at"] for e in events if e["at"] is not None]
        occurred = (
            milestones["started_at"]
            or milestones["detected_at"]
            or (min(timed) if timed else None)
            or _midnight(self.first_date or self.doc_date or self.summary_date())
        )
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
                "no Timeline section; milestones could only come from front matter",
            )
        severity, sev_warning = classify.normalize_severity(self.meta.get("severity"))
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
            "title": self.title or PurePath(self.source).stem,
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
        for col, at in milestones.items():
            row[col] = micros(at)
            row[col.replace("_at", "_from")] = provenance[col]
        out.add("incidents", **row)
        for seq, e in enumerate(events):
            actor = None
            am = _ACTOR.search(e["text"])
            if am:
                actor = am.group(1) or am.group(2)
            out.add(
                "events",
                incident_id=self.incident_id,
                seq=seq,
                at=micros(e["at"]),
                kind=e["kind"],
                actor=actor,
                text=e["text"],
                raw_time=e["raw_time"],
                time_precision=e["time_precision"],
                approximate=e["approximate"],
                source=self.source,
                line=e["line"],
                heading=e["heading"],
            )
        for line, level, code, message in self.pending_problems:
            out.add(
                "problems",
                source=self.source,
                line=line,
                incident_id=self.incident_id,
                level=level,
                code=code,
                message=message,
            )

    def infer_start(
        self,
        events: list[dict[str, Any]],
        milestones: dict[str, datetime | None],
        provenance: dict[str, str | None],
    ) -> None:
        """No line marks the start: the earliest line before detection is the start.

        Timelines usually open with the change that began the impact; when the
        earliest line is the detection itself nothing is inferred.
        """
        timed = [e for e in events if e["at"] is not None]
        if not timed:
            return
        first = min(timed, key=lambda e: (e["at"], e["line"]))
        detected = milestones["detected_at"]
        if first["kind"] in ("detected", "reported") or detected is None:
            return
        if first["at"] >= detected:
            return
        milestones["started_at"], provenance["started_at"] = first["at"], "timeline"
        self.problem(
            first["line"],
            "warning",
            "milestone.inferred",
            "no timeline line marks the start of impact; started_at is taken from the "
            "earliest line before detection. Mark the right line [start] to be explicit",
        )

    def resolve_relative(self, events: list[dict[str, Any]]) -> None:
        rel = [e for e in events if e["relative"] is not None]
        if not rel:
            return
        anchor = next(
            (e["at"] for e in events if e["kind"] == "impact_start" and e["at"] is not None), None
        )
        if anchor is None:
            start = self.meta.get("started_at")
            if start is not None:
                anchor = self.meta_time(start, "started_at")
        if anchor is None:
            self.problem(
                rel[0]["line"],
                "warning",
                "time.relative_no_anchor",
                "relative times (T+12m) need the start time: mark a line [start] with a clock "
                "time or give started_at in front matter",
            )
            return
        for e in rel:
            try:
                e["at"] = anchor + e["relative"]
            except OverflowError:
                self.problem(
                    e["line"],
                    "error",
                    "time.invalid",
                    f"{e['raw_time']!r} after the start is past the year 9999",
                )

    def check_order(
        self, milestones: dict[str, datetime | None], provenance: dict[str, str | None]
    ) -> None:
        order = ["started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at"]
        present = [(c, milestones[c]) for c in order if milestones[c] is not None]
        for (a, ta), (b, tb) in itertools.pairwise(present):
            assert ta is not None and tb is not None
            if tb < ta:
                self.problem(
                    None,
                    "warning",
                    "milestone.order",
                    f"{b} ({tb:%Y-%m-%d %H:%M} UTC) is before {a} ({ta:%Y-%m-%d %H:%M} UTC); "
                    "durations between them are left out of the metrics",
                )

    def detection(self, events: list[dict[str, Any]]) -> str:
        given = self.meta_str("detection_source", "detected_by", "detection")
        if given:
            norm = classify.normalize_detection_source(given)
            if norm is not None:
                return norm
            self.problem(
                1,
                "warning",
                "frontmatter.bad_value",
                f"detection_source {given!r} is not one of monitoring, customer, employee, "
                "third_party, automated_test, unknown",
            )
        first = sorted(
            (e for e in events if e["kind"] in ("detected", "reported")),
            key=lambda e: (e["at"] is None, e["at"] or _EPOCH, e["line"]),
        )
        for e in first[:1]:
            found = classify.detection_source(e["text"], self.vocab)
            if found:
                return found
            if e["kind"] == "reported":
                return "customer"
        if not first:
            # No line says detected or reported: the lines up to the first
            # response often do ("engineers respond to alarms").
            ordered = sorted(
                (e for e in events if e["at"] is not None), key=lambda e: (e["at"], e["line"])
            )
            for e in ordered:
                found = classify.detection_source(e["text"], self.vocab)
                if found:
                    return found
                if e["kind"] in ("acknowledged", "mitigated", "resolved"):
                    break
        summary = " ".join(self.summary_parts)[:2000]
        found = classify.detection_source(summary, self.vocab) if summary else None
        return found or "unknown"


_MAX_META_VALUES = 100_000


def _check_aliases(data: Any) -> None:
    """Refuse front matter whose YAML aliases expand to a huge or endless structure.

    The safe loader shares one object per anchor, so a "billion laughs" document
    loads small; it explodes only when something walks or prints it. The
    expanded size is counted once per shared object, stopping at the limit.
    """
    sizes: dict[int, int] = {}

    def size(x: Any) -> int:
        if not isinstance(x, list | dict):
            return 1
        key = id(x)
        if key in sizes:
            if sizes[key] < 0:
                raise ValueError("an alias refers to its own anchor (a cycle)")
            return sizes[key]
        sizes[key] = -1
        total = 1
        for v in x.values() if isinstance(x, dict) else x:
            total += size(v)
            if total > _MAX_META_VALUES:
                break
        sizes[key] = total
        return total

    if size(data) > _MAX_META_VALUES:
        raise ValueError(f"aliases expand to more than {_MAX_META_VALUES:,} values")


_FLAT_KEY = re.compile(r"([A-Za-z_][\w-]{0,40})[ \t]*:(?:[ \t]+(.*))?")
_PLAIN_VALUE = re.compile(r"[\w@/+.,: ()-]{0,200}")


def _flat_yaml(lines: list[str], start: int, end: int) -> dict[str, Any] | None:
    """Front matter of plain ``key: value`` lines without calling a YAML parser.

    Returns None for anything but the simplest shape (quotes, lists, anchors,
    tags, comments after values, ...): the real YAML parser then reads it. Values
    are strings, as the reader interprets them itself.
    """
    out: dict[str, Any] = {}
    for i in range(start, end):
        line = lines[i]
        if not line or line[0] == "#":
            continue
        m = _FLAT_KEY.fullmatch(line.rstrip())
        if m is None:
            return None
        value = m.group(2)
        if value is None or value == "":
            return None  # a nested mapping or list follows
        if value[0] in "\"'[{&*!|>%@`#" or " #" in value or not _PLAIN_VALUE.fullmatch(value):
            return None
        if value in ("null", "~", "Null", "NULL"):
            out[m.group(1)] = None
        else:
            out[m.group(1)] = value
    return out


_SECTION_CACHE: dict[str, str | None] = {}


def _section(heading: str, vocabulary: Vocabulary | None) -> str | None:
    """``classify.heading_section``, memoised for the default vocabulary."""
    if vocabulary is not None:
        return classify.heading_section(heading, vocabulary)
    try:
        return _SECTION_CACHE[heading]
    except KeyError:
        found = classify.heading_section(heading)
        if len(_SECTION_CACHE) < 50_000:
            _SECTION_CACHE[heading] = found
        return found


def _clauses(sentence: str, first: timeparse.TimeMatch) -> list[str]:
    """Split a sentence with several clock times into one clause per time.

    "Around 9:30 UTC the record propagated again and by 9:40 UTC traffic had
    returned to normal" gives two clauses, so each time keeps its own words.
    """
    out: list[str] = []
    start, m = 0, first
    while True:
        rest = sentence[m.end :]
        nxt = timeparse.find_time(rest)
        if nxt is None or nxt.relative is not None:
            break
        pos = m.end + nxt.start
        cut = max(sentence.rfind(", ", m.end, pos), sentence.rfind(" and ", m.end, pos))
        if cut <= m.end:
            break
        out.append(sentence[start:cut])
        start = cut + 1
        found = timeparse.find_time(sentence[start:])
        if found is None:
            break
        m = dataclasses.replace(found, start=found.start + start, end=found.end + start)
    out.append(sentence[start:])
    return out


def _midnight(d: date | None) -> datetime | None:
    return None if d is None else datetime(d.year, d.month, d.day, tzinfo=UTC)


def _bold_heading(s: str) -> bool:
    """``**Timeline**`` or ``__Action items:__`` alone on a line acts as a heading."""
    return (
        len(s) < 60
        and (
            (s.startswith("**") and s.rstrip(":").endswith("**"))
            or (s.startswith("__") and s.rstrip(":").endswith("__"))
        )
        and s.count("**") <= 2
    )


def _is_list_item(block: list[tuple[int, str]], line: int) -> bool:
    raw = next(r for n, r in block if n == line)
    return bool(_BULLET.match(raw)) or raw.lstrip().startswith("|")


def _cells(row: str) -> list[str]:
    s = row.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


_HEADER_NAMES = {
    "text": ("action", "item", "description", "task", "what", "title", "summary", "next step"),
    "owner": ("owner", "assignee", "who", "responsible", "dri"),
    "due": ("due", "deadline", "when", "date", "eta", "target"),
    "status": ("status", "state", "done"),
    "step": ("step", "type", "category", "kind"),
    "tracker": ("ticket", "issue", "link", "jira", "tracker", "key"),
}


def _action_header(cells: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, c in enumerate(cells):
        low = _clean_inline(c).lower()
        for name, words in _HEADER_NAMES.items():
            if name not in out and any(w in low for w in words):
                out[name] = i
                break
    out.setdefault("text", 0)
    return out


def read_markdown(
    text: str,
    *,
    source: str,
    tz: str | None = None,
    vocabulary: Vocabulary | None = None,
    out: Parsed | None = None,
) -> Parsed:
    """Read one Markdown postmortem into column lists.

    Parameters
    ----------
    text : str
        The document.
    source : str
        Its path, used for ``source`` columns, problems and the default id.
    tz : str, optional
        Zone for timeline times when the document states none.
    vocabulary : Vocabulary, optional
        Event and heading vocabulary (default :data:`pmkit.classify.DEFAULT_VOCABULARY`).
    out : Parsed, optional
        Accumulator to append to (many documents, one set of lists).

    Returns
    -------
    Parsed
        Column lists for the five tables; timestamps are integer microseconds UTC.

    Examples
    --------
    >>> p = read_markdown("# Outage\\n\\n## Timeline\\n\\nAll times UTC.\\n\\n"
    ...                   "- 2024-05-01 10:00 [start] errors begin\\n- 10:07 alert fired\\n",
    ...                   source="x.md")
    >>> p.tables["events"]["kind"]
    ['impact_start', 'detected']
    """
    out = Parsed() if out is None else out
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<!--" in text:
        text = _COMMENT.sub("", text)
    doc = _Doc(text, source, tz, vocabulary, out)
    doc.run()
    doc.finish()
    return out
