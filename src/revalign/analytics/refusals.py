"""The core's refusals as every reader of the ledger sees them: which facts count nowhere.

The core folds a refused source fact and then undoes it when its `engine.rejected` follows
(see `core/evolve.py`); a source event of a derived-only type is never folded at all.
A reader that folds the ledger on its own (frames, replay) applies the same two rules by
skipping those events. `engine.rejected` comes *after* the fact it refuses, so the refused
ids are read first: one indexed query on a SQL ledger, one cheap pass over a list otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import sqlalchemy as sa

from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.core.lifecycle import DERIVED_ONLY
from revalign.ledger.base import Ledger


def refused_in(events: Iterable[Event]) -> set[str]:
    """Ids of the facts refused by an `engine.rejected` among `events`."""
    return {
        str(e.payload.get("rejected_id"))
        for e in events
        if e.type is EventType.EVENT_REJECTED and e.source == SOURCE_ENGINE
    }


def refused_in_ledger(ledger: Ledger) -> set[str]:
    """Ids of every refused fact in the ledger, without reading the other events."""
    from revalign.ledger.sql import SqlLedger
    from revalign.ledger.tables import events

    if not isinstance(ledger, SqlLedger):
        return refused_in(ledger.read(after_seq=0))
    query = sa.select(events.c.payload).where(
        events.c.type == EventType.EVENT_REJECTED.value, events.c.source == SOURCE_ENGINE
    )
    with ledger.reader() as conn:
        return {str(json.loads(p).get("rejected_id")) for (p,) in conn.execute(query)}


def counts(event: Event, refused: set[str] | frozenset[str]) -> bool:
    """Whether the core's fold keeps `event` (the same test the frames builder inlines)."""
    if event.source == SOURCE_ENGINE:
        return True
    return event.type not in DERIVED_ONLY and event.id not in refused
