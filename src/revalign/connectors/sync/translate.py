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
from datetime import UTC, datetime
from typing import Any

from revalign.connectors import rows
from revalign.connectors.base import Context, event
from revalign.connectors.identity import _hex, domain_of, lead_id_for
from revalign.connectors.sync.ownership import Ownership
from revalign.connectors.sync.snapshot import Ref, Snapshot
from revalign.connectors.sync.store import Known, Link, SyncStore, Value, same
from revalign.core.events import Event, EventType
from revalign.core.lifecycle import TRANSITIONS
from revalign.core.qualification import OPPORTUNITY_FIELDS, missing_fields
from revalign.core.state import FunnelState, Stage

PERSON_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "title",
    "company",
    "domain",
    "employees",
    "industry",
    "country",
    "source",
    "campaign",
)
REVALIGN_LEAD_FIELDS = ("owner", "stage", "score", "reason")
OPP_FIELDS = ("name", "amount", "close_date", "stage", "owner")
ENGAGEMENT = frozenset({"email_open", "email_click", "unsubscribe"})


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="seconds")


def synthetic_id(prefix: str, system: str, ref: Ref) -> str:
    """A stable revalign id for a foreign record with nothing better to key it on."""
    return f"{prefix}-{_hex(f'{system}/{ref[0]}/{ref[1]}', 12)}"


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
        self.system = store.system
        self.batch = Batch()
        self._ids: dict[Ref, tuple[str, str] | None] = {}  # links made this page, before they land
        self._known: dict[Ref, dict[str, Known]] = {}
        self._leads: dict[str, dict[str, Any]] = {}  # leads captured / changed this page
        self._opps: dict[str, str] = {}  # opportunity -> stage this page ("closed" at the end)

    # -- page bookkeeping ---------------------------------------------------------------

    def take(self) -> Batch:
        out, self.batch = self.batch, Batch()
        return out

    def _state(self) -> FunnelState:
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
        self._leads.clear()
        self._opps.clear()
        self._known.clear()

    def translate(self, snap: Snapshot) -> list[Event]:
        handler = {
            "lead": self._lead,
            "account": self._account,
            "opportunity": self._opportunity,
            "touch": self._touch,
            "marketing": self._marketing,
            "stage": self._stage_history,
        }[snap.kind]
        return handler(snap)

    # -- identity -----------------------------------------------------------------------

    def resolve(self, ref: Ref) -> tuple[str, str] | None:
        found = self._ids.get(ref) if ref in self._ids else self.store.identity(*ref)
        if found is None:
            return None
        kind, rid = found
        if kind == "lead":
            merges = self._state().merges
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

    def _account_id(self, ref: Ref | None, domain: str | None) -> str | None:
        if ref is not None:
            found = self.resolve(ref)
            if found is not None:
                return found[1]
        return self.ctx.account_for_domain(domain) if domain else None

    def _lead_of(self, ref: Ref | None) -> str | None:
        if ref is not None and ref[0] == "email":  # forms and e-mail events name only that
            lead_id = lead_id_for(rows.email(ref[1]))
            return lead_id if lead_id in self._state().leads or lead_id in self._leads else None
        found = self.resolve(ref) if ref is not None else None
        return found[1] if found is not None and found[0] == "lead" else None

    # -- known values -------------------------------------------------------------------

    def _known_of(self, ref: Ref) -> dict[str, Known]:
        if ref not in self._known:
            self._known[ref] = self.store.known(*ref)
        return self._known[ref]

    def _seen(self, snap: Snapshot, name: str, value: Any) -> None:
        self._known_of(snap.ref)[name] = Known(value, snap.modified_at, "pulled")
        self.batch.values.append(
            Value(self.system, snap.object, snap.id, name, value, snap.modified_at, "pulled")
        )

    def _changed(self, snap: Snapshot, name: str, value: Any) -> tuple[bool, Known | None]:
        """(is `value` new there, the previous Known): not new when it is the last known value
        (an echo of our push, or a change already taken); previous None: never synced."""
        before = self._known_of(snap.ref).get(name)
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
        state = self._state()
        known_lead = self._leads.get(lead_id) or _lead_fields(state, lead_id)
        account_id = self._account_id(snap.links.get("account"), _domain(snap.fields))
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
            self._leads[lead_id] = {**person, "account_id": account_id}
            for name, value in person.items():
                self._seen(snap, name, value)
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
            new, before = self._changed(snap, name, value)
            if not new:
                continue
            self._seen(snap, name, value)
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
        self._leads[lead_id] = {**known_lead, **changes}
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
                value = self._rep(value) or f"{self.system}:{value}"
            new, before = self._changed(snap, name, value)
            if not new:
                continue
            self._seen(snap, name, value)
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
            other = self._lead_of(ref)
            self.link(ref, "lead", lead_id, "merged")
            if other is None or other == lead_id:
                continue
            out.append(self._merge_event(snap, other, lead_id))
        return out

    def _merged_away(self, snap: Snapshot) -> list[Event]:
        """A record deleted by a merge (Salesforce MasterRecordId): fold it into the master."""
        master = snap.links.get("master")
        dup = self._lead_of(snap.ref)
        into = self._lead_of(master) if master is not None else None
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

    def _opportunity(self, snap: Snapshot) -> list[Event]:
        found = self.resolve(snap.ref)
        opp_id = found[1] if found else synthetic_id("O", self.system, snap.ref)
        if found is None:
            self.link(snap.ref, "opportunity", opp_id, "created")
        f = snap.fields
        state = self._state()
        stage = self._opps.get(opp_id) or _opp_stage(state, opp_id)
        allowed = {k for k in OPP_FIELDS if self._takes("opportunity", k, snap)}
        at, key = snap.modified_at, f"{snap.object}/{snap.id}"
        out: list[Event] = []
        if stage is None:
            lead_id = self._lead_of(snap.links.get("lead")) or self._lead_of(
                (f"{snap.object}:lead", snap.id)
            )
            open_stage = f.get("stage") or "discovery"
            payload = {
                "name": f.get("name"),
                "amount": f.get("amount") or "0",
                "currency": f.get("currency") or self.ctx.contract.contract.currency,
                "expected_close": f.get("close_date"),
                "stage": open_stage or "discovery",
                "owner": self._rep(f.get("owner")),
            }
            lead_id = self._deal_lead(lead_id, f, payload, at)
            out.append(
                event(
                    self.ctx,
                    EventType.OPPORTUNITY_CREATED,
                    f"{key}/created",
                    at,
                    {k: v for k, v in payload.items() if v is not None},
                    lead_id=lead_id,
                    account_id=self._account_id(snap.links.get("account"), None),
                    opportunity_id=opp_id,
                )
            )
            stage = open_stage or "discovery"
        if stage == "closed":
            self._remember(snap, f)
            return out
        if f.get("is_closed") and "stage" in allowed:
            kind = EventType.OPPORTUNITY_WON if f.get("is_won") else EventType.OPPORTUNITY_LOST
            payload = {
                "amount": f.get("amount") or "0",
                "currency": f.get("currency") or self.ctx.contract.contract.currency,
            }
            if kind is EventType.OPPORTUNITY_LOST:
                reasons = self.ctx.contract.contract.qualification.lost_reasons
                given = str(f.get("lost_reason") or "").strip().lower().replace(" ", "_")
                payload["reason"] = given if given in reasons else "not_recorded"
            out.append(event(self.ctx, kind, f"{key}/closed", at, payload, opportunity_id=opp_id))
            self._opps[opp_id] = "closed"
        elif self._moved(snap, f, stage, allowed):
            payload = {"stage": f.get("stage") if "stage" in allowed else stage}
            for name, alias in (("amount", "amount"), ("close_date", "expected_close")):
                if name in allowed and f.get(name) is not None:
                    payload[alias] = f[name]
            out.append(
                event(
                    self.ctx,
                    EventType.OPPORTUNITY_STAGE_CHANGED,
                    f"{key}/{stamp(at)}",
                    at,
                    payload,
                    opportunity_id=opp_id,
                )
            )
            self._opps[opp_id] = str(payload["stage"])
        self._remember(snap, f)
        return out

    def _deal_lead(
        self, lead_id: str | None, f: Mapping[str, Any], payload: dict[str, Any], at: datetime
    ) -> str | None:
        """The lead a new deal belongs to, with the funnel's opportunity fields filled from
        the CRM (next step -> decision process, close date -> decision date, the person as
        stakeholder); None when the person's funnel cannot take it (not at SQL, or a field
        the CRM does not have): the deal is then the account's, the person kept aside."""
        lead = self._state().leads.get(lead_id) if lead_id else None
        if lead is None or lead_id is None:
            return None
        fills = {
            "decision_process": f.get("next_step"),
            "decision_date": f.get("close_date"),
            "stakeholders": [lead.email] if lead.email else [],
        }
        missing = missing_fields(OPPORTUNITY_FIELDS, fills)
        why = f"missing {', '.join(missing)}" if missing else None
        if Stage.OPPORTUNITY not in TRANSITIONS[lead.stage]:
            why = f"the lead is {lead.stage}"
        elif fills["decision_date"] and str(fills["decision_date"]) < at.date().isoformat():
            why = "the decision date had passed when the deal was created"
        if why is not None:
            payload["attributes"] = {"person": lead_id, "not_in_funnel": why}
            return None
        payload.update(fills)
        return lead_id

    def _takes(self, obj: str, name: str, snap: Snapshot) -> bool:
        owner = self.policy.owner(obj, name)
        if owner not in (self.system, "last_writer_wins"):
            self.batch.ignored += name in snap.fields
            return False
        return True

    def _moved(self, snap: Snapshot, f: Mapping[str, Any], stage: str, allowed: set[str]) -> bool:
        if "stage" in allowed and f.get("stage") and f.get("stage") != stage:
            return True
        known = self._known_of(snap.ref)
        return any(
            name in allowed
            and f.get(name) is not None
            and name in known
            and not same(known[name].value, f[name])
            for name in ("amount", "close_date")
        )

    def _remember(self, snap: Snapshot, f: Mapping[str, Any]) -> None:
        for name in ("amount", "close_date", "stage"):
            if f.get(name) is not None and self._changed(snap, name, f[name])[0]:
                self._seen(snap, name, f[name])

    def _rep(self, user: Any) -> str | None:
        return self.policy.rep_of(self.system, str(user)) if user else None

    # -- touches ------------------------------------------------------------------------

    def _touch_lead(self, snap: Snapshot) -> tuple[str, str | None]:
        lead_id = self._lead_of(snap.links.get("lead"))
        if lead_id is None:
            who = snap.links.get("lead")
            raise rows.RowError(f"no synced person for {who[0]} {who[1]}" if who else "no person")
        known = self._leads.get(lead_id) or _lead_fields(self._state(), lead_id) or {}
        account = known.get("account_id")
        return lead_id, account if isinstance(account, str) else None

    def _touch(self, snap: Snapshot) -> list[Event]:
        lead_id, account_id = self._touch_lead(snap)
        f = snap.fields
        by = self._rep(f.get("by")) or (f"{self.system}:{f['by']}" if f.get("by") else "unknown")
        payload = {
            "kind": f.get("kind"),
            "by": by,
            "outcome": f.get("outcome"),
            "note": f.get("note"),
        }
        at = f.get("occurred_at") or snap.modified_at
        return [
            event(
                self.ctx,
                EventType.REP_TOUCH,
                f"{snap.object}/{snap.id}",
                at,
                {k: v for k, v in payload.items() if v is not None},
                lead_id=lead_id,
                account_id=account_id,
            )
        ]

    def _marketing(self, snap: Snapshot) -> list[Event]:
        f = snap.fields
        if f.get("kind") in ENGAGEMENT and self.policy.owner("lead", "email_engagement") not in (
            self.system,
            "last_writer_wins",
        ):
            self.batch.ignored += 1
            return []
        lead_id, account_id = self._touch_lead(snap)
        payload = {
            "kind": f.get("kind"),
            "channel": f.get("channel"),
            "campaign": f.get("campaign"),
            "url": f.get("url"),
        }
        at = f.get("occurred_at") or snap.modified_at
        return [
            event(
                self.ctx,
                EventType.MARKETING_TOUCH,
                f"{snap.object}/{snap.id}",
                at,
                {k: v for k, v in payload.items() if v is not None},
                lead_id=lead_id,
                account_id=account_id,
            )
        ]

    def _stage_history(self, snap: Snapshot) -> list[Event]:
        """One row of an opportunity's stage history (Salesforce OpportunityHistory)."""
        found = self.resolve(snap.links["opportunity"]) if "opportunity" in snap.links else None
        if found is None:
            # a deal revalign has not seen yet: it is created at its current stage
            self.batch.ignored += 1
            return []
        opp_id, stage = found[1], snap.fields.get("stage")
        current = self._opps.get(opp_id) or _opp_stage(self._state(), opp_id)
        if not stage or current in (None, "closed", stage) or snap.fields.get("is_closed"):
            return []
        if not self._takes("opportunity", "stage", snap):
            return []
        self._opps[opp_id] = str(stage)
        payload: dict[str, Any] = {"stage": stage}
        if snap.fields.get("amount") is not None:
            payload["amount"] = snap.fields["amount"]
        return [
            event(
                self.ctx,
                EventType.OPPORTUNITY_STAGE_CHANGED,
                f"{snap.object}/{snap.id}",
                snap.modified_at,
                payload,
                opportunity_id=opp_id,
            )
        ]


def _policy_object(kind: str) -> str:
    return kind if kind in ("lead", "account", "opportunity") else "lead"


def _domain(fields: Mapping[str, Any]) -> str | None:
    domain = fields.get("domain")
    if isinstance(domain, str) and domain:
        return domain.lower()
    address = fields.get("email")
    return domain_of(address) if isinstance(address, str) and "@" in address else None


def _lead_fields(state: FunnelState, lead_id: str) -> dict[str, Any] | None:
    from revalign.connectors.state_lookup import lead_fields

    return lead_fields(state.leads.get(lead_id))


def _opp_stage(state: FunnelState, opp_id: str) -> str | None:
    opp = state.opportunities.get(opp_id)
    if opp is None:
        return None
    return "closed" if opp.closed_at is not None else opp.stage
