"""Snapshots -> revalign source events, through the identity map and the ownership policy.

One translator per sync pass and system. For each foreign record it finds (or makes) the
revalign lead / account / opportunity, emits the facts that changed since the last known
value of each field, and tells apart three kinds of difference:

- an echo: the foreign value is what revalign pushed (or saw) last -> nothing (no loops);
- a change revalign may take (the system owns the field, or it is the newest write) -> event;
- a change of a field revalign owns -> a `sync.conflict` event; the outbox pushes ours again.

Links are handed to the runner before the events are submitted and values after, so a crash
between the two replays the same page into the same ids.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from revalign.connectors import rows
from revalign.connectors.base import Context, event
from revalign.connectors.identity import domain_of, lead_id_for
from revalign.connectors.sync.keys import lead_fields_of, stamp, synthetic_id
from revalign.connectors.sync.ownership import Ownership
from revalign.connectors.sync.snapshot import Ref, Snapshot
from revalign.connectors.sync.store import Known, Link, SyncStore, Value, same
from revalign.contract.fields import LEAD_FIELDS
from revalign.core.events import Event, EventType
from revalign.core.state import FunnelState

PERSON_FIELDS = LEAD_FIELDS  # the lead's own fields: a person in either system
REVALIGN_LEAD_FIELDS = ("owner", "stage", "score", "reason")


@dataclass
class Batch:
    """What one page produced, beside its events."""

    links: list[Link] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    ignored: int = 0  # fields or records the ownership policy leaves to another system
    conflicts: int = 0


class SyncTranslator:
    def __init__(
        self,
        ctx: Context,
        store: SyncStore,
        policy: Ownership,
        state: Callable[[], FunnelState],
    ) -> None:
        self.ctx, self.store, self.policy, self._read_state = ctx, store, policy, state
        self._cached: FunnelState | None = None
        from revalign.connectors.sync.translate_deals import DealTranslator

        self.deals = DealTranslator(self)
        self.system = store.system
        self.batch = Batch()
        self._ids: dict[Ref, tuple[str, str] | None] = {}  # links made this page, before they land
        self._known: dict[Ref, dict[str, Known]] = {}
        self.pending_leads: dict[str, dict[str, Any]] = {}  # leads captured / changed this page
        self.pending_opps: dict[
            str, str
        ] = {}  # opportunity -> stage this page ("closed" at the end)

    # -- page bookkeeping ---------------------------------------------------------------

    def take(self) -> Batch:
        out, self.batch = self.batch, Batch()
        return out

    def state(self) -> FunnelState:
        # read once per page: asking the engine checks the ledger's checkpoint every time
        if self._cached is None:
            self._cached = self._read_state()
        return self._cached

    def prefetch(self, snaps: Sequence[Snapshot]) -> None:
        """Load the identities and known values of a page's records in two queries."""
        refs = {s.ref for s in snaps}
        for s in snaps:
            refs.update(s.links.values())
            refs.update(s.merged)
        self._ids.update(self.store.identities_of(refs))
        known = self.store.known_of(refs)
        for ref in {s.ref for s in snaps}:
            self._known.setdefault(ref, known.get(ref, {}))

    def submitted(self) -> None:
        """The page's events are in the ledger: the state answers from now on."""
        self._cached = None
        self._ids.clear()
        self.pending_leads.clear()
        self.pending_opps.clear()
        self._known.clear()

    def rep(self, user: Any) -> str | None:
        return self.policy.rep_of(self.system, str(user)) if user else None

    def translate(self, snap: Snapshot) -> list[Event]:
        deals = self.deals
        handler = {
            "lead": self._lead,
            "account": self._account,
            "opportunity": deals.opportunity,
            "touch": deals.touch,
            "marketing": deals.marketing,
            "stage": deals.stage_history,
        }[snap.kind]
        return handler(snap)

    # -- identity -----------------------------------------------------------------------

    def resolve(self, ref: Ref) -> tuple[str, str] | None:
        found = self._ids.get(ref) if ref in self._ids else self.store.identity(*ref)
        if found is None:
            return None
        kind, rid = found
        if kind == "lead":
            merges = self.state().merges
            seen: set[str] = set()
            while rid in merges and rid not in seen:  # a lead merged away: its survivor
                seen.add(rid)
                rid = merges[rid].into
        return kind, rid

    def link(self, ref: Ref, kind: str, rid: str, note: str) -> None:
        if self._ids.get(ref) == (kind, rid):
            return
        if ref not in self._ids and self.store.identity(*ref) == (kind, rid):
            self._ids[ref] = (kind, rid)
            return
        self._ids[ref] = (kind, rid)
        self.batch.links.append(Link(self.system, ref[0], ref[1], kind, rid, note))

    def _lead_id(self, snap: Snapshot) -> str:
        found = self.resolve(snap.ref)
        if found is not None:
            return found[1]
        address = snap.fields.get("email")
        if not (isinstance(address, str) and "@" in address):
            raise rows.RowError(f"{snap.object} {snap.id} has no e-mail: a lead needs one")
        # the same person a file or the other system brought in (keyed on e-mail once;
        # from then on on the foreign id, so an e-mail change keeps the lead)
        rid = lead_id_for(rows.email(address))
        self.link(snap.ref, "lead", rid, "email")
        return rid

    def account_id(self, ref: Ref | None, domain: str | None) -> str | None:
        if ref is not None:
            found = self.resolve(ref)
            if found is not None:
                return found[1]
        return self.ctx.account_for_domain(domain) if domain else None

    def lead_of(self, ref: Ref | None) -> str | None:
        if ref is not None and ref[0] == "email":  # forms and e-mail events name only that
            lead_id = lead_id_for(rows.email(ref[1]))
            return (
                lead_id if lead_id in self.state().leads or lead_id in self.pending_leads else None
            )
        found = self.resolve(ref) if ref is not None else None
        return found[1] if found is not None and found[0] == "lead" else None

    # -- known values -------------------------------------------------------------------

    def known_of(self, ref: Ref) -> dict[str, Known]:
        if ref not in self._known:
            self._known[ref] = self.store.known(*ref)
        return self._known[ref]

    def seen(self, snap: Snapshot, name: str, value: Any) -> None:
        self.known_of(snap.ref)[name] = Known(value, snap.modified_at, "pulled")
        self.batch.values.append(
            Value(self.system, snap.object, snap.id, name, value, snap.modified_at, "pulled")
        )

    def changed(self, snap: Snapshot, name: str, value: Any) -> tuple[bool, Known | None]:
        """(is `value` new there, the previous Known): not new when it is the last known value
        (an echo of our push, or a change already taken); previous None: never synced."""
        before = self.known_of(snap.ref).get(name)
        return not (before is not None and same(before.value, value)), before

    def _conflict(
        self, snap: Snapshot, lead_id: str | None, name: str, ours: Any, theirs: Any, took: bool
    ) -> Event:
        self.batch.conflicts += 1
        owner = self.policy.owner(_policy_object(snap.kind), name)
        return event(
            self.ctx,
            EventType.SYNC_CONFLICT,
            f"conflict/{snap.object}/{snap.id}/{name}/{stamp(snap.modified_at)}",
            snap.modified_at,
            {
                "system": self.system,
                "object": snap.object,
                "foreign_id": snap.id,
                "field": name,
                "ours": ours,
                "theirs": theirs,
                "owner": owner,
                "resolution": "took_theirs" if took else "kept_ours",
            },
            lead_id=lead_id,
        )

    # -- leads --------------------------------------------------------------------------

    def _lead(self, snap: Snapshot) -> list[Event]:
        if snap.deleted:
            return self._merged_away(snap)
        lead_id = self._lead_id(snap)
        out = self._merges(snap, lead_id)
        self._conversion(snap, lead_id)
        state = self.state()
        known_lead = self.pending_leads.get(lead_id) or lead_fields_of(state, lead_id)
        account_id = self.account_id(snap.links.get("account"), _domain(snap.fields))
        person = {k: v for k, v in snap.fields.items() if k in PERSON_FIELDS and v is not None}
        if known_lead is None:
            if "email" in person:
                person["email"] = rows.email(str(person["email"]))
            out.append(
                event(
                    self.ctx,
                    EventType.LEAD_CAPTURED,
                    f"{snap.object}/{snap.id}/captured",
                    snap.modified_at,
                    person,
                    lead_id=lead_id,
                    account_id=account_id,
                )
            )
            self.pending_leads[lead_id] = {**person, "account_id": account_id}
            for name, value in person.items():
                self.seen(snap, name, value)
        else:
            out.extend(self._lead_changes(snap, lead_id, known_lead, person, account_id))
        out.extend(self._revalign_fields(snap, lead_id, state))
        return out

    def _lead_changes(
        self,
        snap: Snapshot,
        lead_id: str,
        known_lead: Mapping[str, Any],
        person: Mapping[str, Any],
        account_id: str | None,
    ) -> list[Event]:
        changes: dict[str, Any] = {}
        out: list[Event] = []
        for name, value in person.items():
            new, before = self.changed(snap, name, value)
            if not new:
                continue
            self.seen(snap, name, value)
            ours = known_lead.get(name)
            if same(ours, value):
                continue  # both sides agree already
            synced = before.at if before is not None else None
            verdict = self.policy.inbound("lead", name, self.system, snap.modified_at, synced)
            if verdict == "take":
                changes[name] = rows.email(str(value)) if name == "email" else value
            elif verdict == "conflict":
                out.append(self._conflict(snap, lead_id, name, ours, value, took=False))
            else:
                self.batch.ignored += 1
        if not changes:
            return out
        self.pending_leads[lead_id] = {**known_lead, **changes}
        out.insert(
            0,
            event(
                self.ctx,
                EventType.LEAD_UPDATED,
                f"{snap.object}/{snap.id}/{stamp(snap.modified_at)}",
                snap.modified_at,
                {"changes": changes},
                lead_id=lead_id,
                account_id=account_id or known_lead.get("account_id"),
            ),
        )
        return out

    def _revalign_fields(self, snap: Snapshot, lead_id: str, state: FunnelState) -> list[Event]:
        """owner / stage / score / reason as the system shows them: echo, conflict or take."""
        out: list[Event] = []
        lead = state.leads.get(lead_id)
        for name in REVALIGN_LEAD_FIELDS:
            if name not in snap.fields:
                continue
            value = snap.fields[name]
            if name == "owner" and value:  # a foreign user: the rep it is, when mapped
                value = self.rep(value) or f"{self.system}:{value}"
            new, before = self.changed(snap, name, value)
            if not new:
                continue
            self.seen(snap, name, value)
            if before is None:
                continue  # the first sight of the field: nothing revalign pushed to differ from
            ours = getattr(lead, name, None) if lead is not None else before.value
            if same(ours, value):
                continue
            verdict = self.policy.inbound("lead", name, self.system, snap.modified_at, before.at)
            if verdict == "take" and name == "owner" and lead is not None:
                rep = str(value) if value and ":" not in str(value) else None
                if rep is not None:
                    out.append(
                        event(
                            self.ctx,
                            EventType.LEAD_ASSIGNED,
                            f"{snap.object}/{snap.id}/owner/{stamp(snap.modified_at)}",
                            snap.modified_at,
                            {
                                "owner": rep,
                                "method": "manual",
                                "rule": self.system,
                                "reason": f"owner changed in {self.system}",
                            },
                            lead_id=lead_id,
                            account_id=lead.account_id,
                        )
                    )
                    continue
            if verdict == "ignore":
                self.batch.ignored += 1
                continue
            out.append(self._conflict(snap, lead_id, name, ours, value, took=False))
        return out

    def _merges(self, snap: Snapshot, lead_id: str) -> list[Event]:
        """Duplicates the system merged into this record become `lead.merged` facts."""
        out: list[Event] = []
        for ref in snap.merged:
            other = self.lead_of(ref)
            self.link(ref, "lead", lead_id, "merged")
            if other is None or other == lead_id:
                continue
            out.append(self._merge_event(snap, other, lead_id))
        return out

    def _merged_away(self, snap: Snapshot) -> list[Event]:
        """A record deleted by a merge (Salesforce MasterRecordId): fold it into the master."""
        master = snap.links.get("master")
        dup = self.lead_of(snap.ref)
        into = self.lead_of(master) if master is not None else None
        if master is None or dup is None:
            return []
        if into is None:
            raise rows.RowError(f"merged into {master[0]} {master[1]}, which is not synced yet")
        self.link(snap.ref, "lead", into, "merged")
        return [] if dup == into else [self._merge_event(snap, dup, into)]

    def _merge_event(self, snap: Snapshot, dup: str, into: str) -> Event:
        return event(
            self.ctx,
            EventType.LEAD_MERGED,
            f"{snap.object}/{snap.id}/merge/{dup}",
            snap.modified_at,
            {"into": into, "reason": f"merged_in_{self.system}", "by": self.system},
            lead_id=dup,
        )

    def _conversion(self, snap: Snapshot, lead_id: str) -> None:
        """A converted Salesforce lead: its Contact is the same person, its Account the same
        company and its Opportunity the same deal (keyed here before they are pulled)."""
        contact = snap.links.get("converted_contact")
        if contact is not None:
            self.link(contact, "lead", lead_id, "converted")
        account = snap.links.get("converted_account")
        if account is not None and self.resolve(account) is None:
            aid = self.ctx.account_for_domain(_domain(snap.fields))
            self.link(
                account, "account", aid or synthetic_id("A", self.system, account), "converted"
            )
        opp = snap.links.get("converted_opportunity")
        if opp is not None:
            if self.resolve(opp) is None:
                self.link(opp, "opportunity", synthetic_id("O", self.system, opp), "converted")
            self.link((f"{opp[0]}:lead", opp[1]), "lead", lead_id, "converted")

    # -- accounts, opportunities --------------------------------------------------------

    def _account(self, snap: Snapshot) -> list[Event]:
        """Accounts are known through their people and deals: only the identity is kept."""
        if self.resolve(snap.ref) is None:
            aid = self.ctx.account_for_domain(_domain(snap.fields))
            self.link(
                snap.ref, "account", aid or synthetic_id("A", self.system, snap.ref), "created"
            )
        return []


def _policy_object(kind: str) -> str:
    return kind if kind in ("lead", "account", "opportunity") else "lead"


def _domain(fields: Mapping[str, Any]) -> str | None:
    domain = fields.get("domain")
    if isinstance(domain, str) and domain:
        return domain.lower()
    address = fields.get("email")
    return domain_of(address) if isinstance(address, str) and "@" in address else None
