"""Metric results as CSV text or a Rich table (metrics down, dimension values across)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
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


def table_cells(
    result: MetricsResult, columns: Sequence[str] | None = None
) -> tuple[str, list[str], list[list[str]]]:
    """(title, headers, rows) of the table view: one row per metric, then its unit and one
    column per dimension value (or one 'value'). `columns` keeps only those headers
    (besides `metric`), e.g. ["unit", "webinar"]; the caller fits them to the terminal."""
    title = "Shared metrics" + (f" by {result.by}" if result.by else "")
    title += " (cohort)" if result.cohort else ""
    keys = ["value"] if result.by is None else [str(r[result.by]) for r in result.rows]
    records = [result.metrics] if result.by is None else result.rows
    headers = ["metric", "unit", *keys]
    rows = []
    for metric in METRICS:
        unit = BY_NAME[metric.name].unit
        rows.append([metric.name, unit, *(_cell(r.get(metric.name), unit) for r in records)])
    if columns is not None:
        keep = [0, *(headers.index(c) for c in columns if c in headers and c != "metric")]
        headers = [headers[i] for i in keep]
        rows = [[row[i] for i in keep] for row in rows]
    return title, headers, rows


def table_columns(result: MetricsResult) -> list[str]:
    """Every header the table view can show (for `--columns`)."""
    return table_cells(result)[1]


def to_table(result: MetricsResult) -> Table:
    """One Rich table of everything (see `revalign.cli.tables` for one that fits a terminal)."""
    title, headers, rows = table_cells(result)
    table = Table(title=title)
    for i, name in enumerate(headers):
        table.add_column(name, justify="right" if i > 1 else "left", overflow="fold")
    for row in rows:
        table.add_row(*row)
    table.caption = excluded_note(result)  # never silent: what money metrics left out
    return table


def reasons_table(result: MetricsResult) -> Table | None:
    """Why each null metric is null (overall view), or None when nothing is null."""
    if not result.null_reasons:
        return None
    table = Table(title="Null metrics and why", title_justify="left")
    table.add_column("metric", style="bold", no_wrap=True)
    table.add_column("reason")
    for name, reason in result.null_reasons.items():
        table.add_row(name, reason)
    return table


def excluded_note(result: MetricsResult) -> str | None:
    """What each money metric left out for want of an exchange rate (never silent), or None."""
    if not result.excluded:
        return None
    currency = result.details.get("currency", "the contract currency")
    notes = [f"{m}: {describe(items)}" for m, items in result.excluded.items()]
    return f"left out, no exchange rate to {currency}: " + "; ".join(notes)
