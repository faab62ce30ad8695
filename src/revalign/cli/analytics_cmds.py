"""`revalign metrics`: the shared metrics, overall or by one dimension, on any engine."""

from __future__ import annotations

from typing import Annotated, cast

import typer

from revalign.analytics.metrics import DIMENSIONS, Dimension, MetricsResult
from revalign.analytics.metrics.compute import EngineName
from revalign.analytics.metrics.render import (
    excluded_note,
    reasons_table,
    table_cells,
    table_columns,
    to_csv,
)
from revalign.cli.app import app
from revalign.cli.common import (
    ContractOption,
    DbOption,
    JsonOption,
    console,
    moment_or_now,
    open_existing_ledger,
    print_json,
    resolve_contract,
)
from revalign.cli.tables import ColumnsOption, pick_columns, print_fitted
from revalign.errors import InputError
from revalign.extras import require_spark

_DIMS: dict[str, Dimension] = {d: d for d in DIMENSIONS}


@app.command("metrics")
def metrics_command(
    by: Annotated[str | None, typer.Option("--by", help=f"One of {', '.join(DIMENSIONS)}.")] = None,
    engine: Annotated[str, typer.Option("--engine", help="duckdb, postgres or spark.")] = "duckdb",
    pg_url: Annotated[
        str | None, typer.Option("--pg-url", help="PostgreSQL URL for --engine postgres.")
    ] = None,
    cohort: Annotated[
        bool, typer.Option("--cohort", help="Conversion rates by MQL/lead cohort, not period.")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="ISO moment for quarter and aging (default now).")
    ] = None,
    db: DbOption = None,
    contract: ContractOption = None,
    json_out: JsonOption = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    columns: ColumnsOption = None,
) -> None:
    """Shared metrics for marketing and sales, from the ledger."""
    if by is not None and by not in DIMENSIONS:
        raise InputError(f"--by {by!r}: choose one of {', '.join(DIMENSIONS)}")
    if engine not in ("duckdb", "postgres", "spark"):
        raise InputError(f"--engine {engine!r}: choose duckdb, postgres or spark")
    when = moment_or_now(as_of, "--as-of")
    if engine == "spark":
        require_spark()
    from revalign.cli.acting import cli_caller
    from revalign.services.analytics import metrics_result

    caller = cli_caller(db)
    ledger = open_existing_ledger(db)
    try:
        result = metrics_result(
            ledger, resolve_contract(contract).contract, caller, engine=cast(EngineName, engine),
            by=_DIMS.get(by or ""), cohort=cohort, as_of=when, pg_url=pg_url,
        )  # fmt: skip
    finally:
        ledger.close()
    print_metrics(result, json_out, csv_out, columns)


def print_metrics(
    result: MetricsResult, json_out: bool, csv_out: bool, columns: str | None = None
) -> None:
    """JSON (with `null_reasons`), CSV, or the table and why each null metric is null."""
    if json_out:
        print_json(result.as_json())
    elif csv_out:
        typer.echo(to_csv(result), nl=False)
    else:
        # metrics down, values across; columns that do not fit go to a second table
        available = table_columns(result)
        shown = pick_columns(columns, available, available)
        title, headers, rows = table_cells(result, shown)
        keys = 2 if "unit" in headers else 1  # metric and unit repeat in every part
        print_fitted(
            headers,
            rows,
            keys=keys,
            title=title,
            right=[h for h in headers if h not in ("metric", "unit")],
        )
        note = excluded_note(result)
        if note is not None:
            console.print(note, highlight=False)
        reasons = reasons_table(result)
        if reasons is not None:
            console.print(reasons)
