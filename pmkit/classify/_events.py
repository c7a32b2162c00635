"""Event rules and explicit markers for :mod:`pmkit.classify`.

Pure data: ordered ``(kind, patterns)`` pairs that :class:`pmkit.classify.Vocabulary`
compiles, and the marker texts ``[detected]``, ``**Recovery:**`` and
``OUTAGE BEGINS`` map to.
"""

from __future__ import annotations

from pmkit.classify._rules import Rules

# Event rules are tried in order and the first entry with a matching pattern wins.
# A kind may appear in several tiers: strong, unambiguous wording early, generic
# verbs late, so that "rollback attempted" is not a mitigation and "customer
# confirmed issue resolved" is not a report.
_EVENTS: Rules = (
    # someone sees the service working again: "Chris notices that proxy pod is working
    # again. Service appears to be restored" (the noticing is no detection)
    (
        "mitigated",
        (
            r"\b(?:notic\w+|sees?|saw|observ\w+|confirm\w*) (?:that )?(?:[\w/-]+ ){0,5}"
            r"(?:is|are|was|were) (?:now )?(?:working|running|responding|back up|up again|back|"
            r"healthy|fine|restored)(?: again| normally| fine)?\b"
            r"(?! (?:on|in) (?:staging|dev|test)\b)",
        ),
    ),
    (
        "impact_start",
        (
            r"\bproblem started\)",
            # "At 03:01 UTC we experienced a momentary outage of our PostgreSQL database"
            r"\b(?:we|users?|customers?|services?|the site) (?:\w+ )?(?:experienced|suffered|"
            r"saw|had) (?:an? |some )?(?:[\w-]+ ){0,2}(?:outage|downtime|disruption|"
            r"degradation)\b",
            # "Launch success drops to zero", "success rate dropped to 0%"
            r"\b(?:success|launch(?:es)?|availability|traffic|requests?|uptime)(?: success)?"
            r"(?: rate| metric)? (?:drops?|dropped|falls?|fell|goes|went|reach(?:es|ed)?) "
            r"(?:down )?(?:to )?(?:zero|0\b|0 ?%)",
            # the service gets worse: "Node runs out of memory, service starts degrading"
            r"\b(?:starts?|started|begins?|began) (?:to )?degrad",
            # a key-events list: "Fault occurs 2020-02-12 11:45"
            r"\bfault (?:occurs|occurred|starts|started|begins|began)\b",
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
            # "CNI security team closed the issue ... as a false positive" (not "the
            # previously closed ticket", "had not closed the ticket yet")
            r"(?<!not )(?<!n't )(?<!never )\bclosed (?:the|this|our) (?:incident|issue|ticket)\b",
            r"\boutage (?:was |is )?closed\b",
            r"\ball[- ]clear\b",
            r"\bfully (?:recovered|restored|operational|functional)\b",
            # every instance back, not the first: "All fluentd DaemonSets were running with
            # correct ARN again" (one "running again" is a mitigation)
            # (not "running the faulty build again", "healthy again ... before the next crash")
            r"^all (?:[\w-]+ ){0,3}(?:are|were|is|was|have been) (?:now )?"
            r"(?:running|working|functioning|operational|healthy)"
            r"(?: with (?!(?:the |an? )?(?:faulty|old|bad|broken|wrong|previous)\b)[^.;]{0,40})?"
            r" again\b(?![^.;]*\b(?:before|until)\b)",
            r"\bback online\b",
            # "The PR has been merged and deployed, bringing the outage to an end"
            r"\b(?:bringing|brought|brings|bring|came|comes|coming) (?:the |this )?"
            r"(?:outage|incident|downtime|disruption)? ?to an end\b",
            r"\b(?:ended|ends|ending|end) (?:the|this) (?:outage|incident|downtime|disruption)\b",
            # "Launch rate goes back to 100%"
            r"\b(?:goes|went|is|are|was|were|comes?|came|got|gets) back (?:up )?to 100 ?%",
            # "returned to steady state", "declares prod hub online"
            r"\b(?:returned|returns|back) to (?:a )?steady state\b",
            r"\bdeclare[sd]? (?:the )?(?:[\w-]+ ){0,3}(?:online|operational|healthy|resolved)\b",
            # "Outage ends", "... Service resumes. Incident ends." (not "before the outage
            # ended")
            r"(?<!before )(?<!until )(?<!after )(?<!before the )(?<!until the )(?<!after the )"
            r"\b(?:outage|incident|impact|downtime|disruption) (?:ends|ended|is over|was over)\b",
            r"\bback to (?:a )?(?:normal|functional|working)\b",
            r"\b(?:verified|confirmed) (?:working|operational)\b",
            r"\bverified .{0,40}\boperational\b",
            r"\b(?:reports?|reporting) back that (?:it|the fix|everything) works\b",
            r"\bavailability confirmed\b",
            r"\bpermanently fixed\b",
            # our own clean-up written as a step: "Permanently deleted the controller"
            r"^permanently (?:deleted|removed|disabled)\b",
            # a security finding cleared: "the attachment has been confirmed clean"
            r"\b(?:confirmed|verified|found|deemed) (?:to be )?(?:clean|benign|not malicious)\b",
            r"(?<!roll )\bback (?:in )?operation(?:al)?\b",
            # the change written into infrastructure as code is the lasting fix
            r"\b(?:implemented|applied|codified) (?:through|via|in) (?:the )?iac\b",
            r"\b(?:long[- ]term|permanent) fix(?:es)? (?:was |were |has been |is )?"
            r"(?:applied|deployed|rolled out|released|implemented|in place)\b"
            r"(?! (?:in|to|on) (?:the |a )?(?:\w+ )?(?:sandbox|staging|test|qa|dev)\b)",
            r"\bfix deployed and verified\b",
            r"(?<!n't )(?<!not )\b(?:working|running|functioning) as "
            r"(?:intended|expected|normal)\b",
            r"\bback to (?:their |its )?normal\b",
            r"\b(?:returned|returns|came back) to (?:\w+ )?normal\b",
            r"\bservices? (?:is |are )?operational\b",
            r"\b(?:problem|issue) was solved\b",
            r"\bmarks? the issue as solved\b",
            r"\b(?:incident|issue|event|alert) (?:was|is) (?!not\b)(?:\w+ )?(?:a )?"
            r"false positive\b",
        ),
    ),
    (
        "action",
        (
            r"\broll ?back (?:fails|failed|was not|did not)\b",
            # the impact goes on after the step: "error rates remain elevated despite rollback"
            r"\b(?:remain(?:s|ed)?|persist(?:s|ed)?)\b[^.;]{0,40}\bdespite\b",
            r"\battempt(?:ed|ing|s)? (?:to (?:be )?)?(?:roll(?:ed)? ?back|revert)",
            r"\b(?:decision|decided|decide|plan(?:ned|s)?|propos\w*) (?:was )?(?:made )?to "
            r"(?:roll ?back|revert|fail ?over)",
            r"\bwork(?:ing)? on (?:a |the )?(?:roll ?back|revert)",
            r"\b(?:attempted|potential|possible|amended|partial) fix\b",
            r"\battempt(?:ed|ing|s) to\b",
            # a fix written or started is not yet a fix in place
            r"\bfix(?:es)? committed\b",
            r"\b(?:hot ?fix|fix|patch)\b[^.;]{0,60}\b(?:was|were|is|being) "
            r"(?:prepared|initiated)\b",
            # a fix tried outside production has not reached the impact yet
            r"\b(?:deployed|applied|rolled out|tested) (?:in|to|on) (?:the |a )?(?:\w+ )?"
            r"(?:sandbox|staging|test|qa|dev)\b",
            r"\b(?:roll ?back|revert|fail ?over)\b.{0,60}\binitiated\b",
            r"\binitiated (?:a |the )?(?:roll ?back|revert|fail ?over)\b",
            # a rollback prepared for, not done: "Record plugin file system times in case
            # rollback needed", "Identify candidate plugins for rollback"
            r"\b(?:for|in case(?: of)?|if|prepare(?:d|s)? (?:for )?|before) (?:an? |the )?"
            r"(?:roll ?back|revert|downgrade)\b",
            r"\b(?:roll ?back|revert|downgrade) (?:is |was )?"
            r"(?:needed|required|plan|candidates?)\b",
            # the changed thing fails: "Downgraded plugin reports NoSuchMethodError"
            r"\b(?:downgraded|upgraded|restarted|reverted|updated|new) (?:[\w-]+ ){0,2}"
            r"(?:reports?|shows?|throws?|logs?|fails?|failed|crashe[sd]) (?!that (?:it|the|all) )",
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
            # a key-events list: "Repaired 2020-08-07 16:29", "Incident repaired"
            r"(?<!not )(?<!n't )(?<!be )\brepaired\b",
            r"\brolled back\b",
            r"\broll ?back (?:performed|completed|done|finished|succeeded)\b",
            r"\breverted\b",
            r"\breverts? (?:deployed|the|site|back)\b",
            r"\bfail(?:ed)? ?over\b",
            r"\btraffic (?:was )?(?:restored|recovered)\b",
            r"\bservices? (?:was |were |is )?restored\b",
            r"\bservices? (?:resumes|resumed|is resumed|was resumed)\b",
            r"\bworkaround\b",
            r"\bmitigation (?:is |was |has been )?(?:now )?(?:in place|applied|deployed|live)\b",
            r"\b(?:rolled|rolls|rolling) out (?:the |a |our )?(?:hot ?)?fix\b",
            r"\b(?:hot ?)?fix (?:is |was |went |goes )?(?:now )?live\b",
            r"\berrors? (?:subsided|stopped|dropped)\b",
            r"\ballowing traffic\b",
            # the runaway workload stopped: "Pod killed, releasing file watches"
            r"\b(?:pods?|process(?:es)?|jobs?|quer(?:y|ies)) (?:was |were )?killed\b(?! by)",
            # recovery begins: "the DNS record started to get propagated again"
            r"\b(?:started|starts|began|begins) to (?:get |be )?(?:propagated|served|processed|"
            r"delivered|work(?:ing)?|respond(?:ing)?|succeed(?:ing)?|recover(?:ing)?|flow(?:ing)?) "
            r"again\b",
        ),
    ),
    # Responders joining to help make the line an acknowledgement even
    # when it also says who was told ("I notified the engineers chat ... Almog and
    # Arvid joined to help debug"): internal notice is no milestone, this is.
    (
        "acknowledged",
        (r"(?<!had )\bjoin(?:ed|s) (?:in )?to (?:help|assist|debug|investigat|troubleshoot)",),
    ),
    # A user forwarding the suspicious email to the security team reports it, even
    # when the line also says which channel was told.
    (
        "reported",
        (
            r"\b(?:customers?|users?|clients?|employees?)(?: (?:one|two|three|\d))? "
            r"(?:had |has |have )?forward(?:ed|s)\b",
            # people who use the service say so in a channel: "Users reported in
            # #ask-cloud-platform that ...", "teams begin reporting in #ask channel"
            r"\b(?:customers?|users?|clients?|teams?|people|developers?|members?|someone|"
            r"students?|instructors?|gsis?|tas|teachers?|folks) "
            r"(?:\w+ ){0,2}(?:reported|reports?|reporting|complain\w*|posted|asked)"
            r"(?: (?:\w+ ){0,2}(?:in|on) (?:the |our )?(?:#|slack|discord|matrix|gitter|"
            r"zulip|mattermost|piazza|teams\b))",
            # "A report in the course staff slack says that datahub is down"
            r"^an? (?:\w+ )?report (?:in|on|from|via) (?:the )?\S",
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
            r"community(?: members?)?|members?|teams?|people|employees?|colleagues?|staff|"
            r"students?|instructors?|gsis?|teachers?|learners?|folks|someone|somebody|"
            r"partners?|maintainers?|contributors?) "
            r"(?:\w+ ){0,2}"
            r"(?:reported|reports?|reporting|reached out|complain\w*|alerted us|informed us|"
            r"notified us|tweeted|submitted)\b",
            r"\b(?:customers?|users?|clients?|end[- ]users?|community(?: members?)?|"
            r"affected (?:users?|employees?|customers?)) (?:\w+ ){0,2}"
            r"(?:posts|posted) (?:in|on|to)\b",
            r"\breported by\b",
            # a person said so; a check or monitor "reported" is a detection
            r"(?<!check )(?<!checks )(?<!monitor )(?<!monitoring )(?<!probe )\breported that\b",
            r"\breceived an? (?:e-?mail|message|notification|notice|call) from\b"
            r"(?! (?:pagerduty|opsgenie|datadog|grafana|prometheus|alertmanager|sentry|"
            r"cloudwatch|nagios|monitoring|our monitoring|the monitoring)\b)",
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
            # "Ticket https://... is opened about user's servers taking >15min": someone
            # asked for help (a ticket opened *with* a vendor is an escalation, above)
            r"\btickets?\s+(?:\S+\s+)?(?:is |was |gets |got )?"
            r"(?:opened|raised|filed|submitted|created) "
            r"(?:about|reporting|regarding|saying|that|by (?:a |the )?(?:user|customer|community))",
            r"^incoming reports?\b",
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
            # someone outside tells the team: "OSTIF and their contractor notified `conda-forge`
            # of the leaked token" (not "we notified users of the outage")
            r"^(?!we\b|i\b|the team\b|our\b)(?:[\w`'/.&-]+ ){1,5}"
            r"(?:notified|informed|alerted|warned) "
            r"(?!(?:the |all |affected |our )?(?:users?|customers?|stakeholders|management|"
            r"leadership|team)\b)(?:[`\w/.-]+ ){1,2}(?:of|about)\b",
            # "Suspicious behavior reported on gitter", "outage is reported on Slack by @x"
            r"\breported (?:on|in|via|through|to us on) (?:the |our )?(?:gitter|slack|discord|"
            r"matrix|github|gitlab|twitter|irc|discourse|forum|piazza|mailing list|#)",
            # "a user opened an issue saying downloads fail"
            r"\b(?:customers?|users?|clients?|someone|community members?|contributors?) "
            r"(?:\w+ )?(?:opened|opens|filed|files|created|creates|raised|raises) "
            r"(?:an? |the )?(?:github |gitlab )?(?:issue|ticket|bug(?: report)?)\b",
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
            r"\binvestigations? (?:\w+ ){0,4}(?:started|starts|commenced|began|begun|begins|"
            r"initiated|launched|opened)\b",
            # "Discussion and notification starts in slack about dealing with the issue"
            r"^(?:the )?(?:discussion|triage|debugging|response|work)(?: and \w+)? "
            r"(?:starts|started|begins|began|is started|was started)\b",
            r"\b(?:incident|war-?room) (?:was |is )?(?:declared|opened|raised|created|started)\b",
            r"\b(?:declared|opened|raised|created|initiated|initiates) (?:an? |the )?(?:\w+ )?"
            r"(?:incident|war-?room)\b",
            r"\bwar-?room\b",
            r"\bincident channel\b",
            r"\b(?:sev ?\d|incident) ticket (?:was )?(?:raised|created|opened)\b",
            r"\blooking into\b",
            r"\b(?:is|was|being) looked into\b",
            r"\b(?:start(?:ed|s|ing)?|began|begins?) (?:working|work) on (?:a |the )?(?:[\w-]+ )?"
            r"(?:solution|fix|issue|problem|incident|mitigation|workaround)\b",
            r"\bongoing investigation\b",
            r"\bverification of the (?:\w+ )?(?:issue|problem|bug|outage|incident)\b",
            r"\btriag(?:ed|ing|e)\b",
            # the responders confirm the problem exists (not that it is fixed)
            r"\b(?:issue|problem|bug|incident|outage) (?:was |has been |is )?confirmed\b",
            # "Students report that their kernels keep dying. This is confirmed to be a problem"
            r"^(?:this|it) (?:is|was|has been) confirmed\b(?! (?:fixed|resolved|working|to work))",
            r"\bconfirmed (?:the )?(?:\w+ )?(?:issue|problem|bug|incident|outage)\b"
            r"(?! (?:is|was|has been|had been) )",
            # people investigating: the response has begun
            r"\b(?:personnel|engineers?|teams?|staff|operators?|responders?|on-call|oncall|sres?"
            r"|we|i) investigated\b",
        ),
    ),
    (
        # a detection, report or compromise denied: "no loss of service has been
        # detected or reported", "no customer data was compromised" say nothing
        # happened; after every tier that a line saying what was done matches
        # ("rolled back; no further errors were reported" is a mitigation)
        "note",
        (
            r"\bno (?:[\w-]+ ){0,4}(?:has|have|had|was|were) (?:yet )?(?:been )?"
            r"(?:detected|reported|observed|noticed|compromised|affected|lost)\b",
            r"\bnothing (?:\w+ )?(?:has been |was |had been )?"
            r"(?:detected|reported|observed|noticed|compromised)\b",
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
            # a key-events list: "Team aware 2020-02-25 07:36"
            r"\b(?:team|teams|engineers?|on-?call|we) (?:were |was |are |is )?aware\b",
            r"\b(?:was|is) (?:discovered|identified|spotted|noticed) by\b",
            r"\bwitnessed\b",
            r"\brecogni[sz](?:e|es|ed)\b",
            r"\bobserved that\b",
            # "Infrastructure staff is notified in slack", "the on-call engineer is paged"
            r"\b(?:staff|on-?call(?: engineers?)?|responders?|(?:infrastructure|infra|ops|sre|"
            r"devops|platform) (?:team|staff|engineers?)) (?:is|are|was|were|gets?|got) "
            r"(?:\w+ )?(?:notified|paged|alerted)\b",
            # "Problem is identified - Launch success rate drops quickly" (a cause identified
            # later is "the cause is identified")
            r"^(?:the )?(?:problem|issue|incident|outage|failure) (?:is|was) (?:first )?"
            r"(?:identified|spotted|discovered|noticed)\b",
            # people see the problem: "We observe some nodes reporting NodeNotReady"
            # (not what they saw getting better: "we observed the error rate drop")
            r"^(?:we|i|the team|engineers?|on-?call|sres?) (?:first )?"
            r"(?:observe[sd]?|see|saw|spott?(?:ed)?) (?:that )?(?!(?:[\w-]+ ){0,4}"
            r"(?:recover|drop|decreas|return|improv|stabili[sz]|normal|resolv|fix|success|work))",
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
            # (not the analysis: "this is probably the cause of our crash")
            r"(?<!the )(?<!root )(?<!a )\bcaus(?:ed|ing|es|e) .{0,40}\b"
            r"(?:to (?:crash|fail|be deleted)|outage|crash|errors)",
            r"\bstop(?:s|ped)? (?:working|responding|shipping|serving|processing|being)\b",
            r"\bexpires?\b",
            r"\b(?:fully|completely|hard) down\b",
            r"\bentered (?:a |the )?(?:notready|not ready|unhealthy|failed|crash\w*)",
            r"\b(?:chain|network|site|service|website|api) (?:stalled|halted)\b",
            r"\b(?:became|becomes|become) (?:\w+ )?(?:degraded|unavailable|unresponsive|"
            r"unreachable|inaccessible)\b",
            r"\b(?:was|were|got) compromised\b",
            r"\bunauthori[sz]ed access\b.{0,40}\b(?:was|were) (?:gained|obtained)\b",
            r"(?<!may )(?<!might )(?<!could )\b(?:has|have|had) been compromised\b",
        ),
    ),
    (
        "mitigated",
        (
            # (not a crash loop: "pods ... in CrashloopBackoff and had been restarted ~13 times")
            r"(?<!been )(?<!keeps )(?<!kept )\brestart(?:ed|s)?\b"
            r"(?! (?:~?\d+|several|many|multiple) times| repeatedly| constantly| continuously)",
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
            r"\b(?:is|was|were|been|are now) (?:now )?(?:blocked|banned|locked|suspended)\b"
            r"(?! out| by)",
            r"\b(?:locked|suspended|disabled) (?:the |all )?(?:\w+ )?accounts?\b",
            # credentials taken back by the responders ("we ... revoked the tokens"),
            # not a certificate revoked by its issuer
            r"\b(?:we|they|team|ips|security|admins?) (?:\w+ ){0,6}revoked\b",
            r"\brevoked (?:the |all |their |its |his |her )?(?:\w+ )?(?:tokens?|keys?|credentials?|"
            r"access|sessions?|permissions?|passwords?)\b",
            # "Both keys are revoked so they are no longer valid credentials"
            r"\b(?:keys?|tokens?|credentials?|passwords?|secrets?|certificates?|sessions?)"
            r" (?:are|were|was|is|have been|has been|got) (?:\w+ )?(?:revoked|rotated|disabled|"
            r"invalidated|deactivated)\b",
            # a leaked secret made useless: "disabled the token and stopped uploads"
            r"\b(?:disabled|invalidated|deactivated|rotated) (?:the |all |their |its )?"
            r"(?:[\w-]+ )?(?:tokens?|keys?|credentials?|passwords?|secrets?|sessions?)\b",
            r"\bterminated\b",
            r"\b(?:were|was) stopped\b",
            r"\bturn(?:ed|s)? off\b",
            r"\bbec(?:a|o)mes? available\b",
            r"\b(?:working|running|responding|operational|available|healthy|functional) again\b",
            r"\btemporary solution\b",
            # a stopgap: "Cluster had been scaled manually to handle builds until the root
            # cause is fixed"
            r"\buntil (?:the )?(?:root cause|underlying (?:issue|cause)|permanent fix|proper fix|"
            r"real fix|fix) (?:is|has been|can be|gets) "
            r"(?:fixed|found|applied|deployed|ready|in)\b",
            r"\bscaled (?:manually|by hand)\b",
            r"\bnow (?:fine|healthy|working|ok|stable)\b",
            # "Two people confirm that their pods now build and launch fine"
            r"\bnow (?:[\w-]+ ){1,4}(?:fine|normally|successfully)\b",
            r"\b(?:started|resumed|being) \w+ing\b.{0,40}\bagain\b",
            r"\bstarted moving (?:forward|again)\b",
            r"\brolled over (?:the )?(?:sick|unhealthy|bad|failed|broken)\b",
            r"\b(?:targets?|service|nodes?) (?:\w+ )?healthy\b",
            # work flowing again: "new blocks being created again"
            r"\b(?:being|are|is|were|was) (?:created|processed|produced|served|accepted"
            r"|delivered|written) again\b",
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
            r"\b(?:disables|enables|deletes|removes|instructs|installs|updates|rotates|resets)\b",
            # present tense, plural: "We delete the binder and hub pods"
            r"\b(?:we|they|i) (?:then )?(?:delete|remove|deploy|apply|patch|upgrade|update|change|"
            r"drain|cordon|scale|increase|decrease|add|kill|disable|enable|rebuild|reboot)\b",
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
