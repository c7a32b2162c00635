"""Seeded factories that build pmkit tables directly, for tests and docs.

They bypass the readers so analysis code can be tested on frames whose every
value is known. For realistic *documents*, see :mod:`pmkit.synth`.

>>> from pmkit.testing import make_postmortems
>>> pm = make_postmortems(20, seed=1)
>>> len(pm), pm.incidents["team"].nunique() > 1
(20, True)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pmkit import schema
from pmkit.collection import Postmortems

__all__ = ["RISK_THEMES", "make_postmortems"]

TEAMS = {
    "payments": ("checkout", "billing"),
    "identity": ("login", "sso"),
    "platform": ("kubernetes", "dns"),
    "search": ("indexer",),
}
#: Hidden risk themes used by the factory: theme -> paraphrases ({svc} is filled in).
RISK_THEMES: dict[str, tuple[str, ...]] = {
    "certificates": (
        "TLS certificate for {svc} expires without warning",
        "certificate rotation on {svc} is manual and unmonitored",
        "expired cert could take down {svc}",
    ),
    "disk": (
        "disk on {svc} hosts fills up with no alert",
        "no alert when {svc} storage reaches 90 percent",
        "log volume can exhaust disk space for {svc}",
    ),
    "config": (
        "config change to {svc} deployed without review",
        "unreviewed configuration push can break {svc}",
        "no validation of {svc} configuration before rollout",
    ),
}
_STEPS = ("detect", "react", "quick_fix", "prevent")


def make_postmortems(
    n: int = 40,
    *,
    seed: int = 0,
    start: str = "2025-01-01",
    end: str = "2026-09-30",
    as_of: str = "2026-11-28",
) -> Postmortems:
    """A collection of ``n`` incidents with events, ideas and actions.

    Milestones follow skewed (lognormal) durations; about 10% of incidents lack
    a detected time, one in twenty is still open and one has its mitigation
    written before its detection (out of order), so code that must cope with
    missing and out-of-order values has something to cope with.
    """
    rng = np.random.default_rng(seed)
    t0, t1 = pd.Timestamp(start, tz="UTC"), pd.Timestamp(end, tz="UTC")
    span = (t1 - t0).total_seconds()
    teams = list(TEAMS)
    inc: dict[str, list[Any]] = {c: [] for c in schema.TABLES["incidents"]}
    ev: dict[str, list[Any]] = {c: [] for c in ("incident_id", "seq", "at", "kind", "text")}
    ideas: dict[str, list[Any]] = {c: [] for c in ("incident_id", "step", "text")}
    acts: dict[str, list[Any]] = {
        c: [] for c in ("incident_id", "action_id", "text", "owner", "due", "status", "step")
    }
    asof = pd.Timestamp(as_of, tz="UTC")
    themes = list(RISK_THEMES)
    for i in range(n):
        iid = f"PM-{i:04d}"
        team = teams[i % len(teams)]
        svc = TEAMS[team][int(rng.integers(len(TEAMS[team])))]
        started = (t0 + pd.Timedelta(seconds=float(rng.uniform(0, span)))).floor("min")
        source = str(
            rng.choice(["monitoring", "customer", "employee", "unknown"], p=[0.55, 0.25, 0.1, 0.1])
        )
        slow = 4.0 if source == "customer" else 1.0
        detected = started + pd.Timedelta(minutes=float(rng.lognormal(np.log(8 * slow), 0.9)))
        ack = detected + pd.Timedelta(minutes=float(rng.lognormal(np.log(5), 0.7)))
        mitigated = detected + pd.Timedelta(minutes=float(rng.lognormal(np.log(40), 0.8)))
        resolved = mitigated + pd.Timedelta(minutes=float(rng.lognormal(np.log(120), 1.0)))
        status = "resolved"
        values: dict[str, Any] = {
            "started_at": started,
            "detected_at": detected.floor("min"),
            "acknowledged_at": ack.floor("min"),
            "mitigated_at": mitigated.floor("min"),
            "resolved_at": resolved.floor("min"),
        }
        if i % 10 == 3:
            values["detected_at"] = pd.NaT
        if i % 20 == 7:
            values["resolved_at"] = pd.NaT
            status = "open"
        if i == 5:
            values["mitigated_at"] = started - pd.Timedelta(minutes=5)
        row = {
            "incident_id": iid,
            "title": f"{svc} incident {i}",
            "summary": f"{svc} degraded for {team} customers",
            "severity": f"SEV{int(rng.choice([1, 2, 3, 4], p=[0.1, 0.25, 0.4, 0.25]))}",
            "team": team,
            "service": svc,
            "status": status,
            "occurred_at": started,
            "detection_source": source,
            "source": f"synthetic/{iid}.md",
            "tz": "UTC",
            **values,
        }
        for key, val in values.items():
            row[schema.provenance_column(key)] = None if pd.isna(val) else "timeline"
        for c in inc:
            inc[c].append(row.get(c))
        kinds = ["impact_start", "detected", "acknowledged", "mitigated", "resolved"]
        for seq, (kind, col) in enumerate(zip(kinds, values, strict=True)):
            if pd.isna(values[col]):
                continue
            ev["incident_id"].append(iid)
            ev["seq"].append(seq)
            ev["at"].append(values[col])
            ev["kind"].append(kind)
            ev["text"].append(f"{kind.replace('_', ' ')} on {svc}")
        theme = themes[i % len(themes)]
        phrase = RISK_THEMES[theme][int(rng.integers(3))].format(svc=svc)
        for step, text in [("other_risk", phrase), ("prevent", f"prevent {theme} on {svc}")]:
            ideas["incident_id"].append(iid)
            ideas["step"].append(step)
            ideas["text"].append(text)
        for k in range(int(rng.integers(1, 4))):
            due = started.normalize() + pd.Timedelta(days=int(rng.integers(7, 90)))
            done = bool(rng.random() < 0.5)
            acts["incident_id"].append(iid)
            acts["action_id"].append(f"{iid}-A{k + 1}")
            acts["text"].append(f"follow-up {k + 1} for {svc}")
            acts["owner"].append(None if rng.random() < 0.2 else f"owner{int(rng.integers(6))}")
            acts["due"].append(None if rng.random() < 0.2 else due)
            acts["status"].append("done" if done and due < asof else "open")
            acts["step"].append(_STEPS[int(rng.integers(4))])
    return Postmortems(
        incidents=schema.conform(inc, "incidents"),
        events=schema.conform(ev, "events"),
        ideas=schema.conform(ideas, "ideas"),
        actions=schema.conform(acts, "actions"),
    )
