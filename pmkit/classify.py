"""pmkit's vocabulary: event kinds, canvas sections and detection sources from free text.

Everything that turns the words of a postmortem into one of pmkit's enumerations
lives here, as ordered regular expressions in one :class:`Vocabulary`. The rules
were tuned against real public postmortems (dfds, Chia, PostHog, Rust), so that
the lines teams actually write come out right. Callers add their own wording
with :meth:`Vocabulary.extend`; their patterns are tried before the defaults.

>>> from pmkit.classify import classify_event, heading_section
>>> classify_event("Issue reported by customer")
'reported'
>>> heading_section("## Step 3: Detect – how do we detect sooner?")
'detect'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pmkit.schema import DETECTION_SOURCES, EVENT_KINDS, SEVERITIES

__all__ = [
    "DEFAULT_VOCABULARY",
    "SECTIONS",
    "Vocabulary",
    "classify_event",
    "classify_events",
    "detection_source",
    "event_marker",
    "heading_section",
    "normalize_action_status",
    "normalize_detection_source",
    "normalize_severity",
]

#: Sections a Markdown heading can map to: the canvas steps plus the parts of a
#: postmortem that are not remediation ideas (summary, impact, timeline, ...).
SECTIONS: tuple[str, ...] = (
    "summary",
    "impact",
    "timeline",
    "detect",
    "react",
    "quick_fix",
    "prevent",
    "other_risk",
    "next_steps",
    "cause",
    "lesson",
    "resolution",
    "stats",
)

Rules = tuple[tuple[str, tuple[str, ...]], ...]

# Event rules are tried in order and the first entry with a matching pattern wins.
# A kind may appear in several tiers: strong, unambiguous wording early, generic
# verbs late, so that "rollback attempted" is not a mitigation and "customer
# confirmed issue resolved" is not a report.
_EVENTS: Rules = (
    (
        "impact_start",
        (
            r"\bproblem started\)",
            r"\b(?:outage|incident|impact|downtime|degradation)\s+(?:begins|began|starts|started)\b",
            r"\b(?:accidental(?:ly)?|unexpectedly|unintentional(?:ly)?|unintended|inadvertently)\b",
            r"\b(?:begin|begins|began|start|starts|started) to (?:fail|time ?out|error|return"
            r"|slow|crash|drop)\b",
            r"\b(?:begin|begins|began|start|starts|started) to take (?:\d|longer|too long|minutes)",
            # a symptom stated as a state: "All Kubernetes services returning 404"
            r"^(?:all |most |some )?(?:[\w-]+ ){0,3}(?:services?|sites?|apis?|requests?|endpoints?"
            r"|websites?|builds?)(?! still)\b.{0,12}\b(?:returning|throwing|serving) "
            r"(?:\d{3}|errors?|5xx)",
        ),
    ),
    (
        "communicated_external",
        (r"\bnotif(?:y|ied) (?:the |all |affected )?(?:users|customers)\b",),
    ),
    (
        "detected",
        (
            r"\bmonitoring (?:\w+ ){0,4}detected\b",
            r"\balerts? (?:\w+ )?(?:fired|firing|triggered|went off)\b",
            r"\balarms? .{0,80}\bfire\b",
        ),
    ),
    (
        "resolved",
        (
            r"\bresolved\)",
            r"(?<!not )(?<!n't )(?<!to be )\bresolved\b",
            r"\bincident (?:was |is |has been )?closed\b",
            r"\bclosed the incident\b",
            r"\boutage (?:was |is )?closed\b",
            r"\ball[- ]clear\b",
            r"\bfully (?:recovered|restored|operational|functional)\b",
            r"\bback online\b",
            r"\bback to (?:a )?(?:normal|functional|working)\b",
            r"\b(?:verified|confirmed) (?:working|operational)\b",
            r"\bverified .{0,40}\boperational\b",
            r"\b(?:reports?|reporting) back that (?:it|the fix|everything) works\b",
            r"\bavailability confirmed\b",
            r"\bpermanently fixed\b",
            r"\bfix deployed and verified\b",
            r"(?<!n't )(?<!not )\b(?:working|running|functioning) as "
            r"(?:intended|expected|normal)\b",
            r"\bback to (?:their |its )?normal\b",
            r"\bservices? (?:is |are )?operational\b",
            r"\b(?:problem|issue) was solved\b",
            r"\bmarks? the issue as solved\b",
        ),
    ),
    (
        "action",
        (
            r"\broll ?back (?:fails|failed|was not|did not)\b",
            r"\battempt(?:ed|ing|s)? (?:to (?:be )?)?(?:roll(?:ed)? ?back|revert)",
            r"\b(?:decision|decided|decide|plan(?:ned|s)?|propos\w*) (?:was )?(?:made )?to "
            r"(?:roll ?back|revert|fail ?over)",
            r"\bwork(?:ing)? on (?:a |the )?(?:roll ?back|revert)",
            r"\b(?:attempted|potential|possible|amended|partial) fix\b",
            r"\battempt(?:ed|ing|s) to\b",
            # a fix written or started is not yet a fix in place
            r"\bfix(?:es)? committed\b",
            r"\b(?:roll ?back|revert|fail ?over)\b.{0,60}\binitiated\b",
            r"\binitiated (?:a |the )?(?:roll ?back|revert|fail ?over)\b",
        ),
    ),
    (
        "resolved",
        (
            r"\breleased?\b.{0,60}\b(?:included?|includes|including|with) (?:the )?fix",
            r"\breleased?\b.{0,60}\bfix(?:es)? for\b",
        ),
    ),
    (
        "mitigated",
        (
            r"(?<!not )\bmitigated\b",
            r"\brolled back\b",
            r"\broll ?back (?:performed|completed|done|finished|succeeded)\b",
            r"\breverted\b",
            r"\breverts? (?:deployed|the|site|back)\b",
            r"\bfail(?:ed)? ?over\b",
            r"\btraffic (?:was )?(?:restored|recovered)\b",
            r"\bservices? (?:was |were |is )?restored\b",
            r"\bworkaround\b",
            r"\berrors? (?:subsided|stopped|dropped)\b",
            r"\ballowing traffic\b",
        ),
    ),
    (
        "communicated_internal",
        (
            r"\bnotified internally\b",
            r"\b(?:in|on|to|into) (?:the |our )?#[\w-]+",
            r"#[\w-]+ (?:channel|chat)\b",
            r"\b(?:informed|notified|updated|briefed|informs|notifies) (?:the |all )?"
            r"(?:stakeholders|management|leadership|executives?|rest of the company|company)\b",
            r"\bto the rest of the company\b",
            r"\b(?:notified|informed) (?:the )?(?:\w+ )?(?:team|teams|engineers) (?:via|on|in)\b",
            r"\bteams? (?:was |were )?notified\b",
            r"\bnotified the \w+ (?:engineers|team)\b",
            r"\breported to the (?:\w+ )?(?:executive|management|leadership)",
            r"\bupdate (?:on .{0,60})?given to\b",
            r"\b(?:email|e-mail|mail) sent to (?:the )?(?:[\w&]+ ){0,4}(?:head|team|management)\b",
            r"\bpublished messaged? on\b",
            r"\bformal notification to\b",
            r"\bcommunication with the\b",
        ),
    ),
    (
        "communicated_external",
        (
            r"\bstatus ?page\b",
            r"\bstatus\.[\w-]+\.",
            r"\bnotif(?:y|ied|ies|ying) (?:the |all |affected |our |some )?(?:\w+ ){0,2}"
            r"(?:customers|users|clients|public|community|farmers)\b",
            r"\bcustomer communications?\b",
            r"\bposted (?:an? )?(?:public )?update\b",
            r"\bpublic(?:ly)? announce",
            r"\bannounce(?:d|ment|ments|s)?\b",
            r"\btweet(?:ed)? from our\b",
            r"\bwe tweeted\b",
            r"\b(?:responded|replied|reached out) to (?:the )?(?:customer|user)s?\b",
            r"\bpublished (?:by|on) (?:the )?.{0,30}\bblog\b",
            r"\bblog post\b",
        ),
    ),
    (
        "escalated",
        (
            r"\b(?:opened|created|raised|filed|submitted) (?:an? |the )?(?:\w+ )?(?:support )?"
            r"(?:ticket|case) with\b",
            r"\bsupport (?:ticket|case) (?:was )?(?:opened|created|raised|filed)\b(?! by)",
            r"\b(?:abuse|support) case was created\b",
        ),
    ),
    (
        "reported",
        (
            r"\b(?:customers?|users?|clients?|end[- ]users?|developers?|farmers?|researchers?|"
            r"community(?: members?)?|members?|teams?|people) (?:\w+ ){0,2}"
            r"(?:reported|reports|reporting|reached out|complain\w*|alerted us|informed us|"
            r"notified us|tweeted|submitted)\b",
            r"\breported by\b",
            r"\bnotified by\b",
            r"\balerted by\b",
            r"^reports? (?:of|from|by)\b",
            r"^(?:first|second|third|another|more|additional) reports? (?:of|from|by)\b",
            r"^reported\b",
            r"\b(?:first|second|third|additional|another|more) (?:\w+ )?reports?\b",
            r"\breports? (?:from|by) (?:\w+ )?(?:users?|customers?|developers?)\b",
            r"\b(?:bug|abuse|security) report\b",
            r"\bsupport tickets?\b",
            r"\bcustomer (?:reports|tickets?)\b",
            r"\b(?:notified|informed|alerted|told) us\b",
            r"\bwe (?:are|were) (?:informed|notified|alerted|told)\b",
            r"\bdisclosed to\b",
            r"\binformed of\b",
            r"\b(?:we|we've|we have) (?:been )?(?:notified|informed|told)\b",
            r"\breaching out (?:that|about|to (?:say|tell|inform|report))\b",
            r"\b(?:bugcrowd|hackerone|bug bounty) (?:report|submission)",
            r"\bwas reported (?:for|by|in|to us)\b",
            r"\breporting (?:this|the|a) (?:user|account|issue|problem|bug)\b",
            r"\breported (?:a|the) (?:bug|issue|problem|vulnerability)\b",
            r"\b(?:issue|problem|bug) (?:was )?reported\b",
            r"\b(?:received|got) (?:a |the |an |several |multiple )?(?:\w+ )?reports?\b",
            r"\breports? (?:the issue|the problem|it) to\b",
        ),
    ),
    (
        "escalated",
        (
            r"\bescalat",
            r"\bpaged (?:in )?(?:the )?(?:\w+ ){0,2}"
            r"(?:team|on-?call|engineers?|lead|manager|sre|owner)\b",
            r"\bpulled in\b",
            r"\b(?:bring|brings|brought) in\b",
        ),
    ),
    (
        "acknowledged",
        (
            r"\backnowledg",
            r"\back(?:'d|ed)\b",
            r"(?<!had )\bjoin(?:ed|s)\b(?! (?:the )?(?:\w+ )?cluster| any)",
            r"\b(?:on-call|oncall|on call) (?:\w+ )?(?:responded|engaged|acknowledged)\b",
            r"\brespond(?:s|ed)? to (?:the )?(?:alerts?|alarms?|pages?)\b",
            r"\b(?:start(?:ed|s|ing)?|began|begins?|commenced?|initiated) (?:the )?(?:\w+ )?"
            r"(?:investigat|debugging|troubleshoot|trouble shoot|looking into|diagnos)",
            r"\binvestigations? (?:\w+ ){0,4}(?:started|commenced|began|begun|begins|initiated)\b",
            r"\b(?:incident|war-?room) (?:was |is )?(?:declared|opened|raised|created|started)\b",
            r"\b(?:declared|opened|raised|created|initiated|initiates) (?:an? |the )?(?:\w+ )?"
            r"(?:incident|war-?room)\b",
            r"\bwar-?room\b",
            r"\bincident channel\b",
            r"\b(?:sev ?\d|incident) ticket (?:was )?(?:raised|created|opened)\b",
            r"\blooking into\b",
            r"\btriag(?:ed|ing|e)\b",
        ),
    ),
    (
        "detected",
        (
            r"\balerts? (?:\w+ )?(?:fired|firing|triggered|went off|received|detects|detected)\b",
            r"\b(?:received|got) (?:an? |lots of |a lot of )?(?:\w+ )?alerts?\b",
            r"\balert(?:ed|ing|s)?\b",
            r"\balarms?\b",
            r"\bpag(?:ed|er|erduty)\b",
            r"\bpage went out\b",
            r"\bmonitoring (?:\w+ ){0,4}detected\b",
            r"\bnotic(?:e|ed|es|ing)\b",
            r"\bdetect(?:ed|s)\b",
            r"\b(?:became|become|becomes) aware\b",
            r"\b(?:was|is) (?:discovered|identified|spotted|noticed) by\b",
            r"\bwitnessed\b",
            r"\brecogni[sz](?:e|es|ed)\b",
            r"\bobserved that\b",
            r"\breal(?:ized|ised)\b",
            r"\bautomated (?:warning|email|alert|notification)\b",
            r"\bwarning from\b",
        ),
    ),
    (
        "escalated",
        (
            r"\bcontact(?:s|ed)\b",
            r"\breach(?:ed|es)? out to\b",
            r"\bconsulted\b",
            r"\bforwarded (?:\w+ ){0,3}to (?:the )?(?:[\w.-]+ ){0,2}"
            r"(?:team|support|engineers?|lead|manager|owner)\b",
            r"\bwas assigned\b",
        ),
    ),
    (
        "impact_start",
        (
            r"\b(?:began|begins?|begun|started|starts?|starting) (?:to )?"
            r"(?:fail|crash|error|return|throw|experienc|time out|timing out|drop|reject|"
            r"report(?:ing)? \"|slow)",
            r"\b(?:errors?|failures?|outage|crash(?:es)?|timeouts?|latency) "
            r"(?:began|begin|begins|started|start|starts|appeared|spiked)\b",
            r"\bwent (?:down|offline|dark)\b(?! to)",
            r"\b(?:is|was|are|were) (?:hard |completely |fully )?down\b",
            r"\b(?:deployed|merged|released|applied|rolled out|upgraded?|upgraded?)\b.{0,80}"
            r"\b(?:caus(?:ed|ing|es)|break(?:ing|s)|broke)\b",
            r"\bcaus(?:ed|ing|es|e) .{0,40}\b(?:to (?:crash|fail|be deleted)|outage|crash|errors)",
            r"\bstop(?:s|ped)? (?:working|responding|shipping|serving|processing|being)\b",
            r"\bexpires?\b",
            r"\b(?:fully|completely|hard) down\b",
            r"\bentered (?:a |the )?(?:notready|not ready|unhealthy|failed|crash\w*)",
            r"\b(?:chain|network|site|service|website|api) (?:stalled|halted)\b",
        ),
    ),
    (
        "mitigated",
        (
            r"\brestart(?:ed|s)?\b",
            r"\bscaled? (?:up|out)\b",
            r"\bdisabled? (?:the )?(?:\w+ )?(?:feature )?flag\b",
            r"\bflag (?:was )?(?:disabled|turned off)\b",
            r"\broll ?back\b",
            r"\brevert",
            r"\bfix(?:es)? (?:was |were |has been )?(?:applied|deployed|rolled out|released)\b",
            r"\bhot ?fix\b",
            r"\bquick fix\b",
            r"\bdowngraded?\b",
            r"\brestor(?:ed|ing)\b",
            r"\brecover(?:y|ing|s|ed)?\b",
            r"\b(?:is|was|were|been) (?:blocked|banned|locked|suspended)\b",
            r"\b(?:locked|suspended|disabled) (?:the |all )?(?:\w+ )?accounts?\b",
            r"\bterminated\b",
            r"\b(?:were|was) stopped\b",
            r"\bturn(?:ed|s)? off\b",
            r"\bbec(?:a|o)mes? available\b",
            r"\b(?:working|running|responding|operational|available|healthy|functional) again\b",
            r"\btemporary solution\b",
            r"\bnow (?:fine|healthy|working|ok|stable)\b",
            r"\b(?:started|resumed|being) \w+ing\b.{0,40}\bagain\b",
            r"\bstarted moving (?:forward|again)\b",
            r"\brolled over (?:the )?(?:sick|unhealthy|bad|failed|broken)\b",
            r"\b(?:targets?|service|nodes?) (?:\w+ )?healthy\b",
        ),
    ),
    (
        "resolved",
        (
            r"\b(?:issue|problem|bug|vulnerability) (?:was |is |has been )?"
            r"(?:permanently )?fixed\b",
            r"\b(?:case|ticket|incident|issue|outage|bug) (?:was |is |has been )?closed\b",
            r"\bcloses? (?:the )?(?:\w+ )?(?:case|ticket|incident|issue)\b",
            r"\bsolved\b",
        ),
    ),
    (
        "action",
        (
            r"\b(?:deploy(?:ed|ing|s)?|merg(?:ed|ing|es)|ran|reran|re-ran|rerun|re-run|run|applied|applying|"
            r"changed|investigat\w+|removed|created|updated|upgraded|executed|added|deleted|"
            r"migrated|scal(?:ed|ing)|configured|modified|released|published|installed|"
            r"replac(?:ed|ing)|triggered|retriggered|re-triggered|committed|pushed|generated|kill(?:ed|ing)|"
            r"marked|cordoned|drained|uncordon\w*|enabled|disabled|increased|decreased|reset|"
            r"rotated|renamed|moved|patched|rebuilt|attempt\w*|checked|scann(?:ed|ing)|verified|"
            r"confirmed|identified|found|discovered|diagnos\w+|reviewed|evaluated|tested|"
            r"prepared|planned|proceeds?|completed|finished|fixed|implemented|built|asked|called|"
            r"emailed|instructed|initiated|started|began|begin|decided|decision|worked|working)\b",
        ),
    ),
)

#: Explicit markers (lowercase) -> event kind. Square-bracket tags, bold labels
#: ("**Detection:**") and ALL-CAPS banners are looked up here.
_MARKERS: dict[str, str] = {
    "start": "impact_start",
    "started": "impact_start",
    "impact start": "impact_start",
    "impact": "impact_start",
    "outage begins": "impact_start",
    "outage began": "impact_start",
    "outage starts": "impact_start",
    "outage start": "impact_start",
    "incident start": "impact_start",
    "incident starts": "impact_start",
    "incident begins": "impact_start",
    "impact starts": "impact_start",
    "impact begins": "impact_start",
    "detected": "detected",
    "detection": "detected",
    "discovery": "detected",
    "detect": "detected",
    "reported": "reported",
    "report": "reported",
    "ack": "acknowledged",
    "acked": "acknowledged",
    "acknowledged": "acknowledged",
    "escalated": "escalated",
    "escalation": "escalated",
    "internal": "communicated_internal",
    "external": "communicated_external",
    "comms": "communicated_external",
    "mitigated": "mitigated",
    "mitigation": "mitigated",
    "recovery": "mitigated",
    "resolved": "resolved",
    "resolution": "resolved",
    "outage ends": "resolved",
    "outage ended": "resolved",
    "outage end": "resolved",
    "incident ends": "resolved",
    "incident end": "resolved",
    "impact ends": "resolved",
    "impact end": "resolved",
    "all clear": "resolved",
    "note": "note",
    "action": "action",
}

# Headings are cleaned first (lowercase; numbering, emphasis, emoji and trailing
# punctuation removed), then each pattern is matched at the START of the result.
_HEADINGS: Rules = (
    (
        "quick_fix",
        (
            r"resolution and recovery\b",
            r"quick[- ]?fix",
            r"mitigations?\b",
            r"remediation\s*\(?\s*short",
            r"short[- ]term (?:fix|remediation|mitigation)",
            r"workarounds?\b",
            r"immediate (?:actions?|fix|remediation|steps)",
            r"actions? taken\b",
            r"recovery\b",
        ),
    ),
    ("resolution", (r"resolution\b",)),
    (
        "summary",
        (
            r"(?:issue |incident |executive |event |problem )?summary\b",
            r"overview\b",
            r"tl;? ?dr\b",
            r"what happened\b",
            r"(?:cve\s*-\s*)?description\b",
        ),
    ),
    (
        "impact",
        (
            r"(?:customer |user |business )?impact\b",
            r"scope\b",
            r"affected (?:crates|services|users|customers|systems)\b",
            r"data integrity\b",
            r"blast radius\b",
        ),
    ),
    (
        "timeline",
        (
            r"(?:rough |incident |detailed |full )?time ?line\b",
            r"chronology\b",
            r"sequence of events\b",
        ),
    ),
    (
        "detect",
        (
            r"detect(?:ion|ing)?\b",
            r"how (?:was|were|did) (?:it|this|we|the \w+) (?:\w+ )?detect",
            r"how (?:do|can|could) we detect",
            r"why it wasn'?t (?:caught|detected)",
        ),
    ),
    (
        "react",
        (
            r"react(?:ion)?\b",
            r"(?:incident )?response\b",
            r"how did we (?:respond|react)",
        ),
    ),
    (
        "prevent",
        (
            r"prevent(?:ion|ing)?\b",
            r"long[- ]term (?:fix|fixes|improvements|changes|remediation)",
            r"how (?:do|can|could|are|will) we prevent",
            r"future measures\b",
        ),
    ),
    (
        "other_risk",
        (
            r"other (?:areas of )?risks?\b",
            r"(?:related|similar) risks?\b",
            r"what else could (?:break|go wrong|fail)",
            r"recurrence\b",
            r"backlog check\b",
        ),
    ),
    (
        "next_steps",
        (
            r"next steps\b",
            r"action items?\b",
            r"follow[- ]?ups?\b",
            r"follow[- ]?up actions\b",
            r"corrective (?:actions?|and preventa?t?ive)",
            r"remediation(?: items| actions| plan)?\b",
            r"to ?do\b",
            r"actions?\b",
            r"planned actions\b",
            r"(?:short|medium)[- ]term improvements\b",
            r"improvements\b",
            r"moving forward\b",
        ),
    ),
    (
        "cause",
        (
            r"root[- ]causes?\b",
            r"causes?\b",
            r"contributing factors?\b",
            r"what went wrong\b",
            r"triggers?\b",
            r"why did (?:it|this) (?:happen|fail)",
            r"why it (?:happened|failed)",
            r"how did (?:it|this) happen",
            r"(?:the )?5 whys\b",
            r"(?:the )?five whys\b",
            r"whys\b",
            r"leadup\b",
            r"lead[- ]up\b",
            r"fault\b",
            r"the technical problem\b",
            r"(?:primary|secondary) issue\b",
        ),
    ),
    (
        "lesson",
        (
            r"lessons? learn(?:ed|t)\b",
            r"what went (?:well|poorly|badly)\b",
            r"what didn'?t go well\b",
            r"what could (?:have )?(?:gone|go) better\b",
            r"what we learn(?:ed|t)\b",
            r"learnings\b",
            r"(?:key )?takeaways\b",
            r"insights\b",
            r"reflections?\b",
            r"conclusions?\b",
        ),
    ),
    ("stats", (r"stats\b", r"statistics\b", r"metrics\b", r"key metrics\b")),
)

_DETECTION: Rules = (
    (
        "automated_test",
        (
            r"\bci (?:failed|failure|job failed|broke)",
            r"\btests? fail",
            r"\bfail(?:ed|ing) tests?\b",
            r"\bsynthetic (?:check|test|monitor)",
            r"\bcanary\b",
            r"\bsmoke tests?\b",
            r"\bfunctional tests?\b",
            r"\bintegration tests?\b",
        ),
    ),
    (
        "third_party",
        (
            r"\b(?:aws|amazon|google|github|cloudflare|azure|microsoft|okta|vendor|provider|"
            r"partner) (?:\w+ )?(?:notified|informed|alerted|told|contacted|emailed) us\b",
            r"\bautomated (?:warning|email) from\b",
            r"\bvendors?\b",
            r"\bsecurity researchers?\b",
            r"\bresearchers?\b",
            r"\bbug ?bount(?:y|ies)\b",
            r"\bbugcrowd\b",
            r"\bhackerone\b",
            r"\breported to us by\b",
            r"\bthird[- ]part(?:y|ies)\b",
            r"\bsocial media\b",
        ),
    ),
    ("employee", (r"\binternal users?\b", r"\b(?:employee|staff|colleague)s?\b")),
    (
        "customer",
        (
            r"\bcustomers?\b",
            r"\bclients?\b (?:\w+ )?report",
            r"\b(?:end[- ])?users? (?:\w+ )?"
            r"(?:report(?:ed|s|ing)?|complain\w*|reached out|alerted)\b",
            r"\b(?:end[- ])?users? report",
            r"\breports? (?:from|by) (?:\w+ )?(?:users?|customers?)\b",
            r"\bend[- ]users?\b",
            r"\bsupport tickets?\b",
            r"\bcommunity members?\b",
        ),
    ),
    (
        "monitoring",
        (
            r"\balert(?:s|ed|ing)?\b",
            r"\balarms?\b",
            r"\bmonitor(?:ing|s|ed)?\b",
            r"\bpager ?duty\b",
            r"\bopsgenie\b",
            r"\bpaged\b",
            r"\bcloudwatch alarm",
        ),
    ),
    (
        "employee",
        (
            r"\b(?:engineer|developer|employee|team member|colleague|staff|operator|sre)s?\b",
            r"\binternal users?\b",
            r"\bwe noticed\b",
            r"\b(?:i|we) (?:looked|realized|realised|saw)\b",
        ),
    ),
    (
        "monitoring",
        (r"\bprometheus\b", r"\bgrafana\b", r"\bdatadog\b", r"\bsentry\b", r"\bpingdom\b"),
    ),
)


def _compile_rules(rules: Rules, what: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    compiled = []
    for name, patterns in rules:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as err:
                raise ValueError(
                    f"{what} pattern {pattern!r} for {name!r} is not a valid "
                    f"regular expression: {err}"
                ) from err
        if patterns:
            joined = "|".join(f"(?:{p})" for p in patterns)
            compiled.append((name, re.compile(joined, re.IGNORECASE)))
    return tuple(compiled)


# Speed: most patterns start with "\b" and a literal word. A line can only match
# such a pattern if one of its words starts with the same three letters, so a
# rule whose every pattern has such a "stem" is skipped, without running its
# regular expression, when none of its stems is among the line's word stems.
# Patterns without a stem (user patterns too) are always run.
_STEM = 3
_LOOKBEHIND_RE = re.compile(r"^\(\?<[!=](?:[^()\\]|\\.)*\)")
_RUN_RE = re.compile(r"[A-Za-z0-9]+")
_TOKEN_RE = re.compile(r"[a-z0-9]+")
# Non-ASCII characters that re.IGNORECASE matches to ASCII letters.
_FOLD = str.maketrans({"ſ": "s", "ı": "i", "İ": "i", "K": "k"})
_COMPLETE_AFTER = frozenset(" ,.;:-'\"/#&!")

Stems = tuple[frozenset[str], frozenset[str]]


def _find_close(s: str, start: int) -> int:
    depth = 0
    i = start
    in_class = False
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _split_alternatives(s: str) -> list[str]:
    parts, depth, last, i, in_class = [], 0, 0, 0, False
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(s[last:i])
            last = i + 1
        i += 1
    parts.append(s[last:])
    return parts


def _leading_stems(s: str, budget: list[int]) -> Stems | None:
    budget[0] -= 1
    if budget[0] < 0:
        return None
    if s.startswith("(?:"):
        end = _find_close(s, 0)
        if end < 0 or s[end + 1 : end + 2] in ("?", "*", "{"):
            return None
        stems: set[str] = set()
        words: set[str] = set()
        for part in _split_alternatives(s[3:end]):
            found = _leading_stems(part + s[end + 1 :], budget)
            if found is None:
                return None
            stems |= found[0]
            words |= found[1]
        return frozenset(stems), frozenset(words)
    m = _RUN_RE.match(s)
    if not m:
        return None
    run = m.group(0).lower()
    after = s[m.end() :]
    if after.startswith(("\\b", "\\s", "\\W")):
        complete = after[2:3] not in ("?", "*", "{")
    else:
        complete = after[:1] in _COMPLETE_AFTER and after[1:2] not in ("?", "*", "{")
    if after[:1] in ("?", "*", "{"):
        run, complete = run[:-1], False
    if len(run) >= _STEM:
        return frozenset({run[:_STEM]}), frozenset()
    if complete and run:
        return frozenset(), frozenset({run})
    return None


def _pattern_stems(pattern: str) -> Stems | None:
    s = pattern
    while m := _LOOKBEHIND_RE.match(s):
        s = s[m.end() :]
    if s.startswith("\\b"):
        s = s[2:]
    elif s.startswith("^"):
        s = s[1:]
    else:
        return None
    return _leading_stems(s, [512])


_Rule = tuple[str, re.Pattern[str], frozenset[str] | None, frozenset[str] | None]


def _compile_events(rules: Rules) -> tuple[_Rule, ...]:
    _compile_rules(rules, "event")  # validates every pattern, with a helpful message
    out: list[_Rule] = []
    for name, patterns in rules:
        stemmed: list[str] = []
        stems: set[str] = set()
        words: set[str] = set()
        plain: list[str] = []
        for pattern in patterns:
            found = _pattern_stems(pattern)
            if found is None:
                plain.append(pattern)
            else:
                stemmed.append(pattern)
                stems |= found[0]
                words |= found[1]
        # Both halves give the same kind, so their order does not matter.
        if stemmed:
            # Every stemmed pattern starts at a word boundary with one of these
            # prefixes; checking them first spares the engine most branches.
            lead = "|".join(re.escape(x) for x in sorted(stems | words))
            body = "|".join(f"(?:{p})" for p in stemmed)
            regex = re.compile(rf"\b(?=(?:{lead}))(?:{body})", re.IGNORECASE)
            out.append((name, regex, frozenset(stems), frozenset(words)))
        if plain:
            regex = re.compile("|".join(f"(?:{p})" for p in plain), re.IGNORECASE)
            out.append((name, regex, None, None))
    return tuple(out)


def _check_names(rules: Rules, valid: Sequence[str], what: str) -> None:
    for name, _ in rules:
        if name not in valid:
            raise ValueError(f"unknown {what} {name!r}; valid {what}s are: {', '.join(valid)}")


@dataclass(frozen=True)
class Vocabulary:
    """Ordered rules that turn free text into pmkit's enumerations.

    Parameters
    ----------
    events : tuple of (kind, patterns)
        Event rules, tried in order; the first entry with a pattern found
        anywhere in the line gives the kind (one of ``schema.EVENT_KINDS``).
        A kind may appear in several entries (strong wording early, generic
        verbs late).
    markers : dict
        Explicit marker text (lowercase) -> kind, for ``[detected]`` tags,
        ``**Recovery:**`` labels and ``OUTAGE BEGINS`` banners.
    headings : tuple of (section, patterns)
        Heading rules, matched at the start of the cleaned heading; sections
        are the values of :data:`SECTIONS`.
    detection : tuple of (source, patterns)
        Detection-source rules, searched anywhere in the text; sources are
        ``schema.DETECTION_SOURCES``.

    Patterns are case-insensitive regular expressions. Unknown kinds, sections
    or sources and invalid patterns raise ``ValueError``.

    Examples
    --------
    >>> vocab = DEFAULT_VOCABULARY.extend(events={"mitigated": [r"\\bkicked the tires\\b"]})
    >>> classify_event("kicked the tires on the load balancer", vocab)
    'mitigated'
    """

    events: Rules
    markers: dict[str, str]
    headings: Rules
    detection: Rules
    _events_re: tuple[_Rule, ...] = field(init=False, repr=False, compare=False)
    _headings_re: tuple[tuple[str, re.Pattern[str]], ...] = field(
        init=False, repr=False, compare=False
    )
    _detection_re: tuple[tuple[str, re.Pattern[str]], ...] = field(
        init=False, repr=False, compare=False
    )
    _cache: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_names(self.events, EVENT_KINDS, "event kind")
        _check_names(self.headings, SECTIONS, "section")
        _check_names(self.detection, DETECTION_SOURCES, "detection source")
        for text, kind in self.markers.items():
            if kind not in EVENT_KINDS:
                raise ValueError(
                    f"marker {text!r} maps to unknown event kind {kind!r}; "
                    f"valid event kinds are: {', '.join(EVENT_KINDS)}"
                )
        set_ = object.__setattr__
        set_(self, "markers", {k.strip().lower(): v for k, v in self.markers.items()})
        set_(self, "_events_re", _compile_events(self.events))
        set_(self, "_headings_re", _compile_rules(self.headings, "heading"))
        set_(self, "_detection_re", _compile_rules(self.detection, "detection"))
        set_(self, "_cache", {})

    def extend(
        self,
        *,
        events: Mapping[str, Sequence[str]] | None = None,
        markers: Mapping[str, str] | None = None,
        headings: Mapping[str, Sequence[str]] | None = None,
        detection: Mapping[str, Sequence[str]] | None = None,
    ) -> Vocabulary:
        """Return a new vocabulary with the caller's patterns tried before the defaults.

        Parameters
        ----------
        events, headings, detection : mapping of name -> patterns, optional
            Extra regular expressions per event kind, section or detection
            source. They are tried before every default rule, in mapping order.
        markers : mapping of marker text -> event kind, optional
            Extra explicit markers; they replace a default marker of the same text.

        Returns
        -------
        Vocabulary
            A new vocabulary; ``self`` is unchanged.

        Raises
        ------
        ValueError
            If a name is not a known kind, section or source (the message lists
            the valid ones), or a pattern is not a valid regular expression.

        Examples
        --------
        >>> v = DEFAULT_VOCABULARY.extend(headings={"cause": ["post-incident analysis"]})
        >>> heading_section("Post-incident analysis", v)
        'cause'
        >>> DEFAULT_VOCABULARY.extend(events={"fixed": ["x"]})
        Traceback (most recent call last):
        ...
        ValueError: unknown event kind 'fixed'; valid event kinds are: impact_start, ...
        """

        def prepend(extra: Mapping[str, Sequence[str]] | None, base: Rules) -> Rules:
            if not extra:
                return base
            if isinstance(extra, str) or not isinstance(extra, Mapping):
                raise TypeError(
                    f"expected a mapping of name -> patterns, got {type(extra).__name__}"
                )
            added = []
            for name, patterns in extra.items():
                if isinstance(patterns, str):
                    patterns = (patterns,)
                added.append((name, tuple(patterns)))
            return tuple(added) + base

        merged = dict(self.markers)
        merged.update(markers or {})
        return Vocabulary(
            events=prepend(events, self.events),
            markers=merged,
            headings=prepend(headings, self.headings),
            detection=prepend(detection, self.detection),
        )


DEFAULT_VOCABULARY = Vocabulary(
    events=_EVENTS, markers=dict(_MARKERS), headings=_HEADINGS, detection=_DETECTION
)

_MAX_CACHE = 200_000

# A square-bracket tag that is not a Markdown link "[t](url)", a reference link
# "[t][ref]", a reference definition "[t]: url" or an image.
_BRACKET_RE = re.compile(r"(?<![!\]])\[([^\[\]\n]{1,40})\](?![\(\[:])")
#: Unformatted labels that open a line ("Discovery: developer reports ...") and
#: name a milestone; the reader may have stripped their bold already.
_PLAIN_LABELS = {
    "detection": "detected",
    "discovery": "detected",
    "recovery": "mitigated",
    "mitigation": "mitigated",
    "resolution": "resolved",
    "escalation": "escalated",
}
_PLAIN_LABEL_RE = re.compile(r"\s*(" + "|".join(_PLAIN_LABELS) + r")\s*:\s", re.IGNORECASE)
_LABEL_RE = re.compile(r"^\s*(?:\*\*|__)([A-Za-z][A-Za-z ]{1,30}?)\s*:?\s*(?:\*\*|__)\s*:?\s*")
_BANNER_RE = re.compile(
    r"(?:\*\*|__)?\b([A-Z]{2,}(?:[ \t]+[A-Z]{2,}){0,3})\b(?:\*\*|__)?(?:[ \t]*[:\-–—])?"
)
_LINK_URL_RE = re.compile(r"\]\([^)]*\)")
_URL_RE = re.compile(r"https?://\S+")
_SPACES_RE = re.compile(r"\s{2,}")


def _tidy(text: str) -> str:
    return _SPACES_RE.sub(" ", text).strip()


def event_marker(text: str, vocabulary: Vocabulary | None = None) -> tuple[str | None, str]:
    """Find an explicit marker in a timeline line.

    Markers are square-bracket tags anywhere (``[detected]``, ``[impact start]``,
    ``[ack]``, ...), a bold label at the start (``**Recovery:**``) and ALL-CAPS
    banners (``OUTAGE BEGINS``, ``**RESOLVED**``). Only texts listed in
    ``vocabulary.markers`` count: Markdown links and ``[name]`` references are
    left alone.

    Parameters
    ----------
    text : str
        One timeline line, without its timestamp.
    vocabulary : Vocabulary, optional
        Defaults to :data:`DEFAULT_VOCABULARY`.

    Returns
    -------
    tuple of (kind or None, str)
        The marker's event kind and the text without the marker, or
        ``(None, text)`` when there is no marker.

    Examples
    --------
    >>> event_marker("[detected] pager went off")
    ('detected', 'pager went off')
    >>> event_marker("**OUTAGE BEGINS** api returns 500")
    ('impact_start', 'api returns 500')
    >>> event_marker("[alice] joined, see [the runbook](https://x.y)")
    (None, '[alice] joined, see [the runbook](https://x.y)')
    """
    markers = (vocabulary or DEFAULT_VOCABULARY).markers
    if "[" in text:
        for m in _BRACKET_RE.finditer(text):
            kind = markers.get(_tidy(m.group(1)).lower())
            if kind is not None:
                return kind, _tidy(text[: m.start()] + " " + text[m.end() :])
    if "**" in text or "__" in text:
        label = _LABEL_RE.match(text)
        if label:
            kind = markers.get(_tidy(label.group(1)).lower())
            if kind is not None:
                return kind, _tidy(text[label.end() :])
    plain = _PLAIN_LABEL_RE.match(text)
    if plain:
        return markers.get(plain.group(1).lower(), _PLAIN_LABELS[plain.group(1).lower()]), _tidy(
            text[plain.end() :]
        )
    for m in _BANNER_RE.finditer(text):
        words = m.group(1)
        key = _tidy(words).lower()
        if (" " in key or len(key) >= 6) and key in markers:
            return markers[key], _tidy(text[: m.start()] + " " + text[m.end() :])
    return None, text


def _classify(text: str, vocabulary: Vocabulary) -> str:
    kind, rest = event_marker(text, vocabulary)
    if kind is not None:
        return kind
    if "](" in rest:
        rest = _LINK_URL_RE.sub("]", rest)
    if "://" in rest:
        rest = _URL_RE.sub(" ", rest)
    low = rest.lower() if rest.isascii() else rest.translate(_FOLD).lower()
    words = set(_TOKEN_RE.findall(low))
    stems = {w[:_STEM] for w in words}
    for name, pattern, rule_stems, rule_words in vocabulary._events_re:
        if (
            rule_stems is not None
            and rule_words is not None
            and rule_stems.isdisjoint(stems)
            and rule_words.isdisjoint(words)
        ):
            continue
        if pattern.search(rest):
            return name
    return "note"


def _classify_slow(text: str, vocabulary: Vocabulary) -> str:
    # Reference implementation without the stem shortcut, for tests.
    kind, rest = event_marker(text, vocabulary)
    if kind is not None:
        return kind
    if "](" in rest:
        rest = _LINK_URL_RE.sub("]", rest)
    if "://" in rest:
        rest = _URL_RE.sub(" ", rest)
    for name, pattern, _, _ in vocabulary._events_re:
        if pattern.search(rest):
            return name
    return "note"


def classify_event(text: str, vocabulary: Vocabulary | None = None) -> str:
    """Classify one timeline line into an event kind.

    An explicit marker wins (see :func:`event_marker`); otherwise the
    vocabulary's event rules are tried in order and the first match wins;
    ``'note'`` when nothing matches.

    Parameters
    ----------
    text : str
        One timeline line, without its timestamp.
    vocabulary : Vocabulary, optional
        Defaults to :data:`DEFAULT_VOCABULARY`.

    Returns
    -------
    str
        One of ``schema.EVENT_KINDS``.

    Examples
    --------
    >>> classify_event("Investigation into issue commenced")
    'acknowledged'
    >>> classify_event("Helm chart rollback, KIAM service restored")
    'mitigated'
    >>> classify_event("Mempool is full of dust")
    'note'
    """
    vocab = vocabulary or DEFAULT_VOCABULARY
    cache = vocab._cache
    kind = cache.get(text)
    if kind is None:
        kind = _classify(text, vocab)
        if len(cache) >= _MAX_CACHE:
            cache.clear()
        cache[text] = kind
    return kind


def classify_events(texts: Sequence[str], vocabulary: Vocabulary | None = None) -> list[str]:
    """Classify many timeline lines; same results as :func:`classify_event`.

    Parameters
    ----------
    texts : sequence of str
        Timeline lines, without their timestamps.
    vocabulary : Vocabulary, optional
        Defaults to :data:`DEFAULT_VOCABULARY`.

    Returns
    -------
    list of str
        One event kind per line, in order.

    Examples
    --------
    >>> classify_events(["Alert triggered on Slack.", "Incident closed."])
    ['detected', 'resolved']
    """
    vocab = vocabulary or DEFAULT_VOCABULARY
    cache = vocab._cache
    if len(cache) + len(texts) > _MAX_CACHE:
        cache.clear()
    out: list[str] = []
    append = out.append
    get = cache.get
    for text in texts:
        kind = get(text)
        if kind is None:
            kind = _classify(text, vocab)
            if len(cache) < _MAX_CACHE:
                cache[text] = kind
        append(kind)
    return out


def detection_source(text: str, vocabulary: Vocabulary | None = None) -> str | None:
    """Say how an incident was noticed, from a timeline line or a summary.

    Parameters
    ----------
    text : str
        Free text, e.g. the first ``detected`` or ``reported`` line.
    vocabulary : Vocabulary, optional
        Defaults to :data:`DEFAULT_VOCABULARY`.

    Returns
    -------
    str or None
        One of ``schema.DETECTION_SOURCES`` (never ``'unknown'``), or None
        when the text does not say.

    Examples
    --------
    >>> detection_source("Issue reported by customer")
    'customer'
    >>> detection_source("CloudWatch alert detects high count of 5XX")
    'monitoring'
    >>> detection_source("A researcher submitted a bug report via bugcrowd")
    'third_party'
    >>> detection_source("Pods restarted") is None
    True
    """
    vocab = vocabulary or DEFAULT_VOCABULARY
    for name, pattern in vocab._detection_re:
        if pattern.search(text):
            return name
    return None


_DETECTION_ALIASES: dict[str, str] = {
    "monitoring": "monitoring",
    "monitor": "monitoring",
    "alert": "monitoring",
    "alerts": "monitoring",
    "alerting": "monitoring",
    "automated alert": "monitoring",
    "automatic": "monitoring",
    "automated": "monitoring",
    "pagerduty": "monitoring",
    "customer": "customer",
    "customers": "customer",
    "customer report": "customer",
    "customer reported": "customer",
    "user": "customer",
    "users": "customer",
    "user report": "customer",
    "user reports": "customer",
    "support": "customer",
    "support ticket": "customer",
    "employee": "employee",
    "internal": "employee",
    "engineer": "employee",
    "staff": "employee",
    "team": "employee",
    "manual": "employee",
    "third party": "third_party",
    "third_party": "third_party",
    "thirdparty": "third_party",
    "vendor": "third_party",
    "external": "third_party",
    "partner": "third_party",
    "provider": "third_party",
    "researcher": "third_party",
    "bug bounty": "third_party",
    "automated test": "automated_test",
    "automated_test": "automated_test",
    "automated tests": "automated_test",
    "test": "automated_test",
    "tests": "automated_test",
    "ci": "automated_test",
    "canary": "automated_test",
    "synthetic": "automated_test",
    "unknown": "unknown",
    "n/a": "unknown",
    "na": "unknown",
    "none": "unknown",
    "unclear": "unknown",
}


def normalize_detection_source(value: str) -> str | None:
    """Map a front-matter ``detection_source`` onto ``schema.DETECTION_SOURCES``.

    Parameters
    ----------
    value : str
        Free text such as ``'Monitoring'``, ``'customer report'`` or ``'alerts'``.

    Returns
    -------
    str or None
        A ``DETECTION_SOURCES`` value, or None when the text is not understood.

    Examples
    --------
    >>> normalize_detection_source("Customer report")
    'customer'
    >>> normalize_detection_source("alerts")
    'monitoring'
    >>> normalize_detection_source("the moon") is None
    True
    """
    if not isinstance(value, str):
        return None
    key = re.sub(r"[\s\-_]+", " ", value).strip().strip(".").lower()
    if key in _DETECTION_ALIASES:
        return _DETECTION_ALIASES[key]
    if key.replace(" ", "_") in DETECTION_SOURCES:
        return key.replace(" ", "_")
    return detection_source(key)


_HEADING_LINK_RE = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")  # no [ or ( inside: linear
_HEADING_NUMBER_RE = re.compile(
    r"^(?:(?:step|part|section|phase)\s*)?(?:\d+(?:\.\d+)*|[ivx]+|[a-h])\s*[.):\-–—]\s*"
    r"|^(?:step|part|section|phase)\s*\d+\s*"
    r"|^\d+(?:\.\d+)*\s+"
)


def _clean_heading(heading: str) -> str:
    text = heading.strip().lstrip("#").strip()
    text = _HEADING_LINK_RE.sub(r"\1", text)
    text = text.replace("’", "'").lower()
    # Keep letters, digits and the punctuation rules rely on; drop emoji, emphasis.
    text = re.sub(r"[^\w\s'&;:()\-–—./?!,]", " ", text).replace("_", " ")
    text = _tidy(text)
    text = _HEADING_NUMBER_RE.sub("", text, count=1)
    return text.strip(" :.?!-–—")


def heading_section(heading: str, vocabulary: Vocabulary | None = None) -> str | None:
    """Map a Markdown heading onto a postmortem section.

    The heading is cleaned first: ``#`` marks, numbering (``Step 3:``, ``3.``,
    ``3)``), emphasis, emoji, links and trailing colons or question marks are
    dropped and case is ignored. The vocabulary's heading rules are then matched
    at the start of what remains, in order.

    Parameters
    ----------
    heading : str
        The heading text, with or without its ``#`` marks.
    vocabulary : Vocabulary, optional
        Defaults to :data:`DEFAULT_VOCABULARY`.

    Returns
    -------
    str or None
        One of :data:`SECTIONS`, or None when the heading is not a known
        section (a title, "Attendees", "FAQ", ...).

    Examples
    --------
    >>> heading_section("## Timeline (all times PST)")
    'timeline'
    >>> heading_section("**3) React:**")
    'react'
    >>> heading_section("Resolution and recovery"), heading_section("Resolution")
    ('quick_fix', 'resolution')
    >>> heading_section("Attendees") is None
    True
    """
    vocab = vocabulary or DEFAULT_VOCABULARY
    text = _clean_heading(heading)
    if not text:
        return None
    for name, pattern in vocab._headings_re:
        if pattern.match(text):
            return name
    return None


_SEVERITY_WORDS: dict[str, str] = {
    "critical": "SEV1",
    "crit": "SEV1",
    "blocker": "SEV1",
    "urgent": "SEV1",
    "high": "SEV2",
    "major": "SEV2",
    "medium": "SEV3",
    "moderate": "SEV3",
    "minor": "SEV3",
    "normal": "SEV3",
    "low": "SEV4",
    "info": "SEV5",
    "informational": "SEV5",
    "trivial": "SEV5",
    "lowest": "SEV5",
}
_SEVERITY_CODE_RE = re.compile(r"(?:sev(?:erity)?|s|p|priority|level)?(\d)")
_SEVERITY_HINT = "use SEV1..SEV5, P1..P5 or critical/high/medium/low"


def normalize_severity(value: object) -> tuple[str | None, str | None]:
    """Read a front-matter severity.

    Parameters
    ----------
    value : object
        ``'SEV1'``, ``'sev-1'``, ``'S1'``, ``'P1'``, ``1``, ``'critical'``,
        ``'high'``, ``'major'``, ``'minor'``, ``'low'``, ``'info'``, ...

    Returns
    -------
    tuple of (severity or None, warning or None)
        One of ``schema.SEVERITIES`` (None when missing or not understood) and
        a message to record as a problem (None when all is well). SEV0/P0 are
        read as SEV1, with a warning.

    Examples
    --------
    >>> normalize_severity("sev-2")
    ('SEV2', None)
    >>> normalize_severity("P0")
    ('SEV1', 'severity "P0" is read as SEV1, the most severe level pmkit knows')
    >>> normalize_severity("xyz")
    (None, 'unknown severity "xyz"; use SEV1..SEV5, P1..P5 or critical/high/medium/low')
    """
    if value is None or isinstance(value, bool):
        if value is None:
            return None, None
        return None, f'unknown severity "{value}"; {_SEVERITY_HINT}'
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = str(value).strip()
    if not raw:
        return None, None
    key = re.sub(r"[\s\-_.:]+", "", raw).lower()
    if key in _SEVERITY_WORDS:
        return _SEVERITY_WORDS[key], None
    m = _SEVERITY_CODE_RE.fullmatch(key)
    if m:
        level = int(m.group(1))
        if level == 0:
            return "SEV1", f'severity "{raw}" is read as SEV1, the most severe level pmkit knows'
        if 1 <= level <= len(SEVERITIES):
            return SEVERITIES[level - 1], None
    return None, f'unknown severity "{raw}"; {_SEVERITY_HINT}'


_STATUS_WORDS: dict[str, str] = {
    "[x]": "done",
    "x": "done",
    "done": "done",
    "closed": "done",
    "fixed": "done",
    "complete": "done",
    "completed": "done",
    "resolved": "done",
    "finished": "done",
    "merged": "done",
    "shipped": "done",
    "✅": "done",
    "✔": "done",
    "✔️": "done",
    "in progress": "in_progress",
    "inprogress": "in_progress",
    "in_progress": "in_progress",
    "wip": "in_progress",
    "doing": "in_progress",
    "started": "in_progress",
    "ongoing": "in_progress",
    "in review": "in_progress",
    "won't do": "wont_do",
    "wont do": "wont_do",
    "wont_do": "wont_do",
    "wontfix": "wont_do",
    "won't fix": "wont_do",
    "wont fix": "wont_do",
    "cancelled": "wont_do",
    "canceled": "wont_do",
    "declined": "wont_do",
    "rejected": "wont_do",
    "dropped": "wont_do",
    "open": "open",
    "todo": "open",
    "to do": "open",
    "to-do": "open",
    "[ ]": "open",
    "[]": "open",
    "not started": "open",
    "pending": "open",
    "planned": "open",
    "new": "open",
    "backlog": "open",
}


def normalize_action_status(value: str | None, *, checked: bool | None = None) -> str:
    """Map an action's status text or checkbox onto ``schema.ACTION_STATUSES``.

    Parameters
    ----------
    value : str or None
        Status text from a table column or front matter.
    checked : bool, optional
        The state of a Markdown checkbox (``- [x]`` is True), used when
        ``value`` is missing or not understood.

    Returns
    -------
    str
        ``'open'``, ``'in_progress'``, ``'done'``, ``'wont_do'`` or ``'unknown'``.

    Examples
    --------
    >>> normalize_action_status("Completed"), normalize_action_status("WIP")
    ('done', 'in_progress')
    >>> normalize_action_status(None, checked=False)
    'open'
    >>> normalize_action_status("maybe")
    'unknown'
    """
    if isinstance(value, str):
        key = _tidy(value.replace("’", "'")).lower().strip(" .!")
        if key in _STATUS_WORDS:
            return _STATUS_WORDS[key]
        key = key.replace("-", " ").replace("_", " ")
        if key in _STATUS_WORDS:
            return _STATUS_WORDS[key]
    if checked is True:
        return "done"
    if checked is False:
        return "open"
    return "unknown"
