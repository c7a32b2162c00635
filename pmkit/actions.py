"""Follow-through on next steps: owners, due dates, what got done, what is overdue.

The canvas ends with "get a name and a date on each action"; this module
measures, per team and quarter (or any grouping), how many actions got both,
how many were done, which are overdue and with whom, and how long actions stay
open, as a Kaplan–Meier curve where still-open actions are censored, not dropped.
Action status often lives in a tracker: :func:`with_tracker` merges a Jira
export (:func:`pmkit.io.jira.read_jira`) into the actions table.

Definitions used throughout:

- **closed**: status ``done`` or ``wont_do``. **open**: every other status
  (``open``, ``in_progress`` and ``unknown``: an action nobody marked as
  closed still needs chasing), so ``done + wont_do + open == actions``.
- **overdue**: open, with a ``due`` date before ``as_of``; overdue actions are
  a subset of open ones.
- **created**: postmortems do not record when an action was written down, so
  an action is taken to exist from its incident's ``resolved_at`` (the
  postmortem is written after the incident is resolved), falling back to
  ``occurred_at`` when the resolution time is unknown. An action closed before
  that moment (a fix finished during the incident) has time-to-close 0.
- **as_of**: ``None`` means the latest *observed* timestamp in the data (any
  timestamp on ``incidents``, event times, ``actions.closed_at``); due dates
  are plans, not observations, so they never move ``as_of``. The clock is
  never read.

>>> from pmkit.actions import action_health
>>> from pmkit.testing import make_postmortems
>>> h = action_health(make_postmortems(40, seed=1), by="team")
>>> s = h.summary
>>> bool(((s["done"] + s["wont_do"] + s["open"]) == s["actions"]).all())
True
>>> bool((s["overdue"] <= s["open"]).all())
True
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from pmkit import schema
from pmkit.collection import Postmortems
from pmkit.errors import UsageError
from pmkit.metrics._durations import check_by, parse_as_of, quarter_labels
from pmkit.metrics._survival import km_curve

__all__ = [
    "ActionHealth",
    "TrackerMerge",
    "action_health",
    "overdue",
    "unowned",
    "with_tracker",
]

CLOSED: tuple[str, ...] = ("done", "wont_do")
_NAT = np.iinfo(np.int64).min
_US_PER_DAY = 86_400 * 1_000_000
_INCIDENT_COLUMNS = ("team", "service", "severity", "occurred_at", "resolved_at")
#: An issue key as Jira writes it: project key, dash, number ("PAY-123").
ISSUE_KEY = re.compile(r"\b([A-Z][A-Z0-9_]{1,15}-[1-9][0-9]*)\b")


def _micros(s: pd.Series) -> np.ndarray:
    return np.asarray(s.astype(schema.TIMESTAMP).array.asi8)


def _latest_observed(pm: Postmortems) -> pd.Timestamp:
    """Latest observed timestamp: incidents' timestamps, event times, closed_at."""
    cols = [
        pm.incidents[c]
        for c in pm.incidents.columns
        if isinstance(pm.incidents[c].dtype, pd.DatetimeTZDtype)
    ]
    cols += [pm.events["at"], pm.actions["closed_at"]]
    latest = [c.max() for c in cols if c.notna().any()]
    if not latest:
        raise UsageError(
            "as_of=None needs at least one observed timestamp (incident milestones, event "
            "times or actions.closed_at) and there is none; pass as_of='2026-10-01T00:00Z'"
        )
    return pd.Timestamp(max(latest)).tz_convert("UTC")


def _resolve_as_of(pm: Postmortems, as_of: Any) -> pd.Timestamp:
    return _latest_observed(pm) if as_of is None else parse_as_of(as_of)


def _action_frame(pm: Postmortems) -> pd.DataFrame:
    """Actions with their incident's team, service, severity, quarter and ``created_at``."""
    inc = pm.incidents.drop_duplicates("incident_id").set_index("incident_id")
    acts = pm.actions.reset_index(drop=True)
    ids = acts["incident_id"]
    out = acts.copy()
    for col in _INCIDENT_COLUMNS:
        values = (
            inc[col].reindex(ids.to_numpy())
            if len(inc)
            else pd.Series([None] * len(acts), dtype=schema.TABLES["incidents"][col])
        )
        out[col] = pd.Series(values.array, dtype=inc[col].dtype if len(inc) else values.dtype)
    created = out["resolved_at"].fillna(out["occurred_at"]).astype(schema.TIMESTAMP)
    out["created_at"] = created
    out["quarter"] = quarter_labels(out["occurred_at"].astype(schema.TIMESTAMP))
    out["is_closed"] = out["status"].isin(CLOSED).to_numpy(dtype=bool)
    return out


def _keys(frame: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    return check_by(frame, None if by is None or (not isinstance(by, str) and not by) else by)


def _groups(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Group code per row and one row of key values per group (sorted, NA kept)."""
    if not keys:
        return np.zeros(len(frame), np.int64), pd.DataFrame(index=range(1))
    grouped = frame.groupby(keys, observed=True, dropna=False, sort=True)
    codes = grouped.ngroup().to_numpy()
    key_frame = grouped.size().reset_index()[keys]
    return codes, key_frame


def _km_frame(
    frame: pd.DataFrame, keys: list[str], codes: np.ndarray, key_frame: pd.DataFrame, as_of_us: int
) -> pd.DataFrame:
    created = _micros(frame["created_at"])
    closed = _micros(frame["closed_at"])
    is_closed = frame["is_closed"].to_numpy(dtype=bool)
    known = created != _NAT
    obs_ok = known & is_closed & (closed != _NAT)
    cens_ok = known & ~is_closed
    obs_all = np.where(obs_ok, np.maximum(closed - np.where(known, created, 0), 0), 0)
    cens_all = np.where(cens_ok, np.maximum(as_of_us - np.where(known, created, 0), 0), 0)
    parts: list[pd.DataFrame] = []
    for g in range(len(key_frame)):
        mine = codes == g
        t, s, lo, hi, risk = km_curve(
            obs_all[mine & obs_ok], cens_all[mine & cens_ok], confidence=0.95
        )
        part = key_frame.iloc[np.full(len(t), g)].reset_index(drop=True)
        part["days"] = t / _US_PER_DAY
        part["share_open"] = s
        part["ci_low"] = lo
        part["ci_high"] = hi
        part["at_risk"] = pd.array(risk, dtype="Int64")
        parts.append(part)
    if not parts:
        cols = {k: frame[k].iloc[:0] for k in keys}
        empty = pd.DataFrame(cols)
        for c in ("days", "share_open", "ci_low", "ci_high"):
            empty[c] = pd.Series([], dtype="float64")
        empty["at_risk"] = pd.Series([], dtype="Int64")
        return empty
    out = pd.concat(parts, ignore_index=True)
    out.columns = pd.Index([str(c) for c in out.columns])
    return out


@dataclass(frozen=True)
class ActionHealth:
    """Follow-through of actions per group; renders itself in Jupyter.

    Attributes
    ----------
    summary : DataFrame
        One row per group; see :func:`action_health`.
    time_to_close : DataFrame
        Kaplan–Meier curve per group; see :func:`action_health`.
    as_of : Timestamp
        When open actions were last observed.
    by : tuple of str
        The grouping columns.
    """

    summary: pd.DataFrame
    time_to_close: pd.DataFrame
    as_of: pd.Timestamp
    by: tuple[str, ...] = field(default=())

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<ActionHealth as of {self.as_of:%Y-%m-%d %H:%M} UTC: {int(s['actions'].sum())} "
            f"actions in {len(s)} group(s), {int(s['done'].sum())} done, "
            f"{int(s['open'].sum())} open, {int(s['overdue'].sum())} overdue>"
        )

    def _repr_html_(self) -> str:
        by = ", ".join(self.by) or "all actions"
        return (
            "<div class='pmkit-action-health'>"
            f"<b>Action follow-through by {html.escape(by)}</b> "
            f"(as of {html.escape(f'{self.as_of:%Y-%m-%d %H:%M}')} UTC)"
            f"{self.summary.to_html(index=False, escape=True, float_format=_fmt_float)}</div>"
        )


def _fmt_float(x: float) -> str:
    return f"{x:.2f}"


def action_health(
    pm: Postmortems,
    *,
    as_of: Any = None,
    by: str | Sequence[str] | None = ("team", "quarter"),
) -> ActionHealth:
    """How many actions got an owner and a due date, were done, are overdue, per group.

    Parameters
    ----------
    pm : Postmortems
        The collection; each action takes its incident's ``team``, ``service``,
        ``severity`` and ``quarter`` (of ``occurred_at``).
    as_of : str or Timestamp, optional
        When statuses were last observed (tz-aware). ``None`` means the latest
        observed timestamp in the data (see the module notes), never the clock.
    by : str or sequence of str or None, default ("team", "quarter")
        Grouping columns: any column of ``actions`` (e.g. ``"step"``,
        ``"owner"``) or ``team``, ``service``, ``severity``, ``quarter``.
        ``None`` or ``()`` gives one group.

    Returns
    -------
    ActionHealth
        ``summary`` has the ``by`` columns, then ``actions`` (count);
        ``with_owner``, ``with_due``, ``with_both`` (shares 0..1);
        ``done``, ``wont_do``, ``open`` (counts, they add up to ``actions``);
        ``status_unknown`` (open actions whose status was never stated);
        ``overdue`` (open with ``due`` before ``as_of``);
        ``median_open_age_days`` (days from created to ``as_of`` of open
        actions, NaN if none); ``closed_undated`` (closed actions without
        ``closed_at``, left out of the curve).
        ``time_to_close`` has the ``by`` columns, then ``days`` (from 0),
        ``share_open`` (Kaplan–Meier share of actions still open after
        ``days``), ``ci_low``, ``ci_high`` (95% pointwise log-log interval,
        NaN where undefined) and ``at_risk``; open actions are censored at
        ``as_of``.

    Raises
    ------
    UsageError
        A ``by`` name that is not a column, or a naive ``as_of``.

    Examples
    --------
    >>> import pandas as pd
    >>> from pmkit import schema
    >>> from pmkit.collection import Postmortems
    >>> from pmkit.actions import action_health
    >>> inc = schema.conform({"incident_id": ["a"], "team": ["pay"],
    ...     "occurred_at": ["2026-01-01T00:00Z"], "resolved_at": ["2026-01-01T00:00Z"],
    ...     "detection_source": ["unknown"]}, "incidents")
    >>> acts = schema.conform({"incident_id": ["a"] * 3, "action_id": ["1", "2", "3"],
    ...     "text": ["x", "y", "z"], "owner": ["ann", None, "bo"],
    ...     "due": ["2026-01-05T00:00Z", "2026-01-20T00:00Z", None],
    ...     "status": ["done", "open", "open"],
    ...     "closed_at": ["2026-01-03T00:00Z", None, None]}, "actions")
    >>> h = action_health(Postmortems(inc, actions=acts), as_of="2026-01-11T00:00Z", by="team")
    >>> h.summary[["actions", "with_both", "done", "open", "overdue"]].to_dict("records")
    [{'actions': 3, 'with_both': 0.3333333333333333, 'done': 1, 'open': 2, 'overdue': 0}]
    >>> h.time_to_close[["days", "share_open", "at_risk"]].round(3)
       days  share_open  at_risk
    0   0.0       1.000        3
    1   2.0       0.667        3
    2  10.0       0.667        2
    """
    frame = _action_frame(pm)
    keys = _keys(frame, by)
    ts = _resolve_as_of(pm, as_of)
    as_of_us = int(ts.value) // 1000
    codes, key_frame = _groups(frame, keys)
    n_groups = len(key_frame) if len(frame) or not keys else 0

    has_owner = frame["owner"].notna().to_numpy(dtype=bool)
    due = _micros(frame["due"])
    has_due = due != _NAT
    status = frame["status"].astype(schema.STRING)
    done = (status == "done").to_numpy(dtype=bool, na_value=False)
    wont = (status == "wont_do").to_numpy(dtype=bool, na_value=False)
    unknown = (status == "unknown").to_numpy(dtype=bool, na_value=False)
    is_open = ~(done | wont)
    late = is_open & has_due & (due < as_of_us)
    created = _micros(frame["created_at"])
    closed_undated = ~is_open & (_micros(frame["closed_at"]) == _NAT)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask], minlength=n_groups)[:n_groups]

    n = count(np.ones(len(frame), bool))
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = {
            "with_owner": count(has_owner) / n,
            "with_due": count(has_due) / n,
            "with_both": count(has_owner & has_due) / n,
        }
    ages = pd.Series(np.where(created != _NAT, (as_of_us - created) / _US_PER_DAY, np.nan)[is_open])
    med = ages.groupby(codes[is_open]).median().reindex(range(n_groups))
    summary = key_frame.iloc[:n_groups].reset_index(drop=True)
    summary["actions"] = n.astype(np.int64)
    for name, values in shares.items():
        summary[name] = values.astype(np.float64)
    for name, mask in (
        ("done", done),
        ("wont_do", wont),
        ("open", is_open),
        ("status_unknown", unknown),
        ("overdue", late),
    ):
        summary[name] = count(mask).astype(np.int64)
    summary["median_open_age_days"] = med.to_numpy(dtype=np.float64)
    summary["closed_undated"] = count(closed_undated).astype(np.int64)
    summary.columns = pd.Index([str(c) for c in summary.columns])
    km = _km_frame(frame, keys, codes, key_frame.iloc[:n_groups], as_of_us)
    return ActionHealth(summary=summary, time_to_close=km, as_of=ts, by=tuple(keys))


_LIST_COLUMNS = ("owner", "team", "incident_id", "action_id", "text", "due", "status")


def overdue(pm: Postmortems, *, as_of: Any = None) -> pd.DataFrame:
    """Open actions past their due date, grouped by owner, for the meeting that chases them.

    Parameters
    ----------
    pm : Postmortems
        The collection.
    as_of : str or Timestamp, optional
        The day of the meeting (tz-aware); ``None`` is the latest observed
        timestamp in the data, never the clock.

    Returns
    -------
    DataFrame
        One row per overdue action (open, ``due`` before ``as_of``), sorted by
        owner (missing owners last), then most overdue first: ``owner``,
        ``team``, ``incident_id``, ``action_id``, ``text``, ``due``,
        ``status``, ``days_overdue`` (float), ``tracker_key``, ``source``, ``line``.

    Raises
    ------
    UsageError
        A naive ``as_of``.

    Examples
    --------
    >>> from pmkit.actions import overdue
    >>> from pmkit.testing import make_postmortems
    >>> late = overdue(make_postmortems(30, seed=4), as_of="2026-01-01T00:00Z")
    >>> bool((late["due"] < "2026-01-01T00:00Z").all()), "done" in set(late["status"])
    (True, False)
    """
    frame = _action_frame(pm)
    ts = _resolve_as_of(pm, as_of)
    mask = ~frame["is_closed"].to_numpy(dtype=bool) & (frame["due"] < ts).to_numpy(
        dtype=bool, na_value=False
    )
    out = frame.loc[mask, [*_LIST_COLUMNS, "tracker_key", "source", "line"]]
    out.insert(7, "days_overdue", (ts - out["due"]).dt.total_seconds() / 86_400)
    out = out.sort_values(["owner", "due"], na_position="last", kind="stable")
    return out.reset_index(drop=True)


def unowned(pm: Postmortems, *, include_closed: bool = False) -> pd.DataFrame:
    """Actions nobody owns, per team, so the meeting can give each one a name.

    Parameters
    ----------
    pm : Postmortems
        The collection.
    include_closed : bool, default False
        Also list unowned actions that are already done or won't be done.

    Returns
    -------
    DataFrame
        One row per action without an owner, sorted by team (missing last),
        incident and action: ``owner`` (always NA, so the frame stacks with
        :func:`overdue`), ``team``, ``incident_id``, ``action_id``, ``text``,
        ``due``, ``status``, ``has_due`` (bool), ``tracker_key``, ``source``, ``line``.

    Examples
    --------
    >>> from pmkit.actions import unowned
    >>> from pmkit.testing import make_postmortems
    >>> todo = unowned(make_postmortems(30, seed=4))
    >>> bool(todo["owner"].isna().all()), bool(todo["status"].isin(["done", "wont_do"]).any())
    (True, False)
    """
    frame = _action_frame(pm)
    mask = frame["owner"].isna().to_numpy(dtype=bool)
    if not include_closed:
        mask = mask & ~frame["is_closed"].to_numpy(dtype=bool)
    out = frame.loc[mask, [*_LIST_COLUMNS, "tracker_key", "source", "line"]]
    out.insert(7, "has_due", out["due"].notna().to_numpy(dtype=bool))
    out = out.sort_values(["team", "incident_id", "action_id"], na_position="last", kind="stable")
    return out.reset_index(drop=True)


_LINK_ON = ("key", "label")
_TRACKER_REQUIRED = ("key", "owner", "due", "status", "closed_at")
#: Below this text similarity a labelled issue is not matched to an action
#: (unless it is the incident's only candidate on both sides).
MIN_TEXT_SIMILARITY = 0.5


@dataclass(frozen=True)
class TrackerMerge:
    """The result of :func:`with_tracker`.

    Attributes
    ----------
    postmortems : Postmortems
        The collection with matched actions updated from the tracker.
    matches : DataFrame
        ``incident_id``, ``action_id``, ``key``, ``via`` (``tracker_key``,
        ``text`` or ``label``).
    unmatched_tracker : DataFrame
        The tracker rows no action matched, with a ``reason`` column.
    unmatched_actions : DataFrame
        ``incident_id``, ``action_id``, ``text``, ``tracker_key``, ``source``,
        ``line``, ``reason``: actions no tracker row matched.
    """

    postmortems: Postmortems
    matches: pd.DataFrame
    unmatched_tracker: pd.DataFrame
    unmatched_actions: pd.DataFrame

    def __repr__(self) -> str:
        return (
            f"<TrackerMerge: {len(self.matches)} actions matched, "
            f"{len(self.unmatched_actions)} actions and {len(self.unmatched_tracker)} "
            "tracker rows unmatched>"
        )

    def _repr_html_(self) -> str:
        return (
            "<div class='pmkit-tracker-merge'>"
            f"<b>{html.escape(repr(self))}</b>"
            "<h4>Unmatched tracker rows</h4>"
            f"{self.unmatched_tracker.to_html(index=False, escape=True)}"
            "<h4>Unmatched actions</h4>"
            f"{self.unmatched_actions.to_html(index=False, escape=True)}</div>"
        )


def _check_tracker(tracker: pd.DataFrame, link_on: Sequence[str]) -> tuple[str, ...]:
    if not isinstance(tracker, pd.DataFrame):
        raise TypeError(
            f"tracker must be a pandas DataFrame (see pmkit.io.jira.read_jira), "
            f"got {type(tracker).__name__}"
        )
    how = (link_on,) if isinstance(link_on, str) else tuple(link_on)
    bad = [h for h in how if h not in _LINK_ON]
    if bad or not how:
        raise UsageError(f"link_on must name one or both of 'key', 'label', got {link_on!r}")
    need = [*_TRACKER_REQUIRED, *(["labels"] if "label" in how else [])]
    missing = [c for c in need if c not in tracker.columns]
    if missing:
        raise UsageError(
            f"tracker has no column(s) {', '.join(missing)}; its columns are "
            f"{', '.join(map(str, tracker.columns))}; read it with pmkit.io.jira.read_jira"
        )
    return how


def _label_incident(label: str, ids: dict[str, str]) -> str | None:
    """The incident id a label names: the whole label, or after a ':' or '/' prefix."""
    low = label.strip().lower()
    if low in ids:
        return ids[low]
    for sep in (":", "/", "="):
        if sep in low:
            tail = low.rsplit(sep, 1)[1]
            if tail in ids:
                return ids[tail]
    return None


def _similarity(a: Any, b: Any) -> float:
    if not isinstance(a, str) or not isinstance(b, str):
        return 0.0
    return difflib.SequenceMatcher(None, a.lower().split(), b.lower().split()).ratio()


def with_tracker(
    pm: Postmortems,
    tracker: pd.DataFrame,
    *,
    link_on: Sequence[str] = ("key", "label"),
) -> TrackerMerge:
    """Update actions' owner, due date, status and closed time from an issue tracker.

    Matching, in this order:

    ``"key"``
        The action's ``tracker_key``, else the first issue key written in its
        text ("PAY-123"), that is in the tracker (keys compare case-insensitively).
        A ``tracker_key`` that is a link (a GitHub pull request the postmortem
        names) counts only through an issue key inside it (``.../browse/PAY-7``).
    ``"label"``
        A tracker issue not matched by key whose label is an incident id (the
        whole label, or the part after ``:``, ``/`` or ``=``: ``pm:PM-0001``)
        is matched to that incident's action without an issue key in its ``tracker_key`` whose
        text is most similar to the issue summary (word-level similarity at
        least :data:`MIN_TEXT_SIMILARITY`, or the only candidate on both sides).

    A tracker key that appears more than once keeps its first row; the others
    are reported as unmatched. For a matched action the tracker wins where it
    has a value: ``owner`` and ``due`` are replaced when the tracker has one,
    ``status`` unless the tracker's is ``unknown``, and ``closed_at`` is the
    tracker's resolution time when its status is closed (else NA).
    ``tracker_key`` is set to the matched key. The input is not modified.

    Parameters
    ----------
    pm : Postmortems
        The collection.
    tracker : DataFrame
        From :func:`pmkit.io.jira.read_jira`: ``key``, ``owner``, ``due``,
        ``status``, ``closed_at`` (and ``labels``, ``summary`` for label matching).
    link_on : sequence of {"key", "label"}, default ("key", "label")
        Which matching rules to use.

    Returns
    -------
    TrackerMerge
        ``postmortems`` (updated), ``matches`` (``incident_id``, ``action_id``,
        ``key``, ``via``), ``unmatched_tracker`` (the tracker's columns plus
        ``reason``) and ``unmatched_actions`` (``incident_id``, ``action_id``,
        ``text``, ``tracker_key``, ``source``, ``line``, ``reason``).

    Raises
    ------
    UsageError
        Unknown ``link_on`` or tracker columns missing.
    TypeError
        ``tracker`` is not a DataFrame.

    Examples
    --------
    >>> import pandas as pd
    >>> from pmkit import schema
    >>> from pmkit.collection import Postmortems
    >>> from pmkit.actions import with_tracker
    >>> acts = schema.conform({"incident_id": ["PM-1", "PM-1"], "action_id": ["a1", "a2"],
    ...     "text": ["Add alert PAY-7", "Write runbook"], "status": ["open", "open"]},
    ...     "actions")
    >>> jira = pd.DataFrame({"key": ["PAY-7", "OPS-1"], "summary": ["Add alert", "Runbook"],
    ...     "owner": ["Ann", "Bo"], "due": pd.to_datetime(["2026-02-01", None], utc=True),
    ...     "status": ["done", "open"], "closed_at": pd.to_datetime(["2026-01-20", None], utc=True),
    ...     "labels": [None, "PM-1"]})
    >>> merged = with_tracker(Postmortems(actions=acts), jira)
    >>> merged.postmortems.actions[["action_id", "owner", "status", "tracker_key"]]
      action_id owner status tracker_key
    0        a1   Ann   done       PAY-7
    1        a2    Bo   open       OPS-1
    >>> merged.matches["via"].tolist(), len(merged.unmatched_tracker)
    (['text', 'label'], 0)
    """
    how = _check_tracker(tracker, link_on)
    acts = pm.actions
    trk = tracker.reset_index(drop=True)
    norm = trk["key"].astype(schema.STRING).str.strip().str.upper()
    dup = norm.duplicated(keep="first").to_numpy(dtype=bool, na_value=False)
    no_key = norm.isna().to_numpy(dtype=bool)
    row_of = {k: i for i, k in enumerate(norm.tolist()) if isinstance(k, str) and not dup[i]}

    matched_row = np.full(len(acts), -1, np.int64)
    via = np.full(len(acts), "", dtype=object)
    reasons = np.full(len(acts), "", dtype=object)
    keys_given = acts["tracker_key"].tolist()
    texts = acts["text"].tolist()
    taken = np.zeros(len(trk), bool)
    has_key = np.zeros(len(acts), bool)
    for i, (tk, text) in enumerate(zip(keys_given, texts, strict=True)):
        candidates: list[tuple[str, str]] = []
        if isinstance(tk, str) and "://" in tk:
            # a pull request or issue link: only an issue key inside it
            # (".../browse/PAY-7") can name a tracker issue
            candidates += [(k.upper(), "tracker_key") for k in ISSUE_KEY.findall(tk)]
        elif isinstance(tk, str) and tk.strip():
            candidates.append((tk.strip().upper(), "tracker_key"))
        has_key[i] = bool(candidates)
        if isinstance(text, str):
            candidates += [(k.upper(), "text") for k in ISSUE_KEY.findall(text)]
        if not candidates:
            reasons[i] = "no issue key in tracker_key or text" + (
                ", and no tracker issue labelled with its incident has similar text"
                if "label" in how
                else ""
            )
            continue
        if "key" not in how:
            reasons[i] = "has an issue key but link_on excludes 'key'"
            continue
        found_key = next(((k, v) for k, v in candidates if k in row_of), None)
        if found_key is None:
            reasons[i] = f"key {', '.join(dict.fromkeys(k for k, _ in candidates))} not in tracker"
            continue
        matched_row[i] = row_of[found_key[0]]
        via[i] = found_key[1]
        taken[row_of[found_key[0]]] = True

    label_reason: dict[int, str] = {}
    if "label" in how:
        ids = {str(x).lower(): str(x) for x in pd.unique(pm.incidents["incident_id"])}
        ids.update({str(x).lower(): str(x) for x in pd.unique(acts["incident_id"])})
        by_incident: dict[str, list[int]] = {}
        for r, labels in enumerate(trk["labels"].tolist()):
            if taken[r] or dup[r] or no_key[r] or not isinstance(labels, str):
                continue
            hits = [_label_incident(lab, ids) for lab in labels.split(",") if lab.strip()]
            found = next((h for h in hits if h is not None), None)
            if found is not None:
                by_incident.setdefault(found, []).append(r)
        free = (matched_row < 0) & ~has_key
        inc_ids = acts["incident_id"].to_numpy(dtype=object)
        summaries = trk["summary"].tolist() if "summary" in trk.columns else [None] * len(trk)
        for incident, rows in by_incident.items():
            cand = [int(i) for i in np.flatnonzero(free & (inc_ids == incident))]
            pairs = sorted(
                ((_similarity(texts[a], summaries[r]), a, r) for a in cand for r in rows),
                key=lambda p: -p[0],
            )
            only = len(cand) == 1 and len(rows) == 1
            used_a: set[int] = set()
            used_r: set[int] = set()
            for score, a, r in pairs:
                if a in used_a or r in used_r or (score < MIN_TEXT_SIMILARITY and not only):
                    continue
                used_a.add(a)
                used_r.add(r)
                matched_row[a] = r
                via[a] = "label"
                taken[r] = True
            for r in rows:
                if r not in used_r:
                    label_reason[r] = f"labelled {incident} but no action of it has similar text"

    hit = matched_row >= 0
    out = acts.copy()
    if hit.any():
        src = trk.iloc[matched_row[hit]].reset_index(drop=True)
        pos = np.flatnonzero(hit)
        owner = src["owner"].astype(schema.STRING)
        due = src["due"].astype(schema.TIMESTAMP)
        status = src["status"].astype(schema.STRING)
        closed = src["closed_at"].astype(schema.TIMESTAMP)
        old = out.iloc[pos].reset_index(drop=True)
        new_status = status.where(
            status.notna() & (status != "unknown"), old["status"].astype(schema.STRING)
        )
        is_closed = new_status.isin(CLOSED).to_numpy(dtype=bool, na_value=False)
        updates = {
            "owner": owner.fillna(old["owner"]),
            "due": due.fillna(old["due"]),
            "status": new_status,
            "closed_at": closed.where(is_closed, pd.NaT),
            "tracker_key": src["key"].astype(schema.STRING),
        }
        for col, values in updates.items():
            column = out[col].astype(schema.STRING) if col == "status" else out[col].copy()
            column.iloc[pos] = values.to_numpy()  # type: ignore[call-overload]
            out[col] = column
        out = schema.conform(out, "actions")

    matches = pd.DataFrame(
        {
            "incident_id": acts["incident_id"][hit].reset_index(drop=True),
            "action_id": acts["action_id"][hit].reset_index(drop=True),
            "key": trk["key"].iloc[matched_row[hit]].astype(schema.STRING).reset_index(drop=True),
            "via": pd.Series(via[hit], dtype=schema.STRING),
        }
    )
    cols = ["incident_id", "action_id", "text", "tracker_key", "source", "line"]
    unmatched_actions = pd.DataFrame(acts.loc[~hit, cols]).reset_index(drop=True)
    unmatched_actions["reason"] = pd.Series(reasons[~hit], dtype=schema.STRING)

    t_reason = np.full(len(trk), "", dtype=object)
    t_reason[:] = "no action mentions this key" + (
        " and no label names a known incident" if "label" in how else ""
    )
    for r, why in label_reason.items():
        t_reason[r] = why
    t_reason[dup] = "duplicate key: the first row was used"
    t_reason[no_key] = "no key"
    unmatched_tracker = trk.loc[~taken].reset_index(drop=True)
    unmatched_tracker["reason"] = pd.Series(t_reason[~taken], dtype=schema.STRING)
    updated = Postmortems(
        pm.incidents, pm.events, pm.ideas, out.reset_index(drop=True), pm.problems, inputs=pm.inputs
    )
    return TrackerMerge(
        postmortems=updated,
        matches=matches,
        unmatched_tracker=unmatched_tracker,
        unmatched_actions=unmatched_actions,
    )
