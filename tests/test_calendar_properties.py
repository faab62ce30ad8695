"""Invariants of business-hours arithmetic, over random calendars, instants and durations."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from revalign.core.calendar import BusinessCalendar

ZONES = [
    "Asia/Jakarta",
    "America/New_York",
    "Europe/London",
    "Australia/Sydney",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "UTC",
]
HOLIDAYS = [None, "ID", "US", "GB", "AU"]


@st.composite
def calendars(draw: st.DrawFn) -> BusinessCalendar:
    start_minute = draw(st.integers(0, 22 * 60))
    end_minute = draw(st.integers(start_minute + 15, 24 * 60 - 1))
    days = draw(st.sets(st.integers(0, 6), min_size=1))
    absences = []
    for _ in range(draw(st.integers(0, 2))):
        first = draw(st.dates(date(2025, 1, 1), date(2027, 12, 31)))
        absences.append((first, first + timedelta(days=draw(st.integers(0, 20)))))
    return BusinessCalendar(
        timezone=draw(st.sampled_from(ZONES)),
        start=time(start_minute // 60, start_minute % 60),
        end=time(end_minute // 60, end_minute % 60),
        days=days,
        holidays_country=draw(st.sampled_from(HOLIDAYS)),
        absences=absences,
    )


instants = st.datetimes(datetime(2025, 1, 1), datetime(2027, 12, 31), timezones=st.just(UTC))
durations = st.floats(0, 300, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(calendars(), instants, durations)
def test_hours_between_start_and_deadline_are_the_hours_added(
    cal: BusinessCalendar, start: datetime, hours: float
) -> None:
    deadline = cal.add_business_hours(start, hours)
    assert deadline >= start
    assert abs(cal.business_hours_between(start, deadline) - hours) <= 1e-6


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, durations, durations)
def test_deadline_is_monotonic_in_hours(
    cal: BusinessCalendar, start: datetime, h1: float, h2: float
) -> None:
    low, high = sorted((h1, h2))
    assert cal.add_business_hours(start, low) <= cal.add_business_hours(start, high)


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, durations, durations)
def test_adding_in_two_steps_is_adding_once(
    cal: BusinessCalendar, start: datetime, h1: float, h2: float
) -> None:
    once = cal.add_business_hours(start, h1 + h2)
    twice = cal.add_business_hours(cal.add_business_hours(start, h1), h2)
    assert abs(once - twice) <= timedelta(microseconds=2)  # each step rounds to a microsecond


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, instants, instants)
def test_hours_between_adds_up_and_is_antisymmetric(
    cal: BusinessCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    ab, bc, ac = (cal.business_hours_between(x, y) for x, y in ((a, b), (b, c), (a, c)))
    assert abs(ab + bc - ac) <= 1e-6
    assert cal.business_hours_between(b, a) == -ab
    assert 0 <= abs(ab) <= abs((b - a).total_seconds()) / 3600 + 1e-9


@settings(max_examples=200, deadline=None)
@given(calendars(), instants, st.floats(0.01, 300))
def test_the_last_moment_before_a_deadline_is_business_time(
    cal: BusinessCalendar, start: datetime, hours: float
) -> None:
    deadline = cal.add_business_hours(start, hours)
    assert cal.is_open(deadline - timedelta(microseconds=1))
