"""An engine for one verb on one lead that starts from the projections, not the whole state.

`lead accept|reject|qualify|touch|disqualify|recycle` decide from the lead, its SLA clocks,
its opportunity and the rep loads: nothing else of the folded state. Loading that state
(a snapshot + its tail) costs ~1 s per 20,000 leads; reading those rows costs a few ms. So
`LeadEngine`, inside the batch's write transaction (the ledger's writer lock, as every
batch), builds a *partial* `FunnelState` from the projection tables when they are at the
engine checkpoint and nothing after it is undecided, and runs the ordinary engine loop
(evolve, decide, append, flush, checkpoints) on it. It falls back to the full engine, in a
fresh transaction, whenever the partial state could decide differently:

- the projections lag the checkpoint, or events after it are not decided yet;
- an event of the batch is not one of `VERBS` on that lead or one of `FOLLOWS` (the types
  whose deciders read only the lead, its clocks and opportunity; a late clock's
  `sla.breached` leads to escalations, which read every breach of the owner);
- the verb would change what the lead's account row shows (the partial state does not hold
  the account's other leads).

It never writes a snapshot (a partial state is not the state) and writes the same events,
projection rows and checkpoints as the full engine (`tests/test_lead_engine.py` compares
both after random verbs on random leads of a demo, refusals included).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import orjson

from revalign.core.events import Event, EventType
from revalign.core.state import FunnelState
from revalign.engine import ENGINE_CHECKPOINT, Engine, SubmitReport
from revalign.ledger import LedgerWriter, bulk
from revalign.ledger.bulk import Row
from revalign.ledger.codec import EVENT_COLUMNS
from revalign.ledger.lead_reads import read_lead
from revalign.ledger.projections import PROJECTIONS_CHECKPOINT, Projector

# source facts on one lead whose deciders (`core.decide`: `_on_accept`, `_stop`) read the
# lead, its clocks and opportunity, and what the refusal check reads (the same)
VERBS = frozenset({EventType.SAL_ACCEPTED, EventType.SAL_REJECTED, EventType.SQL_QUALIFIED,
                   EventType.REP_TOUCH, EventType.DISQUALIFIED, EventType.RECYCLED})  # fmt: skip
# what they may cause that decides nothing further
FOLLOWS = frozenset(
    {EventType.SLA_CLOCK_STARTED, EventType.SLA_CLOCK_STOPPED, EventType.EVENT_REJECTED}
)
# the lead fields its account row reads (`ledger.rows.account_row`)
_ACCOUNT_FIELDS = ("account_id", "company", "domain", "industry", "employees", "country")
_TYPE, _LEAD = EVENT_COLUMNS.index("type"), EVENT_COLUMNS.index("lead_id")
_ALLOWED = frozenset(t.value for t in VERBS | FOLLOWS)


class NeedsFullState(Exception):
    """The batch needs more of the state than the partial one holds: redo it in full."""


class _LeadProjector(Projector):
    """Writes the partial state's changes; the account rows they touch are unchanged
    (`LeadEngine._check` made sure), so they are not rewritten from a partial member list."""

    def _write_accounts(self, conn: Any, ids: set[str]) -> None:
        return None


def partial_state(w: LedgerWriter, lead_id: str) -> FunnelState | None:
    """The lead, its clocks, its opportunity and the rep loads read from the projections,
    in the caller's write transaction; None when the projections are not the state at the
    engine checkpoint or events after it are undecided."""
    seq = w.checkpoint(ENGINE_CHECKPOINT)
    if w.checkpoint(PROJECTIONS_CHECKPOINT) != seq or w.last_seq() != seq:
        return None
    state = FunnelState(last_seq=seq)
    for owner, load, capacity in bulk.fetch(
        w.conn, "SELECT owner, open_leads, capacity FROM owners", ()
    ):
        state.rep_load[owner] = int(load)
        if capacity is not None:
            state.capacity[owner] = int(capacity)
    record = read_lead(w.conn, lead_id)
    if record is None:
        return state  # no such lead: the verb is refused as NotFound, as in full
    state.leads[lead_id] = record.lead
    if record.opportunity is not None:
        state.opportunities[record.opportunity.opportunity_id] = record.opportunity
    # the fold's order of the lead's clocks (their stops are numbered in it): first start
    order = bulk.fetch(
        w.conn,
        "SELECT payload FROM events WHERE lead_id = ? AND type = ? ORDER BY seq",
        (lead_id, EventType.SLA_CLOCK_STARTED.value),
    )
    clocks = {c.clock_id: c for c in record.clocks}
    ids = list(dict.fromkeys(str(orjson.loads(p[0]).get("clock_id")) for p in order))
    if set(ids) != clocks.keys():
        return None  # not the fold's clocks (never expected): take the full state
    state.clocks = {i: clocks[i] for i in ids}
    if ids:
        state.clocks_by_lead[lead_id] = ids
    state.open_clock_ids = {i for i in ids if clocks[i].stopped_at is None}
    return state


class LeadEngine(Engine):
    """An `Engine` that decides verbs on `lead_id` from a partial state when it can (see the
    module docstring) and is the full engine otherwise. `partial` says which it is now."""

    def __init__(self, *args: Any, lead_id: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lead_id: str | None = lead_id
        self._may_snapshot = self._snapshots
        self.partial = False

    def submit(self, events: Iterable[Event]) -> SubmitReport:
        chunk = list(events)
        try:
            return super().submit(chunk)
        except NeedsFullState:  # rolled back: nothing of it was written
            self._full()
            return super().submit(chunk)

    def tick(self, now: datetime | None = None) -> SubmitReport:
        self._full()  # breaches read every open clock
        return super().tick(now)

    def _full(self) -> None:
        """Be the ordinary engine from now on (the next batch loads the whole state)."""
        if self._lead_id is not None or self.partial:
            self._lead_id, self.partial, self._state = None, False, None
            self._snapshots, self._projector = self._may_snapshot, Projector(lambda: self.contract)

    def _load(self, w: LedgerWriter) -> None:
        found = partial_state(w, self._lead_id) if self._lead_id is not None else None
        if found is None:
            self._full()
            super()._load(w)
            return
        # a partial state is rebuilt whole at each load, never folded forward
        self.partial, self._snapshots = True, False
        self._projector = _LeadProjector(lambda: self.contract)  # the score column's contract
        self._projector.mark_clean(found)
        self._state, self._state_seq = found, found.last_seq

    def _commit(self, w: LedgerWriter, state: FunnelState, rows: Sequence[Row], seq: int) -> None:
        if self.partial:
            self._check(state, rows)
        super()._commit(w, state, rows, seq)

    def _check(self, state: FunnelState, rows: Sequence[Row]) -> None:
        """Raise NeedsFullState unless the partial state decided exactly as the full one."""
        if any(r[_TYPE] not in _ALLOWED or r[_LEAD] != self._lead_id for r in rows):
            raise NeedsFullState
        written = self._projector
        lead_id = self._lead_id or ""
        before, after = written._leads.get(lead_id), state.leads.get(lead_id)
        if before is None or after is None or set(state.opportunities) != set(written._opps):
            raise NeedsFullState
        if any(getattr(before, f) != getattr(after, f) for f in _ACCOUNT_FIELDS):
            raise NeedsFullState
