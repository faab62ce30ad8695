"""Business hours of one rep or team: the time base of every SLA clock.

A calendar is open on its working days between `start` and `end` local wall time, except on
public holidays of its country and on out-of-office days. All arithmetic is done on UTC
instants of each day's local opening and closing, so a deadline that crosses a DST change
lands on the right local wall time. Deadlines walk whole days, never minutes.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from revalign.contract.schema import Contract, VersionedContract
from revalign.errors import NotFound

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ONE_DAY = timedelta(days=1)
_ONE_HOUR = timedelta(hours=1)
# A calendar closed this many days in a row never opens again (e.g. a 30-year absence).
_MAX_CLOSED_DAYS = 366 * 10


@lru_cache(maxsize=1024)
def holiday_dates(country: str, year: int) -> frozenset[date]:
    """Public holidays of `country` (ISO code) in `year`: fixed data, cached per pair."""
    import holidays

    return frozenset(holidays.country_holidays(country, years=year).keys())


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours in a time zone, minus holidays and absences (inclusive date ranges).

    `days` takes weekday numbers (0 = Monday) or names ("mon" ... "sun").
    """

    timezone: str
    start: time
    end: time
    days: Collection[int | str] = (0, 1, 2, 3, 4)
    holidays_country: str | None = None
    absences: Sequence[tuple[date, date]] = ()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _weekdays: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("working hours are local wall times: give naive times")
        if self.end <= self.start:
            raise ValueError(f"end {self.end:%H:%M} must be after start {self.start:%H:%M}")
        weekdays = frozenset(_weekday(d) for d in self.days)
        if not weekdays:
            raise ValueError("a calendar needs at least one working day")
        object.__setattr__(self, "_zone", ZoneInfo(self.timezone))
        object.__setattr__(self, "_weekdays", weekdays)
        object.__setattr__(self, "days", weekdays)  # normalised, and hashable
        object.__setattr__(self, "absences", tuple(sorted(self.absences)))

    def is_open_day(self, day: date) -> bool:
        """A working day that is neither a public holiday nor out of office."""
        if day.weekday() not in self._weekdays:
            return False
        if self.holidays_country and day in holiday_dates(self.holidays_country, day.year):
            return False
        return not any(first <= day <= last for first, last in self.absences)

    def is_open(self, t: datetime) -> bool:
        """Whether the instant `t` falls in business hours."""
        local_day = _aware(t).astimezone(self._zone).date()
        if not self.is_open_day(local_day):
            return False
        opens, closes = self._window(local_day)
        return opens <= t < closes

    def next_open(self, t: datetime) -> datetime:
        """`t` if open, else the next opening (UTC): when a business-hours clock starts."""
        return self._walk(_aware(t).astimezone(UTC), None)

    def add_business_hours(self, start_utc: datetime, hours: float) -> datetime:
        """The instant (UTC) when `hours` of business time have passed since `start_utc`.

        Zero hours (under a microsecond) gives `start_utc` itself; a deadline ending exactly
        at closing time stays at closing time rather than moving to the next morning.
        """
        if not math.isfinite(hours) or hours < 0:
            raise ValueError(f"hours must be a finite number >= 0, got {hours}")
        start = _aware(start_utc).astimezone(UTC)
        remaining = timedelta(hours=hours)  # microsecond resolution, like datetime itself
        return start if not remaining else self._walk(start, remaining)

    def business_hours_between(self, a_utc: datetime, b_utc: datetime) -> float:
        """Business hours from `a_utc` to `b_utc`; negative when `b_utc` is earlier."""
        a, b = _aware(a_utc), _aware(b_utc)
        if b < a:
            return -self.business_hours_between(b, a)
        total = timedelta(0)
        day = a.astimezone(self._zone).date()
        last = b.astimezone(self._zone).date()
        while day <= last:
            if self.is_open_day(day):
                opens, closes = self._window(day)
                low, high = max(opens, a), min(closes, b)
                if high > low:
                    total += high - low
            day += _ONE_DAY
        return total / _ONE_HOUR

    def _walk(self, start: datetime, remaining: timedelta | None) -> datetime:
        """Spend `remaining` open time from `start`, a day at a time (None: the next opening)."""
        day = start.astimezone(self._zone).date()
        closed_days = 0
        while closed_days < _MAX_CLOSED_DAYS:
            closed_days += 1
            if self.is_open_day(day):
                opens, closes = self._window(day)
                begin = max(opens, start)
                if begin < closes:
                    if remaining is None:
                        return begin
                    available = closes - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
                    closed_days = 0
            day += _ONE_DAY
        raise ValueError(f"calendar {self.timezone} has no business hours for 10 years")

    def _window(self, day: date) -> tuple[datetime, datetime]:
        """The day's opening and closing as UTC instants (wall times resolved per day)."""
        opens = datetime.combine(day, self.start, self._zone).astimezone(UTC)
        closes = datetime.combine(day, self.end, self._zone).astimezone(UTC)
        return opens, closes


def calendar_for_rep(contract: Contract | VersionedContract, rep_id: str) -> BusinessCalendar:
    """The rep's calendar: their own hours and holidays, else their team's; plus absences."""
    plain = contract.contract if isinstance(contract, VersionedContract) else contract
    try:
        team, rep = plain.rep(rep_id)
    except KeyError:
        raise NotFound(f"no rep {rep_id!r} in the contract") from None
    hours = rep.working_hours or team.working_hours
    return BusinessCalendar(
        timezone=rep.timezone,
        start=hours.start,
        end=hours.end,
        days=hours.days,
        holidays_country=rep.holidays_country or team.holidays_country,
        absences=[(a.start, a.end) for a in rep.out_of_office],
    )


def calendar_for_team(contract: Contract | VersionedContract, team_id: str) -> BusinessCalendar:
    """The team's calendar: the team's zone, else its manager's, else its first rep's, or UTC."""
    plain = contract.contract if isinstance(contract, VersionedContract) else contract
    try:
        team = plain.team(team_id)
    except KeyError:
        raise NotFound(f"no team {team_id!r} in the contract") from None
    zones = {rep.id: rep.timezone for rep in team.reps}
    zone = team.timezone or zones.get(team.manager or "") or next(iter(zones.values()), "UTC")
    hours = team.working_hours
    return BusinessCalendar(zone, hours.start, hours.end, hours.days, team.holidays_country)


def calendar_for_owner(contract: Contract, owner: str) -> BusinessCalendar:
    """A clock owner's calendar: a rep's own; a non-rep (a team id, "system") gets the team it
    names, else the fallback team's, so an SLA clock never fails to start."""
    try:
        contract.rep(owner)
    except KeyError:
        for team in contract.teams:
            if owner == team.id:
                return calendar_for_team(contract, team.id)
        return calendar_for_team(contract, contract.routing.fallback_team)
    return calendar_for_rep(contract, owner)


def _weekday(value: int | str) -> int:
    if isinstance(value, int) and 0 <= value <= 6:
        return value
    if isinstance(value, str) and value[:3].lower() in WEEKDAY_NAMES:
        return WEEKDAY_NAMES.index(value[:3].lower())
    raise ValueError(f"unknown weekday {value!r}: use 0-6 (0 = Monday) or mon ... sun")


def _aware(t: datetime) -> datetime:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"datetime {t.isoformat()} has no time zone; pass UTC-aware instants")
    return t
