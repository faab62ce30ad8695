"""Stable keys of the sync: event times as text, ids for records with nothing better."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from revalign.connectors.identity import _hex
from revalign.connectors.sync.snapshot import Ref
from revalign.core.state import FunnelState


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def synthetic_id(prefix: str, system: str, ref: Ref) -> str:
    """A stable revalign id for a foreign record with nothing better to key it on."""
    return f"{prefix}-{_hex(f'{system}/{ref[0]}/{ref[1]}', 12)}"


def lead_fields_of(state: FunnelState, lead_id: str) -> dict[str, Any] | None:
    from revalign.connectors.state_lookup import lead_fields

    return lead_fields(state.leads.get(lead_id))
