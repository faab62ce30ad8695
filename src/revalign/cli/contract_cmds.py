"""`revalign init` and `revalign contract validate|show`: write, check and read the contract."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from revalign.cli import paths
from revalign.cli.app import app
from revalign.cli.common import ContractOption, JsonOption, console, print_json, resolve_contract
from revalign.contract.loader import default_contract, default_contract_text, load_contract
from revalign.contract.summary import contract_summary
from revalign.errors import ContractError

contract_app = typer.Typer(help="Validate and inspect the revenue contract.", no_args_is_help=True)
app.add_typer(contract_app, name="contract")

CONTRACT_FILE = "revalign.yaml"


@app.command("init")
def init(
    directory: Annotated[Path, typer.Argument(help="Where to write revalign.yaml.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the commented default contract to DIR/revalign.yaml."""
    target = directory / CONTRACT_FILE
    paths.check_writable_dir(directory, f"DIR {directory}")
    if target.exists():
        paths.check_writable_file(target, str(target), force=force)
    paths.make_dir(directory, f"DIR {directory}")
    target.write_text(default_contract_text(), "utf-8")
    typer.echo(f"Wrote {target} (version {default_contract().version})")


@contract_app.command("validate")
def validate(
    file: Annotated[Path, typer.Argument(help="The contract YAML.")] = Path(CONTRACT_FILE),
    json_out: JsonOption = False,
) -> None:
    """Check a contract; list every problem as file:line:column: field: message (exit 2)."""
    try:
        version = load_contract(file).version
    except ContractError as exc:
        if json_out:
            print_json({"valid": False, "errors": [vars(issue) for issue in exc.issues]})
        else:
            for issue in exc.issues:
                typer.echo(str(issue))
        raise typer.Exit(exc.exit_code) from None
    if json_out:
        print_json({"valid": True, "file": str(file), "version": version})
    else:
        typer.echo(f"OK {file} version {version}")


@contract_app.command("show")
def show(contract: ContractOption = None, json_out: JsonOption = False) -> None:
    """Summarise the contract in use: version, MQL threshold, SLAs, teams and reps."""
    summary = contract_summary(resolve_contract(contract))
    if json_out:
        print_json(summary)
        return
    console.print(
        f"[bold]{summary['name']}[/] version {summary['version']} "
        f"({summary['path']}), MQL threshold {summary['mql_threshold']}",
        highlight=False,
    )
    console.print(_slas_table(summary["slas"]))
    console.print(_teams_table(summary["teams"]))


def _slas_table(slas: dict[str, Any]) -> Table:
    table = Table("SLA", "target", title="SLAs")
    for name, value in slas.items():
        table.add_row(name, ", ".join(value) if isinstance(value, list) else str(value))
    return table


def _teams_table(teams: list[dict[str, Any]]) -> Table:
    table = Table("team", "hours", "holidays", "rep", "role", "time zone", "cap.", title="Teams")
    for team in teams:
        first = [team["id"], team["hours"], team["holidays_country"] or "-"]
        for rep in team["reps"]:
            row = [rep["id"], rep["role"], rep["timezone"], str(rep["capacity"])]
            table.add_row(*first, *row)
            first = ["", "", ""]
    return table
