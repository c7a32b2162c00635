"""The Markdown reader: template, real-world shapes, time formats, problems."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import pmkit
from pmkit import loading
from pmkit.errors import ParseError
from pmkit.io.markdown import read_markdown
from pmkit.loading import _frames

TEMPLATE = Path(pmkit.__file__).parent / "templates" / "postmortem.md"
T = pd.Timestamp


def read(text: str, name: str = "2024-05-01-test.md", **kw: object) -> pmkit.Postmortems:
    parsed = read_markdown(text, source=name, **kw)  # type: ignore[arg-type]
    return pmkit.Postmortems(**_frames(parsed))


def codes(pm: pmkit.Postmortems) -> list[str]:
    return list(pm.problems["code"])


def test_template_reads_every_canvas_section() -> None:
    pm = read(TEMPLATE.read_text(encoding="utf-8"), "postmortem.md")
    inc = pm.incidents.iloc[0]
    assert inc["incident_id"] == "PM-2026-042"
    assert inc["team"] == "payments"
    assert inc["severity"] == "SEV2"
    assert inc["detection_source"] == "customer"
    # Europe/Paris is UTC+2 in September
    assert inc["started_at"] == T("2026-09-14 07:12", tz="UTC")
    assert inc["detected_at"] == T("2026-09-14 07:31", tz="UTC")
    assert inc["reported_at"] == T("2026-09-14 07:31", tz="UTC")
    assert inc["acknowledged_at"] == T("2026-09-14 07:34", tz="UTC")
    assert inc["communicated_at"] == T("2026-09-14 07:40", tz="UTC")
    assert inc["mitigated_at"] == T("2026-09-14 07:52", tz="UTC")
    assert inc["resolved_at"] == T("2026-09-14 08:30", tz="UTC")
    assert inc["started_from"] == "timeline"
    assert len(pm.events) == 6
    assert set(pm.ideas["step"]) == {"detect", "react", "quick_fix", "prevent", "other_risk"}
    acts = pm.actions
    assert len(acts) == 4
    assert list(acts["owner"]) == ["ana", "li", "sam", "ana"]
    assert list(acts["status"]) == ["open", "open", "done", "open"]
    assert list(acts["step"]) == ["detect", "react", "quick_fix", "prevent"]
    assert acts["due"].iloc[0] == T("2026-10-01", tz="UTC")
    assert acts["tracker_key"].iloc[3] == "PAY-123"
    assert acts["text"].iloc[0] == "Add TLS handshake failure alert"
    assert pm.problems.empty, pm.problems.to_dict("records")


def test_front_matter_milestones_win_over_timeline() -> None:
    text = (
        "---\nid: X-1\ntimezone: UTC\nstarted_at: 2024-05-01T09:00:00Z\n---\n"
        "# T\n\n## Timeline\n\n- 2024-05-01 10:00 [start] errors begin\n"
    )
    inc = read(text).incidents.iloc[0]
    assert inc["started_at"] == T("2024-05-01 09:00", tz="UTC")
    assert inc["started_from"] == "metadata"


def test_toml_front_matter_and_date_preamble_with_rollover() -> None:
    text = (
        '+++\ntitle = "docs outage"\n+++\n\nIntro.\n\n## Timeline of events\n\n'
        "Unless otherwise noted all events happened on 2019-10-21, and all times are in UTC.\n\n"
        "- 23:50: builds started failing\n- 23:58: alerts fired, on-call got paged\n"
        "- 00:10: rolled back the deploy\n- 00:40: all clear, resolved\n"
    )
    pm = read(text, "rust-docs.md")
    inc = pm.incidents.iloc[0]
    assert inc["title"] == "docs outage"
    assert inc["started_at"] == T("2019-10-21 23:50", tz="UTC")
    assert inc["detected_at"] == T("2019-10-21 23:58", tz="UTC")
    assert inc["mitigated_at"] == T("2019-10-22 00:10", tz="UTC")
    assert inc["resolved_at"] == T("2019-10-22 00:40", tz="UTC")
    assert "time.out_of_order" not in codes(pm)


def test_table_timeline_with_full_dates() -> None:
    text = (
        "# Title\n\n## Timeline\n\nAll times in UTC.\n\n| Time | Event |\n| --- | --- |\n"
        "| 2021-06-22 08:21 | Config replaced by the pipeline |\n"
        "| 2021-06-22 08:29 | Issue detected as a result of alerts |\n"
        "| 2021-06-22 08:32 | Issue reported by customer |\n"
    )
    pm = read(text)
    ev = pm.events
    assert list(ev["at"]) == [
        T("2021-06-22 08:21", tz="UTC"),
        T("2021-06-22 08:29", tz="UTC"),
        T("2021-06-22 08:32", tz="UTC"),
    ]
    assert list(ev["kind"])[1:] == ["detected", "reported"]
    inc = pm.incidents.iloc[0]
    # no line says the impact started: the first timeline line is used, with provenance
    assert inc["started_at"] == T("2021-06-22 08:21", tz="UTC")
    assert inc["detection_source"] == "monitoring"


def test_table_timeline_with_separate_date_and_time_columns() -> None:
    # chia 2022-06-28-ProxyAbuseReport: each row's date cell gives its day, and a
    # row without one inherits the date above it
    text = (
        "# Title\n\n## Timeline (all times UTC)\n\n"
        "| Day | Date (2022) | Time (UTC) | Event |\n|-----|------|------|------|\n"
        "| Mon | Jun 27 | 13:47 | Team turns off one testing EC2 instance |\n"
        "| Tues | Jun 28 | 20:36 | AWS sends an automated email to Chia |\n"
        "| | | 21:20 | IPS initiates a War-room |\n"
        "| Wed | Jun 29 | 7:05 | IPS team begins investigating |\n"
    )
    pm = read(text, "2022-06-28-proxy.md")
    ev = pm.events
    assert list(ev["at"]) == [
        T("2022-06-27 13:47", tz="UTC"),
        T("2022-06-28 20:36", tz="UTC"),
        T("2022-06-28 21:20", tz="UTC"),
        T("2022-06-29 07:05", tz="UTC"),
    ]
    # the weekday, date and time columns are the row's time, not its text
    assert ev["text"].iloc[0] == "Team turns off one testing EC2 instance"
    assert "time.out_of_order" not in codes(pm)


def test_zone_abbreviation_resolved_with_the_date_and_pst_in_july_flagged() -> None:
    text = (
        "# Title\n\n## Timeline (all times PST)\n\n_7/5/2023_\n\n"
        "12:11 PM: alert fired for the wallet\n\n13:06 PM: rolled back\n"
    )
    pm = read(text)
    ev = pm.events
    # July in Los Angeles is PDT, UTC-7
    assert ev["at"].iloc[0] == T("2023-07-05 19:11", tz="UTC")
    assert ev["at"].iloc[1] == T("2023-07-05 20:06", tz="UTC")
    found = codes(pm)
    assert "time.zone_dst" in found
    assert "time.pm_24h" in found
    msg = pm.problems.set_index("code").loc["time.pm_24h", "message"]
    assert "13:06 PM" in msg


def test_no_zone_anywhere_is_a_problem_not_a_guess() -> None:
    text = "# T\n\n## Timeline\n\n- 2024-05-01 10:00 errors begin\n- 10:07 alert fired\n"
    pm = read(text)
    assert pm.events["at"].isna().all()
    assert list(pm.events["raw_time"]) == ["2024-05-01 10:00", "10:07"]
    row = pm.problems[pm.problems["code"] == "time.no_zone"].iloc[0]
    assert row["line"] == 5
    assert "pass tz='Europe/Paris' to pmkit.load" in row["message"]
    # the caller's zone fills the gap
    pm2 = read(text, tz="Europe/Paris")
    assert pm2.events["at"].iloc[0] == T("2024-05-01 08:00", tz="UTC")
    assert "time.no_zone" not in codes(pm2)


def test_code_blocks_html_and_placeholders() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n- 2024-05-01 10:00 <b>errors</b> begin\n"
        "```\n2024-05-01T10:03:00Z ERROR pool timed out\n```\n"
        "- --:-- waiting for vendor\n- 10:30 resolved\n"
    )
    pm = read(text)
    ev = pm.events
    assert len(ev) == 3
    assert ev["text"].iloc[0] == "errors begin"
    assert pd.isna(ev["at"].iloc[1])
    assert "time.placeholder" in codes(pm)
    assert ev["kind"].iloc[2] == "resolved"


def test_explicit_markers_win_and_are_removed_from_text() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC. 2024-05-01\n\n"
        "- 10:00 **OUTAGE BEGINS** deploy of v2\n- 10:05 [detected] someone looked at a graph\n"
    )
    ev = read(text).events
    assert list(ev["kind"]) == ["impact_start", "detected"]
    assert "[detected]" not in ev["text"].iloc[1]


def test_relative_times_anchor_on_start() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n- 2024-05-01 10:00 [start] errors begin\n"
        "- T+12m alert fired\n- T+1h rolled back\n"
    )
    inc = read(text).incidents.iloc[0]
    assert inc["detected_at"] == T("2024-05-01 10:12", tz="UTC")
    assert inc["mitigated_at"] == T("2024-05-01 11:00", tz="UTC")


def test_resolved_at_is_the_last_resolution_and_mitigated_at_the_first() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n- 2022-07-07 08:58 [start] account deleted\n"
        "- 2022-07-07 10:09 Major outage closed\n"
        "- 2022-07-07 13:40 Metrics availability confirmed by end user\n"
    )
    inc = read(text).incidents.iloc[0]
    assert inc["resolved_at"] == T("2022-07-07 13:40", tz="UTC")
    # no mitigation line: the impact had ended by the first "resolved" line
    assert inc["mitigated_at"] == T("2022-07-07 10:09", tz="UTC")


def test_a_marked_mitigation_beats_an_earlier_worded_one() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 2022-02-08 12:05 **Detection:** Prometheus fails to start after upgrade.\n"
        "- 2022-02-08 12:25 Two new EC2 instances were spawned, and the two unhealthy ones "
        "were terminated.\n"
        "- 2022-02-08 12:48 **Recovery:** We were able to start Prometheus again.\n"
    )
    inc = read(text).incidents.iloc[0]
    assert inc["mitigated_at"] == T("2022-02-08 12:48", tz="UTC")


def test_a_mitigation_before_detection_gives_way_to_a_later_one() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 2022-06-27 20:47 Team turns off one testing EC2 instance\n"
        "- 2022-06-29 03:36 AWS sends an automated email about an abuse complaint\n"
        "- 2022-06-29 04:30 IPS turns off all EC2 instances as a precautionary measure\n"
    )
    inc = read(text).incidents.iloc[0]
    assert inc["mitigated_at"] == T("2022-06-29 04:30", tz="UTC")


def test_a_mitigation_before_detection_stays_when_no_later_line_mitigates() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 2022-06-27 20:40 [start] errors begin\n"
        "- 2022-06-27 20:47 Autoscaler restarted the pods\n"
        "- 2022-06-27 20:55 Alert fired for the error rate\n"
    )
    inc = read(text).incidents.iloc[0]
    assert inc["mitigated_at"] == T("2022-06-27 20:47", tz="UTC")


def test_start_and_acknowledgement_after_the_first_resolution_are_not_taken() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 2019-11-29 12:00 Proactively scaling up the cluster from 7 to 10 nodes\n"
        "- 2019-11-30 08:24 Automated warning from AWS about free IP addresses\n"
        "- 2019-12-05 07:00 All systems verified operational\n"
        "- 2019-12-05 07:10 Looking into the issue\n"
        "- 2019-12-05 12:00 Pull request unexpectedly triggers the pipeline\n"
    )
    pm = read(text)
    inc = pm.incidents.iloc[0]
    # the earliest line before detection, as when no line marks the start
    assert inc["started_at"] == T("2019-11-29 12:00", tz="UTC")
    assert pd.isna(inc["acknowledged_at"])
    assert "milestone.order" not in codes(pm)


@pytest.mark.parametrize(
    "opening", ["Kubernetes upgrade commenced", "Maintenance for changing groups started"]
)
def test_inferred_start_skips_work_that_only_begins(opening: str) -> None:
    text = (
        f"# T\n\n## Timeline\n\nAll times UTC.\n\n- 2021-06-30 08:32 {opening}\n"
        "- 2021-06-30 09:59 Infrastructure Modules release 0.2.119\n"
        "- 2021-06-30 10:00 Status 503 messages witnessed\n"
    )
    pm = read(text)
    assert pm.incidents.iloc[0]["started_at"] == T("2021-06-30 09:59", tz="UTC")
    assert "milestone.inferred" in codes(pm)


def test_inferred_start_keeps_work_that_begins_right_before_detection() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n- 2021-06-30 08:32 Kubernetes upgrade commenced\n"
        "- 2021-06-30 10:00 Status 503 messages witnessed\n"
        "- 2021-06-30 10:04 rolled back\n"
    )
    assert read(text).incidents.iloc[0]["started_at"] == T("2021-06-30 08:32", tz="UTC")


def test_headings_map_to_steps_and_keep_original() -> None:
    text = (
        "# T\n\n## Root Cause\n\nThe cache was cold.\n\n## Contributing factors\n\n"
        "- no alert on disk\n\n## Lessons learned\n\n- add alerts\n\n"
        "## Action items\n\n- Add disk alert - owner: Bob, due 2024-06-01\n"
    )
    pm = read(text)
    assert list(pm.ideas["step"]) == ["cause", "cause", "lesson"]
    assert list(pm.ideas["heading"]) == ["Root Cause", "Contributing factors", "Lessons learned"]
    act = pm.actions.iloc[0]
    assert act["owner"] == "Bob"
    assert act["due"] == T("2024-06-01", tz="UTC")
    assert act["status"] == "unknown"


def test_action_table_with_owner_and_due_columns() -> None:
    text = (
        "# T\n\n## Next Steps\n\n| Action | Owner | Due | Status |\n|---|---|---|---|\n"
        "| Add alert | @ana | 2026-10-01 | done |\n| Runbook | | | open |\n"
    )
    acts = read(text).actions
    assert list(acts["text"]) == ["Add alert", "Runbook"]
    assert acts["owner"].iloc[0] == "ana"
    assert pd.isna(acts["owner"].iloc[1])
    assert list(acts["status"]) == ["done", "open"]


def test_bad_front_matter_is_reported_and_body_still_read() -> None:
    pm = read("---\ntitle: [unclosed\n---\n# Real title\n")
    assert pm.incidents["title"].iloc[0] == "Real title"
    row = pm.problems.iloc[0]
    assert row["code"] == "frontmatter.invalid"
    assert row["level"] == "error"
    pm = read("---\n- a list\n---\n# X\n")
    assert "frontmatter.not_mapping" in codes(pm)
    assert "must be a mapping" in pm.problems["message"].iloc[0]


def test_date_from_file_name_and_missing_timeline() -> None:
    pm = read("# Outage\n\nSomething broke.\n", "2022-03-04-db.md")
    inc = pm.incidents.iloc[0]
    assert inc["occurred_at"] == T("2022-03-04", tz="UTC")
    assert inc["summary"] == "Something broke."
    assert "timeline.missing" in codes(pm)
    msg = pm.problems.loc[pm.problems["code"] == "timeline.missing", "message"].iloc[0]
    assert msg.startswith("no Timeline section and no times in the text;")
    pm = read("# Outage\n", "untitled.md")
    assert "date.missing" in codes(pm)
    # times read from prose are said to be less sure, not said to be absent
    pm = read(
        "# Outage\n\nAt 10:00 UTC the database failed; at 10:20 UTC we failed over.\n",
        "2022-03-04-db.md",
    )
    msg = pm.problems.loc[pm.problems["code"] == "timeline.missing", "message"].iloc[0]
    assert msg.startswith("no Timeline section; 2 time(s) or date(s) were read from the prose")


def test_out_of_order_line_is_kept_and_warned() -> None:
    text = "# T\n\n## Timeline\n\nAll times UTC.\n\n- 2024-05-01 10:30 fix\n- 10:20 alert fired\n"
    pm = read(text)
    assert pm.events["at"].iloc[1] == T("2024-05-01 10:20", tz="UTC")
    assert "time.out_of_order" in codes(pm)


def test_one_misplaced_line_gives_one_order_warning() -> None:
    # chia 2022-01-20: a 22:40 row written before the 22:06 ... 22:30 rows
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n- 2024-05-01 21:50 alert fired\n"
        "- 22:40 logs pulled\n- 22:06 account locked\n- 22:10 keys rotated\n- 22:30 all clear\n"
    )
    pm = read(text)
    lines = pm.problems.loc[pm.problems["code"] == "time.out_of_order", "line"].tolist()
    assert lines == [9]  # the line earlier than the one before it, and no other
    assert pm.events["at"].iloc[3] == T("2024-05-01 22:10", tz="UTC")


def test_load_folder_skips_readmes_reports_empty_and_binary(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# not a postmortem\n")
    (tmp_path / "a.md").write_text("# A\n")
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "bin.md").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    pm = pmkit.load(tmp_path)
    assert sorted(pm.incidents["incident_id"]) == ["a", "latin"]
    assert pm.incidents.set_index("incident_id").loc["latin", "title"] == "Café"
    got = set(pm.problems["code"])
    assert {"file.empty", "file.binary", "file.encoding"} <= got
    with pytest.raises(ParseError, match=r"bin\.md: file holds binary data"):
        pmkit.load(tmp_path, strict=True)


def test_load_missing_path_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="does not exist; pass a folder, a file or a glob"):
        pmkit.load(tmp_path / "nope")


def test_duplicate_ids_are_kept_and_reported(tmp_path: Path) -> None:
    for name in ("one.md", "two.md"):
        (tmp_path / name).write_text("---\nid: PM-1\n---\n# X\n")
    pm = pmkit.load(tmp_path)
    assert len(pm) == 2
    dup = pm.problems[pm.problems["code"] == "id.duplicate"]
    assert len(dup) == 2
    assert "also used by" in dup["message"].iloc[0]


def test_parquet_round_trip_keeps_dtypes(tmp_path: Path) -> None:
    pm = read(TEMPLATE.read_text(encoding="utf-8"), "postmortem.md")
    pm.to_parquet(tmp_path / "snap")
    back = pmkit.read_parquet(tmp_path / "snap")
    for name, df in pm.tables.items():
        pd.testing.assert_frame_equal(back.tables[name], df)


def test_snapshot_from_before_inferred_provenance_reads_back(tmp_path: Path) -> None:
    # snapshots written before "inferred" existed store three provenance categories
    pm = read(TEMPLATE.read_text(encoding="utf-8"), "postmortem.md")
    pm.to_parquet(tmp_path / "snap")
    path = tmp_path / "snap" / "incidents.parquet"
    old = pq.read_table(path).to_pandas()
    old["started_from"] = old["started_from"].cat.remove_categories(["inferred"])
    assert list(pq.read_table(path).to_pandas()["started_from"].cat.categories) == list(
        pmkit.schema.PROVENANCES
    )
    pq.write_table(pa.Table.from_pandas(old, preserve_index=False), path)
    _forget_checksums(tmp_path / "snap")
    assert len(pq.read_table(path).to_pandas()["started_from"].cat.categories) == 3
    back = pmkit.read_parquet(tmp_path / "snap")
    pd.testing.assert_frame_equal(back.incidents, pm.incidents)


def test_snapshot_reads_into_jemalloc_unless_a_pool_was_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pmkit.io import parquet

    pm = read(TEMPLATE.read_text(encoding="utf-8"), "postmortem.md")
    pm.to_parquet(tmp_path / "snap")
    used: list[str] = []
    real = parquet.pq.read_table

    def spy(*args: Any, **kwargs: Any) -> Any:
        used.append(pa.default_memory_pool().backend_name)
        return real(*args, **kwargs)

    monkeypatch.setattr(parquet.pq, "read_table", spy)
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    mimalloc = pa.mimalloc_memory_pool()
    previous = pa.default_memory_pool()
    pa.set_memory_pool(mimalloc)
    try:
        back = pmkit.read_parquet(tmp_path / "snap")
        assert used == ["jemalloc"] * 5
        assert pa.default_memory_pool().backend_name == "mimalloc"  # restored
        pd.testing.assert_frame_equal(back.incidents, pm.incidents)
        used.clear()
        pa.set_memory_pool(pa.system_memory_pool())  # the user's choice is kept
        pmkit.read_parquet(tmp_path / "snap")
        assert used == ["system"] * 5
        used.clear()
        pa.set_memory_pool(mimalloc)
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
        pmkit.read_parquet(tmp_path / "snap")
        assert used == ["mimalloc"] * 5
        # restored after a failed read too
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        (tmp_path / "snap" / "events.parquet").write_bytes(b"not parquet")
        with pytest.raises(ParseError, match=r"events.parquet: this snapshot file cannot be read"):
            pmkit.read_parquet(tmp_path / "snap")
        assert pa.default_memory_pool().backend_name == "mimalloc"
    finally:
        pa.set_memory_pool(previous)


def _forget_checksums(snap: Path) -> None:
    """Make ``snap`` a snapshot as written before its manifest recorded checksums."""
    manifest = json.loads((snap / "pmkit.json").read_text(encoding="utf-8"))
    manifest.pop("files", None)
    (snap / "pmkit.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_a_damaged_snapshot_says_which_file_and_how_to_fix_it(tmp_path: Path) -> None:
    pm = read(TEMPLATE.read_text(encoding="utf-8"), "postmortem.md")
    fix = "write the snapshot again with pm.to_parquet"
    snap = tmp_path / "snap"
    pm.to_parquet(snap)
    (snap / "pmkit.json").write_text("{bad", encoding="utf-8")
    with pytest.raises(ParseError, match=rf"pmkit.json: this snapshot file cannot be read .*{fix}"):
        pmkit.read_parquet(snap)
    pm.to_parquet(snap)
    pq.write_table(pq.read_table(snap / "events.parquet").drop_columns(["heading"]),
                   snap / "events.parquet")  # fmt: skip
    with pytest.raises(ParseError, match=r"events.parquet: .*checksum does not match") as err:
        pmkit.read_parquet(snap)
    assert err.value.code == "snapshot.damaged"
    _forget_checksums(snap)  # as a snapshot written before they were recorded
    with pytest.raises(ParseError, match=r"events.parquet: .*\(no column heading\)") as err:
        pmkit.read_parquet(snap)
    assert err.value.code == "snapshot.damaged"
    pm.to_parquet(snap)
    (snap / "ideas.parquet").unlink()
    with pytest.raises(ParseError, match=r"ideas.parquet: this snapshot file cannot be read"):
        pmkit.read_parquet(snap)


def test_snapshot_write_is_atomic(tmp_path: Path) -> None:
    pm = read(TEMPLATE.read_text(encoding="utf-8"), "postmortem.md")
    pm.to_parquet(tmp_path / "snap")
    broken = pmkit.Postmortems()
    broken.incidents = pd.DataFrame({"x": [1]})  # invalid: the write must fail before replacing
    with pytest.raises(pmkit.SchemaError):
        broken.to_parquet(tmp_path / "snap")
    assert len(pmkit.read_parquet(tmp_path / "snap")) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["snap"]


def test_dated_lines_without_clock_are_day_events_and_date_lines_are_inherited() -> None:
    text = (
        "# T\n\n## Timeline (all times PST) 10/14/2022 - 11/03/2022\n\n"
        "10/14/2022 - A researcher submitted a bug report via the bounty program.\n\n"
        "_10/20/2022_\n\n9:00 AM: patch merged\n"
    )
    ev = read(text).events
    assert list(ev["time_precision"]) == ["day", "minute"]
    assert ev["at"].iloc[0] == T("2022-10-14 07:00", tz="UTC")  # midnight PDT
    assert ev["at"].iloc[1] == T("2022-10-20 16:00", tz="UTC")
    assert ev["raw_time"].iloc[0] == "10/14/2022"


def test_timeline_line_starting_with_a_time_starts_an_event_without_a_blank_line() -> None:
    text = (
        "# T\n\n## Timeline (PST)\n\n"
        "12:27 PM: The user reported clicking on a link from LinkedIn. The link prompted for\n"
        "           login access to microsoft.\n"
        "1:31 PM: Course of action is to leave the affected laptop off until a restore.\n"
        "           The user will also ensure that passwords are changed.\n"
        "- 1:40 PM: traffic rolled back at\n"
        "1:45 PM and the error rate fell\n"
        "10 minutes later the queue drained\n"
        "2:57 PM: An IPS member re-enabled the user's Okta account.\n"
    )
    ev = read(text).events
    assert list(ev["line"]) == [5, 7, 9, 12]
    assert list(ev["at"].dt.strftime("%H:%M")) == ["19:27", "20:31", "20:40", "21:57"]
    assert ev["text"].iloc[0].endswith("login access to microsoft")
    assert ev["text"].iloc[1].endswith("passwords are changed")
    # a time that completes the line above, and a number that is not a time, continue it
    wrapped = "at 1:45 PM and the error rate fell 10 minutes later the queue drained"
    assert ev["text"].iloc[2].endswith(wrapped)


def test_placeholder_times_keep_a_known_hour() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times in UTC.\n\n| Time | Event |\n|---|---|\n"
        "| 2024-03-13 HH:mm | Short event description |\n"
        "| 2024-03-13 14:?? | Scaled the container down |\n"
    )
    pm = read(text)
    ev = pm.events
    assert pd.isna(ev["at"].iloc[0])
    assert ev["at"].iloc[1] == T("2024-03-13 14:00", tz="UTC")
    assert list(ev["time_precision"].astype(object).fillna("-")) == ["-", "hour"]
    msgs = pm.problems[pm.problems["code"] == "time.placeholder"]["message"]
    assert msgs.str.contains("('14:??'); read to the hour", regex=False).any()


def test_snapshot_folders_are_not_read_as_postmortems(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# A\n")
    pmkit.load(tmp_path).to_parquet(tmp_path / "snap")
    pm = pmkit.load(tmp_path)
    assert list(pm.incidents["incident_id"]) == ["a"]
    assert not pm.problems["code"].str.startswith(("table.", "file.")).any()


def test_progress_callback_and_bar(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(3):
        (tmp_path / f"d{i}.md").write_text(f"# D{i}\n")
    calls: list[tuple[int, int]] = []
    pmkit.load(tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (3, 3)
    pmkit.load(tmp_path, progress=True)
    assert "3/3 files" in capsys.readouterr().err
    pmkit.load(tmp_path, progress=False)
    assert capsys.readouterr().err == ""


def test_key_value_block_under_the_title_fills_metadata() -> None:
    text = (
        "# Checkout errors\n\n**Team:** payments  \n**Service:** checkout  \n"
        "- Severity: SEV2\n\nCheckout failed for an hour.\n"
    )
    inc = read(text).incidents.iloc[0]
    assert (inc["team"], inc["service"], inc["severity"]) == ("payments", "checkout", "SEV2")
    assert inc["summary"] == "Checkout failed for an hour."
    # front matter wins over the block
    inc = read("---\nteam: identity\n---\n" + text).incidents.iloc[0]
    assert inc["team"] == "identity"


_PARENT_PID = os.getpid()


def _dying_parse_chunk(*args: Any) -> Any:
    """Kills any worker process it runs in; reads normally in the test process."""
    if os.getpid() != _PARENT_PID:
        os._exit(1)
    return _REAL_PARSE_CHUNK(*args)


_REAL_PARSE_CHUNK = loading._parse_chunk


def test_a_dead_worker_does_not_lose_the_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(6):
        (tmp_path / f"d{i}.md").write_text(f"# D{i}\n")
    monkeypatch.setattr(loading, "_PARALLEL_MIN", 2)
    monkeypatch.setattr(loading, "_CHUNK", 2)
    monkeypatch.setattr(loading, "_parse_chunk", _dying_parse_chunk)
    pm = pmkit.load(tmp_path, workers=2, progress=False)
    assert sorted(pm.incidents["incident_id"]) == [f"d{i}" for i in range(6)]
    died = pm.problems[pm.problems["code"] == "load.worker_died"]
    assert len(died) == 1
    assert "were read again in the main process" in died["message"].iloc[0]


def test_time_taken_out_of_a_sentence_leaves_one_comma() -> None:
    p = read_markdown(
        "# DNS\n\nOn Wednesday, 2023-01-25 at 09:15 UTC, we deployed changes.\n",
        source="x.md",
    )
    assert p.tables["events"]["text"] == ["On Wednesday, we deployed changes"]


_ACTION_LINES = [
    "- [x] Alert on queue age (detect) — @lena, due 2025-02-23",
    "- [ ] Health check does a real request (quick_fix) — @lena, due 2025-04-23, DATA-481",
    "- [ ] Alert on failover events IAM-41 (detect) — @ravi, due 2024-06-01",
    "- [ ] Page the owner by phone (react) — @jo, due 2024-06-10",
    "- [ ] Set a target for lag (prevent) — @jo, due 2024-06-10, OPS-2",
    "- [ ] Script the failover (OPS-7) — @ana.r, due 2024-02-30",
    "- [X] Rotate keys (prevent) — @a_b, due 2024-06-10",
    "- [ ] Rotate keys  twice (prevent) — @ab, due 2024-06-10",
    "- [ ] Réviser le runbook (react) — @ab, due 2024-06-10",
    "- [ ] Rotate keys (prevent) — @ab, due 2024-06-10, OPS-1 ",
    "- [ ] Who owns this? (prevent) — @ab, due 2024-06-10",
    "- [ ] Rotate keys (OPS-3) (other_risk) — @ab, due 2024-06-10, OPS-4",
    "- [ ] Tell the team - owners first (detect) — @ab, due 2024-06-10",
    "- [ ] Alert on lag (owner: Omar Aziz, due: 2025-04-07)",
    "- [x] Require review (owner: Wei Zhang, due: 2025-03-15, DATA-2364)",
    "- [ ] Alert on lag (owner: Eta Aziz, due: 2025-04-07)",
    "- [ ] Alert who: ops (owner: Omar Aziz, due: 2025-04-07)",
    "- [ ] Alert on lag (owner: Omar Aziz, due: 2025-02-31)",
    "- [ ] Alert on lag (detect) — @OPS-12, due 2025-02-03, OPS-13",
    "- [ ] Alert on lag (prevent) — @ana, due 2025-02-03, OPS-14",
    "- [ ] Alert nearby standby metadata (prevent) — @ana, due 2025-02-03",
    "- [ ] Set limit=5 (prevent) — @ana, due 2025-02-03",
    "- [ ] Page on_call first (react) — @ana",
    "- [x] Page on_call first (react) — due 2025-02-03, OPS-15",
    "- [ ] Page _on call (react) — @ana",
    "- [ ] Page on__call (react) — @ana",
    "- [ ] Page x-_on call (react) — @ana",
    "- [ ] Page on call (react) — @Beta, OPS-16",
    # forms the general path reads since the actions of real corpora were checked
    "- [ ] Alert on lag (detect) — @ana, due 2025-02-03 (done)",
    "- [ ] Alert on lag (done) (detect) — @ana, due 2025-02-03",
    "- [ ] Alert on lag (detect) — @ana, due 2025-02-03, Status: in progress",
    "- [ ] Alert on lag Owner: @ana (detect) — due 2025-02-03",
    "- [ ] Action: alert on lag (detect) — @ana, due 2025-02-03",
    "- [ ] Alert on lag (detect) — @ana, due 2025-02-03 https://github.com/o/r/pull/12",
    "- [ ] Alert on lag [#12] (detect) — @ana, due 2025-02-03",
    "- Alert on lag (detect) — @ana, due 2025-02-03 ✅",
    "- [ ] Alert on lag [ref] (detect) — @ana, due 2025-02-03",
    "",
    "[#12]: https://github.com/o/r/issues/12",
    "[ref]: https://example.com/doc",
]


@pytest.mark.parametrize("which", ["synth", "corpora", "bad", "actions"])
def test_shortcuts_read_as_the_general_path_reads_them(
    which: str, tmp_path: Path, corpora_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader takes common timeline lines ("16:21 text", "8:22 AM: text",
    # "2026-04-16 17:41 text") and pmkit's own action form by shortcuts; with
    # the shortcuts off every table must come out the same.
    from pmkit import synth
    from pmkit.io.markdown._sections import _Sections
    from pmkit.io.markdown._timeline import _Timeline

    paths = {
        "synth": tmp_path,
        "actions": tmp_path,
        "corpora": corpora_dir,
        "bad": Path(__file__).parent / "data" / "bad",
    }[which]
    if which == "synth":
        synth.write(200, tmp_path, seed=11)
    if which == "actions":
        (tmp_path / "2024-05-01-x.md").write_text(
            "# X\n\n## Next Steps\n\n" + "\n".join(_ACTION_LINES) + "\n", encoding="utf-8"
        )
    fast = pmkit.load(paths, progress=False)
    taken = {"fast_item": 0, "plain_action": 0}
    real_item, real_action = _Timeline.fast_item, _Sections.plain_action

    def item(self: _Timeline, *args: Any) -> Any:
        found = real_item(self, *args)
        taken["fast_item"] += found is not None
        return found

    def action(self: _Sections, *args: Any) -> bool:
        found = real_action(self, *args)
        taken["plain_action"] += found
        return found

    monkeypatch.setattr(_Timeline, "fast_item", item)
    monkeypatch.setattr(_Sections, "plain_action", action)
    pmkit.load(paths, progress=False)
    monkeypatch.setattr(_Timeline, "fast_item", lambda self, *a: None)
    monkeypatch.setattr(_Sections, "plain_action", lambda self, *a: False)
    general = pmkit.load(paths, progress=False)
    for name in ("incidents", "events", "ideas", "actions", "problems"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(general, name))
    if which == "synth":
        # the shortcuts were really taken
        assert taken["fast_item"] > 1000 and taken["plain_action"] > 100
    if which == "actions":
        assert taken["plain_action"] == 14  # the lines the others stand beside
        assert len(fast.actions) == sum(line.startswith("- ") for line in _ACTION_LINES)


def test_action_metadata_in_closing_brackets_is_not_part_of_the_text() -> None:
    p = read_markdown(
        "# X\n\n## Follow-ups\n\n"
        "- [ ] Weekly review of alerts (owner: Raj Iyer, due: 2025-01-15, PLAT-1024)\n"
        "- [x] Keep the (noisy) pager quiet (due: 2025-02-01)\n"
        "- [ ] Rotate keys (see the runbook)\n",
        source="x.md",
    )
    a = p.tables["actions"]
    assert a["text"] == [
        "Weekly review of alerts",
        "Keep the (noisy) pager quiet",
        "Rotate keys (see the runbook)",
    ]
    assert a["owner"][0] == "Raj Iyer" and a["tracker_key"][0] == "PLAT-1024"


def test_month_and_day_without_year_carry_to_later_times() -> None:
    # posthog shai-hulud: the second sentence is on November 24th, not the file's date
    text = (
        "# Attack\n\nAt 4:11 AM UTC on November 24th, a number of our SDKs and other "
        "packages were compromised.\n\nBy 9:30 AM UTC, we had identified the malicious "
        "packages, deleted them, and revoked the tokens used to publish them.\n"
    )
    pm = read(text, "2025-11-26-attack.md")
    inc = pm.incidents.iloc[0]
    want = [T("2025-11-24 04:11", tz="UTC"), T("2025-11-24 09:30", tz="UTC")]
    assert list(pm.events["at"]) == want
    assert inc["started_at"] == T("2025-11-24 04:11", tz="UTC")
    assert inc["mitigated_at"] == T("2025-11-24 09:30", tz="UTC")


def test_summary_window_gives_the_start() -> None:
    # rust crates.io 2023-07-20: the timeline marks no start, the summary states the window
    text = (
        "# Broken downloads\n\n## Summary\n\nOn 2023-07-20 between 12:17 and 12:30 UTC all "
        "crate downloads were broken due to a deployment.\n\n## Timeline\n\n"
        "- 12:17 UTC – The staging deployment was promoted to the production environment\n"
        "- 12:30 UTC – The deployment was rolled back\n"
    )
    pm = read(text, "2023-07-20-crates.md")
    inc = pm.incidents.iloc[0]
    assert inc["started_at"] == T("2023-07-20 12:17", tz="UTC")
    assert inc["started_from"] == "timeline"
    assert "milestone.inferred" not in codes(pm)


def test_window_outside_the_summary_is_not_the_start() -> None:
    text = (
        "# T\n\n## Root cause\n\nThe cron job runs between 02:00 and 03:00 UTC.\n\n"
        "## Timeline\n\n- 2024-05-01 10:00 UTC deployed the release\n"
        "- 2024-05-01 10:30 UTC rolled back\n"
    )
    inc = read(text).incidents.iloc[0]
    assert inc["started_at"] == T("2024-05-01 10:00", tz="UTC")  # inferred, not 02:00


def test_range_zone_written_after_the_end_applies_to_the_start() -> None:
    # posthog 2024-02-28: "from 15:30 to 18:10 UTC" in prose, no other zone anywhere
    text = (
        "On 28th February, PostHog Feature Flags went down for about 3 hours, "
        "from 15:30 to 18:10 UTC.\n\nOur database started stalling.\n"
    )
    pm = read(text, "2024-02-28-decide-is-down.md")
    assert "time.no_zone" not in codes(pm)
    assert list(pm.events["at"]) == [T("2024-02-28 15:30", tz="UTC")]
    assert pm.events["raw_time"].iloc[0] == "15:30"
    # a timeline line (general path; and past the fast path, whose zone in force
    # would be wrong), and a prose sentence cut in two clauses at "and"
    text = (
        "# T\n\nAll times in CET.\n\n## Timeline\n\n"
        "- 2024-05-01 10:00 to 11:00 UTC: failover to the standby region\n"
        "- 2024-05-01 10:00 - 11:00 UTC: failover to the standby region\n"
        "- 2024-05-01 10:00-11:00 UTC: failover to the standby region\n"
        "- 2024-05-01 12:00 UTC+2 to 11:00 UTC: a zone of its own is kept\n"
        "- 2024-05-01 13:00 to 14:00: no zone after the range, the zone in force\n"
    )
    at = list(read(text).events["at"])
    assert at == [T("2024-05-01 10:00", tz="UTC")] * 4 + [T("2024-05-01 11:00", tz="UTC")]
    # in prose a range is one clause, read at its start; the sentence goes on after it
    text = "Downloads failed between 12:17 and 12:30 UTC, and at 12:40 UTC the cache was purged.\n"
    pm = read(text)
    assert "time.no_zone" not in codes(pm)
    assert list(pm.events["at"]) == [
        T("2024-05-01 12:17", tz="UTC"),
        T("2024-05-01 12:40", tz="UTC"),
    ]


def test_start_without_detection_is_a_change_before_the_response() -> None:
    # rust dns 2023-01-25: "we deployed changes", then the DNS record failed; no detection line
    text = (
        "# DNS\n\nOn Wednesday, 2023-01-25 at 09:15 UTC, we deployed changes to the "
        "production infrastructure. Around 9:30 UTC, the DNS record started to get "
        "propagated again and by 9:40 UTC traffic had returned to normal levels.\n"
    )
    pm = read(text, "rust-dns-2023-01-25.md")
    inc = pm.incidents.iloc[0]
    assert inc["started_at"] == T("2023-01-25 09:15", tz="UTC")
    assert inc["started_from"] == "inferred"
    msgs = pm.problems.loc[pm.problems["code"] == "milestone.inferred", "message"]
    assert any("a change before the first response" in m for m in msgs)


def test_a_mitigation_taken_from_the_resolution_is_inferred_even_from_front_matter() -> None:
    text = (
        "---\nresolved_at: 2024-05-01T11:00:00Z\n---\n# T\n\n## Timeline\n\n"
        "All times UTC.\n\n- 2024-05-01 10:00 [start] errors begin\n- 10:05 alert fired\n"
    )
    inc = read(text).incidents.iloc[0]
    assert inc["mitigated_at"] == inc["resolved_at"] == T("2024-05-01 11:00", tz="UTC")
    assert (inc["mitigated_from"], inc["resolved_from"]) == ("inferred", "metadata")


def test_no_start_inferred_from_a_note_without_detection() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n- 2024-05-01 10:00 a researcher wrote to us\n"
        "- 2024-05-01 11:00 incident closed\n"
    )
    inc = read(text).incidents.iloc[0]
    assert pd.isna(inc["started_at"])


def test_an_acknowledgement_naming_alarms_is_the_detection_too() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 2024-05-01 16:49 Site repo branch renamed\n"
        "- 16:52 Site is hard down, engineers respond to alarms and begin trouble shooting\n"
        "- 16:53 Engineers revert the change\n"
    )
    row = read(text).incidents.iloc[0]
    assert row["detected_at"] == row["acknowledged_at"] == T("2024-05-01 16:52", tz="UTC")
    assert row["detection_source"] == "monitoring"
    # an inferred detection does not in turn infer the start; the change before
    # the first response does
    assert row["started_at"] == T("2024-05-01 16:49", tz="UTC")
    assert "milestone.inferred" in codes(read(text))
    # both are recorded as inferred; the acknowledgement is stated
    assert (row["detected_from"], row["started_from"]) == ("inferred", "inferred")
    assert row["acknowledged_from"] == "timeline"


def test_an_acknowledgement_naming_only_staff_is_no_detection() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 2024-05-01 21:34 Chia employee starts troubleshooting via direct messages\n"
        "- 22:59 The employee notices odd commands in the history\n"
    )
    row = read(text).incidents.iloc[0]
    assert row["acknowledged_at"] == T("2024-05-01 21:34", tz="UTC")
    assert row["detected_at"] == T("2024-05-01 22:59", tz="UTC")


def test_actions_state_owner_done_and_links_as_real_postmortems_write_them() -> None:
    # posthog and rust-lang postmortems: sub-headings of "## Remediation", check
    # marks, "(done)", a closing "Owner: @name", "**Action item:**" paragraphs,
    # pull request links inline, as sub-bullets and as "[#2226]" references
    text = (
        "# X\n\n## Remediation\n\n### Immediate Actions (Completed)\n\n"
        "- Timeouts moved to runtime configuration\n\n"
        "### Short-term Improvements\n\n"
        "- ✅ Reverted the change\n"
        "    - https://github.com/o/r/pull/2935\n"
        "    - https://github.com/o/r/pull/2936\n"
        "- Sent communications\n"
        "  - See https://example.com/docs/METRICS.md.\n"
        "- **API layer**: add a fallback. [[PR](https://github.com/o/r/pull/2428)]\n"
        "- Implement guards against invalid selection (done)\n"
        "- Add a status page, Status: in progress\n\n"
        "**Action item:** Start incidents earlier. Owner: @lucasheriques\n\n"
        "### Long-term Improvements\n\n"
        "- **Version testing**: Add automated tests. Owner: Jane Doe\n"
        "- [#2226]: Add simple logging, see [kiam-pr]\n\n"
        "[#2226]: https://github.com/rust-lang/crates.io/issues/2226\n"
        "[kiam-pr]: https://github.com/uswitch/kiam/pull/427\n"
    )
    acts = read(text).actions
    assert acts["text"].tolist() == [
        "Timeouts moved to runtime configuration",
        "Reverted the change",
        "Sent communications",
        "API layer: add a fallback. [PR]",
        "Implement guards against invalid selection",
        "Add a status page",
        "Start incidents earlier.",
        "Version testing: Add automated tests.",
        "Add simple logging, see [kiam-pr]",
    ]
    got = acts[["owner", "status", "step", "tracker_key"]].astype(object).where(acts.notna(), None)
    assert got.values.tolist() == [
        [None, "done", "quick_fix", None],
        [None, "done", None, "https://github.com/o/r/pull/2935"],
        [None, "unknown", None, None],
        [None, "unknown", None, "https://github.com/o/r/pull/2428"],
        [None, "done", None, None],
        [None, "in_progress", None, None],
        ["lucasheriques", "unknown", None, None],
        ["Jane Doe", "unknown", "prevent", None],
        [None, "unknown", "prevent", "https://github.com/rust-lang/crates.io/issues/2226"],
    ]


def test_a_link_reference_names_no_owner_but_the_mention_after_it_does() -> None:
    p = read_markdown(
        "# X\n\n## Next Steps\n\n- [ ] Pin the chart [kiam-pr] — @ana, due 2025-02-03\n"
        "- [ ] Alert on lag [kiam-pr]\n\n[kiam-pr]: https://github.com/o/r/pull/7\n",
        source="2024-05-01-x.md",
    )
    a = p.tables["actions"]
    assert a["owner"] == ["ana", None]
    assert a["tracker_key"] == ["https://github.com/o/r/pull/7"] * 2


def test_summary_window_end_is_the_mitigation_when_no_line_marks_one() -> None:
    # posthog decide-is-down: "went down ..., from 15:30 to 18:10 UTC"
    text = (
        "# Flags down\n\nOn 28th February, flags went down for about 3 hours, from 15:30 to "
        "18:10 UTC.\n\n## Timeline\n\n- 2024-02-28 16:00 UTC alert fired\n"
    )
    inc = read(text, "2024-02-28-flags.md").incidents.iloc[0]
    assert inc["started_at"] == T("2024-02-28 15:30", tz="UTC")
    assert inc["mitigated_at"] == T("2024-02-28 18:10", tz="UTC")


def test_first_response_after_detection_is_the_acknowledgement() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n- 2024-05-01 10:00 [start] errors begin\n"
        "- 10:05 alert fired\n- 10:09 reached out to the database team\n"
        "- 10:30 rolled back\n"
    )
    pm = read(text)
    inc = pm.incidents.iloc[0]
    assert inc["acknowledged_at"] == T("2024-05-01 10:09", tz="UTC")
    msgs = pm.problems.loc[pm.problems["code"] == "milestone.inferred", "message"]
    assert any("took the incident on" in m for m in msgs)
    assert inc["acknowledged_from"] == "inferred"
    assert (inc["started_from"], inc["detected_from"], inc["mitigated_from"]) == ("timeline",) * 3


def test_no_acknowledgement_is_inferred_from_a_line_with_only_a_date() -> None:
    # chia 2023-05-08: a bug report, then a release months later; the release
    # says nothing about how fast anyone responded
    text = (
        "# T\n\n## Timeline (all times PST)\n\n"
        "10/22/2022 - A researcher submitted a bug report via bugcrowd.\n\n"
        "02/15/2023 - Version 1.7.0 was released that stops accepting new connections.\n"
    )
    pm = read(text)
    inc = pm.incidents.iloc[0]
    assert inc["detected_at"] == T("2022-10-22 07:00", tz="UTC")
    assert pd.isna(inc["acknowledged_at"]) and pd.isna(inc["acknowledged_from"])
    assert "milestone.inferred" not in codes(pm)
    # with a clock time the same line is inferred as before
    text = text.replace("02/15/2023 -", "10/22/2022 14:00 -")
    inc = read(text).incidents.iloc[0]
    assert (inc["acknowledged_at"], inc["acknowledged_from"]) == (
        T("2022-10-22 21:00", tz="UTC"),  # "PST" in October is PDT
        "inferred",
    )


def test_without_detection_the_change_at_the_start_is_no_acknowledgement() -> None:
    # dfds PM2019-010: the response after the start acknowledges; the change that
    # started it does not
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 2019-12-03 23:30 Accidental execution of a command deleted all worker nodes\n"
        "- 23:35 Manually marked VMs as unhealthy\n- 2019-12-04 00:00 nodes restored\n"
    )
    inc = read(text).incidents.iloc[0]
    assert inc["acknowledged_at"] == T("2019-12-03 23:35", tz="UTC")
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n- 2023-01-25 09:15 we deployed changes\n"
        "- 09:40 traffic had returned to normal levels, resolved\n"
    )
    assert pd.isna(read(text).incidents.iloc[0]["acknowledged_at"])


def test_an_acknowledgement_after_the_mitigation_is_inferred_again() -> None:
    # dfds PM2023-001: "Sev 1 ticket raised" after the load balancer took traffic again
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 2023-02-14 09:33 End-users alerted us that logs weren't working\n"
        "- 10:29 Node rollover started\n- 11:01 LB detects new nodes as healthy, allowing traffic\n"
        "- 11:07 Sev 1 ticket raised\n"
    )
    pm = read(text)
    assert pm.incidents.iloc[0]["acknowledged_at"] == T("2023-02-14 10:29", tz="UTC")
    assert "milestone.order" not in codes(pm)
    # chia 2022-01-20: with no detection or start either, the first response before it
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 2022-01-20 22:07 The IPS team called the admin employee\n"
        "- 22:08 The IPS team suspended the Okta account of admin employee.\n"
        "- 23:55 IPS team started an investigation\n"
    )
    assert read(text).incidents.iloc[0]["acknowledged_at"] == T("2022-01-20 22:07", tz="UTC")


def test_an_impact_line_after_detection_and_response_is_a_later_wave() -> None:
    # dfds PM2022-001: "Another node entered NotReady state" hours after the alerts
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 2022-01-25 10:21 **Detection:** We received a lot of alerts about Prometheus\n"
        "- 10:49 We started a full node rollover on the cluster\n"
        "- 12:51 Another node entered NotReady state\n"
        "- 15:00 **Recovery:** Uncordoned the node\n"
    )
    pm = read(text)
    assert pm.incidents.iloc[0]["started_at"] == T("2022-01-25 10:21", tz="UTC")
    assert pm.incidents.iloc[0]["started_from"] == "inferred"
    assert "milestone.order" not in codes(pm)
    # an early warning nobody acted on before the impact keeps the impact line
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 2022-01-25 10:21 Alert fired: disk 80% full\n"
        "- 10:40 The site went down\n- 10:45 Restarted the database\n"
    )
    assert read(text).incidents.iloc[0]["started_at"] == T("2022-01-25 10:40", tz="UTC")


def test_an_update_column_is_no_date_column() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC, 2024-05-01.\n\n| Time | Update |\n|---|---|\n"
        "| 12:20 | Alert fired; the deploy at 11:50 caused 5xx errors |\n"
    )
    inc = read(text).incidents.iloc[0]
    assert inc["detected_at"] == T("2024-05-01 12:20", tz="UTC")


def test_an_acknowledgement_is_not_inferred_from_an_inferred_start() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n- 2024-05-01 10:00 Deployed the new build\n"
        "- 10:10 Updated the config\n- 10:20 Migrated the table\n- 11:00 Incident resolved\n"
    )
    assert pd.isna(read(text).incidents.iloc[0]["acknowledged_at"])


def test_a_status_label_leaves_the_text_only_when_it_names_a_status() -> None:
    p = read_markdown(
        "# X\n\n## Next Steps\n\n- Rotate keys, Status: in progress\n"
        "- Fix the latency of the status: page endpoint\n",
        source="2024-05-01-x.md",
    )
    a = p.tables["actions"]
    assert a["text"] == ["Rotate keys", "Fix the latency of the status: page endpoint"]
    assert a["status"] == ["in_progress", "unknown"]


def test_a_closing_status_word_gives_the_action_status_unless_a_box_says_otherwise() -> None:
    p = read_markdown(
        "# X\n\n## Next Steps\n\n- Rotate keys (done)\n- Add alert (WIP)\n"
        "- Drop the cache (won't do)\n- [ ] Pin the chart (done)\n"
        "- Alert on lag (see runbook)\n\n### Immediate Actions (Completed)\n\n- Restarted pods\n",
        source="2024-05-01-x.md",
    )
    a = p.tables["actions"]
    assert a["text"] == [
        "Rotate keys",
        "Add alert",
        "Drop the cache",
        "Pin the chart",
        "Alert on lag (see runbook)",
        "Restarted pods",
    ]
    assert a["status"] == ["done", "in_progress", "wont_do", "open", "unknown", "done"]


def test_a_link_under_an_item_that_is_no_action_goes_to_no_other_action() -> None:
    p = read_markdown(
        "# X\n\n## Next Steps\n\n- Pin the chart\n  - https://github.com/o/r/pull/1\n"
        "- Alert on lag\n- References:\n  - https://github.com/o/r/pull/2\n",
        source="2024-05-01-x.md",
    )
    a = p.tables["actions"]
    assert a["text"] == ["Pin the chart", "Alert on lag"]
    assert a["tracker_key"] == ["https://github.com/o/r/pull/1", None]


def test_a_heading_that_links_an_issue_tracks_its_items_without_a_link_of_their_own() -> None:
    # posthog: "### Short-term Improvements ([Follow along here](.../issues/39133))"
    p = read_markdown(
        "# X\n\n## Remediation\n\n"
        "### Short-term ([Follow along here](https://github.com/o/r/issues/7))\n\n"
        "- **Read/write path separation**: distinct pools\n"
        "- Pin the chart [PR](https://github.com/o/r/pull/2)\n"
        "- [ ] Rotate keys — @ana\n\n"
        "| Action | Owner |\n|---|---|\n| Add alert | bob |\n\n"
        "### Long-term\n\n- Load testing\n",
        source="2024-05-01-x.md",
    )
    a = p.tables["actions"]
    issue = "https://github.com/o/r/issues/7"
    assert a["tracker_key"] == [issue, "https://github.com/o/r/pull/2", issue, issue, None]


def test_prose_above_sub_headings_that_list_the_actions_introduces_them() -> None:
    # posthog: "## Remediation", "We reverted the problematic changes ...", then
    # "### Immediate Actions" with bullets; a labelled paragraph is still an action
    p = read_markdown(
        "# X\n\n## Remediation\n\nWe reverted the change and released 1.2.\n\n"
        "**Action item:** Start incidents earlier.\n\n"
        "### Immediate Actions\n\n- ✅ Reverted the change\n",
        source="2024-05-01-x.md",
    )
    assert p.tables["actions"]["text"] == ["Start incidents earlier.", "Reverted the change"]
    # without a list below, the prose is the action
    p = read_markdown(
        "# X\n\n## Action items\n\nRebuild the deploy process.\n\n### Long-term\n\nMore tests.\n",
        source="2024-05-01-x.md",
    )
    assert p.tables["actions"]["text"] == ["Rebuild the deploy process.", "More tests."]


def test_an_acknowledgement_after_an_automatic_mitigation_is_kept() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n- 2024-05-01 10:00 [start] errors begin\n"
        "- 10:01 alert fired\n- 10:02 traffic failed over to the standby region\n"
        "- 10:07 on-call engineer acknowledged the page\n"
    )
    inc = read(text).incidents.iloc[0]
    assert inc["mitigated_at"] == T("2024-05-01 10:02", tz="UTC")
    assert inc["acknowledged_at"] == T("2024-05-01 10:07", tz="UTC")


def test_a_start_the_author_marked_is_no_later_wave() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n- 2024-05-01 10:00 disk usage alert fired\n"
        "- 10:05 engineer investigating the disk\n- 10:30 [start] checkout down\n"
        "- 10:45 rolled back\n"
    )
    inc = read(text).incidents.iloc[0]
    assert inc["started_at"] == T("2024-05-01 10:30", tz="UTC")


def test_lines_the_author_marked_are_never_passed_over() -> None:
    text = (
        "# T\n\n## Timeline\n\nAll times UTC.\n\n- 2024-05-01 09:50 [mitigated] traffic shed\n"
        "- 10:00 [detected] pager\n- 10:30 rolled back\n"
    )
    assert read(text).incidents.iloc[0]["mitigated_at"] == T("2024-05-01 09:50", tz="UTC")
