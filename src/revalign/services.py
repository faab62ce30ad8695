"""The lead verbs the CLI and the API call: build the human fact, validate it, submit it.

Each verb builds one source event (source "cli" unless told, a fresh uuid4 source id),
checks its payload and the funnel rules against the engine's current state — raising
`IllegalTransition` / `NotFound` / `InputError` to the user — and submits it. It returns
`lead_show` of the lead afterwards, so the caller sees the new stage, owner and clocks.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from revalign.core.events import Event, EventType
from revalign.core.explain import score_at
from revalign.core.lifecycle import validate
from revalign.core.payloads import validate_payload
from revalign.core.qualification import cadence_shortfall, cadence_touches
from revalign.core.rescore import high_intent
from revalign.core.state import FunnelState, LeadState
from revalign.errors import IllegalTransition, NotFound

if TYPE_CHECKING:
    from revalign.engine import Engine

SOURCE_CLI = "cli"


def submit_fact(
    engine: Engine,
    type: EventType,
    payload: Mapping[str, Any],
    *,
    lead_id: str | None = None,
    opportunity_id: str | None = None,
    at: datetime | None = None,
    source: str = SOURCE_CLI,
) -> Event:
    """Validate and submit one human fact; raises a UserError when the funnel refuses it."""
    state = engine.state
    lead = state.leads.get(lead_id) if lead_id else None
    event = Event(
        type=type,
        source=source,
        source_id=str(uuid.uuid4()),
        occurred_at=at or datetime.now(UTC),
        lead_id=lead_id,
        account_id=lead.account_id if lead else None,
        opportunity_id=opportunity_id,
        payload=validate_payload(type, payload),
        contract_version=engine.contract.version,
    )
    validate(state, event, engine.contract.contract)
    engine.submit([event])
    refused = engine.state.refused.get(event.id)
    if refused is not None:  # another writer changed the lead meanwhile
        raise IllegalTransition(refused)
    return event


def _lead(state: FunnelState, lead_id: str) -> LeadState:
    lead = state.leads.get(lead_id)
    if lead is None:
        raise NotFound(f"no lead {lead_id!r}")
    return lead


def lead_show(engine: Engine, lead_id: str, at: datetime | None = None) -> dict[str, Any]:
    """The lead as JSON-ready data: fields, stage, owner, score, history, clocks, cadence."""
    contract = engine.contract.contract
    record = engine.lead_record(lead_id)  # from the projections when they are current
    if record is None:
        raise NotFound(f"no lead {lead_id!r}")
    lead, clocks, opp = record.lead, record.clocks, record.opportunity
    now = at or datetime.now(UTC)
    missing_touches, missing_days = cadence_shortfall(lead, contract, now)
    return {
        "lead_id": lead.lead_id,
        "email": lead.email,
        "name": " ".join(x for x in (lead.first_name, lead.last_name) if x) or None,
        "title": lead.title,
        "company": lead.company,
        "country": lead.country,
        "source": lead.source,
        "stage": lead.stage.value,
        "stage_at": lead.stage_at,
        # the score at `now`, computed as `explain` computes it (decay to the same moment)
        "score": score_at(lead, engine.contract, now),
        "score_at": now,
        "score_recorded": lead.score,  # as of the last rescoring event
        "high_intent": lead.high_intent or high_intent(lead, engine.contract, now),
        "owner": lead.owner,
        "team": lead.team,
        "reason": lead.reason,
        "reengage_on": lead.reengage_on,
        "touches": len(lead.touches),
        "cadence": {
            "touches": len(cadence_touches(lead, contract, now)),
            "touches_missing": missing_touches,
            "days_missing": missing_days,
        },
        "opportunity": opp.opportunity_id if opp else None,
        "history": [{"stage": t.stage.value, "at": t.at, "reason": t.reason} for t in lead.history],
        "clocks": [
            {
                "sla": c.sla,
                "owner": c.owner,
                "side": c.owner_side,
                "started_at": c.started_at,
                "due_at": c.due_at,
                "stopped_at": c.stopped_at,
                "met": c.met,
                "breached": c.breached,
            }
            for c in clocks
        ],
    }


def accept(
    engine: Engine,
    lead_id: str,
    by: str,
    owner: str | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    payload = {"by": by, "owner": owner, "note": note}
    submit_fact(engine, EventType.SAL_ACCEPTED, _clean(payload), lead_id=lead_id, at=at)
    return lead_show(engine, lead_id, at)


def reject(
    engine: Engine,
    lead_id: str,
    by: str,
    reason: str,
    note: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    payload = _clean({"by": by, "reason": reason, "note": note})
    submit_fact(engine, EventType.SAL_REJECTED, payload, lead_id=lead_id, at=at)
    return lead_show(engine, lead_id, at)


def qualify(
    engine: Engine,
    lead_id: str,
    by: str,
    fields: Mapping[str, Any],
    framework: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    chosen = framework or engine.contract.contract.qualification.framework
    payload = {"by": by, "framework": chosen, "fields": dict(fields)}
    submit_fact(engine, EventType.SQL_QUALIFIED, payload, lead_id=lead_id, at=at)
    return lead_show(engine, lead_id, at)


def touch(
    engine: Engine,
    lead_id: str,
    by: str,
    kind: str,
    outcome: str | None = None,
    note: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    payload = _clean({"by": by, "kind": kind, "outcome": outcome, "note": note})
    submit_fact(engine, EventType.REP_TOUCH, payload, lead_id=lead_id, at=at)
    return lead_show(engine, lead_id, at)


def disqualify(
    engine: Engine,
    lead_id: str,
    by: str,
    reason: str,
    note: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    payload = _clean({"by": by, "reason": reason, "note": note})
    submit_fact(engine, EventType.DISQUALIFIED, payload, lead_id=lead_id, at=at)
    return lead_show(engine, lead_id, at)


def recycle(
    engine: Engine,
    lead_id: str,
    by: str,
    reason: str,
    reengage_on: date | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    when = at or datetime.now(UTC)
    days = engine.contract.contract.qualification.recycle_after_days
    payload = {
        "by": by,
        "reason": reason,
        "reengage_on": reengage_on or when.date() + timedelta(days),
    }
    submit_fact(engine, EventType.RECYCLED, payload, lead_id=lead_id, at=when)
    return lead_show(engine, lead_id, when)


def create_opportunity(
    engine: Engine,
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
) -> dict[str, Any]:
    lead = _lead(engine.state, lead_id)
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
    opp_id = opportunity_id or f"OPP-{lead_id}"
    submit_fact(
        engine,
        EventType.OPPORTUNITY_CREATED,
        _clean(payload),
        lead_id=lead_id,
        opportunity_id=opp_id,
        at=at,
    )
    return lead_show(engine, lead_id, at)


def _close(
    engine: Engine,
    type: EventType,
    opportunity_id: str,
    amount: Decimal | str | None,
    reason: str | None,
    at: datetime | None,
) -> dict[str, Any]:
    opp = engine.state.opportunities.get(opportunity_id)
    if opp is None:
        raise NotFound(f"no opportunity {opportunity_id!r}")
    payload: dict[str, Any] = {"amount": amount if amount is not None else opp.amount}
    payload.update(currency=opp.currency, reason=reason)
    submit_fact(
        engine, type, _clean(payload), lead_id=opp.lead_id, opportunity_id=opportunity_id, at=at
    )
    closed = engine.state.opportunities[opportunity_id]
    return {
        "opportunity_id": closed.opportunity_id,
        "lead_id": closed.lead_id,
        "stage": closed.stage,
        "amount": closed.amount,
        "currency": closed.currency,
        "won": closed.won,
        "reason": closed.reason,
    }


def close_won(
    engine: Engine,
    opportunity_id: str,
    amount: Decimal | str | None = None,
    reason: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    return _close(engine, EventType.OPPORTUNITY_WON, opportunity_id, amount, reason, at)


def close_lost(
    engine: Engine,
    opportunity_id: str,
    reason: str,
    amount: Decimal | str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    return _close(engine, EventType.OPPORTUNITY_LOST, opportunity_id, amount, reason, at)


def _clean(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if v is not None}
