"""Every ingest path reports the facts the funnel refused (row, source id, reason) in its
summary, its --json and its rejects file; facts in the future are bad rows."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from revalign.cli.app import run
from revalign.connectors.csv_ingest import ingest_file
from revalign.connectors.identity import lead_id_for
from revalign.connectors.state_lookup import EngineLookup
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event, EventType
from revalign.engine import open_engine

NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
# andi is a small company: a lead, never an MQL, so the SAL gate cannot accept him
LEADS = """email,title,company,employees,industry,country,source,created_at
andi@kecil.co.id,Manajer Pemasaran,Kecil,20,retail,ID,paid_social,2026-11-02T03:10:00Z
"""
STAGES = """email,occurred_at,event,by
andi@kecil.co.id,2026-11-03T04:00:00Z,sal_accepted,maya
"""
OPPS = """opportunity_id,created_at,amount,status,closed_at,decision_date
CRM-1,2026-11-05T10:00:00Z,900,won,2026-11-01T10:00:00Z,
CRM-2,2026-11-05T10:00:00Z,900,open,,2026-10-01
CRM-3,2026-11-05T10:00:00Z,900,won,2026-11-06T10:00:00Z,2026-11-06
"""


def rejects_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_refused_stage_move_is_reported(tmp_path: Path, contract: VersionedContract) -> None:
    leads, stages = tmp_path / "leads.csv", tmp_path / "stages.csv"
    leads.write_text(LEADS)
    stages.write_text(STAGES)
    with open_engine(f"sqlite:///{tmp_path / 'r.db'}", contract, clock=lambda: NOW) as engine:
        lookup = EngineLookup(engine)
        ingest_file(leads, "leads", engine, contract, lookup=lookup, now=NOW)
        report = ingest_file(stages, "stages", engine, contract, lookup=lookup, now=NOW)
        again = ingest_file(stages, "stages", engine, contract, lookup=lookup, now=NOW)
    assert (report.rows, report.accepted, report.rejected, report.refused) == (1, 0, 0, 1)
    (refusal,) = report.refusals
    assert (refusal.row, refusal.type) == (2, "stage.sal_accepted")
    assert refusal.reason.startswith(f"lead {lead_id_for('andi@kecil.co.id')} is lead;")
    assert refusal.source_id and report.new_events == 1  # stored, and refused by the core
    (line,) = rejects_of(stages.with_name("stages.rejects.csv"))
    assert line["row"] == "2" and line["reason"] == f"refused by the funnel: {refusal.reason}"
    # a re-import adds nothing and still says what was refused
    assert (again.new_events, again.refused, again.refusals) == (0, 1, report.refusals)


def test_dates_out_of_order_are_refused_with_rows(
    tmp_path: Path, contract: VersionedContract
) -> None:
    opps = tmp_path / "opps.csv"
    opps.write_text(OPPS)
    with open_engine(f"sqlite:///{tmp_path / 'r.db'}", contract, clock=lambda: NOW) as engine:
        report = ingest_file(opps, "opportunities", engine, contract, lookup=EngineLookup(engine))
        state = engine.state
    assert (report.rows, report.accepted, report.refused) == (3, 1, 2)
    by_row = {r.row: r for r in report.refusals}
    assert by_row[2].type == "opportunity.won" and "before it was created" in by_row[2].reason
    assert by_row[3].type == "opportunity.created"
    assert "decision date 2026-10-01 is in the past" in by_row[3].reason
    assert state.opportunities["CRM-1"].closed_at is None
    assert "CRM-2" not in state.opportunities
    assert state.opportunities["CRM-3"].won is True


def test_engine_refuses_out_of_order_facts_already_in_the_ledger(
    tmp_path: Path, contract: VersionedContract
) -> None:
    """The rule lives in the core, so facts another writer appended (or a replay) obey it."""
    db = f"sqlite:///{tmp_path / 'r.db'}"
    at = datetime(2026, 11, 5, tzinfo=UTC)

    def fact(type_: EventType, sid: str, when: datetime, payload: dict[str, str]) -> Event:
        return Event(type=type_, source="crm", source_id=sid, occurred_at=when,
                     opportunity_id="CRM-9", payload=payload)  # fmt: skip

    with open_engine(db, contract, clock=lambda: NOW) as engine:
        engine.ledger.append([
            fact(EventType.OPPORTUNITY_CREATED, "c", at, {"amount": "5", "currency": "USD"}),
            fact(EventType.OPPORTUNITY_LOST, "l", at - timedelta(days=2),
                 {"currency": "USD", "reason": "competitor"}),
        ])  # fmt: skip
        engine.run()
        assert engine.state.opportunities["CRM-9"].closed_at is None
        assert any("before it was created" in r for r in engine.state.refused.values())


@pytest.mark.parametrize(
    ("created", "tolerance", "ok"),
    [
        ("2026-11-11T11:00:00Z", timedelta(days=1), True),  # 23 h ahead: clocks differ
        ("2026-11-11T13:00:00Z", timedelta(days=1), False),
        ("2026-11-11T13:00:00Z", timedelta(days=2), True),
        ("2099-01-01", timedelta(days=1), False),
    ],
)
def test_future_facts_are_bad_rows(
    tmp_path: Path, contract: VersionedContract, created: str, tolerance: timedelta, ok: bool
) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text(f"email,created_at\nana@acme.example.com,{created}\n")
    with open_engine(f"sqlite:///{tmp_path / 'r.db'}", contract, clock=lambda: NOW) as engine:
        report = ingest_file(leads, "leads", engine, contract, now=NOW, future_tolerance=tolerance)
    assert (report.accepted, report.rejected) == ((1, 0) if ok else (0, 1))
    if not ok:
        (line,) = rejects_of(tmp_path / "leads.rejects.csv")
        assert line["reason"].startswith("lead.captured at ")
        assert "is in the future: more than" in line["reason"]
        assert "after the import's now (2026-11-10T12:00:00+00:00)" in line["reason"]


def test_cli_summary_and_json_show_refusals(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leads, stages = tmp_path / "leads.csv", tmp_path / "stages.csv"
    leads.write_text(LEADS)
    stages.write_text(STAGES)
    db = f"sqlite:///{tmp_path / 'r.db'}"
    common = ["--db", db, "--now", "2026-11-10T12:00:00"]
    assert run(["ingest", str(leads), "--kind", "leads", *common]) == 0
    capsys.readouterr()
    assert run(["ingest", str(stages), "--kind", "stages", *common]) == 0
    text = " ".join(capsys.readouterr().out.split())  # rich wraps at the terminal width
    assert "1 rows, 0 accepted, 0 rejected, 1 refused by the funnel" in text
    assert "row 2: stage.sal_accepted refused: lead L-" in text
    assert run(["ingest", str(stages), "--kind", "stages", *common, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["refused"], out["new_events"]) == (1, 0)
    (refusal,) = out["refusals"]
    assert refusal["row"] == 2 and refusal["source_id"] and "SAL gate" in refusal["reason"]


def test_cli_future_tolerance_and_now(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text("email,created_at\nana@acme.example.com,2026-11-13T00:00:00Z\n")
    db = f"sqlite:///{tmp_path / 'r.db'}"
    base = ["ingest", str(leads), "--kind", "leads", "--db", db, "--json"]
    assert run([*base, "--now", "2026-11-10"]) == 0
    assert json.loads(capsys.readouterr().out)["rejected"] == 1
    assert run([*base, "--now", "2026-11-10", "--future-tolerance", "3"]) == 0
    assert json.loads(capsys.readouterr().out)["accepted"] == 1
