"""Opportunity verbs: create (from an SQL), change stage, close won or lost.

A rep works only the opportunities of their own leads (or that they own); a sales manager
their team's; the permission is `opportunity.write`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from revalign.auth.caller import Caller
from revalign.auth.permissions import Action, can_see_lead, require
from revalign.auth.roles import Role
from revalign.core.events import EventType
from revalign.core.state import OpportunityState
from revalign.errors import NotFound
from revalign.services.facts import clean, find_lead, submit_fact
from revalign.services.leads import lead_view, visible_lead
from revalign.services.views import LeadView, OpportunityView

if TYPE_CHECKING:
    from revalign.engine import Engine


def visible_opportunity(engine: Engine, caller: Caller, opportunity_id: str) -> OpportunityState:
    """The opportunity if the caller may work it; NotFound otherwise."""
    require(caller, Action.OPPORTUNITY_WRITE)
    state = engine.state
    opp = state.opportunities.get(opportunity_id)
    if opp is None:
        raise NotFound(f"no opportunity {opportunity_id!r}")
    lead = state.leads.get(opp.lead_id or "")
    seen = lead is not None and can_see_lead(caller, lead)
    if caller.role == Role.REP:
        seen = seen or opp.owner == caller.rep_id
    elif caller.role != Role.SALES_MANAGER:
        seen = True
    if not seen:
        raise NotFound(f"no opportunity {opportunity_id!r}")
    return opp


def opportunity_view(opp: OpportunityState) -> OpportunityView:
    return OpportunityView(
        opportunity_id=opp.opportunity_id,
        lead_id=opp.lead_id,
        stage=opp.stage,
        amount=opp.amount,
        currency=opp.currency,
        won=opp.won,
        reason=opp.reason,
    )


def create(
    engine: Engine,
    caller: Caller,
    lead_id: str,
    amount: Decimal | str,
    *,
    opportunity_id: str | None = None,
    currency: str | None = None,
    decision_process: str | None = None,
    stakeholders: list[str] | None = None,
    decision_date: date | None = None,
    expected_close: date | None = None,
    name: str | None = None,
    owner: str | None = None,
    at: datetime | None = None,
) -> LeadView:
    """Open the opportunity of an SQL; returns the lead afterwards."""
    require(caller, Action.OPPORTUNITY_WRITE)
    lead = visible_lead(engine, caller, lead_id)
    payload = {
        "name": name,
        "amount": amount,
        "currency": currency or engine.contract.contract.currency,
        "decision_process": decision_process,
        "stakeholders": stakeholders or [],
        "decision_date": decision_date,
        "expected_close": expected_close or decision_date,
        "owner": owner or lead.owner,
    }
    submit_fact(engine, EventType.OPPORTUNITY_CREATED, clean(payload), caller=caller,
                lead_id=lead_id, opportunity_id=opportunity_id or f"OPP-{lead_id}",
                at=at)  # fmt: skip
    return lead_view(engine, find_lead(engine.state, lead_id), at)


def _submit(engine: Engine, caller: Caller, type: EventType, opp: OpportunityState,
            payload: dict[str, Any], at: datetime | None) -> OpportunityView:  # fmt: skip
    submit_fact(engine, type, clean(payload), caller=caller, lead_id=opp.lead_id,
                opportunity_id=opp.opportunity_id, at=at)  # fmt: skip
    return opportunity_view(engine.state.opportunities[opp.opportunity_id])


def change_stage(engine: Engine, caller: Caller, opportunity_id: str, stage: str,
                 amount: Decimal | str | None = None, expected_close: date | None = None,
                 at: datetime | None = None) -> OpportunityView:  # fmt: skip
    """Move an open opportunity to another sales stage."""
    opp = visible_opportunity(engine, caller, opportunity_id)
    payload = {"stage": stage, "amount": amount, "expected_close": expected_close}
    return _submit(engine, caller, EventType.OPPORTUNITY_STAGE_CHANGED, opp, payload, at)


def close_won(engine: Engine, caller: Caller, opportunity_id: str,
              amount: Decimal | str | None = None, reason: str | None = None,
              at: datetime | None = None) -> OpportunityView:  # fmt: skip
    """Close an opportunity won (amount default: its current amount)."""
    opp = visible_opportunity(engine, caller, opportunity_id)
    payload = {"amount": amount if amount is not None else opp.amount,
               "currency": opp.currency, "reason": reason}  # fmt: skip
    return _submit(engine, caller, EventType.OPPORTUNITY_WON, opp, payload, at)


def close_lost(engine: Engine, caller: Caller, opportunity_id: str, reason: str,
               amount: Decimal | str | None = None,
               at: datetime | None = None) -> OpportunityView:  # fmt: skip
    """Close an opportunity lost, with a reason from the contract."""
    opp = visible_opportunity(engine, caller, opportunity_id)
    payload = {"amount": amount if amount is not None else opp.amount,
               "currency": opp.currency, "reason": reason}  # fmt: skip
    return _submit(engine, caller, EventType.OPPORTUNITY_LOST, opp, payload, at)
