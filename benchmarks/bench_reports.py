"""Time to build and render each meeting pack on a demo ledger.

    .venv/bin/python benchmarks/bench_reports.py            # demo of 2,000 leads (seed 7)
    .venv/bin/python benchmarks/bench_reports.py --full     # 100,000 leads
    .venv/bin/python benchmarks/bench_reports.py --db sqlite:///demo.db   # an existing ledger

Prints the time to read the ledger once (frames, SLA facts, calendar; DuckDB load), then per
report the time to build its data model and to render Markdown + CSV, HTML (charts as SVG
through vl-convert) and PDF (WeasyPrint). The first HTML includes vl-convert's start-up.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from revalign.contract.loader import default_contract
from revalign.demo import build_demo
from revalign.demo.company import PERIOD_END
from revalign.engine import open_engine
from revalign.ledger import open_ledger
from revalign.reports import build_report, load_inputs
from revalign.reports.render import to_csv, to_html, to_markdown, to_pdf

AS_OF = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
CASES = {"weekly": {"period": "2026-W47"}, "scorecard": {"period": "2026-10"},
         "qbr": {"period": "2026Q4"}, "retro": {"campaign": "review-sites"},
         "winloss": {"period": "2026"}, "content": {"period": "2026"}}  # fmt: skip


def _demo(folder: Path, leads: int) -> str:
    url = f"sqlite:///{folder / 'demo.db'}"
    contract = default_contract()
    started = time.perf_counter()
    with open_engine(url, contract, clock=lambda: PERIOD_END) as engine:
        build_demo(engine, contract, leads=leads, seed=7, folder=folder / "files")
    print(f"demo of {leads:,} leads built in {time.perf_counter() - started:.1f} s")
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="100,000 leads")
    parser.add_argument("--leads", type=int, default=None)
    parser.add_argument("--db", default=None, help="an existing ledger instead of a new demo")
    parser.add_argument("--lang", default="en")
    args = parser.parse_args()
    leads = args.leads or (100_000 if args.full else 2_000)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or _demo(Path(tmp), leads)
        ledger = open_ledger(url, create=False)
        started, cpu = time.perf_counter(), time.process_time()
        try:
            inputs = load_inputs(ledger, default_contract(), AS_OF, args.lang)
        finally:
            ledger.close()
        print(f"read the ledger: {time.perf_counter() - started:.2f} s wall, "
              f"{time.process_time() - cpu:.2f} s CPU ({len(inputs.frames.leads):,} leads; "
              "REVALIGN_FRAMES_CACHE=off: from zero)")  # fmt: skip
        print(f"{'report':<10} {'build':>8} {'md+csv':>8} {'html':>8} {'pdf':>8}  (seconds)")
        for kind, options in CASES.items():
            t0 = time.perf_counter()
            report = build_report(kind, inputs, **options)
            t1 = time.perf_counter()
            to_markdown(report)
            to_csv(report)
            t2 = time.perf_counter()
            to_html(report)
            t3 = time.perf_counter()
            to_pdf(report)
            t4 = time.perf_counter()
            print(f"{kind:<10} {t1 - t0:8.2f} {t2 - t1:8.2f} {t3 - t2:8.2f} {t4 - t3:8.2f}")
        inputs.close()


if __name__ == "__main__":
    main()
