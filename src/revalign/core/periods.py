"""Reporting periods by name: "2027Q1" (quarter), "2027-01" (month), "2027" (year)."""

from __future__ import annotations

import re
from datetime import UTC, datetime


def period_bounds(period: str) -> tuple[datetime, datetime] | None:
    """[start, end) of "2027Q1", "2027-01" or "2027"; None when not a period (also for a
    year that a datetime cannot hold: "0000", or a period ending after 9999)."""
    try:
        return _bounds(period)
    except (ValueError, OverflowError):
        return None


def _bounds(period: str) -> tuple[datetime, datetime] | None:
    if m := re.fullmatch(r"(\d{4})Q([1-4])", period):
        year, q = int(m[1]), int(m[2])
        start = datetime(year, 3 * q - 2, 1, tzinfo=UTC)
        end = datetime(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1, tzinfo=UTC)
        return start, end
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            return None
        end = datetime(year + (month == 12), 1 if month == 12 else month + 1, 1, tzinfo=UTC)
        return datetime(year, month, 1, tzinfo=UTC), end
    if re.fullmatch(r"\d{4}", period):
        return datetime(int(period), 1, 1, tzinfo=UTC), datetime(int(period) + 1, 1, 1, tzinfo=UTC)
    return None


def quarter_of(at: datetime) -> str:
    """The quarter name ("2026Q4") of a moment."""
    return f"{at.year:04d}Q{(at.month - 1) // 3 + 1}"  # 4 digits: year 999 is "0999Q1"


def previous_quarter(quarter: str) -> str:
    """ "2027Q1" -> "2026Q4"."""
    year, q = int(quarter[:4]), int(quarter[5])
    return f"{year - 1:04d}Q4" if q == 1 else f"{year:04d}Q{q - 1}"


def parse_period(text: str) -> str:
    """A period name as given, upper-cased ("2027q1" -> "2027Q1"); ValueError when not one."""
    name = text.strip().upper()
    if period_bounds(name) is None:
        raise ValueError(f"{text!r} is not a period (use 2027Q1, 2027-01 or 2027)")
    return name
