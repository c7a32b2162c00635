"""Properties: any text in, tables out (or ParseError) -- nothing else, ever."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pmkit
from pmkit import timeparse
from pmkit.errors import ParseError
from pmkit.io.markdown import read_markdown
from pmkit.io.rows import Parsed
from pmkit.loading import _frames

# Characters every regex of the reader and the time parser reacts to, so that
# random text hits their edges far more often than plain st.text() would.
SPECIAL = "#-*_`~[]()<>!/|:+.,;@&=%$?\\\"' \t\n\r\x00\ufeff0123456789TZAPMamputcUTCGMTPSTJanFeb"
TOKENS = st.sampled_from(
    [
        "---",
        "+++",
        "## Timeline",
        "## Next Steps",
        "## Summary",
        "# ",
        "- ",
        "| ",
        " |",
        "|---|",
        "All times UTC.",
        "timezone: ",
        "&a [",
        "*a",
        "!!python/object:os.system",
        "<script>",
        "<<b>script>",
        "</script>",
        "<!--",
        "-->",
        "```",
        "2024-02-31",
        "0000-01-01",
        "9999-12-31",
        "0001-01-01",
        "24:00",
        "25:61",
        "23:59:60",
        "13:55 PM",
        "T+9999d",
        "T-5",
        "+14:00",
        "-23:59",
        "UTC+99",
        "PST",
        "Mars/Olympus",
        "Europe/Paris",
        "[start]",
        "[resolved]",
        "[ ] ",
        "@ana",
        "due ",
        "\r\n",
        "\n",
    ]
)
TEXT = st.one_of(
    st.text(alphabet=SPECIAL, max_size=300),
    st.lists(st.one_of(TOKENS, st.text(alphabet=SPECIAL, max_size=12)), max_size=60).map("".join),
    st.text(max_size=200),
)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12))])
DATES = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


def _string_values(pm: pmkit.Postmortems) -> list[str]:
    return [
        str(v)
        for df in pm.tables.values()
        for c in df.columns
        if df[c].dtype == "string"
        for v in df[c].dropna()
    ]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from([None, "UTC", "Europe/Paris", "+05:00", "Nowhere/Void"]))
def test_markdown_reader_gives_tables_or_parse_error(text: str, tz: str | None) -> None:
    out = Parsed()
    try:
        read_markdown(text, source="2024-01-01-doc.md", tz=tz, out=out)
    except ParseError:
        return
    pm = pmkit.Postmortems(**_frames(out))  # every table passes its schema
    assert len(pm) == 1
    assert not any("<script" in v.lower() for v in _string_values(pm))
    assert set(pm.problems["level"]) <= {"error", "warning"}
    assert pm.events["line"].dropna().between(1, text.count("\n") + text.count("\r") + 1).all()


@settings(max_examples=600, deadline=None)
@given(TEXT, DATES, ZONES)
def test_time_parser_gives_times_or_value_error(text: str, on: date, tz: timezone) -> None:
    m = timeparse.find_time(text)
    if m is None:
        return
    assert 0 <= m.start <= m.end <= len(text) and m.raw == text[m.start : m.end]
    if m.relative is not None:
        return
    try:
        at = timeparse.to_utc(m, on=on, tz=tz)
    except ValueError:
        return
    assert isinstance(at, datetime) and at.utcoffset() == timedelta(0)


@settings(max_examples=300, deadline=None)
@given(TEXT, st.one_of(st.none(), DATES))
def test_zone_and_date_finders_never_raise_anything_else(text: str, on: date | None) -> None:
    try:
        tz, warning = timeparse.resolve_zone(text, on)
    except ValueError:
        pass
    else:
        assert tz is not None and (warning is None or warning[0] == "time.zone_dst")
    span = timeparse.find_date_span(text)
    if span is not None:
        d, a, b = span
        assert isinstance(d, date) and 0 <= a < b <= len(text)
    timeparse.find_zone_statement(text)
    timeparse.find_bad_time(text)
    timeparse.is_placeholder(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400), st.sampled_from([".md", ".json", ".csv"]))
def test_any_bytes_in_a_file_are_read_or_reported(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"2024-01-01-doc{suffix}"
        path.write_bytes(data)
        pm = pmkit.load(path)
    assert "reader.failed" not in set(pm.problems["code"])
    if suffix == ".md":  # one document: an incident, or an error saying why not
        errors = set(pm.problems.loc[pm.problems["level"] == "error", "source"])
        assert len(pm) == 1 or str(path) in errors
    else:  # an export of any number of records: none read is still said
        assert len(pm) >= 1 or str(path) in set(pm.problems["source"])
