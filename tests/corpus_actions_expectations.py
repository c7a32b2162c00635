"""Hand-written oracle of the action items real postmortems state.

Read off the document text by a person, not from pmkit's output. For each
document: ``count`` is the number of follow-up items a reader would list (one
per bullet, table row or stated task; a sub-bullet that only links the
parent's pull request is part of the parent), and ``items`` lists some of them
by the start of their text with what the text states:

* ``owner``: the person or team named as owner (``@`` dropped), else None;
* ``status``: ``"done"`` where the text marks the item done (✅, ``[x]``,
  ``(done)``, a "(Completed)" heading above it), ``"open"`` for an empty
  checkbox, else ``"unknown"`` (nothing stated);
* ``tracker``: the pull request or issue the item links to (the URL as
  written, or the issue key), else None.
"""

from __future__ import annotations

from typing import NamedTuple


class Item(NamedTuple):
    text: str  # how the item's text starts
    owner: str | None = None
    status: str = "unknown"
    tracker: str | None = None


_SURVEYS_PR = "https://github.com/PostHog/posthog-js/pull/"
_CRATES = "https://github.com/rust-lang/crates.io/issues/"
_RUSTUP = "https://github.com/rust-lang/rustup/issues/"

#: file (relative to corpora/) -> {"count": int, "items": [Item, ...]}
EXPECTED: dict[str, dict[str, object]] = {
    # ---------------------------------------------------------------- posthog
    "posthog/2025-10-03-surveys-sdk-bug.md": {
        # Immediate Actions: 3 bullets (two with ✅) and an "**Action item:**"
        # paragraph; Short-term: 3 with [PR] links; Long-term: 3 with "Owner:"
        "count": 10,
        "items": [
            Item("Reverted the backwards-incompatible changes", status="done"),
            Item("Issued credits / refunds", status="done"),
            # "Sent communications ..." is written in the past tense: done
            Item("Sent communications to all 305 affected teams", status="done"),
            Item("Start incidents earlier", owner="lucasheriques"),
            Item("API compatibility layer", tracker=_SURVEYS_PR + "2428"),
            Item("Ignore PostHog SDK exceptions", tracker=_SURVEYS_PR + "2430"),
            Item(
                "Monitor suspicious exceptions",
                tracker="https://github.com/PostHog/posthog/pull/39377",
            ),
            Item("Version compatibility testing", owner="lucasheriques"),
            Item("Static analysis tooling", owner="lucasheriques"),
            Item("Client-side error monitoring", owner="lucasheriques"),
        ],
    },
    "posthog/2025-09-29-flags-is-down.md": {
        # "### Immediate Actions (Completed)" 2, Short-term 4 (the heading links
        # the tracking issue), Long-term 3
        "count": 9,
        "items": [
            Item("Database connection timeouts moved to runtime", status="done"),
            Item("Timeout values increased", status="done"),
            Item(
                "Read/write path separation",
                tracker="https://github.com/PostHog/posthog/issues/39133",
            ),
            Item("Development of specialized tooling for rapid pod termination"),
            Item("Comprehensive load testing"),
            Item("Quarterly incident response drills"),
        ],
    },
    "posthog/2026-01-17-replay-sdk-fetch-wrapper-incident.md": {
        # 7 bullets; the first (✅) has two sub-bullets that are its PR links
        "count": 7,
        "items": [
            Item(
                "Adding comprehensive integration tests for fetch wrapper",
                status="done",
                tracker=_SURVEYS_PR + "2935",
            ),
            Item("Establishing a more robust testing strategy"),
            Item("Implement an easier mechanism for customers to opt in"),
        ],
    },
    # ------------------------------------------------------------------- rust
    "rust/rust-cratesio-2020-02-20.md": {
        # "- [#2226]: Add simple logging ..." with "[#2226]: https://..." below
        "count": 5,
        "items": [
            Item("Add simple logging when we start the index publishing", tracker=_CRATES + "2226"),
            Item("Add a periodic job that checks the index", tracker=_CRATES + "2227"),
            Item("Include the crate name in the HTTP log entry", tracker=_CRATES + "2228"),
            Item("Add in-depth logging for swirl background jobs", tracker=_CRATES + "2229"),
            Item(
                "Investigate whether we want to implement a self-healing", tracker=_CRATES + "2230"
            ),
        ],
    },
    "rust/rust-rustup-2021-04-27.md": {
        "count": 2,
        "items": [
            Item("Testing for proxying", tracker=_RUSTUP + "2739"),
            Item(
                "Release process should include explicit beta test period", tracker=_RUSTUP + "2741"
            ),
        ],
    },
    "rust/rust-docsrs-2019-10-21.md": {
        "count": 4,
        "items": [
            Item("Update the docs.rs source code to cleanup"),
            Item("Add alerts when the available disk space"),
        ],
    },
    "rust/rust-cratesio-2023-07-20.md": {
        # "## Corrective actions": three bullets with a priority word in bold
        "count": 3,
        "items": [Item("HIGH Include crate downloads in the smoke test plan")],
    },
    # ------------------------------------------------------------------- dfds
    "dfds/PM2023-001-Total-node-failure.md": {
        "count": 6,
        "items": [
            Item("Document rollover process"),
            Item("Implement guards against invalid container runtime selection", status="done"),
        ],
    },
    "dfds/PM2020-009-KIAM-service-disruption-due-to-upgrade.md": {
        # one bullet; its sub-bullet "See https://.../METRICS.md." is a pointer
        # to documentation, not a second action
        "count": 1,
        "items": [Item("Setup dashboard and alerting for elevated error rates for KIAM")],
    },
    "dfds/PM2025-001-Node-system-resource-starvation-and-scheduling-capacity.md": {
        "count": 6,
        "items": [Item("Look into Grafana Cloud's Kubernetes integration alerts")],
    },
    "dfds/PM2022-009-Bad-AWS-EKS-AMI-causing-Kubernetes-issues.md": {
        # one bullet with three sub-bullet tasks, then six bullets
        "count": 10,
        "items": [
            Item("Improve coverage of readiness/liveness probes"),
            Item("Reach out to teams with suggestions"),
        ],
    },
    "dfds/PM2024-001-Two-Kubernetes-nodes-went-into-NotReady-state.md": {
        "count": 7,
        "items": [Item("Move 'grafana-agent' to monitoring node group")],
    },
    # ------------------------------------------------------------------- chia
    "chia/2022-06-28-ProxyAbuseReport.md": {
        # one measure; the second paragraph ("Additionally, these ... test
        # instances are planned for replacement") is context, not a task
        "count": 1,
        "items": [Item("A new shutdown and decommissioning process will be created")],
    },
    "chia/2021-10-31-EmployeeCompromise.md": {
        # three lines, one task each, without bullets (one Markdown paragraph)
        "count": 3,
        "items": [
            Item("Develop better techniques in questioning the end-user"),
            Item("Hire a professional SecOps person"),
            Item("Add a feature to the Chia Graphical User Interface"),
        ],
    },
}
