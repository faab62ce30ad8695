"""What an engine must do: load the tables, run one DuckDB-dialect query, close."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC
from typing import Any, Protocol

import pandas as pd
import sqlglot

from revalign.analytics.frames import ColumnType
from revalign.analytics.money import scaled

TableSchema = Mapping[str, Sequence[tuple[str, ColumnType]]]


class Backend(Protocol):
    name: str

    def load(self, tables: Mapping[str, pd.DataFrame], schema: TableSchema) -> None:
        """Make every table queryable by its name (replacing a previous load)."""
        ...

    def query(self, sql: str) -> list[dict[str, Any]]:
        """Run one query written in DuckDB SQL; rows as dicts."""
        ...

    def close(self) -> None: ...


def transpile(sql: str, dialect: str) -> str:
    """The DuckDB SQL in another dialect (sqlglot)."""
    if dialect == "duckdb":
        return sql
    return str(sqlglot.transpile(sql, read="duckdb", write=dialect)[0])


def quote(name: str) -> str:
    """A double-quoted identifier (`by` is a reserved word)."""
    return '"' + name.replace('"', '""') + '"'


def _python(value: Any, kind: ColumnType, aware: bool) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if kind == "ts":
        stamp = pd.Timestamp(value).tz_convert(UTC).to_pydatetime()
        return stamp if aware else stamp.replace(tzinfo=None)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "money":
        return scaled(value)
    if kind == "bool":
        return bool(value)
    return str(value)


def python_rows(
    frame: pd.DataFrame, columns: Sequence[tuple[str, ColumnType]], aware: bool = False
) -> Iterator[tuple[Any, ...]]:
    """Rows of plain Python values (None for missing; datetimes naive UTC unless `aware`)."""
    series = [frame[name].astype(object).tolist() for name, _ in columns]
    kinds = [kind for _, kind in columns]
    for row in zip(*series, strict=True):
        yield tuple(_python(v, k, aware) for v, k in zip(row, kinds, strict=True))


def naive_utc(frame: pd.DataFrame, columns: Sequence[tuple[str, ColumnType]]) -> pd.DataFrame:
    """A copy with timestamps as naive UTC: every engine then reads the same wall time."""
    out = frame.copy(deep=False)
    for name, kind in columns:
        if kind == "ts" and isinstance(out[name].dtype, pd.DatetimeTZDtype):
            out[name] = out[name].dt.tz_convert(UTC).dt.tz_localize(None)
    return out
