"""Journeys and channel costs from the funnel tables (the shared frames of the ledger).

A journey is one lead: its marketing touches (channel = the touch's channel, else the lead's
source; a lead with no touch gets one at capture, on its source). Converted = the lead
reached won; value = the won amount; touches after the win are dropped. Milestones for the
position models: the lead-creation touch is the last touch at or before the MQL (else the
capture), the opportunity touch the last at or before the opportunity was created.
"""

from __future__ import annotations

import pandas as pd

from revalign.analytics.attribution.journeys import Journeys, journeys_from_touches
from revalign.analytics.frames import Frames

UNKNOWN_CHANNEL = "(unknown)"


def journeys_from_frames(frames: Frames) -> Journeys:
    leads = frames.leads
    opps = frames.opportunities
    won = opps[opps["won"].fillna(False).astype(bool)]
    per_lead = pd.DataFrame(
        {
            "won_amount": won.groupby("lead_id")["amount"].sum(),
            "opp_at": opps.groupby("lead_id")["created_at"].min(),
        }
    )
    info = leads[["lead_id", "created_at", "channel", "mql_at", "won_at"]].rename(
        columns={"channel": "source"}
    )
    info = info.merge(per_lead, left_on="lead_id", right_index=True, how="left")
    touches = frames.touches[["lead_id", "occurred_at", "channel"]]
    untouched = info[~info["lead_id"].isin(touches["lead_id"])]
    capture = pd.DataFrame(
        {"lead_id": untouched["lead_id"], "occurred_at": untouched["created_at"], "channel": None}
    )
    t = pd.concat([touches, capture], ignore_index=True) if len(capture) else touches
    t = t.merge(info, on="lead_id", how="inner")
    t["channel"] = t["channel"].fillna(t["source"]).fillna(UNKNOWN_CHANNEL)
    t["converted"] = t["won_at"].notna()
    t = t[~t["converted"] | (t["occurred_at"] <= t["won_at"])].copy()
    t["value"] = t["won_amount"].fillna(0.0).where(t["converted"], 0.0)
    last_touch = t.groupby("lead_id")["occurred_at"].transform("max")
    t["end_at"] = t["won_at"].where(t["converted"], last_touch)
    t["lead_at"] = t["mql_at"].fillna(t["created_at"])
    columns = ["lead_id", "occurred_at", "channel", "converted", "value", "end_at", "lead_at"]
    return journeys_from_touches(t[[*columns, "opp_at"]].rename(columns={"lead_id": "journey_id"}))


def channel_costs(frames: Frames) -> dict[str, float]:
    """Total campaign cost per channel (all periods, amounts as recorded)."""
    costs = frames.costs
    if costs.empty:
        return {}
    sums = costs.groupby("channel")["amount"].sum()
    return {str(k): float(v) for k, v in sums.items()}
