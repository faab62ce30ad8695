"""Home / meeting view: Alignment Score and parts, the funnel, coverage, this week's SLAs."""

from __future__ import annotations

from typing import Any

from revalign.analytics.metrics.measures import MEASURES
from revalign.analytics.metrics.select import Selection
from revalign.analytics.sla_facts import week_of
from revalign.analytics.sla_report import escalation_list, weekly_report
from revalign.web import charts
from revalign.web.i18n import translator
from revalign.web.runtime import Snapshot
from revalign.web.views.numbers import breakdown, values

FUNNEL = ("leads", "mqls", "sals", "sqls", "opportunities", "won_deals")
TREND = ("mql_to_sql_rate", "sal_acceptance_rate", "sla_compliance_sales",
         "sla_compliance_marketing")  # fmt: skip


def home(snap: Snapshot, sel: Selection, lang: str) -> dict[str, Any]:
    _ = translator(lang)
    v = values(snap, sel, (*FUNNEL, "pipeline_value", "pipeline_coverage", "won_revenue",
                           "sla_compliance_sales", "sla_compliance_marketing"))  # fmt: skip
    steps = []
    previous: int | None = None
    for name in FUNNEL:
        count = v[name]
        rate = count / previous if previous else None
        steps.append({"metric": name, "count": count, "rate": rate})
        previous = count
    details = snap.overall.details.get("alignment_score", {})
    trend = breakdown(snap, sel, TREND, "month")
    trend = [r for r in trend if r["month"] is not None]
    week = week_of(snap.as_of)
    if "sla" not in snap.memo:  # a pass over every clock: once per snapshot
        report = weekly_report(snap.sla, week)
        moment = snap.as_of.isoformat()
        snap.memo["sla"] = (
            [r for r in report["rows"] if r["scope"] == "side"],
            [e for e in escalation_list(snap.sla, None, True, snap.as_of) if e["at"] <= moment],
        )
    sides, escalations = snap.memo["sla"]
    ctx = snap.ctx
    return {
        "values": v,
        "funnel": steps,
        "alignment": {
            "score": snap.overall.metrics.get("alignment_score"),
            "components": details.get("components", {}),
            "weights": details.get("weights", {}),
            "dropped": details.get("dropped_reasons", {}),
        },
        "coverage_band": (ctx.coverage_min, ctx.coverage_max),
        "remaining_target": _remaining(snap),
        "week": week,
        "sla_sides": sides,
        "escalations": escalations[-20:],
        "escalations_open": len(escalations),
        "trend_svg": charts.svg(charts.lines(
            trend, "month", {k: _(k) for k in TREND}, title=_("Trend by month"),
            x_title=_("Month"), y_title=_("Rate"), lang=lang, currency=ctx.currency)),
        "null_reasons": snap.overall.null_reasons,
    }  # fmt: skip


def _remaining(snap: Snapshot) -> float | None:
    rows = snap.backend.query(MEASURES["remaining_target"].relation)
    value = rows[0]["value"] if rows else None
    return float(value) if value is not None else None
