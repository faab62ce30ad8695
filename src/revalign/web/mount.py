"""Put the dashboard on a FastAPI app: its routes, its assets and its error pages."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from importlib import resources
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from revalign.errors import Forbidden, NotFound, Unauthorized, UserError
from revalign.web import routes_auth, routes_pages, routes_work
from revalign.web.deps import LoginNeeded
from revalign.web.i18n import lang_or_default
from revalign.web.render import page
from revalign.web.runtime import WebRuntime
from revalign.web.session import Sessions, secret_key

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]
_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
          ".txt": "text/plain", ".md": "text/markdown"}  # fmt: skip


def _static(name: str) -> Response:
    """An asset shipped in the package (htmx, the stylesheet): nothing comes from a CDN."""
    root = resources.files("revalign.web").joinpath("static")
    path = root.joinpath(name)
    suffix = name[name.rfind(".") :] if "." in name else ""
    if "/" in name or name.startswith(".") or suffix not in _TYPES or not path.is_file():
        raise NotFound(f"no asset {name!r}")
    headers = {"Cache-Control": "public, max-age=3600"}
    return Response(path.read_bytes(), media_type=_TYPES[suffix], headers=headers)


def dashboard_router() -> APIRouter:
    """Every dashboard route (pages, actions, login, assets at /static/<name>)."""
    router = APIRouter(include_in_schema=False)
    router.include_router(routes_auth.router)
    router.include_router(routes_pages.router)
    router.include_router(routes_work.router)
    router.add_api_route("/static/{name}", _static, methods=["GET"])
    return router


_API_PREFIXES = ("/api", "/hooks", "/openapi.json", "/docs")


def _error_handler(api_handler: Handler | None) -> Handler:
    """UserErrors of dashboard pages as an HTML page (login, 403, 404, 400); the API's
    paths keep the API's own JSON answer."""

    async def handle(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(_API_PREFIXES) and api_handler is not None:
            answer = api_handler(request, exc)
            return await answer if inspect.isawaitable(answer) else answer
        if isinstance(exc, LoginNeeded):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        status = 403 if isinstance(exc, Forbidden) else 404 if isinstance(exc, NotFound) else 400
        status = 401 if isinstance(exc, Unauthorized) else status
        lang = lang_or_default(request.query_params.get("lang"))
        return page(request, "error.html", caller=None, lang=lang, message=str(exc),
                    status=status)  # fmt: skip

    return handle


def mount_dashboard(app: FastAPI, secret: str | None = None) -> None:
    """Add the dashboard at `/` to the API's app (`app.state.runtime`); `secret` signs the
    session cookies (default $REVALIGN_SECRET, else random per process)."""
    app.state.dashboard = WebRuntime(app.state.runtime)
    app.state.dashboard_sessions = Sessions(secret or secret_key())
    app.include_router(dashboard_router())
    api_handler = app.exception_handlers.get(UserError)
    app.add_exception_handler(UserError, _error_handler(api_handler))
