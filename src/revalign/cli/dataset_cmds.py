"""`revalign ingest-dataset`, `dataset-contract` and `dataset-metrics`: public datasets.

A dataset is ingested and measured under its own fitted contract (its currency, no targets,
no reps of ours; see `connectors/datasets/fitted.py`) and at its own snapshot moment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from revalign.cli import paths
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

NameArg = Annotated[str, typer.Argument(help="olist, xeducation or maven.")]


@app.command("ingest-dataset")
def ingest_dataset_cmd(
    name: NameArg,
    path: Annotated[
        Path, typer.Argument(help="The dataset's folder.", callback=paths.readable_dir)
    ],
    db: DbOption = None,
    contract: Annotated[
        Path | None,
        typer.Option("--contract", help="Contract file (default: the dataset's fitted one)."),
    ] = None,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help="Write refused and rejected records here (CSV).",
            callback=paths.writable_file,
        ),
    ] = None,
    json: JsonOption = False,
) -> None:
    """Translate a public dataset into events and submit them (idempotent: re-run freely)."""
    from revalign.connectors.datasets.fitted import fitted_contract
    from revalign.connectors.datasets.ingest import adapter, ingest_dataset
    from revalign.engine import open_engine

    adapter(name)  # an unknown name fails before the database is touched
    versioned = resolve_contract(contract) if contract is not None else fitted_contract(name)
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
        print_json({**report.to_dict(), "contract": versioned.version})
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
    console.print(f"measure it: revalign dataset-metrics {name} --db {resolve_db_url(db)}")


@app.command("dataset-contract")
def dataset_contract_cmd(name: NameArg) -> None:
    """Print the contract fitted to a dataset (its currency, no targets, no reps of ours)."""
    from revalign.connectors.datasets.fitted import fitted_contract_text

    typer.echo(fitted_contract_text(name), nl=False)


@app.command("dataset-metrics")
def dataset_metrics_cmd(
    name: NameArg,
    by: Annotated[str | None, typer.Option("--by", help="A metric dimension.")] = None,
    db: DbOption = None,
    contract: ContractOption = None,
    json_out: JsonOption = False,
    csv_out: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """Shared metrics of an ingested dataset, under its fitted contract, at its snapshot."""
    from revalign.analytics.frames import load_frames
    from revalign.analytics.metrics import DIMENSIONS, compute_metrics
    from revalign.cli.analytics_cmds import print_metrics
    from revalign.cli.common import open_existing_ledger
    from revalign.connectors.datasets.fitted import fitted_contract, snapshot
    from revalign.errors import InputError

    fitted = resolve_contract(contract) if contract is not None else fitted_contract(name)
    dim = next((d for d in DIMENSIONS if d == by), None)
    if by is not None and dim is None:
        raise InputError(f"--by {by!r}: choose one of {', '.join(DIMENSIONS)}")
    ledger = open_existing_ledger(db)
    try:
        as_of = snapshot(ledger, name)
        frames = load_frames(ledger)
    finally:
        ledger.close()
    result = compute_metrics(frames, by=dim, contract=fitted.contract, as_of=as_of)
    print_metrics(result, json_out, csv_out)
