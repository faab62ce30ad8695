"""QBR pack: the quarter against the one before, what worked and what missed target,
pipeline health entering the next quarter, the next quarter's plan (reverse funnel, campaign
calendar and its capacity warnings) and budget reallocation suggestions."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from revalign.analytics.planning import build_plan
from revalign.analytics.planning.capacity import sal_capacity
from revalign.analytics.planning.inputs import STAGES
from revalign.analytics.planning.measure import plan_inputs_from_frames
from revalign.charts import Bar, bar_chart, funnel_chart
from revalign.core.periods import quarter_of
from revalign.errors import UserError
from revalign.reports.common import calendar_warnings, money_sum, period_label, stage_label, ts
from revalign.reports.inputs import ReportInputs
from revalign.reports.model import Column, Report, Section, Table
from revalign.reports.periods import Period, parse

_HEADLINE = ("leads", "mqls", "sals", "sqls", "opportunities", "won_deals", "won_revenue",
             "mql_to_sql_rate", "sal_acceptance_rate", "win_rate", "cost_per_sql")  # fmt: skip
_UNITS = {"won_revenue": "money", "cost_per_sql": "money", "mql_to_sql_rate": "rate",
          "sal_acceptance_rate": "rate", "win_rate": "rate"}  # fmt: skip


def build(inputs: ReportInputs, period: Period) -> Report:
    t = inputs.t
    # a QBR covers a quarter: the one that holds the period asked for
    quarter = period if period.grain == "quarter" else parse(quarter_of(period.start))
    nxt = quarter.following()
    return Report(
        kind="qbr", title=t("Quarterly business review"), period=period_label(quarter, inputs.fmt),
        lang=inputs.lang, currency=inputs.currency, as_of=inputs.as_of,
        contract_version=inputs.contract.version,
        sections=(_headline(inputs, quarter), _worked(inputs, quarter), _missed(inputs, quarter),
                  _health(inputs, quarter, nxt), *_plan(inputs, nxt)),
    )  # fmt: skip


def _labels(inputs: ReportInputs) -> dict[str, str]:
    t = inputs.t
    return {
        **{s: stage_label(inputs, s) for s in ("leads", "mqls", "sals", "sqls", "opportunities",
                                               "won_deals")},
        "won_revenue": t("Won revenue"), "mql_to_sql_rate": t("MQL→SQL"),
        "sal_acceptance_rate": t("SAL acceptance"), "win_rate": t("Win rate"),
        "cost_per_sql": t("Cost per SQL"),
    }  # fmt: skip


def _headline(inputs: ReportInputs, quarter: Period) -> Section:
    t = inputs.t
    now = inputs.window(quarter.start, quarter.end, None, _HEADLINE)[0]
    before = quarter.previous()
    then = inputs.window(before.start, before.end, None, _HEADLINE)[0]
    labels = _labels(inputs)
    rows = tuple(
        {"metric": labels[n], "unit": _UNITS.get(n, "count"), "this": now[n],
         "previous": then[n]}
        for n in _HEADLINE
    )  # fmt: skip
    table = Table("quarter", t("The quarter against the one before"),
                  (Column("metric", t("Metric")), Column("this", quarter.name, "unit"),
                   Column("previous", before.name, "unit")), rows)  # fmt: skip
    steps = {labels[s]: now[s] for s in ("leads", "mqls", "sals", "sqls", "opportunities",
                                         "won_deals")}  # fmt: skip
    chart = funnel_chart(steps, title=t("Funnel"), count_title=t("Count"), lang=inputs.lang,
                         currency=inputs.currency)  # fmt: skip
    return Section(t("The quarter"), tables=(table,), charts=(chart,))


def _worked(inputs: ReportInputs, quarter: Period) -> Section:
    t, f = inputs.t, inputs.fmt
    slas = inputs.contract.contract.slas
    rows = inputs.window(quarter.start, quarter.end, "channel", _HEADLINE)
    ranked = sorted(rows, key=lambda r: (-(r["won_revenue"] or 0), str(r["channel"])))
    bullets = []
    for r in ranked:
        good = r["mql_to_sql_rate"] is not None and r["mql_to_sql_rate"] >= slas.mql_to_sql_good
        if (r["won_revenue"] or 0) > 0 or (good and (r["mqls"] or 0) >= slas.quality_min_mqls):
            bullets.append(t("{channel}: won {revenue} from {deals} deals; MQL→SQL {rate}").format(
                channel=r["channel"], revenue=f.money(r["won_revenue"]),
                deals=f.count(r["won_deals"]), rate=f.pct(r["mql_to_sql_rate"])))  # fmt: skip
    chart = bar_chart(
        [Bar(str(r["channel"]), float(r["won_revenue"] or 0)) for r in ranked if r["won_revenue"]],
        title=t("Won revenue by channel"), x_title=t("Channel"), y_title=t("Won revenue"),
        kind="money", lang=inputs.lang, currency=inputs.currency,
    )  # fmt: skip
    return Section(t("What worked"), bullets=tuple(bullets[:5]) or (t("Nothing was won."),),
                   charts=(chart,))  # fmt: skip


def _missed(inputs: ReportInputs, quarter: Period) -> Section:
    t, f = inputs.t, inputs.fmt
    terms = inputs.contract.contract
    bullets: list[str] = []
    won = inputs.window(quarter.start, quarter.end, None, ("won_revenue",))[0]["won_revenue"]
    target = terms.targets.revenue_per_quarter.get(quarter.name)
    if target is not None:
        share = float(won or 0) / float(target) if target else None
        bullets.append(t("Revenue: won {won} of the {target} target ({share}).").format(
            won=f.money(won), target=f.money(target), share=f.pct(share)))  # fmt: skip
    month = quarter.start
    targets = inputs.ctx.mql_targets
    while month < min(quarter.end, inputs.as_of):  # months still to come are not missed
        nxt = (month + timedelta(days=32)).replace(day=1)
        key = month.strftime("%Y-%m")
        wanted = targets.get(key, inputs.ctx.mql_per_month)
        if wanted:
            got = inputs.window(month, nxt, None, ("mqls",))[0]["mqls"]
            if got < wanted:
                bullets.append(t("MQLs in {month}: {got} against a target of {target}.").format(
                    month=key, got=f.count(got), target=f.count(wanted)))  # fmt: skip
        month = nxt
    for r in inputs.window(quarter.start, quarter.end, "channel", ("mqls", "mql_to_sql_rate")):
        rate = r["mql_to_sql_rate"]
        if rate is not None and rate < terms.slas.mql_to_sql_bad and r["mqls"] >= \
                terms.slas.quality_min_mqls:  # fmt: skip
            bullets.append(
                t("{channel}: MQL→SQL {rate} (bad: below {band})").format(
                    channel=r["channel"], rate=f.pct(rate), band=f.pct(terms.slas.mql_to_sql_bad, 0)
                )
            )
    return Section(t("What missed target"),
                   bullets=tuple(bullets) or (t("Every target was met."),))  # fmt: skip


def _health(inputs: ReportInputs, quarter: Period, nxt: Period) -> Section:
    t, f = inputs.t, inputs.fmt
    slas = inputs.contract.contract.slas
    at = min(quarter.end, inputs.as_of)
    o = inputs.frames.opportunities
    open_ = o[(o["created_at"] < ts(at)) & (o["closed_at"].isna() | (o["closed_at"] >= ts(at)))]
    pipeline = money_sum(open_["report_amount"])
    target = inputs.contract.contract.targets.revenue_per_quarter.get(nxt.name)
    coverage = float(pipeline) / float(target) if pipeline is not None and target else None
    if coverage is None:
        status = t("unknown: no revenue target for {quarter}").format(quarter=nxt.name)
    elif coverage < slas.pipeline_coverage_min:
        status = t("below the band")
    elif coverage > slas.pipeline_coverage_max:
        status = t("above the band")
    else:
        status = t("healthy")
    line = t("Open pipeline {pipeline} ({n} opportunities) against the {quarter} target "
             "{target}: coverage {coverage}, {status} (band {low}–{high}×).").format(
        pipeline=f.money(pipeline), n=f.count(len(open_)), quarter=nxt.name,
        target=f.money(target), coverage=f.num(coverage, 2) + "×" if coverage is not None
        else "—", status=status, low=f.num(slas.pipeline_coverage_min),
        high=f.num(slas.pipeline_coverage_max),
    )  # fmt: skip
    return Section(t("Pipeline health entering the next quarter"), (line,))


def _plan(inputs: ReportInputs, nxt: Period) -> tuple[Section, ...]:
    t, f = inputs.t, inputs.fmt
    terms = inputs.contract.contract
    target = terms.targets.revenue_per_quarter.get(nxt.name)
    calendar = _calendar(inputs, nxt)
    if target is None:
        return (Section(t("Next quarter's plan"), (t("No revenue target for {quarter} in the "
                        "contract.").format(quarter=nxt.name),)), calendar)  # fmt: skip
    try:
        plan_in = plan_inputs_from_frames(inputs.frames, terms)
    except UserError as exc:
        return (Section(t("Next quarter's plan"), (t("No plan: {reason}").format(
            reason=str(exc)),)), calendar)  # fmt: skip
    last = nxt.end - timedelta(days=1)
    capacity, note = sal_capacity(terms, inputs.windows, (nxt.start.date(), last.date()))
    plan = build_plan(replace(plan_in, sal_capacity_per_month=capacity, capacity_note=note),
                      float(target), nxt.name)  # fmt: skip
    rows = tuple({"month": m, **{s: round(v[s]) for s in STAGES}}
                 for m, v in plan["by_month"].items())  # fmt: skip
    columns = (Column("month", t("Month")),
               *(Column(s, stage_label(inputs, s), "count") for s in STAGES))  # fmt: skip
    head = t("{quarter}: {target} needs {deals} won deals and {pipeline} of pipeline.").format(
        quarter=nxt.name, target=f.money(target), deals=f.num(plan["needed"]["won_deals"], 1),
        pipeline=f.money(plan["needed"]["pipeline"]))  # fmt: skip
    over = plan["capacity"]["over_capacity"]
    cap = t("Sales can work about {n} SALs a month.").format(n=f.count(capacity))
    if over:
        cap += " " + t("Months over capacity: {months}.").format(months=", ".join(over))
    table = Table("plan", t("Needed per month (reverse funnel)"), columns, rows)
    moves = plan["reallocation"]
    bullets = tuple(
        t("Move {amount} from {source} to {target}: {reason}").format(
            amount=f.money(s["amount"]), source=s["source"], target=s["destination"],
            reason=s["reason"])
        for s in moves["suggestions"]
    ) or (t("No budget move suggested: {note}").format(note=moves["note"] or "—"),)  # fmt: skip
    return (
        Section(t("Next quarter's plan"), (head, cap), tables=(table,)),
        calendar,
        Section(t("Budget reallocation"), bullets=bullets),
    )


def _calendar(inputs: ReportInputs, nxt: Period) -> Section:
    t = inputs.t
    last = nxt.end - timedelta(days=1)
    runs = [r for r in inputs.calendar if r.start <= last.date() and r.end >= nxt.start.date()]
    rows: tuple[dict[str, Any], ...] = tuple(
        {"campaign": r.campaign, "channel": r.channel, "start": r.start, "end": r.end,
         "expected": round(r.expected_between(nxt.start.date(), last.date())),
         "team": r.team, "notes": r.notes}
        for r in runs
    )  # fmt: skip
    columns = (Column("campaign", t("Campaign")), Column("channel", t("Channel")),
               Column("start", t("Start"), "date"), Column("end", t("End"), "date"),
               Column("expected", t("Expected leads in the quarter"), "count"),
               Column("team", t("Team")), Column("notes", t("Sales preparation")))  # fmt: skip
    table = Table("calendar", t("Campaign calendar"), columns, rows,
                  empty=t("No campaign is planned for the quarter."))  # fmt: skip
    warnings = calendar_warnings(inputs, nxt.start, last)
    return Section(t("Campaign calendar"), bullets=tuple(warnings), tables=(table,))
