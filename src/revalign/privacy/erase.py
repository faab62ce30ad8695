"""`person erase`: redact a person's data in the stored events and the projections.

The one place the ledger is changed in place (see docs/privacy.md for why this and not
crypto-shredding). Steps, each safe to repeat (a crash in between is finished by running
the command again):

1. find the person's leads (e-mail exact, any case; ids are `lead_id_for(email)`);
2. in one write transaction, rewrite the payload of every event of those leads (and of
   any other event whose payload holds the e-mail) with `core.erasure.redact_payload`;
3. append `person.erased` (who, which fields, how many events; no personal data) through
   the engine: its fold blanks the lead, and the projection row is rewritten;
4. make the old bytes unrecoverable: SQLite `secure_delete`, VACUUM and a WAL checkpoint
   that truncates the -wal file; PostgreSQL VACUUM (or VACUUM FULL) of the tables.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa

from revalign.analytics import fold_cache
from revalign.connectors.identity import lead_id_for
from revalign.core.erasure import (
    PERSONAL_FIELDS,
    matcher,
    personal_values,
    redact_payload,
    scrub_values,
)
from revalign.core.events import Event, EventType
from revalign.core.payloads import validate_payload
from revalign.errors import NotFound, UserError
from revalign.lead_queries import find_leads
from revalign.ledger import SqlLedger, bulk, snapshots
from revalign.ledger import tables as t
from revalign.ledger.codec import dump_json
from revalign.ledger.sql import translate_errors

if TYPE_CHECKING:
    from revalign.engine import Engine

SOURCE_PRIVACY = "privacy"
_LEAD_FACTS = (EventType.LEAD_CAPTURED.value, EventType.LEAD_UPDATED.value)


class ErasureIncomplete(UserError):
    """Redacted, but the old pages could not be cleared yet (the ledger is in use)."""

    def __init__(self, why: str) -> None:
        super().__init__(
            f"erased, but old pages may remain in the database files ({why}): close the other "
            "processes using the ledger and run `revalign person erase` again"
        )


@dataclass(frozen=True)
class ErasureReport:
    lead_ids: list[str]
    events_redacted: int
    already_erased: bool
    compaction: str  # what was done to the freed bytes

    def to_dict(self) -> dict[str, Any]:
        return {
            "lead_ids": self.lead_ids,
            "events_redacted": self.events_redacted,
            "already_erased": self.already_erased,
            "compaction": self.compaction,
        }


def _targets(engine: Engine, email: str) -> tuple[list[str], bool]:
    """The person's lead ids, and whether they were erased before (then nothing to do)."""
    found = [r["lead_id"] for r in find_leads(engine.ledger, email)]
    if found:
        return found, False
    lead_id = lead_id_for(email)
    lead = engine.state.leads.get(lead_id)
    if lead is None or lead.email:
        raise NotFound(f"no person with e-mail {email!r}")
    # blank already: erased before, or a run stopped between redaction and its event
    erased = any(
        e.type is EventType.PERSON_ERASED for e in engine.ledger.events_for(lead_id=lead_id)
    )
    return [lead_id], erased


def _values(engine: Engine, lead_ids: list[str], email: str) -> set[str]:
    """Every personal value the person ever had: current state and every lead fact."""
    values = {email}
    for lead_id in lead_ids:
        lead = engine.state.leads.get(lead_id)
        if lead is not None:
            values |= personal_values({f: getattr(lead, f) for f in PERSONAL_FIELDS})
        for e in engine.ledger.events_for(lead_id=lead_id):
            if e.type.value in _LEAD_FACTS:
                p = e.payload
                values |= personal_values(p.get("changes") or p)
    return values


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _redact(
    ledger: SqlLedger, lead_ids: list[str], opp_ids: list[str], email: str, values: set[str]
) -> tuple[int, list[str]]:
    """Rewrite the payloads of the person's events: by lead, by opportunity (facts a CRM sent
    without the lead id) and any other event that holds the e-mail. Returns how many, and the
    other leads whose facts mentioned the e-mail (their state is scrubbed by the fold)."""
    pattern, email_only = matcher(values), matcher([email])
    e = t.events
    wanted = sa.or_(
        e.c.lead_id.in_(lead_ids),
        e.c.opportunity_id.in_(opp_ids),
        e.c.payload.ilike(_like(email), escape="\\"),
    )
    query = sa.select(e.c.seq, e.c.type, e.c.payload, e.c.lead_id, e.c.opportunity_id)
    changed, mentioned = 0, set()
    with ledger.writer() as w:
        if w.dialect == "sqlite":  # freed and overwritten pages are zeroed, not left behind
            bulk.execute(w.conn, "PRAGMA secure_delete = ON", ())
        snapshots.drop_all(w.conn)  # folded copies of the person's data go too
        fold_cache.forget(ledger)  # and the analytics' cached folds (frames, SLA facts)
        for seq, kind, text, lead_id, opp_id in w.conn.execute(query.where(wanted)).all():
            payload = orjson.loads(text)
            if lead_id in lead_ids or opp_id in opp_ids:
                redacted = redact_payload(kind, payload, pattern)
            else:  # another lead's fact that mentions the e-mail: only those strings go
                redacted = scrub_values(payload, email_only)
                mentioned.update([lead_id] if lead_id else [])
            new = dump_json(redacted)
            if new != text:
                bulk.execute(w.conn, "UPDATE events SET payload = ? WHERE seq = ?", (new, seq))
                changed += 1
    return changed, sorted(mentioned)


def compact(ledger: SqlLedger, *, full: bool = False, wait_ms: int = 5000) -> str:
    """Leave no old page behind: VACUUM (+ WAL truncation on SQLite). Returns what it did.

    SQLite waits up to `wait_ms` for other readers to move past the old pages."""
    if ledger.dialect == "sqlite":
        with translate_errors("compaction"):
            raw: Any = ledger.engine.raw_connection()
        try:
            raw.execute("PRAGMA secure_delete = ON")
            raw.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
            raw.execute("VACUUM")
            busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError as exc:  # locked by another process
            raise ErasureIncomplete(f"{exc}") from exc
        finally:
            raw.close()
        if busy:
            raise ErasureIncomplete("another process reads the ledger")
        return "sqlite: secure_delete, VACUUM, wal_checkpoint(TRUNCATE)"
    tables = ", ".join(["events", *(table.name for table in t.PROJECTION_TABLES)])
    verb = "VACUUM (FULL, ANALYZE)" if full else "VACUUM (ANALYZE)"
    with (
        translate_errors("vacuum"),
        ledger.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn,
    ):
        conn.exec_driver_sql(f"{verb} {tables}")
    return f"postgresql: {verb} {tables}"


def erase_person(
    engine: Engine,
    email: str,
    by: str,
    *,
    reason: str | None = None,
    vacuum_full: bool = False,
    wait_ms: int = 5000,
) -> ErasureReport:
    """Erase the person with this e-mail from the ledger and every projection (see above)."""
    address = email.strip()
    lead_ids, erased = _targets(engine, address)
    if erased:
        return ErasureReport(
            lead_ids, 0, True, compact(engine.ledger, full=vacuum_full, wait_ms=wait_ms)
        )
    opps = [o.opportunity_id for o in engine.state.opportunities.values() if o.lead_id in lead_ids]
    values = _values(engine, lead_ids, address)
    redacted, mentioned = _redact(engine.ledger, lead_ids, opps, address, values)
    engine.forget_state()  # its state was folded from the events before redaction
    now = datetime.now(UTC)
    for lead_id in lead_ids:
        lead = engine.state.leads.get(lead_id)
        payload = {"by": by, "fields": list(PERSONAL_FIELDS), "events_redacted": redacted,
                   "reason": reason, "mentioned_in": mentioned}  # fmt: skip
        event = Event(
            type=EventType.PERSON_ERASED,
            source=SOURCE_PRIVACY,
            source_id=str(uuid.uuid4()),
            occurred_at=now,
            lead_id=lead_id,
            account_id=lead.account_id if lead else None,
            payload=validate_payload(EventType.PERSON_ERASED, payload),
            contract_version=engine.contract.version,
        )
        engine.submit([event])
    return ErasureReport(
        lead_ids, redacted, False, compact(engine.ledger, full=vacuum_full, wait_ms=wait_ms)
    )
