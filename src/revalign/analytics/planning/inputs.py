"""Plain inputs of the plan: measured rates, lags, seasonality, capacity and channel costs.

Everything planning computes works from a `PlanInputs`, so it is testable without a ledger;
`planning.measure.plan_inputs_from_frames` measures one from the funnel tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from revalign.analytics.money import Excluded
from revalign.errors import InputError

STAGES: tuple[str, ...] = ("leads", "mqls", "sals", "sqls", "opportunities")


@dataclass(frozen=True)
class StageRates:
    """Share of each stage that reaches the next (0 < rate <= 1)."""

    lead_to_mql: float
    mql_to_sal: float
    sal_to_sql: float
    sql_to_opp: float
    win_rate: float  # won ÷ closed opportunities

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not 0 < value <= 1:
                raise InputError(f"rate {name} must be in (0, 1], got {value}")


@dataclass(frozen=True)
class StageLags:
    """Median days from entering each stage to entering the next."""

    lead_to_mql: float
    mql_to_sal: float
    sal_to_sql: float
    sql_to_opp: float
    opp_to_won: float

    def before_won(self) -> dict[str, float]:
        """Days from entering each stage until the deal is won (for month placement)."""
        opp = self.opp_to_won
        sql = opp + self.sql_to_opp
        sal = sql + self.sal_to_sql
        mql = sal + self.mql_to_sal
        return {
            "opportunities": opp,
            "sqls": sql,
            "sals": sal,
            "mqls": mql,
            "leads": mql + self.lead_to_mql,
        }


@dataclass(frozen=True)
class ChannelStats:
    channel: str
    cost: float
    sqls: int
    won: int
    revenue: float


@dataclass(frozen=True)
class PlanInputs:
    rates: StageRates
    lags: StageLags
    avg_deal_size: float
    currency: str = "USD"
    # 12 monthly lead-volume indices (Jan..Dec, mean 1); None: flat
    seasonality: tuple[float, ...] | None = None
    seasonality_note: str = "flat: no history given"
    # current monthly run-rate per stage (see STAGES)
    run_rate: dict[str, float] = field(default_factory=dict)
    open_pipeline: float = 0.0
    sal_capacity_per_month: float | None = None
    capacity_note: str = ""
    coverage_min: float = 3.0
    coverage_max: float = 5.0
    channels: tuple[ChannelStats, ...] = ()
    # input → amounts left out for want of an exchange rate (avg_deal_size, open_pipeline…)
    excluded: dict[str, list[Excluded]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.avg_deal_size <= 0:
            raise InputError(f"average won deal size must be > 0, got {self.avg_deal_size}")
        if self.seasonality is not None and len(self.seasonality) != 12:
            raise InputError("seasonality needs 12 monthly indices (January to December)")

    def season(self, month: int) -> float:
        """Lead-volume index of calendar month 1..12 (1.0 when flat)."""
        return 1.0 if self.seasonality is None else self.seasonality[month - 1]


def parse_quarter(text: str) -> tuple[int, int]:
    """'2027Q1' → (2027, 1); anything else is an InputError."""
    match = re.fullmatch(r"(\d{4})-?Q([1-4])", text.strip().upper())
    if not match:
        raise InputError(f"quarter {text!r} must look like 2027Q1")
    return int(match.group(1)), int(match.group(2))
