"""Options and helpers every CLI command shares: database URL, contract, output format."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from revalign.contract.loader import default_contract, load_contract
from revalign.contract.schema import VersionedContract
from revalign.errors import InputError

if TYPE_CHECKING:
    from revalign.engine import Engine
    from revalign.ledger import SqlLedger

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
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at", help="When it happened: ISO date or datetime (no zone: UTC). Default: now."
    ),
]


def resolve_db_url(db: str | None) -> str:
    """--db, then $REVALIGN_DB, then ./revalign.db."""
    return db or os.environ.get("REVALIGN_DB") or DEFAULT_DB_URL


def open_existing_ledger(db: str | None) -> SqlLedger:
    """The ledger for a read command: an existing one at this version's schema, or exit 2
    with a line saying how to create it. Never creates a file or a table."""
    from revalign.ledger import open_ledger

    return open_ledger(resolve_db_url(db), create=False)


def open_existing_engine(db: str | None, contract: VersionedContract, **kwargs: Any) -> Engine:
    """`open_existing_ledger` for commands that read through the engine (lead show, explain)."""
    from revalign.engine import open_engine

    return open_engine(resolve_db_url(db), contract, create=False, **kwargs)


def open_verb_engine(
    db: str | None, contract: VersionedContract, at: datetime | None = None,
    lead_id: str | None = None,
) -> Engine:  # fmt: skip
    """The engine for a write verb on existing leads (accept, touch, opp won…): a missing
    ledger is refused (no stray file), an older schema is migrated; `at` is the engine's now.
    With `lead_id`, a `LeadEngine`: a verb on that one lead starts from the projections."""
    from revalign.engine import open_engine, utc_now
    from revalign.ledger.connect import describe, ledger_exists, missing

    url = resolve_db_url(db)
    if not ledger_exists(url):
        raise missing(describe(url), url)
    clock = utc_now if at is None else (lambda: at)
    if lead_id is None:
        return open_engine(url, contract, clock=clock)
    from revalign.lead_engine import LeadEngine
    from revalign.ledger import open_ledger

    return LeadEngine(open_ledger(url), contract, clock, lead_id=lead_id)


def resolve_contract(path: Path | None) -> VersionedContract:
    """--contract, then $REVALIGN_CONTRACT, then ./revalign.yaml, then the built-in default."""
    env = os.environ.get("REVALIGN_CONTRACT")
    chosen = path or (Path(env) if env else None)
    if chosen is None and Path("revalign.yaml").exists():
        chosen = Path("revalign.yaml")
    return load_contract(chosen) if chosen else default_contract()


def parse_at(text: str | None, option: str = "--at") -> datetime | None:
    """An ISO date/datetime option as an aware UTC datetime (None: not given, i.e. now)."""
    if text is None:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"{option} {text!r} is not an ISO date or datetime") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def moment_or_now(text: str | None, option: str = "--at") -> datetime:
    """`parse_at`, or the wall clock when the option is not given."""
    return parse_at(text, option) or datetime.now(UTC)


def print_json(data: Any) -> None:
    """Machine output: plain JSON on stdout, no colour, Decimals and dates as strings."""
    typer.echo(json.dumps(data, indent=2, sort_keys=False, default=str))
