"""Content performance: which content assets appear in the journeys of won deals, and how
often reps share them. An asset is in a journey when a marketing touch or a rep touch of the
deal's lead names it before the close; assets are listed in the contract (`content:`) or by
`revalign ingest FILE --kind content`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from revalign.charts import Bar, bar_chart
from revalign.reports.common import money_sum, period_label, ts
from revalign.reports.inputs import ReportInputs
from revalign.reports.model import Column, Report, Section, Table
from revalign.reports.periods import Period
from revalign.reports.winloss import closed_in


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["content"].notna() & (frame["content"] != "")]


def build(inputs: ReportInputs, period: Period) -> Report:
    t, f = inputs.t, inputs.fmt
    lo, hi = ts(period.start), ts(period.end)
    mkt = _named(inputs.frames.touches)
    rep = _named(inputs.frames.rep_touches)
    mkt_in = mkt[(mkt["occurred_at"] >= lo) & (mkt["occurred_at"] < hi)]
    rep_in = rep[(rep["occurred_at"] >= lo) & (rep["occurred_at"] < hi)]
    done = closed_in(inputs, period)
    close = done.set_index("lead_id")["closed_at"]
    journeys = pd.concat(
        [mkt[["lead_id", "occurred_at", "content"]], rep[["lead_id", "occurred_at", "content"]]]
    )
    journeys = journeys[journeys["lead_id"].isin(close.index)]
    journeys = journeys[journeys["occurred_at"] < journeys["lead_id"].map(close)]
    with_asset = journeys.groupby("content")["lead_id"].unique()
    won = done[done["won"] == True]  # noqa: E712
    n_won = len(won)
    ids = sorted(
        set(inputs.assets) | set(mkt_in["content"]) | set(rep_in["content"]) | set(with_asset.index)
    )
    rows: list[dict[str, Any]] = []
    for cid in ids:
        leads = set(with_asset.get(cid, ()))
        won_here = won[won["lead_id"].isin(leads)]
        closed_here = done[done["lead_id"].isin(leads)]
        shares = rep_in[rep_in["content"] == cid]
        asset = inputs.assets.get(cid)
        rows.append(
            {
                "content": cid,
                "name": asset.name if asset else t("(not listed)"),
                "kind": asset.kind if asset else None,
                "touches": int((mkt_in["content"] == cid).sum()),
                "leads": int(mkt_in.loc[mkt_in["content"] == cid, "lead_id"].nunique()),
                "shares": len(shares),
                "reps": int(shares["by"].nunique()),
                "won_deals": len(won_here),
                "won_share": len(won_here) / n_won if n_won else None,
                "win_rate": len(won_here) / len(closed_here) if len(closed_here) else None,
                "won_revenue": money_sum(won_here["report_amount"]),
            }
        )
    rows.sort(key=lambda r: (-r["won_deals"], -r["shares"], r["content"]))
    columns = (
        Column("content", t("Content asset")),
        Column("name", t("Name")),
        Column("kind", t("Kind")),
        Column("touches", t("Marketing touches"), "count"),
        Column("leads", t("Leads reached"), "count"),
        Column("shares", t("Rep shares"), "count"),
        Column("reps", t("Reps sharing"), "count"),
        Column("won_deals", t("Won deals with it"), "count"),
        Column("won_share", t("Share of won deals"), "rate"),
        Column("win_rate", t("Win rate of deals with it"), "rate"),
        Column("won_revenue", t("Won revenue with it"), "money"),
    )
    table = Table(
        "content",
        t("Content assets"),
        columns,
        tuple(rows),
        empty=t("No content asset is listed or named by a touch."),
    )
    unlisted = [r["content"] for r in rows if r["content"] not in inputs.assets]
    note = (
        t("Named by touches but not listed: {ids}").format(ids=", ".join(unlisted))
        if unlisted
        else ""
    )
    line = t("Won deals in the period: {n}; with at least one content asset: {m}.").format(
        n=f.count(n_won), m=f.count(won["lead_id"].isin(set(journeys["lead_id"])).sum())
    )
    chart = bar_chart(
        [Bar(r["content"], r["won_deals"]) for r in rows if r["won_deals"]],
        title=t("Won deals with each content asset"),
        x_title=t("Content asset"),
        y_title=t("Won deals"),
        lang=inputs.lang,
        currency=inputs.currency,
    )
    share = bar_chart(
        [Bar(r["content"], r["shares"]) for r in rows if r["shares"]],
        title=t("Rep shares per content asset"),
        x_title=t("Content asset"),
        y_title=t("Rep shares"),
        lang=inputs.lang,
        currency=inputs.currency,
    )
    sections = (
        Section(
            t("Content in won deals"),
            (line, *([note] if note else [])),
            tables=(table,),
            charts=(chart, share),
        ),
    )
    return Report(
        kind="content",
        title=t("Content performance"),
        period=period_label(period, f),
        lang=inputs.lang,
        currency=inputs.currency,
        as_of=inputs.as_of,
        contract_version=inputs.contract.version,
        sections=sections,
    )
