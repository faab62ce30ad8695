"""Team facts that belong to no single lead: capacity notices, forecasts, survey answers,
campaign costs. Each checks its permission, validates, stamps the caller and submits."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from revalign.auth.caller import Caller
from revalign.auth.permissions import Action, require
from revalign.auth.roles import Role
from revalign.core.events import EventType
from revalign.core.periods import period_bounds
from revalign.errors import Forbidden, InputError
from revalign.services.facts import clean, submit_fact
from revalign.services.leads import acting_as
from revalign.services.views import FactView

if TYPE_CHECKING:
    from revalign.engine import Engine


def _fact(engine: Engine, caller: Caller, type: EventType, payload: Mapping[str, Any],
          at: datetime | None) -> FactView:  # fmt: skip
    event = submit_fact(engine, type, clean(payload), caller=caller, at=at)
    return FactView(
        event_id=event.id,
        type=event.type.value,
        source=event.source,
        source_id=event.source_id,
        occurred_at=event.occurred_at,
        refused=engine.state.refused.get(event.id),
    )


def capacity_notice(engine: Engine, caller: Caller, team: str, capacity: int,
                    effective_from: date, *, rep: str | None = None,
                    effective_to: date | None = None, reason: str | None = None,
                    at: datetime | None = None) -> FactView:  # fmt: skip
    """Announce a capacity change (a manager only for their own team)."""
    require(caller, Action.CAPACITY_WRITE)
    if caller.role == Role.SALES_MANAGER and team != caller.team:
        raise Forbidden(f"{caller.name} manages team {caller.team}, not {team!r}")
    if all(t.id != team for t in engine.contract.contract.teams):
        raise InputError(f"team {team!r} is not a team of the contract")
    payload = {"team": team, "rep": rep, "capacity": capacity, "effective_from": effective_from,
               "effective_to": effective_to, "reason": reason}  # fmt: skip
    return _fact(engine, caller, EventType.CAPACITY_NOTICE, payload, at)


def forecast(engine: Engine, caller: Caller, period: str, amount: Decimal | str, *,
             category: str = "commit", by: str | None = None, currency: str | None = None,
             at: datetime | None = None) -> FactView:  # fmt: skip
    """Record a forecast for a period (a rep only their own)."""
    require(caller, Action.FORECAST_WRITE)
    check_period(period)
    payload = {"period": period, "amount": amount, "by": acting_as(caller, by),
               "currency": (currency or engine.contract.contract.currency).upper(),
               "category": category}  # fmt: skip
    return _fact(engine, caller, EventType.FORECAST_SUBMITTED, payload, at)


def check_period(period: str, what: str = "period") -> None:
    """A period every report can place: 2027Q1, 2027-01 or 2027, years 1900-2999."""
    year = period[:4]
    try:
        known = period_bounds(period) is not None and 1900 <= int(year) <= 2999
    except ValueError:
        known = False
    if not known:
        raise InputError(f"{what} {period!r}: use 2027Q1, 2027-01 or 2027 (years 1900-2999)")


def survey_answer(engine: Engine, caller: Caller, team: str, about: str, score: int, *,
                  comment: str | None = None, respondent: str | None = None,
                  at: datetime | None = None) -> FactView:  # fmt: skip
    """A cross-team NPS answer (0-10) of one team about the other."""
    require(caller, Action.SURVEY_WRITE)
    payload = {"team": team, "about": about, "score": score, "comment": comment,
               "respondent": respondent or caller.name}  # fmt: skip
    return _fact(engine, caller, EventType.SURVEY_RESPONSE, payload, at)


def campaign_cost(engine: Engine, caller: Caller, campaign: str, channel: str,
                  amount: Decimal | str, period_start: date, period_end: date, *,
                  currency: str | None = None, at: datetime | None = None) -> FactView:  # fmt: skip
    """What a campaign cost over a period (marketing, revops, admin)."""
    require(caller, Action.COST_WRITE)
    if period_end < period_start:
        raise InputError("period_end is before period_start")
    payload = {"campaign": campaign, "channel": channel, "amount": amount,
               "currency": (currency or engine.contract.contract.currency).upper(),
               "period_start": period_start, "period_end": period_end}  # fmt: skip
    return _fact(engine, caller, EventType.CAMPAIGN_COST, payload, at)
