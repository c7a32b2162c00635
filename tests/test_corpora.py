"""The 85 real public postmortems in ../shared/corpora load, and what they state comes out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pmkit

FOLDERS = {"chia": 33, "dfds": 39, "posthog": 7, "rust": 6}


def test_every_document_gives_one_incident(corpora: pmkit.Postmortems) -> None:
    assert len(corpora) == sum(FOLDERS.values()) == 85
    folders = corpora.incidents["source"].map(lambda s: Path(s).parent.name)
    assert folders.value_counts().to_dict() == FOLDERS
    assert corpora.incidents["incident_id"].is_unique
    assert not (corpora.problems["code"] == "file.unreadable").any()


def test_tables_are_valid_and_timestamps_tz_aware(corpora: pmkit.Postmortems) -> None:
    for name, df in corpora.tables.items():
        pmkit.schema.validate(df, name)
    assert str(corpora.events["at"].dtype) == "datetime64[us, UTC]"
    # most timeline lines get a timestamp; the rest are explained by a problem row
    timed = corpora.events["at"].notna().mean()
    assert timed > 0.85, timed


def test_every_problem_names_its_file(corpora: pmkit.Postmortems) -> None:
    p = corpora.problems
    assert p["source"].notna().all()
    assert set(p["level"]) <= {"error", "warning", "info"}
    assert p["message"].str.len().min() > 20


def test_real_documents_fill_the_canvas(corpora: pmkit.Postmortems) -> None:
    inc = corpora.incidents
    assert inc["title"].notna().all()
    assert inc["occurred_at"].notna().sum() >= 84
    assert inc["summary"].notna().sum() >= 75
    steps = corpora.ideas["step"].value_counts()
    assert steps["cause"] > 100 and steps["lesson"] > 50
    assert len(corpora.actions) > 150


@pytest.mark.parametrize("name", ["rust-docsrs-2019-10-21.md", "rust-cratesio-2018-10-15.md"])
def test_toml_front_matter_titles(corpora_dir: Path, name: str) -> None:
    pm = pmkit.load(corpora_dir / "rust" / name)
    assert pm.incidents["title"].iloc[0] != Path(name).stem
    assert pd.notna(pm.incidents["occurred_at"].iloc[0])
