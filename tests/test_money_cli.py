"""`revalign ingest --kind fx` and the exclusions in `metrics --json` and `attribution`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from revalign.cli.app import run

COSTS = """campaign,channel,amount,currency,period_start,period_end
search-brand,paid_search,3000,USD,2026-10-01,2026-10-31
webinar-series,webinar,50000000,IDR,2026-11-01,2026-11-30
"""
FX = """date,currency,rate
2026-10-01,IDR,0.00006
2026-11-01,IDR,0.000065
2026-10-01,EUR,-1
2026-10-01,USD,1
"""


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    capsys.readouterr()
    assert run(list(args)) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def test_fx_file_turns_excluded_costs_into_converted_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    (tmp_path / "costs.csv").write_text(COSTS)
    (tmp_path / "fx.csv").write_text(FX)
    _json(capsys, "ingest", str(tmp_path / "costs.csv"), "--kind", "costs", "--db", db, "--json")
    before = _json(capsys, "metrics", "--db", db, "--as-of", "2026-11-30", "--json")
    assert before["excluded"] == {
        name: [{"currency": "IDR", "count": 1, "total": "50000000"}]
        for name in ("cost_per_sql", "cac")
    }
    report = _json(capsys, "ingest", str(tmp_path / "fx.csv"), "--kind", "fx", "--db", db,
                   "--json")  # fmt: skip
    assert report["accepted"] == 2 and report["rejected"] == 2  # a negative rate; USD to USD
    rejects = (tmp_path / "fx.rejects.csv").read_text()
    assert "rate must be a positive number" in rejects and "to itself" in rejects
    again = _json(capsys, "ingest", str(tmp_path / "fx.csv"), "--kind", "fx", "--db", db,
                  "--json")  # fmt: skip
    assert again["new_events"] == 0 and again["duplicates"] == 2
    after = _json(capsys, "metrics", "--db", db, "--as-of", "2026-11-30", "--json")
    assert after["excluded"] == {}
    attribution = _json(capsys, "attribution", "--model", "linear", "--db", db, "--json")
    assert attribution["cost"] == {"paid_search": "3000.00", "webinar": "3250.00"}
