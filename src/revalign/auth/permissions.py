"""The one permission table (role × action) and the checks every verb makes.

The README's role × action table is generated from `PERMISSIONS` (a test keeps them equal).
Seeing a lead is a second, row-level rule: a rep sees only the leads they own, a sales
manager only their team's, everyone else with `lead.read` sees all.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from revalign.auth.caller import Caller
from revalign.auth.roles import Role
from revalign.errors import Forbidden


class Action(StrEnum):
    """What a verb does, as the permission table names it."""

    LEAD_READ = "lead.read"  # list, show, explain, timeline
    LEAD_WORK = "lead.work"  # touch, qualify, disqualify, recycle
    SAL_DECIDE = "sal.decide"  # accept / reject at the SAL gate
    LEAD_REASSIGN = "lead.reassign"
    LEAD_IMPORT = "lead.import"  # upload a leads file
    OPPORTUNITY_WRITE = "opportunity.write"  # create, stage, won, lost
    CAPACITY_WRITE = "capacity.write"  # capacity notices
    FORECAST_WRITE = "forecast.write"
    SURVEY_WRITE = "survey.write"  # survey (NPS) answers
    COST_WRITE = "cost.write"  # campaign costs
    METRICS_READ = "metrics.read"  # metrics, attribution, plan, SLA status/report, forecasts
    CONTRACT_READ = "contract.read"  # get and validate
    CONTRACT_WRITE = "contract.write"
    REPLAY_RUN = "replay.run"  # dry run under another contract
    INGEST = "ingest"  # any file kind, batches of source events
    USERS_ADMIN = "users.admin"
    AUDIT_READ = "audit.read"


_A, _O, _M, _S, _R, _V = (
    Role.ADMIN,
    Role.REVOPS,
    Role.MARKETING,
    Role.SALES_MANAGER,
    Role.REP,
    Role.VIEWER,
)

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.LEAD_READ: frozenset({_A, _O, _M, _S, _R}),
    Action.LEAD_WORK: frozenset({_A, _O, _S, _R}),
    Action.SAL_DECIDE: frozenset({_A, _O, _S}),  # never marketing: it may not accept its MQLs
    Action.LEAD_REASSIGN: frozenset({_A, _O, _S}),
    Action.LEAD_IMPORT: frozenset({_A, _O, _M}),
    Action.OPPORTUNITY_WRITE: frozenset({_A, _O, _S, _R}),
    Action.CAPACITY_WRITE: frozenset({_A, _O, _S}),
    Action.FORECAST_WRITE: frozenset({_A, _O, _S, _R}),
    Action.SURVEY_WRITE: frozenset({_A, _O, _M, _S, _R}),
    Action.COST_WRITE: frozenset({_A, _O, _M}),
    Action.METRICS_READ: frozenset({_A, _O, _M, _S, _R, _V}),
    Action.CONTRACT_READ: frozenset({_A, _O, _M, _S, _R, _V}),
    Action.CONTRACT_WRITE: frozenset({_A, _O}),
    Action.REPLAY_RUN: frozenset({_A, _O, _M}),
    Action.INGEST: frozenset({_A, _O}),
    Action.USERS_ADMIN: frozenset({_A, _O}),
    Action.AUDIT_READ: frozenset({_A, _O}),
}


class HasOwner(Protocol):
    """A lead as the row rule needs it (LeadState, a projection row view…)."""

    @property
    def owner(self) -> str | None: ...

    @property
    def team(self) -> str | None: ...


def can(caller: Caller, action: Action) -> bool:
    """May the caller's role do `action` at all?"""
    return caller.role in PERMISSIONS[action]


def require(caller: Caller, action: Action) -> None:
    """Raise Forbidden (403) unless the caller's role may do `action`."""
    if not can(caller, action):
        raise Forbidden(f"{caller.name} ({caller.role}) may not do {action}")


def can_see_lead(caller: Caller, lead_state: HasOwner) -> bool:
    """A rep sees the leads they own, a sales manager their team's, the others all."""
    if caller.role == Role.REP:
        return caller.rep_id is not None and lead_state.owner == caller.rep_id
    if caller.role == Role.SALES_MANAGER:
        return caller.team is not None and lead_state.team == caller.team
    return True


def permission_table() -> str:
    """The role × action table as Markdown (the README holds exactly this)."""
    roles = list(Role)
    lines = [
        "| action | " + " | ".join(r.value for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for action, allowed in PERMISSIONS.items():
        cells = ("yes" if r in allowed else "—" for r in roles)
        lines.append(f"| `{action.value}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)
