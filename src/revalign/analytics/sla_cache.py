"""SLA facts that do not start from zero: the SLA collector's state kept as of a seq.

Like the frames cache (`frames_cache.py`, the same store: `fold_cache.py`): a read loads
the collector as it was after seq S, folds the SLA events after S into it, and gives
exactly what `collect` over every SLA event gives (`tests/test_sla_cache.py`). The key
adds what the collector takes from the contract (the owner → team map and the capacity
notice days), so another contract folds from zero. A `person.erased` after S (read in the
same query as the tail) means a fold from zero; `person erase` and `rebuild` delete it.
"""

from __future__ import annotations

import hashlib

from revalign.analytics import fold_cache
from revalign.analytics.sla_facts import SLA_TYPES, SlaCollector, SlaFacts, read_sla_events
from revalign.contract.schema import Contract
from revalign.core.events import EventType
from revalign.ledger.sql import SqlLedger

KIND = "sla"
_SOURCES = (
    ("revalign.analytics", "sla_facts.py"),
    ("revalign.analytics", "sla_cache.py"),
    ("revalign.core", "events.py"),
    ("revalign.ledger", "codec.py"),
)
_ALLOWED = {
    "revalign.analytics.sla_facts": {"SlaCollector", "ClockFact"},
    "datetime": {"datetime", "date", "timezone", "timedelta"},
}


def version(collector: SlaCollector) -> str:
    """The code's hash and the contract's part of the collector."""
    code = fold_cache.code_hash("sla-pickle5+zlib1", _SOURCES)
    terms = repr((sorted(collector.teams.items()), collector.days))
    return code + hashlib.sha256(terms.encode()).hexdigest()[:16]


def load_sla_facts(ledger: SqlLedger, contract: Contract | None) -> SlaFacts:
    """The SLA facts of the whole ledger, folding only the SLA events the cache has not seen."""
    fresh = SlaCollector(contract)
    key = version(fresh)
    path = fold_cache.cache_path(ledger, KIND)
    stored = fold_cache.read(path, key, _ALLOWED)
    if stored is not None and not (
        isinstance(stored.state, SlaCollector) and fold_cache.still_valid(ledger, stored)
    ):
        stored = None
    after = stored.seq if stored is not None else 0
    tail = list(read_sla_events(ledger, (*SLA_TYPES, EventType.PERSON_ERASED), after))
    collector: SlaCollector = fresh
    if stored is not None and not fold_cache.erased(tail):
        collector = stored.state
    elif stored is not None:
        stored, tail = None, list(read_sla_events(ledger, (*SLA_TYPES, EventType.PERSON_ERASED)))
    for event in tail:
        if event.type is not EventType.PERSON_ERASED:
            collector.apply(event)
    fold_cache.save(ledger, path, stored, key, tail[-1] if tail else None, len(tail), collector)
    return collector.facts()
