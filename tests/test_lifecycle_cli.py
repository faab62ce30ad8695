"""`revalign lead ...` / `opp ...` / `explain` end to end on a SQLite ledger."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from _lifecycle import FIT_LEAD
from revalign.cli.app import run
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event, EventType


@pytest.fixture
def db(contract: VersionedContract, tmp_path: Path) -> str:
    from revalign.engine import open_engine

    url = f"sqlite:///{tmp_path / 'lead.db'}"
    at = datetime.now(UTC) - timedelta(hours=2)
    with open_engine(url, contract) as engine:
        engine.submit(
            [
                Event(
                    type=EventType.LEAD_CAPTURED,
                    source="form",
                    source_id="1",
                    occurred_at=at,
                    lead_id="L1",
                    payload=FIT_LEAD,
                )
            ]
        )
    return url


def test_lead_flow(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["lead", "qualify", "L1", "--by", "budi", "--field", "budget=1", "--db", db]) == 2
    assert "SQL needs an accepted SAL first" in capsys.readouterr().err
    assert run(["lead", "accept", "L1", "--by", "maya", "--db", db, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["stage"], shown["owner"]) == ("sal", "budi")
    assert {c["sla"] for c in shown["clocks"]} >= {"first_contact_standard", "disposition"}
    assert run(["lead", "touch", "L1", "--by", "budi", "--kind", "call", "--db", db]) == 0
    assert (
        run(["lead", "disqualify", "L1", "--by", "budi", "--reason", "no_response", "--db", db])
        == 2
    )
    assert "5 more touches and 14 more days" in capsys.readouterr().err
    fields = [
        "--field",
        "budget=50000",
        "--field",
        "authority=CFO",
        "--field",
        "need=crm",
        "--field",
        "timeline=Q1",
    ]
    assert run(["lead", "qualify", "L1", "--by", "budi", *fields, "--db", db]) == 0
    capsys.readouterr()
    opp = [
        "opp",
        "create",
        "L1",
        "--amount",
        "25000",
        "--decision-process",
        "CFO signs",
        "--stakeholder",
        "CFO",
        "--decision-date",
        (datetime.now(UTC) + timedelta(days=60)).date().isoformat(),  # never in the past
        "--db",
        db,
    ]
    assert run(opp) == 0
    assert run(["opp", "won", "OPP-L1", "--db", db, "--json"]) == 0
    out = capsys.readouterr().out
    won = json.loads(out[out.index('{\n  "opportunity_id"') :])
    assert (won["stage"], won["won"]) == ("closed_won", True)
    assert run(["lead", "show", "L1", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["stage"] == "won"
    assert run(["explain", "L1", "--db", db, "--json"]) == 0
    expl = json.loads(capsys.readouterr().out)
    assert round(sum(p["points"] for p in expl["parts"]), 2) == expl["score"]


def test_bad_field_and_unknown_lead(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["lead", "qualify", "L1", "--by", "b", "--field", "budget", "--db", db]) == 2
    assert "use NAME=VALUE" in capsys.readouterr().err
    assert run(["lead", "show", "NOPE", "--db", db]) == 2
    assert "no lead 'NOPE'" in capsys.readouterr().err
