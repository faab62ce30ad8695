"""The engine on SQLite and PostgreSQL: order, determinism, rebuild = incremental, run, tick."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from revalign.contract.schema import VersionedContract
from revalign.core.events import SOURCE_ENGINE, EventType
from revalign.engine import Engine, SubmitReport, open_engine
from revalign.ledger import SqlLedger, open_ledger
from revalign.ledger.projections import rebuild
from test_ledger_support import (  # noqa: F401
    FAKE_CORE,
    T0,
    fake_evolve,
    fresh_url,
    ledger,
    ledger_rows,
    ledger_url,
    projection_rows,
    workload,
)


def fake_engine(led: SqlLedger, contract: VersionedContract, **kw: object) -> Engine:
    return Engine(led, contract, lambda: T0 + timedelta(hours=1), **FAKE_CORE, **kw)  # type: ignore[arg-type]


def test_submit_stores_new_facts_each_followed_by_what_it_caused(
    ledger: SqlLedger,  # noqa: F811
    contract: VersionedContract,
) -> None:
    engine = fake_engine(ledger, contract, batch_size=7)
    report = engine.submit(workload())
    stored = list(ledger.read())
    roots = [e for e in stored if e.source != SOURCE_ENGINE]
    assert report.new == len(roots) == 54 and report.duplicates == 1
    assert report.derived == len(stored) - len(roots) > 0
    # depth first: every derived event comes after its cause, before the next source fact
    position = {e.id: i for i, e in enumerate(stored)}
    root_of: dict[str, int] = {}
    for i, e in enumerate(stored):
        if e.source == SOURCE_ENGINE:
            assert e.caused_by is not None and position[e.caused_by] < i
            root_of[e.id] = root_of.get(e.caused_by, position[e.caused_by])
            later_roots = [r for r in roots if root_of[e.id] < position[r.id] < i]
            assert later_roots == []
    assert engine.submit(workload()) == SubmitReport(new=0, duplicates=55, derived=0)
    assert ledger.checkpoint("engine") == ledger.last_seq() == len(stored)


def test_rebuild_equals_incremental_projections(
    ledger: SqlLedger,  # noqa: F811
    contract: VersionedContract,
) -> None:
    engine = fake_engine(ledger, contract, batch_size=9)
    engine.submit(workload(leads=30, touches=60, deals=6))
    engine.tick(T0 + timedelta(days=2))
    incremental = projection_rows(ledger)
    assert len(incremental["leads"]) == 30 and len(incremental["clocks"]) > 0
    assert len(incremental["opportunities"]) == 6 and len(incremental["owners"]) == 3
    report = rebuild(ledger, evolver=fake_evolve)
    assert report.seq == ledger.last_seq() and report.leads == 30
    assert projection_rows(ledger) == incremental


def test_two_runs_with_the_same_input_and_clock_write_the_same_ledger(
    fresh_url: Callable[[], str],  # noqa: F811
    contract: VersionedContract,
) -> None:
    results = []
    for _ in range(2):
        led = open_ledger(fresh_url())
        engine = fake_engine(led, contract, batch_size=11)
        engine.submit(workload())
        engine.tick(T0 + timedelta(days=1))
        results.append((ledger_rows(led), projection_rows(led)))
        led.close()
    assert results[0] == results[1]
    assert len(results[0][0]) > 100


def test_run_decides_what_other_writers_appended(
    ledger: SqlLedger,  # noqa: F811
    contract: VersionedContract,
) -> None:
    events = workload()
    assert ledger.append(events[:30]) == 30  # another writer, straight into the ledger
    engine = fake_engine(ledger, contract, batch_size=4)
    report = engine.run()
    assert report.derived > 0 and ledger.checkpoint("engine") == ledger.last_seq()
    assert engine.run() == SubmitReport()
    ledger.append(events[30:40])  # more foreign facts, then a submit must decide them first
    engine.submit(events[40:])
    assert ledger.checkpoint("engine") == ledger.last_seq()
    derived_from = {e.caused_by for e in ledger.read() if e.source == SOURCE_ENGINE}
    captures = [e for e in ledger.read() if e.type is EventType.LEAD_CAPTURED]
    assert all(e.id in derived_from for e in captures)  # every capture was decided
    incremental = projection_rows(ledger)
    rebuild(ledger, evolver=fake_evolve)
    assert projection_rows(ledger) == incremental


def test_tick_appends_breaches_once(ledger: SqlLedger, contract: VersionedContract) -> None:  # noqa: F811
    engine = fake_engine(ledger, contract)
    engine.submit(workload())
    clocks = len(engine.state.clocks)
    assert clocks > 0
    assert engine.tick(T0).new == 0  # nothing due yet
    first = engine.tick(T0 + timedelta(days=1))
    assert first.new == clocks
    assert engine.tick(T0 + timedelta(days=2)) == SubmitReport()
    assert all(c.breached for c in engine.state.clocks.values())


def test_a_second_engine_on_the_same_ledger_sees_the_first_ones_work(
    ledger: SqlLedger,  # noqa: F811
    ledger_url: str,  # noqa: F811
    contract: VersionedContract,
) -> None:
    other = open_ledger(ledger_url)
    a, b = fake_engine(ledger, contract), fake_engine(other, contract)
    events = workload()
    a.submit(events[:20])
    b.submit(events[20:40])
    a.submit(events[40:])
    assert a.state.leads == b.state.leads and a.state.rep_load == b.state.rep_load
    incremental = projection_rows(ledger)
    rebuild(ledger, evolver=fake_evolve)
    assert projection_rows(ledger) == incremental
    other.close()


def test_progress_hook_counts_source_events(
    ledger: SqlLedger,  # noqa: F811
    contract: VersionedContract,
) -> None:
    seen: list[int] = []
    fake_engine(ledger, contract, batch_size=10, progress=seen.append).submit(workload())
    assert sum(seen) == 55 and max(seen) == 10


def test_real_core_keeps_rebuild_equal_to_incremental(
    ledger_url: str,  # noqa: F811
    contract: VersionedContract,
) -> None:
    engine = open_engine(ledger_url, contract, clock=lambda: T0 + timedelta(hours=3))
    report = engine.submit(workload(leads=25, touches=80, deals=5))
    assert report.new == 25 + 80 + 5 and report.derived > 0
    engine.tick(T0 + timedelta(days=3))
    incremental = projection_rows(engine.ledger)
    assert len(incremental["leads"]) == 25
    rebuild(engine.ledger, contract=contract)
    assert projection_rows(engine.ledger) == incremental
    engine.close()
