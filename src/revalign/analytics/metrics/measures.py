"""Every measure, once, in DuckDB SQL over the frames tables (plus `params` and `periods`).

Each relation yields `value` and the dimension columns it supports. `month` is the month
of the record's own defining moment (lead created, MQL reached, deal won, cost period…),
except in the cohort measures, where it is the lead's MQL (or creation) month.
Timestamps are naive UTC inside the engines; durations are whole-second epochs.
Money measures add `report_amount` (the amount in the contract currency, see
analytics/money.py); their `excluded` twin selects, with the same filter, the amounts that
have no rate (currency, amount), which the report lists beside the metric.
"""

from __future__ import annotations

from revalign.analytics.metrics.model import Dimension, Measure

# Dimension columns of a lead row `l`, and of an opportunity `o` joined to its lead `l`.
_L = "l.lead_id AS record_id, l.channel, l.campaign, l.segment, l.team, l.owner AS rep"
_O = "o.opportunity_id AS record_id, o.channel, o.campaign, l.segment, o.team, o.owner AS rep"
_OPP = "opportunities o LEFT JOIN leads l ON l.lead_id = o.lead_id"
_NO_RATE = "o.report_amount IS NULL AND o.amount IS NOT NULL"
# Marketing channel: anything but sales-sourced or unknown (see docs/metrics.md).
_MARKETING = "coalesce(lower(o.channel), 'unknown') NOT IN ('outbound', 'sales', 'unknown', '')"
_OPEN_STAGES = "('lead', 'mql', 'sal', 'sql', 'recycled')"
# Literals as DOUBLE: Spark would read 3600.0 as a DECIMAL and round the quotients.
_SECONDS_PER_HOUR = "CAST(3600 AS DOUBLE)"
_SECONDS_PER_DAY = "CAST(86400 AS DOUBLE)"
_NO_LEAD: tuple[Dimension, ...] = ("channel", "campaign", "month")


def _month(column: str) -> str:
    return f"strftime({column}, '%Y-%m') AS month"


def _hours(start: str, end: str) -> str:
    return f"(epoch({end}) - epoch({start})) / {_SECONDS_PER_HOUR}"


def _leads(name: str, stamp: str, where: str = "TRUE", month: str | None = None) -> Measure:
    """Count of leads with `stamp` set (and `where`), by the month of `month or stamp`."""
    sql = (
        f"SELECT {_L}, {_month(month or stamp)}, 1 AS value FROM leads l "
        f"WHERE {stamp} IS NOT NULL AND {where}"
    )
    return Measure(name, sql, record="lead")


def _opps(name: str, where: str, month: str) -> Measure:
    sql = f"SELECT {_O}, {_month(month)}, 1 AS value FROM {_OPP} WHERE {where}"
    return Measure(name, sql, record="opportunity")


def _revenue(name: str, source: str, month: str) -> Measure:
    """Sum of opportunity amounts in the contract currency over `source` (FROM ... WHERE ...)."""
    sql = f"SELECT {_O}, {_month(month)}, o.report_amount AS value {source}"
    excluded = f"SELECT o.currency AS currency, o.amount AS amount {source} AND {_NO_RATE}"
    return Measure(name, sql, excluded=excluded, record="opportunity")


def _aging(name: str, low: int, high: int | None) -> Measure:
    days = f"floor((epoch(p.as_of) - epoch(l.stage_at)) / {_SECONDS_PER_DAY})"
    upper = f" AND {days} <= {high}" if high is not None else ""
    sql = (
        f"SELECT {_L}, {_month('l.created_at')}, 1 AS value FROM leads l CROSS JOIN params p "
        f"WHERE l.stage IN {_OPEN_STAGES} AND l.stage_at IS NOT NULL "
        f"AND {days} >= {low}{upper}"
    )
    return Measure(name, sql, record="lead")


def _clocks(name: str, where: str) -> Measure:
    sql = (
        "SELECT c.clock_id AS record_id, l.channel, l.campaign, l.segment, l.team, "
        f"c.owner AS rep, {_month('c.started_at')}, 1 AS value "
        "FROM clocks c LEFT JOIN leads l ON l.lead_id = c.lead_id "
        f"WHERE (c.stopped_at IS NOT NULL OR c.breached) AND {_TIMED} AND {where}"
    )
    return Measure(name, sql, record="clock")


# A lead whose source records no real step times (a dataset's synthesised or nominal
# stages): its clocks and durations measure nobody, so they count nowhere.
_TIMED = "l.timing IS NULL"
_CLOCKS_UNTIMED = (
    "SELECT l.channel, l.campaign, l.segment, l.team, c.owner AS rep, "
    f"{_month('c.started_at')}, 1 AS value "
    "FROM clocks c JOIN leads l ON l.lead_id = c.lead_id WHERE l.timing IS NOT NULL"
)


_MET = "coalesce(c.met, FALSE) AND NOT c.breached"

# Per SAL-accepted lead: business hours from the first-contact clock if stopped, else wall
# hours from SAL acceptance to the first rep touch (never negative).
_FIRST_CONTACT = (
    f"SELECT {_L}, {_month('l.sal_at')}, "
    f"coalesce(fc.hours, greatest({_hours('l.sal_at', 'l.first_contact_at')}, "
    "CAST(0 AS DOUBLE))) AS value "
    "FROM leads l LEFT JOIN (SELECT lead_id, min(elapsed_business_hours) AS hours FROM clocks "
    "WHERE sla LIKE 'first_contact%' AND elapsed_business_hours IS NOT NULL "
    "GROUP BY lead_id) fc ON fc.lead_id = l.lead_id "
    "WHERE l.sal_at IS NOT NULL AND (fc.hours IS NOT NULL OR l.first_contact_at IS NOT NULL) "
    "AND l.timing IS NULL"
)

_WON_THIS_QUARTER = "o.won AND o.closed_at >= p.quarter_start AND o.closed_at < p.quarter_end"
_REMAINING_TARGET = (
    "SELECT max(p.revenue_target) - coalesce(sum(o.report_amount), 0) AS value FROM params p "
    f"LEFT JOIN opportunities o ON {_WON_THIS_QUARTER}"
)
_REMAINING_EXCLUDED = (
    "SELECT o.currency AS currency, o.amount AS amount FROM params p "
    f"JOIN opportunities o ON {_WON_THIS_QUARTER} WHERE {_NO_RATE}"
)

_COSTS = (
    f"SELECT c.channel, c.campaign, {_month('c.period_start')}, c.report_amount AS value "
    "FROM costs c"
)
_COSTS_EXCLUDED = (
    "SELECT c.currency AS currency, c.amount AS amount FROM costs c "
    "WHERE c.report_amount IS NULL AND c.amount IS NOT NULL"
)

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in (
        _leads("leads", "l.created_at"),
        _leads("mqls", "l.mql_at"),
        _leads("sals", "l.sal_at"),
        _leads("rejections", "l.rejected_at"),
        _leads("sqls", "l.sql_at"),
        _leads("won_leads", "l.won_at"),
        Measure(
            "sal_reviewed",
            f"SELECT {_L}, {_month('l.sal_at')}, 1 AS value FROM leads l "
            f"WHERE l.sal_at IS NOT NULL UNION ALL SELECT {_L}, {_month('l.rejected_at')}, "
            "1 AS value FROM leads l WHERE l.rejected_at IS NOT NULL",
            record="lead",
        ),
        # cohorts: of the leads that reached MQL in month M (or were created in M) ...
        _leads("mql_cohort", "l.mql_at"),
        _leads("mql_cohort_sqls", "l.mql_at", "l.sql_at IS NOT NULL"),
        _leads("mql_cohort_won", "l.mql_at", "l.won_at IS NOT NULL"),
        _leads("mql_cohort_sals", "l.mql_at", "l.sal_at IS NOT NULL"),
        _leads(
            "mql_cohort_reviewed", "l.mql_at", "(l.sal_at IS NOT NULL OR l.rejected_at IS NOT NULL)"
        ),
        _leads("lead_cohort", "l.created_at"),
        _leads("lead_cohort_opps", "l.created_at", "l.opportunity_id IS NOT NULL"),
        _opps("opportunities", "TRUE", "o.created_at"),
        _opps("won_deals", "o.won", "o.closed_at"),
        _opps("closed_deals", "o.closed_at IS NOT NULL", "o.closed_at"),
        _revenue("won_revenue", f"FROM {_OPP} WHERE o.won", "o.closed_at"),
        _revenue("pipeline_value", f"FROM {_OPP} WHERE o.closed_at IS NULL", "o.created_at"),
        _revenue(
            "marketing_sourced_revenue", f"FROM {_OPP} WHERE o.won AND {_MARKETING}", "o.closed_at"
        ),
        _revenue(
            "marketing_influenced_revenue",
            f"FROM {_OPP} JOIN (SELECT lead_id, min(occurred_at) AS first_touch FROM touches "
            "GROUP BY lead_id) ft ON ft.lead_id = o.lead_id "
            "WHERE o.won AND ft.first_touch < o.created_at",
            "o.closed_at",
        ),
        Measure(
            "sales_cycle_median_days",
            f"SELECT {_O}, {_month('o.closed_at')}, "
            f"(epoch(o.closed_at) - epoch(o.created_at)) / {_SECONDS_PER_DAY} AS value "
            f"FROM {_OPP} WHERE o.won AND o.closed_at IS NOT NULL "
            "AND coalesce(l.timing, 'timed') <> 'nominal'",
            agg="median(value)",
            zero_if_empty=False,
        ),
        Measure("ttfc_median", _FIRST_CONTACT, "median(value)", zero_if_empty=False),
        Measure("ttfc_p90", _FIRST_CONTACT, "quantile_cont(value, 0.9)", zero_if_empty=False),
        Measure("costs", _COSTS, dims=_NO_LEAD, zero_if_empty=False, excluded=_COSTS_EXCLUDED),
        Measure(
            "remaining_target",
            _REMAINING_TARGET,
            agg="max(value)",
            dims=(),
            zero_if_empty=False,
            excluded=_REMAINING_EXCLUDED,
        ),
        _clocks("sla_resolved", "TRUE"),
        _clocks("sla_met", _MET),
        _clocks("sla_resolved_sales", "c.owner_side = 'sales'"),
        _clocks("sla_met_sales", f"c.owner_side = 'sales' AND {_MET}"),
        _clocks("sla_resolved_marketing", "c.owner_side = 'marketing'"),
        _clocks("sla_met_marketing", f"c.owner_side = 'marketing' AND {_MET}"),
        Measure("clocks_untimed", _CLOCKS_UNTIMED),
        _leads("leads_untimed", "l.created_at", "l.timing IS NOT NULL"),
        _aging("lead_aging_0_7", 0, 7),
        _aging("lead_aging_8_14", 8, 14),
        _aging("lead_aging_15_30", 15, 30),
        _aging("lead_aging_31_plus", 31, None),
    )
}
