"""The fold: apply one event (source or derived) to FunnelState. Total: it never raises.

A source fact that the core may refuse (a stage move, a rep touch, an opportunity fact) is
applied with a before-image in `state.undo`; when `decide` refuses it, the engine.rejected
event it derives restores that image. So folding the ledger alone (source + derived
events, in order) rebuilds exactly the state the engine had.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from sys import intern
from typing import Any

from revalign.contract.fields import LEAD_FIELDS
from revalign.core import routing_fold
from revalign.core.erasure import fold_person_erased
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.core.lifecycle import DERIVED_ONLY, OPEN_STAGES, STAGE_OF, apply_stage
from revalign.core.scoring import ScorePart
from revalign.core.sla_fold import track
from revalign.core.state import (
    Breach,
    CapacityWindow,
    Clock,
    FunnelState,
    LeadState,
    OpportunityState,
    Signal,
    Stage,
    Touch,
    Transition,
    Undo,
    with_changes,
)

_new_tuple = tuple.__new__  # ScorePart(...) without its generated __new__: half the cost
UNDO_KEEP = 256  # before-images kept: the refusal follows its fact within a few events
# A memory guard only: scoring's pruning (carried by score.changed) keeps lists far shorter.
SIGNALS_MAX = 512
# a lead's own fields (one list: contract.fields) and the account it was matched to
_LEAD_FIELDS = (*LEAD_FIELDS, "account_id")
# Lead fields with few distinct values (shared by an account, a channel, a market): one
# string object each, not one per lead (payloads come back from JSON as fresh strings).
_SHARED_FIELDS = frozenset(
    {"title", "company", "domain", "industry", "country", "source", "campaign", "account_id"}
)
UNDOABLE = frozenset(
    {
        *STAGE_OF,
        EventType.REP_TOUCH,
        EventType.LEAD_ASSIGNED,
        EventType.OPPORTUNITY_STAGE_CHANGED,
    }
)


def evolve(state: FunnelState, event: Event) -> None:
    """Apply `event` to `state` in place."""
    state.last_seq = max(state.last_seq, event.seq or 0)
    if event.source != SOURCE_ENGINE:
        if event.type in DERIVED_ONLY:
            return  # refused by decide; never folded
        if event.type in UNDOABLE:
            _keep_undo(state, event)
    handler = _HANDLERS.get(event.type)
    if handler is not None:
        handler(state, event)


def shared(value: Any) -> Any:
    """`value`, interned when it is a string: for the repeated values the state holds."""
    return intern(value) if type(value) is str else value


def _lead_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: shared(v) if k in _SHARED_FIELDS else v for k, v in values.items()}


def _score_parts(parts: Any) -> tuple[ScorePart, ...]:
    """score.changed's part dicts as ScoreParts (a third of a dict; `part["points"]` works)."""
    out: list[ScorePart] = []
    add = out.append
    for p in parts or ():
        if type(p) is dict:  # the usual case, kept fast: the fold runs this on every rescoring
            rule, detail = p.get("rule"), p.get("detail")
            rule = intern(rule) if type(rule) is str else rule
            detail = intern(detail) if type(detail) is str else detail
            add(_new_tuple(ScorePart, (rule, p.get("points", 0.0), detail)))
        elif isinstance(p, ScorePart):
            add(p)
        elif isinstance(p, Mapping):
            add(ScorePart(shared(p.get("rule")), p.get("points", 0.0), shared(p.get("detail"))))
    return tuple(out)


def put_lead(state: FunnelState, before: LeadState | None, after: LeadState) -> None:
    """Store `after` and move the rep load when the owner or openness changed."""
    state.leads[after.lead_id] = after
    track(state, before, after)
    old = before.owner if before is not None and before.stage in OPEN_STAGES else None
    new = after.owner if after.stage in OPEN_STAGES else None
    if old != new:
        if old is not None:
            state.rep_load[old] = max(0, state.rep_load.get(old, 0) - 1)
        if new is not None:
            state.rep_load[new] = state.rep_load.get(new, 0) + 1


def _keep_undo(state: FunnelState, event: Event) -> None:
    lead_id, opp_id = event.lead_id, event.opportunity_id
    state.undo[event.id] = Undo(
        event_id=event.id,
        lead_id=lead_id,
        lead=state.leads.get(lead_id) if lead_id else None,
        opportunity_id=opp_id,
        opportunity=state.opportunities.get(opp_id) if opp_id else None,
        rep_load=dict(state.rep_load),
    )
    while len(state.undo) > UNDO_KEEP:
        del state.undo[next(iter(state.undo))]


def _rejected(state: FunnelState, event: Event) -> None:
    rejected_id = str(event.payload.get("rejected_id", ""))
    state.refused[rejected_id] = str(event.payload.get("reason", ""))
    undo = state.undo.pop(rejected_id, None)
    if undo is None:
        return
    if undo.lead_id:
        track(state, state.leads.get(undo.lead_id), undo.lead)
        if undo.lead is None:
            state.leads.pop(undo.lead_id, None)
        else:
            state.leads[undo.lead_id] = undo.lead
    if undo.opportunity_id:
        if undo.opportunity is None:
            state.opportunities.pop(undo.opportunity_id, None)
        else:
            state.opportunities[undo.opportunity_id] = undo.opportunity
    state.rep_load.clear()
    state.rep_load.update(undo.rep_load)


def _captured(state: FunnelState, event: Event) -> None:
    if not event.lead_id:
        return
    p = event.payload
    before = state.leads.get(event.lead_id)
    fields = _lead_fields({k: p[k] for k in _LEAD_FIELDS if p.get(k) is not None})
    if event.account_id:
        fields.setdefault("account_id", shared(event.account_id))
    if before is not None:  # captured again (another source): merge, keep the funnel
        attributes = {**before.attributes, **(p.get("attributes") or {})}
        after = with_changes(before, **fields, attributes=attributes, fit_score=None)
        state.leads[before.lead_id] = after
        track(state, before, after)
        routing_fold.captured(state, after)
        return
    fields.setdefault("email", "")
    if state.first_fact_at is None or event.occurred_at < state.first_fact_at:
        state.first_fact_at = event.occurred_at  # where the period SLAs begin
    state.leads[event.lead_id] = LeadState(
        lead_id=event.lead_id,
        created_at=event.occurred_at,
        attributes=dict(p.get("attributes") or {}),
        stage_at=event.occurred_at,
        history=(Transition(Stage.LEAD, event.occurred_at),),
        **fields,
    )
    routing_fold.captured(state, state.leads[event.lead_id])


def _updated(state: FunnelState, event: Event) -> None:
    lead = state.leads.get(event.lead_id or "")
    if lead is None:
        return
    changes: Mapping[str, Any] = event.payload.get("changes") or {}
    known = _lead_fields({k: v for k, v in changes.items() if k in _LEAD_FIELDS})
    extra = {k: v for k, v in changes.items() if k not in _LEAD_FIELDS and k != "attributes"}
    attributes = {**lead.attributes, **(changes.get("attributes") or {}), **extra}
    if known.get("email") is None:
        known.pop("email", None)
    after = with_changes(lead, **known, attributes=attributes, fit_score=None)
    state.leads[lead.lead_id] = after
    track(state, lead, after)


def _marketing_touch(state: FunnelState, event: Event) -> None:
    lead = state.leads.get(event.lead_id or "")
    if lead is None:
        return
    kind = intern(str(event.payload.get("kind", "")))
    signals = (*lead.signals, Signal(kind, event.occurred_at))
    if len(signals) > SIGNALS_MAX:
        signals = signals[-SIGNALS_MAX:]
    state.leads[lead.lead_id] = with_changes(
        lead,
        signals=signals,
        unsubscribed=lead.unsubscribed or kind == "unsubscribe",
        score_due_at=event.occurred_at,  # cleared by the score.changed that records it
    )


def drop_oldest(signals: tuple[Signal, ...], drop: Mapping[str, int]) -> tuple[Signal, ...]:
    """`signals` without the `drop[kind]` oldest signals of each kind."""
    left = dict(drop)
    order = sorted(range(len(signals)), key=lambda i: signals[i].at)
    gone: set[int] = set()
    for i in order:
        kind = signals[i].kind
        if left.get(kind, 0) > 0:
            left[kind] -= 1
            gone.add(i)
    return tuple(s for i, s in enumerate(signals) if i not in gone)


def _score_changed(state: FunnelState, event: Event) -> None:
    lead = state.leads.get(event.lead_id or "")
    if lead is None:
        return
    p = event.payload
    fit = p.get("fit")
    state.leads[lead.lead_id] = with_changes(
        lead,
        score=float(p.get("score", 0.0)),
        score_parts=_score_parts(p.get("parts")),
        fit_score=float(fit) if fit is not None else None,
        signals=drop_oldest(lead.signals, p["prune"]) if p.get("prune") else lead.signals,
        fit_version=event.contract_version,
        contract_version=event.contract_version or lead.contract_version,
        score_due_at=None,
    )


def _assigned(state: FunnelState, event: Event) -> None:
    lead = state.leads.get(event.lead_id or "")
    if lead is None:
        return
    p = event.payload
    team = p.get("team") or lead.team
    owner, team = intern(str(p.get("owner"))), shared(team)
    after = with_changes(lead, owner=owner, team=team, assigned_at=event.occurred_at)
    put_lead(state, lead, after)
    cursor = p.get("pool") or team
    if p.get("method") == "round_robin" and cursor:
        state.rr_cursor[cursor] = state.rr_cursor.get(cursor, 0) + 1
    routing_fold.assigned(state, p, lead.lead_id)


def _rep_touch(state: FunnelState, event: Event) -> None:
    lead = state.leads.get(event.lead_id or "")
    if lead is None:
        return
    p, at = event.payload, event.occurred_at
    touch = Touch(intern(str(p.get("kind", ""))), intern(str(p.get("by", ""))), at)
    first = lead.first_contact_at
    state.leads[lead.lead_id] = with_changes(
        lead,
        touches=(*lead.touches, touch),
        first_contact_at=at if first is None or at < first else first,
    )


def _stage(state: FunnelState, event: Event) -> None:
    lead = state.leads.get(event.lead_id or "")
    if lead is not None:
        put_lead(state, lead, apply_stage(lead, event))


def _opportunity_created(state: FunnelState, event: Event) -> None:
    if not event.opportunity_id:
        return
    p = event.payload
    state.opportunities[event.opportunity_id] = OpportunityState(
        opportunity_id=event.opportunity_id,
        lead_id=event.lead_id,
        account_id=event.account_id,
        created_at=event.occurred_at,
        amount=_money(p.get("amount")),
        currency=str(p.get("currency", "")),
        stage=str(p.get("stage", "discovery")),
        owner=p.get("owner"),
        expected_close=as_date(p.get("expected_close")),
    )
    lead = state.leads.get(event.lead_id or "")
    account_id = event.account_id or (lead.account_id if lead else None)
    routing_fold.opportunity_opened(state, event.opportunity_id, account_id)
    _stage(state, event)


def _opportunity_changed(state: FunnelState, event: Event) -> None:
    opp = state.opportunities.get(event.opportunity_id or "")
    if opp is None:
        return
    p = event.payload
    state.opportunities[opp.opportunity_id] = replace(
        opp,
        stage=str(p.get("stage", opp.stage)),
        amount=_money(p["amount"]) if p.get("amount") is not None else opp.amount,
        expected_close=as_date(p.get("expected_close")) or opp.expected_close,
    )


def _opportunity_closed(state: FunnelState, event: Event) -> None:
    opp = state.opportunities.get(event.opportunity_id or "")
    if opp is None:
        return
    p, won = event.payload, event.type is EventType.OPPORTUNITY_WON
    state.opportunities[opp.opportunity_id] = replace(
        opp,
        stage="closed_won" if won else "closed_lost",
        amount=_money(p["amount"]) if p.get("amount") is not None else opp.amount,
        closed_at=event.occurred_at,
        won=won,
        reason=p.get("reason"),
    )
    lead = state.leads.get(opp.lead_id or "")
    if lead is not None and lead.stage is Stage.OPPORTUNITY:
        put_lead(state, lead, apply_stage(lead, event))


def _capacity(state: FunnelState, event: Event) -> None:
    p = event.payload
    start = as_date(p.get("effective_from"))
    if start is None:
        return
    key = str(p["rep"]) if p.get("rep") else f"team:{p.get('team')}"
    window = CapacityWindow(start, as_date(p.get("effective_to")), int(p.get("capacity", 0)))
    state.capacity_windows[key] = (*state.capacity_windows.get(key, ()), window)
    if p.get("rep"):
        state.capacity[key] = window.capacity


def _clock_started(state: FunnelState, event: Event) -> None:
    p = event.payload
    clock_id = str(p.get("clock_id"))
    if clock_id in state.clocks:
        return  # folded twice: keep the first
    due = p.get("due_at")
    clock = Clock(
        clock_id=clock_id,
        sla=intern(str(p.get("sla"))),
        lead_id=event.lead_id,
        owner=intern(str(p.get("owner"))),
        owner_side=intern(str(p.get("owner_side"))),
        started_at=event.occurred_at,
        due_at=_moment(due),
        warn_at=_moment(p["warn_at"]) if p.get("warn_at") else None,
    )
    state.clocks[clock_id] = clock
    state.open_clock_ids.add(clock_id)
    if clock.lead_id:
        state.clocks_by_lead.setdefault(clock.lead_id, []).append(clock_id)
    for key in (f"{clock.owner_side}:{clock.owner}", f"{clock.owner_side}:all"):
        insort(state.due_times.setdefault(key, []), clock.due_at)


def _clock_stopped(state: FunnelState, event: Event) -> None:
    clock = state.clocks.get(str(event.payload.get("clock_id")))
    if clock is not None and clock.stopped_at is None:
        met = bool(event.payload.get("met"))
        state.clocks[clock.clock_id] = replace(clock, stopped_at=event.occurred_at, met=met)
        state.open_clock_ids.discard(clock.clock_id)


def _breached(state: FunnelState, event: Event) -> None:
    p = event.payload
    clock_id = str(p.get("clock_id"))
    if clock_id in state.breaches:
        return  # folded twice
    clock = state.clocks.get(clock_id)
    if clock is not None:
        state.clocks[clock_id] = replace(clock, breached=True)
    breach = Breach(
        clock_id,
        intern(str(p.get("sla"))),
        intern(str(p.get("owner"))),
        intern(str(p.get("owner_side"))),
        event.occurred_at,
    )
    state.breaches[clock_id] = breach
    for key in (f"{breach.owner_side}:{breach.owner}", f"{breach.owner_side}:all"):
        insort(state.breach_times.setdefault(key, []), breach.at)


def _warned(state: FunnelState, event: Event) -> None:
    state.warned.add(str(event.payload.get("clock_id")))


def _forecast(state: FunnelState, event: Event) -> None:
    p = event.payload
    at = p.get("submitted_at")
    insort(state.forecasts_by.setdefault(str(p.get("by")), []), _moment(at or event.occurred_at))


def _target(state: FunnelState, event: Event) -> None:
    p = event.payload
    if p.get("metric") in ("mqls", "mql") and p.get("amount") is not None:
        state.mql_targets[str(p.get("period"))] = int(_money(p["amount"]))


def _moment(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _escalated(state: FunnelState, event: Event) -> None:
    p = event.payload
    state.escalated.add(f"{p.get('level')}:{p.get('side')}:{p.get('owner')}:{p.get('window')}")


def as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _money(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


_OPP_TYPES = frozenset(
    {EventType.OPPORTUNITY_CREATED, EventType.OPPORTUNITY_WON, EventType.OPPORTUNITY_LOST}
)
_HANDLERS: Mapping[EventType, Callable[[FunnelState, Event], None]] = {
    EventType.LEAD_CAPTURED: _captured,
    EventType.LEAD_UPDATED: _updated,
    EventType.MARKETING_TOUCH: _marketing_touch,
    EventType.SCORE_CHANGED: _score_changed,
    EventType.LEAD_ASSIGNED: _assigned,
    EventType.REP_TOUCH: _rep_touch,
    **{t: _stage for t in STAGE_OF if t not in _OPP_TYPES},
    EventType.OPPORTUNITY_CREATED: _opportunity_created,
    EventType.OPPORTUNITY_STAGE_CHANGED: _opportunity_changed,
    EventType.OPPORTUNITY_WON: _opportunity_closed,
    EventType.OPPORTUNITY_LOST: _opportunity_closed,
    EventType.CAPACITY_NOTICE: _capacity,
    EventType.SLA_CLOCK_STARTED: _clock_started,
    EventType.SLA_CLOCK_STOPPED: _clock_stopped,
    EventType.SLA_BREACHED: _breached,
    EventType.ESCALATED: _escalated,
    EventType.SLA_WARNED: _warned,
    EventType.FORECAST_SUBMITTED: _forecast,
    EventType.TARGET_SET: _target,
    EventType.EVENT_REJECTED: _rejected,
    EventType.PERSON_ERASED: fold_person_erased,
    EventType.LEAD_MERGED: routing_fold.merged,
    EventType.LEAD_UNMERGED: routing_fold.unmerged,
}
