"""Options and helpers every CLI command shares: database URL, contract, output format."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from revalign.contract.loader import default_contract, load_contract
from revalign.contract.schema import VersionedContract

console = Console()

DEFAULT_DB_URL = "sqlite:///revalign.db"

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Ledger URL (sqlite:///file.db or postgresql+psycopg://...). "
        "Default: $REVALIGN_DB or sqlite:///revalign.db",
    ),
]
ContractOption = Annotated[
    Path | None,
    typer.Option(
        "--contract",
        help="Contract YAML. Default: $REVALIGN_CONTRACT, ./revalign.yaml, "
        "or the built-in default contract.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def resolve_db_url(db: str | None) -> str:
    """--db, then $REVALIGN_DB, then ./revalign.db."""
    return db or os.environ.get("REVALIGN_DB") or DEFAULT_DB_URL


def resolve_contract(path: Path | None) -> VersionedContract:
    """--contract, then $REVALIGN_CONTRACT, then ./revalign.yaml, then the built-in default."""
    env = os.environ.get("REVALIGN_CONTRACT")
    chosen = path or (Path(env) if env else None)
    if chosen is None and Path("revalign.yaml").exists():
        chosen = Path("revalign.yaml")
    return load_contract(chosen) if chosen else default_contract()


def print_json(data: Any) -> None:
    """Machine output: plain JSON on stdout, no colour, Decimals and dates as strings."""
    typer.echo(json.dumps(data, indent=2, sort_keys=False, default=str))
