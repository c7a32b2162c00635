"""Read a postmortem canvas drawn on a Miro board.

The input is the JSON of Miro's REST API v2 board items
(``GET /v2/boards/{board_id}/items``) in any of three shapes: one merged list
of items (what :func:`fetch_board` saves), one cursor page
(``{"data": [...], "cursor": ...}``) or a list of such pages.

One board is one incident, its id is the file stem. Each frame (``type:
frame``) is a canvas section, named by its title the way Markdown headings are
(:func:`pmkit.classify.heading_section`, so "Step 3: Detect" and "Detect – how
do we detect sooner?" are both ``detect``). Items inside a frame
(``parent.id``) become:

- Summary / Impact frame: the incident summary (its first line is the title);
  ``Severity: SEV2``, ``Team: ...`` and ``Service: ...`` lines fill those columns;
- Timeline frame: one event per sticky note, text or shape, its time read with
  :mod:`pmkit.timeparse`; the zone comes from a note such as "All times UTC"
  (anywhere on the board or in the frame title) or ``tz=``;
- Detect, React, Quick Fix, Prevent, Other Areas of Risk (and root cause,
  lessons) frames: ideas, one per note; cards there are actions of that step;
- Next Steps frame: actions; a card gives ``title`` (text), ``assigneeId``
  (owner: Miro's user id) and ``dueDate`` (due).

HTML in ``data.content`` is reduced to text with :func:`pmkit.io._html.html_to_text`.
Nothing is dropped silently: items outside every frame, frames that name no
canvas section and item types pmkit does not read (images, embeds...) become
warnings; only connectors, the lines between items, are skipped without one.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path, PurePath
from typing import Any

from pmkit import classify, timeparse
from pmkit.classify import Vocabulary
from pmkit.errors import ParseError
from pmkit.io import Options, Reader, register
from pmkit.io._html import html_to_text
from pmkit.io._incident import IncidentRows, load_json, micros, parse_instant
from pmkit.io.rows import Parsed

__all__ = ["fetch_board", "read_miro", "sniff_miro"]

_ITEM_TYPES = frozenset({"sticky_note", "card", "text", "shape", "app_card"})
_SNIFF = re.compile(r'"type"\s*:\s*"(?:frame|sticky_note|card|app_card)"')
_IDEA_STEPS = frozenset(
    {"detect", "react", "quick_fix", "prevent", "other_risk", "cause", "lesson"}
)
_SUMMARY = frozenset({"summary", "impact"})
_FIELD = re.compile(r"^\s*(severity|sev|priority|team|service|status)\s*[:=]\s*(.+?)\s*$", re.I)
_STEM_DATE = re.compile(r"(\d{4})[-_](\d{2})[-_](\d{2})")
_MAX_TITLE = 120


def sniff_miro(name: str, head: str) -> bool:
    """Whether a file's first characters look like Miro board items.

    >>> sniff_miro("b.json", '[{"id": "1", "type": "frame", "data": {"title": "Detect"}}]')
    True
    >>> sniff_miro("b.json", '{"incidents": []}')
    False
    """
    start = head.lstrip()[:1]
    return start in ("[", "{") and '"data"' in head and _SNIFF.search(head) is not None


def _items(doc: Any) -> list[dict[str, Any]] | None:
    """The board items of a merged list, one page or a list of pages."""
    if isinstance(doc, dict):
        inner = doc.get("data", doc.get("items"))
        return _items(inner) if isinstance(inner, list) else None
    if not isinstance(doc, list):
        return None
    if doc and all(isinstance(p, dict) and isinstance(p.get("data"), list) for p in doc):
        # a list of pages (an item's data is an object, a page's is a list)
        return [i for p in doc for i in p["data"] if isinstance(i, dict)]
    return [i for i in doc if isinstance(i, dict)]


def _position(item: dict[str, Any]) -> tuple[float, float]:
    pos = item.get("position") or {}
    try:
        return float(pos.get("x", 0.0)), float(pos.get("y", 0.0))
    except (TypeError, ValueError):
        return 0.0, 0.0


def _data(item: dict[str, Any]) -> dict[str, Any]:
    data = item.get("data")
    return data if isinstance(data, dict) else {}


def _text(item: dict[str, Any]) -> str:
    data = _data(item)
    if item.get("type") in ("card", "app_card"):
        return html_to_text(str(data.get("title") or ""))
    return html_to_text(str(data.get("content") or data.get("title") or ""))


class _Board:
    def __init__(
        self, source: str, tz: str | None, vocabulary: Vocabulary | None, out: Parsed
    ) -> None:
        self.source = source
        self.tz_arg = tz
        self.vocab = vocabulary
        self.out = out
        self.stem = PurePath(source).stem
        self.rows = IncidentRows(self.stem, source, vocabulary)
        self.zone: str | None = None
        self.doc_date: date | None = None
        self.seen: set[str] = set()
        m = _STEM_DATE.search(PurePath(source).name)
        if m:
            try:
                self.doc_date = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                self.doc_date = None

    def problem(self, level: str, code: str, message: str, *, once: bool = False) -> None:
        if once:
            if code in self.seen:
                return
            self.seen.add(code)
        self.rows.problem(None, level, code, message)

    # -- context: zone and date stated anywhere on the board -------------------
    def context(self, text: str) -> bool:
        """Take a zone or date statement from ``text``; True if it held one."""
        used = False
        zone = timeparse.find_zone_statement(text)
        if zone and self.zone is None:
            try:
                timeparse.resolve_zone(zone, None)
            except ValueError as err:
                self.problem("warning", "time.unknown_zone", str(err))
            else:
                self.zone = zone
                used = True
        if timeparse.find_time(text) is None:
            d = timeparse.find_date(text)
            if d is not None:
                self.doc_date = self.doc_date or d
                used = True
        return used or zone is not None

    def zone_for(self, on: date) -> tzinfo | None:
        zone = self.zone or self.tz_arg
        if zone is None:
            return None
        try:
            tz, warn = timeparse.resolve_zone(zone, on)
        except ValueError as err:
            self.problem("warning", "time.unknown_zone", str(err), once=True)
            return None
        if warn is not None:
            self.problem("warning", warn[0], warn[1], once=True)
        return tz

    # -- the board ---------------------------------------------------------------
    def read(self, items: list[dict[str, Any]]) -> None:
        frames: dict[str, tuple[str, str | None]] = {}
        for item in items:
            if item.get("type") == "frame":
                title = html_to_text(str(_data(item).get("title") or "")) or "(untitled frame)"
                frames[str(item.get("id"))] = (title, classify.heading_section(title, self.vocab))
                self.context(title)
        by_section: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        unknown: dict[str, int] = {}
        skipped: dict[str, int] = {}
        loose: list[dict[str, Any]] = []
        for item in items:
            kind = str(item.get("type"))
            if kind == "frame":
                continue
            if kind == "connector":
                continue  # a line between items: layout, not content
            if kind not in _ITEM_TYPES:
                skipped[kind] = skipped.get(kind, 0) + 1
                continue
            parent = item.get("parent")
            pid = str(parent.get("id")) if isinstance(parent, dict) and parent.get("id") else None
            if pid is None:
                loose.append(item)
                continue
            found = frames.get(pid)
            if found is None:
                unknown[f"parent {pid} (not a frame in this export)"] = (
                    unknown.get(f"parent {pid} (not a frame in this export)", 0) + 1
                )
                continue
            title, section = found
            if section is None or section not in (
                _SUMMARY | _IDEA_STEPS | {"timeline", "next_steps"}
            ):
                unknown[f"frame {title!r}"] = unknown.get(f"frame {title!r}", 0) + 1
                continue
            by_section.setdefault(section, []).append((title, item))
        for item in loose:
            text = _text(item)
            if text and not self.context(text):
                self.problem(
                    "warning",
                    "miro.no_frame",
                    f"{item.get('type')} {item.get('id')} ({text[:60]!r}) is outside every "
                    "frame and was not read; move it into a canvas frame",
                )
        for where, n in unknown.items():
            self.problem(
                "warning",
                "miro.unknown_frame",
                f"{n} item(s) in {where} were not read: the title names no canvas section; "
                "rename the frame (e.g. 'Detect', 'Rough Timeline', 'Next Steps')",
            )
        for kind, n in sorted(skipped.items()):
            self.problem(
                "warning",
                "miro.unsupported_item",
                f"{n} item(s) of type {kind!r} were not read; pmkit reads frames, sticky "
                "notes, text, shapes and cards",
            )
        for section in ("summary", "impact"):
            for _title, item in sorted(by_section.get(section, []), key=self._order):
                self.summary(_text(item))
        for title, _item in by_section.get("timeline", []):
            self.context(title)
        self.timeline(by_section.get("timeline", []))
        n_actions = 0
        for section, members in by_section.items():
            for title, item in sorted(members, key=self._order):
                if section in _IDEA_STEPS and item.get("type") not in ("card", "app_card"):
                    text = _text(item)
                    if text:
                        self.out.add(
                            "ideas",
                            incident_id=self.stem,
                            step=section,
                            text=text,
                            heading=title,
                            source=self.source,
                        )
                elif section == "next_steps" or section in _IDEA_STEPS:
                    n_actions += self.action(item, title, section, n_actions)
        self.rows.fields.setdefault("title", self.stem)
        self.rows.fields["tz"] = self.zone or self.tz_arg
        if self.doc_date is not None and not any(e["at"] for e in self.rows.events):
            self.rows.fields["occurred_at"] = datetime(
                self.doc_date.year, self.doc_date.month, self.doc_date.day, tzinfo=UTC
            )
        self.rows.finish(self.out)

    @staticmethod
    def _order(pair: tuple[str, dict[str, Any]]) -> tuple[float, float]:
        x, y = _position(pair[1])
        return y, x

    def summary(self, text: str) -> None:
        if not text:
            return
        self.context(text)
        kept: list[str] = []
        for line in text.splitlines():
            m = _FIELD.match(line)
            if m is None:
                kept.append(line)
                continue
            key, value = m.group(1).lower(), m.group(2)
            if key in ("severity", "sev", "priority"):
                sev, warning = classify.normalize_severity(value)
                if warning:
                    self.problem("warning", "miro.bad_value", warning)
                self.rows.fields.setdefault("severity", sev)
            else:
                self.rows.fields.setdefault(key, value)
        if not kept:
            return
        fields = self.rows.fields
        if "title" not in fields and len(kept[0]) <= _MAX_TITLE:
            fields["title"] = kept.pop(0).rstrip(".")
        body = " ".join(kept)
        if not body:
            return
        fields["summary"] = f"{fields['summary']} {body}" if fields.get("summary") else body

    def timeline(self, members: list[tuple[str, dict[str, Any]]]) -> None:
        if not members:
            return
        xs = [_position(i)[0] for _, i in members]
        ys = [_position(i)[1] for _, i in members]
        # a timeline laid out left to right is read by x, top to bottom by y
        horizontal = (max(xs) - min(xs)) > (max(ys) - min(ys))
        members = sorted(members, key=lambda p: _position(p[1]) if horizontal else self._order(p))
        texts = [(title, _text(item)) for title, item in members]
        for _, text in texts:
            if timeparse.find_time(text) is None:
                self.context(text)
        current = self.doc_date
        prev_at: datetime | None = None
        for title, text in texts:
            if not text:
                continue
            m = timeparse.find_time(text)
            if m is None:
                if timeparse.find_zone_statement(text) or (
                    timeparse.find_date(text) and len(text.split()) < 4
                ):
                    continue  # a statement of the zone or date, already taken
                self.rows.event(text, None, heading=title)
                continue
            for code, message in m.warnings:
                self.problem("warning", code, f"{message} (in {m.raw!r})")
            rest = (text[: m.start] + " " + text[m.end :]).strip(" :-—–|,.") or text
            if m.relative is not None:
                self.rows.event(
                    rest, None, raw_time=m.raw, time_precision="relative", heading=title
                )
                continue
            explicit = m.year is not None and m.month is not None and m.day is not None
            at = self.absolute(m, current)
            if explicit and at is not None:
                current = date(m.year or 1, m.month or 1, m.day or 1)
            elif at is not None and prev_at is not None and prev_at - at > timedelta(hours=12):
                at += timedelta(days=1)  # past midnight
                if current is not None:
                    current += timedelta(days=1)
            if at is not None:
                prev_at = at
            self.rows.event(
                rest,
                at,
                raw_time=m.raw,
                time_precision=m.precision,
                approximate=m.approximate,
                heading=title,
            )

    def absolute(self, m: timeparse.TimeMatch, on: date | None) -> datetime | None:
        day = date(m.year, m.month, m.day) if m.year and m.month and m.day else on
        if day is None:
            self.problem(
                "error",
                "time.no_date",
                f"timeline times (first: {m.raw!r}) have no date and the board states none; "
                "add a note such as 'All times UTC, 2024-05-01' or date the board file name",
                once=True,
            )
            return None
        tz = UTC if m.zone is not None else self.zone_for(day)
        if tz is None:
            self.problem(
                "error",
                "time.no_zone",
                f"timeline times (first: {m.raw!r}) state no time zone; add a note such as "
                "'All times in UTC' to the board, or pass tz='Europe/Paris' to pmkit.load",
                once=True,
            )
            return None
        try:
            return timeparse.to_utc(m, on=day, tz=tz)
        except ValueError as err:
            self.problem("error", "time.invalid", str(err))
            return None

    def action(self, item: dict[str, Any], title: str, section: str, n: int) -> int:
        data = _data(item)
        text = _text(item)
        if not text and item.get("type") in ("card", "app_card"):
            text = html_to_text(str(data.get("description") or ""))
        if not text:
            return 0
        owner = data.get("assigneeId") if item.get("type") in ("card", "app_card") else None
        due: datetime | None = None
        raw_due = data.get("dueDate")
        if raw_due:
            try:
                due = parse_instant(raw_due, UTC)
            except ValueError:
                self.problem(
                    "warning",
                    "miro.bad_value",
                    f"card {item.get('id')} dueDate {raw_due!r} is not an ISO 8601 date; "
                    "the action is kept without a due date",
                )
        self.out.add(
            "actions",
            incident_id=self.stem,
            action_id=f"{self.stem}#{n + 1}",
            text=text,
            owner=None if owner in (None, "") else str(owner),
            due=micros(due),
            status=classify.normalize_action_status(None),
            step=section if section in _IDEA_STEPS else None,
            source=self.source,
        )
        return 1


def read_miro(
    text: str,
    *,
    source: str,
    tz: str | None = None,
    vocabulary: Vocabulary | None = None,
    out: Parsed | None = None,
) -> Parsed:
    """Read one Miro board's items (JSON) into column lists.

    Parameters
    ----------
    text : str
        JSON: a list of items, one ``{"data": [...], "cursor": ...}`` page or a
        list of pages.
    source : str
        The file path; its stem is the incident id.
    tz : str, optional
        Zone for timeline times when the board states none.
    vocabulary : Vocabulary, optional
        Event and heading vocabulary.
    out : Parsed, optional
        Accumulator to append to.

    Returns
    -------
    Parsed
        One incident with its events, ideas, actions and problems.

    Examples
    --------
    >>> items = [
    ...     {"id": "1", "type": "frame", "data": {"title": "Rough Timeline"}},
    ...     {"id": "2", "type": "sticky_note", "parent": {"id": "1"},
    ...      "data": {"content": "<p>10:07 alert fired</p>"}},
    ...     {"id": "3", "type": "frame", "data": {"title": "Step 3: Detect"}},
    ...     {"id": "4", "type": "sticky_note", "parent": {"id": "3"},
    ...      "data": {"content": "Alert on <b>p99</b> latency"}},
    ... ]
    >>> p = read_miro(json.dumps(items), source="2024-05-01-api.json", tz="UTC")
    >>> p.tables["events"]["kind"], p.tables["ideas"]["text"]
    (['detected'], ['Alert on p99 latency'])
    """
    out = Parsed() if out is None else out
    doc = load_json(text, source, out, "Miro board")
    if doc is None:
        return out
    items = _items(doc)
    if items is None:
        out.problem(
            source,
            None,
            "error",
            "miro.not_items",
            f"Miro board file holds a JSON {type(doc).__name__} without a list of items; "
            "export GET /v2/boards/{id}/items (or use pmkit.io.miro.fetch_board)",
        )
        return out
    _Board(source, tz, vocabulary, out).read(items)
    return out


def fetch_board(
    board_id: str,
    token: str,
    *,
    out: str | os.PathLike[str] | None = None,
    base_url: str = "https://api.miro.com",
    limit: int = 50,
    timeout: float = 30.0,
) -> list[dict[str, Any]]:
    """Download every item of a Miro board, following the cursor page by page.

    Parameters
    ----------
    board_id : str
        The board id, as in ``https://miro.com/app/board/<board_id>/``.
    token : str
        A Miro REST API access token with ``boards:read``.
    out : path, optional
        Save the merged item list here as JSON (readable by ``pmkit.load``).
    base_url : str
        The API root; tests point it at a local server.
    limit : int
        Items per page (Miro allows 10-50).
    timeout : float
        Seconds to wait for each page.

    Returns
    -------
    list of dict
        Every item of every page, in the API's order.

    Raises
    ------
    ParseError
        When the API answers with an HTTP error, cannot be reached or returns
        something other than a page of items.

    Examples
    --------
    >>> fetch_board("b1", "t", base_url="http://127.0.0.1:9")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pmkit.errors.ParseError: cannot reach the Miro API at http://127.0.0.1:9/v2/boards/b1/items...
    """
    quoted = urllib.parse.quote(board_id, safe="")
    url = f"{base_url.rstrip('/')}/v2/boards/{quoted}/items"
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    seen: set[str] = set()
    while True:
        query = {"limit": str(limit)}
        if cursor:
            query["cursor"] = cursor
        page_url = f"{url}?{urllib.parse.urlencode(query)}"
        request = urllib.request.Request(
            page_url,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                page = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as err:
            hint = "; check the token and its boards:read scope" if err.code in (401, 403) else ""
            raise ParseError(
                f"the Miro API answered {err.code} {err.reason} for {page_url}{hint}",
                code="miro.fetch",
            ) from err
        except (urllib.error.URLError, OSError) as err:
            raise ParseError(
                f"cannot reach the Miro API at {url} ({err}); check base_url and the network",
                code="miro.fetch",
            ) from err
        except ValueError as err:
            raise ParseError(
                f"the Miro API returned a page that is not JSON from {page_url}: {err}",
                code="miro.fetch",
            ) from err
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise ParseError(
                f"the Miro API returned no 'data' list from {page_url}; "
                "expected a page of board items",
                code="miro.fetch",
            )
        items.extend(i for i in page["data"] if isinstance(i, dict))
        cursor = page.get("cursor") or None
        if not cursor or cursor in seen:
            break
        seen.add(cursor)
    if out is not None:
        Path(out).write_text(json.dumps(items, indent=1, ensure_ascii=False), encoding="utf-8")
    return items


def _read(path: Path, text: str, out: Parsed, options: Options) -> None:
    read_miro(text, source=str(path), tz=options.tz, vocabulary=options.vocabulary, out=out)


register(Reader(name="miro", suffixes=(".json",), sniff=sniff_miro, read=_read))
