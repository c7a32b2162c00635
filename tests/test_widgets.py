"""pmkit.widgets: set control values, check the frames and figures that follow."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import pmkit
from pmkit import widgets
from pmkit.errors import UsageError

PLOTLY = "application/vnd.plotly.v1+json"


@pytest.fixture(scope="module")
def pm() -> pmkit.Postmortems:
    return pmkit.testing.make_postmortems(120, seed=1)


def test_explorer_filters_update_counts_frames_and_figures(pm: pmkit.Postmortems) -> None:
    view = widgets.explorer(pm)
    assert view.counts == {"shown": 120, "excluded": 0}
    assert "pmkit-team" in view.controls["team"]._dom_classes
    before = view.figures["latency"]
    view.controls["team"].value = "search"
    inc = view.frames["incidents"]
    assert set(inc["team"]) == {"search"}
    assert view.counts == {"shown": len(inc), "excluded": 120 - len(inc)}
    assert f"data-shown='{len(inc)}'" in view.children[2].value
    assert view.figures["latency"] is not before
    drawn = sum(len(t.y) for t in view.figures["latency"].data if t.type == "box")
    m = view.frames["latencies"]["time_to_detect"].dt.total_seconds()
    assert drawn == int((m > 0).sum())
    lines = [t.name for t in view.figures["trend"].data if not t.name.endswith("interval")]
    assert lines == ["search"]
    # the Output widget holds plotly's mime bundle of the same figure
    out = next(c for c in view.children if "pmkit-fig-phases" in c._dom_classes)
    shown = out.outputs[0]["data"][PLOTLY]["layout"]["yaxis"]["categoryarray"]
    assert len(shown) == min(30, len(inc))


def test_explorer_quarters_duration_and_combined_filters(pm: pmkit.Postmortems) -> None:
    view = widgets.explorer(pm, duration="time_to_resolve")
    quarters = view.controls["quarters"].options
    view.controls["quarters"].value = (quarters[-2], quarters[-1])
    lat = view.frames["latencies"]
    assert set(lat["quarter"]) == {quarters[-2], quarters[-1]}
    assert view.frames["summary"]["duration"].eq("time_to_resolve").all()
    view.controls["duration"].value = "time_to_acknowledge"
    assert view.figures["latency"].layout.title.text.startswith("time_to_acknowledge per quarter")
    view.controls["severity"].value = "SEV1"
    view.controls["detection_source"].value = "customer"
    inc = view.frames["incidents"]
    assert (inc["severity"].astype(str) == "SEV1").all()
    assert (inc["detection_source"].astype(str) == "customer").all()


def test_explorer_stated_times_only_leaves_out_inferred_milestones(
    pm: pmkit.Postmortems,
) -> None:
    inc = pm.incidents.copy()
    inferred = np.arange(len(inc)) % 3 == 0
    inc.loc[inferred, "detected_from"] = "inferred"
    mine = pmkit.Postmortems(**{**pm.tables, "incidents": inc})
    view = widgets.explorer(mine)
    known = view.frames["latencies"]["time_to_detect"].notna().to_numpy()
    assert "stated_only" in view.controls
    view.controls["stated_only"].value = True
    lat = view.frames["latencies"]
    assert lat["time_to_detect"].notna().tolist() == (known & ~inferred).tolist()
    assert lat.loc[inferred & known, "exclusion_reason"].str.contains("detected_at inferred").all()
    assert "missing, inferred or out-of-order" in view.children[2].value
    n = view.frames["summary"]["n"].sum()
    assert n == int((known & ~inferred).sum())
    view.controls["stated_only"].value = False
    assert view.frames["latencies"]["time_to_detect"].notna().tolist() == known.tolist()


def test_explorer_with_nothing_left_shows_empty_figures(pm: pmkit.Postmortems) -> None:
    view = widgets.explorer(pm)
    view.controls["team"].value = "search"
    view.controls["service"].value = "checkout"  # a payments service
    assert view.counts["shown"] == 0
    for fig in view.figures.values():
        assert fig.layout.annotations[-1].text.startswith("nothing to show")


def test_quarterly_review_verdicts_medians_and_report(
    pm: pmkit.Postmortems, tmp_path: Path
) -> None:
    review = widgets.quarterly_review(pm, path=tmp_path / "review.html")
    quarters = review.controls["quarter"].options
    assert review.controls["quarter"].value == quarters[-1]
    verdicts = review.frames["verdicts"]
    assert list(verdicts["duration"]) == list(widgets.REVIEW_DURATIONS)
    assert verdicts["verdict"].iloc[0].startswith(f"time_to_detect median went from {''}"[:30])
    assert f"({quarters[-2]}, n=" in verdicts["verdict"].iloc[0]
    assert set(review.frames["medians"]["quarter"]) == {quarters[-2], quarters[-1]}
    review.controls["quarter"].value = quarters[1]
    assert set(review.frames["medians"]["quarter"]) == {quarters[0], quarters[1]}
    assert quarters[1] in review.figures["latency"].layout.title.text
    assert (review.frames["themes"]["n_incidents"] > 0).all()
    texts = [c.value for c in review.children[2].children if hasattr(c, "value")]
    assert any("customers noticed first in" in t for t in texts)
    assert set(review.frames["actions"]["quarter"]) == {quarters[1]}
    overdue = next(t for t in review.figures["actions"].data if t.name == "overdue")
    assert list(overdue.x) == review.frames["actions"]["overdue"].astype(float).tolist()
    review.controls["write"].click()
    page = (tmp_path / "review.html").read_text()
    assert page.count("<script>/**") == 1  # plotly.js embedded once
    assert page.count("Plotly.newPlot") == len(review.figures) == 3
    assert f"Quarterly review {quarters[1]}" in page
    assert "data-ok='1'" in review.children[1].value


def test_quarterly_review_first_quarter_has_nothing_to_compare(pm: pmkit.Postmortems) -> None:
    first = widgets.quarterly_review(pm).controls["quarter"].options[0]
    review = widgets.quarterly_review(pm, quarter=first)
    assert review.frames["verdicts"].empty
    assert "no earlier quarter to compare with" in review.children[2].children[0].value


def test_quarterly_review_errors(pm: pmkit.Postmortems) -> None:
    with pytest.raises(UsageError, match="quarter '1999Q1' has no incidents; quarters are"):
        widgets.quarterly_review(pm, quarter="1999Q1")
    with pytest.raises(UsageError, match=r"unknown duration\(s\) \['time_to_lunch'\]"):
        widgets.quarterly_review(pm, durations=["time_to_lunch"])


def test_theme_browser_shows_the_chosen_theme(pm: pmkit.Postmortems) -> None:
    view = widgets.theme_browser(pm)
    rt = pmkit.risk_themes(pm)
    options = view.controls["theme"].options
    assert len(options) == len(rt.themes)
    for _label, tid in options:
        view.controls["theme"].value = tid
        st = view.frames["statements"]
        assert len(st) == int(rt.themes.set_index("theme_id").loc[tid, "size"])
        ids = set(st["incident_id"])
        rec = view.frames["recurrences"]
        assert set(rec["incident_id"]) <= ids and set(rec["earlier_incident_id"]) <= ids
        assert f"data-theme='{tid}'" in view.children[2].value
    assert view.figures["themes"].data[0].name == "incidents"


def test_widget_argument_errors(pm: pmkit.Postmortems) -> None:
    with pytest.raises(TypeError, match=r"pm must be a pmkit\.Postmortems, got str"):
        widgets.explorer("data/")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="the collection has no incidents"):
        widgets.explorer(pmkit.Postmortems())
    with pytest.raises(UsageError, match="unknown duration 'nope'; the durations are"):
        widgets.explorer(pm, duration="nope")


def test_missing_ipywidgets_names_the_extra(
    pm: pmkit.Postmortems, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = builtins.__import__

    def fake(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "ipywidgets":
            raise ImportError("No module named 'ipywidgets'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(ImportError, match=r"pip install 'pmkit\[notebooks\]'"):
        widgets.explorer(pm)


def test_team_colours_stay_when_filtering(pm: pmkit.Postmortems) -> None:
    view = widgets.explorer(pm)
    full = {t.name: t.line.color for t in view.figures["trend"].data}
    view.controls["team"].value = "search"
    assert view.figures["trend"].data[-1].line.color == full["search"]
    assert np.isfinite(view.figures["survival"].data[-1].y).all()


def test_progress_terminal_and_log_output() -> None:
    import io

    from pmkit.progress import progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    assert list(progress(range(4), desc="reading", unit="files", file=tty, mininterval=0)) == [
        0,
        1,
        2,
        3,
    ]
    lines = tty.getvalue().split("\r")
    assert "reading: 100% |" in lines[-1] and "4/4 files" in lines[-1]
    assert lines[-1].endswith("\n")

    log = io.StringIO()  # not a terminal: one line at the end
    with progress(total=3, file=log) as bar:
        bar.update(2)
        assert log.getvalue() == ""
        bar.update()
    assert log.getvalue().count("\n") == 1 and "3/3" in log.getvalue()

    cb = io.StringIO()
    bar = progress(file=cb, desc="load")
    bar(5, 10)  # the pmkit.load progress= callback
    assert bar.n == 5 and bar.total == 10 and not bar.closed
    bar(10, 10)
    assert bar.closed and "10/10" in cb.getvalue()
    with pytest.raises(TypeError, match="no iterable; call update"):
        iter(progress(total=1)).__next__()
