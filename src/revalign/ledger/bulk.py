"""Driver-level bulk writes of event rows: sqlite3 `executemany`, psycopg COPY.

Both run on the raw DBAPI connection under the caller's SQLAlchemy transaction, so they
commit or roll back with everything else written in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from revalign.ledger.codec import EVENT_COLUMNS

Row = tuple[Any, ...]
_COLS = ", ".join(EVENT_COLUMNS)
_COLS_NO_SEQ = ", ".join(EVENT_COLUMNS[1:])

_SQLITE_IGNORE = f"INSERT OR IGNORE INTO events ({_COLS_NO_SEQ}) VALUES ({', '.join('?' * 13)})"
_SQLITE_STRICT = f"INSERT INTO events ({_COLS}) VALUES ({', '.join('?' * 14)})"

_PG_STAGE = """
CREATE TEMP TABLE IF NOT EXISTS revalign_incoming (
    ord bigint, id text, type text, source text, source_id text,
    occurred_at timestamptz, recorded_at timestamptz, lead_id text, account_id text,
    opportunity_id text, payload text, contract_version text, caused_by text,
    schema_version integer
) ON COMMIT DELETE ROWS
"""
# seq follows list order (ord) and skips keys already stored, so new rows get no gaps.
_PG_MERGE = f"""
INSERT INTO events ({_COLS})
SELECT :base + row_number() OVER (ORDER BY t.ord), {", ".join("t." + c for c in EVENT_COLUMNS[1:])}
FROM revalign_incoming t
WHERE NOT EXISTS (
    SELECT 1 FROM events e WHERE e.source = t.source AND e.source_id = t.source_id
)
ORDER BY t.ord
ON CONFLICT (source, source_id) DO NOTHING
"""


def _raw(conn: sa.Connection) -> Any:
    return conn.connection.dbapi_connection


_KEY_CHUNK = 900  # ids per IN (...) query, well under SQLite's bound-parameter limit


def stored_source_ids(conn: sa.Connection, source: str, ids: Sequence[str]) -> list[str]:
    """Which of `ids` are stored under `source`: an index seek per id, no SQL compiling."""
    raw = _raw(conn)
    if conn.dialect.name != "sqlite":
        with raw.cursor() as cur:
            cur.execute(
                "SELECT source_id FROM events WHERE source = %s AND source_id = ANY(%s)",
                (source, list(ids)),
            )
            return [r[0] for r in cur]
    found: list[str] = []
    for i in range(0, len(ids), _KEY_CHUNK):
        chunk = ids[i : i + _KEY_CHUNK]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT source_id FROM events WHERE source = ? AND source_id IN ({marks})"
        found.extend(r[0] for r in raw.execute(sql, (source, *chunk)))
    return found


def fetch(conn: sa.Connection, sql: str, params: Sequence[Any]) -> list[Row]:
    """Rows of one query on the raw driver; `sql` uses ? marks (made %s on PostgreSQL)."""
    raw = _raw(conn)
    if conn.dialect.name == "sqlite":
        return list(raw.execute(sql, params))
    with raw.cursor() as cur:
        cur.execute(sql.replace("?", "%s"), params)
        return list(cur)


def execute(conn: sa.Connection, sql: str, params: Sequence[Any]) -> None:
    """One statement without result rows on the raw driver (? marks, as in `fetch`)."""
    raw = _raw(conn)
    if conn.dialect.name == "sqlite":
        raw.execute(sql, params)
        return
    with raw.cursor() as cur:
        cur.execute(sql.replace("?", "%s"), params)


def sqlite_insert_new(conn: sa.Connection, rows: Sequence[Row]) -> int:
    """INSERT OR IGNORE rows without seq (SQLite assigns it in list order); count inserted."""
    cur = _raw(conn).executemany(_SQLITE_IGNORE, [r[1:] for r in rows])
    return int(cur.rowcount)


def sqlite_insert_sequenced(conn: sa.Connection, rows: Sequence[Row]) -> None:
    """Rows with their seq already assigned; a stored key is an error, not a skip."""
    _raw(conn).executemany(_SQLITE_STRICT, rows)


def pg_insert_new(conn: sa.Connection, rows: Sequence[Row], base: int) -> int:
    """COPY into a temp table, then insert the unseen keys with seq = base + 1, base + 2, ..."""
    raw = _raw(conn)
    with raw.cursor() as cur:
        cur.execute(_PG_STAGE)
        with cur.copy(f"COPY revalign_incoming (ord, {_COLS_NO_SEQ}) FROM STDIN") as copy:
            for i, row in enumerate(rows):
                copy.write_row((i, *row[1:]))
        cur.execute(_PG_MERGE.replace(":base", "%s"), (base,))
        inserted = int(cur.rowcount)
        cur.execute("DELETE FROM revalign_incoming")
    return inserted


def pg_insert_sequenced(conn: sa.Connection, rows: Sequence[Row]) -> None:
    """COPY rows with their seq straight into events; a stored key aborts the transaction."""
    raw = _raw(conn)
    with raw.cursor() as cur, cur.copy(f"COPY events ({_COLS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def replace_rows(
    conn: sa.Connection, table: str, columns: Sequence[str], rows: Sequence[Row], gone: list[str]
) -> None:
    """Projection rows (first column the key) replace any stored ones; `gone` keys leave.

    SQLite: DELETE of the gone keys and INSERT OR REPLACE through executemany. PostgreSQL:
    one DELETE of every key involved, then COPY.
    """
    raw = _raw(conn)
    key, cols = columns[0], ", ".join(columns)
    if conn.dialect.name == "sqlite":
        for i in range(0, len(gone), _KEY_CHUNK):
            chunk = gone[i : i + _KEY_CHUNK]
            raw.execute(f"DELETE FROM {table} WHERE {key} IN ({','.join('?' * len(chunk))})", chunk)
        if rows:
            marks = ", ".join("?" * len(columns))
            raw.executemany(f"INSERT OR REPLACE INTO {table} ({cols}) VALUES ({marks})", rows)
        return
    with raw.cursor() as cur:
        doomed = [r[0] for r in rows] + gone
        if doomed:
            cur.execute(f"DELETE FROM {table} WHERE {key} = ANY(%s)", (doomed,))
        if rows:
            with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
