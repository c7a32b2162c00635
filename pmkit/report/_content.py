"""What a quarterly review shows: the frames and figures, computed once.

Everything here calls the analysis layer (:mod:`pmkit.metrics`,
:mod:`pmkit.themes`, :mod:`pmkit.actions`, :mod:`pmkit.quality`) and the
figure builders of :mod:`pmkit.plots`; nothing is rendered to HTML here.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pmkit import plots
from pmkit.actions import _resolve_as_of, action_health, overdue, unowned
from pmkit.collection import Postmortems
from pmkit.errors import UsageError
from pmkit.metrics import compare, detection_share, latencies, summarize
from pmkit.quality import CANVAS_STEPS, completeness
from pmkit.themes import recurrences, risk_themes

__all__ = [
    "HEADLINE_DURATIONS",
    "latest_full_quarter",
    "previous_quarter",
    "quarter_bounds",
    "resolve_as_of",
]

#: Durations in the headline, the verdicts and the per-team table (detect,
#: react, quick fix, resolve: the canvas's phases).
HEADLINE_DURATIONS: tuple[str, ...] = (
    "time_to_detect",
    "time_to_acknowledge",
    "time_to_mitigate",
    "time_to_resolve",
)
#: Durations drawn as per-quarter distributions.
DISTRIBUTION_DURATIONS: tuple[str, ...] = ("time_to_detect", "time_to_mitigate")
#: Quarters of history drawn in the trend figures (the reviewed one included).
HISTORY = 6

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_bounds(quarter: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Start (inclusive) and end (exclusive) of ``"2026Q3"`` in UTC.

    >>> [str(t.date()) for t in quarter_bounds("2026Q3")]
    ['2026-07-01', '2026-10-01']
    """
    m = _QUARTER.match(str(quarter))
    if m is None:
        raise UsageError(f"quarter must look like '2026Q3', got {quarter!r}")
    year, q = int(m.group(1)), int(m.group(2))
    start = pd.Timestamp(year=year, month=3 * q - 2, day=1, tz="UTC")
    return start, start + pd.DateOffset(months=3)


def previous_quarter(quarter: str) -> str:
    """The calendar quarter before ``quarter``.

    >>> previous_quarter("2026Q1")
    '2025Q4'
    """
    start, _ = quarter_bounds(quarter)
    before = start - pd.Timedelta(days=1)
    return f"{before.year}Q{(before.month - 1) // 3 + 1}"


def resolve_as_of(pm: Postmortems, as_of: Any) -> pd.Timestamp:
    """``as_of`` as a UTC timestamp; ``None`` is the latest observed time in the data.

    Observed times are the incidents' timestamps, event times and
    ``actions.closed_at`` (due dates are plans, not observations). The clock
    is never read. The same rule as the follow-through tables use.
    """
    return _resolve_as_of(pm, as_of)


def _quarters(lat: pd.DataFrame) -> list[str]:
    return sorted(str(q) for q in lat["quarter"].dropna().unique())


def latest_full_quarter(pm: Postmortems, *, as_of: Any = None) -> str:
    """The latest quarter with incidents that had ended by ``as_of``.

    Parameters
    ----------
    pm : Postmortems
    as_of : str or Timestamp, optional
        Tz-aware; ``None`` is the latest timestamp in the data (the clock is
        never read), so data collected up to the last days of a quarter
        reviews the quarter before it unless a later ``as_of`` is given.

    Raises
    ------
    UsageError
        No incident has a time, or no quarter with incidents had ended by ``as_of``.

    Examples
    --------
    >>> import pmkit
    >>> pm = pmkit.testing.make_postmortems(40, seed=0)
    >>> latest_full_quarter(pm, as_of="2026-11-28T00:00Z")
    '2026Q3'
    """
    quarters = _quarters(latencies(pm, ["time_to_detect"]))
    if not quarters:
        raise UsageError("no incident has an occurred_at or started_at time: no quarter to review")
    ts = resolve_as_of(pm, as_of)
    full = [q for q in quarters if quarter_bounds(q)[1] <= ts]
    if not full:
        raise UsageError(
            f"no quarter with incidents had ended by as_of {ts:%Y-%m-%d %H:%M} UTC "
            f"(quarters with incidents: {', '.join(quarters)}); pass a quarter, or a later "
            "as_of such as today's date (pmkit: --quarter or --as-of)"
        )
    return full[-1]


def _mask(s: pd.Series, values: Any) -> np.ndarray:
    vals = [values] if isinstance(values, str) else list(values)
    return np.asarray(s.isin(vals).to_numpy(dtype=bool, na_value=False))


def _exclusions(
    lat: pd.DataFrame, durations: tuple[str, ...], stated: pd.DataFrame
) -> pd.DataFrame:
    """Per duration and reason, how many incidents of ``lat`` have no value.

    ``n_inferred``: how many of the values used rest on a milestone the reader
    inferred; ``stated`` is ``latencies(..., inferred=False)`` of the same rows.
    """
    rows: list[dict[str, Any]] = []
    reasons = lat["exclusion_reason"].astype(object).where(lat["exclusion_reason"].notna(), "")
    for d in durations:
        n_missing = int(lat[d].isna().sum())
        n_inferred = int((lat[d].notna().to_numpy() & stated[d].isna().to_numpy()).sum())
        counts: dict[str, int] = {}
        for text in reasons[lat[d].isna().to_numpy()]:
            parts = [p for p in str(text).split("; ") if p.startswith(f"{d}: ")]
            why = parts[0][len(d) + 2 :] if parts else "no value"
            counts[why] = counts.get(why, 0) + 1
        used = {"duration": d, "n_used": len(lat) - n_missing, "n_inferred": n_inferred}
        if not n_missing:
            rows.append({**used, "reason": "", "n_excluded": 0})
        for why, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            rows.append({**used, "reason": why, "n_excluded": n})
    return pd.DataFrame(rows, columns=["duration", "n_used", "n_inferred", "reason", "n_excluded"])


def _per_team(
    lat_q: pd.DataFrame, share: pd.DataFrame, actions: pd.DataFrame, quarter: str
) -> pd.DataFrame:
    """One row per team of the quarter: incidents, medians, customer-first, actions."""
    teams = lat_q["team"].astype(object).where(lat_q["team"].notna(), "(no team)")
    lat_t = lat_q.assign(team=teams)
    out = lat_t.groupby("team", sort=True).size().rename("incidents").reset_index()
    s = summarize(lat_t, by="team", durations=list(HEADLINE_DURATIONS))
    for d in HEADLINE_DURATIONS:
        part = s[s["duration"].eq(d).to_numpy(dtype=bool)][["team", "median", "n"]]
        part = part.rename(columns={"median": f"median_{d}", "n": f"n_{d}"})
        out = out.merge(part, on="team", how="left")
    cust = share[share["detection_source"].astype(str).eq("customer").to_numpy(dtype=bool)]
    cust = cust.assign(team=cust["team"].astype(object).where(cust["team"].notna(), "(no team)"))
    cust = cust[["team", "count", "n_known"]].rename(
        columns={"count": "customer_first", "n_known": "source_known"}
    )
    out = out.merge(cust, on="team", how="left")
    acts = actions.assign(
        team=actions["team"].astype(object).where(actions["team"].notna(), "(no team)")
    )
    cols = ["team", "actions", "with_both", "done", "open", "overdue"]
    out = out.merge(acts[cols], on="team", how="left")
    out.columns = pd.Index([str(c) for c in out.columns])
    return out


def _themes(
    pm: Postmortems, ids_q: set[str], titles: dict[str, str], quarter: str
) -> tuple[pd.DataFrame, Any]:
    """Risk themes touching the quarter's incidents, with those incidents listed."""
    statements = pm.ideas[pm.ideas["step"].isin(["other_risk", "cause"]).to_numpy(bool)]
    empty = pd.DataFrame(
        columns=[
            "theme_id",
            "label",
            "n_quarter",
            "n_incidents",
            "quarters",
            "teams",
            "representative",
            "incidents",
        ]
    )
    if statements["text"].fillna("").str.strip().str.len().gt(0).sum() < 2:
        return empty, None
    rt = risk_themes(pm)
    st = rt.statements[rt.statements["theme_id"].ge(0).to_numpy(dtype=bool)]
    in_q = st[_mask(st["incident_id"], sorted(ids_q))]
    if not len(in_q) or not len(rt.themes):
        return empty, rt
    seen = rt.trend[rt.trend["n_incidents"].gt(0).to_numpy(dtype=bool)]
    n_quarters = seen.groupby("theme_id").size()
    rows = []
    for tid, group in in_q.groupby("theme_id", sort=False):
        theme = rt.themes[rt.themes["theme_id"].eq(tid).to_numpy(dtype=bool)].iloc[0]
        ids = sorted(set(group["incident_id"].astype(str)))
        rows.append(
            {
                "theme_id": int(str(tid)),
                "label": str(theme["label"]),
                "n_quarter": len(ids),
                "n_incidents": int(theme["n_incidents"]),
                "quarters": int(n_quarters.get(tid, 0)),
                "teams": str(theme["teams"]),
                "representative": str(theme["representative"]),
                "incidents": [(i, titles.get(i, "")) for i in ids],
            }
        )
    out = pd.DataFrame(rows)
    out = out.sort_values(["n_quarter", "n_incidents"], ascending=False, kind="stable")
    return out.reset_index(drop=True), rt


def _recurring(rec: pd.DataFrame, ids_q: set[str], titles: dict[str, str]) -> pd.DataFrame:
    """One row per incident of the quarter that repeats earlier ones (most similar first)."""
    rec = rec[_mask(rec["incident_id"], sorted(ids_q))]
    rec = rec.sort_values(["incident_id", "similarity"], ascending=[True, False], kind="stable")
    g = rec.groupby("incident_id", sort=False)
    out = pd.DataFrame(
        {
            "incident_id": g["incident_id"].first().astype(str),
            "n_earlier": g.size(),
            "earlier_incident_id": g["earlier_incident_id"].first().astype(str),
            "similarity": g["similarity"].first(),
            "earlier_actions_open": g["earlier_actions_open"].sum(),
            "earlier_actions_overdue": g["earlier_actions_overdue"].sum(),
        }
    ).reset_index(drop=True)
    out["title"] = out["incident_id"].map(titles)
    out["earlier_title"] = out["earlier_incident_id"].map(titles)
    out = out.sort_values(["earlier_actions_open", "n_earlier"], ascending=False, kind="stable")
    return out.reset_index(drop=True)


#: the milestones the headline durations are measured between, in their order
EVIDENCE_MILESTONES = (
    "started_at",
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
)


def _evidence(pm: Postmortems, ids_q: set[str], titles: dict[str, str]) -> pd.DataFrame:
    """One row per incident of the quarter; per milestone a dict of its time,
    line, confidence, the line's text and why it is inferred or doubted."""
    ev = pm.evidence(sorted(ids_q))
    ev = ev[ev["milestone"].astype(str).isin(EVIDENCE_MILESTONES).to_numpy(dtype=bool)]
    rows: dict[str, dict[str, Any]] = {}
    sources = dict(zip(pm.incidents["incident_id"], pm.incidents["source"], strict=True))
    for rec in ev.to_dict("records"):
        iid = str(rec["incident_id"])
        row = rows.setdefault(
            iid, {"incident_id": iid, "title": titles.get(iid, ""), "source": sources.get(iid)}
        )
        row[str(rec["milestone"])] = {
            k: (None if pd.isna(rec[k]) else rec[k])
            for k in ("at", "line", "confidence", "text", "why")
        }
    for iid in sorted(ids_q - set(rows)):  # incidents with no milestone at all
        rows[iid] = {"incident_id": iid, "title": titles.get(iid, ""), "source": sources.get(iid)}
    out = pd.DataFrame(list(rows.values()), columns=["incident_id", "title", "source"])
    for m in EVIDENCE_MILESTONES:
        out[m] = [r.get(m) for r in rows.values()]
    first = [r.get("started_at") or r.get("detected_at") or {} for r in rows.values()]
    out["_at"] = [f.get("at") for f in first]
    return (
        out.sort_values(["_at", "incident_id"], kind="stable", na_position="last")
        .drop(columns="_at")
        .reset_index(drop=True)
    )


def build(
    pm: Postmortems,
    quarter: str,
    previous: str | None,
    *,
    tz: str,
    as_of: pd.Timestamp,
) -> tuple[dict[str, pd.DataFrame], dict[str, go.Figure], dict[str, Any]]:
    """The review's frames, figures and facts (verdicts, counts, notes)."""
    lat = latencies(pm)
    stated = latencies(pm, HEADLINE_DURATIONS, inferred=False)
    in_q = _mask(lat["quarter"], quarter)
    lat_q = lat[in_q].reset_index(drop=True)
    pair = [q for q in (previous, quarter) if q is not None]
    lat_pair = lat[_mask(lat["quarter"], pair)].reset_index(drop=True)
    quarters = [q for q in _quarters(lat) if q <= quarter][-HISTORY:]
    in_hist = _mask(lat["quarter"], quarters)
    lat_hist = lat[in_hist].reset_index(drop=True)
    ids_q = set(lat_q["incident_id"].astype(str))
    inc = pm.incidents
    titles = {
        str(i): ("" if pd.isna(t) else str(t))
        for i, t in zip(inc["incident_id"], inc["title"], strict=True)
    }
    frames: dict[str, pd.DataFrame] = {}
    figures: dict[str, go.Figure] = {}
    facts: dict[str, Any] = {"quarters_shown": quarters}

    # headline: medians with intervals, and the verdicts
    frames["headline"] = summarize(lat_pair, by="quarter", durations=list(HEADLINE_DURATIONS))
    verdicts: dict[str, str] = {}
    if previous is not None:
        for d in HEADLINE_DURATIONS:
            verdicts[d] = compare(lat, previous, quarter, duration=d).verdict
    facts["verdicts"] = verdicts
    facts["n_quarter"] = len(lat_q)
    facts["n_previous"] = int(_mask(lat["quarter"], previous or "").sum())

    # latency distributions and median trends
    trend = summarize(lat_hist, by="quarter", durations=list(HEADLINE_DURATIONS))
    frames["trend"] = trend
    for d in DISTRIBUTION_DURATIONS:
        figures[f"distribution_{d}"] = plots.latency_distribution(
            lat_hist, trend, duration=d, title=f"{d} per quarter (each dot an incident)"
        )
    figures["median_trend"] = plots.median_trend(
        trend, title="median per quarter, with 95% intervals"
    )
    frames["exclusions_history"] = _exclusions(lat_hist, HEADLINE_DURATIONS, stated[in_hist])
    frames["exclusions_quarter"] = _exclusions(lat_q, HEADLINE_DURATIONS, stated[in_q])
    facts["no_quarter"] = int(lat["quarter"].isna().sum())

    # detection source
    share = detection_share(lat_hist, by="quarter")
    frames["detection"] = share
    figures["detection"] = plots.detection_share(
        share, count="count", title="how incidents were first noticed (share of known sources)"
    )
    frames["detect_by_source"] = summarize(lat_q, by="detection_source", durations="time_to_detect")

    # per team
    team_share = detection_share(lat_q, by="team")
    acts_q = pm.select(sorted(ids_q))
    team_actions = action_health(acts_q, as_of=as_of, by="team").summary
    frames["teams"] = _per_team(lat_q, team_share, team_actions, quarter)

    # risk themes and recurrences
    frames["themes"], rt = _themes(pm, ids_q, titles, quarter)
    if rt is not None and len(rt.themes):
        touched = set(frames["themes"]["theme_id"].tolist()) if len(frames["themes"]) else set()
        chosen = rt.themes[_mask(rt.themes["theme_id"].astype(object), touched)]
        trend_t = rt.trend[_mask(rt.trend["quarter"], quarters)]
        figures["themes"] = plots.risk_theme_map(
            chosen, trend_t, title=f"risk themes seen in {quarter}: incidents over all quarters"
        )
    frames["recurrences"] = _recurring(recurrences(pm, as_of=as_of), ids_q, titles)

    # action follow-through, as of as_of
    health = action_health(pm, as_of=as_of, by="team")
    frames["follow_through"] = health.summary
    figures["follow_through"] = plots.follow_through(
        health.summary,
        title=f"actions of all postmortems per team, as of {as_of.tz_convert(tz):%Y-%m-%d}",
    )
    late = overdue(pm, as_of=as_of)
    frames["overdue"] = late
    owners = late.assign(owner=late["owner"].astype(object).where(late["owner"].notna(), ""))
    frames["overdue_owners"] = (
        owners.groupby("owner", sort=False)
        .agg(
            overdue=("action_id", "size"),
            most_days=("days_overdue", "max"),
            teams=("team", lambda s: ", ".join(sorted({str(v) for v in s.dropna()}))),
        )
        .reset_index()
        .sort_values(["overdue", "most_days"], ascending=False, kind="stable")
        .reset_index(drop=True)
    )
    frames["unowned"] = unowned(pm)

    # completeness of the quarter's postmortems
    comp = completeness(pm)
    comp_q = comp[_mask(comp["incident_id"], sorted(ids_q))].reset_index(drop=True)
    comp_q = comp_q.assign(title=comp_q["incident_id"].map(titles))
    frames["completeness"] = comp_q
    checks = {title: f"has_{step}" for step, title in CANVAS_STEPS.items()}
    checks["Next Steps"] = "has_next_steps"
    checks["owner and date on every action"] = "all_actions_owned_and_dated"
    frames["steps"] = pd.DataFrame(
        {
            "step": list(checks),
            "share": [float(comp_q[c].mean()) if len(comp_q) else np.nan for c in checks.values()],
        }
    )

    # where each milestone of the quarter's incidents comes from
    frames["evidence"] = _evidence(pm, ids_q, titles)

    # problems the loader recorded
    probs = pm.problems
    in_q = _mask(probs["incident_id"], sorted(ids_q))
    frames["problems"] = (
        probs.assign(in_quarter=in_q)
        .groupby(["level", "code"], observed=True, sort=True)
        .agg(n=("message", "size"), in_quarter=("in_quarter", "sum"), example=("message", "first"))
        .reset_index()
        .sort_values(["level", "n"], ascending=[True, False], kind="stable")
        .reset_index(drop=True)
    )
    facts["problems_total"] = len(probs)
    facts["problems_no_incident"] = int(probs["incident_id"].isna().sum())
    facts["n_files"] = len(pm.inputs)
    facts["counts"] = pm.counts()
    facts["actions_quarter"] = len(acts_q.actions)
    facts["as_of_before_end"] = bool(as_of < quarter_bounds(quarter)[1])
    for name, fig in figures.items():
        fig.update_layout(meta={"pmkit_figure": name})
    return frames, figures, facts
