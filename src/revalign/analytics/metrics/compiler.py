"""Compile metric definitions into one DuckDB SQL query for the overall view or one dimension.

One CTE per measure (grouped by the dimension, or a single 'all' row), a CTE of every
dimension value seen, and one column per metric. Backends transpile the result with sqlglot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from revalign.analytics.metrics.measures import MEASURES
from revalign.analytics.metrics.model import Dimension, Measure, Metric

NONE_LABEL = "(none)"  # the group of rows whose dimension value is unknown
_NULL = "CAST(NULL AS DOUBLE)"
_MONEY = "DECIMAL(38,6)"  # sums of money stay exact, and equal, on every engine


def _cte(measure: Measure, dim: Dimension | None) -> str:
    if dim is None:
        return f"SELECT 'all' AS dim, {measure.agg} AS v FROM ({measure.relation}) r"
    key = f"coalesce(CAST(r.{dim} AS VARCHAR), '{NONE_LABEL}')"
    return f"SELECT {key} AS dim, {measure.agg} AS v FROM ({measure.relation}) r GROUP BY {key}"


def _supports(measure: Measure, dim: Dimension | None) -> bool:
    return dim is None or dim in measure.dims


def _ref(name: str, dim: Dimension | None, measures: Mapping[str, Measure] = MEASURES) -> str:
    measure = measures[name]
    if not _supports(measure, dim):
        return _NULL
    return f"coalesce(m_{name}.v, 0)" if measure.zero_if_empty else f"m_{name}.v"


def _expression(
    metric: Metric, dim: Dimension | None, cohort: bool, measures: Mapping[str, Measure] = MEASURES
) -> str:
    if metric.composite or (dim is not None and dim not in metric.dims):
        return _NULL
    names = metric.measures(cohort)
    if len(names) == 1:
        kind = _MONEY if metric.unit == "money" else "DOUBLE"
        return f"CAST({_ref(names[0], dim, measures)} AS {kind})"
    num, den = (_ref(n, dim, measures) for n in names)
    return f"CASE WHEN {den} > 0 THEN CAST({num} AS DOUBLE) / {den} END"


def compile_metrics(
    metrics: Sequence[Metric],
    dim: Dimension | None = None,
    cohort: bool = False,
    measures: Mapping[str, Measure] = MEASURES,
) -> str:
    """One query: a `dim` column ('all' for the overall view) and one column per metric.

    `measures`: the measure set (default: the one set; reports pass it restricted to a
    time window, see reports/window.py; the dashboard filtered, see select.py)."""
    used: list[str] = []
    for metric in metrics:
        if metric.composite or (dim is not None and dim not in metric.dims):
            continue
        for name in metric.measures(cohort):
            if name not in used and _supports(measures[name], dim):
                used.append(name)
    ctes = [f"m_{name} AS ({_cte(measures[name], dim)})" for name in used]
    seen = " UNION ".join(f"SELECT dim FROM m_{name}" for name in used) or "SELECT 'all' AS dim"
    if dim is None:
        seen = "SELECT 'all' AS dim"
    ctes.append(f"dims AS ({seen})")
    joins = " ".join(f"LEFT JOIN m_{name} ON m_{name}.dim = d.dim" for name in used)
    columns = ", ".join(f"{_expression(m, dim, cohort, measures)} AS {m.name}" for m in metrics)
    return (
        f"WITH {', '.join(ctes)} SELECT d.dim AS dim, {columns} FROM dims d {joins} ORDER BY d.dim"
    )


def compile_exclusions(names: Sequence[str]) -> str:
    """Per money measure and currency: count and total of the amounts it left out (no rate).

    Columns: measure, currency, n, total.
    """
    parts = [
        f"SELECT '{name}' AS measure, x.currency AS currency, count(*) AS n, "
        f"sum(x.amount) AS total FROM ({MEASURES[name].excluded}) x GROUP BY x.currency"
        for name in names
        if MEASURES[name].excluded is not None
    ]
    return " UNION ALL ".join(parts)


def compile_rejection_reasons() -> str:
    """SAL rejections by reason code."""
    reason = f"coalesce(reject_reason, '{NONE_LABEL}')"
    return (
        f"SELECT {reason} AS reason, count(*) AS n FROM leads WHERE rejected_at IS NOT NULL "
        f"GROUP BY {reason} ORDER BY {reason}"
    )
