"""Weekly pipeline pack: leads this week by source, pipeline created, the quarter's
forecast, SLA compliance of both sides, and the blockers (breaches, escalations, stalled
opportunities, capacity notices and calendar warnings)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pandas as pd

from revalign.analytics.forecast_report import quarter_view
from revalign.analytics.sla_report import breaches, weekly_report
from revalign.charts import Bar, bar_chart, line_chart
from revalign.core.periods import quarter_of
from revalign.errors import InputError
from revalign.reports.common import (
    calendar_warnings,
    day_of,
    money_sum,
    period_label,
    records,
    sourced,
    stage_label,
    stalled,
    ts,
)
from revalign.reports.inputs import ReportInputs
from revalign.reports.model import Column, Report, Section, Table
from revalign.reports.periods import Period

_STAGES = ("leads", "mqls", "sals", "sqls", "opportunities")


def build(inputs: ReportInputs, period: Period) -> Report:
    t, f = inputs.t, inputs.fmt
    if period.grain != "week":  # SLA compliance is reported by ISO week
        raise InputError(f"--period {period.name}: the weekly pack covers an ISO week (2026-W48)")
    return Report(
        kind="weekly", title=t("Weekly pipeline pack"), period=period_label(period, f),
        lang=inputs.lang, currency=inputs.currency, as_of=inputs.as_of,
        contract_version=inputs.contract.version,
        sections=(_leads(inputs, period), _pipeline(inputs, period), _forecast(inputs, period),
                  _sla(inputs, period), _blockers(inputs, period)),
    )  # fmt: skip


def _leads(inputs: ReportInputs, period: Period) -> Section:
    t = inputs.t
    rows = inputs.window(period.start, period.end, "channel", _STAGES)
    rows = sorted(rows, key=lambda r: (-(r["leads"] or 0), str(r["channel"])))
    for r in rows:
        r["source"] = sourced(inputs, r["channel"])
    total = inputs.window(period.start, period.end, None, _STAGES)[0]
    columns = (Column("channel", t("Channel")), Column("source", t("Source")),
               *(Column(s, stage_label(inputs, s), "count") for s in _STAGES))  # fmt: skip
    table = Table("leads_by_source", t("Leads this week by source"), columns, tuple(rows),
                  empty=t("None this period."))  # fmt: skip
    chart = bar_chart(
        [Bar(str(r["channel"]), r["leads"]) for r in rows if r["leads"]],
        title=t("Leads this week by source"), x_title=t("Channel"), y_title=t("Leads"),
        lang=inputs.lang, currency=inputs.currency,
    )  # fmt: skip
    f = inputs.fmt
    text = t("Leads {leads} · MQLs {mqls} · SALs {sals} · SQLs {sqls} · opportunities {opps}")
    line = text.format(
        leads=f.count(total["leads"]), mqls=f.count(total["mqls"]), sals=f.count(total["sals"]),
        sqls=f.count(total["sqls"]), opps=f.count(total["opportunities"]),
    )  # fmt: skip
    return Section(t("Leads by source"), (line,), tables=(table,), charts=(chart,))


def _pipeline(inputs: ReportInputs, period: Period) -> Section:
    t, f = inputs.t, inputs.fmt
    o = inputs.frames.opportunities
    made = o[(o["created_at"] >= ts(period.start)) & (o["created_at"] < ts(period.end))]
    leads = inputs.frames.leads.set_index("lead_id")["created_at"]
    recent = ts(period.start) - timedelta(days=90)
    rows = []
    for r in records(made.sort_values(["created_at", "opportunity_id"])):
        born = leads.get(r["lead_id"])
        born = None if born is None or pd.isna(born) else born
        rows.append({
            "opportunity": r["opportunity_id"], "channel": r["channel"],
            "source": sourced(inputs, r["channel"]), "owner": r["owner"],
            "amount": r["report_amount"], "lead_created": day_of(born),
            "recent_lead": t("yes") if born is not None and born >= recent else t("no"),
        })  # fmt: skip
    from_recent = made[made["lead_id"].map(leads) >= recent]
    text = t("Opportunities created: {n}, {amount}; from leads of the last 90 days: {recent}.")
    line = text.format(n=f.count(len(made)), amount=f.money(money_sum(made["report_amount"])),
                       recent=f.money(money_sum(from_recent["report_amount"])))  # fmt: skip
    columns = (Column("opportunity", t("Opportunity")), Column("channel", t("Channel")),
               Column("source", t("Source")), Column("owner", t("Rep")),
               Column("amount", t("Amount"), "money"),
               Column("lead_created", t("Lead created"), "date"),
               Column("recent_lead", t("Lead of the last 90 days")))  # fmt: skip
    table = Table("pipeline_created", t("Pipeline created this week"), columns, tuple(rows),
                  empty=t("None this period."))  # fmt: skip
    return Section(t("Pipeline created"), (line,), tables=(table,))


def _forecast(inputs: ReportInputs, period: Period) -> Section:
    t, f = inputs.t, inputs.fmt
    moment = min(inputs.as_of, period.end)
    quarter = quarter_of(period.start)
    view = quarter_view(inputs.frames, quarter, moment, inputs.currency)
    target = inputs.contract.contract.targets.revenue_per_quarter.get(quarter)
    system = view["system"]
    rows = [
        {"source": t("Won so far"), "amount": view["won_so_far"], "low": None, "high": None},
        {"source": t("Submitted commit"), "amount": view["submitted"]["commit"], "low": None,
         "high": None},
        {"source": t("Submitted best case"), "amount": view["submitted"]["best_case"],
         "low": None, "high": None},
    ]  # fmt: skip
    for name, label in (("stage_weighted", t("Stage-weighted")), ("run_rate", t("Run-rate"))):
        s = system.get(name, {})
        rows.append({"source": label, "amount": s.get("value"), "low": s.get("low"),
                     "high": s.get("high")})  # fmt: skip
    columns = (
        Column("source", t("Forecast")),
        Column("amount", t("Amount"), "money"),
        Column("low", t("Low (90 %)"), "money"),
        Column("high", t("High (90 %)"), "money"),
    )
    line = t("Quarter {quarter}, target {target}.").format(
        quarter=quarter, target=f.money(target) if target is not None else t("none")
    )
    table = Table("forecast", t("The quarter's forecast"), columns, tuple(rows))
    return Section(t("Forecast"), (line,), tables=(table,))


def _sla(inputs: ReportInputs, period: Period) -> Section:
    t = inputs.t
    data = weekly_report(inputs.sla, period.name)
    sides = [r for r in data["rows"] if r["scope"] == "side"]
    rows = tuple(
        {"side": t(r["side"].capitalize()), "due": r["due"], "met": r["met"],
         "breached": r["breached"], "compliance": r["compliance"]}
        for r in sides
    )  # fmt: skip
    columns = (Column("side", t("Side")), Column("due", t("Due"), "count"),
               Column("met", t("Met"), "count"), Column("breached", t("Breached"), "count"),
               Column("compliance", t("Compliance"), "rate"))  # fmt: skip
    weeks = [*data["trend_weeks"], data["week"]]
    points = [
        Bar(week, value, t(r["side"].capitalize()))
        for r in sides
        for week, value in zip(weeks, [*r["trend"], r["compliance"]], strict=True)
    ]
    chart = line_chart(points, title=t("SLA compliance"), x_title=t("Week"),
                       y_title=t("Compliance"), kind="rate", lang=inputs.lang,
                       currency=inputs.currency)  # fmt: skip
    table = Table("sla_compliance", t("SLA compliance this week"), columns, rows,
                  empty=t("No clock settled this week."))  # fmt: skip
    return Section(t("SLA compliance"), tables=(table,), charts=(chart,))


def _blockers(inputs: ReportInputs, period: Period) -> Section:
    t, f = inputs.t, inputs.fmt
    missed = Counter((b["side"], b["sla"]) for b in breaches(inputs.sla, period.name, False))
    breach_rows = tuple(
        {"side": t(side.capitalize()), "sla": sla, "breaches": n}
        for (side, sla), n in sorted(missed.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    data = weekly_report(inputs.sla, period.name)
    esc = tuple(
        {"at": e["at"][:10], "level": e["level"], "side": t(str(e["side"]).capitalize()),
         "owner": e["owner"], "breaches": e["breaches"]}
        for e in data["escalations"]
    )  # fmt: skip
    notices = tuple(
        {"announced": str(n["announced_at"])[:10], "team": n.get("team"), "rep": n.get("rep"),
         "from": n.get("effective_from"), "capacity": n.get("capacity"),
         "days_ahead": n.get("days_ahead"), "late": t("yes") if n.get("late") else t("no")}
        for n in data["capacity_notices"]
    )  # fmt: skip
    stuck = tuple(stalled(inputs, period.end)[:15])
    warnings = calendar_warnings(inputs, period.start, period.start + timedelta(days=34))
    tables = (
        Table("breaches", t("SLA breaches this week"),
              (Column("side", t("Side")), Column("sla", t("SLA")),
               Column("breaches", t("Breaches"), "count")), breach_rows,
              empty=t("None this period.")),
        Table("escalations", t("Escalations raised"),
              (Column("at", t("Date"), "date"), Column("level", t("Level")),
               Column("side", t("Side")), Column("owner", t("Owner")),
               Column("breaches", t("Breaches"), "count")), esc, empty=t("None this period.")),
        Table("stalled_opportunities",
              t("Stalled opportunities (no stage change in {days} days, or past expected close)")
              .format(days=f.count(30)),
              (Column("opportunity", t("Opportunity")), Column("owner", t("Rep")),
               Column("stage", t("Stage")), Column("amount", t("Amount"), "money"),
               Column("idle_days", t("Days without a move"), "count"),
               Column("expected_close", t("Expected close"), "date")), stuck,
              empty=t("None this period.")),
        Table("capacity_notices", t("Capacity notices from sales"),
              (Column("announced", t("Announced"), "date"), Column("team", t("Team")),
               Column("rep", t("Rep")), Column("from", t("From"), "date"),
               Column("capacity", t("Capacity"), "count"),
               Column("days_ahead", t("Days ahead"), "count"), Column("late", t("Late"))),
              notices, empty=t("None this period.")),
    )  # fmt: skip
    bullets = tuple(warnings) or (
        t("No campaign in the next five weeks exceeds a team's capacity."),
    )
    return Section(t("Blockers"), bullets=bullets, tables=tables)
