"""Stopgap: the few funnel tables attribution and planning need, folded from events.

Same column names as `revalign.analytics.frames` (the shared definitions); used only while
that module is not available, so there is one definition once it lands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from revalign.core.events import Event, EventType


@dataclass(frozen=True)
class EventFrames:
    leads: pd.DataFrame
    opportunities: pd.DataFrame
    touches: pd.DataFrame
    costs: pd.DataFrame


_LEAD_STAGE_AT = {
    EventType.MQL_REACHED: "mql_at",
    EventType.SAL_ACCEPTED: "sal_at",
    EventType.SQL_QUALIFIED: "sql_at",
}


def frames_from_events(events: Iterable[Event]) -> EventFrames:
    leads: dict[str, dict[str, Any]] = {}
    opps: dict[str, dict[str, Any]] = {}
    touches: list[dict[str, Any]] = []
    costs: list[dict[str, Any]] = []
    for e in events:
        p = e.payload
        if e.type is EventType.LEAD_CAPTURED and e.lead_id:
            leads.setdefault(e.lead_id, {"lead_id": e.lead_id, "created_at": e.occurred_at})
            leads[e.lead_id].update(channel=p.get("source"), campaign=p.get("campaign"))
        elif e.type is EventType.MARKETING_TOUCH and e.lead_id:
            touches.append(
                {
                    "lead_id": e.lead_id,
                    "occurred_at": e.occurred_at,
                    "kind": p.get("kind"),
                    "channel": p.get("channel"),
                    "campaign": p.get("campaign"),
                }
            )
        elif e.type in _LEAD_STAGE_AT and e.lead_id in leads:
            leads[e.lead_id].setdefault(_LEAD_STAGE_AT[e.type], e.occurred_at)
        elif e.type is EventType.LEAD_ASSIGNED and e.lead_id in leads:
            leads[e.lead_id].update(owner=p.get("owner"), team=p.get("team"))
        elif e.type is EventType.OPPORTUNITY_CREATED and e.opportunity_id:
            opps[e.opportunity_id] = {
                "opportunity_id": e.opportunity_id,
                "lead_id": e.lead_id,
                "created_at": e.occurred_at,
                "amount": float(p.get("amount", 0)),
                "currency": p.get("currency"),
                "won": None,
                "closed_at": None,
            }
            if e.lead_id in leads:
                leads[e.lead_id]["opportunity_id"] = e.opportunity_id
        elif e.type in (EventType.OPPORTUNITY_WON, EventType.OPPORTUNITY_LOST):
            opp = opps.get(e.opportunity_id or "")
            if opp is not None and opp["closed_at"] is None:
                won = e.type is EventType.OPPORTUNITY_WON
                opp.update(won=won, closed_at=e.occurred_at)
                if won:
                    opp["amount"] = float(p.get("amount", opp["amount"]))
                lead = leads.get(opp["lead_id"] or "")
                if lead is not None:
                    lead["won_at" if won else "lost_at"] = e.occurred_at
        elif e.type is EventType.CAMPAIGN_COST:
            costs.append(
                {
                    **{k: p.get(k) for k in ("campaign", "channel", "currency")},
                    "amount": float(p.get("amount", 0)),
                    "period_start": p.get("period_start"),
                    "period_end": p.get("period_end"),
                }
            )
    return EventFrames(
        leads=_frame(leads.values(), _LEAD_COLUMNS),
        opportunities=_frame(opps.values(), _OPP_COLUMNS),
        touches=_frame(touches, ["lead_id", "occurred_at", "kind", "channel", "campaign"]),
        costs=_frame(
            costs, ["campaign", "channel", "amount", "currency", "period_start", "period_end"]
        ),
    )


_LEAD_COLUMNS = [
    "lead_id",
    "created_at",
    "channel",
    "campaign",
    "team",
    "owner",
    "mql_at",
    "sal_at",
    "sql_at",
    "opportunity_id",
    "won_at",
    "lost_at",
]
_OPP_COLUMNS = ["opportunity_id", "lead_id", "created_at", "amount", "currency", "won", "closed_at"]
_TIME_COLUMNS = {
    "created_at",
    "occurred_at",
    "mql_at",
    "sal_at",
    "sql_at",
    "won_at",
    "lost_at",
    "closed_at",
}


def _frame(rows: Iterable[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(list(rows), columns=columns)
    for column in _TIME_COLUMNS & set(columns):
        df[column] = pd.to_datetime(df[column], utc=True)
    return df
