"""`revalign connect`, `sync`, `reconcile`, `conflicts` against the fake HubSpot; settings,
secrets files, the contract's ownership section and the sync tables."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_hubspot import FakeHubSpot
from revalign.cli.app import run
from revalign.connectors.sync.settings import load_settings, redacted
from revalign.contract.loader import default_contract, load_contract
from revalign.errors import ContractError, InputError
from test_sync_crash import contract_file
from test_sync_hubspot import hot, person


@pytest.fixture
def hs(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHubSpot]:
    with FakeHubSpot() as fake:
        monkeypatch.setenv("REVALIGN_HUBSPOT_TOKEN", fake.token)
        monkeypatch.setenv("REVALIGN_HUBSPOT_URL", fake.url)
        yield fake


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = run(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out + out.err


def test_connect_shows_what_is_set_but_never_the_secret(
    hs: FakeHubSpot, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = cli(capsys, "connect", "hubspot", "--check")
    assert code == 0 and hs.token not in out
    assert "token: ***" in out and "read contacts" in out
    code, out = cli(capsys, "connect", "hubspot", "--check", "--json")
    data = json.loads(out)
    assert data["settings"]["token"] == "***" and all(c["ok"] for c in data["checks"])


def test_connect_check_fails_with_exit_2_on_a_bad_token(
    hs: FakeHubSpot, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REVALIGN_HUBSPOT_TOKEN", "pat-revoked")
    code, out = cli(capsys, "connect", "hubspot", "--check")
    assert code == 2 and "refused the token" in out and "pat-revoked" not in out


def test_sync_reconcile_and_conflicts_through_the_cli(
    hs: FakeHubSpot, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    contract = str(contract_file(tmp_path))
    cid = hot(hs, 1)
    hs.add("contacts", person(2))
    code, out = cli(capsys, "sync", "hubspot", "--dry-run", "--db", db, "--contract", contract)
    assert code == 0 and "would add lead.captured" in out and not hs.updates
    code, out = cli(
        capsys, "sync", "hubspot", "--once", "--db", db, "--contract", contract, "--json"
    )
    assert code == 0 and json.loads(out)["new"] == 3
    owner = hs.props("contacts", cid)["hubspot_owner_id"]
    hs.set("contacts", cid, hubspot_owner_id="105" if owner != "105" else "104")
    code, out = cli(
        capsys, "reconcile", "--system", "hubspot", "--db", db, "--contract", contract, "--json"
    )
    assert code == 0 and json.loads(out)["by_cause"] == {"stale": 1}
    code, out = cli(capsys, "sync", "hubspot", "--db", db, "--contract", contract)
    assert code == 0 and "1 conflicts" in out
    code, out = cli(capsys, "conflicts", "--db", db, "--json")
    rows = json.loads(out)
    assert len(rows) == 1 and rows[0]["field"] == "owner" and rows[0]["resolution"] == "kept_ours"
    code, out = cli(capsys, "reconcile", "--db", db, "--contract", contract)
    assert code == 0 and "0 mismatches" in out


def test_bad_invocations_are_one_line_errors(
    hs: FakeHubSpot, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    assert cli(capsys, "sync", "zoho", "--db", db)[0] == 2
    assert cli(capsys, "sync", "hubspot", "--once", "--follow", "--db", db)[0] == 2
    assert cli(capsys, "reconcile", "--dry-run", "--db", db)[0] == 2
    code, out = cli(capsys, "sync", "salesforce", "--db", db)
    assert code == 2 and "REVALIGN_SALESFORCE_SESSION_ID" in out


def test_settings_from_a_secrets_file_the_environment_wins(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.env"
    secrets.write_text(
        "# revalign\nREVALIGN_HUBSPOT_TOKEN=from-file\nREVALIGN_HUBSPOT_URL='http://x'\n"
    )
    got = load_settings("hubspot", secrets=secrets, env={"REVALIGN_HUBSPOT_TOKEN": "from-env"})
    assert got == {"token": "from-env", "url": "http://x"}
    assert redacted(got) == {"token": "***", "url": "http://x"}
    secrets.write_text("garbage\n")
    with pytest.raises(InputError, match=r"secrets\.env:1: expected KEY=VALUE"):
        load_settings("hubspot", secrets=secrets, env={})


def test_ownership_errors_are_located_and_the_default_version_is_unchanged(tmp_path: Path) -> None:
    assert default_contract().version == "a757db027a16"  # the sync section adds only defaults
    source = Path(__file__).resolve().parents[1] / "src" / "revalign" / "contract" / "default.yaml"
    text = source.read_text(encoding="utf-8")
    bad = text.replace(
        "lead: {owner: revalign, stage: revalign", "lead: {owner: revalign, stage: hubspot"
    )
    bad = bad.replace("opportunity: {amount: salesforce,", "opportunity: {amount: zoho,")
    path = tmp_path / "c.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ContractError) as caught:
        load_contract(path)
    issues = {i.path: i for i in caught.value.issues}
    assert "decided by revalign only" in issues["sync.ownership.lead"].message
    assert issues["sync.ownership.opportunity.amount"].line > issues["sync.ownership.lead"].line


def test_the_worker_runs_the_sync_each_step(
    hs: FakeHubSpot, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    contract = str(contract_file(tmp_path))
    assert cli(capsys, "sync", "hubspot", "--db", db, "--contract", contract)[0] == 0
    hs.add("contacts", person(3))
    code, out = cli(
        capsys, "worker", "--once", "--sync", "hubspot", "--db", db, "--contract", contract
    )
    assert code == 0 and "sync hubspot: 1 new facts" in out
