"""One demo user per role, bound to a real demo rep and team, with known passwords.

The rep user works the leads of the busiest rep, the sales manager that rep's team. Running
the demo again on the same ledger gives the users new tokens and the same passwords.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel

from revalign.auth.roles import Role
from revalign.auth.users import UserStore
from revalign.core.state import FunnelState
from revalign.errors import Conflict


class DemoUser(BaseModel):
    user: str
    role: str
    rep_id: str | None
    team: str | None
    password: str
    token: str


def demo_password(role: Role) -> str:
    return f"demo-{role.value}"


def _busiest(state: FunnelState) -> tuple[str | None, str | None]:
    owners = Counter((lead.owner, lead.team) for lead in state.leads.values() if lead.owner)
    if not owners:
        return None, None
    (rep, team), _ = owners.most_common(1)[0]
    return rep, team


def create_demo_users(store: UserStore, state: FunnelState) -> list[DemoUser]:
    """Add (or refresh) the users `admin`, `revops`, `marketing`, `sales_manager`, `rep`,
    `viewer`; returns their tokens and passwords to print."""
    rep, team = _busiest(state)
    out: list[DemoUser] = []
    for role in Role:
        rep_id = (rep or "rep-1") if role == Role.REP else None
        team_id = (team or "team-1") if role == Role.SALES_MANAGER else None
        password = demo_password(role)
        try:
            user, token = store.add(role.value, role, rep_id=rep_id, team=team_id,
                                    password=password)  # fmt: skip
        except Conflict:
            user, token = store.rotate(role.value)
            store.set_password(role.value, password)
        out.append(DemoUser(user=user.name, role=role.value, rep_id=user.rep_id,
                            team=user.team, password=password, token=token))  # fmt: skip
    return out
