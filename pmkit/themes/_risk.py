"""Recurring risk themes of a postmortem collection: :func:`risk_themes`."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from pmkit import schema
from pmkit.collection import Postmortems
from pmkit.errors import UsageError
from pmkit.themes._cluster import _cluster
from pmkit.themes._text import INT, STRING, UNCLUSTERED, _mask_words
from pmkit.themes.taxonomy import _best, _check_taxonomy, _taxonomy_shares

if TYPE_CHECKING:
    from pmkit.themes._embed import ProgressCallback


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
    progress: bool | ProgressCallback | None = None,
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
    n_themes, method, random_state, min_size, progress
        As in :func:`cluster_statements`; ``method="embeddings"`` needs
        ``pip install 'pmkit[embeddings]'``.
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
        progress=progress,
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
