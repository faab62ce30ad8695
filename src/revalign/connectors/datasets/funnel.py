"""Synthesised funnel steps for datasets that record only the outcome.

The public datasets skip stages (Olist: MQL then won; X Education: lead then converted),
but the lifecycle core refuses illegal moves such as won without an opportunity or SQL
before SAL. So a won record is written as the full legal path MQL → SAL → SQL →
opportunity → won, each step marked `synthesised` where the payload allows it, and each
keyed by the record's own id so re-ingesting changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from revalign.core.events import Event, EventType

# Who "did" a synthesised step: the dataset itself, never a real person.
DATASET_ACTOR = "dataset"
# MQL payloads need a score; datasets have none, so the step records a nominal 0/0.
NOMINAL_SCORE = 0.0


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


def opportunity_path(
    source: str,
    *,
    record: str,
    lead_id: str,
    opportunity_id: str,
    start: datetime,
    amount: Decimal,
    currency: str,
    owner: str | None = None,
    include_mql: bool = True,
) -> Iterator[Event]:
    """(MQL →) SAL → SQL → opportunity.created, one second apart from `start`."""
    step = timedelta(seconds=1)
    if include_mql:
        yield mql(source, record, lead_id, start)
    yield _lead_event(
        EventType.SAL_ACCEPTED,
        source,
        f"sal:{record}",
        lead_id,
        start + step,
        {"by": DATASET_ACTOR, "note": "synthesised: the dataset records no SAL review"},
    )
    yield _lead_event(
        EventType.SQL_QUALIFIED,
        source,
        f"sql:{record}",
        lead_id,
        start + 2 * step,
        {"by": DATASET_ACTOR, "framework": "bant", "fields": {"synthesised": True}},
    )
    created: dict[str, Any] = {"amount": str(amount), "currency": currency}
    if owner:
        created["owner"] = owner
    yield Event(
        type=EventType.OPPORTUNITY_CREATED,
        source=source,
        source_id=f"opportunity:{record}",
        occurred_at=start + 3 * step,
        lead_id=lead_id,
        opportunity_id=opportunity_id,
        payload=created,
    )


def won_path(
    source: str,
    *,
    record: str,
    lead_id: str,
    opportunity_id: str,
    start: datetime,
    won_at: datetime,
    amount: Decimal,
    currency: str,
    owner: str | None = None,
    include_mql: bool = True,
) -> Iterator[Event]:
    """The legal path to won: `opportunity_path` then opportunity.won at `won_at`."""
    yield from opportunity_path(
        source,
        record=record,
        lead_id=lead_id,
        opportunity_id=opportunity_id,
        start=start,
        amount=amount,
        currency=currency,
        owner=owner,
        include_mql=include_mql,
    )
    yield Event(
        type=EventType.OPPORTUNITY_WON,
        source=source,
        source_id=f"won:{record}",
        occurred_at=won_at,
        lead_id=lead_id,
        opportunity_id=opportunity_id,
        payload={"amount": str(amount), "currency": currency},
    )


def _lead_event(
    type: EventType,
    source: str,
    source_id: str,
    lead_id: str,
    at: datetime,
    payload: dict[str, Any],
) -> Event:
    return Event(
        type=type,
        source=source,
        source_id=source_id,
        occurred_at=at,
        lead_id=lead_id,
        payload=payload,
    )
