"""Tests for pmkit.synth: determinism, shape of the data, documents and CLI."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pmkit
from pmkit import classify, synth

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
MILESTONES = ["started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at"]
CANVAS_HEADINGS = [
    "## Summary",
    "## Timeline",
    "## Prevent",
    "## Quick Fix",
    "## Next Steps",
]
STYLE_MARKERS = {
    "canvas": ["---\nid: PM-", "\ntimezone: ", "## Summary", "## Timeline", "## Next Steps"],
    "dfds": ["## Summary", "All times in UTC.", "| Time | Event |", "## Contributing Factors",
             "## Lessons Learned", "## Action Items", "| Action | Owner | Due | Status |"],
    "rust": ["+++\ntitle = ", "## Timeline of events",
             "Unless otherwise noted all events happened on ", "and all times are in UTC.",
             "## Root cause", "## Follow-up work"],
    "prose": ["## Timeline", "(all times PT)", "## Root cause", "## Follow-ups"],
}  # fmt: skip


@pytest.fixture(scope="module")
def small() -> synth.Corpus:
    return synth.generate(150, seed=0)


@pytest.fixture(scope="module")
def big() -> synth.Corpus:
    return synth.generate(6000, seed=11)


def test_same_seed_same_bytes() -> None:
    a = synth.generate(120, seed=7)
    b = synth.generate(120, seed=7)
    assert a.documents == b.documents
    pd.testing.assert_frame_equal(a.truth, b.truth)
    assert synth.generate(120, seed=8).documents != a.documents


def test_counts_and_file_names(small: synth.Corpus) -> None:
    names = [name for name, _ in small.documents]
    assert len(names) == len(set(names)) == len(small.truth) == 150
    assert small.truth["file"].tolist() == names
    for name in names:
        assert re.fullmatch(
            r"(\d{4})/\1-\d\d-\d\d-(payments|identity|platform|search|data)-[a-z0-9-]+\.md", name
        ), name
    assert synth.generate(0).truth.shape == (0, len(small.truth.columns))


def test_truth_dtypes(small: synth.Corpus) -> None:
    t = small.truth
    assert t.index.equals(pd.RangeIndex(len(t)))
    for col in MILESTONES:
        assert t[col].dtype == "datetime64[us, UTC]", col
    for col in ["n_actions", "n_actions_done"]:
        assert t[col].dtype == np.int64
    for col in ["incident_id", "style", "file", "team", "service", "severity",
                "detection_source", "risk_theme"]:  # fmt: skip
        assert t[col].dtype == pd.StringDtype("pyarrow"), col
    assert t["incident_id"].is_unique
    assert set(t["severity"]) <= {"SEV1", "SEV2", "SEV3", "SEV4"}
    assert set(t["detection_source"]) <= {
        "monitoring", "customer", "employee", "third_party", "automated_test", "unknown"
    }  # fmt: skip


def test_incident_ids(small: synth.Corpus) -> None:
    t = small.truth
    canvas = t["style"] == "canvas"
    assert t.loc[canvas, "incident_id"].str.fullmatch(r"PM-\d{4}-\d{3,}").all()
    stems = t.loc[~canvas, "file"].str.slice(5, -3)
    assert (t.loc[~canvas, "incident_id"] == stems).all()


def test_milestones_in_order(big: synth.Corpus) -> None:
    t = big.truth
    assert t["started_at"].notna().all() and t["detected_at"].notna().all()
    for i, a in enumerate(MILESTONES):
        for b in MILESTONES[i + 1 :]:
            both = t[a].notna() & t[b].notna()
            assert (t.loc[both, a] <= t.loc[both, b]).all(), (a, b)
    open_ = t["status"] == "open"
    assert open_.any() and t.loc[open_, "resolved_at"].isna().all()
    assert t.loc[~open_, "resolved_at"].notna().all()
    assert t["acknowledged_at"].isna().any() and t["mitigated_at"].isna().any()


def test_spread_over_quarters(small: synth.Corpus) -> None:
    t = small.truth
    q = t["started_at"].dt.tz_localize(None).dt.to_period("Q")
    assert q.nunique() >= 7
    assert t["started_at"].min() >= pd.Timestamp("2025-01-01", tz="UTC")
    assert t["started_at"].max() < pd.Timestamp("2026-10-01", tz="UTC")
    assert t["team"].nunique() == 5
    assert (t.groupby("team")["service"].nunique().between(2, 3)).all()


def test_every_style_present(small: synth.Corpus) -> None:
    assert set(small.truth["style"]) == set(synth.STYLES)


def test_mixes_and_latencies_are_realistic(big: synth.Corpus) -> None:
    t = big.truth
    share = t["detection_source"].value_counts(normalize=True)
    assert 0.5 < share["monitoring"] < 0.6
    assert 0.2 < share["customer"] < 0.3
    assert 0.07 < share["employee"] < 0.13
    sev = t["severity"].value_counts(normalize=True)
    assert sev["SEV1"] < 0.1 and sev["SEV3"] > sev["SEV2"] > sev["SEV1"]
    detect = (t["detected_at"] - t["started_at"]).dt.total_seconds() / 60
    by_source = detect.groupby(t["detection_source"]).median()
    assert by_source["customer"] > 4 * by_source["monitoring"]
    assert 5 < detect.median() < 20 and detect.quantile(0.95) > 120
    ack = (t["acknowledged_at"] - t["detected_at"]).dt.total_seconds() / 60
    assert 3 < ack.median() < 8
    mitigate = (t["mitigated_at"] - t["started_at"]).dt.total_seconds() / 60
    assert 30 < mitigate.median() < 120


def test_detect_trends_by_team(big: synth.Corpus) -> None:
    t = big.truth
    mon = t[t["detection_source"] == "monitoring"]
    detect = (mon["detected_at"] - mon["started_at"]).dt.total_seconds() / 60
    q = mon["started_at"].dt.tz_localize(None).dt.to_period("Q")
    first, last = q.min(), q.max()

    def change(team: str) -> float:
        d = detect[mon["team"] == team]
        qq = q[mon["team"] == team]
        early = d[(qq - first).map(lambda x: x.n) <= 1].median()
        late = d[(last - qq).map(lambda x: x.n) <= 1].median()
        return float(late / early)

    assert change("payments") < 0.6
    assert change("search") > 1.5
    assert 0.7 < change("platform") < 1.4


def test_risk_themes_recur_in_different_words(small: synth.Corpus, big: synth.Corpus) -> None:
    t = small.truth
    assert t["risk_theme"].isna().any()
    assert set(t["risk_theme"].dropna()) == set(synth.THEMES)
    sections = [
        text.split("## Other Areas of Risk\n\n")[1].split("\n\n")[0]
        for _, text in big.documents
        if "## Other Areas of Risk\n\n" in text
    ]
    statements = {line for s in sections for line in s.splitlines()}
    assert len(statements) > 200


def test_documents_contain_template_sections(small: synth.Corpus) -> None:
    for (_, text), style in zip(small.documents, small.truth["style"], strict=True):
        for marker in STYLE_MARKERS[style]:
            assert marker in text, (style, marker)
    canvas = [
        text
        for (_, text), s in zip(small.documents, small.truth["style"], strict=True)
        if s == "canvas"
    ]
    template = (Path(pmkit.__file__).parent / "templates" / "postmortem.md").read_text()
    headings = re.findall(r"^## .+$", template, flags=re.M)
    for heading in headings:
        assert any(f"\n{heading}\n" in text for text in canvas), heading
    for text in canvas:
        for heading in CANVAS_HEADINGS:
            assert f"\n{heading}\n" in text
        # present sections keep the template's order
        found = [h for h in headings if f"\n{h}\n" in text]
        assert sorted(found, key=text.index) == found
    # teams under pressure skip sections
    assert any("\n## Detect\n" not in text for text in canvas)
    assert any("\n## Other Areas of Risk\n" not in text for text in canvas)


def test_canvas_timeline_format(small: synth.Corpus) -> None:
    texts = [
        text
        for (_, text), s in zip(small.documents, small.truth["style"], strict=True)
        if s == "canvas"
    ]
    zones = set()
    for text in texts:
        m = re.search(r"^All times (\S+), (\d{4}-\d\d-\d\d) unless a line says otherwise\.$",
                      text, flags=re.M)  # fmt: skip
        assert m, text[:400]
        zones.add(m.group(1))
        assert re.search(r"^- \d\d:\d\d \[start\] ", text, flags=re.M)
    assert zones == {"UTC", "Europe/Paris", "America/New_York"}


def test_actions_have_owners_dates_and_some_are_overdue(small: synth.Corpus) -> None:
    t = small.truth
    assert t["n_actions"].between(1, 6).all()
    assert (t["n_actions_done"] <= t["n_actions"]).all() and t["n_actions_done"].sum() > 0
    overdue = 0
    lines = [
        line
        for (_, text), s in zip(small.documents, t["style"], strict=True)
        if s == "canvas"
        for line in text.split("## Next Steps\n\n")[1].splitlines()
    ]
    for line in lines:
        assert re.fullmatch(
            r"- \[[ x]\] .+ \((detect|react|quick_fix|prevent)\)"
            r"( — (@\w+)?(, )?(due \d{4}-\d\d-\d\d)?(, )?([A-Z]+-\d+)?)?",
            line,
        ), line
        m = re.search(r"due (\d{4}-\d\d-\d\d)", line)
        if line.startswith("- [ ]") and m and date.fromisoformat(m.group(1)) < synth.AS_OF:
            overdue += 1
    assert overdue >= 5
    assert any("@" not in line for line in lines) and any("due" not in line for line in lines)
    assert any(re.search(r"[A-Z]+-\d+$", line) for line in lines)


def test_untagged_wording_says_the_milestone() -> None:
    """The words of untagged lines name their milestone (checked with pmkit.classify)."""
    slots = {**synth._slots("checkout", "ledger", "payments"), "owner": "ana"}

    def kind(text: str) -> str:
        return classify.classify_event(text.format_map(slots))

    for theme in synth.THEMES.values():
        assert all(kind(x) == "impact_start" for x in theme.start), theme.start
        assert all(kind(x) == "mitigated" for x in theme.mitigate), theme.mitigate
    for source, pool in synth._DETECT_LINES.items():
        for tag, text in pool:
            assert kind(text) == tag, text
            found = classify.detection_source(text.format_map(slots)) or "unknown"
            assert found == source, text
    assert all(kind(x) == "acknowledged" for x in synth._ACK_LINES)
    assert all(kind(x) == "resolved" for x in synth._RESOLVE_LINES)
    milestones = {"impact_start", "detected", "reported", "acknowledged", "mitigated", "resolved"}
    for _, text in synth._NOTES + synth._LATE_NOTES:
        assert kind(text) not in milestones, text


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="n must be >= 0, got -1"):
        synth.generate(-1)
    with pytest.raises(TypeError, match="n must be an int, got float"):
        synth.generate(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="end must be after start"):
        synth.generate(3, start="2026-01-01", end="2025-01-01")


def test_cli_writes_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "corpus"
    assert synth.main(["-n", "12", "-o", str(out), "--seed", "3"]) == 0
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert files == sorted(name for name, _ in synth.generate(12, seed=3).documents)
    assert f"wrote 12 postmortems to {out}/" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        synth.main(["-n", "-2", "-o", str(out)])
    assert "-n must be >= 0, got -2" in capsys.readouterr().err


def test_bundled_sample_is_current() -> None:
    """data/sample is exactly what ``python -m pmkit.synth -n 150 -o data/sample`` writes."""
    corpus = synth.generate(150, seed=0)
    on_disk = sorted(p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*.md"))
    assert on_disk == sorted(name for name, _ in corpus.documents)
    for name, text in corpus.documents:
        assert (SAMPLE / name).read_bytes() == text.encode("utf-8"), name
