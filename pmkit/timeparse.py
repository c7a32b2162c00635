"""Find and interpret timestamps written in free text.

Postmortem timelines write time in many ways: ISO 8601, ``14:05``, ``7:32 PM``,
``13:55 PM PST`` (a malformed 24-hour + PM form), ``Tuesday, October 22, 2019 at
10:30 UTC``, ``± 17:20`` (approximate) or ``T+12m`` (relative to the start).
This module finds the first of them in a line (:func:`find_time`), finds calendar
dates (:func:`find_date`) and zone statements such as "All times in UTC"
(:func:`find_zone_statement`), resolves zone text to a ``tzinfo``
(:func:`resolve_zone`) and combines the pieces into an aware UTC datetime
(:func:`to_utc`).

Every regular expression is compiled at import and none has nested unbounded
quantifiers, so a line of any length is scanned in linear time.

Examples
--------
>>> m = find_time("- 04:49 PM UTC Site is hard down")
>>> (m.hour, m.minute, m.zone, m.precision)
(16, 49, 'UTC', 'minute')
>>> to_utc(m, on=date(2024, 2, 15), tz=UTC).isoformat()
'2024-02-15T16:49:00+00:00'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DateOrder",
    "TimeMatch",
    "date_order",
    "day_first",
    "find_bad_time",
    "find_date",
    "find_date_span",
    "find_time",
    "find_zone_statement",
    "is_placeholder",
    "reset_day_first",
    "resolve_zone",
    "to_utc",
]


@dataclass(frozen=True, slots=True)
class TimeMatch:
    """A timestamp found in a string.

    Attributes
    ----------
    start, end : int
        Span of the timestamp text (including an approximation marker such as
        ``~``, a date written next to the time and a zone) within the string.
    raw : str
        The matched text, as written.
    year, month, day : int or None
        The date written next to the time, if any (``year`` may be None when
        only a month and day are written, e.g. ``Oct 31 | 21:43``).
    hour, minute, second : int or None
        Clock time; ``hour`` is 0-24 after 12-hour conversion (24 means
        midnight at the end of the day). ``minute`` is None for ``7 PM``.
    zone : str or None
        Zone as written (``UTC``, ``Z``, ``PST``, ``+02:00``, ``UTC+2``).
    precision : str
        ``"second"``, ``"minute"``, ``"hour"``, ``"day"`` or ``"relative"``.
    approximate : bool
        True when marked ``±``, ``~``, ``around``, ``approx.``, ``circa`` ...
    relative : timedelta or None
        Offset of a relative time such as ``T+1h30m``; other fields are None.
    warnings : tuple of (code, message)
        Problems found while reading, e.g. ``("time.pm_24h", ...)``.
    """

    start: int
    end: int
    raw: str
    year: int | None
    month: int | None
    day: int | None
    hour: int | None
    minute: int | None
    second: int | None
    zone: str | None
    precision: str
    approximate: bool
    relative: timedelta | None
    warnings: tuple[tuple[str, str], ...] = ()


# --------------------------------------------------------------------------- regexes

#: numeric dates that could be either way are read day-first while this is True
#: (or a callable that decides, asked the first time such a date is met)
_DAY_FIRST: ContextVar[bool | Callable[[], bool | None] | None] = ContextVar(
    "pmkit_day_first", default=None
)

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_RE = (
    r"(?<![A-Za-z])(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?"
    r"|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_WEEKDAY_RE = r"(?<![A-Za-z])(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]{0,6}\.?,?[ \t]+(?:the[ \t]+)?"
_ORD = r"(?:st|nd|rd|th)?"


def _date_pattern(p: str) -> str:
    """One regex source for a calendar date; ``p`` prefixes the group names."""
    return (
        rf"(?:(?<![\w/.])(?P<{p}iy>\d{{4}})(?P<{p}is>[-/])(?P<{p}im>\d{{1,2}})(?P={p}is)"
        rf"(?P<{p}id>\d{{1,2}})(?!\d|[-/.]\d)"
        rf"|(?<![\w/.])(?P<{p}um>\d{{1,2}})(?P<{p}us>[-/])(?P<{p}ud>\d{{1,2}})(?P={p}us)"
        rf"(?P<{p}uy>\d{{4}}|\d{{2}})(?!\d|/\d)"
        rf"|(?:{_WEEKDAY_RE})?(?P<{p}mm>{_MONTH_RE})\.?[ \t]+(?P<{p}md>\d{{1,2}}){_ORD}(?!\d|:\d)"
        rf"(?:,?[ \t]+(?P<{p}my>\d{{4}})(?!\d))?"
        rf"|(?:{_WEEKDAY_RE})?(?<![\w.:/])(?P<{p}dd>\d{{1,2}}){_ORD}[ \t]+(?:of[ \t]+)?"
        rf"(?P<{p}dm>{_MONTH_RE})\.?(?:,?[ \t]+(?P<{p}dy>\d{{4}})(?!\d))?)"
    )


# Every date starts with a digit, a weekday or a month name (capitalised): the
# lookahead lets the search skip other positions quickly (5x faster on a line).
_DATE = re.compile(r"(?=[\dJFMASONDTW])(?:" + _date_pattern("") + ")")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# A date written right before a time, up to the separator; searched with endpos.
_DATE_BEFORE = re.compile(
    _date_pattern("")
    + r"(?:T|[ \t]*(?:[,|:@–—-][ \t]*)?(?:at[ \t]+)?"
    # "2018-07-08 ca. 18:30": an approximate time after its date
    + r"(?P<dapprox>(?:~|≈|(?i:around|about|approx\.?|approximately|circa|ca\.|c\.))[ \t]*)?)\Z"
)
# A date written right after a time: "at 3:28 PM UTC on November 23rd", "22:30 UTC (Oct 29)".
_DATE_AFTER = re.compile(r"(?:,?[ \t]+(?:on[ \t]+)?|[ \t]*\([ \t]*)" + _date_pattern(""))

_ABBRS = (
    "UTC|GMT|CEST|CET|PST|PDT|PT|EST|EDT|ET|CST|CDT|CT|MST|MDT|IST|BST|EEST|EET|JST|KST"
    "|AEST|AEDT|NZST|NZDT|SGT|HKT|WEST|WET"
)
_ZONE_NAME = rf"(?:(?:UTC|GMT)[+-]\d{{1,2}}(?::?\d{{2}})?|{_ABBRS}|Z)"

# a zone right after a clock written without a colon ("0935 UTC", "14h00 CET")
_ZONE_NEXT = rf"(?=[ \t]?\(?(?:{_ABBRS}|Z)(?![A-Za-z0-9]))"
_CORE = re.compile(
    r"(?=[\dT])"  # every form starts with a digit or the T of T+12m
    r"(?:(?P<rel>(?<![\w+-])T[ \t]?(?P<rsign>[+-])[ \t]?"
    r"(?P<rbody>(?:\d{1,4}(?:min|[dhms]))+|\d{1,4})(?!\w|[.:]\d))"
    r"|(?:(?<=\dT)|(?<![\w.:/#+-]))(?P<h>\d{1,2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2})(?P<frac>\.\d{1,9})?)?(?![0-9_]|[.:]\d)"
    r"|(?<![\w.:/#+-])(?P<ho>\d{1,2})(?=[ \t]?[AaPp]\.?[ \t]?[Mm]\.?(?![A-Za-z]))"
    # military time, only with a zone or "hrs" after it: "0935 UTC", "1600hrs"
    rf"|(?<![\w.:/#+,-])(?P<h4>[01]\d|2[0-3])(?P<mi4>[0-5]\d)"
    rf"(?:[ \t]?(?:hrs?|h)(?![A-Za-z])|{_ZONE_NEXT})"
    # right after an ISO date: "2025-01-14 1600", "2025-01-14 11.50", "2025-01-14 11h50"
    r"|(?<=\d{4}-\d\d-\d\d )(?P<h5>[01]?\d|2[0-3])[.h]?(?P<mi5>[0-5]\d)(?![\d.:,]|h\d)"
    # French style with a zone: "14h00 UTC", "15h50 CET"
    rf"|(?<![\w.:/#+-])(?P<h6>[01]?\d|2[0-3])h(?P<mi6>[0-5]\d){_ZONE_NEXT})"
)
#: the groups of the clocks written without a colon: (hour group, minute group)
_NO_COLON = (("h4", "mi4"), ("h5", "mi5"), ("h6", "mi6"))
_TAIL = re.compile(
    # "4:23 PM", "4:23pm", "4.23 p.m.", and "10:45a" / "12:29p" with the m left off
    r"(?P<ampm>[ \t]?(?P<ap>[AaPp])\.?[ \t]?[Mm]\.?(?![A-Za-z])|(?P<ap1>[AaPp])(?![A-Za-z]))?"
    r"(?:(?P<att>[+-]\d{2}:?\d{2})(?!\d)"
    rf"|[ \t]?\(?[ \t]?(?P<zname>{_ZONE_NAME})(?![A-Za-z0-9])\)?"
    r"|[ \t](?P<off>[+-]\d{2}:?\d{2})(?!\d))?"
)
_APPROX = re.compile(
    r"(?:±|\+/-|~|≈|(?<![A-Za-z])(?i:around|about|approx\.?|approximately|circa|ca\.|c\.|roughly))"
    r"[ \t]*\Z"
)
_REL_UNIT = re.compile(r"(\d+)(min|[dhms])")
_URL = re.compile(r"[A-Za-z][\w+.-]*://\S*")
_ANY_DIGIT = re.compile(r"\d")
# Cheap necessary condition for any time: no lookbehind, so the engine can skip ahead fast.
_QUICK = re.compile(
    r"\d(?::\d\d|[ \t]?[AaPp]\.?[ \t]?[Mm]|h\d\d|\d\d\d[ \t]?(?:hr|h\b|\(?[A-Z])| \d{1,2}[.h]?\d\d)"
    r"|T[ \t]?[+-][ \t]?\d"
)
_BAD = re.compile(r"(?<![\w.:/#+-])(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?![0-9_]|[.:]\d)")
_PLACEHOLDER = re.compile(
    r"[\s|>*_]*(?:[-+*][ \t]+[\s|*_]*)?(?:(?:--|\?\?|xx):(?:--|\?\?|xx)|tbd\b)", re.IGNORECASE
)
_STATEMENT_ZONE = (
    r"(?P<z>(?i:utc|gmt)(?:[ \t]?[+-][ \t]?\d{1,2}(?::?\d{2})?)?(?![A-Za-z])"
    rf"|(?:{_ABBRS})(?![A-Za-z])|[A-Z][A-Za-z_]+/[A-Za-z_]+(?:/[A-Za-z_]+)?"
    r"|[+-]\d{2}:?\d{2}(?!\d)"
    # a zone's name or a city: "Eastern", "Central European Time", "Zurich time"
    r"|[A-Z][a-z]+(?:[ \t][A-Z][a-z]+){0,3}(?![A-Za-z]))"
)
_STATEMENT = re.compile(
    r"(?i:all[ \t]+times?[ \t]+(?:are[ \t]+)?(?:(?:shown|given|listed)[ \t]+)?(?:in[ \t]+)?"
    r"|times?[ \t]+(?:are[ \t]+)?(?:(?:shown|given|listed)[ \t]+)?in[ \t]+"
    r"|times[ \t]+are[ \t]+(?:in[ \t]+)?|time[ \t]?zone[ \t]*(?:is[ \t]+|:[ \t]*)"
    r"|timeline[ \t]*\([ \t]*)" + _STATEMENT_ZONE
)
_OFFSET = re.compile(r"(?:UTC|GMT)?[ \t]?([+-])[ \t]?(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)
#: the offset written after a zone name, which says which it is: "EDT (UTC-4)", "CET (GMT+1)"
_PAIR = re.compile(r"[ \t]*[(,][ \t]*((?:UTC|GMT)[ \t]?[+-][ \t]?\d{1,2}(?::?\d{2})?)[ \t]*\)?")
_IANA = re.compile(r"[A-Za-z_]+(?:/[A-Za-z0-9_+-]+){1,2}")

# --------------------------------------------------------------------------- zones

# abbreviation -> (IANA zone, DST expected (None: not checked), family name)
_ABBR_ZONES: dict[str, tuple[str, bool | None, str]] = {
    "CET": ("Europe/Paris", False, "Central European"),
    "CEST": ("Europe/Paris", True, "Central European"),
    "PST": ("America/Los_Angeles", False, "Pacific"),
    "PDT": ("America/Los_Angeles", True, "Pacific"),
    "PT": ("America/Los_Angeles", None, "Pacific"),
    "EST": ("America/New_York", False, "Eastern"),
    "EDT": ("America/New_York", True, "Eastern"),
    "ET": ("America/New_York", None, "Eastern"),
    "CST": ("America/Chicago", False, "Central"),
    "CDT": ("America/Chicago", True, "Central"),
    "CT": ("America/Chicago", None, "Central"),
    "MST": ("America/Denver", False, "Mountain"),
    "MDT": ("America/Denver", True, "Mountain"),
    "IST": ("Asia/Kolkata", None, "India"),
    "BST": ("Europe/London", True, "UK"),
    "EET": ("Europe/Helsinki", False, "Eastern European"),
    "EEST": ("Europe/Helsinki", True, "Eastern European"),
    "JST": ("Asia/Tokyo", None, "Japan"),
    "KST": ("Asia/Seoul", None, "Korea"),
    "AEST": ("Australia/Sydney", False, "Australian Eastern"),
    "AEDT": ("Australia/Sydney", True, "Australian Eastern"),
    "NZST": ("Pacific/Auckland", False, "New Zealand"),
    "NZDT": ("Pacific/Auckland", True, "New Zealand"),
    "SGT": ("Asia/Singapore", None, "Singapore"),
    "HKT": ("Asia/Hong_Kong", None, "Hong Kong"),
    "WET": ("Europe/Lisbon", False, "Western European"),
    "WEST": ("Europe/Lisbon", True, "Western European"),
}
_UTC_NAMES = frozenset({"UTC", "GMT", "Z", "UT", "ZULU", "COORDINATED UNIVERSAL TIME"})
#: Zones written as words ("all times Eastern", "Central European Time").
_NAMED_ZONES: dict[str, str] = {
    **{
        f"{prefix}{word}{suffix}": zone
        for word, zone in (
            ("eastern", "America/New_York"),
            ("central", "America/Chicago"),
            ("mountain", "America/Denver"),
            ("pacific", "America/Los_Angeles"),
        )
        for prefix in ("", "us ")
        for suffix in ("", " time", " standard time", " daylight time")
    },
    **{
        f"{region} european{summer} time": zone
        for region, zone in (
            ("central", "Europe/Paris"),
            ("eastern", "Europe/Helsinki"),
            ("western", "Europe/Lisbon"),
        )
        for summer in ("", " summer")
    },
    "british summer time": "Europe/London",
    "british time": "Europe/London",
    "uk time": "Europe/London",
    "greenwich mean time": "Etc/GMT",
    "india standard time": "Asia/Kolkata",
}
#: IANA regions whose cities name a zone when written as one ("16:37 Denver",
#: "Zurich time"); polar stations and US county zones are left out, as are cities
#: spelled like common names and words.
_CITY_REGIONS = (
    "Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific",
)  # fmt: skip
_NOT_CITIES = frozenset(
    {"casey", "center", "christmas", "easter", "chatham", "man", "jersey", "guernsey", "reunion"}
)


@lru_cache(maxsize=1)
def _cities() -> dict[str, str]:
    """Lower-case city -> IANA zone, from the zone database (``Los_Angeles`` as ``los angeles``)."""
    from zoneinfo import available_timezones

    out: dict[str, str] = {}
    for name in sorted(available_timezones()):
        parts = name.split("/")
        if len(parts) != 2 or parts[0] not in _CITY_REGIONS:
            continue
        city = parts[1].replace("_", " ").lower()
        if city not in _NOT_CITIES:
            out.setdefault(city, name)
    return out


def _named_zone(text: str) -> str | None:
    """The IANA zone a zone name or city names ("Eastern", "Zurich time"), or None."""
    low = " ".join(text.lower().split())
    found = _NAMED_ZONES.get(low)
    if found is not None:
        return found
    return _cities().get(low.removesuffix(" time"))


# A city written after a time: "16:37 Denver - Mark updated plugins", "10:00 Paris time".
_CITY_AFTER = re.compile(
    r"[ \t]+(?P<city>[A-Za-z]+(?:[ _][A-Z][a-z]+)?)(?=[ \t]*(?:[-–—:,()]|\Z)|[ \t]+time\b)"
)


def _unknown_zone(zone: str) -> ValueError:
    return ValueError(
        f'unknown time zone "{zone}"; write an IANA name such as Europe/Paris '
        "or an offset such as +02:00"
    )


def _format_offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


@lru_cache(maxsize=256)
def _zoneinfo(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@lru_cache(maxsize=1024)
def _resolve(zone: str, on: date | None) -> tuple[tzinfo, tuple[str, str] | None]:
    text = zone.strip().strip("()[]").strip()
    upper = text.upper()
    if upper in _UTC_NAMES:
        return UTC, None
    offset = _OFFSET.fullmatch(text)
    if offset is not None:
        sign, hours, mins = offset.group(1), int(offset.group(2)), int(offset.group(3) or 0)
        if hours > 23 or mins > 59:
            raise _unknown_zone(zone)
        delta = timedelta(hours=hours, minutes=mins)
        return timezone(-delta if sign == "-" else delta), None
    known = _ABBR_ZONES.get(upper)
    if known is not None:
        name, dst_expected, family = known
        tz = _zoneinfo(name)
        if on is None or dst_expected is None:
            return tz, None
        local = datetime(on.year, on.month, on.day, 12, tzinfo=tz)
        if bool(local.dst()) == dst_expected:
            return tz, None
        utcoffset = local.utcoffset() or timedelta(0)
        message = (
            f"{upper} written for {on.isoformat()}, when {family} time is {local.tzname()} "
            f"(UTC{_format_offset(utcoffset)}); read as {family} local time"
        )
        return tz, ("time.zone_dst", message)
    if _IANA.fullmatch(text):
        try:
            return _zoneinfo(text), None
        except (ZoneInfoNotFoundError, ValueError, OSError) as err:
            raise _unknown_zone(zone) from err
    named = _named_zone(text)
    if named is not None:
        return _zoneinfo(named), None
    raise _unknown_zone(zone)


def resolve_zone(zone: str, on: date | None) -> tuple[tzinfo, tuple[str, str] | None]:
    """Turn zone text into a ``tzinfo``, with a warning when it contradicts the date.

    Parameters
    ----------
    zone : str
        An IANA name (``Europe/Paris``), ``UTC``/``GMT``/``Z``, an offset
        (``UTC+2``, ``GMT-05:00``, ``+02:00``, ``+0200``) or an abbreviation
        (``PST``, ``CEST``, ``IST`` ...). Abbreviations resolve to the real zone
        they name, so daylight saving time follows the date.
    on : date or None
        The date the zone applies to; used to check the abbreviation's DST state.

    Returns
    -------
    tuple
        ``(tzinfo, warning)`` where ``warning`` is None or
        ``("time.zone_dst", message)`` when a standard-time abbreviation is
        written for a summer date (or the reverse).

    Raises
    ------
    ValueError
        If the zone text is not recognised.

    Examples
    --------
    >>> resolve_zone("+02:00", None)
    (datetime.timezone(datetime.timedelta(seconds=7200)), None)
    >>> tz, warning = resolve_zone("PST", date(2023, 7, 5))
    >>> tz
    zoneinfo.ZoneInfo(key='America/Los_Angeles')
    >>> warning[1]
    'PST written for 2023-07-05, when Pacific time is PDT (UTC-07:00); read as Pacific local time'
    """
    return _resolve(zone, on)


# --------------------------------------------------------------------------- dates


def _date_fields(m: re.Match[str]) -> tuple[int | None, int, int] | None:
    """(year, month, day) of a ``_DATE``-shaped match, not yet validated."""
    g = m.groupdict()
    if g["iy"] is not None:
        return int(g["iy"]), int(g["im"]), int(g["id"])
    if g["uy"] is not None:
        month, day = int(g["um"]), int(g["ud"])
        # 29/06/2022 is day-first; 12/01/2026 is when the document is
        if month > 12 >= day:
            month, day = day, month
        elif day <= 12 and month != day:
            flag = _DAY_FIRST.get()
            if callable(flag):
                flag = flag()
            if flag:
                month, day = day, month
        year = int(g["uy"])
        return (year + 2000 if len(g["uy"]) == 2 else year), month, day
    if g["mm"] is not None:
        year_text = g["my"]
        return (
            int(year_text) if year_text else None,
            _MONTHS[g["mm"][:3].lower()],
            int(g["md"]),
        )
    if g["dm"] is not None:
        year_text = g["dy"]
        return (
            int(year_text) if year_text else None,
            _MONTHS[g["dm"][:3].lower()],
            int(g["dd"]),
        )
    return None  # pragma: no cover - the regex has no other branch


def day_first(
    flag: bool | Callable[[], bool | None] | None,
) -> Token[bool | Callable[[], bool | None] | None]:
    """Read numeric dates that could be either way (``12/01/2026``) day-first.

    ``True`` reads them as 12 January, ``False`` or ``None`` (the default) as
    1 December, the US order; a callable is asked the first time such a date is
    met (the Markdown reader decides then, per document, with :func:`date_order`,
    so documents without such dates pay nothing). Unambiguous dates (``29/06/2022``,
    ``06/29/2022``) are read as written either way. The setting holds in the
    current context until :func:`reset_day_first` is given the token returned;
    the Markdown reader decides it per document with :func:`date_order`.

    >>> token = day_first(True)
    >>> find_date("12/01/2026")
    datetime.date(2026, 1, 12)
    >>> reset_day_first(token)
    >>> find_date("12/01/2026")
    datetime.date(2026, 12, 1)
    """
    return _DAY_FIRST.set(flag)


def reset_day_first(token: Token[bool | Callable[[], bool | None] | None]) -> None:
    """Undo the :func:`day_first` call that returned ``token``."""
    _DAY_FIRST.reset(token)


@dataclass(frozen=True, slots=True)
class DateOrder:
    """How a document writes its numeric dates, from :func:`date_order`.

    Attributes
    ----------
    day_first : bool or None
        True (day-first), False (month-first) or None (both orders are used:
        each date is read on its own, month-first when it could be either way).
    decided_by : str
        ``"dates"`` (an unambiguous date shows the order), ``"known date"``
        (an ambiguous date is the document's own date only one way round),
        ``"both"`` (dates of both orders), ``"zone"`` (no date says; the zone
        suggests one) or ``"default"`` (nothing says: month-first), or ``""``
        when no date could be read two ways.
    ambiguous : tuple of (index, text)
        Where a date that could be read both ways is written (index into the
        lines given) and its text.
    """

    day_first: bool | None
    decided_by: str
    ambiguous: tuple[tuple[int, str], ...] = ()


#: zones whose countries write dates day-first, and month-first (the US)
_DAY_FIRST_ZONE = re.compile(
    r"^(?:Europe|Africa|Asia|Australia|Pacific/Auckland|America/(?:Sao_Paulo|Argentina|Bogota|"
    r"Lima|Santiago|Mexico_City))|^(?:BST|CET|CEST|WET|WEST|EET|EEST|IST|AEST|AEDT|NZST|NZDT|"
    r"SGT|HKT|JST|KST)$",
)
_MONTH_FIRST_ZONE = re.compile(
    r"^(?:America/(?:New_York|Chicago|Denver|Los_Angeles|Phoenix|Anchorage|Detroit)|US/|"
    r"Pacific/Honolulu)|^(?:EST|EDT|ET|CST|CDT|CT|MST|MDT|PST|PDT|PT)$"
)
_NUMERIC_DATE = re.compile(
    r"(?<![\w/.])(?P<a>\d{1,2})(?P<s>[-/])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})(?!\d|/\d)"
)


def date_order(
    lines: list[str], *, known: date | None = None, zone: str | None = None
) -> DateOrder:
    """Decide whether a document writes numeric dates day-first.

    An unambiguous date decides (``29/06/2022`` day-first, ``06/29/2022``
    month-first); so does an ambiguous one that is the document's ``known``
    date (from its file name or front matter) only one way round. With dates of
    both orders each date is read on its own. When nothing decides, the
    ``zone`` may suggest the order (``Europe/London``, ``BST`` day-first;
    ``America/New_York``, ``PST`` month-first); otherwise month-first. The
    ambiguous dates are returned so the caller can say so.

    >>> date_order(["- 29/06/2022 10:00 alert", "- 01/07/2022 09:00 fixed"]).day_first
    True
    >>> order = date_order(["12-01-2026 10:00 UTC deploy"], known=date(2026, 1, 12))
    >>> (order.day_first, order.decided_by)
    (True, 'known date')
    >>> date_order(["07/05/2023 10:00"], zone="PST").decided_by
    'zone'
    """
    day_votes = month_votes = 0
    ambiguous: list[tuple[int, str]] = []
    known_votes = [0, 0]  # [day-first, month-first]
    for i, line in enumerate(lines):
        if "/" not in line and "-" not in line:
            continue
        for m in _NUMERIC_DATE.finditer(line):
            a, b = int(m.group("a")), int(m.group("b"))
            if not (1 <= a <= 31 and 1 <= b <= 31):
                continue
            if a > 12 >= b:
                day_votes += 1
            elif b > 12 >= a:
                month_votes += 1
            elif a != b and a <= 12 and b <= 12:
                ambiguous.append((i, m.group(0)))
                if known is not None:
                    y = int(m.group("y"))
                    y = y + 2000 if y < 100 else y
                    if y == known.year:
                        known_votes[0] += (b, a) == (known.month, known.day)
                        known_votes[1] += (a, b) == (known.month, known.day)
    found = tuple(ambiguous)
    if day_votes and not month_votes:
        return DateOrder(True, "dates", found)
    if month_votes and not day_votes:
        return DateOrder(False, "dates", found)
    if day_votes and month_votes:
        return DateOrder(None, "both", found)
    if not found:
        return DateOrder(None, "")
    if known_votes[0] and not known_votes[1]:
        return DateOrder(True, "known date", found)
    if known_votes[1] and not known_votes[0]:
        return DateOrder(False, "known date", found)
    if zone:
        if _DAY_FIRST_ZONE.search(zone):
            return DateOrder(True, "zone", found)
        if _MONTH_FIRST_ZONE.search(zone):
            return DateOrder(False, "zone", found)
    return DateOrder(False, "default", found)


def find_date(text: str) -> date | None:
    """The first valid calendar date written in ``text``.

    Reads ``2019-10-21``, ``2017/01/31``, ``07-27-2023`` and ``7/5/23`` (US
    month-day-year; day-first when the first number cannot be a month),
    ``October 21, 2019``, ``Oct 21 2019``, ``21 October 2019``,
    ``Tuesday 22nd June 2021`` and ``22nd of June, 2021``. Dates without a
    year and impossible dates (31 February, month 13, year 0) are skipped.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    datetime.date or None
        The first date, or None when the text holds none.

    Examples
    --------
    >>> find_date("On Tuesday 22nd June 2021, changes to the VPC CNI")
    datetime.date(2021, 6, 22)
    >>> find_date("2019-02-31") is None
    True
    """
    found = find_date_span(text)
    return None if found is None else found[0]


def find_date_span(text: str, *, year: int | None = None) -> tuple[date, int, int] | None:
    """Like :func:`find_date`, with the start and end of the date in ``text``.

    ``year`` completes a date written without one ("May 12", "15 May"), as a
    heading over the day's lines writes it; without it such dates are skipped.

    >>> find_date_span("10/14/2022 - A researcher submitted a report")
    (datetime.date(2022, 10, 14), 0, 10)
    >>> find_date_span("May 12", year=2025)
    (datetime.date(2025, 5, 12), 0, 6)
    """
    if not _ANY_DIGIT.search(text):
        return None
    if len(text) == 10 and _ISO_DAY.fullmatch(text):
        # the commonest case, a bare 2026-09-14, without the search below (the
        # same answer: the ISO branch matches it first, and nothing else can)
        try:
            return date(int(text[:4]), int(text[5:7]), int(text[8:])), 0, 10
        except ValueError:
            return None
    for m in _DATE.finditer(text):
        fields = _date_fields(m)
        if fields is None:
            continue
        found_year, month, day = fields
        if found_year is None:
            if year is None:
                continue
            found_year = year
        try:
            return date(found_year, month, day), m.start(), m.end()
        except ValueError:
            continue
    return None


# --------------------------------------------------------------------------- zone statements


def find_zone_statement(text: str) -> str | None:
    """The zone a text states for a whole timeline, or None.

    Parameters
    ----------
    text : str
        A preamble, heading or line, e.g. ``All times in UTC``,
        ``## Timeline (all times PST)``, ``Times are CET``,
        ``timezone: Europe/Paris`` or ``All times are UTC+1``.

    Returns
    -------
    str or None
        The zone as written (offsets normalised to ``+01:00``), or None.

    Examples
    --------
    >>> find_zone_statement("## Timeline (all times PST) 07/27/2023 - 07/31/2023")
    'PST'
    >>> find_zone_statement("All times are UTC+1")
    '+01:00'
    >>> find_zone_statement("## Timeline (all times approximate)") is None
    True
    """
    if text.isascii() and "time" not in text.lower():
        return None  # every statement form says "time(s)", "time zone" or "timeline"
    for m in _STATEMENT.finditer(text):
        zone = m.group("z")
        pair = _PAIR.match(text, m.end("z"))
        if pair is not None:  # "EDT (UTC-4)": the offset says which
            zone = pair.group(1)
        offset = _OFFSET.fullmatch(zone)
        if offset is not None:
            sign, hours, mins = offset.group(1), int(offset.group(2)), int(offset.group(3) or 0)
            if hours > 23 or mins > 59:
                continue
            return f"{sign}{hours:02d}:{mins:02d}"
        try:
            _resolve(zone, None)
        except ValueError:
            # "All times in UC/Pacific": no such region, but the zone it names is clear
            tail = zone.rpartition("/")[2]
            if "/" in zone and _named_zone(tail) is not None:
                return tail
            continue
        return zone.upper() if zone.upper() in _UTC_NAMES else zone
    return None


# --------------------------------------------------------------------------- times


def is_placeholder(text: str) -> bool:
    """Whether a line starts with a placeholder time: ``--:--``, ``??:??``, ``XX:XX``, ``TBD``.

    Leading whitespace, list bullets, table pipes and emphasis are skipped.

    Examples
    --------
    >>> is_placeholder("- ??:?? - first alert (time unknown)")
    True
    >>> is_placeholder("- 10:05 first alert")
    False
    """
    return _PLACEHOLDER.match(text) is not None


def find_bad_time(text: str) -> str | None:
    """The raw text of a time-shaped token whose values are out of range, or None.

    ``25:61``, ``24:30`` and ``10:75`` look like times but are not;
    :func:`find_time` skips them and the reader reports them with this text.

    Examples
    --------
    >>> find_bad_time("- 25:61 something happened")
    '25:61'
    >>> find_bad_time("- 24:00 midnight") is None
    True
    """
    if ":" not in text:
        return None
    for m in _BAD.finditer(text):
        hour, minute = int(m.group("h")), int(m.group("mi"))
        second = int(m.group("s") or 0)
        if not _valid_clock(hour, minute, second):
            return m.group(0)
    return None


def _valid_clock(hour: int, minute: int, second: int) -> bool:
    if hour == 24:
        return minute == 0 and second == 0
    return hour < 24 and minute < 60 and second < 60


def _inside_url(text: str, pos: int) -> bool:
    return any(u.start() <= pos < u.end() for u in _URL.finditer(text))


def _relative(m: re.Match[str]) -> TimeMatch:
    body = m.group("rbody")
    if body.isdigit():
        delta = timedelta(minutes=int(body))  # a bare "T+5" counts minutes
    else:
        delta = timedelta()
        for amount, unit in _REL_UNIT.findall(body):
            n = int(amount)
            if unit == "d":
                delta += timedelta(days=n)
            elif unit == "h":
                delta += timedelta(hours=n)
            elif unit == "s":
                delta += timedelta(seconds=n)
            else:
                delta += timedelta(minutes=n)
    if m.group("rsign") == "-":
        delta = -delta
    return TimeMatch(
        m.start(),
        m.end(),
        m.group(0),
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "relative",
        False,
        delta,
        (),
    )


def find_time(text: str) -> TimeMatch | None:
    """The first timestamp in ``text``: date and time, time only, or relative.

    Parameters
    ----------
    text : str
        One line of a timeline (or any text).

    Returns
    -------
    TimeMatch or None
        None when the text holds no time. A date alone (``2019-10-21``) is not
        a time: use :func:`find_date`. Placeholders (``--:--``) and
        out-of-range values (``25:61``) are not times either: see
        :func:`is_placeholder` and :func:`find_bad_time`. Times inside URLs,
        version numbers, IP addresses, ``1:1`` ratios and ``host:8080`` ports
        are not read.

    Notes
    -----
    The span includes an approximation marker (``~``, ``±``, ``around``), a date
    written immediately before or after the time, and the zone. A bare relative
    number (``T+5``) counts minutes.

    Examples
    --------
    >>> m = find_time("**July 26th, 2022, 9:08 AM:** At block height 2,311,760")
    >>> (m.raw, m.year, m.month, m.day, m.hour, m.minute)
    ('July 26th, 2022, 9:08 AM', 2022, 7, 26, 9, 8)
    >>> m = find_time("13:55 PM PST: the employee forwards the mail")
    >>> (m.hour, m.zone, m.warnings[0][0])
    (13, 'PST', 'time.pm_24h')
    >>> find_time("T+1h30m: failover complete").relative
    datetime.timedelta(seconds=5400)
    >>> find_time("upgraded to 3.10.4 on 10.0.0.1") is None
    True
    """
    if _QUICK.search(text) is None:
        return None
    pos = 0
    urls_checked = "://" not in text
    while True:
        m = _CORE.search(text, pos)
        if m is None:
            return None
        pos = m.end()
        if not urls_checked and _inside_url(text, m.start()):
            continue
        if m.group("rel") is not None:
            return _relative(m)
        found = _absolute(text, m)
        if found is not None:
            return found


def _absolute(text: str, m: re.Match[str]) -> TimeMatch | None:
    hour_text = m.group("h")
    minute_text = m.group("mi")
    if hour_text is None and m.group("ho") is None:
        for hg, mg in _NO_COLON:
            if m.group(hg) is not None:
                hour_text, minute_text = m.group(hg), m.group(mg)
                break
    second: int | None = None
    if hour_text is not None:
        hour, minute = int(hour_text), int(minute_text)
        sec_text = m.group("s")
        if sec_text is not None:
            second = int(sec_text)
        if not _valid_clock(hour, minute, second or 0):
            return None
        clock: int | None = minute
        precision = "minute" if second is None else "second"
    else:
        hour = int(m.group("ho"))
        if not 1 <= hour <= 12:
            return None
        clock = None
        precision = "hour"
    start, core_end = m.start(), m.end()
    iso_t = start > 0 and text[start - 1] == "T"

    tail = _TAIL.match(text, core_end)
    end = core_end
    zone: str | None = None
    ampm: str | None = None
    if tail is not None and tail.end() > core_end:
        ap = tail.group("ap") or (tail.group("ap1") if hour_text is not None else None)
        if ap is not None:
            ampm = ap.upper() + "M"
            end = tail.end("ampm")
        att = tail.group("att")
        if att is not None:
            if att[0] == "+" or second is not None or iso_t:
                zone, end = att, tail.end()
        elif tail.group("zname") is not None:
            zone, end = tail.group("zname"), tail.end()
            if zone not in _UTC_NAMES and "(" in text[end : end + 3]:
                pair = _PAIR.match(text, end)
                if pair is not None:  # "10:00 EDT (UTC-4)": the offset says which
                    zone, end = pair.group(1).replace(" ", ""), pair.end()
        elif tail.group("off") is not None:
            zone, end = tail.group("off"), tail.end()
    if end == core_end and end < len(text) and text[end].isalpha():
        return None  # "10:30abc", "5 AMZ": not a time
    if zone is None and end < len(text) and text[end] in " \t":
        city = _CITY_AFTER.match(text, end)
        if city is not None and city.group("city").lower() in _cities():
            zone, end = city.group("city"), city.end("city")
    if hour_text is None and ampm is None:
        return None  # pragma: no cover - the regex demands am/pm after a bare hour

    warnings: tuple[tuple[str, str], ...] = ()
    if ampm is not None:
        if hour > 12 or (hour == 0 and ampm == "PM"):
            shown = f"{hour:02d}:{clock or 0:02d}"
            written = text[start:core_end]
            warnings = (
                ("time.pm_24h", f"{written} {ampm} is not a 12-hour time; read as {shown}"),
            )
        elif ampm == "PM" and hour < 12:
            hour += 12
        elif ampm == "AM" and hour == 12:
            hour = 0

    year: int | None = None
    month: int | None = None
    day: int | None = None
    window = max(0, start - 80)
    before = _DATE_BEFORE.search(text, window, start)
    if before is not None:
        fields = _date_fields(before)
        if fields is not None:
            year, month, day = fields
            start = before.start()
    else:
        after = _DATE_AFTER.match(text, end)
        if after is not None:
            fields = _date_fields(after)
            if fields is not None:
                year, month, day = fields
                if "(" in text[end : after.end()] and text.startswith(")", after.end()):
                    end = after.end() + 1
                else:
                    end = after.end()

    approximate = before is not None and before.group("dapprox") is not None
    if start > 0 and not approximate:
        approx = _APPROX.search(text, max(0, start - 16), start)
        if approx is not None:
            approximate = True
            start = approx.start()

    return TimeMatch(
        start,
        end,
        text[start:end],
        year,
        month,
        day,
        hour,
        clock,
        second,
        zone,
        precision,
        approximate,
        None,
        warnings,
    )


# --------------------------------------------------------------------------- conversion


def to_utc(m: TimeMatch, *, on: date, tz: tzinfo) -> datetime:
    """Combine a :class:`TimeMatch` with a date and a zone into an aware UTC datetime.

    Parameters
    ----------
    m : TimeMatch
        A match from :func:`find_time` (not a relative one).
    on : date
        The date to use when the match has none (its year, when only month and
        day were written).
    tz : tzinfo
        The zone to use when the match states none; a zone written in the
        match wins (resolved with :func:`resolve_zone` for its date).

    Returns
    -------
    datetime
        Aware, in UTC. ``24:00`` is midnight at the end of the day. Local times
        that a DST change makes ambiguous or skips are read with ``fold=0``.

    Raises
    ------
    ValueError
        For a relative match, an impossible clock time (``25:00``, ``10:61``),
        an impossible date (31 February), an unknown zone or a time outside
        the years 1-9999 once in UTC (``0001-01-01 00:00 +05:00``).

    Examples
    --------
    >>> m = find_time("2023-07-05 10:00 PST")
    >>> to_utc(m, on=date(2000, 1, 1), tz=UTC).isoformat()
    '2023-07-05T17:00:00+00:00'
    >>> to_utc(find_time("24:00"), on=date(2023, 12, 31), tz=UTC).isoformat()
    '2024-01-01T00:00:00+00:00'
    """
    if m.hour is None:
        raise ValueError(
            f"{m.raw!r} is a relative time, not a clock time; add m.relative to the "
            "incident start instead of calling to_utc"
        )
    hour, minute, second = m.hour, m.minute or 0, m.second or 0
    if not _valid_clock(hour, minute, second):
        raise ValueError(
            f"invalid time {m.raw!r}: hour {hour}, minute {minute}, second {second} is not "
            "a clock time; expected hour 0-23 (or 24:00), minute and second 0-59"
        )
    year = m.year if m.year is not None else on.year
    month = m.month if m.month is not None else on.month
    day = m.day if m.day is not None else on.day
    try:
        day_of = date(year, month, day)
    except ValueError as err:
        raise ValueError(
            f"invalid date {year:04d}-{month:02d}-{day:02d} in {m.raw!r}: {err}; "
            "check the day and month of the timeline line"
        ) from err
    zone = tz
    if m.zone is not None:
        zone, _ = resolve_zone(m.zone, day_of)
    extra = timedelta(0)
    if hour == 24:
        hour, extra = 0, timedelta(days=1)
    # In the hour that happens twice when clocks go back, a written standard-time
    # abbreviation (1:31 AM PST) names the second pass of the hour.
    entry = _ABBR_ZONES.get(m.zone.upper()) if m.zone is not None else None
    fold = 1 if entry is not None and entry[1] is False else 0
    local = datetime(
        day_of.year, day_of.month, day_of.day, hour, minute, second, tzinfo=zone, fold=fold
    )
    try:
        if extra:
            # 24:00 is the next day's midnight in local time, not 24 elapsed hours.
            nxt = day_of + extra
            local = local.replace(year=nxt.year, month=nxt.month, day=nxt.day)
        return local.astimezone(UTC)
    except OverflowError as err:
        raise ValueError(
            f"{m.raw!r} on {day_of.isoformat()} is outside the years 1-9999 in UTC; "
            "check the year of the timeline line"
        ) from err
