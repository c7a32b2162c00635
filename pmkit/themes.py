"""Risk themes: the weaknesses that keep coming back across many postmortems.

Three entry points, from low to high level:

- :func:`cluster_statements` groups any list of short statements into themes;
- :func:`risk_themes` clusters the risk and cause statements of a
  :class:`~pmkit.collection.Postmortems` collection and describes each theme
  (label, representative statement, incidents, teams, trend, taxonomy);
- :func:`recurrences` pairs each incident with similar earlier incidents and
  says whether the earlier follow-ups were still open when it happened.

The default method is TF-IDF on text whose identifiers and numbers are masked
and whose generic incident words ("incident", "customers", "impact", ...) are
stop words, then truncated SVD, MiniBatchKMeans into many small groups and an
average-linkage merge of those groups into themes.

>>> from pmkit.themes import cluster_statements
>>> out = cluster_statements(["TLS certificate expired", "expired TLS cert on api-7",
...                           "disk full on db host", "disk filled up on db-2"])
>>> out["theme_id"].tolist()
[0, 0, 1, 1]
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.preprocessing import normalize

from pmkit import schema
from pmkit.collection import Postmortems
from pmkit.errors import UsageError

__all__ = [
    "DOMAIN_STOP_WORDS",
    "TAXONOMY",
    "RiskThemes",
    "cluster_statements",
    "match_taxonomy",
    "recurrences",
    "risk_themes",
]

STRING = schema.STRING
INT = schema.INT
UNCLUSTERED = -1
#: Below this cosine similarity to its theme's centre a statement is unclustered.
MIN_SIMILARITY = 0.1
#: Average-linkage cut (cosine distance) used when ``n_themes`` is None.
MERGE_DISTANCE = 0.95
#: Above this many distinct statements, MiniBatchKMeans pre-groups them.
_PREGROUP_ABOVE = 2000

#: Words so common in postmortems that they say nothing about *which* weakness.
_DOMAIN_WORDS = """
    incident incidents outage outages issue issues problem problems impact impacted
    impacting customer customers user users client clients service services team teams
    production prod system systems caused cause causes causing due result resulted
    resulting led lead leads root contributing factor factors risk risks area areas
    could would might may also however within across time times minute minutes hour
    hours day days week weeks degraded degradation affected affecting affect happened
    occurred occur occurs make makes made need needs needed take takes took down
    able unable still already ever got get gets one two three several many much
"""
DOMAIN_STOP_WORDS: frozenset[str] = frozenset(_DOMAIN_WORDS.split())
_STOP = sorted(DOMAIN_STOP_WORDS | ENGLISH_STOP_WORDS)
# Spelling variants folded to one word before vectorising (word -> canonical).
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "certificate": ("cert", "certs", "certificates", "ssl"),
    "configuration": ("config", "configs", "cfg", "configurations", "conf"),
    "database": ("db", "dbs", "databases", "postgres", "postgresql", "mysql"),
    "deploy": ("deployment", "deployments", "rollout", "rollouts", "deploys", "deployed"),
    "kubernetes": ("k8s", "kube"),
    "memory": ("oom", "ram"),
    "permission": ("permissions", "perms", "iam", "rbac"),
    "credential": ("credentials", "creds", "secret", "secrets", "password", "passwords"),
    "review": ("unreviewed", "reviewed", "reviews"),
    "monitor": ("unmonitored", "monitoring", "monitored", "monitors"),
    "alert": ("alerts", "alerting", "alerted", "page", "paged", "paging"),
    "disk": ("disks", "storage", "volume", "volumes"),
}
_ID = r"\b[\w-]+(?:[./:@][\w-]+)+\b|\S*\d\S*"  # hostnames, paths, versions, numbers
_WORD = r"(?u)\b[^\W\d_]{2,}\b"


def _alternation(words: Iterable[str]) -> str:
    return r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b"


def _clean(texts: pd.Series, mask: Iterable[str] = ()) -> pd.Series:
    """Lower-case, drop identifiers/numbers/``mask`` words, fold synonyms, drop stop words.

    Runs as a handful of vectorised (RE2) replacements over an Arrow string column.
    """
    s = texts.astype(STRING).fillna("").str.lower()
    mask = [m.lower() for m in mask if isinstance(m, str) and m.strip()]
    if mask:
        s = s.str.replace(_alternation(mask), " ", regex=True)
    s = s.str.replace(_ID, " ", regex=True).str.replace(r"[_\-]", " ", regex=True)
    for canon, variants in _SYNONYMS.items():
        s = s.str.replace(_alternation(variants), canon, regex=True)
    return s.str.replace(_alternation(_STOP), " ", regex=True)


def _stem(s: pd.Series) -> pd.Series:
    # crude suffix folding so "expires"/"expired" meet; labels use unstemmed words
    return s.str.replace(r"\b(\w{4,}?)(?:ing|ed|es|s)\b", r"\1", regex=True)


def _empty_clusters() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": pd.Series([], dtype=STRING),
            "theme_id": pd.Series([], dtype=INT),
            "theme_label": pd.Series([], dtype=STRING),
            "similarity": pd.Series([], dtype="float64"),
        }
    )


def _as_series(texts: Sequence[str] | pd.Series) -> pd.Series:
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of strings, got a single str; wrap it in a list")
    if not isinstance(texts, pd.Series | Sequence | np.ndarray):
        raise TypeError(f"texts must be a sequence of strings, got {type(texts).__name__}")
    return pd.Series(list(texts), dtype=STRING)


def _embed(docs: list[str]) -> np.ndarray:
    try:
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
    except ImportError as err:
        raise ImportError(
            "method='embeddings' needs sentence-transformers; "
            "install it with pip install 'pmkit[embeddings]'"
        ) from err
    model = SentenceTransformer("all-MiniLM-L6-v2", device="cpu")  # pragma: no cover
    vecs = model.encode(docs, show_progress_bar=len(docs) > 2000)  # pragma: no cover
    return normalize(np.asarray(vecs, dtype=np.float32))  # pragma: no cover


def _vectors(
    stemmed: list[str], *, method: str, originals: list[str], random_state: int
) -> tuple[sparse.csr_matrix | None, np.ndarray | None]:
    """TF-IDF rows (for similarity) and the reduced space that is clustered."""
    vec = TfidfVectorizer(
        token_pattern=_WORD,
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=2 if len(stemmed) > 5000 else 1,
        dtype=np.float32,
    )
    try:
        tfidf = sparse.csr_matrix(vec.fit_transform(stemmed))
    except ValueError as err:
        if "empty vocabulary" in str(err) or "no terms remain" in str(err):
            return None, None
        raise
    if method == "embeddings":
        return tfidf, _embed(originals)
    n_comp = min(100, tfidf.shape[1] - 1, tfidf.shape[0] - 1)
    if tfidf.shape[0] <= _PREGROUP_ABOVE or n_comp < 2:
        return tfidf, None  # small: cluster the exact TF-IDF cosine
    svd = TruncatedSVD(n_components=n_comp, algorithm="randomized", random_state=random_state)
    z = svd.fit_transform(tfidf)
    return tfidf, normalize(z).astype(np.float32)


def _group(
    tfidf: sparse.csr_matrix,
    z: np.ndarray | None,
    weights: np.ndarray,
    *,
    n_themes: int | None,
    random_state: int,
) -> np.ndarray:
    """Theme number (0..k-1) of each row."""
    n = tfidf.shape[0]
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    if z is None:
        points = tfidf.toarray() if tfidf.shape[1] <= 4000 else None
        if points is None:
            z = normalize(
                TruncatedSVD(min(100, n - 1), random_state=random_state).fit_transform(tfidf)
            )
            points = z
        micro = np.arange(n)
        centres = points
    else:
        n_micro = min(200, max(2, n // 5))
        km = MiniBatchKMeans(
            n_clusters=n_micro, random_state=random_state, n_init=3, batch_size=4096
        )
        micro = km.fit_predict(z, sample_weight=weights)
        centres = normalize(km.cluster_centers_)
    # an all-zero centre (never for TF-IDF rows, possible for empty k-means groups)
    centres = np.where(np.linalg.norm(centres, axis=1, keepdims=True) > 0, centres, 1e-6)
    tree = linkage(centres, method="average", metric="cosine")
    if n_themes is None:
        cut = fcluster(tree, t=MERGE_DISTANCE, criterion="distance")
    else:
        cut = fcluster(tree, t=n_themes, criterion="maxclust")
    return np.asarray(cut, dtype=np.int64)[micro] - 1


def _labels(clean: list[str], theme: np.ndarray, n_terms: int = 3) -> dict[int, str]:
    """Most distinctive words per theme, class-based TF-IDF (BERTopic's c-TF-IDF)."""
    ids = sorted(t for t in set(theme.tolist()) if t != UNCLUSTERED)
    if not ids:
        return {}
    keep = theme != UNCLUSTERED
    docs = np.asarray(clean, dtype=object)[keep]
    th = theme[keep]
    cv = CountVectorizer(token_pattern=_WORD, ngram_range=(1, 2))
    try:
        counts = sparse.csr_matrix(cv.fit_transform(docs))
    except ValueError:
        return dict.fromkeys(ids, "")
    rows = sparse.csr_matrix(
        (np.ones(len(th)), (th, np.arange(len(th)))), shape=(max(ids) + 1, len(th))
    )
    per_class = (rows @ counts).toarray()
    tf = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)
    avg = per_class.sum() / max(len(ids), 1)
    ctfidf = tf * np.log1p(avg / np.maximum(per_class.sum(axis=0), 1))
    vocab = cv.get_feature_names_out()
    out: dict[int, str] = {}
    for t in ids:
        chosen: list[str] = []
        for j in np.argsort(-ctfidf[t], kind="stable"):
            if ctfidf[t, j] <= 0 or len(chosen) == n_terms:
                break
            term = str(vocab[j])
            if any(term in c.split() or c in term.split() for c in chosen):
                continue
            chosen.append(term)
        out[t] = " / ".join(chosen)
    return out


def _cluster(
    texts: pd.Series,
    *,
    n_themes: int | None,
    method: str,
    random_state: int,
    min_size: int,
    mask: Iterable[str] = (),
) -> pd.DataFrame:
    if method not in ("tfidf", "embeddings"):
        raise UsageError(f"method must be 'tfidf' or 'embeddings', got {method!r}")
    if n_themes is not None and (isinstance(n_themes, bool) or not isinstance(n_themes, int)):
        raise TypeError(f"n_themes must be an int or None, got {type(n_themes).__name__}")
    if n_themes is not None and n_themes < 1:
        raise UsageError(f"n_themes must be at least 1 (or None to choose), got {n_themes}")
    if min_size < 1:
        raise UsageError(f"min_size must be at least 1, got {min_size}")
    n = len(texts)
    if n == 0:
        return _empty_clusters()
    clean = _clean(texts, mask)
    stemmed = _stem(clean).str.split().str.join(" ")
    codes, uniques = pd.factorize(stemmed)
    weights = np.bincount(codes).astype(np.float64)
    nonempty = np.asarray(pd.Series(uniques).str.len() > 0)
    theme = np.full(n, UNCLUSTERED, dtype=np.int64)
    sim = np.zeros(n, dtype=np.float64)
    idx = np.flatnonzero(nonempty)
    first = pd.Series(np.arange(n)).groupby(codes).first().to_numpy()
    tfidf, z = _vectors(
        [str(u) for u in np.asarray(uniques, dtype=object)[idx]],
        method=method,
        originals=[str(texts.iloc[first[i]]) for i in idx],
        random_state=random_state,
    )
    if tfidf is not None and len(idx):
        nz = np.asarray(tfidf.getnnz(axis=1) > 0)
        idx, tfidf = idx[nz], tfidf[nz]
        z = z[nz] if z is not None else None
    if tfidf is not None and len(idx):
        k = None if n_themes is None else min(n_themes, len(idx))
        u_theme = _group(tfidf, z, weights[idx], n_themes=k, random_state=random_state)
        # cosine of each row to its theme's centre in TF-IDF space (weights = duplicates)
        w = sparse.diags(weights[idx]) @ tfidf
        onehot = sparse.csr_matrix(
            (np.ones(len(idx)), (u_theme, np.arange(len(idx)))),
            shape=(int(u_theme.max()) + 1, len(idx)),
        )
        centres = normalize(sparse.csr_matrix(onehot @ w))
        u_sim = np.asarray(tfidf.multiply(centres[u_theme]).sum(axis=1)).ravel()
        size = np.bincount(u_theme, weights=weights[idx])
        ok = (size[u_theme] >= min_size) & (u_sim >= MIN_SIMILARITY)
        u_theme = np.where(ok, u_theme, UNCLUSTERED)
        full_theme = np.full(len(uniques), UNCLUSTERED, dtype=np.int64)
        full_sim = np.zeros(len(uniques))
        full_theme[idx], full_sim[idx] = u_theme, np.clip(u_sim, 0.0, 1.0)
        theme, sim = full_theme[codes], full_sim[codes]
    # renumber: biggest theme first, ties by first appearance, so ids are stable
    kept = theme[theme != UNCLUSTERED]
    if len(kept):
        sizes = pd.Series(kept).value_counts(sort=False)
        firsts = pd.Series(np.flatnonzero(theme != UNCLUSTERED)).groupby(kept).min()
        order = sorted(sizes.index, key=lambda t: (-sizes[t], firsts[t]))
        remap = np.full(int(theme.max()) + 2, UNCLUSTERED, dtype=np.int64)
        remap[np.asarray(order)] = np.arange(len(order))
        theme = np.where(theme == UNCLUSTERED, UNCLUSTERED, remap[theme])
    labels = _labels(list(clean), theme)
    label = pd.Series([labels.get(int(t), "unclustered") for t in theme], dtype=object)
    return pd.DataFrame(
        {
            "text": texts.reset_index(drop=True),
            "theme_id": pd.Series(theme, dtype=INT),
            "theme_label": label.astype(STRING),
            "similarity": sim,
        }
    )


def cluster_statements(
    texts: Sequence[str] | pd.Series,
    *,
    n_themes: int | None = None,
    method: str = "tfidf",
    random_state: int = 0,
    min_size: int = 2,
) -> pd.DataFrame:
    """Group short statements into themes.

    Parameters
    ----------
    texts : sequence of str or Series
        The statements, e.g. "Other areas of risk" lines. Missing values are
        treated as empty statements.
    n_themes : int, optional
        How many themes to make. None (default) chooses from the data: groups
        are merged while their statements stay similar on average.
    method : {"tfidf", "embeddings"}
        ``"tfidf"`` (default, scikit-learn only) or ``"embeddings"`` (sentence
        embeddings, needs ``pip install 'pmkit[embeddings]'``).
    random_state : int
        Seed; results are deterministic for a given seed.
    min_size : int
        Themes with fewer statements than this are dissolved into unclustered.

    Returns
    -------
    DataFrame
        One row per input statement, in input order, with columns ``text``,
        ``theme_id`` (0 is the largest theme; -1 is "unclustered": empty
        statements, statements of only stop words, and statements that fit no
        theme), ``theme_label`` (the theme's most distinctive words, or
        ``"unclustered"``) and ``similarity`` (cosine to the theme's centre).

    Raises
    ------
    UsageError
        Unknown ``method``, ``n_themes`` or ``min_size`` below 1.
    ImportError
        ``method="embeddings"`` without sentence-transformers installed.

    Examples
    --------
    >>> from pmkit.themes import cluster_statements
    >>> from pmkit.testing import make_postmortems
    >>> risks = make_postmortems(30, seed=0).ideas.query("step == 'other_risk'")["text"]
    >>> out = cluster_statements(risks)
    >>> out["theme_id"].nunique()
    3
    >>> cluster_statements(["the incident impacted customers"])["theme_label"].tolist()
    ['unclustered']
    """
    return _cluster(
        _as_series(texts),
        n_themes=n_themes,
        method=method,
        random_state=random_state,
        min_size=min_size,
    )


# ---------------------------------------------------------------- taxonomy

#: Common reliability weaknesses: category -> keywords and phrases. A keyword
#: matches at the start of a word, so "expire" also matches "expired".
TAXONOMY: dict[str, tuple[str, ...]] = {
    "configuration change": (
        "config", "misconfig", "feature flag", "flag", "setting", "typo", "yaml",
        "parameter", "toggle",
    ),
    "release/deploy": (
        "deploy", "release", "rollout", "roll out", "rollback", "roll back", "canary",
        "shipped", "upgrade", "pipeline", "hotfix",
    ),
    "capacity": (
        "capacity", "overload", "spike", "peak", "load test", "autoscal", "scaling",
        "throttl", "rate limit", "quota", "disk", "storage", "out of space", "exhaust",
        "filled up", "fills up", "memory", "oom", "cpu", "saturat",
    ),
    "dependency/vendor": (
        "vendor", "third-party", "third party", "provider", "upstream", "dependenc",
        "depend on", "external", "saas", "partner", "supplier",
    ),
    "networking/DNS/certificates": (
        "dns", "certificate", "cert", "tls", "ssl", "network", "firewall", "load balancer",
        "proxy", "cdn", "packet", "routing", "bgp", "ttl", "resolver", "name lookup",
    ),
    "data/database": (
        "database", "db", "query", "queries", "replica", "replication", "schema",
        "migration", "index", "table", "data loss", "corrupt", "backup", "postgres",
        "mysql", "redis", "connection pool",
    ),
    "monitoring gap": (
        "monitor", "unmonitored", "no alert", "missing alert", "without warning",
        "dashboard", "metric", "observability", "visibility", "health check", "not detected",
        "blind spot", "no logging", "tracing",
    ),
    "alert noise": (
        "noisy", "noise", "false positive", "alert fatigue", "flapping", "silenced",
        "too many alerts", "ignored the page", "ignored alert", "pages a night",
    ),
    "process/runbook": (
        "runbook", "playbook", "procedure", "process", "documentation", "documented",
        "escalation", "on-call", "on call", "handover", "hand-off", "manual", "training",
        "ownership", "unclear", "communication",
    ),
    "access/security": (
        "permission", "iam", "rbac", "access control", "credential", "secret", "password",
        "api key", "token", "leak", "vulnerab", "security", "authoriz", "authentic",
    ),
    "code defect": (
        "bug", "exception", "null", "race condition", "regression", "off-by-one",
        "crash", "memory leak", "deadlock", "logic error", "unhandled", "code",
    ),
    "test gap": (
        "test", "ci", "coverage", "staging", "qa", "untested", "test environment",
    ),
}  # fmt: skip


def _check_taxonomy(taxonomy: Mapping[str, Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    if taxonomy is None:
        return TAXONOMY
    if not isinstance(taxonomy, Mapping):
        raise TypeError(
            f"taxonomy must be a dict of category -> keywords, got {type(taxonomy).__name__}"
        )
    if not taxonomy:
        raise UsageError("taxonomy is empty; pass at least one category with keywords")
    out: dict[str, tuple[str, ...]] = {}
    for cat, words in taxonomy.items():
        if isinstance(words, str):
            words = (words,)
        good = tuple(w.lower().strip() for w in words if isinstance(w, str) and w.strip())
        if not good:
            raise UsageError(
                f"taxonomy category {cat!r} has no keywords; give it a list of words or phrases"
            )
        out[str(cat)] = good
    return out


def _taxonomy_shares(texts: pd.Series, taxonomy: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Per statement and category, the share of the statement's keyword hits."""
    low = texts.astype(STRING).fillna("").str.lower()
    hits = pd.DataFrame(
        {
            cat: low.str.count(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")")
            .fillna(0)
            .to_numpy(dtype=np.float64)
            for cat, words in taxonomy.items()
        }
    )
    total = hits.sum(axis=1).to_numpy()
    return hits.div(np.where(total > 0, total, 1.0), axis=0)


def _best(shares: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    conf = shares.max(axis=1) if shares.shape[1] else pd.Series(0.0, index=shares.index)
    best = shares.idxmax(axis=1) if len(shares) else pd.Series([], dtype=object)
    best = best.where(conf > 0)
    return best.astype(STRING), conf.astype("float64")


def match_taxonomy(
    texts: Sequence[str] | pd.Series, *, taxonomy: Mapping[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """Map statements onto a taxonomy of reliability weaknesses by keyword.

    Parameters
    ----------
    texts : sequence of str or Series
        The statements.
    taxonomy : dict of str to list of str, optional
        Category -> keywords or phrases (matched case-insensitively at the start
        of a word). Defaults to :data:`TAXONOMY`.

    Returns
    -------
    DataFrame
        One row per statement with columns ``text``, ``taxonomy`` (the category
        with most keyword hits, NA when none matched) and ``taxonomy_confidence``
        (that category's share of the statement's hits, 0 to 1).

    Raises
    ------
    UsageError
        An empty taxonomy or a category without keywords.

    Examples
    --------
    >>> from pmkit.themes import match_taxonomy
    >>> match_taxonomy(["TLS certificate expired", "lunch was late"])
                          text                     taxonomy  taxonomy_confidence
    0  TLS certificate expired  networking/DNS/certificates                  1.0
    1           lunch was late                         <NA>                  0.0
    """
    tax = _check_taxonomy(taxonomy)
    s = _as_series(texts)
    best, conf = _best(_taxonomy_shares(s, tax))
    return pd.DataFrame({"text": s, "taxonomy": best, "taxonomy_confidence": conf})


# ---------------------------------------------------------------- risk themes


def _mask_words(pm: Postmortems) -> list[str]:
    inc = pm.incidents
    vals = pd.concat([inc["service"], inc["team"], inc["incident_id"]], ignore_index=True)
    return sorted({str(v) for v in vals.dropna().unique() if str(v).strip()})


def _quarter(ts: pd.Series) -> pd.Series:
    q = (ts.dt.month - 1) // 3 + 1
    return (ts.dt.year.astype("string") + "Q" + q.astype("string")).astype(STRING)


@dataclass(frozen=True)
class RiskThemes:
    """Recurring risk themes across postmortems; made by :func:`risk_themes`.

    Attributes
    ----------
    themes : DataFrame
        One row per theme, largest first (see :func:`risk_themes`).
    statements : DataFrame
        Every clustered statement and its theme.
    trend : DataFrame
        Long form: ``theme_id``, ``quarter``, ``n_incidents`` (zero-filled
        between the first and last quarter seen).
    """

    themes: pd.DataFrame
    statements: pd.DataFrame
    trend: pd.DataFrame

    def __repr__(self) -> str:
        n_un = int((self.statements["theme_id"] == UNCLUSTERED).sum())
        return (
            f"<RiskThemes: {len(self.themes)} themes from {len(self.statements)} statements "
            f"({n_un} unclustered)>"
        )

    def incidents(self, theme_id: int) -> pd.DataFrame:
        """The statements of one theme (with their incident ids)."""
        if theme_id not in set(self.themes["theme_id"].tolist()) | {UNCLUSTERED}:
            raise UsageError(
                f"no theme {theme_id}; theme ids are {self.themes['theme_id'].tolist()} "
                "and -1 (unclustered)"
            )
        keep = (self.statements["theme_id"] == theme_id).to_numpy(dtype=bool)
        return self.statements[keep].reset_index(drop=True)

    def _repr_html_(self) -> str:
        cols = ["theme_id", "label", "representative", "size", "n_incidents", "teams"]
        cols += ["first_seen", "last_seen", "taxonomy", "taxonomy_confidence"]
        head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
        body = []
        for row in self.themes[cols].itertuples(index=False):
            cells = []
            for v in row:
                if isinstance(v, float):
                    text = f"{v:.2f}"
                elif isinstance(v, pd.Timestamp):
                    text = v.strftime("%Y-%m-%d")
                else:
                    text = "" if v is pd.NA or v is None else str(v)
                cells.append(f"<td>{html.escape(text)}</td>")
            body.append("<tr>" + "".join(cells) + "</tr>")
        return (
            f"<div class='pmkit-risk-themes'><b>{html.escape(repr(self))}</b>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        )


def _empty_themes() -> pd.DataFrame:
    ts = schema.TIMESTAMP
    cols: dict[str, Any] = {
        "theme_id": INT, "label": STRING, "representative": STRING, "size": INT,
        "n_incidents": INT, "n_teams": INT, "teams": STRING, "services": STRING,
        "first_seen": ts, "last_seen": ts, "taxonomy": STRING,
        "taxonomy_confidence": "float64",
    }  # fmt: skip
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in cols.items()})


def _joined(s: pd.Series) -> str:
    return ", ".join(sorted({str(v) for v in s.dropna()}))


def risk_themes(
    pm: Postmortems,
    *,
    steps: Sequence[str] = ("other_risk", "cause"),
    n_themes: int | None = None,
    method: str = "tfidf",
    random_state: int = 0,
    taxonomy: Mapping[str, Sequence[str]] | None = None,
    min_size: int = 2,
) -> RiskThemes:
    """Cluster the risk statements of many postmortems into recurring themes.

    Service names, team names and incident ids are masked before clustering so
    that themes group *weaknesses*, not the systems they were seen in.

    Parameters
    ----------
    pm : Postmortems
        The collection.
    steps : sequence of str
        Which ``ideas.step`` values to cluster; default Other Areas of Risk plus
        root cause / contributing factors.
    n_themes, method, random_state, min_size
        As in :func:`cluster_statements`.
    taxonomy : dict of str to list of str, optional
        Categories themes are mapped onto; defaults to :data:`TAXONOMY`.

    Returns
    -------
    RiskThemes
        ``.themes``: ``theme_id``, ``label`` (most distinctive words, c-TF-IDF),
        ``representative`` (the statement closest to the theme's centre),
        ``size`` (statements), ``n_incidents``, ``n_teams``, ``teams`` and
        ``services`` (comma-separated), ``first_seen`` and ``last_seen``
        (``incidents.occurred_at``), ``taxonomy`` and ``taxonomy_confidence``
        (mean share of the theme's keyword hits in that category, 0 to 1).
        ``.statements``: ``incident_id``, ``step``, ``text``, ``theme_id``
        (-1 unclustered), ``similarity``. ``.trend``: ``theme_id``,
        ``quarter`` (e.g. ``"2025Q3"``), ``n_incidents``.

    Raises
    ------
    UsageError
        Unknown step (and the errors of :func:`cluster_statements`).

    Examples
    --------
    >>> from pmkit.themes import risk_themes
    >>> from pmkit.testing import make_postmortems
    >>> rt = risk_themes(make_postmortems(30, seed=0))
    >>> rt
    <RiskThemes: 3 themes from 30 statements (0 unclustered)>
    >>> rt.themes[["label", "n_incidents", "taxonomy"]]  # doctest: +SKIP
    """
    if not isinstance(pm, Postmortems):
        raise TypeError(f"pm must be a pmkit.Postmortems, got {type(pm).__name__}")
    steps = (steps,) if isinstance(steps, str) else tuple(steps)
    bad = [s for s in steps if s not in schema.STEPS]
    if bad or not steps:
        raise UsageError(
            f"unknown step(s) {bad or '(none given)'}; steps are {', '.join(schema.STEPS)}"
        )
    tax = _check_taxonomy(taxonomy)
    ideas = pm.ideas
    keep = ideas["step"].isin(steps) & ideas["text"].fillna("").str.strip().str.len().gt(0)
    ideas = ideas[keep.to_numpy(dtype=bool)].reset_index(drop=True)
    clustered = _cluster(
        ideas["text"],
        n_themes=n_themes,
        method=method,
        random_state=random_state,
        min_size=min_size,
        mask=_mask_words(pm),
    )
    statements = pd.DataFrame(
        {
            "incident_id": ideas["incident_id"],
            "step": ideas["step"],
            "text": ideas["text"],
            "theme_id": clustered["theme_id"],
            "similarity": clustered["similarity"],
        }
    )
    trend_empty = pd.DataFrame(
        {
            "theme_id": pd.Series([], dtype=INT),
            "quarter": pd.Series([], dtype=STRING),
            "n_incidents": pd.Series([], dtype=INT),
        }
    )
    inc = pm.incidents[["incident_id", "team", "service", "occurred_at"]]
    df = statements.assign(label=clustered["theme_label"]).merge(inc, on="incident_id", how="left")
    df = df[(df["theme_id"] != UNCLUSTERED).to_numpy(dtype=bool)]
    if not len(df):
        return RiskThemes(_empty_themes(), statements, trend_empty)
    shares = _taxonomy_shares(df["text"], tax).groupby(df["theme_id"].to_numpy()).mean()
    best, conf = _best(shares)
    rep = df.sort_values(["theme_id", "similarity"], ascending=[True, False], kind="stable")
    g = df.groupby("theme_id", sort=True)
    themes = pd.DataFrame(
        {
            "theme_id": g.size().index.to_numpy(),
            "label": g["label"].first().to_numpy(),
            "representative": rep.groupby("theme_id")["text"].first().to_numpy(),
            "size": g.size().to_numpy(),
            "n_incidents": g["incident_id"].nunique().to_numpy(),
            "n_teams": g["team"].nunique().to_numpy(),
            "teams": g["team"].agg(_joined).to_numpy(),
            "services": g["service"].agg(_joined).to_numpy(),
            "first_seen": g["occurred_at"].min().to_numpy(),
            "last_seen": g["occurred_at"].max().to_numpy(),
            "taxonomy": best.reindex(g.size().index).to_numpy(),
            "taxonomy_confidence": conf.reindex(g.size().index).to_numpy(),
        }
    )
    themes = themes.astype(_empty_themes().dtypes.to_dict())
    dated = df.dropna(subset=["occurred_at"])
    if len(dated):
        naive = dated["occurred_at"].dt.tz_convert("UTC").dt.tz_localize(None)
        quarters = [str(p) for p in pd.period_range(naive.min(), naive.max(), freq="Q")]
        counts = (
            dated.assign(quarter=_quarter(dated["occurred_at"]))
            .groupby(["theme_id", "quarter"])["incident_id"]
            .nunique()
        )
        grid = pd.MultiIndex.from_product([themes["theme_id"].tolist(), quarters])
        counts = counts.reindex(grid, fill_value=0)
        trend = pd.DataFrame(
            {
                "theme_id": pd.Series(grid.get_level_values(0), dtype=INT),
                "quarter": pd.Series(grid.get_level_values(1), dtype=STRING),
                "n_incidents": pd.Series(counts.to_numpy(), dtype=INT),
            }
        )
    else:
        trend = trend_empty
    return RiskThemes(themes, statements, trend)


# ---------------------------------------------------------------- recurrences

RECURRENCE_STEPS: tuple[str, ...] = ("other_risk", "cause")


def _empty_recurrences() -> pd.DataFrame:
    cols: dict[str, Any] = {
        "incident_id": STRING, "earlier_incident_id": STRING, "similarity": "float64",
        "days_between": "float64", "earlier_actions_open": INT,
        "earlier_actions_overdue": INT, "earlier_actions_done": INT,
        "earlier_actions_unknown": INT,
    }  # fmt: skip
    return pd.DataFrame({c: pd.Series([], dtype=d) for c, d in cols.items()})


def recurrences(
    pm: Postmortems,
    *,
    threshold: float = 0.35,
    as_of: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Pair each incident with earlier incidents that look like the same weakness.

    Each incident is described by its summary plus its Other Areas of Risk and
    root-cause statements (services, teams and ids masked). Two incidents are a
    recurrence when the TF-IDF cosine of those descriptions is at least
    ``threshold`` and the earlier one's ``occurred_at`` is strictly before.
    Incidents without ``occurred_at`` cannot be ordered and are left out.

    The earlier incident's actions are counted as they stood when the new
    incident happened (time ``T``): *done* if ``status`` is done and
    ``closed_at <= T``; *open* if open/in progress, or closed after ``T``;
    *overdue* if open at ``T`` with ``due < T``; *unknown* if the status is
    unknown, or done/won't do without a ``closed_at`` (when it was closed
    cannot be told, so it is not guessed).

    Parameters
    ----------
    pm : Postmortems
        The collection.
    threshold : float
        Minimum cosine similarity, in (0, 1].
    as_of : Timestamp or str, optional
        Only incidents that occurred at or before this tz-aware time are
        considered. None: all.

    Returns
    -------
    DataFrame
        One row per (incident, earlier incident) pair, ordered by incident then
        similarity (highest first): ``incident_id``, ``earlier_incident_id``,
        ``similarity``, ``days_between`` (float days), ``earlier_actions_open``,
        ``earlier_actions_overdue``, ``earlier_actions_done``,
        ``earlier_actions_unknown``.

    Raises
    ------
    UsageError
        ``threshold`` outside (0, 1] or a naive ``as_of``.

    Examples
    --------
    >>> from pmkit.themes import recurrences
    >>> from pmkit.testing import make_postmortems
    >>> rec = recurrences(make_postmortems(30, seed=0), threshold=0.9)
    >>> list(rec.columns[:4])
    ['incident_id', 'earlier_incident_id', 'similarity', 'days_between']
    >>> bool((rec["days_between"] > 0).all())
    True
    """
    if not isinstance(pm, Postmortems):
        raise TypeError(f"pm must be a pmkit.Postmortems, got {type(pm).__name__}")
    if not 0 < threshold <= 1:
        raise UsageError(f"threshold must be in (0, 1], got {threshold}")
    inc = pm.incidents.dropna(subset=["occurred_at"])
    if as_of is not None:
        cut = pd.Timestamp(as_of)
        if cut.tz is None:
            raise UsageError(
                f"as_of must be tz-aware, got {cut}; pass e.g. pd.Timestamp('{cut}', tz='UTC')"
            )
        inc = inc[(inc["occurred_at"] <= cut).to_numpy(dtype=bool)]
    inc = inc.sort_values("occurred_at", kind="stable").reset_index(drop=True)
    if len(inc) < 2:
        return _empty_recurrences()
    ideas = pm.ideas[pm.ideas["step"].isin(RECURRENCE_STEPS).to_numpy(dtype=bool)]
    risk = ideas.groupby("incident_id", observed=True)["text"].agg(
        lambda s: " ".join(s.dropna().astype(str))
    )
    docs = (
        inc["summary"].fillna("").astype(str)
        + " "
        + inc["incident_id"].map(risk).fillna("").astype(str)
    )
    words = _stem(_clean(docs.astype(STRING), _mask_words(pm))).fillna("")
    vec = TfidfVectorizer(token_pattern=_WORD, ngram_range=(1, 2), sublinear_tf=True)
    try:
        x = sparse.csr_matrix(vec.fit_transform(words.tolist()))
    except ValueError as err:
        if "empty vocabulary" in str(err):
            return _empty_recurrences()
        raise
    when = inc["occurred_at"].array.asi8
    new_i: list[np.ndarray] = []
    old_i: list[np.ndarray] = []
    sims: list[np.ndarray] = []
    step = 2000
    for lo in range(0, x.shape[0], step):
        block = sparse.csr_matrix(x[lo : lo + step] @ x.T).tocoo()
        rows = block.row + lo
        ok = (block.data >= threshold - 1e-9) & (when[block.col] < when[rows])
        new_i.append(rows[ok])
        old_i.append(block.col[ok])
        sims.append(block.data[ok])
    ni, oi, sim = np.concatenate(new_i), np.concatenate(old_i), np.concatenate(sims)
    if not len(ni):
        return _empty_recurrences()
    pairs = pd.DataFrame(
        {
            "incident_id": inc["incident_id"].to_numpy()[ni],
            "earlier_incident_id": inc["incident_id"].to_numpy()[oi],
            "similarity": np.minimum(sim.astype(np.float64), 1.0),
            "days_between": (when[ni] - when[oi]) / 86_400e6,
            "_t": inc["occurred_at"].to_numpy()[ni],
            "_order": ni,
        }
    )
    pairs["_pair"] = np.arange(len(pairs))
    acts = pm.actions[["incident_id", "due", "status", "closed_at"]]
    m = pairs[["_pair", "earlier_incident_id", "_t"]].merge(
        acts, left_on="earlier_incident_id", right_on="incident_id", how="inner"
    )
    t = m["_t"]
    status = m["status"].astype(str)
    closed_by_t = m["closed_at"].notna() & (m["closed_at"] <= t)
    closed_after_t = m["closed_at"].notna() & (m["closed_at"] > t)
    is_closed = status.isin(["done", "wont_do"])
    open_ = status.isin(["open", "in_progress"]) | (is_closed & closed_after_t)
    flags = pd.DataFrame(
        {
            "earlier_actions_open": open_,
            "earlier_actions_overdue": open_ & m["due"].notna() & (m["due"] < t),
            "earlier_actions_done": (status == "done") & closed_by_t,
            "earlier_actions_unknown": (status == "unknown") | (is_closed & m["closed_at"].isna()),
        }
    ).astype("int64")
    counts = flags.groupby(m["_pair"].to_numpy()).sum().reindex(pairs["_pair"], fill_value=0)
    for c in counts.columns:
        pairs[c] = pd.Series(counts[c].to_numpy(), dtype=INT)
    pairs = pairs.sort_values(["_order", "similarity"], ascending=[True, False], kind="stable")
    out = pairs.drop(columns=["_t", "_order", "_pair"]).reset_index(drop=True)
    return out.astype(_empty_recurrences().dtypes.to_dict())
