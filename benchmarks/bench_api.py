"""The REST API on loopback: p50 / p99 of lead list, lead show and metrics at a paced rate,
and the sustained write throughput of touches.

.venv/bin/python benchmarks/bench_api.py                 # 2,000 demo leads, 200 req/s
.venv/bin/python benchmarks/bench_api.py --full          # 100,000 demo leads (~10 min build)
.venv/bin/python benchmarks/bench_api.py --db sqlite:///big.db   # an existing demo ledger

Requests are sent open-loop at --rate per second (scheduled, not back to back) from a pool
of client threads to uvicorn on 127.0.0.1; each phase is bounded by --requests and by
--seconds. The demo users are created (or refreshed) on the ledger for the tokens.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn

from revalign.api import create_app
from revalign.auth.demo_users import create_demo_users
from revalign.contract.loader import default_contract
from revalign.demo import build_demo
from revalign.demo.company import PERIOD_END
from revalign.engine import open_engine


def _build(url: str, leads: int) -> None:
    with (
        tempfile.TemporaryDirectory() as folder,
        open_engine(url, default_contract(), clock=lambda: PERIOD_END) as engine,
    ):
        started = time.perf_counter()
        build_demo(engine, engine.contract, leads=leads, folder=Path(folder))
        print(f"demo of {leads:,} leads built in {time.perf_counter() - started:.1f} s")


def _serve(app: object, port: int) -> tuple[uvicorn.Server, int]:
    """uvicorn on 127.0.0.1 in a thread; port 0 picks a free one. Returns the bound port."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise SystemExit(f"the server did not start on port {port}")
        time.sleep(0.05)
    return server, server.servers[0].sockets[0].getsockname()[1]


def _paced(label: str, call: Callable[[int], int], rate: float, count: int,
           seconds: float) -> None:  # fmt: skip
    """Send `count` calls at `rate`/s (open loop) and print p50 / p99 of their latency."""
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()

    def one(i: int) -> None:
        nonlocal errors
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        if time.perf_counter() - start > seconds:
            return
        t0 = time.perf_counter()
        status = call(i)
        latencies.append(time.perf_counter() - t0)
        errors += not 200 <= status < 300

    with ThreadPoolExecutor(32) as pool:
        list(pool.map(one, range(count)))
    took = time.perf_counter() - start
    if not latencies:
        print(f"  {label:<28} no request inside {seconds:.0f} s")
        return
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    print(f"  {label:<28} {len(latencies):>5} req in {took:5.1f} s ({len(latencies) / took:6.1f}/s)"
          f"  p50 {q[49] * 1000:7.1f} ms  p99 {q[98] * 1000:7.1f} ms  errors {errors}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="100,000 demo leads")
    parser.add_argument("--leads", type=int, default=None)
    parser.add_argument("--db", default=None, help="an existing demo ledger (no build)")
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--requests", type=int, default=1000, help="per read phase")
    parser.add_argument("--seconds", type=float, default=30.0, help="cap per phase")
    parser.add_argument("--writes", type=int, default=500, help="touches in the write phase")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    args = parser.parse_args()
    leads = args.leads or (100_000 if args.full else 2_000)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'bench.db'}"
        if args.db is None:
            _build(url, leads)
        started = time.perf_counter()
        app = create_app(url)
        runtime = app.state.runtime
        users = {u.role: u.token for u in create_demo_users(runtime.users, runtime.engine.state)}
        state = runtime.engine.state
        ids = list(state.leads)
        workable = [lid for lid, lead in state.leads.items() if lead.stage.value in ("sal", "sql")]
        print(f"app ready in {time.perf_counter() - started:.1f} s: {len(ids):,} leads, "
              f"{runtime.ledger.last_seq():,} events")  # fmt: skip
        server, port = _serve(app, args.port)
        headers = {"Authorization": f"Bearer {users['admin']}"}
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers,
                          limits=limits, timeout=60) as client:  # fmt: skip
            client.get("/api/metrics")  # loads the frames once (cached per ledger seq)
            rng = random.Random(7)
            print(f"reads at {args.rate:.0f}/s (bounded: {args.requests} requests or "
                  f"{args.seconds:.0f} s each):")  # fmt: skip
            _paced("GET /api/leads (page 50)",
                   lambda i: client.get("/api/leads?limit=50").status_code,
                   args.rate, args.requests, args.seconds)  # fmt: skip
            _paced("GET /api/leads/{id}",
                   lambda i: client.get(f"/api/leads/{rng.choice(ids)}").status_code,
                   args.rate, args.requests, args.seconds)  # fmt: skip
            _paced("GET /api/metrics",
                   lambda i: client.get("/api/metrics").status_code,
                   args.rate, args.requests, args.seconds)  # fmt: skip
            if workable:
                t0 = time.perf_counter()
                with ThreadPoolExecutor(8) as pool:
                    codes = list(pool.map(
                        lambda i: client.post(f"/api/leads/{workable[i % len(workable)]}/touches",
                                              json={"kind": "email", "note": f"b{i}"}).status_code,
                        range(args.writes)))  # fmt: skip
                took = time.perf_counter() - t0
                ok = sum(200 <= c < 300 for c in codes)
                print(f"writes: {ok} touches in {took:.1f} s = {ok / took:.1f} touches/s "
                      f"(8 clients, {len(codes) - ok} errors)")  # fmt: skip
        server.should_exit = True
        runtime.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
