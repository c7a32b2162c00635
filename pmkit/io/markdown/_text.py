"""Regular expressions, constants and small text helpers of the Markdown reader."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, TypeVar

import yaml

from pmkit import classify, timeparse
from pmkit.classify import Vocabulary

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# libyaml's safe loader when the wheel has it: same safety, ~10x faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAX_SUMMARY = 4000

# the closing "#"s are cut with rstrip: a regex tail after a lazy group is quadratic
_HEADING = re.compile(r"(#{1,6})[ \t]+")
_FENCE = re.compile(r"(`{3,}|~{3,})")
_BULLET = re.compile(r"([ \t]*)(?:[-*+]|\d{1,3}[.)])[ \t]+(.*)")


def _list_line(raw: str) -> bool:
    """Whether a raw line is a list item or a table row."""
    return raw[:2] == "- " or _BULLET.match(raw) is not None or raw.lstrip()[:1] == "|"


_CHECKBOX = re.compile(r"\[([ xX✓✔-])\][ \t]*")
_TABLE_SEP = re.compile(r"\|?[ \t]*:?-{2,}:?[ \t]*(\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*")
_TAG = re.compile(r"<[^<>\n]{0,500}>")
# What is left of a tag after stripping ("<<b>script>", a tag over 500 characters,
# one cut by a link or emphasis): "<" before a letter is split from it, so no
# text column ever holds a tag opener such as "<script".
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
#: Struck-through text is taken back ("~~The outage finished at 04:30~~",
#: "<strike>...</strike>"): not read. Bounded, so a stray "~~" costs nothing.
_STRUCK = re.compile(
    r"~~(?=\S)[^~\n]{0,1000}(?:\n[^~\n]{0,1000}){0,5}?~~|<(strike|del|s)>[\s\S]{0,2000}?</\1>"
)
_LINK = re.compile(r"!?\[([^\[\]\n]{0,300})\]\([^()\s]{0,2000}\)")
_EMPH = re.compile(r"(\*\*|__|(?<![\w*])\*(?!\s)|(?<!\w)_(?!\s)|`)")
_ACTOR = re.compile(r"@([A-Za-z0-9][\w.-]{0,38})|\[([A-Za-z][\w.-]{1,38})\](?!\()")
# "Owner: Ana", "assignee = @li": the label words an owner may follow
_OWNER_KEYS = r"owners?|assignee|assigned to|who"
_OWNER_LABEL = re.compile(rf"\b(?:{_OWNER_KEYS})\s*[:=]\s*([^,;|()]{{1,60}})", re.I)
_DUE_LABEL = re.compile(r"\b(?:due(?: date)?|deadline|by|eta|target)\b\s*[:=]?\s*", re.I)
_TRACKER = re.compile(r"\b([A-Z][A-Z0-9]{1,9}-\d{1,7})\b")
_STEP_TAG = re.compile(
    r"[(\[]\s*(detect|react|quick[ _-]?fix|prevent|other[ _-]?risk)\s*[)\]]", re.I
)
_META_SPLIT = re.compile(r"\s+[—–]\s+|\s+-\s+(?=@|owner|due|by\b)", re.I)
# "... (owner: Ana Ruiz, due: 2026-05-12, PAY-695)": metadata in closing brackets
_META_PAREN = re.compile(
    r"\s*\((?=[^()]{0,200}\b(?:owner|assignee|due|deadline|eta)\b\s*[:=])[^()]{0,200}\)\s*$",
    re.I,
)
_ZONE_TOKEN = re.compile(r"\b(?:UTC|GMT|[A-Z]{2,4}T)(?:[+-]\d{1,2}(?::?\d{2})?)?\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
_DIGIT = re.compile(r"\d")
_PLACEHOLDER_TIME = re.compile(r"\b(?:(\d{1,2}):(?:\?\?|xx|XX|--)|[Hh]{2}:[Mm]{2})(?![\w?])")
#: metadata keys accepted in a key/value block under the title -> front-matter key
_META_KEYS = {
    "team": "team",
    "owning team": "team",
    "service": "service",
    "services": "service",
    "affected service": "service",
    "component": "service",
    "severity": "severity",
    "sev": "severity",
    "priority": "severity",
    "status": "status",
    "detection source": "detection_source",
    "detected by": "detection_source",
    "reported by": "reported_by",
}
#: Labels of a line that says, in words, how the incident was noticed
#: ("**Identified**: Pingdom reported Concourse down", "Detected by: a user in Slack").
_DETECTION_LABELS = (
    "identified",
    "identified by",
    "how was it detected",
    "how it was detected",
    "how detected",
    "detection method",
    "detected via",
    "detected through",
    "noticed by",
)
_DETECTION_LINE = re.compile(
    r"[ \t]*(?:[-*][ \t]+)?(?:\*\*|__)?(?:"
    + "|".join(sorted(_DETECTION_LABELS, key=len, reverse=True))
    + r")\??[ \t]*(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:|:)[ \t]*(\S.{0,300}?)[ \t]*$",
    re.I,
)
_META_LINE = re.compile(
    r"[ \t]*(?:[-*][ \t]+)?(?:\*\*|__)?("
    + "|".join(sorted(_META_KEYS, key=len, reverse=True))
    + r")[ \t]*(?::[ \t]*(?:\*\*|__)|(?:\*\*|__)[ \t]*:|:)[ \t]*(\S.{0,80}?)[ \t]*$",
    re.I,
)


def _may_hold(text: str, words: tuple[str, ...]) -> bool:
    """Could a case-insensitive pattern needing one of ``words`` match ``text``?

    A cheap test before the search (a case-insensitive regex search costs ~1 us
    a line); text that is not ASCII is always searched.
    """
    if not text.isascii():
        return True
    return any(map(text.lower().__contains__, words))


#: Words every zone statement holds ("All times in UTC", "Time zone: CET").
_ZONE_WORDS = ("time", "zone")


# markers whose removal from the kept text matters are [tags] and ALL-CAPS
# banners; other lines need no marker lookup (a bold label stays in the text)
_MARKER_HINT = re.compile(r"\[|\b[A-Z]{4,}\b")
_PREAMBLE = re.compile(r"\b(?:all (?:times|events)|unless otherwise|otherwise noted)\b", re.I)
# "Unless otherwise noted all events happened on <date>": a date written on a
# line is an exception for that line, not the new default for the next ones.
_STICKY_DATE = re.compile(r"\botherwise noted\b", re.I)
_STEM_DATE = re.compile(r"(\d{4})[-_](\d{2})[-_](\d{2})")

_ONCE_PER_DOCUMENT = frozenset({"time.no_zone", "time.no_date", "time.zone_dst", "time.pm_24h"})
_CANVAS_STEPS = {"detect", "react", "quick_fix", "prevent", "other_risk", "cause", "lesson"}
_IDEA_SECTIONS = _CANVAS_STEPS
_MILESTONE_KEYS = {
    "started_at": ("started_at", "start", "started", "impact_start", "impact_started_at"),
    "detected_at": ("detected_at", "detected", "detection"),
    "reported_at": ("reported_at", "reported"),
    "acknowledged_at": ("acknowledged_at", "acknowledged", "ack", "responded_at"),
    "mitigated_at": ("mitigated_at", "mitigated", "fixed_at"),
    "resolved_at": ("resolved_at", "resolved", "resolved_when", "ended_at", "end"),
    "communicated_at": ("communicated_at", "first_communication_at", "status_page_at"),
}
_STEP_NAMES = {
    "detect": "detect",
    "react": "react",
    "quickfix": "quick_fix",
    "quick fix": "quick_fix",
    "quick-fix": "quick_fix",
    "quick_fix": "quick_fix",
    "prevent": "prevent",
    "other risk": "other_risk",
    "other_risk": "other_risk",
    "other-risk": "other_risk",
    "otherrisk": "other_risk",
}


def _clean_inline(text: str) -> str:
    """Plain text of a Markdown line: links to their text, tags and emphasis removed."""
    if "<" in text:
        text = _TAG.sub("", text)
    if "](" in text:
        text = _LINK.sub(r"\1", text)
    if "*" in text or "_" in text or "`" in text:
        text = _EMPH.sub("", text)
    text = " ".join(text.split())
    return _TAG_OPEN.sub("< ", text) if "<" in text else text


def _no_tags(text: str) -> str:
    """Front matter text without HTML tags or tag openers (see :func:`_clean_inline`)."""
    if "<" not in text:
        return text
    return _TAG_OPEN.sub("< ", _TAG.sub("", text)).strip()


_MAX_META_VALUES = 100_000


def _check_aliases(data: Any) -> None:
    """Refuse front matter whose YAML aliases expand to a huge or endless structure.

    The safe loader shares one object per anchor, so a "billion laughs" document
    loads small; it explodes only when something walks or prints it. The
    expanded size is counted once per shared object, stopping at the limit.
    """
    sizes: dict[int, int] = {}

    def size(x: Any) -> int:
        if not isinstance(x, list | dict):
            return 1
        key = id(x)
        if key in sizes:
            if sizes[key] < 0:
                raise ValueError("an alias refers to its own anchor (a cycle)")
            return sizes[key]
        sizes[key] = -1
        total = 1
        for v in x.values() if isinstance(x, dict) else x:
            total += size(v)
            if total > _MAX_META_VALUES:
                break
        sizes[key] = total
        return total

    if size(data) > _MAX_META_VALUES:
        raise ValueError(f"aliases expand to more than {_MAX_META_VALUES:,} values")


_FLAT_KEY = re.compile(r"([A-Za-z_][\w-]{0,40})[ \t]*:(?:[ \t]+(.*))?")
_PLAIN_VALUE = re.compile(r"[\w@/+.,: ()-]{0,200}")


_YAML_BOOLS = {
    **dict.fromkeys(("true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"), False),
}


def _flat_yaml(lines: list[str], start: int, end: int) -> dict[str, Any] | None:
    """Front matter of plain ``key: value`` lines without calling a YAML parser.

    Returns None for anything but the simplest shape (quotes, lists, anchors,
    tags, comments after values, ...): the real YAML parser then reads it. Values
    are strings, as the reader interprets them itself, but for YAML's booleans.
    """
    out: dict[str, Any] = {}
    for i in range(start, end):
        line = lines[i]
        if not line or line[0] == "#":
            continue
        m = _FLAT_KEY.fullmatch(line.rstrip())
        if m is None:
            return None
        value = m.group(2)
        if value is None or value == "":
            return None  # a nested mapping or list follows
        if value[0] in "\"'[{&*!|>%@`#" or " #" in value or not _PLAIN_VALUE.fullmatch(value):
            return None
        if value in ("null", "~", "Null", "NULL"):
            out[m.group(1)] = None
        elif value in _YAML_BOOLS:
            out[m.group(1)] = _YAML_BOOLS[value]  # "resolved: true", as YAML reads it
        else:
            out[m.group(1)] = value
    return out


#: Entries kept by each of the reader's memos of pure functions of text.
_MEMO_MAX = 50_000
_T = TypeVar("_T")


def _memo_default(
    fn: Callable[[str, Vocabulary | None], _T],
) -> Callable[[str, Vocabulary | None], _T]:
    """``fn(text, vocabulary)``, memoised for the default vocabulary.

    The same texts recur in a load (headings, marked lines); a caller's own
    vocabulary may change between loads, so its results are not kept.
    """
    default = lru_cache(maxsize=_MEMO_MAX)(lambda text: fn(text, None))

    def call(text: str, vocabulary: Vocabulary | None) -> _T:
        return default(text) if vocabulary is None else fn(text, vocabulary)

    return call


#: ``classify.heading_section``, memoised for the default vocabulary.
_section = _memo_default(classify.heading_section)


@lru_cache(maxsize=_MEMO_MAX)
def _heading_says(title: str) -> tuple[str | None, date | None]:
    """The zone a heading states and the date it names (headings repeat across documents)."""
    return timeparse.find_zone_statement(title), timeparse.find_date(title)


# "15:30 to 18:10 UTC", "12:17 and 12:30 UTC", "10:45 - 16:11 UTC", "09:00-11:00": the
# words joining the first time of a range to the second
_RANGE_WORDS = r"and|to|until|till|through"
_RANGE_JOIN = re.compile(rf"\s*[-–—]\s*|\s+(?:{_RANGE_WORDS})\s+", re.IGNORECASE)


def _range(
    text: str, m: timeparse.TimeMatch
) -> tuple[timeparse.TimeMatch, timeparse.TimeMatch | None]:
    """``m`` with the zone of the range it starts, and the range's end (or None).

    "from 15:30 to 18:10 UTC", "between 12:17 and 12:30 UTC": a zone written
    once after the second time of a range applies to the first too. A time that
    states its own zone keeps it.
    """
    join = _RANGE_JOIN.match(text, m.end)
    if join is None:
        return m, None
    end = timeparse.find_time(text[join.end() :])
    if end is None or end.start != 0 or end.relative is not None:
        return m, None
    if m.zone is None and end.zone is not None:
        m = dataclasses.replace(m, zone=end.zone)
    return m, end


def _clauses(sentence: str, first: timeparse.TimeMatch) -> list[str]:
    """Split a sentence with several clock times into one clause per time.

    "Around 9:30 UTC the record propagated again and by 9:40 UTC traffic had
    returned to normal" gives two clauses, so each time keeps its own words;
    a comma, "and" or a semicolon before the next time ends a clause.
    """
    out: list[str] = []
    start, m = 0, first
    while True:
        rest = sentence[m.end :]
        nxt = timeparse.find_time(rest)
        if nxt is None or nxt.relative is not None:
            break
        pos = m.end + nxt.start
        if _RANGE_JOIN.fullmatch(sentence, m.end, pos) is not None:
            # "between 12:17 and 12:30 UTC": one clause, read at the range's start
            m = dataclasses.replace(nxt, start=pos, end=m.end + nxt.end)
            continue
        cut = max(
            sentence.rfind(", ", m.end, pos),
            sentence.rfind(" and ", m.end, pos),
            sentence.rfind("; ", m.end, pos),
        )
        if cut <= m.end:
            break
        out.append(sentence[start:cut])
        start = cut + 1
        found = timeparse.find_time(sentence[start:])
        if found is None:
            break
        m = dataclasses.replace(found, start=found.start + start, end=found.end + start)
    out.append(sentence[start:])
    return out


def _midnight(d: date | None) -> datetime | None:
    return None if d is None else datetime(d.year, d.month, d.day, tzinfo=UTC)


def _bold_heading(s: str) -> bool:
    """``**Timeline**`` or ``__Action items:__`` alone on a line acts as a heading."""
    return (
        len(s) < 60
        and (
            (s.startswith("**") and s.rstrip(":").endswith("**"))
            or (s.startswith("__") and s.rstrip(":").endswith("__"))
        )
        and s.count("**") <= 2
    )


def _cells(row: str) -> list[str]:
    s = row.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


_HEADER_NAMES = {
    "text": ("action", "item", "description", "task", "what", "title", "summary", "next step"),
    "owner": ("owner", "assignee", "who", "responsible", "dri"),
    "due": ("due", "deadline", "when", "date", "eta", "target"),
    "status": ("status", "state", "done"),
    "step": ("step", "type", "category", "kind"),
    "tracker": ("ticket", "issue", "link", "jira", "tracker", "key"),
}


def _action_header(cells: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for i, c in enumerate(cells):
        low = _clean_inline(c).lower()
        for name, words in _HEADER_NAMES.items():
            if name not in out and any(w in low for w in words):
                out[name] = i
                break
    out.setdefault("text", 0)
    return out
