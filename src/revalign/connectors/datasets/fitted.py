"""A contract that fits a public dataset, and the moment the dataset is measured at.

A dataset is not the demo company: it has its own currency and period, no revenue or MQL
targets, and no reps of ours. Measured under the default contract, Olist's leads were
routed to the demo's reps (and breached their SLAs) and Maven's 2017 pipeline was divided
by the demo's 2026Q4 target. The fitted contract keeps the default's definitions (stages,
scoring, qualification, SLA lengths) and replaces what the dataset does not have:

- currency: the dataset's (BRL, INR, USD);
- teams: one sales team `<name>-team` with no reps, so every MQL is queued with the team
  (no rep of ours is assigned, no rep's SLA clock runs) and routing has no rules;
- targets and campaigns: none, so coverage and target attainment are null with a reason.

`snapshot(ledger, name)` is the dataset's as-of: its latest fact, so its quarter and aging
are the dataset's own, not today's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
import yaml

from revalign.connectors.datasets import maven, olist, xeducation
from revalign.contract.loader import default_contract_text, parse_contract
from revalign.contract.schema import VersionedContract
from revalign.errors import InputError
from revalign.ledger.codec import parse_utc
from revalign.ledger.sql import SqlLedger
from revalign.ledger.tables import events

CURRENCY = {olist.NAME: olist.CURRENCY, xeducation.NAME: xeducation.CURRENCY,
            maven.NAME: maven.CURRENCY}  # fmt: skip
TITLE = {olist.NAME: "Olist", xeducation.NAME: "X Education", maven.NAME: "Maven CRM"}


def _known(name: str) -> None:
    if name not in CURRENCY:
        raise InputError(f"unknown dataset {name!r}; choose one of: {', '.join(CURRENCY)}")


def fitted_contract_data(name: str) -> dict[str, Any]:
    """The fitted contract of dataset `name` as plain data (the default contract, refitted)."""
    _known(name)
    data: dict[str, Any] = yaml.safe_load(default_contract_text())
    team = f"{name}-team"
    data["name"] = f"{TITLE[name]} dataset (fitted)"
    data["label"] = f"dataset-{name}"
    data["currency"] = CURRENCY[name]
    data["teams"] = [
        {
            "id": team,
            "name": f"{TITLE[name]} (the dataset's own team; no reps recorded)",
            "side": "sales",
            "timezone": "UTC",  # the datasets state no zone; their dates are read as UTC
            "working_hours": {"start": "09:00", "end": "17:00"},
            "reps": [],
        }
    ]
    data["routing"] = {"rules": [], "fallback_team": team}
    data["targets"] = {"revenue_per_quarter": {}, "mql_per_month": 0}
    data["campaigns"] = []
    return data


def fitted_contract_text(name: str) -> str:
    """The fitted contract as YAML (what `revalign dataset-contract NAME` prints)."""
    header = f"# revalign contract fitted to the {TITLE.get(name, name)} dataset\n"
    return header + yaml.safe_dump(fitted_contract_data(name), sort_keys=False)


def fitted_contract(name: str) -> VersionedContract:
    """The validated fitted contract of dataset `name`."""
    return parse_contract(fitted_contract_text(name), f"<fitted contract: {name}>")


def snapshot(ledger: SqlLedger, name: str) -> datetime:
    """The latest fact of dataset `name` in the ledger: the moment it is measured at."""
    source = f"dataset:{name}"
    _known(name)
    query = sa.select(sa.func.max(events.c.occurred_at)).where(events.c.source == source)
    with ledger.reader() as conn:
        raw = conn.execute(query).scalar()
    if raw is None:
        raise InputError(
            f"no {name} facts in this ledger: ingest it first (revalign ingest-dataset {name} PATH)"
        )
    return raw if isinstance(raw, datetime) else parse_utc(raw)
