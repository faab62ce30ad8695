"""`revalign sla report|breaches|escalations` on a small SQLite ledger, and the contract check."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from _lifecycle import FIT_LEAD, MONDAY
from revalign.cli.app import run
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event, EventType
from test_contract_errors import MINIMAL, errors_of


def _lead(n: int, at: datetime) -> Event:
    payload = {**FIT_LEAD, "email": f"p{n}@acme.co.id"}
    return Event(EventType.LEAD_CAPTURED, "form", f"l{n}", at, lead_id=f"L{n}", payload=payload)


@pytest.fixture
def db(contract: VersionedContract, tmp_path: Path) -> str:
    from revalign.engine import open_engine

    url = f"sqlite:///{tmp_path / 'sla.db'}"
    with open_engine(url, contract, clock=lambda: MONDAY) as engine:
        # week 45: two MQLs; maya reviews one in time, the other breaches (ops escalation)
        engine.submit([_lead(1, MONDAY), _lead(2, MONDAY + timedelta(minutes=1))])
        accept = Event(EventType.SAL_ACCEPTED, "cli", "a1", MONDAY + timedelta(hours=1),
                       lead_id="L1", payload={"by": "maya"})  # fmt: skip
        notice = Event(EventType.CAPACITY_NOTICE, "cli", "c1", MONDAY,
                       payload={"team": "sdr-apac", "rep": "budi", "capacity": 5,
                                "effective_from": "2026-11-09"})  # fmt: skip
        engine.submit([accept, notice])
        engine.tick(datetime(2026, 11, 4, tzinfo=UTC))
    return url


def _json(capsys: pytest.CaptureFixture[str], args: list[str]) -> object:
    assert run(args) == 0
    return json.loads(capsys.readouterr().out)


def test_weekly_report_per_side_sla_team_and_person(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _json(capsys, ["sla", "report", "--week", "2026-W45", "--db", db, "--json"])
    assert isinstance(report, dict)
    rows = {(r["scope"], r["side"], r["sla"], r["person"]): r for r in report["rows"]}
    review = rows[("sla", "sales", "sal_review", "all")]
    assert (review["due"], review["met"], review["breached"], review["compliance"]) == (
        2, 1, 1, 0.5,
    )  # fmt: skip
    assert review["trend"] == [None, None, None, None]
    maya = rows[("person", "sales", "all", "maya")]
    assert maya["breached"] == 1 and maya["team"] == "sdr-apac"
    budi = rows[("person", "sales", "all", "budi")]
    assert budi["breached"] == 1  # the late capacity notice (7 days, 30 owed)
    assert rows[("side", "marketing", "all", "all")]["compliance"] == 1.0
    levels = {(e["level"], e["owner"]) for e in report["escalations"]}
    assert {("ops", "maya"), ("ops", "budi"), ("ops", "all")} <= levels
    (notice,) = report["capacity_notices"]
    assert (notice["rep"], notice["days_ahead"], notice["late"]) == ("budi", 7, True)
    empty = _json(capsys, ["sla", "report", "--week", "2026-W40", "--db", db, "--json"])
    assert isinstance(empty, dict) and empty["rows"] == []


def test_breaches_and_escalations_lists(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    found = _json(capsys, ["sla", "breaches", "--db", db, "--json"])
    assert isinstance(found, list)
    assert sorted(b["sla"] for b in found) == ["capacity_notice", "sal_review"]
    # the late review is still running (L2 not yet accepted or rejected)
    still = _json(capsys, ["sla", "breaches", "--open", "--db", db, "--json"])
    assert [b["sla"] for b in still] == ["sal_review"]  # type: ignore[union-attr]
    assert _json(capsys, ["sla", "breaches", "--week", "2026-W40", "--db", db, "--json"]) == []
    ups = _json(capsys, ["sla", "escalations", "--db", db, "--json", "--as-of", "2026-11-05"])
    assert isinstance(ups, list) and all(e["open"] for e in ups)
    later = ["sla", "escalations", "--open", "--as-of", "2026-12-31", "--db", db, "--json"]
    assert _json(capsys, later) == []
    assert run(["sla", "breaches", "--db", db, "--csv"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert head.startswith("breached_at,sla,side,team,owner")


def test_bad_week_is_a_user_error(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sla", "report", "--week", "48", "--db", db]) == 2
    assert "must look like 2026-W48" in capsys.readouterr().err


def test_required_fields_must_be_lead_fields() -> None:
    text = MINIMAL.replace(
        "  capacity_notice_days: 30",
        "  capacity_notice_days: 30\n  required_fields: [email, titel, attributes.budget]",
    )
    assert errors_of(text) == [
        "revalign.yaml:39:28: slas.required_fields[1]: unknown lead field 'titel' "
        "(or attributes.<name>; did you mean 'title'?)"
    ]


def test_sla_list_shows_the_catalog_with_contract_targets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rows = _json(capsys, ["sla", "list", "--json"])
    assert isinstance(rows, list)
    by = {r["sla"]: r for r in rows}
    assert by["first_contact_high_intent"]["value"] == 4.0
    assert by["mql_volume"]["value"] == 400
    assert by["forecast_submission"]["value"]["day"] == "fri"
    assert "stage.sal_accepted" in by["sal_review"]["stops_on"]
