"""Digest schedules: read what a user typed, say it back, and compute when it runs next.

A schedule is a wall-clock rule in an IANA timezone, kept as a normalised five-field cron
expression. Users type it in English or German (keywords are case-insensitive)::

    schedule := rule ["in" TIMEZONE]                  # default timezone: a parameter (the setting)
    rule     := DAYS ["at" | "um"] TIME | INTERVAL | "hourly" | "stündlich" | CRON
    DAYS     := ["on"] (daily | weekdays | mondays … sundays)
              | täglich (taeglich) | werktags | montags … sonntags
              | (every | each | jeden | jede | jedem) (day | weekday | monday … | Tag | Werktag
                | Montag …)                         # every weekday, jeden Montag
    TIME     := H:MM | HH:MM | H.MM, each optionally followed by "Uhr" | H Uhr | H[:MM] am/pm
              | H after "at" or "um"                # täglich um 7 is 07:00; "daily 7" is refused
    INTERVAL := (every | alle) N UNIT                 # every 6h, every 2 hours, alle 30 Minuten
    CRON     := five fields croniter accepts          # 30 9 * * 1-5, 0 */6 * * *
    TIMEZONE := an IANA name (Europe/Berlin) | the city of exactly one zone (Berlin, New York)

Intervals are wall-clock aligned, so they must divide the clock evenly: hours in
``HOUR_INTERVALS`` (``every 6h`` runs at 00, 06, 12 and 18 local time), minutes in
``MINUTE_INTERVALS``, or a whole number of valid hours (``every 120m`` is ``every 2h``).
``every 7h`` or ``every 90m`` would drift across midnight, so they are refused (kind
``"interval"``). Cron with ``@`` aliases, a sixth field or random/hashed fields (``R``, ``H``) is
refused too: a schedule must mean the same thing every time it is read.

Daylight saving follows RFC 5545 §3.3.5 (and PEP 495 ``fold=0``); no day posts twice or is skipped:

- A wall time that does not exist (clocks go forward) runs at the instant it names with the
  offset from *before* the switch: ``daily 02:30`` in Berlin on 2026-03-29 runs at 03:30 CEST
  (01:30 UTC), the same real time after midnight as on any other day.
- A wall time that happens twice (clocks go back) runs once, at the first occurrence: 02:30 on
  2026-10-25 runs at 02:30 CEST (00:30 UTC).
- Wall times that fall on the same instant run once. So hourly and minute schedules keep their
  real-time rhythm when clocks go forward, and leave out the repeated hour when they go back.

How: croniter walks *wall-clock* times labelled UTC, which has no daylight saving, so its own
DST handling never comes into play; each wall time becomes an instant through ``zoneinfo`` with
``fold=0``, and an instant not later than the last one produced is dropped.

A city names a zone when it is the last part of exactly one zone's name in the tz database,
after following its links (``Kiev`` is ``Europe/Kyiv``, ``Istanbul`` is ``Europe/Istanbul`` whether
reached as ``Asia/Istanbul`` or not); the schedule keeps the zone's full name. ``Pacific`` (the
``US/`` and ``Canada/`` ones) names two zones and is refused with both.

Errors::

    ValueError
    └── ScheduleError   .kind: "empty" | "schedule" | "time" | "no_time" | "timezone"
                               | "ambiguous_timezone" | "interval"
                        .value: the offending text, for a message in the user's language
                        .choices: the zones an ambiguous city could mean
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from importlib import resources
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

from croniter import CroniterBadDateError, croniter

__all__ = [
    "EXAMPLES",
    "HOUR_INTERVALS",
    "MINUTE_INTERVALS",
    "Schedule",
    "ScheduleError",
    "ScheduleErrorKind",
    "next_run",
    "next_runs",
    "parse_schedule",
]

ScheduleErrorKind = Literal[
    "empty", "schedule", "time", "no_time", "timezone", "ambiguous_timezone", "interval"
]
_Language = Literal["de", "en"]

EXAMPLES: tuple[str, ...] = (
    "daily 08:00",
    "weekdays 09:30 in Europe/Berlin",
    "mondays 08:00",
    "every weekday at 9am in New York",
    "every 6h",
    "täglich 8 Uhr",
    "werktags 9:30",
    "jeden Montag um 8 Uhr in Berlin",
    "alle 30 Minuten",
    "30 9 * * 1-5 in America/New_York",
)
HOUR_INTERVALS: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 12, 24)
MINUTE_INTERVALS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30)

# Cron day-of-week field -> the canonical (English, German) words for it.
_DAYS: dict[str, tuple[str, str]] = {
    "*": ("daily", "täglich"),
    "1-5": ("weekdays", "werktags"),
    "1": ("mondays", "montags"),
    "2": ("tuesdays", "dienstags"),
    "3": ("wednesdays", "mittwochs"),
    "4": ("thursdays", "donnerstags"),
    "5": ("fridays", "freitags"),
    "6": ("saturdays", "samstags"),
    "0": ("sundays", "sonntags"),
}
_DAY_WORDS: dict[str, tuple[str, str]] = {  # typed word -> (cron day field, canonical word)
    word: (field, word) for field, words in _DAYS.items() for word in words
} | {"taeglich": ("*", "täglich")}
# A day in the singular, after every/each/jeden ("every weekday", "jeden Montag") or alone
# ("Montag 8 Uhr"; not "day" or "Tag" alone): typed word -> (cron day field, language).
_WEEK: tuple[tuple[_Language, str], ...] = (
    ("en", "sunday monday tuesday wednesday thursday friday saturday"),
    ("de", "sonntag montag dienstag mittwoch donnerstag freitag samstag"),
)
_SINGLE_DAYS: dict[str, tuple[str, _Language]] = {
    word: (str(number), language)
    for language, words in _WEEK
    for number, word in enumerate(words.split())
} | {
    "day": ("*", "en"),
    "weekday": ("1-5", "en"),
    "tag": ("*", "de"),
    "werktag": ("1-5", "de"),
    "sonnabend": ("6", "de"),
}
_EACH_WORDS: dict[str, _Language] = {
    "every": "en",
    "each": "en",
    "jeden": "de",
    "jede": "de",
    "jedem": "de",
}
_INTERVAL_WORDS: dict[str, _Language] = {"every": "en", "alle": "de"}
_HOURLY_WORDS = {"hourly": "hourly", "stündlich": "stündlich", "stuendlich": "stündlich"}
_HOUR_UNITS = {"h", "hr", "hrs", "hour", "hours", "std", "std.", "stunde", "stunden"}
_MINUTE_UNITS = {"m", "min", "mins", "minute", "minutes", "minuten"}
_LONG_UNITS = {  # real intervals, but longer than a day: refused as not dividing the clock
    "d", "day", "days", "tag", "tage", "tagen", "w", "week", "weeks", "woche", "wochen"
}  # fmt: skip

_TIME = re.compile(
    r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))? ?(?P<suffix>uhr|o'clock|a\.?m\.?|p\.?m\.?)?"
)
_INTERVAL = re.compile(r"(?P<count>\d+) ?(?P<unit>[a-z.]+)")
_CRON_START = re.compile(r"[0-9*][0-9*/,\-]*")
_CRON_FIELD = re.compile(
    r"(?:[0-9*?/,#\-lw]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
    r"|mon|tue|wed|thu|fri|sat|sun)+"
)
_AT_TIME = re.compile(r"(?P<minute>\d+) (?P<hour>\d+) \* \* (?P<days>\*|1-5|[0-6])")
_EVERY_HOURS = re.compile(r"0 (?:\*/(?P<hours>\d+)|\*) \* \* \*")
_EVERY_MINUTES = re.compile(r"(?:\*/(?P<minutes>\d+)|\*) \* \* \* \*")
_LOOKBACK = timedelta(days=2)  # reaches the offset before a recent switch (even a skipped day)
_ANCHOR = datetime(2000, 1, 1, tzinfo=UTC)
_NOT_ZONES = {"factory", "localtime", "posixrules"}  # files in the tz database, not zones


_PROBLEMS: dict[ScheduleErrorKind, str] = {  # English sentences for operators' logs
    "empty": "no schedule given; try e.g. 'daily 08:00'",
    "schedule": "unknown schedule {value!r}; use daily/weekdays/mondays HH:MM, every N hours, "
    "or a five-field cron expression",
    "time": "invalid time {value!r}; use HH:MM between 00:00 and 23:59",
    "no_time": "{value!r} needs a time of day, e.g. {value} 08:00",
    "timezone": "unknown timezone {value!r}; use an IANA name such as Europe/Berlin",
    "ambiguous_timezone": "{value!r} names several timezones: {choices}",
    "interval": "interval {value!r} does not divide the clock; use every N hours with N in "
    + ", ".join(map(str, HOUR_INTERVALS))
    + " or every N minutes with N in "
    + ", ".join(map(str, MINUTE_INTERVALS)),
}


class ScheduleError(ValueError):
    """A schedule could not be read; ``kind`` says which part was wrong, ``value`` what it was."""

    def __init__(self, kind: ScheduleErrorKind, value: str, choices: tuple[str, ...] = ()) -> None:
        """Record what was wrong.

        Args:
            kind: Which part was wrong: the whole text was ``"empty"``, the ``"schedule"`` form is
                unknown or the cron is invalid, the ``"time"`` is unreadable or out of range,
                days were named with ``"no_time"`` of day, the ``"timezone"`` is unknown, a city
                is an ``"ambiguous_timezone"``, or the ``"interval"`` does not divide the clock.
            value: The offending text as the user typed it (empty for ``"empty"``).
            choices: For ``"ambiguous_timezone"``, the zones the city could mean.
        """
        super().__init__(_PROBLEMS[kind].format(value=value, choices=", ".join(choices)))
        self.kind: ScheduleErrorKind = kind
        self.value = value
        self.choices = choices


@dataclass(frozen=True, slots=True)
class Schedule:
    """A wall-clock digest schedule: a five-field cron expression in an IANA timezone.

    Attributes:
        cron: Normalised five-field cron expression, e.g. ``"30 9 * * 1-5"``.
        timezone: IANA timezone name, e.g. ``"Europe/Berlin"``.
        text: The schedule as typed, normalised, e.g. ``"weekdays 09:30"``; equal to ``cron``
            when the user typed a cron expression.
    """

    cron: str
    timezone: str
    text: str

    def __post_init__(self) -> None:
        """Refuse a cron expression or timezone that ``parse_schedule`` would refuse."""
        if not _is_valid_cron(self.cron):
            raise ScheduleError("schedule", self.cron)
        _zone(self.timezone, exact=True)

    def describe(self, language: _Language) -> str:
        """Say the schedule back in German or English, e.g. ``werktags um 09:30 (Europe/Berlin)``.

        A schedule typed as cron is shown as cron: ``Cron »30 9 * * 1-5« (Europe/Berlin)``.
        """
        rule = None if self.text == self.cron else _describe_rule(self.cron, language)
        return f"{rule or f'Cron »{self.cron}«'} ({self.timezone})"


def parse_schedule(text: str, *, default_timezone: str = "Europe/Berlin") -> Schedule:
    """Read ``<schedule> [in <timezone>]`` as typed by a user.

    Args:
        text: For example ``"weekdays 09:30 in Europe/Berlin"``, ``"alle 6 Stunden"`` or
            ``"0 */6 * * *"``.
        default_timezone: IANA name used when the text has no ``in <timezone>``.

    Returns:
        The schedule, its timezone given its canonical IANA spelling.

    Raises:
        ScheduleError: The text is empty or a part of it cannot be read (see ``kind``).
    """
    tokens = unicodedata.normalize("NFC", text).split()
    words = [token.casefold() for token in tokens]
    zone_name = _zone(default_timezone, exact=False)
    if "in" in words:
        cut = len(words) - 1 - words[::-1].index("in")
        zone_tokens, tokens = tokens[cut + 1 :], tokens[:cut]
        zone_name = _typed_zone(" ".join(zone_tokens))
    if not tokens:
        raise ScheduleError("empty", "")
    cron, normalised = _parse_rule(tokens)
    return Schedule(cron=cron, timezone=zone_name, text=normalised)


def next_runs(schedule: Schedule, after: datetime, count: int = 1) -> list[datetime]:
    """Compute the next ``count`` run times strictly after ``after``.

    Args:
        schedule: The schedule.
        after: A timezone-aware datetime in any zone (typically the injected clock's "now").
        count: How many run times to return.

    Returns:
        Timezone-aware UTC datetimes in ascending order, one per distinct instant.

    Raises:
        ValueError: ``after`` is naive or ``count`` is negative.
    """
    if after.utcoffset() is None:
        raise ValueError("after must be timezone-aware")
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    zone = ZoneInfo(schedule.timezone)
    last = after.astimezone(UTC)
    # A wall time in a recent gap maps to an instant later than its face value, so start the
    # walk at the earliest wall clock that may still map past `after`.
    offset = min(_utcoffset(zone, last), _utcoffset(zone, last - _LOOKBACK))
    walk = croniter(schedule.cron, last + offset, ret_type=datetime)
    runs: list[datetime] = []
    while len(runs) < count:
        wall = walk.get_next(datetime)
        instant = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
        if instant > last:
            runs.append(instant)
            last = instant
    return runs


def next_run(schedule: Schedule, after: datetime) -> datetime:
    """Compute the first run time strictly after ``after`` (aware, in UTC); see ``next_runs``."""
    return next_runs(schedule, after, 1)[0]


def _parse_rule(tokens: list[str]) -> tuple[str, str]:
    """Turn the schedule words into ``(cron, normalised text)``."""
    words = [token.casefold() for token in tokens]
    if len(words) > 1 and all(_CRON_START.fullmatch(word) for word in words[:2]):
        cron = " ".join(words)
        if not _is_valid_cron(cron):
            raise ScheduleError("schedule", " ".join(tokens))
        return cron, cron
    if words[0] == "on" and len(words) > 1 and words[1] in _DAY_WORDS:  # on weekdays at 9
        tokens, words = tokens[1:], words[1:]
    head, rest = words[0], tokens[1:]
    if head in _DAY_WORDS:
        field, word = _DAY_WORDS[head]
        return _at_time(field, word, tokens[:1], rest)
    if head in _EACH_WORDS and len(words) > 1 and words[1] in _SINGLE_DAYS:
        field, language = _SINGLE_DAYS[words[1]]
        return _at_time(field, _DAYS[field][language == "de"], tokens[:2], tokens[2:])
    if head in _SINGLE_DAYS and head not in {"day", "tag"}:
        field, language = _SINGLE_DAYS[head]
        return _at_time(field, _DAYS[field][language == "de"], tokens[:1], rest)
    if head in _HOURLY_WORDS and not rest:
        return "0 * * * *", _HOURLY_WORDS[head]
    if head in _INTERVAL_WORDS:
        return _parse_interval(rest, _INTERVAL_WORDS[head], whole=" ".join(tokens))
    raise ScheduleError("schedule", tokens[0])


def _at_time(field: str, word: str, days: list[str], rest: list[str]) -> tuple[str, str]:
    """The cron and normalised text of a day rule, with its time read from ``rest``."""
    hour, minute = _parse_time(rest, days=" ".join(days))
    return f"{minute} {hour} * * {field}", f"{word} {hour:02d}:{minute:02d}"


def _parse_time(tokens: list[str], *, days: str) -> tuple[int, int]:
    """Read ``08:00``, ``8.30``, ``8 Uhr``, ``8:30pm`` or ``at 9`` as (hour, minute).

    A bare hour is a time only after ``at``/``um`` (``täglich um 7``); alone (``daily 7``) it
    could as well be a count, so it is refused.
    """
    at = bool(tokens) and tokens[0].casefold() in {"at", "um"}
    if at:
        tokens = tokens[1:]
    if not tokens:
        raise ScheduleError("no_time", days)
    raw = " ".join(tokens)
    match = _TIME.fullmatch(raw.casefold())
    if match is None or not (match["minute"] or match["suffix"] or at):
        raise ScheduleError("time", raw)
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    suffix = (match["suffix"] or "").replace(".", "")
    if suffix in {"am", "pm"}:
        if not 1 <= hour <= 12:
            raise ScheduleError("time", raw)
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ScheduleError("time", raw)
    return hour, minute


def _parse_interval(tokens: list[str], language: _Language, *, whole: str) -> tuple[str, str]:
    """Read ``6h``, ``2 hours`` or ``30 Minuten`` into (cron, normalised text).

    Only a count with a unit of time is an interval; anything else after ``every`` (``every
    fortnight``, ``every 9am``) is not a schedule form at all.
    """
    raw = " ".join(tokens)
    match = _INTERVAL.fullmatch(raw.casefold())
    if match is None or match["unit"] not in _HOUR_UNITS | _MINUTE_UNITS | _LONG_UNITS:
        raise ScheduleError("schedule", whole)
    if match["unit"] in _LONG_UNITS:
        raise ScheduleError("interval", raw)
    count, hours = int(match["count"]), match["unit"] in _HOUR_UNITS
    cron = _interval_cron(count * 60 if hours else count)
    if cron is None:
        raise ScheduleError("interval", raw)
    if language == "en":
        return cron, f"every {count}{'h' if hours else 'm'}"
    unit = ("Stunde" if hours else "Minute") + ("" if count == 1 else "n")
    return cron, f"alle {count} {unit}"


def _interval_cron(minutes: int) -> str | None:
    """Give the wall-clock-aligned cron for an interval, or None if it does not divide the clock."""
    if minutes in MINUTE_INTERVALS:
        return "* * * * *" if minutes == 1 else f"*/{minutes} * * * *"
    hours, remainder = divmod(minutes, 60)
    if remainder or hours not in HOUR_INTERVALS:
        return None
    return {1: "0 * * * *", 24: "0 0 * * *"}.get(hours, f"0 */{hours} * * *")


def _is_valid_cron(cron: str) -> bool:
    """Tell whether ``cron`` is a deterministic five-field expression that ever fires."""
    fields = cron.split()
    if len(fields) != 5 or not all(_CRON_FIELD.fullmatch(field.casefold()) for field in fields):
        return False
    if not croniter.is_valid(cron):
        return False
    try:
        croniter(cron, _ANCHOR, ret_type=datetime).get_next(datetime)
    except CroniterBadDateError:  # valid syntax that never matches, e.g. "0 0 30 2 *"
        return False
    return True


def _zone(name: str, *, exact: bool) -> str:
    """Give the canonical IANA spelling of ``name``; case-insensitive unless ``exact``."""
    canonical = _zones_by_folded_name().get(name.casefold())
    if canonical is None or (exact and canonical != name):
        raise ScheduleError("timezone", name)
    return canonical


def _typed_zone(typed: str) -> str:
    """The zone after ``in``: an IANA name in any case, or a city naming exactly one zone."""
    if not typed:
        raise ScheduleError("timezone", "")
    name = "_".join(typed.split())
    if (canonical := _zones_by_folded_name().get(name.casefold())) is not None:
        return canonical
    zones = _zones_by_city().get(name.casefold(), ()) if "/" not in name else ()
    if len(zones) == 1:
        return zones[0]
    if zones:
        raise ScheduleError("ambiguous_timezone", typed, zones)
    raise ScheduleError("timezone", typed)


@cache
def _zones_by_city() -> dict[str, tuple[str, ...]]:
    """Map each city (a zone name's last part, case-folded) to the zones it may mean.

    Links are followed to the zone they name (``tzdata.zi``: ``Z`` lines are zones, ``L target
    link`` lines links), so two spellings of one zone count once.
    """
    try:
        lines = resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text("utf-8")
    except (OSError, ModuleNotFoundError):  # pragma: no cover - tzdata is a dependency
        lines = ""
    target: dict[str, str] = {}
    for line in lines.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[0] == "Z":
            target[fields[1]] = fields[1]
        elif len(fields) >= 3 and fields[0] == "L":
            target[fields[2]] = fields[1]
    known = set(_zones_by_folded_name().values())
    cities: dict[str, set[str]] = {}
    for name in known:
        zone = target.get(name, name)
        if "/" in name and zone in known and not name.startswith("Etc/"):
            cities.setdefault(name.rsplit("/", 1)[1].casefold(), set()).add(zone)
    return {city: tuple(sorted(zones)) for city, zones in cities.items()}


@cache
def _zones_by_folded_name() -> dict[str, str]:
    """Map every real IANA zone name on this machine, case-folded, to its proper spelling."""
    return {
        name.casefold(): name for name in available_timezones() if name.casefold() not in _NOT_ZONES
    }


def _utcoffset(zone: ZoneInfo, instant: datetime) -> timedelta:
    """Give the UTC offset of ``zone`` at ``instant``."""
    return instant.astimezone(zone).utcoffset() or timedelta(0)


def _describe_rule(cron: str, language: _Language) -> str | None:
    """Phrase a cron expression made from a friendly form; None for any other cron."""
    english = language == "en"
    if match := _AT_TIME.fullmatch(cron):
        english_word, german_word = _DAYS[match["days"]]
        if len(match["days"]) == 1 and match["days"] != "*":
            english_word = english_word.capitalize()
        day, at = (english_word, "at") if english else (german_word, "um")
        return f"{day} {at} {int(match['hour']):02d}:{int(match['minute']):02d}"
    if match := _EVERY_HOURS.fullmatch(cron):
        hours = match["hours"]
        if hours is None:
            return "every hour" if english else "stündlich"
        return f"every {hours} hours" if english else f"alle {hours} Stunden"
    if match := _EVERY_MINUTES.fullmatch(cron):
        minutes = match["minutes"]
        if minutes is None:
            return "every minute" if english else "jede Minute"
        return f"every {minutes} minutes" if english else f"alle {minutes} Minuten"
    return None
