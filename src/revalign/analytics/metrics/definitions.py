"""The shared metrics, each defined once: name, unit, grain, dimensions, formula and doc.

Formulas live in `measures.py` (DuckDB SQL); a metric here is a measure or a ratio of two.
Ratios are null when the denominator is zero or unknown — never a made-up number.
"""

from __future__ import annotations

from revalign.analytics.metrics.model import Dimension, Metric

_OPP_DIMS: tuple[Dimension, ...] = ("channel", "campaign", "segment", "team", "rep", "month")
_COST_DIMS: tuple[Dimension, ...] = ("channel", "campaign", "month")
_NONE: tuple[Dimension, ...] = ()


def _count(name: str, doc: str, grain: str = "lead") -> Metric:
    return Metric(name, "count", doc, measure=name, grain=grain)


METRICS: tuple[Metric, ...] = (
    _count("leads", "Leads captured (by month of creation)."),
    _count("mqls", "Leads that reached MQL (by month of MQL)."),
    _count("sals", "MQLs accepted at the SAL gate (by month of acceptance)."),
    _count("sqls", "Leads qualified as SQL (by month of qualification)."),
    _count("opportunities", "Opportunities created (by month of creation).", "opportunity"),
    _count("won_deals", "Opportunities won (by month of close).", "opportunity"),
    Metric(
        "won_revenue",
        "money",
        "Amount of won opportunities, in the contract currency.",
        measure="won_revenue",
        grain="opportunity",
    ),
    Metric(
        "pipeline_value",
        "money",
        "Amount of open opportunities (not won or lost).",
        measure="pipeline_value",
        grain="opportunity",
    ),
    Metric(
        "pipeline_coverage",
        "ratio",
        "Open pipeline ÷ remaining revenue target of the current quarter (target − won so "
        "far this quarter); null with no target or when the target is already met. "
        "Healthy: 3-5x.",
        numerator="pipeline_value",
        denominator="remaining_target",
        grain="company",
        dims=_NONE,
    ),
    Metric(
        "mql_to_sql_rate",
        "rate",
        "SQLs ÷ MQLs. Period: SQLs in the period ÷ MQLs in the period. Cohort: of the "
        "leads that reached MQL in the period, the share that ever became SQL.",
        numerator="sqls",
        denominator="mqls",
        cohort=("mql_cohort_sqls", "mql_cohort"),
    ),
    Metric(
        "mql_to_won_rate",
        "rate",
        "Won leads ÷ MQLs (period), or the share of an MQL cohort ever won (cohort).",
        numerator="won_leads",
        denominator="mqls",
        cohort=("mql_cohort_won", "mql_cohort"),
    ),
    Metric(
        "sal_acceptance_rate",
        "rate",
        "Accepted ÷ (accepted + rejected) at the SAL gate; reasons in the breakdown. "
        "Cohort: of the MQLs of the period that were reviewed.",
        numerator="sals",
        denominator="sal_reviewed",
        cohort=("mql_cohort_sals", "mql_cohort_reviewed"),
    ),
    Metric(
        "time_to_first_contact_median_hours",
        "hours",
        "Median hours from SAL acceptance to the first rep touch: the first-contact clock's "
        "business hours when it stopped, else wall-clock hours.",
        measure="ttfc_median",
    ),
    Metric(
        "time_to_first_contact_p90_hours",
        "hours",
        "90th percentile (continuous) of the same hours.",
        measure="ttfc_p90",
    ),
    Metric(
        "lead_to_opportunity_rate",
        "rate",
        "Opportunities ÷ leads (period), or the share of a lead cohort (by creation month) "
        "that reached an opportunity (cohort).",
        numerator="opportunities",
        denominator="leads",
        cohort=("lead_cohort_opps", "lead_cohort"),
    ),
    Metric(
        "marketing_sourced_revenue",
        "money",
        "Won revenue of leads whose channel is a marketing channel (any but outbound, sales "
        "or unknown).",
        measure="marketing_sourced_revenue",
        grain="opportunity",
    ),
    Metric(
        "marketing_influenced_revenue",
        "money",
        "Won revenue of opportunities whose lead had at least one marketing touch before "
        "the opportunity was created.",
        measure="marketing_influenced_revenue",
        grain="opportunity",
    ),
    Metric(
        "cost_per_sql",
        "money",
        "Campaign cost ÷ SQLs; null without cost data.",
        numerator="costs",
        denominator="sqls",
        dims=_COST_DIMS,
    ),
    Metric(
        "cac",
        "money",
        "Campaign cost ÷ won deals. Marketing cost only: sales cost is not in the data.",
        numerator="costs",
        denominator="won_deals",
        dims=_COST_DIMS,
    ),
    Metric(
        "win_rate",
        "rate",
        "Won ÷ closed (won + lost) opportunities.",
        numerator="won_deals",
        denominator="closed_deals",
        grain="opportunity",
    ),
    Metric(
        "sales_cycle_median_days",
        "days",
        "Median days from opportunity created to won.",
        measure="sales_cycle_median_days",
        grain="opportunity",
    ),
    Metric(
        "forecast_accuracy",
        "rate",
        "Mean over closed periods of 1 − |forecast − actual| ÷ actual: the team's forecast "
        "(sum of each person's latest commit before the period ended) vs won revenue in the "
        "period; null without forecasts (analytics/forecast.py).",
        composite=True,
        grain="period",
        dims=_NONE,
    ),
    Metric(
        "forecast_bias",
        "rate",
        "Mean of (forecast − actual) ÷ actual over the same periods: positive means over-forecast.",
        composite=True,
        grain="period",
        dims=_NONE,
    ),
    Metric(
        "sla_compliance",
        "rate",
        "Met ÷ resolved SLA clocks (stopped or breached), both sides.",
        numerator="sla_met",
        denominator="sla_resolved",
        grain="clock",
    ),
    Metric(
        "sla_compliance_sales",
        "rate",
        "SLA compliance of sales-side clocks.",
        numerator="sla_met_sales",
        denominator="sla_resolved_sales",
        grain="clock",
    ),
    Metric(
        "sla_compliance_marketing",
        "rate",
        "SLA compliance of marketing-side clocks.",
        numerator="sla_met_marketing",
        denominator="sla_resolved_marketing",
        grain="clock",
    ),
    Metric(
        "cross_team_nps",
        "score",
        "Mean of marketing's NPS of sales and sales' NPS of marketing (-100..100; NPS = % "
        "answers 9-10 − % answers 0-6) in the as-of quarter, else the one before "
        "(analytics/nps.py).",
        composite=True,
        grain="survey",
        dims=_NONE,
    ),
    Metric(
        "mql_target_attainment",
        "rate",
        "MQLs ÷ MQL target over the months from the first lead to now (capped at 1 "
        "in the alignment score).",
        composite=True,
        grain="month",
        dims=_NONE,
    ),
    Metric(
        "alignment_score",
        "score",
        "0-100: 40 % SLA compliance (mean of both sides), 30 % shared-metric attainment, "
        "15 % pipeline coverage in band, 15 % cross-team NPS; missing parts are dropped and "
        "the weights renormalised.",
        composite=True,
        grain="company",
        dims=_NONE,
    ),
    _count("lead_aging_0_7", "Open leads 0-7 days in their current stage."),
    _count("lead_aging_8_14", "Open leads 8-14 days in their current stage."),
    _count("lead_aging_15_30", "Open leads 15-30 days in their current stage."),
    _count("lead_aging_31_plus", "Open leads 31 or more days in their current stage."),
)

BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}
