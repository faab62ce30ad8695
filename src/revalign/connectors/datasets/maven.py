"""Maven CRM sales opportunities: 8,800 account opportunities of a fictional company.

No leads and no marketing data: each row becomes an account opportunity (no lead_id, so
no lead funnel) owned by its sales agent, created when it entered Engaging, then won or
lost at `close_date` for `close_value` USD. Team, manager, product and sector travel in
the opportunity's attributes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from revalign.connectors.datasets import funnel
from revalign.connectors.datasets.common import (
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
from revalign.core.events import Event, EventType
from revalign.errors import InputError

NAME = "maven"
SOURCE = f"dataset:{NAME}"
CURRENCY = "USD"
FILES = ("sales_pipeline.csv", "accounts.csv", "products.csv", "sales_teams.csv")
# The pipeline spells one product differently from products.csv.
PRODUCT_SPELLINGS = {"GTXPro": "GTX Pro"}


@dataclass(frozen=True)
class MavenData:
    pipeline: pd.DataFrame
    accounts: pd.DataFrame
    products: pd.DataFrame
    teams: pd.DataFrame

    def snapshot(self) -> datetime:
        """The latest date in the pipeline: when open deals are seen (the file's 'today')."""
        dates = [
            utc_datetime(v)
            for column in ("engage_date", "close_date")
            for v in self.pipeline[column].dropna().unique()
        ]
        return max(d for d in dates if d is not None)


def read(path: Path) -> MavenData:
    frames = [read_csv(locate(path, name)) for name in FILES]
    return MavenData(*frames)


def product(name: Any) -> str | None:
    raw = text(name)
    return PRODUCT_SPELLINGS.get(raw, raw) if raw else None


def account_id(name: str) -> str:
    return f"maven:{name}"


def events(data: MavenData, contract: Contract) -> Iterator[Event | Rejected]:
    """created → won/lost per opportunity; lost gets the contract's 'unrecorded' reason."""
    lost_reason = funnel.unrecorded_lost_reason(contract)
    teams = _by(data.teams, "sales_agent")
    prices = {product(r["product"]): r for r in records(data.products)}
    sectors = _by(data.accounts, "account")
    snapshot = data.snapshot()
    for row in records(data.pipeline):
        opp = text(row.get("opportunity_id"))
        if opp is None:
            yield Rejected("(no opportunity_id)", "pipeline row without opportunity_id")
            continue
        build = partial(_record, opp, row, teams, prices, sectors, snapshot, lost_reason)
        yield from guarded(opp, build)


def _record(
    opp: str,
    row: dict[str, Any],
    teams: Mapping[str | None, dict[str, Any]],
    prices: Mapping[str | None, dict[str, Any]],
    sectors: Mapping[str | None, dict[str, Any]],
    snapshot: datetime,
    lost_reason: str,
) -> list[Event]:
    stage = (text(row.get("deal_stage")) or "").lower()
    if stage not in ("prospecting", "engaging", "won", "lost"):
        raise InputError(f"opportunity {opp}: unknown deal_stage {row.get('deal_stage')!r}")
    agent = text(row.get("sales_agent"))
    name = product(row.get("product"))
    account = text(row.get("account"))
    team = teams.get(agent, {})
    catalogue = prices.get(name, {})
    attributes = {
        "product": name,
        "series": text(catalogue.get("series")),
        "regional_office": text(team.get("regional_office")),
        "manager": text(team.get("manager")),
        "sector": text(sectors.get(account, {}).get("sector")),
    }
    engaged = utc_datetime(row.get("engage_date"))
    closed = utc_datetime(row.get("close_date"))
    if stage in ("won", "lost") and (engaged is None or closed is None):
        raise InputError(f"opportunity {opp}: {stage} without engage_date and close_date")
    created = {
        "name": f"{name} / {account or 'no account'}",
        # the expected amount of an open deal: the product's list price
        "amount": str(money(catalogue.get("sales_price"))),
        "currency": CURRENCY,
        "stage": "engaging" if engaged else "prospecting",
        "attributes": {k: v for k, v in attributes.items() if v is not None},
    }
    if agent:
        created["owner"] = agent
    common: dict[str, Any] = {
        "source": SOURCE,
        "opportunity_id": f"maven:{opp}",
        "account_id": account_id(account) if account else None,
    }
    out = [
        Event(
            type=EventType.OPPORTUNITY_CREATED,
            source_id=f"opportunity:{opp}",
            occurred_at=engaged or snapshot,
            payload=created,
            **common,
        )
    ]
    if stage in ("won", "lost") and closed is not None:
        amount = money(row.get("close_value"))
        out.append(_close(opp, stage, closed, amount, lost_reason, common))
    return out


def _close(
    opp: str, stage: str, at: datetime, amount: Decimal, reason: str, common: dict[str, Any]
) -> Event:
    payload: dict[str, Any] = {"amount": str(amount), "currency": CURRENCY}
    if stage == "won":
        kind = EventType.OPPORTUNITY_WON
    else:
        kind = EventType.OPPORTUNITY_LOST
        payload["reason"] = reason
    return Event(type=kind, source_id=f"{stage}:{opp}", occurred_at=at, payload=payload, **common)


def _by(frame: pd.DataFrame, key: str) -> dict[str | None, dict[str, Any]]:
    return {text(r[key]): r for r in records(frame)}
