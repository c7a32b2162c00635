"""Scoring milestones against a hand-labelled truth table (pmkit.evaluate)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pmkit.errors import SchemaError
from pmkit.evaluate import read_truth, score_milestones, summarize_scores


def _incidents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": ["/data/team/a.md", "/data/other/b.md"],
            "started_at": pd.to_datetime(["2024-05-01 10:00:30", "2024-05-02 09:00:00"], utc=True),
            "started_from": ["timeline", "inferred"],
            "resolved_at": pd.to_datetime(["2024-05-01 12:00", None], utc=True),
            "resolved_from": ["timeline", None],
            "detection_source": ["monitoring", "unknown"],
        }
    )


def _truth(rows: list[tuple[str, str, str, str]], **extra: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["file", "field", "state", "value"]).assign(**extra)


def test_each_outcome_is_scored() -> None:
    truth = _truth(
        [
            ("team/a.md", "started_at", "stated", "2024-05-01T10:00Z"),
            ("team/a.md", "resolved_at", "none", ""),
            ("team/a.md", "detection_source", "stated", "customer"),
            ("other/b.md", "started_at", "stated", "2024-05-02T08:00Z"),
            ("other/b.md", "resolved_at", "stated", "2024-05-02T11:00Z"),
            ("other/b.md", "detection_source", "ambiguous", ""),
            ("other/b.md", "mitigated_at", "none", ""),
        ]
    )
    cells = score_milestones(_incidents(), truth)
    assert cells["outcome"].tolist() == [
        "right", "spurious", "wrong", "wrong", "missing", "ambiguous", "absent",
    ]  # fmt: skip
    assert cells.loc[0, "error"] == pd.Timedelta(seconds=30)
    assert cells.loc[3, "provenance"] == "inferred"


def test_inferred_false_counts_inferred_values_as_not_read() -> None:
    truth = _truth([("other/b.md", "started_at", "stated", "2024-05-02T09:00Z")])
    assert score_milestones(_incidents(), truth)["outcome"].tolist() == ["right"]
    stated = score_milestones(_incidents(), truth, inferred=False)
    assert stated["outcome"].tolist() == ["missing"]


def test_a_day_is_right_when_the_time_falls_on_it_in_the_zone() -> None:
    # 10:00 UTC is 20:00 in Sydney (UTC+10), the same day; at UTC-11 it is still the day before
    truth = _truth([("team/a.md", "started_at", "day", "2024-05-01")], zone=["Australia/Sydney"])
    assert score_milestones(_incidents(), truth)["outcome"].tolist() == ["right"]
    truth["zone"] = "Pacific/Pago_Pago"
    assert score_milestones(_incidents(), truth)["outcome"].tolist() == ["wrong"]


def test_files_pmkit_did_not_read_are_missing_and_unknown_detection_is_missing() -> None:
    truth = _truth(
        [
            ("team/gone.md", "started_at", "stated", "2024-05-01T10:00Z"),
            ("other/b.md", "detection_source", "stated", "customer"),
        ]
    )
    assert score_milestones(_incidents(), truth)["outcome"].tolist() == ["missing", "missing"]


def test_summarize_counts_shares_by_group() -> None:
    truth = _truth(
        [
            ("team/a.md", "started_at", "stated", "2024-05-01T10:00Z"),
            ("team/a.md", "resolved_at", "none", ""),
            ("other/b.md", "started_at", "stated", "2024-05-02T08:00Z"),
            ("other/b.md", "resolved_at", "none", ""),
        ]
    )
    cells = score_milestones(_incidents(), truth)
    overall = summarize_scores(cells)
    assert overall.loc[0, ["stated", "right", "unstated", "spurious"]].tolist() == [2, 1, 2, 1]
    assert overall.loc[0, "right_share"] == 0.5
    by = summarize_scores(cells, by="file").set_index("file")
    assert by.loc["team/a.md", "spurious_share"] == 1.0
    assert by.loc["other/b.md", "spurious_share"] == 0.0


def test_read_truth_checks_columns_states_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "truth.csv"
    path.write_text("file,field,value\na.md,started_at,\n")
    with pytest.raises(
        SchemaError, match="needs the columns file, field, state, value; missing state"
    ):
        read_truth(path)
    path.write_text("file,field,state,value\na.md,started_at,maybe,\n")
    with pytest.raises(SchemaError, match="state 'maybe' is not one of stated, day, none"):
        read_truth(path)
    path.write_text("file,field,state,value\na.md,started_at,none,\na.md,started_at,none,\n")
    with pytest.raises(SchemaError, match="2 rows for the same file and field"):
        read_truth(path)
    path.write_text("file,field,state,value,evidence\na.md,started_at,none,,\n")
    assert read_truth(path)["state"].tolist() == ["none"]
