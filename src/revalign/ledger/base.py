"""The ledger interface every backend implements (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from revalign.core.events import Event


class Ledger(Protocol):
    """Append-only, idempotent by (source, source_id), totally ordered by `seq`."""

    def append(self, events: Iterable[Event]) -> int:
        """Store the events not already stored (by key); return how many were new."""
        ...

    def read(self, after_seq: int = 0, limit: int | None = None) -> Iterator[Event]:
        """Events with seq > after_seq in seq order, with seq and recorded_at set."""
        ...

    def last_seq(self) -> int: ...

    def checkpoint(self, name: str) -> int:
        """The last seq the named consumer (e.g. "engine") finished; 0 if none."""
        ...

    def save_checkpoint(self, name: str, seq: int) -> None: ...

    def close(self) -> None: ...
