"""Load and validate a contract file with located errors; compute its version.

Validation runs in three passes and reports everything it finds at once:
YAML (syntax and duplicate keys, with marks) -> shape (pydantic, every field error) ->
references (ids unique, routing and managers name real teams and reps).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from revalign.contract.locate import ROOT, format_path, issue_at, validation_issues
from revalign.contract.references import reference_problems
from revalign.contract.schema import Contract, VersionedContract
from revalign.contract.version import content_hash
from revalign.contract.yaml_nodes import YamlSyntaxError, compose_located
from revalign.errors import ContractError, InputError, Issue

__all__ = [
    "contract_version",
    "default_contract",
    "default_contract_text",
    "load_contract",
    "parse_contract",
]


def default_contract_text() -> str:
    """The commented default contract that `revalign init` writes."""
    return resources.files("revalign.contract").joinpath("default.yaml").read_text("utf-8")


def contract_version(contract: Contract) -> str:
    """sha256 of the canonical JSON of the validated contract, first 12 hex digits.

    Comments, key order, quoting and layout do not change it; any value does.
    """
    return content_hash(contract)


def parse_contract(text: str, path: str = "<contract>") -> VersionedContract:
    """Validate contract text; raise ContractError listing every located issue."""
    try:
        located = compose_located(text)
    except YamlSyntaxError as exc:
        issue = Issue(path, exc.mark.line, exc.mark.column, "(syntax)", exc.message)
        raise ContractError([issue]) from None
    issues = [
        Issue(path, mark.line, mark.column, format_path(where), message)
        for where, mark, message in located.problems
    ]
    if located.data is None:
        issues.append(Issue(path, 1, 1, ROOT, "the contract is empty"))
        raise ContractError(issues)
    try:
        contract = Contract.model_validate(located.data, context={"references": False})
    except ValidationError as exc:
        issues += validation_issues(exc, located, path, Contract)
        raise ContractError(_in_file_order(issues)) from None
    for where, message, on_key in reference_problems(contract):
        issues.append(issue_at(path, where, located, message, on_key))
    if issues:
        raise ContractError(_in_file_order(issues))
    return VersionedContract(contract=contract, version=contract_version(contract), path=path)


def load_contract(path: str | Path) -> VersionedContract:
    """Read and validate a contract file (see `parse_contract`)."""
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except FileNotFoundError:
        raise InputError(f"contract file {p} does not exist (create one: revalign init)") from None
    except UnicodeDecodeError as exc:
        issue = Issue(str(p), 1, 1, "(syntax)", f"not UTF-8 text: {exc.reason}")
        raise ContractError([issue]) from None
    except OSError as exc:
        raise InputError(f"cannot read contract file {p}: {exc.strerror}") from None
    return parse_contract(text, str(p))


def default_contract() -> VersionedContract:
    """The built-in default contract (the brief's numbers)."""
    return parse_contract(default_contract_text(), "default.yaml")


def _in_file_order(issues: list[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda i: (i.line, i.column))
