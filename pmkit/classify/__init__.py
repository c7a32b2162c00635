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

# ``name as name`` imports re-export names that lived in this module before it
# became a subpackage, so ``pmkit.classify.<name>`` keeps working.
import re
from collections.abc import Sequence

from pmkit.classify._events import _EVENTS as _EVENTS
from pmkit.classify._events import _MARKERS as _MARKERS
from pmkit.classify._rules import _DETECTION as _DETECTION
from pmkit.classify._rules import (
    _DETECTION_ALIASES,
    _SEVERITY_WORDS,
    _STATUS_WORDS,
    SECTIONS,
)
from pmkit.classify._rules import _HEADINGS as _HEADINGS
from pmkit.classify._rules import Rules as Rules
from pmkit.classify._vocabulary import _COMPLETE_AFTER as _COMPLETE_AFTER
from pmkit.classify._vocabulary import (
    _FOLD,
    _MAX_CACHE,
    _STEM,
    _TOKEN_RE,
    DEFAULT_VOCABULARY,
    Vocabulary,
)
from pmkit.classify._vocabulary import _LOOKBEHIND_RE as _LOOKBEHIND_RE
from pmkit.classify._vocabulary import _RUN_RE as _RUN_RE
from pmkit.classify._vocabulary import Stems as Stems
from pmkit.classify._vocabulary import _check_names as _check_names
from pmkit.classify._vocabulary import _compile_events as _compile_events
from pmkit.classify._vocabulary import _compile_rules as _compile_rules
from pmkit.classify._vocabulary import _find_close as _find_close
from pmkit.classify._vocabulary import _leading_stems as _leading_stems
from pmkit.classify._vocabulary import _pattern_stems as _pattern_stems
from pmkit.classify._vocabulary import _Rule as _Rule
from pmkit.classify._vocabulary import _split_alternatives as _split_alternatives
from pmkit.schema import DETECTION_SOURCES, SEVERITIES

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

# A square-bracket tag that is not a Markdown link "[t](url)", a reference link
# "[t][ref]", a reference definition "[t]: url" or an image.
_BRACKET_RE = re.compile(r"(?<![!\]])\[([^\[\]\n]{1,40})\](?![\(\[:])")
#: Unformatted labels that open a line ("Discovery: developer reports ...") and
#: name a milestone, or say the line is none ("Duration: 21:45 to 23:28 UTC" states
#: how long, whatever the paragraphs after it tell); the reader may have stripped
#: their bold already.
_PLAIN_LABELS = {
    "duration": "note",
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
