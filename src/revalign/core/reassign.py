"""Reassignment on an SLA miss: the lead rotates to the next eligible rep, then the manager.

When the owner misses first contact (or the SAL review runs late) and the contract's
`routing.reassign` covers that SLA, the lead is routed again without its current owner
(`lead.assigned` with `hop` and `previous_owner`); after `max_hops` rotations the team's
manager gets it. The breach itself stays on the original owner's record.
"""

from __future__ import annotations

from typing import Any

from revalign.contract.schema import VersionedContract
from revalign.core import sla
from revalign.core.calendar import calendar_for_owner
from revalign.core.events import Event, EventType, derived
from revalign.core.lifecycle import OPEN_STAGES
from revalign.core.routing import route
from revalign.core.state import FunnelState, Stage


def _family(name: str) -> str:
    return "first_contact" if name.startswith("first_contact") else name


def reassign(state: FunnelState, breach: Event, contract: VersionedContract) -> list[Event]:
    """The reassignment (and the new owner's first-contact clock) a breach causes, if any."""
    c = contract.contract
    rule = c.routing.reassign
    name = str(breach.payload.get("sla", ""))
    lead = state.leads.get(breach.lead_id or "")
    if not rule.enabled or _family(name) not in rule.on or lead is None or lead.owner is None:
        return []
    if lead.stage not in OPEN_STAGES or lead.first_contact_at is not None:
        return []
    missed_by = str(breach.payload.get("owner", lead.owner))
    hop = state.hops.get(lead.lead_id, 0) + 1
    at = breach.occurred_at
    why = f"{name} missed by {missed_by}"
    if hop > rule.max_hops:
        team = c.team(lead.team) if lead.team in {t.id for t in c.teams} else None
        manager = (team.manager if team else None) or lead.owner
        payload: dict[str, Any] = {
            "owner": manager, "team": lead.team, "rule": "reassign", "method": "manual",
            "reason": f"{why}; {rule.max_hops} reassignments used: to manager {manager}",
            "hop": hop, "previous_owner": lead.owner,
        }  # fmt: skip
    else:
        a = route(state, lead, c, at, exclude={lead.owner, missed_by})
        payload = {
            "owner": a.owner, "team": a.team, "rule": a.rule, "method": a.method,
            "reason": f"reassigned ({why}, hop {hop} of {rule.max_hops}): {a.reason}",
            "pool": a.pool, "day": a.day, "hop": hop, "previous_owner": lead.owner,
            "account": a.account.as_dict() if a.account else None,
            "trace": {**a.trace, "reassigned": {"sla": name, "missed_by": missed_by}},
        }  # fmt: skip
    if payload["owner"] == lead.owner:
        return []
    out = [
        derived(breach, EventType.LEAD_ASSIGNED, payload=payload, contract_version=contract.version)
    ]
    if lead.stage is Stage.SAL and _family(name) == "first_contact":
        owner = str(payload["owner"])
        hours = (
            c.slas.first_contact_high_intent_hours
            if name.endswith("high_intent")
            else c.slas.first_contact_standard_hours
        )
        due = calendar_for_owner(c, owner).add_business_hours(at, hours)
        out.append(sla.start(breach, contract, name, owner, sla.SIDE_SALES, due, 1, hours))
    return out
