"""Forecast vs actual, attribution (every model side by side, cost, ROI), the plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from revalign.analytics.attribution.models import MODELS
from revalign.analytics.attribution.report import attribution_report, input_from_frames
from revalign.analytics.forecast_accuracy import SOURCES
from revalign.analytics.forecast_report import accuracy_view, quarter_view
from revalign.analytics.planning import build_plan
from revalign.analytics.planning.capacity import capacity_windows, sal_capacity
from revalign.analytics.planning.measure import plan_inputs_from_frames
from revalign.core.events import EventType
from revalign.web import charts
from revalign.web.i18n import translator
from revalign.web.runtime import Snapshot


def forecast(snap: Snapshot, rep: str) -> dict[str, Any]:
    ctx = snap.ctx
    by_rep = bool(rep)
    view = accuracy_view(snap.frames, snap.as_of, ctx.currency, by_rep)
    rows = [r for r in view["rows"] if not rep or r["by"] == rep]
    current = quarter_view(snap.frames, ctx.quarter, snap.as_of, ctx.currency, rep or None)
    return {"rows": rows, "sources": SOURCES, "summary": view["summary"], "current": current}


def attribution(snap: Snapshot, lang: str) -> dict[str, Any]:
    _ = translator(lang)
    data = input_from_frames(snap.frames, snap.terms)
    reports = {m: attribution_report(data, m) for m in MODELS}
    channels = sorted({c for r in reports.values() for c in r["revenue"]})
    first = reports[MODELS[0]]
    cost = first.get("cost", {})
    rows = []
    for c in channels:
        rows.append({
            "channel": c,
            "revenue": {m: reports[m]["revenue"].get(c) for m in MODELS},
            "roi": {m: reports[m].get("roi", {}).get(c) for m in MODELS},
            "cost": cost.get(c),
        })  # fmt: skip
    chart_rows = [{"channel": r["channel"], "markov": r["revenue"]["markov"]} for r in rows]
    chart = charts.bars(chart_rows, "channel", "markov", title=_("Revenue credit (Markov)"),
                        x_title=_("Channel"), y_title=_("Revenue credit (Markov)"),
                        kind="money", lang=lang, currency=snap.ctx.currency)  # fmt: skip
    return {"models": MODELS, "rows": rows, "total_revenue": first["total_revenue"],
            "journeys": first["journeys"], "chart_svg": charts.svg(chart)}  # fmt: skip


def plan(snap: Snapshot, events: Any) -> dict[str, Any]:
    """The reverse funnel of the as-of quarter against the contract's revenue target."""
    terms, quarter = snap.terms, snap.ctx.quarter
    target = snap.ctx.revenue_target
    if target is None or target <= 0:
        return {
            "quarter": quarter,
            "report": None,
            "reason": f"no revenue target for {quarter} in the contract or the ledger",
        }
    inputs = plan_inputs_from_frames(snap.frames, terms)
    windows = capacity_windows(events)
    if windows:
        year, q = int(quarter[:4]), int(quarter[-1])
        first = date(year, 3 * q - 2, 1)
        last = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(1)
        capacity, note = sal_capacity(terms, windows, (first, last))
        inputs = replace(inputs, sal_capacity_per_month=capacity, capacity_note=note)
    return {"quarter": quarter, "report": build_plan(inputs, target, quarter), "reason": None}


CAPACITY_EVENTS = [EventType.CAPACITY_NOTICE]
