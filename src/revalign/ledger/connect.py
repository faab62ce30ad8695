"""Turn a ledger URL into a configured SQLAlchemy engine and a checked `SqlLedger`.

`open_ledger(url)` creates and migrates the ledger when needed (write commands);
`open_ledger(url, create=False)` only opens an existing ledger at this version's schema and
writes nothing (read commands). Either way a database that is not a revalign ledger, or whose
schema is newer than this code, is refused with a `DatabaseError`.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import event

from revalign.errors import DatabaseError, InputError, LedgerMissing
from revalign.ledger.migrate import current_revision, head_revision, known_revisions, upgrade
from revalign.ledger.sql import SqlLedger, translate_errors
from revalign.ledger.tables import metadata

DEFAULT_URL = "sqlite:///revalign.db"
LEDGER_TABLES = frozenset(metadata.tables)

SchemaKind = Literal["empty", "foreign", "incomplete", "older", "current", "newer"]


@dataclass(frozen=True)
class Schema:
    """What a database holds: nothing, something else, or a ledger at some revision."""

    kind: SchemaKind
    revision: str | None = None


@dataclass(frozen=True)
class MigrateReport:
    """`revalign migrate`: the revision before (None: there was no ledger) and after."""

    place: str
    before: str | None
    after: str


def _sqlite_hooks(engine: sa.Engine) -> None:
    """We emit BEGIN ourselves: IMMEDIATE for writers, so the write lock is taken up front.
    WAL mode is persistent in the file: `_migrate` sets it once the file is known to be ours."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get("revalign_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _parse(url: str) -> sa.URL:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise InputError(f"not a database URL: {url!r} (try sqlite:///revalign.db)") from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg")
    if backend != "sqlite":
        raise InputError(f"unsupported ledger database {backend!r}: use sqlite or postgresql")
    return parsed


def describe(url: str) -> str:
    """The ledger's place for messages: the SQLite file, or the URL without its password."""
    parsed = _parse(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)


def db_flag(url: str) -> str:
    """` --db URL` to repeat in a hint, or "" for the default ledger."""
    return "" if url == DEFAULT_URL else f" --db {shlex.quote(url)}"


def missing(place: str, url: str) -> LedgerMissing:
    """No ledger at `place`, with the commands that create one."""
    db = db_flag(url)
    return LedgerMissing(
        f"no ledger at {place}: create one with `revalign demo{db}` "
        f"or `revalign ingest FILE --kind leads{db}`"
    )


def _check_sqlite_file(parsed: sa.URL, url: str, create: bool) -> None:
    """Refuse before SQLite creates a stray file (reads) or fails obscurely (writes)."""
    name = parsed.database or ""
    if name in ("", ":memory:") or name.startswith("file:"):
        if not create:
            raise LedgerMissing("an in-memory SQLite database holds no ledger")
        return
    path = Path(name)
    if path.is_dir():
        raise DatabaseError(f"{name} is a folder, not a ledger file")
    if path.exists():
        return
    parent = path.parent
    if not create:
        where = name if parent.is_dir() else f"{name} (folder {parent} does not exist)"
        raise missing(where, url)
    if not parent.is_dir():
        raise DatabaseError(f"cannot create the ledger {name}: folder {parent} does not exist")


def create_sql_engine(url: str, *, create: bool = True) -> sa.Engine:
    """A SQLAlchemy engine for a sqlite:/// or postgresql:// URL (psycopg 3 driver)."""
    parsed = _parse(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite:
        _check_sqlite_file(parsed, url, create)
    with translate_errors("connect", describe(url)):
        engine = sa.create_engine(parsed)
    if sqlite:
        _sqlite_hooks(engine)
    return engine


def inspect_schema(conn: sa.Connection) -> Schema:
    """Classify what the connection's database (current schema) holds."""
    revision = current_revision(conn)
    names = set(sa.inspect(conn).get_table_names())
    if revision is None:
        # tables but no revalign version: another application's database, never written to
        return Schema("foreign" if names else "empty")
    if revision not in known_revisions():
        # an Alembic revision we do not ship: a newer revalign's, or another application's
        return Schema("newer" if "events" in names else "foreign", revision)
    if revision != head_revision():
        return Schema("older", revision)
    return Schema("current" if names >= LEDGER_TABLES else "incomplete", revision)


def _require_schema(conn: sa.Connection, place: str) -> None:
    """PostgreSQL: a search_path naming a schema that is missing or not usable by this role
    leaves no current schema; say so instead of 'no ledger' or a driver error."""
    postgres = conn.dialect.name == "postgresql"
    if postgres and conn.exec_driver_sql("SELECT current_schema()").scalar() is None:
        raise DatabaseError(
            f"{place}: no usable schema (the search_path schema does not exist, "
            "or this role lacks USAGE on it)"
        )


def _refuse(schema: Schema, place: str, url: str, create: bool) -> None:
    """Raise for a schema this call may not use."""
    if schema.kind == "foreign":
        raise DatabaseError(
            f"{place} is not a revalign ledger (it holds other tables): "
            "use a new file, or an empty PostgreSQL database or schema"
        )
    if schema.kind == "incomplete":
        raise DatabaseError(
            f"the ledger at {place} is damaged: some of its tables are missing "
            "(restore it from a backup)"
        )
    if schema.kind == "newer":
        raise DatabaseError(
            f"the ledger at {place} has schema revision {schema.revision}, newer than this "
            f"revalign knows (head {head_revision()}): upgrade revalign"
        )
    if create:
        return
    if schema.kind == "empty":
        raise missing(place, url)
    if schema.kind == "older":
        db = db_flag(url)
        raise DatabaseError(
            f"the ledger at {place} has an older schema ({schema.revision}, this version "
            f"uses {head_revision()}): run `revalign migrate{db}` first"
        )


def _migrate(engine: sa.Engine, url: str) -> MigrateReport:
    """Create or upgrade the schema to head in one transaction, refusing foreign/newer ones."""
    place = describe(url)
    if engine.dialect.name == "sqlite":
        with translate_errors("open", place):
            with engine.connect() as conn, conn.begin():  # refuse before changing the file
                _refuse(inspect_schema(conn), place, url, create=True)
            raw = engine.raw_connection()  # autocommit: journal_mode cannot change in a BEGIN
            try:
                raw.cursor().execute("PRAGMA journal_mode=WAL")
            finally:
                raw.close()
    with translate_errors("migrate", place), engine.connect() as conn:
        conn.execution_options(revalign_write=True)
        with conn.begin():
            if engine.dialect.name == "postgresql":
                # two processes opening a fresh schema at once must not both create tables
                _require_schema(conn, place)
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(current_schema()))")
            schema = inspect_schema(conn)
            _refuse(schema, place, url, create=True)
            if schema.kind != "current":
                upgrade(conn)
    return MigrateReport(place, schema.revision, head_revision())


def _check_existing(engine: sa.Engine, url: str) -> None:
    """Read-only: the ledger exists at head; nothing is written."""
    place = describe(url)
    with translate_errors("open", place), engine.connect() as conn, conn.begin():
        _require_schema(conn, place)
        _refuse(inspect_schema(conn), place, url, create=False)


def open_ledger(url: str = DEFAULT_URL, *, create: bool = True) -> SqlLedger:
    """Open the ledger at `url`. `create=True` creates or migrates it if needed (writers);
    `create=False` opens only an existing ledger at this version's schema and writes nothing
    (raises LedgerMissing when there is none, DatabaseError when the schema is older)."""
    engine = create_sql_engine(url, create=create)
    try:
        if create:
            _migrate(engine, url)
        else:
            _check_existing(engine, url)
    except BaseException:
        engine.dispose()
        raise
    return SqlLedger(engine)


def ledger_exists(url: str) -> bool:
    """Does `url` hold anything (a ledger at any revision, or foreign tables)? Writes nothing."""
    try:
        engine = create_sql_engine(url, create=False)
    except LedgerMissing:
        return False
    try:
        with translate_errors("open", describe(url)), engine.connect() as conn, conn.begin():
            return inspect_schema(conn).kind != "empty"
    finally:
        engine.dispose()


def migrate_ledger(url: str = DEFAULT_URL) -> MigrateReport:
    """Create the ledger at `url` or bring its schema to this version's head, explicitly."""
    engine = create_sql_engine(url, create=True)
    try:
        return _migrate(engine, url)
    finally:
        engine.dispose()
