"""Monthly lead-quality scorecard by campaign and channel: volume, MQL→SQL, SAL acceptance
and rejection reasons, cost per SQL, and what to celebrate and what to fix, judged against
the contract's bands (`mql_to_sql_good` / `_bad`, `sal_acceptance_min`, `quality_min_mqls`)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from revalign.analytics.metrics.model import Dimension
from revalign.charts import Bar, ChartSpec, bar_chart
from revalign.reports.common import period_label, stage_label, ts
from revalign.reports.inputs import ReportInputs
from revalign.reports.model import Column, Report, Section, Table
from revalign.reports.periods import Period

_NAMES = ("leads", "mqls", "sals", "sqls", "mql_to_sql_rate", "sal_acceptance_rate", "cost_per_sql")


def build(inputs: ReportInputs, period: Period) -> Report:
    t = inputs.t
    by_campaign = _rows(inputs, period, "campaign")
    by_channel = _rows(inputs, period, "channel")
    return Report(
        kind="scorecard",
        title=t("Monthly lead-quality scorecard"),
        period=period_label(period, inputs.fmt),
        lang=inputs.lang,
        currency=inputs.currency,
        as_of=inputs.as_of,
        contract_version=inputs.contract.version,
        sections=(
            _verdicts(inputs, by_campaign, by_channel),
            _section(inputs, "campaign", by_campaign),
            _section(inputs, "channel", by_channel),
        ),
    )


def _rows(inputs: ReportInputs, period: Period, by: Dimension) -> list[dict[str, Any]]:
    rows = inputs.window(period.start, period.end, by, _NAMES)
    leads = inputs.frames.leads
    gone = leads[
        (leads["rejected_at"] >= ts(period.start)) & (leads["rejected_at"] < ts(period.end))
    ]
    reasons: dict[Any, Counter[str]] = {}
    for key, reason in zip(gone[by], gone["reject_reason"], strict=True):
        reasons.setdefault(None if pd.isna(key) else key, Counter())[str(reason)] += 1
    for r in rows:
        top = reasons.get(r[by], Counter()).most_common(3)
        r["reasons"] = ", ".join(f"{k} ({inputs.fmt.count(n)})" for k, n in top) or None
    return sorted(rows, key=lambda r: (-(r["mqls"] or 0), str(r[by])))


def _columns(inputs: ReportInputs, by: str) -> tuple[Column, ...]:
    t = inputs.t
    label = t("Campaign") if by == "campaign" else t("Channel")
    return (
        Column(by, label),
        *(Column(s, stage_label(inputs, s), "count") for s in ("leads", "mqls", "sals", "sqls")),
        Column("mql_to_sql_rate", t("MQL→SQL"), "rate"),
        Column("sal_acceptance_rate", t("SAL acceptance"), "rate"),
        Column("reasons", t("Top rejection reasons")),
        Column("cost_per_sql", t("Cost per SQL"), "money"),
    )


def _section(inputs: ReportInputs, by: str, rows: list[dict[str, Any]]) -> Section:
    t = inputs.t
    title = t("By campaign") if by == "campaign" else t("By channel")
    table = Table(
        f"by_{by}", title, _columns(inputs, by), tuple(rows), empty=t("None this period.")
    )
    charts: tuple[ChartSpec, ...] = ()
    if by == "channel":
        charts = (
            bar_chart(
                [Bar(str(r["channel"]), r["mql_to_sql_rate"]) for r in rows],
                title=t("MQL→SQL by channel"),
                x_title=t("Channel"),
                y_title=t("MQL→SQL"),
                kind="rate",
                lang=inputs.lang,
                currency=inputs.currency,
            ),
        )
    return Section(title, tables=(table,), charts=charts)


def judge(inputs: ReportInputs, name: str, row: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(celebrate, fix) lines for one campaign or channel, from the contract's bands."""
    t, f = inputs.t, inputs.fmt
    slas = inputs.contract.contract.slas
    good, fix = [], []
    rate, accept = row["mql_to_sql_rate"], row["sal_acceptance_rate"]
    if rate is not None and rate >= slas.mql_to_sql_good:
        good.append(
            t("{name}: MQL→SQL {rate} (good: at least {band})").format(
                name=name, rate=f.pct(rate), band=f.pct(slas.mql_to_sql_good, 0)
            )
        )
    if rate is not None and rate < slas.mql_to_sql_bad:
        fix.append(
            t("{name}: MQL→SQL {rate} (bad: below {band})").format(
                name=name, rate=f.pct(rate), band=f.pct(slas.mql_to_sql_bad, 0)
            )
        )
    if accept is not None and accept < slas.sal_acceptance_min:
        why = row.get("reasons") or t("no reason recorded")
        fix.append(
            t("{name}: SAL acceptance {rate} (below {band}): {reasons}").format(
                name=name, rate=f.pct(accept), band=f.pct(slas.sal_acceptance_min, 0), reasons=why
            )
        )
    elif accept is not None and rate is not None and rate >= slas.mql_to_sql_good:
        good.append(t("{name}: SAL acceptance {rate}").format(name=name, rate=f.pct(accept)))
    return good, fix


def _verdicts(
    inputs: ReportInputs, campaigns: list[dict[str, Any]], channels: list[dict[str, Any]]
) -> Section:
    t, f = inputs.t, inputs.fmt
    least = inputs.contract.contract.slas.quality_min_mqls
    celebrate: list[str] = []
    fix: list[str] = []
    small: list[str] = []
    for by, group in (("campaign", campaigns), ("channel", channels)):
        for r in group:
            name = str(r[by] or t("unknown"))
            if (r["mqls"] or 0) < least:
                if by == "campaign" and r["mqls"]:
                    small.append(name)
                continue
            good, bad = judge(inputs, name, r)
            celebrate += good
            fix += bad
    rows = tuple({"verdict": t("Celebrate"), "what": line} for line in celebrate) + tuple(
        {"verdict": t("Fix"), "what": line} for line in fix
    )
    note = ""
    if small:
        note = t("Too few MQLs to judge (fewer than {n}): {names}").format(
            n=f.count(least), names=", ".join(small)
        )
    table = Table(
        "celebrate_fix",
        t("What to celebrate and what to fix"),
        (Column("verdict", t("Verdict")), Column("what", t("What"))),
        rows,
        empty=t("No campaign or channel had enough MQLs to judge."),
        note=note,
    )
    return Section(t("Celebrate and fix"), tables=(table,))
