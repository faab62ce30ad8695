"""The ledger's events, filtered, as JSON-ready rows (for `revalign events`).

rows = list_events(ledger, EventFilter(type="engine.rejected", since=...))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from revalign.core.events import Event, EventType
from revalign.errors import InputError
from revalign.ledger import SqlLedger
from revalign.ledger import tables as t
from revalign.ledger.codec import row_event

EVENT_COLUMNS: tuple[str, ...] = (
    "seq", "occurred_at", "type", "lead_id", "opportunity_id", "source", "summary",
    "rejected_type", "reason", "id",
)  # fmt: skip
_TYPES = tuple(e.value for e in EventType)


@dataclass(frozen=True)
class EventFilter:
    type: str | None = None
    lead_id: str | None = None
    since: datetime | None = None
    limit: int | None = None
    newest: bool = False  # with `limit`: the last `limit` events, not the first


def _summary(event: Event) -> str:
    """The scalar payload fields as `key=value`, in payload order (lists and maps left out)."""
    p = event.payload
    if event.type is EventType.EVENT_REJECTED:
        return f"{p.get('rejected_type')}: {p.get('reason')}"
    parts = [f"{k}={v}" for k, v in p.items() if v is not None and not isinstance(v, dict | list)]
    return "; ".join(parts)


def event_record(event: Event) -> dict[str, Any]:
    """One event as a row: its columns, a summary, and the whole event under `event`."""
    p = event.payload
    rejected = event.type is EventType.EVENT_REJECTED
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "type": event.type.value,
        "lead_id": event.lead_id,
        "opportunity_id": event.opportunity_id,
        "source": event.source,
        "summary": _summary(event),
        "rejected_type": p.get("rejected_type") if rejected else None,
        "reason": p.get("reason"),
        "id": event.id,
        "event": event.to_dict(),
    }


def list_events(ledger: SqlLedger, f: EventFilter) -> list[dict[str, Any]]:
    """Events matching every given filter, in seq order."""
    if f.type is not None and f.type not in _TYPES:
        raise InputError(f"--type {f.type!r}: choose one of {', '.join(_TYPES)}")
    e = t.events
    query = sa.select(e)
    if f.type is not None:
        query = query.where(e.c.type == f.type)
    if f.lead_id is not None:
        query = query.where(e.c.lead_id == f.lead_id)
    if f.since is not None:
        query = query.where(e.c.occurred_at >= f.since)
    query = query.order_by(e.c.seq.desc() if f.newest else e.c.seq)
    if f.limit is not None:
        query = query.limit(f.limit)
    with ledger.reader() as conn:
        events = [row_event(m) for m in conn.execute(query).mappings()]
    if f.newest:
        events.reverse()
    return [event_record(ev) for ev in events]
