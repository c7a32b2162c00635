"""Pattern tables for :mod:`pmkit.classify`: sections, headings, detection, severity, status.

Pure data. Heading and detection rules are ordered ``(name, patterns)`` pairs
compiled by :class:`pmkit.classify.Vocabulary`; the alias tables map front-matter
words onto pmkit's enumerations. Event rules and markers live in ``_events``.
"""

from __future__ import annotations

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

# Headings are cleaned first (lowercase; numbering, emphasis, emoji and trailing
# punctuation removed), then each pattern is matched at the START of the result.
_HEADINGS: Rules = (
    # "Response timeline", "Resolution timeline", "Incident response timeline": the
    # timeline, whatever step its first word names
    ("timeline", (r"(?:[\w&-]+ ){1,3}time ?line\b(?! (?:issues?|problems?|slips?)\b)",)),
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
            # a vendor named in a cause ("vendor specific changes", "the vendor API
            # timed out") did not detect anything; one that reported it did
            r"\bvendors? (?:\w+ )?(?:reported|notified|informed|alerted|warned|told|emailed)\b",
            r"\b(?:reported|notified|informed|alerted|warned|told) by (?:the |our |a |an )?"
            r"(?:\w+ )?vendors?\b",
            r"\b(?:aws|amazon|google|github|cloudflare|azure|microsoft|okta|vendor|provider|"
            r"partner) (?:sends?|sent) (?:us )?(?:an? )?(?:\w+ )?(?:e-?mail|notification|notice"
            r"|warning)\b",
            r"\bsecurity researchers?\b",
            # an outside party's notice or audit: "an email from financial institution"
            r"\b(?:e-?mail|call|message|notification|notice) from (?:the |our |a |an )?"
            r"(?:bank|financial institution|vendor|provider|partner|registrar)\b",
            r"\b(?:their|external|independent|third[- ]party) audit\b",
            r"\bresearchers?\b",
            r"\bbug ?bount(?:y|ies)\b",
            r"\bbugcrowd\b",
            r"\bhackerone\b",
            r"\breported to us by\b",
            r"\bthird[- ]part(?:y|ies)\b",
            r"\bsocial media\b",
            # a vendor's own notice: "CircleCI announced a security alert"
            r"\bannounced an? (?:security )?(?:alert|advisory|incident|breach)\b",
        ),
    ),
    (
        "employee",
        (
            r"\binternal users?\b",
            r"\b(?:employee|staff|colleague)s?\b",
            # the responders' own team told them: "Notification from security team"
            # ("notified by the security team" says only who passed it on, not who noticed)
            r"\b(?:notification|message|e-?mail|report) from (?:the |our )?"
            r"(?:security|sre|ops|devops|operations|infra\w*|platform|noc|soc) teams?\b",
        ),
    ),
    (
        "customer",
        (
            r"\bcustomers?\b",
            # a team that uses the service told the responders: "we've been notified by
            # PAX team", "Alerted by end-user team" (not the responders' own security,
            # operations or monitoring team, nor "the team lead")
            r"\b(?:notified|alerted|informed|told|contacted) by (?:the |an? )?"
            r"(?!(?:[\w-]+ )?(?:security|sre|ops|devops|operations|on-?call|monitoring|noc|soc"
            r"|infra\w*|platform|incident[- ]response|our) teams?\b)"
            r"(?!(?:the|an?|our|their|this|that) )(?:[\w-]+ ){1,2}teams?\b"
            r"(?! (?:lead|leads|member|members|manager)\b)",
            r"\bclients?\b (?:\w+ )?report",
            r"\b(?:end[- ])?users? (?:\w+ )?"
            r"(?:report(?:ed|s|ing)?|complain\w*|reached out|alerted)\b",
            r"\b(?:end[- ])?users? report",
            r"\breports? (?:from|by) (?:\w+ )?(?:users?|customers?)\b",
            r"\bend[- ]users?\b",
            r"\bsupport tickets?\b",
            r"\bcommunity members?\b",
            # "We were alerted by some users that the service is unavailable"
            r"\b(?:alerted|notified|told|informed|contacted) by (?:some |a few |several |many "
            r"|our |the |a )?(?:users?|customers?|clients?)\b",
            # "A few teams came forward with the issue", "Identified: Via User"
            r"\bcame forward\b",
            r"\breported (?:on|in|via|through) (?:the |our )?(?:gitter|discord|matrix|github|"
            r"gitlab|twitter|irc|discourse|forum|piazza|mailing list)\b",
            r"\breported (?:on|in|via) \S+ by @",
            r"\bteams? (?:\w+ ){0,2}(?:reported|reporting|complain\w*) (?:in|on) (?:the |our )?#",
            r"^via (?:an? |the )?users?\b",
            # "a user opened an issue saying downloads fail"
            r"\b(?:users?|someone|community members?|contributors?) (?:\w+ )?"
            r"(?:opened|opens|filed|files|created|creates|raised|raises) "
            r"(?:an? |the )?(?:github |gitlab )?(?:issue|ticket|bug(?: report)?)\b",
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
            r"\b(?:i|we) (?:\([^()]{1,40}\) )?(?:looked|realized|realised|saw)\b",
            # "Team observed that the prometheus pod was restarted" (no alert said so)
            r"\b(?:team|engineers?) (?:\w+ ){0,2}(?:observed|noticed|spotted)\b",
        ),
    ),
    (
        "monitoring",
        (r"\bprometheus\b", r"\bgrafana\b", r"\bdatadog\b", r"\bsentry\b", r"\bpingdom\b"),
    ),
)

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
    # status pages (cstate: down, disrupted, notice; Statuspage impacts)
    "down": "SEV1",
    "majoroutage": "SEV1",
    "disrupted": "SEV2",
    "partialoutage": "SEV2",
    "degraded": "SEV3",
    "degradedperformance": "SEV3",
    "notice": "SEV5",
}

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
    "implemented": "done",
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
