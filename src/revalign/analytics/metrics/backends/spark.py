"""Apache Spark (PySpark): tables as temp views, queries transpiled by sqlglot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import sqlglot
from sqlglot import exp

from revalign.analytics.frames import ColumnType
from revalign.analytics.metrics.backends.base import TableSchema, python_rows


def _percentile(node: exp.Expression) -> exp.Expression:
    # sqlglot writes DuckDB's quantile_cont(x, q) as PERCENTILE_CONT(x, q), which Spark refuses;
    # Spark's exact percentile(x, q) interpolates the same way.
    if isinstance(node, exp.PercentileCont) and node.args.get("expression") is not None:
        return exp.Anonymous(this="PERCENTILE", expressions=[node.this, node.args["expression"]])
    return node


def spark_sql(sql: str) -> str:
    tree = sqlglot.parse_one(sql, read="duckdb").transform(_percentile)
    return str(tree.sql(dialect="spark"))


def local_session() -> Any:
    """A small local SparkSession: one core, no UI, one shuffle partition, UTC."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[1]")
        .appName("revalign-metrics")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "false")
        .getOrCreate()
    )


def _type(kind: ColumnType) -> Any:
    from pyspark.sql import types as T

    return {"str": T.StringType(), "ts": T.TimestampType(), "float": T.DoubleType(),
            "int": T.LongType(), "bool": T.BooleanType(),
            "money": T.DecimalType(38, 6)}[kind]  # fmt: skip


class SparkBackend:
    name = "spark"

    def __init__(self, session: Any | None = None) -> None:
        self._owned = session is None
        self.spark = session if session is not None else local_session()
        self.spark.conf.set("spark.sql.session.timeZone", "UTC")
        self._views: list[str] = []

    def load(self, tables: Mapping[str, pd.DataFrame], schema: TableSchema) -> None:
        from pyspark.sql import types as T

        for name, frame in tables.items():
            columns = schema[name]
            struct = T.StructType([T.StructField(c, _type(k), True) for c, k in columns])
            # Plain rows with aware datetimes: no pandas/arrow conversion, no local-time guess.
            rows = list(python_rows(frame, columns, aware=True))
            self.spark.createDataFrame(rows, schema=struct).createOrReplaceTempView(name)
            self._views.append(name)

    def query(self, sql: str) -> list[dict[str, Any]]:
        return [row.asDict() for row in self.spark.sql(spark_sql(sql)).collect()]

    def close(self) -> None:
        for name in self._views:
            self.spark.catalog.dropTempView(name)
        self._views.clear()
        if self._owned:
            self.spark.stop()
