"""Test helpers for the lifecycle core: a funnel driven in memory, contract variants."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import yaml

from revalign.contract.loader import contract_version, default_contract_text
from revalign.contract.schema import Contract, VersionedContract
from revalign.core.events import Event, EventType
from revalign.core.run import run_events, run_tick
from revalign.core.state import FunnelState, LeadState

T = EventType
MONDAY = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta
# fit 60 under the default contract: an MQL at capture (standard intent)
FIT_LEAD = {
    "email": "dewi@acme.co.id",
    "title": "Director of IT",
    "company": "Acme",
    "employees": 120,
    "industry": "software",
    "country": "ID",
    "source": "paid_social",
}
# fit 30: becomes an MQL only with behaviour (a demo request makes it high intent)
SMALL_LEAD = {**FIT_LEAD, "employees": 20, "email": "andi@kecil.co.id"}


def contract_with(**changes: Any) -> VersionedContract:
    """The default contract with top-level sections deep-merged with `changes`."""
    data = yaml.safe_load(default_contract_text())
    _merge(data, changes)
    contract = Contract.model_validate(data)
    return VersionedContract(contract=contract, version=contract_version(contract))


def _merge(into: dict[str, Any], changes: Mapping[str, Any]) -> None:
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


class Funnel:
    """One in-memory funnel: source facts in, everything placed (source + derived) out."""

    def __init__(self, contract: VersionedContract) -> None:
        self.contract = contract
        self.state = FunnelState()
        self.log: list[Event] = []
        self._n = 0

    def fact(
        self,
        type: EventType,
        lead_id: str | None,
        at: datetime,
        payload: Mapping[str, Any] | None = None,
        source: str = "cli",
        opportunity_id: str | None = None,
    ) -> list[Event]:
        self._n += 1
        event = Event(
            type=type,
            source=source,
            source_id=f"f{self._n}",
            occurred_at=at,
            lead_id=lead_id,
            opportunity_id=opportunity_id,
            payload=dict(payload or {}),
        )
        placed = run_events(self.state, [event], self.contract)
        self.log += placed
        return placed

    def tick(self, now: datetime) -> list[Event]:
        placed = run_tick(self.state, self.contract, now)
        self.log += placed
        return placed

    def lead(self, lead_id: str) -> LeadState:
        return self.state.leads[lead_id]

    # -- shortcuts ----------------------------------------------------------------------

    def capture(self, lead_id: str, at: datetime = MONDAY, **fields: Any) -> list[Event]:
        return self.fact(T.LEAD_CAPTURED, lead_id, at, fields or FIT_LEAD, source="form")

    def behave(self, lead_id: str, kind: str, at: datetime) -> list[Event]:
        return self.fact(T.MARKETING_TOUCH, lead_id, at, {"kind": kind}, source="map")

    def accept(self, lead_id: str, at: datetime, owner: str | None = None) -> list[Event]:
        payload = {"by": "maya", **({"owner": owner} if owner else {})}
        return self.fact(T.SAL_ACCEPTED, lead_id, at, payload)

    def reject(self, lead_id: str, at: datetime, reason: str = "wrong_size") -> list[Event]:
        return self.fact(T.SAL_REJECTED, lead_id, at, {"by": "maya", "reason": reason})

    def rep_touch(self, lead_id: str, at: datetime, kind: str = "call") -> list[Event]:
        return self.fact(T.REP_TOUCH, lead_id, at, {"by": "budi", "kind": kind})

    def qualify(self, lead_id: str, at: datetime, **fields: Any) -> list[Event]:
        given = fields or {"budget": "50000", "authority": "CFO", "need": "crm", "timeline": "Q1"}
        payload = {"by": "budi", "framework": "bant", "fields": given}
        return self.fact(T.SQL_QUALIFIED, lead_id, at, payload)

    def disqualify(self, lead_id: str, at: datetime, reason: str) -> list[Event]:
        return self.fact(T.DISQUALIFIED, lead_id, at, {"by": "budi", "reason": reason})

    def recycle(self, lead_id: str, at: datetime, reason: str = "wrong_timing") -> list[Event]:
        return self.fact(T.RECYCLED, lead_id, at, {"by": "budi", "reason": reason})

    def open_opp(self, lead_id: str, at: datetime, **payload: Any) -> list[Event]:
        given = payload or {
            "amount": "25000",
            "currency": "USD",
            "decision_process": "CFO signs after a pilot",
            "stakeholders": ["CFO", "CIO"],
            "decision_date": "2027-01-15",
        }
        return self.fact(T.OPPORTUNITY_CREATED, lead_id, at, given, opportunity_id=f"O-{lead_id}")

    def worked(self, lead_id: str = "L1") -> LeadState:
        """Capture an MQL and accept it on Monday 10:00 Jakarta."""
        self.capture(lead_id)
        self.accept(lead_id, MONDAY + timedelta(minutes=30))
        return self.lead(lead_id)


def of_type(events: list[Event], type: EventType) -> list[Event]:
    return [e for e in events if e.type is type]


def refusal(events: list[Event]) -> str | None:
    found = of_type(events, T.EVENT_REJECTED)
    return str(found[0].payload["reason"]) if found else None
