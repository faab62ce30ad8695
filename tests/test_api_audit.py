"""The audit trail: every write names its user, role, token id, request id and client, in
the event it produced; `GET /api/audit` and `revalign audit` list it with filters; the CLI
obeys the permission table under `--as`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from api_fixtures import REP, Served, serve
from revalign.cli.app import run


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from serve(tmp_path)


def _db(s: Served) -> str:
    return s.runtime.ledger.url


def test_a_write_records_who_did_it(served: Served) -> None:
    lead = served.lead("sal")
    headers = {**served.auth("rep"), "X-Request-ID": "req-42"}
    r = served.client.post(f"/api/leads/{lead}/touches", json={"kind": "call"}, headers=headers)
    assert r.status_code == 200 and r.headers["x-request-id"] == "req-42"
    touch = next(e for e in served.runtime.ledger.events_for(lead_id=lead) if e.source == "api")
    user = served.runtime.users.get("rep")
    assert touch.payload["actor"] == {
        "user": "rep",
        "user_id": user.id,
        "role": "rep",
        "token_id": user.token_id,
        "request_id": "req-42",
        "client": "testclient",
    }
    assert touch.payload["by"] == REP  # a rep always acts as their own rep id


def test_audit_lists_and_filters(served: Served) -> None:
    lead = served.lead("mql")
    other = served.lead("sal")
    served.client.post(f"/api/leads/{lead}/accept", json={}, headers=served.auth("sales_manager"))
    served.client.post(
        f"/api/leads/{other}/touches", json={"kind": "email"}, headers=served.auth("rep")
    )
    admin = served.auth("admin")
    items = served.client.get("/api/audit", headers=admin).json()["items"]
    assert [(i["user"], i["type"]) for i in items] == [
        ("sales_manager", "stage.sal_accepted"),
        ("rep", "rep.touch"),
    ]
    only = served.client.get("/api/audit?role=rep", headers=admin).json()["items"]
    assert [i["lead_id"] for i in only] == [other]
    page = served.client.get("/api/audit?limit=1", headers=admin).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = served.client.get(f"/api/audit?cursor={page['next_cursor']}", headers=admin).json()
    assert [i["user"] for i in rest["items"]] == ["rep"] and rest["next_cursor"] is None


def test_cli_as_user_obeys_the_table_and_is_audited(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    lead = served.lead("mql")
    db = _db(served)
    code = run(["--as", "marketing", "lead", "accept", lead, "--by", "x", "--db", db])
    assert code == 2 and "may not do sal.decide" in capsys.readouterr().err
    code = run(["--as", "sales_manager", "lead", "accept", lead, "--by", "maya", "--db", db])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    assert run(["audit", "--json", "--db", db]) == 0
    entries = orjson.loads(capsys.readouterr().out)
    assert [(e["user"], e["role"], e["client"]) for e in entries] == [
        ("sales_manager", "sales_manager", "cli"),
    ]
    assert run(["--as", "viewer", "audit", "--db", db]) == 2
    assert "may not do audit.read" in capsys.readouterr().err


def test_cli_as_a_rep_sees_only_their_leads(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    mine, theirs = served.lead("sal"), served.lead("sal", owner="putri")
    db = _db(served)
    assert run(["--as", "rep", "lead", "list", "--json", "--db", db]) == 0
    listed = {r["lead_id"] for r in orjson.loads(capsys.readouterr().out)}
    assert mine in listed and theirs not in listed
    assert run(["--as", "rep", "lead", "show", theirs, "--db", db]) == 2
    assert "no lead" in capsys.readouterr().err


def test_cli_user_commands(served: Served, capsys: pytest.CaptureFixture[str]) -> None:
    db = _db(served)
    assert (
        run(["user", "add", "nina", "--role", "rep", "--rep", "nina-1", "--json", "--db", db]) == 0
    )
    made = orjson.loads(capsys.readouterr().out)
    assert made["user"] == "nina" and made["role"] == "rep" and made["token"].startswith("rva_")
    assert served.runtime.users.authenticate_token(made["token"]).rep_id == "nina-1"
    assert run(["user", "rotate", "nina", "--json", "--db", db]) == 0
    rotated = orjson.loads(capsys.readouterr().out)["token"]
    assert rotated != made["token"]
    assert run(["user", "disable", "nina", "--db", db]) == 0
    capsys.readouterr()
    assert run(["user", "list", "--json", "--db", db]) == 0
    listed = {u["name"]: u for u in orjson.loads(capsys.readouterr().out)}
    assert listed["nina"]["disabled"] is True
    assert run(["--as", "rep", "user", "add", "x", "--role", "admin", "--db", db]) == 2
    assert run(["--as", "nina", "lead", "list", "--db", db]) == 2  # disabled


def test_password_stdin(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert (
        run(["user", "add", "pia", "--role", "viewer", "--password-stdin", "--db", _db(served)])
        == 0
    )
    assert served.runtime.users.authenticate_password("pia", "a-long-password").name == "pia"
