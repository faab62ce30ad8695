"""One sync pass with a system: pull every object after its cursor, then push the outbox.

    report = sync_once(connector, engine, dry_run=False)

Pull: each page is translated, its identity links stored, its events submitted through the
shared inbound loop (`connectors/inbound.py`, like files and datasets), and then its cursor
and the values it showed are saved together. Push: the outbox since its checkpoint goes out
in batches; the values written and the checkpoint are saved after the batches succeed.
A crash anywhere replays at most one page or one plan, into the same event keys and the
same field values: nothing is lost and nothing is stored twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from revalign.connectors import rows
from revalign.connectors.base import Context
from revalign.connectors.inbound import Inbound
from revalign.connectors.refusals import Refusal
from revalign.connectors.state_lookup import EngineLookup
from revalign.connectors.sync.outbox import Outbox
from revalign.connectors.sync.ownership import Ownership
from revalign.connectors.sync.seam import Connector, Page, Update
from revalign.connectors.sync.snapshot import Ref, Snapshot
from revalign.connectors.sync.store import SyncStore
from revalign.connectors.sync.translate import SyncTranslator
from revalign.core.events import Event
from revalign.engine import Engine

Progress = Callable[[str, int], None]  # (object, records pulled so far)


@dataclass
class SyncReport:
    system: str
    dry_run: bool
    pulled: dict[str, int] = field(default_factory=dict)
    new: int = 0
    duplicates: int = 0
    derived: int = 0
    conflicts: int = 0
    ignored: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    pushed: int = 0
    push_errors: list[dict[str, str]] = field(default_factory=list)
    unlinked: int = 0
    planned_events: list[dict[str, Any]] = field(default_factory=list)  # dry run only
    planned_updates: list[dict[str, Any]] = field(default_factory=list)  # dry run only
    retries: int = 0
    waited_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["refusals"] = [r.to_dict() for r in self.refusals]
        return data


def _update_dict(u: Update) -> dict[str, Any]:
    return {"object": u.object, "id": u.id, "lead_id": u.lead_id, "fields": dict(u.fields)}


def _event_dict(e: Event) -> dict[str, Any]:
    return {
        "type": e.type.value,
        "source_id": e.source_id,
        "lead_id": e.lead_id,
        "opportunity_id": e.opportunity_id,
        "payload": dict(e.payload),
    }


def sync_once(
    connector: Connector,
    engine: Engine,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    pull: bool = True,
    push: bool = True,
    progress: Progress | None = None,
) -> SyncReport:
    at = now or datetime.now(UTC)
    report = SyncReport(connector.system, dry_run)
    retry = getattr(connector, "retry", None)
    retries, waited = (retry.retries, retry.waited) if retry is not None else (0, 0.0)
    store = SyncStore(engine.ledger, connector.system)
    policy = Ownership(engine.contract.contract.sync)
    if pull:
        _pull(connector, engine, store, policy, report, at, progress)
    if push:
        _push(connector, engine, store, policy, report, at)
    if retry is not None:
        report.retries, report.waited_seconds = retry.retries - retries, retry.waited - waited
    return report


class _Pass:
    """The translator and inbound loop of one pass (shared by every page)."""

    def __init__(self, engine: Engine, store: SyncStore, policy: Ownership, at: datetime) -> None:
        ctx = Context.create(store.system, engine.contract, EngineLookup(engine), now=at)
        self.translator = SyncTranslator(ctx, store, policy, lambda: engine.state)
        self.inbound: Inbound[Ref] = Inbound(
            engine,
            refusals=EngineLookup(engine),
            batch_size=1_000_000,
            on_flush=self.translator.submitted,
        )

    def close(self, report: SyncReport) -> None:
        inbound = self.inbound
        report.new, report.duplicates, report.derived = (
            inbound.new,
            inbound.duplicates,
            inbound.derived,
        )
        report.refusals = inbound.refusals


def _page(
    run: _Pass,
    store: SyncStore,
    report: SyncReport,
    at: datetime,
    obj: str,
    page: Page,
) -> None:
    """Translate one page, store its links, submit its events, save its cursor and values."""
    translator = run.translator
    translator.prefetch(page.records)
    for snap in page.records:
        try:
            events = translator.translate(snap)
        except rows.RowError as exc:
            report.rejected.append({"object": snap.object, "id": snap.id, "reason": str(exc)})
            continue
        if report.dry_run:
            report.planned_events.extend(_event_dict(e) for e in events)
        else:
            run.inbound.add(snap.ref, None, events)
    batch = translator.take()
    report.conflicts += batch.conflicts
    report.ignored += batch.ignored
    if report.dry_run:
        return
    store.links(batch.links, at)  # before the events: a replay finds the same ids
    run.inbound.flush()
    store.save_page(obj, page.cursor, batch.values)


def _pull(
    connector: Connector,
    engine: Engine,
    store: SyncStore,
    policy: Ownership,
    report: SyncReport,
    at: datetime,
    progress: Progress | None,
) -> None:
    run = _Pass(engine, store, policy, at)
    for obj in connector.objects:
        count = 0
        for page in connector.pull(obj, store.cursor(obj)):
            _page(run, store, report, at, obj, page)
            count += len(page.records)
            if progress is not None:
                progress(obj, count)
        report.pulled[obj] = count
    run.close(report)


def ingest_snapshots(
    engine: Engine, system: str, snaps: Sequence[Snapshot], now: datetime
) -> SyncReport:
    """Records pushed to us (webhooks) through the same translation and inbound loop."""
    report = SyncReport(system, False)
    store = SyncStore(engine.ledger, system)
    run = _Pass(engine, store, Ownership(engine.contract.contract.sync), now)
    _page(run, store, report, now, "webhook", Page(snaps, None))
    run.close(report)
    return report


def _push(
    connector: Connector,
    engine: Engine,
    store: SyncStore,
    policy: Ownership,
    report: SyncReport,
    at: datetime,
) -> None:
    outbox = Outbox(store, policy, connector, engine.contract)
    while True:
        before = store.checkpoint("outbox")
        plan = outbox.plan(engine.ledger, engine.state)
        report.unlinked += plan.unlinked
        if report.dry_run:
            report.planned_updates.extend(_update_dict(u) for u in plan.updates)
            return
        results = connector.push(plan.updates) if plan.updates else []
        for r in results:
            if r.ok:
                report.pushed += 1
            else:
                report.push_errors.append(
                    {"object": r.update.object, "id": r.update.id, "error": r.error or "refused"}
                )
        outbox.done(plan, results, at)
        if plan.until_seq == before:
            return
