"""SLA clocks as events: start, warn, stop (met or late), breach; `tick` finds what is due.

Which SLAs exist, who owns them, what stops them and in which calendar they run is declared
once in `core.sla_catalog`. A clock stopped after its due time is a breach. The breach
event's key is the clock id, so the late stop (decide) and the overdue check (tick) can both
emit it: it is stored once. A running clock past `warn_at` (the contract's `slas.warn_at`
share of its time, in its own calendar) gets one `sla.warned`, keyed by the clock id too.
The period promises (MQL volume, MQL→SQL quality, weekly forecasts) are judged by
`core.sla_periods`; the instant checks (data quality, capacity notice) by `core.sla_checks`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from revalign.contract.schema import Contract, VersionedContract
from revalign.core.calendar import BusinessCalendar, calendar_for_owner, calendar_for_team
from revalign.core.escalation import escalations
from revalign.core.events import SOURCE_ENGINE, Event, EventType, derived
from revalign.core.sla_catalog import PERIOD_SLAS, calendar_of, stopped_by
from revalign.core.state import Breach, Clock, FunnelState

SIDE_SALES = "sales"
SIDE_MARKETING = "marketing"


def clock_id(lead_id: str, sla: str, cause: Event) -> str:
    """Deterministic: the same cause always opens the same clock."""
    return f"{lead_id}:{sla}:{cause.id[:13]}"


def calendar_for(contract: Contract, sla: str, owner: str) -> BusinessCalendar | None:
    """The business calendar `sla`'s clocks run in for `owner`; None for wall-clock SLAs."""
    kind = calendar_of(sla)
    if kind == "wall":
        return None
    if kind == "owner":
        return calendar_for_owner(contract, owner)
    return _owner_team_calendar(contract, owner)


def warn_time(
    contract: Contract, sla: str, owner: str, at: datetime, due_at: datetime, hours: float | None
) -> datetime:
    """When a clock started at `at` reaches the contract's `warn_at` share of its time."""
    share = contract.slas.warn_at
    calendar = calendar_for(contract, sla, owner) if hours is not None else None
    if calendar is None or hours is None:
        return at + (due_at - at) * share
    return calendar.add_business_hours(at, hours * share)


def start(
    cause: Event,
    contract: VersionedContract,
    sla: str,
    owner: str,
    side: str,
    due_at: datetime,
    n: int,
    hours: float | None = None,
) -> Event:
    """The clock's start; `hours` is its business-hours target (for the warning time)."""
    lead_id = cause.lead_id or ""
    at = cause.occurred_at
    payload = {
        "clock_id": clock_id(lead_id, sla, cause),
        "sla": sla,
        "owner": owner,
        "owner_side": side,
        "due_at": due_at.isoformat(),
        "warn_at": warn_time(contract.contract, sla, owner, at, due_at, hours).isoformat(),
    }
    return derived(
        cause,
        EventType.SLA_CLOCK_STARTED,
        n=n,
        payload=payload,
        contract_version=contract.version,
    )


def elapsed_hours(clock: Clock, contract: Contract, at: datetime) -> float:
    """Business hours for business-hours clocks; wall-clock hours for the others."""
    calendar = calendar_for(contract, clock.sla, clock.owner)
    if calendar is None:
        return round(max(0.0, (at - clock.started_at).total_seconds()) / 3600.0, 4)
    return calendar.business_hours_between(clock.started_at, at)


def _owner_team_calendar(contract: Contract, owner: str) -> BusinessCalendar:
    for team in contract.teams:
        if owner in (team.id, team.manager):
            return calendar_for_team(contract, team.id)
    return calendar_for_owner(contract, owner)


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


def open_clocks(
    state: FunnelState, lead_id: str, stops: Callable[[str], bool] | None = None
) -> list[Clock]:
    """The lead's running clocks (those `stops` accepts by SLA name), oldest first."""
    found = []
    for cid in state.clocks_by_lead.get(lead_id, ()):
        clock = state.clocks[cid]
        if clock.stopped_at is None and (stops is None or stops(clock.sla)):
            found.append(clock)
    return found


def stop_open(
    cause: Event, state: FunnelState, contract: VersionedContract, lead_id: str | None = None
) -> list[Event]:
    """Stop the running clocks of the lead that the catalog says `cause` stops."""
    out: list[Event] = []
    kind = cause.type
    clocks = open_clocks(state, lead_id or cause.lead_id or "", lambda s: stopped_by(kind, s))
    for i, clock in enumerate(clocks):
        out.extend(stop(cause, clock, contract, cause.occurred_at, i))
    return out


def breach(
    clock: Clock,
    version: str,
    at: datetime | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Event:
    """The breach of `clock`, dated at its due time (or `at`), with SLA-specific `extra`."""
    return Event(
        type=EventType.SLA_BREACHED,
        source=SOURCE_ENGINE,
        source_id=f"breach:{clock.clock_id}",
        occurred_at=at or clock.due_at,
        lead_id=clock.lead_id,
        payload={
            "clock_id": clock.clock_id,
            "sla": clock.sla,
            "owner": clock.owner,
            "owner_side": clock.owner_side,
            "due_at": clock.due_at.isoformat(),
            **(extra or {}),
        },
        contract_version=version,
    )


def warning(clock: Clock, version: str, at: datetime, used_fraction: float) -> Event:
    """One `sla.warned` for `clock` (keyed by the clock id: emitted once)."""
    return Event(
        type=EventType.SLA_WARNED,
        source=SOURCE_ENGINE,
        source_id=f"warn:{clock.clock_id}",
        occurred_at=at,
        lead_id=clock.lead_id,
        payload={
            "clock_id": clock.clock_id,
            "sla": clock.sla,
            "owner": clock.owner,
            "owner_side": clock.owner_side,
            "due_at": clock.due_at.isoformat(),
            "used_fraction": round(used_fraction, 4),
        },
        contract_version=version,
    )


def used_fraction(clock: Clock, contract: Contract, at: datetime) -> float:
    """Share of the clock's time used at `at`, in its own calendar (0..1)."""
    total = elapsed_hours(clock, contract, clock.due_at)
    if total <= 0:
        return 1.0
    return min(1.0, max(0.0, elapsed_hours(clock, contract, at) / total))


def _warn_at(clock: Clock, share: float) -> datetime:
    return clock.warn_at or clock.started_at + (clock.due_at - clock.started_at) * share


def tick(state: FunnelState, contract: VersionedContract, now: datetime) -> list[Event]:
    """Breaches of overdue clocks and warnings of clocks past `warn_at` (once each), the
    period promises due by `now`, then the escalations the breaches cause."""
    from revalign.core.sla_periods import period_events  # it builds on this module

    share = contract.contract.slas.warn_at
    overdue: list[Clock] = []
    warn: list[Clock] = []
    clocks, warned = state.clocks, state.warned
    for cid in state.open_clock_ids:
        c = clocks[cid]
        if c.breached or c.sla in PERIOD_SLAS:
            continue  # period clocks are judged by their own rule, not by their due time
        if c.due_at < now:
            overdue.append(c)
        elif cid not in warned and _warn_at(c, share) <= now:
            warn.append(c)
    overdue.sort(key=lambda c: (c.due_at, c.clock_id))
    warn.sort(key=lambda c: (_warn_at(c, share), c.clock_id))
    version, c_ = contract.version, contract.contract
    events = [breach(c, version) for c in overdue]
    for c in warn:  # the share used at the warning's own moment: the same on every tick
        at = _warn_at(c, share)
        events.append(warning(c, version, at, used_fraction(c, c_, at)))
    periodic = period_events(state, contract, now)
    events += periodic
    pending = [Breach(c.clock_id, c.sla, c.owner, c.owner_side, c.due_at) for c in overdue]
    pending += [_as_breach(e) for e in periodic if e.type is EventType.SLA_BREACHED]
    return events + escalations(state, contract, pending, in_state=False)


def _as_breach(e: Event) -> Breach:
    p = e.payload
    return Breach(str(p["clock_id"]), str(p["sla"]), str(p["owner"]), str(p["owner_side"]),
                  e.occurred_at)  # fmt: skip
