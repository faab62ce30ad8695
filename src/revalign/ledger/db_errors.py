"""Sort database driver errors into what the user can fix and what is our bug.

The user can fix: a server that does not answer, credentials it refuses, a database or file
that does not exist, missing permissions, a file that is not a database, a lock held by
another process. Those become `DatabaseError` (exit 2, one line, no driver internals).
Anything else is `StorageError` (exit 1): a bug of ours, reported without internals; the
chained driver exception is shown only with REVALIGN_DEBUG=1.
"""

from __future__ import annotations

import sqlite3
import sys

import sqlalchemy as sa

from revalign.errors import DatabaseError, RevalignError, StorageError

_PERMISSION = ("permission denied", "readonly database", "read-only", "must be owner")
_CREDENTIALS = ("password authentication failed", "authentication failed", "no password")


def is_psycopg_error(exc: BaseException) -> bool:
    """A psycopg error, without importing psycopg (~0.2 s) for SQLite ledgers: if it was
    never imported, nothing raised one."""
    pg = sys.modules.get("psycopg")
    return pg is not None and isinstance(exc, pg.Error)


def driver_error(exc: BaseException) -> BaseException:
    """The DBAPI exception SQLAlchemy wraps, or `exc` itself."""
    orig = getattr(exc, "orig", None) if isinstance(exc, sa.exc.DBAPIError) else None
    return orig if isinstance(orig, BaseException) else exc


def reason(exc: BaseException) -> str:
    """The driver's own words, one line: 'Connection refused', 'role "x" does not exist'."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    text = text.rpartition(" failed: ")[2] if " failed: " in text else text
    return text.removeprefix("FATAL:").strip() or type(exc).__name__


def classify(exc: BaseException, action: str, where: str | None = None) -> RevalignError:
    """The revalign error for a driver error raised while doing `action` on `where`."""
    orig = driver_error(exc)
    place = where or "the ledger database"
    why = reason(orig)
    low = str(orig).lower()
    pg = sys.modules.get("psycopg")  # imported only once a PostgreSQL URL is used
    if (pg and isinstance(orig, pg.errors.InsufficientPrivilege)) or any(
        p in low for p in _PERMISSION
    ):
        return DatabaseError(f"{place}: permission denied ({why})")
    if (
        pg
        and isinstance(orig, pg.OperationalError)
        and not isinstance(orig, pg.errors.QueryCanceled)
    ):
        if any(c in low for c in _CREDENTIALS) or ("role" in low and "does not exist" in low):
            return DatabaseError(f"{place}: the server refused the credentials ({why})")
        if "database" in low and "does not exist" in low:
            return DatabaseError(f"{place}: {why} (create it first, e.g. createdb)")
        return DatabaseError(f"cannot connect to {place}: {why}")
    if isinstance(orig, sqlite3.Error):
        if "unable to open database file" in low:
            return DatabaseError(
                f"cannot open {place}: check that its folder exists and is writable"
            )
        if "file is not a database" in low or "malformed" in low:
            return DatabaseError(f"{place} is not a SQLite database (or it is damaged)")
        if "database is locked" in low:
            return DatabaseError(f"{place} is locked by another process; try again")
        if "disk is full" in low or "database or disk is full" in low:
            return DatabaseError(f"{place}: the disk is full")
    return StorageError(
        f"ledger {action} failed ({type(orig).__name__}); set REVALIGN_DEBUG=1 for details"
    )
