"""Ingest end to end: the real engine and ledger (SQLite), and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from revalign.cli.app import run
from revalign.connectors.csv_ingest import ingest_file
from revalign.connectors.state_lookup import EngineLookup
from revalign.contract.schema import VersionedContract
from revalign.core.state import Stage
from revalign.engine import open_engine

LEADS = """email,first_name,title,company,employees,industry,country,source,campaign,created_at
dewi@acme.co.id,Dewi,Direktur Pemasaran,Acme,120,software,Indonesia,partner,,2026-11-02T03:00
andi@kecil.co.id,Andi,Manajer Pemasaran,Kecil,20,retail,ID,paid_social,,2026-11-02T03:10
not-an-email,X,CEO,Y,100,software,ID,organic,seo-content,2026-11-02T03:10:00Z
"""
TOUCHES = """email,occurred_at,kind,channel,campaign
andi@kecil.co.id,2026-11-02T04:00:00Z,demo_request,paid_social,paid-social-q4
andi@kecil.co.id,2026-11-02T05:00:00Z,pricing_page,paid_social,paid-social-q4
andi@kecil.co.id,2026-11-02T05:30:00Z,content_download,paid_social,paid-social-q4
andi@kecil.co.id,2026-11-02T06:00:00Z,teleport,paid_social,paid-social-q4
"""


def _events(db: str) -> list[tuple[int, str, str, str]]:
    from revalign.ledger import open_ledger

    ledger = open_ledger(db)
    try:
        return [(e.seq or 0, e.type.value, e.source, e.source_id) for e in ledger.read()]
    finally:
        ledger.close()


def test_ingest_into_the_engine_twice(tmp_path: Path, contract: VersionedContract) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    leads = tmp_path / "leads.csv"
    leads.write_text(LEADS, encoding="utf-8")
    touches = tmp_path / "touches.csv"
    touches.write_text(TOUCHES, encoding="utf-8")
    with open_engine(db, contract) as engine:
        lookup = EngineLookup(engine)
        first = ingest_file(leads, "leads", engine, contract, lookup=lookup)
        ingest_file(touches, "touches", engine, contract, lookup=lookup)
        state = engine.state
        assert state.leads[_id("dewi@acme.co.id")].stage is Stage.MQL  # fit 60 at capture
        assert state.leads[_id("andi@kecil.co.id")].stage is Stage.MQL  # demo request
        assert state.leads[_id("andi@kecil.co.id")].high_intent
    assert (first.accepted, first.rejected, first.new_events) == (2, 1, 2)
    assert first.derived > 0
    before = _events(db)
    with open_engine(db, contract) as engine:
        lookup = EngineLookup(engine)
        again = ingest_file(leads, "leads", engine, contract, lookup=lookup)
        again_t = ingest_file(touches, "touches", engine, contract, lookup=lookup)
    assert (again.new_events, again.derived, again_t.new_events, again_t.derived) == (0, 0, 0, 0)
    assert again_t.duplicates == 3
    assert _events(db) == before


def _id(email: str) -> str:
    from revalign.connectors.identity import lead_id_for

    return lead_id_for(email)


def test_cli_ingest_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text(LEADS, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'r.db'}"
    assert run(["ingest", str(leads), "--kind", "leads", "--db", db, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("rows", "accepted", "rejected", "new_events", "duplicates")} == {
        "rows": 3, "accepted": 2, "rejected": 1, "new_events": 2, "duplicates": 0,
    }  # fmt: skip
    assert out["rejects_file"] == str(tmp_path / "leads.rejects.csv")
    assert run(["ingest", str(leads), "--kind", "leads", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["new_events"] == 0


def test_cli_file_not_found_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'r.db'}"
    code = run(["ingest", str(tmp_path / "nope.csv"), "--kind", "leads", "--db", db])
    assert code == 2
    assert "no such file" in capsys.readouterr().err


def test_cli_unknown_kind_exits_2(tmp_path: Path) -> None:
    assert run(["ingest", "x.csv", "--kind", "people", "--db", "sqlite:///:memory:"]) == 2
