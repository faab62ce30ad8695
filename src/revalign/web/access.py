"""Which dashboard pages each role may open. What a role may *do* is the permission table
(`revalign.auth.permissions`); pages follow it: a rep sees own leads and numbers, marketing
cannot accept an SAL, only roles with `metrics.read` see the analytics pages."""

from __future__ import annotations

from dataclasses import dataclass

from revalign.auth import Action, Caller, Role, can, can_see_lead
from revalign.auth.permissions import HasOwner

_ALL = frozenset(Role)
_NO_REP = _ALL - {Role.REP}
_SAL_GATE = frozenset({Role.ADMIN, Role.REVOPS, Role.SALES_MANAGER})
_WORKERS = frozenset({Role.ADMIN, Role.REVOPS, Role.SALES_MANAGER, Role.REP})


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
         frozenset({Role.ADMIN, Role.REVOPS, Role.SALES_MANAGER, Role.VIEWER})),
    Page("attribution", "/attribution", "Attribution",
         frozenset({Role.ADMIN, Role.REVOPS, Role.MARKETING, Role.VIEWER})),
    Page("plan", "/plan", "Plan", _NO_REP),
    Page("sal", "/sal", "SAL queue", _SAL_GATE),
    Page("queue", "/queue", "Rep queue", _WORKERS),
)  # fmt: skip
BY_KEY = {p.key: p for p in PAGES}


def may_open(caller: Caller, page: str) -> bool:
    return caller.role in BY_KEY[page].roles


def visible_pages(caller: Caller) -> list[Page]:
    return [p for p in PAGES if caller.role in p.roles]


def may_review(caller: Caller) -> bool:
    """Accept or reject at the SAL gate."""
    return can(caller, Action.SAL_DECIDE)


def may_work(caller: Caller, lead: HasOwner) -> bool:
    """Log touches and dispositions on this lead."""
    return can(caller, Action.LEAD_WORK) and can_see_lead(caller, lead)
