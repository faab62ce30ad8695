"""Campaign retrospective: volume against the campaign calendar's expected volume (week by
week), conversion, cost per SQL and time to first contact of its leads.

The run is the calendar's (`revalign ingest --kind campaigns`, or the contract campaign's
start and end); conversion counts what happened to the campaign from its start to as-of,
so leads of the run's last weeks still have time to convert.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from revalign.analytics.campaign_calendar import CampaignRun
from revalign.charts import Bar, bar_chart
from revalign.errors import InputError
from revalign.reports.common import stage_label, ts
from revalign.reports.inputs import ReportInputs
from revalign.reports.model import Column, Report, Section, Table

_NAMES = ("leads", "mqls", "sals", "sqls", "opportunities", "won_deals", "won_revenue",
          "mql_to_sql_rate", "sal_acceptance_rate", "cost_per_sql",
          "time_to_first_contact_median_hours")  # fmt: skip
_UNITS = {"won_revenue": "money", "cost_per_sql": "money", "mql_to_sql_rate": "rate",
          "sal_acceptance_rate": "rate", "time_to_first_contact_median_hours": "hours"}  # fmt: skip


def _run(inputs: ReportInputs, campaign: str) -> CampaignRun:
    for run in inputs.calendar:
        if run.campaign == campaign:
            return run
    known = sorted({r.campaign for r in inputs.calendar})
    hint = f" (planned: {', '.join(known)})" if known else " (the calendar is empty)"
    raise InputError(f"--campaign {campaign!r} has no run in the campaign calendar{hint}")


def _moment(day: object) -> datetime:
    assert hasattr(day, "year")
    return datetime.combine(day, time(0), tzinfo=UTC)  # type: ignore[arg-type]


def build(inputs: ReportInputs, campaign: str) -> Report:
    t, f = inputs.t, inputs.fmt
    run = _run(inputs, campaign)
    start, end = _moment(run.start), _moment(run.end) + timedelta(days=1)
    period = f"{run.name} ({f.day(run.start)} – {f.day(run.end)})"
    return Report(
        kind="retro", title=t("Campaign retrospective"), period=period, lang=inputs.lang,
        currency=inputs.currency, as_of=inputs.as_of, contract_version=inputs.contract.version,
        sections=(_volume(inputs, run, start, end), _conversion(inputs, run, start)),
    )  # fmt: skip


def _volume(inputs: ReportInputs, run: CampaignRun, start: datetime, end: datetime) -> Section:
    t, f = inputs.t, inputs.fmt
    leads = inputs.frames.leads
    mine = leads[leads["campaign"] == run.campaign]
    rows = []
    bars = []
    monday = run.start - timedelta(days=run.start.weekday())
    while monday <= run.end:
        lo = max(_moment(monday), start)
        hi = min(_moment(monday) + timedelta(days=7), end)
        got = int(((mine["created_at"] >= ts(lo)) & (mine["created_at"] < ts(hi))).sum())
        expected = run.expected_between(monday, monday + timedelta(days=6))
        year, week, _ = monday.isocalendar()
        label = f"{year}-W{week:02d}"
        future = lo >= inputs.as_of
        rows.append({"week": label, "expected": round(expected, 1),
                     "actual": None if future else got,
                     "gap": None if future else round(got - expected, 1)})  # fmt: skip
        bars += [
            Bar(label, expected, t("Expected")),
            Bar(label, None if future else got, t("Actual")),
        ]
        monday += timedelta(days=7)
    total = inputs.window(start, min(end, inputs.as_of + timedelta(seconds=1)), "campaign",
                          ("leads",))  # fmt: skip
    actual = next((r["leads"] for r in total if r["campaign"] == run.campaign), 0)
    share = actual / run.expected_leads if run.expected_leads else None
    line = t("Expected {expected} leads, got {actual} ({share} of plan).").format(
        expected=f.count(run.expected_leads), actual=f.count(actual), share=f.pct(share)
    )
    paras = [line, t("Channel: {channel}. Source of the plan: {source}.").format(
        channel=run.channel, source=t(run.source))]  # fmt: skip
    if run.notes:
        paras.append(t("Sales preparation: {notes}").format(notes=run.notes))
    table = Table("volume_by_week", t("Leads per week: expected and actual"),
                  (Column("week", t("Week")), Column("expected", t("Expected"), "number"),
                   Column("actual", t("Actual"), "count"), Column("gap", t("Gap"), "number")),
                  tuple(rows))  # fmt: skip
    chart = bar_chart(bars, title=t("Leads per week: expected and actual"), x_title=t("Week"),
                      y_title=t("Leads"), lang=inputs.lang, currency=inputs.currency,
                      horizontal=False)  # fmt: skip
    return Section(t("Volume"), tuple(paras), tables=(table,), charts=(chart,))


def _conversion(inputs: ReportInputs, run: CampaignRun, start: datetime) -> Section:
    t, f = inputs.t, inputs.fmt
    rows = inputs.window(start, inputs.as_of, "campaign", _NAMES)
    mine = next((r for r in rows if r["campaign"] == run.campaign), None)
    labels = {s: stage_label(inputs, s) for s in ("leads", "mqls", "sals", "sqls",
                                                  "opportunities", "won_deals")}  # fmt: skip
    labels.update(
        {
            "won_revenue": t("Won revenue"),
            "mql_to_sql_rate": t("MQL→SQL"),
            "sal_acceptance_rate": t("SAL acceptance"),
            "cost_per_sql": t("Cost per SQL"),
            "time_to_first_contact_median_hours": t("Median time to first contact"),
        }
    )
    table = Table(
        "conversion", t("Conversion from the campaign's start to as-of"),
        (Column("metric", t("Metric")), Column("value", t("Value"), "unit")),
        tuple({"metric": labels[n], "unit": _UNITS.get(n, "count"),
               "value": None if mine is None else mine[n]} for n in _NAMES),
    )  # fmt: skip
    note = t("Time to first contact is in business hours where an SLA clock measured it.")
    slas = inputs.contract.contract.slas
    verdict: tuple[str, ...] = ()
    rate = None if mine is None else mine["mql_to_sql_rate"]
    if rate is not None:
        band = (t("good") if rate >= slas.mql_to_sql_good else t("bad")
                if rate < slas.mql_to_sql_bad else t("between the bands"))  # fmt: skip
        verdict = (t("MQL→SQL {rate}: {band} (good ≥ {good}, bad < {bad}).").format(
            rate=f.pct(rate), band=band, good=f.pct(slas.mql_to_sql_good, 0),
            bad=f.pct(slas.mql_to_sql_bad, 0)),)  # fmt: skip
    return Section(t("Conversion"), (*verdict, note), tables=(table,))
