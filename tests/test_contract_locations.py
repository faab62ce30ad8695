"""Every key of the default contract, misspelt, is reported at exactly that key's position."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from revalign.contract.loader import default_contract_text, parse_contract
from revalign.contract.schema import Contract
from revalign.contract.yaml_nodes import compose_located
from revalign.errors import ContractError

TEXT = default_contract_text()
LINES = TEXT.splitlines(keepends=True)
LOCATED = compose_located(TEXT)
# every key position, except under `stages` (free text keys, any name is valid)
KEYS = sorted(
    {
        (place.key.line, place.key.column, path[-1])
        for path, place in LOCATED.places.items()
        if path and isinstance(path[-1], str) and path[0] != "stages"
    }
)


def misspell(line: int, column: int, key: str) -> str:
    text = LINES[line - 1]
    start = column - 1
    if text.startswith('"', start):  # a quoted key: "2027Q1"
        start += 1
    assert text[start : start + len(key)] == key
    lines = list(LINES)
    lines[line - 1] = text[:start] + "zz" + key + text[start + len(key) :]
    return "".join(lines)


def test_there_are_many_keys_to_check() -> None:
    assert len(KEYS) > 250


@pytest.mark.parametrize(("line", "column", "key"), KEYS, ids=[f"{k}@{ln}" for ln, _, k in KEYS])
def test_misspelt_key_is_located_at_the_key(line: int, column: int, key: str) -> None:
    with pytest.raises(ContractError) as caught:
        parse_contract(misspell(line, column, key), "revalign.yaml")
    positions = {(issue.line, issue.column) for issue in caught.value.issues}
    assert (line, column) in positions


def test_model_validation_outside_the_loader_still_checks_references() -> None:
    data = LOCATED.data
    data = {**data, "routing": {**data["routing"], "fallback_team": "nowhere"}}
    with pytest.raises(ValidationError, match="unknown team 'nowhere'"):
        Contract.model_validate(data)
