"""State of one document being read: front matter, metadata, zones, times, problems."""

from __future__ import annotations

import os
import re
import tomllib
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from pathlib import PurePath
from typing import Any

import yaml

from pmkit import timeparse
from pmkit.classify import Vocabulary
from pmkit.io.markdown._text import (
    _BULLET,
    _DETECTION_LINE,
    _META_KEYS,
    _META_LINE,
    _ONCE_PER_DOCUMENT,
    _STEM_DATE,
    _TAG_OPEN,
    _YAML_LOADER,
    _check_aliases,
    _clean_inline,
    _flat_yaml,
    _heading_says,
    _no_tags,
)
from pmkit.io.rows import Parsed

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@lru_cache(maxsize=4096)
def _key(key: object) -> str:
    """One spelling of a front-matter key: ``resolvedWhen`` -> ``resolved_when``."""
    text = str(key).strip()
    if not text.islower():
        text = _CAMEL.sub("_", text)
    return text.lower().replace(" ", "_").replace("-", "_")


_ANY_DIGIT = re.compile(r"\d")
#: a front-matter line that opens a key: ``resolvedWhen: ...``, ``"date" = ...``
_KEY_LINE = re.compile(r"""\s*["']?([A-Za-z_][\w -]*?)["']?\s*[:=]""")


def _same_zone(zone: str) -> str:
    """One name for the spellings of one zone: UTC, GMT, Z and +00:00 are UTC."""
    upper = zone.upper().strip("()")
    if upper in ("UTC", "GMT", "Z", "UT", "+00:00", "+0000", "-00:00", "UTC+0", "GMT+0"):
        return "UTC"
    return zone


def _name_and_stem(source: str) -> tuple[str, str]:
    """``PurePath(source).name`` and ``.stem`` of a file path, without building a path."""
    if os.sep != "/" or source.endswith(("/", "/.")):
        path = PurePath(source)
        name, stem = path.name, path.stem
    else:
        name = source.rpartition("/")[2]
        dot = name.rfind(".")
        stem = name[:dot] if 0 < dot < len(name) - 1 else name
    if stem != name and name.lower().endswith(".erb"):
        # "2024-09-20-eks.html.md.erb" (a Middleman page) is 2024-09-20-eks
        for inner in (".md", ".html"):
            if stem.lower().endswith(inner):
                stem = stem[: -len(inner)]
    return name, stem


#: Last words of a line that a time on the next line completes
#: ("... rolled back at / 14:05 UTC"): a wrapped sentence, not a new item.
_WRAP_WORDS = frozenset(
    {
        "at",
        "by",
        "from",
        "to",
        "until",
        "till",
        "since",
        "around",
        "about",
        "after",
        "before",
        "between",
        "and",
        "or",
        "of",
        "on",
        "approximately",
        "roughly",
    }
)


def _indent(raw: str) -> int:
    return len(raw) - len(raw.lstrip(" \t"))


def _starts_item(raw: str, first: str, before: str) -> bool:
    """Does a timeline line that begins with a digit start an event of its own?

    ``12:27 PM: ...`` then, with no blank line, ``1:31 PM: ...`` at the margin:
    two events, not one paragraph. A line indented deeper than the item's
    first line, or one that completes a sentence ending in "at" or "until",
    continues the item; so does a number that is not a time ("10 minutes").
    """
    if _indent(raw) > _indent(first):
        return False
    last = before.rpartition(" ")[2].lower()
    if last in _WRAP_WORDS:
        return False
    m = timeparse.find_time(raw.strip())
    return m is not None and m.start == 0 and m.relative is None


class _DocBase:
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
        self.file_name, self.file_stem = _name_and_stem(source)
        self.incident_id = self.file_stem
        self.title: str | None = None
        self.summary_parts: list[str] = []
        self.preamble_parts: list[str] = []
        self.zone: str | None = None  # zone text in force for the document
        self.zone_line = 0
        self.doc_date: date | None = None
        self.events: list[dict[str, Any]] = []
        self.n_actions = 0
        self.n_ideas = 0
        self.line_at: datetime | None = None  # the time of the timeline line before
        # the heading above the lines read now: it may say its actions are done
        self.action_heading = ""
        # the pull request or issue that heading links: its items' tracker
        self.heading_tracker: str | None = None
        # the block is prose above sub-headings that list the actions
        self.intro = False
        self.link_defs: dict[str, str] | None = None  # "[label]: url" lines, read on demand
        self.seen_problems: set[tuple[str, str]] = set()
        self.pending_problems: list[tuple[int | None, str, str, str]] = []
        self.has_timeline = False
        self.prose: list[tuple[int, str, str | None]] = []
        self.last_zone: tuple[str, date | None, tzinfo] | None = None
        # the zone the document's own times show, when no line states one: read once
        self.shown_zone: str | bool | None = False
        self.body_start = 0  # lines before it are front matter
        # milestone -> (time, line) where the reader knows the line it came from
        self.evidence: dict[str, tuple[datetime, int | None]] = {}
        self.meta_lines: dict[str, int] = {}  # inline "**Resolved:** ..." key -> line
        self.window_line: int | None = None  # the line of the window the summary states
        self.start_is_posted = False  # started_at is a status page's posting date
        # whether the document's numeric dates are day-first, decided when first needed
        self.day_first_decided = False
        self.day_first_flag: bool | None = None

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
            self.body_start = 0
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
        # "resolvedWhen", "Started At", "impact-start": one spelling, resolved_when
        self.meta = {_key(k): v for k, v in data.items()}
        self.body_start = end + 1
        return end + 1

    def meta_start(self, raw_date: Any) -> None:
        """A status-page file's ``date`` is its start, on the line of ``date``."""
        if "started_at" not in self.meta:
            self.meta["started_at"] = raw_date
            self.start_is_posted = True
            line = self.meta_line("date")
            if line is not None:
                self.meta_lines["started_at"] = line

    def meta_line(self, key: str) -> int | None:
        """The line (1-based) that gives metadata ``key``: in the front matter or inline."""
        if key in self.meta_lines:
            return self.meta_lines[key]
        lines = self.lines
        for i in range(1, min(self.body_start, len(lines))):
            m = _KEY_LINE.match(lines[i])
            if m is not None and _key(m.group(1)) == key:
                return i + 1
        return None

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
        zone = self.zone or self.zone_shown() or self.tz_arg
        if zone is None:
            return None
        last = self.last_zone
        if last is not None and last[0] == zone and last[1] == on:
            # the same answer as last time; its problem, if any, is recorded already
            return last[2]
        try:
            tz, warn = timeparse.resolve_zone(zone, on)
        except ValueError as err:
            self.problem(line, "warning", "time.unknown_zone", str(err))
            return None
        if warn is not None:
            self.problem(line, "warning", warn[0], warn[1])
        self.last_zone = (zone, on, tz)
        return tz

    def zone_shown(self) -> str | None:
        """The one zone the document's own times are written in, when no line states one.

        "Status: Resolved at 2020-04-15 15:09 UTC" among times that state no zone:
        the author writes in UTC. Every time written with a zone must name the
        same one (UTC, GMT and Z are one); front matter times with an offset
        count too. Found once per document, with a ``time.zone_from_line``
        warning saying where; None when the document shows no zone, or several.
        It wins over ``tz=``, which is for documents that state none.
        """
        if self.shown_zone is not False:
            return self.shown_zone if isinstance(self.shown_zone, str) else None
        zones: dict[str, int] = {}
        counts: dict[str, int] = {}
        for i, raw in enumerate(self.lines, 1):
            if not _ANY_DIGIT.search(raw):
                continue
            m = timeparse.find_time(raw)
            while m is not None:
                if m.zone is not None:
                    name = _same_zone(m.zone)
                    zones.setdefault(name, i)
                    counts[name] = counts.get(name, 0) + 1
                rest = raw[m.end :]
                m = timeparse.find_time(rest) if _ANY_DIGIT.search(rest) else None
                raw = rest
        if len(zones) > 1:
            # "16:22 PST", "16:59 PST", ... and once "0:59 CET" in the summary: the zone
            # nearly every time is written in (three or more, three times any other)
            ranked = sorted(counts.items(), key=lambda kv: -kv[1])
            if ranked[0][1] >= 3 and ranked[0][1] >= 3 * ranked[1][1]:
                zones = {ranked[0][0]: zones[ranked[0][0]]}
            else:
                self.shown_zone = None
                return None
        if not zones:
            for value in self.meta.values():
                if isinstance(value, datetime) and value.tzinfo is not None:
                    offset = value.utcoffset()
                    name = "UTC" if not offset else timeparse._format_offset(offset)
                    zones.setdefault(name, 1)
            if len(zones) > 1:
                zones.clear()
        if not zones:
            self.shown_zone = None
            return None
        ((name, line),) = zones.items()
        self.shown_zone = name
        where = "the front matter" if line <= self.body_start else f"line {line}"
        self.problem(
            line,
            "warning",
            "time.zone_from_line",
            f"times that state no zone are read in {name}, the zone {where} writes; "
            "state the zone above the timeline (e.g. 'All times in UTC') to be sure",
        )
        return name

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
    def heading_context(self, title: str, line: int) -> None:
        zone, d = _heading_says(title)
        if zone:
            self.set_zone(zone, line)
        if d is not None:
            self.current_date = d

    current_date: date | None = None
    #: the latest timeline time so far (reset at each Timeline section)
    timeline_last: datetime | None = None
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
        status_page = "resolved_when" in meta or isinstance(meta.get("resolved"), bool)
        if isinstance(raw_date, datetime):
            self.doc_date = raw_date.date()
            if status_page:
                # a status-page incident (cstate: date, resolved, resolvedWhen): its
                # date and time is when the incident began
                self.meta_start(raw_date)
        elif isinstance(raw_date, date):
            self.doc_date = raw_date
        elif isinstance(raw_date, str):
            self.doc_date = timeparse.find_date(raw_date)
            if status_page and timeparse.find_time(raw_date) is not None:
                self.meta_start(raw_date)
            if self.doc_date is None:
                self.problem(
                    1,
                    "warning",
                    "frontmatter.bad_value",
                    f"front matter date {raw_date!r} is not a date; write it as 2026-09-14",
                )
        if self.doc_date is None:
            m = _STEM_DATE.search(self.file_name)
            if m:
                try:
                    self.doc_date = date(int(m[1]), int(m[2]), int(m[3]))
                except ValueError:
                    self.doc_date = None
        self.current_date = self.doc_date

    # -- sections -------------------------------------------------------------
    def paragraphs(
        self, block: list[tuple[int, str]], *, timed: bool = False
    ) -> list[tuple[int, str]]:
        """Bullets (with their continuation lines), table rows and paragraphs as items.

        With ``timed`` (a timeline section), a line that begins with a time
        starts a new item even without a blank line or bullet before it.
        """
        items: list[tuple[int, str]] = []
        cur: list[str] = []
        cur_line = 0
        cur_raw = ""
        for line_no, raw in block:
            s = raw.strip()
            if not s:
                if cur:
                    items.append((cur_line, " ".join(cur)))
                    cur = []
                continue
            if raw[:2] == "- ":  # the common bullet, without the regex
                if cur:
                    items.append((cur_line, " ".join(cur)))
                cur = [raw[2:].lstrip(" \t")]
                cur_line, cur_raw = line_no, raw
                continue
            bm = _BULLET.match(raw)
            if bm or s.startswith("|"):
                if cur:
                    items.append((cur_line, " ".join(cur)))
                cur = [bm.group(2) if bm else s]
                cur_line, cur_raw = line_no, raw
                continue
            if not cur:
                cur_line, cur_raw = line_no, raw
            elif timed and (s[0].isdigit() or s[0] == "~") and _starts_item(raw, cur_raw, cur[-1]):
                items.append((cur_line, " ".join(cur)))
                cur = []
                cur_line, cur_raw = line_no, raw
            cur.append(s)
        if cur:
            items.append((cur_line, " ".join(cur)))
        return items

    def detection_label(self, raw: str) -> None:
        """``**Identified**: Pingdom reported Concourse down``: how it was noticed, in words.

        Kept for :meth:`detection`, which reads the source from it; the line stays
        in the text.
        """
        d = _DETECTION_LINE.match(raw) if ":" in raw else None
        if d is not None:
            self.meta.setdefault("detected_how", _clean_inline(d.group(1)))

    def inline_meta(self, block: list[tuple[int, str]]) -> list[tuple[int, str]]:
        """Take ``**Team:** payments``-style metadata lines out of a block.

        Many templates put a small key/value block under the title instead of
        front matter. Front matter wins where both give a key.
        """
        rest: list[tuple[int, str]] = []
        for line, raw in block:
            m = _META_LINE.match(raw) if ":" in raw else None
            if m is None:
                self.detection_label(raw)
                rest.append((line, raw))
                continue
            key = _META_KEYS[m.group(1).strip().lower()]
            if key not in self.meta:
                self.meta[key] = _clean_inline(m.group(2))
                self.meta_lines[key] = line
        return rest
