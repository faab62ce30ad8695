"""The lead verbs: show, explain, timeline, the SAL gate, touches, qualification, dispositions,
reassignment. Each takes the caller, checks the permission table and the lead's visibility
(a lead the caller may not see is `NotFound`, so a rep cannot probe other reps' ids), submits
the fact with the caller's audit record and returns the lead afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from revalign.auth.caller import Caller
from revalign.auth.permissions import Action, can_see_lead, require
from revalign.auth.roles import Role
from revalign.core.events import EventType
from revalign.core.explain import explain_lead, explanation_to_json, score_at
from revalign.core.qualification import cadence_shortfall, cadence_touches
from revalign.core.rescore import current_score, high_intent
from revalign.core.state import LeadState
from revalign.errors import Forbidden, NotFound
from revalign.services.facts import clean, find_lead, submit_fact
from revalign.services.views import (
    Cadence,
    ClockView,
    EventView,
    ExplanationView,
    LeadView,
    Page,
    StageStep,
)

if TYPE_CHECKING:
    from revalign.engine import Engine
    from revalign.ledger.lead_reads import LeadRecord


def visible_lead(engine: Engine, caller: Caller, lead_id: str) -> LeadState:
    """The lead if the caller may read it; NotFound otherwise (also for another rep's)."""
    require(caller, Action.LEAD_READ)
    lead = find_lead(engine.state, lead_id)
    if not can_see_lead(caller, lead):
        raise NotFound(f"no lead {lead_id!r}")
    return lead


def visible_record(engine: Engine, caller: Caller, lead_id: str) -> LeadRecord:
    """The lead with its clocks and opportunity, read from the projections when they are
    current (no fold of the ledger), if the caller may read it; NotFound otherwise."""
    require(caller, Action.LEAD_READ)
    record = engine.lead_record(lead_id)
    if record is None or not can_see_lead(caller, record.lead):
        raise NotFound(f"no lead {lead_id!r}")
    return record


def acting_as(caller: Caller, by: str | None) -> str:
    """Who the fact says did it: a rep is always themself; others default to their name."""
    if caller.role == Role.REP:
        if by is not None and by != caller.rep_id:
            raise Forbidden(f"{caller.name} acts as rep {caller.rep_id}, not {by!r}")
        assert caller.rep_id is not None
        return caller.rep_id
    return by or caller.rep_id or caller.name


def lead_view(engine: Engine, lead: LeadState, at: datetime | None = None) -> LeadView:
    from revalign.ledger.lead_reads import LeadRecord  # SQLAlchemy: not on `lead --help`

    record = engine.lead_record(lead.lead_id)
    return record_view(engine, record or LeadRecord(lead, [], None), at)


def record_view(engine: Engine, record: LeadRecord, at: datetime | None = None) -> LeadView:
    contract = engine.contract.contract
    lead, clocks, opp = record.lead, record.clocks, record.opportunity
    now = at or datetime.now(UTC)
    missing_touches, missing_days = cadence_shortfall(lead, contract, now)
    return LeadView(
        lead_id=lead.lead_id,
        email=lead.email,
        name=" ".join(x for x in (lead.first_name, lead.last_name) if x) or None,
        title=lead.title,
        company=lead.company,
        country=lead.country,
        source=lead.source,
        stage=lead.stage.value,
        stage_at=lead.stage_at,
        # the score at `now`, computed as `explain` computes it (decay to the same moment)
        score=score_at(lead, engine.contract, now),
        score_at=now,
        score_recorded=current_score(lead, engine.contract),  # as of the last rescoring fact
        high_intent=lead.high_intent or high_intent(lead, engine.contract, now),
        owner=lead.owner,
        team=lead.team,
        reason=lead.reason,
        reengage_on=lead.reengage_on,
        touches=len(lead.touches),
        cadence=Cadence(
            touches=len(cadence_touches(lead, contract, now)),
            touches_missing=missing_touches,
            days_missing=missing_days,
        ),
        opportunity=opp.opportunity_id if opp else None,
        history=[StageStep(stage=t.stage.value, at=t.at, reason=t.reason) for t in lead.history],
        clocks=[
            ClockView(
                sla=c.sla,
                owner=c.owner,
                side=c.owner_side,
                started_at=c.started_at,
                due_at=c.due_at,
                stopped_at=c.stopped_at,
                met=c.met,
                breached=c.breached,
            )
            for c in clocks
        ],
    )


def lead_show(engine: Engine, caller: Caller, lead_id: str, at: datetime | None = None) -> LeadView:
    """The lead as the caller may see it, with its score and clocks at `at` (default now)."""
    return record_view(engine, visible_record(engine, caller, lead_id), at)


def explain(
    engine: Engine, caller: Caller, lead_id: str, at: datetime | None = None
) -> ExplanationView:
    """Why the lead has its score at `at`: every rule that fired and its points."""
    lead = visible_record(engine, caller, lead_id).lead  # the projections: no state load
    expl = explain_lead(lead, engine.contract, at or datetime.now(UTC))
    return ExplanationView(lead_id=lead_id, report=explanation_to_json(expl))


def timeline(
    engine: Engine, caller: Caller, lead_id: str, *, after_seq: int = 0, limit: int = 200
) -> Page[EventView]:
    """The lead's events in ledger order, a page at a time (cursor: the last seq)."""
    visible_record(engine, caller, lead_id)
    size = max(1, min(limit, 1000))
    found = [e for e in engine.ledger.events_for(lead_id=lead_id) if (e.seq or 0) > after_seq]
    page = found[:size]
    items = [
        EventView(
            seq=e.seq,
            id=e.id,
            type=e.type.value,
            source=e.source,
            source_id=e.source_id,
            occurred_at=e.occurred_at,
            recorded_at=e.recorded_at,
            lead_id=e.lead_id,
            opportunity_id=e.opportunity_id,
            caused_by=e.caused_by,
            payload=dict(e.payload),
        )
        for e in page
    ]
    more = len(found) > size
    return Page[EventView](items=items, next_cursor=str(page[-1].seq) if more and page else None)


def _act(
    engine: Engine,
    caller: Caller,
    action: Action,
    type: EventType,
    lead_id: str,
    payload: Mapping[str, Any],
    at: datetime | None,
) -> LeadView:
    require(caller, action)
    visible_lead(engine, caller, lead_id)
    submit_fact(engine, type, clean(payload), caller=caller, lead_id=lead_id, at=at)
    # the lead as it is now, even if the move took it out of the caller's sight (recycled)
    return lead_view(engine, find_lead(engine.state, lead_id), at)


def accept(engine: Engine, caller: Caller, lead_id: str, by: str | None = None,
           owner: str | None = None, note: str | None = None,
           at: datetime | None = None) -> LeadView:  # fmt: skip
    """Accept an MQL at the SAL gate (sales manager, revops, admin; never marketing)."""
    payload = {"by": acting_as(caller, by), "owner": owner, "note": note}
    return _act(engine, caller, Action.SAL_DECIDE, EventType.SAL_ACCEPTED, lead_id, payload, at)


def reject(engine: Engine, caller: Caller, lead_id: str, reason: str, by: str | None = None,
           note: str | None = None, at: datetime | None = None) -> LeadView:  # fmt: skip
    """Reject an MQL at the SAL gate with a reason code."""
    payload = {"by": acting_as(caller, by), "reason": reason, "note": note}
    return _act(engine, caller, Action.SAL_DECIDE, EventType.SAL_REJECTED, lead_id, payload, at)


def qualify(engine: Engine, caller: Caller, lead_id: str, fields: Mapping[str, Any],
            by: str | None = None, framework: str | None = None,
            at: datetime | None = None) -> LeadView:  # fmt: skip
    """Record BANT / MEDDIC qualification: the lead becomes an SQL."""
    chosen = framework or engine.contract.contract.qualification.framework
    payload = {"by": acting_as(caller, by), "framework": chosen, "fields": dict(fields)}
    return _act(engine, caller, Action.LEAD_WORK, EventType.SQL_QUALIFIED, lead_id, payload, at)


def touch(engine: Engine, caller: Caller, lead_id: str, kind: str, by: str | None = None,
          outcome: str | None = None, note: str | None = None,
          at: datetime | None = None) -> LeadView:  # fmt: skip
    """Log a rep touch (call, email, linkedin, meeting)."""
    payload = {"by": acting_as(caller, by), "kind": kind, "outcome": outcome, "note": note}
    return _act(engine, caller, Action.LEAD_WORK, EventType.REP_TOUCH, lead_id, payload, at)


def disqualify(engine: Engine, caller: Caller, lead_id: str, reason: str, by: str | None = None,
               note: str | None = None, at: datetime | None = None) -> LeadView:  # fmt: skip
    """Disqualify a worked lead (after the cadence unless the reason is exempt)."""
    payload = {"by": acting_as(caller, by), "reason": reason, "note": note}
    return _act(engine, caller, Action.LEAD_WORK, EventType.DISQUALIFIED, lead_id, payload, at)


def recycle(engine: Engine, caller: Caller, lead_id: str, reason: str, by: str | None = None,
            reengage_on: date | None = None, at: datetime | None = None) -> LeadView:  # fmt: skip
    """Send a good lead with the wrong timing back to marketing nurture."""
    when = at or datetime.now(UTC)
    days = engine.contract.contract.qualification.recycle_after_days
    payload = {
        "by": acting_as(caller, by),
        "reason": reason,
        "reengage_on": reengage_on or when.date() + timedelta(days),
    }
    return _act(engine, caller, Action.LEAD_WORK, EventType.RECYCLED, lead_id, payload, when)


def reassign(engine: Engine, caller: Caller, lead_id: str, owner: str, team: str | None = None,
             reason: str | None = None, at: datetime | None = None) -> LeadView:  # fmt: skip
    """Give the lead to another rep by hand (sales manager of its team, revops, admin)."""
    require(caller, Action.LEAD_REASSIGN)
    lead = visible_lead(engine, caller, lead_id)
    payload = {
        "owner": owner,
        "team": team or lead.team,
        "method": "manual",
        "reason": reason or f"reassigned by {caller.name}",
        "previous_owner": lead.owner,
    }
    return _act(engine, caller, Action.LEAD_REASSIGN, EventType.LEAD_ASSIGNED, lead_id, payload, at)
