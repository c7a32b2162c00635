"""The four Markdown styles a synthetic postmortem is written in.

``canvas`` (pmkit's template), ``dfds`` (tables, UTC), ``rust`` (TOML front
matter, blog prose) and ``prose`` (US 12-hour times in PT); see :mod:`pmkit.synth`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ._incidents import _FULL_NAMES, _Doc, _duration_words, _Line, _utc
from ._phrases import _LESSONS, _cap, _fill


def _ambiguous(local: datetime) -> bool:
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def _clock_lines(
    lines: list[_Line], zone: ZoneInfo, base: date, fmt: str, full: str
) -> list[tuple[str, _Line]]:
    """Times as written under a date preamble: the clock only while the day is
    the preamble's or rolls over by one past midnight, else date and time."""
    out = []
    day, prev = base, None
    for ln in lines:
        local = _utc(ln.at).astimezone(zone)
        d = local.date()
        if _ambiguous(local):
            # the hour a clock goes back happens twice: say which one
            stamp = local.isoformat(timespec="minutes")
        elif d == day or (
            prev is not None
            and d == day + timedelta(days=1)
            and local.time() < prev.time()
            and local - prev < timedelta(hours=12)
        ):
            stamp = local.strftime(fmt)
        else:
            stamp = local.strftime(full)
        day = d
        prev = local
        out.append((stamp, ln))
    return out


def _canvas(doc: _Doc, incident_id: str, zone_name: str) -> str:
    zone = ZoneInfo(zone_name)
    t0 = _utc(doc.lines[0].at).astimezone(zone)
    base = t0.date()
    status = "open" if doc.is_open else "resolved"
    fm = [
        "---",
        f"id: {incident_id}",
        f"title: {doc.title}",
        f"date: {base.isoformat()}",
        f"timezone: {zone_name}",
        f"severity: {doc.severity}",
        f"team: {doc.team}",
        f"service: {doc.service}",
        f"status: {status}",
        f"detection_source: {doc.source}",
    ]
    if doc.source == "customer":
        fm.append("reported_by: support")
    fm.append("---")
    summary = f"{_cap(doc.impact)} because {doc.cause}."
    parts = [
        "\n".join(fm),
        f"# {doc.title}",
        "## Summary",
        summary,
        "## Timeline",
        f"All times {zone_name}, {base.isoformat()} unless a line says otherwise.",
        "\n".join(
            f"- {stamp} [{ln.tag}] {ln.text}" if ln.tag else f"- {stamp} {ln.text}"
            for stamp, ln in _clock_lines(doc.lines, zone, base, "%H:%M", "%Y-%m-%d %H:%M")
        ),
    ]
    for heading, step in (
        ("Detect", "detect"),
        ("React", "react"),
        ("Quick Fix", "quick_fix"),
        ("Prevent", "prevent"),
    ):
        if doc.ideas[step]:
            parts += [f"## {heading}", "\n".join(f"- {x}" for x in doc.ideas[step])]
    if doc.risks:
        parts += ["## Other Areas of Risk", "\n".join(f"- {x}" for x in doc.risks)]
    acts = []
    for a in doc.actions:
        meta = []
        if a.owner:
            meta.append(f"@{a.owner}")
        if a.due:
            meta.append(f"due {a.due.isoformat()}")
        if a.tracker:
            meta.append(a.tracker)
        tail = f" — {', '.join(meta)}" if meta else ""
        acts.append(f"- [{'x' if a.done else ' '}] {a.text} ({a.step}){tail}")
    parts += ["## Next Steps", "\n".join(acts)]
    return "\n\n".join(parts) + "\n"


def _meta_block(doc: _Doc) -> str:
    """The key/value block many templates put under the title instead of front matter.

    A document about an incident still open says so ("**Status:** Open").
    """
    block = f"**Team:** {doc.team}  \n**Service:** {doc.service}  \n**Severity:** {doc.severity}"
    return block + "  \n**Status:** Open" if doc.is_open else block


def _dfds(doc: _Doc) -> str:
    rows = [f"| {_utc(ln.at).strftime('%Y-%m-%d %H:%M')} | {ln.text} |" for ln in doc.lines]
    factors = [_cap(doc.cause) + "."] + [f"{_cap(x)} was missing." for x in doc.ideas["detect"][:1]]
    acts = ["| Action | Owner | Due | Status |", "|---|---|---|---|"]
    for a in doc.actions:
        text = f"{a.text} ({a.tracker})" if a.tracker else a.text
        owner = _FULL_NAMES[a.owner] if a.owner else ""
        due = a.due.isoformat() if a.due else ""
        acts.append(f"| {text} | {owner} | {due} | {'Done' if a.done else 'Open'} |")
    started, detected = doc.times["started_at"], doc.times["detected_at"]
    assert started is not None and detected is not None
    day = _utc(started)
    parts = [
        f"# {doc.title}",
        _meta_block(doc),
        "## Summary",
        f"On {day.strftime('%A %d %B %Y')}, {doc.impact} because {doc.cause}. "
        f"Severity: {doc.severity}.",
        "## Timeline",
        "All times in UTC.",
        "\n".join(["| Time | Event |", "|:-----|:------|", *rows]),
        "## Contributing Factors",
        "\n".join(f"- {x}" for x in factors),
        "## Lessons Learned",
        _fill(_LESSONS[doc.pct % len(_LESSONS)], doc.slots),
    ]
    if doc.risks:
        parts += ["## Other Areas of Risk", "\n".join(f"- {x}" for x in doc.risks)]
    parts += [
        "## Action Items",
        "\n".join(acts),
        "## Stats",
        f"- Time to detection: {_duration_words(detected - started)}",
    ]
    return "\n\n".join(parts) + "\n"


def _rust(doc: _Doc) -> str:
    zone = ZoneInfo("UTC")
    base = _utc(doc.lines[0].at).date()
    bullets = [
        f"- {stamp}: {ln.text}"
        for stamp, ln in _clock_lines(doc.lines, zone, base, "%H:%M", "%Y-%m-%d %H:%M")
    ]
    author = _FULL_NAMES[doc.owner]
    parts = [
        "\n".join(
            [
                "+++",
                f'title = "{doc.title}"',
                f"date = {base.isoformat()}",
                f'authors = ["{author}"]',
                "",
                "[extra]",
                f'team = "{doc.team}"',
                f'service = "{doc.service}"',
                f'severity = "{doc.severity}"',
                *(['status = "open"'] if doc.is_open else []),
                "+++",
            ]
        ),
        f"On {base.strftime('%B')} {base.day}, {doc.impact}. This post explains what "
        f"happened, why, and what the {doc.team} team is doing about it.",
        "## Timeline of events",
        f"Unless otherwise noted all events happened on {base.isoformat()}, "
        "and all times are in UTC.",
        "\n".join(bullets),
        "## Root cause",
        f"In short, {doc.cause}.",
    ]
    if doc.ideas["detect"]:
        parts += ["## Detection", "\n".join(f"- {x}" for x in doc.ideas["detect"])]
    if doc.risks:
        parts += ["## Other areas of risk", " ".join(f"{x}." for x in doc.risks)]
    follow = []
    for a in doc.actions:
        meta = [f"@{a.owner}"] if a.owner else []
        if a.due:
            meta.append(f"due {a.due.isoformat()}")
        tail = f" — {', '.join(meta)}" if meta else ""
        track = f" ({a.tracker})" if a.tracker else ""
        follow.append(f"- [{'x' if a.done else ' '}] {a.text}{track}{tail}")
    parts += ["## Follow-up work", "\n".join(follow)]
    return "\n\n".join(parts) + "\n"


def _prose(doc: _Doc) -> str:
    zone = ZoneInfo("America/Los_Angeles")
    body: list[str] = []
    day = None
    for ln in doc.lines:
        local = _utc(ln.at).astimezone(zone)
        if local.date() != day:
            day = local.date()
            if body:
                body.append("")
            body += [f"### {local.strftime('%A, %B')} {day.day}, {day.year}", ""]
        clock = f"{local.hour % 12 or 12}:{local.minute:02d} {'AM' if local.hour < 12 else 'PM'}"
        if _ambiguous(local):
            clock += f" {local.tzname()}"
        body.append(f"- {clock}: {ln.text}")
    parts = [
        f"# {doc.title}",
        _meta_block(doc),
        f"{_cap(doc.impact)}. We are sorry. In short, {doc.cause}; the details follow. "
        f"We rated this incident {doc.severity}.",
        "## Timeline",
        "(all times PT)",
        "\n".join(body),
        "## Root cause",
        f"{_cap(doc.cause)}.",
    ]
    if doc.ideas["prevent"]:
        parts += ["## Prevention", "\n".join(f"- {x}" for x in doc.ideas["prevent"])]
    if doc.risks:
        parts += ["## Other risks", "\n".join(f"- {x}" for x in doc.risks)]
    follow = []
    for a in doc.actions:
        meta = []
        if a.owner:
            meta.append(f"owner: {_FULL_NAMES[a.owner]}")
        if a.due:
            meta.append(f"due: {a.due.isoformat()}")
        if a.tracker:
            meta.append(a.tracker)
        tail = f" ({', '.join(meta)})" if meta else ""
        follow.append(f"- [{'x' if a.done else ' '}] {a.text}{tail}")
    parts += ["## Follow-ups", "\n".join(follow)]
    return "\n\n".join(parts) + "\n"
