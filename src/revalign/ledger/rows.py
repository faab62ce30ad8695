"""Projection rows from state objects: key columns by name, plus the whole object as JSON."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa

from revalign.core.state import LeadState, OpportunityState
from revalign.ledger.codec import json_default

Row = dict[str, Any]


def _state_default(value: Any) -> Any:
    """Dataclasses shallowly by field (the encoder recurses), then what payloads allow."""
    names = _FIELDS.get(type(value))
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[type(value)] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {n: getattr(value, n) for n in names}
    return json_default(value)


_FIELDS: dict[type, tuple[str, ...]] = {}
# asdict() deep-copies every nested value; this encoder walks the objects as they are.
_STATE_ENCODER = json.JSONEncoder(
    default=_state_default, sort_keys=True, separators=(",", ":"), ensure_ascii=False
)


def state_json(obj: Any) -> str:
    """The full dataclass as canonical JSON (so later fields are carried without migrations)."""
    return _STATE_ENCODER.encode(obj)


def _column_value(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping | list | tuple | set):
        return None  # structured fields live in `data`
    return value


def object_row(table: sa.Table, obj: Any) -> Row:
    """Key columns read from same-named attributes (missing ones are NULL), plus `data`."""
    row: Row = {}
    for col in table.columns:
        if col.name == "data":
            row["data"] = state_json(obj)
        else:
            row[col.name] = _column_value(getattr(obj, col.name, None))
    return row


def account_row(
    account_id: str, leads: Iterable[LeadState], opportunities: Iterable[OpportunityState]
) -> Row:
    """One account from its leads (first non-empty value by lead id) and opportunities."""
    members = sorted(leads, key=lambda lead: lead.lead_id)
    opps = sorted(o.opportunity_id for o in opportunities)

    def first(attr: str) -> Any:
        return next((v for m in members if (v := getattr(m, attr, None)) is not None), None)

    return {
        "account_id": account_id,
        "company": first("company"),
        "domain": first("domain"),
        "industry": first("industry"),
        "employees": first("employees"),
        "country": first("country"),
        "lead_count": len(members),
        "opportunity_count": len(opps),
        "data": state_json({"lead_ids": [m.lead_id for m in members], "opportunity_ids": opps}),
    }


def owner_rows(rep_load: Mapping[str, int], capacity: Mapping[str, int]) -> dict[str, Row]:
    """One row per rep with open leads or a capacity override."""
    names = sorted(set(rep_load) | set(capacity))
    return {
        n: {"owner": n, "open_leads": int(rep_load.get(n, 0)), "capacity": capacity.get(n)}
        for n in names
    }
