"""The report's sections as HTML, from the frames and figures of ``_content``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from pmkit.metrics import DURATIONS
from pmkit.report._content import HEADLINE_DURATIONS
from pmkit.report._html import (
    NA,
    Markup,
    count,
    day,
    duration,
    figure,
    interval,
    join,
    pct,
    table,
    tag,
    text,
    when,
)

if TYPE_CHECKING:
    from pmkit.report import Report

#: Section id -> heading, in the order they appear.
SECTIONS: dict[str, str] = {
    "headline": "Headline",
    "latencies": "Latency distributions and trends",
    "detection": "Detection: who noticed first",
    "teams": "Per team",
    "themes": "Recurring risk themes",
    "actions": "Action follow-through",
    "completeness": "Postmortems missing canvas steps",
    "quality": "Data quality: what was left out and why",
    "evidence": "Where each time comes from",
    "definitions": "Definitions",
    "inputs": "Inputs: how to reproduce this report",
}
_LABELS = {
    "time_to_detect": "Time to detect",
    "time_to_acknowledge": "Time to react (acknowledge)",
    "time_to_mitigate": "Time to mitigate (quick fix)",
    "time_to_resolve": "Time to resolve",
}
_MAX_ROWS = 25


def _section(sid: str, *parts: Any) -> Markup:
    body = join([tag("h2", SECTIONS[sid]), *parts])
    return tag("section", body, id=sid, data_section=sid)


def _p(text: Any, cls: str | None = None) -> Markup:
    return tag("p", text, class_=cls)


def _row(df: pd.DataFrame, **eq: Any) -> dict[str, Any] | None:
    mask = pd.Series(True, index=df.index)
    for col, value in eq.items():
        mask &= df[col].astype(object).eq(value)
    rows = df[mask.to_numpy(dtype=bool)]
    return None if rows.empty else {str(k): v for k, v in rows.iloc[0].items()}


def _long(df: pd.DataFrame, columns: Any, *, name: str, numeric: Any = (), what: str) -> Markup:
    """A table whose rows past the first ``_MAX_ROWS`` fold into <details>."""
    if len(df) <= _MAX_ROWS:
        return table(df, columns, name=name, numeric=numeric)
    head = table(df.head(_MAX_ROWS), columns, name=name, numeric=numeric)
    rest = table(df.iloc[_MAX_ROWS:], columns, name=f"{name}-more", numeric=numeric)
    more = tag("summary", f"{len(df) - _MAX_ROWS} more {what}")
    return join([head, tag("details", join([more, rest]))])


def _inferred_note(r: Report, d: str) -> str:
    """The headline's "(3 inferred)": how many of the quarter's ``d`` values rest on a guess."""
    ex = r.frames["exclusions_quarter"]
    mine = ex.loc[ex["duration"].eq(d).to_numpy(dtype=bool), "n_inferred"]
    n = int(mine.iloc[0]) if len(mine) else 0
    return f" ({n} inferred)" if n else ""


def headline(r: Report) -> Markup:
    h = r.frames["headline"]
    q, prev = r.quarter, r.previous
    cards = []
    n_prev = f"{r.facts['n_previous']} in {prev}" if prev else "no earlier quarter"
    cards.append(_card("Incidents", str(r.facts["n_quarter"]), "", n_prev, name="incidents"))
    for d in HEADLINE_DURATIONS:
        cur = _row(h, quarter=q, duration=d) or {}
        old = _row(h, quarter=prev, duration=d) if prev else None
        ci = f"95% interval {interval(cur.get('median_ci_low'), cur.get('median_ci_high'))}"
        ci += f"; n={count(cur.get('n'))}{_inferred_note(r, d)}, p90 {duration(cur.get('p90'))}"
        before = f"{prev}: {duration(old.get('median'))}" if old else ""
        cards.append(_card(f"{_LABELS[d]}, median", duration(cur.get("median")), ci, before, d))
    share = r.frames["detection"]
    cur_s = _row(share, quarter=q, detection_source="customer")
    old_s = _row(share, quarter=prev, detection_source="customer") if prev else None
    if cur_s:
        ci = (
            "95% interval "
            + interval(cur_s["customer_first_ci_low"], cur_s["customer_first_ci_high"], pct)
            + f"; {count(cur_s['count'])} of {count(cur_s['n_known'])} with a known source"
        )
        before = f"{prev}: {pct(old_s['customer_first_share'])}" if old_s else ""
        cards.append(
            _card(
                "Noticed first by a customer",
                pct(cur_s["customer_first_share"]),
                ci,
                before,
                "customer_first",
                alert=True,
            )
        )
    n_late = len(r.frames["overdue"])
    cards.append(
        _card(
            "Overdue actions (all postmortems)",
            str(n_late),
            f"as of {day(r.as_of, r.tz)}",
            f"{len(r.frames['unowned'])} open actions without owner",
            "overdue",
            alert=n_late > 0,
        )
    )
    verdicts = r.facts["verdicts"]
    if prev is None:
        said = _p(f"There is no incident in the quarter before {q}, so nothing to compare with.")
    else:
        items = [tag("li", v, data_duration=d) for d, v in verdicts.items()]
        said = join(
            [
                tag("h3", f"Did it change since {prev}?"),
                tag("ul", join(items), class_="verdicts", data_count=len(items)),
            ]
        )
    notes = []
    if r.facts["as_of_before_end"]:
        notes.append(
            _p(
                f"{q} had not ended on {day(r.as_of, r.tz)} (as_of): "
                "the quarter may be incomplete.",
                "note",
            )
        )
    return _section("headline", tag("div", join(cards), class_="cards"), *notes, said)


def _card(
    label: str, value: str, ci: str, before: str, name: str, *, alert: bool = False
) -> Markup:
    body = join(
        [
            tag("div", label, class_="label"),
            tag("div", value, class_="value"),
            tag("div", ci, class_="ci") if ci else "",
            tag("div", before, class_="prev") if before else "",
        ]
    )
    return tag("div", body, class_="card alert" if alert else "card", data_card=name)


def _excluded_caption(r: Report, durations: tuple[str, ...]) -> str:
    ex = r.frames["exclusions_history"]
    parts = []
    for d in durations:
        mine = ex[ex["duration"].eq(d).to_numpy(dtype=bool) & ex["n_excluded"].gt(0).to_numpy()]
        if len(mine):
            why = ", ".join(
                f"{n} {reason}"
                for reason, n in zip(mine["reason"], mine["n_excluded"], strict=True)
            )
            parts.append(f"{d}: {int(mine['n_excluded'].sum())} incidents not drawn ({why})")
        else:
            parts.append(f"{d}: no incident left out for a missing or out-of-order milestone")
    return "; ".join(parts) + "."


def latencies(r: Report) -> Markup:
    shown = ", ".join(r.facts["quarters_shown"])
    parts: list[Any] = [
        _p(
            f"Quarters shown: {shown}. Durations are on a log scale; the black diamond is the "
            "median with its 95% interval (exact, distribution-free), n under each quarter."
        )
    ]
    for d in ("time_to_detect", "time_to_mitigate"):
        parts.append(
            figure(r.figures[f"distribution_{d}"], f"distribution_{d}", _excluded_caption(r, (d,)))
        )
    parts.append(
        figure(r.figures["median_trend"], "median_trend", _excluded_caption(r, HEADLINE_DURATIONS))
    )
    t = r.frames["trend"]
    cols = [
        ("quarter", "quarter", text),
        ("duration", "duration", text),
        ("n", "n", count),
        ("n_excluded", "left out", count),
        ("median", "median", duration),
        ("median_ci_low", "95% interval", lambda _: ""),
        ("p75", "p75", duration),
        ("p90", "p90", duration),
    ]
    t = t.assign(
        median_ci_low=[
            interval(a, b) for a, b in zip(t["median_ci_low"], t["median_ci_high"], strict=True)
        ]
    )
    cols[5] = ("median_ci_low", "95% interval", text)
    body = table(t, cols, name="trend", numeric=("n", "n_excluded", "median", "p75", "p90"))
    parts.append(tag("details", join([tag("summary", "The numbers behind the figures"), body])))
    return _section("latencies", *parts)


def detection(r: Report) -> Markup:
    share = r.frames["detection"]
    unknown = share[share["detection_source"].astype(str).eq("unknown").to_numpy(dtype=bool)]
    n_unknown = int(unknown[unknown["quarter"].astype(str).eq(r.quarter).to_numpy()]["count"].sum())
    by_source = r.frames["detect_by_source"]
    cols = [
        ("detection_source", "first noticed by", text),
        ("n", "incidents with a time to detect", count),
        ("n_excluded", "left out", count),
        ("median", "median time to detect", duration),
        ("ci", "95% interval", text),
    ]
    by_source = by_source.assign(
        ci=[
            interval(a, b)
            for a, b in zip(by_source["median_ci_low"], by_source["median_ci_high"], strict=True)
        ]
    )
    return _section(
        "detection",
        _p(
            "Shares are among incidents whose detection source is known; an unknown source "
            f"says nothing about who noticed first ({n_unknown} in {r.quarter})."
        ),
        figure(
            r.figures["detection"],
            "detection",
            "Customer-detected incidents are red: the goal is to find it before a customer does.",
        ),
        tag("h3", f"Time to detect by source, {r.quarter}"),
        table(by_source, cols, name="detect-by-source", numeric=("n", "n_excluded", "median")),
    )


def teams(r: Report) -> Markup:
    t = r.frames["teams"]
    cols: list[tuple[str, str, Callable[[Any], Any]]] = [
        ("team", "team", text),
        ("incidents", "incidents", count),
    ]
    for d in HEADLINE_DURATIONS:
        cols.append((f"median_{d}", f"median {d.removeprefix('time_to_')}", duration))
    cols += [
        ("customer_first", "customer first", count),
        ("source_known", "known source", count),
        ("actions", "actions", count),
        ("with_both", "owner + date", pct),
        ("done", "done", count),
        ("overdue", "overdue", count),
    ]
    numeric = [c for c, _, _ in cols if c != "team"]
    return _section(
        "teams",
        _p(
            f"Incidents of {r.quarter} by team; actions are those of the quarter's postmortems, "
            f"as of {day(r.as_of, r.tz)}. Medians of small teams have wide intervals; see the "
            "figures' data for n per duration."
        ),
        table(t, cols, name="teams", numeric=numeric),
    )


def _incident_list(items: Any) -> Markup:
    if not isinstance(items, list) or not items:
        return Markup(NA)
    lis = join(tag("li", join([tag("code", i), " ", t])) for i, t in items)
    return tag("ul", lis, class_="incidents")


def themes(r: Report) -> Markup:
    th = r.frames["themes"]
    if not len(th):
        return _section(
            "themes", _p(f"No risk statement of {r.quarter} joins a recurring theme.", "empty")
        )
    cols = [
        ("label", "theme", text),
        ("n_quarter", f"incidents in {r.quarter}", count),
        ("n_incidents", "incidents, all quarters", count),
        ("quarters", "quarters seen", count),
        ("teams", "teams", text),
        ("representative", "typical statement", text),
        ("incidents", f"incidents of {r.quarter}", _incident_list),
    ]
    parts: list[Any] = [
        _p(
            "Themes group the Other Areas of Risk and cause statements of all postmortems "
            f"(service and team names masked); listed are those touching {r.quarter}."
        )
    ]
    if "themes" in r.figures:
        parts.append(figure(r.figures["themes"], "themes"))
    parts.append(table(th, cols, name="themes", numeric=("n_quarter", "n_incidents", "quarters")))
    rec = r.frames["recurrences"]
    parts.append(tag("h3", f"Incidents of {r.quarter} that repeat an earlier weakness"))
    parts.append(
        _p(
            "Each incident with the earlier incidents whose summary and risk statements are "
            "alike (pmkit.recurrences), and the earlier follow-ups still open when it happened."
        )
    )
    rcols = [
        ("incident_id", "incident", text),
        ("title", "title", text),
        ("n_earlier", "similar earlier incidents", count),
        ("earlier_incident_id", "most similar earlier incident", text),
        ("earlier_title", "its title", text),
        ("earlier_actions_open", "earlier actions still open", count),
        ("earlier_actions_overdue", "of which overdue", count),
    ]
    parts.append(
        _long(
            rec,
            rcols,
            name="recurrences",
            what="incidents",
            numeric=("n_earlier", "earlier_actions_open", "earlier_actions_overdue"),
        )
    )
    return _section("themes", *parts)


def actions(r: Report) -> Markup:
    owners = r.frames["overdue_owners"]
    ocols = [
        ("owner", "owner", lambda v: v or "(no owner)"),
        ("overdue", "overdue actions", count),
        ("most_days", "most days overdue", lambda v: NA if pd.isna(v) else f"{v:.0f}"),
        ("teams", "teams", text),
    ]
    late = r.frames["overdue"]
    lcols = [
        ("owner", "owner", lambda v: "(no owner)" if v is None or pd.isna(v) else str(v)),
        ("team", "team", text),
        ("incident_id", "incident", text),
        ("text", "action", text),
        ("due", "due", lambda v: day(v, r.tz)),
        ("days_overdue", "days overdue", lambda v: f"{v:.0f}"),
        ("status", "status", text),
    ]
    uncols = [
        ("team", "team", text),
        ("incident_id", "incident", text),
        ("text", "action", text),
        ("due", "due", lambda v: day(v, r.tz)),
    ]
    return _section(
        "actions",
        _p(
            f"All actions of all postmortems as of {when(r.as_of, r.tz)}: done, still open, and "
            "open past their due date (overdue)."
        ),
        figure(r.figures["follow_through"], "follow_through"),
        tag("h3", "Overdue, by owner"),
        table(owners, ocols, name="overdue-owners", numeric=("overdue", "most_days")),
        tag("h3", "Every overdue action"),
        _long(late, lcols, name="overdue", what="overdue actions", numeric=("days_overdue",)),
        tag("h3", "Open actions nobody owns"),
        _long(r.frames["unowned"], uncols, name="unowned", what="unowned actions"),
    )


def completeness(r: Report) -> Markup:
    c = r.frames["completeness"]
    gaps = c[c["missing"].fillna("").ne("").to_numpy(dtype=bool)].sort_values(
        "score", kind="stable"
    )
    cols = [
        ("incident_id", "incident", text),
        ("title", "title", text),
        ("team", "team", text),
        ("score", "score", pct),
        ("missing", "missing or empty", text),
    ]
    steps = r.frames["steps"]
    return _section(
        "completeness",
        _p(
            f"{len(gaps)} of {len(c)} postmortems of {r.quarter} miss at least one part of the "
            "canvas. A step counts as present when it has an idea or an action."
        ),
        table(
            steps,
            [("step", "canvas step", text), ("share", "postmortems with it", pct)],
            name="steps",
            numeric=("share",),
        ),
        _long(gaps, cols, name="completeness", what="postmortems", numeric=("score",)),
    )


def quality(r: Report) -> Markup:
    ex = r.frames["exclusions_quarter"]
    ecols = [
        ("duration", "duration", text),
        ("n_used", "incidents used", count),
        ("n_inferred", "of them inferred", count),
        ("n_excluded", "left out", count),
        ("reason", "why", lambda v: v or "(none left out)"),
    ]
    pcols = [
        ("level", "level", text),
        ("code", "code", text),
        ("n", "problems", count),
        ("in_quarter", f"in {r.quarter}", count),
        ("example", "example", text),
    ]
    no_q = r.facts["no_quarter"]
    return _section(
        "quality",
        _p(
            f"Incidents of {r.quarter} left out of each duration's figures and statistics, and "
            "why (a missing milestone, or an end before its start; still-open incidents are "
            'censored, not timed). "Of them inferred" counts the values used that rest '
            "on a milestone no line of the postmortem states, which the reader inferred (each a "
            "milestone.inferred problem; pmkit.latencies(pm, inferred=False) leaves them out)."
        ),
        table(ex, ecols, name="exclusions", numeric=("n_used", "n_inferred", "n_excluded")),
        _p(
            f"{no_q} incident(s) have no occurred_at or started_at time and so belong to no "
            "quarter: they are in no quarterly figure."
            if no_q
            else "Every incident has a time, so every incident belongs to a quarter."
        ),
        tag("h3", "Problems the loader recorded"),
        _p(
            f"{r.facts['problems_total']} problems in all, {r.facts['problems_no_incident']} not "
            "tied to an incident (e.g. unreadable files). Each is a row in pm.problems with file "
            "and line."
        ),
        table(r.frames["problems"], pcols, name="problems", numeric=("n", "in_quarter")),
    )


#: how long a quoted line may be in the evidence table
_QUOTE = 90


def _evidence_cell(r: Report) -> Callable[[Any], Any]:
    def cell(v: Any) -> Any:
        if not isinstance(v, dict):
            return Markup(NA)
        parts: list[Any] = [when(v["at"], r.tz, "%m-%d %H:%M")]
        if v["line"] is not None:
            parts.append(tag("span", f"line {v['line']}", class_="ev-line"))
        conf = v["confidence"]
        if conf in ("inferred", "ambiguous"):
            parts.append(tag("span", conf, class_=f"ev-{conf}", title=v["why"]))
        quote = v["text"]
        if quote:
            quote = quote if len(quote) <= _QUOTE else quote[: _QUOTE - 1].rstrip() + "…"
            parts.append(tag("span", f"“{quote}”", class_="ev-text"))
        return join(parts, " ")

    return cell


def evidence(r: Report) -> Markup:
    df = r.frames["evidence"]
    cell = _evidence_cell(r)

    def incident(v: tuple[Any, Any, Any]) -> Markup:
        iid, title, source = v
        where = tag("span", source if isinstance(source, str) else "", class_="ev-source")
        return join([tag("code", iid), " ", title or "", where])

    cols: list[tuple[str, str, Callable[[Any], Any]]] = [("incident", "incident", incident)]
    for m, label in (
        ("started_at", "start"),
        ("detected_at", "detected"),
        ("acknowledged_at", "acknowledged"),
        ("mitigated_at", "mitigated"),
        ("resolved_at", "resolved"),
    ):
        cols.append((m, label, cell))
    shown = df.assign(
        incident=pd.Series(
            list(zip(df["incident_id"], df["title"], df["source"], strict=True)),
            index=df.index,
            dtype=object,
        )
    )
    rated = Counter(v["confidence"] for c, _, _ in cols[1:] for v in df[c] if isinstance(v, dict))
    n_inferred, n_ambiguous = rated["inferred"], rated["ambiguous"]
    return _section(
        "evidence",
        _p(
            f"Every time the {r.quarter} figures rest on, with the line of the postmortem it was "
            f"read from and what that line says (times in {r.tz}): open the file at that line to "
            f"check a number. Of these times, {n_inferred} inferred (no line states them; hover "
            f"for what they were taken from) and {n_ambiguous} ambiguous (stated, but the document "
            "contradicts itself about them, e.g. a line out of order or PST written in July). "
            "pm.evidence() lists the same for any incident, with the reasons."
        ),
        _long(shown, cols, name="evidence", what="incidents"),
    )


def definitions(r: Report) -> Markup:
    items = []
    for name, d in DURATIONS.items():
        items.append(tag("dt", name))
        items.append(tag("dd", f"{d.start} → {d.end}: {d.description}"))
    terms = {
        "quarter": "the UTC calendar quarter of occurred_at (started_at when missing).",
        "median and 95% interval": "the order statistics that cover the median with at least "
        "95% probability whatever the distribution (exact, no resampling); no interval below 6 "
        "incidents.",
        "change verdict": "difference of medians with a 95% bootstrap interval, the two-sided "
        "Mann–Whitney U p-value, and the smallest change the two sample sizes could detect "
        "with 80% power (pmkit.compare).",
        "customer first": "share of incidents with a known detection source that a customer "
        "noticed first, with a 95% Wilson interval.",
        "overdue": f"an action not done or won't-do whose due date is before as_of "
        f"({when(r.as_of, r.tz)}).",
        "left out": "an incident without one of the duration's two milestones, or whose end "
        "precedes its start; never clipped to zero, never guessed.",
    }
    for k, v in terms.items():
        items.append(tag("dt", k))
        items.append(tag("dd", v))
    return _section("definitions", tag("dl", join(items), class_="defs"))


def inputs(r: Report) -> Markup:
    c = r.facts["counts"]
    facts = [
        ("pmkit version", r.version),
        ("quarter", r.quarter),
        ("compared with", r.previous or "(none)"),
        (
            "as_of",
            f"{r.as_of.isoformat()} "
            + ("(given)" if r.as_of_given else "(latest timestamp in the data)"),
        ),
        ("time zone shown", r.tz),
        ("files read", str(len(r.inputs))),
        *(
            (
                f"{k} rows" if k in ("incidents", "events", "ideas", "actions", "problems") else k,
                str(v),
            )
            for k, v in c.items()
        ),
    ]
    rows = join(tag("tr", join([tag("th", k), tag("td", v)])) for k, v in facts)
    files = join(tag("li", f) for f in r.inputs)
    listing = tag(
        "details",
        join([tag("summary", f"The {len(r.inputs)} files read"), tag("ol", files, class_="files")]),
        data_files=len(r.inputs),
    )
    return _section(
        "inputs",
        tag("table", rows, data_table="inputs", data_rows=len(facts)),
        listing,
        tag("h3", "Regenerate this report and its figures"),
        tag("pre", r.script()),
    )


def render_body(r: Report) -> Markup:
    toc = join(tag("a", title, href=f"#{sid}") for sid, title in SECTIONS.items())
    sub = (
        f"{r.facts['n_quarter']} incidents"
        + (f", compared with {r.previous}" if r.previous else "")
        + f" · as of {when(r.as_of, r.tz)} · pmkit {r.version}"
    )
    top = tag(
        "header",
        join([tag("h1", r.title), _p(sub, "sub"), tag("nav", toc, class_="toc")]),
        class_="top",
    )
    sections = [
        headline(r),
        latencies(r),
        detection(r),
        teams(r),
        themes(r),
        actions(r),
        completeness(r),
        quality(r),
        evidence(r),
        definitions(r),
        inputs(r),
    ]
    return join([top, tag("main", join(sections), data_quarter=r.quarter)])
