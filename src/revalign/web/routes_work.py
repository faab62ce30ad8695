"""The work pages and their actions: SAL queue (accept / reject), rep queue (touch, qualify,
disqualify, recycle) and the lead page. Actions go through the verbs layer (services.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from revalign import services
from revalign.auth import Role
from revalign.errors import InputError, NotFound
from revalign.web.access import may_review, may_work
from revalign.web.deps import Ctx, context
from revalign.web.render import page
from revalign.web.routes_auth import _local
from revalign.web.views import work

router = APIRouter()


def _show(request: Request, ctx: Ctx, name: str, **data: Any) -> HTMLResponse:
    return page(request, name, caller=ctx.caller, lang=ctx.lang, filters=ctx.filters,
                currency=ctx.rt.contract.contract.currency, **data)  # fmt: skip


def _reasons(ctx: Ctx) -> dict[str, list[str]]:
    q = ctx.rt.contract.contract.qualification
    return {"reject": list(q.sal_reject_reasons), "disqualify": list(q.disqualify_reasons),
            "recycle": list(q.recycle_reasons)}  # fmt: skip


def _now(ctx: Ctx) -> datetime:
    """The clocks' "now": the page's `as_of` when given (a look back), else this moment."""
    return ctx.filters.moment() if ctx.filters.as_of else datetime.now(UTC)


@router.get("/sal", response_class=HTMLResponse)
def sal_queue(request: Request) -> Response:
    ctx = context(request, "sal")
    now = _now(ctx)
    with ctx.rt.locked() as engine:
        rows = work.sal_queue(engine, ctx.caller, ctx.filters.team, now)
    return _show(request, ctx, "sal.html", rows=rows, reasons=_reasons(ctx), active="sal",
                 message=request.query_params.get("done"))  # fmt: skip


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v) for k, v in form.items()}


@router.post("/sal/{lead_id}/{decision}")
async def sal_decide(request: Request, lead_id: str, decision: str) -> Response:
    ctx = context(request, "sal")
    form = await _form(request)
    note = form.get("note") or None
    with ctx.rt.locked() as engine:  # the verbs check the permission table and the row rule
        if decision == "accept":
            services.accept(engine, ctx.caller, lead_id, note=note)
        elif decision == "reject":
            reason = form.get("reason", "")
            if not reason:
                raise InputError("choose a reason code to reject an MQL")
            services.reject(engine, ctx.caller, lead_id, reason=reason, note=note)
        else:
            raise NotFound(f"no SAL decision {decision!r} (accept or reject)")
    back = _local(form.get("next") or "/sal")
    sep = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{sep}done={decision}:{lead_id}", status_code=303)


@router.get("/queue", response_class=HTMLResponse)
def rep_queue(request: Request, rep: str = "") -> Response:
    ctx = context(request, "queue")
    caller = ctx.caller
    teams = [t for t in ctx.rt.contract.contract.teams if t.side == "sales"]
    if caller.role == Role.SALES_MANAGER:
        teams = [t for t in teams if t.id == caller.team]
    reps = [r.id for t in teams for r in t.reps]
    own = caller.rep_id if caller.rep_id else (reps[0] if reps else "")
    chosen = (caller.rep_id or "") if caller.role == Role.REP else (rep or own or "")
    now = _now(ctx)
    with ctx.rt.locked() as engine:
        rows = work.rep_queue(engine, caller, chosen, now)
    return _show(request, ctx, "queue.html", rows=rows, rep=chosen, reps=reps,
                 reasons=_reasons(ctx), active="queue",
                 message=request.query_params.get("done"))  # fmt: skip


@router.get("/lead/{lead_id}", response_class=HTMLResponse)
def lead_page(request: Request, lead_id: str) -> Response:
    ctx = context(request)
    now = _now(ctx)
    with ctx.rt.locked() as engine:
        data = work.lead_page(engine, ctx.caller, lead_id, now)
    return _show(request, ctx, "lead.html", d=data, reasons=_reasons(ctx), active="",
                 may_work=may_work(ctx.caller, data["lead"]),
                 may_review=may_review(ctx.caller),
                 message=request.query_params.get("done"))  # fmt: skip


@router.post("/lead/{lead_id}/{verb}")
async def lead_verb(request: Request, lead_id: str, verb: str) -> Response:
    """Log a touch, qualify, disqualify or recycle, as the caller."""
    ctx = context(request)
    form = await _form(request)
    caller = ctx.caller
    with ctx.rt.locked() as engine:  # the verbs check the permission table and the row rule
        if verb == "touch":
            services.touch(engine, caller, lead_id, kind=form.get("kind") or "call",
                           outcome=form.get("outcome") or None,
                           note=form.get("note") or None)  # fmt: skip
        elif verb == "qualify":
            fields = {k[6:]: v for k, v in form.items() if k.startswith("field_") and v}
            services.qualify(engine, caller, lead_id, fields=fields)
        elif verb == "disqualify":
            services.disqualify(engine, caller, lead_id, reason=form.get("reason", ""))
        elif verb == "recycle":
            services.recycle(engine, caller, lead_id, reason=form.get("reason", ""))
        else:
            raise NotFound(f"no lead action {verb!r} (touch, qualify, disqualify, recycle)")
    back = _local(form.get("next") or f"/lead/{lead_id}")
    sep = "&" if "?" in back else "?"
    return RedirectResponse(f"{back}{sep}done={verb}:{lead_id}", status_code=303)
