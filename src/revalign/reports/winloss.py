"""Win/loss analysis: won and lost deals and their reasons by segment and channel, the
marketing touches present in won against lost journeys, and the cycle length of each."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pandas as pd

from revalign.analytics.metrics.model import Dimension
from revalign.charts import Bar, bar_chart
from revalign.reports.common import money_sum, period_label, ts
from revalign.reports.inputs import ReportInputs
from revalign.reports.model import Column, Report, Section, Table
from revalign.reports.periods import Period


def closed_in(inputs: ReportInputs, period: Period) -> pd.DataFrame:
    """Opportunities closed (won or lost) in the period, with their lead's segment."""
    o = inputs.frames.opportunities
    done = o[(o["closed_at"] >= ts(period.start)) & (o["closed_at"] < ts(period.end))]
    segment = inputs.frames.leads.set_index("lead_id")["segment"]
    return done.assign(segment=done["lead_id"].map(segment))


def build(inputs: ReportInputs, period: Period) -> Report:
    t = inputs.t
    done = closed_in(inputs, period)
    return Report(
        kind="winloss", title=t("Win/loss analysis"), period=period_label(period, inputs.fmt),
        lang=inputs.lang, currency=inputs.currency, as_of=inputs.as_of,
        contract_version=inputs.contract.version,
        sections=(_by(inputs, period, done), _reasons(inputs, done), _touches(inputs, done),
                  _cycle(inputs, done)),
    )  # fmt: skip


def _by(inputs: ReportInputs, period: Period, done: pd.DataFrame) -> Section:
    t = inputs.t
    tables = []
    dims: tuple[tuple[Dimension, str], ...] = (("segment", t("Segment")), ("channel", t("Channel")))
    for by, label in dims:
        rows = inputs.window(period.start, period.end, by, ("won_deals", "win_rate", "won_revenue"))
        lost = Counter(str(v) for v in done.loc[done["won"] == False, by])  # noqa: E712
        for r in rows:
            r["lost"] = lost.get(str(r[by]), 0)
        rows = [r for r in rows if r["won_deals"] or r["lost"]]
        rows.sort(key=lambda r: (-(r["won_deals"] + r["lost"]), str(r[by])))
        tables.append(Table(
            f"by_{by}", t("Won and lost by {what}").format(what=label.lower()),
            (Column(by, label), Column("won_deals", t("Won"), "count"),
             Column("lost", t("Lost"), "count"), Column("win_rate", t("Win rate"), "rate"),
             Column("won_revenue", t("Won revenue"), "money")),
            tuple(rows), empty=t("No deal closed in the period."),
        ))  # fmt: skip
    return Section(t("Won and lost"), tables=tuple(tables))


def _reasons(inputs: ReportInputs, done: pd.DataFrame) -> Section:
    t = inputs.t
    rows: list[dict[str, Any]] = []
    for won, label in ((False, t("Lost")), (True, t("Won"))):
        part = done[done["won"] == won]
        counts = Counter(
            (str(s), str(r) if r is not None and not pd.isna(r) else t("no reason recorded"))
            for s, r in zip(part["segment"], part["reason"], strict=True)
        )
        for (segment, reason), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            rows.append({"outcome": label, "segment": segment, "reason": reason, "deals": n,
                         "share": n / len(part)})  # fmt: skip
    table = Table("reasons", t("Reasons by segment"),
                  (Column("outcome", t("Outcome")), Column("segment", t("Segment")),
                   Column("reason", t("Reason")), Column("deals", t("Deals"), "count"),
                   Column("share", t("Share of the outcome"), "rate")), tuple(rows),
                  empty=t("No deal closed in the period."))  # fmt: skip
    return Section(t("Reasons"), tables=(table,))


def _touches(inputs: ReportInputs, done: pd.DataFrame) -> Section:
    """Share of won and of lost journeys with a marketing touch of each channel and kind
    before the close."""
    t, f = inputs.t, inputs.fmt
    touches = inputs.frames.touches
    close = done.set_index("lead_id")["closed_at"]
    mine = touches[touches["lead_id"].isin(close.index)]
    mine = mine[mine["occurred_at"] < mine["lead_id"].map(close)]
    outcome = done.set_index("lead_id")["won"]
    n_won, n_lost = int((done["won"] == True).sum()), int((done["won"] == False).sum())  # noqa: E712
    rows: list[dict[str, Any]] = []
    bars: list[Bar] = []
    for (channel, kind), group in mine.groupby(["channel", "kind"], dropna=False):
        leads = group["lead_id"].unique()
        won = int(sum(bool(outcome[x]) for x in leads))
        lost = len(leads) - won
        rows.append({
            "channel": None if channel is None or channel != channel else channel, "kind": kind,
            "won": won / n_won if n_won else None, "lost": lost / n_lost if n_lost else None,
            "lift": (won / n_won) - (lost / n_lost) if n_won and n_lost else None,
        })  # fmt: skip
    rows.sort(key=lambda r: (-(r["lift"] if r["lift"] is not None else -9), str(r["channel"]),
                             str(r["kind"])))  # fmt: skip
    for r in rows[:8]:
        label = f"{r['channel']} · {r['kind']}"
        bars += [Bar(label, r["won"], t("Won")), Bar(label, r["lost"], t("Lost"))]
    per = mine.groupby("lead_id").size()
    avg = {w: float(per.reindex(done.loc[done["won"] == w, "lead_id"]).fillna(0).mean())
           if len(done[done["won"] == w]) else None for w in (True, False)}  # fmt: skip
    line = t("Marketing touches per journey: won {won}, lost {lost}.").format(
        won=f.num(avg[True], 1), lost=f.num(avg[False], 1)
    )
    table = Table("touches", t("Marketing touches in won and lost journeys"),
                  (Column("channel", t("Channel")), Column("kind", t("Touch")),
                   Column("won", t("Share of won journeys"), "rate"),
                   Column("lost", t("Share of lost journeys"), "rate"),
                   Column("lift", t("Difference"), "rate")), tuple(rows),
                  empty=t("No deal closed in the period."))  # fmt: skip
    chart = bar_chart(bars, title=t("Marketing touches in won and lost journeys"),
                      x_title=t("Touch"), y_title=t("Share of journeys"), kind="rate",
                      lang=inputs.lang, currency=inputs.currency)  # fmt: skip
    return Section(t("Touches that mattered"), (line,), tables=(table,), charts=(chart,))


def _cycle(inputs: ReportInputs, done: pd.DataFrame) -> Section:
    t = inputs.t
    rows = []
    for won, label in ((True, t("Won")), (False, t("Lost"))):
        part = done[done["won"] == won]
        days = (part["closed_at"] - part["created_at"]).dt.total_seconds() / 86400
        rows.append(
            {
                "outcome": label,
                "deals": len(part),
                "median_days": float(days.median()) if len(part) else None,
                "amount": money_sum(part["report_amount"]) if len(part) else None,
            }
        )
    table = Table("cycle", t("Cycle length (opportunity created to close)"),
                  (Column("outcome", t("Outcome")), Column("deals", t("Deals"), "count"),
                   Column("median_days", t("Median days"), "days"),
                   Column("amount", t("Amount"), "money")), tuple(rows))  # fmt: skip
    return Section(t("Cycle length"), tables=(table,))
