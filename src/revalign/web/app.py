"""A FastAPI app with only the dashboard, on a ledger URL (tests and `revalign dashboard`)."""

from __future__ import annotations

from fastapi import FastAPI

from revalign.contract.schema import VersionedContract
from revalign.engine import open_engine
from revalign.web.auth import Users
from revalign.web.mount import mount_dashboard
from revalign.web.runtime import WebRuntime


def create_dashboard_app(
    db_url: str, contract: VersionedContract, users: Users, secret: str | None = None
) -> FastAPI:
    app = FastAPI(title="revalign dashboard", docs_url=None, redoc_url=None, openapi_url=None)
    runtime = WebRuntime(open_engine(db_url, contract, create=False), users)
    mount_dashboard(app, runtime, secret)
    app.router.on_shutdown.append(runtime.close)
    return app
