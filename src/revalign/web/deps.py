"""Per request: the runtime, the caller from the session cookie, the language."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from revalign.auth import Caller
from revalign.errors import Forbidden, Unauthorized, UserError
from revalign.web.access import may_open
from revalign.web.filters import Filters
from revalign.web.i18n import lang_or_default
from revalign.web.runtime import WebRuntime
from revalign.web.session import COOKIE, Sessions


class LoginNeeded(UserError):
    """No valid session: the dashboard sends the browser to the login page."""


def runtime(request: Request) -> WebRuntime:
    found: WebRuntime = request.app.state.dashboard
    return found


def sessions(request: Request) -> Sessions:
    found: Sessions = request.app.state.dashboard_sessions
    return found


@dataclass(frozen=True)
class Ctx:
    """Who asks, in which language, with which filters."""

    caller: Caller
    lang: str
    filters: Filters
    rt: WebRuntime


def context(request: Request, page: str | None = None) -> Ctx:
    """The request's caller (LoginNeeded without a session; Forbidden for a page the role
    may not open); `?lang=` overrides the session's language for this request."""
    found = sessions(request).load(request.cookies.get(COOKIE))
    if found is None:
        raise LoginNeeded("log in first")
    name, lang = found
    try:
        caller = runtime(request).users.caller_for(name)
    except Unauthorized as e:
        raise LoginNeeded("log in again") from e
    caller = caller.at(request_id=request.headers.get("x-request-id"),
                       client=request.client.host if request.client else None)  # fmt: skip
    lang = lang_or_default(request.query_params.get("lang") or lang)
    if page is not None and not may_open(caller, page):
        raise Forbidden(f"the {caller.role} role may not open this page")
    filters = Filters.from_query(request.query_params, caller)
    return Ctx(caller, lang, filters, runtime(request))
