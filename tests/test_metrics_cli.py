"""`revalign metrics`: JSON, CSV and table output over a real ledger."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

import revalign.cli  # noqa: F401  (registers the commands)
from metrics_sample import EXPECTED, sample_events
from revalign.analytics.metrics import METRICS
from revalign.cli.app import app, run
from revalign.ledger import open_ledger

AS_OF = "2026-11-30T12:00:00+00:00"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('metrics') / 'ledger.db'}"
    ledger = open_ledger(url)
    try:
        ledger.append([replace(e, seq=None) for e in sample_events()])
    finally:
        ledger.close()
    return url


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(app, ["metrics", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_json_overall_has_every_metric(db: str, tmp_path: Path) -> None:
    data = json.loads(_invoke("--db", db, "--as-of", AS_OF, "--json"))
    assert set(data) == {"metrics", "null_reasons", "details", "excluded"}
    assert data["null_reasons"] == {}  # the sample funnel gives every metric
    money = {m.name for m in METRICS if m.unit == "money"}
    exact = {
        k: Decimal(v) if k in money and v is not None else v for k, v in data["metrics"].items()
    }
    assert exact == EXPECTED
    assert data["metrics"]["won_revenue"] == "17000.00"  # money: a decimal string
    assert data["excluded"] == {}
    assert data["details"]["sal_rejection_reasons"] == {"duplicate": 1, "wrong_size": 1}


def test_json_by_dimension_gives_rows(db: str) -> None:
    data = json.loads(_invoke("--db", db, "--as-of", AS_OF, "--json", "--by", "segment"))
    assert list(data) == ["rows", "excluded"]
    segments = [row["segment"] for row in data["rows"]]
    assert segments == ["1-49", "50-500", "501+", "unknown"]
    assert all(len(row) == len(METRICS) + 1 for row in data["rows"])
    assert sum(row["leads"] for row in data["rows"]) == 9
    assert data["rows"][0]["cost_per_sql"] is None  # costs have no segment


def test_csv_and_table(db: str) -> None:
    rows = list(csv.DictReader(io.StringIO(_invoke("--db", db, "--as-of", AS_OF, "--csv"))))
    assert {r["metric"]: r["value"] for r in rows}["mqls"] == "8"
    by_month = list(csv.DictReader(io.StringIO(
        _invoke("--db", db, "--as-of", AS_OF, "--csv", "--by", "month", "--cohort"))))  # fmt: skip
    assert [r["month"] for r in by_month] == ["2026-10", "2026-11"]
    table = _invoke("--db", db, "--as-of", AS_OF)
    assert "alignment_score" in table and "57.24" in table


def test_bad_options_are_user_errors(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["metrics", "--db", db, "--by", "planet"]) == 2
    assert "planet" in capsys.readouterr().err
    assert run(["metrics", "--db", db, "--engine", "postgres"]) == 2
    assert "--pg-url" in capsys.readouterr().err
    assert run(["metrics", "--db", db, "--as-of", "yesterday"]) == 2
