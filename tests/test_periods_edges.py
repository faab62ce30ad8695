"""Period names never crash on odd years: a non-period is None, a quarter name round-trips."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from revalign.core.periods import period_bounds, previous_quarter, quarter_of


@given(st.from_regex(r"\d{4}(Q[0-9]|-\d{2})?", fullmatch=True))
def test_any_period_shaped_text_gives_bounds_or_none(text: str) -> None:
    bounds = period_bounds(text)
    assert bounds is None or bounds[0] < bounds[1]


def test_years_a_datetime_cannot_hold_are_not_periods() -> None:
    assert period_bounds("0000") is None
    assert period_bounds("0000Q1") is None
    assert period_bounds("9999Q4") is None  # would end in year 10000
    assert period_bounds("9999Q3") is not None


@given(st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9998, 12, 31)))
def test_the_quarter_of_a_moment_holds_it(at: datetime) -> None:
    moment = at.replace(tzinfo=UTC)
    bounds = period_bounds(quarter_of(moment))
    assert bounds is not None and bounds[0] <= moment < bounds[1]
    assert period_bounds(previous_quarter(quarter_of(moment))) is not None or moment.year == 1
