"""Timeline sections: bullets, tables and prose lines into events."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, date, datetime, timedelta

from pmkit import timeparse
from pmkit.io.markdown._base import _DocBase
from pmkit.io.markdown._text import (
    _BULLET,
    _PLACEHOLDER_TIME,
    _PREAMBLE,
    _RANGE_WORDS,
    _STICKY_DATE,
    _TABLE_SEP,
    _ZONE_TOKEN,
    _ZONE_WORDS,
    _cells,
    _clean_inline,
    _may_hold,
    _range,
)
from pmkit.timeparse import _DATE_AFTER, _TAIL

# The common timeline line: a clock time, optionally after an ISO date and
# before AM/PM, then (after an optional colon) the text; not the first time of
# a range ("14:00 to 15:00 UTC: ..."), whose zone may come after its end
# ("14:00 - text" is no range).
_FAST_TIME = re.compile(
    r"(?:(\d{4})-(\d{2})-(\d{2}) )?(\d{1,2}):(\d{2})( [AaPp][Mm])?(?=:? )"
    rf"(?! (?:[-–—]|{_RANGE_WORDS}) [\d~])"
)

_ODD_CHARS = re.compile(r"[<*_`\t\x0b\x0c\x1c-\x1f]")


def _not_fast(item: str) -> bool:
    """Does a line need the general path?

    Markup that _clean_inline would change, white space other than single
    spaces between words, text that is not ASCII, or a zone statement ("all
    times in UTC"). Plain string tests first: a regex alternation costs four
    times as much on this hot path.
    """
    if (
        not item.isascii()
        or _ODD_CHARS.search(item) is not None
        or "](" in item
        or "  " in item
        or item[-1] == " "
    ):
        return True
    return _may_hold(item, _ZONE_WORDS) and timeparse.find_zone_statement(item) is not None


def _rest(text: str, start: int, end: int) -> str:
    """A line's text without its time and the punctuation around it."""
    rest = " ".join((text[:start] + " " + text[end:]).split()).strip(" :-—–|,.")
    rest = rest.lstrip(":-—–| ").strip()
    if ", ," in rest:  # "On Wednesday, <the time>, we deployed": one comma left
        rest = rest.replace(", ,", ",")
    return rest


# "Date (2022)", "Time (PST)" as header words: not "Update", "Uptime"
_WORD_DATE = re.compile(r"\bdate\b")
_WORD_TIME = re.compile(r"\btime\b")


def _lead_columns(header: list[str], time_col: int) -> tuple[int, ...]:
    """The columns read together as a table row's time: weekday, date, then time.

    ``| Day | Date (2022) | Time (PST) | Event |``: the date sits in its own
    column, and each row's date gives that row's day (later rows without one
    inherit it, as they do a date line). One column ("Time", "Date and Time in
    CET") is the row's time as written.
    """
    dates = [i for i, h in enumerate(header) if _WORD_DATE.search(h) and "time" not in h]
    times = [i for i, h in enumerate(header) if _WORD_TIME.search(h) and "date" not in h]
    if len(dates) != 1 or len(times) != 1:
        return (time_col,)
    days = [i for i, h in enumerate(header) if h in ("day", "weekday")]
    return (*days[:1], dates[0], times[0])


class _Timeline(_DocBase):
    """Reads Timeline sections into events."""

    def read_timeline(
        self, block: list[tuple[int, str]], heading: str | None, _s: str | None
    ) -> None:
        header: list[str] | None = None
        time_col = 0
        # the columns read together as the row's time ("| Day | Date | Time |"):
        # weekday, date, then time, so a row's date gives its day
        lead_cols: tuple[int, ...] = (0,)
        # the latest time so far: a timeline written as headings comes here one
        # event at a time, and its lines still roll past midnight
        prev_at = self.timeline_last
        for line, item in self.paragraphs(block, timed=True):
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
                    lead_cols = _lead_columns(header, time_col)
                    continue
                if len(lead_cols) == 1:
                    lead = cells[time_col] if time_col < len(cells) else ""
                    rest = " — ".join(c for i, c in enumerate(cells) if i != time_col and c)
                else:
                    lead = " ".join(cells[i] for i in lead_cols if i < len(cells) and cells[i])
                    rest = " — ".join(c for i, c in enumerate(cells) if i not in lead_cols and c)
                fast = _FAST_TIME.match(lead + " ")
                if (
                    (fast is None or fast.end() != len(lead))
                    and timeparse.find_time(lead) is None
                    and timeparse.find_date(lead) is not None
                ):
                    # a date-only first cell: the time may be in the next cell
                    self.current_date = timeparse.find_date(lead)
                text = f"{lead} {rest}".strip()
            else:
                text = item
            prev_at = self.timeline_item(text, line, heading, prev_at)
        self.timeline_last = prev_at

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
        if item[:1].isdigit():
            fast = self.fast_item(item, line, heading, prev_at)
            if fast is not None:
                return fast[0]
        text = _clean_inline(item)
        if not text:
            return prev_at
        zone = timeparse.find_zone_statement(text) if _may_hold(text, _ZONE_WORDS) else None
        if zone:
            self.set_zone(zone, line)
        m = timeparse.find_time(text)
        if m is None and ":" in text and _PLACEHOLDER_TIME.search(text):
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
        rest = _rest(text, m.start, m.end)
        if m.relative is not None:
            self.add_event(rest, None, m.relative, line, heading, m.raw, "relative", m.approximate)
            return prev_at
        if m.zone is None:
            m = _range(text, m)[0]  # "21:45 to 23:28 UTC": the end's zone is the start's
        # "At 4:11 AM UTC on November 24th": without a year, the one in force (as
        # to_utc reads it); later times without a date follow this day
        year = m.year
        if year is None and self.current_date is not None:
            year = self.current_date.year
        if m.month is not None and m.day is not None and year is not None:
            if not self.sticky_date:
                # an impossible date is reported by to_utc below
                with contextlib.suppress(ValueError):
                    self.current_date = date(year, m.month, m.day)
            explicit = True
        else:
            explicit = False
        at = self.absolute(m, line, self.current_date)
        return self.place(
            rest, at, line, heading, m.raw, m.precision, m.approximate, explicit, prev_at
        )

    def fast_item(
        self, item: str, line: int, heading: str | None, prev_at: datetime | None
    ) -> tuple[datetime | None] | None:
        """The common line, ``16:21 text``, ``8:22 AM: text`` or ``2026-04-16 17:41 text``.

        Returns None when the line has anything else (markup, a zone, am/pm, a date
        after the time, no date or zone in force, ...): the general path then reads
        it, with the same result it gives for the lines read here.
        """
        fm = _FAST_TIME.match(item)
        if fm is None or _not_fast(item):
            return None
        hour, minute = int(fm[4]), int(fm[5])
        end = fm.end()
        if fm[6] is not None:  # 12-hour clock: 12 AM is midnight, 12 PM noon
            if not 1 <= hour <= 12:
                return None  # "13:55 PM": the general path reads it, with a warning
            hour = hour % 12 + (12 if fm[6][1] in "Pp" else 0)
        if hour > 23 or minute > 59:
            return None
        tail = _TAIL.match(item, end)
        if tail is not None and tail.end() != end:
            return None
        if fm[1] is None:
            if _DATE_AFTER.match(item, end) is not None:
                return None
            day = self.current_date
            explicit = False
        else:
            try:
                day = date(int(fm[1]), int(fm[2]), int(fm[3]))
            except ValueError:
                return None
            explicit = True
        if day is None or not (self.zone or self.tz_arg):
            return None
        tz = self.zone_for(day, line)
        if tz is None:
            return None
        try:
            at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).astimezone(UTC)
        except (ValueError, OverflowError):
            return None
        if explicit and not self.sticky_date:
            self.current_date = day
        if self.first_date is None:
            self.first_date = day
        # _rest(item, 0, end) for a line of single spaces between words
        rest = item[end:].strip(" :-—–|,.")
        if ", ," in rest:
            rest = rest.replace(", ,", ",")
        return (
            self.place(rest, at, line, heading, item[:end], "minute", False, explicit, prev_at),
        )

    def place(
        self,
        rest: str,
        at: datetime | None,
        line: int,
        heading: str | None,
        raw: str,
        precision: str | None,
        approximate: bool,
        explicit: bool,
        prev_at: datetime | None,
    ) -> datetime | None:
        """Add a timed line in order: rollover past midnight, out-of-order warnings.

        ``prev_at`` is the latest time so far (a later one rolls past midnight);
        a line is out of order when it is earlier than the timed line just
        before it, so one misplaced line gives one warning, not one per line
        after it.
        """
        if self.in_prose:
            # prose is not written in order: no rollover, no order warnings
            self.add_event(rest, at, None, line, heading, raw, precision, approximate)
            return prev_at
        if at is not None and prev_at is not None and at < prev_at:
            if not explicit and prev_at - at > timedelta(hours=12) and at.year < 9999:
                # past midnight: the inherited date moves on by a day
                at += timedelta(days=1)
                if self.current_date is not None and self.current_date.year < 9999:
                    self.current_date += timedelta(days=1)
            elif self.line_at is None or at < self.line_at:
                self.problem(
                    line,
                    "warning",
                    "time.out_of_order",
                    f"timeline line at {raw!r} is earlier than the line before it; kept as written",
                )
        if at is not None:
            self.line_at = at
        self.add_event(rest, at, None, line, heading, raw, precision, approximate)
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
