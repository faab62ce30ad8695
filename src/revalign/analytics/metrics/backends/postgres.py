"""PostgreSQL: tables COPYed into a scratch schema, queries transpiled by sqlglot."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import pandas as pd
import psycopg

from revalign.analytics.metrics.backends.base import TableSchema, python_rows, quote, transpile
from revalign.errors import InputError
from revalign.ledger.db_errors import classify

SQL_TYPES = {"str": "TEXT", "ts": "TIMESTAMP", "float": "DOUBLE PRECISION", "int": "BIGINT",
             "bool": "BOOLEAN", "money": "NUMERIC(38,6)"}  # fmt: skip


def conninfo(url: str) -> str:
    """A libpq URL from a SQLAlchemy one (postgresql+psycopg://... → postgresql://...)."""
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme.startswith(("postgresql", "postgres")):
        raise InputError(f"not a PostgreSQL URL: {url!r}")
    return f"postgresql://{rest}"


class PostgresBackend:
    """Runs in its own scratch schema, dropped on close."""

    name = "postgres"

    def __init__(self, url: str) -> None:
        try:
            self.conn = psycopg.connect(conninfo(url), autocommit=True)
        except psycopg.Error as exc:
            raise classify(exc, "connect", "the --pg-url database") from exc
        self.schema = f"revalign_metrics_{uuid.uuid4().hex[:12]}"
        with self.conn.cursor() as cur:
            cur.execute(f"CREATE SCHEMA {quote(self.schema)}")
            cur.execute(f"SET search_path TO {quote(self.schema)}")
            cur.execute("SET TIME ZONE 'UTC'")

    def load(self, tables: Mapping[str, pd.DataFrame], schema: TableSchema) -> None:
        with self.conn.cursor() as cur:
            for name, frame in tables.items():
                columns = schema[name]
                ddl = ", ".join(f"{quote(c)} {SQL_TYPES[k]}" for c, k in columns)
                cur.execute(f"DROP TABLE IF EXISTS {quote(name)}")
                cur.execute(f"CREATE TABLE {quote(name)} ({ddl})")
                names = ", ".join(quote(c) for c, _ in columns)
                with cur.copy(f"COPY {quote(name)} ({names}) FROM STDIN") as copy:
                    for row in python_rows(frame, columns):
                        copy.write_row(row)
                cur.execute(f"ANALYZE {quote(name)}")

    def query(self, sql: str) -> list[dict[str, Any]]:
        with self.conn.cursor() as cur:
            cur.execute(transpile(sql, "postgres"))
            names = [d.name for d in cur.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def close(self) -> None:
        try:
            with self.conn.cursor() as cur:
                cur.execute(f"DROP SCHEMA IF EXISTS {quote(self.schema)} CASCADE")
        finally:
            self.conn.close()
