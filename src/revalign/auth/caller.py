"""The caller every verb receives: who, in which role, and where the call came from."""

from __future__ import annotations

from dataclasses import dataclass, replace

from revalign.auth.roles import Role


@dataclass(frozen=True)
class Caller:
    """An authenticated user (or the local admin). `rep_id` binds a rep to their leads,
    `team` a sales manager to their team's; the last three fields feed the audit trail."""

    user_id: str
    name: str
    role: Role
    rep_id: str | None = None
    team: str | None = None
    token_id: str | None = None
    request_id: str | None = None
    client: str | None = None

    def at(self, *, request_id: str | None = None, client: str | None = None) -> Caller:
        """The same caller for one request (its id and client address)."""
        return replace(self, request_id=request_id, client=client)


# Whoever runs the CLI on the machine that holds the ledger already owns the data.
LOCAL_ADMIN = Caller(user_id="local", name="local-admin", role=Role.ADMIN, client="cli")
