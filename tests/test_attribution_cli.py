"""`revalign attribution` on journeys files: JSON shape, rejected rows, clear errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from revalign.analytics.attribution import MODELS, read_journeys_csv
from revalign.analytics.attribution.from_funnel import channel_costs, journeys_from_frames
from revalign.analytics.frames import frames_from_events
from revalign.analytics.money import convert_frames
from revalign.cli.app import run
from revalign.core.events import Event, EventType

GOOD = """journey_id,occurred_at,channel,converted,value
j1,2026-05-01T10:00:00Z,search,1,1000
j1,2026-05-03T10:00:00Z,email,1,
j2,2026-05-02T10:00:00Z,social,0,
j2,2026-05-04T10:00:00Z,email,0,
j3,2026-05-02T10:00:00Z,search,1,500
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "journeys.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize("model", MODELS)
def test_json_shape_for_every_model(
    model: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD)
    assert run(["attribution", "--model", model, "--journeys", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] == model
    assert set(out["shares"]) == {"search", "email", "social"}
    assert sum(out["shares"].values()) == pytest.approx(1.0)
    assert out["total_conversions"] == 2
    assert out["total_revenue"] == 1500


def test_last_touch_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, GOOD)
    assert run(["attribution", "--model", "last_touch", "--journeys", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["shares"] == {"email": 0.5, "search": 0.5, "social": 0.0}
    assert out["revenue"] == {"email": 1000.0, "search": 500.0, "social": 0.0}


def test_lookback_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, GOOD)
    args = ["attribution", "--model", "first_touch", "--journeys", str(path), "--json"]
    assert run([*args, "--lookback-days", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["shares"]["email"] == 0.5  # j1's search touch is 2 days before its end


def test_table_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["attribution", "--model", "linear", "--journeys", str(write(tmp_path, GOOD))]) == 0
    out = capsys.readouterr().out
    assert "search" in out and "75.0%" in out


def test_bad_rows_are_rejected_with_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = GOOD + "j4,yesterday,search,1,\nj5,2026-05-01T00:00:00Z,,0,\nj6,2026-05-01,x,2,\n"
    path = write(tmp_path, text + "j7,2026-05-01,x,1,-5\n")
    assert run(["attribution", "--model", "linear", "--journeys", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["rejected_rows"] == 4
    assert out["rejected"] == [
        {"line": 7, "reason": "occurred_at is not an ISO 8601 time"},
        {"line": 8, "reason": "channel is empty"},
        {"line": 9, "reason": "converted must be 0 or 1"},
        {"line": 10, "reason": "value must be a number >= 0"},
    ]
    assert out["total_conversions"] == 2  # the good rows still count
    assert "4 row(s) rejected" in captured.err


def test_inconsistent_converted_names_the_journey(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, GOOD + "j2,2026-05-05T10:00:00Z,search,1,\n")
    assert run(["attribution", "--model", "linear", "--journeys", str(path)]) == 2
    assert "journey 'j2'" in " ".join(capsys.readouterr().err.split())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("journey_id,channel,converted\nj1,a,1\n", "missing column(s) occurred_at"),
        ("journey_id,occurred_at,channel,converted\nj1,nope,a,1\n", "no usable touch rows"),
        ("", "cannot read"),
    ],
)
def test_unusable_files_exit_2(
    text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, text)
    assert run(["attribution", "--model", "linear", "--journeys", str(path)]) == 2
    assert message in " ".join(capsys.readouterr().err.split())


def test_unknown_model_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["attribution", "--model", "magic", "--journeys", str(write(tmp_path, GOOD))]) == 2
    assert "unknown model" in " ".join(capsys.readouterr().err.split())


def test_value_given_once_counts_for_the_journey(tmp_path: Path) -> None:
    j = read_journeys_csv(write(tmp_path, GOOD)).journeys
    assert sorted(j.value.tolist()) == [0.0, 500.0, 1000.0]


def _event(type: EventType, sid: str, day: int, lead: str, **payload: object) -> Event:
    opp = payload.pop("opp", None)
    return Event(
        type=type,
        source="test",
        source_id=sid,
        occurred_at=datetime(2026, 5, day, tzinfo=UTC),
        lead_id=lead,
        opportunity_id=str(opp) if opp else None,
        payload=payload,
    )


def test_journeys_from_ledger_events() -> None:
    e = EventType
    events = [
        _event(e.LEAD_CAPTURED, "1", 1, "L1", email="a@x.io", source="search"),
        _event(e.MARKETING_TOUCH, "2", 2, "L1", kind="webinar", channel="webinar"),
        _event(e.MARKETING_TOUCH, "3", 3, "L1", kind="page_view"),  # no channel: lead source
        _event(e.OPPORTUNITY_CREATED, "4", 4, "L1", opp="O1", amount="800", currency="USD"),
        _event(e.OPPORTUNITY_WON, "5", 6, "L1", opp="O1", amount="900", currency="USD"),
        _event(e.MARKETING_TOUCH, "6", 7, "L1", kind="webinar", channel="webinar"),  # after win
        _event(e.LEAD_CAPTURED, "7", 1, "L2", email="b@x.io", source="social"),  # no touches
        _event(
            e.CAMPAIGN_COST,
            "8",
            1,
            "",
            campaign="c",
            channel="search",
            amount="300",
            currency="USD",
            period_start="2026-05-01",
            period_end="2026-05-31",
        ),
    ]
    frames = convert_frames(frames_from_events(events), "USD")
    j = journeys_from_frames(frames)
    assert j.channels == ("search", "social", "webinar")
    assert j.n_journeys == 2 and j.n_touches == 3
    assert j.converted.tolist() == [True, False]
    assert j.value.tolist() == [900.0, 0.0]
    assert j.opp_pos is not None and j.opp_pos.tolist() == [1, -1]
    assert channel_costs(frames) == {"search": 300.0}


def test_cli_reads_the_ledger(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from revalign.ledger import open_ledger

    e = EventType
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    ledger = open_ledger(url)
    ledger.append(
        [
            _event(e.LEAD_CAPTURED, "1", 1, "L1", email="a@x.io", source="search"),
            _event(e.MARKETING_TOUCH, "2", 2, "L1", kind="webinar", channel="webinar"),
            _event(e.OPPORTUNITY_CREATED, "3", 4, "L1", opp="O1", amount="800", currency="USD"),
            _event(e.OPPORTUNITY_WON, "4", 6, "L1", opp="O1", amount="900", currency="USD"),
            _event(e.LEAD_CAPTURED, "5", 1, "L2", email="b@x.io", source="social"),
            _event(e.CAMPAIGN_COST, "6", 1, "", campaign="c", channel="webinar", amount="300",
                   currency="USD", period_start="2026-05-01", period_end="2026-05-31"),
        ]
    )  # fmt: skip
    ledger.close()
    assert run(["attribution", "--model", "linear", "--db", url, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["shares"] == {"social": 0.0, "webinar": 1.0}  # L1 has touches: no capture touch
    assert out["revenue"]["webinar"] == "900.00" and out["currency"] == "USD"  # exact money
    assert out["roi"]["webinar"] == pytest.approx(2.0)
