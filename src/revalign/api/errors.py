"""Every error as `{"error": {"code", "message", "field"}}`; bad input never gets a 5xx.

UserError kinds carry their status (`http_status`); request validation is 422 naming the
field; an internal error is logged with the request id and answered without internals.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from revalign.errors import ContractError, UserError

log = logging.getLogger("revalign.api")


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field, **extra}}


def code_of(exc: BaseException) -> str:
    """`IllegalTransition` -> "illegal_transition"."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


async def _user_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, UserError)
    extra: dict[str, Any] = {}
    if isinstance(exc, ContractError):  # located: line and column of every issue
        extra["issues"] = [i.__dict__ for i in exc.issues]
    status = exc.http_status
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    body = error_body(code_of(exc), str(exc), getattr(exc, "field", None), **extra)
    return JSONResponse(body, status_code=status, headers=headers)


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
    message = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in errors[:10]
    )
    return JSONResponse(
        error_body("invalid_request", message or "invalid request", ".".join(loc) or None),
        status_code=422,
    )


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
        exc.status_code, "http_error"
    )
    return JSONResponse(
        error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
    )


async def _internal(request: Request, exc: Exception) -> JSONResponse:
    rid = _request_id(request)
    log.exception("internal error in request %s %s %s", rid, request.method, request.url.path)
    return JSONResponse(
        error_body("internal_error", f"internal error (request id {rid}); see the server log"),
        status_code=500,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(UserError, _user_error)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _internal)
