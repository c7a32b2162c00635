"""Group short statements into themes: :func:`cluster_statements`.

TF-IDF on cleaned text (see :mod:`pmkit.themes._text`) reduced by truncated
SVD (LSA), then an average-linkage merge into themes: of the statements
themselves up to 2,000 distinct ones, of MiniBatchKMeans groups above that.

Choosing the number of themes: the merge stops at cosine distance
:data:`MERGE_DISTANCE`. On templated text that finds the themes; on real
statements, which share few words, it leaves dozens of two- or three-statement
themes (72 for 260 hand-labelled corpus statements), so the cut is capped at
``CAP_FACTOR * sqrt(n)`` themes (25 there; NMI 0.41 against the hand labels).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.cluster import MiniBatchKMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from pmkit.errors import UsageError
from pmkit.themes._text import (
    _WORD,
    INT,
    STRING,
    UNCLUSTERED,
    _as_series,
    _clean,
    _labels,
    _stem,
)

#: Below this cosine similarity to its theme's centre a statement is unclustered.
MIN_SIMILARITY = 0.1
#: Average-linkage cut (cosine distance) used when ``n_themes`` is None.
MERGE_DISTANCE = 0.95
#: Above this many distinct statements, MiniBatchKMeans pre-groups them.
_PREGROUP_ABOVE = 2000


def _empty_clusters() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": pd.Series([], dtype=STRING),
            "theme_id": pd.Series([], dtype=INT),
            "theme_label": pd.Series([], dtype=STRING),
            "similarity": pd.Series([], dtype="float64"),
        }
    )


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
    if n_comp < 2:
        return tfidf, None  # tiny: cluster the exact TF-IDF cosine
    # LSA even for small inputs: on real statements, which share few exact words,
    # the reduced space joins paraphrases that raw TF-IDF cosine keeps apart
    svd = TruncatedSVD(n_components=n_comp, algorithm="randomized", random_state=random_state)
    z = svd.fit_transform(tfidf)
    return tfidf, normalize(z).astype(np.float32)


#: With ``n_themes`` None, at most ``CAP_FACTOR * sqrt(n statements)`` themes.
CAP_FACTOR = 1.5


def _readable(weights: np.ndarray) -> int:
    """Most themes a distance cut may give: ``CAP_FACTOR * sqrt(statements)``."""
    return max(2, int(np.ceil(CAP_FACTOR * np.sqrt(weights.sum()))))


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
    if n <= _PREGROUP_ABOVE:
        micro = np.arange(n)
        centres = z if z is not None else tfidf.toarray()
    else:
        assert z is not None  # _vectors reduces every input with more than two rows
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
        cap = _readable(weights)
        if cut.max() > cap:
            cut = fcluster(tree, t=cap, criterion="maxclust")
    else:
        cut = fcluster(tree, t=n_themes, criterion="maxclust")
    return np.asarray(cut, dtype=np.int64)[micro] - 1


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
        are merged while their statements stay similar on average, and into at
        most ``1.5 * sqrt(len(texts))`` themes so that the list stays readable.
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
