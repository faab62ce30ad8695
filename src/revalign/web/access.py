"""What each role may see and do on the dashboard (DESIGN.md, security: a rep sees own
leads; marketing cannot accept an SAL)."""

from __future__ import annotations

from dataclasses import dataclass

from revalign.web.auth import Caller, Role

_ALL: frozenset[Role] = frozenset(
    ("admin", "revops", "marketing", "sales_manager", "rep", "viewer")
)
_NO_REP = _ALL - {"rep"}
_SAL_GATE: frozenset[Role] = frozenset(("admin", "revops", "sales_manager"))
_WORKERS: frozenset[Role] = frozenset(("admin", "revops", "sales_manager", "rep"))


@dataclass(frozen=True)
class Page:
    key: str
    path: str
    title: str  # an English UI string, translated in the templates
    roles: frozenset[Role]


PAGES: tuple[Page, ...] = (
    Page("home", "/", "Meeting view", _ALL),
    Page("pipeline", "/pipeline", "Pipeline by source", _NO_REP),
    Page("conversion", "/conversion", "Conversion", _NO_REP),
    Page("aging", "/aging", "Lead aging", _NO_REP),
    Page("forecast", "/forecast", "Forecast vs actual",
         frozenset(("admin", "revops", "sales_manager", "viewer"))),
    Page("attribution", "/attribution", "Attribution",
         frozenset(("admin", "revops", "marketing", "viewer"))),
    Page("plan", "/plan", "Plan", _NO_REP),
    Page("sal", "/sal", "SAL queue", _SAL_GATE),
    Page("queue", "/queue", "Rep queue", _WORKERS),
)  # fmt: skip
BY_KEY = {p.key: p for p in PAGES}


def may_open(caller: Caller, page: str) -> bool:
    return caller.role in BY_KEY[page].roles


def visible_pages(caller: Caller) -> list[Page]:
    return [p for p in PAGES if caller.role in p.roles]


def may_see_lead(caller: Caller, owner: str | None) -> bool:
    """A rep sees only the leads they own; every other role sees every lead."""
    return caller.role != "rep" or owner == caller.name


def may_review(caller: Caller) -> bool:
    """Accept or reject at the SAL gate."""
    return caller.role in _SAL_GATE


def may_work(caller: Caller, owner: str | None) -> bool:
    """Log touches and dispositions on a lead."""
    return caller.role in _WORKERS and may_see_lead(caller, owner)
