"""Shared fixtures: the real-world corpora and the bundled sample."""

from __future__ import annotations

from pathlib import Path

import pytest

import pmkit

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def corpora_dir() -> Path:
    if not CORPORA.is_dir():
        pytest.fail(f"{CORPORA} is missing: the real-world postmortems are required")
    return CORPORA


@pytest.fixture(scope="session")
def corpora(corpora_dir: Path) -> pmkit.Postmortems:
    return pmkit.load(corpora_dir)


@pytest.fixture(scope="session")
def sample() -> pmkit.Postmortems:
    if not SAMPLE.is_dir():
        pytest.fail(f"{SAMPLE} is missing; regenerate it with python -m pmkit.synth")
    return pmkit.load(SAMPLE)
