"""Incidents that repeat an earlier weakness: :func:`recurrences`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from pmkit.collection import Postmortems
from pmkit.errors import UsageError
from pmkit.themes._text import _WORD, INT, STRING, _clean, _mask_words, _stem

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
    # (looked up one by one: with no risk statement at all a map would be numeric)
    by_id = {str(k): str(v) for k, v in risk.items()}
    said = pd.Series(
        [by_id.get(str(i), "") for i in inc["incident_id"]], index=inc.index, dtype=object
    )
    docs = inc["summary"].fillna("").astype(str) + " " + said
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
