"""`person export`: every event, projection row and attribute held about one person."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import sqlalchemy as sa

from revalign.errors import NotFound
from revalign.lead_queries import find_leads
from revalign.ledger import SqlLedger
from revalign.ledger import tables as t


def _rows(conn: sa.Connection, table: sa.Table, lead_id: str) -> list[dict[str, Any]]:
    rows = []
    for m in conn.execute(sa.select(table).where(table.c.lead_id == lead_id)).mappings():
        row = {k: v for k, v in m.items() if k != "data"}
        row["data"] = orjson.loads(m["data"])
        rows.append(row)
    return rows


def export_person(ledger: SqlLedger, email: str) -> dict[str, Any]:
    """{email, exported_at, leads: [{lead_id, lead (the projection), attributes, events,
    clocks, opportunities}]} for every lead with this e-mail (exact, any case)."""
    leads = find_leads(ledger, email)
    if not leads:
        raise NotFound(f"no person with e-mail {email!r}")
    out = []
    with ledger.reader() as conn:
        for lead in leads:
            lead_id = lead["lead_id"]
            projection = _rows(conn, t.leads, lead_id)
            state = projection[0]["data"] if projection else {}
            out.append({
                "lead_id": lead_id,
                "lead": state,
                "attributes": state.get("attributes", {}),
                "clocks": _rows(conn, t.clocks, lead_id),
                "opportunities": _rows(conn, t.opportunities, lead_id),
                "events": [e.to_dict() for e in ledger.events_for(lead_id=lead_id)],
            })  # fmt: skip
    return {"email": email, "exported_at": datetime.now(UTC).isoformat(), "leads": out}
