"""Users, tokens, passwords and the permission table (revalign.auth)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from revalign.auth import LOCAL_ADMIN, PERMISSIONS, Action, Caller, Role, can, can_see_lead
from revalign.auth.permissions import permission_table, require
from revalign.auth.users import UserStore
from revalign.core.state import LeadState
from revalign.errors import Conflict, Forbidden, InputError, NotFound, Unauthorized
from revalign.ledger import open_ledger

README = Path(__file__).parents[1] / "README.md"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[UserStore]:
    ledger = open_ledger(f"sqlite:///{tmp_path / 'u.db'}")
    yield UserStore(ledger.engine)
    ledger.close()


def test_token_authenticates_until_rotated_or_disabled(store: UserStore) -> None:
    user, token = store.add("ann", "rep", rep_id="R1")
    caller = store.authenticate_token(token)
    assert (caller.name, caller.role, caller.rep_id, caller.token_id) == (
        "ann", Role.REP, "R1", user.token_id,
    )  # fmt: skip
    assert store.authenticate_token(token) == caller  # the cached path agrees
    _, new = store.rotate("ann")
    with pytest.raises(Unauthorized):
        store.authenticate_token(token)
    assert store.authenticate_token(new).name == "ann"
    store.disable("ann")
    with pytest.raises(Unauthorized):
        store.authenticate_token(new)


@pytest.mark.parametrize("bad", ["", "Bearer x", "rva_", "rva_abc", "rva_0000_secret"])
def test_malformed_or_unknown_tokens_are_unauthorized(store: UserStore, bad: str) -> None:
    store.add("ann", "viewer")
    with pytest.raises(Unauthorized):
        store.authenticate_token(bad)


def test_token_with_the_right_id_and_a_wrong_secret_is_refused(store: UserStore) -> None:
    _, token = store.add("ann", "viewer")
    with pytest.raises(Unauthorized):
        store.authenticate_token(token[:-2] + ("xx" if not token.endswith("xx") else "yy"))


def test_only_hashes_are_stored(store: UserStore) -> None:
    _, token = store.add("ann", "viewer", password="correct horse")
    with store.engine.connect() as conn:
        dump = " ".join(str(v) for row in conn.exec_driver_sql("SELECT * FROM users") for v in row)
    assert token.split("_", 2)[2] not in dump and "correct horse" not in dump
    assert "scrypt$" in dump


def test_password_login(store: UserStore) -> None:
    store.add("ann", "marketing")
    with pytest.raises(Unauthorized):  # no password set yet
        store.authenticate_password("ann", "whatever1")
    store.set_password("ann", "s3cret-pass")
    assert store.authenticate_password("ann", "s3cret-pass").role == Role.MARKETING
    for name, pw in [("ann", "wrong-pass"), ("bob", "s3cret-pass")]:
        with pytest.raises(Unauthorized):
            store.authenticate_password(name, pw)
    with pytest.raises(InputError):
        store.set_password("ann", "short")


def test_add_checks_its_input(store: UserStore) -> None:
    store.add("ann", "admin")
    with pytest.raises(Conflict):
        store.add("ann", "viewer")
    with pytest.raises(InputError, match="unknown role"):
        store.add("bob", "boss")
    with pytest.raises(InputError, match="--rep"):
        store.add("bob", "rep")
    with pytest.raises(InputError, match="--team"):
        store.add("bob", "sales_manager")
    with pytest.raises(InputError):
        store.add("bad name!", "viewer")
    with pytest.raises(NotFound):
        store.disable("nobody")


def test_error_kinds_carry_http_status() -> None:
    assert [e.http_status for e in (NotFound, Conflict, InputError, Forbidden, Unauthorized)] == [
        404, 409, 422, 403, 401,
    ]  # fmt: skip


def test_the_table_covers_every_action_and_the_house_rules() -> None:
    assert set(PERMISSIONS) == set(Action)
    marketing = Caller("m", "m", Role.MARKETING)
    assert not can(marketing, Action.SAL_DECIDE) and can(marketing, Action.LEAD_READ)
    for role in Role:
        allowed = can(Caller("x", "x", role), Action.CONTRACT_WRITE)
        assert allowed == (role in (Role.ADMIN, Role.REVOPS))
    assert not can(Caller("v", "v", Role.VIEWER), Action.LEAD_READ)
    assert all(can(LOCAL_ADMIN, a) for a in Action)
    with pytest.raises(Forbidden):
        require(marketing, Action.SAL_DECIDE)


def test_row_rule_rep_own_manager_team() -> None:
    born = datetime(2026, 1, 1, tzinfo=UTC)
    lead = LeadState(lead_id="L1", email="a@b.c", created_at=born, owner="R1", team="east")
    assert can_see_lead(Caller("a", "a", Role.REP, rep_id="R1"), lead)
    assert not can_see_lead(Caller("b", "b", Role.REP, rep_id="R2"), lead)
    assert not can_see_lead(Caller("c", "c", Role.REP), lead)
    assert can_see_lead(Caller("d", "d", Role.SALES_MANAGER, team="east"), lead)
    assert not can_see_lead(Caller("e", "e", Role.SALES_MANAGER, team="west"), lead)
    assert can_see_lead(Caller("f", "f", Role.MARKETING), lead)


def test_readme_holds_the_generated_table() -> None:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- permissions:start -->\n(.*?)\n<!-- permissions:end -->", text, re.S)
    assert found is not None
    assert found.group(1) == permission_table()
