"""Find and list leads from the projection tables (fast: no fold of the ledger).

    rows = list_leads(ledger, LeadFilter(queue="sal-review", team="smb"))
    rows = find_leads(ledger, "budi@acme.co.id")      # or a name / company fragment

Each row is a JSON-ready dict (see `LEAD_COLUMNS`). The projections reflect the ledger up to
the engine's checkpoint, like `lead show`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
import sqlalchemy as sa

from revalign.connectors.identity import lead_id_for
from revalign.errors import InputError
from revalign.ledger import SqlLedger
from revalign.ledger import tables as t

Queue = Literal["sal-review", "first-contact", "breached"]
QUEUES: tuple[str, ...] = ("sal-review", "first-contact", "breached")
LEAD_COLUMNS: tuple[str, ...] = (
    "lead_id", "name", "email", "company", "title", "stage", "owner", "team", "channel",
    "campaign", "score", "high_intent", "created_at", "stage_at", "sla", "due_at", "breached",
)  # fmt: skip


_NEVER = datetime.min.replace(tzinfo=UTC)
_LAST = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class LeadFilter:
    stage: str | None = None
    owner: str | None = None
    team: str | None = None
    queue: str | None = None
    channel: str | None = None
    campaign: str | None = None
    created_since: datetime | None = None
    limit: int | None = None


def _row(m: Mapping[Any, Any], clock: Mapping[str, Any] | None) -> dict[str, Any]:
    data = orjson.loads(m["data"])
    name = " ".join(x for x in (data.get("first_name"), data.get("last_name")) if x)
    return {
        "lead_id": m["lead_id"],
        "name": name or None,
        "email": data.get("email") or None,
        "company": m["company"],
        "title": data.get("title"),
        "stage": m["stage"],
        "owner": m["owner"],
        "team": m["team"],
        "channel": m["source"],
        "campaign": m["campaign"],
        "score": m["score"],
        "high_intent": bool(data.get("high_intent")),
        "created_at": m["created_at"],
        "stage_at": m["stage_at"],
        "sla": clock["sla"] if clock else None,
        "due_at": clock["due_at"] if clock else None,
        "breached": sorted(clock["breached_slas"]) if clock else [],
    }


def _clocks(conn: sa.Connection, queue: str | None) -> dict[str, dict[str, Any]]:
    """Per lead: the clock its queue waits on (earliest due), and its breached SLAs."""
    c = t.clocks
    query = sa.select(c.c.lead_id, c.c.sla, c.c.due_at, c.c.stopped_at, c.c.breached)
    if queue == "sal-review":
        query = query.where(c.c.sla == "sal_review", c.c.stopped_at.is_(None))
    elif queue == "first-contact":
        query = query.where(c.c.sla.like("first_contact%"), c.c.stopped_at.is_(None))
    elif queue == "breached":
        query = query.where(c.c.breached.is_(True))
    else:  # no queue: the lead's open clocks, for the sla / due_at columns
        query = query.where(sa.or_(c.c.stopped_at.is_(None), c.c.breached.is_(True)))
    out: dict[str, dict[str, Any]] = {}
    for m in conn.execute(query).mappings():
        lead = m["lead_id"]
        if lead is None:
            continue
        entry = out.setdefault(lead, {"sla": None, "due_at": None, "breached_slas": set()})
        if m["breached"]:
            entry["breached_slas"].add(m["sla"])
        running = m["stopped_at"] is None
        if (running or queue == "breached") and (
            entry["due_at"] is None or m["due_at"] < entry["due_at"]
        ):
            entry["sla"], entry["due_at"] = m["sla"], m["due_at"]
    return out


def _lead_query(f: LeadFilter) -> sa.Select[Any]:
    lt = t.leads
    query = sa.select(lt)
    for column, value in (
        (lt.c.stage, f.stage), (lt.c.owner, f.owner), (lt.c.team, f.team),
        (lt.c.source, f.channel), (lt.c.campaign, f.campaign),
    ):  # fmt: skip
        if value is not None:
            query = query.where(column == value)
    if f.created_since is not None:
        query = query.where(lt.c.created_at >= f.created_since)
    if f.queue == "sal-review":
        query = query.where(lt.c.stage == "mql")
    elif f.queue == "first-contact":
        query = query.where(lt.c.stage == "sal", lt.c.first_contact_at.is_(None))
    return query


def list_leads(ledger: SqlLedger, f: LeadFilter) -> list[dict[str, Any]]:
    """Leads matching every given filter. Queues are ordered by due time (most urgent
    first), other lists by creation (newest first)."""
    if f.queue is not None and f.queue not in QUEUES:
        raise InputError(f"--queue {f.queue!r}: choose one of {', '.join(QUEUES)}")
    with ledger.reader() as conn:
        clocks = _clocks(conn, f.queue)
        rows = [
            _row(m, clocks.get(m["lead_id"]))
            for m in conn.execute(_lead_query(f)).mappings()
            # the stage queues list every lead at the stage, with or without a running clock
            if f.queue != "breached" or m["lead_id"] in clocks
        ]
    if f.queue is None:
        rows.sort(key=lambda r: r["created_at"] or _NEVER, reverse=True)
    else:
        rows.sort(key=lambda r: r["due_at"] or _LAST)
    return rows[: f.limit] if f.limit else rows


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _candidates(conn: sa.Connection, terms: Sequence[str]) -> Iterable[Mapping[Any, Any]]:
    lt = t.leads
    query = sa.select(lt)
    for term in terms:  # every word somewhere in the row (case-insensitive)
        pattern = _like(term)
        query = query.where(
            sa.or_(
                lt.c.data.ilike(pattern, escape="\\"),
                lt.c.company.ilike(pattern, escape="\\"),
            )
        )
    return conn.execute(query).mappings()


def _rank(row: Mapping[str, Any], text: str) -> int | None:
    """0 exact name, 1 name starts with it, 2 name has every word, 3 company, 4 e-mail."""
    name = (row["name"] or "").lower()
    company = (row["company"] or "").lower()
    email = (row["email"] or "").lower()
    words = text.split()
    if name == text:
        return 0
    if name.startswith(text):
        return 1
    if all(w in name for w in words):
        return 2
    if all(w in company or w in name for w in words):
        return 3
    if all(w in email for w in words):
        return 4
    return None


def find_leads(ledger: SqlLedger, query: str, limit: int | None = None) -> list[dict[str, Any]]:
    """An e-mail matches exactly (any case); other text matches names and companies, ranked."""
    text = " ".join(query.lower().split())
    if not text:
        raise InputError("lead find: give an e-mail, a name or a company")
    with ledger.reader() as conn:
        clocks = _clocks(conn, None)
        if "@" in text and " " not in text:
            by_id = conn.execute(
                sa.select(t.leads).where(t.leads.c.lead_id == lead_id_for(text))
            ).mappings()
            found = [_row(m, clocks.get(m["lead_id"])) for m in by_id]
            if not found:  # ids not derived from the e-mail (datasets, CRMs)
                found = [_row(m, clocks.get(m["lead_id"])) for m in _candidates(conn, [text])]
            return [r for r in found if (r["email"] or "").lower() == text][:limit]
        rows = [_row(m, clocks.get(m["lead_id"])) for m in _candidates(conn, text.split())]
    ranked = [(rank, r) for r in rows if (rank := _rank(r, text)) is not None]
    ranked.sort(key=lambda p: (p[0], p[1]["name"] or "", p[1]["lead_id"]))
    return [r for _, r in ranked][:limit]
