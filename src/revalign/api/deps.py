"""Request dependencies: the runtime, and the authenticated caller of a request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from revalign.api.runtime import Runtime
from revalign.auth.caller import Caller
from revalign.errors import Unauthorized

_bearer = HTTPBearer(auto_error=False, description="revalign API token (revalign user add)")


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller of a request: `Authorization: Bearer TOKEN`, else 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("send Authorization: Bearer TOKEN (see revalign user add)")
    caller = get_runtime(request).users.authenticate_token(credentials.credentials)
    client = request.client.host if request.client else None
    return caller.at(request_id=getattr(request.state, "request_id", None), client=client)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
CallerDep = Annotated[Caller, Depends(get_caller)]
