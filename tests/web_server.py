"""Helpers for the dashboard tests: a small demo ledger (built once per session) and the
dashboard served by uvicorn in a thread on a free loopback port."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from revalign.auth.demo_users import create_demo_users
from revalign.auth.users import UserStore
from revalign.connectors.csv_ingest import ingest_file
from revalign.connectors.state_lookup import EngineLookup
from revalign.contract.loader import default_contract
from revalign.contract.schema import VersionedContract
from revalign.demo import build_demo
from revalign.demo.company import PERIOD_END
from revalign.engine import open_engine

WEB_LEADS = 300  # demo-like, small: the fixture builds in a few seconds
AS_OF = "2026-11-30T23:59"  # the demo's period end


# fresh MQLs at the SAL gate on the last demo day (the demo reviews all of its own)
_FRESH_LEADS = (
    "email,created_at,first_name,last_name,title,company,employees,industry,country,source\n{rows}"
)
_FRESH_TOUCHES = "email,occurred_at,kind,channel\n{rows}"
_COUNTRIES = ("ID", "SG", "GB", "US")


def _fresh_mqls(folder: Path, engine: object, terms: VersionedContract) -> None:
    leads, touches = [], []
    for i in range(8):
        email = f"fresh{i}@gate{i}.example.com"
        leads.append(f"{email},2026-11-30T08:00:00Z,Fresh,Lead{i},VP Sales,Gate {i} Ltd,"
                     f"200,software,{_COUNTRIES[i % 4]},webinar")  # fmt: skip
        touches.append(f"{email},2026-11-30T09:00:00Z,demo_request,webinar")
    for name, text, kind in (("fresh_leads.csv", _FRESH_LEADS, "leads"),
                             ("fresh_touches.csv", _FRESH_TOUCHES, "touches")):  # fmt: skip
        path = folder / name
        rows = leads if kind == "leads" else touches
        path.write_text(text.format(rows="\n".join(rows)) + "\n", encoding="utf-8")
        ingest_file(path, kind, engine, terms, lookup=EngineLookup(engine))  # type: ignore[arg-type]


def build_web_ledger(folder: Path, contract: VersionedContract | None = None) -> str:
    """A 300-lead demo ledger in `folder`, plus 8 fresh MQLs waiting at the SAL gate and the
    demo users (one per role, password `demo-<role>`); its URL."""
    terms = contract or default_contract()
    url = f"sqlite:///{folder / 'web.db'}"
    with open_engine(url, terms, clock=lambda: PERIOD_END) as engine:
        build_demo(engine, terms, leads=WEB_LEADS, seed=7, folder=folder / "files")
        _fresh_mqls(folder, engine, terms)
        create_demo_users(UserStore(engine.ledger.engine), engine.state)
    return url


def dashboard_app(url: str) -> FastAPI:
    """The API's app on `url` with the dashboard mounted, as `revalign serve` builds it."""
    from revalign.api import create_app
    from revalign.web import mount_dashboard

    app = create_app(url)
    mount_dashboard(app, secret="test-secret")
    return app


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 at a free port; yields the base URL. The socket listens
    before the thread starts, so the first request waits in the backlog, not on a sleep."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
