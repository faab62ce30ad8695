"""A fake engine for ingest tests: an in-memory ledger idempotent by (source, source_id)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from revalign.core.events import Event


@dataclass(frozen=True)
class FakeReport:
    new: int
    duplicates: int
    derived: int = 0


@dataclass
class FakeEngine:
    events: dict[tuple[str, str], Event] = field(default_factory=dict)
    batches: list[int] = field(default_factory=list)

    def submit(self, events: Sequence[Event]) -> FakeReport:
        self.batches.append(len(events))
        new = 0
        for e in events:
            if e.key not in self.events:
                self.events[e.key] = e
                new += 1
        return FakeReport(new=new, duplicates=len(events) - new)

    # StateLookup over what was submitted (leads folded from captured + updated)
    def lead(self, lead_id: str) -> Mapping[str, Any] | None:
        fields: dict[str, Any] | None = None
        for e in self.events.values():
            if e.lead_id != lead_id:
                continue
            if e.type == "lead.captured":
                fields = {**e.payload, "account_id": e.account_id}
            elif e.type == "lead.updated" and fields is not None:
                fields.update(e.payload["changes"])
        return fields

    def opportunity_stage(self, opportunity_id: str) -> str | None:
        stage = None
        for e in self.events.values():
            if e.opportunity_id == opportunity_id and "stage" in e.payload:
                stage = e.payload["stage"]
        return stage
