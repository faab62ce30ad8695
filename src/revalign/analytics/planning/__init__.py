"""Planning: the reverse funnel from a revenue target, gaps, capacity and budget moves."""

from revalign.analytics.planning.funnel import FunnelPlan, reverse_funnel
from revalign.analytics.planning.gap import GapReport, gap_report
from revalign.analytics.planning.inputs import (
    ChannelStats,
    PlanInputs,
    StageLags,
    StageRates,
    parse_quarter,
)
from revalign.analytics.planning.reallocation import Reallocation, suggest_reallocation
from revalign.analytics.planning.report import build_plan, render

__all__ = [
    "ChannelStats",
    "FunnelPlan",
    "GapReport",
    "PlanInputs",
    "Reallocation",
    "StageLags",
    "StageRates",
    "build_plan",
    "gap_report",
    "parse_quarter",
    "render",
    "reverse_funnel",
    "suggest_reallocation",
]
