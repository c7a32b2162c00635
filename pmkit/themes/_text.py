"""Text preparation for risk themes: masking, stop words, synonyms, stemming, labels.

Statements are lower-cased, identifiers and numbers are masked, spelling
variants are folded to one word and generic incident words are dropped, so
that what is left names the *weakness*. Theme labels are the most distinctive
words of each theme (class-based TF-IDF).

>>> import pandas as pd
>>> _clean(pd.Series(["The TLS cert on api-7.prod expired"])).str.split().tolist()
[['tls', 'certificate', 'expired']]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from pmkit import schema
from pmkit.collection import Postmortems

STRING = schema.STRING
INT = schema.INT
UNCLUSTERED = -1

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


def _plain(texts: pd.Series, mask: Iterable[str] = ()) -> pd.Series:
    """Text for sentence embeddings: ``mask`` words and identifiers/numbers removed.

    Case, stop words and grammar stay: the embedding model reads whole sentences.

    >>> _plain(pd.Series(["The TLS cert on api-7.prod expired for Checkout"]), ["checkout"])[0]
    'The TLS cert on expired for'
    """
    s = texts.astype(STRING).fillna("")
    mask = [m.lower() for m in mask if isinstance(m, str) and m.strip()]
    if mask:
        s = s.str.replace("(?i)" + _alternation(mask), " ", regex=True)
    s = s.str.replace(_ID, " ", regex=True)
    return s.str.replace(r"\s+", " ", regex=True).str.strip()


def _stem(s: pd.Series) -> pd.Series:
    # crude suffix folding so "expires"/"expired" meet; labels use unstemmed words
    return s.str.replace(r"\b(\w{4,}?)(?:ing|ed|es|s)\b", r"\1", regex=True)


def _as_series(texts: Sequence[str] | pd.Series) -> pd.Series:
    if isinstance(texts, str):
        raise TypeError("texts must be a sequence of strings, got a single str; wrap it in a list")
    if not isinstance(texts, pd.Series | Sequence | np.ndarray):
        raise TypeError(f"texts must be a sequence of strings, got {type(texts).__name__}")
    return pd.Series(list(texts), dtype=STRING)


def _mask_words(pm: Postmortems) -> list[str]:
    inc = pm.incidents
    vals = pd.concat([inc["service"], inc["team"], inc["incident_id"]], ignore_index=True)
    return sorted({str(v) for v in vals.dropna().unique() if str(v).strip()})


_SUFFIX = re.compile(r"(?:ies|ing|ed|es|s|e)$")


def _word_key(word: str) -> str:
    """One key for the forms of a word in a label: expired, expires, expire -> expir.

    >>> [_word_key(w) for w in ["expired", "expires", "oids", "oid", "queries", "dns"]]
    ['expir', 'expir', 'oid', 'oid', 'quer', 'dns']
    """
    key = _SUFFIX.sub("", word)
    return key if len(key) >= 3 else word


def _term_keys(term: str) -> frozenset[str]:
    return frozenset(_word_key(w) for w in term.split())


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
        keys: list[frozenset[str]] = []
        for j in np.argsort(-ctfidf[t], kind="stable"):
            if ctfidf[t, j] <= 0 or len(chosen) == n_terms:
                break
            term = str(vocab[j])
            key = _term_keys(term)
            # one word in two forms ("expired / expires"), or a word inside a chosen pair
            if any(key <= k or k <= key for k in keys):
                continue
            chosen.append(term)
            keys.append(key)
        out[t] = " / ".join(chosen)
    return out
