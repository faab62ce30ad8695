"""The routing fairness report: leads per rep against weight and capacity, speed to route
(MQL -> first assignment to a rep) against the contract's minutes, reassignments by cause.

Read-only over the ledger. A lead queued with a manager (`method: manual`) is not routed
yet; its time counts from the MQL to the first assignment by a rule. A percentile of no
routed lead is null with the reason.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

from revalign.contract.schema import Contract
from revalign.core.events import EventType

if TYPE_CHECKING:
    from revalign.ledger import SqlLedger


def _events(
    ledger: SqlLedger, type: EventType, start: datetime, end: datetime
) -> list[dict[str, Any]]:
    from revalign.event_queries import EventFilter, list_events

    rows = list_events(ledger, EventFilter(type=type.value, since=start))
    return [r["event"] for r in rows if r["occurred_at"] < end]


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def routing_report(
    ledger: SqlLedger, contract: Contract, period: str, start: datetime, end: datetime
) -> dict[str, Any]:
    mqls = _events(ledger, EventType.MQL_REACHED, start, end)
    moves = _events(ledger, EventType.LEAD_ASSIGNED, start, end)
    mql_at: dict[str, datetime] = {}
    for e in mqls:
        mql_at.setdefault(str(e["lead_id"]), datetime.fromisoformat(e["occurred_at"]))
    routed: dict[str, float] = {}
    per_rep: Counter[str] = Counter()
    causes: Counter[str] = Counter()
    missed_by: Counter[str] = Counter()
    for e in moves:
        p, lead_id = e["payload"], str(e["lead_id"])
        per_rep[str(p.get("owner"))] += 1
        if p.get("hop") is not None:
            trace = p.get("trace") or {}
            causes[str((trace.get("reassigned") or {}).get("sla") or "reassign")] += 1
            missed_by[str(p.get("previous_owner"))] += 1
        at = datetime.fromisoformat(e["occurred_at"])
        if p.get("method") != "manual" and lead_id in mql_at and lead_id not in routed:
            routed[lead_id] = (at - mql_at[lead_id]).total_seconds() / 60
    total = sum(per_rep.values())
    reps = []
    for team in contract.teams:
        assignable = [r for r in team.reps if r.role == "rep"]
        weights = sum(r.weight for r in assignable) or 1
        team_total = sum(per_rep[r.id] for r in assignable)
        for r in assignable:
            reps.append({
                "rep": r.id, "team": team.id, "leads": per_rep[r.id],
                "share": round(per_rep[r.id] / team_total, 3) if team_total else None,
                "weight_share": round(r.weight / weights, 3), "weight": r.weight,
                "capacity": r.capacity, "daily_cap": r.daily_cap,
                "reassigned_away": missed_by[r.id],
            })  # fmt: skip
    minutes = list(routed.values())
    limit = contract.slas.route_minutes
    none_why = "no MQL of the period was routed to a rep"
    return {
        "period": period,
        "assignments": total,
        "reps": reps,
        "speed_to_route": {
            "mqls": len(mql_at),
            "routed": len(routed),
            "waiting": len(mql_at) - len(routed),
            "p50_minutes": _percentile(minutes, 0.5),
            "p99_minutes": _percentile(minutes, 0.99),
            "within_sla": round(sum(m <= limit for m in minutes) / len(minutes), 3)
            if minutes
            else None,
            "sla_minutes": limit,
            "reason": None if minutes else none_why,
        },
        "reassignments": {
            "total": sum(causes.values()),
            "by_cause": dict(causes),
            "by_previous_owner": dict(missed_by),
        },
    }
