"""`revalign plan`: measuring inputs from a ledger, the JSON report and the user errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from revalign.analytics.frames import frames_from_events
from revalign.analytics.planning.measure import plan_inputs_from_frames
from revalign.cli.app import run
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event, EventType

START = datetime(2025, 1, 1, tzinfo=UTC)


def history(months: int = 14) -> list[Event]:
    """Four leads a month: 2 reach MQL, SAL and SQL (10, 5, 15 days apart); one of those
    gets an opportunity 20 days later that is won (every other month) or lost 60 days on."""
    events: list[Event] = []

    def add(type: EventType, lead: str, at: datetime, opp: str | None = None, **p: object) -> None:
        n = len(events)
        events.append(Event(type, "test", f"e{n}", at, lead_id=lead, opportunity_id=opp,
                            payload=p))  # fmt: skip

    for m in range(months):
        base = START + timedelta(days=30 * m)
        for k in range(4):
            lead = f"L{m}-{k}"
            add(EventType.LEAD_CAPTURED, lead, base, email=f"{lead}@x.io",
                source="search" if k % 2 else "events")  # fmt: skip
            if k < 2:
                add(EventType.MQL_REACHED, lead, base + timedelta(days=10), score=70, threshold=60)
                add(EventType.SAL_ACCEPTED, lead, base + timedelta(days=15), by="maya")
                add(EventType.SQL_QUALIFIED, lead, base + timedelta(days=30), by="budi",
                    framework="bant", fields={})  # fmt: skip
        lead, opp = f"L{m}-0", f"O{m}"
        add(EventType.OPPORTUNITY_CREATED, lead, base + timedelta(days=50), opp,
            amount="10000", currency="USD")  # fmt: skip
        close = EventType.OPPORTUNITY_WON if m % 2 == 0 else EventType.OPPORTUNITY_LOST
        extra = {} if m % 2 == 0 else {"reason": "timing"}
        if m < months - 3:  # the last three stay open
            add(close, lead, base + timedelta(days=110), opp, amount="10000", currency="USD",
                **extra)  # fmt: skip
    return events


def test_inputs_measured_from_frames(contract: VersionedContract) -> None:
    inputs = plan_inputs_from_frames(frames_from_events(history()), contract.contract)
    r = inputs.rates
    assert (r.lead_to_mql, r.mql_to_sal, r.sal_to_sql) == (0.5, 1.0, 1.0)
    assert r.sql_to_opp == 0.5
    assert r.win_rate == pytest.approx(6 / 11)  # months 0..10 closed, even months won
    lags = inputs.lags
    assert (lags.lead_to_mql, lags.mql_to_sal, lags.sal_to_sql) == (10, 5, 15)
    assert (lags.sql_to_opp, lags.opp_to_won) == (20, 60)
    assert inputs.avg_deal_size == 10_000
    assert inputs.open_pipeline == 30_000
    assert inputs.seasonality is not None and len(inputs.seasonality) == 12
    assert inputs.run_rate["leads"] == pytest.approx(4, abs=1.4)


def test_short_history_means_flat_seasonality(contract: VersionedContract) -> None:
    inputs = plan_inputs_from_frames(frames_from_events(history(6)), contract.contract)
    assert inputs.seasonality is None
    assert inputs.seasonality_note.startswith("flat:")


def test_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from revalign.ledger import open_ledger

    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    ledger = open_ledger(url)
    ledger.append(history())
    ledger.close()
    args = ["plan", "--target", "600000", "--quarter", "2026Q3", "--db", url]
    assert run([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["needed"]["won_deals"] == pytest.approx(60)
    assert out["needed"]["opportunities"] == pytest.approx(60 * 11 / 6)
    assert out["capacity"]["sals_per_month"] > 0
    assert run(args) == 0
    assert "Plan 2026Q3" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "1000", "--quarter", "2027Q5"], "must look like 2027Q1"),
        (["--target", "-1000", "--quarter", "2027Q1"], "positive"),
        (["--quarter", "2031Q1"], "no revenue target for 2031Q1"),
    ],
)
def test_user_errors_exit_2(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert run(["plan", *args, "--db", url]) == 2
    assert message in " ".join(capsys.readouterr().err.split())


def test_empty_ledger_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert run(["migrate", "--db", url]) == 0  # an empty ledger (a missing one is refused)
    assert run(["plan", "--target", "1000", "--quarter", "2027Q1", "--db", url]) == 2
    assert "not enough history" in " ".join(capsys.readouterr().err.split())
