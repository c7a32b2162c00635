"""Phrase tables for :mod:`pmkit.synth`: risk themes and timeline wording.

A pure data module (plus the three helpers that fill its templates), so it is
longer than the style guide's 600 lines: splitting the tables would scatter one
catalogue over several files.
"""

from __future__ import annotations

from dataclasses import dataclass

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
