"""Postmortem quality: which canvas steps each postmortem filled in, and what to fix.

The canvas warns that teams ask only "how do we prevent it", skip Detect,
React and Quick Fix, drop "Other Areas of Risk" when stressed, and end the
meeting without a name and a date on each action. :func:`completeness` scores
every postmortem on those points; :func:`check` turns the gaps into findings
(one row each, with file and line) for ``pmkit check`` to print in CI.

A canvas step counts as present when the postmortem has at least one
remediation idea *or* action for it. The rules :func:`check` applies are
listed in :data:`CHECKS`; findings of severity ``error`` are the required ones
(a ``pmkit check`` run fails on them). ``blame.language`` is a warning per
sentence that :func:`pmkit.blame.find_blame` flags (its rule table lists what
is flagged and the neutral rewording suggested for each).

>>> from pmkit.quality import completeness
>>> from pmkit.testing import make_postmortems
>>> c = completeness(make_postmortems(10, seed=0))
>>> bool(c["score"].between(0, 1).all()), bool(c["has_other_risk"].all())
(True, True)
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from pmkit import schema
from pmkit.blame import find_blame
from pmkit.collection import Postmortems

__all__ = ["CANVAS_STEPS", "CHECKS", "check", "completeness"]

#: Canvas steps that hold ideas and actions -> their heading on the canvas.
CANVAS_STEPS: dict[str, str] = {
    "detect": "Detect",
    "react": "React",
    "quick_fix": "Quick Fix",
    "prevent": "Prevent",
    "other_risk": "Other Areas of Risk",
}
#: Rule code -> (severity, message). ``error`` rules are required.
CHECKS: dict[str, tuple[str, str]] = {
    "summary.missing": ("error", "no Summary"),
    "actions.missing": ("error", "no Next Steps (no actions)"),
    "action.no_owner": ("error", "action without owner"),
    "action.no_due": ("error", "action without due date"),
    "timeline.missing": ("warning", "no Rough Timeline"),
    "timeline.no_start": ("warning", "no impact start time stated (mark that line [start])"),
    "timeline.no_detect_time": (
        "warning",
        "no detection time stated (mark that line [detected])",
    ),
    "timeline.no_resolve_time": ("warning", "no resolution time"),
    **{
        f"step.no_{step}": ("warning", f"no {title} ideas or actions")
        for step, title in CANVAS_STEPS.items()
    },
    "actions.only_prevent": (
        "warning",
        "all actions are prevent: add detect, react or quick-fix actions",
    ),
    "blame.language": ("warning", "blaming language"),
}
_SEVERITY = pd.CategoricalDtype(["error", "warning"])


def _per_incident(
    table: pd.DataFrame, ids: pd.Series, mask: np.ndarray | None = None
) -> np.ndarray:
    """Rows of ``table`` per incident of ``ids`` (0 where none)."""
    col = table["incident_id"] if mask is None else table["incident_id"][mask]
    counts = col.value_counts()
    return counts.reindex(ids.to_numpy(), fill_value=0).to_numpy(dtype=np.int64)


def _stated(inc: pd.DataFrame, col: str) -> np.ndarray:
    """Incidents whose ``col`` milestone is known and was not inferred."""
    known: np.ndarray = inc[col].notna().to_numpy(dtype=bool)
    return known & ~schema.inferred_mask(inc, col)


def completeness(pm: Postmortems) -> pd.DataFrame:
    """Which canvas steps each postmortem filled in, with a 0..1 score.

    Parameters
    ----------
    pm : Postmortems
        The collection.

    Returns
    -------
    DataFrame
        One row per incident: ``incident_id``, ``team``, ``source``;
        booleans ``has_summary`` (non-blank), ``has_timeline`` (any event),
        ``has_start``, ``has_detect_time``, ``has_resolve_time`` (the
        ``started_at``, ``detected_at``, ``resolved_at`` milestones, as the
        postmortem states them: one the reader inferred, provenance
        ``inferred``, does not count),
        ``has_detect``, ``has_react``, ``has_quick_fix``, ``has_prevent``,
        ``has_other_risk`` (at least one idea or action for the step),
        ``has_next_steps`` (at least one action); counts ``n_actions`` and
        ``actions_with_owner_and_due``; ``all_actions_owned_and_dated``
        (False when there are no actions); ``only_prevent_actions`` (every
        action with a known step is ``prevent``); counts ``ideas_<step>`` and
        ``actions_<step>`` for the five canvas steps; ``score`` (share of the
        11 ``has_*`` checks plus ``all_actions_owned_and_dated`` that pass);
        ``missing`` (canvas headings that are missing or empty, comma-joined;
        empty string when none).

    Examples
    --------
    >>> from pmkit import schema
    >>> from pmkit.collection import Postmortems
    >>> from pmkit.quality import completeness
    >>> inc = schema.conform({"incident_id": ["a"], "summary": ["db down"],
    ...     "detection_source": ["unknown"]}, "incidents")
    >>> acts = schema.conform({"incident_id": ["a"], "action_id": ["a1"], "text": ["shard"],
    ...     "owner": ["ann"], "due": ["2026-01-05T00:00Z"], "status": ["open"],
    ...     "step": ["prevent"]}, "actions")
    >>> row = completeness(Postmortems(inc, actions=acts)).iloc[0]
    >>> bool(row["only_prevent_actions"]), round(float(row["score"]), 3)
    (True, 0.333)
    >>> row["missing"]
    'Rough Timeline, Detect, React, Quick Fix, Other Areas of Risk'
    """
    inc = pm.incidents.drop_duplicates("incident_id").reset_index(drop=True)
    ids = inc["incident_id"]
    acts, ideas = pm.actions, pm.ideas
    out = pd.DataFrame({"incident_id": ids, "team": inc["team"], "source": inc["source"]})
    summary = inc["summary"].astype(schema.STRING).str.strip()
    out["has_summary"] = (summary.notna() & (summary != "")).to_numpy(dtype=bool, na_value=False)
    out["has_timeline"] = _per_incident(pm.events, ids) > 0
    out["has_start"] = _stated(inc, "started_at")
    out["has_detect_time"] = _stated(inc, "detected_at")
    out["has_resolve_time"] = _stated(inc, "resolved_at")
    idea_counts: dict[str, np.ndarray] = {}
    action_counts: dict[str, np.ndarray] = {}
    for step in CANVAS_STEPS:
        idea_counts[step] = _per_incident(ideas, ids, (ideas["step"] == step).to_numpy(bool))
        action_counts[step] = _per_incident(acts, ids, (acts["step"] == step).to_numpy(bool))
        out[f"has_{step}"] = (idea_counts[step] + action_counts[step]) > 0
    n_actions = _per_incident(acts, ids)
    out["has_next_steps"] = n_actions > 0
    out["n_actions"] = n_actions
    both = (acts["owner"].notna() & acts["due"].notna()).to_numpy(dtype=bool)
    out["actions_with_owner_and_due"] = _per_incident(acts, ids, both)
    out["all_actions_owned_and_dated"] = (n_actions > 0) & (
        out["actions_with_owner_and_due"].to_numpy() == n_actions
    )
    known = acts["step"].notna().to_numpy(dtype=bool)
    not_prevent = known & (acts["step"] != "prevent").to_numpy(dtype=bool)
    out["only_prevent_actions"] = (action_counts["prevent"] > 0) & (
        _per_incident(acts, ids, not_prevent) == 0
    )
    for step in CANVAS_STEPS:
        out[f"ideas_{step}"] = idea_counts[step]
    for step in CANVAS_STEPS:
        out[f"actions_{step}"] = action_counts[step]
    checks = [
        "has_summary",
        "has_timeline",
        "has_start",
        "has_detect_time",
        "has_resolve_time",
        *(f"has_{s}" for s in CANVAS_STEPS),
        "has_next_steps",
        "all_actions_owned_and_dated",
    ]
    out["score"] = out[checks].to_numpy(dtype=np.float64).mean(axis=1)
    flags = out[[c for c in out.columns if c.startswith("has_")]].to_dict("records")
    out["missing"] = pd.Series([_missing(row) for row in flags], dtype=schema.STRING)
    return out


def _missing(row: Mapping[Hashable, Any]) -> str:
    parts: list[str] = []
    if not row["has_summary"]:
        parts.append("Summary")
    if not row["has_timeline"]:
        parts.append("Rough Timeline")
    else:
        times = [
            name
            for flag, name in (
                ("has_start", "start"),
                ("has_detect_time", "detection"),
                ("has_resolve_time", "resolution"),
            )
            if not row[flag]
        ]
        if times:
            parts.append(f"Rough Timeline (no {', '.join(times)} time)")
    parts += [title for step, title in CANVAS_STEPS.items() if not row[f"has_{step}"]]
    if not row["has_next_steps"]:
        parts.append("Next Steps")
    return ", ".join(parts)


_INCIDENT_RULES: tuple[tuple[str, str, bool], ...] = (
    # (completeness column, rule code, only when the timeline exists)
    ("has_summary", "summary.missing", False),
    ("has_timeline", "timeline.missing", False),
    ("has_start", "timeline.no_start", True),
    ("has_detect_time", "timeline.no_detect_time", True),
    ("has_resolve_time", "timeline.no_resolve_time", True),
    *((f"has_{s}", f"step.no_{s}", False) for s in CANVAS_STEPS),
    ("has_next_steps", "actions.missing", False),
)


def check(pm: Postmortems) -> pd.DataFrame:
    """Every quality finding, one row each, for ``pmkit check`` to print.

    The rules and their severities are in :data:`CHECKS`. A missing start,
    detection or resolution time is only reported when the postmortem has a
    timeline (otherwise ``timeline.missing`` says it all). Actions are checked
    one by one, so each finding carries the action's line. Each sentence that
    :func:`pmkit.blame.find_blame` flags is a ``blame.language`` warning with
    its line (NA in a summary), the rule, the sentence and a neutral rewording:
    ``blaming language (forgot): "Bob forgot to renew the cert"; name the
    missing support: ...``.

    Parameters
    ----------
    pm : Postmortems
        The collection.

    Returns
    -------
    DataFrame
        ``incident_id``, ``source``, ``line`` (Int64, NA for findings about
        the whole postmortem), ``severity`` (categorical ``error`` /
        ``warning``), ``code``, ``message``; sorted by source, line and code.

    Examples
    --------
    >>> from pmkit import schema
    >>> from pmkit.collection import Postmortems
    >>> from pmkit.quality import check
    >>> inc = schema.conform({"incident_id": ["a"], "summary": ["db down"],
    ...     "detection_source": ["unknown"], "source": ["a.md"]}, "incidents")
    >>> acts = schema.conform({"incident_id": ["a"], "action_id": ["a1"], "text": ["shard"],
    ...     "status": ["open"], "step": ["prevent"], "source": ["a.md"], "line": [12]},
    ...     "actions")
    >>> found = check(Postmortems(inc, actions=acts))
    >>> found[["line", "severity", "code"]].tail(3)
       line severity              code
    5  <NA>  warning  timeline.missing
    6    12    error     action.no_due
    7    12    error   action.no_owner
    """
    comp = completeness(pm)
    cols = ["incident_id", "source", "line", "severity", "code", "message"]
    parts: list[pd.DataFrame] = []
    timeline = comp["has_timeline"].to_numpy(dtype=bool)
    for column, code, needs_timeline in _INCIDENT_RULES:
        fail = ~comp[column].to_numpy(dtype=bool)
        if needs_timeline:
            fail &= timeline
        parts.append(_findings(comp[fail], code, None))
    parts.append(
        _findings(comp[comp["only_prevent_actions"].to_numpy(bool)], "actions.only_prevent", None)
    )
    acts = pm.actions
    for column, code in (("owner", "action.no_owner"), ("due", "action.no_due")):
        parts.append(_findings(acts[acts[column].isna().to_numpy(bool)], code, acts["text"]))
    parts.append(_blame_findings(find_blame(pm)))
    out = (
        pd.concat([p for p in parts if len(p)], ignore_index=True)
        if any(len(p) for p in parts)
        else _findings(comp.iloc[:0], "summary.missing", None)
    )
    out = out.sort_values(["source", "line", "code"], na_position="first", kind="stable")
    return out[cols].reset_index(drop=True)


def _blame_findings(found: pd.DataFrame) -> pd.DataFrame:
    """``blame.language`` findings: rule, sentence (up to 80 characters) and suggestion."""
    out = _findings(found, "blame.language", None)
    sentence = found["sentence"].str.slice(0, 80)
    long = (found["sentence"].str.len() > 80).to_numpy(dtype=bool)
    sentence = sentence.where(~long, sentence + "…")
    detail = " (" + found["rule"] + '): "' + sentence + '"; ' + found["suggestion"]
    out["message"] = (out["message"] + detail.to_numpy()).astype(schema.STRING)
    return out


def _findings(rows: pd.DataFrame, code: str, detail: pd.Series | None) -> pd.DataFrame:
    severity, message = CHECKS[code]
    n = len(rows)
    if detail is not None:
        text = detail.loc[rows.index].astype(schema.STRING).fillna("").str.slice(0, 80)
        messages = (message + ": " + text).to_numpy(dtype=object)
    else:
        messages = np.full(n, message, dtype=object)
    line = rows["line"] if "line" in rows else pd.Series([None] * n)
    return pd.DataFrame(
        {
            "incident_id": pd.Series(rows["incident_id"].to_numpy(), dtype=schema.STRING),
            "source": pd.Series(rows["source"].to_numpy(), dtype=schema.STRING),
            "line": pd.Series(line.to_numpy(), dtype=schema.INT),
            "severity": pd.Series([severity] * n, dtype=_SEVERITY),
            "code": pd.Series([code] * n, dtype=schema.STRING),
            "message": pd.Series(messages, dtype=schema.STRING),
        }
    )
