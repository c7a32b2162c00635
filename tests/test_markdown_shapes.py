"""Shapes real postmortems take that the reader had not met, each from a real line.

The lines quoted here come from the documents in ``tests/corpora`` (MoJ Cloud
Platform, Jenkins infrastructure, 2i2c), shortened.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import pmkit
from pmkit.io.markdown import read_markdown
from pmkit.loading import _frames

T = pd.Timestamp


def read(text: str, name: str = "2024-05-01-test.md", **kw: object) -> pmkit.Postmortems:
    parsed = read_markdown(text, source=name, **kw)  # type: ignore[arg-type]
    return pmkit.Postmortems(**_frames(parsed))


def codes(pm: pmkit.Postmortems) -> list[str]:
    return list(pm.problems["code"])


# -- timelines written as headings ----------------------------------------------------


HEADINGS = """# Incident report May 12 2025 - resource provisioning issue

## Timeline

_All times in EEST_

## May 12

### 20:15

Ticket https://example.freshdesk.com/a/tickets/3310 is opened about user's servers
taking >15min to start and their kernels being killed

### 20:57
First engineer acknowledges the issue

### 23:00

Second engineer starts looking through the logs

### 00:40

Second engineer conclusion is that there was nothing wrong with the hub

## May 13

### 19:28

Community confirms the workshop is running smoothly

## Action Items

- [ ] write an incident report
"""


def test_a_heading_that_starts_with_a_time_is_an_event_with_the_text_under_it() -> None:
    pm = read(HEADINGS, "2025-05-12-earthscope.md")
    ev = pm.events
    assert list(ev["raw_time"]) == ["20:15", "20:57", "23:00", "00:40", "19:28"]
    assert ev["text"].iloc[0].startswith("Ticket https://example.freshdesk.com")
    assert ev["text"].iloc[0].endswith("their kernels being killed")
    # EEST (UTC+3), written once in italics under the Timeline heading
    assert ev["at"].iloc[0] == T("2025-05-12 17:15", tz="UTC")
    # 00:40 after 23:00 rolls past midnight; "## May 13" gives the next day's date
    assert ev["at"].iloc[3] == T("2025-05-12 21:40", tz="UTC")
    assert ev["at"].iloc[4] == T("2025-05-13 16:28", tz="UTC")
    inc = pm.incidents.iloc[0]
    # "Ticket ... is opened about user's servers ...": someone asked for help
    assert inc["detected_at"] == T("2025-05-12 17:15", tz="UTC")
    assert inc["detection_source"] == "customer"
    assert inc["acknowledged_at"] == T("2025-05-12 17:57", tz="UTC")
    assert len(pm.actions) == 1


def test_a_zone_in_the_timeline_heading_and_12_hour_heading_times() -> None:
    text = (
        "# LEAP hub outage\n\n## Timeline (times in BST)\n\n### 5:00 PM\nIncident declared\n\n"
        "### 5:37 PM\nFirst reports of users encountering 404 errors whilst accessing the hub\n\n"
        "### 6:11 PM\nIncident resolved.\n"
    )
    pm = read(text, "2025-08-12-leap-outage.md")
    inc = pm.incidents.iloc[0]
    assert inc["acknowledged_at"] == T("2025-08-12 16:00", tz="UTC")  # BST is UTC+1
    assert inc["resolved_at"] == T("2025-08-12 17:11", tz="UTC")
    # the report came after someone took the incident on: it had been noticed by then
    assert inc["detected_at"] == T("2025-08-12 16:00", tz="UTC")
    assert inc["detected_from"] == "inferred"
    assert "milestone.order" not in codes(pm)


# -- front matter ---------------------------------------------------------------------


CSTATE = """---
title: get.jenkins.io disk quota exceeded
date: 2021-04-19T18:50:00-00:00
resolved: true
resolvedWhen: 2021-04-19T21:12:00-00:00
# Possible severity levels: down, disrupted, notice
severity: down
section: issue
---

The get.jenkins.io pods are unable to mount their Azure file storage.
"""


def test_a_status_page_incident_gives_its_start_and_resolution() -> None:
    pm = read(CSTATE, "2021-04-19-get-jenkins-io.md")
    inc = pm.incidents.iloc[0]
    # cstate: date is when it began, resolvedWhen when it ended ("resolved: true" says whether)
    assert inc["started_at"] == T("2021-04-19 18:50", tz="UTC")
    assert inc["started_from"] == "metadata"
    assert inc["resolved_at"] == T("2021-04-19 21:12", tz="UTC")
    assert inc["severity"] == "SEV1"  # "down"
    assert "frontmatter.bad_value" not in codes(pm)


def test_front_matter_keys_in_camel_case_are_read() -> None:
    pm = read("---\nstartedAt: 2024-05-01T10:00:00Z\nResolved At: 2024-05-01T11:00:00Z\n---\n")
    inc = pm.incidents.iloc[0]
    assert inc["started_at"] == T("2024-05-01 10:00", tz="UTC")
    assert inc["resolved_at"] == T("2024-05-01 11:00", tz="UTC")


def test_front_matter_offsets_give_the_zone_of_timeline_times_that_state_none() -> None:
    text = (
        "---\ndate: 2021-05-30T08:13:00-00:00\nresolvedWhen: 2021-06-02T01:00:00-00:00\n---\n\n"
        "## Timeline\n\n"
        "* 2021-06-01T19:45 - Mark Waite investigates Jenkins 2.296 not being visible on "
        "www.jenkins.io, detects blocked update center job\n"
    )
    pm = read(text, "2021-06-01-updates-job-blocked.md")
    assert pm.events["at"].iloc[0] == T("2021-06-01 19:45", tz="UTC")
    assert "time.zone_from_line" in codes(pm)
    assert "time.no_zone" not in codes(pm)


# -- zones ----------------------------------------------------------------------------


def test_one_zone_a_line_writes_is_the_zone_of_times_that_state_none() -> None:
    text = (
        "# Incident on 2020-04-15 Nginx/TLS\n\n- **Key events**\n"
        "  - Fault occurs 2020-04-15 07:15\n  - Incident declared 2020-04-15 14:39\n"
        "  - Resolved 2020-04-15 15:09\n\n- **Status**: Resolved at 2020-04-15 15:09 UTC\n"
    )
    # the document's own UTC wins over the zone passed for documents that state none
    pm = read(text, "2020-04-15-nginx-tls.md", tz="Europe/London")
    inc = pm.incidents.iloc[0]
    assert inc["started_at"] == T("2020-04-15 07:15", tz="UTC")  # "Fault occurs"
    assert inc["acknowledged_at"] == T("2020-04-15 14:39", tz="UTC")
    problem = pm.problems.set_index("code").loc["time.zone_from_line"]
    assert problem["line"] == 8 and "UTC" in problem["message"]


def test_a_zone_statement_below_the_lines_it_applies_to() -> None:
    text = "# Outage\n\n- 2024-05-01 10:00 errors begin\n- 10:30 rolled back\n\nAll times in UTC.\n"
    pm = read(text)
    assert list(pm.events["at"]) == [
        T("2024-05-01 10:00", tz="UTC"),
        T("2024-05-01 10:30", tz="UTC"),
    ]
    assert "time.no_zone" not in codes(pm)


def test_a_city_written_after_each_time_is_its_zone() -> None:
    text = (
        "## Timeline - May 29, 2021\n\n"
        "* 17:39 Denver - Started Jenkins core build, detected that maven agents were not "
        "being allocated\n"
        "* 20:09 DEnver - Outage resolved, ACI agents are allocated on ci.jenkins.io\n"
    )
    pm = read(text, "2021-05-29-no-aci-agents.md")
    # Denver is UTC-6 in May (MDT)
    assert list(pm.events["at"]) == [
        T("2021-05-29 23:39", tz="UTC"),
        T("2021-05-30 02:09", tz="UTC"),
    ]


# -- lines and labels -----------------------------------------------------------------


KEY_EVENTS = """---
title: Incident on 2020-08-07 - Master node provisioning failure
---

# Incident on 2020-08-07 - Master node provisioning failure

- **Key events**
  - First detected 2020-08-07 15:51
  - Repaired 2020-08-07 16:29
  - Incident declared 2020-08-07 16:39
  - Resolved 2020-08-14 10:06

- **Identified**: Pingdom reported Concourse (concourse.example.gov.uk) down.
"""


def test_a_key_events_list_and_an_identified_label() -> None:
    pm = read(KEY_EVENTS, "2020-08-07-master-node.md", tz="Europe/London")
    inc = pm.incidents.iloc[0]
    assert inc["detected_at"] == T("2020-08-07 14:51", tz="UTC")  # BST
    assert inc["mitigated_at"] == T("2020-08-07 15:29", tz="UTC")  # "Repaired"
    assert inc["mitigated_from"] == "timeline"
    assert inc["resolved_at"] == T("2020-08-14 09:06", tz="UTC")
    # "**Identified**: Pingdom reported ...": the author says how it was noticed
    assert inc["detection_source"] == "monitoring"


def test_a_line_dated_a_year_before_its_neighbours_is_a_typo_left_out() -> None:
    text = (
        "# Incident on 2023-01-11\n\n"
        "  - 2023-01-11 14:22: Cloud Platform team member observed failed DockerHub logins\n"
        "  - 2023-01-11 14:34: Discovered that cluster DockerHub passwords do not match\n"
        "  - 2022-01-11 14:40 Concourse DockerHub password updated\n"
        "  - 2023-01-11 14:51 Explanation revealed.\n"
    )
    pm = read(text, "2023-01-11-cluster-image-pull.md", tz="UTC")
    inc = pm.incidents.iloc[0]
    # the 2022 line would have been the start, a year early
    assert inc["started_at"] == T("2023-01-11 14:22", tz="UTC") or pd.isna(inc["started_at"])
    assert pm.events["at"].iloc[2] == T("2022-01-11 14:40", tz="UTC")  # kept as written
    p = pm.problems[pm.problems["code"] == "time.out_of_order"]
    assert list(p["line"]) == [5] and "364 days before" in p["message"].iloc[0]


def test_struck_through_text_is_not_read_and_comments_keep_line_numbers() -> None:
    text = (
        "---\ndate: 2025-01-08T22:00:00-00:00\nresolvedWhen: 2025-01-30T17:30:00-00:00\n---\n"
        "<!-- [Closing message]\nsomething -->\n"
        "<strike>The Azure outage finished the 04:30 UTC on 11 Jan 2025 </strike>\n"
        "Windows builds are now flowing. ~~Preliminary: at 05:00 UTC~~\n\n"
        "- 2025-01-08 22:10 UTC builds stuck in the queue\n"
    )
    pm = read(text, "2025-01-08-azure.md")
    assert list(pm.events["raw_time"]) == ["2025-01-08 22:10 UTC"]
    assert pm.events["line"].iloc[0] == 10  # the comment's two lines still count


def test_cstate_severities_and_status_page_words() -> None:
    for word, sev in (("down", "SEV1"), ("disrupted", "SEV2"), ("notice", "SEV5")):
        pm = read(f"---\nseverity: {word}\n---\n# x\n")
        assert pm.incidents["severity"].iloc[0] == sev


# -- day-first and month-first numeric dates ---------------------------------------


def _dated(tmp_path: Path, name: str, body: str, tz: str | None = None) -> pmkit.Postmortems:
    (tmp_path / name).write_text(body, encoding="utf-8")
    return pmkit.load(tmp_path / name, tz=tz)


def test_a_day_first_date_makes_the_documents_ambiguous_dates_day_first(tmp_path: Path) -> None:
    # "13-01-2026" can only be day-first, so "12-01-2026" is 12 January, not 1 December
    pm = _dated(
        tmp_path,
        "db-outage.md",
        "# DB outage\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 12-01-2026 23:50 replication lag alert fired\n"
        "- 13-01-2026 00:20 failover done, service restored\n",
    )
    row = pm.incidents.iloc[0]
    assert row["detected_at"] == pd.Timestamp("2026-01-12 23:50", tz="UTC")
    assert row["mitigated_at"] == pd.Timestamp("2026-01-13 00:20", tz="UTC")
    assert "time.ambiguous_date" not in set(pm.problems["code"])
    assert row["detected_confidence"] == "stated"


def test_the_file_names_date_decides_an_ambiguous_date(tmp_path: Path) -> None:
    pm = _dated(
        tmp_path,
        "2023-07-05-phish.md",
        "# Phish\n\n## Timeline\n\nAll times PST.\n\n"
        "- 7/5/2023 10:02 AM an employee reported a suspicious email\n"
        "- 7/5/2023 11:40 AM sender blocked\n",
    )
    assert pm.incidents.iloc[0]["detected_at"] == pd.Timestamp("2023-07-05 17:02", tz="UTC")
    assert "time.ambiguous_date" not in set(pm.problems["code"])


def test_an_undecided_date_is_read_by_the_zones_custom_and_said_ambiguous(tmp_path: Path) -> None:
    body = (
        "# Outage\n\n## Timeline\n\n{zone}\n\n"
        "- 06/10/2025 09:00 users report errors\n- 10:30 rolled back, errors stopped\n"
    )
    uk = _dated(tmp_path, "uk.md", body.format(zone="All times are BST."))
    assert uk.incidents.iloc[0]["detected_at"] == pd.Timestamp("2025-10-06 08:00", tz="UTC")
    us = _dated(tmp_path, "us.md", body.format(zone="All times Eastern."))
    assert us.incidents.iloc[0]["detected_at"] == pd.Timestamp("2025-06-10 13:00", tz="UTC")
    for pm, order in ((uk, "day-first"), (us, "month-first")):
        amb = pm.problems[pm.problems["code"] == "time.ambiguous_date"]
        assert amb["line"].tolist() == [7]
        assert f"read {order}" in amb["message"].iloc[0]
        assert "YYYY-MM-DD" in amb["message"].iloc[0]
        assert pm.incidents.iloc[0]["detected_confidence"] == "ambiguous"
        # the line after it is not doubted: its time, not its date, is read there
        assert pm.incidents.iloc[0]["mitigated_confidence"] == "stated"
    plain = _dated(tmp_path, "utc.md", body.format(zone="All times UTC."))
    assert plain.incidents.iloc[0]["detected_at"] == pd.Timestamp("2025-06-10 09:00", tz="UTC")
    assert "no date of the document shows the order" in plain.problems["message"].iloc[0]


def test_day_first_holds_for_one_document_only(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "# A\n\n## Timeline\n\nAll times UTC.\n\n- 13/01/2026 10:00 alert fired\n"
        "- 14/01/2026 09:00 fixed, service restored\n",
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text(
        "# B\n\n## Timeline\n\nAll times UTC.\n\n- 01/02/2026 10:00 alert fired\n"
        "- 01/13/2026 11:00 fixed, service restored\n",
        encoding="utf-8",
    )
    inc = pmkit.load(tmp_path).incidents.set_index("incident_id")
    assert inc.loc["a", "detected_at"] == pd.Timestamp("2026-01-13 10:00", tz="UTC")
    assert inc.loc["b", "detected_at"] == pd.Timestamp("2026-01-02 10:00", tz="UTC")
    from pmkit import timeparse

    assert timeparse.find_date("12/01/2026") == timeparse.date(2026, 12, 1)


# -- the first response ----------------------------------------------------------


def test_a_response_before_the_declared_incident_is_the_acknowledgement(tmp_path: Path) -> None:
    # MoJ: "09:00 - Team started to put together the list ...", "09:31 Incident declared"
    pm = _dated(
        tmp_path,
        "2023-07-21-cni.md",
        "# CNI\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 08:15 User reported issues with new deployments\n"
        "- 08:20 GitHub updates their status page\n"
        "- 09:00 Team started to put together the list of affected namespaces\n"
        "- 09:31 Incident declared\n- 12:42 Incident repaired\n",
    )
    row = pm.incidents.iloc[0]
    assert row["acknowledged_at"] == pd.Timestamp("2023-07-21 09:00", tz="UTC")
    assert (row["acknowledged_from"], row["acknowledged_line"]) == ("inferred", 9)
    why = pm.evidence().set_index("milestone").loc["acknowledged_at", "why"]
    assert why.startswith("the first response comes before the line that says")


def test_a_detection_line_that_says_it_was_acknowledged(tmp_path: Path) -> None:
    pm = _dated(
        tmp_path,
        "2023-11-01-prom.md",
        "# Prometheus restarted\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 10:15 PagerDuty alert from Pingdom that Prometheus is DOWN. Team acknowledged and "
        "checked the state of the server.\n- 10:41 Incident declared\n- 12:00 Incident resolved\n",
    )
    row = pm.incidents.iloc[0]
    assert (
        row["detected_at"] == row["acknowledged_at"] == pd.Timestamp("2023-11-01 10:15", tz="UTC")
    )
    assert row["acknowledged_line"] == 7


def test_a_prose_line_that_opens_with_its_time_keeps_its_other_sentences(tmp_path: Path) -> None:
    # no Timeline section: "- **Context**:" bullets, each opening with its time
    pm = _dated(
        tmp_path,
        "2023-11-01-ctx.md",
        "# Prometheus restarted\n\n- **Context**:\n"
        "  - 2023-11-01 10:15: PagerDuty alert from Pingdom that Prometheus is DOWN. Team "
        "acknowledged and checked the state of the server.\n"
        "  - 2023-11-01 12:35: Team enabled debug logging\n\n"
        "We think that at 13:00 UTC it recovered. Later it was fine.\n",
        tz="UTC",
    )
    texts = pm.events["text"].tolist()
    assert texts[0].endswith("is DOWN. Team acknowledged and checked the state of the server")
    assert pm.incidents.iloc[0]["acknowledged_at"] == pd.Timestamp("2023-11-01 10:15", tz="UTC")
    # a sentence with a time inside a paragraph is no entry: the next one is not its text
    assert not any("Later it was fine" in t for t in texts)


def test_a_mitigation_attempt_that_did_not_work_is_not_the_mitigation(tmp_path: Path) -> None:
    # Jenkins: a downgrade and restart at 17:50, "problem is still visible" at 18:17
    pm = _dated(
        tmp_path,
        "2021-05-29-aci.md",
        "# ACI agents\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 17:39 detected that agents were not being allocated\n"
        "- 17:50 Downgraded the container plugin, restarted Jenkins\n"
        "- 18:17 Confirmed problem is still visible after upgrade\n"
        "- 18:19 Record plugin file system times in case rollback needed\n"
        "- 20:01 Downgraded those 5 plugins and restarted Jenkins\n"
        "- 20:09 Outage resolved, agents are allocated\n",
    )
    row = pm.incidents.iloc[0]
    assert row["mitigated_at"] == pd.Timestamp("2021-05-29 20:01", tz="UTC")
    assert row["mitigated_line"] == 11


def test_a_status_page_date_that_is_the_users_report_is_no_start(tmp_path: Path) -> None:
    # cstate: `date` is when the incident was posted; here the text says a user reported
    # it then, so the impact began earlier, nobody says when
    pm = _dated(
        tmp_path,
        "2023-04-19-mirror.md",
        "---\ntitle: Mirror slow\ndate: 2023-04-19T07:32:00-00:00\nresolved: true\n"
        "resolvedWhen: 2023-04-19T13:25:00-00:00\n---\n\n"
        "The mirror is slow and may respond HTTP/502 as reported by a user at 7:32am UTC.\n",
    )
    row = pm.incidents.iloc[0]
    assert pd.isna(row["started_at"])
    assert row["detected_at"] == pd.Timestamp("2023-04-19 07:32", tz="UTC")
    assert row["resolved_at"] == pd.Timestamp("2023-04-19 13:25", tz="UTC")


def test_a_detection_line_whose_author_investigates_acknowledges(tmp_path: Path) -> None:
    # Jenkins: "Mark Waite investigates ..., detects blocked update center job"
    pm = _dated(
        tmp_path,
        "2021-06-01-uc.md",
        "# Update center blocked\n\n## Timeline\n\nAll times UTC.\n\n"
        "- 2021-06-01T19:45 - Mark Waite investigates missing release, detects blocked job\n"
        "- 2021-06-02T01:50 - the latest weekly appears on the update center\n",
    )
    row = pm.incidents.iloc[0]
    assert (
        row["acknowledged_at"] == row["detected_at"] == pd.Timestamp("2021-06-01 19:45", tz="UTC")
    )


def test_a_response_timeline_heading_is_the_timeline(tmp_path: Path) -> None:
    # conda-forge: "## Response timeline" (not the React step)
    pm = _dated(
        tmp_path,
        "2025-04-02-token.md",
        "# Token leak\n\n## Response timeline\n\n"
        "- 2025-04-01 13:35 UTC: An auditor notified `conda-forge` of the leaked token.\n"
        "- 2025-04-01 14:00 UTC: The core team acknowledged receipt of the report.\n"
        "- 2025-04-01 14:15 UTC: The core team disabled the token and stopped uploads.\n"
        "- 2025-04-01 23:02 UTC: The status page incident was marked as resolved.\n",
    )
    row = pm.incidents.iloc[0]
    assert [row[c].strftime("%H:%M") for c in ("detected_at", "acknowledged_at")] == [
        "13:35",
        "14:00",
    ]
    assert row["mitigated_at"].strftime("%H:%M") == "14:15"
    assert row["resolved_at"].strftime("%H:%M") == "23:02"


def test_times_without_a_zone_take_the_zone_nearly_every_time_is_written_in(
    tmp_path: Path,
) -> None:
    # mybinder: "16:22 PST" ... then "17:07" alone, and once "0:59 CET" in the summary
    pm = _dated(
        tmp_path,
        "2017-11-30-oom.md",
        "# OOM\n\nNoticed at 0:59 CET.\n\n## Timeline\n\n"
        "### 2017-11-30 16:22 PST\n\nNode runs out of memory, service starts degrading\n\n"
        "### 16:59 PST\n\nInvestigation starts after noticing grafana looks weird\n\n"
        "### 17:04 PST\n\nProxy pods are in CrashloopBackoff and had been restarted ~13 times\n\n"
        "### 17:12\n\nTim restarts the hub pod\n\n"
        "### 17:21 PST\n\nService is restored, user pods start running again\n",
    )
    row = pm.incidents.iloc[0]
    assert row["started_at"] == pd.Timestamp("2017-12-01 00:22", tz="UTC")
    assert (
        row["acknowledged_at"] == row["detected_at"] == pd.Timestamp("2017-12-01 00:59", tz="UTC")
    )
    assert row["mitigated_at"] == pd.Timestamp("2017-12-01 01:12", tz="UTC")
    assert "time.no_zone" not in set(pm.problems["code"])
    assert "time.zone_from_line" in set(pm.problems["code"])
    # the last line says the service is back and nothing follows: resolved then (inferred)
    assert row["resolved_at"] == pd.Timestamp("2017-12-01 01:21", tz="UTC")
    assert row["resolved_from"] == "inferred"


def test_no_resolution_is_inferred_for_an_open_incident_or_a_last_step(tmp_path: Path) -> None:
    body = (
        "# Outage\n\n{meta}## Timeline\n\nAll times UTC.\n\n- 2024-05-01 10:00 alert fired\n"
        "- 10:30 {last}\n"
    )
    still_open = _dated(
        tmp_path, "a.md", body.format(meta="**Status:** Open\n\n", last="service restored")
    )
    assert pd.isna(still_open.incidents.iloc[0]["resolved_at"])
    a_step = _dated(tmp_path, "b.md", body.format(meta="", last="the deploy was rolled back"))
    assert pd.isna(a_step.incidents.iloc[0]["resolved_at"])
    over = _dated(tmp_path, "c.md", body.format(meta="", last="service restored"))
    assert over.incidents.iloc[0]["resolved_at"] == pd.Timestamp("2024-05-01 10:30", tz="UTC")


def test_a_typo_in_the_zones_region_still_names_the_zone(tmp_path: Path) -> None:
    pm = _dated(
        tmp_path,
        "2020-07-09-scipy.md",
        "# Launches\n\n## Timeline\n\nAll times in UC/Pacific\n\n"
        "### 07:30am - First report\n\nWe hear reports that launches fail\n",
    )
    assert pm.incidents.iloc[0]["detected_at"] == pd.Timestamp("2020-07-09 14:30", tz="UTC")


def test_a_fence_with_an_info_string_does_not_close_an_open_fence(tmp_path: Path) -> None:
    # DataHub: "```" opens a block, "```bash" inside it is text, "```" closes it
    pm = _dated(
        tmp_path,
        "2017-02-09-db.md",
        "# DB\n\n## Timeline\n\nAll times UTC.\n\n### 2017-02-09 00:25\n\nDebugging.\n\n"
        "```\n```bash\nsqlite3\n```\n\n### 01:12\n\nUsers report all their notebooks are gone\n\n"
        "### 11:17\n\nAll clear given\n",
    )
    row = pm.incidents.iloc[0]
    assert row["detected_at"] == pd.Timestamp("2017-02-09 01:12", tz="UTC")
    assert row["resolved_at"] == pd.Timestamp("2017-02-09 11:17", tz="UTC")


def test_a_later_sentence_of_an_entry_can_say_who_reported_or_took_it_on(
    tmp_path: Path,
) -> None:
    pm = _dated(
        tmp_path,
        "2019-05-01-leak.md",
        "# Key leak\n\n## Timeline\n\nAll times UTC.\n\n"
        "### May 1 2019, 3:18 PM\n\nA template is pushed to GitHub with live credentials.\n\n"
        "Google immediately notified us via email within seconds.\n\n"
        "### 3:19 PM\n\nDiscussion and notification starts in slack.\n\n"
        "### 3:27 PM\n\nBoth keys are revoked.\n",
    )
    row = pm.incidents.iloc[0]
    assert row["detected_at"] == pd.Timestamp("2019-05-01 15:18", tz="UTC")
    assert row["detection_source"] == "third_party"
    assert row["acknowledged_at"] == pd.Timestamp("2019-05-01 15:19", tz="UTC")
    assert row["mitigated_at"] == pd.Timestamp("2019-05-01 15:27", tz="UTC")
