"""Ingest a public dataset into the ledger through the engine, in batches, idempotently."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from revalign.connectors.datasets import maven, olist, xeducation
from revalign.connectors.datasets.common import Rejected
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event
from revalign.core.payloads import validate_payload
from revalign.errors import InputError

ADAPTERS: dict[str, ModuleType] = {"olist": olist, "xeducation": xeducation, "maven": maven}
BATCH_SIZE = 2000


class Submitter(Protocol):
    """What the ingest needs from the engine: `submit(events) -> SubmitReport`."""

    def submit(self, events: Sequence[Event]) -> Any: ...


@dataclass
class DatasetReport:
    dataset: str
    source: str
    events: int = 0
    new: int = 0
    duplicates: int = 0
    derived: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    rejected: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "source": self.source,
            "events": self.events,
            "new": self.new,
            "duplicates": self.duplicates,
            "derived": self.derived,
            "by_type": self.by_type,
            "rejected": len(self.rejected),
            "rejected_records": self.rejected[:20],
        }


def adapter(name: str) -> ModuleType:
    try:
        return ADAPTERS[name]
    except KeyError:
        raise InputError(
            f"unknown dataset {name!r}; choose one of: {', '.join(ADAPTERS)}"
        ) from None


def dataset_events(
    name: str, path: Path, contract: VersionedContract
) -> tuple[list[Event], list[Rejected]]:
    """Translate the dataset at `path` into validated events plus the records refused."""
    module = adapter(name)
    data = module.read(path)
    good: list[Event] = []
    bad: list[Rejected] = []
    for item in module.events(data, contract.contract):
        if isinstance(item, Rejected):
            bad.append(item)
            continue
        try:
            validate_payload(item.type, item.payload)
        except InputError as exc:
            bad.append(Rejected(item.source_id, str(exc)))
            continue
        good.append(item)
    return good, bad


def batches(events: Sequence[Event], size: int = BATCH_SIZE) -> Iterator[Sequence[Event]]:
    for start in range(0, len(events), size):
        yield events[start : start + size]


def ingest_dataset(
    name: str,
    path: Path,
    engine: Submitter,
    contract: VersionedContract,
    *,
    on_progress: Callable[[int, int], None] | None = None,
) -> DatasetReport:
    """Translate, then submit in batches; `on_progress(done, total)` after each batch."""
    events, rejected = dataset_events(name, path, contract)
    report = DatasetReport(dataset=name, source=adapter(name).SOURCE, events=len(events))
    report.by_type = dict(Counter(e.type.value for e in events))
    report.rejected = [{"record": r.record, "reason": r.reason} for r in rejected]
    done = 0
    for batch in batches(events):
        result = engine.submit(list(batch))
        report.new += int(result.new)
        report.duplicates += int(result.duplicates)
        report.derived += int(result.derived)
        done += len(batch)
        if on_progress:
            on_progress(done, len(events))
    return report
