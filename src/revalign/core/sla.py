"""SLA clocks as events: start, stop (met or late), breach; `tick` finds overdue clocks.

Clocks and their owners:
- route: marketing/system, `route_minutes` wall-clock from MQL to assignment;
- sal_review: the team manager, `sal_review_hours` business hours of the team;
- first_contact_high_intent / first_contact_standard: the owner, 4 / 24 business hours
  of the owner's calendar from SAL acceptance to the first rep touch;
- disposition: the owner, `disposition_days` calendar days from SAL acceptance to a
  disposition (SQL, disqualified, recycled).
A clock stopped after its due time is a breach. The breach event's key is the clock id,
so the late stop (decide) and the overdue check (tick) can both emit it: it is stored once.
"""

from __future__ import annotations

from datetime import datetime

from revalign.contract.schema import Contract, VersionedContract
from revalign.core import calendar_port
from revalign.core.escalation import escalations
from revalign.core.events import SOURCE_ENGINE, Event, EventType, derived
from revalign.core.state import Breach, Clock, FunnelState

SIDE_SALES = "sales"
SIDE_MARKETING = "marketing"


def clock_id(lead_id: str, sla: str, cause: Event) -> str:
    """Deterministic: the same cause always opens the same clock."""
    return f"{lead_id}:{sla}:{cause.id[:13]}"


def start(
    cause: Event,
    contract: VersionedContract,
    sla: str,
    owner: str,
    side: str,
    due_at: datetime,
    n: int,
) -> Event:
    lead_id = cause.lead_id or ""
    payload = {
        "clock_id": clock_id(lead_id, sla, cause),
        "sla": sla,
        "owner": owner,
        "owner_side": side,
        "due_at": due_at.isoformat(),
    }
    return derived(
        cause,
        EventType.SLA_CLOCK_STARTED,
        n=n,
        payload=payload,
        contract_version=contract.version,
    )


def elapsed_hours(clock: Clock, contract: Contract, at: datetime) -> float:
    """Business hours for business-hours clocks; wall-clock hours for route / disposition."""
    if clock.sla in ("route", "disposition"):
        return round(max(0.0, (at - clock.started_at).total_seconds()) / 3600.0, 4)
    calendar = (
        calendar_port.for_rep(contract, clock.owner)
        if clock.sla.startswith("first_contact")
        else _owner_team_calendar(contract, clock.owner)
    )
    return calendar.business_hours_between(clock.started_at, at)


def _owner_team_calendar(contract: Contract, owner: str) -> calendar_port.BusinessCalendar:
    for team in contract.teams:
        if owner in (team.id, team.manager):
            return calendar_port.for_team(contract, team.id)
    return calendar_port.for_rep(contract, owner)


def stop(
    cause: Event, clock: Clock, contract: VersionedContract, at: datetime, n: int
) -> list[Event]:
    """Stop `clock` at `at`: the stop, plus its breach when late and not yet breached."""
    met = at <= clock.due_at
    payload = {
        "clock_id": clock.clock_id,
        "sla": clock.sla,
        "met": met,
        "elapsed_business_hours": elapsed_hours(clock, contract.contract, at),
    }
    out = [
        derived(
            cause,
            EventType.SLA_CLOCK_STOPPED,
            n=n,
            occurred_at=at,
            payload=payload,
            contract_version=contract.version,
            lead_id=clock.lead_id,
        )
    ]
    if not met and not clock.breached:
        out.append(breach(clock, contract.version))
    return out


def open_clocks(state: FunnelState, lead_id: str, prefix: str = "") -> list[Clock]:
    """The lead's running clocks whose sla starts with `prefix`, oldest first."""
    found = []
    for cid in state.clocks_by_lead.get(lead_id, ()):
        clock = state.clocks[cid]
        if clock.stopped_at is None and clock.sla.startswith(prefix):
            found.append(clock)
    return found


def stop_open(
    cause: Event, state: FunnelState, contract: VersionedContract, prefix: str, n0: int
) -> list[Event]:
    out: list[Event] = []
    for i, clock in enumerate(open_clocks(state, cause.lead_id or "", prefix)):
        out.extend(stop(cause, clock, contract, cause.occurred_at, n0 + i))
    return out


def breach(clock: Clock, version: str) -> Event:
    return Event(
        type=EventType.SLA_BREACHED,
        source=SOURCE_ENGINE,
        source_id=f"breach:{clock.clock_id}",
        occurred_at=clock.due_at,
        lead_id=clock.lead_id,
        payload={
            "clock_id": clock.clock_id,
            "sla": clock.sla,
            "owner": clock.owner,
            "owner_side": clock.owner_side,
            "due_at": clock.due_at.isoformat(),
        },
        contract_version=version,
    )


def tick(state: FunnelState, contract: VersionedContract, now: datetime) -> list[Event]:
    """Breaches of running clocks overdue at `now` (once each), then the escalations they cause."""
    overdue = sorted(
        (
            c
            for cid in state.open_clock_ids
            if (c := state.clocks[cid]).due_at < now and not c.breached
        ),
        key=lambda c: (c.due_at, c.clock_id),
    )
    events = [breach(c, contract.version) for c in overdue]
    pending = [Breach(c.clock_id, c.sla, c.owner, c.owner_side, c.due_at) for c in overdue]
    return events + escalations(state, contract, pending, in_state=False)
