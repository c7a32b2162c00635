"""Read generic tables of incidents, events or actions (``format="table"``).

Files: ``.csv``, ``.jsonl``, ``.json`` (a list of records, or one under
``"incidents"``, ``"events"``, ``"actions"``, ``"records"`` or ``"data"``),
``.yaml``/``.yml`` (the same shapes) and ``.parquet``. A JSON file is read as a
table only when no Miro or platform reader recognises it.

Each file holds one table; which one is told by its columns (after the
``columns=`` renames given to :func:`pmkit.load`, and with names compared in
lower case with ``_`` for spaces, so ``Incident ID`` is ``incident_id``):

- **events** have ``incident_id``, ``at`` and ``text`` (``kind`` optional,
  otherwise classified from the text);
- **actions** have ``incident_id`` and ``text`` plus one of ``owner``, ``due``,
  ``status``, ``action_id``;
- **incidents** have ``incident_id`` plus any other incidents column (milestones
  read from them have provenance ``"metadata"``).

A file whose columns do not say which table it is, or that lacks a required
column, is an ``error`` problem naming the missing and the found columns; a
timestamp without a zone (and no ``tz=``) is a ``time.no_zone`` problem, not a guess.

Examples
--------
>>> import pathlib, tempfile, pmkit
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "events.csv").write_text(
...     "Incident,When,What\\nINC-1,2024-05-01T10:07:00Z,alert fired\\n")
>>> pm = pmkit.load(d / "events.csv")
>>> pm.problems["message"][0]
'events table needs columns incident_id, at, text; found Incident, When, What; pass ...'
>>> pm = pmkit.load(d / "events.csv",
...                 columns={"Incident": "incident_id", "When": "at", "What": "text"})
>>> pm.events[["incident_id", "kind"]].values.tolist()
[['INC-1', 'detected']]
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Any

import yaml

from pmkit import classify, schema, timeparse
from pmkit.io import Options, Reader, register
from pmkit.io._incident import IncidentRows, micros, parse_instant
from pmkit.io.rows import Parsed

__all__ = ["read_table"]

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_WRAPPERS = ("incidents", "events", "actions", "records", "data")
_REQUIRED = {
    "incidents": ("incident_id",),
    "events": ("incident_id", "at", "text"),
    "actions": ("incident_id", "text"),
}
_ACTION_HINTS = {"owner", "due", "status", "action_id", "tracker_key", "closed_at"}
_INCIDENT_COLS = set(schema.TABLES["incidents"])


def _key(name: str) -> str:
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def _records(path: Path, data: bytes) -> list[dict[str, Any]]:
    """Rows as dicts, with a ``__line__`` for JSONL (a CSV is streamed by :func:`_csv_stream`)."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return [dict(r) for r in pq.read_table(path).to_pylist()]
    text = data.decode("utf-8-sig", errors="strict")
    if suffix == ".jsonl":
        rows = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                obj = json.loads(line)
                if not isinstance(obj, dict):
                    raise ValueError(f"line {n} is a JSON {type(obj).__name__}, not an object")
                rows.append({**obj, "__line__": n})
        return rows
    doc = yaml.load(text, Loader=_YAML_LOADER) if suffix in (".yaml", ".yml") else json.loads(text)
    if isinstance(doc, dict):
        doc = next((doc[k] for k in _WRAPPERS if isinstance(doc.get(k), list)), doc)
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise ValueError("expected a list of records (objects with the same keys)")
    return list(doc)


def _csv_stream(path: Path) -> Iterator[Any]:
    """A CSV file read as it is iterated: first its header (a list), then each row.

    Rows are dicts with a ``__line__``; values beyond the header are under the
    key None. The file is never held whole: a 100 MB table read through a
    string and a list of row dicts took 12x its size.
    """
    with path.open(encoding="utf-8-sig", errors="strict", newline="") as f:
        reader = csv.DictReader(f)
        yield list(reader.fieldnames or [])
        for row in reader:
            row["__line__"] = reader.line_num
            yield row


def _which(cols: set[str], stem: str) -> str | None:
    if {"at", "text"} <= cols or "kind" in cols:
        return "events"
    if "text" in cols and cols & _ACTION_HINTS:
        return "actions"
    if "incident_id" in cols and len(cols & _INCIDENT_COLS) > 1:
        return "incidents"
    low = stem.lower()
    for hint, table in (("event", "events"), ("timeline", "events"), ("action", "actions")):
        if hint in low:
            return table
    return "incidents" if "incident" in low else None


class _Table:
    def __init__(self, source: str, options: Options, out: Parsed) -> None:
        self.source = source
        self.options = options
        self.out = out
        self.seen: set[str] = set()
        #: one string object per distinct id, kind or person: they repeat row after
        #: row, and a fresh copy per row was a third of a big table's memory
        self.strings: dict[str, str] = {}
        self.tz: tzinfo | None = None
        if options.tz:
            try:
                self.tz, _ = timeparse.resolve_zone(options.tz, None)
            except ValueError as err:
                self.problem(None, "error", "time.unknown_zone", str(err))

    def same(self, value: str) -> str:
        """``value``, as the first equal string this file gave."""
        return self.strings.setdefault(value, value)

    def problem(self, line: int | None, level: str, code: str, message: str) -> None:
        if code in self.seen:  # one row per code and file: tables repeat themselves
            return
        self.seen.add(code)
        self.out.problem(self.source, line, level, code, message)

    def time(self, value: Any, col: str, line: int | None, *, day: bool = False) -> datetime | None:
        if value is None or value == "" or value != value:  # NaN from Parquet
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        if day and isinstance(value, str) and len(value.strip()) == 10:
            d = timeparse.find_date(value)
            if d is not None:
                return datetime(d.year, d.month, d.day, tzinfo=UTC)
        try:
            return parse_instant(value, self.tz)
        except ValueError as err:
            if "has no time zone" in str(err):
                self.problem(
                    line,
                    "error",
                    "time.no_zone",
                    f"{col} {value} has no time zone; write it with an offset "
                    "(2024-05-01T10:07:00Z) or pass tz='Europe/Paris' to pmkit.load",
                )
            else:
                self.problem(
                    line,
                    "warning",
                    "table.bad_value",
                    f"{col} {value!r} is not an ISO 8601 time; it is left out",
                )
            return None

    def read(
        self, rows: Iterator[dict[Any, Any]], stem: str, header: list[str] | None = None
    ) -> None:
        """Append the rows; ``header`` (CSV) names the columns, else every row's keys do."""
        renames = {_key(k): v for k, v in self.options.columns.items()}
        found: list[str] = []
        if header is not None:
            found = list(dict.fromkeys(header))
        else:
            listed = list(rows)
            rows = iter(listed)
            for r in listed:
                for k in r:
                    if k != "__line__" and str(k) not in found:
                        found.append(str(k))
        mapping = {k: renames.get(_key(k), _key(k)) for k in found}
        cols = set(mapping.values())
        table = _which(cols, stem)
        if table is None:
            self.problem(
                None,
                "error",
                "table.unknown",
                f"cannot tell whether this table holds incidents, events or actions from its "
                f"columns {', '.join(found) or '(none)'}; events need incident_id, at, text; "
                "actions need incident_id, text, owner or due; incidents need incident_id and "
                f"a milestone; pass columns={{{json.dumps(found[0] if found else 'Incident ID')}: "
                '"incident_id", ...} to pmkit.load',
            )
            return
        missing = [c for c in _REQUIRED[table] if c not in cols]
        if missing:
            first = found[0] if found else "Incident ID"
            self.problem(
                None,
                "error",
                "table.missing_columns",
                f"{table} table needs columns {', '.join(_REQUIRED[table])}; found "
                f"{', '.join(found) or '(none)'}; pass columns={{{json.dumps(first)}: "
                f'"{missing[0]}", ...}} to pmkit.load',
            )
            return
        unknown = sorted(c for c in cols if c not in schema.TABLES[table])
        if unknown:
            self.problem(
                None,
                "warning",
                "table.extra_columns",
                f"{table} table columns {', '.join(unknown)} are not pmkit columns and were "
                f"not read; pmkit's {table} columns are {', '.join(schema.TABLES[table])}",
            )
        add = getattr(self, table)
        for r in rows:
            line = r.pop("__line__", None)
            if header is not None and None in r:
                extra = r.pop(None)
                self.problem(
                    line,
                    "warning",
                    "table.extra_values",
                    f"a row has {len(extra)} more value(s) than the {len(header)} columns of "
                    "the header; they were not read",
                )
            add({mapping[str(k)]: v for k, v in r.items()}, line)

    def incidents(self, rec: dict[str, Any], line: int | None) -> None:
        iid = rec.get("incident_id")
        if iid in (None, ""):
            self.problem(line, "error", "table.no_id", "a row has no incident_id; it is skipped")
            return
        rows = IncidentRows(str(iid), self.source, self.options.vocabulary)
        for col in ("title", "summary", "team", "service", "status", "reported_by", "tz"):
            if rec.get(col) not in (None, ""):
                rows.fields[col] = str(rec[col])
        sev, warning = classify.normalize_severity(rec.get("severity"))
        if warning:
            self.problem(line, "warning", "table.bad_value", warning)
        rows.fields["severity"] = sev
        if rec.get("detection_source"):
            rows.fields["detection_source"] = classify.normalize_detection_source(
                str(rec["detection_source"])
            )
        for col in schema.MILESTONES:
            rows.milestone(col, self.time(rec.get(col), col, line), "metadata", line)
        rows.fields["occurred_at"] = self.time(rec.get("occurred_at"), "occurred_at", line)
        rows.finish(self.out)

    seq: dict[str, int]

    def events(self, rec: dict[str, Any], line: int | None) -> None:
        iid, text = rec.get("incident_id"), rec.get("text")
        if iid in (None, "") or text in (None, ""):
            self.problem(line, "error", "table.no_id", "a row has no incident_id or text; skipped")
            return
        if not hasattr(self, "seq"):
            self.seq = {}
        iid = self.same(str(iid))
        n = self.seq.get(iid, 0)
        self.seq[iid] = n + 1
        kind = rec.get("kind")
        if kind not in schema.EVENT_KINDS:
            kind = classify.classify_event(str(text), self.options.vocabulary)
        actor = rec.get("actor") or None
        self.out.add(
            "events",
            incident_id=iid,
            seq=n,
            at=micros(self.time(rec.get("at"), "at", line)),
            kind=self.same(kind),
            actor=self.same(actor) if isinstance(actor, str) else actor,
            text=str(text),
            raw_time=None if rec.get("at") is None else str(rec.get("at")),
            source=self.source,
            line=line,
        )

    def actions(self, rec: dict[str, Any], line: int | None) -> None:
        iid, text = rec.get("incident_id"), rec.get("text")
        if iid in (None, "") or text in (None, ""):
            self.problem(line, "error", "table.no_id", "a row has no incident_id or text; skipped")
            return
        if not hasattr(self, "seq"):
            self.seq = {}
        iid = self.same(str(iid))
        n = self.seq.get(iid, 0) + 1
        self.seq[iid] = n
        step = rec.get("step") if rec.get("step") in schema.STEPS else None
        status = rec.get("status")
        self.out.add(
            "actions",
            incident_id=iid,
            action_id=str(rec.get("action_id") or f"{iid}#{n}"),
            text=str(text),
            owner=self.same(str(rec["owner"])) if rec.get("owner") not in (None, "") else None,
            due=micros(self.time(rec.get("due"), "due", line, day=True)),
            status=classify.normalize_action_status(None if status is None else str(status)),
            closed_at=micros(self.time(rec.get("closed_at"), "closed_at", line, day=True)),
            step=step,
            tracker_key=rec.get("tracker_key") or None,
            source=self.source,
            line=line,
        )


def read_table(
    path: str | Path, *, options: Options | None = None, out: Parsed | None = None
) -> Parsed:
    """Read one table file of incidents, events or actions into column lists.

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.jsonl``, ``.json``, ``.yaml``/``.yml`` or ``.parquet`` file.
    options : Options, optional
        ``columns`` renames, ``tz`` for naive timestamps, the vocabulary.
    out : Parsed, optional
        Accumulator to append to.

    Returns
    -------
    Parsed
        The file's rows; a file that cannot be read is an ``error`` problem.
    """
    path = Path(path)
    out = Parsed() if out is None else out
    options = options or Options()
    source = str(path)
    table = _Table(source, options, out)
    marks = {name: len(next(iter(cols.values()))) for name, cols in out.tables.items()}
    rows: Iterator[Any] = iter(())
    try:
        header: list[str] | None = None
        if path.suffix.lower() == ".csv":
            rows = _csv_stream(path)
            header = next(rows)
        else:
            data = b"" if path.suffix.lower() == ".parquet" else path.read_bytes()
            rows = iter(_records(path, data))
            del data
        first = next(rows, None)
        if first is None:
            table.problem(None, "warning", "table.empty", "the table has no rows")
            return out
        table.read(itertools.chain([first], rows), path.stem, header)
    except (ValueError, yaml.YAMLError, UnicodeDecodeError, OSError, csv.Error) as err:
        # a CSV is read as it streams: take back the rows of this file read so far
        for name, cols in out.tables.items():
            for values in cols.values():
                del values[marks[name] :]
        table.seen.clear()
        first_line = str(err).splitlines()[0] if str(err) else type(err).__name__
        table.problem(
            getattr(err, "lineno", None),
            "error",
            "table.unreadable",
            f"cannot read this {path.suffix or 'table'} file as a table ({first_line}); "
            "the file is skipped",
        )
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()
    return out


def _read(path: Path, text: str, out: Parsed, options: Options) -> None:
    read_table(path, options=options, out=out)


register(
    Reader(
        name="table",
        suffixes=(".csv", ".jsonl", ".json", ".yaml", ".yml", ".parquet"),
        sniff=lambda name, head: True,
        read=_read,
        binary=True,
    )
)
