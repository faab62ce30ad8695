"""Measure PlanInputs from the funnel tables (the shared frames) and the contract.

Rates are cohort shares over all history (leads that reached MQL ÷ leads, SALs ÷ MQLs,
SQLs ÷ SALs, SQLs with an opportunity ÷ SQLs); win rate = won ÷ closed opportunities and
the sales cycle = median days created → won, as in the shared metric definitions. Lags are
medians. Money (deal size, open pipeline, channel cost and revenue) is in the contract
currency at the fact's date (analytics/money.py); amounts with no rate are left out and
listed in `PlanInputs.excluded`. "Now" is the newest timestamp in the data, so a plan is
reproducible; the run-rate is the mean of the last 3 full months before it. Seasonality needs
12 full months of leads.
"""

from __future__ import annotations

import pandas as pd

from revalign.analytics.frames import Frames
from revalign.analytics.money import convert_frames, decimal_sum, exclusions, missing
from revalign.analytics.planning.capacity import sal_capacity
from revalign.analytics.planning.inputs import ChannelStats, PlanInputs, StageLags, StageRates
from revalign.contract.schema import Contract
from revalign.errors import InputError

RUN_RATE_MONTHS = 3
SEASONALITY_MONTHS = 12


def plan_inputs_from_frames(frames: Frames, contract: Contract) -> PlanInputs:
    frames = convert_frames(frames, contract.currency, contract.fx.rates)
    leads, opps = frames.leads, frames.opportunities
    sql_leads = leads[leads["sql_at"].notna()]
    with_opp = opps[opps["lead_id"].isin(sql_leads["lead_id"])]["lead_id"].nunique()
    closed = opps[opps["closed_at"].notna()]
    won = closed[closed["won"].fillna(False).astype(bool)]
    rates = StageRates(
        lead_to_mql=_rate("lead→MQL", leads["mql_at"].notna().sum(), len(leads)),
        mql_to_sal=_rate("MQL→SAL", leads["sal_at"].notna().sum(), leads["mql_at"].notna().sum()),
        sal_to_sql=_rate("SAL→SQL", len(sql_leads), leads["sal_at"].notna().sum()),
        sql_to_opp=_rate("SQL→opportunity", with_opp, len(sql_leads)),
        win_rate=_rate("win rate", len(won), len(closed)),
    )
    opp_at = opps.groupby("lead_id")["created_at"].min()
    lags = StageLags(
        lead_to_mql=_median_days(leads["mql_at"] - leads["created_at"]),
        mql_to_sal=_median_days(leads["sal_at"] - leads["mql_at"]),
        sal_to_sql=_median_days(leads["sal_at"].rsub(leads["sql_at"])),
        sql_to_opp=_median_days(
            opp_at.reindex(sql_leads["lead_id"]).to_numpy() - sql_leads["sql_at"].to_numpy()
        ),
        opp_to_won=_median_days(won["closed_at"] - won["created_at"]),
    )
    now = _data_now(frames)
    seasonality, season_note = _seasonality(leads["created_at"], now)
    capacity, capacity_note = sal_capacity(contract)
    won_known = [v for v in won["report_amount"] if not missing(v)]
    if not won_known:
        raise InputError(
            f"no won deal has an amount in {contract.currency} or an exchange rate to it "
            "(see `revalign ingest --kind fx`)"
        )
    open_opps = opps[opps["closed_at"].isna()]
    excluded = {
        "avg_deal_size": exclusions(won["amount"], won["currency"], won["report_amount"]),
        "open_pipeline": exclusions(
            open_opps["amount"], open_opps["currency"], open_opps["report_amount"]
        ),
        "channel_cost": exclusions(
            frames.costs["amount"], frames.costs["currency"], frames.costs["report_amount"]
        ),
    }
    return PlanInputs(
        rates=rates,
        lags=lags,
        avg_deal_size=float(decimal_sum(won_known) / len(won_known)),
        currency=contract.currency,
        seasonality=seasonality,
        seasonality_note=season_note,
        run_rate=_run_rate(frames, now),
        open_pipeline=float(decimal_sum(open_opps["report_amount"])),
        sal_capacity_per_month=capacity,
        capacity_note=capacity_note,
        coverage_min=contract.slas.pipeline_coverage_min,
        coverage_max=contract.slas.pipeline_coverage_max,
        channels=_channel_stats(frames),
        excluded={k: v for k, v in excluded.items() if v},
    )


def _rate(name: str, part: int, whole: int) -> float:
    if whole == 0 or part == 0:
        raise InputError(f"not enough history to measure the {name} rate ({part} of {whole})")
    return float(part) / float(whole)


def _median_days(delta: object) -> float:
    days = pd.to_timedelta(pd.Series(delta)).dropna().dt.total_seconds() / 86400.0
    return float(days.median()) if len(days) else 0.0


def _data_now(frames: Frames) -> pd.Timestamp:
    stamps = [
        frames.leads["created_at"].max(),
        frames.opportunities["created_at"].max(),
        frames.opportunities["closed_at"].max(),
        frames.touches["occurred_at"].max(),
    ]
    known = [s for s in stamps if pd.notna(s)]
    if not known:
        raise InputError("the ledger has no leads or opportunities to plan from")
    return pd.Timestamp(max(known))


def _full_months_before(now: pd.Timestamp, count: int) -> pd.PeriodIndex:
    last = now.tz_convert("UTC").tz_localize(None).to_period("M") - 1
    return pd.period_range(end=last, periods=count, freq="M")


def _monthly_counts(stamps: pd.Series, months: pd.PeriodIndex) -> pd.Series:
    periods = stamps.dropna().dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")
    counts: pd.Series = periods.value_counts().reindex(months, fill_value=0)
    return counts


def _seasonality(created: pd.Series, now: pd.Timestamp) -> tuple[tuple[float, ...] | None, str]:
    first = created.min()
    months = _full_months_before(now, SEASONALITY_MONTHS * 10)
    months = months[months >= first.tz_convert("UTC").tz_localize(None).to_period("M")]
    if len(months) < SEASONALITY_MONTHS:
        return None, f"flat: {len(months)} full months of lead history (need 12)"
    counts = _monthly_counts(created, months)
    by_calendar = counts.groupby(months.month).mean()
    index = by_calendar / by_calendar.mean()
    return tuple(float(index[m]) for m in range(1, 13)), (
        f"from {len(months)} full months of lead volume"
    )


def _run_rate(frames: Frames, now: pd.Timestamp) -> dict[str, float]:
    months = _full_months_before(now, RUN_RATE_MONTHS)
    leads = frames.leads
    stamps = {
        "leads": leads["created_at"],
        "mqls": leads["mql_at"],
        "sals": leads["sal_at"],
        "sqls": leads["sql_at"],
        "opportunities": frames.opportunities["created_at"],
    }
    return {k: float(_monthly_counts(v, months).mean()) for k, v in stamps.items()}


def _channel_stats(frames: Frames) -> tuple[ChannelStats, ...]:
    leads, opps = frames.leads, frames.opportunities
    channel_of = leads.set_index("lead_id")["channel"]
    won = opps[opps["won"].fillna(False).astype(bool)]
    won_channel = won["channel"].fillna(won["lead_id"].map(channel_of))
    cost = frames.costs["report_amount"].astype(float).groupby(frames.costs["channel"]).sum()
    sqls = leads[leads["sql_at"].notna()].groupby("channel").size()
    won_n = won.groupby(won_channel).size()
    revenue = won["report_amount"].astype(float).groupby(won_channel).sum()
    names = sorted(set(cost.index) | set(sqls.index) | set(won_n.index))
    return tuple(
        ChannelStats(
            channel=str(n),
            cost=float(cost.get(n, 0.0)),
            sqls=int(sqls.get(n, 0)),
            won=int(won_n.get(n, 0)),
            revenue=float(revenue.get(n, 0.0)),
        )
        for n in names
    )
