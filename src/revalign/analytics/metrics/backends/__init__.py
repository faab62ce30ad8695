"""Engines that run the metric SQL: DuckDB (embedded default), PostgreSQL and Spark."""

from revalign.analytics.metrics.backends.base import Backend, TableSchema

__all__ = ["Backend", "TableSchema"]
