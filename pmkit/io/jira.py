"""Read a Jira issue search export (REST ``/search`` JSON) into a tracker frame.

The documented response shape is::

    {"startAt": 0, "maxResults": 50, "total": 2,
     "issues": [{"key": "PAY-123",
                 "fields": {"summary": "...", "assignee": {"displayName": "..."},
                            "duedate": "2026-03-01", "status": {"name": "Done",
                            "statusCategory": {"key": "done"}},
                            "resolution": {"name": "Done"},
                            "created": "2026-01-05T10:00:00.000+0000",
                            "resolutiondate": "2026-02-01T09:30:00.000+0000",
                            "labels": ["PM-0001"], "issuelinks": [...]}}]}

An export of several pages may be given as a JSON list of such page objects
or as one object whose ``issues`` were merged. The frame feeds
:func:`pmkit.actions.with_tracker`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from pmkit import schema
from pmkit.errors import ParseError
from pmkit.io import Options, Reader, register
from pmkit.io.rows import Parsed

__all__ = ["COLUMNS", "read_jira"]

#: Output columns of :func:`read_jira` and their dtypes.
COLUMNS: dict[str, Any] = {
    "key": schema.STRING,
    "summary": schema.STRING,
    "owner": schema.STRING,
    "due": schema.TIMESTAMP,
    "status": pd.CategoricalDtype(list(schema.ACTION_STATUSES)),
    "created_at": schema.TIMESTAMP,
    "closed_at": schema.TIMESTAMP,
    "labels": schema.STRING,
    "links": schema.STRING,
}
_CATEGORY_STATUS = {"new": "open", "indeterminate": "in_progress", "done": "done"}
#: Resolutions (and status names) that mean the work will not be done.
WONT_DO = frozenset({"won't do", "won't fix", "wont do", "wontfix", "declined", "obsolete"})
_EXPECTED = (
    'expected a Jira REST search response {"startAt", "maxResults", "total", '
    '"issues": [{"key", "fields": {...}}]} or a JSON list of such pages'
)


def _name(value: Any, key: str = "name") -> str | None:
    if isinstance(value, Mapping):
        v = value.get(key)
        return str(v) if v not in (None, "") else None
    return None


def _status(fields: Mapping[str, Any]) -> str:
    status = fields.get("status")
    resolution = _name(fields.get("resolution"))
    name = _name(status)
    for word in (resolution, name):
        if word is not None and word.replace("’", "'").strip().lower() in WONT_DO:
            return "wont_do"
    category = _name(status.get("statusCategory"), "key") if isinstance(status, Mapping) else None
    return _CATEGORY_STATUS.get((category or "").lower(), "unknown")


def _links(value: Any) -> str | None:
    keys: list[str] = []
    for link in value if isinstance(value, list) else []:
        if not isinstance(link, Mapping):
            continue
        for side in ("outwardIssue", "inwardIssue"):
            k = _name(link.get(side), "key")
            if k is not None:
                keys.append(k)
    return ",".join(keys) or None


def _pages(data: Any, source: str) -> list[Mapping[str, Any]]:
    pages = data if isinstance(data, list) else [data]
    for i, page in enumerate(pages):
        where = f"page {i + 1}: " if isinstance(data, list) else ""
        if not isinstance(page, Mapping):
            raise ParseError(
                f"{where}found a JSON {type(page).__name__}; {_EXPECTED}", source=source
            )
        if not isinstance(page.get("issues"), list):
            found = ", ".join(map(str, page)) or "no keys"
            raise ParseError(f"{where}no 'issues' list (found {found}); {_EXPECTED}", source=source)
    return pages


def _check_complete(pages: list[Mapping[str, Any]], source: str) -> None:
    """Raise when pages are missing: a gap between pages or fewer issues than ``total``."""
    expected = 0
    total: int | None = None
    for page in sorted(pages, key=lambda p: int(p.get("startAt") or 0)):
        start = int(page.get("startAt") or 0)
        if start > expected:
            raise ParseError(
                f"the export misses issues {expected}–{start - 1}: pages jump from startAt="
                f"{expected} to startAt={start}; export every page (or pass allow_partial=True)",
                source=source,
            )
        expected = max(expected, start + len(page["issues"]))
        if isinstance(page.get("total"), int):
            total = int(page["total"])
    if total is not None and expected < total:
        raise ParseError(
            f"the export holds {expected} of {total} issues (total={total}); export every "
            "page (or pass allow_partial=True)",
            source=source,
        )


def _timestamp(value: Any, what: str, key: str, source: str) -> pd.Timestamp | None:
    if value in (None, ""):
        return None
    try:
        ts = pd.Timestamp(str(value))
    except ValueError as err:
        raise ParseError(
            f"{key}: {what} {value!r} is not a date; expected ISO 8601 like "
            "'2026-01-05T10:00:00.000+0000'",
            source=source,
        ) from err
    if ts.tzinfo is None:
        if what == "duedate":
            # Jira due dates are calendar days without a zone: midnight UTC, as for documents
            return ts.tz_localize("UTC")
        raise ParseError(
            f"{key}: {what} {value!r} has no UTC offset; Jira exports write one "
            "('2026-01-05T10:00:00.000+0000'): re-export from the REST API",
            source=source,
        )
    return ts.tz_convert("UTC")


def _rows(pages: list[Mapping[str, Any]], source: str) -> dict[str, list[Any]]:
    rows: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for p, page in enumerate(pages):
        for i, issue in enumerate(page["issues"]):
            where = f"issue {i + 1} of page {p + 1}" if len(pages) > 1 else f"issue {i + 1}"
            if not isinstance(issue, Mapping) or not isinstance(issue.get("key"), str):
                raise ParseError(
                    f"{where} has no 'key' string; each issue must look like "
                    '{"key": "PAY-123", "fields": {...}}',
                    source=source,
                )
            key = issue["key"]
            fields = issue.get("fields", {})
            if not isinstance(fields, Mapping):
                raise ParseError(
                    f"{key}: 'fields' must be an object, found {type(fields).__name__}",
                    source=source,
                )
            labels = fields.get("labels") or []
            if not isinstance(labels, list):
                raise ParseError(
                    f"{key}: 'labels' must be a list of strings, found {labels!r}",
                    source=source,
                )
            rows["key"].append(key)
            rows["summary"].append(fields.get("summary"))
            rows["owner"].append(_name(fields.get("assignee"), "displayName"))
            rows["due"].append(_timestamp(fields.get("duedate"), "duedate", key, source))
            rows["status"].append(_status(fields))
            rows["created_at"].append(_timestamp(fields.get("created"), "created", key, source))
            rows["closed_at"].append(
                _timestamp(fields.get("resolutiondate"), "resolutiondate", key, source)
            )
            rows["labels"].append(",".join(map(str, labels)) or None)
            rows["links"].append(_links(fields.get("issuelinks")))
    return rows


def read_jira(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    allow_partial: bool = False,
) -> pd.DataFrame:
    """Read a Jira search export: one row per issue, statuses mapped onto pmkit's.

    Status comes from ``status.statusCategory.key`` (``new`` → ``open``,
    ``indeterminate`` → ``in_progress``, ``done`` → ``done``, anything else →
    ``unknown``); a resolution or status named "Won't Do" (also "Won't Fix",
    "Declined", "Obsolete") gives ``wont_do``. ``duedate`` is a calendar day
    and is read as midnight UTC. Issues repeated across pages are kept (see
    :func:`pmkit.actions.with_tracker`, which reports them).

    Parameters
    ----------
    path : path or sequence of paths
        JSON file(s): each a search response or a list of response pages.
    allow_partial : bool, default False
        Accept an export that misses pages (fewer issues than ``total``).

    Returns
    -------
    DataFrame
        ``key``, ``summary``, ``owner`` (assignee display name), ``due``,
        ``status`` (categorical: open, in_progress, done, wont_do, unknown),
        ``created_at``, ``closed_at`` (resolution date), ``labels`` and
        ``links`` (linked issue keys), both comma-joined strings.

    Raises
    ------
    ParseError
        Not JSON, not in the search response shape, a bad date, or missing
        pages; ``.source`` is the file.

    Examples
    --------
    >>> import json, tempfile
    >>> from pmkit.io.jira import read_jira
    >>> page = {"startAt": 0, "maxResults": 50, "total": 1, "issues": [{"key": "PAY-1",
    ...     "fields": {"summary": "Alert on queue depth", "assignee": {"displayName": "Ann"},
    ...                "duedate": "2026-03-01", "status": {"name": "In Progress",
    ...                "statusCategory": {"key": "indeterminate"}}, "labels": ["PM-0001"]}}]}
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    >>> _ = f.write(json.dumps(page)); f.close()
    >>> read_jira(f.name)[["key", "owner", "due", "status", "labels"]]
         key owner                       due       status   labels
    0  PAY-1   Ann 2026-03-01 00:00:00+00:00  in_progress  PM-0001
    """
    paths = [path] if isinstance(path, str | os.PathLike) else list(path)
    rows: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for p in paths:
        source = str(p)
        try:
            text = Path(p).read_text(encoding="utf-8")
        except OSError as err:
            raise ParseError(f"cannot read the Jira export: {err.strerror}", source=source) from err
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ParseError(
                f"not valid JSON ({err.msg}, column {err.colno}); {_EXPECTED}",
                source=source,
                line=err.lineno,
            ) from err
        pages = _pages(data, source)
        if not allow_partial:
            _check_complete(pages, source)
        for col, values in _rows(pages, source).items():
            rows[col].extend(values)
    out = {c: pd.Series(v, dtype=object) for c, v in rows.items()}
    frame = pd.DataFrame(
        {
            c: (
                pd.Series(pd.to_datetime(out[c], utc=True)).astype(d)
                if isinstance(d, pd.DatetimeTZDtype)
                else out[c].astype(d)
            )
            for c, d in COLUMNS.items()
        }
    )
    return frame


def sniff_jira(name: str, head: str) -> bool:
    """Does the start of a JSON file look like a Jira search response?"""
    start = head.lstrip()[:1]
    return start in ("{", "[") and '"issues"' in head and '"fields"' in head and '"key"' in head


def _read_in_load(path: Path, text: str, out: Parsed, options: Options) -> None:
    # A tracker export holds actions' state, not postmortems: say where it goes.
    out.problem(
        str(path),
        None,
        "warning",
        "jira.tracker_export",
        "this is a Jira search export, not a postmortem; merge it into the actions with "
        f"pm.with_tracker(pmkit.io.jira.read_jira({str(path)!r}))",
    )


register(
    Reader(
        name="jira",
        suffixes=(".json",),
        sniff=sniff_jira,
        read=_read_in_load,
    )
)
