"""Typed payloads, one per event type, validated at the edges (ingest, CLI, API).

The core trusts payloads it receives from the ledger; producers call `validate_payload`
before appending, so a bad fact is refused with a precise message instead of stored.
Money amounts are decimal strings ("1250.00") with an ISO currency code beside them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from revalign.core.events import EventType, MarketingTouchKind, RepTouchKind
from revalign.errors import InputError


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LeadCaptured(_Payload):
    email: str
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    company: str | None = None
    domain: str | None = None
    employees: int | None = Field(default=None, ge=0)
    industry: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    source: str | None = None  # the channel
    campaign: str | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)


class LeadUpdated(_Payload):
    """Changed fields only; same names as LeadCaptured."""

    changes: dict[str, Any]


class MarketingTouch(_Payload):
    kind: MarketingTouchKind
    channel: str | None = None
    campaign: str | None = None
    url: str | None = None
    content: str | None = None  # the content asset's id (white paper, webinar recording…)


class ScoreChanged(_Payload):
    score: float
    previous: float
    # Each part: {"rule": "fit.employees", "points": 20.0, "detail": "120 employees in 50-500"}
    parts: list[dict[str, Any]]
    fit: float | None = None  # the firmographic share of `score` (cached by the fold)
    # signals that no longer matter: the fold drops this many of the oldest of each kind
    prune: dict[str, int] | None = None


class MqlReached(_Payload):
    score: float
    threshold: float
    high_intent: bool = False


class SalAccepted(_Payload):
    by: str  # the reviewer (sales ops or frontline manager)
    note: str | None = None
    owner: str | None = None  # the rep who works it; default: the proposed owner from routing


class SalRejected(_Payload):
    by: str
    reason: str  # a reason code from the contract
    note: str | None = None


class SqlQualified(_Payload):
    by: str
    framework: str  # "bant" or "meddic"
    fields: dict[str, Any]


class Disqualified(_Payload):
    by: str
    reason: str
    note: str | None = None


class Recycled(_Payload):
    by: str
    reason: str
    reengage_on: date | None = None


class LeadAssigned(_Payload):
    owner: str  # rep id
    team: str | None = None
    rule: str | None = None  # the routing rule that fired: "why did this lead go there?"
    reason: str | None = None
    method: str | None = None  # territory / least_loaded / round_robin / manual
    pool: str | None = None  # the roster (pool or team) whose round-robin counts move
    day: str | None = None  # the owner's local date, for daily caps
    hop: int | None = None  # reassignments so far (on an SLA miss)
    previous_owner: str | None = None
    account: dict[str, Any] | None = None  # the account match (id, score, rule)
    trace: dict[str, Any] | None = None  # every rule evaluated, candidates skipped and why


class LeadMerged(_Payload):
    into: str  # the surviving lead id; the event's lead is the duplicate
    reason: str = "manual"  # same_email, same_name_at_account, manual
    by: str | None = None


class LeadUnmerged(_Payload):
    by: str | None = None
    note: str | None = None


class RepTouch(_Payload):
    kind: RepTouchKind
    by: str
    outcome: str | None = None
    note: str | None = None
    content: str | None = None  # the content asset the rep shared, by id


class OpportunityCreated(_Payload):
    name: str | None = None
    amount: Decimal = Field(ge=0)
    currency: str = Field(min_length=3, max_length=3)
    expected_close: date | None = None
    stage: str = "discovery"
    decision_process: str | None = None
    stakeholders: list[str] = Field(default_factory=list)
    decision_date: date | None = None
    owner: str | None = None
    # Extra dimensions an import carries (product, team, sector…), for slicing reports.
    attributes: dict[str, Any] = Field(default_factory=dict)


class OpportunityStageChanged(_Payload):
    stage: str
    amount: Decimal | None = Field(default=None, ge=0)
    expected_close: date | None = None


class OpportunityWon(_Payload):
    amount: Decimal = Field(ge=0)
    currency: str = Field(min_length=3, max_length=3)
    reason: str | None = None


class OpportunityLost(_Payload):
    amount: Decimal = Field(default=Decimal(0), ge=0)
    currency: str = Field(min_length=3, max_length=3)
    reason: str


class CampaignCost(_Payload):
    campaign: str
    channel: str
    amount: Decimal = Field(ge=0)
    currency: str = Field(min_length=3, max_length=3)
    period_start: date
    period_end: date


class CampaignScheduled(_Payload):
    campaign: str
    name: str | None = None
    channel: str
    start: date
    end: date
    expected_leads: int = Field(ge=0)  # over the whole run
    team: str | None = None  # the sales team its leads are routed to, when known
    notes: str | None = None  # what sales should prepare

    @model_validator(mode="after")
    def _ordered(self) -> CampaignScheduled:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class ContentListed(_Payload):
    content: str  # the asset's id, as touches name it
    name: str | None = None
    kind: str | None = None  # white_paper, case_study, webinar, deck, video…
    campaign: str | None = None
    url: str | None = None


class CapacityNotice(_Payload):
    team: str
    rep: str | None = None
    effective_from: date
    effective_to: date | None = None
    capacity: int = Field(ge=0)
    reason: str | None = None


class TargetSet(_Payload):
    metric: str  # "revenue" or "mqls"
    period: str  # "2027Q1" or "2027-01"
    amount: Decimal
    currency: str | None = None


class ForecastSubmitted(_Payload):
    period: str
    amount: Decimal
    currency: str = Field(min_length=3, max_length=3)
    by: str
    category: str = "commit"  # commit / best_case / pipeline


class FxRate(_Payload):
    """1 `currency` = `rate` `quote` (the contract currency when ingested), from day `on`."""

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    quote: str = Field(pattern=r"^[A-Z]{3}$")
    rate: Decimal = Field(gt=0, allow_inf_nan=False)
    on: date

    @model_validator(mode="after")
    def _two_currencies(self) -> FxRate:
        if self.currency == self.quote:
            raise ValueError(f"a rate from {self.currency} to itself")
        return self


class SurveyResponse(_Payload):
    team: str  # "marketing" or "sales": who answered
    about: str  # the other team
    score: int = Field(ge=0, le=10)
    comment: str | None = None
    respondent: str | None = None  # who answered (a person id or e-mail)


class SlaClockStarted(_Payload):
    clock_id: str
    sla: str  # e.g. "first_contact_high_intent"
    owner: str  # rep, team or "system"
    owner_side: str  # "marketing" or "sales"
    due_at: datetime
    warn_at: datetime | None = None  # when sla.warned is due (the contract's `warn_at` share)


class SlaClockStopped(_Payload):
    clock_id: str
    sla: str
    met: bool
    elapsed_business_hours: float


class SlaBreached(_Payload):
    clock_id: str
    sla: str
    owner: str
    owner_side: str
    due_at: datetime
    # optional, by SLA: what was missed (data_quality, mql_volume, mql_to_sql_quality, ...)
    campaign: str | None = None
    channel: str | None = None
    missing_fields: list[str] | None = None
    period: str | None = None
    target: float | None = None
    actual: float | None = None


class SlaWarned(_Payload):
    clock_id: str
    sla: str
    owner: str
    owner_side: str
    due_at: datetime
    used_fraction: float


class Escalated(_Payload):
    level: str  # "ops", "vp" or "executive"
    side: str
    owner: str
    breaches: int
    window: str
    notify: list[str]


class EventRejected(_Payload):
    rejected_id: str
    rejected_type: str
    reason: str


class NoticeDelivered(_Payload):
    delivery_key: str  # notice event id : channel : recipient digest (also the source_id)
    notice_id: str
    notice_type: str
    channel: str  # "webhook" or "email"
    recipient: str  # redacted for webhooks: a webhook URL is a credential
    attempts: int = Field(ge=1)


class NoticeFailed(_Payload):
    delivery_key: str
    notice_id: str
    notice_type: str
    channel: str
    recipient: str
    attempt: int = Field(ge=1)
    error: str
    final: bool  # no attempt follows
    retry_at: datetime | None = None


class PersonErased(_Payload):
    by: str  # who erased (the audit trail); no personal data in this payload
    fields: list[str]
    events_redacted: int = Field(ge=0)
    reason: str | None = None
    # other leads whose facts mentioned the person: the fold scrubs the mention there too
    mentioned_in: list[str] = Field(default_factory=list)


class SyncConflict(_Payload):
    system: str  # salesforce / hubspot
    object: str  # the foreign object: Lead, Contact, contacts, deals...
    foreign_id: str
    field: str  # the revalign field name (owner, stage, score, title...)
    ours: Any = None  # revalign's value (the last pushed one)
    theirs: Any = None  # the foreign system's value
    owner: str  # who owns the field: revalign, salesforce, hubspot or last_writer_wins
    resolution: str  # kept_ours (pushed again) / took_theirs


PAYLOADS: Mapping[EventType, type[_Payload]] = {
    EventType.LEAD_CAPTURED: LeadCaptured,
    EventType.LEAD_UPDATED: LeadUpdated,
    EventType.MARKETING_TOUCH: MarketingTouch,
    EventType.SCORE_CHANGED: ScoreChanged,
    EventType.MQL_REACHED: MqlReached,
    EventType.SAL_ACCEPTED: SalAccepted,
    EventType.SAL_REJECTED: SalRejected,
    EventType.SQL_QUALIFIED: SqlQualified,
    EventType.DISQUALIFIED: Disqualified,
    EventType.RECYCLED: Recycled,
    EventType.LEAD_ASSIGNED: LeadAssigned,
    EventType.REP_TOUCH: RepTouch,
    EventType.OPPORTUNITY_CREATED: OpportunityCreated,
    EventType.OPPORTUNITY_STAGE_CHANGED: OpportunityStageChanged,
    EventType.OPPORTUNITY_WON: OpportunityWon,
    EventType.OPPORTUNITY_LOST: OpportunityLost,
    EventType.CAMPAIGN_COST: CampaignCost,
    EventType.CAMPAIGN_SCHEDULED: CampaignScheduled,
    EventType.CONTENT_LISTED: ContentListed,
    EventType.CAPACITY_NOTICE: CapacityNotice,
    EventType.TARGET_SET: TargetSet,
    EventType.FORECAST_SUBMITTED: ForecastSubmitted,
    EventType.SURVEY_RESPONSE: SurveyResponse,
    EventType.FX_RATE: FxRate,
    EventType.SLA_CLOCK_STARTED: SlaClockStarted,
    EventType.SLA_CLOCK_STOPPED: SlaClockStopped,
    EventType.SLA_BREACHED: SlaBreached,
    EventType.SLA_WARNED: SlaWarned,
    EventType.ESCALATED: Escalated,
    EventType.EVENT_REJECTED: EventRejected,
    EventType.NOTICE_DELIVERED: NoticeDelivered,
    EventType.NOTICE_FAILED: NoticeFailed,
    EventType.PERSON_ERASED: PersonErased,
    EventType.LEAD_MERGED: LeadMerged,
    EventType.LEAD_UNMERGED: LeadUnmerged,
    EventType.SYNC_CONFLICT: SyncConflict,
}


def validate_payload(type: EventType, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Check `payload` against its type's model; return it JSON-ready (Decimals as strings).

    Raises InputError naming every bad field.
    """
    try:
        model = PAYLOADS[type].model_validate(dict(payload))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(payload)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise InputError(f"invalid {type.value} payload: {problems}") from exc
    return model.model_dump(mode="json", exclude_none=True)
