"""Who the CLI acts as: the local admin, or `revalign --as USER ...` (or $REVALIGN_AS).

The root callback records the name; verbs call `cli_caller(db)` to get the `Caller` the
services check, so the CLI obeys the same permission table as the API.
"""

from __future__ import annotations

import os

from revalign.auth.caller import LOCAL_ADMIN, Caller

AS_ENV = "REVALIGN_AS"
_acting: dict[str, str | None] = {"name": None}


def set_acting(name: str | None) -> None:
    """Remember `--as NAME` for this run (None: the local admin or $REVALIGN_AS)."""
    _acting["name"] = name


def acting_name() -> str | None:
    return _acting["name"] or os.environ.get(AS_ENV) or None


def cli_caller(db: str | None) -> Caller:
    """The caller of this CLI run; `--as` names an enabled user of the ledger at `db`."""
    name = acting_name()
    if name is None:
        return LOCAL_ADMIN
    from revalign.auth.users import UserStore
    from revalign.cli.common import open_existing_ledger

    ledger = open_existing_ledger(db)
    try:
        caller = UserStore(ledger.engine).caller_for(name)
    finally:
        ledger.close()
    return caller.at(client="cli")
