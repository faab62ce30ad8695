"""Pieces several reports share: period labels, sourcing, stalled deals, money sums."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd

from revalign.analytics.campaign_calendar import (
    ALL_SALES,
    WeekLoad,
    mql_share_by_channel,
    weekly_load,
)
from revalign.analytics.money import decimal_sum
from revalign.reports.fmt import Fmt
from revalign.reports.inputs import ReportInputs
from revalign.reports.periods import Period

# Sales-sourced channels, as the marketing-sourced revenue measure reads them
# (analytics/metrics/measures.py `_MARKETING`): anything else is marketing-sourced.
SALES_CHANNELS = frozenset({"outbound", "sales"})
STALL_DAYS = 30  # an open deal with no stage change for this long is stalled


def period_label(period: Period, fmt: Fmt) -> str:
    """ "2026-W48 (Nov 23, 2026 – Nov 29, 2026)"."""
    last = period.end - timedelta(days=1)
    return f"{period.name} ({fmt.day(period.start)} – {fmt.day(last)})"


def sourced(inputs: ReportInputs, channel: str | None) -> str:
    """Marketing- or sales-sourced, in the report's language."""
    t = inputs.t
    if channel is None or channel.lower() in ("unknown", ""):
        return t("unknown")
    return t("Sales-sourced") if channel.lower() in SALES_CHANNELS else t("Marketing-sourced")


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts (NaT and NA as None)."""
    return [
        {str(k): (None if _missing(v) else v) for k, v in r.items()} for r in df.to_dict("records")
    ]


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array is a value
        return False


def day_of(value: Any) -> Any:
    """A timestamp's UTC date (None stays None)."""
    return None if value is None else pd.Timestamp(value).date()


def ts(at: datetime) -> pd.Timestamp:
    return pd.Timestamp(at).tz_convert("UTC")


def money_sum(values: pd.Series) -> Decimal | None:
    """Exact sum of reporting-currency amounts; None when an amount has no rate."""
    if values.isna().any():
        return None
    return decimal_sum(values).quantize(Decimal("0.01"))


def stalled(inputs: ReportInputs, at: datetime) -> list[dict[str, Any]]:
    """Opportunities open at `at` with no stage change for STALL_DAYS, or past their
    expected close; the longest-stuck first."""
    o = inputs.frames.opportunities
    when = ts(at)
    open_ = o[(o["created_at"] < when) & (o["closed_at"].isna() | (o["closed_at"] >= when))]
    if open_.empty:
        return []
    st = inputs.frames.opportunity_stages
    st = st[st["entered_at"] < when]
    st = st.sort_values("entered_at", kind="stable")
    last_move = st.groupby("opportunity_id")["entered_at"].max()
    stage_then = st.groupby("opportunity_id")["stage"].last()  # the stage at `at`, not today
    rows = []
    for r in records(open_):
        moved = last_move.get(r["opportunity_id"], r["created_at"])
        idle = (when - moved).days
        close = r["expected_close"]
        if idle >= STALL_DAYS or (close is not None and close < when):
            rows.append({
                "opportunity": r["opportunity_id"], "owner": r["owner"],
                "stage": stage_then.get(r["opportunity_id"], r["stage"]),
                "amount": r["report_amount"], "idle_days": idle, "expected_close": day_of(close),
            })  # fmt: skip
    return sorted(rows, key=lambda r: (-r["idle_days"], r["opportunity"]))


def calendar_load(inputs: ReportInputs, first: datetime, last: datetime) -> list[WeekLoad]:
    """Expected weekly load of the campaign calendar per routed team, in [first, last]."""
    return weekly_load(
        inputs.calendar,
        inputs.contract.contract,
        mql_share_by_channel(inputs.frames.leads),
        inputs.windows,
        (first.date(), last.date()),
    )


def calendar_warnings(inputs: ReportInputs, first: datetime, last: datetime) -> list[str]:
    """The calendar's capacity warnings for the weeks in [first, last], in the language."""
    t, f = inputs.t, inputs.fmt
    text = t("{week}: {campaigns} expected to bring {mqls} MQLs to {team}, which can take on "
             "{intake} a week.")  # fmt: skip
    return [
        text.format(
            week=w.week,
            campaigns=", ".join(w.campaigns),
            mqls=f.count(w.expected_mqls),
            team=t("all sales teams") if w.team == ALL_SALES else w.team,
            intake=f.count(w.intake),
        )
        for w in calendar_load(inputs, first, last)
        if w.over
    ]


def stage_label(inputs: ReportInputs, stage: str) -> str:
    """The column title of a funnel count."""
    t = inputs.t
    labels = {"leads": t("Leads"), "mqls": t("MQLs"), "sals": t("SALs"), "sqls": t("SQLs"),
              "opportunities": t("Opportunities"), "won_deals": t("Won deals")}  # fmt: skip
    return labels[stage]
