"""The :class:`Vocabulary` dataclass: compiling, checking and caching the rules.

Event patterns are compiled with a stem shortcut (see below) so that a line is
only run against the rules whose leading words it could match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from pmkit.classify._events import _EVENTS, _MARKERS
from pmkit.classify._rules import _DETECTION, _HEADINGS, SECTIONS, Rules
from pmkit.schema import DETECTION_SOURCES, EVENT_KINDS


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


def _scan(s: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """``(index, character, group depth after it)`` of a regex source, skipping
    escapes and the inside of ``[...]`` classes."""
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
        else:
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            yield i, c, depth
        i += 1


def _find_close(s: str, start: int) -> int:
    """Index of the ``)`` closing the group opened at ``start``, or -1."""
    return next((i for i, c, depth in _scan(s, start) if c == ")" and depth == 0), -1)


def _split_alternatives(s: str) -> list[str]:
    """The top-level ``|`` alternatives of a regex source."""
    parts, last = [], 0
    for i, c, depth in _scan(s):
        if c == "|" and depth == 0:
            parts.append(s[last:i])
            last = i + 1
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
    >>> from pmkit.classify import classify_event
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
        >>> from pmkit.classify import heading_section
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
