"""Reconciliation: revalign against one system, record by record and by stage count.

    report = reconcile(connector, engine)                  # what disagrees, and why
    report = reconcile(connector, engine, repair=True)     # and fix what ownership allows

Causes: `missing_in_revalign` (a person there that revalign never took in), `missing_in_<system>`
(a revalign lead linked to no record there), `stale` (the system lacks revalign's value of a
field revalign owns: repaired by pushing it), `conflicting_field` (a field both may write
differs: listed for a person to decide; when the system owns it, repaired by taking its
value), `identity_split` (one person, several revalign leads) and `refused_by_funnel` (facts
from that system the funnel refused, with the funnel's reason). Stage counts come from the
one fold of the ledger (the engine's state), so they are the numbers every report shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from revalign.connectors import rows
from revalign.connectors.base import Context, event
from revalign.connectors.sync.keys import stamp
from revalign.connectors.sync.outbox import desired
from revalign.connectors.sync.ownership import LWW, Ownership
from revalign.connectors.sync.seam import Connector, Update
from revalign.connectors.sync.snapshot import Snapshot
from revalign.connectors.sync.store import SyncStore, Value, same
from revalign.connectors.sync.translate import PERSON_FIELDS, REVALIGN_LEAD_FIELDS
from revalign.core.events import Event, EventType
from revalign.core.state import FunnelState
from revalign.engine import Engine

PERSON_OBJECTS = {"salesforce": ("Lead", "Contact"), "hubspot": ("contacts",)}


@dataclass(frozen=True, slots=True)
class Mismatch:
    cause: str
    object: str | None
    foreign_id: str | None
    lead_id: str | None
    field: str | None = None
    revalign: Any = None
    foreign: Any = None
    detail: str = ""
    repairable: bool = False


@dataclass
class ReconcileReport:
    system: str
    records: int = 0
    matched: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    stage_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    repaired: int = 0
    repair_errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def by_cause(self) -> dict[str, int]:
        return dict(Counter(m.cause for m in self.mismatches))

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "records": self.records,
            "matched": self.matched,
            "by_cause": self.by_cause,
            "mismatches": [asdict(m) for m in self.mismatches],
            "stage_counts": self.stage_counts,
            "repaired": self.repaired,
            "repair_errors": self.repair_errors,
            "dry_run": self.dry_run,
        }


class _Reconciler:
    def __init__(self, connector: Connector, engine: Engine) -> None:
        self.connector, self.engine = connector, engine
        self.system = connector.system
        self.store = SyncStore(engine.ledger, self.system)
        self.policy = Ownership(engine.contract.contract.sync)
        self.state: FunnelState = engine.state
        self.ids = self.store.identities()
        self.report = ReconcileReport(self.system)
        self.pushes: dict[tuple[str, str], Update] = {}
        self.takes: list[Event] = []
        self.refs_of: dict[str, list[tuple[str, str]]] = {}
        for ref, (kind, _) in self.ids.items():
            lead_id = self.lead_of(*ref) if kind == "lead" else None
            if lead_id is not None:
                self.refs_of.setdefault(lead_id, []).append(ref)

    def lead_of(self, obj: str, fid: str) -> str | None:
        found = self.ids.get((obj, fid))
        if found is None or found[0] != "lead":
            return None
        rid, seen = found[1], set()
        while rid in self.state.merges and rid not in seen:
            seen.add(rid)
            rid = self.state.merges[rid].into
        return rid

    def persons(self) -> Iterator[Snapshot]:
        for obj in PERSON_OBJECTS.get(self.system, ()):
            for snap in self.connector.fetch(obj):
                if not snap.deleted:
                    yield snap

    def run(self) -> ReconcileReport:
        by_email: dict[str, set[str]] = {}
        linked: set[str] = set()
        foreign_stages: Counter[str] = Counter()
        for snap in self.persons():
            self.report.records += 1
            lead_id = self.lead_of(*snap.ref)
            address = snap.fields.get("email")
            if isinstance(address, str) and "@" in address and lead_id is not None:
                by_email.setdefault(address.strip().lower(), set()).add(lead_id)
            if lead_id is None or lead_id not in self.state.leads:
                self._missing(snap, lead_id)
                continue
            linked.add(lead_id)
            self._compare(snap, lead_id, foreign_stages)
        self._splits(by_email)
        self._unlinked(linked)
        self._refused()
        ours = Counter(str(self.state.leads[i].stage) for i in linked)
        stages = sorted(set(ours) | set(foreign_stages))
        self.report.stage_counts = {
            s: {"revalign": ours.get(s, 0), self.system: foreign_stages.get(s, 0)} for s in stages
        }
        return self.report

    def _missing(self, snap: Snapshot, lead_id: str | None) -> None:
        refs = self.refs_of.get(lead_id or "", [])
        detail = "never synced" if lead_id is None else "linked to a lead the ledger lacks"
        if snap.links.get("converted_contact") is not None:
            return  # a converted Lead lives on as its Contact
        self.report.mismatches.append(
            Mismatch(
                "missing_in_revalign",
                snap.object,
                snap.id,
                lead_id,
                detail=detail + (f" ({len(refs)} links)" if refs else ""),
            )
        )

    def _writes_here(self, snap: Snapshot, lead_id: str) -> bool:
        return self.connector.lead_object(self.refs_of.get(lead_id, [])) == snap.ref

    def _compare(self, snap: Snapshot, lead_id: str, stages: Counter[str]) -> None:
        lead = self.state.leads[lead_id]
        if snap.links.get("converted_contact") is not None or not self._writes_here(snap, lead_id):
            return  # the record revalign writes is another one (a converted Lead's Contact)
        self.report.matched += 1
        if snap.fields.get("stage"):
            stages[str(snap.fields["stage"])] += 1
        want = desired(lead, self.policy, self.system, self.engine.contract)
        stale: dict[str, Any] = {}
        for name in REVALIGN_LEAD_FIELDS:
            if name not in want or want[name] is None:
                continue
            theirs = snap.fields.get(name)
            if name == "owner":
                user = self.policy.user_of(self.system, str(want[name]))
                if user is None:
                    continue  # no user to name there: not written, not compared
                theirs = self.policy.rep_of(self.system, str(theirs)) if theirs else None
            if not same(want[name], theirs):
                stale[name] = want[name]
                self.report.mismatches.append(
                    Mismatch(
                        "stale",
                        snap.object,
                        snap.id,
                        lead_id,
                        name,
                        want[name],
                        theirs,
                        f"{self.system} lacks revalign's {name}",
                        repairable=True,
                    )
                )
        if stale:
            self.pushes[snap.ref] = Update(snap.object, snap.id, stale, lead_id)
        for name in PERSON_FIELDS:
            theirs, ours = snap.fields.get(name), getattr(lead, name, None)
            if theirs is None or same(theirs, ours):
                continue
            owner = self.policy.owner("lead", name)
            repairable = owner == self.system
            self.report.mismatches.append(
                Mismatch(
                    "conflicting_field",
                    snap.object,
                    snap.id,
                    lead_id,
                    name,
                    ours,
                    theirs,
                    f"owner: {owner}"
                    + (
                        " (taken from there)"
                        if repairable
                        else " (a person decides)"
                        if owner == LWW
                        else ""
                    ),
                    repairable=repairable,
                )
            )
            if repairable:
                self.takes.append(self._take(snap, lead_id, name, theirs))

    def _take(self, snap: Snapshot, lead_id: str, name: str, value: Any) -> Event:
        ctx = Context.create(self.system, self.engine.contract)
        clean = rows.email(str(value)) if name == "email" else value
        return event(
            ctx,
            EventType.LEAD_UPDATED,
            f"reconcile/{snap.object}/{snap.id}/{name}/{stamp(snap.modified_at)}",
            snap.modified_at,
            {"changes": {name: clean}},
            lead_id=lead_id,
        )

    def _splits(self, by_email: dict[str, set[str]]) -> None:
        for address, leads in sorted(by_email.items()):
            if len(leads) > 1:
                self.report.mismatches.append(
                    Mismatch(
                        "identity_split",
                        None,
                        None,
                        sorted(leads)[0],
                        "email",
                        detail=f"{address} is {len(leads)} leads: {', '.join(sorted(leads))}",
                    )
                )

    def _unlinked(self, linked: set[str]) -> None:
        for lead_id in sorted(set(self.state.leads) - set(self.refs_of) - linked):
            self.report.mismatches.append(
                Mismatch(
                    f"missing_in_{self.system}",
                    None,
                    None,
                    lead_id,
                    detail=f"no {self.system} record is linked to this lead",
                )
            )

    def _refused(self) -> None:
        refused = self.state.refused
        if not refused:
            return
        for e in self.engine.ledger.read():
            reason = refused.get(e.id)
            if reason is not None and e.source == self.system:
                obj, _, rest = e.source_id.partition("/")
                self.report.mismatches.append(
                    Mismatch(
                        "refused_by_funnel",
                        obj,
                        rest.split("/")[0],
                        e.lead_id,
                        detail=f"{e.type.value}: {reason}",
                    )
                )

    def repair(self, dry_run: bool, now: datetime) -> None:
        self.report.dry_run = dry_run
        if dry_run:
            self.report.repaired = len(self.pushes) + len(self.takes)
            return
        if self.takes:
            self.engine.submit(self.takes)
        results = self.connector.push(list(self.pushes.values())) if self.pushes else []
        values: list[Value] = []
        for r in results:
            if not r.ok:
                self.report.repair_errors.append(f"{r.update.object} {r.update.id}: {r.error}")
                continue
            values.extend(
                Value(self.system, r.update.object, r.update.id, k, v, now, "pushed")
                for k, v in r.update.fields.items()
            )
        self.store.save_values(values)
        self.report.repaired = len(self.takes) + sum(r.ok for r in results)


def reconcile(
    connector: Connector,
    engine: Engine,
    *,
    repair: bool = False,
    dry_run: bool = False,
    now: datetime | None = None,
) -> ReconcileReport:
    job = _Reconciler(connector, engine)
    report = job.run()
    if repair:
        job.repair(dry_run, now or datetime.now(UTC))
    return report
