"""How sure each milestone on ``incidents`` is: ``stated``, ``inferred`` or ``ambiguous``.

Runs once on a load's tables, after :func:`pmkit.io.merge.merge_sources`. A
milestone is ``inferred`` when its provenance is; it is ``ambiguous`` when it is
stated but a problem casts doubt on that statement:

- on the line it was read from: ``time.out_of_order`` (its date may be a typo),
  ``time.ambiguous_date`` (day-first or month-first);
- anywhere in its document: ``time.zone_dst`` (``PST`` written in July: read
  as Pacific local time, the author may have meant UTC-8) and
  ``time.ambiguous_date`` reported for the whole document;
- naming it: ``milestone.order`` (it and the other named milestone contradict
  each other) and ``merge.conflict`` (a platform disagrees by more than 5 minutes).

Everything else stated is ``stated``; a missing milestone has no confidence.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pmkit import schema

__all__ = ["AMBIGUOUS_CODES", "doubts", "rate_milestones"]

#: problem codes that make a milestone read from their line ambiguous
AMBIGUOUS_CODES = frozenset({"time.out_of_order", "time.ambiguous_date"})
#: problem codes that make every stated time of their document ambiguous when
#: they are reported without a line (or, for a zone, once for the document)
_DOCUMENT_CODES = frozenset({"time.zone_dst", "time.ambiguous_date"})
#: problem codes whose message names the milestones they doubt
_NAMING_CODES = frozenset({"milestone.order", "merge.conflict"})
_MILESTONE_NAME = re.compile(r"\b(" + "|".join(schema.MILESTONES) + r")\b")


def doubts(incidents: pd.DataFrame, problems: pd.DataFrame) -> dict[tuple[int, str], str]:
    """The problems that cast doubt on stated milestones: (row, milestone) -> message.

    ``row`` is the position in ``incidents``; only milestones with a time and a
    provenance other than ``inferred`` and ``platform`` can be doubted by a
    document's problems (``merge.conflict`` doubts a platform value too).
    """
    code = problems["code"].astype(object).to_numpy()
    doubt = problems[np.isin(code, list(AMBIGUOUS_CODES | _DOCUMENT_CODES | _NAMING_CODES))]
    at_line: dict[tuple[str, int], str] = {}
    whole: dict[tuple[str, str], str] = {}  # (source, incident id)
    named: dict[tuple[str, str, str], str] = {}  # (source, incident id, milestone)
    for src, line, iid, c, message in zip(
        doubt["source"].astype(object),
        doubt["line"].astype(object),
        doubt["incident_id"].astype(object),
        doubt["code"].astype(object),
        doubt["message"].astype(object),
        strict=True,
    ):
        if pd.isna(src):
            continue
        said = f"{c}: {message}"
        if c in _NAMING_CODES:
            for m in _MILESTONE_NAME.findall(str(message)):
                named.setdefault((str(src), str(iid), m), said)
        elif c in _DOCUMENT_CODES and (c == "time.zone_dst" or pd.isna(line)):
            whole.setdefault((str(src), str(iid)), said)
        elif not pd.isna(line):
            at_line.setdefault((str(src), int(line)), said)
    found: dict[tuple[int, str], str] = {}
    if not (at_line or whole or named):
        return found
    # only incidents of a source some doubt names are looked at one by one
    sources = {s for s, _ in at_line} | {s for s, _ in whole} | {s for s, _, _ in named}
    rows = np.flatnonzero(incidents["source"].isin(list(sources)).to_numpy(dtype=bool))
    source = incidents["source"].astype(object).to_numpy()[rows]
    iids = incidents["incident_id"].astype(object).to_numpy()[rows]
    for col in schema.MILESTONES:
        has = incidents[col].notna().to_numpy(dtype=bool)[rows]
        prov = incidents[schema.provenance_column(col)].astype(object).to_numpy()[rows]
        lines = incidents[schema.line_column(col)].astype(object).to_numpy()[rows]
        for r, s, i, ok, pv, ln in zip(rows, source, iids, has, prov, lines, strict=True):
            if not ok or pd.isna(pv) or pv == "inferred":
                continue
            # the most particular doubt first: on its line, naming it, on its document
            why = None
            if pv != "platform" and not pd.isna(ln):
                why = at_line.get((s, int(ln)))
            if why is None:
                why = named.get((s, str(i), col))
            if why is None and pv != "platform":
                why = whole.get((s, str(i)))
            if why is not None:
                found[int(r), col] = why
    return found


def rate_milestones(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``tables`` with the ``<milestone>_confidence`` columns of ``incidents`` filled.

    >>> from pmkit import schema
    >>> t = {name: schema.empty(name) for name in schema.TABLES}
    >>> t["incidents"] = schema.conform({
    ...     "incident_id": ["a"], "source": ["a.md"], "detection_source": ["unknown"],
    ...     "started_at": [pd.Timestamp("2024-05-01 10:00", tz="UTC")],
    ...     "started_from": ["timeline"], "started_line": [7],
    ...     "detected_at": [pd.Timestamp("2024-05-01 10:07", tz="UTC")],
    ...     "detected_from": ["inferred"]}, "incidents")
    >>> t["problems"] = schema.conform({
    ...     "source": ["a.md"], "line": [7], "incident_id": ["a"], "level": ["warning"],
    ...     "code": ["time.out_of_order"], "message": ["..."]}, "problems")
    >>> rated = rate_milestones(t)["incidents"]
    >>> rated[["started_confidence", "detected_confidence"]].iloc[0].tolist()
    ['ambiguous', 'inferred']
    """
    inc = tables["incidents"]
    if not len(inc):
        return tables
    doubted = np.zeros((len(inc), len(schema.MILESTONES)), dtype=bool)
    order = {col: j for j, col in enumerate(schema.MILESTONES)}
    for r, col in doubts(inc, tables["problems"]):
        doubted[r, order[col]] = True
    inc = inc.copy()
    for col, j in order.items():
        prov = inc[schema.provenance_column(col)].astype(object)
        known = (inc[col].notna() & prov.notna()).to_numpy(dtype=bool)
        inferred = (prov == "inferred").to_numpy(dtype=bool, na_value=False)
        rating = np.where(inferred, "inferred", np.where(doubted[:, j], "ambiguous", "stated"))
        values = rating.astype(object)
        values[~known] = None
        inc[schema.confidence_column(col)] = pd.Categorical(values, dtype=schema.CONFIDENCE)
    out = dict(tables)
    out["incidents"] = inc
    return out
