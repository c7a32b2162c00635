"""Tests for pmkit.timeparse: every time format seen in real postmortems."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkit.timeparse import (
    TimeMatch,
    find_bad_time,
    find_date,
    find_time,
    find_zone_statement,
    is_placeholder,
    resolve_zone,
    to_utc,
)


def fields(m: TimeMatch | None) -> dict[str, object]:
    assert m is not None
    return {
        "raw": m.raw,
        "date": (m.year, m.month, m.day),
        "time": (m.hour, m.minute, m.second),
        "zone": m.zone,
        "precision": m.precision,
        "approximate": m.approximate,
    }


# text, raw, (year, month, day), (hour, minute, second), zone, precision
ABSOLUTE = [
    ("2021-06-22T08:21:00Z", "2021-06-22T08:21:00Z", (2021, 6, 22), (8, 21, 0), "Z", "second"),
    (
        "2021-06-22T08:21:00+02:00 deploy",
        "2021-06-22T08:21:00+02:00",
        (2021, 6, 22),
        (8, 21, 0),
        "+02:00",
        "second",
    ),
    (
        '{"timestamp":"2025-09-29T16:54:16.154136Z"}',
        "2025-09-29T16:54:16.154136Z",
        (2025, 9, 29),
        (16, 54, 16),
        "Z",
        "second",
    ),
    ("| 2023-02-14 10:46 | x", "2023-02-14 10:46", (2023, 2, 14), (10, 46, None), None, "minute"),
    (
        "2023-02-14 10:46 UTC",
        "2023-02-14 10:46 UTC",
        (2023, 2, 14),
        (10, 46, None),
        "UTC",
        "minute",
    ),
    ("2017/01/31 23:00", "2017/01/31 23:00", (2017, 1, 31), (23, 0, None), None, "minute"),
    ("| 2024-04-09 9:05 | x", "2024-04-09 9:05", (2024, 4, 9), (9, 5, None), None, "minute"),
    ("- 14:05 paged", "14:05", (None, None, None), (14, 5, None), None, "minute"),
    ("- 14:05:33 paged", "14:05:33", (None, None, None), (14, 5, 33), None, "second"),
    ("- **02:06: CDN propagated", "02:06", (None, None, None), (2, 6, None), None, "minute"),
    ("- 01:39: something", "01:39", (None, None, None), (1, 39, None), None, "minute"),
    ("7:32 PM: x", "7:32 PM", (None, None, None), (19, 32, None), None, "minute"),
    ("at 7:32pm we", "7:32pm", (None, None, None), (19, 32, None), None, "minute"),
    ("at 7 PM we", "7 PM", (None, None, None), (19, None, None), None, "hour"),
    (
        "On July 25th at 10AM Pacific",
        "July 25th at 10AM",
        (None, 7, 25),
        (10, None, None),
        None,
        "hour",
    ),
    ("- 04:49 PM UTC Site", "04:49 PM UTC", (None, None, None), (16, 49, None), "UTC", "minute"),
    ("12:05 AM: x", "12:05 AM", (None, None, None), (0, 5, None), None, "minute"),
    ("12:30 p.m. lunch", "12:30 p.m.", (None, None, None), (12, 30, None), None, "minute"),
    (
        "07-27-2023 2:14 pm ok",
        "07-27-2023 2:14 pm",
        (2023, 7, 27),
        (14, 14, None),
        None,
        "minute",
    ),
    (
        "Tuesday, October 22, 2019 at 10:30 UTC we",
        "Tuesday, October 22, 2019 at 10:30 UTC",
        (2019, 10, 22),
        (10, 30, None),
        "UTC",
        "minute",
    ),
    ("Oct 21 10:30 x", "Oct 21 10:30", (None, 10, 21), (10, 30, None), None, "minute"),
    ("21 Oct 2019 10:30", "21 Oct 2019 10:30", (2019, 10, 21), (10, 30, None), None, "minute"),
    (
        "| Sun | Oct 31 | 21:43 | x",
        "Oct 31 | 21:43",
        (None, 10, 31),
        (21, 43, None),
        None,
        "minute",
    ),
    (
        "**July 26th, 2022, 9:08 AM:** At",
        "July 26th, 2022, 9:08 AM",
        (2022, 7, 26),
        (9, 8, None),
        None,
        "minute",
    ),
    (
        "February 15, 2024: 1:23pm UTC",
        "February 15, 2024: 1:23pm UTC",
        (2024, 2, 15),
        (13, 23, None),
        "UTC",
        "minute",
    ),
    (
        "10/20/2022 - 15:38 CST - a user",
        "10/20/2022 - 15:38 CST",
        (2022, 10, 20),
        (15, 38, None),
        "CST",
        "minute",
    ),
    (
        "At 3:28 PM UTC on November 23rd, the",
        "3:28 PM UTC on November 23rd",
        (None, 11, 23),
        (15, 28, None),
        "UTC",
        "minute",
    ),
    (
        "- **22:30 UTC (Oct 29)** - x",
        "22:30 UTC (Oct 29)",
        (None, 10, 29),
        (22, 30, None),
        "UTC",
        "minute",
    ),
    (
        "02:54 AM PST Monday Nov 1st: second peak",
        "02:54 AM PST Monday Nov 1st",
        (None, 11, 1),
        (2, 54, None),
        "PST",
        "minute",
    ),
    ("10:00 (UTC) x", "10:00 (UTC)", (None, None, None), (10, 0, None), "UTC", "minute"),
    ("10:00 UTC+2 x", "10:00 UTC+2", (None, None, None), (10, 0, None), "UTC+2", "minute"),
    ("10:00 +0200 x", "10:00 +0200", (None, None, None), (10, 0, None), "+0200", "minute"),
    ("10:00 GMT", "10:00 GMT", (None, None, None), (10, 0, None), "GMT", "minute"),
    ("10:00 CEST", "10:00 CEST", (None, None, None), (10, 0, None), "CEST", "minute"),
    ("10:00-11:00 maintenance", "10:00", (None, None, None), (10, 0, None), None, "minute"),
    ("- 24:00 midnight", "24:00", (None, None, None), (24, 0, None), None, "minute"),
]


@pytest.mark.parametrize(("text", "raw", "ymd", "hms", "zone", "precision"), ABSOLUTE)
def test_find_time_formats(
    text: str,
    raw: str,
    ymd: tuple[int | None, int | None, int | None],
    hms: tuple[int | None, int | None, int | None],
    zone: str | None,
    precision: str,
) -> None:
    m = find_time(text)
    assert fields(m) == {
        "raw": raw,
        "date": ymd,
        "time": hms,
        "zone": zone,
        "precision": precision,
        "approximate": False,
    }
    assert m is not None
    assert text[m.start : m.end] == raw
    assert m.relative is None
    assert m.warnings == ()


def test_pm_on_24h_clock_warns() -> None:
    m = find_time("13:55 PM PST Saturday Oct 30th: alarms")
    assert m is not None
    assert (m.hour, m.minute, m.zone, m.month, m.day) == (13, 55, "PST", 10, 30)
    assert m.warnings == (("time.pm_24h", "13:55 PM is not a 12-hour time; read as 13:55"),)


@pytest.mark.parametrize(
    ("text", "raw", "hour"),
    [
        ("± 17:20 UTC: x", "± 17:20 UTC", 17),
        ("~17:20 x", "~17:20", 17),
        ("which is approximately around 17:00 UTC.", "around 17:00 UTC", 17),
        ("approx. 10:05 x", "approx. 10:05", 10),
        ("circa 10:05 x", "circa 10:05", 10),
        ("At around 8 pm UTC on February 14, 2024.", "around 8 pm UTC on February 14, 2024", 20),
    ],
)
def test_approximate(text: str, raw: str, hour: int) -> None:
    m = find_time(text)
    assert m is not None
    assert (m.raw, m.hour, m.approximate) == (raw, hour, True)


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("T+12m: paged", timedelta(minutes=12)),
        ("T+1h service down", timedelta(hours=1)),
        ("(T+1h30m) failover", timedelta(hours=1, minutes=30)),
        ("T+0 impact starts", timedelta(0)),
        ("T-5m deploy", timedelta(minutes=-5)),
        ("T+45s", timedelta(seconds=45)),
        ("T+5 bare minutes", timedelta(minutes=5)),
    ],
)
def test_relative(text: str, delta: timedelta) -> None:
    m = find_time(text)
    assert m is not None
    assert (m.precision, m.relative, m.hour, m.year, m.zone) == (
        "relative",
        delta,
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no digits here",
        "2019-10-21",
        "Unless otherwise noted all events happened on 2019-10-21",
        "10.05 is ambiguous",
        "upgrade to v1.2.3",
        "python 3.10.4",
        "the host 10.0.0.1 was down",
        "it took 5 minutes",
        "a 1:1 ratio",
        "connect to localhost:8080 now",
        "see issue #1234",
        "see https://example.com/logs/12:30 and http://h:8080/",
        "[29/Jun/2022:03:28:53 +0000]",
        "10:30abc",
        "--:-- unknown",
        "??:?? unknown",
        "25:61 broken",
        "24:30 broken",
        "12:30:45:12 timecode",
        "ipv6 2001:db8:85a3::8a2e:0370:7334",
        "T+T+T+",
    ],
)
def test_must_not_match(text: str) -> None:
    assert find_time(text) is None


def test_invalid_time_is_skipped_for_the_next_one() -> None:
    m = find_time("25:61 then 10:00")
    assert m is not None
    assert m.raw == "10:00"


@pytest.mark.parametrize(
    ("text", "bad"),
    [("- 25:61 x", "25:61"), ("10:75", "10:75"), ("24:30", "24:30"), ("12:00:61", "12:00:61")],
)
def test_find_bad_time(text: str, bad: str) -> None:
    assert find_bad_time(text) == bad


@pytest.mark.parametrize("text", ["- 10:00 fine", "24:00", "no time", "1.2.3"])
def test_find_bad_time_none(text: str) -> None:
    assert find_bad_time(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("--:-- unknown", True),
        ("- ??:?? first alert", True),
        ("| XX:XX | x", True),
        ("* **TBD** later", True),
        ("TBD", True),
        ("- 10:05 first alert", False),
        ("the value was --:-- in the middle", False),
        ("TBDX", False),
    ],
)
def test_is_placeholder(text: str, expected: bool) -> None:
    assert is_placeholder(text) is expected


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-10-21", date(2019, 10, 21)),
        ("on 2017/01/31 at", date(2017, 1, 31)),
        ("07-27-2023 2:14 pm", date(2023, 7, 27)),
        ("## Timeline (all times PST) 7/5/2023-7/6/2023", date(2023, 7, 5)),
        ("4/21/23-4/25/23", date(2023, 4, 21)),
        ("29/06/2022 day first", date(2022, 6, 29)),
        ("October 21, 2019", date(2019, 10, 21)),
        ("Oct 21 2019", date(2019, 10, 21)),
        ("21 October 2019", date(2019, 10, 21)),
        ("On Tuesday 22nd June 2021, changes", date(2021, 6, 22)),
        ("the 22nd of June, 2021", date(2021, 6, 22)),
        ("Sept 3, 2020", date(2020, 9, 3)),
        ("2021-06-22T08:21:00Z", date(2021, 6, 22)),
        ("2019-02-31 then 2019-03-01", date(2019, 3, 1)),
    ],
)
def test_find_date(text: str, expected: date) -> None:
    assert find_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2019-02-31",
        "31 February 2019",
        "2019-13-01",
        "0000-01-01",
        "On Wednesday 31st March",
        "version 1.2.3",
        "10.0.0.1",
        "no date",
        "Mayhem 5 2019",
    ],
)
def test_find_date_none(text: str) -> None:
    assert find_date(text) is None


# --------------------------------------------------------------------------- zones


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("All times in UTC.", "UTC"),
        ("all times are in UTC", "UTC"),
        ("## Timeline (all times PST) 01/16/2024 - 02/28/2024.", "PST"),
        ("## Timeline (all times PT )", "PT"),
        ("## Timeline (UTC) All Times Approximate", "UTC"),
        ("Times are CET", "CET"),
        ("timezone: Europe/Paris", "Europe/Paris"),
        ("All times are UTC+1", "+01:00"),
        ("All times are GMT-05:30", "-05:30"),
        ("all times in utc", "UTC"),
    ],
)
def test_find_zone_statement(text: str, zone: str) -> None:
    assert find_zone_statement(text) == zone


@pytest.mark.parametrize(
    "text",
    [
        "## Timeline (all times approximate)",
        "All times approximations",
        "Timeline",
        "All times in Mars/Olympus",
        "times are hard",
    ],
)
def test_find_zone_statement_none(text: str) -> None:
    assert find_zone_statement(text) is None


@pytest.mark.parametrize(
    ("zone", "offset"),
    [
        ("UTC", timedelta(0)),
        ("GMT", timedelta(0)),
        ("Z", timedelta(0)),
        ("UTC+2", timedelta(hours=2)),
        ("GMT-05:00", timedelta(hours=-5)),
        ("+02:00", timedelta(hours=2)),
        ("+0200", timedelta(hours=2)),
        ("-0530", timedelta(hours=-5, minutes=-30)),
        ("(UTC)", timedelta(0)),
    ],
)
def test_resolve_zone_fixed(zone: str, offset: timedelta) -> None:
    tz, warning = resolve_zone(zone, date(2023, 7, 5))
    assert warning is None
    assert tz.utcoffset(datetime(2023, 7, 5, 12)) == offset


@pytest.mark.parametrize(
    ("zone", "name"),
    [
        ("Europe/Paris", "Europe/Paris"),
        ("CET", "Europe/Paris"),
        ("PST", "America/Los_Angeles"),
        ("PT", "America/Los_Angeles"),
        ("EST", "America/New_York"),
        ("CST", "America/Chicago"),
        ("MST", "America/Denver"),
        ("IST", "Asia/Kolkata"),
        ("AEDT", "Australia/Sydney"),
        ("NZDT", "Pacific/Auckland"),
        ("JST", "Asia/Tokyo"),
        ("WET", "Europe/Lisbon"),
    ],
)
def test_resolve_zone_names_in_january(zone: str, name: str) -> None:
    tz, warning = resolve_zone(zone, date(2024, 1, 15))
    assert tz == ZoneInfo(name)
    assert warning is None


def test_resolve_zone_pst_in_july_warns() -> None:
    tz, warning = resolve_zone("PST", date(2023, 7, 5))
    assert tz == ZoneInfo("America/Los_Angeles")
    assert warning == (
        "time.zone_dst",
        "PST written for 2023-07-05, when Pacific time is PDT (UTC-07:00); "
        "read as Pacific local time",
    )


def test_resolve_zone_cet_in_august_warns() -> None:
    _, warning = resolve_zone("CET", date(2023, 8, 1))
    assert warning is not None
    assert warning[0] == "time.zone_dst"
    assert "Central European time is CEST (UTC+02:00)" in warning[1]


def test_resolve_zone_pdt_in_january_warns() -> None:
    _, warning = resolve_zone("PDT", date(2024, 1, 15))
    assert warning is not None
    assert "when Pacific time is PST (UTC-08:00)" in warning[1]


def test_resolve_zone_without_date_does_not_warn() -> None:
    assert resolve_zone("PST", None) == (ZoneInfo("America/Los_Angeles"), None)


@pytest.mark.parametrize("zone", ["XYZ", "Mars/Olympus", "+25:00", ""])
def test_resolve_zone_unknown(zone: str) -> None:
    with pytest.raises(ValueError, match=r"unknown time zone .*; write an IANA name such as"):
        resolve_zone(zone, None)


def test_resolve_zone_unknown_message() -> None:
    with pytest.raises(
        ValueError,
        match=r'^unknown time zone "XYZ"; write an IANA name such as Europe/Paris '
        r"or an offset such as \+02:00$",
    ):
        resolve_zone("XYZ", date(2024, 1, 1))


# --------------------------------------------------------------------------- to_utc


def _utc(text: str, on: date = date(2023, 7, 5), tz: object = UTC) -> datetime:
    m = find_time(text)
    assert m is not None
    assert isinstance(tz, (timezone, ZoneInfo))
    return to_utc(m, on=on, tz=tz)


def test_to_utc_uses_on_and_tz() -> None:
    assert _utc("14:05", tz=ZoneInfo("Europe/Paris")) == datetime(2023, 7, 5, 12, 5, tzinfo=UTC)


def test_to_utc_own_zone_wins_over_tz() -> None:
    paris = ZoneInfo("Europe/Paris")
    assert _utc("14:05 UTC", tz=paris) == datetime(2023, 7, 5, 14, 5, tzinfo=UTC)
    # PST in July is read as Pacific local time (PDT, UTC-7)
    assert _utc("10:00 PST", tz=paris) == datetime(2023, 7, 5, 17, 0, tzinfo=UTC)
    assert _utc("2021-06-22T08:21:00+02:00", tz=paris) == datetime(2021, 6, 22, 6, 21, tzinfo=UTC)


def test_to_utc_own_date_wins_over_on() -> None:
    assert _utc("2019-10-21 23:00") == datetime(2019, 10, 21, 23, 0, tzinfo=UTC)
    # a month and day without a year take the year of `on`
    assert _utc("| Oct 31 | 21:43 |") == datetime(2023, 10, 31, 21, 43, tzinfo=UTC)


def test_to_utc_24_00_rolls_over() -> None:
    assert _utc("24:00", on=date(2023, 12, 31)) == datetime(2024, 1, 1, tzinfo=UTC)
    paris = ZoneInfo("Europe/Paris")
    assert _utc("24:00", on=date(2023, 3, 25), tz=paris) == datetime(2023, 3, 25, 23, tzinfo=UTC)


def test_to_utc_dst_gap_and_fold_do_not_raise() -> None:
    paris = ZoneInfo("Europe/Paris")
    gap = _utc("02:30", on=date(2023, 3, 26), tz=paris)
    fold = _utc("02:30", on=date(2023, 10, 29), tz=paris)
    assert gap == datetime(2023, 3, 26, 1, 30, tzinfo=UTC)
    assert fold == datetime(2023, 10, 29, 0, 30, tzinfo=UTC)


def _match(**changes: object) -> TimeMatch:
    base: dict[str, object] = {
        "start": 0,
        "end": 5,
        "raw": "x",
        "year": None,
        "month": None,
        "day": None,
        "hour": 10,
        "minute": 0,
        "second": None,
        "zone": None,
        "precision": "minute",
        "approximate": False,
        "relative": None,
        "warnings": (),
    }
    base.update(changes)
    return TimeMatch(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hour": 25, "raw": "25:00"}, r"invalid time '25:00': hour 25, minute 0"),
        ({"minute": 61, "raw": "10:61"}, r"invalid time '10:61': hour 10, minute 61"),
        ({"hour": 24, "minute": 30}, r"expected hour 0-23 \(or 24:00\)"),
        (
            {"year": 2019, "month": 2, "day": 31, "raw": "2019-02-31 10:00"},
            r"invalid date 2019-02-31 in '2019-02-31 10:00': day is out of range",
        ),
        ({"year": 2019, "month": 13, "day": 1}, r"invalid date 2019-13-01 in 'x': month must be"),
        (
            {"hour": None, "minute": None, "relative": timedelta(minutes=5), "raw": "T+5m"},
            r"'T\+5m' is a relative time, not a clock time",
        ),
    ],
)
def test_to_utc_errors(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        to_utc(_match(**changes), on=date(2023, 1, 1), tz=UTC)


def test_to_utc_unknown_zone() -> None:
    with pytest.raises(ValueError, match='unknown time zone "XYZ"'):
        to_utc(_match(zone="XYZ"), on=date(2023, 1, 1), tz=UTC)


# --------------------------------------------------------------------------- robustness


@pytest.mark.parametrize(
    "line",
    ["1:" * 50000, "0" * 100000, "T+" * 30000, "1 " * 50000, "Oct 1 " * 20000, "~" * 100000],
)
def test_adversarial_lines_are_fast(line: str) -> None:
    started = time.perf_counter()
    find_time(line)
    find_date(line)
    find_zone_statement(line)
    find_bad_time(line)
    is_placeholder(line)
    assert time.perf_counter() - started < 0.5


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789:.-/+T hmsAPMUTCZapm~±()|,OctJuneth\n"))
        | st.characters(),
        max_size=60,
    )
)
def test_finders_never_raise(text: str) -> None:
    m = find_time(text)
    assert m is None or isinstance(m, TimeMatch)
    if m is not None:
        assert text[m.start : m.end] == m.raw
    d = find_date(text)
    assert d is None or isinstance(d, date)
    z = find_zone_statement(text)
    assert z is None or isinstance(z, str)
    b = find_bad_time(text)
    assert b is None or b in text
    assert isinstance(is_placeholder(text), bool)


def test_standard_time_abbreviation_in_the_repeated_hour_is_the_second_pass() -> None:
    on = date(2025, 11, 2)  # US clocks go back at 02:00 PDT
    tz, _ = resolve_zone("PT", on)
    pst = to_utc(find_time("1:31 AM PST"), on=on, tz=tz)  # type: ignore[arg-type]
    pdt = to_utc(find_time("1:31 AM PDT"), on=on, tz=tz)  # type: ignore[arg-type]
    assert pst.isoformat() == "2025-11-02T09:31:00+00:00"
    assert pdt.isoformat() == "2025-11-02T08:31:00+00:00"


def test_quick_start_lookaheads_change_no_match(corpora_dir: Path) -> None:
    # _DATE and _CORE open with a lookahead for the characters a date or a time
    # can start with, so the search skips other positions fast. A new branch
    # starting with anything else must widen the lookahead: this compares both
    # patterns with and without it on every line of the real postmortems.
    from pmkit import timeparse

    plain = {
        "_DATE": re.compile(timeparse._date_pattern("")),
        "_CORE": re.compile(timeparse._CORE.pattern.replace(r"(?=[\dT])", "", 1)),
    }
    assert plain["_CORE"].pattern != timeparse._CORE.pattern
    lines = ["٣/٤/٢٠٢٣ x", "T+12m done", "Tue 3 May 2022 at 12:30pm", "3rd of June, 2021"]
    for f in sorted(corpora_dir.rglob("*.md")):
        lines += f.read_text(encoding="utf-8", errors="replace").split("\n")
    for name, slow in plain.items():
        fast = getattr(timeparse, name)
        for line in lines:
            got = [(m.span(), m.groupdict()) for m in fast.finditer(line)]
            want = [(m.span(), m.groupdict()) for m in slow.finditer(line)]
            assert got == want, (name, line)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        # 2i2c, mybinder.org and MoJ wordings: a heading, an italic line, a zone's name
        ("## Timeline (times in BST)", "BST"),
        ("_All times in EEST_", "EEST"),
        ("All times in Central European Time (CET)", "Central European Time"),
        ("All times Eastern", "Eastern"),
        ("All times in UTC+1 (Zurich time)", "+01:00"),
        ("All times in Zurich time", "Zurich"),
        ("This happened 3 times in March", None),
        ("All times in UC/Pacific", "Pacific"),  # a typo in the region, the zone is clear
        ("All times in UC/Nowhere", None),  # names no zone
    ],
)
def test_zone_statements_in_words(text: str, zone: str | None) -> None:
    assert find_zone_statement(text) == zone
    if zone is not None:
        resolve_zone(zone, date(2024, 1, 15))  # every one resolves


def test_zone_names_and_cities_resolve_with_daylight_saving() -> None:
    tz, _ = resolve_zone("Central European Time", None)
    assert tz == ZoneInfo("Europe/Paris")
    tz, _ = resolve_zone("Eastern", None)
    assert tz == ZoneInfo("America/New_York")
    tz, _ = resolve_zone("Denver", None)
    assert tz == ZoneInfo("America/Denver")


def test_a_city_after_a_time_is_its_zone_but_a_name_is_not() -> None:
    # Jenkins infra: "* 16:37 Denver - Mark Waite updated plugins"
    m = find_time("16:37 Denver - Mark Waite updated plugins on ci.jenkins.io")
    assert (m.raw, m.zone) == ("16:37 Denver", "Denver")
    assert find_time("20:09 DEnver - Outage resolved").zone == "DEnver"
    assert find_time("10:00 Paris time, we rolled back").zone == "Paris"
    # a person's name that is also a polar station, and a city before more words
    assert find_time("14:05 Casey restarted the pod").zone is None
    assert find_time("10:30 Phoenix deploy failed").zone is None


@pytest.mark.parametrize(
    ("text", "raw", "hour", "minute", "zone"),
    [
        # military time with a zone or "hrs": no colon
        ("- 0935 UTC: on-call paged", "0935 UTC", 9, 35, "UTC"),
        ("1600hrs - fix deployed", "1600hrs", 16, 0, None),
        ("1600 hrs UTC fix deployed", "1600 hrs UTC", 16, 0, "UTC"),
        ("0935 (UTC) alert", "0935 (UTC)", 9, 35, "UTC"),
        # right after an ISO date
        ("2025-01-14 1600 alerts fire", "2025-01-14 1600", 16, 0, None),
        ("2025-01-14 11.50 restart", "2025-01-14 11.50", 11, 50, None),
        # French style, with a zone
        ("14h00 UTC : début de l'incident", "14h00 UTC", 14, 0, "UTC"),
        ("15h50 CET rollback", "15h50 CET", 15, 50, "CET"),
        # a zone name with its offset: the offset says which
        ("10:00 EDT (UTC-4) alert fired", "10:00 EDT (UTC-4)", 10, 0, "UTC-4"),
        ("10:00 PST (UTC-7) alert", "10:00 PST (UTC-7)", 10, 0, "UTC-7"),
    ],
)
def test_clocks_written_without_a_colon_and_zone_pairs(
    text: str, raw: str, hour: int, minute: int, zone: str | None
) -> None:
    m = find_time(text)
    assert m is not None
    assert (m.raw, m.hour, m.minute, m.zone) == (raw, hour, minute, zone)


@pytest.mark.parametrize(
    "text",
    [
        "in 2023 the team grew",
        "port 8080 was closed",
        "1600 users were affected",
        "took 1h30 to fix",
        "at 0935 we met",  # no zone, no date: not read
        "1,200 UTC requests",
    ],
)
def test_four_digit_numbers_that_are_no_times(text: str) -> None:
    assert find_time(text) is None


def test_a_zone_statement_with_its_offset_takes_the_offset() -> None:
    # "PST (UTC-7)" in July: the author says which offset they mean
    assert find_zone_statement("All times are PST (UTC-7)") == "-07:00"
    assert find_zone_statement("All times EDT (UTC-4)") == "-04:00"
    assert find_zone_statement("Times in CET, GMT+1") == "+01:00"


def test_date_order_from_the_documents_dates() -> None:
    from pmkit.timeparse import date_order

    assert date_order(["29/06/2022 10:00", "01/07/2022 09:00"]).day_first is True
    assert date_order(["06/29/2022 10:00", "07/01/2022 09:00"]).day_first is False
    both = date_order(["29/06/2022", "06/30/2022", "07/01/2022"])
    assert (both.day_first, both.decided_by) == (None, "both")
    assert [i for i, _ in both.ambiguous] == [2]
    assert date_order(["deploy 2.1.0", "2024-05-01 10:00"]) == date_order([])
    assert date_order(["07/05/2023"], known=date(2023, 5, 7)).day_first is True
    assert date_order(["07/05/2023"], zone="Europe/London").decided_by == "zone"
    assert date_order(["07/05/2023"], zone="America/Chicago").day_first is False
    assert date_order(["07/05/2023"], zone="UTC").decided_by == "default"
    assert date_order(["05/05/2023"]).decided_by == ""  # the same either way


@pytest.mark.parametrize(
    ("text", "hour", "minute"),
    [("2017-10-10 9:06a ds-instr received an email", 9, 6), ("12:29p pods deleted", 12, 29)],
)
def test_a_and_p_without_the_m(text: str, hour: int, minute: int) -> None:
    m = find_time(text)
    assert m is not None and (m.hour, m.minute) == (hour, minute)
    assert find_time("10:45 a user reported") is not None  # a word, not a meridiem
    assert find_time("10:45 a user reported").hour == 10  # type: ignore[union-attr]


def test_an_approximate_time_after_its_date_is_one_timestamp() -> None:
    m = find_time("### 2018-07-08 ca. 18:30")
    assert m is not None and (m.year, m.month, m.day, m.hour, m.approximate) == (
        2018,
        7,
        8,
        18,
        True,
    )
