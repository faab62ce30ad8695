"""The work pages: the SAL queue, a rep's queue and the lead page (with the clocks left).
Reads and writes go through the verbs layer, which applies the row rule (a rep sees own
leads, a sales manager the team's)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from revalign import services
from revalign.auth import Caller
from revalign.core.sla import calendar_for
from revalign.core.state import Clock
from revalign.engine import Engine
from revalign.errors import NotFound
from revalign.event_queries import EventFilter, list_events
from revalign.routing_queries import route_explain
from revalign.services.lead_list import LeadQuery, list_page

_WORKED = ("sal", "sql")
QUEUE_LIMIT = 200


def clock_left(engine: Engine, clock: Clock, now: datetime) -> dict[str, Any]:
    """A running clock's time left: business hours in its owner's calendar, else wall hours."""
    calendar = calendar_for(engine.contract.contract, clock.sla, clock.owner)
    if now >= clock.due_at:
        wall = (now - clock.due_at).total_seconds() / 3600
        return {"hours": -round(wall, 1), "business": False, "overdue": True}
    if calendar is None:
        hours = (clock.due_at - now).total_seconds() / 3600
        return {"hours": round(hours, 1), "business": False, "overdue": False}
    hours = calendar.business_hours_between(now, clock.due_at)
    return {"hours": round(hours, 1), "business": True, "overdue": False}


def _running(engine: Engine, lead_id: str, now: datetime) -> list[dict[str, Any]]:
    state = engine.state
    out = []
    for cid in state.clocks_by_lead.get(lead_id, ()):
        c = state.clocks[cid]
        if c.stopped_at is None:
            out.append({"sla": c.sla, "owner": c.owner, "due_at": c.due_at,
                        "breached": c.breached, **clock_left(engine, c, now)})  # fmt: skip
    return out


def _routing_reason(engine: Engine, lead_id: str) -> str | None:
    """The reason of the lead's latest routing decision ("rule 'apac' -> sdr-apac; …")."""
    try:
        decisions = route_explain(engine.ledger, lead_id)["decisions"]
    except NotFound:
        return None
    reason = decisions[-1].get("reason") if decisions else None
    return str(reason) if reason else None


def _rows(engine: Engine, caller: Caller, query: LeadQuery) -> list[dict[str, Any]]:
    return [r.model_dump() for r in list_page(engine.ledger, caller, query).items]


def sal_queue(engine: Engine, caller: Caller, team: str, now: datetime) -> list[dict[str, Any]]:
    """MQLs waiting at the SAL gate that the caller may see, oldest clock first."""
    rows = _rows(engine, caller, LeadQuery(stage="mql", team=team or None, limit=QUEUE_LIMIT))
    state = engine.state
    for row in rows:
        lead = state.leads[row["lead_id"]]
        row["clocks"] = _running(engine, row["lead_id"], now)
        row["why"] = _routing_reason(engine, row["lead_id"])
        parts = services.explain(engine, caller, row["lead_id"], now).report["parts"]
        row["top_parts"] = sorted(parts, key=lambda p: -abs(p["points"]))[:3]
        row["high_intent"] = lead.high_intent
    return sorted(rows, key=lambda r: min((c["due_at"] for c in r["clocks"]), default=now))


def rep_queue(engine: Engine, caller: Caller, rep: str, now: datetime) -> list[dict[str, Any]]:
    """The rep's leads being worked (SAL, SQL) with clocks, cadence and the next action."""
    rows = [r for stage in _WORKED for r in _rows(
        engine, caller, LeadQuery(owner=rep, stage=stage, limit=QUEUE_LIMIT))]  # fmt: skip
    cadence = engine.contract.contract.qualification.cadence
    for row in rows:
        shown = services.lead_show(engine, caller, row["lead_id"], now)
        row["cadence"] = shown.cadence.model_dump()
        row["touches_needed"] = cadence.min_touches
        row["window_days"] = cadence.window_days
        # days into the cadence window: from the first cadence touch on
        started = row["cadence"]["touches"] > 0
        row["cadence_days"] = cadence.window_days - row["cadence"]["days_missing"] if started \
            else 0  # fmt: skip
        row["clocks"] = _running(engine, row["lead_id"], now)
        row["next"] = _next_action(row)
    return rows


def _next_action(row: dict[str, Any]) -> str:
    if row["stage"] == "sql":
        return "create an opportunity"
    if row["cadence"]["touches"] == 0:
        return "first contact"
    if row["cadence"]["touches_missing"] or row["cadence"]["days_missing"]:
        return "keep the cadence"
    return "qualify or disposition"


def lead_page(engine: Engine, caller: Caller, lead_id: str, now: datetime) -> dict[str, Any]:
    """Everything the lead page shows; NotFound for a lead the caller may not see."""
    shown = services.lead_show(engine, caller, lead_id, now)
    explanation = services.explain(engine, caller, lead_id, now).report
    try:
        routing = route_explain(engine.ledger, lead_id)["decisions"]
    except NotFound:
        routing = []
    timeline = list_events(engine.ledger, EventFilter(lead_id=lead_id))
    return {"lead": shown, "explanation": explanation, "routing": routing,
            "timeline": timeline, "running": _running(engine, lead_id, now)}  # fmt: skip
