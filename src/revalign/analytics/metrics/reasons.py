"""Why a metric is null: the reason, in words, for every metric the data cannot give.

A metric without data is null (never 0.0 or 1.0 by default); `null_reasons` says which
fact is missing, from a handful of base counts (`FACTS`, one extra query) and the context.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from revalign.analytics.metrics.context import MetricContext
from revalign.analytics.metrics.model import Metric

# Base measures the reasons read, queried overall in the same query as the metrics (their
# CTEs are shared with the metrics that use them), as columns `fact_<measure>`.
FACTS: tuple[str, ...] = (
    "leads", "mqls", "sqls", "sal_reviewed", "opportunities", "won_deals", "closed_deals",
    "costs", "remaining_target", "sla_resolved", "sla_resolved_sales",
    "sla_resolved_marketing", "clocks_untimed", "leads_untimed",
)  # fmt: skip
FACT_METRICS: tuple[Metric, ...] = tuple(Metric(f"fact_{n}", "count", "", measure=n) for n in FACTS)


def facts_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """The base counts from an overall result row (`fact_<measure>` columns)."""
    return {n: row.get(f"fact_{n}") for n in FACTS}


_NO_DATES = "the data records no real times for these steps (synthesised or nominal dates)"
# The denominator of each ratio metric, and what "none of them" means.
_EMPTY: dict[str, str] = {
    "mqls": "no MQLs",
    "sqls": "no SQLs",
    "leads": "no leads",
    "sal_reviewed": "no SAL decisions (accepted or rejected MQLs)",
    "won_deals": "no won opportunities",
    "closed_deals": "no closed (won or lost) opportunities",
}


def _n(facts: Mapping[str, Any], name: str) -> float:
    value = facts.get(name)
    return float(value) if value is not None else 0.0


def _sla(facts: Mapping[str, Any], side: str | None) -> str:
    key = f"sla_resolved_{side}" if side else "sla_resolved"
    who = f"{side}-side " if side else ""
    if _n(facts, "clocks_untimed") and not _n(facts, key):
        return f"no {who}SLA clock with real times: {_NO_DATES}"
    return f"no resolved (stopped or breached) {who}SLA clocks"


def _ratio(metric: Metric, facts: Mapping[str, Any], ctx: MetricContext) -> str:
    if metric.numerator == "costs" and facts.get("costs") is None:
        return f"no campaign costs in {ctx.currency}"
    den = metric.denominator or ""
    return _EMPTY.get(den, f"no {den}")


def _coverage(facts: Mapping[str, Any], ctx: MetricContext) -> str:
    if ctx.revenue_target is None:
        return (
            f"no revenue target for {ctx.quarter} (contract targets.revenue_per_quarter "
            "or a target.set event)"
        )
    return f"the {ctx.quarter} revenue target is already met (nothing remains to cover)"


def _reason(metric: Metric, facts: Mapping[str, Any], ctx: MetricContext) -> str:
    name = metric.name
    if name.startswith("sla_compliance"):
        side = name.removeprefix("sla_compliance").strip("_") or None
        return _sla(facts, side)
    if name == "pipeline_coverage":
        return _coverage(facts, ctx)
    if name.startswith("time_to_first_contact"):
        if _n(facts, "leads_untimed"):
            return f"no accepted lead with a timed first contact: {_NO_DATES}"
        return "no SAL-accepted lead with a first rep touch or a stopped first-contact clock"
    if name == "sales_cycle_median_days":
        if _n(facts, "won_deals"):
            return f"no won opportunity with real creation and close times: {_NO_DATES}"
        return "no won opportunities"
    if name.startswith("forecast_"):
        return f"no commit forecast in {ctx.currency} for a closed period with won revenue"
    if name == "cross_team_nps":
        return "no survey answers about the other team"
    if name == "mql_target_attainment":
        if not _n(facts, "leads"):
            return "no leads"
        return "no MQL target (contract targets.mql_per_month or a target.set mqls event)"
    if metric.denominator is not None:
        return _ratio(metric, facts, ctx)
    return "no data for it"


def null_reasons(
    metrics: tuple[Metric, ...],
    values: Mapping[str, Any],
    facts: Mapping[str, Any],
    ctx: MetricContext,
    dropped: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """metric name → why it is null, for every null metric of `values`."""
    out: dict[str, str] = {}
    for metric in metrics:
        if values.get(metric.name) is not None:
            continue
        if metric.name == "alignment_score":
            parts = ", ".join(f"{k}: {v}" for k, v in (dropped or {}).items())
            out[metric.name] = f"no component has data ({parts})" if parts else "no data"
        else:
            out[metric.name] = _reason(metric, facts, ctx)
    return out
