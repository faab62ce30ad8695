"""Journeys and channel costs from the funnel tables (the shared frames of the ledger).

A journey is one lead: its marketing touches (channel = the touch's channel, else the lead's
source; a lead with no touch gets one at capture, on its source). Converted = the lead
reached won; value = the won amount in the reporting currency (frames converted by
`money.convert_frames`; an amount with no rate adds nothing and is listed by
`revenue_exclusions`); touches after the win are dropped. Milestones for the
position models: the lead-creation touch is the last touch at or before the MQL (else the
capture), the opportunity touch the last at or before the opportunity was created.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from revalign.analytics.attribution.journeys import Journeys, journeys_from_touches
from revalign.analytics.frames import Frames
from revalign.analytics.money import Excluded, exclusions, missing

UNKNOWN_CHANNEL = "(unknown)"


def journeys_from_frames(frames: Frames) -> Journeys:
    leads = frames.leads
    opps = frames.opportunities
    won = opps[opps["won"].fillna(False).astype(bool)]
    won_value = won["report_amount"].astype(float)  # exact sums are the metrics' job
    per_lead = pd.DataFrame(
        {
            "won_amount": won_value.groupby(won["lead_id"]).sum(),
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


def channel_costs(frames: Frames) -> dict[str, Decimal]:
    """Total campaign cost per channel in the reporting currency (all periods); costs with
    no exchange rate are left out (see `cost_exclusions`)."""
    costs = frames.costs
    out: dict[str, Decimal] = {}
    for channel, value in zip(costs["channel"], costs["report_amount"], strict=True):
        if not missing(value):
            out[str(channel)] = out.get(str(channel), Decimal(0)) + value
    return out


def cost_exclusions(frames: Frames) -> dict[str, list[Excluded]]:
    """Per channel, the costs left out for want of an exchange rate."""
    costs = frames.costs
    out: dict[str, list[Excluded]] = {}
    for channel, rows in costs.groupby("channel", sort=True):
        found = exclusions(rows["amount"], rows["currency"], rows["report_amount"])
        if found:
            out[str(channel)] = found
    return out


def revenue_exclusions(frames: Frames) -> list[Excluded]:
    """Won amounts left out of the journeys' value for want of an exchange rate."""
    opps = frames.opportunities
    won = opps[opps["won"].fillna(False).astype(bool)]
    return exclusions(won["amount"], won["currency"], won["report_amount"])
