"""pmkit.report: the quarterly review's content, its HTML, escaping and errors."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

import pmkit
from pmkit import report
from pmkit.collection import Postmortems
from pmkit.metrics import DURATIONS
from pmkit.report._render import SECTIONS

AS_OF = "2026-11-28T00:00Z"
EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def review(sample: Postmortems) -> report.Report:
    return report.quarterly(sample, "2026Q3", as_of=AS_OF)


@pytest.fixture(scope="module")
def page(review: report.Report) -> str:
    return review.to_html()


def test_repr_and_parts(review: report.Report, sample: Postmortems) -> None:
    n = review.facts["n_quarter"]
    assert n == int((pmkit.latencies(sample)["quarter"] == "2026Q3").sum()) > 0
    assert repr(review) == f"<Report 2026Q3 vs 2026Q2: {n} incidents, 11 sections, 6 figures>"
    assert review.previous == "2026Q2"
    assert review.as_of == pd.Timestamp(AS_OF)
    assert set(review.verdicts) == set(report.HEADLINE_DURATIONS)
    assert review.verdicts["time_to_detect"].startswith("time_to_detect median went from")
    h = review.frames["headline"]
    assert set(h["quarter"]) == {"2026Q2", "2026Q3"}
    assert (
        int(h[(h["quarter"] == "2026Q3") & (h["duration"] == "time_to_detect")]["n"].iloc[0]) == n
    )


def test_every_section_and_figure_is_in_the_page(review: report.Report, page: str) -> None:
    for sid in SECTIONS:
        assert f'data-section="{sid}"' in page
    for name in review.figures:
        assert f'id="fig-{name}"' in page
    assert page.count("Plotly.newPlot(") == len(review.figures)


def test_plotlyjs_embedded_exactly_once_and_nothing_fetched(page: str) -> None:
    js = get_plotlyjs()
    assert page.count(js[:400]) == 1
    assert page.count(js[-400:]) == 1
    ours = page.replace(js, "")
    assert "<script src" not in ours
    assert not re.search(r"""(src|href)=["']https?:""", ours)


def test_verdicts_definitions_and_inputs_are_shown(review: report.Report, page: str) -> None:
    import html

    for verdict in review.verdicts.values():
        assert html.escape(verdict) in page
    for d in DURATIONS.values():
        assert html.escape(d.description) in page
    assert f'data-files="{len(review.inputs)}"' in page
    assert len(review.inputs) == len(
        list((Path(__file__).resolve().parent.parent / "data" / "sample").rglob("*.md"))
    )
    assert f"pmkit version</th><td>{pmkit.__version__}" in page
    assert "2026-11-28T00:00:00+00:00 (given)" in page
    assert all(f"<li>{f}</li>" in page for f in review.inputs)
    assert "report.quarterly(pm, &#x27;2026Q3&#x27;" in page


def test_customer_first_headline_and_overdue_owners(review: report.Report, page: str) -> None:
    share = review.frames["detection"]
    row = share[(share["quarter"] == "2026Q3") & (share["detection_source"] == "customer")]
    assert f"{float(row['customer_first_share'].iloc[0]) * 100:.0f}%" in page
    late = review.frames["overdue"]
    assert len(late) and (late["due"] < pd.Timestamp(AS_OF)).all()
    assert 'data-card="overdue"' in page
    owners = review.frames["overdue_owners"]
    assert int(owners["overdue"].sum()) == len(late)


def test_exclusions_add_up(review: report.Report) -> None:
    ex = review.frames["exclusions_quarter"]
    for _, part in ex.groupby("duration"):
        assert int(part["n_used"].iloc[0] + part["n_excluded"].sum()) == review.facts["n_quarter"]


def test_quality_counts_values_that_rest_on_inferred_milestones(
    review: report.Report, sample: Postmortems, page: str
) -> None:
    ex = review.frames["exclusions_quarter"].drop_duplicates("duration").set_index("duration")
    inc = sample.incidents[pmkit.latencies(sample)["quarter"].eq("2026Q3").to_numpy(bool)]
    lat = pmkit.latencies(inc)
    for d, row in ex.iterrows():
        dur = DURATIONS[str(d)]
        rests = (inc[dur.start.replace("_at", "_from")] == "inferred") | (
            inc[dur.end.replace("_at", "_from")] == "inferred"
        )
        want = int((rests.to_numpy(bool) & lat[str(d)].notna().to_numpy()).sum())
        assert row["n_inferred"] == want, d
    # the sample's timelines leave some acknowledgements unstated; the headline says so
    n = int(ex.loc["time_to_acknowledge", "n_inferred"])
    assert n > 0
    assert "of them inferred" in page
    assert re.search(rf"n=\d+ \({n} inferred\), p90", page)
    assert ex.loc["time_to_detect", "n_inferred"] == 0


def test_completeness_lists_only_postmortems_with_gaps(review: report.Report, page: str) -> None:
    comp = review.frames["completeness"]
    gaps = comp[comp["missing"] != ""]
    n = review.facts["n_quarter"]
    assert len(comp) == n
    assert f"{len(gaps)} of {n} postmortems of 2026Q3" in page


def poisoned() -> Postmortems:
    """A collection whose title, risk statement, owner and file name are a script tag."""
    pm = pmkit.testing.make_postmortems(80, seed=1)
    inc = pm.incidents.copy()
    q3 = inc.index[inc["occurred_at"] >= pd.Timestamp("2026-07-01", tz="UTC")][0]
    iid = inc.loc[q3, "incident_id"]
    inc.loc[q3, "title"] = EVIL
    ideas = pm.ideas.copy()
    risk = ideas.index[(ideas["incident_id"] == iid) & (ideas["step"] == "other_risk")]
    assert len(risk)
    ideas.loc[risk, "text"] = EVIL
    acts = pm.actions.copy()
    acts.loc[acts["incident_id"] == iid, "owner"] = EVIL
    acts.loc[acts["incident_id"] == iid, "status"] = "open"
    acts.loc[acts["incident_id"] == iid, "due"] = pd.Timestamp("2026-08-01", tz="UTC")
    return Postmortems(inc, pm.events, ideas, acts, pm.problems, inputs=[f"{EVIL}.md"])


def test_text_from_postmortems_is_escaped() -> None:
    r = report.quarterly(poisoned(), "2026Q3", as_of=AS_OF)
    assert EVIL in set(r.frames["overdue"]["owner"].dropna())
    page = r.to_html()
    assert EVIL not in page
    assert "alert(1)</script>" not in page
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert page.count(escaped) >= 4  # title, risk statement, owner, file name
    # the only scripts: plotly.js, the print hook and one per figure
    assert len(re.findall(r"<script\b", page)) == 2 + len(r.figures)


def test_write_html_is_atomic(review: report.Report, tmp_path: Path) -> None:
    out = review.write_html(tmp_path / "sub" / "review.html")
    assert out == tmp_path / "sub" / "review.html"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in out.parent.iterdir()] == ["review.html"]
    with pytest.raises(pmkit.UsageError, match="is a folder; pass a file name"):
        review.write_html(tmp_path)


def test_quarter_without_incidents(sample: Postmortems) -> None:
    with pytest.raises(pmkit.UsageError, match=r"quarter 2024Q1 has no incidents; quarters with"):
        report.quarterly(sample, "2024Q1", as_of=AS_OF)
    with pytest.raises(pmkit.UsageError, match="previous quarter 2024Q4 has no incidents"):
        report.quarterly(sample, "2026Q3", previous="2024Q4", as_of=AS_OF)


def test_bad_arguments(sample: Postmortems) -> None:
    with pytest.raises(pmkit.UsageError, match="quarter must look like '2026Q3', got 'Q3'"):
        report.quarterly(sample, "Q3")
    with pytest.raises(pmkit.UsageError, match="as_of must be tz-aware"):
        report.quarterly(sample, "2026Q3", as_of="2026-11-28")
    with pytest.raises(pmkit.UsageError, match="as_of must be a timestamp"):
        report.quarterly(sample, "2026Q3", as_of="soon")
    with pytest.raises(pmkit.UsageError, match="unknown time zone 'Mars/Base'"):
        report.quarterly(sample, "2026Q3", tz="Mars/Base")
    with pytest.raises(pmkit.UsageError, match="previous must differ from quarter"):
        report.quarterly(sample, "2026Q3", previous="2026Q3")
    with pytest.raises(pmkit.UsageError, match="holds no postmortems"):
        report.quarterly(Postmortems(), "2026Q3")
    with pytest.raises(TypeError, match=r"pm must be a pmkit\.Postmortems"):
        report.quarterly(pd.DataFrame(), "2026Q3")  # type: ignore[arg-type]


def test_first_quarter_has_nothing_to_compare_with(sample: Postmortems) -> None:
    r = report.quarterly(sample, "2025Q1", as_of=AS_OF)
    assert r.previous is None and r.verdicts == {}
    assert "no incident in the quarter before 2025Q1" in r.to_html()


def test_latest_full_quarter(sample: Postmortems) -> None:
    # the data ends on 2026-09-29: 2026Q3 had not ended by then
    assert report.latest_full_quarter(sample) == "2026Q2"
    assert report.latest_full_quarter(sample, as_of=AS_OF) == "2026Q3"
    assert report.quarterly(sample, as_of=AS_OF).quarter == "2026Q3"
    with pytest.raises(pmkit.UsageError, match="no quarter with incidents had ended by as_of"):
        report.latest_full_quarter(sample, as_of="2025-02-01T00:00Z")


def test_unfinished_quarter_is_flagged(sample: Postmortems) -> None:
    r = report.quarterly(sample, "2026Q3")
    assert not r.as_of_given
    page = r.to_html()
    assert "2026Q3 had not ended on 2026-09-29 (as_of)" in page
    assert "(latest timestamp in the data)" in page


def test_display_time_zone(sample: Postmortems) -> None:
    r = report.quarterly(sample, "2026Q3", as_of=AS_OF, tz="America/New_York")
    assert "as of 2026-11-27 19:00 EST" in r.to_html()


def test_write_images_needs_kaleido_and_chrome(
    review: report.Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "kaleido" else real(name, *a)
    )
    with pytest.raises(pmkit.UsageError, match="needs kaleido: pip install kaleido"):
        review.write_images(tmp_path)
    with pytest.raises(pmkit.UsageError, match="format must be png, svg or pdf"):
        review.write_images(tmp_path, format="gif")
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chrome"))
    assert report.find_chrome() is None


@pytest.mark.browser
def test_write_images_renders_every_figure_with_chromium(
    review: report.Report, tmp_path: Path
) -> None:
    """kaleido (dev extra) drives Debian's Chromium; fails, not skips, when either is missing."""
    assert report.find_chrome() is not None, "apt-get install chromium for the image export"
    written = review.write_images(tmp_path, format="png", scale=1.0)
    assert len(written) == len(review.figures)
    for path in written:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 10_000


def test_evidence_names_the_line_of_every_time_in_the_quarter(
    review: report.Report, sample: Postmortems, page: str
) -> None:
    import html

    ev = review.frames["evidence"]
    assert len(ev) == review.facts["n_quarter"]
    inc = sample.incidents.set_index("incident_id")
    first = ev.iloc[0]
    row = inc.loc[first["incident_id"]]
    for m in ("started_at", "detected_at", "mitigated_at"):
        cell = first[m]
        if pd.isna(row[m]):
            assert cell is None
            continue
        assert cell["at"] == row[m]
        assert cell["line"] == row[m.removesuffix("_at") + "_line"]
        assert cell["confidence"] == row[m.removesuffix("_at") + "_confidence"]
    table = page[page.index('data-table="evidence"') :]
    assert f"line {first['detected_at']['line']}" in table
    assert html.escape(str(inc.loc[first["incident_id"], "source"])) in table
    inferred = sum(
        isinstance(v, dict) and v["confidence"] == "inferred"
        for m in ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at")
        for v in ev[m]
    )
    assert f"Of these times, {inferred} inferred" in page
    assert table.count('class="ev-inferred"') == inferred


def test_a_report_of_postmortems_without_any_risk_statement(tmp_path: Path) -> None:
    # two postmortems, no ideas at all: recurrences used to fail on the empty lookup
    for day in ("2024-05-01", "2024-05-02"):
        (tmp_path / f"{day}-x.md").write_text(
            f"# Outage\n\n## Timeline\n\nAll times UTC.\n\n- {day} 10:00 alert fired\n"
            "- 10:30 rolled back\n",
            encoding="utf-8",
        )
    pm = pmkit.load(tmp_path)
    r = report.quarterly(pm, "2024Q2", as_of="2024-07-01T00:00Z")
    assert r.facts["n_quarter"] == 2
    assert pmkit.recurrences(pm).empty
