"""The connector seam: a connector only moves foreign records in and field updates out.

    connector.objects                      # pull order: accounts before people before deals
    for page in connector.pull(obj, cursor):   # pages of Snapshots after the cursor
        ...
    results = connector.push(updates)      # one PushResult per Update, in batches

Everything else (identity, ownership, the ledger, cursors, retries) is shared machinery.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from revalign.connectors.sync.snapshot import Snapshot


@dataclass(frozen=True, slots=True, order=True)
class Cursor:
    """Where an object's incremental pull stands: modified-since plus an id tie-break."""

    modified_at: datetime
    last_id: str

    def behind(self, modified_at: datetime, record_id: str) -> bool:
        """Is a record with this (time, id) after the cursor (not yet pulled)?"""
        return (modified_at, record_id) > (self.modified_at, self.last_id)


@dataclass(frozen=True, slots=True)
class Page:
    records: Sequence[Snapshot]
    cursor: Cursor | None  # the cursor after this page (None: the page was empty)


@dataclass(frozen=True, slots=True)
class Update:
    """Set `fields` (revalign names) on one foreign record."""

    object: str
    id: str
    fields: Mapping[str, Any]
    lead_id: str | None = None
    previous: Mapping[str, Any] = field(default_factory=dict)  # last known values there


@dataclass(frozen=True, slots=True)
class PushResult:
    update: Update
    ok: bool
    error: str | None = None  # the system's message and code when not ok
    sent: Mapping[str, Any] = field(default_factory=dict)  # foreign field -> value written


@dataclass(frozen=True, slots=True)
class Check:
    """One line of `revalign connect X --check`."""

    what: str
    ok: bool
    detail: str


class Connector(Protocol):
    system: str

    @property
    def objects(self) -> Sequence[str]: ...

    def pull(self, obj: str, cursor: Cursor | None) -> Iterator[Page]: ...

    def push(self, updates: Sequence[Update]) -> list[PushResult]: ...

    def fetch(self, obj: str) -> Iterator[Snapshot]:
        """Every record of `obj` now (reconciliation reads the whole system)."""
        ...

    def check(self) -> list[Check]: ...

    def lead_object(self, refs: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
        """Of a lead's foreign records, the one revalign writes to (a converted lead's Contact)."""
        ...


def latest(records: Sequence[Snapshot]) -> Cursor | None:
    """The cursor after `records` (sorted by modification time and id)."""
    if not records:
        return None
    last = max(records, key=lambda r: (r.modified_at, r.id))
    return Cursor(last.modified_at, last.id)


def as_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Field values without the Nones (an absent value is not a change)."""
    return {k: v for k, v in fields.items() if v is not None}
