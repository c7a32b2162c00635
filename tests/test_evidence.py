"""Every milestone says where it came from (line) and how sure it is (confidence);
files that are no postmortems are skipped with an info row."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pmkit
from pmkit import schema

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
HERE = Path(__file__).resolve().parent / "corpora"

DOC = """---
title: API outage
resolved_at: 2024-05-01T11:00:00Z
---
# API outage

## Timeline

All times UTC.

- 2024-05-01 10:00 deploy of v2 started, errors begin [start]
- 10:07 alert fired for 5xx rate
- 10:12 on-call acknowledged the page
- 10:30 rolled back, error rate back to normal [mitigated]
"""


def _load(tmp_path: Path, text: str, name: str = "2024-05-01-api.md") -> pmkit.Postmortems:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return pmkit.load(tmp_path)


def test_each_milestone_names_its_line_and_confidence(tmp_path: Path) -> None:
    pm = _load(tmp_path, DOC)
    row = pm.incidents.iloc[0]
    assert row["started_line"] == 11
    assert row["detected_line"] == 12
    assert row["acknowledged_line"] == 13
    assert row["mitigated_line"] == 14
    assert row["resolved_line"] == 3  # the front-matter key
    assert row["resolved_from"] == "metadata"
    for m in ("started", "detected", "acknowledged", "mitigated", "resolved"):
        assert row[f"{m}_confidence"] == "stated", m
    assert pd.isna(row["reported_line"]) and pd.isna(row["reported_confidence"])


def test_evidence_quotes_the_line_and_says_why_when_inferred(tmp_path: Path) -> None:
    text = DOC.replace(
        "- 10:12 on-call acknowledged the page\n", "- 10:15 paged the database team\n"
    ).replace(" [start]", "")
    pm = _load(tmp_path, text)
    ev = pm.evidence().set_index("milestone", drop=False)
    assert ev.loc["detected_at", "text"] == "alert fired for 5xx rate"
    assert ev.loc["resolved_at", "text"] == "front matter"
    ack = ev.loc["acknowledged_at"]
    # no line acknowledges: the first response after detection is taken, and said so
    assert ack["confidence"] == "inferred" and ack["line"] == 13
    assert ack["text"] == "paged the database team"
    assert "acknowledged_at is taken" in ack["why"]
    assert pd.isna(ev.loc["detected_at", "why"])
    # selecting one incident by id gives the same rows
    assert len(pm.evidence("2024-05-01-api")) == len(ev)
    assert pm.evidence([]).empty


def test_a_line_out_of_order_makes_its_milestone_ambiguous(tmp_path: Path) -> None:
    # "10:05" below "10:12": the line is out of order, and the milestones it and
    # the acknowledgement give contradict each other
    text = DOC.replace("- 10:30 rolled back", "- 10:05 rolled back")
    pm = _load(tmp_path, text)
    row = pm.incidents.iloc[0]
    assert {"time.out_of_order", "milestone.order"} <= set(pm.problems["code"])
    assert row["mitigated_confidence"] == "ambiguous"
    assert row["acknowledged_confidence"] == "ambiguous"  # named by milestone.order
    assert row["detected_confidence"] == "stated"
    ev = pm.evidence().set_index("milestone")
    assert ev.loc["mitigated_at", "why"].startswith("time.out_of_order: timeline line at '10:05'")
    assert ev.loc["acknowledged_at", "why"].startswith("milestone.order: mitigated_at")


def test_pst_in_july_makes_the_documents_times_ambiguous(tmp_path: Path) -> None:
    text = (
        DOC.replace("All times UTC.", "All times PST.")
        .replace("resolved_at: 2024-05-01T11:00:00Z\n", "")
        .replace("2024-05-01 10:00", "2024-07-01 10:00")
    )
    pm = _load(tmp_path, text, "2024-07-01-api.md")
    row = pm.incidents.iloc[0]
    assert "time.zone_dst" in set(pm.problems["code"])
    assert row["detected_confidence"] == "ambiguous"
    assert row["started_confidence"] == "ambiguous"


def test_real_documents_lines_hold_the_milestones_time() -> None:
    pm = pmkit.load([SHARED, HERE], progress=False)
    inc, ev = pm.incidents, pm.events
    checked = 0
    for m in ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at"):
        prov = inc[schema.provenance_column(m)].astype(object)
        from_line = inc[prov.isin(["timeline", "inferred"]).to_numpy(dtype=bool)]
        assert from_line[schema.line_column(m)].notna().all(), m
        for src, line, at in zip(
            from_line["source"], from_line[schema.line_column(m)], from_line[m], strict=True
        ):
            on_line = ev[(ev["source"] == src).to_numpy() & (ev["line"] == line).to_numpy()]
            if len(on_line):  # a summary sentence holds no event
                checked += 1
                # a window ("from 15:30 to 18:10 UTC") ends on the line of its start
                window = m in ("mitigated_at", "resolved_at")
                assert (on_line["at"] == at).any() or window, (src, m, line)
        known = inc[inc[m].notna().to_numpy()]
        assert known[schema.confidence_column(m)].notna().all(), m
    assert checked > 300


def test_platform_value_replacing_an_inferred_one_drops_the_documents_line() -> None:
    from pmkit.io.merge import merge_sources

    t = {name: schema.empty(name) for name in schema.TABLES}
    t["incidents"] = schema.conform(
        {
            "incident_id": ["PT4KHLK", "PT4KHLK"],
            "source": ["pm.md", "pd.json"],
            "detection_source": ["unknown", "monitoring"],
            "detected_at": [
                pd.Timestamp("2024-05-01 10:20", tz="UTC"),
                pd.Timestamp("2024-05-01 10:07", tz="UTC"),
            ],
            "detected_from": ["inferred", "platform"],
            "detected_line": [12, None],
        },
        "incidents",
    )
    inc = merge_sources(t)["incidents"]
    assert inc["detected_from"].tolist() == ["platform"]
    assert inc["detected_line"].isna().all()


def test_snapshot_written_before_evidence_columns_reads_back(tmp_path: Path) -> None:
    pm = _load(tmp_path, DOC)
    pm.to_parquet(tmp_path / "snap")
    path = tmp_path / "snap" / "incidents.parquet"
    old = pq.read_table(path).to_pandas()
    added = [c for c in old if c.endswith(("_line", "_confidence"))]
    assert len(added) == 14
    pq.write_table(pa.Table.from_pandas(old.drop(columns=added), preserve_index=False), path)
    manifest = json.loads((tmp_path / "snap" / "pmkit.json").read_text(encoding="utf-8"))
    del manifest["files"]  # written before the manifest recorded checksums
    (tmp_path / "snap" / "pmkit.json").write_text(json.dumps(manifest), encoding="utf-8")
    back = pmkit.read_parquet(tmp_path / "snap")
    assert back.incidents[added].isna().all().all()
    assert back.incidents["started_at"].equals(pm.incidents["started_at"])


# -- files that are no postmortems -----------------------------------------------


def test_project_files_and_templates_in_a_folder_are_skipped_with_an_info_row(
    tmp_path: Path,
) -> None:
    (tmp_path / "README.md").write_text("# Our postmortems\n", encoding="utf-8")
    (tmp_path / "CONTRIBUTING.md").write_text("# How to write one\n", encoding="utf-8")
    (tmp_path / "template-incident-report.md").write_text(
        "# Incident report template\n\n## Timeline\n\n- HH:MM what happened\n", encoding="utf-8"
    )
    (tmp_path / "2024-05-01-template-rendering.md").write_text(DOC, encoding="utf-8")
    pm = pmkit.load(tmp_path)
    assert pm.incidents["incident_id"].tolist() == ["2024-05-01-template-rendering"]
    info = pm.problems[pm.problems["level"] == "info"]
    assert sorted(Path(s).name for s in info["source"]) == [
        "CONTRIBUTING.md",
        "README.md",
        "template-incident-report.md",
    ]
    assert set(info["code"]) == {"file.not_postmortem"}
    assert info["incident_id"].isna().all()
    assert "pass its path on its own" in info["message"].iloc[0]
    assert pm.counts()["info"] == 3 and "3 info" in repr(pm)
    # a file passed by its own path is read
    assert len(pmkit.load(tmp_path / "template-incident-report.md")) == 1
    # strict loads do not fail on info rows
    assert len(pmkit.load(tmp_path, strict=True)) == 1


def test_index_pages_are_no_incidents_but_an_index_md_postmortem_is(tmp_path: Path) -> None:
    (tmp_path / "index.md").write_text(
        "# Incident Log\n\n## Q3 2024\n\n* [EKS subnet routes destroyed](incidents/eks)\n",
        encoding="utf-8",
    )
    (tmp_path / "incidents.md").write_text(
        "# All reports\n\n- [One](./one.md)\n- [Two](./two.md)\n", encoding="utf-8"
    )
    (tmp_path / "notes.md").write_text("# Notes\n\nSome thoughts.\n", encoding="utf-8")
    bundle = tmp_path / "2024-05-01-api"
    bundle.mkdir()
    (bundle / "index.md").write_text(DOC, encoding="utf-8")
    pm = pmkit.load(tmp_path)
    # a Hugo page bundle's index.md is a postmortem; a page of notes is still an incident
    assert sorted(pm.incidents["source"].map(lambda s: Path(s).name)) == ["index.md", "notes.md"]
    info = pm.problems[pm.problems["code"] == "file.not_postmortem"]
    assert sorted(Path(s).name for s in info["source"]) == ["incidents.md", "index.md"]
    assert (info["level"] == "info").all()
    assert "index page" in info["message"].iloc[0]


@pytest.mark.parametrize("root", [SHARED, HERE])
def test_no_corpus_file_that_is_no_postmortem_becomes_an_incident(root: Path) -> None:
    docs = pd.read_csv(HERE.parent / "truth" / "documents.csv")
    kinds = dict(zip(docs["file"], docs["kind"], strict=True))
    pm = pmkit.load(root, progress=False)
    read = {str(Path(s).relative_to(root)) for s in pm.incidents["source"]}
    on_disk = {str(p.relative_to(root)) for p in root.rglob("*") if p.suffix in (".md", ".qmd")}
    others = {f for f in on_disk if kinds.get(f) == "not_postmortem"}
    assert not read & others
    # and every postmortem is read
    assert {f for f in on_disk if kinds.get(f) == "postmortem"} <= read


@pytest.mark.parametrize(
    "name",
    [
        "2024-05-01-api.qmd",
        "2024-05-01-api.Rmd",
        "2024-05-01-api.mdx",
        "2024-05-01-api.html.md.erb",
    ],
)
def test_quarto_r_markdown_mdx_and_middleman_pages_are_read(tmp_path: Path, name: str) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / name).write_text(DOC, encoding="utf-8")
    pm = pmkit.load(tmp_path)
    assert pm.incidents["incident_id"].tolist() == ["2024-05-01-api"]
    assert pm.incidents.iloc[0]["detected_line"] == 12
