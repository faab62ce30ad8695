"""Routing read models and verbs: the why-trace, account matches, the review queue, merges."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from revalign.core.accounts import match_account
from revalign.core.events import Event, EventType
from revalign.core.payloads import validate_payload
from revalign.errors import IllegalTransition, NotFound

if TYPE_CHECKING:
    from revalign.engine import Engine
    from revalign.ledger import SqlLedger


def route_explain(ledger: SqlLedger, lead_id: str) -> dict[str, Any]:
    """Every routing decision recorded for the lead (oldest first) with its trace."""
    from revalign.event_queries import EventFilter, list_events

    rows = list_events(ledger, EventFilter(type=EventType.LEAD_ASSIGNED.value, lead_id=lead_id))
    if not rows:
        raise NotFound(f"no routing decision for lead {lead_id!r}")
    decisions = []
    for row in rows:
        p = row["event"]["payload"]
        decisions.append({
            "at": row["occurred_at"], "owner": p.get("owner"), "team": p.get("team"),
            "rule": p.get("rule"), "method": p.get("method"), "reason": p.get("reason"),
            "hop": p.get("hop"), "previous_owner": p.get("previous_owner"),
            "account": p.get("account"), "trace": p.get("trace") or {},
        })  # fmt: skip
    return {"lead_id": lead_id, "decisions": decisions}


def account_match(engine: Engine, lead_id: str) -> dict[str, Any]:
    """The lead's account match now, with the rule, score and near candidates."""
    lead = engine.state.leads.get(lead_id)
    if lead is None:
        raise NotFound(f"no lead {lead_id!r}")
    m = match_account(engine.state, lead, engine.contract.contract)
    return {"lead_id": lead_id, "company": lead.company, "email": lead.email, **m.as_dict()}


def review_queue(engine: Engine) -> list[dict[str, Any]]:
    """Unmatched leads whose best name match is just below the threshold: a human decides."""
    state, contract = engine.state, engine.contract.contract
    out = []
    for lead in state.leads.values():
        if lead.account_id:
            continue
        m = match_account(state, lead, contract)
        if m.account_id is None and m.near:
            best, score = m.near[0]
            name = state.accounts[best].name if best in state.accounts else best
            out.append({"lead_id": lead.lead_id, "company": lead.company, "candidate": best,
                        "candidate_name": name, "score": round(score, 1)})  # fmt: skip
    return sorted(out, key=lambda r: -float(r["score"]))


def _submit(engine: Engine, type: EventType, lead_id: str, payload: dict[str, Any],
            at: datetime | None) -> Event:  # fmt: skip
    event = Event(
        type=type, source="cli", source_id=str(uuid.uuid4()), occurred_at=at or datetime.now(UTC),
        lead_id=lead_id, payload=validate_payload(type, payload),
        contract_version=engine.contract.version,
    )  # fmt: skip
    engine.submit([event])
    return event


def merge(
    engine: Engine, duplicate: str, into: str, by: str, at: datetime | None = None
) -> dict[str, Any]:
    """Fold lead `duplicate` into lead `into` (both histories kept); undo with unmerge."""
    leads = engine.state.leads
    for lead_id in (duplicate, into):
        if lead_id not in leads:
            raise NotFound(f"no lead {lead_id!r}")
    if duplicate == into:
        raise IllegalTransition("a lead cannot merge into itself")
    _submit(
        engine, EventType.LEAD_MERGED, duplicate, {"into": into, "by": by, "reason": "manual"}, at
    )
    return {"merged": duplicate, "into": into}


def unmerge(engine: Engine, duplicate: str, by: str, at: datetime | None = None) -> dict[str, Any]:
    """Undo the merge of `duplicate`: both leads come back as they were."""
    m = engine.state.merges.get(duplicate)
    if m is None:
        raise NotFound(f"lead {duplicate!r} is not merged into another lead")
    _submit(engine, EventType.LEAD_UNMERGED, duplicate, {"by": by}, at)
    return {"unmerged": duplicate, "from": m.into}
