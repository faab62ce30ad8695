"""Projection tables (leads, accounts, opportunities, owners, clocks) from a FunnelState.

The engine keeps them current incrementally (`Projector.flush` writes only what changed since
the last write, found by object identity: state objects are frozen and replaced on change);
`rebuild` folds the whole ledger into a fresh state and rewrites them. Both give the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from revalign.core.decide import evolve
from revalign.core.events import Event
from revalign.core.rescore import current_score
from revalign.core.scoring_model import ContractLike
from revalign.core.state import FunnelState, LeadState, OpportunityState
from revalign.gcpause import gc_paused
from revalign.ledger import bulk, snapshots
from revalign.ledger import tables as t
from revalign.ledger.rows import Row, account_row, object_row, owner_rows
from revalign.ledger.sql import READ_BATCH, SqlLedger

PROJECTIONS_CHECKPOINT = "projections"
Evolver = Callable[[FunnelState, Event], None]
Progress = Callable[[int], None]


def _replace_rows(
    conn: sa.Connection, table: sa.Table, rows: Mapping[str, Row], gone: Iterable[str] = ()
) -> None:
    """Replace the rows of the given keys (the first column) and delete the `gone` ones."""
    bulk.replace_rows(conn, table.name, _COLUMNS[table.name], list(rows.values()), list(gone))


_COLUMNS = {table.name: tuple(c.name for c in table.columns) for table in t.PROJECTION_TABLES}
_SCORE_AT = _COLUMNS[t.leads.name].index("score")
_Members = dict[str, dict[str, Any]]


def _index(objects: Mapping[str, Any]) -> _Members:
    by_account: _Members = {}
    for key, obj in objects.items():
        if obj.account_id:
            by_account.setdefault(obj.account_id, {})[key] = obj
    return by_account


def _reindex(index: _Members, written: Mapping[str, Any], changed: Mapping[str, Any],
             gone: Iterable[str]) -> None:  # fmt: skip
    """Move changed and removed objects between the accounts they left and joined."""
    for key in [*changed, *gone]:
        old = written.get(key)
        if old is not None and old.account_id:
            members = index[old.account_id]
            del members[key]
            if not members:
                del index[old.account_id]
    for key, obj in changed.items():
        if obj.account_id:
            index.setdefault(obj.account_id, {})[key] = obj


class Projector:
    """Writes FunnelState into the projection tables inside the caller's transaction."""

    def __init__(self, contract_of: Callable[[], ContractLike] | None = None) -> None:
        # the score column is the current score (see core.rescore): computed under the
        # engine's contract (read at each write: the API may swap it) for a lead whose last
        # touches were not recorded; without one, the recorded score
        self._contract_of = contract_of
        self._leads: dict[str, LeadState] = {}
        self._opps: dict[str, OpportunityState] = {}
        self._clocks: dict[str, object] = {}
        self._owners: dict[str, Row] = {}
        # the written leads and opportunities by account, so an account row needs no scan
        self._account_leads: _Members = {}
        self._account_opps: _Members = {}

    def mark_clean(self, state: FunnelState) -> None:
        """Declare the tables equal to `state` (e.g. after a fold up to the checkpoint)."""
        self._leads = dict(state.leads)
        self._opps = dict(state.opportunities)
        self._clocks = dict(state.clocks)
        self._owners = owner_rows(state.rep_load, state.capacity)
        self._account_leads = _index(self._leads)
        self._account_opps = _index(self._opps)

    def write_all(self, conn: sa.Connection, state: FunnelState) -> None:
        for table in t.PROJECTION_TABLES:
            conn.execute(table.delete())
        self._leads, self._opps, self._clocks, self._owners = {}, {}, {}, {}
        self._account_leads, self._account_opps = {}, {}
        self.flush(conn, state)

    def flush(self, conn: sa.Connection, state: FunnelState) -> None:
        """Write what changed since the last flush / mark_clean."""
        dialect = conn.dialect.name
        leads, lead_gone = _changes(self._leads, state.leads)
        opps, opp_gone = _changes(self._opps, state.opportunities)
        clocks, clock_gone = _changes(self._clocks, state.clocks)
        dirty_accounts = _accounts_of(self._leads, leads, lead_gone)
        dirty_accounts |= _accounts_of(self._opps, opps, opp_gone)

        _replace_rows(
            conn, t.leads, {k: self._lead_row(v, dialect) for k, v in leads.items()}, lead_gone
        )
        _replace_rows(
            conn,
            t.opportunities,
            {k: object_row(t.opportunities, v, dialect) for k, v in opps.items()},
            opp_gone,
        )
        _replace_rows(
            conn,
            t.clocks,
            {k: object_row(t.clocks, v, dialect) for k, v in clocks.items()},
            clock_gone,
        )
        _reindex(self._account_leads, self._leads, leads, lead_gone)
        _reindex(self._account_opps, self._opps, opps, opp_gone)
        if dirty_accounts:
            self._write_accounts(conn, dirty_accounts)
        owners = owner_rows(state.rep_load, state.capacity)
        changed = {k: r for k, r in owners.items() if self._owners.get(k) != r}
        _replace_rows(conn, t.owners, changed, self._owners.keys() - owners.keys())

        self._leads.update(leads)
        self._opps.update(opps)
        self._clocks.update(clocks)
        for k in lead_gone:
            del self._leads[k]
        for k in opp_gone:
            del self._opps[k]
        for k in clock_gone:
            del self._clocks[k]
        self._owners = owners

    def _lead_row(self, lead: LeadState, dialect: str) -> Row:
        row = object_row(t.leads, lead, dialect)
        if lead.score_due_at is None or self._contract_of is None:
            return row
        score = current_score(lead, self._contract_of())
        return (*row[:_SCORE_AT], score, *row[_SCORE_AT + 1 :])

    def _write_accounts(self, conn: sa.Connection, ids: set[str]) -> None:
        rows = {}
        for a in sorted(ids):
            members = self._account_leads.get(a, {})
            deals = self._account_opps.get(a, {})
            if members or deals:
                rows[a] = account_row(a, members.values(), deals.values())
        _replace_rows(conn, t.accounts, rows, sorted(ids - rows.keys()))


def _changes(
    written: Mapping[str, Any], current: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Entries new or replaced since written, and keys no longer present."""
    changed = {k: v for k, v in current.items() if written.get(k) is not v}
    added = sum(1 for k in changed if k not in written)
    # every written key is still present iff current holds len(written) old keys
    if len(current) - added == len(written):
        return changed, []
    return changed, [k for k in written if k not in current]


def _accounts_of(
    written: Mapping[str, Any], changed: Mapping[str, Any], gone: Iterable[str]
) -> set[str]:
    ids: set[str] = set()
    for key, obj in changed.items():
        if obj.account_id:
            ids.add(obj.account_id)
        old = written.get(key)
        if old is not None and old.account_id:
            ids.add(old.account_id)
    for key in gone:
        if written[key].account_id:
            ids.add(written[key].account_id)
    return ids


PageReader = Callable[[int, int, int | None], list[Event]]


def fold_into(
    state: FunnelState,
    read_page: PageReader,
    *,
    after_seq: int = 0,
    until_seq: int | None = None,
    evolver: Evolver = evolve,
    progress: Progress | None = None,
) -> int:
    """Apply the events after `after_seq` up to `until_seq` to `state`, in seq order."""
    after, done = after_seq, 0
    while True:
        with gc_paused():
            page = read_page(after, READ_BATCH, until_seq)
            for event in page:
                evolver(state, event)
        if not page:
            return done
        after = page[-1].seq or after
        done += len(page)
        if progress is not None:
            progress(len(page))


def _ledger_pages(ledger: SqlLedger) -> PageReader:
    def read_page(after: int, limit: int, until: int | None) -> list[Event]:
        return list(ledger.read(after, limit, until_seq=until, batch_size=limit))

    return read_page


def fold(
    ledger: SqlLedger,
    *,
    until_seq: int | None = None,
    evolver: Evolver = evolve,
    progress: Progress | None = None,
) -> FunnelState:
    """A fresh FunnelState with every event up to `until_seq` applied in seq order."""
    state = FunnelState()
    fold_into(state, _ledger_pages(ledger), until_seq=until_seq, evolver=evolver, progress=progress)
    return state


@dataclass(frozen=True)
class RebuildReport:
    events: int
    seq: int
    leads: int
    opportunities: int
    clocks: int


def rebuild(
    ledger: SqlLedger,
    *,
    evolver: Evolver = evolve,
    progress: Progress | None = None,
    contract: ContractLike | None = None,
) -> RebuildReport:
    """Fold the whole ledger from seq 0, rewrite every projection table, drop snapshots.

    `contract` (the engine's) computes the current score of leads whose touches since the
    last score.changed were not recorded; without it their score column is the recorded one.
    """
    until = ledger.last_seq()
    state = fold(ledger, until_seq=until, evolver=evolver, progress=progress)
    with ledger.writer() as w:
        Projector(None if contract is None else lambda: contract).write_all(w.conn, state)
        w.save_checkpoint(PROJECTIONS_CHECKPOINT, until)
        snapshots.drop_all(w.conn)  # the next engine start folds from zero too
    return RebuildReport(
        events=ledger.count(),
        seq=until,
        leads=len(state.leads),
        opportunities=len(state.opportunities),
        clocks=len(state.clocks),
    )
