"""The reverse funnel: from a revenue target back to the leads needed, month by month.

won deals = target ÷ average won deal; opportunities = won ÷ win rate; pipeline = target ÷
win rate; SQLs = opportunities ÷ SQL→opportunity; SALs = SQLs ÷ SAL→SQL; MQLs = SALs ÷
MQL→SAL; leads = MQLs ÷ lead→MQL. Closes are spread evenly over the quarter's three months;
each stage's volume is placed in the month that lies its median lag before the close (the
middle of the close month minus the days from that stage to won).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from revalign.analytics.planning.inputs import STAGES, PlanInputs, parse_quarter
from revalign.errors import InputError


@dataclass(frozen=True)
class FunnelPlan:
    quarter: str
    target: float
    won_deals: float
    pipeline: float
    totals: dict[str, float]  # stage → volume needed for the quarter
    by_month: dict[str, dict[str, float]]  # "2026-11" → stage → volume needed that month
    close_months: tuple[str, ...]


def quarter_months(quarter: str) -> list[date]:
    year, q = parse_quarter(quarter)
    return [date(year, 3 * (q - 1) + k + 1, 1) for k in range(3)]


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def reverse_funnel(inputs: PlanInputs, target: float, quarter: str) -> FunnelPlan:
    if target <= 0:
        raise InputError(f"target must be a positive amount, got {target}")
    months = quarter_months(quarter)
    r = inputs.rates
    won = target / inputs.avg_deal_size
    opps = won / r.win_rate
    sqls = opps / r.sql_to_opp
    sals = sqls / r.sal_to_sql
    mqls = sals / r.mql_to_sal
    totals = {
        "leads": mqls / r.lead_to_mql,
        "mqls": mqls,
        "sals": sals,
        "sqls": sqls,
        "opportunities": opps,
    }
    lags = inputs.lags.before_won()
    by_month: dict[str, dict[str, float]] = {}
    for close in months:
        middle = close + timedelta(days=14)
        for stage in STAGES:
            key = month_key(middle - timedelta(days=lags[stage]))
            row = by_month.setdefault(key, dict.fromkeys(STAGES, 0.0))
            row[stage] += totals[stage] / len(months)
    return FunnelPlan(
        quarter=quarter.strip().upper(),
        target=target,
        won_deals=won,
        pipeline=target / r.win_rate,
        totals=totals,
        by_month=dict(sorted(by_month.items())),
        close_months=tuple(month_key(m) for m in months),
    )
