"""Summary, prose, remediation ideas and next steps."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta

from pmkit import classify, timeparse
from pmkit.io.markdown._text import (
    _ACTOR,
    _CHECKBOX,
    _DIGIT,
    _DUE_LABEL,
    _META_PAREN,
    _META_SPLIT,
    _OWNER_KEYS,
    _OWNER_LABEL,
    _SENTENCE,
    _STEP_NAMES,
    _STEP_TAG,
    _TABLE_SEP,
    _TRACKER,
    _action_header,
    _cells,
    _clauses,
    _clean_inline,
    _list_line,
    _may_hold,
    _range,
    _section,
)
from pmkit.io.markdown._timeline import _Timeline

# Words the case-insensitive label patterns need: an ASCII line without any of
# them is not searched (a case-insensitive search costs ~1 us a line).
_OWNER_WORDS = ("owner", "assignee", "assigned to", "who")
_DUE_WORDS = ("due", "deadline", "by", "eta", "target")
# Common forms, read with one match each; anything else goes through
# list_action's general rules:
#   "[ ] text (TRK-1) (prevent) — @owner, due 2026-05-01, TRK-2"  (pmkit's own,
#       with the owner or the due date left out)
#   "[ ] text (owner: Ana Ruiz, due: 2026-05-01, TRK-2)"
# Words are runs of plain characters between single spaces, matched possessively:
# a line of another form fails at once instead of backtracking through its words.
_WORDS = (
    r"\[(?P<box>[ xX])\] "
    r"(?P<words>[^*`<>\[\]()@—–:\s]++(?: [^*`<>\[\]()@—–:\s]++)*+)"
)
_TRK = r"[A-Z][A-Z0-9]{1,9}-\d{1,7}"
_DUE_ISO = r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
_OWN_FORM = (
    _WORDS + rf"(?: \((?P<trk>{_TRK})\))?"
    r"(?: \((?P<step>detect|react|quick_fix|prevent|other_risk)\))?"
)
_OWNER_AT = r"@(?P<owner>[A-Za-z0-9][A-Za-z0-9.-]{0,38})"
_TAIL_TRK = rf"(?:, (?P<tail>{_TRK}))?"
_PLAIN_ACTIONS = tuple(
    re.compile(form)
    for form in (
        rf"{_OWN_FORM} — {_OWNER_AT}, due {_DUE_ISO}{_TAIL_TRK}",
        rf"{_OWN_FORM} — {_OWNER_AT}{_TAIL_TRK}",
        rf"{_OWN_FORM} — due {_DUE_ISO}{_TAIL_TRK}",
        _WORDS + rf" \(owner: (?P<owner>[A-Za-z]+(?: [A-Za-z]+){{0,3}}), due: {_DUE_ISO}"
        rf"{_TAIL_TRK}\)",
    )
)


# A pull request, issue or merge request link: kept whole as the tracker key
# (up to its number: ".../pull/815/files" is pull request 815)
_TRACKER_URL = re.compile(
    r"https?://[^\s()<>\[\]]{1,300}?/(?:pull|issues|merge_requests)/\d{1,9}\b"
)
# "[#2226]", "[text][ref]": a reference to a "[label]: url" line of the document
_REF = re.compile(r"\[([^\[\]\n]{1,100})\](?!\()")
_LINK_DEF = re.compile(r" {0,3}\[([^\[\]\n]{1,100})\]:[ \t]*<?([^\s<>]+)>?")
# "[#2226]: Add logging": the reference the item starts with
_LEAD_REF = re.compile(r"\[([^\[\]\n]{1,100})\]:?[ \t]+")
# a sub-bullet that only points somewhere: "- https://...", "- See https://....."
_ONLY_LINK = re.compile(r"(?:see:?\s+)?<?https?://\S+?>?\.?", re.I)
# "**Action item:** text", "Follow-up: text": a paragraph that says it is an action
_ACTION_LABEL = re.compile(
    r"(?:\*\*|__)?(?:action items?|actions?|follow[- ]?ups?|to-?dos?)(?:\*\*|__)?[ \t]*:"
    r"[ \t]*(?:\*\*|__)?[ \t]*",
    re.I,
)
# "... minutes. Owner: @lucasheriques": an owner label closing the text
_OWNER_TAIL = re.compile(rf"(?:\s*[;,])?\s*\b(?:{_OWNER_KEYS})\s*[:=]\s*@?[^,;|()]{{1,60}}$", re.I)
# "(done)", "(WIP)", "(won't do)" closing an action or a heading ("Immediate
# Actions (Completed)"): a status word of classify.normalize_action_status
_STATUS_TAIL = re.compile(r"\s*\(([^()]{1,20})\)\.?$")
# "..., Status: in progress": the label, with the separator before it (one
# lookbehind, not a leading run a failed search would retry at every position)
_STATUS_LABEL = re.compile(
    r"(?:[.;,]\s*|\s\(?|\()?(?<![\w-])status\s*:\s*([A-Za-z][A-Za-z' _-]{0,20}[A-Za-z])\)?", re.I
)
# a check mark in front of (or after) an item marks it done
_DONE_MARKS = ("✅", "✔", "☑", "✓")


def _heading_done(title: str) -> bool:
    """A heading that says its actions are done: "Immediate Actions (Completed)", "Done"."""
    if len(title) < 12 and classify.normalize_action_status(title) == "done":
        return True
    hm = _STATUS_TAIL.search(title) if title.endswith(")") else None
    return hm is not None and classify.normalize_action_status(hm.group(1)) == "done"


# the underscores _clean_inline removes as emphasis (or more)
_EMPHASIS_UNDERSCORE = re.compile(r"__|(?<!\w)_")
_EPOCH_DAY = date(1970, 1, 1).toordinal()
_DAY_US = 86_400_000_000


# "between 12:17 and 12:30 UTC", "from November 11, 4:02 PM UTC to November 14, ...":
# the word just before the first time of a window
_WINDOW_OPEN = re.compile(r"\b(?:between|from)\s+$", re.IGNORECASE)
#: sections whose prose states the incident as a whole (None: text before any heading)
_WINDOW_SECTIONS = (None, "summary", "impact")


def _due_label(text: str) -> bool:
    """``_DUE_LABEL.search(text)``, after the cheap test for the words it needs."""
    return _may_hold(text, _DUE_WORDS) and _DUE_LABEL.search(text) is not None


class _Sections(_Timeline):
    """Reads the summary, prose, canvas ideas and actions."""

    def read_summary(
        self, block: list[tuple[int, str]], heading: str | None, _s: str | None
    ) -> None:
        block = self.inline_meta(block)
        for line, text in self.paragraphs(block):
            self.summary_parts.append(_clean_inline(text))
            self.context_from(text, 0)
            self.prose.append((line, text, heading))

    def read_preamble(
        self, block: list[tuple[int, str]], heading: str | None, _s: str | None
    ) -> None:
        block = self.inline_meta(block)
        for line, text in self.paragraphs(block):
            self.preamble_parts.append(_clean_inline(text))
            self.context_from(text, line)
            self.prose.append((line, text, heading))

    def read_prose(self, block: list[tuple[int, str]], heading: str | None, _s: str | None) -> None:
        for _, raw in block:
            if ":" in raw:
                self.detection_label(raw)
        for line, text in self.paragraphs(block):
            self.prose.append((line, text, heading))

    def prose_timeline(self) -> None:
        """No timeline section gave a time: read the times written in sentences.

        Short postmortems tell their timeline in prose ("At 15:23 UTC we received
        a report ..."): each sentence with a clock time becomes an event.
        """
        self.in_prose = True
        self.current_date = self.doc_date
        events = self.events
        for line, text, heading in self.prose:
            # a line that opens with its time ("2023-11-01 10:15: Alert from Pingdom.
            # Team acknowledged ...") is a timeline entry: its other sentences are its text
            first = len(events)
            entry = False
            for n, sentence in enumerate(_SENTENCE.split(text)):
                m = timeparse.find_time(sentence) if _DIGIT.search(sentence) else None
                if m is None or m.relative is not None:
                    d = timeparse.find_date(sentence) if _DIGIT.search(sentence) else None
                    if d is not None and m is None:
                        self.current_date = d
                    elif entry and len(events) > first and sentence.strip():
                        more = sentence.strip().rstrip(".")
                        events[-1]["text"] = f"{events[-1]['text']}. {more}"
                    continue
                entry = entry or (n == 0 and m.start <= 2)
                for clause in _clauses(sentence, m):
                    self.timeline_item(clause, line, heading, None)
        self.in_prose = False

    def stated_window(self) -> tuple[datetime, datetime | None] | None:
        """The impact window the summary states: its start and end, or None.

        "On 2023-07-20 between 12:17 and 12:30 UTC all crate downloads were
        broken": when no timeline line marks the start (or the mitigation), the
        summary's window does. Only "between <time> and <time>" and "from <time>
        to <time>" in the text before any heading, the summary and the impact
        section count. An end earlier than the start is on the next day.
        """
        for line, text, heading in self.prose:
            low = text.lower()
            if "between " not in low and "from " not in low:
                continue
            if heading is not None and _section(heading, self.vocab) not in _WINDOW_SECTIONS:
                continue
            for sentence in _SENTENCE.split(text):
                window = self.window_at(sentence, line)
                if window is not None:
                    self.window_line = line
                    return window
        return None

    def window_at(self, sentence: str, line: int) -> tuple[datetime, datetime | None] | None:
        m = timeparse.find_time(sentence)
        if m is None or m.relative is not None or not _WINDOW_OPEN.search(sentence[: m.start]):
            return None
        m, end = _range(sentence, m)  # "between 12:17 and 12:30 UTC"
        if end is None:
            return None
        if m.zone is None and not (self.zone or self.tz_arg):
            return None  # a naive time is not guessed (and not reported twice)
        day = timeparse.find_date(sentence) or self.doc_date
        if day is None and (m.year is None or m.month is None or m.day is None):
            return None
        start = self.absolute(m, line, day)
        if start is None:
            return None
        if end.zone is None:
            end = dataclasses.replace(end, zone=m.zone)
        until = self.absolute(end, line, day)
        if until is not None and until < start and end.day is None:
            until += timedelta(days=1)  # "from 23:10 to 01:40 UTC"
        return start, until

    def context_from(self, text: str, line: int) -> None:
        if self.zone is None:
            zone = timeparse.find_zone_statement(text)
            if zone:
                self.set_zone(zone, line)

    def read_ideas(self, block: list[tuple[int, str]], heading: str | None, _s: str | None) -> None:
        step = _section(heading or "", self.vocab)
        header: list[str] | None = None
        for line, item in self.paragraphs(block):
            if item.startswith("|"):
                cells = _cells(item)
                if _TABLE_SEP.fullmatch(item.strip()):
                    continue
                if header is None:
                    header = [c.lower() for c in cells]
                    continue
                text = _clean_inline(" — ".join(c for c in cells if c))
            else:
                text = _clean_inline(item)
            if not text or (text.endswith(":") and len(text) < 80):
                continue
            self.n_ideas += 1
            self.out.add(
                "ideas",
                incident_id=self.incident_id,
                step=step,
                text=text,
                heading=heading,
                source=self.source,
                line=line,
            )

    def read_actions(
        self, block: list[tuple[int, str]], heading: str | None, sub_step: str | None
    ) -> None:
        header: dict[str, int] | None = None
        items = self.paragraphs(block)
        # lines that are list items or table rows, found once for the block
        listed = {n for n, raw in block if _list_line(raw)}
        indented = {n for n, raw in block if raw[:1] in (" ", "\t") and n in listed}
        parent = 0  # the line of the last item at the margin
        for line, item in items:
            if line not in indented:
                parent = line
            if item[:1] in "*_AaFfTt":
                lm = _ACTION_LABEL.match(item)
                if lm is not None and lm.end() < len(item):
                    self.list_action(item[lm.end() :], line, heading, sub_step)
                    continue
            if (listed or self.intro) and line not in listed:
                continue  # guidance prose around a list of actions
            if line in indented and _ONLY_LINK.fullmatch(item):
                self.link_to_parent(item, parent)
                continue
            if item.startswith("|"):
                if _TABLE_SEP.fullmatch(item.strip()):
                    continue
                cells = _cells(item)
                if header is None:
                    header = _action_header(cells)
                    continue
                self.table_action(cells, header, line, heading, sub_step)
                continue
            self.list_action(item, line, heading, sub_step)

    def link_to_parent(self, item: str, parent: int) -> None:
        """A sub-bullet that only links somewhere belongs to the item above it.

        A pull request or issue link becomes that item's tracker key when the
        item is an action (read from line ``parent``) with none; any other link
        (documentation) is not an action either.
        """
        actions = self.out.tables["actions"]
        keys = actions["tracker_key"]
        um = _TRACKER_URL.search(item)
        if (
            um is not None
            and self.n_actions
            and keys
            and keys[-1] is None
            and actions["line"][-1] == parent
        ):
            keys[-1] = um.group(0)

    def link_target(self, label: str) -> str | None:
        """The URL a ``[label]: url`` line of the document gives, or None."""
        if self.link_defs is None:
            self.link_defs = {}
            for raw in self.lines:
                if "]:" in raw:
                    dm = _LINK_DEF.match(raw)
                    if dm is not None:
                        self.link_defs.setdefault(dm.group(1).lower(), dm.group(2))
        return self.link_defs.get(label.lower())

    def tracker_link(self, item: str) -> str | None:
        """The first pull request or issue the raw item links, by URL or reference."""
        if "://" in item:
            um = _TRACKER_URL.search(item)
            if um is not None:
                return um.group(0)
        if "]" in item:
            for rm in _REF.finditer(item):
                target = self.link_target(rm.group(1))
                um = _TRACKER_URL.match(target) if target else None
                if um is not None:
                    return um.group(0)
        return None

    def add_action(
        self,
        *,
        text: str,
        owner: str | None,
        due: date | None,
        status: str,
        step: str | None,
        tracker: str | None,
        line: int,
    ) -> None:
        self.n_actions += 1
        self.out.add(
            "actions",
            incident_id=self.incident_id,
            action_id=f"{self.incident_id}#{self.n_actions}",
            text=text,
            owner=owner,
            due=(due.toordinal() - _EPOCH_DAY) * _DAY_US if due else None,  # midnight UTC
            status=status,
            step=step,
            tracker_key=tracker,
            source=self.source,
            line=line,
        )

    def plain_action(self, item: str, line: int, sub_step: str | None) -> bool:
        """Read pmkit's own action form directly; False when the general rules must.

        Gives what :meth:`list_action` gives for the lines it accepts: the words
        hold nothing the general rules look for (labels, brackets, markup).
        """
        for form in _PLAIN_ACTIONS:
            m = form.fullmatch(item)
            if m is not None:
                break
        else:
            return False
        found = m.groupdict()
        words, owner = m["words"], found.get("owner")
        if not words.isascii() or " - " in words:
            return False  # white space and case folding are simple in ASCII only
        if "_" in words and _EMPHASIS_UNDERSCORE.search(words):
            return False  # emphasis; an underscore inside a word is kept as written
        # The general rules read the first owner and due labels in the line:
        # they must be the ones after the words. An owner label needs ":" or
        # "=" after it, and the words hold no ":".
        if (
            _due_label(words)
            or (owner is not None and _due_label(owner))
            or ("=" in words and _OWNER_LABEL.search(words))
        ):
            return False
        due = None
        if found.get("y") is not None:
            try:
                due = date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                return False
        trk = found.get("trk")
        # the first tracker key in the line, as _TRACKER.search(item) finds it
        tm = _TRACKER.search(words)
        if tm is None and trk is None and owner is not None and "-" in owner:
            tm = _TRACKER.search(owner)
        self.add_action(
            text=words if trk is None else f"{words} ({trk})",
            owner=owner,
            due=due,
            status=classify.normalize_action_status(None, checked=m["box"] != " "),
            step=found.get("step") or sub_step,
            tracker=tm.group(1) if tm else trk or m["tail"] or self.heading_tracker,
            line=line,
        )
        return True

    def list_action(self, item: str, line: int, heading: str | None, sub_step: str | None) -> None:
        if item[:1] == "[" and self.plain_action(item, line, sub_step):
            return
        checked: bool | None = None
        cm = _CHECKBOX.match(item)
        if cm:
            checked = cm.group(1) not in (" ", "-")
            item = item[cm.end() :]
        tracker_url = self.tracker_link(item)
        if tracker_url is not None and item[:1] == "[":
            rm = _LEAD_REF.match(item)  # "[#2226]: Add logging": the reference is no text
            if rm is not None and self.link_target(rm.group(1)) is not None:
                item = item[rm.end() :]
        text = _clean_inline(item)
        if text[:1] in _DONE_MARKS or text[-1:] in _DONE_MARKS:
            text = text.strip("".join(_DONE_MARKS) + "\ufe0f ")
            if checked is None:
                checked = True
        status_text = None
        if text.endswith((")", ").")):
            dm = _STATUS_TAIL.search(text)
            if dm is not None and classify.normalize_action_status(dm.group(1)) != "unknown":
                text = text[: dm.start()]
                if checked is None:  # an explicit box wins
                    status_text = dm.group(1)
        if not text or (text.endswith(":") and len(text) < 80):
            return
        if "tatus" in text or "TATUS" in text:
            stm = _STATUS_LABEL.search(text)
            if stm is not None and classify.normalize_action_status(stm.group(1)) != "unknown":
                status_text = stm.group(1)  # only a status it names leaves the text
                text = (text[: stm.start()] + text[stm.end() :]).strip()
        if checked is None and _heading_done(self.action_heading):
            checked = True
        owner = None
        om = _ACTOR.search(text) if ("@" in text or "[" in text) else None
        while om and om.group(2) and self.link_target(om.group(2)) is not None:
            om = _ACTOR.search(text, om.end())  # "[kiam-pr]" refers to a link, it names nobody
        if om and om.group(1):
            owner = om.group(1)
        elif _may_hold(text, _OWNER_WORDS):
            lm = _OWNER_LABEL.search(text)
            if lm:
                owner = lm.group(1).strip()
        due = None
        if _may_hold(text, _DUE_WORDS):
            for dm in _DUE_LABEL.finditer(text):
                due = timeparse.find_date(text[dm.end() : dm.end() + 40])
                if due is not None:
                    break
        tm = _TRACKER.search(text) if "-" in text else None
        sm = _STEP_TAG.search(text) if ("(" in text or "[" in text) else None
        step = _STEP_NAMES.get(sm.group(1).lower().replace("-", " ")) if sm else sub_step
        words = text
        if owner or due:
            words = _META_SPLIT.split(words, maxsplit=1)[0]
            if words.endswith(")"):
                words = _META_PAREN.sub("", words)
            if owner and _may_hold(words, _OWNER_WORDS):
                words = _OWNER_TAIL.sub("", words)
        if sm:
            words = words.replace(sm.group(0), "")
        status = classify.normalize_action_status(status_text, checked=checked)
        self.add_action(
            text=" ".join(words.split()) or text,
            owner=owner,
            due=due,
            status=status,
            step=step,
            tracker=tm.group(1) if tm else tracker_url or self.heading_tracker,
            line=line,
        )

    def table_action(
        self,
        cells: list[str],
        header: dict[str, int],
        line: int,
        heading: str | None,
        sub_step: str | None,
    ) -> None:
        def cell(name: str) -> str | None:
            i = header.get(name)
            if i is None or i >= len(cells):
                return None
            v = _clean_inline(cells[i])
            return v or None

        text = cell("text")
        if text is None:
            return
        owner = cell("owner")
        if owner and owner.lower() in ("-", "n/a", "tbd", "none", "?"):
            owner = None
        due_text = cell("due")
        due = timeparse.find_date(due_text) if due_text else None
        status_text = cell("status")
        step_text = cell("step")
        step = _STEP_NAMES.get(step_text.lower()) if step_text else sub_step
        tracker_text = cell("tracker") or text
        tm = _TRACKER.search(tracker_text)
        self.add_action(
            text=text,
            owner=owner.lstrip("@") if owner else None,
            due=due,
            status=classify.normalize_action_status(status_text),
            step=step,
            tracker=tm.group(1) if tm else self.heading_tracker,
            line=line,
        )
