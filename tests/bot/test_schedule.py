"""Digest schedules: what users type, what they are told back, and when digests go out."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from bot.schedule import (
    EXAMPLES,
    Schedule,
    ScheduleError,
    next_run,
    next_runs,
    parse_schedule,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SPRING_FORWARD = date(2026, 3, 29)  # Berlin: 02:00 CET -> 03:00 CEST
FALL_BACK = date(2026, 10, 25)  # Berlin: 03:00 CEST -> 02:00 CET
NY_SPRING_FORWARD = date(2026, 3, 8)  # New York: 02:00 EST -> 03:00 EDT
NY_FALL_BACK = date(2026, 11, 1)  # New York: 02:00 EDT -> 01:00 EST


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware UTC datetime, the form every run time comes back in."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def runs_in_year(text: str, year: int) -> list[datetime]:
    """Every run of ``text`` whose local date falls in ``year``."""
    schedule = parse_schedule(text)
    zone = ZoneInfo(schedule.timezone)
    start = datetime(year, 1, 1, tzinfo=zone) - timedelta(microseconds=1)
    runs: list[datetime] = []
    while not runs or runs[-1].astimezone(zone).year == year:
        runs += next_runs(schedule, runs[-1] if runs else start, 500)
    return [run for run in runs if run.astimezone(zone).year == year]


def days_of(year: int) -> list[date]:
    """Every calendar date of ``year``."""
    first = date(year, 1, 1)
    return [first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days)]


# --- What users type ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cron", "normalised"),
    [
        ("daily 08:00", "0 8 * * *", "daily 08:00"),
        ("weekdays 09:30", "30 9 * * 1-5", "weekdays 09:30"),
        ("mondays 08:00", "0 8 * * 1", "mondays 08:00"),
        ("tuesdays 07:15", "15 7 * * 2", "tuesdays 07:15"),
        ("wednesdays 12:00", "0 12 * * 3", "wednesdays 12:00"),
        ("thursdays 18:45", "45 18 * * 4", "thursdays 18:45"),
        ("fridays 17:00", "0 17 * * 5", "fridays 17:00"),
        ("saturdays 10:00", "0 10 * * 6", "saturdays 10:00"),
        ("sundays 20:00", "0 20 * * 0", "sundays 20:00"),
        ("every 6h", "0 */6 * * *", "every 6h"),
        ("every 1h", "0 * * * *", "every 1h"),
        ("every 2 hours", "0 */2 * * *", "every 2h"),
        ("every 12 hours", "0 */12 * * *", "every 12h"),
        ("every 24h", "0 0 * * *", "every 24h"),
        ("every 30m", "*/30 * * * *", "every 30m"),
        ("every 15 minutes", "*/15 * * * *", "every 15m"),
        ("every 1 minute", "* * * * *", "every 1m"),
        ("every 120m", "0 */2 * * *", "every 120m"),
        ("hourly", "0 * * * *", "hourly"),
    ],
)
def test_english_friendly_forms(text: str, cron: str, normalised: str) -> None:
    schedule = parse_schedule(text)
    assert (schedule.cron, schedule.text) == (cron, normalised)


@pytest.mark.parametrize(
    ("text", "cron", "normalised"),
    [
        ("täglich 08:00", "0 8 * * *", "täglich 08:00"),
        ("taeglich 08:00", "0 8 * * *", "täglich 08:00"),
        ("werktags 09:30", "30 9 * * 1-5", "werktags 09:30"),
        ("montags 08:00", "0 8 * * 1", "montags 08:00"),
        ("dienstags 08:00", "0 8 * * 2", "dienstags 08:00"),
        ("mittwochs 08:00", "0 8 * * 3", "mittwochs 08:00"),
        ("donnerstags 08:00", "0 8 * * 4", "donnerstags 08:00"),
        ("freitags 08:00", "0 8 * * 5", "freitags 08:00"),
        ("samstags 08:00", "0 8 * * 6", "samstags 08:00"),
        ("sonntags 08:00", "0 8 * * 0", "sonntags 08:00"),
        ("alle 6h", "0 */6 * * *", "alle 6 Stunden"),
        ("alle 6 Stunden", "0 */6 * * *", "alle 6 Stunden"),
        ("alle 1 Stunde", "0 * * * *", "alle 1 Stunde"),
        ("alle 8 Std", "0 */8 * * *", "alle 8 Stunden"),
        ("alle 30 Minuten", "*/30 * * * *", "alle 30 Minuten"),
        ("alle 10 min", "*/10 * * * *", "alle 10 Minuten"),
        ("stündlich", "0 * * * *", "stündlich"),
        ("stuendlich", "0 * * * *", "stündlich"),
    ],
)
def test_german_friendly_forms(text: str, cron: str, normalised: str) -> None:
    schedule = parse_schedule(text)
    assert (schedule.cron, schedule.text) == (cron, normalised)


@pytest.mark.parametrize(
    ("text", "cron", "normalised"),
    [
        # English, as people write it
        ("every weekday at 9am", "0 9 * * 1-5", "weekdays 09:00"),
        ("weekdays at 9:30am", "30 9 * * 1-5", "weekdays 09:30"),
        ("weekdays at 9:30 am", "30 9 * * 1-5", "weekdays 09:30"),
        ("on weekdays at 9 a.m.", "0 9 * * 1-5", "weekdays 09:00"),
        ("every day at 7", "0 7 * * *", "daily 07:00"),
        ("every day at 7:15pm", "15 19 * * *", "daily 19:15"),
        ("daily at 6pm", "0 18 * * *", "daily 18:00"),
        ("daily at 9 o'clock", "0 9 * * *", "daily 09:00"),
        ("each Friday at 5pm", "0 17 * * 5", "fridays 17:00"),
        ("every monday 08:00", "0 8 * * 1", "mondays 08:00"),
        ("every Sunday at 18:00", "0 18 * * 0", "sundays 18:00"),
        ("Monday at 8", "0 8 * * 1", "mondays 08:00"),
        ("mondays at 8", "0 8 * * 1", "mondays 08:00"),
        ("on mondays at 8:30", "30 8 * * 1", "mondays 08:30"),
        ("saturday 10am", "0 10 * * 6", "saturdays 10:00"),
        # German, as people write it
        ("jeden Montag um 8 Uhr", "0 8 * * 1", "montags 08:00"),
        ("jeden Montag um 8", "0 8 * * 1", "montags 08:00"),
        ("montags 8 Uhr", "0 8 * * 1", "montags 08:00"),
        ("montags um 8 Uhr", "0 8 * * 1", "montags 08:00"),
        ("Montag 8 Uhr", "0 8 * * 1", "montags 08:00"),
        ("täglich um 7", "0 7 * * *", "täglich 07:00"),
        ("täglich um 7 Uhr", "0 7 * * *", "täglich 07:00"),
        ("täglich um 7.30", "30 7 * * *", "täglich 07:30"),
        ("jeden Tag um 7:15", "15 7 * * *", "täglich 07:15"),
        ("jeden Werktag um 9:30", "30 9 * * 1-5", "werktags 09:30"),
        ("werktags um 9:30 Uhr", "30 9 * * 1-5", "werktags 09:30"),
        ("jeden Freitag um 17 Uhr", "0 17 * * 5", "freitags 17:00"),
        ("jeden Sonnabend um 9", "0 9 * * 6", "samstags 09:00"),
        ("sonntags um 18:00", "0 18 * * 0", "sonntags 18:00"),
    ],
)
def test_schedules_as_people_write_them(text: str, cron: str, normalised: str) -> None:
    schedule = parse_schedule(text)
    assert (schedule.cron, schedule.text) == (cron, normalised)
    assert parse_schedule(schedule.text) == schedule  # what is said back reads the same


@pytest.mark.parametrize(
    ("text", "timezone"),
    [
        ("werktags 09:30 in Berlin", "Europe/Berlin"),
        ("jeden Montag um 8 Uhr in Berlin", "Europe/Berlin"),
        ("every weekday at 9am in berlin", "Europe/Berlin"),
        ("daily 08:00 in New York", "America/New_York"),
        ("daily 08:00 in new_york", "America/New_York"),
        ("daily 08:00 in Tokyo", "Asia/Tokyo"),
        ("daily 08:00 in Kiev", "Europe/Kyiv"),  # an old spelling, a link to the zone
        ("daily 08:00 in Istanbul", "Europe/Istanbul"),  # Asia/Istanbul is the same zone
        ("daily 08:00 in Buenos Aires", "America/Argentina/Buenos_Aires"),
    ],
)
def test_a_city_of_one_zone_names_that_zone(text: str, timezone: str) -> None:
    schedule = parse_schedule(text)
    assert schedule.timezone == timezone
    assert schedule.describe("de").endswith(f"({timezone})")


@pytest.mark.parametrize(
    "text", ["DAILY 08:00", "Daily 08:00", "TÄGLICH 08:00", "Taeglich 8 UHR", "daily 8AM"]
)
def test_keywords_are_case_insensitive(text: str) -> None:
    assert parse_schedule(text).cron == "0 8 * * *"


def test_decomposed_umlauts_as_sent_by_some_keyboards_are_understood() -> None:
    assert parse_schedule("ta\u0308glich 08:00").text == "täglich 08:00"


@pytest.mark.parametrize(
    ("typed", "hour", "minute"),
    [
        ("8:00", 8, 0),
        ("08:00", 8, 0),
        ("8.30", 8, 30),
        ("8 Uhr", 8, 0),
        ("8Uhr", 8, 0),
        ("8:30 Uhr", 8, 30),
        ("at 8:00", 8, 0),
        ("um 8 Uhr", 8, 0),
        ("8am", 8, 0),
        ("8:30 pm", 20, 30),
        ("12am", 0, 0),
        ("12pm", 12, 0),
        ("0:00", 0, 0),
        ("23:59", 23, 59),
    ],
)
def test_times_are_read_leniently_but_unambiguously(typed: str, hour: int, minute: int) -> None:
    schedule = parse_schedule(f"daily {typed}")
    assert schedule.cron == f"{minute} {hour} * * *"
    assert schedule.text == f"daily {hour:02d}:{minute:02d}"


def test_without_in_the_default_timezone_applies() -> None:
    assert parse_schedule("daily 08:00").timezone == "Europe/Berlin"
    assert parse_schedule("daily 08:00", default_timezone="Asia/Tokyo").timezone == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("text", "timezone"),
    [
        ("daily 08:00 in Europe/Berlin", "Europe/Berlin"),
        ("daily 08:00 in America/New_York", "America/New_York"),
        ("daily 08:00 in UTC", "UTC"),
        ("daily 08:00 IN utc", "UTC"),
        ("täglich 8 Uhr in europe/berlin", "Europe/Berlin"),
        ("0 */6 * * * in America/New_York", "America/New_York"),
    ],
)
def test_timezone_after_in_is_an_iana_name_in_its_proper_spelling(text: str, timezone: str) -> None:
    schedule = parse_schedule(text, default_timezone="Asia/Tokyo")
    assert schedule.timezone == timezone
    assert " in " not in schedule.text.casefold()


@pytest.mark.parametrize(
    ("text", "cron"),
    [
        ("30 9 * * 1-5", "30 9 * * 1-5"),
        ("0 */6 * * *", "0 */6 * * *"),
        ("  0   8  1,15 * * ", "0 8 1,15 * *"),
        ("0 8 * * MON-FRI", "0 8 * * mon-fri"),
        ("*/5 * * * *", "*/5 * * * *"),
    ],
)
def test_cron_expressions_are_kept_normalised(text: str, cron: str) -> None:
    schedule = parse_schedule(text)
    assert (schedule.cron, schedule.text) == (cron, cron)


@pytest.mark.parametrize(
    "text",
    ["weekdays 9:30", "taeglich 8 Uhr", "alle 6h", "every 2 hours", "stuendlich", "0  8 * * *"],
)
def test_normalised_text_reads_back_as_the_same_schedule(text: str) -> None:
    schedule = parse_schedule(text)
    assert parse_schedule(schedule.text) == schedule


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_offered_to_users_works(example: str) -> None:
    assert parse_schedule(example).cron


# --- What users are told back ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "english", "german"),
    [
        ("weekdays 09:30", "weekdays at 09:30", "werktags um 09:30"),
        ("werktags 9:30", "weekdays at 09:30", "werktags um 09:30"),
        ("daily 8 Uhr", "daily at 08:00", "täglich um 08:00"),
        ("mondays 08:00", "Mondays at 08:00", "montags um 08:00"),
        ("sonntags 18:00", "Sundays at 18:00", "sonntags um 18:00"),
        ("every 6h", "every 6 hours", "alle 6 Stunden"),
        ("alle 1 Stunde", "every hour", "stündlich"),
        ("every 30 minutes", "every 30 minutes", "alle 30 Minuten"),
        ("every 1m", "every minute", "jede Minute"),
        ("30 9 * * 1-5", "Cron »30 9 * * 1-5«", "Cron »30 9 * * 1-5«"),
    ],
)
def test_describe_says_the_schedule_back_in_either_language(
    text: str, english: str, german: str
) -> None:
    schedule = parse_schedule(text)
    assert schedule.describe("en") == f"{english} (Europe/Berlin)"
    assert schedule.describe("de") == f"{german} (Europe/Berlin)"


# --- What is refused, and how the caller learns why --------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("", "empty", ""),
        ("   ", "empty", ""),
        ("in Europe/Berlin", "empty", ""),
        ("daily 25:00", "time", "25:00"),
        ("daily 24:00", "time", "24:00"),
        ("daily 8:61", "time", "8:61"),
        ("daily 8", "time", "8"),
        ("daily 13pm", "time", "13pm"),
        ("daily 08:00 sharp", "time", "08:00 sharp"),
        ("mondays", "no_time", "mondays"),
        ("mondays at", "no_time", "mondays"),
        ("every weekday", "no_time", "every weekday"),
        ("jeden Montag", "no_time", "jeden Montag"),
        ("täglich um", "no_time", "täglich"),
        ("every weekday at 25:00", "time", "25:00"),
        ("jeden Montag um 8:75 Uhr", "time", "8:75 Uhr"),
        ("every weekday 9", "time", "9"),  # a bare hour is a time only after at/um
        ("every monday at 13pm", "time", "13pm"),
        ("every 0h", "interval", "0h"),
        ("every 7h", "interval", "7h"),  # would not line up with midnight
        ("every 90m", "interval", "90m"),  # would not line up with the hour
        ("every 48 hours", "interval", "48 hours"),
        ("alle 6 Tage", "interval", "6 Tage"),
        ("every", "schedule", "every"),  # not an interval that fails to divide the clock
        ("every fortnight", "schedule", "every fortnight"),
        ("every 9am", "schedule", "every 9am"),
        ("alle Wochen", "schedule", "alle Wochen"),
        ("every 2 days", "interval", "2 days"),
        ("alle 2 Wochen", "interval", "2 Wochen"),
        ("jeden Monat um 8", "schedule", "jeden"),
        ("jede Woche", "schedule", "jede"),
        ("fortnightly 08:00", "schedule", "fortnightly"),
        ("hourly 08:00", "schedule", "hourly"),
        ("@daily", "schedule", "@daily"),
        ("daily 08:00 in Mars/Olympus", "timezone", "Mars/Olympus"),
        ("daily 08:00 in New Yorck", "timezone", "New Yorck"),
        ("daily 08:00 in Springfield", "timezone", "Springfield"),
        ("daily 08:00 in Europe/Berlin/Mitte", "timezone", "Europe/Berlin/Mitte"),
        ("daily 08:00 in", "timezone", ""),
        ("daily 08:00 in Europe", "timezone", "Europe"),
        ("daily 08:00 in localtime", "timezone", "localtime"),
        ("daily 08:00 in ../etc/passwd", "timezone", "../etc/passwd"),
        ("61 * * * *", "schedule", "61 * * * *"),
        ("0 30 9 * * 1-5", "schedule", "0 30 9 * * 1-5"),  # six fields
        ("30 9 * *", "schedule", "30 9 * *"),  # four fields
        ("0 0 30 2 *", "schedule", "0 0 30 2 *"),  # valid syntax, never fires
        ("R * * * *", "schedule", "R"),  # random minute: not the same schedule twice
    ],
)
def test_bad_input_says_which_part_was_wrong(text: str, kind: str, value: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(text)
    assert (caught.value.kind, caught.value.value) == (kind, value)


@pytest.mark.parametrize(
    ("text", "choices"),
    [
        ("daily 08:00 in Pacific", ("America/Los_Angeles", "America/Vancouver")),  # US/, Canada/
        ("daily 08:00 in central", ("America/Chicago", "America/Winnipeg")),
    ],
)
def test_a_city_of_several_zones_is_refused_with_them(text: str, choices: tuple[str, ...]) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(text)
    assert caught.value.kind == "ambiguous_timezone"
    assert caught.value.choices == choices


def test_schedule_errors_are_value_errors_with_a_sentence_for_the_log() -> None:
    with pytest.raises(ValueError, match=r"'7h' does not divide the clock.* 1, 2, 3, 4, 6, 8"):
        parse_schedule("every 7h")


@pytest.mark.parametrize(
    ("cron", "timezone", "kind"),
    [
        ("61 * * * *", "UTC", "schedule"),
        ("0 8 * * * *", "UTC", "schedule"),
        ("0 8 * * *", "europe/berlin", "timezone"),
        ("0 8 * * *", "Mars/Olympus", "timezone"),
    ],
)
def test_a_schedule_cannot_be_built_from_invalid_parts(cron: str, timezone: str, kind: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        Schedule(cron=cron, timezone=timezone, text="x")
    assert caught.value.kind == kind


# --- When digests go out -----------------------------------------------------------------------


def test_weekdays_skip_the_weekend() -> None:
    friday_afternoon = utc(2026, 1, 9, 12)
    assert next_runs(parse_schedule("weekdays 09:30"), friday_afternoon, 3) == [
        utc(2026, 1, 12, 8, 30),  # Monday 09:30 CET
        utc(2026, 1, 13, 8, 30),
        utc(2026, 1, 14, 8, 30),
    ]


def test_every_6h_runs_at_fixed_wall_clock_hours() -> None:
    at_0610_cet = utc(2026, 1, 10, 5, 10)
    assert next_runs(parse_schedule("every 6h"), at_0610_cet, 3) == [
        utc(2026, 1, 10, 11),  # 12:00 CET
        utc(2026, 1, 10, 17),  # 18:00 CET
        utc(2026, 1, 10, 23),  # 00:00 CET on the 11th
    ]


def test_mondays_in_new_york() -> None:
    schedule = parse_schedule("mondays 08:00 in America/New_York")
    assert next_runs(schedule, utc(2026, 1, 1), 3) == [
        utc(2026, 1, 5, 13),  # 08:00 EST
        utc(2026, 1, 12, 13),
        utc(2026, 1, 19, 13),
    ]


def test_cron_in_utc() -> None:
    schedule = parse_schedule("0 8 1,15 * * in UTC")
    assert next_runs(schedule, utc(2026, 1, 20), 3) == [
        utc(2026, 2, 1, 8),
        utc(2026, 2, 15, 8),
        utc(2026, 3, 1, 8),
    ]


def test_a_run_due_exactly_at_after_is_not_repeated() -> None:
    schedule = parse_schedule("daily 08:00")
    assert next_run(schedule, utc(2026, 1, 10, 7)) == utc(2026, 1, 11, 7)


def test_after_may_be_in_any_timezone_and_runs_come_back_in_utc() -> None:
    schedule = parse_schedule("daily 08:00")
    in_tokyo = datetime(2026, 1, 10, 16, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 07:00 UTC
    assert next_runs(schedule, in_tokyo, 2) == next_runs(schedule, utc(2026, 1, 10, 7), 2)
    assert next_run(schedule, in_tokyo).tzinfo is UTC


def test_next_run_is_the_first_of_next_runs() -> None:
    schedule = parse_schedule("every 30m")
    assert next_run(schedule, utc(2026, 5, 1, 10, 5)) == utc(2026, 5, 1, 10, 30)


def test_after_must_be_timezone_aware_and_count_not_negative() -> None:
    schedule = parse_schedule("daily 08:00")
    with pytest.raises(ValueError, match="aware"):
        next_runs(schedule, datetime(2026, 1, 1))  # naive: the point of the test
    with pytest.raises(ValueError, match="negative"):
        next_runs(schedule, utc(2026, 1, 1), -1)
    assert next_runs(schedule, utc(2026, 1, 1), 0) == []


# --- Daylight saving: no day posts twice, no day is skipped ------------------------------------


def test_spring_forward_a_missing_0230_runs_once_at_0330_summer_time() -> None:
    runs = next_runs(parse_schedule("daily 02:30"), utc(2026, 3, 28, 12), 2)
    assert runs == [utc(2026, 3, 29, 1, 30), utc(2026, 3, 30, 0, 30)]
    assert runs[0].astimezone(BERLIN).time() == time(3, 30)


def test_fall_back_a_repeated_0230_runs_once_at_its_first_occurrence() -> None:
    runs = next_runs(parse_schedule("daily 02:30"), utc(2026, 10, 24, 12), 2)
    assert runs == [utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]
    assert runs[0].astimezone(BERLIN).utcoffset() == timedelta(hours=2)  # still summer time


def test_0800_runs_at_0800_local_on_both_switch_days() -> None:
    schedule = parse_schedule("daily 08:00")
    assert next_run(schedule, utc(2026, 3, 29)) == utc(2026, 3, 29, 6)  # CEST
    assert next_run(schedule, utc(2026, 10, 25)) == utc(2026, 10, 25, 7)  # CET


def test_asking_just_after_the_skipped_hour_still_finds_that_days_run() -> None:
    at_0310_cest = utc(2026, 3, 29, 1, 10)
    assert next_run(parse_schedule("daily 02:30"), at_0310_cest) == utc(2026, 3, 29, 1, 30)


def test_asking_inside_the_repeated_hour_does_not_run_its_second_occurrence() -> None:
    second_0215 = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=BERLIN)  # 01:15 UTC, CET
    assert next_run(parse_schedule("daily 02:30"), second_0215) == utc(2026, 10, 26, 1, 30)


@pytest.mark.parametrize(
    "text",
    [
        "daily 02:30",
        "daily 08:00",
        "täglich 02:00",
        "daily 02:59",
        "daily 03:00",
        "daily 00:00",
        "daily 23:59",
    ],
)
def test_every_day_of_2026_in_berlin_gets_exactly_one_run(text: str) -> None:
    runs = runs_in_year(text, 2026)
    assert [run.astimezone(BERLIN).date() for run in runs] == days_of(2026)
    assert all(earlier < later for earlier, later in pairwise(runs))
    # Each run is the wall time read with fold=0: the pre-switch offset in a gap, the first of
    # two occurrences in an overlap.
    at = time.fromisoformat(parse_schedule(text).text.split()[1])
    expected = [datetime.combine(day, at, tzinfo=BERLIN).astimezone(UTC) for day in days_of(2026)]
    assert runs == expected


@pytest.mark.parametrize("text", ["daily 01:30", "daily 02:30", "daily 08:00"])
def test_every_day_of_2026_in_new_york_gets_exactly_one_run(text: str) -> None:
    runs = runs_in_year(f"{text} in America/New_York", 2026)
    assert [run.astimezone(NEW_YORK).date() for run in runs] == days_of(2026)
    assert all(earlier < later for earlier, later in pairwise(runs))


def test_new_york_switch_days() -> None:
    at_0230 = parse_schedule("daily 02:30 in America/New_York")
    at_0130 = parse_schedule("daily 01:30 in America/New_York")
    # 02:30 does not exist on 8 March: 02:30 EST = 03:30 EDT.
    assert next_run(at_0230, utc(2026, 3, 8)) == utc(2026, 3, 8, 7, 30)
    # 01:30 happens twice on 1 November: the first one, in EDT, counts.
    assert next_runs(at_0130, utc(2026, 11, 1), 2) == [
        utc(2026, 11, 1, 5, 30),
        utc(2026, 11, 2, 6, 30),
    ]
    # 02:30 happens once on 1 November, in EST.
    assert next_run(at_0230, utc(2026, 11, 1)) == utc(2026, 11, 1, 7, 30)


def test_utc_has_no_switch_days() -> None:
    runs = runs_in_year("daily 02:30 in UTC", 2026)
    assert runs == [datetime.combine(day, time(2, 30), tzinfo=UTC) for day in days_of(2026)]


def test_every_6h_on_switch_days_keeps_wall_clock_hours_and_posts_four_times() -> None:
    schedule = parse_schedule("every 6h")
    spring = next_runs(schedule, utc(2026, 3, 28, 22, 30), 5)
    assert spring == [
        utc(2026, 3, 28, 23),  # 00:00 CET
        utc(2026, 3, 29, 4),  # 06:00 CEST, five real hours later
        utc(2026, 3, 29, 10),
        utc(2026, 3, 29, 16),
        utc(2026, 3, 29, 22),  # 00:00 CEST on the 30th
    ]
    autumn = next_runs(schedule, utc(2026, 10, 24, 21, 30), 5)
    assert autumn == [
        utc(2026, 10, 24, 22),  # 00:00 CEST
        utc(2026, 10, 25, 5),  # 06:00 CET, seven real hours later
        utc(2026, 10, 25, 11),
        utc(2026, 10, 25, 17),
        utc(2026, 10, 25, 23),  # 00:00 CET on the 26th
    ]


def test_every_30m_keeps_its_real_time_rhythm_when_clocks_go_forward() -> None:
    runs = next_runs(parse_schedule("every 30m"), utc(2026, 3, 29, 0, 10), 5)
    assert runs == [
        utc(2026, 3, 29, 0, 30),  # 01:30 CET
        utc(2026, 3, 29, 1),  # "02:00" = 03:00 CEST; the real 03:00 is the same instant
        utc(2026, 3, 29, 1, 30),
        utc(2026, 3, 29, 2),
        utc(2026, 3, 29, 2, 30),
    ]


def test_hourly_over_2026_never_posts_twice_and_leaves_out_only_the_repeated_hour() -> None:
    runs = runs_in_year("hourly", 2026)
    gaps = [later - earlier for earlier, later in pairwise(runs)]
    assert min(gaps) == timedelta(hours=1)
    assert [gap for gap in gaps if gap != timedelta(hours=1)] == [timedelta(hours=2)]
    assert runs[gaps.index(timedelta(hours=2)) + 1] == utc(2026, 10, 25, 2)  # 03:00 CET
    assert len(runs) == 365 * 24 - 1  # the repeated 02:00-03:00 hour posts once, not twice
