"""/api/leads and /api/opportunities: list, show, explain, timeline and the lead verbs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from revalign import services
from revalign.api.deps import CallerDep, RuntimeDep
from revalign.api.models import (
    AcceptBody,
    DisqualifyBody,
    LostBody,
    Moment,
    OpportunityBody,
    QualifyBody,
    ReassignBody,
    RecycleBody,
    RejectBody,
    StageBody,
    TouchBody,
    WonBody,
)
from revalign.services.lead_list import LeadQuery, list_page
from revalign.services.views import (
    EventView,
    ExplanationView,
    LeadRow,
    LeadView,
    OpportunityView,
    Page,
)

router = APIRouter(prefix="/api", tags=["leads"])
LeadPath = Annotated[str, "lead id"]
Str = Annotated[str | None, Query(max_length=200)]


@router.get("/leads", response_model=Page[LeadRow])
def list_leads(rt: RuntimeDep, caller: CallerDep, stage: Str = None, owner: Str = None,
               team: Str = None, channel: Str = None, campaign: Str = None,
               score_min: float | None = Query(None, allow_inf_nan=False),
               score_max: float | None = Query(None, allow_inf_nan=False),
               created_from: Moment | None = None,
               created_to: Moment | None = None,
               q: Str = None, cursor: Annotated[str | None, Query(max_length=1000)] = None,
               limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Page[LeadRow]:  # fmt: skip
    """Leads the caller may see, newest first; filters combine; `cursor` pages on."""
    f = LeadQuery(stage=stage, owner=owner, team=team, channel=channel, campaign=campaign,
                  score_min=score_min, score_max=score_max, created_from=created_from,
                  created_to=created_to, q=q, cursor=cursor, limit=limit)  # fmt: skip
    return list_page(rt.ledger, caller, f)


@router.get("/leads/{lead_id}", response_model=LeadView)
def show_lead(lead_id: str, rt: RuntimeDep, caller: CallerDep,
              at: Moment | None = None) -> LeadView:  # fmt: skip
    """One lead: stage, owner, score at `at`, cadence, history and SLA clocks."""
    return rt.locked(lambda e: services.lead_show(e, caller, lead_id, at))


@router.get("/leads/{lead_id}/explain", response_model=ExplanationView)
def explain_lead(lead_id: str, rt: RuntimeDep, caller: CallerDep,
                 at: Moment | None = None) -> ExplanationView:  # fmt: skip
    """Why the lead has its score: every rule that fired and its points."""
    return rt.locked(lambda e: services.explain(e, caller, lead_id, at))


@router.get("/leads/{lead_id}/timeline", response_model=Page[EventView])
def lead_timeline(lead_id: str, rt: RuntimeDep, caller: CallerDep,
                  cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                  ) -> Page[EventView]:  # fmt: skip
    """The lead's events in ledger order (cursor: the last seq seen)."""
    return rt.locked(lambda e: services.timeline(e, caller, lead_id, after_seq=cursor,
                                                 limit=limit))  # fmt: skip


@router.post("/leads/{lead_id}/accept", response_model=LeadView)
def accept(lead_id: str, body: AcceptBody, rt: RuntimeDep, caller: CallerDep) -> LeadView:
    """SAL gate: accept the MQL (sales_manager, revops, admin)."""
    return rt.locked(lambda e: services.accept(e, caller, lead_id, body.by, body.owner,
                                               body.note, at=body.at))  # fmt: skip


@router.post("/leads/{lead_id}/reject", response_model=LeadView)
def reject(lead_id: str, body: RejectBody, rt: RuntimeDep, caller: CallerDep) -> LeadView:
    """SAL gate: reject the MQL with a reason code."""
    return rt.locked(lambda e: services.reject(e, caller, lead_id, body.reason, body.by,
                                               body.note, at=body.at))  # fmt: skip


@router.post("/leads/{lead_id}/qualify", response_model=LeadView)
def qualify(lead_id: str, body: QualifyBody, rt: RuntimeDep, caller: CallerDep) -> LeadView:
    """BANT / MEDDIC qualification: the lead becomes an SQL."""
    return rt.locked(lambda e: services.qualify(e, caller, lead_id, body.fields, body.by,
                                                body.framework, at=body.at))  # fmt: skip


@router.post("/leads/{lead_id}/touches", response_model=LeadView)
def touch(lead_id: str, body: TouchBody, rt: RuntimeDep, caller: CallerDep) -> LeadView:
    """Log a rep touch."""
    return rt.locked(lambda e: services.touch(e, caller, lead_id, body.kind, body.by,
                                              body.outcome, body.note, at=body.at))  # fmt: skip


@router.post("/leads/{lead_id}/disqualify", response_model=LeadView)
def disqualify(lead_id: str, body: DisqualifyBody, rt: RuntimeDep,
               caller: CallerDep) -> LeadView:  # fmt: skip
    """Disqualify a worked lead."""
    return rt.locked(lambda e: services.disqualify(e, caller, lead_id, body.reason, body.by,
                                                   body.note, at=body.at))  # fmt: skip


@router.post("/leads/{lead_id}/recycle", response_model=LeadView)
def recycle(lead_id: str, body: RecycleBody, rt: RuntimeDep, caller: CallerDep) -> LeadView:
    """Send the lead back to marketing nurture."""
    return rt.locked(lambda e: services.recycle(e, caller, lead_id, body.reason, body.by,
                                                body.reengage_on, at=body.at))  # fmt: skip


@router.post("/leads/{lead_id}/reassign", response_model=LeadView)
def reassign(lead_id: str, body: ReassignBody, rt: RuntimeDep, caller: CallerDep) -> LeadView:
    """Give the lead to another rep (sales_manager, revops, admin)."""
    return rt.locked(lambda e: services.reassign(e, caller, lead_id, body.owner, body.team,
                                                 body.reason, at=body.at))  # fmt: skip


@router.post("/opportunities", response_model=LeadView, status_code=201, tags=["opportunities"])
def create_opportunity(body: OpportunityBody, rt: RuntimeDep, caller: CallerDep) -> LeadView:
    """Open the opportunity of an SQL."""
    return rt.locked(lambda e: services.create_opportunity(
        e, caller, body.lead_id, body.amount, opportunity_id=body.opportunity_id,
        currency=body.currency, decision_process=body.decision_process,
        stakeholders=list(body.stakeholders), decision_date=body.decision_date,
        expected_close=body.expected_close, name=body.name, owner=body.owner, at=body.at,
    ))  # fmt: skip


@router.post("/opportunities/{opportunity_id}/stage", response_model=OpportunityView,
             tags=["opportunities"])  # fmt: skip
def opportunity_stage(opportunity_id: str, body: StageBody, rt: RuntimeDep,
                      caller: CallerDep) -> OpportunityView:  # fmt: skip
    """Move an open opportunity to another stage."""
    return rt.locked(lambda e: services.change_stage(e, caller, opportunity_id, body.stage,
                                                     body.amount, body.expected_close,
                                                     at=body.at))  # fmt: skip


@router.post("/opportunities/{opportunity_id}/won", response_model=OpportunityView,
             tags=["opportunities"])  # fmt: skip
def opportunity_won(opportunity_id: str, body: WonBody, rt: RuntimeDep,
                    caller: CallerDep) -> OpportunityView:  # fmt: skip
    """Close the opportunity won."""
    return rt.locked(lambda e: services.close_won(e, caller, opportunity_id, body.amount,
                                                  body.reason, at=body.at))  # fmt: skip


@router.post("/opportunities/{opportunity_id}/lost", response_model=OpportunityView,
             tags=["opportunities"])  # fmt: skip
def opportunity_lost(opportunity_id: str, body: LostBody, rt: RuntimeDep,
                     caller: CallerDep) -> OpportunityView:  # fmt: skip
    """Close the opportunity lost, with a reason."""
    return rt.locked(lambda e: services.close_lost(e, caller, opportunity_id, body.reason,
                                                   body.amount, at=body.at))  # fmt: skip
