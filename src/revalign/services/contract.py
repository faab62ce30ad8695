"""The contract verbs: get it, validate a candidate, replace it (revops / admin only).

A replacement is validated first (located issues → ContractError, 422 with line and column),
then written atomically over the contract file; the previous text is kept beside it as
`<file>.<old version>.bak`, and the replacement is logged with the caller's audit record
(it produces no ledger event: the contract version is recorded on every event derived after).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from revalign.auth.caller import Caller
from revalign.auth.permissions import Action, require
from revalign.contract.loader import default_contract_text, parse_contract
from revalign.contract.schema import VersionedContract
from revalign.errors import Conflict, ContractError
from revalign.services.audit import actor
from revalign.services.views import ContractCheck, ContractView

log = logging.getLogger("revalign.audit")


def contract_text(path: Path | None) -> str:
    return path.read_text("utf-8") if path is not None else default_contract_text()


def get(current: VersionedContract, path: Path | None, caller: Caller) -> ContractView:
    """The contract in use: its version and its YAML text."""
    require(caller, Action.CONTRACT_READ)
    return ContractView(version=current.version, text=contract_text(path))


def validate(text: str, caller: Caller) -> ContractCheck:
    """Check a candidate contract; every problem with its line and column."""
    require(caller, Action.CONTRACT_READ)
    try:
        checked = parse_contract(text, "<upload>")
    except ContractError as exc:
        issues = [i.__dict__ for i in exc.issues]
        return ContractCheck(valid=False, version=None, issues=issues)
    return ContractCheck(valid=True, version=checked.version, issues=[])


def replace(text: str, path: Path | None, current: VersionedContract,
            caller: Caller) -> VersionedContract:  # fmt: skip
    """Validate and install a new contract; returns it (raises ContractError if invalid)."""
    require(caller, Action.CONTRACT_WRITE)
    if path is None:
        raise Conflict("this server runs the built-in contract: start it with --contract FILE")
    new = parse_contract(text, str(path))
    backup = path.with_name(f"{path.name}.{current.version}.bak")
    if not backup.exists():
        backup.write_text(contract_text(path), "utf-8")
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)  # atomic: a reader sees the old file or the new one
    log.info("contract replaced %s -> %s by %s", current.version, new.version, actor(caller))
    return new
