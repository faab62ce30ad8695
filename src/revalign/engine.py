"""The engine: the loop that appends facts, asks the pure core what follows, and appends that.

Service API (what ingest, the demo and the lead verbs call)::

    from revalign.engine import open_engine
    engine = open_engine("sqlite:///revalign.db", contract)   # contract: VersionedContract
    report = engine.submit(events)   # SubmitReport(new=..., duplicates=..., derived=...)
    engine.run()                     # decide events other writers appended to the ledger
    engine.tick(now)                 # SLA breaches / escalations due by `now`
    engine.state                     # the current FunnelState (read it, don't change it)
    engine.close()

The engine is the sequencer: every event is evolved into the state and then decided exactly
once, in ledger (seq) order, so folding the ledger from seq 0 (`rebuild`) gives the state the
engine holds. `submit` writes each new source event followed at once by what it caused,
depth first; `run` decides events appended by other writers and appends what follows after
them. Each batch (events, projections, checkpoint) commits in one transaction: a crash at
any point loses and duplicates nothing, and a new Engine resumes from the checkpoint.

Start-up reads the newest snapshot of the folded state (`ledger.snapshots`, keyed by fold
version + contract version + checkpoint) and folds only the events after it. Snapshots are
written in the batch's transaction when the unsnapshotted tail grows past
`max(SNAPSHOT_EVERY, half the snapshot's seq, SNAPSHOT_EVERY per SNAPSHOT_LEADS leads)` (so
their total cost stays linear in the ledger and below the folds they save), and by `close()`
when at least `SNAPSHOT_ON_CLOSE` events are not in one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from types import TracebackType

import sqlalchemy as sa

from revalign.contract.schema import VersionedContract
from revalign.core import decide as core
from revalign.core.events import Event, utc
from revalign.core.run import depth_first
from revalign.core.state import FunnelState
from revalign.errors import InputError
from revalign.gcpause import gc_paused
from revalign.ledger import LedgerWriter, SqlLedger, bulk, open_ledger, snapshots
from revalign.ledger.bulk import Row
from revalign.ledger.codec import dump_json, event_row, load_json, stored_time
from revalign.ledger.lead_reads import LeadRecord, clock_order, read_lead
from revalign.ledger.projections import PROJECTIONS_CHECKPOINT, Projector, fold_into

ENGINE_CHECKPOINT = "engine"
BATCH_SIZE = 10_000  # source events per transaction: fewer checkpoint/flush rounds
SNAPSHOT_EVERY = 50_000  # events: folding that many costs about what writing a snapshot does
SNAPSHOT_ON_CLOSE = 1_000  # a tail this long is worth a snapshot when a writer closes
# Writing a snapshot costs about what folding SNAPSHOT_EVERY events does per SNAPSHOT_LEADS
# leads in the state, so a large state waits for a longer tail (a bulk import writes a few).
SNAPSHOT_LEADS = 10_000

Clock = Callable[[], datetime]
Decider = Callable[[FunnelState, Event, VersionedContract, datetime], list[Event]]
Evolver = Callable[[FunnelState, Event], None]
Ticker = Callable[[FunnelState, VersionedContract, datetime], list[Event]]
Progress = Callable[[int], None]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SubmitReport:
    """new: source events stored; duplicates: already stored (or repeated); derived: caused."""

    new: int = 0
    duplicates: int = 0
    derived: int = 0

    def __add__(self, other: SubmitReport) -> SubmitReport:
        return SubmitReport(
            self.new + other.new, self.duplicates + other.duplicates, self.derived + other.derived
        )


def _chunks(items: Iterable[Event], size: int) -> Iterator[list[Event]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _given(events: list[Event]) -> Callable[[FunnelState], list[Event]]:
    return lambda _state: events


def _require_aware(events: Sequence[Event]) -> None:
    for e in events:
        if e.occurred_at.tzinfo is None:
            raise InputError(f"event {e.source}/{e.source_id}: occurred_at has no time zone")


class Engine:
    """Decides and appends; see the module docstring for the order it guarantees."""

    def __init__(
        self,
        ledger: SqlLedger,
        contract: VersionedContract,
        clock: Clock = utc_now,
        *,
        decider: Decider = core.decide,
        evolver: Evolver = core.evolve,
        ticker: Ticker = core.tick,
        batch_size: int = BATCH_SIZE,
        progress: Progress | None = None,
        snapshot: bool = True,
    ) -> None:
        self.ledger = ledger
        self.contract = contract
        self._clock = clock
        self._decide = decider
        self._evolve = evolver
        self._tick = ticker
        self._batch_size = batch_size
        self._progress = progress
        self._state: FunnelState | None = None
        self._state_seq = 0  # the engine checkpoint `_state` reflects
        self._projector = Projector(lambda: self.contract)  # the score column's contract
        self._recorded_text: str | datetime = ""
        # snapshots are read and written only for the real fold (a test's evolver differs)
        self._snapshots = snapshot and evolver is core.evolve
        self._snapshot_seq = 0  # the checkpoint of the newest snapshot known to exist
        self._stale_projections = False  # rewrite them all at the next load (forget_state)

    # -- public API -------------------------------------------------------------------

    @property
    def state(self) -> FunnelState:
        """The state at the ledger's engine checkpoint (caught up if another engine wrote)."""
        if self._state is None or self.ledger.checkpoint(ENGINE_CHECKPOINT) != self._state_seq:
            with self._batch():
                pass
        assert self._state is not None
        return self._state

    @property
    def decided_state(self) -> FunnelState:
        """The state as of this engine's last batch, without asking the ledger whether another
        writer appended since (`state` does, a query each time): for the lookups an ingest
        makes between its own submits."""
        return self._state if self._state is not None else self.state

    def submit(self, events: Iterable[Event]) -> SubmitReport:
        """Append the events not already stored, each followed by what it causes."""
        total = SubmitReport()
        for chunk in _chunks(events, self._batch_size):
            _require_aware(chunk)
            total += self._append_roots(_given(chunk))
            if self._progress is not None:
                self._progress(len(chunk))
        return total

    def run(self) -> SubmitReport:
        """Decide every event after the checkpoint (from other writers or earlier runs)."""
        total = SubmitReport()
        while True:
            with self._batch() as (w, state):
                page = w.read(self._state_seq, self._batch_size)
                if not page:
                    return total
                rows = self._decide_page(w, state, page)
                self._commit(w, state, rows, page[-1].seq or 0)
            self._state_seq = page[-1].seq or 0
            total += SubmitReport(derived=len(rows))
            if self._progress is not None:
                self._progress(len(page))

    def lead_record(self, lead_id: str) -> LeadRecord | None:
        """The lead, its clocks and opportunity at the engine checkpoint (None: no such lead).

        With no state loaded yet and the projections at the checkpoint, three indexed rows of
        the projection tables answer (what `lead show` needs, without loading the state)."""
        if self._state is None and not self._stale_projections:
            with self.ledger.reader() as conn, conn.begin():
                if conn.dialect.name == "postgresql":  # one snapshot for all the reads below
                    conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                seq = _checkpoint_of(conn, ENGINE_CHECKPOINT)
                if _checkpoint_of(conn, PROJECTIONS_CHECKPOINT) == seq:
                    return read_lead(conn, lead_id)
        state = self.state
        lead = state.leads.get(lead_id)
        if lead is None:
            return None
        clocks = sorted((state.clocks[c] for c in state.clocks_by_lead.get(lead_id, ())),
                        key=clock_order)  # fmt: skip
        return LeadRecord(lead, clocks, state.opportunities.get(lead.opportunity_id or ""))

    def tick(self, now: datetime | None = None) -> SubmitReport:
        """Append what is due by `now` with no new fact (breaches, escalations)."""
        at = now or self._clock()
        return self._append_roots(lambda state: self._tick(state, self.contract, at), at)

    def close(self) -> None:
        """Save a snapshot if a long tail is not in one, then release the database."""
        try:
            tail = self._state_seq - self._snapshot_seq
            if self._snapshots and self._state is not None and tail >= SNAPSHOT_ON_CLOSE:
                with gc_paused(), self.ledger.writer() as w:
                    if w.checkpoint(ENGINE_CHECKPOINT) == self._state_seq:
                        self._save_snapshot(w, self._state, self._state_seq)
        finally:
            self.ledger.close()

    def forget_state(self) -> None:
        """Drop the in-memory state: the next use folds from the ledger again (after the
        ledger's past was rewritten in place, as erasure does), and rewrites every projection."""
        self._state, self._state_seq, self._snapshot_seq = None, 0, 0
        self._stale_projections = True

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- batches ----------------------------------------------------------------------

    @contextmanager
    def _batch(self) -> Iterator[tuple[LedgerWriter, FunnelState]]:
        """A write transaction with the state at the checkpoint; on failure, forget the state."""
        try:
            with gc_paused(), self.ledger.writer() as w:
                if self._state is None or w.checkpoint(ENGINE_CHECKPOINT) != self._state_seq:
                    self._load(w)
                assert self._state is not None
                yield w, self._state
        except BaseException:
            self._state = None  # it may hold events that were never committed
            raise
        self._stale_projections = False  # any rewrite of them committed with the batch

    def _load(self, w: LedgerWriter) -> None:
        """Fold the ledger up to the checkpoint; make the projections match that state."""
        seq = w.checkpoint(ENGINE_CHECKPOINT)
        # Events up to a checkpoint never change, so a valid state only needs the ones after.
        behind = self._state is not None and seq > self._state_seq
        state = self._state if behind and self._state is not None else FunnelState()
        start = self._state_seq if behind else 0
        if not behind:
            self._snapshot_seq = 0
            found = snapshots.load(w.conn, self.contract.version, seq) if self._snapshots else None
            if found is not None:
                state, start = found
                self._snapshot_seq = start
        fold_into(state, w.read, after_seq=start, until_seq=seq, evolver=self._evolve)
        if w.checkpoint(PROJECTIONS_CHECKPOINT) == seq and not self._stale_projections:
            self._projector.mark_clean(state)
        else:
            self._projector.write_all(w.conn, state)
            w.save_checkpoint(PROJECTIONS_CHECKPOINT, seq)
        self._state, self._state_seq = state, seq

    def _append_roots(
        self, make_roots: Callable[[FunnelState], list[Event]], now: datetime | None = None
    ) -> SubmitReport:
        while True:
            self.run()  # decide what other writers appended first, so seq order holds
            with self._batch() as (w, state):
                if w.last_seq() != self._state_seq:
                    continue  # a writer appended meanwhile: decide that first
                roots = make_roots(state)
                stored = w.existing_keys(e.key for e in roots)
                fresh = [e for e in roots if e.key not in stored]
                rows, placed = self._place(state, fresh, w.last_seq(), now or self._clock())
                last = rows[-1][0] if rows else self._state_seq
                self._commit(w, state, rows, last)
            self._state_seq = last
            return SubmitReport(
                new=placed, duplicates=len(roots) - placed, derived=len(rows) - placed
            )

    def _commit(self, w: LedgerWriter, state: FunnelState, rows: Sequence[Row], seq: int) -> None:
        w.append_sequenced(rows)
        self._projector.flush(w.conn, state)
        w.save_checkpoint(ENGINE_CHECKPOINT, seq)
        w.save_checkpoint(PROJECTIONS_CHECKPOINT, seq)
        if self._snapshots and seq - self._snapshot_seq >= max(
            SNAPSHOT_EVERY,
            self._snapshot_seq // 2,
            SNAPSHOT_EVERY * len(state.leads) // SNAPSHOT_LEADS,
        ):
            self._save_snapshot(w, state, seq)

    def _save_snapshot(self, w: LedgerWriter, state: FunnelState, seq: int) -> None:
        """The state as of checkpoint `seq`, in the caller's transaction."""
        snapshots.save(w.conn, state, self.contract.version, seq)
        self._snapshot_seq = seq

    # -- deciding ---------------------------------------------------------------------

    def _recording(self) -> datetime:
        """recorded_at for one batch (wall clock), with its stored form computed once."""
        recorded = utc_now()
        self._recorded_text = stored_time(recorded, self.ledger.dialect)
        return recorded

    def _stamp(self, event: Event, seq: int, recorded: datetime) -> tuple[Event, Row]:
        """The event exactly as the ledger will return it (JSON payload, UTC), and its row."""
        payload = event.payload
        text = dump_json(payload if type(payload) is dict else dict(payload))
        occurred = event.occurred_at
        if occurred.tzinfo is not UTC:  # astimezone to the zone it has returns it unchanged
            occurred = utc(occurred)
        # positional: Event's field order (as codec.stored_event reads rows), 40% cheaper
        stored = Event(
            event.type, event.source, event.source_id, occurred, event.lead_id,
            event.account_id, event.opportunity_id, load_json(text), event.contract_version,
            event.caused_by, event.schema_version, recorded, seq,
        )  # fmt: skip
        row = event_row(stored, self._recorded_text, self.ledger.dialect, text)
        object.__setattr__(event, "_id", stored.id)  # the same key: a refusal check reuses it
        return stored, row

    def _place(
        self, state: FunnelState, roots: list[Event], last_seq: int, now: datetime
    ) -> tuple[list[Row], int]:
        """Sequence roots depth first with what they cause (`core.run.depth_first`)."""
        recorded = self._recording()
        rows: list[Row] = []

        def place(event: Event) -> Event:
            stored, row = self._stamp(event, last_seq + len(rows) + 1, recorded)
            rows.append(row)
            return stored

        def follow(stored: Event) -> list[Event]:
            self._evolve(state, stored)
            return self._decide(state, stored, self.contract, now)

        return rows, depth_first(roots, place, follow)[1]

    def _decide_page(self, w: LedgerWriter, state: FunnelState, page: list[Event]) -> list[Row]:
        """Evolve and decide stored events; what they cause goes after the ledger's end."""
        recorded, now = self._recording(), self._clock()
        seq = w.last_seq()
        caused_by: list[Event] = []
        for event in page:
            self._evolve(state, event)
            caused_by.extend(self._decide(state, event, self.contract, now))
        # What a page causes is folded only when read back, so a later page may decide the
        # same consequence again (two breaches -> one escalation): keep each key once.
        placed = w.existing_keys(e.key for e in caused_by) if caused_by else set()
        rows: list[Row] = []
        for caused in caused_by:
            if caused.key not in placed:
                placed.add(caused.key)
                seq += 1
                rows.append(self._stamp(caused, seq, recorded)[1])
        return rows


def _checkpoint_of(conn: sa.Connection, name: str) -> int:
    rows = bulk.fetch(conn, "SELECT seq FROM checkpoints WHERE name = ?", (name,))
    return int(rows[0][0]) if rows else 0


def open_engine(
    db_url: str,
    contract: VersionedContract | None = None,
    *,
    clock: Clock = utc_now,
    progress: Progress | None = None,
    create: bool = True,
) -> Engine:
    """An Engine on the ledger at `db_url`: created and migrated if needed, or with
    `create=False` only an existing ledger at this version's schema (see `open_ledger`)."""
    if contract is None:
        from revalign.contract.loader import default_contract

        contract = default_contract()
    return Engine(open_ledger(db_url, create=create), contract, clock, progress=progress)
