"""The SLA facts of a ledger, read-only: one row per clock, the escalations, capacity notices.

Only the SLA event types are read (one indexed query), so a weekly report does not stream the
whole funnel. Every clock's week is the ISO week (UTC) in which it was settled: its breach,
else its stop, else its due time (a clock still running and not yet due is "open").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from revalign.contract.schema import Contract
from revalign.core.events import Event, EventType
from revalign.errors import InputError
from revalign.ledger.codec import row_event
from revalign.ledger.sql import SqlLedger
from revalign.ledger.tables import events as events_table

SLA_TYPES = (
    EventType.SLA_CLOCK_STARTED,
    EventType.SLA_CLOCK_STOPPED,
    EventType.SLA_BREACHED,
    EventType.SLA_WARNED,
    EventType.ESCALATED,
    EventType.CAPACITY_NOTICE,
)


@dataclass
class ClockFact:
    clock_id: str
    sla: str = ""
    side: str = ""
    owner: str = ""
    team: str = ""
    lead_id: str | None = None
    started_at: datetime | None = None
    due_at: datetime | None = None
    stopped_at: datetime | None = None
    met: bool | None = None
    breached_at: datetime | None = None
    warned_at: datetime | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def settled_at(self) -> datetime | None:
        return self.breached_at or self.stopped_at or self.due_at


@dataclass
class SlaFacts:
    clocks: dict[str, ClockFact]
    escalations: list[dict[str, Any]]
    notices: list[dict[str, Any]]


def read_sla_events(ledger: SqlLedger, types: Iterable[EventType] = SLA_TYPES) -> Iterator[Event]:
    """The ledger's events of `types` (default: the SLA ones) in seq order (read-only)."""
    query = (
        sa.select(events_table)
        .where(events_table.c.type.in_([t.value for t in types]))
        .order_by(events_table.c.seq)
    )
    with ledger.reader() as conn:
        rows = [row_event(r) for r in conn.execute(query).mappings()]
    yield from rows


def team_of(contract: Contract | None, owner: str) -> str:
    """The team an owner belongs to (a rep's team, a team id itself), else the owner."""
    if contract is not None:
        for team in contract.teams:
            if owner == team.id or any(r.id == owner for r in team.reps):
                return team.id
    return owner


def collect(events: Iterable[Event], contract: Contract | None) -> SlaFacts:
    """Fold SLA events into one fact per clock, plus escalations and capacity notices."""
    clocks: dict[str, ClockFact] = {}
    escalations: list[dict[str, Any]] = []
    notices: list[dict[str, Any]] = []
    days = contract.slas.capacity_notice_days if contract is not None else None
    for e in events:
        p = e.payload
        if e.type is EventType.ESCALATED:
            escalations.append({"at": e.occurred_at, **dict(p)})
            continue
        if e.type is EventType.CAPACITY_NOTICE:
            notices.append(_notice(e, days))
            continue
        cid = str(p.get("clock_id"))
        c = clocks.get(cid)
        if c is None:
            c = clocks[cid] = ClockFact(cid, lead_id=e.lead_id)
        c.sla = str(p.get("sla") or c.sla)
        if p.get("owner") is not None:
            c.owner = str(p["owner"])
            c.team = team_of(contract, c.owner)
        if p.get("owner_side") is not None:
            c.side = str(p["owner_side"])
        if p.get("due_at") is not None:
            c.due_at = _moment(p["due_at"])
        if e.type is EventType.SLA_CLOCK_STARTED:
            c.started_at = e.occurred_at
        elif e.type is EventType.SLA_CLOCK_STOPPED and c.stopped_at is None:
            c.stopped_at, c.met = e.occurred_at, bool(p.get("met"))
        elif e.type is EventType.SLA_BREACHED and c.breached_at is None:
            c.breached_at = e.occurred_at
            keep = ("campaign", "channel", "missing_fields", "period", "target", "actual")
            c.detail = {k: p[k] for k in keep if p.get(k) is not None}
        elif e.type is EventType.SLA_WARNED and c.warned_at is None:
            c.warned_at = e.occurred_at
    return SlaFacts(clocks, escalations, notices)


def _notice(e: Event, days: int | None) -> dict[str, Any]:
    p = e.payload
    start = str(p.get("effective_from", ""))[:10]
    try:
        ahead: int | None = (date.fromisoformat(start) - e.occurred_at.date()).days
    except ValueError:
        ahead = None
    return {
        "announced_at": e.occurred_at,
        "team": p.get("team"),
        "rep": p.get("rep"),
        "effective_from": start,
        "effective_to": p.get("effective_to"),
        "capacity": p.get("capacity"),
        "reason": p.get("reason"),
        "days_ahead": ahead,
        "late": None if ahead is None or days is None else ahead < days,
    }


def _moment(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def parse_week(text: str) -> tuple[datetime, datetime]:
    """'2026-W48' → [Monday 00:00 UTC, next Monday); anything else is an InputError."""
    try:
        year, week = text.strip().upper().split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError as exc:
        raise InputError(f"week {text!r} must look like 2026-W48") from exc
    start = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
    return start, start + timedelta(days=7)


def week_of(at: datetime) -> str:
    year, week, _ = at.astimezone(UTC).isocalendar()
    return f"{year}-W{week:02d}"
