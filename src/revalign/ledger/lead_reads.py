"""One lead read from the projection tables: its LeadState, clocks and opportunity, decoded
from the rows' `data` JSON exactly as the engine holds them (a test compares every lead of
a demo). `lead show` needs nothing else, so it reads three indexed rows instead of loading
the whole folded state; used only when the projections are at the engine checkpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
import sqlalchemy as sa

from revalign.core.scoring import ScorePart
from revalign.core.state import (
    Clock,
    LeadState,
    OpportunityState,
    Signal,
    Stage,
    Touch,
    Transition,
)
from revalign.ledger import bulk

_LEAD_TIMES = ("created_at", "stage_at", "high_intent_at", "mql_at", "sal_at", "sql_at",
               "assigned_at", "first_contact_at", "score_due_at")  # fmt: skip
_CLOCK_TIMES = ("started_at", "due_at", "stopped_at", "warn_at")
_OPP_TIMES = ("created_at", "closed_at")


@dataclass(frozen=True)
class LeadRecord:
    """A lead with its SLA clocks (by start, then id) and its opportunity."""

    lead: LeadState
    clocks: list[Clock]
    opportunity: OpportunityState | None


def clock_order(clock: Clock) -> tuple[datetime, str]:
    return clock.started_at, clock.clock_id


def _times(data: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        value = data.get(name)
        if value is not None:
            data[name] = datetime.fromisoformat(value)


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def decode_lead(text: str | bytes) -> LeadState:
    data = orjson.loads(text)
    _times(data, _LEAD_TIMES)
    at = datetime.fromisoformat
    data["stage"] = Stage(data["stage"])
    data["reengage_on"] = _day(data.get("reengage_on"))
    data["score_parts"] = tuple(ScorePart(*p) for p in data["score_parts"])
    data["signals"] = tuple(Signal(s["kind"], at(s["at"])) for s in data["signals"])
    data["touches"] = tuple(Touch(t["kind"], t["by"], at(t["at"])) for t in data["touches"])
    data["history"] = tuple(
        Transition(Stage(h["stage"]), at(h["at"]), h["reason"]) for h in data["history"]
    )
    return LeadState(**data)


def decode_clock(text: str | bytes) -> Clock:
    data = orjson.loads(text)
    _times(data, _CLOCK_TIMES)
    return Clock(**data)


def decode_opportunity(text: str | bytes) -> OpportunityState:
    data = orjson.loads(text)
    _times(data, _OPP_TIMES)
    data["amount"] = Decimal(data["amount"])
    data["expected_close"] = _day(data.get("expected_close"))
    return OpportunityState(**data)


def read_lead(conn: sa.Connection, lead_id: str) -> LeadRecord | None:
    """The lead as the projection rows hold it, or None when there is no such lead."""
    rows = bulk.fetch(conn, "SELECT data FROM leads WHERE lead_id = ?", (lead_id,))
    if not rows:
        return None
    lead = decode_lead(rows[0][0])
    clocks = bulk.fetch(conn, "SELECT data FROM clocks WHERE lead_id = ?", (lead_id,))
    opp = None
    if lead.opportunity_id:
        found = bulk.fetch(
            conn, "SELECT data FROM opportunities WHERE opportunity_id = ?", (lead.opportunity_id,)
        )
        opp = decode_opportunity(found[0][0]) if found else None
    return LeadRecord(lead, sorted((decode_clock(r[0]) for r in clocks), key=clock_order), opp)
