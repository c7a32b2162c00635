"""Property tests: any text in, valid tables (or a ParseError) out."""

from __future__ import annotations

import itertools

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pmkit
from pmkit.io.markdown import read_markdown
from pmkit.io.rows import Parsed
from pmkit.loading import _frames

LINES = st.sampled_from(
    [
        "---",
        "+++",
        "id: X",
        "timezone: UTC",
        "timezone: Mars/Olympus",
        "date: 2024-02-31",
        "# Title",
        "## Timeline",
        "## Timeline (all times PST)",
        "## Next Steps",
        "## Other Areas of Risk",
        "## Root cause",
        "All times in UTC.",
        "Unless otherwise noted all events happened on 2019-10-21.",
        "- 10:00 [start] errors begin",
        "- 25:61 impossible",
        "- 13:55 PM alert fired",
        "- --:-- placeholder",
        "- T+12m paged",
        "- 2024-05-01 23:59 rolled back",
        "- 00:05 resolved",
        "| Time | Event |",
        "|---|---|",
        "| 2021-06-22 08:21 | detected by alert |",
        "- [ ] add alert — @ana, due 2026-12-01",
        "- [x] done thing (prevent) PAY-1",
        "```",
        "<script>alert(1)</script>",
        "**Timeline**",
        "",
    ]
)
DOCS = st.one_of(
    st.lists(LINES, max_size=30).map("\n".join),
    st.text(max_size=400),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCS)
def test_any_text_gives_one_valid_incident(text: str) -> None:
    out = Parsed()
    read_markdown(text, source="doc.md", out=out)
    pm = pmkit.Postmortems(**_frames(out))  # validates every table
    assert len(pm) == 1
    inc = pm.incidents.iloc[0]
    # a negative duration between milestones always comes with a problem row
    order = ["started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at"]
    stamps = [inc[c] for c in order if not pd.isna(inc[c])]
    if any(b < a for a, b in itertools.pairwise(stamps)):
        assert "milestone.order" in set(pm.problems["code"])
    # every event timestamp is tz-aware UTC by construction of the dtype
    assert str(pm.events["at"].dtype) == "datetime64[us, UTC]"


# Pieces of timeline and action lines, tricky ones included: label words
# ("by", "due", "eta"), zone words, markup, trackers, 12-hour clocks, dates.
_WORDS = st.sampled_from(
    [
        "Rolled",
        "back",
        "the",
        "api",
        "by",
        "due",
        "Beta",
        "target",
        "zone",
        "UTC",
        "PST",
        "time",
        "OPS-12",
        "x_y",
        "_x",
        "a__b",
        "x-_y",
        "owner=me",
        "who",
        "-",
        "—",
        "(detect)",
        "[ack]",
        "@ana",
        "on",
        "Jan",
        "5",
        "2024-06-01",
        "AM",
        "pm",
        "*b*",
        "`c`",
        "é",
        "  ",
        ":",
        ",",
        "(OPS-3)",
        "12:30",
    ]
)
_CLOCKS = st.sampled_from(
    [
        "10:00",
        "9:05",
        "23:59",
        "24:00",
        "12:00 AM",
        "12:30 PM",
        "13:55 PM",
        "8:22 am",
        "2024-05-01 10:00",
        "2024-02-30 10:00",
        "10:00:",
        "10:00:30",
        "1:30 AM PDT",
    ]
)
_AFTER_TIME = st.sampled_from([" ", ": ", " [start] ", " [resolved] ", " on Jan 5, 2024 ", " UTC "])
_STEPS = st.sampled_from(["", " (detect)", " (quick_fix)", " (Detect)", " (OPS-7)"])
_OWNERS = st.sampled_from(["@ana", "@OPS-12", "@a_b", "@Beta", ""])
_DUES = st.sampled_from(["due 2024-06-01", "due 2024-02-30", "due: 2024-06-01", ""])


@st.composite
def _shortcut_doc(draw: st.DrawFn) -> str:
    words = lambda: " ".join(draw(st.lists(_WORDS, min_size=1, max_size=6)))  # noqa: E731
    timeline = [
        f"- {draw(_CLOCKS)}{draw(_AFTER_TIME)}{words()}" for _ in range(draw(st.integers(1, 5)))
    ]
    actions = []
    for _ in range(draw(st.integers(1, 4))):
        meta = ", ".join(
            x for x in (draw(_OWNERS), draw(_DUES), draw(st.sampled_from(["", "OPS-9"]))) if x
        )
        box = draw(st.sampled_from(["[ ]", "[x]", "[X]"]))
        paren = draw(st.booleans())
        if paren:
            actions.append(f"- {box} {words()} (owner: Ana Ruiz, {draw(_DUES)})")
        else:
            actions.append(f"- {box} {words()}{draw(_STEPS)}" + (f" — {meta}" if meta else ""))
    return (
        "---\ndate: 2024-05-01\ntimezone: Europe/Paris\n---\n\n# T\n\n## Timeline\n\n"
        + "\n".join(timeline)
        + "\n\n## Next Steps\n\n"
        + "\n".join(actions)
        + "\n"
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_shortcut_doc())
def test_shortcuts_read_any_line_as_the_general_path_does(text: str) -> None:
    from pmkit.io.markdown._sections import _Sections
    from pmkit.io.markdown._timeline import _Timeline

    fast = read_markdown(text, source="2024-05-01-x.md").tables
    real_item, real_action = _Timeline.fast_item, _Sections.plain_action
    try:
        _Timeline.fast_item = lambda self, *a: None  # type: ignore[method-assign]
        _Sections.plain_action = lambda self, *a: False  # type: ignore[method-assign]
        general = read_markdown(text, source="2024-05-01-x.md").tables
    finally:
        _Timeline.fast_item = real_item  # type: ignore[method-assign]
        _Sections.plain_action = real_action  # type: ignore[method-assign]
    assert fast == general
