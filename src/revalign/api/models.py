"""Strict request bodies: unknown fields refused, no `false` for a number, no 1 for a bool.

Numbers and flags are pydantic Strict types; dates and datetimes are ISO strings (JSON has
no date type); amounts are decimal strings or numbers, never booleans.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a boolean is not an amount")
    return value


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("the amount must be a finite number")
    return value


def _plausible(value: datetime) -> datetime:
    # reports name quarters and weeks by a four-digit year: refuse moments outside them
    if not 1900 <= value.year <= 2999:
        raise ValueError("the year must be between 1900 and 2999")
    return value


def _plausible_day(value: date) -> date:
    if not 1900 <= value.year <= 2999:
        raise ValueError("the year must be between 1900 and 2999")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]
Day = Annotated[date, AfterValidator(_plausible_day)]
Amount = Annotated[
    Decimal, BeforeValidator(_no_bool), AfterValidator(_finite), Field(ge=0, le=10**15)
]
Text = Annotated[StrictStr, Field(min_length=1, max_length=500)]
Note = Annotated[StrictStr, Field(max_length=5000)]
Id = Annotated[StrictStr, Field(min_length=1, max_length=200)]

__all__ = ["StrictBool", "StrictFloat", "StrictInt"]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Fact(Body):
    at: Moment | None = Field(default=None, description="When it happened (default now).")


class AcceptBody(_Fact):
    by: Id | None = None
    owner: Id | None = None
    note: Note | None = None


class RejectBody(_Fact):
    reason: Text
    by: Id | None = None
    note: Note | None = None


class QualifyBody(_Fact):
    fields: dict[
        Annotated[StrictStr, Field(max_length=100)], Annotated[StrictStr, Field(max_length=2000)]
    ]
    framework: Text | None = None
    by: Id | None = None


class TouchBody(_Fact):
    kind: Text
    by: Id | None = None
    outcome: Text | None = None
    note: Note | None = None


class DisqualifyBody(_Fact):
    reason: Text
    by: Id | None = None
    note: Note | None = None


class RecycleBody(_Fact):
    reason: Text
    by: Id | None = None
    reengage_on: Day | None = None


class ReassignBody(_Fact):
    owner: Id
    team: Id | None = None
    reason: Text | None = None


class OpportunityBody(_Fact):
    lead_id: Id
    amount: Amount
    opportunity_id: Id | None = None
    currency: Annotated[StrictStr, Field(pattern=r"^[A-Z]{3}$")] | None = None
    decision_process: Text | None = None
    stakeholders: list[Text] = Field(default_factory=list, max_length=100)
    decision_date: Day | None = None
    expected_close: Day | None = None
    name: Text | None = None
    owner: Id | None = None


class StageBody(_Fact):
    stage: Text
    amount: Amount | None = None
    expected_close: Day | None = None


class WonBody(_Fact):
    amount: Amount | None = None
    reason: Text | None = None


class LostBody(_Fact):
    reason: Text
    amount: Amount | None = None


class CapacityBody(_Fact):
    team: Id
    capacity: Annotated[StrictInt, Field(ge=0, le=100_000)]
    effective_from: Day
    effective_to: Day | None = None
    rep: Id | None = None
    reason: Text | None = None


class ForecastBody(_Fact):
    period: Annotated[StrictStr, Field(pattern=r"^\d{4}(Q[1-4]|-\d{2})?$")]
    amount: Amount
    category: Annotated[StrictStr, Field(pattern=r"^(commit|best_case|pipeline)$")] = "commit"
    by: Id | None = None
    currency: Annotated[StrictStr, Field(pattern=r"^[A-Z]{3}$")] | None = None


class SurveyBody(_Fact):
    team: Annotated[StrictStr, Field(pattern=r"^(marketing|sales)$")]
    about: Annotated[StrictStr, Field(pattern=r"^(marketing|sales)$")]
    score: Annotated[StrictInt, Field(ge=0, le=10)]
    comment: Note | None = None
    respondent: Id | None = None


class CostBody(_Fact):
    campaign: Id
    channel: Id
    amount: Amount
    period_start: Day
    period_end: Day
    currency: Annotated[StrictStr, Field(pattern=r"^[A-Z]{3}$")] | None = None


class ContractBody(Body):
    text: Annotated[StrictStr, Field(min_length=1, max_length=1_000_000)]


class ReplayBody(Body):
    contract: Annotated[StrictStr, Field(min_length=1, max_length=1_000_000)]
    as_of: Moment | None = None


class EventBody(Body):
    type: Text
    source: Annotated[StrictStr, Field(min_length=1, max_length=200)]
    source_id: Annotated[StrictStr, Field(min_length=1, max_length=500)]
    occurred_at: Moment
    lead_id: Id | None = None
    account_id: Id | None = None
    opportunity_id: Id | None = None
    payload: dict[str, Any] = Field(default_factory=dict)


class EventsBody(Body):
    events: list[EventBody] = Field(min_length=1, max_length=5000)


class UserBody(Body):
    name: Annotated[StrictStr, Field(min_length=1, max_length=100)]
    role: Annotated[
        StrictStr, Field(pattern=r"^(admin|revops|marketing|sales_manager|rep|viewer)$")
    ]
    rep_id: Id | None = None
    team: Id | None = None
    password: Annotated[StrictStr, Field(min_length=8, max_length=200)] | None = None


class PasswordBody(Body):
    password: Annotated[StrictStr, Field(min_length=8, max_length=200)]


class TokenView(Body):
    """A token, shown once (add, rotate)."""

    user: str
    role: str
    token: str
