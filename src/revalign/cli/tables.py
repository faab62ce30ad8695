"""Tables that fit the terminal, and the `--columns / --csv / --json / --limit` options.

A table never shows a cell cut to "…": when its columns are wider than the console, the
columns after the key columns are split over several tables (each repeating the keys); a
cell wider than the whole console folds onto more lines. `--json` and `--csv` are never
cut: they hold every row and (unless `--columns` is given, for CSV) every column.

    print_records(records, ["lead_id", "email", "stage"], keys=1, title="Leads")
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from revalign.errors import InputError

ColumnsOption = Annotated[
    str | None,
    typer.Option("--columns", help="Comma-separated columns to show (e.g. lead_id,stage)."),
]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV (every row).")]
LimitOption = Annotated[
    int | None, typer.Option("--limit", min=1, help="At most this many rows (table and files).")
]
EMPTY = "—"


def parse_since(text: str | None, option: str) -> datetime | None:
    """A `--since`-style option: an ISO date or datetime, UTC when no zone is given."""
    from revalign.cli.common import parse_at

    return parse_at(text, option)


def pick_columns(chosen: str | None, available: Sequence[str], default: Sequence[str]) -> list[str]:
    """The columns named by `--columns` (checked against `available`), else `default`."""
    if chosen is None:
        return list(default)
    names = [c.strip() for c in chosen.split(",") if c.strip()]
    unknown = [n for n in names if n not in available]
    if unknown or not names:
        what = f"unknown column {', '.join(unknown)}" if unknown else "no column given"
        raise InputError(f"--columns: {what}; choose from {', '.join(available)}")
    return names


def cell_text(value: Any) -> str:
    """One value as table text: times to the minute, floats short, missing as a dash."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, list | tuple):
        return ", ".join(cell_text(v) for v in value) or EMPTY
    return str(value)


def _table(
    title: str | None, headers: Sequence[str], rows: Sequence[Sequence[str]], right: Collection[str]
) -> Table:
    table = Table(title=title, title_justify="left")
    for name in headers:
        # fold, never ellipsis: a cell too wide for the console goes onto a second line
        table.add_column(
            name, justify="right" if name in right else "left", overflow="fold", no_wrap=False
        )
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # Text: data is never read as markup
    return table


def _lines(text: str) -> list[str]:
    return text.splitlines() or [""]


def natural_widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[int]:
    """Each column's unsqueezed width: its longest line among the header and the cells.
    (Computed, not measured by Rich: measuring a table per trial split is slow on long lists;
    a test checks the two agree.)"""
    return [
        max(cell_len(line) for text in (h, *(r[i] for r in rows)) for line in _lines(text))
        for i, h in enumerate(headers)
    ]


def table_width(widths: Sequence[int]) -> int:
    """The printed width of a Rich table (default box, one space of padding each side)."""
    return sum(widths) + 3 * len(widths) + 1


def fit_tables(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    console: Console,
    keys: int = 1,
    title: str | None = None,
    right: Collection[str] = (),
) -> list[Table]:
    """One table if it fits `console.width`; else the non-key columns split over several."""
    width = console.width
    widths = natural_widths(headers, rows)
    if table_width(widths) <= width or len(headers) <= keys + 1:
        return [_table(title, headers, rows, right)]
    groups: list[list[int]] = []
    current: list[int] = []
    for i in range(keys, len(headers)):
        trial = [*range(keys), *current, i]
        if current and table_width([widths[j] for j in trial]) > width:
            groups.append(current)
            current = [i]
        else:
            current.append(i)
    groups.append(current)
    tables = []
    for n, group in enumerate(groups, start=1):
        cols = [*range(keys), *group]
        part = f"{title} ({n}/{len(groups)})" if title else f"({n}/{len(groups)})"
        sub_rows = [[r[j] for j in cols] for r in rows]
        tables.append(_table(part, [headers[j] for j in cols], sub_rows, right))
    return tables


def print_fitted(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    keys: int = 1,
    title: str | None = None,
    right: Collection[str] = (),
    console: Console | None = None,
) -> None:
    """Print `fit_tables` of already formatted cells."""
    from revalign.cli.common import console as shared

    out = console or shared
    for table in fit_tables(headers, rows, console=out, keys=keys, title=title, right=right):
        out.print(table)


def records_csv(records: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """CSV text of `records` in `columns` order; missing values are empty cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for rec in records:
        writer.writerow([_csv_cell(rec.get(c)) for c in columns])
    return out.getvalue()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return value


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def print_records(
    records: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    *,
    all_columns: Sequence[str],
    json_out: bool = False,
    csv_out: bool = False,
    columns_given: bool = False,
    keys: int = 1,
    title: str | None = None,
    right: Collection[str] = (),
) -> None:
    """The one output path of list commands: JSON (complete), CSV (complete unless
    `--columns`), or tables that fit the terminal."""
    from revalign.cli.common import print_json

    if json_out:
        print_json([{k: _json_value(v) for k, v in rec.items()} for rec in records])
    elif csv_out:
        typer.echo(records_csv(records, columns if columns_given else all_columns), nl=False)
    else:
        rows = [[cell_text(rec.get(c)) for c in columns] for rec in records]
        print_fitted(columns, rows, keys=keys, title=title, right=right)
