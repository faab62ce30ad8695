"""Pipeline by source, conversion by channel and campaign, lead aging."""

from __future__ import annotations

from typing import Any

from revalign.analytics.metrics import Dimension
from revalign.analytics.metrics.select import Selection
from revalign.web import charts
from revalign.web.i18n import translator
from revalign.web.runtime import Snapshot
from revalign.web.views.numbers import breakdown, rejection_reasons, values

BREAKDOWNS: tuple[Dimension, ...] = ("channel", "campaign", "segment", "team", "rep", "month")
PIPELINE = ("leads", "opportunities", "pipeline_value", "won_deals", "won_revenue",
            "marketing_sourced_revenue")  # fmt: skip
CONVERSION = ("mqls", "sals", "rejections", "sqls", "mql_to_sql_rate", "sal_acceptance_rate",
              "cost_per_sql")  # fmt: skip
AGING = ("lead_aging_0_7", "lead_aging_8_14", "lead_aging_15_30", "lead_aging_31_plus")
_SALES_SOURCED = ("outbound", "sales")


def _by(text: str, default: Dimension) -> Dimension:
    return next((d for d in BREAKDOWNS if d == text), default)


def pipeline(snap: Snapshot, sel: Selection, by: str, lang: str) -> dict[str, Any]:
    _ = translator(lang)
    dim = _by(by, "channel")
    rows = breakdown(snap, sel, PIPELINE, dim)
    total = values(snap, sel, PIPELINE)
    sourced = {"marketing": total["marketing_sourced_revenue"]}
    won = total["won_revenue"]
    sourced["sales"] = won - sourced["marketing"] if won is not None and sourced["marketing"]\
        is not None else None  # fmt: skip
    chart = charts.bars(rows, dim, "pipeline_value", title=_("Open pipeline"), x_title=_(dim),
                        y_title=_("Open pipeline"), kind="money", lang=lang,
                        currency=snap.ctx.currency)  # fmt: skip
    return {"by": dim, "rows": rows, "total": total, "sourced": sourced,
            "chart_svg": charts.svg(chart), "columns": PIPELINE}  # fmt: skip


def conversion(snap: Snapshot, sel: Selection, by: str, lang: str) -> dict[str, Any]:
    _ = translator(lang)
    dim = _by(by, "channel")
    rows = breakdown(snap, sel, CONVERSION, dim)
    ctx = snap.ctx
    good, bad = ctx.mql_to_sql_good or 0.4, _bad(snap)
    for r in rows:
        rate = r["mql_to_sql_rate"]
        r["band"] = None if rate is None else "good" if rate >= good else "bad" if rate < bad \
            else "watch"  # fmt: skip
        sal = r["sal_acceptance_rate"]
        r["sal_flag"] = sal is not None and sal < (ctx.sal_acceptance_min or 0.6)
    line = ctx.sal_acceptance_min or 0.6
    sal_chart = charts.bars(
        rows,
        dim,
        "sal_acceptance_rate",
        title=_("SAL acceptance"),
        x_title=_(dim),
        y_title=_("SAL acceptance"),
        rules=[(line, f"{line:.0%}")],
        kind="rate",
        lang=lang,
        currency=ctx.currency,
    )
    mql_chart = charts.bars(
        rows,
        dim,
        "mql_to_sql_rate",
        title=_("MQL→SQL"),
        x_title=_(dim),
        y_title=_("MQL→SQL"),
        rules=[(good, f"{good:.0%}"), (bad, f"{bad:.0%}")],
        kind="rate",
        lang=lang,
        currency=ctx.currency,
    )
    return {
        "by": dim, "rows": rows, "total": values(snap, sel, CONVERSION), "good": good,
        "bad": bad, "sal_line": line, "reasons": rejection_reasons(snap, sel),
        "sal_svg": charts.svg(sal_chart), "mql_svg": charts.svg(mql_chart),
        "columns": CONVERSION,
    }  # fmt: skip


def _bad(snap: Snapshot) -> float:
    return snap.terms.slas.mql_to_sql_bad


def aging(snap: Snapshot, sel: Selection, by: str, lang: str) -> dict[str, Any]:
    dim = _by(by, "rep")
    rows = breakdown(snap, sel, AGING, dim)
    return {"by": dim, "rows": rows, "total": values(snap, sel, AGING), "columns": AGING}
