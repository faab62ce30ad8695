"""The typed views every verb returns: the CLI renders them, the API serves them as JSON.

One model per answer; nested parts are models too. Where an analytics result is a large
report whose shape the analytics layer owns (metrics, attribution, plan, SLA report), the
view wraps it as `report` beside the typed fields that pick it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class Page(View, Generic[T]):
    """One page of a listing; pass `next_cursor` back as `cursor` for the next (None: last)."""

    items: list[T]
    next_cursor: str | None = None


class Cadence(View):
    touches: int
    touches_missing: int
    days_missing: int


class StageStep(View):
    stage: str
    at: datetime
    reason: str | None = None


class ClockView(View):
    sla: str
    owner: str
    side: str
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None = None
    met: bool | None = None
    breached: bool


class LeadView(View):
    """A lead: fields, stage, owner, score at `score_at`, cadence, history and clocks."""

    lead_id: str
    email: str | None
    name: str | None
    title: str | None
    company: str | None
    country: str | None
    source: str | None
    stage: str
    stage_at: datetime | None
    score: float
    score_at: datetime
    score_recorded: float | None
    high_intent: bool
    owner: str | None
    team: str | None
    reason: str | None
    reengage_on: date | None
    touches: int
    cadence: Cadence
    opportunity: str | None
    history: list[StageStep]
    clocks: list[ClockView]


class LeadRow(View):
    """A lead in a list (from the projection tables)."""

    lead_id: str
    name: str | None
    email: str | None
    company: str | None
    title: str | None
    stage: str
    owner: str | None
    team: str | None
    channel: str | None
    campaign: str | None
    score: float | None
    high_intent: bool
    created_at: datetime | None
    stage_at: datetime | None


class OpportunityView(View):
    opportunity_id: str
    lead_id: str | None
    stage: str | None
    amount: Decimal | None
    currency: str | None
    won: bool | None
    reason: str | None


class EventView(View):
    """One ledger event (timeline, batches)."""

    seq: int | None
    id: str
    type: str
    source: str
    source_id: str
    occurred_at: datetime
    recorded_at: datetime | None
    lead_id: str | None
    opportunity_id: str | None
    caused_by: str | None
    payload: dict[str, Any]


class FactView(View):
    """A fact a verb stored (capacity notice, forecast, survey answer, cost)."""

    event_id: str
    type: str
    source: str
    source_id: str
    occurred_at: datetime
    refused: str | None = None


class AuditEntry(View):
    seq: int
    event_id: str
    type: str
    source: str
    source_id: str
    occurred_at: datetime
    recorded_at: datetime | None
    lead_id: str | None
    opportunity_id: str | None
    user: str | None
    user_id: str | None
    role: str | None
    token_id: str | None
    request_id: str | None
    client: str | None
    payload: dict[str, Any]


class ExplanationView(View):
    """`explain`: every rule that fired and its points (the core's explanation JSON)."""

    lead_id: str
    report: dict[str, Any]


class ReportView(View):
    """An analytics answer whose shape the analytics layer defines (metrics, attribution…)."""

    kind: str
    report: dict[str, Any]


class SubmitView(View):
    """A batch of source facts: how many were new, duplicates, derived, refused."""

    new: int
    duplicates: int
    derived: int
    refused: list[dict[str, str]] = []


class IngestView(View):
    """An uploaded file's report: counts, the rejects (row, reason) and refusals."""

    kind: str
    report: dict[str, Any]
    rejects: list[dict[str, Any]]


class ContractView(View):
    version: str
    text: str


class ContractCheck(View):
    valid: bool
    version: str | None
    issues: list[dict[str, Any]]
