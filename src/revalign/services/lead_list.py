"""Lead lists for the API and the dashboard: filters, text search, keyset pagination.

Reads the `leads` projection (no fold), newest first by (created_at, lead_id); the cursor is
the last row's key, so a page costs one indexed range query however deep it is. A rep gets
only their own leads, a sales manager their team's (the row rule of the permission table).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa

from revalign.auth.caller import Caller
from revalign.auth.permissions import Action, require
from revalign.auth.roles import Role
from revalign.errors import InputError
from revalign.ledger import SqlLedger
from revalign.ledger import tables as t
from revalign.services.views import LeadRow, Page

MAX_LIMIT = 500


@dataclass(frozen=True)
class LeadQuery:
    stage: str | None = None
    owner: str | None = None
    team: str | None = None
    channel: str | None = None
    campaign: str | None = None
    score_min: float | None = None
    score_max: float | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    q: str | None = None
    cursor: str | None = None
    limit: int = 50


def _encode(created: datetime | None, lead_id: str) -> str:
    raw = orjson.dumps([created.isoformat() if created else None, lead_id])
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _decode(cursor: str) -> tuple[datetime, str]:
    try:
        created, lead_id = orjson.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        moment = datetime.fromisoformat(created)
        if moment.tzinfo is None:
            raise ValueError("naive")
        return moment, str(lead_id)
    except (ValueError, TypeError, UnicodeError, orjson.JSONDecodeError):
        raise InputError("cursor: not a cursor this server gave") from None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _where(query: sa.Select[Any], f: LeadQuery, caller: Caller) -> sa.Select[Any]:
    lt = t.leads
    owner, team = f.owner, f.team
    if caller.role == Role.REP:  # a rep's list is their own, whatever they ask for
        query = query.where(lt.c.owner == (caller.rep_id or ""))
    elif caller.role == Role.SALES_MANAGER:
        query = query.where(lt.c.team == (caller.team or ""))
    for column, value in (
        (lt.c.stage, f.stage), (lt.c.owner, owner), (lt.c.team, team),
        (lt.c.source, f.channel), (lt.c.campaign, f.campaign),
    ):  # fmt: skip
        if value is not None:
            query = query.where(column == value)
    if f.score_min is not None:
        query = query.where(lt.c.score >= f.score_min)
    if f.score_max is not None:
        query = query.where(lt.c.score <= f.score_max)
    if f.created_from is not None:
        query = query.where(lt.c.created_at >= f.created_from)
    if f.created_to is not None:
        query = query.where(lt.c.created_at < f.created_to)
    for term in (f.q or "").split():
        pattern = _like(term)
        query = query.where(sa.or_(lt.c.data.ilike(pattern, escape="\\"),
                                   lt.c.company.ilike(pattern, escape="\\")))  # fmt: skip
    return query


def _row(m: Any) -> LeadRow:
    data = orjson.loads(m["data"])
    name = " ".join(x for x in (data.get("first_name"), data.get("last_name")) if x)
    return LeadRow(
        lead_id=m["lead_id"], name=name or None, email=data.get("email") or None,
        company=m["company"], title=data.get("title"), stage=m["stage"], owner=m["owner"],
        team=m["team"], channel=m["source"], campaign=m["campaign"], score=m["score"],
        high_intent=bool(data.get("high_intent")), created_at=m["created_at"],
        stage_at=m["stage_at"],
    )  # fmt: skip


def list_page(ledger: SqlLedger, caller: Caller, f: LeadQuery) -> Page[LeadRow]:
    """One page of the leads the caller may see that match every filter."""
    require(caller, Action.LEAD_READ)
    if not 1 <= f.limit <= MAX_LIMIT:
        raise InputError(f"limit must be 1..{MAX_LIMIT}")
    if f.score_min is not None and f.score_max is not None and f.score_min > f.score_max:
        raise InputError("score_min is above score_max")
    lt = t.leads
    query = _where(sa.select(lt), f, caller)
    if f.cursor:
        created, lead_id = _decode(f.cursor)
        # a row value: both SQLite and PostgreSQL walk the (created_at, lead_id) index
        query = query.where(sa.tuple_(lt.c.created_at, lt.c.lead_id) < sa.tuple_(
            sa.bindparam("c_created", created, type_=lt.c.created_at.type),
            sa.bindparam("c_lead", lead_id)))  # fmt: skip
    query = query.order_by(lt.c.created_at.desc(), lt.c.lead_id.desc())
    with ledger.reader() as conn:
        rows = list(conn.execute(query.limit(f.limit + 1)).mappings())
    items = [_row(m) for m in rows[: f.limit]]
    more = len(rows) > f.limit
    last = items[-1] if items else None
    cursor = _encode(last.created_at, last.lead_id) if more and last else None
    return Page[LeadRow](items=items, next_cursor=cursor)
