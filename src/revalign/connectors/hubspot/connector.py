"""The HubSpot connector: incremental CRM search past the 10,000 cap, batch updates.

Search pages are sorted by `hs_lastmodifieddate`; the cursor is (time, hs_object_id), and a
query is asked again from the last record seen before its `after` would pass 10,000
results: (modified > t) OR (modified = t AND hs_object_id > id), two filter groups.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from revalign.connectors.hubspot import records
from revalign.connectors.hubspot.client import BATCH, SEARCH_CAP, SEARCH_LIMIT, HubSpotClient
from revalign.connectors.sync.ownership import Ownership
from revalign.connectors.sync.retry import SyncError
from revalign.connectors.sync.seam import Check, Cursor, Page, PushResult, Update, latest
from revalign.connectors.sync.snapshot import Snapshot

OBJECTS = (
    "companies",
    "contacts",
    "deals",
    *records.ENGAGEMENTS,
    "form_submissions",
    "email_events",
)
_PROPS: dict[str, Sequence[str]] = {
    "contacts": (
        *records.CONTACT_PROPS,
        "hs_merged_object_ids",
        "associatedcompanyid",
        "lifecyclestage",
        "hs_lead_status",
    ),
    "companies": tuple(records.COMPANY_PROPS),
    "deals": records.DEAL_PROPS,
    **{k: records.ENGAGEMENT_PROPS for k in records.ENGAGEMENTS},
}


def cursor_groups(cursor: Cursor | None) -> list[dict[str, Any]]:
    """Filter groups for 'modified after the cursor' (OR of the two groups)."""
    if cursor is None:
        return []
    t = str(int(cursor.modified_at.timestamp() * 1000))
    return [
        {"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GT", "value": t}]},
        {
            "filters": [
                {"propertyName": "hs_lastmodifieddate", "operator": "EQ", "value": t},
                {"propertyName": "hs_object_id", "operator": "GT", "value": cursor.last_id},
            ]
        },
    ]


class HubSpotConnector:
    system = records.SYSTEM

    def __init__(
        self, client: HubSpotClient, policy: Ownership, *, page_size: int = SEARCH_LIMIT
    ) -> None:
        self.client = client
        self.retry = client.retry
        self.policy = policy
        self.page_size = page_size
        self.searches = 0  # search requests made (the 10,000-cap test counts restarts)

    @property
    def objects(self) -> Sequence[str]:
        return OBJECTS

    # -- pull ---------------------------------------------------------------------------

    def pull(self, obj: str, cursor: Cursor | None) -> Iterator[Page]:
        if obj == "form_submissions":
            yield from self._forms(cursor)
        elif obj == "email_events":
            yield from self._email_events(cursor)
        else:
            for raw in self._search(obj, cursor):
                snaps = self._snapshots(obj, raw)
                yield Page(snaps, latest_raw(raw) or cursor)

    def _search(self, kind: str, cursor: Cursor | None) -> Iterator[list[dict[str, Any]]]:
        """Pages of raw records after `cursor`, restarting the query before the cap."""
        after = 0
        while True:
            self.searches += 1
            page, nxt = self.client.search(
                kind, cursor_groups(cursor), _PROPS[kind], after, self.page_size
            )
            page.sort(key=lambda r: (records.modified(r["properties"]), int(r["id"])))
            if page:
                yield page
            if nxt is None or not page:
                return
            if nxt + self.page_size > SEARCH_CAP:  # ask again from the last record seen
                cursor, after = latest_raw(page), 0
            else:
                after = nxt

    def _snapshots(self, kind: str, raw: list[dict[str, Any]]) -> list[Snapshot]:
        ids = [r["id"] for r in raw]
        if kind == "contacts":
            return [records.contact(r, r["properties"].get("associatedcompanyid")) for r in raw]
        if kind == "companies":
            return [records.company(r) for r in raw]
        contacts = self.client.associations(kind, "contacts", ids)
        if kind == "deals":
            companies = self.client.associations(kind, "companies", ids)
            return [
                records.deal(r, _first(contacts, r["id"]), _first(companies, r["id"])) for r in raw
            ]
        out = [records.engagement(kind, r, _first(contacts, r["id"])) for r in raw]
        return [s for s in out if s is not None]

    def _forms(self, cursor: Cursor | None) -> Iterator[Page]:
        forms = self.client.get("/marketing/v3/forms").get("results", [])
        snaps: list[Snapshot] = []
        for form in forms:
            after: str | None = None
            while True:
                qs = {"limit": 50, **({"after": after} if after else {})}
                data = self.client.get(f"/form-integrations/v1/submissions/forms/{form['id']}", qs)
                for sub in data.get("results", []):
                    snap = records.form_submission(form, sub)
                    if snap and (cursor is None or cursor.behind(snap.modified_at, snap.id)):
                        snaps.append(snap)
                after = ((data.get("paging") or {}).get("next") or {}).get("after")
                if not after:
                    break
        snaps.sort(key=lambda s: (s.modified_at, s.id))
        yield Page(snaps, latest(snaps) or cursor)

    def _email_events(self, cursor: Cursor | None) -> Iterator[Page]:
        start = int(cursor.modified_at.timestamp() * 1000) if cursor else 0
        offset: str | None = None
        while True:
            qs: dict[str, Any] = {"startTimestamp": start, "limit": 1000}
            if offset:
                qs["offset"] = offset
            data = self.client.get("/email/public/v1/events", qs)
            snaps = [s for s in map(records.email_event, data.get("events", [])) if s is not None]
            snaps = [s for s in snaps if cursor is None or cursor.behind(s.modified_at, s.id)]
            snaps.sort(key=lambda s: (s.modified_at, s.id))
            yield Page(snaps, latest(snaps) or cursor)
            cursor = latest(snaps) or cursor
            if not data.get("hasMore"):
                return
            offset = str(data.get("offset"))

    def fetch(self, obj: str) -> Iterator[Snapshot]:
        for page in self.pull(obj, None):
            yield from page.records

    # -- push ---------------------------------------------------------------------------

    def lead_object(self, refs: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
        contacts = [r for r in refs if r[0] == "contacts"]
        return contacts[-1] if contacts else None

    def push(self, updates: Sequence[Update]) -> list[PushResult]:
        out: list[PushResult] = []
        user = lambda rep: self.policy.user_of(self.system, str(rep))  # noqa: E731
        for start in range(0, len(updates), BATCH):
            chunk = updates[start : start + BATCH]
            props = {u.id: records.contact_properties(u.fields, user) for u in chunk}
            # HubSpot refuses a lifecyclestage that moves backwards: clear it, then set it
            back = [
                u.id
                for u in chunk
                if "stage" in u.fields
                and records.backwards(
                    records.STAGES.get(str(u.previous.get("stage")), ("", ""))[0],
                    props[u.id].get("lifecyclestage"),
                )
            ]
            if back:
                self.client.batch_update("contacts", [(i, {"lifecyclestage": ""}) for i in back])
            failed = self.client.batch_update(
                "contacts", [(u.id, props[u.id]) for u in chunk if props[u.id]]
            )
            out.extend(
                PushResult(u, u.id not in failed, failed.get(u.id), props[u.id]) for u in chunk
            )
        return out

    # -- connect --check ----------------------------------------------------------------

    def check(self) -> list[Check]:
        out: list[Check] = []
        try:
            info = self.client.get("/account-info/v3/details")
            out.append(Check("token", True, f"portal {info.get('portalId')}"))
        except SyncError as exc:
            return [Check("token", False, str(exc))]
        for kind in ("contacts", "companies", "deals"):
            try:
                self.client.search(kind, [], ["hs_object_id"], 0, 1)
                out.append(Check(f"read {kind}", True, f"crm.objects.{kind}.read"))
            except SyncError as exc:
                out.append(
                    Check(f"read {kind}", False, f"missing scope crm.objects.{kind}.read: {exc}")
                )
        return out


def _first(mapping: dict[str, list[str]], key: str) -> str | None:
    found = mapping.get(key) or []
    return found[0] if found else None


def latest_raw(raw: list[dict[str, Any]]) -> Cursor | None:
    if not raw:
        return None
    last = max(raw, key=lambda r: (records.modified(r["properties"]), int(r["id"])))
    return Cursor(records.modified(last["properties"]), last["id"])
