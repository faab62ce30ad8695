"""Fold events through evolve + decide in memory, depth first, as the engine does.

For replays, backtests and tests: no ledger, no clock (each event is decided at its own
`occurred_at`). Returns every event placed, sources and derived, in ledger order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from revalign.contract.schema import VersionedContract
from revalign.core.decide import decide, evolve, tick
from revalign.core.events import Event
from revalign.core.state import FunnelState


def run_events(
    state: FunnelState, events: Iterable[Event], contract: VersionedContract
) -> list[Event]:
    """Evolve and decide `events` and everything they cause; the placed events, in order."""
    placed: list[Event] = []
    seen: set[tuple[str, str]] = set()
    for root in events:
        stack = [root]
        while stack:
            event = stack.pop()
            if event.key in seen:
                continue
            seen.add(event.key)
            placed.append(event)
            evolve(state, event)
            stack.extend(reversed(decide(state, event, contract, event.occurred_at)))
    return placed


def run_tick(state: FunnelState, contract: VersionedContract, now: datetime) -> list[Event]:
    """`tick` at `now`, with what its events cause folded in too."""
    return run_events(state, tick(state, contract, now), contract)
