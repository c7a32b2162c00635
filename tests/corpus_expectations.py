"""Hand-written oracle for the real postmortems in ``corpora/``.

Every value below was read off the document text by a person, without running
or reading pmkit's reader, so tests can compare the parser against what the
text states.  Conventions:

* All timestamps are UTC.  Zones were converted by hand: "PST"/"PDT" labels are
  read as America/Los_Angeles local time (so a "PST" label in summer is
  UTC-7), "CET"/"CEST" labels as Europe/Copenhagen local time (so a "CET" label
  in summer is UTC+2).
* ``None`` means the text clearly states no time for that milestone.
* A milestone is left out when the text is ambiguous about it (several
  candidate lines, an untimed statement, or a self-contradictory document).
* Milestones: ``started_at`` (impact began), ``detected_at`` (team learnt of
  it: alert/page, or a user report if that came first), ``acknowledged_at``
  (someone started working on it), ``mitigated_at`` (impact stopped or
  worked around), ``resolved_at`` (fully resolved / all clear).

``DETECTION`` records how the incident was first noticed, only where the text
says so clearly.  ``ZONE_ISSUES`` lists documents whose timeline has times
without a stated zone, a zone label that contradicts the date or another
line, or malformed times/dates.
"""

import pandas as pd

T = pd.Timestamp

#: file (relative to corpora/) -> milestone -> UTC timestamp the text states
#: (None = the text states none)
EXPECTED: dict[str, dict[str, pd.Timestamp | None]] = {
    # ------------------------------------------------------------------ dfds
    "dfds/PM2021-005-All-services-returning-503-in-Kubernetes.md": {
        # "All times in UTC"; first line "VPC CNI replaced by the pipeline" 08:21 starts the impact
        "started_at": T("2021-06-22 08:21", tz="UTC"),
        "detected_at": T("2021-06-22 08:29", tz="UTC"),  # "Issue detected as a result of alerts"
        "acknowledged_at": T("2021-06-22 08:30", tz="UTC"),  # "Investigation into issue commenced"
        # "Target groups reattached to the ALB by the pipeline (resolved)"
        "mitigated_at": T("2021-06-22 08:46", tz="UTC"),
        "resolved_at": T("2021-06-22 08:46", tz="UTC"),  # same line, "(resolved)"
    },
    "dfds/PM2021-006-All-services-returning-503-in-Kubernetes.md": {
        # "Infrastructure Modules release 0.2.119." (Stats: detection 1 min -> 10:00)
        "started_at": T("2021-06-30 09:59", tz="UTC"),
        "detected_at": T("2021-06-30 10:00", tz="UTC"),  # "Status 503 messages witnessed."
        # "Target group manually reattached to ALB's (resolved)."
        "mitigated_at": T("2021-06-30 10:04", tz="UTC"),
        "resolved_at": T("2021-06-30 10:04", tz="UTC"),  # same line, "(resolved)"
    },
    "dfds/PM2021-007-All-services-returning-503-in-Kubernetes.md": {
        # "Daily pipeline run starts modifying ... (problem started)"
        "started_at": T("2021-07-02 07:32", tz="UTC"),
        # "A user reported seing 503 for all services." (before the 07:40 alarm)
        "detected_at": T("2021-07-02 07:39", tz="UTC"),
        "acknowledged_at": None,  # no line says anyone started working on it
        # "Target group reattached to load balancer by the daily pipeline (resolved)"
        "mitigated_at": T("2021-07-02 07:42", tz="UTC"),
        "resolved_at": T("2021-07-02 07:42", tz="UTC"),  # same line, "(resolved)"
    },
    "dfds/PM2021-008-Kubernetes-ingress-controller-Traefik-v2-configuration-caused-outage.md": {
        # "AWS Load Balancers were updated to route requests to the new Traefik v2"
        "started_at": T("2021-08-26 08:22", tz="UTC"),
        # "Developer reports high count of HTTP Status code 307"
        "detected_at": T("2021-08-26 09:26", tz="UTC"),
        # "Investigations started in Cloud Engineering + Developer"
        "acknowledged_at": T("2021-08-26 09:26", tz="UTC"),
        "mitigated_at": T("2021-08-26 09:48", tz="UTC"),  # "Rollback performed."
        "resolved_at": T("2021-08-26 09:49", tz="UTC"),  # "Service operational."
    },
    "dfds/PM2021-009-All-services-returning-404-in-Kubernetes.md": {
        "started_at": T("2021-09-06 08:00", tz="UTC"),  # "All Kubernetes services returning 404"
        "acknowledged_at": T("2021-09-06 08:05", tz="UTC"),  # "Root cause investigation started"
        "mitigated_at": T(
            "2021-09-06 09:08", tz="UTC"
        ),  # "All ingress traffic working as intended"
    },
    "dfds/PM2021-010-A-limited-amount-of-services-deployed-in-Kubernetes-returning-504.md": {
        # "Culprit Ingress object applied to cluster" (Stats: 335 min to detection)
        "started_at": T("2021-09-17 08:00", tz="UTC"),
        "detected_at": T("2021-09-17 13:35", tz="UTC"),  # "First report of issue by user"
        "acknowledged_at": T("2021-09-17 13:43", tz="UTC"),  # "Started investigation."
        # "Potential culprit identified. Removed Ingress object, verified ..."
        "mitigated_at": T("2021-09-17 14:48", tz="UTC"),
    },
    "dfds/PM2022-002-Logs-not-shipped-to-CloudWatch.md": {
        "started_at": T("2022-01-31 12:00", tz="UTC"),  # "New fluentd configuration deployed"
        "detected_at": T(
            "2022-01-31 12:41", tz="UTC"
        ),  # "Received alert: Fluentd available buffer"
        "acknowledged_at": T("2022-01-31 12:53", tz="UTC"),  # "Investigations started"
        # "All fluentd DaemonSets were running with correct ARN again"
        "resolved_at": T("2022-01-31 13:49", tz="UTC"),
    },
    "dfds/PM2022-004-Kafka-metrics-missing-from-Prometheus.md": {
        # "kafka-exporter's /metrics load time gets greater than Prometheus scrape timeout"
        "started_at": T("2022-02-08 12:20", tz="UTC"),
        # "**Discovery:** Developer explains that he sees no Kafka metrics"
        "detected_at": T("2022-02-09 08:03", tz="UTC"),
        # "**Recovery:** Prometheus scrape timeout raised to 30 seconds"
        "mitigated_at": T("2022-02-09 08:40", tz="UTC"),
        "resolved_at": None,  # "TBA: Problem will remain until ..." (no time)
    },
    "dfds/PM2020-002-KIAM-service-disruption-on-Hellman.md": {
        # "All times in CET" (January: UTC+1); "Certificate for KIAM server expires" 15:36
        "started_at": T("2020-01-21 14:36", tz="UTC"),
        "detected_at": T("2020-01-21 15:02", tz="UTC"),  # "First alert indicating a problem" 16:02
        "acknowledged_at": None,  # no line says anyone started working on it
        # "New certificates generated, service restored" 18:04 CET
        "mitigated_at": T("2020-01-21 17:04", tz="UTC"),
        "resolved_at": T("2020-01-21 17:04", tz="UTC"),
    },
    "dfds/PM2020-004-CoreDNS-upgrade-issue.md": {
        # "All times in CET" (February: UTC+1)
        # "EKS 1.14 upgrade cause CoreDNS pods to crash loop" 11:21
        "started_at": T("2020-02-03 10:21", tz="UTC"),
        # "CoreDNS deployment manually downgraded, which solved the issue" 11:52
        "mitigated_at": T("2020-02-03 10:52", tz="UTC"),
        # "CoreDNS upgraded and issue permanently fixed" 13:30
        "resolved_at": T("2020-02-03 12:30", tz="UTC"),
    },
    "dfds/PM2020-005-ALB-instance-attachment.md": {
        # "All times in CET" read as Copenhagen local time: June -> CEST, UTC+2
        # "Terraform changes applied and the ALB instance attachments removed" 12:20
        "started_at": T("2020-06-09 10:20", tz="UTC"),
        # "CloudWatch alert detects high count of 5XX" 12:25
        "detected_at": T("2020-06-09 10:25", tz="UTC"),
        # "Issue mitigated with manual attaching instances to ALB's" 12:35
        "mitigated_at": T("2020-06-09 10:35", tz="UTC"),
        # "Issue resolved and permanently fixed" 13:13
        "resolved_at": T("2020-06-09 11:13", tz="UTC"),
    },
    "dfds/PM2021-001-Logs-from-Kubernetes-not-shipped-to-CWL.md": {
        # "All times in CET" (January: UTC+1); "A new CSI driver was deployed" 11:25
        "started_at": T("2021-01-05 10:25", tz="UTC"),
        # "Developer notified us of potential issue with logging" 11:00 next day
        "detected_at": T("2021-01-06 10:00", tz="UTC"),
        "mitigated_at": T("2021-01-06 10:20", tz="UTC"),  # "Manual fix applied" 11:20
        # "Long-term fix applied via IaC and pipeline" 15:26
        "resolved_at": T("2021-01-06 14:26", tz="UTC"),
    },
    "dfds/PM2021-003-Flux-version-bump-causing-component-downtime.md": {
        # "All times in CET" (February: UTC+1); "Scheduled cluster deployment pipeline failed" 08:35
        "started_at": T("2021-02-19 07:35", tz="UTC"),
        "detected_at": T("2021-02-19 07:55", tz="UTC"),  # "Issue detected and verified." 08:55
        # "Everything is back to normal and verified working." 09:23
        "mitigated_at": T("2021-02-19 08:23", tz="UTC"),
        "resolved_at": T("2021-02-19 08:23", tz="UTC"),
    },
    "dfds/PM2025-002-Traefik-rule-preventing-some-inbound-traffic.md": {
        # "Pipeline run completed. Traefik change successfully applied"
        "started_at": T("2025-03-17 17:53", tz="UTC"),
        # "Cloud Engineering member informed of ingress problem"
        "detected_at": T("2025-03-17 23:42", tz="UTC"),
        # "Customer confirmed issue resolved" (past midnight, full date in table)
        "resolved_at": T("2025-03-18 00:42", tz="UTC"),
    },
    "dfds/PM2019-009-Kubernetes-network-infrastructure-IP-starvation.md": {
        # "Date and Time in CET" (November/December: UTC+1); started_at left out: the
        # scale-up on Nov 29 is a cause, no line says when the impact began
        # "Automated warning from AWS, that the load balancer ... unable to scale up" 08:24
        "detected_at": T("2019-11-30 07:24", tz="UTC"),
        "acknowledged_at": T("2019-11-30 08:00", tz="UTC"),  # "Started working on a ..." 09:00
        # mitigated_at left out: scale-downs, "replacement completed", "verified" are candidates
        # "2019-12-05 07:00 | All systems verified operational"
        "resolved_at": T("2019-12-05 06:00", tz="UTC"),
    },
    "dfds/PM2019-010-Hellman-Kubernetes-cluster-node-deletion.md": {
        # "Date and Time in CET" (December: UTC+1)
        # "2019-12-04 00:30 | Accidental execution of command that deleted all worker nodes"
        "started_at": T("2019-12-03 23:30", tz="UTC"),
        # "00:35 | Manually marked VMs as unhealthy, triggering automatic provisioning"
        "acknowledged_at": T("2019-12-03 23:35", tz="UTC"),
        # "01:00 | Verified that new nodes joined cluster and most deployments are up and
        # running again" ("a period of 30 minutes where jobs could not be scheduled")
        "mitigated_at": T("2019-12-04 00:00", tz="UTC"),
        "resolved_at": T(
            "2019-12-04 00:30", tz="UTC"
        ),  # "01:30 | Verified all systems operational"
    },
    "dfds/PM2019-011-Hellman-Kubernetes-IaC-accidentally-reverted.md": {
        # "Date and Time in CET" (December: UTC+1)
        # "12:00 | Pull request ... triggers ... pipeline, ungracefully reverts changes"
        "started_at": T("2019-12-05 11:00", tz="UTC"),
        # detected_at left out: "quickly noticed by the team in Denmark" has no time
        # "12:05 | Pull request updated with new infrastructure code"
        "acknowledged_at": T("2019-12-05 11:05", tz="UTC"),
        # mitigated_at left out: "pipeline re-queued and finishes successfully" 12:25 is
        # followed by "daemon sets not scheduled" 12:30
        "resolved_at": T(
            "2019-12-05 11:40", tz="UTC"
        ),  # "12:40 | All systems verified operational"
    },
    "dfds/PM2020-001-Inotify-file-watches-exhaustion.md": {
        # "All times in CET" (January: UTC+1); "Time to detection: ?"
        # "2020-01-20 13:50 | Node starts reporting "no space left on device""
        "started_at": T("2020-01-20 12:50", tz="UTC"),
        # "2020-01-22 10:39 | Pod killed, releasing file watches"
        "mitigated_at": T("2020-01-22 09:39", tz="UTC"),
    },
    "dfds/PM2020-007-Unhealthy-nodes.md": {
        # "All times in CET" read as Copenhagen local time: October 6 -> CEST, UTC+2
        # "08:00 | Pods, including KIAM, started crashlooping and become pending"
        "started_at": T("2020-10-06 06:00", tz="UTC"),
        # detected_at left out: no line; only "Time to detection: 60 minutes" (from which line?)
        # "09:00 - 11:00 | Ongoing investigation and troubleshooting to find root cause"
        "acknowledged_at": T("2020-10-06 07:00", tz="UTC"),
        # mitigated_at left out: "11:30 | Rolled over sick node" and "12:00 | All healthy
        # and issue resolved" (recovery 240 minutes) are both candidates
        # "12:00 | All healthy and issue resolved"
        "resolved_at": T("2020-10-06 10:00", tz="UTC"),
    },
    "dfds/PM2020-008-Alcide-admission-causing-Kubernetes-timeouts.md": {
        # "All times in CET" (November 4, after the DST change: UTC+1)
        # "13:13 | Applied disruptive Alcide admission controller" (detection 88 min)
        "started_at": T("2020-11-04 12:13", tz="UTC"),
        # "14:41 | Users reporting timeout issues when deploying to Hellman"
        "detected_at": T("2020-11-04 13:41", tz="UTC"),
        "acknowledged_at": T("2020-11-04 14:04", tz="UTC"),  # "15:04 | Verification of the ..."
        # "15:15 | Toggling disruptive Alcide admission controller to verify fix" (recovery 122)
        "mitigated_at": T("2020-11-04 14:15", tz="UTC"),
        # "15:39 | Permanently deleted disruptive Alcide admission controller"
        "resolved_at": T("2020-11-04 14:39", tz="UTC"),
    },
    "dfds/PM2020-009-KIAM-service-disruption-due-to-upgrade.md": {
        # "All times in CET" (November: UTC+1). started/detected left out: the impact began
        # with "KIAM upgraded, breaking support for AWS PowerShell" (Nov 17, "10:45~",
        # "went unnoticed") but the stats and alerts are for the full outage on Nov 23
        # "2020-11-23 14:41 | Helm chart rollback, KIAM service restored"
        "mitigated_at": T("2020-11-23 13:41", tz="UTC"),
    },
    "dfds/PM2021-002-Flux-version-bump-causing-component-downtime.md": {
        # "All times in CET" (February: UTC+1); "Scheduled cluster deployment pipeline failed" 06:05
        "started_at": T("2021-02-15 05:05", tz="UTC"),
        # "Issue detected and verified." 06:45 ("Time to detection: 40 minutes")
        "detected_at": T("2021-02-15 05:45", tz="UTC"),
        # "Everything is back to normal and verified working." 07:00 (recovery 55 minutes)
        "mitigated_at": T("2021-02-15 06:00", tz="UTC"),
        "resolved_at": T("2021-02-15 06:00", tz="UTC"),
    },
    "dfds/PM2021-004-ADFS-outage.md": {
        # "All times in UTC."; "Token-decrypting and token-signing certificates ... expire"
        "started_at": T("2021-03-31 12:06", tz="UTC"),
        # "Reports of issues signing into the AWS web console via ADFS"
        "detected_at": T("2021-03-31 12:11", tz="UTC"),
        # acknowledged_at left out: "Issue logging in verified" 12:21 (by whom?) and
        # "Member of datacenters team joined call to begin investigating" 12:49
        # mitigated_at left out: "login via ADFS confirmed working via root account manual
        # fix" 13:18 and "Script completed ... Confirmed working" 13:30 (recovery 84 min)
        # "Script completed to update account federation metadata. Confirmed working"
        "resolved_at": T("2021-03-31 13:30", tz="UTC"),
    },
    "dfds/PM2021-011-Log4Shell.md": {
        # "All times in UTC."; a vulnerability investigation, "Time to recovery: N/A"
        # "2021-12-10 15:40 | We became aware of it during a call with Peter Taylor"
        "detected_at": T("2021-12-10 15:40", tz="UTC"),
        # "2021-12-10 16:10 | Azure DevOps git repositories were searched for usage of Log4J"
        "acknowledged_at": T("2021-12-10 16:10", tz="UTC"),
    },
    "dfds/PM2022-001-Prometheus-is-down-with-connection-refused-errors.md": {
        # "All times in UTC."; "Time to detection: 0 minutes"; recovery counted "from the
        # start of the first incident" (279 minutes -> 15:00)
        "started_at": T("2022-01-25 10:21", tz="UTC"),
        # "**Detection:** We received a lot of alerts about Prometheus i/o timeouts"
        "detected_at": T("2022-01-25 10:21", tz="UTC"),
        # "Discovered that one node was in NotReady state."
        "acknowledged_at": T("2022-01-25 10:23", tz="UTC"),
        # "**Recovery:** Uncordoned the node that was in NotReady state."
        "mitigated_at": T("2022-01-25 15:00", tz="UTC"),
        # "2022-01-26 09:36 | CPU and memory resource requests and limits ... through IaC"
        "resolved_at": T("2022-01-26 09:36", tz="UTC"),
    },
    "dfds/PM2022-003-Two-Kuberneste-nodes-were-down.md": {
        # "All times in UTC."; started_at left out: no line says when the nodes went
        # NotReady (only "Time to detection: 0 minutes")
        # "**Detection:** Prometheus fails to start after upgrade."
        "detected_at": T("2022-02-08 12:05", tz="UTC"),
        # "**Recovery:** We were able to start Prometheus because the the PVC was available"
        "mitigated_at": T("2022-02-08 12:48", tz="UTC"),
    },
    "dfds/PM2022-005-Node-IPC-incident-response.md": {
        # "All times in UTC."; not affected ("Time to recovery: N/A")
        "detected_at": T("2022-03-18 08:37", tz="UTC"),  # "Emil notified by social media"
    },
    "dfds/PM2022-007-Kafka-metrics-stopped-being-exported-to-Prometheus.md": {
        # "All times in UTC."; "A personal user account deleted from Confluent Cloud"
        "started_at": T("2022-07-07 08:58", tz="UTC"),
        # "[No Data] Topic has large amount of consumergroups alert triggered" (detection 10 min)
        "detected_at": T("2022-07-07 09:08", tz="UTC"),
        # "An incident created informing about the outage"
        "acknowledged_at": T("2022-07-07 09:48", tz="UTC"),
        # mitigated_at left out: "Restarted the kafka-exporter pod" 10:01 and "Major outage
        # closed" 10:09 are both candidates
        # "Metrics availability confirmed by end user" (recovery 4 hours 42 minutes)
        "resolved_at": T("2022-07-07 13:40", tz="UTC"),
    },
    "dfds/PM2022-008-CRUD-operations-on-K8s-Service-resources-unavailable.md": {
        # "All times in UTC."; started_at left out (no line; the stats do not agree)
        # "Alerted by end-user team that they were having issues applying a Service resource"
        "detected_at": T("2022-08-03 11:38", tz="UTC"),
        # "Started looking into the alerted issue"
        "acknowledged_at": T("2022-08-03 11:50", tz="UTC"),
        # "Fix deployed in affected production cluster, awaiting user feedback"
        "mitigated_at": T("2022-08-03 13:06", tz="UTC"),
        "resolved_at": T("2022-08-03 13:25", tz="UTC"),  # "User reporting back that the fix works"
    },
    "dfds/PM2022-009-Bad-AWS-EKS-AMI-causing-Kubernetes-issues.md": {
        # "All times in UTC."; "Daily roll-over of nodes picks up new latest AMI image"
        "started_at": T("2022-10-31 07:30", tz="UTC"),
        # "We observe some nodes reporting NodeNotReady" ("Time to detection: 7 hours")
        "detected_at": T("2022-10-31 14:30", tz="UTC"),
        # "Pipeline ran and nodes rolled back to previous AMI" (recovery 54 h 10 min)
        "mitigated_at": T("2022-11-02 13:46", tz="UTC"),
        # "After observation we decided that the AMI rollback had resolved the issue"
        "resolved_at": T("2022-11-02 14:40", tz="UTC"),
    },
    "dfds/PM2023-001-Total-node-failure.md": {
        # "All times in UTC."; started/detected left out: two chained problems (logs not
        # shipped since Feb 13, reported 09:33; nodes killed 10:46, "We have no nodes" 10:48)
        # "LB detects new nodes as healthy, allowing traffic" (recovery 13 minutes)
        "mitigated_at": T("2023-02-14 11:01", tz="UTC"),
        "resolved_at": T("2023-02-14 11:59", tz="UTC"),  # "Sev 1 ticket marked as resolved"
    },
    "dfds/PM2023-002-Logs-not-shipped-to-CloudWatch.md": {
        # "All times in UTC."; "First node stops shipping logs to CloudWatch"
        "started_at": T("2023-04-11 11:20", tz="UTC"),
        "detected_at": T(
            "2023-04-11 20:28", tz="UTC"
        ),  # "Alert for Fluentd is noticed by engineer"
        # "The aforemetioned 5 nodes has started shipping logs to CloudWatch again"
        "mitigated_at": T("2023-04-11 22:25", tz="UTC"),
    },
    "dfds/PM2024-001-Two-Kubernetes-nodes-went-into-NotReady-state.md": {
        # "All times in UTC."; "Node entered NotReady state."
        "started_at": T("2024-03-13 10:01", tz="UTC"),
        "detected_at": T("2024-03-13 10:03", tz="UTC"),  # "Alert triggered on Slack."
        # "Alert discovered, and investigations started."
        "acknowledged_at": T("2024-03-13 10:05", tz="UTC"),
        # mitigated_at left out: the node came back twice; recovery 399 min matches no line
        "resolved_at": T("2024-03-14 09:20", tz="UTC"),  # "Incident closed."
    },
    "dfds/PM2024-002-PODs-not-able-to-start-while-being-moved-to-new-nodes-during-AMI-update.md": {
        # "All times in UTC."; detected_at left out: "Noticed that strangely all nodes entered
        # the "Ready,SchedulingDisabled" state" 8:40 and "PAX people reaching out that they
        # have issues with PODs" 8:51 are both candidates
        # "We've checked their specific PODs and all seemed fine"
        "acknowledged_at": T("2024-04-09 08:59", tz="UTC"),
        # "It is confirmed by PAX team that everything is working as expected."
        "mitigated_at": T("2024-04-09 09:05", tz="UTC"),
    },
    "dfds/PM2024-003-Kube-state-metrics-exposing-wrong-labels.md": {
        # "All times in UTC."; "User reported wrong labels on kube-state metrics"
        "detected_at": T("2024-06-06 11:27", tz="UTC"),
        # "2024-06-07 08:33 | All components were back operation and no major issues"
        "resolved_at": T("2024-06-07 08:33", tz="UTC"),
    },
    "dfds/PM2025-001-Node-system-resource-starvation-and-scheduling-capacity.md": {
        # "All times in UTC."; "First occurence of a node in NodeNotReady state"
        "started_at": T("2025-02-27 19:32", tz="UTC"),
    },
    # ------------------------------------------------------------------ rust
    "rust/rust-docsrs-2019-10-21.md": {
        # "2019-10-20 00:55: crate builds started failing due to the low disk space"
        "started_at": T("2019-10-20 00:55", tz="UTC"),
        # "01:38: alerts fired for the docs.rs website being down"
        "detected_at": T("2019-10-21 01:38", tz="UTC"),
        # "01:39: [QuietMisdreavus] joins into the operations channel"
        "acknowledged_at": T("2019-10-21 01:39", tz="UTC"),
        # "02:06: CDN propagated the changes, docs.rs back online"
        "mitigated_at": T("2019-10-21 02:06", tz="UTC"),
        # "19:27: builds of the crates failed during the outage finished"
        "resolved_at": T("2019-10-21 19:27", tz="UTC"),
    },
    "rust/rust-cratesio-2020-02-20.md": {
        # "21:17 UTC: the authors of `kaze`, ... published them"
        "started_at": T("2020-02-20 21:17", tz="UTC"),
        # "21:28 UTC: the author ... reports the issue to help@crates.io"
        "detected_at": T("2020-02-20 21:28", tz="UTC"),
        # "21:33 UTC: ... Sean starts investigating"
        "acknowledged_at": T("2020-02-20 21:33", tz="UTC"),
    },
    "rust/rust-cratesio-2023-07-20.md": {
        # "12:17 UTC – The staging deployment was promoted to the production"
        "started_at": T("2023-07-20 12:17", tz="UTC"),
        # "12:28 UTC – ... the deploying developer acknowledged the incident."
        "acknowledged_at": T("2023-07-20 12:28", tz="UTC"),
        # "12:30 UTC – The deployment was rolled back, temporarily fixing"
        "mitigated_at": T("2023-07-20 12:30", tz="UTC"),
    },
    "rust/rust-cratesio-2018-10-15.md": {
        # Date from "On Monday, Oct 15"
        # "20:17 UTC: All requests updating the index begin to take 10+ seconds"
        "started_at": T("2018-10-15 20:17", tz="UTC"),
        # "21:00 UTC: The user's IP address is blocked from accessing the site"
        "mitigated_at": T("2018-10-15 21:00", tz="UTC"),
        # "00:40 UTC: The packages are removed from the index." (rolls to Oct 16)
        "resolved_at": T("2018-10-16 00:40", tz="UTC"),
    },
    "rust/rust-rustup-2021-04-27.md": {
        # "On 2021-04-27 at 15:09 UTC we released a new version of Rustup"
        "started_at": T("2021-04-27 15:09", tz="UTC"),
        "detected_at": T("2021-04-27 15:23", tz="UTC"),  # "15:23 UTC we received a report"
        # "reverted ... to version 1.23.1 - an action completed by 15:56 UTC"
        "mitigated_at": T("2021-04-27 15:56", tz="UTC"),
        "resolved_at": None,  # 1.24.1 only "staged", no time given
    },
    "rust/rust-dns-2023-01-25.md": {
        # "2023-01-25 at 09:15 UTC, we deployed changes" (DNS failed during it)
        "started_at": T("2023-01-25 09:15", tz="UTC"),
        "detected_at": None,  # the text never says how/when they noticed
        "acknowledged_at": None,
        "resolved_at": T(
            "2023-01-25 09:40", tz="UTC"
        ),  # "by 9:40 UTC traffic had returned to normal"
    },
    # ------------------------------------------------------------------ chia
    "chia/2021-05-10-WikiAttack.md": {
        # "09:15:04 UTC an edit was made to the install documents"
        "started_at": T("2021-05-10 09:15:04", tz="UTC"),
        # "09:30:00 UTC Reports of the change began to reach Chia tech support"
        "detected_at": T("2021-05-10 09:30:00", tz="UTC"),
        # "10:00:00 UTC Chia operations personnel investigated the malicious edits"
        "acknowledged_at": T("2021-05-10 10:00:00", tz="UTC"),
        "mitigated_at": T(
            "2021-05-10 10:03:52", tz="UTC"
        ),  # "10:03:52 UTC Mariano reverted the malicious change."
    },
    "chia/2021-05-26-website-outage.md": {
        # date from title "Website Outage 5-26-21"
        # "04:52 PM UTC Site is hard down, ... respond to alarms"
        "detected_at": T("2021-05-26 16:52", tz="UTC"),
        "acknowledged_at": T("2021-05-26 16:52", tz="UTC"),  # same line, "being trouble shooting"
        # "05:45 PM UTC Github engineers have fully recover ... site begins to recover"
        "mitigated_at": T("2021-05-26 17:45", tz="UTC"),
        "resolved_at": T("2021-05-26 18:00", tz="UTC"),  # "06:00 PM UTC Site is fully recovered"
    },
    "chia/2021-05-09-negative-coin-values.md": {
        # started_at left out: "12:48 (6:48 PDT)" contradicts itself (6:48 PDT = 13:48 UTC)
        # "13:11: I (Mariano Sorgente) looked at my local node ... Not synced"
        "detected_at": T("2021-05-09 13:11", tz="UTC"),
        # "13:12: ... Almog and Arvid joined to help debug."
        "acknowledged_at": T("2021-05-09 13:12", tz="UTC"),
    },
    "chia/2021-10-31-DustStorm.md": {
        # "all times PST" read as Los Angeles local (Oct 30 2021 is PDT, UTC-7)
        # "12:45 PM PST Saturday Oct 30th: First wave of storm transactions begins"
        "started_at": T("2021-10-30 19:45", tz="UTC"),
        # "13:55 PM PST ... alarms ... fire. Devops engineers began investigating."
        "detected_at": T("2021-10-30 20:55", tz="UTC"),
        "acknowledged_at": T("2021-10-30 20:55", tz="UTC"),  # same line
    },
    "chia/2022-06-28-ProxyAbuseReport.md": {
        # "all times PST" read as Los Angeles local (June 2022 is PDT, UTC-7)
        # "20:28 | Many requests are made ... security scan" is left out as started_at:
        # the stale proxy route existed since Jun 27, so the start is ambiguous.
        # "Jun 28 | 20:36 | AWS sends an automated email to Chia" -> rolls to Jun 29 UTC
        "detected_at": T("2022-06-29 03:36", tz="UTC"),
        # "Jun 28 | 21:20 | IPS initiates a War-room"
        "acknowledged_at": T("2022-06-29 04:20", tz="UTC"),
        # "Jun 29 | 12:35 | All Data Layer testing nodes confirmed back online"
        "resolved_at": T("2022-06-29 19:35", tz="UTC"),
    },
    "chia/04-25-User_Account_Compromise.md": {
        # "Timeline (PST) 4/21/23-4/25/23" read as Los Angeles local (April: PDT, UTC-7)
        # "11:14 AM: User had forwarded the email ... to IPS."
        "detected_at": T("2023-04-21 18:14", tz="UTC"),
        "mitigated_at": T("2023-04-21 18:31", tz="UTC"),  # "11:31 AM: IPS locked the Okta account"
        # "4/25/23 9:41 AM: SentinelOne installed and full disk scan was completed."
        "resolved_at": T("2023-04-25 16:41", tz="UTC"),
    },
    "chia/2024-06-25-blockchain_mainnet-stall.md": {
        # "all times PST", date line "01-10-2024" (January: PST, UTC-8) -> rolls to Jan 11 UTC
        "started_at": T("2024-01-11 03:32", tz="UTC"),  # "7:32 PM - The chain stalled"
        # "7:38 PM - Monitoring of the Chia blockchain detected the chain stall"
        "detected_at": T("2024-01-11 03:38", tz="UTC"),
        "mitigated_at": T(
            "2024-01-11 03:42", tz="UTC"
        ),  # "7:42 PM - New blocks being created again"
    },
    # the chia security-disclosure posts that give only dates ("01-05-2024 - ...", "All times
    # approximations") state no time of day: their milestones are left out, DETECTION kept.
    "chia/2021-10-31-EmployeeCompromise.md": {
        # "Time (PT)" read as Los Angeles local (Oct 31 / Nov 1 2021 are PDT, UTC-7)
        # "Oct 31 | 21:33 | Affected user posts in Keybase" -> rolls to Nov 1 UTC
        "detected_at": T("2021-11-01 04:33", tz="UTC"),
        # "Oct 31 | 21:34 | Chia employee starts troubleshooting"
        "acknowledged_at": T("2021-11-01 04:34", tz="UTC"),
        # "Nov 1 | 21:54 | The employee verified the security incident was a False Positive"
        "resolved_at": T("2021-11-02 04:54", tz="UTC"),
    },
    "chia/2021-12-15-EmployeeCompromise.md": {
        # "Dec 15 | 22:40 | Employee recognizes abnormal activity ... reports this"
        "detected_at": T("2021-12-15 22:40", tz="UTC"),
        # "Dec 15 | 22:45 | IPS team disables users Okta accounts and stars searching audit logs"
        "acknowledged_at": T("2021-12-15 22:45", tz="UTC"),
    },
    "chia/2022-01-20-EmployeeCompromise.md": {
        # "On Thursday, January 20th, 2022 at 22:04 (UTC) an employee's account was suspended"
        "started_at": T("2022-01-20 22:04", tz="UTC"),
        # detected_at left out: the row saying the employee found his account disabled is
        # timed "22:40", out of order before "22:06" (the summary puts the suspension at 22:04)
        # "Jan 20 | 22:06 | IPS team observed ... when reviewing the audit logs"
        "acknowledged_at": T("2022-01-20 22:06", tz="UTC"),
    },
    "chia/2022-01-27-Ramp-Card.md": {
        # "Jan 28 | 02:34 | Affected employee provided a screenshot of a fraudulent charge attempt"
        "detected_at": T("2022-01-28 02:34", tz="UTC"),
        # "Jan 28 | 02:39 | ... The IPS team requested additional details"
        "acknowledged_at": T("2022-01-28 02:39", tz="UTC"),
        # "Jan 28 | 02:42 | Both company credit card are now locked."
        "mitigated_at": T("2022-01-28 02:42", tz="UTC"),
    },
    "chia/2023-05-04-Discord-api-abuse.md": {
        # date from title "May 4th 2023"; "(all times approximate)"
        # "08:09 AM UTC Issue with accepting new users ... is identified by the Support team."
        "detected_at": T("2023-05-04 08:09", tz="UTC"),
        "acknowledged_at": T("2023-05-04 14:13", tz="UTC"),  # "02:13 PM UTC Issue is looked into"
        # "03:34 PM UTC ... Manual verification is used as a temporary solution in the meantime."
        "mitigated_at": T("2023-05-04 15:34", tz="UTC"),
        # "05:00 PM UTC Member queue is back to a functional state"
        "resolved_at": T("2023-05-04 17:00", tz="UTC"),
    },
    "chia/2023-07-05-email-gift-card-phish.md": {
        # "all times PST" read as Los Angeles local (July 2023 is PDT, UTC-7)
        # "12:11 PM: Impersonator directs an email to the first employee"
        "started_at": T("2023-07-05 19:11", tz="UTC"),
        # "13:36 PM: Employee two forwards the email to IPS and informs the #warroom channel"
        "detected_at": T("2023-07-05 20:36", tz="UTC"),
        # mitigated_at left out: "contained by reporting ..., informing personnel, and marking the
        # email as phishing" spans 13:43 ("Reported as phishing") and 13:52 (#general announcement)
        # "_7/6/23_ 07:05 AM: The attachment has been confirmed clean"
        "resolved_at": T("2023-07-06 14:05", tz="UTC"),
    },
    "chia/2023-08-04-compromised-self-hosted-runners.md": {
        # "all times PST" read as Los Angeles local (July 2023 is PDT, UTC-7)
        # "07-29-2023 11:51 am - Unauthorized access to the runners was gained"
        "started_at": T("2023-07-29 18:51", tz="UTC"),
        # detected/acknowledged left out: settings were changed at "07-30-2023 2:42 am" after
        # untimed probing was noticed, and the bugcrowd report came at "07-31-2023 9:13 am"
        # "07-31-2023 11:20 am - all self-hosted runners were stopped, removing the ... access"
        "mitigated_at": T("2023-07-31 18:20", tz="UTC"),
        # "actively working on getting the compromised hosts rebuilt"; rotation still pending
        "resolved_at": None,
    },
    "chia/2024-02-15-Financial-instutition-credentials.md": {
        # "February 15, 2024: 7:56am UTC CNI Employee received an email from financial institution"
        "detected_at": T("2024-02-15 07:56", tz="UTC"),
        # acknowledged_at left out: at 1:15 PM the security team "were already investigating"
        # "February 16, 2024: 7:20pm UTC" the bank matched the access; closed "as a false positive"
        "resolved_at": T("2024-02-16 19:20", tz="UTC"),
    },
    "chia/2025-02-25-block_production_impact_due_FastForward_mempool_issues.md": {
        # "all times PST" (February: PST, UTC-8); started_at left out: "11:00 pm - Mempool
        # spendbundle count started slowly increasing" vs "4:45 pm - ... netspace started
        # decreasing"
        # "02-15-2025 3:00 am - The hotfix release ... deployment completed as version 2.5.1"
        # ("Version 2.5.1 ... contains a workaround")
        "mitigated_at": T("2025-02-15 11:00", tz="UTC"),
        # "02-19-2025 3:15 pm - Version 2.5.2 was released that included the bug fixes"
        "resolved_at": T("2025-02-19 23:15", tz="UTC"),
    },
    "chia/2022-08-19-CATbleed.md": {
        # "all times PST" read as Los Angeles local (June 2022 is PDT, UTC-7)
        # "June 14th, 2022, 10:00 AM: ... Trail Of Bits reported that a class of ... vulnerability"
        "detected_at": T("2022-06-14 17:00", tz="UTC"),
        # "June 14th, 2022, 10:30 AM: The reported issue was reviewed by Matt Hauff"
        "acknowledged_at": T("2022-06-14 17:30", tz="UTC"),
        # mitigated/resolved left out: monitor (Jun 16), 1.4.0 (Jun 29), 1.5.0 (Jul 26), offer
        # invalidation (Jul 26 9:00 PM) and CAT2 re-minting (Aug 1) are all candidates
    },
    # --------------------------------------------------------------- posthog
    "posthog/2025-09-29-flags-is-down.md": {
        # "**16:58 UTC** - Writer database begins experiencing connection saturation"
        "started_at": T("2025-09-29 16:58", tz="UTC"),
        # "**17:25 UTC** - Incident declared, rollback attempted"
        "acknowledged_at": T("2025-09-29 17:25", tz="UTC"),
        "mitigated_at": T("2025-09-29 18:46", tz="UTC"),  # "**18:46 UTC** - Service fully restored"
        "resolved_at": T("2025-09-29 18:46", tz="UTC"),  # same line; "outage ... to 18:46 UTC"
    },
    "posthog/2025-10-03-surveys-sdk-bug.md": {
        # "All times in UTC."; "**10:45** - SDK version 1.270.0 deployed"
        "started_at": T("2025-10-03 10:45", tz="UTC"),
        # "**14:59** - Support engineer notices two similar customer reports"
        "detected_at": T("2025-10-03 14:59", tz="UTC"),
        # "**15:25** - Issue confirmed by surveys team. Begin reverting"
        "acknowledged_at": T("2025-10-03 15:25", tz="UTC"),
        "mitigated_at": T(
            "2025-10-03 16:11", tz="UTC"
        ),  # "**16:11** - Reverts deployed, issue mitigated."
        "resolved_at": T("2025-10-03 22:28", tz="UTC"),  # "**22:28** - Incident closed"
    },
    "posthog/2025-11-15-persons-db-migration.md": {
        # "From November 11, 4:02 PM UTC to November 14, 3:02 PM UTC"
        "started_at": T("2025-11-11 16:02", tz="UTC"),
        # "By November 14, 2025, 15:02 UTC, ingestion was healthy again"
        "mitigated_at": T("2025-11-14 15:02", tz="UTC"),
        # "By November 15, 6:20 AM UTC ... fully recovered."
        "resolved_at": T("2025-11-15 06:20", tz="UTC"),
    },
    "posthog/2025-11-26-shai-hulud-attack.md": {
        # "At 4:11 AM UTC on November 24th, ... packages were compromised"
        "started_at": T("2025-11-24 04:11", tz="UTC"),
        # "By 9:30 AM UTC, we had identified ..., deleted them, and revoked"
        "mitigated_at": T("2025-11-24 09:30", tz="UTC"),
    },
    "posthog/2026-01-17-replay-sdk-fetch-wrapper-incident.md": {
        # "Time (UTC)", "Date: January 14-19, 2026"; "Jan 14, 10:18 AM | A customer reached out"
        "detected_at": T("2026-01-14 10:18", tz="UTC"),
    },
    "posthog/2024-02-28-decide-is-down.md": {
        # year from the file name; "On 28th February, PostHog Feature Flags went down for about
        # 3 hours, from 15:30 to 18:10 UTC."
        "started_at": T("2024-02-28 15:30", tz="UTC"),
        "mitigated_at": T("2024-02-28 18:10", tz="UTC"),
    },
}

#: how the incident was first noticed (only where the text says so clearly)
DETECTION: dict[str, str] = {
    # "as a result of alerts"
    "dfds/PM2021-005-All-services-returning-503-in-Kubernetes.md": "monitoring",
    # user report before alarm
    "dfds/PM2021-007-All-services-returning-503-in-Kubernetes.md": "customer",
    # "First report of issue by user"
    "dfds/PM2021-010-A-limited-amount-of-services-deployed-in-Kubernetes-returning-504.md": "customer",  # noqa: E501
    "dfds/PM2022-002-Logs-not-shipped-to-CloudWatch.md": "monitoring",  # "Received alert"
    "dfds/PM2020-002-KIAM-service-disruption-on-Hellman.md": "monitoring",  # "First alert"
    "dfds/PM2020-004-CoreDNS-upgrade-issue.md": "monitoring",  # "When alerted, the SRE team"
    "dfds/PM2020-005-ALB-instance-attachment.md": "monitoring",  # "CloudWatch alert detects"
    # "quickly noticed by the team in Denmark" (who opened the pull request)
    "dfds/PM2019-011-Hellman-Kubernetes-IaC-accidentally-reverted.md": "employee",
    # "Users reporting timeout issues when deploying"
    "dfds/PM2020-008-Alcide-admission-causing-Kubernetes-timeouts.md": "customer",
    # "**Detection:** We received a lot of alerts"
    "dfds/PM2022-001-Prometheus-is-down-with-connection-refused-errors.md": "monitoring",
    # "[No Data] ... alert triggered"
    "dfds/PM2022-007-Kafka-metrics-stopped-being-exported-to-Prometheus.md": "monitoring",
    # "Alerted by end-user team"
    "dfds/PM2022-008-CRUD-operations-on-K8s-Service-resources-unavailable.md": "customer",
    "dfds/PM2023-002-Logs-not-shipped-to-CloudWatch.md": "monitoring",  # "Alert ... is noticed"
    "dfds/PM2024-001-Two-Kubernetes-nodes-went-into-NotReady-state.md": "monitoring",  # "Alert"
    # "notified by PAX team that some of their PODs aren't launching"
    "dfds/PM2024-002-PODs-not-able-to-start-while-being-moved-to-new-nodes-during-AMI-update.md": "customer",  # noqa: E501
    "dfds/PM2024-003-Kube-state-metrics-exposing-wrong-labels.md": "customer",  # "User reported"
    "rust/rust-docsrs-2019-10-21.md": "monitoring",  # "alerts fired ... got paged"
    "rust/rust-cratesio-2020-02-20.md": "customer",  # "report from a user"; "Nobody was paged"
    "chia/2021-05-10-WikiAttack.md": "customer",  # "Reports ... reach Chia tech support"
    "chia/2021-05-26-website-outage.md": "monitoring",  # "respond to alarms"
    "chia/2021-05-09-negative-coin-values.md": "employee",  # "I ... looked at my local node"
    "chia/2021-10-31-DustStorm.md": "monitoring",  # "Chia operations alarms ... fire"
    "chia/2022-06-28-ProxyAbuseReport.md": "third_party",  # "AWS sends an automated email"
    # "Monitoring ... detected the chain stall"
    "chia/2024-06-25-blockchain_mainnet-stall.md": "monitoring",
    "chia/2021-12-15-EmployeeCompromise.md": "employee",  # "Employee recognizes abnormal activity"
    # "when the affected employee noticed that his account was disabled"
    "chia/2022-01-20-EmployeeCompromise.md": "employee",
    # "Employee two forwards the email to IPS and informs the #warroom channel"
    "chia/2023-07-05-email-gift-card-phish.md": "employee",
    # "This spawned a malicious activity report" (the bank's email)
    "chia/2024-02-15-Financial-instutition-credentials.md": "third_party",
    "chia/2022-08-19-CATbleed.md": "third_party",  # "Trail Of Bits reported"
    # "A researcher submitted a bug report via bugcrowd"
    "chia/2023-01-31-CLVM-infinite-recursion.md": "third_party",
    "chia/2023-01-31-Negative-values-allowed-in-settlement_payments.md": "third_party",
    "chia/2023-05-08-Negative-values-allowed-in-settlement_payments.md": "third_party",
    "chia/2023-05-08-Remote-Denial-of-Service-attack-on-full_nodes.md": "third_party",
    "chia/2024-03-07-unfinished_blocks-different-foliage.md": "third_party",
    # "A researcher provided details ... via Keybase and Discord"
    "chia/2023-01-31-Wallet-error-handling-causing-infinite-loop.md": "third_party",
    # "reported by Goro Matsumoto via a HackerOne ... submission"
    "chia/2025-06-24-hsmwizard_utility_unsanitized_user_input.md": "third_party",
    # "The issue was discovered by Chia."
    "chia/2023-05-08-AGG_SIG_UNSAFE-can-mimic-AGG_SIG_ME-condition.md": "employee",
    "chia/2023-05-08-Subscriptions-to-a-full_node-can-cause-a-crash-by-requesting-excessive-data.md": "employee",  # noqa: E501
    # "reported by a community member in keybase"
    "chia/2023-07-21-unbound-CLVM-cost-restriction-on-mempool.md": "customer",
    # "reported for the Release Candidate version in Chia's Discord Server by beta testers"
    "chia/2024-03-07-unfinished_blocks-cache.md": "customer",
    # "A community member disclosed to Chia Network Inc."
    "chia/2024-06-25-GUI-clickable-links-NFT-metadata.md": "customer",
    # "detected through customer support tickets"
    "posthog/2025-10-03-surveys-sdk-bug.md": "customer",
    "posthog/2026-01-17-replay-sdk-fetch-wrapper-incident.md": "customer",  # "A customer reported"
}

#: timelines with times but no stated zone, contradictory zone labels, or malformed times
ZONE_ISSUES: dict[str, str] = {
    "chia/2021-10-31-DustStorm.md": (
        '"13:55 PM", "14:00 PM" ... (24-hour values with PM), "23:00 AM MST" (AM and a '
        'different zone), and "PST" labels on dates that fall in PDT'
    ),
    "chia/2021-05-09-negative-coin-values.md": (
        '"Timeline (UTC)" line "12:48 (6:48 PDT)" is inconsistent (6:48 PDT = 13:48 UTC); '
        'summary says "6:48AM PDT"; range "14:20-2:00" is malformed'
    ),
    "chia/2022-06-28-ProxyAbuseReport.md": '"Time (PST)" for June dates (actually PDT)',
    "chia/04-25-User_Account_Compromise.md": (
        '"Timeline (PST)" for April dates (actually PDT); day marker "-4/25/23_" is malformed'
    ),
    "chia/2024-06-25-blockchain_mainnet-stall.md": (
        'heading range "01/16/2024 - 02/28/2024" does not contain the event date "01-10-2024"'
    ),
    "chia/2022-01-20-EmployeeCompromise.md": (
        'first row "22:40" sits before "22:06" (the summary puts the suspension at 22:04)'
    ),
    "chia/2023-07-05-email-gift-card-phish.md": (
        '"13:06 PM" ... "18:41 PM" (24-hour values with PM); "PST" for July dates (PDT)'
    ),
    "chia/2023-08-04-compromised-self-hosted-runners.md": '"all times PST" for July dates (PDT)',
    "chia/2022-08-19-CATbleed.md": '"all times PST" for June/July dates (PDT)',
    "chia/2022-10-20-Beta-Keybase-Channel-Permissions.md": (
        'heading "all times PST" but every line is labelled "CST"'
    ),
    "chia/2024-02-15-Financial-instutition-credentials.md": (
        '"At around 8 pm UTC on February 14, 2024" among February 15 events'
    ),
    "dfds/PM2020-005-ALB-instance-attachment.md": (
        '"All times in CET" for a June date (CEST in effect)'
    ),
    "dfds/PM2020-003-Postmortem-for-ADSync-migration.md": (
        'five-digit year "20202-01-16" in every row'
    ),
    "dfds/PM2022-004-Kafka-metrics-missing-from-Prometheus.md": (
        'placeholder row "2022-02-?? ??:??"'
    ),
    "dfds/PM2022-006-ALB-502-errors.md": 'placeholder times "HH:mm" and date "2021/22-??-??"',
    "dfds/PM2024-001-Two-Kubernetes-nodes-went-into-NotReady-state.md": (
        'template row "2024-03-13 HH:mm | Short event description." and times "14:??"'
    ),
    "dfds/PM2019-009-Kubernetes-network-infrastructure-IP-starvation.md": 'row "2019-12-03 --:--"',
    "dfds/PM2020-007-Unhealthy-nodes.md": '"All times in CET" for an October date (CEST in effect)',
    "dfds/PM2022-008-CRUD-operations-on-K8s-Service-resources-unavailable.md": (
        'range with a placeholder end "12:26-12:??"'
    ),
    "posthog/2025-11-26-shai-hulud-attack.md": (
        '"At 5:40PM on November 18th" has no zone (screenshots said to be UTC+2)'
    ),
}
