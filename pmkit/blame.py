"""Blameless language: find sentences that pin an incident on a person.

A blameless postmortem asks what in the system let a reasonable action cause
harm; "human error", "Bob forgot" or "should have known" end that inquiry at a
person. :func:`find_blame` flags such sentences, one row each, with a neutral
rewording pattern, in plain text or across a whole :class:`~pmkit.Postmortems`
collection (incident summaries, timeline lines, remediation ideas and actions).

The rules (:data:`BLAME_RULES`), in the order they are tried; a sentence is
reported once, under the first rule that fires. Each comes with a neutral
rewording pattern, reported as ``suggestion``:

==================  =====================================  ========================================
rule                flags                                  neutral rewording pattern
==================  =====================================  ========================================
``human_error``     "human error", "human mistake",        say what the system allowed: "<step>
                    "human failure"                        was possible without <check or guard>"
``operator_error``  "operator error", "user error",        name the interface: "<tool> accepted
                    "engineer mistake" (not "user error    <input> without confirmation or
                    message / code / page")                validation"
``pebkac``          PEBKAC, PICNIC (capitals only),        describe the interaction: "<tool> made
                    ID10T, "layer 8 issue",                <wrong action> as easy as the right
                    "fat-fingered" (not "fat-finger        one"
                    protection")
``forgot``          <person> forgot / neglected /          name the missing support: "<step> was
                    failed to / didn't bother / ignored    not in the runbook or checklist, so
                    the page (not "forgot nothing")        nothing prompted it"
``hindsight``       should have known / noticed /          say what was known then: "at the time,
                    realised / been more careful;          <signal> was not visible in
                    <person> should have caught /          <dashboard, alert or log>"
                    checked / tested / escalated
``character``       careless(ness), sloppy, negligent,     describe the conditions: "<work> was
                    incompetent, reckless, lazy, poor      done under <time pressure, handover or
                    judgement (not "sloppy quorum",        ambiguity>"
                    "lazy loading", "negligible")
``fault``           fault of <person>, <name>'s fault,     name the contributing factors:
                    his / their fault, to blame,           "contributing factors were <A> and <B>"
                    blamed, <person> was at fault (not
                    "git blame", "fault tolerance")
``mistake_by``      mistake / error / oversight by         describe the action and its context:
                    <person>, <person> made a mistake,     "<action> was taken because <what the
                    <name>'s mistake                       person saw at the time>"
==================  =====================================  ========================================

Matching is case-insensitive with word boundaries, except that a *name* is a
capitalised word (``Alice``, ``Bo Lee``), matched case-sensitively. A person
is a name, a pronoun (he, she), someone / somebody, or a determiner plus a
staff role (the engineer, an operator, the on-call SRE, the person on call,
the new hire, that team). "We" is not a person here: a team owning what it
did ("we failed to validate …") is how blameless postmortems are written.
Systems never are: "Kafka failed to start" is not flagged, since ``failed to``
after a bare name only fires for human verbs (check, notice, follow …).

A match is dropped when its clause negates it before the match ("this was
*not* human error", "nobody is to blame", "we avoid saying careless") or
right after it ("human error is not a root cause"), and ``forgot nothing`` is
not forgetting. The patterns use only bounded repetition, so the time to scan
grows linearly with the text.

Callers may pass their own rules: ``find_blame(text, rules=[BlameRule(...)])``.

>>> from pmkit.blame import find_blame
>>> find_blame("The deploy failed. The engineer forgot to drain the node.")[["line", "rule"]]
   line    rule
0     1  forgot
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from pmkit import schema
from pmkit.collection import Postmortems
from pmkit.errors import UsageError

__all__ = ["BLAME_RULES", "BlameRule", "find_blame"]

# --- building blocks -------------------------------------------------------
# Staff roles a blaming sentence points at ("the on-call engineer").
_ROLE = (
    r"(?:engineers?|operators?|developers?|devs?|admins?|administrators?|sres?|dbas?"
    r"|on-?call(?:ers?)?(?:\s+(?:engineer|person|sre))?|person(?:\s+on[\s-]call)?"
    r"|employees?|reviewers?|authors?|interns?|contractors?|new\s+hires?|team\s?mates?"
    r"|team\s+members?|staff(?:\s+members?)?|colleagues?|junior|team)"
)
_DETERMINER = r"(?:the|an?|one|that|this|another|some|his|her|their|a\s+single)"
# "the (on-call) engineer", "a junior developer": up to two modifiers.
_ROLE_PHRASE = rf"{_DETERMINER}\s+(?:[\w-]+\s+){{0,2}}?{_ROLE}"
_PRONOUN = r"(?:he|she|someone|somebody|whoever)"
# A capitalised name, case-sensitive; common capitalised non-names excluded.
_NAME = (
    r"(?-i:(?!(?:The|This|That|These|Those|It|We|They|There|Our|Nobody|No|None|Everyone"
    r"|Everybody|Someone|Somebody|Nothing|He|She|I|If|When|Then|And|But|So|Also|Monitoring"
    r"|Alerting)\b)[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)"
)
_PERSON = rf"(?:{_PRONOUN}|{_ROLE_PHRASE})"
_ANY_PERSON = rf"(?:{_PERSON}|{_NAME})"
_HUMAN_VERB = (
    r"(?:notice|check|double-check|verify|follow|review|read|remember|consider|realise"
    r"|realize|tell|inform|communicate|escalate|ask|test)"
)

_WARNING = r"(?:page|pages|alerts?|alarms?|warnings?|runbook|procedure|checklist)"

_NEGATION = re.compile(
    r"\b(?:not|no|never|nobody|none|without|avoid|avoids|avoided|avoiding|instead\s+of"
    r"|rather\s+than|cannot|no\s+one)\b|n't\b",
    re.IGNORECASE,
)
_NEGATED_AFTER = re.compile(r"^[\"'”’]?\s*(?:is|was|are|were)\s+(?:not|never|rarely)\b", re.I)
_CLAUSE_BREAK = re.compile(
    r"[,;:()]|\b(?:because|since|but|and|so|while|when|although|though|after|until)\b",
    re.IGNORECASE,
)
_LINE = re.compile(r"[^\n]+")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


@dataclass(frozen=True)
class BlameRule:
    """One blameless-language rule.

    Parameters
    ----------
    name : str
        The rule's name, reported in the ``rule`` column.
    pattern : str
        A regular expression, compiled case-insensitively. Keep repetition
        bounded (``{0,2}``, not ``.*``) so scanning stays linear.
    suggestion : str
        A neutral rewording pattern shown next to each flagged sentence.
    negatable : bool, default True
        Drop matches that the clause negates ("not human error").
    keywords : str, optional
        A cheap regular expression (RE2 syntax: no look-around) that every
        text the rule can match contains, compared case-insensitively. When
        every rule has one, collections are pre-filtered with it in one
        vectorised pass; without it every text is scanned.

    Examples
    --------
    >>> from pmkit.blame import BlameRule, find_blame
    >>> rule = BlameRule("rockstar", r"\\brock\\s?star\\b", "name the practice")
    >>> find_blame("Our rockstar dev pushed it.", rules=[rule])["rule"].tolist()
    ['rockstar']
    """

    name: str
    pattern: str
    suggestion: str
    negatable: bool = True
    keywords: str | None = None
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            compiled = re.compile(self.pattern, re.IGNORECASE)
        except re.error as err:
            raise UsageError(
                f"blame rule {self.name!r} has an invalid pattern {self.pattern!r}: {err}; "
                "pass a Python regular expression"
            ) from err
        object.__setattr__(self, "regex", compiled)


#: The default rules, tried in this order (see the module docstring).
BLAME_RULES: tuple[BlameRule, ...] = (
    BlameRule(
        "human_error",
        r"\bhuman[\s-]+(?:errors?|mistakes?|failures?|slips?)\b",
        'say what the system allowed: "<step> was possible without <check or guard>"',
        keywords=r"human",
    ),
    BlameRule(
        "operator_error",
        r"\b(?:operator|user|admin|administrator|engineer|developer|pilot)[\s-]+"
        r"(?:errors?|mistakes?)\b"
        r"(?!\s+(?:message|code|page|response|status|type|class|string|text|handling|dialog|rate))",
        'name the interface: "<tool> accepted <input> without confirmation or validation"',
        keywords=r"error|mistake",
    ),
    BlameRule(
        "pebkac",
        r"\b(?:pebkac|pebcak|(?-i:PICNIC)|id-?10-?t|layer[\s-]?8\s+(?:issue|problem|error)s?)\b"
        r"|\bfat[\s-]?finger(?:ed|ing)?\b(?![\s-]+(?:protection|guard|check|prevention|proof))",
        'describe the interaction: "<tool> made <wrong action> as easy as the right one"',
        keywords=r"pebkac|pebcak|picnic|10-?t|layer|finger",
    ),
    BlameRule(
        "forgot",
        rf"\b{_PERSON}\s+(?:forgot|forgets|had\s+forgotten|neglected|neglects|failed\s+to"
        rf"|did(?:n'?t|\s+not)\s+bother|never\s+bothered|omitted\s+to|ignored\s+the\s+{_WARNING})\b"
        r"(?!\s+(?:nothing|none)\b)"
        rf"|\b{_NAME}\s+(?:forgot|forgets|had\s+forgotten|neglected|neglects"
        rf"|failed\s+to\s+{_HUMAN_VERB}|did(?:n'?t|\s+not)\s+bother|never\s+bothered"
        rf"|omitted\s+to|ignored\s+the\s+{_WARNING})\b(?!\s+(?:nothing|none)\b)",
        'name the missing support: "<step> was not in the runbook or checklist, '
        'so nothing prompted it"',
        keywords=r"forg|neglect|fail|bother|omitted|ignored",
    ),
    BlameRule(
        "hindsight",
        r"\b(?:should|ought\s+to)(?:\s+have|'ve)\s+(?:known(?:\s+better)?|realized|realised"
        r"|noticed|been\s+more\s+(?:careful|attentive|diligent)|paid\s+(?:more\s+)?attention"
        r"|double-checked|thought\s+(?:of|about))\b"
        rf"|\b{_ANY_PERSON}\s+should(?:\s+have|'ve)\s+(?:caught|spotted|seen|checked|tested"
        r"|verified|asked|read|looked|escalated|paged)\b"
        r"|\bshould\s+know\s+better\b",
        'say what was known then: "at the time, <signal> was not visible in '
        '<dashboard, alert or log>"',
        keywords=r"should|ought",
    ),
    BlameRule(
        "character",
        r"\b(?:careless(?:ly|ness)?|sloppy|sloppily|sloppiness|negligen(?:t|tly|ce)"
        r"|incompeten(?:t|ce|cy)|reckless(?:ly|ness)?|inattentive|inattention|stupid(?:ity)?"
        r"|(?:poor|bad)\s+judge?ment|lapse\s+(?:in|of)\s+judge?ment)\b(?!\s+quorum)"
        r"|\blaz(?:y|iness)\b(?![\s-]+(?:load|loaded|loading|eval|evaluation|init"
        r"|initiali[sz]ation|import|iterator|sequence|list|stream|propert|static|val|var"
        r"|compil|fetch|consensus|mode))",
        'describe the conditions: "<work> was done under <time pressure, handover or ambiguity>"',
        keywords=r"careless|slopp|negligen|incompeten|reckless|inattent|stupid|judg|laz",
    ),
    BlameRule(
        "fault",
        rf"\b(?:fault|failing)\s+of\s+{_ANY_PERSON}"
        r"|\b(?:his|her|their|my|your)\s+fault\b"
        rf"|\b(?:{_NAME}|{_ROLE})'s\s+fault\b"
        r"|\bto\s+blame\b"
        r"|(?<!git\s)(?<!svn\s)(?<!hg\s)\bblam(?:ed|ing|es)?\b"
        r"(?![\s-]+(?:view|output|annotations?|log|ignore|-?less))"
        rf"|\b{_ANY_PERSON}\s+(?:is|was|were|are)\s+(?:at\s+fault|responsible\s+for\s+"
        r"(?:the|this)\s+(?:outage|incident|failure|mistake))\b",
        'name the contributing factors: "contributing factors were <A> and <B>"',
        keywords=r"fault|failing|blam|responsible",
    ),
    BlameRule(
        "mistake_by",
        r"\b(?:mistakes?|errors?|blunders?|oversights?|screw-?ups?|slip-?ups?|goofs?|lapses?)"
        rf"\s+(?:by|on\s+the\s+part\s+of)\s+{_ANY_PERSON}"
        rf"|\b(?:mistakes?|blunders?|oversights?|screw-?ups?)\s+of\s+{_PERSON}"
        rf"|\b{_ANY_PERSON}\s+(?:made|makes|had\s+made)\s+(?:a|an|the|another|this|that)"
        r"\s+(?:[\w-]+\s+)?(?:mistake|error|blunder|slip|screw-?up)\b"
        rf"|\b{_NAME}'s\s+(?:mistake|error|blunder|oversight|screw-?up)\b",
        'describe the action and its context: "<action> was taken because <what the person '
        'saw at the time>"',
        keywords=r"mistake|error|blunder|oversight|screw|slip|goof|lapse",
    ),
)

_COLUMNS = ("incident_id", "source", "line", "sentence", "rule", "suggestion", "match")


def _check_rules(rules: BlameRule | Iterable[BlameRule] | None) -> tuple[BlameRule, ...]:
    if rules is None:
        return BLAME_RULES
    if isinstance(rules, BlameRule):
        rules = [rules]
    out = tuple(rules)
    bad = [type(r).__name__ for r in out if not isinstance(r, BlameRule)]
    if bad:
        raise TypeError(
            f"rules must be BlameRule objects (see pmkit.blame.BLAME_RULES), got {bad[0]}"
        )
    if not out:
        raise UsageError("rules is empty; pass rules=None for pmkit.blame.BLAME_RULES")
    return out


def _negated(sentence: str, start: int, end: int) -> bool:
    """Whether the clause negates the match, in the 60 characters before or right after it."""
    # only a bounded window is read, so many matches in one long sentence stay linear
    before = sentence[max(0, start - 60) : start]
    cut = 0
    for m in _CLAUSE_BREAK.finditer(before):
        cut = m.end()
    if _NEGATION.search(before[cut:]):
        return True
    return bool(_NEGATED_AFTER.match(sentence[end : end + 40]))


def _sentences(text: str) -> Iterable[tuple[int, str]]:
    """(0-based line offset, sentence) for every sentence of ``text``."""
    for m in _LINE.finditer(text):
        offset = text.count("\n", 0, m.start())
        for part in _SENTENCE_BREAK.split(m.group()):
            part = part.strip()
            if part:
                yield offset, part


def _first_match(sentence: str, rules: Sequence[BlameRule]) -> tuple[BlameRule, str] | None:
    for rule in rules:
        for m in rule.regex.finditer(sentence):
            if rule.negatable and _negated(sentence, m.start(), m.end()):
                continue
            return rule, m.group()
    return None


def _scan(
    texts: Sequence[object],
    lines: Sequence[object],
    ids: Sequence[object],
    sources: Sequence[object],
    rules: Sequence[BlameRule],
) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for text, line, iid, src in zip(texts, lines, ids, sources, strict=True):
        if not isinstance(text, str):
            continue
        for offset, sentence in _sentences(text):
            hit = _first_match(sentence, rules)
            if hit is None:
                continue
            rule, matched = hit
            at = line + offset if isinstance(line, int) else None
            rows.append((iid, src, at, sentence, rule.name, rule.suggestion, matched))
    return rows


def _as_list(s: pd.Series) -> list[object]:
    return [None if pd.isna(v) else v for v in s.astype(object).tolist()]


def _frame(rows: list[tuple[object, ...]]) -> pd.DataFrame:
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(_COLUMNS)
    out = pd.DataFrame(
        {
            name: pd.Series(list(values), dtype=schema.INT if name == "line" else schema.STRING)
            for name, values in zip(_COLUMNS, cols, strict=True)
        }
    )
    return out


def find_blame(
    text: str | Postmortems, *, rules: BlameRule | Iterable[BlameRule] | None = None
) -> pd.DataFrame:
    """Sentences that assign blame to a person, one row each, with a neutral rewording.

    Parameters
    ----------
    text : str or Postmortems
        Plain text (split into lines, then sentences), or a collection, whose
        ``incidents.summary``, ``events.text``, ``ideas.text`` and
        ``actions.text`` are scanned.
    rules : BlameRule or iterable of BlameRule, optional
        The rules to apply, in order; default :data:`BLAME_RULES`.

    Returns
    -------
    DataFrame
        One row per flagged sentence: ``incident_id`` (NA for plain text),
        ``source`` (the file; NA for plain text), ``line`` (Int64: the line in
        ``text``, 1-based, or the file line of the timeline entry, idea or
        action plus the sentence's line within it; NA for summaries, whose
        line the reader does not keep), ``sentence``, ``rule`` (the first rule
        that fires), ``suggestion`` (a neutral rewording pattern) and
        ``match`` (the words that fired it). Collections are sorted by
        source and line, summaries first.

    Raises
    ------
    TypeError
        ``text`` is neither a string nor a Postmortems, or a rule is not a
        :class:`BlameRule`.
    UsageError
        ``rules`` is empty.

    Examples
    --------
    >>> from pmkit.blame import find_blame
    >>> found = find_blame("Root cause: human error.\\nThe error was a human-readable message.\\n"
    ...     "Bob forgot to renew the certificate.")
    >>> found[["line", "rule", "match"]]
       line         rule        match
    0     1  human_error  human error
    1     3       forgot   Bob forgot
    >>> print(found["suggestion"].iloc[1])
    name the missing support: "<step> was not in the runbook or checklist, so nothing prompted it"
    >>> len(find_blame("Nobody is to blame: the runbook lacked the step."))
    0
    """
    chosen = _check_rules(rules)
    if isinstance(text, str):
        rows = _scan([text], [1], [None], [None], chosen)
        return _frame(rows)
    if not isinstance(text, Postmortems):
        raise TypeError(
            f"text must be a str or a pmkit.Postmortems, got {type(text).__name__}; "
            "load documents with pmkit.load(path)"
        )
    parts = [
        (text.incidents["summary"], pd.Series(pd.NA, index=text.incidents.index), text.incidents),
        *((t["text"], t["line"], t) for t in (text.events, text.ideas, text.actions)),
    ]
    texts = pd.concat([p[0].astype(schema.STRING) for p in parts], ignore_index=True)
    lines = pd.concat([p[1].astype(schema.INT) for p in parts], ignore_index=True)
    ids = pd.concat([p[2]["incident_id"] for p in parts], ignore_index=True)
    sources = pd.concat([p[2]["source"] for p in parts], ignore_index=True)
    keep = texts.notna().to_numpy(dtype=bool)
    if all(r.keywords for r in chosen):
        keywords = "|".join(f"(?:{r.keywords})" for r in chosen)
        hits = texts.str.contains(keywords, case=False, regex=True)
        keep = keep & hits.to_numpy(dtype=bool, na_value=False)
    rows = _scan(
        texts[keep].tolist(),
        _as_list(lines[keep]),
        _as_list(ids[keep]),
        _as_list(sources[keep]),
        chosen,
    )
    out = _frame(rows)
    out = out.sort_values(["source", "line"], na_position="first", kind="stable")
    return out.reset_index(drop=True)
