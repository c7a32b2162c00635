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
stop words, then truncated SVD (LSA), MiniBatchKMeans into many small groups
for large inputs, and an average-linkage merge into themes. ``method="embeddings"``
(the ``pmkit[embeddings]`` extra) uses all-MiniLM-L6-v2 sentence embeddings,
loaded offline from an installed package, and a Ward merge instead.

Modules: ``_text`` (cleaning, stemming, labels), ``_cluster``
(:func:`cluster_statements`), ``_embed`` (the sentence model), ``taxonomy`` (:data:`TAXONOMY`,
:func:`match_taxonomy`), ``_risk`` (:func:`risk_themes`), ``_recur``
(:func:`recurrences`).

>>> from pmkit.themes import cluster_statements
>>> out = cluster_statements(["TLS certificate expired", "expired TLS cert on api-7",
...                           "disk full on db host", "disk filled up on db-2"])
>>> out["theme_id"].tolist()
[0, 0, 1, 1]
"""

from pmkit.themes._cluster import cluster_statements
from pmkit.themes._recur import recurrences
from pmkit.themes._risk import RiskThemes, risk_themes
from pmkit.themes._text import DOMAIN_STOP_WORDS
from pmkit.themes.taxonomy import TAXONOMY, match_taxonomy

__all__ = [
    "DOMAIN_STOP_WORDS",
    "TAXONOMY",
    "RiskThemes",
    "cluster_statements",
    "match_taxonomy",
    "recurrences",
    "risk_themes",
]
