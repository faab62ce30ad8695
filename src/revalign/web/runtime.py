"""What the dashboard holds beside the API's `Runtime` (engine, lock, users): a cached
analytics snapshot (frames loaded into DuckDB) that is rebuilt when the ledger moves on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from revalign.analytics.frames import Frames
from revalign.analytics.metrics import MetricContext, MetricsResult, build_context, load
from revalign.analytics.metrics.backends.duckdb import DuckDBBackend
from revalign.analytics.metrics.compute import run_loaded
from revalign.analytics.sla_cache import load_sla_facts
from revalign.analytics.sla_facts import SlaFacts
from revalign.api.runtime import Runtime
from revalign.auth.users import UserStore
from revalign.contract.schema import Contract, VersionedContract
from revalign.engine import Engine


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
    # page parts that depend only on the snapshot (the week's SLA report), computed once
    memo: dict[str, Any] = field(default_factory=dict)


class WebRuntime:
    """The API runtime's engine and users, and the analytics snapshot, behind the runtime's
    one lock: neither DuckDB connections nor the engine's state are shared between threads."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.lock = runtime.lock
        self._snapshot: Snapshot | None = None

    @property
    def engine(self) -> Engine:
        return self.runtime.engine

    @property
    def users(self) -> UserStore:
        return self.runtime.users

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
        frames = self.runtime.frames()
        ctx = build_context(frames, self.contract.contract, when)
        backend = old.backend if old is not None else DuckDBBackend()
        load(backend, frames, ctx)
        terms = self.contract.contract
        sla = load_sla_facts(self.engine.ledger, terms)
        self._snapshot = Snapshot(
            seq, when, frames, ctx, backend, run_loaded(backend, ctx), sla, terms
        )
        return self._snapshot

    def close(self) -> None:
        """Close the snapshot's engine (the API runtime closes the ledger)."""
        if self._snapshot is not None:
            self._snapshot.backend.close()
            self._snapshot = None
