"""Milestones of one document from its events: as stated, then inferred.

The earliest line of each kind gives a milestone (the latest for
:data:`~pmkit.io._incident.LATEST_MILESTONES`); front matter wins over lines.
Lines that cannot be this incident's are passed over; a window the summary
states ("between 12:17 and 12:30 UTC") gives the start and the mitigation no line
marks; what is still missing is inferred (start, detection, acknowledgement,
mitigation), each with a ``milestone.inferred`` warning and provenance
``inferred``. Each warning names its column with
:func:`~pmkit.io._incident.taken`: :func:`pmkit.io.merge.merge_sources` drops
it when a platform states that milestone.
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta
from typing import Any

from pmkit import classify
from pmkit.io._incident import KIND_OF_MILESTONE, LATEST_KINDS, LATEST_MILESTONES, pick, taken
from pmkit.io.markdown._sections import _Sections
from pmkit.io.markdown._text import _EPOCH, _MILESTONE_KEYS, _memo_default

#: Event kinds that show someone working on the incident, when none says so.
_RESPONSES = frozenset({"escalated", "action", "communicated_internal", "communicated_external"})
#: Event kinds that show responders already working on the incident.
_WORKING = _RESPONSES | {"acknowledged", "mitigated"}
_ANY_MILESTONE_KEY = frozenset(k for keys in _MILESTONE_KEYS.values() for k in keys)
#: A line announcing that planned work begins ("Maintenance ... started",
#: "Kubernetes upgrade commenced"), only tried on the earliest line of a
#: timeline that marks no start.
_WORK_BEGINS = re.compile(
    r"(?:[\w./-]+ ){0,3}(?:maintenance|upgrade|migration|workshop)\b[^.;]{0,60}?"
    r"\b(?:started|starts|commenced|commences|began|begins|kicked off)\W*$"
    r"|(?:started|starting|began|commenced|beginning) (?:the |a |an )?(?:[\w./-]+ ){0,3}"
    r"(?:maintenance|upgrade|migration|workshop)\b",
    re.IGNORECASE,
)


def _has_marker(text: str, vocabulary: classify.Vocabulary | None) -> bool:
    """Whether a timeline line carries an explicit marker ("**Recovery:**", "[ack]")."""
    return classify.event_marker(text, vocabulary)[0] is not None


_is_marked = _memo_default(_has_marker)
#: ``classify.detection_source``, memoised for the default vocabulary.
_detected_by = _memo_default(classify.detection_source)


#: a detection line that also says it was taken on: "... Team acknowledged and checked"
_ALSO_ACKNOWLEDGED = re.compile(
    r"(?<!not )(?<!n't )(?<!un)\b(?:acknowledg(?:ed|es)|ack(?:'d|ed))\b"
    r"(?! (?:that|the (?:problem|issue)))"
    r"|\b(?:(?:started|starts|began|begins) )?investigat(?:es|ed|ing)\b"
    r"|\binvestigation (?:is |was |has been )?(?:starts|started|begins|began|begun|launched|"
    r"opened)\b"
    r"|\b(?:problem|issue) (?:is|was) identified\b"
    r"|\b(?:looks|looked|looking) into\b"
    # "We realized ... high usage. Tried building a repository"
    r"|\b(?:tried|tries|trying) (?:to )?(?:build|reproduce|launch|restart|debug|fix)\w*",
    re.IGNORECASE,
)
#: words every line that _STILL_BROKEN matches holds (lowercase)
_PERSIST_WORDS = (
    "still",
    "persist",
    "remain",
    "continu",
    "recur",
    "return",
    "came back",
    "comes back",
    "n't",
    "not ",
    "no effect",
    "no impact",
    "improvement",
)


def _may_persist(events: list[dict[str, Any]], mitigated: datetime) -> bool:
    """Whether a line after the first mitigation could say the problem persists (a
    cheap test before :meth:`_Milestones.lasting_mitigation`)."""
    for e in events:
        at = e["at"]
        if at is not None and at > mitigated and e["kind"] != "mitigated":
            low = e["text"].lower()
            if any(w in low for w in _PERSIST_WORDS):
                return True
    return False


#: a line saying the problem goes on after a step meant to mitigate it
_STILL_BROKEN = re.compile(
    r"\bstill (?:visible|occurring|occuring|happening|failing|broken|down|present|seeing|"
    r"(?:not|n't) (?:working|allocat\w+|available|resolved|fixed))\b"
    r"|\b(?:problem|issue|errors?|outage|failures?|symptoms?) (?:is |are )?(?:still )?"
    r"(?:persists?|persisted|remains?|remained|continues?|continued|recurs?|recurred|returns?"
    r"|returned|came back|comes back)\b"
    r"|\bdid(?: not|n't) (?:help|fix|resolve|work|solve|improve)\b"
    r"|\b(?:had|has|have|with) no (?:effect|impact on the (?:problem|issue|errors?))\b"
    r"|\bno improvement\b",
    re.IGNORECASE,
)
#: the last line of a timeline saying the service is back: the incident was over
_SERVICE_BACK = re.compile(
    r"\b(?:restored|again|normal|normally|fine|recovered|available|healthy|operational)\b"
    r"|\bback (?:to|online|up|in)\b|\b(?:is|are|was|were|came|comes|coming) back\b",
    re.IGNORECASE,
)
#: an opening line this long before every other line is a precondition, not the start
_PRECONDITION_GAP = timedelta(hours=24)


class _Milestones(_Sections):
    """Derives a document's milestones and detection source from its events."""

    def milestones(
        self, events: list[dict[str, Any]], marked: dict[str, datetime]
    ) -> tuple[dict[str, datetime | None], dict[str, str | None]]:
        """Each milestone column's time and where it came from.

        Provenance is ``metadata`` (front matter), ``timeline`` (a line or the
        summary states it) or ``inferred`` (no line states it; a
        ``milestone.inferred`` warning says from what it was taken).

        ``marked`` holds the first explicitly marked start and mitigation ("[start]",
        "**Recovery:**"): a marked mitigation wins over lines whose words merely
        sound like one, and a marked start is never taken for a later wave.
        """
        milestones: dict[str, datetime | None] = {}
        provenance: dict[str, str | None] = {}
        # the earliest time of each kind in one pass over the events, and the
        # latest of the kinds of LATEST_MILESTONES (resolution)
        first_of: dict[str, datetime] = {}
        last_of: dict[str, datetime] = {}
        for e in events:
            at = e["at"]
            if at is not None:
                for kind in (e["kind"], *e.get("also", ())):
                    seen = first_of.get(kind)
                    if seen is None or at < seen:
                        first_of[kind] = at
                    if kind in LATEST_KINDS:
                        seen = last_of.get(kind)
                        if seen is None or at > seen:
                            last_of[kind] = at
        # "PagerDuty alert from Pingdom ... Team acknowledged and checked the state": a
        # detection line that also says someone took the incident on
        # ("Investigation launched. Cluster is full, scaled up ...": a line whose first
        # words take the incident on, whatever else it says)
        for e in events:
            at = e["at"]
            if at is None or e["kind"] in ("acknowledged", "note", "impact_start"):
                continue
            ack = first_of.get("acknowledged")
            if ack is not None and at >= ack:
                continue  # (the search below is the cost: most lines come after it)
            said = _ALSO_ACKNOWLEDGED.search(e["text"])
            if said is not None and (e["kind"] in ("detected", "reported") or said.start() < 3):
                first_of["acknowledged"] = at
        # "17:50 Downgraded the plugin, restarted Jenkins", "18:17 Confirmed problem is still
        # visible": an attempt that did not work is not the mitigation
        if (
            "mitigated" in first_of
            and "mitigated" not in marked
            and _may_persist(events, first_of["mitigated"])
        ):
            lasting = self.lasting_mitigation(events)
            if lasting is None:
                del first_of["mitigated"]
            else:
                first_of["mitigated"] = lasting
        # The author's explicit marker ("**Recovery:** ...") says which line is the
        # mitigation: an earlier line whose words merely sound like one ("the two
        # unhealthy ones were terminated") does not move it. (Only for mitigation:
        # "Discovery:" also labels a finding made long after the detection.)
        if "mitigated" in marked:
            first_of["mitigated"] = marked["mitigated"]
        # the detection a line states, before an acknowledgement may stand in for it
        detected_line, reported_line = first_of.get("detected"), first_of.get("reported")
        if detected_line is None or (reported_line is not None and reported_line < detected_line):
            stated = reported_line
        else:
            stated = detected_line
        ack = first_of.get("acknowledged")
        ack_detection = (
            self.detecting_acks(events, first_of, stated)
            if ack is not None and (stated is None or ack < stated)
            else None
        )
        if (
            ack_detection is None
            and ack is not None
            and stated is not None
            and ack < stated
            and stated == reported_line
        ):
            # "5:00 PM Incident declared" before "5:37 PM First reports of users": the
            # users report what responders were already working on, so it had been
            # noticed by the acknowledgement at the latest (a staff member who "notices"
            # something after troubleshooting another matter did detect it then)
            ack_detection = self.first_ack(events, ack)
            first_of["detected"] = ack
        meta = self.meta
        given = bool(meta) and not _ANY_MILESTONE_KEY.isdisjoint(meta)
        for col, keys in _MILESTONE_KEYS.items():
            at = None
            if given:
                # "resolved: true" says whether, not when: the next key may say when
                key = next((k for k in keys if k in meta and not isinstance(meta[k], bool)), None)
                at = self.meta_time(meta[key], col) if key is not None else None
            start = milestones.get("started_at")
            if at is not None and start is not None and at < start and col != "started_at":
                # "date: 2021-09-23T10:01", "resolvedWhen: 2021-09-20T13:00": a slip in
                # the date; the lines may say when
                self.problem(
                    1,
                    "warning",
                    "frontmatter.bad_value",
                    f"front matter {col} {at:%Y-%m-%d %H:%M} UTC is before the start "
                    f"({start:%Y-%m-%d %H:%M} UTC); ignored: fix the date",
                )
                at = None
            if at is not None:
                milestones[col], provenance[col] = at, "metadata"
                self.evidence[col] = (at, self.meta_line(key) if key is not None else None)
                continue
            of = last_of if col in LATEST_MILESTONES else first_of
            times = [of[k] for k in KIND_OF_MILESTONE[col] if k in of]
            if times:
                milestones[col] = pick(col, times)
                provenance[col] = "timeline"
            else:
                milestones[col], provenance[col] = None, None
        detected = milestones["detected_at"]
        if ack_detection is not None and provenance["detected_at"] == "timeline":
            detected = stated
            self.inferred(
                milestones,
                provenance,
                "detected_at",
                milestones["detected_at"],  # the acknowledgement's time, in first_of
                ack_detection["line"],
                "no earlier line marks the detection",
                (
                    "from this acknowledgement, which says how the incident was noticed"
                    if _detected_by(ack_detection["text"], self.vocab) not in (None, "employee")
                    else "as this acknowledgement, when it had been noticed at the latest (the "
                    "line saying how comes later)"
                )
                + ". Mark the right line [detected] to be explicit",
            )
        if (
            self.start_is_posted
            and provenance["started_at"] == "metadata"
            and provenance["detected_at"] == "timeline"
            and milestones["started_at"] == milestones["detected_at"]
        ):
            # a status-page file's date is when the incident was posted; when a line says
            # that is when it was reported ("as reported by a user at 7:32am UTC"), the
            # impact began before it, nobody says when
            milestones["started_at"], provenance["started_at"] = None, None
        late_ack = self.drop_misplaced(events, first_of, milestones, provenance, marked)
        window = None
        if milestones["started_at"] is None or milestones["mitigated_at"] is None:
            window = self.stated_window()  # "between 12:17 and 12:30 UTC" in the summary
        if milestones["started_at"] is None and window is not None:
            milestones["started_at"], provenance["started_at"] = window[0], "timeline"
            self.evidence["started_at"] = (window[0], self.window_line)
        # one inference is not built on another: the start is inferred from a
        # stated detection, the acknowledgement from a stated detection or start
        stated_start = milestones["started_at"]
        if stated_start is None:
            self.infer_start(events, milestones, provenance, detected)
        start = milestones["started_at"]
        if (
            milestones["mitigated_at"] is None
            and window is not None
            and window[1] is not None
            and (start is None or window[1] >= start)
        ):
            # the end of the window the summary states is when the impact stopped
            milestones["mitigated_at"], provenance["mitigated_at"] = window[1], "timeline"
            self.evidence["mitigated_at"] = (window[1], self.window_line)
        if milestones["mitigated_at"] is None and milestones["resolved_at"] is not None:
            # the impact had ended by the first line saying it was resolved
            # (a line before the resolution the front matter gives counts)
            first_resolved = first_of.get("resolved")
            line = None
            if first_resolved is None or (
                provenance["resolved_at"] == "metadata"
                and milestones["resolved_at"] < first_resolved
            ):
                first_resolved = milestones["resolved_at"]
                line = self.evidence.get("resolved_at", (None, None))[1]
            self.inferred(
                milestones,
                provenance,
                "mitigated_at",
                first_resolved,
                line,
                "no line marks when the impact was mitigated",
                "as the first time it was said to be resolved, when it had ended at the latest. "
                "Mark the right line [mitigated]",
            )
        if milestones["resolved_at"] is None and milestones["mitigated_at"] is not None:
            self.infer_resolution(events, milestones, provenance)
        if (
            milestones["acknowledged_at"] is not None
            and provenance["acknowledged_at"] == "timeline"
            and detected is not None
        ):
            self.earlier_response(events, milestones, provenance, detected)
        if milestones["acknowledged_at"] is None and (
            detected is not None or stated_start is not None or late_ack
        ):
            self.infer_acknowledgement(events, milestones, provenance, detected, stated_start)
        self.check_order(milestones, provenance)
        return milestones, provenance

    def detecting_acks(
        self,
        events: list[dict[str, Any]],
        first_of: dict[str, datetime],
        stated: datetime | None,
    ) -> dict[str, Any] | None:
        """An acknowledgement that says how the incident was noticed is its detection too.

        "Engineers respond to alarms and begin troubleshooting" is one line with two
        milestones; nobody acknowledges an incident before it is detected, so when
        such a line comes before the ``stated`` detection (the first detected or
        reported line) it gives the detection time in ``first_of`` and, in
        :meth:`detection`, the detection source. Only alarms, customers, third
        parties and tests count: responders are staff, so "an employee starts
        troubleshooting" does not say how it was noticed. Returns that line's event.
        Called only when an acknowledgement comes before the stated detection.
        """
        detecting = [
            e
            for e in events
            if e["kind"] == "acknowledged"
            and e["at"] is not None
            and (stated is None or e["at"] < stated)
            and _detected_by(e["text"], self.vocab) not in (None, "employee")
        ]
        if not detecting:
            return None
        for e in detecting:
            e["detects"] = True
        first = min(detecting, key=lambda e: (e["at"], e["line"]))
        first_of["detected"] = first["at"]
        return first

    def first_ack(self, events: list[dict[str, Any]], at: datetime) -> dict[str, Any]:
        """The first acknowledgement (at ``at``), marked as the detection too."""
        first = min(
            (e for e in events if e["kind"] == "acknowledged" and e["at"] == at),
            key=lambda e: e["line"],
        )
        first["detects"] = True
        return first

    def drop_misplaced(
        self,
        events: list[dict[str, Any]],
        first_of: dict[str, datetime],
        milestones: dict[str, datetime | None],
        provenance: dict[str, str | None],
        marked: dict[str, datetime],
    ) -> bool:
        """Start, acknowledgement and mitigation lines that cannot be this incident's.

        An incident cannot start after it was resolved: an impact line after the
        first resolved line belongs to a later incident ("Pull request ...
        unexpectedly triggers the pipeline (see separate post-mortem)", the next
        outage in a document covering several), and the start is inferred as for
        a timeline that marks none. Nobody acknowledges an incident after it was
        resolved either: such a line is follow-up work ("Looking into the issue it
        seems we've been hit by some rate limit", after the team confirmed all
        works) or a later incident's. Nor is an incident mitigated before it was
        detected (or, with no detection, before it started) when a later line
        mitigates it: the earlier line is part of the cause ("turn off one ... EC2
        instance", two days before the abuse report). Nobody mitigates an incident
        before taking it on: an acknowledgement line after the mitigation is
        bookkeeping ("Sev 1 ticket raised", after the load balancer took traffic
        again) when someone was already responding before the mitigation, so it
        is dropped and inferred from the first response; returns whether it was.
        (With no response before it, the mitigation may have been automatic and
        the acknowledgement after it real.) An incident that responders were already working on
        cannot start after it was detected: an impact line after the detection
        and a response to it is a later wave ("Another node entered NotReady
        state"), so the incident had started by the detection at the latest
        (unless the author marked that line the start, "[start]"). A line the
        author marked is never passed over.
        """
        resolved = first_of.get("resolved")
        if resolved is not None:
            for col in ("started_at", "acknowledged_at"):
                at = milestones[col]
                if (
                    provenance[col] == "timeline"
                    and at is not None
                    and at > resolved
                    and not (col == "started_at" and marked.get("impact_start") == at)
                ):
                    milestones[col], provenance[col] = None, None
        detected = milestones["detected_at"]
        bound = detected if detected is not None else milestones["started_at"]
        mitigated = milestones["mitigated_at"]
        if (
            provenance["mitigated_at"] == "timeline"
            and bound is not None
            and mitigated is not None
            and mitigated < bound
            and marked.get("mitigated") != mitigated
        ):
            later = self.lasting_mitigation(events, after=bound)
            if later is not None:
                milestones["mitigated_at"] = later
        mitigated = milestones["mitigated_at"]
        ack = milestones["acknowledged_at"]
        late_ack = (
            provenance["acknowledged_at"] == "timeline"
            and provenance["mitigated_at"] == "timeline"
            and ack is not None
            and mitigated is not None
            and ack > mitigated
            # someone was already responding; with no response before it, the
            # mitigation may have been automatic and the acknowledgement real
            and any(
                e["kind"] in _RESPONSES and e["at"] is not None and e["at"] <= mitigated
                for e in events
            )
        )
        if late_ack:
            milestones["acknowledged_at"], provenance["acknowledged_at"] = None, None
        start = milestones["started_at"]
        if (
            provenance["started_at"] == "timeline"
            and provenance["detected_at"] in ("timeline", "inferred")
            and start is not None
            and marked.get("impact_start") != start
            and detected is not None
            and start > detected
            and any(
                e["kind"] in _WORKING and e["at"] is not None and detected <= e["at"] < start
                for e in events
            )
        ):
            self.inferred(
                milestones,
                provenance,
                "started_at",
                detected,
                None,
                "the first line marking the impact comes after the detection and a response "
                "to it, so it is a later wave",
                "as the detection time, when the incident had started at the latest. Mark the "
                "right line [start]",
            )
        return late_ack

    def infer_resolution(
        self,
        events: list[dict[str, Any]],
        milestones: dict[str, datetime | None],
        provenance: dict[str, str | None],
    ) -> None:
        """No line says the incident was resolved, and the timeline ends when the service
        was restored: it was over then ("17:21 Service is restored, user pods start
        running again" as the last line). The last timed line must be a mitigation at or
        after the mitigation milestone that says the service is back, with nothing later
        than it, and the front matter must not say the incident is still open."""
        status = (self.meta_str("status") or "").lower()
        if status and not status.startswith(("resolved", "closed", "done", "complete", "fixed")):
            return  # "status: open": restored, but not over yet
        timed = [e for e in events if e["at"] is not None]
        mitigated = milestones["mitigated_at"]
        assert mitigated is not None
        window = self.evidence.get("mitigated_at")
        if (
            window is not None
            and window[1] is not None
            and window[1] == self.window_line
            and all(e["at"] <= mitigated for e in timed)
        ):
            # "The outage lasted from around 20:20 to 20:46 UTC" and nothing after it
            self.inferred(
                milestones,
                provenance,
                "resolved_at",
                mitigated,
                window[1],
                "no line says the incident was resolved",
                "as the end of the outage the summary states, after which nothing happens. "
                "Mark the right line [resolved]",
            )
            return
        if not timed:
            return
        last = max(timed, key=lambda e: (e["at"], e["line"]))
        if last["kind"] != "mitigated" or last["at"] < mitigated:
            return
        if not _SERVICE_BACK.search(last["text"]):
            return  # a step ("we reverted the release", "runners were stopped"), not the end
        self.inferred(
            milestones,
            provenance,
            "resolved_at",
            last["at"],
            last["line"],
            "no line says the incident was resolved",
            "as the last line of the timeline, which says the service was restored. Mark the "
            "right line [resolved]",
        )

    def lasting_mitigation(
        self, events: list[dict[str, Any]], after: datetime | None = None
    ) -> datetime | None:
        """The first mitigation line (at or ``after``) not followed by one saying the
        problem persists.

        A line after it (before the next mitigation or resolution) that says the
        problem is "still visible", "persists", or that the step "did not help" makes
        it an attempt. None when every mitigation line was one.
        """
        timed = sorted(
            (e for e in events if e["at"] is not None), key=lambda e: (e["at"], e["line"])
        )
        for i, e in enumerate(timed):
            if e["kind"] != "mitigated" or (after is not None and e["at"] < after):
                continue
            failed = False
            for later in timed[i + 1 :]:
                if later["kind"] in ("mitigated", "resolved"):
                    break
                if _STILL_BROKEN.search(later["text"]):
                    failed = True
                    break
            if not failed:
                return e["at"]
        return None

    def earlier_response(
        self,
        events: list[dict[str, Any]],
        milestones: dict[str, datetime | None],
        provenance: dict[str, str | None],
        detected: datetime,
    ) -> None:
        """A response before the line that says someone took the incident on is the acknowledgement.

        "09:00 Team started to put together the list of affected namespaces", then
        "09:31 Incident declared": the reaction began at 09:00. The first action or
        escalation at or after the detection and before the stated acknowledgement
        (and the mitigation) is taken, with a ``milestone.inferred`` warning. Messages
        do not count: "GitHub updates their status page" is someone else's.
        """
        ack = milestones["acknowledged_at"]
        assert ack is not None
        mitigated = milestones["mitigated_at"]
        responses = [
            e
            for e in events
            if e["kind"] in ("action", "escalated")
            and e["at"] is not None
            and e["time_precision"] != "day"
            and detected <= e["at"] < ack
            and (mitigated is None or e["at"] <= mitigated)
        ]
        if not responses:
            return
        first = min(responses, key=lambda e: (e["at"], e["line"]))
        self.inferred(
            milestones,
            provenance,
            "acknowledged_at",
            first["at"],
            first["line"],
            "the first response comes before the line that says the incident was taken on",
            "from that first response. Mark the right line [acknowledged]",
        )

    def infer_acknowledgement(
        self,
        events: list[dict[str, Any]],
        milestones: dict[str, datetime | None],
        provenance: dict[str, str | None],
        detected: datetime | None,
        start: datetime | None,
    ) -> None:
        """No line says someone took the incident on: the first response after detection does.

        Escalating, acting or telling others ("Manually marked VMs as unhealthy",
        "he escalated to the team") is someone working on the incident, so the
        first such line at or after the ``detected`` time (after the ``start``,
        when no line states the detection), and before the mitigation, is when it
        was acknowledged, if the line has a clock time (a date alone says on
        which day someone responded, not how fast). Both bounds are stated
        times, never inferred ones; with neither (only after a late
        acknowledgement line was dropped), the first response before the
        mitigation.
        """
        after = detected if detected is not None else start
        mitigated = milestones["mitigated_at"]
        responses = [
            e
            for e in events
            if e["kind"] in _RESPONSES
            and e["at"] is not None
            # a line with only a date says on which day, not how fast, someone responded
            and e["time_precision"] != "day"
            # at the detection, or after the start (a change at the start caused it);
            # with neither, only before the mitigation (a late acknowledgement was dropped)
            and (after is None or (e["at"] >= after if detected is not None else e["at"] > after))
            and (mitigated is None or e["at"] <= mitigated)
        ]
        if not responses:
            return
        first = min(responses, key=lambda e: (e["at"], e["line"]))
        self.inferred(
            milestones,
            provenance,
            "acknowledged_at",
            first["at"],
            first["line"],
            "no line says when someone took the incident on",
            "from the first response after detection (or the start). Mark the right line "
            "[acknowledged]",
        )

    def infer_start(
        self,
        events: list[dict[str, Any]],
        milestones: dict[str, datetime | None],
        provenance: dict[str, str | None],
        detected: datetime | None,
    ) -> None:
        """No line marks the start: the earliest line before ``detected`` is the start.

        Timelines usually open with the change that began the impact; when the
        earliest line is the detection itself nothing is inferred. When no line
        marks the detection either, an earliest line that makes a change ("we
        deployed changes", kind ``action``) before the first response
        (acknowledgement, mitigation or resolution) is the start. An opening line
        that only says planned work began ("Kubernetes upgrade commenced") gives way
        to the next line before that bound, the step of that work that changed things.
        """
        timed = sorted(
            (e for e in events if e["at"] is not None), key=lambda e: (e["at"], e["line"])
        )
        if not timed:
            return
        first = timed[0]
        bound = detected
        if bound is None and first["kind"] == "action":
            responses = [
                at
                for c in ("acknowledged_at", "mitigated_at", "resolved_at")
                if (at := milestones[c]) is not None
            ]
            bound = min(responses) if responses else None
        if first["kind"] in ("detected", "reported") or bound is None:
            return
        if first["at"] >= bound:
            return
        if len(timed) > 1 and _WORK_BEGINS.match(first["text"]):
            # "Kubernetes upgrade commenced": the work that begins is not yet the
            # change; the next step it names before detection is
            second = timed[1]
            if second["at"] < bound and second["kind"] not in ("detected", "reported"):
                first = second
        i = timed.index(first)
        while (
            i + 1 < len(timed)
            and timed[i]["kind"] == "action"
            and timed[i + 1]["at"] - timed[i]["at"] >= _PRECONDITION_GAP
        ):
            # "AMI v20221027 released" two days before anything else happens: a change
            # that set the incident up, not the start of the impact; the next line may be
            # (an opening line that describes impact, "First occurrence of a node in
            # NodeNotReady state", days before the rest, still is the start)
            i += 1
        if i != timed.index(first):
            first = timed[i]
            if first["at"] >= bound or first["kind"] in ("detected", "reported"):
                return
        self.inferred(
            milestones,
            provenance,
            "started_at",
            first["at"],
            first["line"],
            "no timeline line marks the start of impact",
            "from the earliest line before detection (with no detection, a change before the "
            "first response). Mark the right line [start] to be explicit",
        )

    def inferred(
        self,
        milestones: dict[str, datetime | None],
        provenance: dict[str, str | None],
        col: str,
        at: datetime | None,
        line: int | None,
        reason: str,
        taken_how: str,
    ) -> None:
        """Record milestone ``col`` as inferred at ``at``, with its ``milestone.inferred`` warning.

        The message reads "<reason>; <col> is taken <taken_how>", naming the
        milestone with :func:`~pmkit.io._incident.taken` as merge_sources expects.
        """
        milestones[col], provenance[col] = at, "inferred"
        if at is not None:
            self.evidence[col] = (at, line)
        self.problem(line, "warning", "milestone.inferred", f"{reason}; {taken(col)} {taken_how}")

    def resolve_relative(self, events: list[dict[str, Any]]) -> None:
        rel = [e for e in events if e["relative"] is not None]
        if not rel:
            return
        anchor = next(
            (e["at"] for e in events if e["kind"] == "impact_start" and e["at"] is not None), None
        )
        if anchor is None:
            start = self.meta.get("started_at")
            if start is not None:
                anchor = self.meta_time(start, "started_at")
        if anchor is None:
            self.problem(
                rel[0]["line"],
                "warning",
                "time.relative_no_anchor",
                "relative times (T+12m) need the start time: mark a line [start] with a clock "
                "time or give started_at in front matter",
            )
            return
        for e in rel:
            try:
                e["at"] = anchor + e["relative"]
            except OverflowError:
                self.problem(
                    e["line"],
                    "error",
                    "time.invalid",
                    f"{e['raw_time']!r} after the start is past the year 9999",
                )

    def check_order(
        self, milestones: dict[str, datetime | None], provenance: dict[str, str | None]
    ) -> None:
        order = ["started_at", "detected_at", "acknowledged_at", "mitigated_at", "resolved_at"]
        present = [(c, milestones[c]) for c in order if milestones[c] is not None]
        for (a, ta), (b, tb) in itertools.pairwise(present):
            assert ta is not None and tb is not None
            if tb < ta:
                self.problem(
                    None,
                    "warning",
                    "milestone.order",
                    f"{b} ({tb:%Y-%m-%d %H:%M} UTC) is before {a} ({ta:%Y-%m-%d %H:%M} UTC); "
                    "durations between them are left out of the metrics",
                )

    def detection(self, events: list[dict[str, Any]]) -> str:
        given = self.meta_str("detection_source", "detected_by", "detection")
        if given:
            norm = classify.normalize_detection_source(given)
            if norm is not None:
                return norm
            self.problem(
                1,
                "warning",
                "frontmatter.bad_value",
                f"detection_source {given!r} is not one of monitoring, customer, employee, "
                "third_party, automated_test, unknown",
            )
        how = self.meta_str("detected_how")
        if how:
            # "**Identified**: Pingdom reported Concourse down": the author says how
            found = _detected_by(how, self.vocab)
            if found:
                return found
        first = sorted(
            (e for e in events if e["kind"] in ("detected", "reported") or "detects" in e),
            key=lambda e: (e["at"] is None, e["at"] or _EPOCH, e["line"]),
        )
        for e in first[:1]:
            found = _detected_by(e["text"], self.vocab)
            if found:
                return found
            if e["kind"] == "reported":
                return "customer"
        if not first:
            # No line says detected or reported: the lines up to the first
            # response often do ("engineers respond to alarms").
            ordered = sorted(
                (e for e in events if e["at"] is not None), key=lambda e: (e["at"], e["line"])
            )
            for e in ordered:
                found = _detected_by(e["text"], self.vocab)
                if found:
                    return found
                if e["kind"] in ("acknowledged", "mitigated", "resolved"):
                    break
        return self.summary_source() or "unknown"

    def summary_source(self) -> str | None:
        """The detection source the summary names (the text before any heading
        when there is no summary)."""
        summary = " ".join(self.summary_parts or self.preamble_parts)[:2000]
        return classify.detection_source(summary, self.vocab) if summary else None
