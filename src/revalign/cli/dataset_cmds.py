"""`revalign ingest-dataset NAME PATH`: a public dataset into the ledger, through the engine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from revalign.cli.app import app
from revalign.cli.common import (
    ContractOption,
    DbOption,
    JsonOption,
    console,
    print_json,
    resolve_contract,
    resolve_db_url,
)


@app.command("ingest-dataset")
def ingest_dataset_cmd(
    name: Annotated[str, typer.Argument(help="olist, xeducation or maven.")],
    path: Annotated[Path, typer.Argument(help="The dataset's folder.")],
    db: DbOption = None,
    contract: ContractOption = None,
    rejects: Annotated[
        Path | None,
        typer.Option("--rejects", help="Write refused and rejected records here (CSV)."),
    ] = None,
    json: JsonOption = False,
) -> None:
    """Translate a public dataset into events and submit them (idempotent: re-run freely)."""
    from revalign.connectors.datasets.ingest import adapter, ingest_dataset
    from revalign.engine import open_engine

    adapter(name)  # an unknown name fails before the database is touched
    versioned = resolve_contract(contract)
    engine = open_engine(resolve_db_url(db), versioned)
    columns = (TextColumn(f"ingest {name}"), BarColumn(), MofNCompleteColumn())
    try:
        with Progress(*columns, console=console, disable=json, transient=True) as bar:
            task = bar.add_task(name, total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            report = ingest_dataset(
                name, path, engine, versioned, on_progress=advance, rejects_path=rejects
            )
    finally:
        engine.close()
    if json:
        print_json(report.to_dict())
        return
    console.print(
        f"{name}: {report.events} events, {report.new} new, {report.duplicates} already "
        f"stored, {report.derived} derived, {len(report.rejected)} records rejected"
    )
    for bad in report.rejected[:10]:
        console.print(f"  refused {bad['record']}: {bad['reason']}", highlight=False)
    console.print(f"{len(report.refusals)} facts refused by the funnel", highlight=False)
    for r in report.refusals[:10]:
        console.print(f"  {r.type} {r.source_id}: {r.reason}", highlight=False)
    if report.rejects_file:
        console.print(f"records and their reasons: {report.rejects_file}", highlight=False)
