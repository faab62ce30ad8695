"""Deals and activities for the sync translator: opportunities (with the funnel's fields
filled from the CRM), their stage history, rep touches and marketing touches."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from revalign.connectors import rows
from revalign.connectors.base import event
from revalign.connectors.sync.keys import lead_fields_of, stamp, synthetic_id
from revalign.connectors.sync.snapshot import Snapshot
from revalign.connectors.sync.store import same
from revalign.core.events import Event, EventType
from revalign.core.lifecycle import TRANSITIONS
from revalign.core.qualification import OPPORTUNITY_FIELDS, missing_fields
from revalign.core.state import FunnelState, Stage

if TYPE_CHECKING:
    from revalign.connectors.sync.translate import SyncTranslator

OPP_FIELDS = ("name", "amount", "close_date", "stage", "owner")
ENGAGEMENT = frozenset({"email_open", "email_click", "unsubscribe"})


class DealTranslator:
    """The deal and activity half of a SyncTranslator (which owns identity and values)."""

    def __init__(self, t: SyncTranslator) -> None:
        self.t = t

    def opportunity(self, snap: Snapshot) -> list[Event]:
        found = self.t.resolve(snap.ref)
        opp_id = found[1] if found else synthetic_id("O", self.t.system, snap.ref)
        if found is None:
            self.t.link(snap.ref, "opportunity", opp_id, "created")
        f = snap.fields
        state = self.t.state()
        stage = self.t.pending_opps.get(opp_id) or opp_stage(state, opp_id)
        allowed = {k for k in OPP_FIELDS if self._takes("opportunity", k, snap)}
        at, key = snap.modified_at, f"{snap.object}/{snap.id}"
        out: list[Event] = []
        if stage is None:
            lead_id = self.t.lead_of(snap.links.get("lead")) or self.t.lead_of(
                (f"{snap.object}:lead", snap.id)
            )
            open_stage = f.get("stage") or "discovery"
            payload = {
                "name": f.get("name"),
                "amount": f.get("amount") or "0",
                "currency": f.get("currency") or self.t.ctx.contract.contract.currency,
                "expected_close": f.get("close_date"),
                "stage": open_stage or "discovery",
                "owner": self.t.rep(f.get("owner")),
            }
            lead_id = self._deal_lead(lead_id, f, payload, at)
            out.append(
                event(
                    self.t.ctx,
                    EventType.OPPORTUNITY_CREATED,
                    f"{key}/created",
                    at,
                    {k: v for k, v in payload.items() if v is not None},
                    lead_id=lead_id,
                    account_id=self.t.account_id(snap.links.get("account"), None),
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
                "currency": f.get("currency") or self.t.ctx.contract.contract.currency,
            }
            if kind is EventType.OPPORTUNITY_LOST:
                reasons = self.t.ctx.contract.contract.qualification.lost_reasons
                given = str(f.get("lost_reason") or "").strip().lower().replace(" ", "_")
                payload["reason"] = given if given in reasons else "not_recorded"
            out.append(event(self.t.ctx, kind, f"{key}/closed", at, payload, opportunity_id=opp_id))
            self.t.pending_opps[opp_id] = "closed"
        elif self._moved(snap, f, stage, allowed):
            payload = {"stage": f.get("stage") if "stage" in allowed else stage}
            for name, alias in (("amount", "amount"), ("close_date", "expected_close")):
                if name in allowed and f.get(name) is not None:
                    payload[alias] = f[name]
            out.append(
                event(
                    self.t.ctx,
                    EventType.OPPORTUNITY_STAGE_CHANGED,
                    f"{key}/{stamp(at)}",
                    at,
                    payload,
                    opportunity_id=opp_id,
                )
            )
            self.t.pending_opps[opp_id] = str(payload["stage"])
        self._remember(snap, f)
        return out

    def _deal_lead(
        self, lead_id: str | None, f: Mapping[str, Any], payload: dict[str, Any], at: datetime
    ) -> str | None:
        """The lead a new deal belongs to, with the funnel's opportunity fields filled from
        the CRM (next step -> decision process, close date -> decision date, the person as
        stakeholder); None when the person's funnel cannot take it (not at SQL, or a field
        the CRM does not have): the deal is then the account's, the person kept aside."""
        lead = self.t.state().leads.get(lead_id) if lead_id else None
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
        owner = self.t.policy.owner(obj, name)
        if owner not in (self.t.system, "last_writer_wins"):
            self.t.batch.ignored += name in snap.fields
            return False
        return True

    def _moved(self, snap: Snapshot, f: Mapping[str, Any], stage: str, allowed: set[str]) -> bool:
        if "stage" in allowed and f.get("stage") and f.get("stage") != stage:
            return True
        known = self.t.known_of(snap.ref)
        return any(
            name in allowed
            and f.get(name) is not None
            and name in known
            and not same(known[name].value, f[name])
            for name in ("amount", "close_date")
        )

    def _remember(self, snap: Snapshot, f: Mapping[str, Any]) -> None:
        for name in ("amount", "close_date", "stage"):
            if f.get(name) is not None and self.t.changed(snap, name, f[name])[0]:
                self.t.seen(snap, name, f[name])

    # -- touches ------------------------------------------------------------------------

    def _touch_lead(self, snap: Snapshot) -> tuple[str, str | None]:
        lead_id = self.t.lead_of(snap.links.get("lead"))
        if lead_id is None:
            who = snap.links.get("lead")
            raise rows.RowError(f"no synced person for {who[0]} {who[1]}" if who else "no person")
        known = self.t.pending_leads.get(lead_id) or lead_fields_of(self.t.state(), lead_id) or {}
        account = known.get("account_id")
        return lead_id, account if isinstance(account, str) else None

    def touch(self, snap: Snapshot) -> list[Event]:
        lead_id, account_id = self._touch_lead(snap)
        f = snap.fields
        by = self.t.rep(f.get("by")) or (f"{self.t.system}:{f['by']}" if f.get("by") else "unknown")
        payload = {
            "kind": f.get("kind"),
            "by": by,
            "outcome": f.get("outcome"),
            "note": f.get("note"),
        }
        return self._touch_event(snap, EventType.REP_TOUCH, payload, lead_id, account_id)

    def marketing(self, snap: Snapshot) -> list[Event]:
        f = snap.fields
        if f.get("kind") in ENGAGEMENT and self.t.policy.owner("lead", "email_engagement") not in (
            self.t.system,
            "last_writer_wins",
        ):
            self.t.batch.ignored += 1
            return []
        lead_id, account_id = self._touch_lead(snap)
        payload = {
            "kind": f.get("kind"),
            "channel": f.get("channel"),
            "campaign": f.get("campaign"),
            "url": f.get("url"),
        }
        return self._touch_event(snap, EventType.MARKETING_TOUCH, payload, lead_id, account_id)

    def _touch_event(
        self,
        snap: Snapshot,
        type: EventType,
        payload: dict[str, Any],
        lead_id: str | None,
        account_id: str | None,
    ) -> list[Event]:
        """One touch fact of the record, at its own time (else its modification time)."""
        at = snap.fields.get("occurred_at") or snap.modified_at
        return [
            event(
                self.t.ctx,
                type,
                f"{snap.object}/{snap.id}",
                at,
                {k: v for k, v in payload.items() if v is not None},
                lead_id=lead_id,
                account_id=account_id,
            )
        ]

    def stage_history(self, snap: Snapshot) -> list[Event]:
        """One row of an opportunity's stage history (Salesforce OpportunityHistory)."""
        found = self.t.resolve(snap.links["opportunity"]) if "opportunity" in snap.links else None
        if found is None:
            # a deal revalign has not seen yet: it is created at its current stage
            self.t.batch.ignored += 1
            return []
        opp_id, stage = found[1], snap.fields.get("stage")
        current = self.t.pending_opps.get(opp_id) or opp_stage(self.t.state(), opp_id)
        if not stage or current in (None, "closed", stage) or snap.fields.get("is_closed"):
            return []
        if not self._takes("opportunity", "stage", snap):
            return []
        self.t.pending_opps[opp_id] = str(stage)
        payload: dict[str, Any] = {"stage": stage}
        if snap.fields.get("amount") is not None:
            payload["amount"] = snap.fields["amount"]
        return [
            event(
                self.t.ctx,
                EventType.OPPORTUNITY_STAGE_CHANGED,
                f"{snap.object}/{snap.id}",
                snap.modified_at,
                payload,
                opportunity_id=opp_id,
            )
        ]


def opp_stage(state: FunnelState, opp_id: str) -> str | None:
    opp = state.opportunities.get(opp_id)
    if opp is None:
        return None
    return "closed" if opp.closed_at is not None else opp.stage
