"""`ingest --kind forecasts|surveys`: rows to events, bad rows rejected; NPS by quarter."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

import revalign.cli  # noqa: F401  (registers the commands)
from ingest_fakes import FakeEngine
from revalign.analytics.frames import frames_from_events
from revalign.analytics.nps import by_quarter, cross_team_nps
from revalign.cli.app import app
from revalign.connectors.csv_ingest import ingest_file
from revalign.contract.schema import VersionedContract
from revalign.core.events import EventType

FORECASTS = """period,by,commit,best_case,submitted_at
2027q1,lena,120000,150000,2027-01-05T02:00:00Z
2027Q1,jake,90000,,2027-01-05T02:00:00Z
2027Q5,budi,1,,2027-01-05T02:00:00Z
2027Q1,wei,,,2027-01-05T02:00:00Z
2027Q1,putri,-5,,2027-01-05T02:00:00Z
"""
SURVEYS = """respondent,team,score,asked_at,comment
maya,sales,3,2026-11-16T03:00:00Z,no titles on the event leads
jake,Sales,9,2026-11-16T04:00:00Z,
rina,marketing,10,2026-11-16T05:00:00Z,
dewi,marketing,6,2026-08-16T05:00:00Z,
arief,finance,7,2026-11-16T05:00:00Z,
intan,marketing,11,2026-11-16T05:00:00Z,
"""


_NOW = datetime(2027, 1, 10, tzinfo=UTC)


def _ingest(
    tmp_path: Path, name: str, text: str, contract: VersionedContract, rejected: int
) -> FakeEngine:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    engine = FakeEngine()
    # a fixed import moment: rows dated after it (plus the tolerance) would be refused
    report = ingest_file(path, name.split(".")[0], engine, contract, lookup=engine, now=_NOW)
    assert report.rejected == rejected and report.rejects_file is not None
    return engine


def test_forecast_rows(tmp_path: Path, contract: VersionedContract) -> None:
    engine = _ingest(tmp_path, "forecasts.csv", FORECASTS, contract, 3)
    got = [(e.payload["by"], e.payload["period"], e.payload["category"], e.payload["amount"])
           for e in engine.events.values() if e.type is EventType.FORECAST_SUBMITTED]  # fmt: skip
    assert got == [("lena", "2027Q1", "commit", "120000"),
                   ("lena", "2027Q1", "best_case", "150000"),
                   ("jake", "2027Q1", "commit", "90000")]  # fmt: skip
    rejects = (tmp_path / "forecasts.rejects.csv").read_text(encoding="utf-8")
    assert "not a period" in rejects and "missing commit" in rejects and "negative" in rejects


def test_survey_rows_and_nps(tmp_path: Path, contract: VersionedContract) -> None:
    engine = _ingest(tmp_path, "surveys.csv", SURVEYS, contract, 2)
    answers = [e for e in engine.events.values() if e.type is EventType.SURVEY_RESPONSE]
    assert [(e.payload["respondent"], e.payload["team"], e.payload["about"]) for e in answers][
        :2
    ] == [("maya", "sales", "marketing"), ("jake", "sales", "marketing")]
    frames = frames_from_events(answers)
    rows = {r["quarter"]: r for r in by_quarter(frames)}
    assert rows["2026Q4"]["sales_of_marketing"] == 0.0  # 3 and 9: one each
    assert rows["2026Q4"]["marketing_of_sales"] == 100.0
    assert rows["2026Q4"]["cross_team_nps"] == 50.0
    assert rows["2026Q3"]["marketing_of_sales"] == -100.0
    assert rows["2026Q3"]["sales_of_marketing"] is None
    assert cross_team_nps(frames, datetime(2026, 12, 1, tzinfo=UTC))[:2] == (50.0, "2026Q4")
    assert cross_team_nps(frames, datetime(2027, 2, 1, tzinfo=UTC))[:2] == (50.0, "2026Q4")
    value, _, why = cross_team_nps(frames, datetime(2027, 5, 1, tzinfo=UTC))
    assert value is None and why == "no cross-team survey answers in 2027Q2 or 2027Q1"


def test_ingest_cli_kind_and_nps_command(tmp_path: Path) -> None:
    path = tmp_path / "surveys.csv"
    path.write_text(SURVEYS, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'n.db'}"
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(path), "--kind", "surveys", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["accepted"] == 4
    shown = runner.invoke(app, ["nps", "--db", db, "--json"])
    assert json.loads(shown.output)["quarters"][-1]["cross_team_nps"] == 50.0
    assert "cross-team NPS" in runner.invoke(app, ["nps", "--db", db]).output
