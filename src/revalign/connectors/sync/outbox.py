"""The outbox: revalign's decisions since a checkpoint, as field updates for one system.

    outbox = Outbox(store, policy, connector)
    plan = outbox.plan(engine.ledger, engine.state)   # the updates and the seq they cover
    results = connector.push(plan.updates); outbox.done(plan, results, now)

The ledger is the outbox: the events after `sync:<system>:outbox` name the leads whose
owner, stage, score or reason (SAL/SQL status, dispositions, their reasons) may have moved,
plus the conflicts where revalign kept its value. Each lead's current values are compared
with the last value known in the system, so an update is sent only when it changes
something there; pushing the same plan twice writes the same values (a crash is harmless).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from revalign.connectors.sync.ownership import Ownership
from revalign.connectors.sync.seam import PushResult, Update
from revalign.connectors.sync.store import Link, SyncStore, Value, same
from revalign.connectors.sync.translate import REVALIGN_LEAD_FIELDS
from revalign.core.events import EventType
from revalign.core.rescore import current_score
from revalign.core.scoring_model import ContractLike
from revalign.core.state import FunnelState, LeadState
from revalign.ledger import SqlLedger

OUTBOX = "outbox"
WINDOW = 20_000  # events read per plan
_MOVES = frozenset(
    {
        EventType.LEAD_ASSIGNED,
        EventType.SCORE_CHANGED,
        EventType.MARKETING_TOUCH,  # the score moves with touches not recorded as score.changed
        EventType.MQL_REACHED,
        EventType.SAL_ACCEPTED,
        EventType.SAL_REJECTED,
        EventType.SQL_QUALIFIED,
        EventType.DISQUALIFIED,
        EventType.RECYCLED,
        EventType.OPPORTUNITY_CREATED,
        EventType.LEAD_MERGED,
        EventType.LEAD_CAPTURED,
        EventType.SYNC_CONFLICT,
    }
)


class Target(Protocol):
    system: str

    def lead_object(self, refs: Sequence[tuple[str, str]]) -> tuple[str, str] | None: ...


@dataclass
class Plan:
    updates: list[Update] = field(default_factory=list)
    until_seq: int = 0
    unlinked: int = 0  # leads that changed but have no record in the system
    merges: list[Link] = field(default_factory=list)


def desired(
    lead: LeadState, policy: Ownership, system: str, contract: ContractLike | None = None
) -> dict[str, Any]:
    """The fields revalign writes for one lead, by revalign name. The score is the current
    one (`rescore.current_score`, under `contract`; without one, the recorded score)."""
    score = lead.score if contract is None else current_score(lead, contract)
    values: dict[str, Any] = {
        "owner": lead.owner,
        "stage": str(lead.stage),
        "score": round(score, 2),
        "reason": lead.reason,
    }
    return {k: v for k, v in values.items() if policy.pushes("lead", k, system)}


class Outbox:
    def __init__(
        self,
        store: SyncStore,
        policy: Ownership,
        target: Target,
        contract: ContractLike | None = None,
    ) -> None:
        self.store, self.policy, self.target = store, policy, target
        self.contract = contract  # for the current score of leads touched since it was recorded
        self._settled = 0

    def plan(self, ledger: SqlLedger, state: FunnelState, *, window: int = WINDOW) -> Plan:
        after = self.store.checkpoint(OUTBOX)
        plan = Plan(until_seq=after)
        leads: dict[str, None] = {}
        for e in ledger.read(after, window):
            plan.until_seq = e.seq or plan.until_seq
            if e.type not in _MOVES or not e.lead_id:
                continue
            if e.type is EventType.SYNC_CONFLICT and e.payload.get("system") != self.store.system:
                continue
            if e.type is EventType.LEAD_MERGED:
                plan.merges.extend(self._remap(e.lead_id, str(e.payload.get("into", ""))))
                leads[str(e.payload.get("into", ""))] = None
                continue
            leads[e.lead_id] = None
        plan.updates = self.updates(state, list(leads))
        plan.unlinked = len(leads) - len({u.lead_id for u in plan.updates}) - self._settled
        return plan

    def updates(self, state: FunnelState, lead_ids: Sequence[str]) -> list[Update]:
        """The updates that bring the system to revalign's values for these leads."""
        out: list[Update] = []
        self._settled = 0
        refs_of = self.store.refs_of_leads(lead_ids)
        targets = {lid: self.target.lead_object(refs) for lid, refs in refs_of.items() if refs}
        known_of = self.store.known_of(t for t in targets.values() if t is not None)
        for lead_id in lead_ids:
            lead = state.leads.get(lead_id)
            target = targets.get(lead_id) if lead is not None else None
            if lead is None or target is None:
                self._settled += lead is None
                continue
            known = known_of.get(target, {})
            fields = {
                name: value
                for name, value in desired(
                    lead, self.policy, self.store.system, self.contract
                ).items()
                if name in REVALIGN_LEAD_FIELDS
                and not (name in known and same(known[name].value, value))
                and not (name not in known and value is None)
                # an owner the system cannot name (no user in `sync.users`) is not written
                and not (
                    name == "owner" and self.policy.user_of(self.store.system, str(value)) is None
                )
            }
            if fields:
                previous = {k: known[k].value for k in fields if k in known}
                out.append(Update(target[0], target[1], fields, lead_id, previous))
            else:
                self._settled += 1
        return out

    def _remap(self, dup: str, into: str) -> list[Link]:
        """A merged lead's foreign records now belong to the survivor."""
        return [
            Link(self.store.system, obj, fid, "lead", into, "merged")
            for obj, fid in self.store.foreign_ids("lead", dup)
        ]

    def done(self, plan: Plan, results: Sequence[PushResult], now: datetime) -> None:
        """Remember what was written, then move the checkpoint past the plan."""
        values = [
            Value(self.store.system, r.update.object, r.update.id, name, value, now, "pushed")
            for r in results
            if r.ok
            for name, value in r.update.fields.items()
        ]
        if plan.merges:
            self.store.links(plan.merges, now)
        self.store.save_values(values)
        self.store.save_checkpoint(OUTBOX, plan.until_seq)
