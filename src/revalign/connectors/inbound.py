"""The one inbound loop every ingest path shares: batch, submit, tally, report refusals.

    inbound = Inbound(engine, refusals=EngineLookup(engine), batch_size=5000)
    inbound.add(origin, row_number, events)   # flushes by itself every batch_size events
    inbound.flush()                           # the rest
    inbound.new, inbound.duplicates, inbound.derived, inbound.refusals

Files (csv_ingest) and datasets (datasets/ingest) hand it their translated events with the
row or record they came from; after each batch reaches the engine it asks which of them the
funnel refused and calls `on_refused(origin, refusal)` once per origin (its first reason).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from revalign.connectors.refusals import Refusal, RefusalSource, refused_in
from revalign.core.events import Event

Origin = TypeVar("Origin")


class Submitter(Protocol):
    """What ingest needs from the engine: append source events (idempotently) and run them."""

    def submit(self, events: Sequence[Event]) -> Any: ...


class Inbound(Generic[Origin]):
    def __init__(
        self,
        submitter: Submitter,
        *,
        refusals: RefusalSource | None = None,
        batch_size: int = 5000,
        on_refused: Callable[[Origin, Refusal], None] | None = None,
        on_flush: Callable[[], None] | None = None,
    ) -> None:
        self._submitter = submitter
        self._refusals = refusals
        self._batch_size = batch_size
        self._on_refused = on_refused
        self._on_flush = on_flush
        self._batch: list[Event] = []
        self._sent: list[tuple[Origin, int | None, Sequence[Event]]] = []
        self.new = self.duplicates = self.derived = 0
        self.refusals: list[Refusal] = []
        self.refused_origins = 0

    def add(self, origin: Origin, number: int | None, events: Sequence[Event]) -> None:
        """Queue the events of one row / record; submit when the batch is full."""
        if events:
            self._batch.extend(events)
            if self._refusals is not None:
                self._sent.append((origin, number, events))
        if len(self._batch) >= self._batch_size:
            self.flush()

    def flush(self) -> None:
        if self._batch:
            result = self._submitter.submit(self._batch)
            self.new += int(result.new)
            self.duplicates += int(result.duplicates)
            self.derived += int(result.derived)
            self._batch = []
        if self._refusals is not None and self._sent:
            pairs = [(number, events) for _, number, events in self._sent]
            reported: set[int] = set()
            for i, refusal in refused_in(self._refusals, pairs):
                self.refusals.append(refusal)
                if i not in reported:
                    reported.add(i)
                    self.refused_origins += 1
                    if self._on_refused is not None:
                        self._on_refused(self._sent[i][0], refusal)
            self._sent = []
        if self._on_flush is not None:
            self._on_flush()
