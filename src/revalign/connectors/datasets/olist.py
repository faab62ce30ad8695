"""Olist marketing funnel: 8,000 MQLs (with origin and landing page) and 842 won deals.

Per MQL: lead.captured (channel = `origin`), a form touch on its landing page and
stage.mql, all at `first_contact_date`. Per closed deal, the synthesised legal path
SAL (by the SDR) → SQL → opportunity (owner: the SR) at first contact, then won at
`won_date`, worth `declared_monthly_revenue` BRL. Lost or open MQLs are not recorded.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from revalign.connectors.datasets import funnel
from revalign.connectors.datasets.common import (
    UNKNOWN_CHANNEL,
    Rejected,
    guarded,
    locate,
    money,
    read_csv,
    records,
    text,
    utc_datetime,
)
from revalign.contract.schema import Contract
from revalign.core.events import Event, EventType, MarketingTouchKind
from revalign.errors import InputError

NAME = "olist"
SOURCE = f"dataset:{NAME}"
MQL_FILE = "olist_marketing_qualified_leads_dataset.csv"
DEALS_FILE = "olist_closed_deals_dataset.csv"
CURRENCY = "BRL"
DEAL_ATTRIBUTES = ("business_segment", "lead_type", "lead_behaviour_profile", "business_type")


@dataclass(frozen=True)
class OlistData:
    mqls: pd.DataFrame
    deals: pd.DataFrame


def read(path: Path) -> OlistData:
    """Both CSVs from the dataset folder."""
    return OlistData(read_csv(locate(path, MQL_FILE)), read_csv(locate(path, DEALS_FILE)))


def channel(origin: Any) -> str:
    """`origin`, or "unknown" when empty (the file also has an explicit "unknown")."""
    return text(origin) or UNKNOWN_CHANNEL


def lead_id(mql_id: str) -> str:
    return f"olist:{mql_id}"


def events(data: OlistData, contract: Contract) -> Iterator[Event | Rejected]:
    """Every record's events in file order, MQL then its deal (if any)."""
    framework = contract.qualification.framework
    deals = {text(row["mql_id"]): row for row in records(data.deals)}
    for row in records(data.mqls):
        mql_id = text(row.get("mql_id"))
        if mql_id is None:
            yield Rejected("(no mql_id)", "MQL row without mql_id")
            continue
        deal = deals.pop(mql_id, None)
        yield from guarded(mql_id, partial(_record, mql_id, row, deal, framework))
    for mql_id in deals:
        yield Rejected(str(mql_id), "closed deal whose mql_id is not among the MQLs")


def _record(
    mql_id: str, row: dict[str, Any], deal: dict[str, Any] | None, framework: str
) -> list[Event]:
    at = utc_datetime(row.get("first_contact_date"))
    if at is None:
        raise InputError(f"MQL {mql_id}: no first_contact_date")
    lead = lead_id(mql_id)
    origin = channel(row.get("origin"))
    page = text(row.get("landing_page_id"))
    attributes = {"landing_page_id": page} if page else {}
    out = [
        funnel.captured(SOURCE, NAME, mql_id, lead, at, origin, attributes, funnel.SYNTHESISED),
        Event(
            type=EventType.MARKETING_TOUCH,
            source=SOURCE,
            source_id=f"touch:{mql_id}",
            occurred_at=at,
            lead_id=lead,
            payload={
                "kind": MarketingTouchKind.FORM.value,
                "channel": origin,
                **({"url": f"landing_page:{page}"} if page else {}),
            },
        ),
        funnel.mql(SOURCE, mql_id, lead, at + funnel.STEP),
    ]
    if deal is not None:
        out.extend(_deal(mql_id, lead, at + funnel.STEP, deal, framework))
    return out


def _deal(
    mql_id: str, lead: str, start: datetime, row: dict[str, Any], framework: str
) -> list[Event]:
    won_at = utc_datetime(row.get("won_date"))
    if won_at is None:
        raise InputError(f"deal {mql_id}: no won_date")
    attributes = {name: text(row.get(name)) for name in DEAL_ATTRIBUTES}
    deal = funnel.Deal(
        record=mql_id,
        lead_id=lead,
        opportunity_id=f"olist:{mql_id}:seller",
        start=start,
        amount=money(row.get("declared_monthly_revenue")),
        currency=CURRENCY,
        accepted_by=text(row.get("sdr_id")) or "dataset",
        owner=text(row.get("sr_id")),
        decision_date=won_at,
        attributes={k: v for k, v in attributes.items() if v is not None},
    )
    # One deal is won ~1.2 days before its first contact (a quirk of the source): kept as is.
    return [*funnel.to_opportunity(SOURCE, deal, framework), funnel.won(SOURCE, deal, won_at)]
