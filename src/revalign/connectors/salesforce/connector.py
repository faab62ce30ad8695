"""The Salesforce connector: SOQL on SystemModstamp with an Id tie-break, composite writes.

    SELECT ... FROM Lead WHERE SystemModstamp > t OR (SystemModstamp = t AND Id > 'id')
    ORDER BY SystemModstamp, Id

Lead, Contact, Account and Opportunity are read with queryAll, so a record deleted by a
merge (IsDeleted with MasterRecordId) is seen and folded into its master.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from revalign.connectors.salesforce import records
from revalign.connectors.salesforce.client import COMPOSITE, SalesforceClient
from revalign.connectors.sync.ownership import Ownership
from revalign.connectors.sync.retry import SyncError
from revalign.connectors.sync.seam import Check, Cursor, Page, PushResult, Update, latest
from revalign.connectors.sync.snapshot import Snapshot

CUSTOM_FIELDS = ("Revalign_Stage__c", "Revalign_Score__c", "Revalign_Reason__c")


def soql(obj: str, cursor: Cursor | None) -> str:
    fields = ", ".join(records.FIELDS[obj])
    where = ""
    if cursor is not None:
        t = records.soql_time(cursor.modified_at)
        where = f" WHERE SystemModstamp > {t} OR (SystemModstamp = {t} AND Id > '{cursor.last_id}')"
    return f"SELECT {fields} FROM {obj}{where} ORDER BY SystemModstamp, Id"


class SalesforceConnector:
    system = records.SYSTEM

    def __init__(self, client: SalesforceClient, policy: Ownership) -> None:
        self.client = client
        self.retry = client.retry
        self.policy = policy

    @property
    def objects(self) -> Sequence[str]:
        return records.OBJECTS

    def pull(self, obj: str, cursor: Cursor | None) -> Iterator[Page]:
        deleted = obj in records.WITH_DELETED
        for raw in self.client.query(soql(obj, cursor), include_deleted=deleted):
            translate = records.TRANSLATE[obj]
            snaps = [s for s in (translate(r) for r in raw) if s is not None]
            # the cursor follows the raw records (a skipped to-do still moves it)
            last = max(
                raw, key=lambda r: (records.when(r.get("SystemModstamp")), r["Id"]), default=None
            )
            at = records.when(last.get("SystemModstamp")) if last else None
            yield Page(snaps, Cursor(at, last["Id"]) if last and at else latest(snaps) or cursor)

    def fetch(self, obj: str) -> Iterator[Snapshot]:
        for page in self.pull(obj, None):
            yield from page.records

    def lead_object(self, refs: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
        """A converted lead is written on its Contact (the Lead is read-only once converted)."""
        contacts = [r for r in refs if r[0] == "Contact"]
        leads = [r for r in refs if r[0] == "Lead"]
        found = contacts or leads
        return found[-1] if found else None

    def push(self, updates: Sequence[Update]) -> list[PushResult]:
        user = lambda rep: self.policy.user_of(self.system, rep)  # noqa: E731
        out: list[PushResult] = []
        for start in range(0, len(updates), COMPOSITE):
            chunk = updates[start : start + COMPOSITE]
            bodies = [records.sobject_fields(u.object, u.fields, user) for u in chunk]
            if len(chunk) == 1:
                out.append(self._one(chunk[0], bodies[0]))
                continue
            payload = [
                {"attributes": {"type": u.object}, "id": u.id, **b}
                for u, b in zip(chunk, bodies, strict=True)
            ]
            results = self.client.update(payload)
            for u, body, r in zip(chunk, bodies, results, strict=False):
                error = None if r.get("success") else _error(r.get("errors") or [])
                out.append(PushResult(u, error is None, error, body))
        return out

    def _one(self, update: Update, body: dict[str, Any]) -> PushResult:
        try:
            self.client.patch(update.object, update.id, body)
        except SyncError as exc:
            return PushResult(update, False, str(exc), body)
        return PushResult(update, True, None, body)

    def check(self) -> list[Check]:
        out: list[Check] = []
        for obj in ("Lead", "Contact", "Account", "Opportunity", "Task", "Event", "CampaignMember"):
            try:
                described = self.client.describe(obj)
            except SyncError as exc:
                out.append(Check(f"read {obj}", False, str(exc)))
                continue
            names = {f.get("name") for f in described.get("fields", [])}
            out.append(Check(f"read {obj}", bool(described.get("queryable", True)), "queryable"))
            if obj in ("Lead", "Contact"):
                missing = [f for f in CUSTOM_FIELDS if f not in names]
                detail = "custom fields present" if not missing else f"create {', '.join(missing)}"
                out.append(
                    Check(
                        f"write {obj}",
                        not missing and bool(described.get("updateable", True)),
                        detail,
                    )
                )
        return out


def _error(errors: Sequence[dict[str, Any]]) -> str:
    return (
        "; ".join(
            f"{e.get('statusCode') or e.get('errorCode')}: {e.get('message')}" for e in errors
        )
        or "refused"
    )
