"""What if the recorded history had run under another contract? Compare, write nothing.

`replay_sources(sources, recorded, other)` folds the SOURCE facts (never the engine's
derived events) through evolve + decide in memory, once under each contract, ticks at the
last event time, and measures both runs the same way:

- mql_count: stage.mql events; sal_acceptance_rate: accepted / (accepted + rejected);
- mql_to_sql_by_channel: per lead.source, leads that reached SQL / leads that reached MQL;
- sla_breaches: breaches per SLA name;
- dropped_decisions: human facts the run refused (e.g. an SAL decision recorded for a lead
  that never becomes an MQL under the other contract).

The result is `{"recorded": {...}, "replayed": {...}, "diff": {...}}` with the same keys in
all three; diff = replayed - recorded (per key for the maps).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from revalign.contract.schema import VersionedContract
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.core.run import run_events, run_tick
from revalign.core.state import FunnelState

Metrics = dict[str, Any]
_SAL = frozenset({EventType.SAL_ACCEPTED, EventType.SAL_REJECTED})


def simulate(
    sources: Iterable[Event], contract: VersionedContract
) -> tuple[FunnelState, list[Event]]:
    """The state and every placed event after folding `sources` under `contract`."""
    events = [e for e in sources if e.source != SOURCE_ENGINE]
    state = FunnelState()
    placed = run_events(state, events, contract)
    if events:
        placed += run_tick(state, contract, max(e.occurred_at for e in events))
    return state, placed


def measure(state: FunnelState, placed: list[Event]) -> Metrics:
    """The comparison metrics of one run (see the module docstring)."""
    by_type: Counter[EventType] = Counter(e.type for e in placed)
    kinds = {e.id: e.type for e in placed if e.source != SOURCE_ENGINE}
    refused = {
        str(e.payload.get("rejected_id")) for e in placed if e.type is EventType.EVENT_REJECTED
    }
    accepted = sum(1 for i, t in kinds.items() if t is EventType.SAL_ACCEPTED and i not in refused)
    rejected = sum(1 for i, t in kinds.items() if t is EventType.SAL_REJECTED and i not in refused)
    mql_leads = {e.lead_id for e in placed if e.type is EventType.MQL_REACHED}
    sql_leads = {e.lead_id for e in placed if e.type is EventType.SQL_QUALIFIED} - {None}
    sql_leads = {lid for lid in sql_leads if lid in mql_leads}
    channels: dict[str, list[int]] = {}
    for lead_id in mql_leads:
        lead = state.leads.get(lead_id or "")
        channel = (lead.source if lead else None) or "unknown"
        counts = channels.setdefault(channel, [0, 0])
        counts[0] += 1
        counts[1] += lead_id in sql_leads
    breaches = Counter(
        str(e.payload.get("sla")) for e in placed if e.type is EventType.SLA_BREACHED
    )
    decided = accepted + rejected
    return {
        "mql_count": by_type[EventType.MQL_REACHED],
        "sal_acceptance_rate": round(accepted / decided, 4) if decided else 0.0,
        "mql_to_sql_by_channel": {
            ch: round(sql / mql, 4) for ch, (mql, sql) in sorted(channels.items())
        },
        "sla_breaches": dict(sorted(breaches.items())),
        "dropped_decisions": sum(1 for i in refused if kinds.get(i) in _SAL),
        "refused_facts": len(refused),
    }


def diff(recorded: Metrics, replayed: Metrics) -> Metrics:
    out: Metrics = {}
    for key, before in recorded.items():
        after = replayed[key]
        if isinstance(before, dict):
            keys = sorted(set(before) | set(after))
            out[key] = {k: round(after.get(k, 0) - before.get(k, 0), 4) for k in keys}
        else:
            out[key] = round(after - before, 4)
    return out


def replay_sources(
    sources: Iterable[Event], recorded: VersionedContract, other: VersionedContract
) -> dict[str, Metrics]:
    events = [e for e in sources if e.source != SOURCE_ENGINE]
    before = measure(*simulate(events, recorded))
    after = measure(*simulate(events, other))
    # the same keys in all three: a channel or SLA present in one run shows as 0 in the other
    for key in ("mql_to_sql_by_channel", "sla_breaches"):
        for name in set(before[key]) | set(after[key]):
            before[key].setdefault(name, 0.0 if key == "mql_to_sql_by_channel" else 0)
            after[key].setdefault(name, 0.0 if key == "mql_to_sql_by_channel" else 0)
        before[key], after[key] = (
            dict(sorted(before[key].items())),
            dict(sorted(after[key].items())),
        )
    return {
        "recorded": before,
        "replayed": after,
        "diff": diff(before, after),
    }


def replay_ledger(
    db_url: str, recorded: VersionedContract, other: VersionedContract
) -> dict[str, Metrics]:
    """`replay_sources` over the ledger at `db_url` (read only)."""
    from revalign.ledger import open_ledger

    ledger = open_ledger(db_url, create=False)
    try:
        sources = [e for e in ledger.read() if e.source != SOURCE_ENGINE]
    finally:
        ledger.close()
    return replay_sources(sources, recorded, other)
