"""DuckDB, embedded: the default engine. Tables are copied in from pandas with typed casts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb as _duckdb
import pandas as pd

from revalign.analytics.frames import ColumnType
from revalign.analytics.metrics.backends.base import TableSchema, naive_utc, quote
from revalign.analytics.money import missing, scaled

SQL_TYPES = {"str": "VARCHAR", "ts": "TIMESTAMP", "float": "DOUBLE", "int": "BIGINT",
             "bool": "BOOLEAN", "money": "DECIMAL(38,6)"}  # fmt: skip


def _money_as_text(frame: pd.DataFrame, columns: Sequence[tuple[str, ColumnType]]) -> pd.DataFrame:
    """Decimal columns as exact text: DuckDB would guess one DECIMAL width from a sample."""
    for name, kind in columns:
        if kind == "money":
            frame[name] = pd.Series(
                [None if missing(v) else str(scaled(v)) for v in frame[name]],
                index=frame.index,
                dtype=object,
            )
    return frame


class DuckDBBackend:
    name = "duckdb"

    def __init__(self, connection: _duckdb.DuckDBPyConnection | None = None) -> None:
        self.connection = connection if connection is not None else _duckdb.connect()
        self._owned = connection is None

    def load(self, tables: Mapping[str, pd.DataFrame], schema: TableSchema) -> None:
        for name, frame in tables.items():
            columns = schema[name]
            source = f"_revalign_src_{name}"
            self.connection.register(source, _money_as_text(naive_utc(frame, columns), columns))
            casts = ", ".join(
                f"CAST({quote(c)} AS {SQL_TYPES[k]}) AS {quote(c)}" for c, k in columns
            )
            self.connection.execute(
                f"CREATE OR REPLACE TABLE {quote(name)} AS SELECT {casts} FROM {source}"
            )
            self.connection.unregister(source)

    def query(self, sql: str) -> list[dict[str, Any]]:
        cursor = self.connection.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        if self._owned:
            self.connection.close()
