"""schema.from_lists: the fast way in gives what conform gives, and fails where it fails."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from pmkit import schema


def _conform(data: dict[str, list[Any]], name: str) -> pd.DataFrame:
    """What pmkit.load built before from_lists: timestamps through Arrow, then conform."""
    ready: dict[str, Any] = {}
    for col, values in data.items():
        if isinstance(schema.TABLES[name][col], pd.DatetimeTZDtype):
            ready[col] = pa.array(values, type=pa.timestamp("us", tz="UTC")).to_pandas()
        else:
            ready[col] = values
    return schema.conform(ready, name)


EVENTS: dict[str, list[Any]] = {
    "incident_id": ["a", "a", "b"],
    "seq": [0, 1, 0],
    "at": [1_700_000_000_000_000, None, 1_700_000_060_000_001],
    "kind": ["detected", "resolved", "note"],
    "actor": [None, "sam", "Zoë"],
    "text": ["alert fired", "rolled back", ""],
    "raw_time": ["10:00", None, None],
    "time_precision": ["minute", None, None],
    "approximate": [False, True, False],
    "source": ["a.md", "a.md", "b.md"],
    "line": [3, 4, None],
    "heading": [None, None, None],
}


@pytest.mark.parametrize("name", list(schema.TABLES))
def test_from_lists_matches_conform_on_every_table(name: str) -> None:
    if name == "events":
        data = EVENTS
    else:  # every column missing but the required ones, all filled with plain values
        n = 2
        data = {c: [None] * n for c in schema.TABLES[name]}
        for c in schema.REQUIRED[name]:
            dtype = schema.TABLES[name][c]
            if isinstance(dtype, pd.CategoricalDtype):
                data[c] = [dtype.categories[0], dtype.categories[-1]]
            else:
                data[c] = ["x", "y"]
    got = schema.from_lists(data, name)
    pd.testing.assert_frame_equal(got, _conform(data, name), check_exact=True)
    schema.validate(got, name)


def test_from_lists_of_nothing_is_the_empty_table() -> None:
    for name, cols in schema.TABLES.items():
        got = schema.from_lists({c: [] for c in cols}, name)
        pd.testing.assert_frame_equal(got, schema.empty(name))
        pd.testing.assert_frame_equal(schema.from_lists({}, name), schema.empty(name))


def test_from_lists_casts_what_is_not_plain_as_conform_does() -> None:
    data = dict(EVENTS, seq=[1.0, 2.0, None], text=[1, 2.5, "x"], approximate=[1, 0, None])
    got = schema.from_lists(data, "events")
    pd.testing.assert_frame_equal(got, _conform(data, "events"), check_exact=True)
    assert got["seq"].tolist() == [1, 2, pd.NA]
    assert got["text"].tolist() == ["1", "2.5", "x"]


def test_from_lists_keeps_conform_warning_for_a_value_that_is_no_category() -> None:
    data = dict(EVENTS, kind=["detected", "exploded", "note"])
    with pytest.warns(Warning, match="not in that dtype's categories"):
        got = schema.from_lists(data, "events")
    assert got["kind"].isna().tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("col", "values", "error"),
    [
        ("seq", [0, 1.5, 2], TypeError),  # Arrow would truncate 1.5; pandas refuses
        ("line", ["three", 4, 5], ValueError),
        ("at", ["not a time", None, None], pa.ArrowException),
        ("approximate", [2, True, False], TypeError),
    ],
)
def test_from_lists_raises_on_a_value_that_does_not_fit(
    col: str, values: list[Any], error: type[Exception]
) -> None:
    # pmkit.load relies on this to find the one file whose rows do not fit
    with pytest.raises(error):
        schema.from_lists(dict(EVENTS, **{col: values}), "events")


def test_from_lists_refuses_unknown_columns_and_ragged_lists() -> None:
    with pytest.raises(ValueError, match=r"events has no column\(s\) typo; its columns are"):
        schema.from_lists({"typo": [1]}, "events")
    with pytest.raises(ValueError, match=r"events: columns have different lengths \[1, 2\]"):
        schema.from_lists({"seq": [1], "text": ["a", "b"]}, "events")


def test_from_lists_frames_can_be_edited_in_place() -> None:
    df = schema.from_lists(dict(EVENTS, line=[3, 4, 5]), "events")
    df.loc[0, "seq"] = 9
    df.loc[0, "line"] = 9
    df.loc[0, "at"] = pd.Timestamp("2024-01-01", tz="UTC")
    df.loc[0, "approximate"] = True
    assert df.loc[0, ["seq", "line", "approximate"]].tolist() == [9, 9, True]
    assert df.loc[0, "at"] == pd.Timestamp("2024-01-01", tz="UTC")
