"""`person erase` on the demo: the person is gone from every byte, the funnel's numbers stay."""

from __future__ import annotations

import json
import sqlite3
import zlib
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

import revalign.cli  # noqa: F401  (registers the commands)
from revalign.cli.app import app, run

AS_OF = "2026-12-01T00:00:00+00:00"
PHONE = "+62 812 7788 1234"


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _person(db: str) -> dict[str, str]:
    """A won lead of the demo (events of every kind: touches, clocks, an opportunity)."""
    rows = json.loads(_cli("lead", "list", "--stage", "won", "--json", "--db", db))
    lead = rows[0]
    first, last = lead["name"].split(" ", 1)
    return {"email": lead["email"], "first": first, "last": last, "id": lead["lead_id"]}


def _numbers(db: str) -> tuple[str, ...]:
    return (
        _cli("status", "--json", "--db", db),
        _cli("metrics", "--json", "--as-of", AS_OF, "--db", db),
        _cli("metrics", "--json", "--as-of", AS_OF, "--by", "channel", "--db", db),
        _cli("attribution", "--model", "markov", "--json", "--db", db),
        _cli("plan", "--quarter", "2027Q1", "--json", "--db", db),
    )


def _holds(path: Path, needle: str) -> bool:
    return needle.lower().encode() in path.read_bytes().lower()


@pytest.fixture
def demo(tmp_path: Path) -> tuple[str, Path, dict[str, str]]:
    db_file = tmp_path / "ledger" / "demo.db"
    db_file.parent.mkdir()
    db = f"sqlite:///{db_file}"
    _cli("demo", "--leads", "200", "--db", db, "--out", str(tmp_path / "source-files"))
    person = _person(db)
    update = tmp_path / "source-files" / "phones.csv"  # a phone number, kept as an attribute
    update.write_text(f"email,created_at,phone\n{person['email']},2026-11-01T00:00:00Z,{PHONE}\n")
    _cli("ingest", str(update), "--kind", "leads", "--db", db)
    return db, db_file, person


def test_erase_leaves_no_trace_and_the_same_numbers(
    demo: tuple[str, Path, dict[str, str]], tmp_path: Path
) -> None:
    db, db_file, person = demo
    exported = json.loads(_cli("person", "export", person["email"].upper(), "--db", db))
    attributes = exported["leads"][0]["attributes"]
    assert attributes["phone"] == PHONE and exported["leads"][0]["lead_id"] == person["id"]
    assert _holds(db_file, person["email"])  # the search below can find what it looks for
    before = _numbers(db)

    _cli("person", "erase", person["email"], "--yes", "--by", "dpo", "--db", db)
    with closing(sqlite3.connect(db_file)) as conn:  # snapshots are compressed: look inside
        states = [zlib.decompress(r[0]).lower() for r in conn.execute("SELECT data FROM snapshots")]
    assert states and not [s for s in states if person["email"].lower().encode() in s]

    assert _numbers(db) == before
    derived = tmp_path / "ledger"  # files made from the ledger after the erasure
    (derived / "events.json").write_text(_cli("events", "--json", "--db", db))
    (derived / "leads.csv").write_text(_cli("lead", "list", "--csv", "--db", db))
    (derived / "metrics.csv").write_text(_cli("metrics", "--csv", "--by", "rep", "--db", db))
    _cli("rebuild", "--db", db)  # the projections folded again from the redacted ledger
    files = [p for p in derived.iterdir() if p.is_file()]
    assert db_file in files
    needles = (person["email"], f"{person['first']} {person['last']}", PHONE)
    found = [(p.name, n) for p in files for n in needles if _holds(p, n)]
    assert found == []
    assert not Path(f"{db_file}-wal").exists() or Path(f"{db_file}-wal").stat().st_size == 0
    assert _numbers(db) == before

    audit = json.loads(_cli("events", "--type", "person.erased", "--json", "--db", db))
    assert [(e["lead_id"], e["payload"]["by"]) for e in audit] == [(person["id"], "dpo")]
    assert person["email"] not in json.dumps(audit)
    assert json.loads(_cli("lead", "find", person["email"], "--json", "--db", db)) == []


def test_erase_twice_and_unknown_people(
    demo: tuple[str, Path, dict[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, _, person = demo
    _cli("person", "erase", person["email"], "--yes", "--db", db)
    again = json.loads(_cli("person", "erase", person["email"], "--yes", "--json", "--db", db))
    assert again["already_erased"] is True and again["lead_ids"] == [person["id"]]
    assert run(["person", "erase", "nobody@nowhere.test", "--yes", "--db", db]) == 2
    assert "no person" in capsys.readouterr().err
    assert run(["person", "erase", "x@y.test", "--db", db]) == 2  # stdin is not a terminal
    assert "--yes" in capsys.readouterr().err


def test_export_to_a_file(
    demo: tuple[str, Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _, person = demo
    out = tmp_path / "person.json"
    _cli("person", "export", person["email"], "--out", str(out), "--db", db)
    data = json.loads(out.read_text())
    kinds = {e["type"] for e in data["leads"][0]["events"]}
    assert {"lead.captured", "lead.updated", "opportunity.won"} <= kinds
    assert data["leads"][0]["clocks"] and data["leads"][0]["opportunities"]
    assert run(["person", "export", person["email"], "--out", str(out), "--db", db]) == 2
    assert "--force" in capsys.readouterr().err


def test_erase_on_postgresql(pg_schema_url: str, tmp_path: Path) -> None:
    pg_url = pg_schema_url
    _cli("demo", "--leads", "60", "--db", pg_url, "--out", str(tmp_path / "source-files"))
    person = _person(pg_url)
    before = _numbers(pg_url)
    out = _cli("person", "erase", person["email"], "--yes", "--vacuum-full", "--db", pg_url)
    assert "VACUUM (FULL, ANALYZE)" in out
    assert _numbers(pg_url) == before
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as conn:
            for table in ("events", "leads", "accounts", "opportunities", "clocks", "owners"):
                text = f"SELECT count(*) FROM {table} t WHERE t::text ILIKE :needle"
                for needle in (person["email"], f"{person['first']} {person['last']}"):
                    found = conn.execute(sa.text(text), {"needle": f"%{needle}%"}).scalar()
                    assert found == 0, (table, needle)
    finally:
        engine.dispose()


def test_a_reader_holding_old_pages_is_reported_then_finished(
    demo: tuple[str, Path, dict[str, str]],
) -> None:
    from revalign.contract.loader import default_contract
    from revalign.engine import open_engine
    from revalign.privacy import erase_person
    from revalign.privacy.erase import ErasureIncomplete

    db, db_file, person = demo
    reader = sqlite3.connect(db_file, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM events").fetchone()  # a snapshot with the old pages
    try:
        with open_engine(db, default_contract()) as engine, pytest.raises(ErasureIncomplete):
            erase_person(engine, person["email"], "dpo", wait_ms=0)
    finally:
        reader.close()
    with open_engine(db, default_contract()) as engine:
        report = erase_person(engine, person["email"], "dpo", wait_ms=0)
    assert report.already_erased
    wal = Path(f"{db_file}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert not _holds(db_file, person["email"])


def test_another_lead_that_mentions_the_person_keeps_its_own_data(
    demo: tuple[str, Path, dict[str, str]], tmp_path: Path
) -> None:
    db, db_file, person = demo
    other = tmp_path / "source-files" / "referral.csv"
    other.write_text(
        "email,created_at,first_name,last_name,referred_by\n"
        f"friend@example.org,2026-11-02T00:00:00Z,{person['first']},Other,{person['email']}\n"
    )
    _cli("ingest", str(other), "--kind", "leads", "--db", db)
    _cli("person", "erase", person["email"], "--yes", "--db", db)
    friend = json.loads(_cli("person", "export", "friend@example.org", "--db", db))["leads"][0]
    assert friend["lead"]["first_name"] == person["first"]  # same first name, another person
    captured = next(e for e in friend["events"] if e["type"] == "lead.captured")
    assert captured["payload"]["first_name"] == person["first"]
    assert captured["payload"]["attributes"]["referred_by"] == "[erased]"
    assert not _holds(db_file, person["email"])
    # the engine's rows after erasure are the rows a fold of the redacted ledger gives
    live = _projection_rows(db_file)
    _cli("rebuild", "--db", db)
    assert _projection_rows(db_file) == live


def _projection_rows(db_file: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db_file)
    try:
        return [
            row
            for table in ("leads", "accounts", "opportunities", "clocks", "owners")
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1")
        ]
    finally:
        conn.close()
