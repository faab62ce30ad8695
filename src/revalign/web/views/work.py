"""The work pages: the SAL queue, a rep's queue and the lead page (with the clocks left)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from revalign.core.explain import explain_lead, explanation_to_json
from revalign.core.sla import calendar_for
from revalign.core.state import Clock
from revalign.engine import Engine
from revalign.errors import NotFound
from revalign.event_queries import EventFilter, list_events
from revalign.lead_queries import LeadFilter, list_leads
from revalign.routing_queries import route_explain
from revalign.services import lead_show
from revalign.web.auth import Caller

_WORKED = ("sal", "sql")


def clock_left(engine: Engine, clock: Clock, now: datetime) -> dict[str, Any]:
    """A running clock's time left: business hours in its owner's calendar, else wall hours."""
    terms = engine.contract.contract
    calendar = calendar_for(terms, clock.sla, clock.owner)
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


def sal_queue(engine: Engine, caller: Caller, team: str, now: datetime) -> list[dict[str, Any]]:
    """MQLs waiting at the SAL gate (a manager's own team first), with the clock running."""
    chosen = team or (caller.team if caller.role == "sales_manager" else "") or None
    rows = list_leads(engine.ledger, LeadFilter(queue="sal-review", team=chosen, limit=200))
    state = engine.state
    for row in rows:
        lead = state.leads.get(row["lead_id"])
        row["clocks"] = _running(engine, row["lead_id"], now)
        row["why"] = _routing_reason(engine, row["lead_id"])
        if lead is not None:
            parts = explain_lead(lead, engine.contract, now).parts
            row["top_parts"] = [p.to_dict() for p in parts[:3]]
    return rows


def _routing_reason(engine: Engine, lead_id: str) -> str | None:
    """The reason of the lead's latest routing decision ("rule 'apac' -> sdr-apac; …")."""
    try:
        decisions = route_explain(engine.ledger, lead_id)["decisions"]
    except NotFound:
        return None
    reason = decisions[-1].get("reason") if decisions else None
    return str(reason) if reason else None


def rep_queue(engine: Engine, rep: str, now: datetime) -> list[dict[str, Any]]:
    """The rep's leads being worked (SAL, SQL) with clocks, cadence and the next action."""
    rows = [r for r in list_leads(engine.ledger, LeadFilter(owner=rep)) if r["stage"] in _WORKED]
    cadence = engine.contract.contract.qualification.cadence
    for row in rows:
        shown = lead_show(engine, row["lead_id"], now)
        row["cadence"] = shown["cadence"]
        row["touches_needed"] = cadence.min_touches
        row["window_days"] = cadence.window_days
        row["days_in_stage"] = (now - row["stage_at"]).days if row["stage_at"] else None
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


def lead_page(engine: Engine, lead_id: str, now: datetime) -> dict[str, Any]:
    state = engine.state
    lead = state.leads.get(lead_id)
    if lead is None:
        raise NotFound(f"no lead {lead_id!r}")
    shown = lead_show(engine, lead_id, now)
    explanation = explanation_to_json(explain_lead(lead, engine.contract, now))
    try:
        routing = route_explain(engine.ledger, lead_id)["decisions"]
    except NotFound:
        routing = []
    timeline = list_events(engine.ledger, EventFilter(lead_id=lead_id))
    return {"lead": shown, "explanation": explanation, "routing": routing,
            "timeline": timeline, "running": _running(engine, lead_id, now)}  # fmt: skip
