"""`revalign person export|erase`: a person's data out, or gone (docs/privacy.md)."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from revalign.cli.app import app
from revalign.cli.common import (
    ContractOption,
    DbOption,
    JsonOption,
    console,
    print_json,
    resolve_contract,
)
from revalign.errors import InputError

person_app = typer.Typer(help="Personal data: export everything held about a person, or erase.")
app.add_typer(person_app, name="person")
EmailArg = Annotated[str, typer.Argument(help="The person's e-mail (exact, any case).")]


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. a container without a passwd entry)
        return "cli"


def _writable(out: Path, force: bool) -> None:
    if out.is_dir():
        raise InputError(f"--out {out}: is a directory; give a file name")
    if out.exists() and not force:
        raise InputError(f"--out {out}: exists; add --force to overwrite")
    if not out.parent.exists():
        raise InputError(f"--out {out}: folder {out.parent} does not exist")


@person_app.command("export")
def export(email: EmailArg,
           out: Annotated[Path | None, typer.Option("--out", help="Write JSON here.")] = None,
           force: Annotated[bool, typer.Option("--force", help="Overwrite --out.")] = False,
           db: DbOption = None) -> None:  # fmt: skip
    """Everything held about a person (events, projections, attributes) as JSON."""
    from revalign.cli.common import open_existing_ledger
    from revalign.privacy import export_person

    if out is not None:
        _writable(out, force)
    ledger = open_existing_ledger(db)
    try:
        data = export_person(ledger, email)
    finally:
        ledger.close()
    if out is None:
        print_json(data)
        return
    try:
        out.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--out {out}: cannot write ({exc.strerror})") from None
    events = sum(len(lead["events"]) for lead in data["leads"])
    console.print(f"wrote {out}: {len(data['leads'])} lead(s), {events} events")


@person_app.command("erase")
def erase(email: EmailArg,
          yes: Annotated[bool, typer.Option("--yes", help="Do not ask (no undo).")] = False,
          by: Annotated[str | None, typer.Option(help="Who erases (default: login).")] = None,
          reason: Annotated[str | None, typer.Option(help="e.g. a request number.")] = None,
          vacuum_full: Annotated[bool, typer.Option(
              "--vacuum-full", help="PostgreSQL: VACUUM FULL (rewrites the tables).")] = False,
          db: DbOption = None, contract: ContractOption = None,
          json_out: JsonOption = False) -> None:  # fmt: skip
    """Erase a person from the ledger and every projection; counts and metrics stay."""
    from revalign.cli.common import open_verb_engine
    from revalign.privacy import erase_person

    if not yes:
        if not sys.stdin.isatty():
            raise InputError("erasure cannot be undone: add --yes to confirm")
        typer.confirm(f"Erase {email} for good?", abort=True)
    engine = open_verb_engine(db, resolve_contract(contract))
    try:
        report = erase_person(engine, email, by or _user(), reason=reason,
                              vacuum_full=vacuum_full)  # fmt: skip
    finally:
        engine.close()
    if json_out:
        print_json(report.to_dict())
    elif report.already_erased:
        console.print(
            f"{email}: already erased ({', '.join(report.lead_ids)}); {report.compaction}"
        )
    else:
        console.print(f"erased {', '.join(report.lead_ids)}: {report.events_redacted} events "
                      f"redacted, person.erased recorded; {report.compaction}")  # fmt: skip
