"""The shared metric layer: one definition per metric, run on DuckDB, PostgreSQL or Spark."""

from revalign.analytics.metrics.compute import (
    MetricsResult,
    compute_metrics,
    load,
    open_backend,
    rounded,
    run_loaded,
)
from revalign.analytics.metrics.context import MetricContext, build_context
from revalign.analytics.metrics.definitions import BY_NAME, METRICS
from revalign.analytics.metrics.model import DIMENSIONS, Dimension, Measure, Metric

__all__ = [
    "BY_NAME",
    "DIMENSIONS",
    "METRICS",
    "Dimension",
    "Measure",
    "Metric",
    "MetricContext",
    "MetricsResult",
    "build_context",
    "compute_metrics",
    "load",
    "open_backend",
    "rounded",
    "run_loaded",
]
