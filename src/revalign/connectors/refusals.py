"""The facts the funnel refused: which submitted events came back as `engine.rejected`.

The core keeps every refusal in `FunnelState.refused` (refused event id -> reason), so after
a batch is submitted an ingest path asks, for each event it sent, whether it was refused,
and reports it with the row (or record) it came from. A re-import of a refused row reports
it again: the refusal is a fact of the ledger, not of one run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol, runtime_checkable

from revalign.core.events import Event


@runtime_checkable
class RefusalSource(Protocol):
    def refusals(self) -> Mapping[str, str]:
        """refused event id -> the core's reason (the current state's, read once per batch)."""
        ...


@dataclass(frozen=True, slots=True)
class Refusal:
    row: int | None  # the row number in the file (None for a dataset record)
    source_id: str
    type: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def refused_in(
    source: RefusalSource, sent: Sequence[tuple[int | None, Sequence[Event]]]
) -> list[tuple[int, Refusal]]:
    """(index into `sent`, refusal) for each sent event the funnel refused."""
    refused = source.refusals()
    if not refused:
        return []
    out: list[tuple[int, Refusal]] = []
    for i, (row, events) in enumerate(sent):
        for e in events:
            reason = refused.get(e.id)
            if reason is not None:
                out.append((i, Refusal(row, e.source_id, e.type.value, reason)))
    return out
