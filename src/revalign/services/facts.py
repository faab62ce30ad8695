"""Submit one human fact: build it, validate it, stamp the caller, hand it to the engine.

Each fact is one source event (source "cli"/"api", a fresh uuid4 source id) checked against
its payload model and the funnel rules on the engine's current state; a refusal reaches the
user as `IllegalTransition` / `NotFound` / `InputError`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from revalign.auth.caller import LOCAL_ADMIN, Caller
from revalign.core.events import Event, EventType
from revalign.core.lifecycle import validate
from revalign.core.state import FunnelState, LeadState
from revalign.errors import IllegalTransition, NotFound
from revalign.services.audit import stamped

if TYPE_CHECKING:
    from revalign.engine import Engine

SOURCE_CLI = "cli"


def source_of(caller: Caller) -> str:
    """The event source of a caller's facts: "api" for API requests, "cli" otherwise."""
    return "api" if caller.request_id is not None else SOURCE_CLI


def submit_fact(
    engine: Engine,
    type: EventType,
    payload: Mapping[str, Any],
    *,
    caller: Caller = LOCAL_ADMIN,
    lead_id: str | None = None,
    opportunity_id: str | None = None,
    at: datetime | None = None,
    source: str | None = None,
) -> Event:
    """Validate and submit one human fact; raises a UserError when the funnel refuses it."""
    from revalign.core.payloads import validate_payload  # ~0.1 s of models: not for reads

    state = engine.state
    lead = state.leads.get(lead_id) if lead_id else None
    event = Event(
        type=type,
        source=source or source_of(caller),
        source_id=str(uuid.uuid4()),
        occurred_at=at or datetime.now(UTC),
        lead_id=lead_id,
        account_id=lead.account_id if lead else None,
        opportunity_id=opportunity_id,
        payload=stamped(validate_payload(type, payload), caller),
        contract_version=engine.contract.version,
    )
    validate(state, event, engine.contract.contract)
    engine.submit([event])
    refused = engine.state.refused.get(event.id)
    if refused is not None:  # another writer changed the lead meanwhile
        raise IllegalTransition(refused)
    return event


def find_lead(state: FunnelState, lead_id: str) -> LeadState:
    lead = state.leads.get(lead_id)
    if lead is None:
        raise NotFound(f"no lead {lead_id!r}")
    return lead


def clean(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if v is not None}
