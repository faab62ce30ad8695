"""Delivery pass of `revalign worker`: backlog scan + signed webhooks to a local receiver.

    .venv/bin/python benchmarks/bench_notify.py               # demo with 1000 leads
    .venv/bin/python benchmarks/bench_notify.py --full        # 5000 leads

Prints: ledger events, deliveries, the first pass (scan the whole ledger, deliver and record
every notice) in seconds and deliveries/s, and an idle pass (nothing new) in milliseconds.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from revalign.contract.loader import contract_version, default_contract_text
from revalign.contract.schema import Contract, VersionedContract
from revalign.demo import build_demo
from revalign.demo.company import PERIOD_END
from revalign.engine import open_engine
from revalign.notify.worker import open_worker, senders_from_env


class _Ok(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _contract(url: str) -> VersionedContract:
    data = yaml.safe_load(default_contract_text())
    side = {"marketing": [f"{url}/m"], "sales": [f"{url}/s"]}
    levels = ("breach", "ops", "vp", "executive")
    data["notifications"] = {"recipients": dict.fromkeys(levels, side)}
    contract = Contract.model_validate(data)
    return VersionedContract(contract=contract, version=contract_version(contract))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=None)
    parser.add_argument("--full", action="store_true", help="5000 leads")
    args = parser.parse_args()
    args.leads = args.leads or (5000 if args.full else 1000)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    contract = _contract(f"http://127.0.0.1:{server.server_address[1]}")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        with open_engine(url, contract, clock=lambda: PERIOD_END) as engine:
            build_demo(engine, contract, leads=args.leads, seed=7, folder=Path(tmp) / "files")
            events = engine.ledger.last_seq()
            worker = open_worker(engine, senders_from_env(contract.contract.notifications, {
                "REVALIGN_WEBHOOK_SECRET": "bench"}))  # fmt: skip
            t0 = time.perf_counter()
            first = worker.deliverer.deliver(PERIOD_END)
            t1 = time.perf_counter()
            idle = worker.deliverer.deliver(PERIOD_END)
            t2 = time.perf_counter()
    server.shutdown()
    print(f"ledger events        {events}")
    print(f"deliveries           {first.delivered} (failed {first.failed})")
    rate = first.delivered / (t1 - t0)
    print(f"first pass           {t1 - t0:.2f} s  ({rate:.0f} deliveries/s, sent + recorded)")
    print(f"idle pass            {(t2 - t1) * 1000:.1f} ms  (delivered {idle.delivered})")


if __name__ == "__main__":
    main()
