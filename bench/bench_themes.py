"""Benchmark: cluster 100k short synthetic risk statements into themes.

Statements are built with numpy from paraphrase templates of 16 hidden themes,
with service names, hosts and numbers filled in and generic incident
boilerplate around them. For a few seeds the script prints wall time, NMI and
adjusted Rand index of :func:`pmkit.themes.cluster_statements` (themes chosen
from the data, and with the true number of themes) next to a plain TF-IDF +
KMeans baseline (true k) run in the same process.

It then does the same on real text: the cause / risk statements of
``../shared/corpora`` that were labelled by hand with a taxonomy category
(``tests/data/themes/corpora_labels.csv``: file, line, label; the text is
re-read with :func:`pmkit.load`), and reports the keyword taxonomy's accuracy
on them. NMI rises with the number of clusters, so AMI (chance-corrected) is
printed too and the baseline is run with the number of themes pmkit chose.

Both parts run ``method="tfidf"`` (default) and ``method="embeddings"``
(all-MiniLM-L6-v2 from the ``pmkit[embeddings]`` extra, offline, CPU). For the
embeddings the script also prints the one-off model load time and the encode
rate in seconds per 1,000 statements, on the real statements and on 1,000
distinct synthetic ones. (The synthetic 100k hold only ~1,400 distinct cleaned
statements, and duplicates are encoded once.)

Targets (issue 4): 100k statements in under 5 s on 2 cores, 10k in under 1 s,
NMI clearly above the baseline; NMI >= 0.40 on real statements for the best
method (BERTopic, MiniLM + UMAP + HDBSCAN, reached about 0.32 there);
embeddings about 6 s per 1,000 statements on this CPU.

Run: ``.venv/bin/python bench/bench_themes.py [n] [seeds]``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _timing import best_of
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import (
    adjusted_mutual_info_score,
    adjusted_rand_score,
    normalized_mutual_info_score,
)

import pmkit
from pmkit.themes import _embed, cluster_statements, match_taxonomy
from pmkit.themes._text import _plain

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
LABELS = ROOT / "tests" / "data" / "themes" / "corpora_labels.csv"

THEMES: dict[str, tuple[str, ...]] = {
    "certificates": (
        "TLS certificate for {svc} expired",
        "cert rotation on {svc} is manual",
        "expired certificate on {host} broke {svc}",
        "nobody tracks when the {svc} certificates expire",
        "SSL cert renewal for {svc} was forgotten",
    ),
    "disk": (
        "disk on {host} filled up",
        "{svc} storage reached {num} percent",
        "log volume exhausted disk space on {host}",
        "no cleanup of old files so the disk filled",
    ),
    "config": (
        "config change to {svc} pushed without review",
        "bad configuration value rolled out to {svc}",
        "no validation of {svc} config before it is applied",
        "a typo in the {svc} configuration file",
    ),
    "deploy": (
        "deploy of {svc} v{num} shipped a regression",
        "release {num} of {svc} went out to all regions at once",
        "no canary stage in the {svc} deployment pipeline",
        "rollback of the {svc} release took {num} minutes",
    ),
    "capacity": (
        "{svc} ran out of capacity under peak traffic",
        "traffic spike of {num}x overloaded {svc}",
        "autoscaling for {svc} was capped too low",
        "no load testing before the sale event",
    ),
    "dependency": (
        "third-party payment provider outage took down {svc}",
        "vendor API for {svc} returned errors for {num} minutes",
        "upstream dependency had no timeout in {svc}",
        "we depend on a single external provider for {svc}",
    ),
    "dns": (
        "DNS record for {svc} pointed at the old load balancer",
        "DNS resolution failed on {host}",
        "TTL of the {svc} DNS entry was too long",
        "resolver misconfiguration broke name lookups",
    ),
    "database": (
        "database migration locked the {svc} table",
        "slow query on the {svc} database exhausted connections",
        "replica lag of {num} seconds on {host}",
        "db connection pool for {svc} too small",
    ),
    "monitoring": (
        "no monitoring on the {svc} queue depth",
        "missing dashboard for {svc} latency",
        "we had no metric for {svc} error rate",
        "health check for {svc} did not cover the database",
    ),
    "alert_noise": (
        "on-call ignored the page because {svc} alerts are noisy",
        "too many false positive alerts from {svc}",
        "alert fatigue: {num} pages a night for {svc}",
        "flapping alert on {host} was silenced",
    ),
    "runbook": (
        "runbook for {svc} failover was out of date",
        "no documented procedure to restore {svc}",
        "escalation path for {svc} was unclear",
        "the on-call engineer did not know the {svc} recovery steps",
    ),
    "access": (
        "leaked API key for {svc} in a public repo",
        "overly broad IAM permissions on {svc}",
        "expired credentials locked {svc} out of the bucket",
        "secret rotation for {svc} is manual",
    ),
    "code_bug": (
        "null pointer exception in {svc} request handler",
        "race condition in the {svc} cache invalidation",
        "off-by-one error in {svc} pagination code",
        "unhandled exception crashed {svc} workers",
    ),
    "tests": (
        "no integration test covered the {svc} checkout path",
        "unit tests for {svc} were skipped in CI",
        "test environment for {svc} differs from production",
        "flaky tests hid the {svc} regression",
    ),
    "network": (
        "network partition between {host} and the {svc} cluster",
        "packet loss on the link to {svc}",
        "firewall rule change blocked traffic to {svc}",
        "load balancer health checks dropped {svc} backends",
    ),
    "memory": (
        "memory leak in {svc} caused OOM kills",
        "{svc} pods restarted after running out of memory",
        "heap size for {svc} set too low",
        "unbounded cache grew until {svc} ran out of RAM",
    ),
}
SERVICES = ("checkout", "billing", "login", "sso", "search", "indexer", "payments", "gateway")
PREFIXES = ("", "", "", "risk: ", "we noticed that ", "root cause: ", "contributing factor: ")
SUFFIXES = ("", "", "", " during the incident", " which impacted customers", " again")


def make_statements(n: int, seed: int) -> tuple[list[str], np.ndarray]:
    """``n`` statements and their hidden theme numbers."""
    rng = np.random.default_rng(seed)
    names = list(THEMES)
    theme = rng.integers(len(names), size=n)
    tmpl = rng.integers(1 << 30, size=n)
    svc = rng.integers(len(SERVICES), size=n)
    num = rng.integers(2, 500, size=n)
    pre = rng.integers(len(PREFIXES), size=n)
    suf = rng.integers(len(SUFFIXES), size=n)
    out = []
    for i in range(n):
        group = THEMES[names[theme[i]]]
        body = group[tmpl[i] % len(group)].format(
            svc=SERVICES[svc[i]], num=num[i], host=f"{SERVICES[svc[i]]}-{num[i]}.prod.internal"
        )
        out.append(PREFIXES[pre[i]] + body + SUFFIXES[suf[i]])
    return out, theme


def baseline(texts: list[str], k: int, seed: int) -> np.ndarray:
    """Plain TF-IDF + KMeans with the true number of themes."""
    x = TfidfVectorizer().fit_transform(texts)
    return KMeans(n_clusters=k, n_init=1, random_state=seed).fit_predict(x)


def main(n: int = 100_000, seeds: tuple[int, ...] = (0, 1, 2)) -> None:
    k = len(THEMES)
    rows: dict[str, list[tuple[float, float, float]]] = {}
    for seed in seeds:
        texts, truth = make_statements(n, seed)
        runs = {
            "pmkit auto k": lambda t=texts, s=seed: cluster_statements(t, random_state=s)[
                "theme_id"
            ].to_numpy(),
            "pmkit k=16": lambda t=texts, s=seed: cluster_statements(t, n_themes=k, random_state=s)[
                "theme_id"
            ].to_numpy(),
            "embeddings auto k": lambda t=texts, s=seed: cluster_statements(
                t, method="embeddings", random_state=s, progress=False
            )["theme_id"].to_numpy(),
            "embeddings k=16": lambda t=texts, s=seed: cluster_statements(
                t, method="embeddings", n_themes=k, random_state=s, progress=False
            )["theme_id"].to_numpy(),
            "baseline tfidf+kmeans k=16": lambda t=texts, s=seed: baseline(t, k, s),
        }
        for name, run in runs.items():
            t0 = time.perf_counter()
            pred = run()
            dt = time.perf_counter() - t0
            nmi = normalized_mutual_info_score(truth, pred)
            ami = adjusted_mutual_info_score(truth, pred)
            ari = adjusted_rand_score(truth, pred)
            found = len(set(pred.tolist()) - {-1})
            rows.setdefault(name, []).append((dt, nmi, ami, ari, found))
            print(
                f"seed {seed} {name:28s} {dt:6.2f} s  {found:3d} themes  NMI {nmi:.3f}  "
                f"AMI {ami:.3f}  ARI {ari:.3f}",
                flush=True,
            )
    print(f"\n{n} statements, {k} hidden themes, seeds {list(seeds)}; median (min-max)")
    print(f"{'method':28s} {'time s':>17s} {'themes':>6s} {'NMI':>17s} {'AMI':>17s} {'ARI':>17s}")
    for name, vals in rows.items():
        a = np.asarray(vals)
        cells = [
            f"{np.median(a[:, j]):.3f} ({a[:, j].min():.2f}-{a[:, j].max():.2f})" for j in (1, 2, 3)
        ]
        print(
            f"{name:28s} {np.median(a[:, 0]):6.2f} ({a[:, 0].min():.2f}-{a[:, 0].max():.2f})"
            f" {np.median(a[:, 4]):6.0f}  " + "  ".join(cells)
        )
    print("targets: < 5 s at 100k, < 1 s at 10k; NMI clearly above the baseline")


def encode_rate(texts: list[str], runs: int = 3) -> float:
    """Seconds per 1,000 statements for :func:`pmkit.themes._embed.embed` (best of ``runs``)."""
    seconds, _ = best_of(runs, lambda: _embed.embed(texts, progress=False))
    return seconds / len(texts) * 1000


def load_model() -> float:
    """Seconds to import torch and sentence-transformers and load the packaged model."""
    t0 = time.perf_counter()
    _embed._model()
    return time.perf_counter() - t0


def main_embeddings_rate(real: list[str], load: float) -> None:
    synthetic = list(dict.fromkeys(make_statements(20_000, 9)[0]))[:1000]
    plain = [str(t) for t in _plain(pd.Series(real))]
    print(f"\nembeddings: import torch + load all-MiniLM-L6-v2 {load:.1f} s (once per process)")
    for name, texts in [("real statements", plain), ("synthetic statements", synthetic)]:
        mean_len = np.mean([len(t) for t in texts])
        print(
            f"encode rate, {len(texts)} {name} (mean {mean_len:.0f} chars): "
            f"{encode_rate(texts):.2f} s per 1,000 statements"
        )
    print("target: about 6 s per 1,000 statements on this CPU")


def real_statements() -> pd.DataFrame:
    """The hand-labelled corpus statements with their text (``text``, ``label``)."""
    labels = pd.read_csv(LABELS)
    ideas = pmkit.load(CORPORA).ideas
    rel = ideas["source"].astype(str).map(lambda p: Path(p).relative_to(CORPORA).as_posix())
    texts = pd.DataFrame(
        {"source_file": rel, "line": ideas["line"].astype("int64"), "text": ideas["text"]}
    )
    return labels.merge(texts, on=["source_file", "line"], how="inner")


def main_real() -> list[str]:
    df = real_statements()
    truth = df["label"].to_numpy()
    texts = df["text"].astype(str).tolist()
    k_true = len(set(truth))
    auto = cluster_statements(texts)["theme_id"].to_numpy()
    k_auto = len(set(auto.tolist()) - {-1})
    emb = cluster_statements(texts, method="embeddings")["theme_id"].to_numpy()
    k_emb = len(set(emb.tolist()) - {-1})
    runs: dict[str, np.ndarray] = {
        f"pmkit auto k (found {k_auto})": auto,
        f"embeddings auto k (found {k_emb})": emb,
    }
    for k in sorted({k_true, k_auto, k_emb}):
        runs[f"pmkit k={k}"] = cluster_statements(texts, n_themes=k)["theme_id"].to_numpy()
        runs[f"embeddings k={k}"] = cluster_statements(texts, method="embeddings", n_themes=k)[
            "theme_id"
        ].to_numpy()
        for seed in range(3):
            runs[f"baseline tfidf+kmeans k={k} s{seed}"] = baseline(texts, k, seed)
    print(f"\nreal statements: {len(df)} hand-labelled, {k_true} labels (-1 counted as a group)")
    print(f"{'method':36s} {'NMI':>6s} {'AMI':>6s} {'ARI':>6s}")
    for name, pred in runs.items():
        nmi = normalized_mutual_info_score(truth, pred)
        ami = adjusted_mutual_info_score(truth, pred)
        ari = adjusted_rand_score(truth, pred)
        print(f"{name:36s} {nmi:6.3f} {ami:6.3f} {ari:6.3f}")
    pred = match_taxonomy(texts)["taxonomy"].fillna("other").astype(str).to_numpy()
    hit = pred != "other"
    print(
        f"taxonomy keywords: accuracy {np.mean(pred == truth):.3f} "
        f"(no hit = 'other'); {np.mean(pred[hit] == truth[hit]):.3f} on the {hit.sum()} "
        "statements with a keyword hit"
    )
    print("target: NMI >= 0.40 for the best method on real statements (BERTopic: about 0.32)")
    return texts


if __name__ == "__main__":
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    n_seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    load = load_model()  # first, so that the figure includes the imports
    main(size, tuple(range(n_seeds)))
    main_embeddings_rate(main_real(), load)
