"""The ingest's StateLookup over an engine's funnel state (what is already known)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from revalign.core.state import FunnelState, LeadState

_LEAD_NAMES = ("email", "first_name", "last_name", "title", "company", "domain", "employees",
               "industry", "country", "source", "campaign", "attributes", "account_id")  # fmt: skip


@runtime_checkable
class HasState(Protocol):
    @property
    def state(self) -> FunnelState: ...


def lead_fields(lead: LeadState | None) -> dict[str, Any] | None:
    """A known lead in LeadCaptured field names (what ingest compares a new row against)."""
    if lead is None:
        return None
    return {name: getattr(lead, name) for name in _LEAD_NAMES}


class EngineLookup:
    """Reads the engine's state as of its last batch (`Engine.decided_state`: no query per
    row, a lead row costs a dict lookup); after each submitted batch it includes that batch."""

    def __init__(self, engine: HasState) -> None:
        self._engine = engine

    def _state(self) -> FunnelState:
        engine = self._engine
        decided = getattr(engine, "decided_state", None)  # an Engine; a bare HasState: .state
        return decided if isinstance(decided, FunnelState) else engine.state

    def lead(self, lead_id: str) -> dict[str, Any] | None:
        return lead_fields(self._state().leads.get(lead_id))

    def opportunity_stage(self, opportunity_id: str) -> str | None:
        opp = self._state().opportunities.get(opportunity_id)
        return opp.stage if opp is not None else None

    def refusals(self) -> Mapping[str, str]:
        """The facts the core refused so far (refused event id -> reason)."""
        return self._state().refused
