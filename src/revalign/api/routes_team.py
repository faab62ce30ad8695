"""/api: capacity notices, forecasts, survey answers, costs, and the reads over history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from revalign.api.deps import CallerDep, RuntimeDep
from revalign.api.models import CapacityBody, CostBody, ForecastBody, Moment, SurveyBody
from revalign.auth.caller import Caller
from revalign.auth.permissions import Action, require
from revalign.services import analytics, team
from revalign.services.views import FactView, ReportView

router = APIRouter(prefix="/api")


@router.get("/me", tags=["users"])
def me(caller: CallerDep) -> dict[str, str | None]:
    """Who the token belongs to."""
    return {"user": caller.name, "role": caller.role.value, "rep_id": caller.rep_id,
            "team": caller.team, "token_id": caller.token_id}  # fmt: skip


@router.post("/capacity-notices", response_model=FactView, status_code=201, tags=["team"])
def capacity_notice(body: CapacityBody, rt: RuntimeDep, caller: CallerDep) -> FactView:
    """Announce a capacity change of a team or a rep."""
    return rt.locked(lambda e: team.capacity_notice(
        e, caller, body.team, body.capacity, body.effective_from, rep=body.rep,
        effective_to=body.effective_to, reason=body.reason, at=body.at))  # fmt: skip


@router.post("/forecasts", response_model=FactView, status_code=201, tags=["team"])
def forecast(body: ForecastBody, rt: RuntimeDep, caller: CallerDep) -> FactView:
    """Submit a forecast (commit, best case or pipeline) for a period."""
    return rt.locked(lambda e: team.forecast(
        e, caller, body.period, body.amount, category=body.category, by=body.by,
        currency=body.currency, at=body.at))  # fmt: skip


@router.post("/surveys", response_model=FactView, status_code=201, tags=["team"])
def survey(body: SurveyBody, rt: RuntimeDep, caller: CallerDep) -> FactView:
    """A cross-team NPS answer."""
    return rt.locked(lambda e: team.survey_answer(
        e, caller, body.team, body.about, body.score, comment=body.comment,
        respondent=body.respondent, at=body.at))  # fmt: skip


@router.post("/costs", response_model=FactView, status_code=201, tags=["team"])
def cost(body: CostBody, rt: RuntimeDep, caller: CallerDep) -> FactView:
    """What a campaign cost over a period."""
    return rt.locked(lambda e: team.campaign_cost(
        e, caller, body.campaign, body.channel, body.amount, body.period_start,
        body.period_end, currency=body.currency, at=body.at))  # fmt: skip


def _moment(as_of: datetime | None) -> datetime:
    """`as_of`, or now to the minute: answers "as of now" are shared within a minute."""
    return as_of or datetime.now(UTC).replace(second=0, microsecond=0)


def _read(rt: RuntimeDep, caller: Caller) -> None:
    require(caller, Action.METRICS_READ)  # before the frames load


@router.get("/metrics", response_model=ReportView, tags=["analytics"])
def metrics(rt: RuntimeDep, caller: CallerDep,
            by: Annotated[str | None, Query(max_length=40)] = None, cohort: bool = False,
            as_of: Moment | None = None) -> ReportView:  # fmt: skip
    """The shared metrics (overall, or by one dimension), nulls with their reasons."""
    _read(rt, caller)
    key = ("metrics", by, cohort, _moment(as_of), rt.contract.version)
    return rt.memo(key, lambda: analytics.metrics(
        rt.ledger, rt.contract.contract, caller, by=by, cohort=cohort,
        as_of=as_of or _moment(None), frames=rt.frames))  # fmt: skip


@router.get("/attribution", response_model=ReportView, tags=["analytics"])
def attribution(rt: RuntimeDep, caller: CallerDep,
                model: Annotated[str, Query(max_length=40)] = "linear",
                lookback_days: Annotated[float | None, Query(gt=0, le=3650)] = None,
                half_life_days: Annotated[float, Query(gt=0, le=3650)] = 7.0,
                ) -> ReportView:  # fmt: skip
    """Credit conversions and revenue to channels with one model."""
    _read(rt, caller)
    key = ("attribution", model, lookback_days, half_life_days, rt.contract.version)
    return rt.memo(key, lambda: analytics.attribution(
        rt.ledger, rt.contract.contract, caller, model, lookback_days=lookback_days,
        half_life_days=half_life_days, frames=rt.frames))  # fmt: skip


@router.get("/plan", response_model=ReportView, tags=["analytics"])
def plan(rt: RuntimeDep, caller: CallerDep, quarter: Annotated[str, Query(max_length=10)],
         target: Annotated[float | None, Query(gt=0, le=1e15)] = None) -> ReportView:  # fmt: skip
    """The reverse funnel for a quarter's revenue target."""
    _read(rt, caller)
    return analytics.plan(rt.ledger, rt.contract.contract, caller, quarter, target,
                          frames=rt.frames)  # fmt: skip


@router.get("/sla/status", response_model=ReportView, tags=["analytics"])
def sla_status(rt: RuntimeDep, caller: CallerDep,
               week: Annotated[str | None, Query(max_length=10)] = None,
               as_of: Moment | None = None) -> ReportView:  # fmt: skip
    """Open SLA breaches and escalations (or those of one ISO week)."""
    return analytics.sla_status(rt.ledger, rt.contract.contract, caller, week, as_of)


@router.get("/sla/report", response_model=ReportView, tags=["analytics"])
def sla_report(rt: RuntimeDep, caller: CallerDep,
               week: Annotated[str | None, Query(max_length=10)] = None,
               as_of: Moment | None = None) -> ReportView:  # fmt: skip
    """The weekly SLA compliance report, per side, SLA, team and person."""
    return analytics.sla_report(rt.ledger, rt.contract.contract, caller, week, as_of)
