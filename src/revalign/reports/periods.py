"""The period a report covers: an ISO week, a month, a quarter or a year, by name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from revalign.analytics.sla_facts import parse_week, week_of
from revalign.core.periods import period_bounds, quarter_of
from revalign.errors import InputError

Grain = Literal["week", "month", "quarter", "year"]


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, with its name ("2026-W48", "2026-11", "2026Q4", "2026")."""

    name: str
    start: datetime
    end: datetime
    grain: Grain

    def contains(self, at: datetime) -> bool:
        return self.start <= at < self.end

    def previous(self) -> Period:
        """The period of the same grain just before this one."""
        return period_of(self.start - timedelta(microseconds=1), self.grain)

    def following(self) -> Period:
        """The period of the same grain just after this one."""
        return period_of(self.end, self.grain)


def parse(text: str, option: str = "--period") -> Period:
    """ "2026-W48", "2026-11", "2026Q4" or "2026" as a Period; else a user error."""
    name = text.strip().upper()
    if "-W" in name:
        start, end = parse_week(name)
        return Period(week_of(start), start, end, "week")
    bounds = period_bounds(name)
    if bounds is None:
        raise InputError(
            f"{option} {text!r}: use a week (2026-W48), a month (2026-11), "
            "a quarter (2026Q4) or a year (2026)"
        )
    grain: Grain = "quarter" if "Q" in name else "month" if "-" in name else "year"
    return Period(name, bounds[0], bounds[1], grain)


def period_of(at: datetime, grain: Grain) -> Period:
    """The period of `grain` that holds the moment `at`."""
    at = at.astimezone(UTC)
    if grain == "week":
        return parse(week_of(at))
    if grain == "month":
        return parse(f"{at.year}-{at.month:02d}")
    if grain == "quarter":
        return parse(quarter_of(at))
    return parse(str(at.year))


# How long after a period ends its meeting is held: the default period is the latest whose
# end lies within this of the as-of moment (the week just ended, the month just ending, the
# quarter whose QBR is due).
_SLACK = {"week": timedelta(days=1), "month": timedelta(days=1),
          "quarter": timedelta(days=32), "year": timedelta(days=32)}  # fmt: skip


def resolve(text: str | None, as_of: datetime, grain: Grain) -> Period:
    """--period if given, else the latest period of `grain` that has ended by as-of (with
    the grain's slack: a QBR is prepared in the quarter's last month)."""
    if text:
        return parse(text)
    period = period_of(as_of, grain)
    while period.end > as_of + _SLACK[grain]:
        period = period.previous()
    return period
