"""Who is asking: the caller of a page, and the users who can log in.

The dashboard needs only `authenticate_password(name, password) -> Caller`; the API's user
store provides it (`revalign.auth`). `ContractUsers` is the stand-in used when no user store
is given: every person of the contract's teams with their contract role, plus `admin`,
`revops` and `viewer`, all with one password (tests and a local demo only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from revalign.contract.schema import Contract
from revalign.errors import UserError

Role = Literal["admin", "revops", "marketing", "sales_manager", "rep", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "revops", "marketing", "sales_manager", "rep", "viewer")
_CONTRACT_ROLE: dict[str, Role] = {
    "rep": "rep",
    "sales_manager": "sales_manager",
    "sales_ops": "revops",
    "marketing_ops": "marketing",
}


class LoginFailed(UserError):
    """Unknown user or wrong password (one message for both: no user enumeration)."""


@dataclass(frozen=True)
class Caller:
    name: str
    role: Role
    team: str | None = None


class Users(Protocol):
    def authenticate_password(self, name: str, password: str) -> Caller: ...


class ContractUsers:
    """The contract's people as users, all with `password` (never for production)."""

    def __init__(self, contract: Contract, password: str) -> None:
        self._password = password
        self._callers: dict[str, Caller] = {
            n: Caller(n, r) for n, r in (("admin", "admin"), ("revops", "revops"),
                                          ("viewer", "viewer"))
        }  # fmt: skip
        for team in contract.teams:
            for rep in team.reps:
                role = "marketing" if team.side == "marketing" else _CONTRACT_ROLE[rep.role]
                self._callers[rep.id] = Caller(rep.id, role, team.id)

    def authenticate_password(self, name: str, password: str) -> Caller:
        caller = self._callers.get(name)
        if caller is None or password != self._password:
            raise LoginFailed("unknown user or wrong password")
        return caller

    def logins(self) -> dict[Role, str]:
        """One user name per role."""
        out: dict[Role, str] = {}
        for caller in self._callers.values():
            out.setdefault(caller.role, caller.name)
        return out
