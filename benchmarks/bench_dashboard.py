"""Time to render the dashboard's home page (and the other pages) on a demo ledger.

    .venv/bin/python benchmarks/bench_dashboard.py            # demo of 2,000 leads (seed 7)
    .venv/bin/python benchmarks/bench_dashboard.py --full     # 100,000 leads
    .venv/bin/python benchmarks/bench_dashboard.py --db sqlite:///demo.db   # an existing ledger

The app is the one `revalign serve` runs (API + dashboard), served by uvicorn on a loopback
port and read over HTTP. Prints the home page cold (ledger read into frames, DuckDB load,
every metric, SVG charts through vl-convert), cold again after the ledger moved (the
snapshot is rebuilt, vl-convert is warm), warm (the cached snapshot: the page's own
queries and template), and each other page once warm.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import socket
import statistics
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import uvicorn

from revalign.api import create_app
from revalign.auth.demo_users import create_demo_users
from revalign.auth.users import UserStore
from revalign.contract.loader import default_contract
from revalign.demo import build_demo
from revalign.demo.company import PERIOD_END
from revalign.engine import open_engine
from revalign.web import mount_dashboard

AS_OF = "2026-11-30T23:59"
PAGES = ("/pipeline", "/conversion?by=campaign", "/aging", "/forecast", "/attribution",
         "/plan", "/sal", "/queue", "/drill/mqls")  # fmt: skip


def _demo(folder: Path, leads: int) -> str:
    url = f"sqlite:///{folder / 'demo.db'}"
    contract = default_contract()
    started = time.perf_counter()
    with open_engine(url, contract, clock=lambda: PERIOD_END) as engine:
        build_demo(engine, contract, leads=leads, seed=7, folder=folder / "files")
    print(f"demo of {leads:,} leads built in {time.perf_counter() - started:.1f} s")
    return url


def _users(url: str) -> None:
    with open_engine(url, default_contract(), create=False) as engine:
        create_demo_users(UserStore(engine.ledger.engine), engine.state)


def _timed(opener: urllib.request.OpenerDirector, url: str) -> float:
    started = time.perf_counter()
    with opener.open(url) as response:
        response.read()
        assert response.status == 200, (url, response.status)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="100,000 leads")
    parser.add_argument("--leads", type=int, default=None)
    parser.add_argument("--db", default=None, help="an existing ledger instead of a new demo")
    parser.add_argument("--repeat", type=int, default=10, help="warm renders to time")
    args = parser.parse_args()
    leads = args.leads or (100_000 if args.full else 2_000)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or _demo(Path(tmp), leads)
        _users(url)
        app = create_app(url)
        mount_dashboard(app, secret="bench")
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        try:
            opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
            )
            form = urllib.parse.urlencode(
                {"name": "admin", "password": "demo-admin", "next": "/static/app.css"}
            ).encode()
            opener.open(f"{base}/login", data=form).read()
            home = f"{base}/?as_of={AS_OF}"
            cold = _timed(opener, home)
            print(f"home, cold (read the ledger, all metrics, charts): {cold:.2f} s")
            app.state.dashboard._snapshot = None  # as if the ledger had grown
            app.state.runtime._frames = None
            print(f"home, after the ledger moved: {_timed(opener, home):.2f} s")
            warm = [_timed(opener, home) for _ in range(args.repeat)]
            ms = sorted(round(w * 1000) for w in warm)
            print(f"home, warm: median {statistics.median(ms):.0f} ms "
                  f"(min {ms[0]}, max {ms[-1]}, n={len(ms)})")  # fmt: skip
            for page in PAGES:
                sep = "&" if "?" in page else "?"
                print(f"{page}: {_timed(opener, f'{base}{page}{sep}as_of={AS_OF}'):.2f} s")
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            app.state.runtime.close()


if __name__ == "__main__":
    main()
