"""Demo company end to end (generate files -> ingest -> engine -> tick): wall time, peak memory.

.venv/bin/python benchmarks/bench_demo.py            # 2,000 leads
.venv/bin/python benchmarks/bench_demo.py --full     # 100,000 leads
.venv/bin/python benchmarks/bench_demo.py --leads 20000 --breakdown

`--breakdown` times the parts (CPU seconds, `time.process_time`) by wrapping them: writing
the demo files, parsing + translating rows, the pure core (decide + evolve), stamping events
(JSON, ids), the ledger's inserts, projection rows, snapshots, the story and the tick; `other`
is the rest (CSV reading, commits, checkpoints, the engine's loop). The wrappers add a few %.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from revalign.contract.loader import default_contract
from revalign.core import decide as core
from revalign.demo import DEFAULT_LEADS, build_demo
from revalign.demo.company import PERIOD_END
from revalign.engine import Engine, open_engine
from revalign.ledger import open_ledger

CPU: dict[str, float] = defaultdict(float)


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            CPU[name] += time.process_time() - start

    return run


def _instrument() -> None:
    """Wrap the parts named in the module docstring (module attributes, looked up at call)."""
    import revalign.connectors.csv_ingest as csv_ingest
    import revalign.demo.run as demo_run
    import revalign.ledger.projections as projections
    import revalign.ledger.sql as sql

    for name in ("write_costs", "write_marketing", "write_forecasts", "write_surveys",
                 "write_content", "write_calendar"):  # fmt: skip
        setattr(demo_run, name, _timed("generate files", getattr(demo_run, name)))
    work = demo_run.SalesFloor.work  # a generator: time producing its rows, not its creation
    demo_run.SalesFloor.work = _timed("generate files", lambda *a: list(work(*a)))  # type: ignore[method-assign]
    csv_ingest._translate = _timed("ingest: translate rows", csv_ingest._translate)
    Engine._stamp = _timed("engine: stamp (JSON, ids)", Engine._stamp)  # type: ignore[method-assign]
    Engine._save_snapshot = _timed("snapshots", Engine._save_snapshot)  # type: ignore[method-assign]
    Engine.tick = _timed("tick (incl. its core)", Engine.tick)  # type: ignore[method-assign]
    sql.LedgerWriter.append_sequenced = _timed(  # type: ignore[method-assign]
        "ledger: insert events", sql.LedgerWriter.append_sequenced
    )
    projections.Projector.flush = _timed("projections", projections.Projector.flush)  # type: ignore[method-assign]
    demo_run.story = _timed("story", demo_run.story)


def _engine(db: str, breakdown: bool) -> Engine:
    if not breakdown:
        return open_engine(db, default_contract(), clock=lambda: PERIOD_END)
    engine = Engine(
        open_ledger(db), default_contract(), lambda: PERIOD_END,
        decider=_timed("core: decide + evolve", core.decide),
        evolver=_timed("core: decide + evolve", core.evolve),
    )  # fmt: skip
    engine._snapshots = True  # a wrapped evolver is still the real fold
    return engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="100,000 leads")
    parser.add_argument("--leads", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--breakdown", action="store_true", help="CPU seconds per part")
    args = parser.parse_args()
    leads = args.leads or (100_000 if args.full else DEFAULT_LEADS)
    contract = default_contract()
    if args.breakdown:
        _instrument()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started, cpu = time.perf_counter(), time.process_time()
        marks: list[str] = []

        def on_file(report: object) -> None:
            name = Path(getattr(report, "file", "?")).name
            rows = getattr(report, "rows", 0)
            marks.append(f"  {name:<20} {rows:>9,} rows  t={time.perf_counter() - started:7.1f}s")
            print(marks[-1], flush=True)

        db = f"sqlite:///{folder / 'demo.db'}"
        with _engine(db, args.breakdown) as engine:
            report = build_demo(
                engine, contract, leads=leads, seed=args.seed, folder=folder / "files",
                on_file=on_file,
            )  # fmt: skip
            events = engine.ledger.last_seq()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        db_mb = (folder / "demo.db").stat().st_size / 1e6
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"leads={leads:,} seed={args.seed} ledger events={events:,} db={db_mb:.0f} MB")
    print(f"funnel: {report.funnel}")
    print(f"wall time: {seconds:.1f} s ({events / seconds:,.0f} events/s), CPU {cpu:.1f} s")
    print(f"peak memory (ru_maxrss): {peak_mb:.0f} MB")
    if args.breakdown:
        print("CPU seconds by part:")
        parts = sorted(CPU.items(), key=lambda kv: -kv[1])
        # the tick's own core calls are counted in both rows; `other` subtracts them once
        inner = sum(v for k, v in parts if k != "tick (incl. its core)")
        for name, value in [*parts, ("other", cpu - inner)]:
            print(f"  {name:<28} {value:7.2f} s  {value / cpu:4.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
