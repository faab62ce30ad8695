"""The stage graph and `validate`: which facts the funnel accepts, with a reason when not.

    lead ──► mql ──► sal ──► sql ──► opportunity ──► won | lost
              │       │       │
              ▼       └───────┴──► disqualified (after the cadence) | recycled ──► mql
           rejected ──► mql  (on new behaviour after the rejection)

`validate(state, event, contract)` checks one fact against the state *before* it and raises
`IllegalTransition` (or `NotFound`) with a message that says what to do instead. Date order
is part of it, so replay honours it too: an opportunity closes no earlier than it was
created; a decision date and a re-engage date are not in the past when recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from revalign.contract.schema import Contract
from revalign.core import qualification as q
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.core.state import (
    FunnelState,
    LeadState,
    OpportunityState,
    Stage,
    Transition,
    with_changes,
)
from revalign.errors import IllegalTransition, NotFound

TRANSITIONS: Mapping[Stage, frozenset[Stage]] = {
    Stage.LEAD: frozenset({Stage.MQL}),
    Stage.MQL: frozenset({Stage.SAL, Stage.REJECTED}),
    Stage.SAL: frozenset({Stage.SQL, Stage.DISQUALIFIED, Stage.RECYCLED}),
    Stage.SQL: frozenset({Stage.OPPORTUNITY, Stage.DISQUALIFIED, Stage.RECYCLED}),
    Stage.OPPORTUNITY: frozenset({Stage.WON, Stage.LOST}),
    Stage.REJECTED: frozenset({Stage.MQL}),
    Stage.RECYCLED: frozenset({Stage.MQL}),
    Stage.WON: frozenset(),
    Stage.LOST: frozenset(),
    Stage.DISQUALIFIED: frozenset(),
}
# Stages where a rep owns (or is proposed to own) the lead: they count toward rep load.
OPEN_STAGES = frozenset({Stage.MQL, Stage.SAL, Stage.SQL, Stage.OPPORTUNITY})
# Stages a rep works: touches are logged only here (an MQL must pass the SAL gate first).
WORKED_STAGES = frozenset({Stage.SAL, Stage.SQL, Stage.OPPORTUNITY})
STAGE_OF: Mapping[EventType, Stage] = {
    EventType.MQL_REACHED: Stage.MQL,
    EventType.SAL_ACCEPTED: Stage.SAL,
    EventType.SAL_REJECTED: Stage.REJECTED,
    EventType.SQL_QUALIFIED: Stage.SQL,
    EventType.DISQUALIFIED: Stage.DISQUALIFIED,
    EventType.RECYCLED: Stage.RECYCLED,
    EventType.OPPORTUNITY_CREATED: Stage.OPPORTUNITY,
    EventType.OPPORTUNITY_WON: Stage.WON,
    EventType.OPPORTUNITY_LOST: Stage.LOST,
}
# Only the engine derives these; a producer may not submit them.
DERIVED_ONLY = frozenset(
    {
        EventType.SCORE_CHANGED,
        EventType.SLA_CLOCK_STARTED,
        EventType.SLA_CLOCK_STOPPED,
        EventType.SLA_BREACHED,
        EventType.ESCALATED,
        EventType.EVENT_REJECTED,
    }
)
_LEAD_FACTS = frozenset(
    {
        EventType.LEAD_UPDATED,
        EventType.MARKETING_TOUCH,
        EventType.REP_TOUCH,
        EventType.LEAD_ASSIGNED,
        EventType.MQL_REACHED,
        EventType.SAL_ACCEPTED,
        EventType.SAL_REJECTED,
        EventType.SQL_QUALIFIED,
        EventType.DISQUALIFIED,
        EventType.RECYCLED,
    }
)
_OPP_CLOSING = frozenset(
    {EventType.OPPORTUNITY_STAGE_CHANGED, EventType.OPPORTUNITY_WON, EventType.OPPORTUNITY_LOST}
)


def reachable() -> frozenset[Stage]:
    """Every stage reachable from `lead` through the graph."""
    seen, todo = {Stage.LEAD}, [Stage.LEAD]
    while todo:
        for nxt in TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return frozenset(seen)


def validate(state: FunnelState, event: Event, contract: Contract) -> None:
    """Raise if `event` may not be applied to `state` (the state before the event)."""
    lead = state.leads.get(event.lead_id) if event.lead_id else None
    opp = state.opportunities.get(event.opportunity_id) if event.opportunity_id else None
    check(event, lead, opp, contract)


def check(
    event: Event, lead: LeadState | None, opp: OpportunityState | None, contract: Contract
) -> None:
    """`validate` on explicit before-images of the lead and the opportunity."""
    kind = event.type
    if kind in DERIVED_ONLY and event.source != SOURCE_ENGINE:
        raise IllegalTransition(f"{kind.value} is derived by the engine and cannot be submitted")
    if kind is EventType.LEAD_CAPTURED:
        if not event.lead_id:
            raise IllegalTransition("lead.captured needs a lead_id")
        return
    if kind in _LEAD_FACTS:
        if lead is None:
            raise NotFound(f"no lead {event.lead_id!r} (capture it first)")
        _check_lead_fact(event, lead, contract)
    elif kind is EventType.OPPORTUNITY_CREATED:
        _check_opportunity_created(event, lead, opp)
    elif kind in _OPP_CLOSING:
        _check_opportunity_open(event, opp, contract)


def _check_lead_fact(event: Event, lead: LeadState, contract: Contract) -> None:
    kind, p = event.type, event.payload
    if kind is EventType.REP_TOUCH and lead.stage not in WORKED_STAGES:
        raise IllegalTransition(_touch_refusal(lead))
    if kind is EventType.LEAD_ASSIGNED:
        if lead.stage not in OPEN_STAGES:
            raise IllegalTransition(f"lead {lead.lead_id} is {lead.stage}; only open leads move")
        _check_rep(str(p.get("owner", "")), contract)
    target = STAGE_OF.get(kind)
    if target is None:
        return
    if target not in TRANSITIONS[lead.stage]:
        raise IllegalTransition(_stage_refusal(lead, target))
    if kind in (EventType.SAL_ACCEPTED, EventType.SAL_REJECTED) and event.source == SOURCE_ENGINE:
        raise IllegalTransition("the SAL gate is a human decision; the engine cannot take it")
    if kind is EventType.SAL_ACCEPTED and p.get("owner"):
        _check_rep(str(p["owner"]), contract)
    elif kind is EventType.SAL_REJECTED:
        q.check_reason(str(p.get("reason")), contract.qualification.sal_reject_reasons, "reject")
    elif kind is EventType.SQL_QUALIFIED:
        fields = p.get("fields") or {}
        q.check_sql_fields(lead.lead_id, str(p.get("framework", "")), fields, contract)
    elif kind is EventType.DISQUALIFIED:
        q.check_disqualify(lead, str(p.get("reason")), contract, event.occurred_at)
    elif kind is EventType.RECYCLED:
        q.check_reason(str(p.get("reason")), contract.qualification.recycle_reasons, "recycle")
        q.check_not_past("re-engage date", p.get("reengage_on"), event.occurred_at,
                         f"lead {lead.lead_id}")  # fmt: skip


def _check_rep(rep_id: str, contract: Contract) -> None:
    try:
        contract.rep(rep_id)
    except KeyError:
        raise NotFound(f"no rep {rep_id!r} in the contract's teams") from None


def _check_opportunity_created(
    event: Event, lead: LeadState | None, opp: OpportunityState | None
) -> None:
    if not event.opportunity_id:
        raise IllegalTransition("opportunity.created needs an opportunity_id")
    if opp is not None:
        raise IllegalTransition(f"opportunity {event.opportunity_id} already exists")
    q.check_not_past("decision date", event.payload.get("decision_date"), event.occurred_at,
                     f"opportunity {event.opportunity_id}")  # fmt: skip
    if event.lead_id is None:
        return  # an account opportunity imported from a CRM: no lead funnel to check
    if lead is None:
        raise NotFound(f"no lead {event.lead_id!r} (capture it first)")
    if Stage.OPPORTUNITY not in TRANSITIONS[lead.stage]:
        raise IllegalTransition(_stage_refusal(lead, Stage.OPPORTUNITY))
    q.check_opportunity_fields(lead.lead_id, event.payload)


def _check_opportunity_open(event: Event, opp: OpportunityState | None, contract: Contract) -> None:
    if opp is None:
        raise NotFound(
            f"no opportunity {event.opportunity_id!r}: {event.type.value} needs an open one"
        )
    if opp.closed_at is not None:
        state = "won" if opp.won else "lost"
        raise IllegalTransition(f"opportunity {opp.opportunity_id} is already closed ({state})")
    if event.type is not EventType.OPPORTUNITY_STAGE_CHANGED:
        q.check_closed_after_created(opp.opportunity_id, opp.created_at, event.occurred_at)
    if event.type is EventType.OPPORTUNITY_LOST:
        q.check_reason(
            str(event.payload.get("reason")), contract.qualification.lost_reasons, "lost"
        )


_NEXT_STEP: Mapping[Stage, str] = {
    Stage.LEAD: "it is not an MQL yet (its score is below the threshold)",
    Stage.MQL: "it waits at the SAL gate (accept it with `revalign lead accept {id}` "
    "or reject it with `revalign lead reject {id} --reason ...`)",
    Stage.SAL: "qualify it first (`revalign lead qualify {id} --field ...`)",
    Stage.SQL: "create its opportunity first (`revalign opp create {id} ...`)",
    Stage.OPPORTUNITY: "close its opportunity (`revalign opp won|lost ...`)",
    Stage.REJECTED: "it was returned to marketing; new behaviour can make it an MQL again",
    Stage.RECYCLED: "it is in nurture; new behaviour can make it an MQL again",
    Stage.WON: "it is closed won",
    Stage.LOST: "it is closed lost",
    Stage.DISQUALIFIED: "it is disqualified",
}
_NEEDS: Mapping[Stage, str] = {
    Stage.MQL: "an MQL needs a score at the threshold",
    Stage.SAL: "only an MQL can be accepted at the SAL gate",
    Stage.REJECTED: "only an MQL can be rejected at the SAL gate",
    Stage.SQL: "SQL needs an accepted SAL first",
    Stage.OPPORTUNITY: "an opportunity needs an SQL first",
    Stage.DISQUALIFIED: "only an accepted (SAL) or qualified (SQL) lead can be disqualified",
    Stage.RECYCLED: "only an accepted (SAL) or qualified (SQL) lead can be recycled",
    Stage.WON: "won needs an open opportunity",
    Stage.LOST: "lost needs an open opportunity",
}


def _stage_refusal(lead: LeadState, target: Stage) -> str:
    step = _NEXT_STEP[lead.stage].format(id=lead.lead_id)
    return f"lead {lead.lead_id} is {lead.stage}; {_NEEDS[target]}: {step}"


def _touch_refusal(lead: LeadState) -> str:
    if lead.stage is Stage.MQL:
        return (
            f"lead {lead.lead_id} is mql; an MQL never goes straight to work: accept it "
            f"first (`revalign lead accept {lead.lead_id}`)"
        )
    return f"lead {lead.lead_id} is {lead.stage}; touches are logged on sal, sql or opportunity"


# -- the fold of one stage event (called by core.evolve) ---------------------------------


def apply_stage(lead: LeadState, event: Event) -> LeadState:
    """`lead` moved to the stage `event` names (the caller has checked it is a stage event)."""
    stage = STAGE_OF[event.type]
    p, at = event.payload, event.occurred_at
    reason = p.get("reason")
    changes: dict[str, Any] = {
        "stage": stage,
        "stage_at": at,
        "history": (*lead.history, Transition(stage, at, reason)),
    }
    kind = event.type
    if kind is EventType.MQL_REACHED:
        high = bool(p.get("high_intent", False))
        changes.update(mql_at=at, high_intent=high, high_intent_at=at if high else None)
        changes.update(reason=None, reengage_on=None)
    elif kind is EventType.SAL_ACCEPTED:
        changes.update(sal_at=at, owner=p.get("owner") or lead.owner)
    elif kind is EventType.SAL_REJECTED:
        changes.update(reason=reason, owner=None)
    elif kind is EventType.SQL_QUALIFIED:
        fields = dict(p.get("fields") or {})
        changes.update(sql_at=at, qualification={**fields, "framework": p.get("framework")})
    elif kind is EventType.DISQUALIFIED:
        changes.update(reason=reason)
    elif kind is EventType.RECYCLED:
        changes.update(reason=reason, owner=None, reengage_on=_date(p.get("reengage_on")))
    elif kind is EventType.OPPORTUNITY_CREATED:
        changes.update(opportunity_id=event.opportunity_id)
    elif kind is EventType.OPPORTUNITY_LOST:
        changes.update(reason=reason)
    return with_changes(lead, **changes)


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None
