"""The pure core's two functions: decide (what follows from an event) and evolve (fold).

    decide(state, event, contract, now) -> list[Event]   # no I/O, no clock reads
    evolve(state, event) -> None                         # apply one event to the state

The engine calls, for each new ledger event in order: evolve(state, event), then
decide(state, event, ...), appends the derived events, and evolves them in turn.
(Implementation: issue 4 — lifecycle core.)
"""

from __future__ import annotations

from datetime import datetime

from revalign.contract.schema import VersionedContract
from revalign.core.events import Event
from revalign.core.state import FunnelState


def decide(
    state: FunnelState, event: Event, contract: VersionedContract, now: datetime
) -> list[Event]:
    """Events that follow from `event` (already applied to `state`) under `contract`."""
    return []


def evolve(state: FunnelState, event: Event) -> None:
    """Apply `event` to `state` in place (the shell owns the state)."""
    state.last_seq = max(state.last_seq, event.seq or 0)


def tick(state: FunnelState, contract: VersionedContract, now: datetime) -> list[Event]:
    """Events due by `now` with no new fact: SLA breaches of open clocks, escalations."""
    return []
