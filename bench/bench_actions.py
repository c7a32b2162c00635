"""Benchmark: action follow-through and quality checks over 100k incidents.

Tables are built with numpy and conformed to the schema: 100k incidents over
eight quarters and 16 teams (summaries on 98%, ~10% without a detection time,
~5% still open), five timeline lines each, two remediation ideas, one to three
actions (85% with an owner, 90% with a due date, 40% done, 5% won't do). One
text in 200 carries a blaming sentence ("Bob forgot to drain the node") so
:func:`pmkit.blame.find_blame` has something to report. The script times

- :func:`pmkit.action_health` by team x quarter (shares, counts, overdue and
  the Kaplan–Meier time-to-close curve per group),
- :func:`pmkit.completeness`,
- :func:`pmkit.check` (which runs completeness and find_blame again),

and, in the same run, a naive baseline that loops over incidents
(rows grouped by incident once, then per-incident Python): action counts per team x quarter,
the completeness flags, and the check findings with every rule's regex tried
on every text. Both sides' totals are compared, so the baseline does the same
job (its blame scan is lighter: whole texts, no sentence split or negation).
Fast steps report the best of 3 runs; the baseline runs once.

Targets (issue 5, a weekly CI run over a large archive): action_health < 1 s,
completeness < 1 s, check < 5 s at 100k incidents.

Run: ``.venv/bin/python bench/bench_actions.py [n]``
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd
from _timing import best_of

from pmkit import schema
from pmkit.actions import action_health
from pmkit.blame import BLAME_RULES
from pmkit.collection import Postmortems
from pmkit.quality import CANVAS_STEPS, check, completeness

TARGETS = {"action_health": 1.0, "completeness": 1.0, "check": 5.0}
AS_OF = pd.Timestamp("2026-10-01T00:00Z")
_STEPS = np.array(["detect", "react", "quick_fix", "prevent", "other_risk"], dtype=object)
_KINDS = ["impact_start", "detected", "acknowledged", "mitigated", "resolved"]


def _ts(values: np.ndarray) -> pd.Series:
    return pd.Series(values.view("datetime64[us]")).dt.tz_localize("UTC")


def make_postmortems(n: int, seed: int = 0) -> Postmortems:
    """``n`` synthetic incidents with events, ideas and actions, built with numpy."""
    rng = np.random.default_rng(seed)
    minute = 60 * 10**6
    t0 = np.datetime64("2024-10-01T00:00", "us").astype(np.int64)
    started = t0 + rng.integers(0, 2 * 365 * 86400 * 10**6, n)
    detected = started + (rng.lognormal(np.log(8), 0.9, n) * minute).astype(np.int64)
    resolved = detected + (rng.lognormal(np.log(160), 1.0, n) * minute).astype(np.int64)
    nat = np.iinfo(np.int64).min
    detected[rng.random(n) < 0.10] = nat
    resolved[rng.random(n) < 0.05] = nat
    ids = np.array([f"PM-{i:06d}" for i in range(n)], dtype=object)
    teams = np.array([f"team{i:02d}" for i in range(16)], dtype=object)
    sources = np.array([f"pm/{i}.md" for i in ids], dtype=object)
    summary = np.array(["checkout degraded for customers", None], dtype=object)[
        (rng.random(n) >= 0.98).astype(np.int64)
    ]
    blame_text = "Root cause: Bob forgot to drain the node."
    incidents = schema.conform(
        {
            "incident_id": ids,
            "summary": summary,
            "team": teams[rng.integers(0, 16, n)],
            "detection_source": np.array(["monitoring", "customer", "unknown"], dtype=object)[
                rng.integers(0, 3, n)
            ],
            "occurred_at": _ts(started),
            "started_at": _ts(started),
            "detected_at": _ts(detected),
            "resolved_at": _ts(resolved),
            "source": sources,
        },
        "incidents",
    )
    ev_inc = np.repeat(np.arange(n), 5)
    ev_text = np.array([f"{k.replace('_', ' ')} on checkout" for k in _KINDS], dtype=object)[
        np.tile(np.arange(5), n)
    ]
    ev_text[rng.random(len(ev_text)) < 0.005] = blame_text
    events = schema.conform(
        {
            "incident_id": ids[ev_inc],
            "seq": np.tile(np.arange(5), n),
            "kind": np.array(_KINDS, dtype=object)[np.tile(np.arange(5), n)],
            "text": ev_text,
            "source": sources[ev_inc],
            "line": 10 + np.tile(np.arange(5), n),
        },
        "events",
    )
    idea_inc = np.repeat(np.arange(n), 2)
    ideas = schema.conform(
        {
            "incident_id": ids[idea_inc],
            "step": _STEPS[rng.integers(0, 5, len(idea_inc))],
            "text": np.full(len(idea_inc), "alert on queue depth", dtype=object),
            "source": sources[idea_inc],
            "line": 20 + np.tile(np.arange(2), n),
        },
        "ideas",
    )
    per = rng.integers(1, 4, n)
    act_inc = np.repeat(np.arange(n), per)
    m = len(act_inc)
    rank = np.arange(m) - np.repeat(np.cumsum(per) - per, per)
    due = started[act_inc] + rng.integers(7, 90, m) * 86400 * 10**6
    due[rng.random(m) >= 0.9] = nat
    status = np.array(["done", "wont_do", "open", "in_progress"], dtype=object)[
        rng.choice(4, m, p=[0.4, 0.05, 0.4, 0.15])
    ]
    closed = np.where(
        status == "done", started[act_inc] + rng.integers(1, 120, m) * 86400 * 10**6, nat
    )
    act_text = np.full(m, "add an alert on queue depth", dtype=object)
    act_text[rng.random(m) < 0.005] = blame_text
    actions = schema.conform(
        {
            "incident_id": ids[act_inc],
            "action_id": [f"{i}-{r}" for i, r in zip(ids[act_inc], rank, strict=True)],
            "text": act_text,
            "owner": np.array(["ann", None], dtype=object)[
                (rng.random(m) >= 0.85).astype(np.int64)
            ],
            "due": _ts(due),
            "status": status,
            "closed_at": _ts(closed),
            "step": _STEPS[rng.integers(0, 5, m)],
            "source": sources[act_inc],
            "line": 30 + rank,
        },
        "actions",
    )
    return Postmortems(incidents, events, ideas, actions)


def naive(pm: Postmortems, as_of: pd.Timestamp) -> dict[str, Any]:
    """The per-incident loop a first script would write: rows grouped once, then Python."""
    rows: dict[str, dict[Any, list[dict[Hashable, Any]]]] = {}
    for name, table in (("events", pm.events), ("ideas", pm.ideas), ("actions", pm.actions)):
        grouped: dict[Any, list[dict[Hashable, Any]]] = {}
        for rec in table.to_dict("records"):
            grouped.setdefault(rec["incident_id"], []).append(rec)
        rows[name] = grouped
    counts: dict[tuple[Any, Any], Counter[str]] = {}
    findings: Counter[str] = Counter()
    for inc in pm.incidents.to_dict("records"):
        iid = inc["incident_id"]
        acts = rows["actions"].get(iid, [])
        evs = rows["events"].get(iid, [])
        ideas = rows["ideas"].get(iid, [])
        occurred = inc["occurred_at"]
        quarter = None if pd.isna(occurred) else f"{occurred.year}Q{occurred.quarter}"
        c = counts.setdefault((inc["team"], quarter), Counter())
        for a in acts:
            is_open = a["status"] not in ("done", "wont_do")
            c["actions"] += 1
            c["open"] += is_open
            c["done"] += a["status"] == "done"
            c["with_both"] += pd.notna(a["owner"]) and pd.notna(a["due"])
            c["overdue"] += bool(is_open and pd.notna(a["due"]) and a["due"] < as_of)
            findings["action.no_owner"] += pd.isna(a["owner"])
            findings["action.no_due"] += pd.isna(a["due"])
        summary = inc["summary"]
        findings["summary.missing"] += not isinstance(summary, str) or not summary.strip()
        if not evs:
            findings["timeline.missing"] += 1
        else:
            findings["timeline.no_detect_time"] += pd.isna(inc["detected_at"])
        steps = {r["step"] for r in ideas} | {r["step"] for r in acts}
        for step in CANVAS_STEPS:
            findings[f"step.no_{step}"] += step not in steps
        texts = [summary, *(r["text"] for r in evs), *(r["text"] for r in ideas)]
        for text in [*texts, *(r["text"] for r in acts)]:
            if isinstance(text, str) and any(r.regex.search(text) for r in BLAME_RULES):
                findings["blame.language"] += 1
    totals = Counter[str]()
    for c in counts.values():
        totals.update(c)
    return {"totals": totals, "findings": +findings, "groups": len(counts)}


def main(n: int = 100_000) -> None:
    t = time.perf_counter()
    pm = make_postmortems(n)
    print(
        f"built {n:,} incidents, {len(pm.events):,} events, {len(pm.ideas):,} ideas, "
        f"{len(pm.actions):,} actions in {time.perf_counter() - t:.1f} s"
    )
    t_health, health = best_of(3, lambda: action_health(pm, as_of=AS_OF))
    t_comp, comp = best_of(3, lambda: completeness(pm))
    t_check, found = best_of(3, lambda: check(pm))
    t = time.perf_counter()
    base = naive(pm, AS_OF)
    t_naive = time.perf_counter() - t
    t_fast = t_health + t_comp + t_check

    def ok(name: str, seconds: float) -> str:
        verdict = "ok" if seconds < TARGETS[name] else "MISSED"
        return f"(target < {TARGETS[name]} s: {verdict})"

    s = health.summary
    print(f"action_health team x quarter: {t_health:7.3f} s  {ok('action_health', t_health)}")
    print(f"completeness:                 {t_comp:7.3f} s  {ok('completeness', t_comp)}")
    print(f"check (incl. find_blame):     {t_check:7.3f} s  {ok('check', t_check)}")
    print(f"naive per-incident loop:      {t_naive:7.3f} s  (baseline, same run)")
    print(f"pmkit is {t_naive / t_fast:.0f}x faster than the loop ({t_fast:.3f} s for all three)")
    fast_codes = found["code"].value_counts()
    same = (
        int(s["actions"].sum()) == base["totals"]["actions"]
        and int(s["open"].sum()) == base["totals"]["open"]
        and int(s["done"].sum()) == base["totals"]["done"]
        and int(s["overdue"].sum()) == base["totals"]["overdue"]
        and len(s) == base["groups"]
        and all(fast_codes.get(k, 0) == v for k, v in base["findings"].items())
    )
    print(
        f"figures agree with the baseline: {same} ({int(s['actions'].sum()):,} actions, "
        f"{int(s['overdue'].sum()):,} overdue, {len(s)} groups, {len(found):,} findings, "
        f"{int(fast_codes.get('blame.language', 0)):,} blame; {len(comp):,} completeness rows)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
