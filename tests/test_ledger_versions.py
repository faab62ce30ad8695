"""Schema versions and first steps: older ledgers are migrated only by writers or `migrate`,
newer ones are refused everywhere, the demo's hint works as printed, verbs take `--at`."""

from __future__ import annotations

import json
import re
import shlex
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from _lifecycle import FIT_LEAD
from revalign.cli.app import run
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event, EventType
from revalign.errors import DatabaseError, LedgerMissing
from revalign.ledger import migrate, open_ledger
from revalign.ledger.connect import create_sql_engine, migrate_ledger

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday


def _ledger_at(url: str, revision: str) -> None:
    """A ledger migrated only up to `revision` (what an older revalign left behind)."""
    engine = create_sql_engine(url)
    cfg = migrate._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        try:
            command.upgrade(cfg, revision)
        finally:
            cfg.attributes.pop("connection", None)
    engine.dispose()


def _revision(url: str) -> str | None:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = migrate.current_revision(conn)
    engine.dispose()
    return found


def test_an_older_ledger_is_refused_by_reads_and_upgraded_by_migrate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _ledger_at(url, "0001")
    with pytest.raises(DatabaseError, match="older schema"):
        open_ledger(url, create=False)
    assert run(["status", "--db", url]) == 2
    assert f"run `revalign migrate --db {url}` first" in capsys.readouterr().err
    assert _revision(url) == "0001"  # the read changed nothing
    assert run(["migrate", "--db", url]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"from schema 0001 to {migrate.head_revision()}" in out
    assert run(["status", "--db", url, "--json"]) == 0


def test_writers_migrate_an_older_ledger_transparently(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    _ledger_at(url, "0001")
    open_ledger(url).close()  # create=True: the writers' path
    assert _revision(url) == migrate.head_revision()


def _ledger_then(url: str, sql: str) -> None:
    """A current ledger, then one statement that spoils it."""
    migrate_ledger(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(sql))
    engine.dispose()


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("update alembic_version set version_num = 'f00d_future'", "newer than this revalign"),
        ("drop table clocks", "damaged"),
    ],
)
def test_newer_and_damaged_ledgers_are_refused_by_every_path(
    tmp_path: Path, sql: str, message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'spoilt.db'}"
    _ledger_then(url, sql)
    for create in (True, False):
        with pytest.raises(DatabaseError, match=message):
            open_ledger(url, create=create)
    with pytest.raises(DatabaseError, match=message):
        migrate_ledger(url)


def test_reads_refuse_missing_and_in_memory_ledgers(tmp_path: Path) -> None:
    with pytest.raises(LedgerMissing, match="in-memory"):
        open_ledger("sqlite://", create=False)
    with pytest.raises(LedgerMissing, match=r"folder .* does not exist"):
        open_ledger(f"sqlite:///{tmp_path / 'no' / 'x.db'}", create=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.postgres
def test_reading_an_empty_postgres_schema_creates_no_table(
    pg_schema_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["status", "--db", pg_schema_url]) == 2
    assert "no ledger at" in capsys.readouterr().err
    engine = sa.create_engine(pg_schema_url)
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == []
    engine.dispose()
    assert run(["migrate", "--db", pg_schema_url]) == 0
    assert run(["status", "--db", pg_schema_url, "--json"]) == 0


@pytest.mark.postgres
def test_postgres_errors_are_classified(pg_server_url: str) -> None:
    url = sa.make_url(pg_server_url)
    cases = {
        "the server refused the credentials": url.set(username="no_such_role_edges"),
        'database "no_such_db_edges" does not exist': url.set(database="no_such_db_edges"),
        "cannot connect": url.set(port=1),
    }
    for message, bad in cases.items():
        with pytest.raises(DatabaseError, match=message):
            open_ledger(bad.render_as_string(hide_password=False), create=False)


@pytest.mark.postgres
def test_postgres_permissions_are_user_errors(pg_schema_url: str) -> None:
    role = f"edges_ro_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg_schema_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'create role "{role}" login'))
    as_role = sa.make_url(pg_schema_url).set(username=role).render_as_string(False)
    try:
        with pytest.raises(DatabaseError, match="no usable schema"):
            open_ledger(as_role, create=False)
        schema = pg_schema_url.rsplit("%3D", 1)[1]
        with admin.begin() as conn:
            conn.execute(sa.text(f'grant usage on schema "{schema}" to "{role}"'))
        with pytest.raises(DatabaseError, match="permission denied"):
            open_ledger(as_role)  # may not create tables there
        migrate_ledger(pg_schema_url)
        with pytest.raises(DatabaseError, match="permission denied"):
            open_ledger(as_role, create=False)  # may not read them
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'drop owned by "{role}"'))
            conn.execute(sa.text(f'drop role "{role}"'))
        admin.dispose()


def test_the_demo_hint_works_as_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REVALIGN_DB", raising=False)
    assert run(["demo", "--leads", "10", "--db", "sqlite:///demo.db"]) == 0
    hint = re.search(r"next: `([^`]+)`", capsys.readouterr().out)
    assert hint and hint.group(1) == "revalign status --db sqlite:///demo.db"
    assert run([*shlex.split(hint.group(1))[1:], "--json"]) == 0
    stages = json.loads(capsys.readouterr().out)["stages"]
    assert sum(stages.values()) > 0  # it shows the demo, not an empty ledger
    assert not (tmp_path / "revalign.db").exists()


def test_lead_verbs_take_at(
    contract: VersionedContract, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from revalign.engine import open_engine

    url = f"sqlite:///{tmp_path / 'lead.db'}"
    captured = Event(EventType.LEAD_CAPTURED, "form", "1", T0, lead_id="L1", payload=FIT_LEAD)
    with open_engine(url, contract, clock=lambda: T0) as engine:
        engine.submit([captured])
    at = T0 + timedelta(hours=1)
    argv = ["lead", "accept", "L1", "--by", "maya", "--at", at.isoformat(), "--db", url]
    assert run(argv) == 0, capsys.readouterr().err
    ledger = open_ledger(url, create=False)
    try:
        accepted = [e for e in ledger.read() if e.type == EventType.SAL_ACCEPTED]
    finally:
        ledger.close()
    assert [e.occurred_at for e in accepted] == [at]
