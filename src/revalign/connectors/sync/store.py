"""The sync tables (ledger/tables.py): identity map, cursors, last known foreign values.

All writes of one page go in one transaction of the ledger's database; every write is an
upsert, so replaying a page after a crash writes the same rows again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa

from revalign.connectors.sync.seam import Cursor
from revalign.ledger import SqlLedger
from revalign.ledger.tables import sync_cursors, sync_identity, sync_values


@dataclass(frozen=True, slots=True)
class Link:
    system: str
    object: str
    foreign_id: str
    kind: str  # lead / account / opportunity
    revalign_id: str
    note: str = "created"


@dataclass(frozen=True, slots=True)
class Known:
    """A field's last known value in the foreign system: pushed by us or pulled from it."""

    value: Any
    at: datetime
    origin: str


@dataclass(frozen=True, slots=True)
class Value:
    system: str
    object: str
    foreign_id: str
    field: str
    value: Any
    at: datetime
    origin: str  # pushed / pulled


def _upsert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert or replace by primary key (SQLite and PostgreSQL both have ON CONFLICT)."""
    if not rows:
        return
    keys = [c.name for c in table.primary_key.columns]
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(table)
        stmt = pg.on_conflict_do_update(
            index_elements=keys,
            set_={c: pg.excluded[c] for c in rows[0] if c not in keys},
        )
        conn.execute(stmt, rows)
        return
    from sqlalchemy.dialects.sqlite import insert as lite_insert

    lite = lite_insert(table)
    conn.execute(
        lite.on_conflict_do_update(
            index_elements=keys, set_={c: lite.excluded[c] for c in rows[0] if c not in keys}
        ),
        rows,
    )


class SyncStore:
    """Reads and writes the sync tables of one ledger."""

    def __init__(self, ledger: SqlLedger, system: str) -> None:
        self.ledger = ledger
        self.system = system

    # -- identity ---------------------------------------------------------------------

    def identity(self, obj: str, foreign_id: str) -> tuple[str, str] | None:
        """(kind, revalign id) of a foreign record, or None."""
        t = sync_identity.c
        with self.ledger.reader() as conn:
            row = conn.execute(
                sa.select(t.kind, t.revalign_id).where(
                    t.system == self.system, t.object == obj, t.foreign_id == foreign_id
                )
            ).first()
        return (row[0], row[1]) if row else None

    def identities(self) -> dict[tuple[str, str], tuple[str, str]]:
        """Every link of this system: (object, foreign id) -> (kind, revalign id)."""
        t = sync_identity.c
        with self.ledger.reader() as conn:
            rows = conn.execute(
                sa.select(t.object, t.foreign_id, t.kind, t.revalign_id).where(
                    t.system == self.system
                )
            ).all()
        return {(r[0], r[1]): (r[2], r[3]) for r in rows}

    def identities_of(
        self, refs: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], tuple[str, str] | None]:
        """(kind, revalign id) or None for each ref, in one query per object and chunk."""
        wanted = set(refs)
        out: dict[tuple[str, str], tuple[str, str] | None] = dict.fromkeys(wanted)
        t = sync_identity.c
        for obj, ids in _by_object(wanted).items():
            with self.ledger.reader() as conn:
                for chunk in _chunks(ids):
                    for r in conn.execute(
                        sa.select(t.foreign_id, t.kind, t.revalign_id).where(
                            t.system == self.system, t.object == obj, t.foreign_id.in_(chunk)
                        )
                    ):
                        out[(obj, r[0])] = (r[1], r[2])
        return out

    def known_of(self, refs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Known]]:
        out: dict[tuple[str, str], dict[str, Known]] = {}
        t = sync_values.c
        for obj, ids in _by_object(set(refs)).items():
            with self.ledger.reader() as conn:
                for chunk in _chunks(ids):
                    for r in conn.execute(
                        sa.select(t.foreign_id, t.field, t.value, t.at, t.origin).where(
                            t.system == self.system, t.object == obj, t.foreign_id.in_(chunk)
                        )
                    ):
                        out.setdefault((obj, r[0]), {})[r[1]] = Known(_load(r[2]), r[3], r[4])
        return out

    def links(self, rows: Iterable[Link], at: datetime) -> None:
        data = [
            {
                "system": r.system,
                "object": r.object,
                "foreign_id": r.foreign_id,
                "kind": r.kind,
                "revalign_id": r.revalign_id,
                "linked_at": at,
                "note": r.note,
            }
            for r in rows
        ]
        with self.ledger.writer() as w:
            _upsert(w.conn, sync_identity, data)

    def foreign_ids(self, kind: str, revalign_id: str) -> list[tuple[str, str]]:
        """The (object, foreign id) pairs linked to one revalign record, oldest first."""
        t = sync_identity.c
        with self.ledger.reader() as conn:
            rows = conn.execute(
                sa.select(t.object, t.foreign_id)
                .where(t.system == self.system, t.kind == kind, t.revalign_id == revalign_id)
                .order_by(t.linked_at, t.object, t.foreign_id)
            ).all()
        return [(r[0], r[1]) for r in rows]

    def refs_of_leads(self, lead_ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """`foreign_ids("lead", id)` for many leads, in one query per chunk."""
        ids = list(dict.fromkeys(lead_ids))
        out: dict[str, list[tuple[str, str]]] = {i: [] for i in ids}
        t = sync_identity.c
        with self.ledger.reader() as conn:
            for chunk in _chunks(ids):
                rows = conn.execute(
                    sa.select(t.revalign_id, t.object, t.foreign_id)
                    .where(t.system == self.system, t.kind == "lead", t.revalign_id.in_(chunk))
                    .order_by(t.linked_at, t.object, t.foreign_id)
                ).all()
                for r in rows:
                    out[r[0]].append((r[1], r[2]))
        return out

    # -- cursors ----------------------------------------------------------------------

    def cursor(self, obj: str) -> Cursor | None:
        t = sync_cursors.c
        with self.ledger.reader() as conn:
            row = conn.execute(
                sa.select(t.modified_at, t.last_id).where(t.system == self.system, t.object == obj)
            ).first()
        return Cursor(row[0], row[1]) if row else None

    def cursors(self) -> dict[str, Cursor]:
        t = sync_cursors.c
        with self.ledger.reader() as conn:
            rows = conn.execute(
                sa.select(t.object, t.modified_at, t.last_id).where(t.system == self.system)
            ).all()
        return {r[0]: Cursor(r[1], r[2]) for r in rows}

    def save_page(self, obj: str, cursor: Cursor | None, values: Iterable[Value]) -> None:
        """The values seen on a page and the cursor after it, in one transaction."""
        with self.ledger.writer() as w:
            _upsert(w.conn, sync_values, [_value_row(v) for v in values])
            if cursor is not None:
                row = {
                    "system": self.system,
                    "object": obj,
                    "modified_at": cursor.modified_at,
                    "last_id": cursor.last_id,
                }
                _upsert(w.conn, sync_cursors, [row])

    # -- last known values ------------------------------------------------------------

    def known(self, obj: str, foreign_id: str) -> dict[str, Known]:
        t = sync_values.c
        with self.ledger.reader() as conn:
            rows = conn.execute(
                sa.select(t.field, t.value, t.at, t.origin).where(
                    t.system == self.system, t.object == obj, t.foreign_id == foreign_id
                )
            ).all()
        return {r[0]: Known(_load(r[1]), r[2], r[3]) for r in rows}

    def all_known(self) -> dict[tuple[str, str], dict[str, Known]]:
        t = sync_values.c
        out: dict[tuple[str, str], dict[str, Known]] = {}
        with self.ledger.reader() as conn:
            for r in conn.execute(
                sa.select(t.object, t.foreign_id, t.field, t.value, t.at, t.origin).where(
                    t.system == self.system
                )
            ):
                out.setdefault((r[0], r[1]), {})[r[2]] = Known(_load(r[3]), r[4], r[5])
        return out

    def save_values(self, values: Iterable[Value]) -> None:
        with self.ledger.writer() as w:
            _upsert(w.conn, sync_values, [_value_row(v) for v in values])

    def checkpoint(self, name: str) -> int:
        return self.ledger.checkpoint(f"sync:{self.system}:{name}")

    def save_checkpoint(self, name: str, seq: int) -> None:
        self.ledger.save_checkpoint(f"sync:{self.system}:{name}", seq)


def _by_object(refs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for obj, fid in refs:
        out.setdefault(obj, []).append(fid)
    return out


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _value_row(v: Value) -> dict[str, Any]:
    return {
        "system": v.system,
        "object": v.object,
        "foreign_id": v.foreign_id,
        "field": v.field,
        "value": _dump(v.value),
        "at": v.at,
        "origin": v.origin,
    }


def _dump(value: Any) -> str:
    return orjson.dumps(value, default=str).decode()


def _load(text: str | None) -> Any:
    return None if text is None else orjson.loads(text)


def same(a: Any, b: Any) -> bool:
    """Equal as stored: numbers and text compare by their JSON (2 == 2.0, Decimal == str)."""
    return bool(_norm(a) == _norm(b))


def _norm(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return round(float(value), 6)
    if isinstance(value, Mapping):
        return {k: _norm(v) for k, v in value.items()}
    text = str(value)
    try:
        return round(float(text), 6)
    except ValueError:
        return text
