"""Realistic synthetic postmortems, generated from a seed.

:func:`generate` builds ``n`` blameless postmortems as Markdown documents, in
four of the ways teams actually write them, and a ``truth`` table saying what
each document states. :func:`write` puts them on disk; ``python -m pmkit.synth
-n 150 -o data/sample --seed 0`` regenerates the bundled sample.

Styles (chosen per document with fixed weights, recorded in ``truth.style``):

``canvas``
    pmkit's own template: YAML front matter, tagged timeline bullets
    (``- 09:12 [start] ...``) in a stated zone, the eight canvas sections and
    ``- [ ] text (prevent) — @owner, due 2026-12-01, PAY-123`` next steps.
``dfds``
    H1 title, Summary, a ``| Time | Event |`` table "All times in UTC." with
    full ``YYYY-MM-DD HH:MM`` times and untagged wording, Contributing Factors,
    Lessons Learned, Other Areas of Risk, an ``| Action | Owner | Due | Status |``
    table and Stats.
``rust``
    TOML ``+++`` front matter, prose, ``## Timeline of events`` with a date
    preamble and ``- 01:39: text`` bullets in UTC.
``prose``
    No front matter, 12-hour US times "(all times PT)" under weekday date
    sub-headings, Root cause and ``## Follow-ups`` with ``owner:``/``due:``.

The numbers are shaped like real incident data: lognormal, heavy-tailed
latencies; customer-detected incidents detected much later than alerted ones;
one team (payments) detecting faster quarter after quarter and another
(search) slower; a few incidents still open; actions overdue relative to
:data:`AS_OF`. Risk statements come from twelve recurring themes, each
written several ways, so the same weakness recurs in different words.

Examples
--------
>>> corpus = generate(3, seed=1)
>>> len(corpus.documents), len(corpus.truth)
(3, 3)
>>> corpus.truth.columns[:4].tolist()
['incident_id', 'style', 'file', 'team']
>>> generate(3, seed=1).documents == corpus.documents
True
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

__all__ = ["AS_OF", "STYLES", "THEMES", "Corpus", "generate", "main", "write"]

#: The day the sample is "looked at": actions due before it and still open are overdue.
AS_OF = date(2026, 11, 28)

#: Document styles and their weights.
STYLES: dict[str, float] = {"canvas": 0.55, "dfds": 0.2, "rust": 0.1, "prose": 0.15}

_STR = pd.StringDtype("pyarrow")
_TS = "datetime64[us, UTC]"
_MILESTONES = ("started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at")


@dataclass(frozen=True)
class Corpus:
    """Generated postmortems and what each of them states.

    Attributes
    ----------
    documents : list of (str, str)
        ``(relative file name, Markdown text)``, in chronological order.
    truth : pandas.DataFrame
        One row per document: ``incident_id``, ``style``, ``file``, ``team``,
        ``service``, ``severity``, ``detection_source``, ``status``,
        ``started_at``, ``detected_at``, ``acknowledged_at``, ``mitigated_at``,
        ``resolved_at`` (UTC, ``NaT`` where the document does not state it),
        ``n_actions``, ``n_actions_done`` and ``risk_theme`` (the theme of the
        document's "other areas of risk" statements, ``<NA>`` without any).
    """

    documents: list[tuple[str, str]]
    truth: pd.DataFrame


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

# --------------------------------------------------------------------------- themes
# Each theme: titles (template, slug), cause sentence, the line where impact
# starts, a mitigation line, ideas per canvas step and paraphrased risk
# statements. {svc} is the incident's service, {other} another service.


@dataclass(frozen=True)
class _Theme:
    titles: tuple[tuple[str, str], ...]
    cause: tuple[str, ...]
    start: tuple[str, ...]
    mitigate: tuple[str, ...]
    detect: tuple[str, ...]
    react: tuple[str, ...]
    quick_fix: tuple[str, ...]
    prevent: tuple[str, ...]
    risk: tuple[str, ...]


THEMES: dict[str, _Theme] = {
    "cert_expiry": _Theme(
        titles=(
            ("{Svc} requests failing after a certificate expired", "certificate-expired"),
            ("TLS handshake errors on {svc}", "tls-errors"),
        ),
        cause=(
            "the TLS certificate of {svc} expired; it had been renewed by hand last year "
            "and nobody owned the renewal",
            "an intermediate certificate in the {svc} chain expired and clients rejected it",
        ),
        start=(
            "TLS handshakes to {svc} began to fail: the certificate expired at midnight UTC",
            "{Svc} started returning handshake errors after its certificate chain lapsed",
        ),
        mitigate=(
            "Deployed a renewed certificate to {svc}; errors subsided",
            "Traffic restored after swapping in the emergency certificate on {svc}",
        ),
        detect=(
            "Alert 30 days before any certificate used by {svc} expires",
            "Probe the served certificate chain of {svc} from outside every 5 minutes",
        ),
        react=("Runbook entry for certificate errors with the renewal command",),
        quick_fix=("Keep a pre-issued standby certificate for {svc} in the vault",),
        prevent=(
            "Automate certificate renewal for {svc} with ACME",
            "Inventory every certificate with its owner and expiry date",
        ),
        risk=(
            "The certificate of {other} is also renewed by hand once a year",
            "{Other} uses a certificate nobody is alerted about before it expires",
            "We have no inventory of the TLS certificates {other} depends on, so the next "
            "expiry will surprise us too",
            "Manual cert renewal on {other} has the same single point of failure",
            "Nothing warns us when the {other} certificate chain is close to expiring",
        ),
    ),
    "config_unreviewed": _Theme(
        titles=(
            ("{Svc} outage after an unreviewed configuration change", "config-change"),
            ("Bad config push takes down {svc}", "bad-config-push"),
        ),
        cause=(
            "a configuration change to {svc} was applied directly in production without review",
            "a hand-edited config value for {svc} skipped the pull-request review",
        ),
        start=(
            "Config change applied to {svc} in production, causing errors on every request",
            "{Svc} began to fail requests right after a manual config push",
        ),
        mitigate=(
            "Reverted the configuration of {svc} to the last known good version",
            "Rolled back the config change on {svc}; errors stopped",
        ),
        detect=("Alert when the error rate of {svc} doubles within 5 minutes of a config change",),
        react=("Show recent config changes next to the {svc} dashboards",),
        quick_fix=("One-command rollback of {svc} configuration",),
        prevent=(
            "Require review for every production config change to {svc}",
            "Move {svc} config into the repository and deploy it through CI",
        ),
        risk=(
            "{Other} config can still be edited in production without a second pair of eyes",
            "Changes to the {other} settings are not reviewed before they go live",
            "Nothing stops a manual, unreviewed config push to {other}",
            "The {other} configuration lives outside version control, so changes skip review",
            "An unreviewed config edit could break {other} the same way",
        ),
    ),
    "capacity_disk": _Theme(
        titles=(
            ("{Svc} disk full", "disk-full"),
            ("{Svc} ran out of capacity during peak traffic", "capacity"),
        ),
        cause=(
            "the data volume of {svc} filled up because old logs were never rotated",
            "{svc} ran out of capacity: its node pool had not grown with traffic",
        ),
        start=(
            "Writes to {svc} began to fail: the data volume reached 100% usage",
            "{Svc} started timing out as the node pool hit its capacity limit",
        ),
        mitigate=(
            "Scaled up the {svc} node pool; traffic restored",
            "Freed disk space on {svc} by deleting rotated logs; errors subsided",
        ),
        detect=(
            "Alert on disk usage of {svc} above 80% and on days-until-full",
            "Capacity forecast for {svc} with an alert two weeks ahead",
        ),
        react=("Dashboard of disk and CPU headroom per {svc} node",),
        quick_fix=("Autoscaling for the {svc} node pool",),
        prevent=(
            "Log rotation and retention for every {svc} volume",
            "Quarterly capacity review of {svc}",
        ),
        risk=(
            "The {other} disks are not watched either and fill up at a similar rate",
            "{Other} has no capacity headroom alerting",
            "Nobody forecasts storage growth for {other}",
            "{Other} could run out of disk space just as quietly",
            "Capacity planning for {other} is done by eye, if at all",
        ),
    ),
    "dns": _Theme(
        titles=(
            ("DNS resolution failures for {svc}", "dns-failures"),
            ("{Svc} unreachable after a DNS record change", "dns-record"),
        ),
        cause=(
            "a DNS record for {svc} was changed with a wrong target and a long TTL",
            "the internal resolver used by {svc} was overloaded and dropped queries",
        ),
        start=(
            "DNS record for {svc} updated with a wrong target, causing lookups to fail",
            "{Svc} lookups began to fail as the internal resolver dropped queries",
        ),
        mitigate=(
            "Reverted the DNS record for {svc}; traffic restored once caches expired",
            "Failed over {svc} to the secondary resolver",
        ),
        detect=("Synthetic DNS lookups of {svc} from three regions",),
        react=("Runbook for DNS incidents with TTL and cache flush steps",),
        quick_fix=("Lower the TTL of {svc} records before any change",),
        prevent=("Manage DNS records for {svc} as code with review",),
        risk=(
            "{Other} records also have a 24-hour TTL, so a bad change would linger",
            "{Other} depends on the same single internal resolver",
            "DNS changes for {other} are still made by hand in the provider console",
            "A wrong DNS entry would make {other} unreachable just the same",
        ),
    ),
    "dependency_outage": _Theme(
        titles=(
            ("{Svc} degraded during an upstream provider outage", "provider-outage"),
            ("Third-party API outage affects {svc}", "vendor-outage"),
        ),
        cause=(
            "an upstream provider that {svc} calls on every request had an outage",
            "a vendor API used by {svc} timed out and {svc} had no fallback",
        ),
        start=(
            "Upstream provider outage began; calls from {svc} started timing out",
            "{Svc} began to fail requests as the vendor API stopped responding",
        ),
        mitigate=(
            "Failed over {svc} to the backup provider",
            "Disabled the vendor integration flag on {svc}; errors subsided",
        ),
        detect=("Alert on the error rate of every outbound dependency of {svc}",),
        react=("Subscribe the on-call channel to the provider status feeds",),
        quick_fix=("Circuit breaker with a cached fallback in {svc}",),
        prevent=(
            "Second provider for {svc} with automatic failover",
            "Graceful degradation when the vendor API is unavailable",
        ),
        risk=(
            "{Other} also calls that provider with no fallback",
            "If the vendor goes down again, {other} fails with it",
            "{Other} has a hard dependency on a single third-party API",
            "There is no circuit breaker between {other} and its upstream provider",
        ),
    ),
    "monitoring_gap": _Theme(
        titles=(
            ("Silent failures in {svc} went unnoticed", "silent-failures"),
            ("{Svc} partially down without any alert", "no-alert"),
        ),
        cause=(
            "{svc} failed in a way none of our alerts cover: requests succeeded with empty results",
            "the health check of {svc} kept passing while the queue behind it stalled",
        ),
        start=(
            "{Svc} started returning empty results after a schema change upstream",
            "{Svc} stopped processing its queue while health checks stayed green",
        ),
        mitigate=(
            "Restarted the {svc} workers; queue draining again",
            "Rolled back the upstream schema change; {svc} results back",
        ),
        detect=(
            "Alert on the rate of empty responses from {svc}",
            "Alert on queue age for {svc}, not only on process health",
        ),
        react=("Link the {svc} dashboards from its alert descriptions",),
        quick_fix=("Make the {svc} health check exercise a real request",),
        prevent=("SLOs with burn-rate alerts for {svc}",),
        risk=(
            "{Other} has no alert on its queue backlog either",
            "We would not notice if {other} silently stopped working",
            "The health check of {other} only proves the process is alive",
            "Monitoring for {other} has the same blind spot",
            "There are no SLO alerts on {other}",
        ),
    ),
    "noisy_alerts": _Theme(
        titles=(
            ("Real {svc} alert lost among noisy pages", "alert-fatigue"),
            ("{Svc} degradation missed during an alert storm", "alert-storm"),
        ),
        cause=(
            "the page for {svc} arrived among forty flapping alerts and was ignored",
            "on-call had muted the noisy {svc} alerts, including the one that mattered",
        ),
        start=(
            "{Svc} latency began climbing past its SLO during a storm of flapping pages",
            "{Svc} started failing requests in the middle of a storm of flapping pages",
        ),
        mitigate=(
            "Restarted the {svc} pods; latency back under the SLO",
            "Rolled back the {svc} release; errors stopped",
        ),
        detect=("Deduplicate and group alerts for {svc} by symptom",),
        react=("Weekly review of alerts that paged without action",),
        quick_fix=("Separate critical {svc} pages from warnings",),
        prevent=("Delete or fix every alert of {svc} that fired without action last quarter",),
        risk=(
            "{Other} pages so often that on-call has learned to ignore it",
            "Alert fatigue: {other} sends dozens of flapping pages a week",
            "A real page from {other} would drown in noise too",
            "Half of the {other} alerts are not actionable",
        ),
    ),
    "runbook_missing": _Theme(
        titles=(
            ("Slow recovery of {svc} without a runbook", "no-runbook"),
            ("{Svc} outage prolonged by missing procedures", "missing-runbook"),
        ),
        cause=(
            "{svc} failed over incorrectly and the on-call had no runbook for it",
            "only one person knew how to recover {svc}, and they were on leave",
        ),
        start=(
            "{Svc} went down after a node failure in the primary zone",
            "{Svc} stopped responding after a node failure during maintenance",
        ),
        mitigate=(
            "Restored {svc} by promoting the replica by hand",
            "Restarted {svc} in the secondary zone; traffic restored",
        ),
        detect=("Alert on replica lag of {svc}",),
        react=(
            "Write the {svc} failover runbook and link it from the alert",
            "Recovery drill for {svc} every quarter",
        ),
        quick_fix=("Script the {svc} failover so it is one command",),
        prevent=("Test {svc} failover automatically every week",),
        risk=(
            "{Other} has no runbook at all",
            "Only one engineer knows how to recover {other}",
            "The {other} recovery steps are undocumented tribal knowledge",
            "Nobody has practised restoring {other} from backup",
            "The runbook for {other} is two years out of date",
        ),
    ),
    "migration_lock": _Theme(
        titles=(
            ("{Svc} stalled by a database migration lock", "migration-lock"),
            ("Schema migration blocks writes to {svc}", "schema-migration"),
        ),
        cause=(
            "a schema migration on the {svc} database took an exclusive table lock",
            "an index build in a migration blocked every write to {svc} for its duration",
        ),
        start=(
            "Migration deployed to the {svc} database, causing writes to queue behind a lock",
            "{Svc} writes began to time out as a migration held a table lock",
        ),
        mitigate=(
            "Killed the migration session; {svc} writes working again",
            "Reverted the migration on {svc}; lock released and errors stopped",
        ),
        detect=("Alert on lock wait time in the {svc} database",),
        react=("Dashboard of running migrations and their locks",),
        quick_fix=("Set lock_timeout on every migration",),
        prevent=(
            "Lint migrations of {svc} for locking operations in CI",
            "Run large migrations of {svc} online in batches",
        ),
        risk=(
            "{Other} migrations also run without a lock timeout",
            "A schema change on the {other} database could block writes the same way",
            "Nothing checks {other} migrations for table locks before they run",
            "{Other} runs migrations at peak time with exclusive locks",
        ),
    ),
    "retry_storm": _Theme(
        titles=(
            ("Retry storm overwhelms {svc}", "retry-storm"),
            ("Thundering herd after {svc} restart", "thundering-herd"),
        ),
        cause=(
            "clients of {svc} retried immediately and without backoff, multiplying the load",
            "every client reconnected at once after {svc} restarted and overloaded it",
        ),
        start=(
            "Timeouts began on {svc} and client retries multiplied the load tenfold",
            "{Svc} began to reject connections as every client reconnected at once",
        ),
        mitigate=(
            "Rate limited clients of {svc}; errors subsided",
            "Scaled out {svc} and shed retry traffic; traffic restored",
        ),
        detect=("Alert on retry rate into {svc}",),
        react=("Dashboard of request rate by client for {svc}",),
        quick_fix=("Load shedding switch for {svc}",),
        prevent=(
            "Exponential backoff with jitter in every {svc} client",
            "Retry budgets for calls into {svc}",
        ),
        risk=(
            "Clients of {other} retry without backoff too",
            "{Other} would melt under the same thundering herd",
            "No retry budget protects {other}",
            "A restart of {other} would see every client reconnect at the same moment",
        ),
    ),
    "feature_flag": _Theme(
        titles=(
            ("Feature flag misconfiguration breaks {svc}", "feature-flag"),
            ("{Svc} errors after a flag was enabled for everyone", "flag-rollout"),
        ),
        cause=(
            "a feature flag for {svc} was turned on for 100% of traffic instead of 1%",
            "a stale feature flag in {svc} re-enabled a code path that no longer worked",
        ),
        start=(
            "Feature flag enabled for all traffic on {svc}, causing checkout errors",
            "{Svc} started returning errors after a stale flag was switched on",
        ),
        mitigate=(
            "Disabled the feature flag on {svc}; errors subsided",
            "Flag turned off for {svc}; traffic restored",
        ),
        detect=("Alert on error rate per flag variant in {svc}",),
        react=("Show flag changes as annotations on the {svc} dashboards",),
        quick_fix=("Kill switch for every new flag in {svc}",),
        prevent=(
            "Require a percentage rollout for {svc} flags",
            "Remove flags from {svc} within 30 days of full rollout",
        ),
        risk=(
            "{Other} has dozens of stale flags nobody dares to remove",
            "Flags in {other} can be flipped to 100% in one click",
            "A mistaken flag rollout could break {other} too",
            "{Other} has no kill switch for its flags",
        ),
    ),
    "credential_leak": _Theme(
        titles=(
            ("Leaked credential for {svc}", "credential-leak"),
            ("{Svc} access key exposed in logs", "key-exposed"),
        ),
        cause=(
            "an API key for {svc} was printed in build logs that were publicly visible",
            "a long-lived credential for {svc} was shared in a chat channel and then misused",
        ),
        start=(
            "Unexpectedly, requests with a leaked {svc} key began from an unknown network",
            "Access key for {svc} accidentally published in a public build log",
        ),
        mitigate=(
            "Mitigated by revoking the leaked {svc} key and issuing a new one",
            "Suspended the compromised {svc} account; errors subsided",
        ),
        detect=("Secret scanning on every repository and build log of {svc}",),
        react=("Runbook to revoke and rotate {svc} credentials in minutes",),
        quick_fix=("Short-lived credentials for {svc} with automatic rotation",),
        prevent=(
            "Move {svc} secrets into the vault with access logging",
            "Mask secrets in CI output",
        ),
        risk=(
            "{Other} still uses a long-lived access key",
            "The {other} credentials are stored in plain text in CI variables",
            "Nobody rotates the {other} API keys",
            "A leaked {other} key would go unnoticed just as long",
        ),
    ),
}
_THEME_IDS = tuple(THEMES)

# --------------------------------------------------------------------------- timeline wording
# Untagged lines must say which milestone they are; the words below were chosen
# so that pmkit.classify reads them that way (tests/test_synth.py checks).

_DETECT_LINES: dict[str, tuple[tuple[str, str], ...]] = {
    # source: ((tag, text), ...)
    "monitoring": (
        ("detected", "Alert fired for elevated 5xx on {svc}"),
        ("detected", "PagerDuty alert triggered: {svc} p99 latency above SLO"),
        ("detected", "Monitoring detected a drop in successful requests to {svc}"),
    ),
    "customer": (
        ("reported", "Issue reported by customer via a support ticket about {svc}"),
        ("reported", "Customers reported failures on {svc} to support"),
        ("reported", "First customer tickets arrive: {svc} not working"),
    ),
    "employee": (
        ("detected", "An engineer noticed failing requests to {svc} while testing"),
        ("detected", "A staff member noticed {svc} errors on the internal dashboard"),
    ),
    "third_party": (
        ("reported", "Vendor notified us of failures affecting {svc}"),
        ("reported", "Our cloud provider notified us about errors from {svc}"),
    ),
    "automated_test": (
        ("detected", "Synthetic check alert fired for {svc}"),
        ("detected", "Smoke tests failing against {svc}; alert triggered"),
    ),
    "unknown": (
        ("detected", "Problem detected in {svc}"),
        ("detected", "Degradation of {svc} detected"),
    ),
}
_ACK_LINES = (
    "On-call engineer @{owner} acknowledged the page",
    "@{owner} acknowledged and opened the incident channel",
    "@{owner} joined and started investigating",
    "Incident declared; @{owner} is incident commander",
)
_RESOLVE_LINES = (
    "Resolved: all clear, error rates back to baseline",
    "Service fully restored (resolved)",
    "{Svc} verified operational; incident resolved",
    "All clear given for {svc}; incident resolved",
)
# (tag for the canvas or "", text); none of them is a milestone
_NOTES = (
    ("external", "Status page updated: investigating {svc} issues"),
    ("external", "Posted a public update on the status page"),
    ("internal", "Updated stakeholders with the current impact"),
    ("escalated", "Escalated to the database team"),
    ("escalated", "Escalated to the {team} lead"),
    ("", "Checked recent deploys of {svc}; nothing obvious"),
    ("", "Reviewed the {svc} dashboards for the last 24 hours"),
    ("", "Compared the configuration of {svc} across regions"),
    ("", "Identified the change that lines up with the first errors"),
    ("", "Checked logs of {svc} for the first stack traces"),
    ("", "Confirmed only the eu-west region is affected"),
    ("", "Prepared a fix and asked for review"),
    ("", "Checked whether the {other} service is affected: it is not"),
    ("", "Decided to keep the current release while debugging"),
)
_LATE_NOTES = (
    ("", "Watching error rates for another hour before closing"),
    ("internal", "Updated stakeholders: impact over, root cause known"),
    ("", "Prepared the permanent change and opened a pull request"),
)
_LESSONS = (
    "Our alerting told us about the symptom, not the cause; the dashboards made up for it.",
    "The team moved fast once paged, but the time before anyone looked was the real cost.",
    "Writing down the recovery steps during the incident saved time the second time around.",
    "Changes that skip review are cheap until they are not.",
    "We learned that {svc} has more hidden dependencies than our diagrams show.",
    "Having a second pair of eyes in the incident channel helped us avoid a bad rollback.",
)
_IMPACT = (
    "about {pct}% of requests to {svc} failed",
    "{svc} was unavailable for roughly {pct}% of users",
    "{pct}% of {svc} calls timed out",
    "requests to {svc} were slow or failed for about {pct}% of traffic",
)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format_map(slots)


def _slots(svc: str, other: str, team: str) -> dict[str, str]:
    return {"svc": svc, "Svc": _cap(svc), "other": other, "Other": _cap(other), "team": team}


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


# --------------------------------------------------------------------------- styles


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
    """The key/value block many templates put under the title instead of front matter."""
    return f"**Team:** {doc.team}  \n**Service:** {doc.service}  \n**Severity:** {doc.severity}"


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


# --------------------------------------------------------------------------- public API


def generate(
    n: int, *, seed: int = 0, start: str = "2025-01-01", end: str = "2026-09-30"
) -> Corpus:
    """Generate ``n`` synthetic postmortems.

    Parameters
    ----------
    n : int
        Number of documents.
    seed : int, default 0
        The same seed gives byte-identical documents.
    start, end : str, default "2025-01-01", "2026-09-30"
        Incidents start on days in this range (inclusive).

    Returns
    -------
    Corpus
        ``documents`` in chronological order and the ``truth`` table (columns
        listed on :class:`Corpus`).

    Examples
    --------
    >>> c = generate(20, seed=3)
    >>> c.documents[0][0]
    '2025/2025-...md'
    >>> bool((c.truth["detected_at"] >= c.truth["started_at"]).all())
    True
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"n must be an int, got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = np.random.default_rng(seed)
    rnd = random.Random(seed)
    draws = _draw(int(n), rng, start, end)
    style_names = tuple(STYLES)

    documents: list[tuple[str, str]] = []
    names: set[str] = set()
    per_year: dict[int, int] = {}
    cols: dict[str, list[object]] = {
        k: []
        for k in (
            "incident_id", "style", "file", "team", "service", "severity",
            "detection_source", "status", *_MILESTONES,
            "n_actions", "n_actions_done", "risk_theme",
        )
    }  # fmt: skip
    for i in range(int(n)):
        doc = _Doc(i, draws, rnd)
        style = style_names[int(draws["style"][i])]
        started = _utc(int(draws["started"][i]))
        year = started.year
        per_year[year] = per_year.get(year, 0) + 1
        stem = f"{started.date().isoformat()}-{doc.team}-{doc.slug}"
        name = f"{year}/{stem}.md"
        k = 2
        while name in names:
            name = f"{year}/{stem}-{k}.md"
            k += 1
        names.add(name)
        if style == "canvas":
            incident_id = f"PM-{year}-{per_year[year]:03d}"
            zone_name = _CANVAS_ZONES[int(draws["zone"][i])]
            text = _canvas(doc, incident_id, zone_name)
        else:
            incident_id = name[5:-3]
            text = {"dfds": _dfds, "rust": _rust, "prose": _prose}[style](doc)
        documents.append((name, text))
        cols["incident_id"].append(incident_id)
        cols["style"].append(style)
        cols["file"].append(name)
        cols["team"].append(doc.team)
        cols["service"].append(doc.service)
        cols["severity"].append(doc.severity)
        cols["detection_source"].append(doc.source)
        cols["status"].append("open" if doc.is_open else "resolved")
        for m in _MILESTONES:
            cols[m].append(doc.times[m])
        cols["n_actions"].append(len(doc.actions))
        cols["n_actions_done"].append(sum(a.done for a in doc.actions))
        cols["risk_theme"].append(doc.theme_id if doc.risks else None)
    return Corpus(documents=documents, truth=_truth(cols))


def _truth(cols: dict[str, list[object]]) -> pd.DataFrame:
    data: dict[str, object] = {}
    for k, v in cols.items():
        if k in _MILESTONES:
            missing = np.array([x is None for x in v], dtype=bool)
            micros = np.array([0 if x is None else x for x in v], dtype=np.int64) * 60_000_000
            ts = pd.Series(pd.to_datetime(micros, unit="us", utc=True), dtype=_TS)
            data[k] = ts.mask(missing)
        elif k.startswith("n_"):
            data[k] = pd.Series(v, dtype="int64")
        else:
            data[k] = pd.Series(v, dtype=_STR)
    return pd.DataFrame(data)


def write(n: int, out: str | os.PathLike[str], *, seed: int = 0) -> Corpus:
    """Generate ``n`` postmortems and write them under ``out``.

    Files already in ``out`` with the same names are overwritten; others are
    left alone.

    Parameters
    ----------
    n : int
        Number of documents.
    out : str or path-like
        Folder to write into (created if needed).
    seed : int, default 0
        The same seed writes byte-identical files.

    Returns
    -------
    Corpus
        What was written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     c = write(5, tmp, seed=2)
    ...     len(list(pathlib.Path(tmp).rglob("*.md")))
    5
    """
    corpus = generate(n, seed=seed)
    root = Path(out)
    made: set[Path] = set()
    for name, text in corpus.documents:
        path = root / name
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return corpus


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m pmkit.synth -n 150 -o data/sample --seed 0``."""
    p = argparse.ArgumentParser(
        prog="python -m pmkit.synth", description="Write synthetic postmortems as Markdown."
    )
    p.add_argument("-n", type=int, default=150, help="number of postmortems (default 150)")
    p.add_argument("-o", "--output", required=True, help="folder to write into")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = p.parse_args(None if argv is None else list(argv))
    if args.n < 0:
        p.error(f"-n must be >= 0, got {args.n}")
    corpus = write(args.n, args.output, seed=args.seed)
    print(f"wrote {len(corpus.documents)} postmortems to {args.output}/", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
