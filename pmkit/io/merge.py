"""Combine what several sources say about the same incident.

A postmortem document (Markdown, a Miro board, a table row) and an incident
platform export (PagerDuty, incident.io, Statuspage) often describe the same
incident. :func:`merge_sources` runs after every file is read and makes one
``incidents`` row of them.

Rules, kept simple on purpose:

- A *platform record* is an incident row with at least one milestone whose
  provenance is ``"platform"``; every other row is a *document*.
- A platform record matches the document with the same ``incident_id``
  (give the postmortem ``id: PT4KHLK`` in its front matter, or name the board
  file after it). Failing that, it matches the one document whose title,
  summary or timeline text names the platform id as a word (a link such as
  ``https://acme.pagerduty.com/incidents/PT4KHLK`` counts); ids shorter than
  six characters are not searched for. A platform record that two documents
  name is left alone, with a ``merge.ambiguous`` warning.
- The document's values win. Its empty columns are filled from the platform,
  and milestones it lacks are taken from the platform with provenance
  ``"platform"``; so are milestones the document only inferred (provenance
  ``"inferred"``): a recorded time beats a guess, the ``milestone.inferred``
  warning for it is dropped, and ``occurred_at`` follows a replaced start.
  When both state a milestone and they differ by more than ``tolerance``
  (5 minutes), the document's value is kept and a ``merge.conflict`` warning
  names both values and both files.
- The events of both are kept, re-sequenced in time order (lines without a
  time stay after the line they followed); the platform's events, ideas,
  actions and problems take the document's ``incident_id``.

Documents that no platform record matches are returned exactly as given.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from pmkit import schema
from pmkit.io._incident import taken

__all__ = ["TOLERANCE", "merge_sources"]

#: Milestones further apart than this are a ``merge.conflict``.
TOLERANCE = pd.Timedelta(minutes=5)
_MIN_LINK_ID = 6
_FILL = ("title", "summary", "severity", "team", "service", "status", "reported_by", "tz")


def _link_matches(
    pid: str, docs: pd.DataFrame, events: pd.DataFrame, doc_sources: set[str]
) -> list[int]:
    if len(pid) < _MIN_LINK_ID:
        return []
    pattern = rf"(?<![\w-]){re.escape(pid)}(?![\w-])"
    text = docs["title"].fillna("") + " " + docs["summary"].fillna("")
    hit = set(docs.index[text.str.contains(pattern, regex=True)])
    ev = events[events["source"].isin(doc_sources)]
    named = ev.loc[ev["text"].fillna("").str.contains(pattern, regex=True), "incident_id"]
    hit |= set(docs.index[docs["incident_id"].isin(set(named))])
    return sorted(hit)


def _fmt(at: pd.Timestamp) -> str:
    return f"{at:%Y-%m-%d %H:%M:%S} UTC"


def merge_sources(
    tables: dict[str, pd.DataFrame], *, tolerance: pd.Timedelta = TOLERANCE
) -> dict[str, pd.DataFrame]:
    """One incident row where a platform record and a document describe the same incident.

    Parameters
    ----------
    tables : dict of DataFrame
        The five tables of a load.
    tolerance : Timedelta
        Milestones that differ by more are reported as ``merge.conflict``.

    Returns
    -------
    dict of DataFrame
        The five tables; unchanged (the same objects) when nothing matches.

    Examples
    --------
    >>> from pmkit.schema import conform
    >>> t = {name: schema.empty(name) for name in schema.TABLES}
    >>> t["incidents"] = conform({
    ...     "incident_id": ["PT4KHLK", "PT4KHLK"], "source": ["pm.md", "pd.json"],
    ...     "detection_source": ["unknown", "monitoring"],
    ...     "detected_at": [None, pd.Timestamp("2024-05-01 10:07", tz="UTC")],
    ...     "detected_from": [None, "platform"]}, "incidents")
    >>> inc = merge_sources(t)["incidents"]
    >>> inc[["incident_id", "detected_at", "detected_from", "detection_source"]].values.tolist()
    [['PT4KHLK', Timestamp('2024-05-01 10:07:00+0000', tz='UTC'), 'platform', 'monitoring']]
    """
    inc = tables["incidents"]
    froms = [schema.provenance_column(c) for c in schema.MILESTONES]
    is_platform = pd.Series(False, index=inc.index)
    for c in froms:
        is_platform |= (inc[c].astype(object) == "platform").fillna(False).astype(bool)
    if not is_platform.any() or is_platform.all():
        return tables
    docs = inc[~is_platform]
    events = tables["events"]
    doc_sources = set(docs["source"].dropna())
    by_id: dict[str, list[int]] = {}
    for pos, iid in enumerate(docs["incident_id"]):
        by_id.setdefault(str(iid), []).append(int(docs.index[pos]))
    problems: list[dict[str, Any]] = []
    pairs: list[tuple[int, int]] = []
    for p_idx in inc.index[is_platform.to_numpy()]:
        row = inc.loc[p_idx]
        pid = str(row["incident_id"])
        found = by_id.get(pid) or _link_matches(pid, docs, events, doc_sources)
        if len(found) == 1:
            pairs.append((found[0], int(p_idx)))
        elif len(found) > 1:
            names = ", ".join(str(docs.at[i, "source"]) for i in found)
            problems.append(
                {
                    "source": row["source"],
                    "incident_id": pid,
                    "level": "warning",
                    "code": "merge.ambiguous",
                    "message": f"platform incident {pid} is named by several documents "
                    f"({names}); it is kept on its own. Give the right postmortem "
                    f"id: {pid}",
                }
            )
    if not pairs:
        if not problems:
            return tables
        out = dict(tables)
        out["problems"] = schema.concat(
            [tables["problems"], schema.conform(pd.DataFrame(problems), "problems")], "problems"
        )
        return out
    inc = inc.copy()
    superseded: list[tuple[str, str, str]] = []  # (source, id, milestone) inferred, now stated
    renames: dict[tuple[str, str], str] = {}  # (platform id, platform source) -> document id
    merged_ids: dict[str, str] = {}  # document id -> document source
    for d_idx, p_idx in pairs:
        doc, plat = inc.loc[d_idx], inc.loc[p_idx]
        values: dict[Any, Any] = inc.loc[d_idx].to_dict()
        did, dsrc, psrc = str(doc["incident_id"]), doc["source"], plat["source"]
        for col in _FILL:
            if pd.isna(values[col]) and not pd.isna(plat[col]):
                inc.loc[d_idx, col] = plat[col]
        if doc["detection_source"] == "unknown" and plat["detection_source"] != "unknown":
            inc.loc[d_idx, "detection_source"] = plat["detection_source"]
        for col in schema.MILESTONES:
            d_at, p_at = values[col], plat[col]
            if pd.isna(p_at):
                continue
            inferred = values[schema.provenance_column(col)] == "inferred"
            if pd.isna(d_at) or inferred:
                inc.loc[d_idx, col] = p_at
                inc.loc[d_idx, schema.provenance_column(col)] = "platform"
                # the line was the document's; the platform record has none
                inc.loc[d_idx, schema.line_column(col)] = pd.NA
                if inferred:
                    superseded.append((str(dsrc), did, col))
            elif abs(d_at - p_at) > tolerance:
                problems.append(
                    {
                        "source": dsrc,
                        "incident_id": did,
                        "level": "warning",
                        "code": "merge.conflict",
                        "message": f"{col}: {dsrc} says {_fmt(d_at)}, {psrc} says "
                        f"{_fmt(p_at)} ({abs(d_at - p_at)} apart); the document's value "
                        "is kept, correct whichever is wrong",
                    }
                )
        if pd.isna(values["occurred_at"]):
            inc.loc[d_idx, "occurred_at"] = plat["occurred_at"]
        elif _first_moment(values) == values["occurred_at"]:
            # the document's occurred_at is its start (or detection); when the
            # platform replaced an inferred one, it follows
            now = _first_moment(inc.loc[d_idx].to_dict())
            if now is not None:
                inc.loc[d_idx, "occurred_at"] = now
        renames[(str(plat["incident_id"]), str(psrc))] = did
        merged_ids[did] = str(dsrc)
    inc = inc.drop(index=[p for _, p in pairs]).reset_index(drop=True)
    out = dict(tables)
    out["incidents"] = schema.concat([inc], "incidents")
    for name in ("events", "ideas", "actions", "problems"):
        df = tables[name]
        keys = list(zip(df["incident_id"].astype(object), df["source"].astype(object), strict=True))
        new = [renames.get((str(i), str(s))) for i, s in keys]
        if any(n is not None for n in new):
            df = df.copy()
            fixed = [n if n is not None else i for n, (i, _) in zip(new, keys, strict=True)]
            df["incident_id"] = pd.array(fixed, dtype=schema.STRING)
        out[name] = df
    out["events"] = _resequence(out["events"], merged_ids)
    if superseded:
        out["problems"] = _drop_inferred(out["problems"], superseded)
    if problems:
        out["problems"] = schema.concat(
            [out["problems"], schema.conform(pd.DataFrame(problems), "problems")], "problems"
        )
    return out


def _first_moment(row: dict[Any, Any]) -> Any:
    """The start, else the detection, of an incident row (None when neither is known)."""
    for col in ("started_at", "detected_at"):
        if not pd.isna(row[col]):
            return row[col]
    return None


def _drop_inferred(problems: pd.DataFrame, superseded: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Without the ``milestone.inferred`` warnings of milestones a platform stated.

    ``superseded`` holds (document source, incident id, milestone); each such
    warning names its milestone with :func:`~pmkit.io._incident.taken`.
    """
    code = problems["code"].astype(object)
    source = problems["source"].astype(object)
    iid = problems["incident_id"].astype(object)
    message = problems["message"].astype(object).fillna("")
    drop = pd.Series(False, index=problems.index)
    for src, did, col in superseded:
        drop |= (
            (code == "milestone.inferred")
            & (source == src)
            & (iid == did)
            & message.str.contains(taken(col), regex=False)
        )
    return problems[~drop.to_numpy()].reset_index(drop=True)


def _resequence(events: pd.DataFrame, merged: dict[str, str]) -> pd.DataFrame:
    """Events of merged incidents in time order, document lines first on ties."""
    mask = events["incident_id"].isin(list(merged))
    if not mask.any():
        return events
    part = events[mask].copy()
    doc_source = part["incident_id"].map(merged)
    helpers = pd.DataFrame(
        {
            "iid": part["incident_id"].astype(object),
            "key": part.groupby(["incident_id", "source"], sort=False)["at"].transform(
                lambda s: s.ffill().bfill()
            ),
            "rank": (part["source"].astype(object) != doc_source.astype(object)).astype(int),
            "orig": range(len(part)),
        },
        index=part.index,
    )
    order = helpers.sort_values(
        ["iid", "key", "rank", "orig"], kind="mergesort", na_position="last"
    ).index
    part = part.loc[order]
    part["seq"] = part.groupby("incident_id", sort=False).cumcount().astype(schema.INT)
    return schema.concat([events[~mask], part], "events").reset_index(drop=True)
