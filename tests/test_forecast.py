"""System forecasts (stage-weighted, run-rate, bands), accuracy and bias, and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import revalign.cli  # noqa: F401  (registers the commands)
from revalign.analytics.forecast import accuracy, bias, run_rate, stage_weighted
from revalign.analytics.forecast_accuracy import forecast_metrics, score
from revalign.analytics.frames import Frames, frames_from_events
from revalign.cli.app import app, run
from revalign.core.events import Event, EventType

_N = iter(range(10**6))


def _e(type: EventType, at: str, opp: str | None = None, **payload: Any) -> Event:
    return Event(type=type, source="t", source_id=str(next(_N)), occurred_at=_t(at),
                 opportunity_id=opp, payload=payload)  # fmt: skip


def _t(at: str) -> datetime:
    return datetime.fromisoformat(at).replace(tzinfo=UTC)


def _opp(opp: str, created: str, amount: int, owner: str, close: str, stage: str = "discovery",
         outcome: tuple[str, str] | None = None) -> list[Event]:  # fmt: skip
    out = [_e(EventType.OPPORTUNITY_CREATED, created, opp, amount=str(amount), currency="USD",
              owner=owner, expected_close=close, stage="discovery")]  # fmt: skip
    if stage != "discovery":
        out.append(_e(EventType.OPPORTUNITY_STAGE_CHANGED, created[:8] + "20", opp, stage=stage))
    if outcome is not None:
        kind = EventType.OPPORTUNITY_WON if outcome[0] == "won" else EventType.OPPORTUNITY_LOST
        out.append(_e(kind, outcome[1], opp, amount=str(amount), currency="USD", reason="x"))
    return out


def _commit(period: str, by: str, amount: int, at: str) -> Event:
    return _e(EventType.FORECAST_SUBMITTED, at, period=period, amount=str(amount),
              currency="USD", by=by, category="commit")  # fmt: skip


@pytest.fixture(scope="module")
def frames() -> Frames:
    """History: 4 deals closed in Q3 (proposal deals win, discovery deals lose); Q4 open."""
    events = [
        *_opp("A", "2026-07-01", 10000, "ana", "2026-08-01", "proposal", ("won", "2026-08-01")),
        *_opp("B", "2026-07-02", 20000, "ana", "2026-08-15", "proposal", ("won", "2026-08-15")),
        *_opp("C", "2026-07-03", 5000, "bo", "2026-09-01", "discovery", ("lost", "2026-09-01")),
        *_opp("D", "2026-07-04", 8000, "bo", "2026-09-10", "proposal", ("lost", "2026-09-10")),
        *_opp("E", "2026-10-01", 30000, "ana", "2026-11-15", "proposal"),
        *_opp("F", "2026-10-02", 12000, "bo", "2026-12-20"),
        *_opp("G", "2026-10-03", 9000, "bo", "2027-02-01"),  # expected in Q1: not in Q4
        _commit("2026Q3", "ana", 45000, "2026-08-20T00:00"),
        _commit("2026Q3", "ana", 40000, "2026-09-20T00:00"),  # the latest counts
        _commit("2026Q3", "bo", 8000, "2026-09-21T00:00"),
        _commit("2026Q3", "bo", 99999, "2026-10-02T00:00"),  # after the quarter: ignored
        _commit("2026Q4", "ana", 50000, "2026-10-05T00:00"),
    ]
    return frames_from_events(events)


def test_accuracy_and_bias_definitions() -> None:
    assert accuracy(15000, 17000) == pytest.approx(1 - 2000 / 17000)
    assert bias(15000, 17000) == pytest.approx(-2000 / 17000)
    assert accuracy(1, 0) is None and bias(None, 5) is None
    assert accuracy(25000, 10000) == pytest.approx(-0.5)  # 2.5x over: negative accuracy


@given(st.floats(0, 1e7), st.floats(1, 1e7))
def test_accuracy_is_one_minus_absolute_bias(forecast: float, actual: float) -> None:
    a, b = accuracy(forecast, actual), bias(forecast, actual)
    assert a is not None and b is not None
    assert a == pytest.approx(1 - abs(b)) and a <= 1.0


def test_stage_win_rates_weight_the_open_deals(frames: Frames) -> None:
    f = stage_weighted(frames, "2026Q4", _t("2026-11-01"), "USD")
    # proposal: A, B won, D lost -> 2/3; discovery: all four entered it -> 2/4
    assert f.detail["win_rates"] == {"proposal": 0.6667, "discovery": 0.5}
    assert f.value == pytest.approx(30000 * 2 / 3 + 12000 * 0.5)
    assert f.low is not None and f.high is not None and f.low < f.value < f.high
    sd = (30000**2 * (2 / 3) * (1 / 3) + 12000**2 * 0.25) ** 0.5
    assert f.high - f.value == pytest.approx(1.6449 * sd)
    assert f.won_so_far == 0.0 and f.detail["open_deals"] == 2


def test_stage_weighted_without_history_is_null_with_a_reason(frames: Frames) -> None:
    f = stage_weighted(frames, "2026Q3", _t("2026-07-20"), "USD")
    assert f.value is None and f.reason is not None and "no opportunity closed" in f.reason


def test_a_past_period_is_what_was_won(frames: Frames) -> None:
    for method in (stage_weighted, run_rate):
        f = method(frames, "2026Q3", _t("2026-12-01"), "USD")
        assert f.value == f.won_so_far == 30000.0


def test_run_rate_and_its_band(frames: Frames) -> None:
    at = _t("2026-10-01")
    f = run_rate(frames, "2026Q4", at, "USD")
    history_days = (at - _t("2026-07-01")).days  # 92: the window is capped at 90
    assert f.detail["window_days"] == min(90, history_days)
    assert f.value == pytest.approx(30000 / 90 * 92)  # all 92 days of Q4 left
    assert f.low is not None and f.high is not None and f.low <= f.value <= f.high
    early = run_rate(frames, "2026Q3", _t("2026-07-15"), "USD")
    assert early.value is None and early.reason is not None


def test_scores_per_period_and_per_person(frames: Frames) -> None:
    as_of = _t("2026-12-01")
    (team,) = score(frames, as_of, "USD")
    assert team.period == "2026Q3" and team.actual == 30000.0
    assert team.forecast["submitted"] == 48000.0  # 40000 (ana's latest) + 8000
    assert team.as_of == _t("2026-09-21")  # the system is judged when the last commit came
    assert team.accuracy("submitted") == pytest.approx(1 - 18000 / 30000)
    people = {r.by: r for r in score(frames, as_of, "USD", by_person=True)}
    assert people["ana"].actual == 30000.0 and people["ana"].bias("submitted") == pytest.approx(
        1 / 3
    )
    assert people["bo"].actual == 0.0 and people["bo"].accuracy("submitted") is None
    values, reasons = forecast_metrics(frames, as_of, "USD")
    assert values["forecast_accuracy"] == pytest.approx(0.4) and reasons == {}
    none, why = forecast_metrics(frames, _t("2026-09-30"), "USD")
    assert none["forecast_accuracy"] is None and "no commit forecast" in why["forecast_bias"]


def _cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_submit_list_show_accuracy(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    _cli("migrate", "--db", db)  # a verb needs an existing ledger
    _cli("forecast", "submit", "--quarter", "2026q4", "--by", "ana", "--commit", "50000",
         "--best-case", "65000", "--at", "2026-10-05T09:00:00Z", "--db", db)  # fmt: skip
    listed = json.loads(_cli("forecast", "list", "--quarter", "2026Q4", "--db", db, "--json"))
    assert [(s["category"], s["amount"]) for s in listed["submissions"]] == [
        ("commit", 50000.0), ("best_case", 65000.0)
    ]  # fmt: skip
    shown = json.loads(_cli("forecast", "show", "--quarter", "2026Q4", "--as-of",
                            "2026-11-01T00:00:00Z", "--db", db, "--json"))  # fmt: skip
    assert shown["submitted"]["commit"] == 50000.0 and shown["submitted"]["best_case"] == 65000.0
    assert set(shown["system"]) == {"stage_weighted", "run_rate"}
    assert shown["system"]["run_rate"]["reason"].startswith("less than 30 days")
    acc = json.loads(_cli("forecast", "accuracy", "--as-of", "2027-01-02", "--db", db, "--json"))
    assert acc["rows"][0]["actual"] == 0.0 and acc["rows"][0]["accuracy"]["submitted"] is None
    assert "forecast accuracy" in _cli("forecast", "accuracy", "--by", "rep", "--db", db)


def test_cli_refuses_bad_input_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    submit = ["forecast", "submit", "--by", "x", "--db", db, "--commit", "1"]
    assert run([*submit, "--quarter", "2026Q5"]) == 2
    assert run([*submit, "--quarter", "2026Q4", "--at", "yesterday"]) == 2
    assert run([*submit[:-1], "-5", "--quarter", "2026Q4"]) == 2
    assert run(["forecast", "accuracy", "--by", "team", "--db", db]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_system_band_contains_the_point_for_any_as_of(frames: Frames) -> None:
    at = _t("2026-07-01")
    while at < _t("2027-01-10"):
        for method in (stage_weighted, run_rate):
            f = method(frames, "2026Q4", at, "USD")
            if f.value is not None and f.low is not None and f.high is not None:
                assert f.won_so_far <= f.low <= f.value <= f.high
        at += timedelta(days=9)
