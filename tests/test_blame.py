"""pmkit.blame: every rule, its exclusions, lines, collections, precision on a labelled set,
and the flags it raises on the real corpora (each one reviewed by hand)."""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pmkit
from pmkit import schema
from pmkit.blame import BLAME_RULES, BlameRule, find_blame
from pmkit.collection import Postmortems
from pmkit.errors import UsageError
from pmkit.quality import CHECKS, check

LABELLED = Path(__file__).parent / "data" / "blame" / "labelled.csv"

# rule -> (sentences it must flag, sentences it must leave alone)
CASES: dict[str, tuple[list[str], list[str]]] = {
    "human_error": (
        ["Root cause: human error.", "A human-mistake in the runbook.", "Human failures again."],
        [
            "The error was a human-readable message.",
            "This was not human error; the tool had no prompt.",
            "Human error is not a root cause.",
            "We avoid writing human error in postmortems.",
            "Human factors research shows alarms get ignored.",
        ],
    ),
    "operator_error": (
        ["It was operator error.", "We assumed user error.", "An engineer mistake, again."],
        [
            "The API returned a user error code.",
            "The user error page was shown to 2% of visitors.",
            "The operator console showed stale data.",
        ],
    ),
    "pebkac": (
        [
            "Classic PEBKAC.",
            "A layer 8 issue.",
            "An ID10T problem.",
            "PICNIC.",
            "Tom fat-fingered it.",
        ],
        ["Add fat-finger protection to the delete command.", "The team picnic was postponed."],
    ),
    "forgot": (
        [
            "Bob forgot to renew the certificate.",
            "Alice Smith neglected the warnings.",
            "The on-call engineer didn't bother to read the alert.",
            "Someone forgot to remove the flag.",
            "He failed to follow the rollback procedure.",
            "Lee failed to check the capacity.",
            "The person on call ignored the page.",
            "The new hire had forgotten the tag.",
        ],
        [
            "The person on call forgot nothing: the runbook lacked the step.",
            "We failed to validate that the singleton existed.",
            "Kafka failed to start after the upgrade.",
            "Users failed to log in for 40 minutes.",
            "The health check failed to detect the replica.",
            "Make it impossible to forget the drain step.",
            "Nobody forgot anything; the checklist was outdated.",
        ],
    ),
    "hindsight": (
        [
            "He should have known the script deletes the bucket.",
            "Anyone should've noticed the error rate.",
            "The reviewer should have caught the typo.",
            "Kim should know better.",
            "The team should have been more careful.",
        ],
        [
            "Our alerting could have caught this earlier.",
            "Dashboards should have an annotation for every deploy.",
            "No one could have known the vendor changed the API.",
            "The pipeline should have caught it.",
        ],
    ),
    "character": (
        [
            "A careless change.",
            "The sloppy script dropped the index.",
            "This was negligent.",
            "An incompetent rollout.",
            "He acted recklessly.",
            "The DBA was lazy.",
            "A lapse in judgement.",
        ],
        [
            "Dynamo uses a sloppy quorum.",
            "The lazy-loaded script was cached.",
            "Lazy loading delayed the first request.",
            "A negligible amount of traffic was affected.",
            "We do not call anyone careless.",
        ],
    ),
    "fault": (
        [
            "It was Dave's fault.",
            "This was the fault of the on-call engineer.",
            "The intern is to blame.",
            "Ops blamed the developers.",
            "It was his fault.",
            "The engineer was at fault.",
        ],
        [
            "We ran git blame to find the commit.",
            "Fault tolerance kept the data safe.",
            "A segmentation fault crashed the worker.",
            "Nobody is to blame: the threshold was old.",
            "Blameless postmortems focus on systems.",
            "We do not fault pools for waiting.",
        ],
    ),
    "mistake_by": (
        [
            "The root cause was a mistake by the operator.",
            "An oversight of the reviewer.",
            "Maria made a mistake in the config.",
            "The junior developer made a serious error.",
            "It was Sam's mistake.",
            "An error by the network administrator.",
        ],
        [
            "It is easy to make this mistake: the commands look alike.",
            "The mistake in the query plan came from stale statistics.",
            "We mistakenly thought the workflow was safe.",
            "An error from Postgres stopped the job.",
        ],
    ),
}


def test_every_rule_has_cases() -> None:
    assert [r.name for r in BLAME_RULES] == list(CASES)
    assert len({r.name for r in BLAME_RULES}) == len(BLAME_RULES)
    assert all(r.suggestion and r.keywords for r in BLAME_RULES)


@pytest.mark.parametrize(
    ("rule", "sentence"),
    [(rule, s) for rule, (hits, _) in CASES.items() for s in hits],
)
def test_rule_flags(rule: str, sentence: str) -> None:
    found = find_blame(sentence)
    assert found["rule"].tolist() == [rule], sentence


@pytest.mark.parametrize(
    ("rule", "sentence"),
    [(rule, s) for rule, (_, misses) in CASES.items() for s in misses],
)
def test_rule_leaves_neutral_sentences(rule: str, sentence: str) -> None:
    assert find_blame(sentence).empty, (rule, find_blame(sentence)["match"].tolist())


def test_plain_text_frame_lines_and_dtypes() -> None:
    text = (
        "Impact started at 10:02.\n\n"
        "The deploy failed. The engineer forgot to drain the node. Then we rolled back.\n"
        "Root cause: human error. It was Dave's fault."
    )
    found = find_blame(text)
    na = pd.NA
    expected = pd.DataFrame(
        {
            "incident_id": pd.Series([na, na], dtype=schema.STRING),
            "source": pd.Series([na, na], dtype=schema.STRING),
            "line": pd.Series([3, 4], dtype=schema.INT),
            "sentence": pd.Series(
                ["The engineer forgot to drain the node.", "Root cause: human error."],
                dtype=schema.STRING,
            ),
            "rule": pd.Series(["forgot", "human_error"], dtype=schema.STRING),
            "suggestion": pd.Series(
                [BLAME_RULES[3].suggestion, BLAME_RULES[0].suggestion], dtype=schema.STRING
            ),
            "match": pd.Series(["The engineer forgot", "human error"], dtype=schema.STRING),
        }
    )
    # "It was Dave's fault." is a second sentence on line 4: one row per sentence
    assert len(found) == 3
    pd.testing.assert_frame_equal(found.iloc[:2], expected)
    assert found["sentence"].iloc[2] == "It was Dave's fault."
    assert found["line"].iloc[2] == 4


def test_one_row_per_sentence_first_rule_wins() -> None:
    found = find_blame("Human error: Bob forgot the flag and was careless.")
    assert found["rule"].tolist() == ["human_error"]


def test_empty_text_has_the_columns() -> None:
    found = find_blame("")
    assert found.empty
    assert list(found.columns) == [
        "incident_id",
        "source",
        "line",
        "sentence",
        "rule",
        "suggestion",
        "match",
    ]
    assert str(found["line"].dtype) == "Int64"


def _collection() -> Postmortems:
    inc = schema.conform(
        {
            "incident_id": ["a", "b"],
            "summary": ["DNS broke. Human error by the operator.", "Disk full on db-1."],
            "detection_source": ["unknown", "unknown"],
            "source": ["a.md", "b.md"],
        },
        "incidents",
    )
    events = schema.conform(
        {
            "incident_id": ["a", "a", "b"],
            "seq": [0, 1, 0],
            "kind": ["note", "note", "note"],
            "text": ["Alerts fire.", "Bob forgot to page\nthe DBA. He was careless.", "Fine."],
            "source": ["a.md", "a.md", "b.md"],
            "line": [10, 11, 7],
        },
        "events",
    )
    ideas = schema.conform(
        {
            "incident_id": ["b"],
            "step": ["prevent"],
            "text": ["The reviewer should have caught it."],
            "source": ["b.md"],
            "line": [20],
        },
        "ideas",
    )
    acts = schema.conform(
        {
            "incident_id": ["b", "b"],
            "action_id": ["b1", "b2"],
            "text": ["Stop blaming the on-call", "Add disk alert"],
            "status": ["open", "open"],
            "owner": ["ann", "ann"],
            "due": ["2026-01-05T00:00Z", "2026-01-05T00:00Z"],
            "source": ["b.md", "b.md"],
            "line": [30, 31],
        },
        "actions",
    )
    return Postmortems(inc, events, ideas, acts)


def test_collection_scans_kept_text_with_lines() -> None:
    found = find_blame(_collection())
    got = found[["incident_id", "source", "line", "rule"]].astype(object)
    assert got.where(got.notna(), None).values.tolist() == [
        ["a", "a.md", None, "human_error"],  # summary: the reader keeps no line
        ["a", "a.md", 11, "forgot"],
        ["a", "a.md", 12, "character"],  # second line of the same timeline entry
        ["b", "b.md", 20, "hindsight"],
        ["b", "b.md", 30, "fault"],
    ]
    assert found["sentence"].iloc[1] == "Bob forgot to page"


def test_custom_rules_replace_the_defaults() -> None:
    rule = BlameRule("rockstar", r"\brock\s?stars?\b", "name the practice")
    found = find_blame("Our rockstar dev pushed it. Human error.", rules=[rule])
    assert found["rule"].tolist() == ["rockstar"]
    # a rule without keywords disables the prefilter, so every text is scanned
    assert find_blame(_collection(), rules=rule)["rule"].tolist() == []
    shouty = BlameRule("shouting", r"\bDNS\b", "keep calm", negatable=False)
    assert find_blame(_collection(), rules=[shouty])["line"].isna().tolist() == [True]


def test_not_negatable_rule_ignores_negation() -> None:
    rule = BlameRule("hero", r"\bhero\b", "credit the team", negatable=False)
    assert len(find_blame("No hero saved us.", rules=[rule])) == 1
    assert find_blame("No hero saved us.", rules=[BlameRule("hero", r"\bhero\b", "x")]).empty


def test_wrong_text_type() -> None:
    with pytest.raises(TypeError, match=r"text must be a str or a pmkit.Postmortems, got int"):
        find_blame(3)  # type: ignore[arg-type]


def test_wrong_rule_type() -> None:
    with pytest.raises(TypeError, match=r"rules must be BlameRule objects .* got str"):
        find_blame("x", rules=["human error"])  # type: ignore[list-item]


def test_empty_rules() -> None:
    with pytest.raises(UsageError, match=r"rules is empty; pass rules=None"):
        find_blame("x", rules=[])


def test_invalid_pattern() -> None:
    with pytest.raises(UsageError, match=r"blame rule 'bad' has an invalid pattern '\(': "):
        BlameRule("bad", "(", "x")


@pytest.mark.parametrize(
    "text",
    [
        "the " * 20_000 + "engineer",
        "the " + "big-red " * 20_000 + "forgot",
        "not human error " * 10_000,
        "Alice Bob " * 20_000,
        "should have " * 20_000,
        "mistake by " * 20_000,
    ],
)
def test_no_catastrophic_backtracking(text: str) -> None:
    start = time.perf_counter()
    find_blame(text)
    # linear patterns scan these 80-240 kB sentences in well under a second
    assert time.perf_counter() - start < 3.0


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abBhe uman rorfgt'.\n-sAlic")), max_size=200))
def test_any_text_gives_valid_rows(text: str) -> None:
    found = find_blame(text)
    n_lines = text.count("\n") + 1
    assert found["line"].between(1, n_lines).all()
    for sentence in found["sentence"]:
        assert sentence in text


# --- precision and recall on a labelled set ----------------------------------
# tests/data/blame/labelled.csv: 120 sentences written for this test (60 blame,
# 60 neutral, many of them near misses). "tuning" (100) was written alongside the
# rules and 3 rule gaps were closed after scoring it once; "holdout" (20) was
# written after the rules were fixed and scored once, without changes.
# Measured: tuning precision 1.00, recall 0.96 (48/50); holdout precision 1.00,
# recall 0.90 (9/10). Known misses: "If John had double-checked the diff ...",
# "Whoever wrote this cron job did not bother ...", "the fault of the vendor's
# engineer" (possessive before the role).


def _scores(frame: pd.DataFrame) -> tuple[float, float]:
    flagged = frame["sentence"].map(lambda s: not find_blame(s).empty)
    label = frame["label"] == 1
    tp = int((flagged & label).sum())
    precision = tp / max(int(flagged.sum()), 1)
    recall = tp / int(label.sum())
    return precision, recall


def test_labelled_set_is_balanced() -> None:
    data = pd.read_csv(LABELLED)
    assert len(data) >= 80
    assert data["label"].value_counts().to_dict() == {0: 60, 1: 60}
    assert data["sentence"].is_unique


def test_precision_and_recall_on_labelled_sentences() -> None:
    data = pd.read_csv(LABELLED)
    precision, recall = _scores(data)
    assert precision >= 0.95, precision
    assert recall >= 0.90, recall
    held_precision, held_recall = _scores(data[data["split"] == "holdout"])
    assert held_precision >= 0.90, held_precision
    assert held_recall >= 0.80, held_recall


# --- the real corpora -----------------------------------------------------------
# Every flag below was read in its document and judged:
REVIEWED = {
    # timeline: "Assumed user error at the time." - an early hypothesis that pins
    # the failure on the person who reported it; a true flag ("first hypothesis:
    # a client-side problem" says the same without blame)
    (
        "PM2021-010-A-limited-amount-of-services-deployed-in-Kubernetes-returning-504.md",
        18,
    ): "operator_error",
    # contributing factors: "Human error in not knowing that Hellman logs are stored
    # in a different AWS account ..." - a true flag; the gap is undocumented log routing
    ("PM2022-002-Logs-not-shipped-to-CloudWatch.md", 23): "human_error",
    # lessons: "The developer forgot to think about the fact that this change
    # affected the crate download endpoint ..." - a true flag
    ("rust-cratesio-2023-07-20.md", 131): "forgot",
}


def test_corpora_flags_are_the_reviewed_ones(corpora: pmkit.Postmortems) -> None:
    found = find_blame(corpora)
    got = {
        (Path(src).name, int(line)): rule
        for src, line, rule in zip(found["source"], found["line"], found["rule"], strict=True)
    }
    assert len(found) <= len(REVIEWED), found[["source", "line", "sentence"]]
    assert got == REVIEWED
    per_document = len(found) / len(corpora)
    assert per_document < 0.05  # 3 flags over 85 documents


def test_sample_raises_no_flags(sample: pmkit.Postmortems) -> None:
    assert find_blame(sample).empty


def test_check_reports_blame_as_warnings_with_lines() -> None:
    found = check(_collection())
    blame = found[found["code"] == "blame.language"]
    assert CHECKS["blame.language"][0] == "warning"
    assert set(blame["severity"]) == {"warning"}
    assert blame["line"].tolist()[1:] == [11, 12, 20, 30]
    assert pd.isna(blame["line"].iloc[0])
    assert blame["message"].iloc[1] == (
        'blaming language (forgot): "Bob forgot to page"; ' + BLAME_RULES[3].suggestion
    )


def test_check_truncates_long_sentences() -> None:
    inc = schema.conform(
        {
            "incident_id": ["a"],
            "summary": ["Human error " + "x" * 200],
            "detection_source": ["unknown"],
            "source": ["a.md"],
        },
        "incidents",
    )
    message = check(Postmortems(inc)).query("code == 'blame.language'")["message"].iloc[0]
    assert '…"; say what the system allowed' in message
    assert len(message) < 200


def test_check_on_corpora_counts_blame(corpora: pmkit.Postmortems) -> None:
    found = check(corpora)
    assert int((found["code"] == "blame.language").sum()) == len(REVIEWED)
