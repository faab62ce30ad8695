"""What if the recorded history had run under another contract? Compare, write nothing.

`replay_sources(sources, recorded, other, as_of)` folds the SOURCE facts (never the engine's
derived events) through evolve + decide in memory, once under each contract, ticks at the
last event time, and measures both runs with the metric definitions of `analytics/metrics`:
the placed events become frames (under the core's fold rules) and `compute_metrics` runs on
them, so replay under the recorded contract gives what `revalign metrics` gives.

Each run is measured as a flat map (see `measure`): every shared metric (null where the data
cannot give it, with the reason in `null_reasons`), `mql_to_sql_rate_by_channel` and
`sla_breaches` by SLA name, and two facts of the run itself: `refused_facts` (source facts
the run refused) and `dropped_decisions` (of those, human SAL decisions).

The result is `{"recorded", "replayed", "diff", "null_reasons", "as_of"}`; diff = replayed -
recorded per key, null when either side is null (a channel one run never saw is null there,
not 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from revalign.analytics.frames import Frames, frames_from_events
from revalign.analytics.metrics import compute_metrics
from revalign.analytics.refusals import refused_in
from revalign.contract.schema import VersionedContract
from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.core.run import run_events, run_tick
from revalign.core.state import FunnelState

Metrics = dict[str, Any]
_SAL = frozenset({EventType.SAL_ACCEPTED, EventType.SAL_REJECTED})
SECTIONS = ("mql_to_sql_rate_by_channel", "sla_breaches")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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


def _breaches(frames: Frames) -> dict[str, int]:
    clocks = frames.clocks
    hit = clocks[clocks["breached"].fillna(False).astype(bool)]
    counts = hit.groupby(hit["sla"].astype(str)).size()
    return {str(k): int(v) for k, v in sorted(counts.items())}


def measure(
    placed: list[Event], contract: VersionedContract, as_of: datetime
) -> tuple[Metrics, dict[str, str]]:
    """One run's metrics (the definitions of `analytics/metrics`) and its null reasons."""
    refused = refused_in(placed)
    frames = frames_from_events(placed, refused)
    overall = compute_metrics(frames, contract=contract.contract, as_of=as_of)
    by_channel = compute_metrics(frames, by="channel", contract=contract.contract, as_of=as_of)
    kinds = {e.id: e.type for e in placed if e.source != SOURCE_ENGINE}
    out: Metrics = dict(overall.metrics)
    out["mql_to_sql_rate_by_channel"] = {
        str(r["channel"]): r["mql_to_sql_rate"] for r in by_channel.rows if r["mqls"]
    }
    out["sla_breaches"] = _breaches(frames)
    out["refused_facts"] = len(refused)
    out["dropped_decisions"] = sum(1 for i in refused if kinds.get(i) in _SAL)
    return out, dict(overall.null_reasons)


def _minus(after: Any, before: Any) -> Any:
    if after is None or before is None:
        return None
    return round(after - before, 4)


def diff(recorded: Metrics, replayed: Metrics) -> Metrics:
    """replayed - recorded per key (per sub-key for the maps); null when a side is null."""
    out: Metrics = {}
    for key, before in recorded.items():
        after = replayed[key]
        if isinstance(before, Mapping):
            out[key] = {k: _minus(after.get(k), before.get(k)) for k in before}
        else:
            out[key] = _minus(after, before)
    return out


def _align(before: Metrics, after: Metrics) -> None:
    """Give both runs the same sub-keys: a missing count is 0, a missing rate is null."""
    for key in SECTIONS:
        missing = 0 if key == "sla_breaches" else None
        names = sorted(set(before[key]) | set(after[key]))
        before[key] = {n: before[key].get(n, missing) for n in names}
        after[key] = {n: after[key].get(n, missing) for n in names}


def replay_sources(
    sources: Iterable[Event],
    recorded: VersionedContract,
    other: VersionedContract,
    as_of: datetime | None = None,
) -> dict[str, Any]:
    """Both runs measured at `as_of` (default: the last source event), and their diff."""
    events = [e for e in sources if e.source != SOURCE_ENGINE]
    when = as_of or max((e.occurred_at for e in events), default=_EPOCH)
    before, before_nulls = measure(simulate(events, recorded)[1], recorded, when)
    after, after_nulls = measure(simulate(events, other)[1], other, when)
    _align(before, after)
    return {
        "recorded": before,
        "replayed": after,
        "diff": diff(before, after),
        "null_reasons": {"recorded": before_nulls, "replayed": after_nulls},
        "as_of": when.isoformat(),
    }


def replay_ledger(
    db_url: str,
    recorded: VersionedContract,
    other: VersionedContract,
    as_of: datetime | None = None,
) -> dict[str, Any]:
    """`replay_sources` over the ledger at `db_url` (read only)."""
    from revalign.ledger import open_ledger

    ledger = open_ledger(db_url, create=False)
    try:
        sources = [e for e in ledger.read() if e.source != SOURCE_ENGINE]
    finally:
        ledger.close()
    return replay_sources(sources, recorded, other, as_of)
