"""The lifecycle's view of business calendars (`revalign.core.calendar`).

A clock owner that is not a rep of the contract (a team id, "system") gets the calendar
of the team it names, else of the fallback team, so an SLA clock never fails to start.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from revalign.contract.schema import Contract
from revalign.core import calendar


class BusinessCalendar(Protocol):
    def add_business_hours(self, start_utc: datetime, hours: float) -> datetime: ...

    def business_hours_between(self, a_utc: datetime, b_utc: datetime) -> float: ...


def for_rep(contract: Contract, rep_id: str) -> BusinessCalendar:
    """The rep's calendar (own hours, holidays, out-of-office); a non-rep: see module doc."""
    try:
        contract.rep(rep_id)
    except KeyError:
        for team in contract.teams:
            if rep_id == team.id:
                return for_team(contract, team.id)
        return for_team(contract, contract.routing.fallback_team)
    return calendar.calendar_for_rep(contract, rep_id)


def for_team(contract: Contract, team_id: str) -> BusinessCalendar:
    return calendar.calendar_for_team(contract, team_id)
