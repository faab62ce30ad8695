"""The campaign calendar and content ids: ingest kinds, the weekly capacity check, frames."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from revalign.analytics.campaign_calendar import (
    ALL_SALES,
    CampaignRun,
    campaign_runs,
    capacity_warnings,
    routed_team,
    weekly_load,
)
from revalign.analytics.planning.capacity import capacity_windows
from revalign.analytics.sla_facts import read_sla_events
from revalign.cli.app import run
from revalign.contract.schema import VersionedContract
from revalign.core.events import EventType
from revalign.ledger import open_ledger

CALENDAR = """campaign,name,channel,start,end,expected_leads,team,notes,planned_at
summit,Jakarta summit,events,2027-02-08,2027-02-12,500,sdr-apac,Book demo slots,2026-11-20T09:00:00Z
summit,Jakarta summit,events,2027-02-08,2027-02-12,700,sdr-apac,Bigger hall,2026-11-25T09:00:00Z
backwards,Oops,events,2027-02-12,2027-02-08,10,,,
nowhere,Oops,events,2027-02-01,2027-02-08,10,sdr-mars,,
webinar-series,,,2027-01-04,2027-03-26,120,,,2026-11-20T09:00:00Z
"""


def _ingest(db: str, path: Path, kind: str) -> int:
    return run(["ingest", str(path), "--kind", kind, "--db", db])


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cal.db'}"


def test_calendar_rows_become_events_and_bad_rows_are_rejected(
    db: str, tmp_path: Path, contract: VersionedContract
) -> None:
    path = tmp_path / "campaigns.csv"
    path.write_text(CALENDAR, encoding="utf-8")
    assert _ingest(db, path, "campaigns") == 0
    rejects = (tmp_path / "campaigns.rejects.csv").read_text(encoding="utf-8")
    assert "end 2027-02-08 is before start 2027-02-12" in rejects
    assert "team 'sdr-mars' is not a team of the contract" in rejects
    ledger = open_ledger(db, create=False)
    try:
        events = list(read_sla_events(ledger, [EventType.CAMPAIGN_SCHEDULED]))
    finally:
        ledger.close()
    assert len(events) == 3
    runs = {r.campaign: r for r in campaign_runs(contract.contract, events)}
    assert runs["summit"].expected_leads == 700  # the latest plan wins
    assert runs["summit"].notes == "Bigger hall"
    assert runs["webinar-series"].channel == "webinar"  # from the contract's campaign
    assert runs["webinar-series"].name == "Webinar series"


def _run(expected: float, team: str | None = "sdr-apac") -> CampaignRun:
    return CampaignRun("summit", "Summit", "events", date(2027, 2, 8), date(2027, 2, 12),
                       expected, team, None, "calendar")  # fmt: skip


def test_a_week_over_the_teams_intake_warns(contract: VersionedContract) -> None:
    terms = contract.contract
    # sdr-apac: 20 + 60 + 60 + 60 open-lead slots, each held 14 days: 100 MQLs a week
    (load,) = weekly_load([_run(900)], terms, {"events": 0.5})
    assert (load.week, load.team, load.expected_mqls, load.intake) == ("2027-W06", "sdr-apac",
                                                                       450.0, 100.0)  # fmt: skip
    assert load.over
    (line,) = capacity_warnings([load])
    assert "2027-W06" in line and "450 MQLs" in line and "100 a week" in line
    (fits,) = weekly_load([_run(150)], terms, {"events": 0.5})
    assert not fits.over and capacity_warnings([fits]) == []


def test_capacity_notices_lower_the_intake(contract: VersionedContract) -> None:
    from revalign.core.events import Event

    notice = Event(type=EventType.CAPACITY_NOTICE, source="t", source_id="n1",
                   occurred_at=datetime(2026, 12, 1, tzinfo=UTC),
                   payload={"team": "sdr-apac", "rep": "budi", "effective_from": "2027-02-01",
                            "capacity": 0})  # fmt: skip
    (load,) = weekly_load([_run(150)], contract.contract, {"events": 0.5},
                          capacity_windows([notice]))  # fmt: skip
    assert load.intake == 70.0  # budi's 60 slots are gone that week
    assert load.over


def test_a_run_without_team_is_checked_against_all_sales(contract: VersionedContract) -> None:
    run_ = _run(100, team=None)
    assert routed_team(run_, contract.contract) is None
    (load,) = weekly_load([run_], contract.contract, {})
    assert load.team == ALL_SALES
    assert load.expected_mqls == 100.0  # no measured share: every lead counts


def test_touches_carry_their_content_to_the_frames(contract: VersionedContract) -> None:
    from revalign.analytics.frames import frames_from_events
    from revalign.connectors.base import Context
    from revalign.connectors.translate_activity import TouchTranslator
    from revalign.connectors.translate_calendar import ContentTranslator

    ctx = Context.create("file:touches", contract)
    rows = [
        {"lead_id": "L-1", "occurred_at": "2026-11-02T10:00:00Z", "kind": "content_download",
         "channel": "webinar", "content": "ebook-x"},
        {"lead_id": "L-1", "occurred_at": "2026-11-03T10:00:00Z", "kind": "email",
         "by": "budi", "content": "case-y"},
        {"lead_id": "L-1", "occurred_at": "2026-11-04T10:00:00Z", "kind": "call", "by": "budi"},
    ]  # fmt: skip
    events = [e for r in rows for e in TouchTranslator(ctx).translate(r)]
    assert [e.payload.get("content") for e in events] == ["ebook-x", "case-y", None]
    frames = frames_from_events(events)
    assert list(frames.touches["content"]) == ["ebook-x"]
    assert list(frames.rep_touches["content"].fillna("-")) == ["case-y", "-"]
    (listed,) = ContentTranslator(ctx).translate({"content": "ebook-x", "name": "The X e-book"})
    assert listed.type is EventType.CONTENT_LISTED and listed.payload["name"] == "The X e-book"
