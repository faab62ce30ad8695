"""`revalign metrics`: the shared metrics, overall or by one dimension, on any engine."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, cast

import typer

from revalign.analytics.frames import load_frames
from revalign.analytics.metrics import DIMENSIONS, Dimension, compute_metrics
from revalign.analytics.metrics.compute import EngineName
from revalign.analytics.metrics.render import table_cells, table_columns, to_csv
from revalign.cli.app import app
from revalign.cli.common import (
    ContractOption,
    DbOption,
    JsonOption,
    print_json,
    resolve_contract,
    resolve_db_url,
)
from revalign.cli.tables import ColumnsOption, pick_columns, print_fitted
from revalign.errors import InputError


def _as_of(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"--as-of {text!r} is not an ISO date or datetime") from exc
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


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
    from revalign.ledger import open_ledger

    if by is not None and by not in DIMENSIONS:
        raise InputError(f"--by {by!r}: choose one of {', '.join(DIMENSIONS)}")
    if engine not in ("duckdb", "postgres", "spark"):
        raise InputError(f"--engine {engine!r}: choose duckdb, postgres or spark")
    when = _as_of(as_of)
    ledger = open_ledger(resolve_db_url(db))
    try:
        frames = load_frames(ledger)
    finally:
        ledger.close()
    result = compute_metrics(
        frames, engine=cast(EngineName, engine), by=_DIMS.get(by or ""), cohort=cohort,
        contract=resolve_contract(contract).contract, as_of=when, pg_url=pg_url,
    )  # fmt: skip
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
