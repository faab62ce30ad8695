"""The audit trail: who did a write, kept in the event it produces.

Every human or API fact carries `payload["actor"]` = {user, user_id, role, token_id,
request_id, client} (None fields left out). It is added after the payload is validated, so
the typed payload models stay as they are; the core's fold reads named fields and ignores it,
and the ledger keeps it like any payload field (append-only, hashed into nothing). `revalign
audit` and `GET /api/audit` list the events that carry one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from revalign.auth.caller import Caller
from revalign.auth.permissions import Action, require
from revalign.services.views import AuditEntry, Page

if TYPE_CHECKING:
    from revalign.ledger import SqlLedger

ACTOR = "actor"
MAX_PAGE = 500


def actor(caller: Caller) -> dict[str, str]:
    """The audit record of a caller, as stored in the payload."""
    fields = {
        "user": caller.name,
        "user_id": caller.user_id,
        "role": caller.role.value,
        "token_id": caller.token_id,
        "request_id": caller.request_id,
        "client": caller.client,
    }
    return {k: v for k, v in fields.items() if v is not None}


def stamped(payload: Mapping[str, Any], caller: Caller) -> dict[str, Any]:
    """`payload` with the caller's audit record."""
    return {**payload, ACTOR: actor(caller)}


def list_audit(
    ledger: SqlLedger,
    caller: Caller,
    *,
    user: str | None = None,
    role: str | None = None,
    type: str | None = None,
    lead_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after_seq: int = 0,
    limit: int = 100,
) -> Page[AuditEntry]:
    """Audited writes in ledger order, filtered; `next_cursor` continues the listing."""
    import sqlalchemy as sa  # every verb stamps the actor; only this listing needs SQL

    from revalign.ledger.codec import row_event
    from revalign.ledger.tables import events

    require(caller, Action.AUDIT_READ)
    size = max(1, min(limit, MAX_PAGE))
    query = sa.select(events).where(events.c.payload.like('%"actor":%'), events.c.seq > after_seq)
    if type is not None:
        query = query.where(events.c.type == type)
    if lead_id is not None:
        query = query.where(events.c.lead_id == lead_id)
    if since is not None:
        query = query.where(events.c.recorded_at >= since)
    if until is not None:
        query = query.where(events.c.recorded_at < until)
    items: list[AuditEntry] = []
    last = after_seq
    more = False
    with ledger.reader() as conn:
        # user / role live in the JSON: filter them here, page on by seq
        for row in conn.execute(query.order_by(events.c.seq)).mappings():
            event = row_event(row)
            who = event.payload.get(ACTOR)
            if not isinstance(who, dict):
                continue
            if (user and who.get("user") != user) or (role and who.get("role") != role):
                last = event.seq or last
                continue
            if len(items) == size:
                more = True
                break
            items.append(_entry(event.seq or 0, event, who))
            last = event.seq or last
    return Page[AuditEntry](items=items, next_cursor=str(last) if more else None)


def _entry(seq: int, event: Any, who: Mapping[str, Any]) -> AuditEntry:
    payload = {k: v for k, v in event.payload.items() if k != ACTOR}
    return AuditEntry(
        seq=seq,
        event_id=event.id,
        type=event.type.value,
        source=event.source,
        source_id=event.source_id,
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
        lead_id=event.lead_id,
        opportunity_id=event.opportunity_id,
        user=who.get("user"),
        user_id=who.get("user_id"),
        role=who.get("role"),
        token_id=who.get("token_id"),
        request_id=who.get("request_id"),
        client=who.get("client"),
        payload=orjson.loads(orjson.dumps(payload, default=str)),
    )
