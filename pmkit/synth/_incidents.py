"""What each synthetic incident is, before it is written: teams, numeric draws, content."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

from ._phrases import (
    _ACK_LINES,
    _DETECT_LINES,
    _IMPACT,
    _LATE_NOTES,
    _NOTES,
    _RESOLVE_LINES,
    _THEME_IDS,
    THEMES,
    _cap,
    _fill,
    _slots,
)

#: The day the sample is "looked at": actions due before it and still open are overdue.
AS_OF = date(2026, 11, 28)

#: Document styles and their weights.
STYLES: dict[str, float] = {"canvas": 0.55, "dfds": 0.2, "rust": 0.1, "prose": 0.15}

# --------------------------------------------------------------------------- catalogue

_TEAMS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    # team: (tracker prefix, services, owners)
    "payments": ("PAY", ("checkout", "billing-api", "ledger"), ("ana", "li", "sam", "noor")),
    "identity": ("IAM", ("login", "sso-gateway", "token-service"), ("marek", "yuki", "ola", "dev")),
    "platform": (
        "PLAT",
        ("ingress", "ci-runners", "object-storage"),
        ("kofi", "eva", "raj", "tom"),
    ),
    "search": ("SRCH", ("search-api", "indexer"), ("ines", "bo", "priya")),
    "data": ("DATA", ("etl-pipeline", "warehouse", "event-stream"), ("lena", "omar", "jo", "wei")),
}
_TEAM_NAMES = tuple(_TEAMS)
_TEAM_WEIGHTS = np.array([0.24, 0.2, 0.24, 0.14, 0.18])
_ALL_SERVICES = tuple(s for _, svcs, _ in _TEAMS.values() for s in svcs)
_FULL_NAMES = {
    "ana": "Ana Ruiz", "li": "Li Wei", "sam": "Sam Okafor", "noor": "Noor Haddad",
    "marek": "Marek Nowak", "yuki": "Yuki Sato", "ola": "Ola Berg", "dev": "Dev Patel",
    "kofi": "Kofi Mensah", "eva": "Eva Lind", "raj": "Raj Iyer", "tom": "Tom Weber",
    "ines": "Ines Costa", "bo": "Bo Jensen", "priya": "Priya Nair", "lena": "Lena Vogel",
    "omar": "Omar Aziz", "jo": "Jo Kim", "wei": "Wei Zhang",
}  # fmt: skip

_SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")
_SEVERITY_WEIGHTS = np.array([0.05, 0.2, 0.45, 0.3])
_SOURCES = ("monitoring", "customer", "employee", "third_party", "automated_test", "unknown")
_SOURCE_WEIGHTS = np.array([0.55, 0.25, 0.1, 0.04, 0.04, 0.02])
# median minutes from start of impact to detection, by detection source
_DETECT_MEDIAN = np.array([7.0, 55.0, 25.0, 40.0, 9.0, 20.0])
_DETECT_SIGMA = np.array([0.9, 1.0, 1.0, 1.0, 0.8, 1.1])
# per-quarter drift of detection time (log scale): payments improves, search worsens
_DETECT_TREND = {"payments": -0.14, "search": 0.12}
_CANVAS_ZONES = ("UTC", "Europe/Paris", "America/New_York")

# --------------------------------------------------------------------------- numbers


def _quarter_starts(start: pd.Timestamp, end: pd.Timestamp) -> list[pd.Timestamp]:
    q = pd.period_range(start, end, freq="Q")
    return [p.start_time for p in q]


def _draw(n: int, rng: np.random.Generator, start: str, end: str) -> dict[str, np.ndarray]:
    """Every numeric draw for ``n`` incidents, vectorised, in chronological order."""
    t0 = pd.Timestamp(start)
    t1 = pd.Timestamp(end) + pd.Timedelta(days=1)
    if t1 <= t0:
        raise ValueError(f"end must be after start, got start={start!r}, end={end!r}")
    quarters = _quarter_starts(t0, t1 - pd.Timedelta(days=1))
    bounds = [max(q, t0) for q in quarters] + [t1]
    lo = np.array([b.value // 60_000_000_000 for b in bounds[:-1]], dtype=np.int64)
    hi = np.array([b.value // 60_000_000_000 for b in bounds[1:]], dtype=np.int64)
    nq = len(lo)
    # incidents per minute varies by quarter: busier quarters, a slow upward trend
    rate = (1.0 + 0.45 * rng.random(nq)) * np.linspace(0.85, 1.15, nq)
    weights = rate * (hi - lo)
    q = np.sort(rng.choice(nq, size=n, p=weights / weights.sum()))
    day_minutes = ((hi[q] - lo[q]) // 1440).clip(1)
    day = (rng.random(n) * day_minutes).astype(np.int64)
    # working hours are busier than nights
    hour = rng.choice(24, size=n, p=_HOUR_WEIGHTS)
    minute = rng.integers(0, 60, size=n)
    started = lo[q] + day * 1440 + hour * 60 + minute
    order = np.argsort(started, kind="stable")
    started, q = started[order], q[order]

    team = rng.choice(len(_TEAM_NAMES), size=n, p=_TEAM_WEIGHTS)
    severity = rng.choice(4, size=n, p=_SEVERITY_WEIGHTS)
    source = rng.choice(len(_SOURCES), size=n, p=_SOURCE_WEIGHTS)
    trend = np.zeros(n)
    for name, slope in _DETECT_TREND.items():
        trend[team == _TEAM_NAMES.index(name)] = slope
    qpos = q - (nq - 1) / 2
    detect = np.exp(
        np.log(_DETECT_MEDIAN[source]) + trend * qpos + _DETECT_SIGMA[source] * rng.normal(size=n)
    )
    sev_speed = np.array([0.6, 0.8, 1.0, 1.3])[severity]
    ack = np.exp(np.log(5.0) + 0.8 * rng.normal(size=n)) * sev_speed
    mitigate = np.exp(np.log(30.0) + 1.0 * rng.normal(size=n)) * sev_speed
    resolve = np.exp(np.log(240.0) + 1.0 * rng.normal(size=n))
    d = np.rint(detect.clip(0, 3 * 1440)).astype(np.int64)
    a = d + np.rint(ack.clip(0, 600)).astype(np.int64)
    m = a + np.rint(mitigate.clip(1, 1440)).astype(np.int64)
    r = m + np.rint(resolve.clip(5, 3 * 1440)).astype(np.int64)
    end_min = hi[-1]
    recent = started > end_min - 60 * 1440
    is_open = rng.random(n) < np.where(recent, 0.25, 0.03)
    return {
        "started": started,
        "detected": started + d,
        "acknowledged": started + a,
        "mitigated": started + m,
        "resolved": started + r,
        "team": team,
        "severity": severity,
        "source": source,
        "open": is_open,
        "has_ack": rng.random(n) > 0.07,
        "has_mitigated": rng.random(n) > 0.05,
        "style": rng.choice(len(STYLES), size=n, p=np.array(list(STYLES.values()))),
        "theme": rng.choice(len(_THEME_IDS), size=n),
        "zone": rng.choice(len(_CANVAS_ZONES), size=n, p=[0.4, 0.35, 0.25]),
        "pct": rng.integers(2, 60, size=n),
    }


_HOUR_WEIGHTS = np.array(
    [1, 1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 7, 8, 8, 8, 7, 6, 4, 3, 2, 2, 1, 1], dtype=float
)
_HOUR_WEIGHTS /= _HOUR_WEIGHTS.sum()


# --------------------------------------------------------------------------- documents


@dataclass
class _Line:
    at: int  # minutes since the epoch, UTC
    tag: str
    text: str


@dataclass
class _Action:
    text: str
    step: str
    owner: str | None
    due: date | None
    done: bool
    tracker: str | None


_STEP_WORDS = {"detect": "detect", "react": "react", "quick_fix": "quick_fix", "prevent": "prevent"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _utc(minutes: int) -> datetime:
    return _EPOCH + timedelta(minutes=int(minutes))


def _duration_words(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    h, m = divmod(minutes, 60)
    hours = f"{h} hour{'s' if h != 1 else ''}"
    return f"{hours} {m} minute{'s' if m != 1 else ''}" if m else hours


class _Doc:
    """The content of one incident, before it is written in a style."""

    def __init__(self, i: int, draws: dict[str, np.ndarray], rnd: random.Random) -> None:
        self.team = _TEAM_NAMES[int(draws["team"][i])]
        prefix, services, owners = _TEAMS[self.team]
        self.prefix = prefix
        self.owners = owners
        self.service = rnd.choice(services)
        self.other = rnd.choice([s for s in _ALL_SERVICES if s != self.service])
        self.slots = _slots(self.service, self.other, self.team)
        self.severity = _SEVERITIES[int(draws["severity"][i])]
        self.source = _SOURCES[int(draws["source"][i])]
        self.theme_id = _THEME_IDS[int(draws["theme"][i])]
        theme = THEMES[self.theme_id]
        self.theme = theme
        title_t, slug = rnd.choice(theme.titles)
        self.title = _cap(_fill(title_t, self.slots))
        self.slug = f"{self.service}-{slug}"
        self.cause = _fill(rnd.choice(theme.cause), self.slots)
        self.pct = int(draws["pct"][i])
        self.impact = _fill(rnd.choice(_IMPACT), {**self.slots, "pct": str(self.pct)})
        self.is_open = bool(draws["open"][i])
        self.owner = rnd.choice(owners)

        started = int(draws["started"][i])
        self.times: dict[str, int | None] = {
            "started_at": started,
            "detected_at": int(draws["detected"][i]),
            "acknowledged_at": int(draws["acknowledged"][i]) if draws["has_ack"][i] else None,
            "mitigated_at": int(draws["mitigated"][i]),
            "resolved_at": None if self.is_open else int(draws["resolved"][i]),
        }
        if not draws["has_mitigated"][i] and not self.is_open:
            self.times["mitigated_at"] = None
        self.lines = self._timeline(rnd)
        self.ideas = self._ideas(rnd)
        self.risks = self._risks(rnd)
        self.actions = self._actions(rnd, _utc(started).date())

    def _timeline(self, rnd: random.Random) -> list[_Line]:
        t = self.times
        s = self.slots
        own = {**s, "owner": self.owner}
        started = t["started_at"]
        detected = t["detected_at"]
        assert started is not None and detected is not None
        lines = [
            _Line(started, "start", _fill(rnd.choice(self.theme.start), s)),
        ]
        tag, text = rnd.choice(_DETECT_LINES[self.source])
        lines.append(_Line(detected, tag, _fill(text, s)))
        after = detected
        if t["acknowledged_at"] is not None:
            lines.append(
                _Line(t["acknowledged_at"], "acknowledged", _fill(rnd.choice(_ACK_LINES), own))
            )
            after = t["acknowledged_at"]
        fixed = t["mitigated_at"] if t["mitigated_at"] is not None else t["resolved_at"]
        until = fixed if fixed is not None else after + rnd.randint(30, 240)
        k = rnd.randint(3, 6)
        late = 1 if (t["resolved_at"] is not None and fixed != t["resolved_at"] and k > 3) else 0
        for tag, text in rnd.sample(_NOTES, k - late):
            lines.append(_Line(rnd.randint(after, until), tag, _fill(text, s)))
        if t["mitigated_at"] is not None:
            lines.append(
                _Line(t["mitigated_at"], "mitigated", _fill(rnd.choice(self.theme.mitigate), s))
            )
        if late:
            m, r = t["mitigated_at"], t["resolved_at"]
            assert m is not None and r is not None
            tag, text = rnd.choice(_LATE_NOTES)
            lines.append(_Line(rnd.randint(m, r), tag, _fill(text, s)))
        if t["resolved_at"] is not None:
            lines.append(_Line(t["resolved_at"], "resolved", _fill(rnd.choice(_RESOLVE_LINES), s)))
        # notes share minutes with milestones; keep milestones first on a tie
        lines.sort(key=lambda ln: (ln.at, ln.tag in ("", "external", "internal", "escalated")))
        return lines

    def _ideas(self, rnd: random.Random) -> dict[str, list[str]]:
        th = self.theme
        pools = {
            "detect": th.detect,
            "react": th.react,
            "quick_fix": th.quick_fix,
            "prevent": th.prevent,
        }
        stressed = rnd.random() < 0.2  # teams under pressure skip Detect and React
        ideas: dict[str, list[str]] = {}
        for step, pool in pools.items():
            if stressed and step in ("detect", "react"):
                ideas[step] = []
                continue
            k = rnd.randint(1, len(pool))
            ideas[step] = [_fill(x, self.slots) for x in rnd.sample(pool, k)]
        return ideas

    def _risks(self, rnd: random.Random) -> list[str]:
        if rnd.random() < 0.15:
            return []
        pool = self.theme.risk
        k = 1 if rnd.random() < 0.6 else 2
        out = []
        for tmpl in rnd.sample(pool, k):
            other = rnd.choice([x for x in _ALL_SERVICES if x != self.service])
            out.append(_fill(tmpl, _slots(self.service, other, self.team)))
        return out

    def _actions(self, rnd: random.Random, day: date) -> list[_Action]:
        if rnd.random() < 0.15:
            candidates = [("prevent", x) for x in self.ideas["prevent"]]
            candidates += [("prevent", _cap(_fill(x, self.slots))) for x in self.theme.prevent]
        else:
            candidates = [(step, x) for step, xs in self.ideas.items() for x in xs]
        unique = list(dict.fromkeys(candidates))
        n = min(len(unique), rnd.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6)))
        out = []
        for step, text in rnd.sample(unique, n):
            due = day + timedelta(days=rnd.randint(7, 120)) if rnd.random() > 0.1 else None
            owner = rnd.choice(self.owners) if rnd.random() > 0.12 else None
            age = (AS_OF - day).days
            p_done = 0.15 if age < 30 else (0.45 if due is not None and due < AS_OF else 0.3)
            tracker = f"{self.prefix}-{rnd.randint(10, 2999)}" if rnd.random() < 0.4 else None
            out.append(_Action(text, step, owner, due, rnd.random() < p_done, tracker))
        return out
