"""Milestones and detection sources that real postmortems state, checked by hand.

``tests/truth/milestones.csv`` is the one truth table for every corpus: what a
person read in each document (times in UTC, each with the line it comes from),
"none" where the text states none, "ambiguous" where several lines could be
meant. On the sources the reader was tuned on (role ``tuned`` in
``tests/truth/sources.csv``) each value is a test; the ones pmkit still reads
differently are listed in ``KNOWN_MISSES`` as strict xfails, so a fix shows up
as an XPASS to move here and a regression as a failure. Sources whose failures
are being worked on (role ``dev``) are held to a floor per source, so a rule
written for one source cannot lower another's score. Held-out sources are only
scored by ``bench/bench_truth.py``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pmkit
from pmkit.evaluate import read_truth, score_milestones, summarize_scores

#: (file, field) -> what pmkit reads instead; reader or vocabulary work to do.
KNOWN_MISSES: dict[tuple[str, str], str] = {
    (
        "dfds/PM2021-009-All-services-returning-404-in-Kubernetes.md",
        "mitigated_at",
    ): "pmkit reads 2021-09-06 08:15",
    (
        "dfds/PM2025-002-Traefik-rule-preventing-some-inbound-traffic.md",
        "started_at",
    ): "pmkit reads 2025-03-17 16:06",
    ("rust/rust-docsrs-2019-10-21.md", "mitigated_at"): "pmkit reads 2019-10-21 02:03",
    ("rust/rust-docsrs-2019-10-21.md", "resolved_at"): "pmkit reads 2019-10-21 02:06",
    # "The packages are removed from the index": the last clean-up step, no word of resolution
    ("rust/rust-cratesio-2018-10-15.md", "resolved_at"): "pmkit reads none",
    ("chia/2021-05-26-website-outage.md", "mitigated_at"): "pmkit reads 2021-05-26 16:53",
    # "SentinelOne installed and full disk scan was completed": the last clean-up step
    ("chia/04-25-User_Account_Compromise.md", "resolved_at"): "pmkit reads none",
    # the start is stated in the summary prose only ("at 22:04 (UTC) an employee's account...")
    ("chia/2022-01-20-EmployeeCompromise.md", "started_at"): "pmkit reads none",
    # "Affected employee provided a screenshot of a fraudulent charge attempt to #warroom"
    ("chia/2022-01-27-Ramp-Card.md", "detected_at"): "pmkit reads 2022-01-28 02:43",
    ("chia/2022-01-27-Ramp-Card.md", "acknowledged_at"): "pmkit reads none",
    # "The issue was discovered by Chia." (the company's own name, which no rule can know;
    # a corpus adds it with Vocabulary.extend(detection={"employee": [...]}))
    (
        "chia/2023-05-08-AGG_SIG_UNSAFE-can-mimic-AGG_SIG_ME-condition.md",
        "detection_source",
    ): "pmkit reads unknown",
    (
        "chia/2023-05-08-Subscriptions-to-a-full_node-can-cause-a-crash-by-requesting-excessive-data.md",
        "detection_source",
    ): "pmkit reads unknown",
    (
        "dfds/PM2020-008-Alcide-admission-causing-Kubernetes-timeouts.md",
        "mitigated_at",
    ): "pmkit reads 2020-11-04 14:39",
    ("dfds/PM2021-011-Log4Shell.md", "acknowledged_at"): "pmkit reads 2021-12-10 19:00",
    ("dfds/PM2023-002-Logs-not-shipped-to-CloudWatch.md", "mitigated_at"): (
        "pmkit reads 2023-04-11 22:04"
    ),
}

TRUTH = Path(__file__).parent / "truth"
_truth = read_truth(TRUTH / "milestones.csv")
_sources = pd.read_csv(TRUTH / "sources.csv", dtype=str, keep_default_na=False)
_tuned = set(_sources.loc[_sources["role"] == "tuned", "source"])
_rows = _truth[
    _truth["file"].str.split("/").str[0].isin(_tuned) & _truth["state"].isin(["stated", "none"])
]
EXPECTED: dict[tuple[str, str], str] = {
    (r.file, r.field): r.value for r in _rows.itertuples(index=False)
}
CASES = list(EXPECTED)


def _mark(case: tuple[str, str]) -> pytest.MarkDecorator | tuple[()]:
    reason = KNOWN_MISSES.get(case)
    return (pytest.mark.xfail(reason=reason, strict=True),) if reason else ()


@pytest.fixture(scope="module")
def incidents(corpora_dir: Path) -> pd.DataFrame:
    pm = pmkit.load(sorted({corpora_dir / f for f, _ in CASES}))
    inc = pm.incidents.copy()
    inc["file"] = inc["source"].map(lambda s: "/".join(Path(s).parts[-2:]))
    return inc.set_index("file")


@pytest.mark.parametrize(
    ("file", "field"), [pytest.param(*c, marks=_mark(c), id="|".join(c)) for c in CASES]
)
def test_stated_value_is_read(incidents: pd.DataFrame, file: str, field: str) -> None:
    got = incidents.loc[file, field]
    want = EXPECTED[(file, field)]
    if field == "detection_source":
        assert got == want
    elif want == "":
        assert pd.isna(got)
    else:
        assert not pd.isna(got), f"{field} missing, expected {want}"
        assert abs(got - pd.Timestamp(want)) <= pd.Timedelta(minutes=1), f"{field}: {got} != {want}"


def test_most_stated_values_are_read() -> None:
    assert len(KNOWN_MISSES) / len(CASES) < 0.1


def test_truth_table_is_one_row_per_cell_and_names_real_files(corpora_dir: Path) -> None:
    docs = pd.read_csv(TRUTH / "documents.csv", dtype=str, keep_default_na=False)
    roots = {"shared": corpora_dir, "tests": Path(__file__).parent / "corpora"}
    root_of = dict(zip(_sources["source"], _sources["root"], strict=True))
    for file in docs["file"]:
        assert (roots[root_of[file.split("/")[0]]] / file).is_file(), file
    postmortems = set(docs.loc[docs["kind"] == "postmortem", "file"])
    assert set(_truth["file"]) <= postmortems
    assert not _truth.duplicated(["file", "field"]).any()


@pytest.mark.parametrize("source", sorted(_sources.loc[_sources["role"] == "dev", "source"]))
def test_dev_sources_keep_their_floor(corpora_dir: Path, source: str) -> None:
    row = _sources.set_index("source").loc[source]
    roots = {"shared": corpora_dir, "tests": Path(__file__).parent / "corpora"}
    pm = pmkit.load(roots[row["root"]] / source, tz=row["tz"] or None)
    truth = _truth[_truth["file"].str.startswith(f"{source}/")]
    truth = truth[truth["field"] != "detection_source"]
    s = summarize_scores(score_milestones(pm.incidents, truth)).iloc[0]
    assert s["right"] >= int(row["right_floor"]), (source, s["right"], s["stated"])
    assert s["spurious"] <= int(row["spurious_ceiling"]), (source, s["spurious"])
