"""Needed vs what the funnel does now: monthly stage gaps, pipeline coverage, SAL capacity.

Expected volume of a month = current monthly run-rate × that calendar month's lead-volume
index (1 when seasonality is flat). Coverage = open pipeline ÷ target, judged against the
contract's healthy band. Capacity: SALs needed per month against the team's SAL capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

from revalign.analytics.planning.funnel import FunnelPlan
from revalign.analytics.planning.inputs import STAGES, PlanInputs


@dataclass(frozen=True)
class StageGap:
    month: str
    stage: str
    needed: float
    expected: float

    @property
    def gap(self) -> float:
        """Positive: short of what is needed."""
        return self.needed - self.expected


@dataclass(frozen=True)
class GapReport:
    stages: list[StageGap]
    pipeline_needed: float
    open_pipeline: float
    coverage: float
    coverage_status: str  # "below", "healthy" or "above" the contract band
    capacity_per_month: float | None
    over_capacity: dict[str, float]  # month → SALs needed beyond capacity


def gap_report(inputs: PlanInputs, plan: FunnelPlan) -> GapReport:
    stages = []
    for month, row in plan.by_month.items():
        index = inputs.season(int(month[5:7]))
        for stage in STAGES:
            expected = inputs.run_rate.get(stage, 0.0) * index
            stages.append(StageGap(month, stage, row[stage], expected))
    coverage = inputs.open_pipeline / plan.target
    if coverage < inputs.coverage_min:
        status = "below"
    elif coverage > inputs.coverage_max:
        status = "above"
    else:
        status = "healthy"
    capacity = inputs.sal_capacity_per_month
    over = {}
    if capacity is not None:
        for month, row in plan.by_month.items():
            if row["sals"] > capacity:
                over[month] = row["sals"] - capacity
    return GapReport(
        stages=stages,
        pipeline_needed=plan.pipeline,
        open_pipeline=inputs.open_pipeline,
        coverage=coverage,
        coverage_status=status,
        capacity_per_month=capacity,
        over_capacity=over,
    )
