"""`create_app(db_url)`: the FastAPI app (JSON under /api, webhooks under /hooks, /docs).

    from revalign.api import create_app
    app = create_app("sqlite:///revalign.db", contract_path=Path("revalign.yaml"))
    app.state.runtime          # the one Runtime: engine, write lock, users

Other interfaces (the dashboard) mount their pages at `/` on this app. `/docs` serves
Swagger UI from the swagger-ui-bundle package: nothing is fetched from a CDN.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from revalign.api import errors, hooks, routes_admin, routes_leads, routes_team
from revalign.api.middleware import MAX_BODY, BodyLimit, RequestId
from revalign.api.runtime import Runtime

DOCS_ASSETS = "/api/_docs"


def _docs(app: FastAPI) -> None:
    import swagger_ui_bundle

    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), "docs")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="revalign API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )


def create_app(
    db_url: str, *, contract_path: Path | None = None, max_body: int = MAX_BODY
) -> FastAPI:
    """The API on the ledger at `db_url` (created / migrated if needed)."""
    runtime = Runtime.open(db_url, contract_path)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        runtime.warm()  # after every import, before the server listens
        yield
        runtime.close()

    app = FastAPI(
        title="revalign",
        summary="One revenue funnel for marketing and sales.",
        version=_version(),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    errors.install(app)
    for router in (routes_leads.router, routes_team.router, routes_admin.router, hooks.router):
        app.include_router(router)
    _docs(app)
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(RequestId)
    return app


def _version() -> str:
    from revalign import __version__

    return __version__
