"""`revalign status`, `run` and `rebuild` on a real ledger file."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import revalign.cli
from revalign.cli.app import run
from revalign.contract.schema import VersionedContract
from revalign.core.state import Stage
from revalign.engine import Engine
from revalign.ledger import open_ledger
from test_ledger_support import FAKE_CORE, T0, captured, projection_rows, workload

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_status_json_has_every_stage_with_current_counts(
    db: str, contract: VersionedContract
) -> None:
    led = open_ledger(db)
    engine = Engine(led, contract, lambda: T0, **FAKE_CORE)  # type: ignore[arg-type]
    engine.submit(workload())
    expected = Counter(lead.stage.value for lead in engine.state.leads.values())
    led.close()
    result = runner.invoke(revalign.cli.app, ["status", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    stages = json.loads(result.output)["stages"]
    assert list(stages) == [s.value for s in Stage]
    assert stages == {s.value: expected.get(s.value, 0) for s in Stage}
    assert stages["mql"] > 0 and stages["opportunity"] == 4


def test_status_table_shows_stages_and_conversion(db: str, contract: VersionedContract) -> None:
    led = open_ledger(db)
    Engine(led, contract, lambda: T0, **FAKE_CORE).submit(workload())  # type: ignore[arg-type]
    led.close()
    result = runner.invoke(revalign.cli.app, ["status", "--db", db])
    assert result.exit_code == 0, result.output
    assert "Funnel by current stage" in result.output and "Conversion" in result.output
    assert "disqualified" in result.output and "%" in result.output


def test_run_decides_pending_events_and_rebuild_keeps_the_projections(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REVALIGN_CONTRACT", raising=False)
    led = open_ledger(db)
    led.append([captured(i) for i in range(10)])  # another writer; nothing decided yet
    result = runner.invoke(revalign.cli.app, ["run", "--db", db])
    assert result.exit_code == 0, result.output
    assert "decided 10 pending events" in result.output
    assert led.checkpoint("engine") == led.last_seq() > 10
    before = projection_rows(led)
    assert len(before["leads"]) == 10
    result = runner.invoke(revalign.cli.app, ["rebuild", "--db", db])
    assert result.exit_code == 0, result.output
    assert f"rebuilt from {led.count()} events: 10 leads" in result.output
    assert projection_rows(led) == before
    led.close()


def test_run_ticks_clocks_due_now(db: str, contract: VersionedContract) -> None:
    led = open_ledger(db)
    Engine(led, contract, lambda: T0, **FAKE_CORE).submit(workload())  # type: ignore[arg-type]
    breaches = Engine(led, contract, lambda: T0, **FAKE_CORE).tick(T0 + timedelta(days=9))  # type: ignore[arg-type]
    assert breaches.new > 0
    led.close()


def test_a_bad_url_is_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["status", "--db", "nonsense"]) == 2
    assert "not a database URL" in capsys.readouterr().err
