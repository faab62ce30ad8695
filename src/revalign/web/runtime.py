"""What the dashboard holds while it serves: the engine, one lock, the users and a cached
analytics snapshot (frames loaded into DuckDB) that is rebuilt when the ledger moves on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from revalign.analytics.frames import Frames, load_frames
from revalign.analytics.metrics import MetricContext, MetricsResult, build_context, load
from revalign.analytics.metrics.backends.duckdb import DuckDBBackend
from revalign.analytics.metrics.compute import run_loaded
from revalign.analytics.sla_facts import SlaFacts, collect, read_sla_events
from revalign.contract.schema import Contract, VersionedContract
from revalign.engine import Engine
from revalign.web.auth import Users


@dataclass
class Snapshot:
    """The frames of the ledger at `seq`, loaded into an embedded engine, as of `as_of`."""

    seq: int
    as_of: datetime
    frames: Frames
    ctx: MetricContext
    backend: DuckDBBackend
    overall: MetricsResult  # every metric, unfiltered (the Alignment Score needs all of them)
    sla: SlaFacts
    terms: Contract


class WebRuntime:
    """The engine and the analytics snapshot behind one lock: DuckDB connections and the
    engine's state are not shared between threads."""

    def __init__(self, engine: Engine, users: Users) -> None:
        self.engine = engine
        self.users = users
        self.lock = threading.RLock()
        self._snapshot: Snapshot | None = None

    @property
    def contract(self) -> VersionedContract:
        return self.engine.contract

    @contextmanager
    def locked(self) -> Iterator[Engine]:
        with self.lock:
            yield self.engine

    def snapshot(self, as_of: datetime) -> Snapshot:
        """The cached snapshot, rebuilt when the ledger grew or `as_of` changed (call under
        `locked()`)."""
        when = as_of
        seq = self.engine.ledger.last_seq()
        old = self._snapshot
        if old is not None and old.seq == seq and old.as_of == when:
            return old
        frames = load_frames(self.engine.ledger)
        ctx = build_context(frames, self.contract.contract, when)
        backend = old.backend if old is not None else DuckDBBackend()
        load(backend, frames, ctx)
        terms = self.contract.contract
        sla = collect(read_sla_events(self.engine.ledger), terms)
        self._snapshot = Snapshot(seq, when, frames, ctx, backend, run_loaded(backend, ctx), sla,
                                  terms)
        return self._snapshot

    def close(self) -> None:
        if self._snapshot is not None:
            self._snapshot.backend.close()
        self.engine.close()
