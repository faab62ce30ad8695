"""Business-hours deadlines: weekends, holidays, DST, out of office, edges."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from revalign.contract.schema import Absence, VersionedContract
from revalign.core.calendar import BusinessCalendar, calendar_for_rep, calendar_for_team
from revalign.errors import NotFound

JAKARTA = ZoneInfo("Asia/Jakarta")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")


def jakarta(absences: list[tuple[date, date]] | None = None) -> BusinessCalendar:
    """Jakarta office hours, Monday to Friday, Indonesian public holidays."""
    weekdays = {"mon", "tue", "wed", "thu", "fri"}
    return BusinessCalendar("Asia/Jakarta", time(9), time(17), weekdays, "ID", absences or [])


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


NEW_YORK_HOURS = BusinessCalendar("America/New_York", time(8, 30), time(17), range(5), "US")
OUT_WEEK = jakarta([(date(2026, 11, 9), date(2026, 11, 13))])

# (case, calendar, start, business hours, expected deadline)
DEADLINES = [
    (
        "friday 16:00 + 4h is monday noon",
        jakarta(),
        at(JAKARTA, 2026, 11, 6, 16),
        4,
        at(JAKARTA, 2026, 11, 9, 12),
    ),
    # 17 Aug 2026 (Monday) is Independence Day: the clock waits until Tuesday
    (
        "across an Indonesian holiday",
        jakarta(),
        at(JAKARTA, 2026, 8, 14, 16),
        4,
        at(JAKARTA, 2026, 8, 18, 12),
    ),
    (
        "holiday ignored without a country",
        BusinessCalendar("Asia/Jakarta", time(9), time(17)),
        at(JAKARTA, 2026, 8, 14, 16),
        4,
        at(JAKARTA, 2026, 8, 17, 12),
    ),
    # US DST starts Sunday 8 March 2026: Monday 11:30 local is EDT (UTC-4), not EST
    (
        "across US DST start",
        NEW_YORK_HOURS,
        at(NEW_YORK, 2026, 3, 6, 16),
        4,
        at(NEW_YORK, 2026, 3, 9, 11, 30),
    ),
    (
        "across UK DST end",
        BusinessCalendar("Europe/London", time(9), time(17, 30)),
        at(LONDON, 2026, 10, 23, 17),
        1,
        at(LONDON, 2026, 10, 26, 9, 30),
    ),
    (
        "out-of-office week",
        OUT_WEEK,
        at(JAKARTA, 2026, 11, 6, 16),
        4,
        at(JAKARTA, 2026, 11, 16, 12),
    ),
    (
        "zero hours outside business hours",
        jakarta(),
        at(JAKARTA, 2026, 11, 7, 10),
        0,
        at(JAKARTA, 2026, 11, 7, 10),
    ),
    ("start on saturday", jakarta(), at(JAKARTA, 2026, 11, 7, 10), 2, at(JAKARTA, 2026, 11, 9, 11)),
    (
        "start before opening",
        jakarta(),
        at(JAKARTA, 2026, 11, 10, 7),
        1,
        at(JAKARTA, 2026, 11, 10, 10),
    ),
    (
        "start after closing",
        jakarta(),
        at(JAKARTA, 2026, 11, 10, 18),
        1,
        at(JAKARTA, 2026, 11, 11, 10),
    ),
    (
        "deadline exactly at closing",
        jakarta(),
        at(JAKARTA, 2026, 11, 10, 13),
        4,
        at(JAKARTA, 2026, 11, 10, 17),
    ),
    (
        "24 standard hours are three days",
        jakarta(),
        at(JAKARTA, 2026, 11, 9, 9),
        24,
        at(JAKARTA, 2026, 11, 11, 17),
    ),
    (
        "fractional hours",
        jakarta(),
        at(JAKARTA, 2026, 11, 10, 9),
        0.25,
        at(JAKARTA, 2026, 11, 10, 9, 15),
    ),
    (
        "weekend work days",
        BusinessCalendar("Asia/Jakarta", time(9), time(17), ["sat"]),
        at(JAKARTA, 2026, 11, 9, 9),
        9,
        at(JAKARTA, 2026, 11, 21, 10),
    ),
]


@pytest.mark.parametrize(
    ("calendar", "start", "hours", "expected"),
    [c[1:] for c in DEADLINES],
    ids=[c[0] for c in DEADLINES],
)
def test_deadline(
    calendar: BusinessCalendar, start: datetime, hours: float, expected: datetime
) -> None:
    deadline = calendar.add_business_hours(start.astimezone(UTC), hours)
    assert deadline == expected
    assert deadline.tzinfo is UTC
    assert calendar.business_hours_between(start, deadline) == pytest.approx(hours, abs=1e-9)


def test_dst_deadline_in_utc_is_an_hour_earlier_than_naive_arithmetic() -> None:
    deadline = NEW_YORK_HOURS.add_business_hours(at(NEW_YORK, 2026, 3, 6, 16), 4)
    assert deadline == datetime(2026, 3, 9, 15, 30, tzinfo=UTC)


def test_hours_between_is_signed_and_skips_closed_time() -> None:
    cal = jakarta()
    friday, monday = at(JAKARTA, 2026, 11, 6, 16), at(JAKARTA, 2026, 11, 9, 12)
    assert cal.business_hours_between(friday, monday) == 4.0
    assert cal.business_hours_between(monday, friday) == -4.0
    assert (
        cal.business_hours_between(at(JAKARTA, 2026, 11, 7, 0), at(JAKARTA, 2026, 11, 8, 23)) == 0.0
    )
    # a full working week of 8-hour days
    assert cal.business_hours_between(at(JAKARTA, 2026, 11, 9), at(JAKARTA, 2026, 11, 16)) == 40.0


def test_is_open() -> None:
    cal = jakarta()
    assert cal.is_open(at(JAKARTA, 2026, 11, 9, 9))
    assert cal.is_open(at(JAKARTA, 2026, 11, 9, 16, 59))
    assert not cal.is_open(at(JAKARTA, 2026, 11, 9, 17))
    assert not cal.is_open(at(JAKARTA, 2026, 11, 7, 12))  # Saturday
    assert not cal.is_open(at(JAKARTA, 2026, 8, 17, 12))  # Independence Day
    assert not OUT_WEEK.is_open(at(JAKARTA, 2026, 11, 11, 12))


def test_next_open() -> None:
    cal = jakarta()
    assert cal.next_open(at(JAKARTA, 2026, 11, 7, 12)) == at(JAKARTA, 2026, 11, 9, 9)
    assert cal.next_open(at(JAKARTA, 2026, 11, 9, 12)) == at(JAKARTA, 2026, 11, 9, 12)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: BusinessCalendar("UTC", time(17), time(9)), "end 09:00 must be after start 17:00"),
        (lambda: BusinessCalendar("UTC", time(9), time(17), []), "at least one working day"),
        (
            lambda: BusinessCalendar("UTC", time(9), time(17), ["funday"]),
            "unknown weekday 'funday'",
        ),
        (lambda: jakarta().add_business_hours(at(JAKARTA, 2026, 1, 1), -1), "hours must be"),
        (lambda: jakarta().add_business_hours(datetime(2026, 1, 1), 1), "has no time zone"),
        (
            lambda: jakarta().add_business_hours(at(JAKARTA, 2026, 1, 1), float("nan")),
            "hours must be",
        ),
    ],
)
def test_bad_arguments(make: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]


def test_a_calendar_that_never_opens_fails_instead_of_looping() -> None:
    forever = jakarta([(date(2000, 1, 1), date(2100, 1, 1))])
    with pytest.raises(ValueError, match="no business hours"):
        forever.add_business_hours(at(JAKARTA, 2026, 1, 1), 1)


def test_days_are_normalised_and_calendars_are_hashable() -> None:
    by_name = BusinessCalendar("UTC", time(9), time(17), ["Mon", "tuesday"])
    by_number = BusinessCalendar("UTC", time(9), time(17), {0, 1})
    assert by_name == by_number
    assert by_name.days == frozenset({0, 1})
    assert len({by_name, by_number}) == 1


def test_calendar_for_rep_uses_team_values_unless_the_rep_overrides(
    contract: VersionedContract,
) -> None:
    budi = calendar_for_rep(contract, "budi")
    assert (budi.timezone, budi.start, budi.end, budi.holidays_country) == (
        "Asia/Jakarta",
        time(9),
        time(17),
        "ID",
    )
    wei = calendar_for_rep(contract.contract, "wei")
    assert (wei.timezone, wei.holidays_country) == ("Asia/Singapore", "SG")
    lena = calendar_for_rep(contract, "lena")
    assert (lena.timezone, lena.start, lena.holidays_country) == (
        "America/Los_Angeles",
        time(8, 30),
        "US",
    )


def test_rep_working_hours_and_absences_override(contract: VersionedContract) -> None:
    team, rep = contract.contract.rep("budi")
    hours = team.working_hours.model_copy(
        update={"start": time(7), "end": time(15), "days": ["mon", "tue", "fri"]}
    )
    rep2 = rep.model_copy(
        update={
            "working_hours": hours,
            "out_of_office": [Absence(start=date(2026, 11, 9), end=date(2026, 11, 9))],
        }
    )
    team2 = team.model_copy(update={"reps": [rep2]})
    changed = contract.contract.model_copy(update={"teams": [team2]})
    cal = calendar_for_rep(changed, "budi")
    assert (cal.start, cal.end, cal.days) == (time(7), time(15), frozenset({0, 1, 4}))
    assert cal.absences == ((date(2026, 11, 9), date(2026, 11, 9)),)
    # Friday 14:00 + 2h: Friday ends at 15:00, Monday is out of office -> Tuesday 08:00
    assert cal.add_business_hours(at(JAKARTA, 2026, 11, 6, 14), 2) == at(JAKARTA, 2026, 11, 10, 8)


def test_calendar_for_team_uses_the_managers_zone(contract: VersionedContract) -> None:
    amer = calendar_for_team(contract, "sdr-amer")
    assert (amer.timezone, amer.start, amer.holidays_country) == (
        "America/New_York",
        time(8, 30),
        "US",
    )
    team = contract.contract.team("sdr-amer").model_copy(update={"timezone": "America/Chicago"})
    changed = contract.contract.model_copy(update={"teams": [team]})
    assert calendar_for_team(changed, "sdr-amer").timezone == "America/Chicago"


def test_unknown_rep_or_team_is_not_found(contract: VersionedContract) -> None:
    with pytest.raises(NotFound, match="no rep 'nobody'"):
        calendar_for_rep(contract, "nobody")
    with pytest.raises(NotFound, match="no team 'nowhere'"):
        calendar_for_team(contract, "nowhere")


def test_long_deadline_walks_days_not_minutes() -> None:
    # 2000 business hours = 250 eight-hour days; must land on an opening-hour boundary math
    start = at(JAKARTA, 2026, 1, 5, 9)
    deadline = jakarta().add_business_hours(start, 2000)
    assert jakarta().business_hours_between(start, deadline) == pytest.approx(2000, abs=1e-9)
    assert deadline - start > timedelta(days=350)
