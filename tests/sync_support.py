"""Shared set-up of the sync tests: a contract with a user map, an engine, a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

from revalign.connectors.sync.retry import Retry
from revalign.contract.loader import default_contract
from revalign.contract.schema import Sync, VersionedContract

NOW = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
HS_USERS = {"budi": "101", "putri": "102", "sophie": "103", "oliver": "104", "maya": "105"}
SF_USERS = {
    "budi": "005000000000001AAA",
    "putri": "005000000000002AAA",
    "sophie": "005000000000003AAA",
    "maya": "005000000000004AAA",
}


def sync_contract() -> VersionedContract:
    base = default_contract()
    users = {"hubspot": HS_USERS, "salesforce": SF_USERS}
    sync = Sync.model_validate({"users": users})
    contract = base.contract.model_copy(update={"sync": sync})
    return VersionedContract(contract=contract)


class Sleeps:
    """A sleeper that records instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)

    def retry(self) -> Retry:
        return Retry(sleeper=self)
