"""Ingest a public dataset into the ledger through the engine, in batches, idempotently.

The batches go through the shared inbound loop (`connectors/inbound.py`), so the facts the
funnel refuses are reported like a file's: in the report, its JSON and the rejects file.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from revalign.connectors.base import DEFAULT_FUTURE_TOLERANCE, future_refusal
from revalign.connectors.datasets import maven, olist, xeducation
from revalign.connectors.datasets.common import Rejected
from revalign.connectors.inbound import Inbound
from revalign.connectors.refusals import Refusal, RefusalSource
from revalign.connectors.state_lookup import EngineLookup, HasState
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
    refusals: list[Refusal] = field(default_factory=list)  # facts the funnel refused
    rejects_file: str | None = None

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
            "refused": len(self.refusals),
            "refusals": [r.to_dict() for r in self.refusals],
            "rejects_file": self.rejects_file,
        }


def adapter(name: str) -> ModuleType:
    try:
        return ADAPTERS[name]
    except KeyError:
        raise InputError(
            f"unknown dataset {name!r}; choose one of: {', '.join(ADAPTERS)}"
        ) from None


def dataset_events(
    name: str,
    path: Path,
    contract: VersionedContract,
    *,
    now: datetime | None = None,
    future_tolerance: timedelta = DEFAULT_FUTURE_TOLERANCE,
) -> tuple[list[Event], list[Rejected]]:
    """Translate the dataset at `path` into validated events plus the records rejected
    (a bad payload, or a fact later than `now` + `future_tolerance`)."""
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
        too_late = future_refusal(item.occurred_at, now, future_tolerance)
        if too_late is not None:
            bad.append(Rejected(item.source_id, f"{item.type.value} at {too_late}"))
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
    refusals: RefusalSource | None = None,
    rejects_path: Path | None = None,
    now: datetime | None = None,
) -> DatasetReport:
    """Translate, then submit in batches; `on_progress(done, total)` after each batch.

    `refusals` (default: the engine's state, when `engine` has one) tells which facts the
    funnel refused; `rejects_path` (optional) gets every refused or rejected record.
    """
    at = now if now is not None else datetime.now(UTC)
    events, rejected = dataset_events(name, path, contract, now=at)
    report = DatasetReport(dataset=name, source=adapter(name).SOURCE, events=len(events))
    report.by_type = dict(Counter(e.type.value for e in events))
    report.rejected = [{"record": r.record, "reason": r.reason} for r in rejected]
    if refusals is None and isinstance(engine, HasState):
        refusals = EngineLookup(engine)
    progress = {"done": 0}

    def flushed() -> None:
        if on_progress:
            on_progress(progress["done"], len(events))

    inbound: Inbound[str] = Inbound(
        engine, refusals=refusals, batch_size=BATCH_SIZE, on_flush=flushed
    )
    for batch in batches(events):
        for e in batch:
            inbound.add(e.source_id, None, [e])
        progress["done"] += len(batch)
        inbound.flush()
    report.new, report.duplicates, report.derived = (
        inbound.new, inbound.duplicates, inbound.derived
    )  # fmt: skip
    report.refusals = inbound.refusals
    if rejects_path is not None and (report.rejected or report.refusals):
        write_rejects(rejects_path, report)
        report.rejects_file = str(rejects_path)
    return report


def write_rejects(path: Path, report: DatasetReport) -> None:
    """record, type, reason: the records the adapter refused, then the funnel's refusals."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["record", "type", "reason"])
        for bad in report.rejected:
            out.writerow([bad["record"], "", bad["reason"]])
        for r in report.refusals:
            out.writerow([r.source_id, r.type, f"refused by the funnel: {r.reason}"])
