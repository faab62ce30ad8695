"""The analytics pages: meeting view, pipeline, conversion, aging, forecast, attribution,
plan, and the drill-down behind every count."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from revalign.analytics.metrics.select import drill_measure, drill_records
from revalign.analytics.sla_facts import read_sla_events
from revalign.auth import can_see_lead
from revalign.web.deps import Ctx, context
from revalign.web.render import page
from revalign.web.views import meeting, money, sources

router = APIRouter()


def _show(request: Request, ctx: Ctx, name: str, **data: Any) -> HTMLResponse:
    return page(request, name, caller=ctx.caller, lang=ctx.lang, filters=ctx.filters,
                currency=ctx.rt.contract.contract.currency, **data)  # fmt: skip


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    ctx = context(request, "home")
    with ctx.rt.locked():
        snap = ctx.rt.snapshot(ctx.filters.moment())
        data = meeting.home(snap, ctx.filters.selection(), ctx.lang)
    return _show(request, ctx, "home.html", d=data, active="home")


def _breakdown(request: Request, key: str, by: str) -> Response:
    ctx = context(request, key)
    view = {"pipeline": sources.pipeline, "conversion": sources.conversion,
            "aging": sources.aging}[key]  # fmt: skip
    with ctx.rt.locked():
        data = view(ctx.rt.snapshot(ctx.filters.moment()), ctx.filters.selection(), by, ctx.lang)
    return _show(request, ctx, f"{key}.html", d=data, active=key, dims=sources.BREAKDOWNS)


@router.get("/pipeline", response_class=HTMLResponse)
def pipeline(request: Request, by: str = "channel") -> Response:
    return _breakdown(request, "pipeline", by)


@router.get("/conversion", response_class=HTMLResponse)
def conversion(request: Request, by: str = "channel") -> Response:
    return _breakdown(request, "conversion", by)


@router.get("/aging", response_class=HTMLResponse)
def aging(request: Request, by: str = "rep") -> Response:
    return _breakdown(request, "aging", by)


@router.get("/forecast", response_class=HTMLResponse)
def forecast(request: Request) -> Response:
    ctx = context(request, "forecast")
    with ctx.rt.locked():
        data = money.forecast(ctx.rt.snapshot(ctx.filters.moment()), ctx.filters.rep)
    return _show(request, ctx, "forecast.html", d=data, active="forecast")


@router.get("/attribution", response_class=HTMLResponse)
def attribution(request: Request) -> Response:
    ctx = context(request, "attribution")
    with ctx.rt.locked():
        data = money.attribution(ctx.rt.snapshot(ctx.filters.moment()), ctx.lang)
    return _show(request, ctx, "attribution.html", d=data, active="attribution")


@router.get("/plan", response_class=HTMLResponse)
def plan(request: Request) -> Response:
    ctx = context(request, "plan")
    with ctx.rt.locked() as engine:
        events = read_sla_events(engine.ledger, money.CAPACITY_EVENTS)
        data = money.plan(ctx.rt.snapshot(ctx.filters.moment()), events)
    return _show(request, ctx, "plan.html", d=data, active="plan")


@router.get("/drill/{metric}", response_class=HTMLResponse)
def drill(request: Request, metric: str) -> Response:
    """The records a count counts, selected by the metric's own definition and filters."""
    ctx = context(request)
    measure = drill_measure(metric)
    with ctx.rt.locked() as engine:
        snap = ctx.rt.snapshot(ctx.filters.moment())
        records = drill_records(snap.backend, metric, ctx.filters.selection())
        leads = engine.state.leads
        rows = []
        for r in records:
            lead_id = _lead_of(engine, measure.record, str(r["record_id"]))
            lead = leads.get(lead_id) if lead_id else None
            if lead is None or not can_see_lead(ctx.caller, lead):
                lead_id, lead = None, None  # counted, but the row rule hides whose it is
            rows.append({**r, "lead_id": lead_id, "stage": lead.stage.value if lead else None,
                         "company": lead.company if lead else None})  # fmt: skip
    money = measure.excluded is not None  # a revenue sum: the amounts add up to the number
    total = sum((r["value"] for r in rows if r["value"] is not None), Decimal(0))
    return _show(request, ctx, "drill.html", metric=metric, record=measure.record, rows=rows,
                 money=money, total=total, active="")  # fmt: skip


def _lead_of(engine: Any, record: str | None, record_id: str) -> str | None:
    state = engine.state
    if record == "lead":
        return record_id
    if record == "opportunity":
        opp = state.opportunities.get(record_id)
        return opp.lead_id if opp else None
    clock = state.clocks.get(record_id)
    return clock.lead_id if clock else None
