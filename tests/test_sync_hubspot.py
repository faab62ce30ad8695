"""HubSpot two-way sync against the loopback fake: full then incremental, no loops, retries,
search past 10,000, lifecyclestage backwards, e-mail change, merges, forms, e-mail events."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_hubspot import FakeHubSpot
from revalign.connectors.hubspot.client import HubSpotClient
from revalign.connectors.hubspot.connector import HubSpotConnector
from revalign.connectors.sync.ownership import Ownership
from revalign.connectors.sync.retry import SyncError
from revalign.connectors.sync.runner import SyncReport, sync_once
from revalign.connectors.sync.store import SyncStore
from revalign.core.events import EventType
from revalign.core.state import Stage
from revalign.engine import Engine, open_engine
from sync_support import NOW, Sleeps, sync_contract

CONTRACT = sync_contract()


@pytest.fixture
def hs() -> Iterator[FakeHubSpot]:
    with FakeHubSpot() as fake:
        yield fake


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with open_engine(f"sqlite:///{tmp_path / 'r.db'}", CONTRACT, clock=lambda: NOW) as e:
        yield e


def connector(hs: FakeHubSpot, sleeps: Sleeps | None = None, page: int = 200) -> HubSpotConnector:
    client = HubSpotClient(hs.token, hs.url, (sleeps or Sleeps()).retry())
    return HubSpotConnector(client, Ownership(CONTRACT.contract.sync), page_size=page)


def person(i: int, **extra: str) -> dict[str, str]:
    return {
        "email": f"p{i}@acme{i % 40}.co.id",
        "firstname": f"P{i}",
        "lastname": "Tan",
        "jobtitle": "VP Marketing" if i % 3 else "Analyst",
        "company": f"Acme {i % 40}",
        "country": "ID",
        "industry": "software",
        **extra,
    }


def hot(hs: FakeHubSpot, i: int) -> str:
    """A contact who asked for a demo: an MQL that routing gives an owner."""
    cid = hs.add("contacts", person(i))
    if not hs.forms:
        hs.forms.append({"id": "demo", "name": "Demo request"})
    hs.submissions.setdefault("demo", []).append(
        {
            "submittedAt": "1762077600000",
            "pageUrl": "https://acme.example/demo",
            "values": [{"name": "email", "value": person(i)["email"]}],
        }
    )
    return cid


def run(hs: FakeHubSpot, engine: Engine, **kw: object) -> SyncReport:
    return sync_once(connector(hs), engine, now=NOW, **kw)  # type: ignore[arg-type]


def test_full_sync_of_thousands_then_incremental(hs: FakeHubSpot, engine: Engine) -> None:
    ids = [hs.add("contacts", person(i)) for i in range(2000)]
    for i in range(0, 300, 3):
        call = hs.add(
            "calls", {"hs_timestamp": "2026-11-02T03:00:00.000Z", "hubspot_owner_id": "101"}
        )
        hs.associate("calls", call, "contacts", ids[i])
    first = run(hs, engine)
    assert first.pulled["contacts"] == 2000 and first.pulled["calls"] == 100
    assert not first.rejected
    assert len(engine.state.leads) == 2000
    # every lead with a decision got it pushed once: owner, stage, score on the contact
    assert first.pushed == 2000 and len(hs.updates) == 2000
    # incremental: two edits in HubSpot come back as two lead.updated facts, nothing else
    hs.set("contacts", ids[7], jobtitle="Chief Marketing Officer")
    hs.set("contacts", ids[8], company="Acme Holdings")
    second = run(hs, engine)
    assert second.new == 2 and second.pushed <= 2
    assert (
        engine.state.leads[
            SyncStore(engine.ledger, "hubspot").identity("contacts", ids[7])[1]
        ].title
        == "Chief Marketing Officer"
    )  # type: ignore[index]
    third = run(hs, engine)
    assert third.new == 0 and third.pushed == 0 and sum(third.pulled.values()) <= 2


def test_what_revalign_pushed_never_comes_back_as_a_change(hs: FakeHubSpot, engine: Engine) -> None:
    for i in range(30):
        hs.add("contacts", person(i))
    first = run(hs, engine)
    seq = engine.ledger.last_seq()
    assert first.pushed == 30
    again = run(hs, engine)  # every contact changed in HubSpot: by our own push
    assert again.pulled["contacts"] == 30
    assert again.new == 0 and again.conflicts == 0 and again.pushed == 0
    assert engine.ledger.last_seq() == seq


def test_a_foreign_edit_of_a_field_revalign_owns_is_a_conflict_and_ours_goes_back(
    hs: FakeHubSpot, engine: Engine
) -> None:
    cid = hot(hs, 1)
    run(hs, engine)
    pushed_owner = hs.props("contacts", cid)["hubspot_owner_id"]
    other = "105" if pushed_owner != "105" else "104"
    hs.set("contacts", cid, hubspot_owner_id=other)
    report = run(hs, engine)
    assert report.conflicts == 1
    conflicts = [e for e in engine.ledger.read() if e.type is EventType.SYNC_CONFLICT]
    assert len(conflicts) == 1 and conflicts[0].payload["resolution"] == "kept_ours"
    assert hs.props("contacts", cid)["hubspot_owner_id"] == pushed_owner  # pushed back
    assert run(hs, engine).conflicts == 0  # and settled: the echo is not a new conflict


def test_an_email_change_keeps_the_lead(hs: FakeHubSpot, engine: Engine) -> None:
    cid = hs.add("contacts", person(1))
    run(hs, engine)
    lead_id = SyncStore(engine.ledger, "hubspot").identity("contacts", cid)[1]  # type: ignore[index]
    hs.set("contacts", cid, email="dewi.new@acme1.co.id")
    run(hs, engine)
    assert SyncStore(engine.ledger, "hubspot").identity("contacts", cid) == ("lead", lead_id)
    assert engine.state.leads[lead_id].email == "dewi.new@acme1.co.id"
    assert len(engine.state.leads) == 1


def test_a_merge_in_hubspot_merges_the_leads(hs: FakeHubSpot, engine: Engine) -> None:
    a = hs.add("contacts", person(1))
    b = hs.add("contacts", person(2))
    run(hs, engine)
    store = SyncStore(engine.ledger, "hubspot")
    lead_a, lead_b = store.identity("contacts", a)[1], store.identity("contacts", b)[1]  # type: ignore[index]
    del hs.objects["contacts"][b]
    hs.set("contacts", a, hs_merged_object_ids=b)
    run(hs, engine)
    assert lead_b not in engine.state.leads and engine.state.merges[lead_b].into == lead_a
    assert store.identity("contacts", b) == ("lead", lead_a)


def test_rate_limits_and_server_errors_are_retried(hs: FakeHubSpot, engine: Engine) -> None:
    hs.add("contacts", person(1))
    hs.fail_next = [429, 502, 429]
    sleeps = Sleeps()
    report = sync_once(connector(hs, sleeps), engine, now=NOW)
    assert len(engine.state.leads) == 1
    assert report.retries == 3
    assert sleeps.waits == [2.0, 2.0, 2.0]  # Retry-After of the 429s; 1 s doubled for the 502


def test_a_refused_token_is_a_clear_error(hs: FakeHubSpot, engine: Engine) -> None:
    client = HubSpotClient("pat-wrong", hs.url, Sleeps().retry())
    conn = HubSpotConnector(client, Ownership(CONTRACT.contract.sync))
    with pytest.raises(SyncError, match="refused the token") as caught:
        sync_once(conn, engine, now=NOW)
    assert "pat-wrong" not in str(caught.value)  # a credential is never echoed


def test_search_pages_past_the_10000_cap(hs: FakeHubSpot) -> None:
    # 12,000 contacts, three per millisecond: the cap forces restarts on (time, id)
    for i in range(12_000):
        hs.add("contacts", {"email": f"c{i}@x.co"}, at=hs.tick() if i % 3 == 0 else hs.clock)
    conn = connector(hs)
    seen = [s.id for page in conn.pull("contacts", None) for s in page.records]
    assert len(seen) == 12_000 and len(set(seen)) == 12_000
    # past 10,000 the query was asked again from the last (time, hs_object_id) seen
    restarts = [b for b in hs.searches if b.get("filterGroups") and not b.get("after")]
    assert len(restarts) == 1
    assert max(int(b.get("after") or 0) for b in hs.searches) < 10_000


def test_a_recycled_lead_clears_lifecyclestage_then_sets_it(
    hs: FakeHubSpot, engine: Engine
) -> None:
    cid = hot(hs, 1)
    run(hs, engine)
    lead_id = SyncStore(engine.ledger, "hubspot").identity("contacts", cid)[1]  # type: ignore[index]
    assert engine.state.leads[lead_id].stage == Stage.MQL
    from revalign.core.events import Event

    accept = Event(
        EventType.SAL_ACCEPTED, "test", "acc", NOW, lead_id=lead_id, payload={"by": "maya"}
    )
    sql = Event(
        EventType.SQL_QUALIFIED,
        "test",
        "sql",
        NOW,
        lead_id=lead_id,
        payload={
            "by": "budi",
            "framework": "bant",
            "fields": {"budget": "y", "authority": "y", "need": "y", "timeline": "y"},
        },
    )
    engine.submit([accept, sql])
    run(hs, engine)
    assert hs.props("contacts", cid)["lifecyclestage"] == "salesqualifiedlead"
    recycle = Event(
        EventType.RECYCLED,
        "test",
        "rec",
        NOW,
        lead_id=lead_id,
        payload={"by": "budi", "reason": "wrong_timing"},
    )
    engine.submit([recycle])
    report = run(hs, engine)
    assert not report.push_errors
    props = hs.props("contacts", cid)
    assert props["lifecyclestage"] == "lead" and props["revalign_stage"] == "recycled"
    cleared = [u for u in hs.updates if u["properties"] == {"lifecyclestage": ""}]
    assert len(cleared) == 1


def test_forms_email_events_deals_and_engagements(hs: FakeHubSpot, engine: Engine) -> None:
    co = hs.add("companies", {"name": "Acme", "domain": "acme1.co.id"})
    cid = hs.add("contacts", person(1, associatedcompanyid=co))
    deal = hs.add(
        "deals", {"dealname": "Acme", "amount": "5000", "dealstage": "appointmentscheduled"}
    )
    hs.associate("deals", deal, "contacts", cid)
    note = hs.add("notes", {"hs_timestamp": "2026-11-02T03:00:00.000Z"})
    hs.associate("notes", note, "contacts", cid)
    hs.forms.append({"id": "f1", "name": "Demo request"})
    hs.submissions["f1"] = [
        {
            "submittedAt": "1762077600000",
            "pageUrl": "https://x/demo",
            "values": [{"name": "email", "value": "p1@acme1.co.id"}],
        }
    ]
    hs.email_events.append(
        {
            "id": "e1",
            "type": "CLICK",
            "recipient": "p1@acme1.co.id",
            "created": 1762077600000,
            "emailCampaignId": 7,
        }
    )
    report = run(hs, engine)
    assert not report.rejected
    types = [e.type for e in engine.ledger.read() if e.source == "hubspot"]
    assert types.count(EventType.MARKETING_TOUCH) == 2
    assert EventType.OPPORTUNITY_CREATED in types
    lead = next(iter(engine.state.leads.values()))
    assert {s.kind for s in lead.signals} >= {"demo_request", "email_click"}
    assert run(hs, engine).new == 0  # cursors: nothing twice


def test_dry_run_writes_nothing(hs: FakeHubSpot, engine: Engine) -> None:
    hs.add("contacts", person(1))
    report = run(hs, engine, dry_run=True)
    assert report.planned_events and report.planned_events[0]["type"] == "lead.captured"
    assert engine.ledger.last_seq() == 0 and not hs.updates
    assert SyncStore(engine.ledger, "hubspot").cursors() == {}
