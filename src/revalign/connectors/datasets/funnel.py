"""Synthesised funnel steps for datasets that record only the outcome.

The public datasets skip stages (Olist: MQL then won; X Education: lead then converted),
but the lifecycle core refuses illegal moves such as won without an opportunity or SQL
before SAL, and asks for the qualification framework's fields and an opportunity's
decision process. So a won record is written as the full legal path MQL → SAL → SQL →
opportunity → won, each synthesised value saying so, and each keyed by the record's own
id so re-ingesting changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from revalign.connectors.datasets.common import dataset_email
from revalign.contract.schema import Contract
from revalign.core.events import Event, EventType
from revalign.core.qualification import FRAMEWORK_FIELDS

NOT_RECORDED = "not recorded (synthesised from the dataset)"
# `timing` attribute of a dataset lead whose step times are not real, so the metrics leave
# its SLA clocks and durations out (null with a reason, not 1.0 or 0 hours):
SYNTHESISED = "synthesised"  # capture and close are dated; the steps between are not
NOMINAL = "nominal"  # no dates at all: every fact sits at one nominal instant
# Datasets have no score; the MQL step records a nominal 0 of 0.
NOMINAL_SCORE = 0.0
STEP = timedelta(seconds=1)


@dataclass(frozen=True)
class Deal:
    """One record that reached an opportunity: who worked it and what it was worth."""

    record: str
    lead_id: str
    opportunity_id: str
    start: datetime
    amount: Decimal
    currency: str
    accepted_by: str = "dataset"
    owner: str | None = None
    decision_date: datetime | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


def unrecorded_lost_reason(contract: Contract) -> str:
    """The contract's code for a loss whose reason the data does not record."""
    allowed = contract.qualification.lost_reasons
    for code in ("unknown", "not_recorded", "no_decision"):
        if code in allowed:
            return code
    return allowed[0]


def captured(
    source: str,
    dataset: str,
    record: str,
    lead_id: str,
    at: datetime,
    channel: str,
    attributes: dict[str, Any],
    timing: str | None = None,
) -> Event:
    """lead.captured for a dataset record: a placeholder email, its channel and attributes
    (plus `timing` when the record's step times are synthesised or nominal)."""
    return Event(
        type=EventType.LEAD_CAPTURED,
        source=source,
        source_id=f"lead:{record}",
        occurred_at=at,
        lead_id=lead_id,
        payload={
            "email": dataset_email(dataset, record),
            "source": channel,
            "attributes": {**attributes, "timing": timing} if timing else attributes,
        },
    )


def mql(source: str, record: str, lead_id: str, at: datetime) -> Event:
    """stage.mql for a lead the dataset itself calls marketing-qualified."""
    return Event(
        type=EventType.MQL_REACHED,
        source=source,
        source_id=f"mql:{record}",
        occurred_at=at,
        lead_id=lead_id,
        payload={"score": NOMINAL_SCORE, "threshold": NOMINAL_SCORE},
    )


def to_opportunity(source: str, deal: Deal, framework: str) -> Iterator[Event]:
    """SAL → SQL → opportunity.created for an MQL, one second apart after `deal.start`."""
    sal: dict[str, Any] = {"by": deal.accepted_by, "note": NOT_RECORDED}
    yield _lead_event(EventType.SAL_ACCEPTED, source, deal, "sal", 1, sal)
    fields = dict.fromkeys(FRAMEWORK_FIELDS[framework], NOT_RECORDED)
    sql = {"by": deal.accepted_by, "framework": framework, "fields": fields}
    yield _lead_event(EventType.SQL_QUALIFIED, source, deal, "sql", 2, sql)
    created: dict[str, Any] = {
        "amount": str(deal.amount),
        "currency": deal.currency,
        "decision_process": NOT_RECORDED,
        "stakeholders": [deal.owner or deal.accepted_by],
        "decision_date": (deal.decision_date or deal.start).date().isoformat(),
        "attributes": deal.attributes,
    }
    if deal.owner:
        created["owner"] = deal.owner
    yield Event(
        type=EventType.OPPORTUNITY_CREATED,
        source=source,
        source_id=f"opportunity:{deal.record}",
        occurred_at=deal.start + 3 * STEP,
        lead_id=deal.lead_id,
        opportunity_id=deal.opportunity_id,
        payload=created,
    )


def won(source: str, deal: Deal, at: datetime) -> Event:
    return Event(
        type=EventType.OPPORTUNITY_WON,
        source=source,
        source_id=f"won:{deal.record}",
        occurred_at=at,
        # no lead_id: the core closes opportunities, never leads
        opportunity_id=deal.opportunity_id,
        payload={"amount": str(deal.amount), "currency": deal.currency},
    )


def _lead_event(
    type: EventType, source: str, deal: Deal, step: str, n: int, payload: dict[str, Any]
) -> Event:
    return Event(
        type=type,
        source=source,
        source_id=f"{step}:{deal.record}",
        occurred_at=deal.start + n * STEP,
        lead_id=deal.lead_id,
        payload=payload,
    )
