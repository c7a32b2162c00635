"""Milestones and detection sources that real postmortems state, checked by hand.

``corpus_expectations.py`` holds what a person read in 32 of the documents
(times in UTC, each with the line it comes from). Each value is a test; the
ones pmkit still reads differently are listed in ``KNOWN_MISSES`` as strict
xfails, so a fix shows up as an XPASS to move here and a regression as a
failure.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from corpus_expectations import DETECTION, EXPECTED

import pmkit

#: (file, field) -> what pmkit reads instead; reader or vocabulary work to do.
KNOWN_MISSES: dict[tuple[str, str], str] = {
    (
        "dfds/PM2021-009-All-services-returning-404-in-Kubernetes.md",
        "mitigated_at",
    ): "pmkit reads 2021-09-06 08:15",
    ("dfds/PM2022-002-Logs-not-shipped-to-CloudWatch.md", "resolved_at"): "pmkit reads none",
    ("dfds/PM2020-002-KIAM-service-disruption-on-Hellman.md", "resolved_at"): "pmkit reads none",
    (
        "dfds/PM2025-002-Traefik-rule-preventing-some-inbound-traffic.md",
        "started_at",
    ): "pmkit reads 2025-03-17 16:06",
    ("rust/rust-docsrs-2019-10-21.md", "mitigated_at"): "pmkit reads 2019-10-21 02:03",
    ("rust/rust-docsrs-2019-10-21.md", "resolved_at"): "pmkit reads 2019-10-21 02:06",
    ("rust/rust-cratesio-2018-10-15.md", "resolved_at"): "pmkit reads none",
    ("chia/2021-05-26-website-outage.md", "mitigated_at"): "pmkit reads 2021-05-26 16:53",
    ("chia/04-25-User_Account_Compromise.md", "resolved_at"): "pmkit reads none",
}

CASES = [(f, k) for f, exp in EXPECTED.items() for k in exp] + [
    (f, "detection_source") for f in DETECTION
]


def _mark(case: tuple[str, str]) -> pytest.MarkDecorator | tuple[()]:
    reason = KNOWN_MISSES.get(case)
    return (pytest.mark.xfail(reason=reason, strict=True),) if reason else ()


@pytest.fixture(scope="module")
def incidents(corpora_dir: Path) -> pd.DataFrame:
    pm = pmkit.load([corpora_dir / f for f in {*EXPECTED, *DETECTION}])
    inc = pm.incidents.copy()
    inc["file"] = inc["source"].map(lambda s: "/".join(Path(s).parts[-2:]))
    return inc.set_index("file")


@pytest.mark.parametrize(
    ("file", "field"), [pytest.param(*c, marks=_mark(c), id="|".join(c)) for c in CASES]
)
def test_stated_value_is_read(incidents: pd.DataFrame, file: str, field: str) -> None:
    got = incidents.loc[file, field]
    if field == "detection_source":
        assert got == DETECTION[file]
        return
    want = EXPECTED[file][field]
    if want is None:
        assert pd.isna(got)
    else:
        assert not pd.isna(got), f"{field} missing, expected {want}"
        assert abs(got - want) <= pd.Timedelta(minutes=1), f"{field}: {got} != {want}"


def test_most_stated_values_are_read() -> None:
    assert len(KNOWN_MISSES) / len(CASES) < 0.1
