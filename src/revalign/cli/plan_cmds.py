"""`revalign plan`: the reverse funnel for a quarter's revenue target."""

from __future__ import annotations

from typing import Annotated

import typer

from revalign.analytics.planning import parse_quarter, render
from revalign.cli.app import app
from revalign.cli.common import (
    ContractOption,
    DbOption,
    JsonOption,
    console,
    open_existing_ledger,
    print_json,
    resolve_contract,
)
from revalign.errors import InputError


@app.command("plan")
def plan(
    quarter: Annotated[str, typer.Option("--quarter", help="Quarter to close, e.g. 2027Q1.")],
    target: Annotated[
        float | None,
        typer.Option("--target", help="Revenue target. Default: the contract's for the quarter."),
    ] = None,
    db: DbOption = None,
    contract: ContractOption = None,
    json_out: JsonOption = False,
) -> None:
    """Pipeline, opportunities, SQLs, SALs, MQLs and leads needed per month, and the gaps."""
    year, q = parse_quarter(quarter)
    terms = resolve_contract(contract).contract
    key = f"{year}Q{q}"
    if target is None and key not in terms.targets.revenue_per_quarter:
        raise InputError(f"no --target given and the contract has no revenue target for {key}")
    amount = float(target if target is not None else terms.targets.revenue_per_quarter[key])
    if amount <= 0:
        raise InputError(f"target must be a positive amount, got {amount:g}")
    from revalign.cli.acting import cli_caller
    from revalign.services.analytics import plan as plan_verb

    caller = cli_caller(db)
    ledger = open_existing_ledger(db)
    try:
        report = plan_verb(ledger, terms, caller, key, amount).report
    finally:
        ledger.close()
    print_json(report) if json_out else console.print(render(report))
    if not json_out:
        for line in report.get("calendar_warnings", []):
            console.print(f"[bold yellow]calendar:[/] {line}", highlight=False)
