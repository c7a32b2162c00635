"""pmkit.io.jira: Jira REST search exports (hand-written fixtures in the documented shape)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pmkit import schema
from pmkit.errors import ParseError
from pmkit.io.jira import COLUMNS, read_jira

DATA = Path(__file__).parent / "data" / "jira"


def _write(tmp_path: Path, data: object, name: str = "export.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return p


def _page(issues: list[dict[str, object]], start: int = 0, total: int | None = None) -> dict:
    return {
        "startAt": start,
        "maxResults": 50,
        "total": len(issues) if total is None else total,
        "issues": issues,
    }


def test_pages_columns_dtypes_and_values() -> None:
    df = read_jira(DATA / "search_pages.json")
    assert list(df.columns) == list(COLUMNS)
    assert dict(df.dtypes) == COLUMNS
    assert isinstance(df.index, pd.RangeIndex)
    assert df["key"].tolist() == ["PAY-123", "PAY-124", "OPS-9", "OPS-10", "PAY-123"]
    assert df["status"].tolist() == ["done", "in_progress", "wont_do", "open", "open"]
    assert df.loc[0, "owner"] == "Ann Lee"
    assert df["owner"].isna().tolist() == [False, True, False, False, False]
    assert df.loc[0, "due"] == pd.Timestamp("2026-02-01", tz="UTC")
    # +0100 offset converted to UTC
    assert df.loc[0, "closed_at"] == pd.Timestamp("2026-01-20T15:30", tz="UTC")
    assert df.loc[0, "created_at"] == pd.Timestamp("2026-01-05T10:00", tz="UTC")
    assert df.loc[0, "labels"] == "postmortem,pm:PM-0001"
    assert pd.isna(df.loc[1, "labels"])
    assert df.loc[2, "links"] == "PAY-123,OPS-1"
    assert pd.isna(df.loc[3, "closed_at"])


def test_merged_object_and_unknown_category() -> None:
    df = read_jira(DATA / "search_merged.json")
    assert df["status"].tolist() == ["open", "unknown"]
    assert df.loc[0, "created_at"] == pd.Timestamp("2026-03-01T08:00", tz="UTC")


def test_several_files_are_concatenated() -> None:
    df = read_jira([DATA / "search_merged.json", str(DATA / "search_pages.json")])
    assert len(df) == 7
    assert df["key"].iloc[0] == "SRE-1"


def test_wont_fix_resolution_with_done_category(tmp_path: Path) -> None:
    issue = {
        "key": "X-1",
        "fields": {
            "status": {"name": "Closed", "statusCategory": {"key": "done"}},
            "resolution": {"name": "Won’t Fix"},
        },
    }
    assert read_jira(_write(tmp_path, _page([issue])))["status"].tolist() == ["wont_do"]


def test_empty_export(tmp_path: Path) -> None:
    df = read_jira(_write(tmp_path, _page([])))
    assert len(df) == 0
    assert dict(df.dtypes) == COLUMNS


def test_malformed_json_says_where_and_what_was_expected() -> None:
    with pytest.raises(ParseError, match=r"not valid JSON .*expected a Jira REST search") as e:
        read_jira(DATA / "malformed.json")
    assert e.value.source == str(DATA / "malformed.json")
    assert e.value.line == 3


def test_not_a_search_response() -> None:
    with pytest.raises(ParseError, match=r"no 'issues' list \(found values, isLast\)"):
        read_jira(DATA / "not_search.json")


def test_page_that_is_not_an_object(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="page 2: found a JSON int"):
        read_jira(_write(tmp_path, [_page([]), 3]))


def test_missing_pages_are_an_error_unless_allowed() -> None:
    with pytest.raises(ParseError, match=r"holds 1 of 3 issues .*allow_partial=True"):
        read_jira(DATA / "missing_page.json")
    assert len(read_jira(DATA / "missing_page.json", allow_partial=True)) == 1


def test_gap_between_pages(tmp_path: Path) -> None:
    a = _page([{"key": "A-1", "fields": {}}], start=0, total=5)
    b = _page([{"key": "A-5", "fields": {}}], start=4, total=5)
    with pytest.raises(ParseError, match=r"misses issues 1–3: pages jump from startAt=1"):
        read_jira(_write(tmp_path, [a, b]))


@pytest.mark.parametrize(
    ("issue", "message"),
    [
        ({"fields": {}}, r"issue 1 has no 'key' string"),
        ({"key": "A-1", "fields": []}, r"A-1: 'fields' must be an object, found list"),
        ({"key": "A-1", "fields": {"labels": "x"}}, r"A-1: 'labels' must be a list"),
        ({"key": "A-1", "fields": {"created": "yesterday"}}, r"A-1: created 'yesterday' is not"),
        (
            {"key": "A-1", "fields": {"resolutiondate": "2026-01-05T10:00:00"}},
            r"A-1: resolutiondate '2026-01-05T10:00:00' has no UTC offset",
        ),
    ],
)
def test_bad_issues(tmp_path: Path, issue: dict, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        read_jira(_write(tmp_path, _page([issue])))


def test_bad_issue_on_a_later_page_names_the_page(tmp_path: Path) -> None:
    pages = [_page([{"key": "A-1"}], total=2), _page([{"summary": "x"}], start=1, total=2)]
    with pytest.raises(ParseError, match="issue 1 of page 2 has no 'key'"):
        read_jira(_write(tmp_path, pages))


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot read the Jira export"):
        read_jira(tmp_path / "nope.json")


def test_status_categories_match_schema() -> None:
    assert list(COLUMNS["status"].categories) == list(schema.ACTION_STATUSES)
