"""The reader recovers what pmkit.synth wrote, in every style, on a fresh corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pmkit
from pmkit import synth


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    out: Path = tmp_path_factory.mktemp("synth")
    corpus = synth.write(300, out, seed=5)
    pm = pmkit.load(out)
    assert len(pm) == len(corpus.truth) == 300
    truth = corpus.truth.set_index("incident_id")
    return truth, pm.incidents.set_index("incident_id").loc[truth.index]


@pytest.mark.parametrize(
    "column", ["started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at"]
)
def test_milestones_match_the_truth(pair: tuple[pd.DataFrame, pd.DataFrame], column: str) -> None:
    truth, got = pair
    stated = truth[column].notna()
    # every milestone the document states is read to the minute
    diff = (truth.loc[stated, column] - got.loc[stated, column]).abs()
    assert (diff <= pd.Timedelta(minutes=1)).all(), diff[diff > pd.Timedelta(minutes=1)]
    if column == "acknowledged_at":
        # an unstated acknowledgement is the first response after detection
        # (warned): never before the detection nor after the mitigation
        inferred = got.loc[~stated & got[column].notna()]
        assert (inferred[column] >= inferred["detected_at"]).all()
        assert (inferred[column] <= inferred["mitigated_at"]).all()
    elif column != "mitigated_at":  # unstated mitigation falls back to resolution (warned)
        assert got.loc[~stated, column].isna().all()


def test_labels_match_the_truth(pair: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    truth, got = pair
    for column in ("detection_source", "team", "service", "severity"):
        assert (got[column].astype(str) == truth[column].astype(str)).all(), column
