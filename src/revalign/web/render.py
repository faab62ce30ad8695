"""Jinja2 templates with the language's strings, the formats and the filters' URL helpers."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from revalign.analytics.metrics import METRICS
from revalign.analytics.metrics.select import DRILLABLE
from revalign.auth import Caller
from revalign.web.access import visible_pages
from revalign.web.filters import Filters
from revalign.web.i18n import LANGS, Formats, translator

_ENV = Environment(
    loader=PackageLoader("revalign.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_UNITS = {**{n: "count" for n in DRILLABLE}, **{m.name: m.unit for m in METRICS}}


def page(
    request: Request,
    name: str,
    *,
    caller: Caller | None,
    lang: str,
    currency: str = "USD",
    filters: Filters | None = None,
    status: int = 200,
    **data: Any,
) -> HTMLResponse:
    """Render template `name` with the caller's pages, strings and formats."""
    fmt = Formats(lang, currency)
    f = filters or Filters()
    html = _ENV.get_template(name).render(
        request=request, caller=caller, lang=lang, langs=LANGS, _=translator(lang), fmt=fmt,
        filters=f, pages=visible_pages(caller) if caller else [], svg=Markup,
        path=request.url.path, drillable=frozenset(DRILLABLE), units=_UNITS, **data,
    )  # fmt: skip
    return HTMLResponse(html, status_code=status)
