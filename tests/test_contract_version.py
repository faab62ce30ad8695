"""The version is a hash of the validated content: layout and comments do not change it."""

from __future__ import annotations

from decimal import Decimal

from revalign.contract.loader import contract_version, default_contract_text, parse_contract
from revalign.contract.schema import VersionedContract

TEXT = default_contract_text()


def version_of(text: str) -> str:
    return parse_contract(text, "revalign.yaml").version


def test_comments_and_blank_lines_do_not_change_the_version() -> None:
    stripped = "\n".join(
        line.split(" #")[0].rstrip()
        for line in TEXT.splitlines()
        if not line.lstrip().startswith("#")
    )
    padded = "# a new comment\n\n" + TEXT.replace("\nscoring:", "\n\n\nscoring:  # changed")
    assert version_of(stripped) == version_of(TEXT) == version_of(padded)


def test_quoting_and_flow_style_do_not_change_the_version() -> None:
    quoted = TEXT.replace("mql_threshold: 60 ", 'mql_threshold: "60" ').replace(
        "currency: USD ", "currency: 'USD' "
    )
    block = TEXT.replace(
        "demo_request: {points: 40, half_life_days: 30, cap: 40}",
        "demo_request:\n      points: 40\n      cap: 40\n      half_life_days: 30",
    )
    assert version_of(quoted) == version_of(block) == version_of(TEXT)


def test_writing_a_default_explicitly_does_not_change_the_version() -> None:
    # `role` defaults to "rep" and `out_of_office` to []: spelling them out is the same contract
    explicit = TEXT.replace(
        "{id: budi, name: Budi Santoso,",
        "{id: budi, name: Budi Santoso, role: rep, out_of_office: [],",
    )
    assert explicit != TEXT
    assert version_of(explicit) == version_of(TEXT)


def test_any_value_change_changes_the_version() -> None:
    base = version_of(TEXT)
    changes = [
        ("mql_threshold: 60", "mql_threshold: 61"),
        ("route_minutes: 5 ", "route_minutes: 6 "),
        ("{id: budi, name: Budi Santoso,", "{id: budi, name: Budi S.,"),
        ('"2027Q1": 1200000', '"2027Q1": 1200001'),
    ]
    versions = {version_of(TEXT.replace(old, new, 1)) for old, new in changes}
    assert base not in versions
    assert len(versions) == len(changes)


def test_versioned_contract_without_a_version_gets_the_content_hash() -> None:
    contract = parse_contract(TEXT).contract
    changed = contract.model_copy(
        update={"targets": contract.targets.model_copy(update={"mql_per_month": 500})}
    )
    assert VersionedContract(contract=contract).version == contract_version(contract)
    assert VersionedContract(contract=changed).version == contract_version(changed)
    assert contract_version(changed) != contract_version(contract)
    assert VersionedContract(contract=contract, version="pinned").version == "pinned"
    assert changed.targets.revenue_per_quarter["2027Q1"] == Decimal(1200000)
