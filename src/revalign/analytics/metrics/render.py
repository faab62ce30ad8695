"""Metric results as CSV text or a Rich table (metrics down, dimension values across)."""

from __future__ import annotations

import csv
import io
from typing import Any

from rich.table import Table

from revalign.analytics.metrics.compute import MetricsResult
from revalign.analytics.metrics.definitions import BY_NAME, METRICS
from revalign.analytics.money import describe


def to_csv(result: MetricsResult) -> str:
    """Overall: `metric,value` rows. By a dimension: one row per dimension value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if result.by is None:
        writer.writerow(["metric", "value"])
        for name, value in result.metrics.items():
            writer.writerow([name, "" if value is None else value])
    else:
        names = [result.by, *(m.name for m in METRICS)]
        writer.writerow(names)
        for row in result.rows:
            writer.writerow(["" if row.get(n) is None else row.get(n) for n in names])
    return out.getvalue()


def _cell(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "money":
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def to_table(result: MetricsResult) -> Table:
    """A Rich table: one row per metric, one column per dimension value (or one 'value')."""
    title = "Shared metrics" + (f" by {result.by}" if result.by else "")
    title += " (cohort)" if result.cohort else ""
    table = Table(title=title)
    table.add_column("metric", style="bold", no_wrap=True)
    table.add_column("unit", style="dim")
    keys = ["all"] if result.by is None else [str(r[result.by]) for r in result.rows]
    for key in keys:
        table.add_column(key, justify="right")
    rows = [result.metrics] if result.by is None else result.rows
    for metric in METRICS:
        unit = BY_NAME[metric.name].unit
        table.add_row(metric.name, unit, *(_cell(r.get(metric.name), unit) for r in rows))
    if result.excluded:  # never silent: what each money metric left out, and why
        currency = result.details.get("currency", "the contract currency")
        notes = [f"{m}: {describe(items)}" for m, items in result.excluded.items()]
        table.caption = f"left out, no exchange rate to {currency}: " + "; ".join(notes)
    return table
