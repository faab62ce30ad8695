"""`revalign user add|list|disable|rotate|password`: API users, roles and tokens.

Tokens are printed once (add, rotate) and stored as scrypt hashes; `--password-stdin` reads a
web-login password from stdin. Only admin / revops may manage users (`--as` is checked).
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from revalign.auth.permissions import Action, require
from revalign.auth.users import User, UserStore
from revalign.cli.acting import cli_caller
from revalign.cli.app import app
from revalign.cli.common import DbOption, JsonOption, console, print_json, resolve_db_url
from revalign.cli.tables import print_records
from revalign.errors import InputError

user_app = typer.Typer(help="API users: roles, tokens (shown once) and web-login passwords.")
app.add_typer(user_app, name="user")

NameArg = Annotated[str, typer.Argument(help="The user name (letters, digits, . _ @ -).")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read a web-login password from stdin.")
]
_COLUMNS = ("name", "role", "rep_id", "team", "token_id", "disabled", "has_password", "created_at")


def _store(db: str | None) -> UserStore:
    """The user store on the existing ledger at --db (an older schema is migrated; a missing
    ledger is refused: create it with `revalign migrate` or `revalign demo`)."""
    from revalign.ledger import open_ledger
    from revalign.ledger.connect import describe, ledger_exists, missing

    url = resolve_db_url(db)
    if not ledger_exists(url):
        raise missing(describe(url), url)
    require(cli_caller(db), Action.USERS_ADMIN)
    return UserStore(open_ledger(url).engine)


def _read_password() -> str:
    text = sys.stdin.readline().rstrip("\r\n")
    if not text:
        raise InputError("--password-stdin: no password on stdin")
    return text


def _token_out(user: User, token: str, json_out: bool, verb: str) -> None:
    if json_out:
        print_json({"user": user.name, "role": user.role.value, "token": token})
        return
    console.print(f"{verb} user {user.name} ({user.role.value}). API token (shown once):")
    typer.echo(token)


@user_app.command("add")
def user_add(
    name: NameArg,
    role: Annotated[
        str, typer.Option("--role", help="admin, revops, marketing, sales_manager, rep, viewer.")
    ],
    rep: Annotated[str | None, typer.Option("--rep", help="The rep id (role rep).")] = None,
    team: Annotated[str | None, typer.Option("--team", help="The team (sales_manager).")] = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Add a user; prints its API token once (only a hash is stored)."""
    password = _read_password() if password_stdin else None
    store = _store(db)
    try:
        user, token = store.add(name, role, rep_id=rep, team=team, password=password)
    finally:
        store.engine.dispose()
    _token_out(user, token, json_out, "added")


@user_app.command("list")
def user_list(db: DbOption = None, json_out: JsonOption = False) -> None:
    """List users: role, rep / team binding, token id, disabled, password set."""
    store = _store(db)
    try:
        records = [u.model_dump(mode="json" if json_out else "python") for u in store.list()]
    finally:
        store.engine.dispose()
    print_records(records, _COLUMNS, all_columns=_COLUMNS, json_out=json_out,
                  title=f"{len(records)} users")  # fmt: skip


@user_app.command("disable")
def user_disable(name: NameArg, db: DbOption = None, json_out: JsonOption = False) -> None:
    """Disable a user: their token and password stop working at once."""
    store = _store(db)
    try:
        user = store.disable(name)
    finally:
        store.engine.dispose()
    if json_out:
        print_json(user.model_dump(mode="json"))
    else:
        console.print(f"disabled user {user.name}")


@user_app.command("rotate")
def user_rotate(name: NameArg, db: DbOption = None, json_out: JsonOption = False) -> None:
    """Give a user a new API token (printed once); the old one stops working."""
    store = _store(db)
    try:
        user, token = store.rotate(name)
    finally:
        store.engine.dispose()
    _token_out(user, token, json_out, "rotated")


@user_app.command("password")
def user_password(name: NameArg, password_stdin: PasswordStdin = False,
                  db: DbOption = None) -> None:  # fmt: skip
    """Set a user's web-login password, read from stdin (--password-stdin)."""
    if not password_stdin:
        raise InputError("give the password on stdin with --password-stdin")
    password = _read_password()
    store = _store(db)
    try:
        store.set_password(name, password)
    finally:
        store.engine.dispose()
    console.print(f"password set for {name}")
