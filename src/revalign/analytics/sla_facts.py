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


def read_sla_events(
    ledger: SqlLedger, types: Iterable[EventType] = SLA_TYPES, after_seq: int = 0
) -> Iterator[Event]:
    """The ledger's events of `types` (default: the SLA ones) after `after_seq`, in seq order
    (read-only)."""
    query = (
        sa.select(events_table)
        .where(events_table.c.type.in_([t.value for t in types]), events_table.c.seq > after_seq)
        .order_by(events_table.c.seq)
    )
    with ledger.reader() as conn:
        rows = [row_event(r) for r in conn.execute(query).mappings()]
    yield from rows


def teams_of(contract: Contract | None) -> dict[str, str]:
    """Owner → team for every team id and rep: the first team naming it, in contract order."""
    teams: dict[str, str] = {}
    for team in contract.teams if contract is not None else ():
        teams.setdefault(team.id, team.id)
        for rep in team.reps:
            teams.setdefault(rep.id, team.id)
    return teams


class SlaCollector:
    """Folds SLA events, one at a time, into one fact per clock, escalations and notices.
    Holds only plain data (the contract's part is the owner → team map and the notice
    days), so it can be kept between reads (`analytics/sla_cache.py`)."""

    def __init__(self, contract: Contract | None) -> None:
        self.clocks: dict[str, ClockFact] = {}
        self.escalations: list[dict[str, Any]] = []
        self.notices: list[dict[str, Any]] = []
        self.days = contract.slas.capacity_notice_days if contract is not None else None
        self.teams = teams_of(contract)

    def apply(self, e: Event) -> None:
        p = e.payload
        if e.type is EventType.ESCALATED:
            self.escalations.append({"at": e.occurred_at, **dict(p)})
            return
        if e.type is EventType.CAPACITY_NOTICE:
            self.notices.append(_notice(e, self.days))
            return
        cid = str(p.get("clock_id"))
        c = self.clocks.get(cid)
        if c is None:
            c = self.clocks[cid] = ClockFact(cid, lead_id=e.lead_id)
        c.sla = str(p.get("sla") or c.sla)
        if p.get("owner") is not None:
            c.owner = str(p["owner"])
            c.team = self.teams.get(c.owner, c.owner)
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

    def facts(self) -> SlaFacts:
        return SlaFacts(self.clocks, self.escalations, self.notices)


def collect(events: Iterable[Event], contract: Contract | None) -> SlaFacts:
    """Fold SLA events into one fact per clock, plus escalations and capacity notices."""
    collector = SlaCollector(contract)
    for e in events:
        collector.apply(e)
    return collector.facts()


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
