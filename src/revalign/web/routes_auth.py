"""Log in (name and password from the user store), log out, switch language."""

from __future__ import annotations

from urllib.parse import urlparse

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from revalign.errors import UserError
from revalign.web.deps import runtime, sessions
from revalign.web.i18n import lang_or_default
from revalign.web.render import page
from revalign.web.session import COOKIE, MAX_AGE

router = APIRouter()


def _local(target: str | None) -> str:
    """Only a path on this site (no open redirect to another host)."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/"):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/", lang: str = "en") -> Response:
    return page(request, "login.html", caller=None, lang=lang_or_default(lang), next=_local(next))


@router.post("/login")
def login(
    request: Request,
    name: str = Form(...),
    password: str = Form(...),
    next: str = Form("/"),
    lang: str = Form("en"),
) -> Response:
    chosen = lang_or_default(lang)
    try:
        caller = runtime(request).users.authenticate_password(name.strip(), password)
    except UserError as e:
        return page(request, "login.html", caller=None, lang=chosen, next=_local(next),
                    error=str(e), status=401)  # fmt: skip
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(COOKIE, sessions(request).dump(caller.name, chosen), max_age=MAX_AGE,
                        httponly=True, samesite="lax")  # fmt: skip
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/language")
def language(request: Request, to: str, next: str = "/") -> Response:
    """Keep the language in the session (per user); `?lang=` switches one request only."""
    found = sessions(request).load(request.cookies.get(COOKIE))
    response = RedirectResponse(_local(next), status_code=303)
    if found is not None:
        response.set_cookie(COOKIE, sessions(request).dump(found[0], lang_or_default(to)),
                            max_age=MAX_AGE, httponly=True, samesite="lax")  # fmt: skip
    return response
