"""Turn a ledger URL into a configured SQLAlchemy engine and a migrated `SqlLedger`."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from revalign.errors import InputError
from revalign.ledger.migrate import upgrade
from revalign.ledger.sql import SqlLedger, translate_errors

DEFAULT_URL = "sqlite:///revalign.db"


def _sqlite_hooks(engine: sa.Engine) -> None:
    """We emit BEGIN ourselves: IMMEDIATE for writers, so the write lock is taken up front."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get("revalign_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def create_sql_engine(url: str) -> sa.Engine:
    """A SQLAlchemy engine for a sqlite:/// or postgresql:// URL (psycopg 3 driver)."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise InputError(f"not a database URL: {url!r} (try sqlite:///revalign.db)") from exc
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend != "sqlite":
        raise InputError(f"unsupported ledger database {backend!r}: use sqlite or postgresql")
    with translate_errors("connect"):
        engine = sa.create_engine(parsed)
    if backend == "sqlite":
        _sqlite_hooks(engine)
    return engine


def open_ledger(url: str = DEFAULT_URL) -> SqlLedger:
    """Open (creating and migrating if needed) the ledger at `url`."""
    engine = create_sql_engine(url)
    with translate_errors("migrate"), engine.connect() as conn:
        conn.execution_options(revalign_write=True)
        with conn.begin():
            if engine.dialect.name == "postgresql":
                # two processes opening a fresh schema at once must not both create tables
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(current_schema()))")
            upgrade(conn)
    return SqlLedger(engine)
