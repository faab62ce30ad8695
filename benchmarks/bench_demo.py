"""Demo company end to end (generate files -> ingest -> engine -> tick): wall time, peak memory.

.venv/bin/python benchmarks/bench_demo.py            # 2,000 leads
.venv/bin/python benchmarks/bench_demo.py --full     # 100,000 leads
.venv/bin/python benchmarks/bench_demo.py --leads 20000
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from revalign.contract.loader import default_contract
from revalign.demo import DEFAULT_LEADS, build_demo
from revalign.demo.company import PERIOD_END
from revalign.engine import open_engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="100,000 leads")
    parser.add_argument("--leads", type=int, default=None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    leads = args.leads or (100_000 if args.full else DEFAULT_LEADS)
    contract = default_contract()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        marks: list[str] = []

        def on_file(report: object) -> None:
            name = Path(getattr(report, "file", "?")).name
            rows = getattr(report, "rows", 0)
            marks.append(f"  {name:<20} {rows:>9,} rows  t={time.perf_counter() - started:7.1f}s")
            print(marks[-1], flush=True)

        db = f"sqlite:///{folder / 'demo.db'}"
        with open_engine(db, contract, clock=lambda: PERIOD_END) as engine:
            report = build_demo(
                engine, contract, leads=leads, seed=args.seed, folder=folder / "files",
                on_file=on_file,
            )  # fmt: skip
            events = engine.ledger.last_seq()
        seconds = time.perf_counter() - started
        db_mb = (folder / "demo.db").stat().st_size / 1e6
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"leads={leads:,} seed={args.seed} ledger events={events:,} db={db_mb:.0f} MB")
    print(f"funnel: {report.funnel}")
    print(f"wall time: {seconds:.1f} s ({events / seconds:,.0f} events/s)")
    print(f"peak memory (ru_maxrss): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
