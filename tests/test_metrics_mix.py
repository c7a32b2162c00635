"""Tests for pmkit.metrics.mix_shift and the weighted median."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmkit import schema
from pmkit.errors import UsageError
from pmkit.metrics import MixShift, latencies, mix_shift
from pmkit.metrics._mix import weighted_median
from pmkit.testing import make_postmortems

SEVERITY = schema.TABLES["incidents"]["severity"]


def frame(a: list[tuple[Any, float | None]], b: list[tuple[Any, float | None]]) -> pd.DataFrame:
    rows = [("2026Q2", s, m) for s, m in a] + [("2026Q3", s, m) for s, m in b]
    return pd.DataFrame(
        {
            "quarter": [r[0] for r in rows],
            "severity": pd.Series([r[1] for r in rows], dtype=SEVERITY),
            "time_to_detect": pd.Series(
                [pd.NaT if r[2] is None else pd.Timedelta(minutes=r[2]) for r in rows],
                dtype="timedelta64[us]",
            ),
        }
    )


def minutes(td: Any) -> float:
    return float(pd.Timedelta(td).total_seconds() / 60)


def test_pure_mix_shift_is_not_called_slower() -> None:
    # every SEV3 takes 5 min and every SEV1 30 min in both quarters; only the mix moved
    lat = frame(
        [("SEV3", 5), ("SEV3", 5), ("SEV3", 5), ("SEV1", 30)],
        [("SEV3", 5), ("SEV1", 30), ("SEV1", 30), ("SEV1", 30)],
    )
    m = mix_shift(lat, "2026Q2", "2026Q3")
    o = m.overall.iloc[0]
    assert minutes(o["median_a"]) == 5 and minutes(o["median_b"]) == 30
    assert minutes(o["median_b_at_a_mix"]) == 5
    assert minutes(o["change_at_a_mix"]) == 0 and minutes(o["mix_effect"]) == 25
    assert m.strata["change"].tolist() == [pd.Timedelta(0), pd.Timedelta(0)]
    assert m.strata["share_a"].tolist() == [0.25, 0.75]
    assert m.strata["share_b"].tolist() == [0.75, 0.25]
    assert "the mix shift accounts for +25 min (largest: SEV1 25% -> 75%)" in m.verdict
    assert "a change of 0 s" in m.verdict


def test_same_mix_gives_the_plain_median() -> None:
    lat = frame(
        [("SEV1", 20), ("SEV1", 40), ("SEV2", 3), ("SEV2", 9)],
        [("SEV1", 50), ("SEV1", 70), ("SEV2", 4), ("SEV2", 12)],
    )
    o = mix_shift(lat, "2026Q2", "2026Q3").overall.iloc[0]
    assert o["median_b_at_a_mix"] == o["median_b"] == pd.Timedelta(minutes=31)
    assert o["change_at_a_mix"] == o["change"] and o["mix_effect"] == pd.Timedelta(0)


def test_real_slowdown_is_distinguishable() -> None:
    rng = np.random.default_rng(1)
    a = [("SEV2", float(v)) for v in rng.lognormal(2, 0.3, 60)]
    b = [("SEV2", float(v)) for v in rng.lognormal(3, 0.3, 60)]
    m = mix_shift(frame(a, b), "2026Q2", "2026Q3")
    o = m.overall.iloc[0]
    assert bool(o["distinguishable"]) and o["ci_low"] > pd.Timedelta(0)
    assert "larger than chance alone would produce" in m.verdict


def test_missing_strata_and_strata_in_one_period_only() -> None:
    lat = frame(
        [("SEV1", 30), (None, 8), (None, 10), ("SEV4", 2), ("SEV2", None)],
        [("SEV1", 40), (None, 9), ("SEV3", 1), ("SEV3", 3)],
    )
    m = mix_shift(lat, "2026Q2", "2026Q3")
    t = m.strata
    assert t["severity"].astype(str).tolist()[:4] == ["SEV1", "SEV2", "SEV3", "SEV4"]
    assert pd.isna(t["severity"].iloc[-1]) and t["n_a"].iloc[-1] == 2
    sev2 = t[t["severity"] == "SEV2"].iloc[0]
    assert sev2["n_a"] == 0 and sev2["n_excluded_a"] == 1 and not sev2["in_both"]
    assert t["in_both"].tolist() == [True, False, False, False, True]
    o = m.overall.iloc[0]
    assert o["strata_only_in_a"] == "SEV4" and o["strata_only_in_b"] == "SEV3"
    assert "only in 2026Q2: SEV4 (n=1), left out of the standardized figure" in m.verdict
    assert "only in 2026Q3: SEV3 (n=2)" in m.verdict
    # the common strata (SEV1 and missing) are compared on their own
    assert minutes(o["median_a_common"]) == 10
    assert int(t["n_a"].sum() + t["n_excluded_a"].sum()) == 5


def test_no_common_stratum() -> None:
    lat = frame([("SEV1", 3)], [("SEV2", 4)])
    m = mix_shift(lat, "2026Q2", "2026Q3")
    assert pd.isna(m.overall["median_b_at_a_mix"].iloc[0])
    assert "no severity has a known time_to_detect in both periods" in m.verdict


def test_result_object_renders_and_converts() -> None:
    lat = latencies(make_postmortems(300, seed=6))
    m = mix_shift(lat, "2026Q2", "2026Q3", strata="team", duration="time_to_acknowledge")
    assert isinstance(m, MixShift)
    frame_ = m.to_frame()
    assert frame_ is not m.strata and list(frame_.columns)[:3] == ["team", "n_a", "n_b"]
    html = m._repr_html_()
    assert "<table" in html and "pmkit-mix-shift" in html
    assert repr(m).startswith("<MixShift: time_to_acknowledge median went from")
    assert m.overall["n_a"].iloc[0] == frame_["n_a"].sum()


def test_seeded() -> None:
    lat = latencies(make_postmortems(200, seed=3))
    one = mix_shift(lat, "2026Q1", "2026Q2", random_state=4).overall
    two = mix_shift(lat, "2026Q1", "2026Q2", random_state=4).overall
    pd.testing.assert_frame_equal(one, two)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"a": "1999Q1"}, r"a='1999Q1' is not a value of column 'quarter'"),
        ({"b": "1999Q1"}, r"b='1999Q1' is not a value of column 'quarter'"),
        ({"by": "nope"}, r"by='nope' is not the name of a column"),
        ({"strata": "nope"}, r"by='nope' is not the name of a column"),
        ({"strata": "quarter"}, r"strata='quarter' is also by"),
        ({"duration": "severity"}, r"'severity' is not a timedelta column"),
        ({"confidence": 2.0}, "confidence must be between 0 and 1"),
        ({"n_boot": 0}, "n_boot must be a positive integer"),
    ],
)
def test_errors(kwargs: dict[str, Any], match: str) -> None:
    lat = frame([("SEV1", 3)], [("SEV1", 4)])
    args = {"a": "2026Q2", "b": "2026Q3", **kwargs}
    with pytest.raises(UsageError, match=match):
        mix_shift(lat, **args)


def test_weighted_median_equal_weights_is_numpy_median() -> None:
    rng = np.random.default_rng(0)
    for n in range(1, 12):
        x = rng.normal(size=(5, n))
        assert np.allclose(weighted_median(x, np.ones(n)), np.median(x, axis=1))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 1e6), min_size=1, max_size=30),
    st.lists(st.floats(0.01, 100), min_size=30, max_size=30),
)
def test_property_weighted_median_is_between_min_and_max(
    values: list[float], weights: list[float]
) -> None:
    x = np.array(values)[None, :]
    m = float(weighted_median(x, np.array(weights[: len(values)]))[0])
    assert x.min() <= m <= x.max()
