"""The manager's CLI reads and person erasure on a demo ledger: seconds per call.

.venv/bin/python benchmarks/bench_workbench.py            # 2,000 demo leads
.venv/bin/python benchmarks/bench_workbench.py --full     # 20,000 demo leads
.venv/bin/python benchmarks/bench_workbench.py --leads 5000

`lead list` and `lead find` read the projection tables; `person erase` folds the ledger
(opening the engine), redacts, appends person.erased and VACUUMs the SQLite file.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from revalign.contract.loader import default_contract
from revalign.demo import DEFAULT_LEADS, build_demo
from revalign.demo.company import PERIOD_END
from revalign.engine import open_engine
from revalign.event_queries import EventFilter, list_events
from revalign.lead_queries import LeadFilter, find_leads, list_leads
from revalign.ledger import open_ledger
from revalign.privacy import erase_person, export_person
from revalign.privacy.erase import compact


def _timed(label: str, call: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    size = f"{len(result):>7,} rows" if isinstance(result, list) else " " * 12
    print(f"  {label:<44} {size} {seconds:8.3f} s", flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="20,000 leads")
    parser.add_argument("--leads", type=int, default=None)
    args = parser.parse_args()
    leads = args.leads or (20_000 if args.full else DEFAULT_LEADS)
    contract = default_contract()
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{Path(tmp) / 'demo.db'}"
        started = time.perf_counter()
        with open_engine(db, contract, clock=lambda: PERIOD_END) as engine:
            build_demo(engine, contract, leads=leads, folder=Path(tmp) / "files")
            events = engine.ledger.last_seq()
        print(f"demo: {leads:,} leads, {events:,} events in {time.perf_counter() - started:.1f} s")
        ledger = open_ledger(db)
        try:
            rows = _timed("lead list (every lead)", lambda: list_leads(ledger, LeadFilter()))
            _timed(
                "lead list --queue breached",
                lambda: list_leads(ledger, LeadFilter(queue="breached")),
            )
            _timed("lead list --stage sql --limit 50",
                   lambda: list_leads(ledger, LeadFilter(stage="sql", limit=50)))  # fmt: skip
            email = next(r["email"] for r in rows if r["stage"] == "won")
            _timed("lead find EMAIL", lambda: find_leads(ledger, email))
            _timed("lead find 'budi'", lambda: find_leads(ledger, "budi"))
            _timed("events --type engine.rejected",
                   lambda: list_events(ledger, EventFilter(type="engine.rejected")))  # fmt: skip
            _timed(
                "events (newest 200)",
                lambda: list_events(ledger, EventFilter(limit=200, newest=True)),
            )
            _timed("person export EMAIL", lambda: export_person(ledger, email))
        finally:
            ledger.close()
        mb = (Path(tmp) / "demo.db").stat().st_size / 1e6
        started = time.perf_counter()
        with open_engine(db, contract, clock=lambda: PERIOD_END) as engine:
            _ = engine.state  # the fold erase_person needs; timed apart
            folded = time.perf_counter() - started
            report = erase_person(engine, email, "bench")
            total = time.perf_counter() - started
            _timed("compaction alone (VACUUM + WAL truncate)", lambda: compact(engine.ledger))
        print(f"  person erase EMAIL: {total:.2f} s in all on a {mb:.0f} MB file: fold "
              f"{folded:.2f} s, then redact + person.erased + compaction "
              f"{total - folded:.2f} s ({report.events_redacted} events redacted)")  # fmt: skip

    return 0


if __name__ == "__main__":
    raise SystemExit(main())
