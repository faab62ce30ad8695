"""Field ownership from the contract (`sync.ownership`): whose value wins a field.

    policy = Ownership(contract.contract.sync)
    policy.owner("lead", "title")                 # "last_writer_wins" unless named
    policy.inbound("lead", "owner", "salesforce") # may a pulled change be taken?

A field owned by revalign is never taken from outside (a foreign edit is a conflict, and
revalign's value is pushed again); a field owned by one system is taken only from it; any
other field: the newest change wins, judged by the foreign record's modification time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from revalign.contract.schema import Sync

LWW = "last_writer_wins"
REVALIGN = "revalign"
Verdict = Literal["take", "conflict", "ignore"]


@dataclass(frozen=True, slots=True)
class Ownership:
    sync: Sync

    def owner(self, obj: str, name: str) -> str:
        table: dict[str, str] = dict(getattr(self.sync.ownership, obj, {}) or {})
        return table.get(name, LWW)

    def inbound(
        self,
        obj: str,
        name: str,
        system: str,
        changed_at: datetime,
        synced_at: datetime | None,
    ) -> Verdict:
        """What to do with a foreign change of `name` made at `changed_at`.

        `synced_at`: when the field was last pushed to or seen in that system (None: never).
        """
        owner = self.owner(obj, name)
        if owner == system:
            return "take"
        if owner == REVALIGN:
            return "conflict"
        if owner != LWW:
            return "ignore"  # another system's field: its own sync brings it
        return "take" if synced_at is None or changed_at >= synced_at else "conflict"

    def pushes(self, obj: str, name: str, system: str) -> bool:
        """Does revalign write `name` to `system` (revalign's fields, or newest-wins ones)?"""
        return self.owner(obj, name) in (REVALIGN, LWW)

    def user_of(self, system: str, rep: str) -> str | None:
        found = dict(self.sync.users).get(system, {}).get(rep)  # type: ignore[call-overload]
        return None if found is None else str(found)

    def rep_of(self, system: str, user: str) -> str | None:
        mapping: dict[str, str] = dict(self.sync.users).get(system, {})  # type: ignore[call-overload]
        for rep, foreign in mapping.items():
            if str(foreign) == str(user):
                return str(rep)
        return None
