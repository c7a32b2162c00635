"""A small built-in taxonomy of reliability weaknesses and keyword matching onto it."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from pmkit.errors import UsageError
from pmkit.themes._text import STRING, _as_series

__all__ = ["TAXONOMY", "match_taxonomy"]

#: Common reliability weaknesses: category -> keywords and phrases. A keyword
#: matches at the start of a word, so "expire" also matches "expired".
TAXONOMY: dict[str, tuple[str, ...]] = {
    "configuration change": (
        "config", "misconfig", "feature flag", "flag", "setting", "typo", "yaml",
        "parameter", "toggle",
    ),
    "release/deploy": (
        "deploy", "release", "rollout", "roll out", "rollback", "roll back", "canary",
        "shipped", "upgrade", "pipeline", "hotfix", "version bump", "version lock", "pinned",
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
        "blind spot", "no logging", "tracing", "alerting", "no alerts", "alert threshold",
        "undetected", "unnoticed", "went unnoticed", "detection time", "weak signal",
    ),
    "alert noise": (
        "noisy", "noise", "false positive", "alert fatigue", "flapping", "silenced",
        "too many alerts", "ignored the page", "ignored alert", "pages a night",
    ),
    "process/runbook": (
        "runbook", "playbook", "procedure", "process", "documentation", "documented",
        "escalation", "on-call", "on call", "handover", "hand-off", "manual", "training",
        "ownership", "unclear", "communication", "coordinat", "checklist", "knowledge",
        "human error", "war room", "staff", "holiday", "understanding", "experience",
    ),
    "access/security": (
        "permission", "iam", "rbac", "access control", "credential", "secret", "password",
        "api key", "token", "leak", "vulnerab", "security", "authoriz", "authentic",
        "attack", "malicious", "compromis", "stole", "exfiltrat", "fraud", "abuse",
        "impersonat", "privilege", "phishing",
    ),
    "code defect": (
        "bug", "exception", "null", "race condition", "regression", "off-by-one",
        "crash", "memory leak", "deadlock", "logic error", "unhandled", "code",
        "backwards compatib", "backward compatib", "typeerror", "refactor",
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
