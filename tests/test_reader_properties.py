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
