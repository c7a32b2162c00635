"""The ``Postmortems`` collection: five tidy tables that belong together."""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from pmkit import schema
from pmkit.io import MARKDOWN_SUFFIXES, parquet

if TYPE_CHECKING:
    from pmkit.actions import TrackerMerge

__all__ = ["Postmortems", "read_parquet"]

TABLE_NAMES: tuple[str, ...] = tuple(schema.TABLES)


class Postmortems:
    """Many postmortems as five tables: incidents, events, ideas, actions, problems.

    Build one with :func:`pmkit.load` or :func:`pmkit.read_parquet`; every table
    is validated against :mod:`pmkit.schema` on the way in.

    Parameters
    ----------
    incidents, events, ideas, actions, problems : DataFrame, optional
        The tables; a missing one is empty.
    inputs : sequence of str, optional
        The files the tables were read from (kept for reproducible reports).

    Examples
    --------
    >>> import pmkit
    >>> pm = pmkit.Postmortems()
    >>> len(pm), pm.events.shape[0]
    (0, 0)
    """

    incidents: pd.DataFrame
    events: pd.DataFrame
    ideas: pd.DataFrame
    actions: pd.DataFrame
    problems: pd.DataFrame

    def __init__(
        self,
        incidents: pd.DataFrame | None = None,
        events: pd.DataFrame | None = None,
        ideas: pd.DataFrame | None = None,
        actions: pd.DataFrame | None = None,
        problems: pd.DataFrame | None = None,
        *,
        inputs: Sequence[str] = (),
    ) -> None:
        given = {
            "incidents": incidents,
            "events": events,
            "ideas": ideas,
            "actions": actions,
            "problems": problems,
        }
        for name, df in given.items():
            table = schema.empty(name) if df is None else schema.validate(df, name)
            setattr(self, name, table)
        self.inputs: tuple[str, ...] = tuple(inputs)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The five tables by name."""
        return {name: getattr(self, name) for name in TABLE_NAMES}

    def __len__(self) -> int:
        return len(self.incidents)

    def counts(self) -> dict[str, int]:
        """Rows per table, plus errors, warnings and info rows among the problems."""
        out = {name: len(df) for name, df in self.tables.items()}
        levels = self.problems["level"].value_counts()
        out["errors"] = int(levels.get("error", 0))
        out["warnings"] = int(levels.get("warning", 0))
        out["info"] = int(levels.get("info", 0))
        return out

    def __repr__(self) -> str:
        c = self.counts()
        return (
            f"<Postmortems: {c['incidents']} incidents, {c['events']} events, "
            f"{c['ideas']} ideas, {c['actions']} actions, {c['problems']} problems "
            f"({c['errors']} errors, {c['warnings']} warnings"
            + (f", {c['info']} info" if c["info"] else "")
            + ")>"
        )

    def _repr_html_(self) -> str:
        c = self.counts()
        rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in c.items())
        head = self.incidents.head(5)[["incident_id", "title", "team", "started_at"]]
        return (
            "<div class='pmkit-postmortems'><b>Postmortems</b>"
            f"<table>{rows}</table>{head.to_html(index=False, escape=True)}</div>"
        )

    def evidence(self, incident_ids: Iterable[str] | str | None = None) -> pd.DataFrame:
        """Where each milestone comes from: one row per incident and milestone with a time.

        Columns: ``incident_id``, ``milestone``, ``at``, ``provenance``
        (``metadata``, ``timeline``, ``platform``, ``inferred``), ``confidence``
        (``stated``, ``inferred``, ``ambiguous``), ``source`` and ``line`` (where
        to look), ``text`` (what that line says, as read: the timeline event on
        it, "front matter", "table row" or "platform record"; empty for a
        sentence of the summary, which holds no event) and ``why`` (for an inferred
        or ambiguous milestone, the problem that says from what it was inferred
        or what casts doubt on it).

        Examples
        --------
        >>> import pmkit, pathlib, tempfile
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (d / "2024-05-01-api.md").write_text(
        ...     "# API outage\\n\\n## Timeline\\n\\nAll times UTC.\\n\\n"
        ...     "- 10:00 [start] errors begin\\n- 10:07 alert fired\\n- 10:30 rolled back\\n")
        >>> ev = pmkit.load(d).evidence()
        >>> ev[["milestone", "line", "confidence", "text"]].values.tolist()[:2]
        [['started_at', 7, 'stated', 'errors begin'], ['detected_at', 8, 'stated', 'alert fired']]
        """
        from pmkit.io._incident import taken
        from pmkit.io.confidence import doubts

        inc = self.incidents
        if isinstance(incident_ids, str):
            incident_ids = [incident_ids]
        if incident_ids is not None:
            inc = inc[inc["incident_id"].isin(list(incident_ids)).to_numpy(dtype=bool)]
            inc = inc.reset_index(drop=True)
        doubted = doubts(inc, self.problems)
        ev = self.events
        ev = ev[
            ev["line"].notna().to_numpy(dtype=bool) & ev["incident_id"].isin(inc["incident_id"])
        ]
        said: dict[tuple[str, str, int], list[tuple[Any, str]]] = {}
        for iid, src, line, at, t in zip(
            ev["incident_id"].astype(object),
            ev["source"].astype(object),
            ev["line"].astype(object),
            ev["at"].astype(object),
            ev["text"].astype(object),
            strict=True,
        ):
            said.setdefault((str(iid), str(src), int(line)), []).append((at, str(t)))
        probs = self.problems
        probs = probs[probs["code"].astype(object).eq("milestone.inferred").to_numpy(dtype=bool)]
        inferred_why: dict[str, list[str]] = {}
        for iid, message in zip(
            probs["incident_id"].astype(object), probs["message"].astype(object), strict=True
        ):
            inferred_why.setdefault(str(iid), []).append(str(message))
        rows: list[dict[str, Any]] = []
        records = inc.to_dict("records")
        for r, rec in enumerate(records):
            iid, src = str(rec["incident_id"]), rec["source"]
            for col in schema.MILESTONES:
                at = rec[col]
                if pd.isna(at):
                    continue
                prov = rec[schema.provenance_column(col)]
                line = rec[schema.line_column(col)]
                text: str | None = None
                if not pd.isna(line):
                    # a prose line holds several events: the one at this time
                    on_line = said.get((iid, str(src), int(line)), [])
                    texts = [t for e_at, t in on_line if e_at == at] or [t for _, t in on_line]
                    text = " / ".join(texts) or None
                from_meta = prov == "metadata" or any(
                    rec[schema.provenance_column(c)] == "metadata"
                    and rec[schema.line_column(c)] == line
                    for c in schema.MILESTONES
                    if not pd.isna(line)
                )
                if text is None and from_meta:
                    text = (
                        "front matter"
                        if str(src).lower().endswith(MARKDOWN_SUFFIXES)
                        else "table row"
                    )
                elif text is None and prov == "platform":
                    text = "platform record"
                why = doubted.get((r, col))
                if prov == "inferred":
                    why = next((m for m in inferred_why.get(iid, []) if taken(col) in m), None)
                rows.append(
                    {
                        "incident_id": iid,
                        "milestone": col,
                        "at": at,
                        "provenance": prov,
                        "confidence": rec[schema.confidence_column(col)],
                        "source": src,
                        "line": line,
                        "text": text,
                        "why": why,
                    }
                )
        return pd.DataFrame(
            {
                "incident_id": pd.array([x["incident_id"] for x in rows], dtype=schema.STRING),
                "milestone": pd.Categorical(
                    [x["milestone"] for x in rows], categories=list(schema.MILESTONES)
                ),
                "at": pd.array([x["at"] for x in rows], dtype=schema.TIMESTAMP),
                "provenance": pd.Categorical(
                    [x["provenance"] for x in rows], dtype=schema.PROVENANCE
                ),
                "confidence": pd.Categorical(
                    [x["confidence"] for x in rows], dtype=schema.CONFIDENCE
                ),
                "source": pd.array([x["source"] for x in rows], dtype=schema.STRING),
                "line": pd.array([x["line"] for x in rows], dtype=schema.INT),
                "text": pd.array([x["text"] for x in rows], dtype=schema.STRING),
                "why": pd.array([x["why"] for x in rows], dtype=schema.STRING),
            }
        )

    def select(self, incident_ids: Iterable[str] | pd.Series) -> Postmortems:
        """The postmortems whose ids are given (or a boolean mask over ``incidents``).

        Problems not tied to an incident are kept.
        """
        if isinstance(incident_ids, pd.Series) and incident_ids.dtype == bool:
            ids = set(self.incidents.loc[incident_ids.to_numpy(), "incident_id"])
        else:
            ids = set(incident_ids)
        out: dict[str, Any] = {}
        for name, df in self.tables.items():
            keep = df["incident_id"].isin(ids)
            if name == "problems":
                keep = keep | df["incident_id"].isna()
            out[name] = df[keep.to_numpy(dtype=bool)].reset_index(drop=True)
        return Postmortems(**out, inputs=self.inputs)

    @classmethod
    def concat(cls, items: Sequence[Postmortems]) -> Postmortems:
        """One collection holding the tables of all ``items``."""
        tables = {
            name: schema.concat([getattr(p, name) for p in items], name) for name in TABLE_NAMES
        }
        inputs = [i for p in items for i in p.inputs]
        return cls(**tables, inputs=inputs)

    def with_tracker(
        self, tracker: pd.DataFrame, *, link_on: Sequence[str] = ("key", "label")
    ) -> TrackerMerge:
        """Update actions' owner, due date, status and closed time from a tracker export.

        See :func:`pmkit.actions.with_tracker`; ``tracker`` is e.g. the frame
        :func:`pmkit.io.jira.read_jira` returns. The result holds the updated
        collection (``.postmortems``) and the rows that matched nothing on
        either side.
        """
        from pmkit.actions import with_tracker

        return with_tracker(self, tracker, link_on=link_on)

    def with_owners(self, aliases: Mapping[str, str] | pd.DataFrame) -> Postmortems:
        """A copy whose action owners are written one way per person.

        See :func:`pmkit.owners.with_owners`; ``aliases`` is ``{"sam": "Sam Okafor"}``
        or the reviewed frame :func:`pmkit.owner_aliases` proposes.
        """
        from pmkit.owners import with_owners

        return with_owners(self, aliases)

    def to_parquet(self, directory: str | os.PathLike[str]) -> Path:
        """Write the five tables as a Parquet snapshot, atomically.

        Read it back with :func:`pmkit.read_parquet`.
        """
        return parquet.write_tables(self.tables, directory, meta={"inputs": list(self.inputs)})


def read_parquet(directory: str | os.PathLike[str]) -> Postmortems:
    """Load a snapshot written by :meth:`Postmortems.to_parquet`.

    >>> import pmkit, tempfile
    >>> d = tempfile.mkdtemp()
    >>> _ = pmkit.Postmortems().to_parquet(d + "/snap")
    >>> pmkit.read_parquet(d + "/snap")
    <Postmortems: 0 incidents, 0 events, 0 ideas, 0 actions, 0 problems (0 errors, 0 warnings)>
    """
    tables, meta = parquet.read_tables(directory)
    inputs = meta.get("inputs", [])
    return Postmortems(
        **tables, inputs=[str(i) for i in inputs] if isinstance(inputs, list) else []
    )
