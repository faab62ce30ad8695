"""Load and validate a contract file; compute its version. (Located errors: see issue 3.)"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from revalign.contract.schema import Contract, VersionedContract


def default_contract_text() -> str:
    """The commented default contract that `revalign init` writes."""
    return resources.files("revalign.contract").joinpath("default.yaml").read_text("utf-8")


def contract_version(contract: Contract) -> str:
    """sha256 of the canonical JSON of the validated contract, first 12 hex digits."""
    canonical = json.dumps(contract.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def parse_contract(text: str, path: str = "<contract>") -> VersionedContract:
    data: Any = yaml.safe_load(text)
    contract = Contract.model_validate(data)
    return VersionedContract(contract=contract, version=contract_version(contract), path=path)


def load_contract(path: str | Path) -> VersionedContract:
    p = Path(path)
    return parse_contract(p.read_text("utf-8"), str(p))


def default_contract() -> VersionedContract:
    return parse_contract(default_contract_text(), "default.yaml")
