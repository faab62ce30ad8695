"""The pure core's two functions: decide (what follows from an event) and evolve (fold).

    decide(state, event, contract, now) -> list[Event]   # no I/O, no clock reads
    evolve(state, event) -> None                         # apply one event to the state
    tick(state, contract, now) -> list[Event]            # breaches / escalations due by now

The engine calls, for each new ledger event in order: evolve(state, event), then
decide(state, event, ...), appends the derived events, and evolves them in turn.
A source fact the funnel refuses (see `lifecycle.validate`) makes decide return one
`engine.rejected` event instead of raising; folding that event undoes the fact.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from revalign.contract.schema import VersionedContract
from revalign.core import sla, sla_checks
from revalign.core.calendar import calendar_for_owner, calendar_for_team
from revalign.core.dedup import dedup
from revalign.core.escalation import escalations
from revalign.core.events import SOURCE_ENGINE, Event, EventType, derived
from revalign.core.evolve import UNDOABLE, evolve
from revalign.core.lifecycle import check
from revalign.core.reassign import reassign
from revalign.core.rescore import high_intent, rescore
from revalign.core.routing import route
from revalign.core.sla_catalog import SLAS
from revalign.core.state import Breach, Clock, FunnelState, LeadState
from revalign.errors import UserError

__all__ = ["decide", "evolve", "refusal", "tick"]

Decider = Callable[[FunnelState, Event, VersionedContract], list[Event]]


def decide(
    state: FunnelState, event: Event, contract: VersionedContract, now: datetime
) -> list[Event]:
    """Events that follow from `event` (already applied to `state`) under `contract`."""
    if event.source != SOURCE_ENGINE:
        reason = refusal(state, event, contract)
        if reason is not None:
            payload = {"rejected_id": event.id, "rejected_type": event.type.value}
            return [
                derived(
                    event,
                    EventType.EVENT_REJECTED,
                    payload={**payload, "reason": reason},
                    contract_version=contract.version,
                )
            ]
    decider = _DECIDERS.get(event.type)
    return decider(state, event, contract) if decider else []


def refusal(state: FunnelState, event: Event, contract: VersionedContract) -> str | None:
    """Why the funnel refuses the source fact `event` (already folded), or None."""
    undo = state.undo.get(event.id) if event.type in UNDOABLE else None
    if undo is not None:  # validate against the state before the fact
        lead, opp = undo.lead, undo.opportunity
    else:
        lead = state.leads.get(event.lead_id) if event.lead_id else None
        opp = state.opportunities.get(event.opportunity_id) if event.opportunity_id else None
    try:
        check(event, lead, opp, contract.contract)
    except UserError as exc:
        return str(exc)
    return None


def tick(state: FunnelState, contract: VersionedContract, now: datetime) -> list[Event]:
    """Events due by `now` with no new fact: SLA breaches of open clocks, escalations."""
    return sla.tick(state, contract, now)


def _rescore(state: FunnelState, event: Event, contract: VersionedContract) -> list[Event]:
    lead = state.leads.get(event.lead_id or "")
    return rescore(lead, event, contract) if lead is not None else []


def _on_capture(state: FunnelState, event: Event, contract: VersionedContract) -> list[Event]:
    """A new lead that is someone already known merges (the merge rescores the survivor)."""
    return dedup(state, event, contract) or _rescore(state, event, contract)


def _on_merged(state: FunnelState, event: Event, contract: VersionedContract) -> list[Event]:
    """Stop the duplicate's running clocks; score the survivor with both histories."""
    out: list[Event] = []
    for i, clock in enumerate(sla.open_clocks(state, event.lead_id or "")):
        out.extend(sla.stop(event, clock, contract, event.occurred_at, i))
    survivor = state.leads.get(str(event.payload.get("into", "")))
    return out + (rescore(survivor, event, contract) if survivor is not None else [])


def _on_mql(state: FunnelState, event: Event, contract: VersionedContract) -> list[Event]:
    lead = state.leads.get(event.lead_id or "")
    if lead is None:
        return []
    c, at = contract.contract, event.occurred_at
    a = route(state, lead, c, at)
    due = at + timedelta(minutes=c.slas.route_minutes)
    route_start = sla.start(event, contract, "route", "system", sla.SIDE_MARKETING, due, 0)
    route_clock = Clock(
        sla.clock_id(lead.lead_id, "route", event), "route", lead.lead_id, "system",
        sla.SIDE_MARKETING, at, due,
    )  # fmt: skip
    payload = {
        "owner": a.owner,
        "team": a.team,
        "rule": a.rule,
        "method": a.method,
        "reason": a.reason,
        "pool": a.pool,
        "day": a.day,
        "account": a.account.as_dict() if a.account else None,
        "trace": a.trace,
    }
    assigned = derived(
        event, EventType.LEAD_ASSIGNED, payload=payload, contract_version=contract.version
    )
    team = c.team(a.team)
    reviewer = team.manager or team.id
    review_due = calendar_for_team(c, team.id).add_business_hours(at, c.slas.sal_review_hours)
    hours = c.slas.sal_review_hours
    return [
        route_start,
        assigned,
        *sla.stop(event, route_clock, contract, at, 0),
        sla.start(event, contract, "sal_review", reviewer, sla.SIDE_SALES, review_due, 1, hours),
        *sla_checks.data_quality(event, lead, contract),
    ]


def _on_accept(state: FunnelState, event: Event, contract: VersionedContract) -> list[Event]:
    lead = state.leads.get(event.lead_id or "")
    if lead is None or lead.owner is None:
        return []
    c, at = contract.contract, event.occurred_at
    out = sla.stop_open(event, state, contract)
    high = lead.high_intent or high_intent(lead, contract, at)
    hours = c.slas.first_contact_high_intent_hours if high else c.slas.first_contact_standard_hours
    name = "first_contact_high_intent" if high else "first_contact_standard"
    due = calendar_for_owner(c, lead.owner).add_business_hours(at, hours)
    out.append(sla.start(event, contract, name, lead.owner, sla.SIDE_SALES, due, 0, hours))
    disposition_due = at + timedelta(days=c.slas.disposition_days)
    out.append(
        sla.start(event, contract, "disposition", lead.owner, sla.SIDE_SALES, disposition_due, 1)
    )
    return out


def _stop(state: FunnelState, event: Event, contract: VersionedContract) -> list[Event]:
    """Stop the lead's clocks that the SLA catalog says this event stops."""
    return sla.stop_open(event, state, contract)


def _on_close(state: FunnelState, event: Event, contract: VersionedContract) -> list[Event]:
    opp = state.opportunities.get(event.opportunity_id or "")
    lead: LeadState | None = state.leads.get(opp.lead_id or "") if opp else None
    if lead is None:
        return []
    return sla.stop_open(event, state, contract, lead.lead_id)


def _on_capacity(state: FunnelState, event: Event, contract: VersionedContract) -> list[Event]:
    return sla_checks.capacity_notice(state, event, contract)


def _on_breach(state: FunnelState, event: Event, contract: VersionedContract) -> list[Event]:
    p = event.payload
    b = Breach(
        str(p.get("clock_id")), str(p.get("sla")), str(p.get("owner")),
        str(p.get("owner_side")), event.occurred_at,
    )  # fmt: skip
    return [*escalations(state, contract, [b], in_state=True), *reassign(state, event, contract)]


_DECIDERS: Mapping[EventType, Decider] = {
    # every event that stops some SLA (see core.sla_catalog) stops the lead's clocks
    **{t: _stop for spec in SLAS for t in spec.stops_on},
    EventType.LEAD_CAPTURED: _on_capture,
    EventType.LEAD_MERGED: _on_merged,
    EventType.LEAD_UPDATED: _rescore,
    EventType.MARKETING_TOUCH: _rescore,
    EventType.MQL_REACHED: _on_mql,
    EventType.SAL_ACCEPTED: _on_accept,
    EventType.CAPACITY_NOTICE: _on_capacity,
    EventType.OPPORTUNITY_WON: _on_close,
    EventType.OPPORTUNITY_LOST: _on_close,
    EventType.SLA_BREACHED: _on_breach,
}
