"""Fold events through evolve + decide, depth first: the one loop the engine also runs.

`depth_first` is the order itself (each event followed at once by what it causes, each key
once); the engine passes a `place` that stamps the event as the ledger will store it.
`run_events` is it in memory, for replays, backtests and tests: no ledger, no clock (each
event is decided at its own `occurred_at`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from revalign.contract.schema import VersionedContract
from revalign.core.decide import decide, evolve, tick
from revalign.core.events import Event
from revalign.core.state import FunnelState


def depth_first(
    roots: Iterable[Event],
    place: Callable[[Event], Event],
    follow: Callable[[Event], list[Event]],
) -> tuple[list[Event], int]:
    """Place each root, then at once (depth first) what `follow` says the placed event
    causes; a key already placed is skipped. The placed events and how many were roots."""
    placed: list[Event] = []
    seen: set[tuple[str, str]] = set()
    roots_placed = 0
    stack: list[tuple[Event, bool]] = [(e, True) for e in reversed(list(roots))]
    while stack:
        event, is_root = stack.pop()
        if event.key in seen:
            continue
        seen.add(event.key)
        stored = place(event)
        placed.append(stored)
        roots_placed += is_root
        stack.extend((c, False) for c in reversed(follow(stored)))
    return placed, roots_placed


def run_events(
    state: FunnelState, events: Iterable[Event], contract: VersionedContract
) -> list[Event]:
    """Evolve and decide `events` and everything they cause; the placed events, in order."""

    def follow(event: Event) -> list[Event]:
        evolve(state, event)
        return decide(state, event, contract, event.occurred_at)

    return depth_first(events, lambda e: e, follow)[0]


def run_tick(state: FunnelState, contract: VersionedContract, now: datetime) -> list[Event]:
    """`tick` at `now`, with what its events cause folded in too."""
    return run_events(state, tick(state, contract, now), contract)
