"""Salesforce two-way sync against the fake REST API (responses): full then incremental,
lead conversion, e-mail change, merges, expired sessions, limits, composite batches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_salesforce import FakeSalesforce
from revalign.connectors.salesforce.client import SalesforceClient, login_from
from revalign.connectors.salesforce.connector import SalesforceConnector, soql
from revalign.connectors.sync.ownership import Ownership
from revalign.connectors.sync.retry import SyncError
from revalign.connectors.sync.runner import SyncReport, sync_once
from revalign.connectors.sync.seam import Update
from revalign.connectors.sync.store import SyncStore
from revalign.core.events import Event, EventType
from revalign.engine import Engine, open_engine
from sync_support import NOW, SF_USERS, Sleeps, sync_contract

CONTRACT = sync_contract()


@pytest.fixture
def sf() -> Iterator[FakeSalesforce]:
    with FakeSalesforce(batch_size=500) as fake:
        yield fake


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with open_engine(f"sqlite:///{tmp_path / 'r.db'}", CONTRACT, clock=lambda: NOW) as e:
        yield e


def connector(sf: FakeSalesforce, sleeps: Sleeps | None = None) -> SalesforceConnector:
    client = SalesforceClient(sf.session_login, (sleeps or Sleeps()).retry())
    return SalesforceConnector(client, Ownership(CONTRACT.contract.sync))


def lead(i: int, **extra: object) -> dict[str, object]:
    return {
        "Email": f"p{i}@acme{i % 30}.co.id",
        "FirstName": f"P{i}",
        "LastName": "Tan",
        "Title": "VP Marketing",
        "Company": f"Acme {i % 30}",
        "Country": "ID",
        "Industry": "software",
        "NumberOfEmployees": 120,
        "IsConverted": False,
        **extra,
    }


def run(sf: FakeSalesforce, engine: Engine, **kw: object) -> SyncReport:
    return sync_once(connector(sf), engine, now=NOW, **kw)  # type: ignore[arg-type]


def ident(engine: Engine, obj: str, rid: str | None) -> tuple[str, str] | None:
    return SyncStore(engine.ledger, "salesforce").identity(obj, rid or "")


def test_full_sync_of_thousands_then_incremental(sf: FakeSalesforce, engine: Engine) -> None:
    ids = [sf.add("Lead", lead(i)) for i in range(2000)]
    for i in range(0, 200, 4):
        sf.add(
            "Task",
            {
                "WhoId": ids[i],
                "TaskSubtype": "Call",
                "Status": "Completed",
                "OwnerId": SF_USERS["budi"],
                "ActivityDate": "2026-11-02",
            },
        )
    first = run(sf, engine)
    assert first.pulled["Lead"] == 2000 and first.pulled["Task"] == 50
    assert len(engine.state.leads) == 2000 and not first.rejected
    assert sum(1 for c in sf.calls if c.startswith("GET query/01g")) >= 3  # nextRecordsUrl
    # writes went out as composite batches of at most 200
    composite = [c for c in sf.calls if c == "PATCH composite/sobjects"]
    assert first.pushed == 2000 and len(composite) == 10
    sf.set("Lead", ids[5], Title="Chief Executive Officer")
    second = run(sf, engine)
    assert second.new == 1
    assert engine.state.leads[ident(engine, "Lead", ids[5])[1]].title == "Chief Executive Officer"  # type: ignore[index]
    assert run(sf, engine).new == 0


def test_the_soql_has_a_modstamp_cursor_with_an_id_tie_break() -> None:
    from revalign.connectors.sync.seam import Cursor

    text = soql("Lead", Cursor(NOW, "00Q000000000009AAA"))
    assert "WHERE SystemModstamp > 2026-11-03T09:00:00.000Z OR (SystemModstamp = " in text
    assert "Id > '00Q000000000009AAA'" in text and text.endswith("ORDER BY SystemModstamp, Id")


def test_a_converted_lead_keeps_its_person_account_and_deal(
    sf: FakeSalesforce, engine: Engine
) -> None:
    lid = sf.add("Lead", lead(1))
    run(sf, engine)
    person = ident(engine, "Lead", lid)
    assert person is not None
    lead_id = person[1]
    # the funnel gets the lead to SQL, then the rep converts it in Salesforce
    engine.submit(
        [
            Event(EventType.SAL_ACCEPTED, "t", "a", NOW, lead_id=lead_id, payload={"by": "maya"}),
            Event(
                EventType.SQL_QUALIFIED,
                "t",
                "q",
                NOW,
                lead_id=lead_id,
                payload={
                    "by": "budi",
                    "framework": "bant",
                    "fields": {"budget": "y", "authority": "y", "need": "y", "timeline": "y"},
                },
            ),
        ]
    )
    contact, account, opp = sf.convert(
        lid,
        opportunity={
            "Name": "Acme deal",
            "Amount": 9000,
            "StageName": "Prospecting",
            "NextStep": "CFO sign-off",
            "CloseDate": "2026-12-20",
        },
    )
    report = run(sf, engine)
    assert not report.rejected and not report.push_errors
    assert ident(engine, "Contact", contact) == ("lead", lead_id)
    assert ident(engine, "Account", account)[0] == "account"  # type: ignore[index]
    opp_id = ident(engine, "Opportunity", opp)[1]  # type: ignore[index]
    assert engine.state.opportunities[opp_id].lead_id == lead_id
    assert engine.state.leads[lead_id].opportunity_id == opp_id
    assert len(engine.state.leads) == 1  # the contact is the same person, not a new lead
    # revalign now writes to the Contact (the converted Lead is read-only)
    sf.set("Opportunity", opp, StageName="Negotiation/Review", Amount=9500)
    run(sf, engine)
    assert engine.state.opportunities[opp_id].stage == "Negotiation/Review"
    assert sf.get("Contact", contact)["Revalign_Stage__c"] == "opportunity"
    sf.set("Opportunity", opp, StageName="Closed Won", IsClosed=True, IsWon=True)
    run(sf, engine)
    assert engine.state.opportunities[opp_id].won is True


def test_an_email_change_keeps_the_lead(sf: FakeSalesforce, engine: Engine) -> None:
    lid = sf.add("Lead", lead(1))
    run(sf, engine)
    lead_id = ident(engine, "Lead", lid)[1]  # type: ignore[index]
    sf.set("Lead", lid, Email="new.address@acme1.co.id")
    run(sf, engine)
    assert ident(engine, "Lead", lid) == ("lead", lead_id)
    assert engine.state.leads[lead_id].email == "new.address@acme1.co.id"


def test_a_merge_in_salesforce_merges_the_leads(sf: FakeSalesforce, engine: Engine) -> None:
    a, b = sf.add("Lead", lead(1)), sf.add("Lead", lead(2))
    run(sf, engine)
    lead_a, lead_b = ident(engine, "Lead", a)[1], ident(engine, "Lead", b)[1]  # type: ignore[index]
    sf.merge("Lead", a, b)  # b is deleted with MasterRecordId = a
    report = run(sf, engine)
    assert not report.rejected
    assert engine.state.merges[lead_b].into == lead_a
    assert ident(engine, "Lead", b) == ("lead", lead_a)


def test_an_expired_session_logs_in_again(sf: FakeSalesforce, engine: Engine) -> None:
    sf.add("Lead", lead(1))
    conn = connector(sf)
    sf.fail_next = ["expire"]
    sync_once(conn, engine, now=NOW)
    assert conn.client.logins == 2 and len(engine.state.leads) == 1


def test_username_password_login_refreshes_itself(sf: FakeSalesforce, engine: Engine) -> None:
    sf.add("Lead", lead(1))
    login = login_from({"username": "ops@example.com", "password": "pw", "security_token": "tok"})
    conn = SalesforceConnector(
        SalesforceClient(login, Sleeps().retry()), Ownership(CONTRACT.contract.sync)
    )
    sf.fail_next = [None, "expire"]  # type: ignore[list-item]
    report = sync_once(conn, engine, now=NOW)
    assert sf.logins == 2 and len(engine.state.leads) == 1 and not report.push_errors


def test_request_limit_and_server_errors_back_off(sf: FakeSalesforce, engine: Engine) -> None:
    sf.add("Lead", lead(1))
    sleeps = Sleeps()
    sf.fail_next = ["limit", "500", "limit"]
    report = sync_once(connector(sf, sleeps), engine, now=NOW)
    assert report.retries == 3 and sleeps.waits == [1.0, 2.0, 4.0]
    assert len(engine.state.leads) == 1


def test_the_daily_limit_reserve_stops_the_sync(sf: FakeSalesforce, engine: Engine) -> None:
    sf.add("Lead", lead(1))
    sf.api_used = 14_500  # Sforce-Limit-Info: api-usage=14501/15000
    with pytest.raises(SyncError, match="Sforce-Limit-Info"):
        run(sf, engine)


def test_errors_of_a_write_are_reported_per_record(sf: FakeSalesforce) -> None:
    good, gone = sf.add("Lead", lead(1)), sf.add("Lead", lead(2))
    sf.set("Lead", gone, IsDeleted=True)
    results = connector(sf).push(
        [
            Update("Lead", good, {"score": 70.0}),
            Update("Lead", gone, {"score": 10.0}),
        ]
    )
    assert [r.ok for r in results] == [True, False]
    assert "ENTITY_IS_DELETED" in (results[1].error or "")
    assert sf.get("Lead", good)["Revalign_Score__c"] == 70.0


def test_connect_check_names_missing_custom_fields(sf: FakeSalesforce) -> None:
    checks = connector(sf).check()
    assert all(c.ok for c in checks), checks


def test_stage_history_between_syncs_is_kept_in_order(sf: FakeSalesforce, engine: Engine) -> None:
    acc = sf.add("Account", {"Name": "Acme", "Website": "acme.co.id"})
    opp = sf.add(
        "Opportunity",
        {
            "Name": "Acme",
            "Amount": 1000,
            "StageName": "Prospecting",
            "AccountId": acc,
            "IsClosed": False,
            "IsWon": False,
        },
    )
    run(sf, engine)
    opp_id = ident(engine, "Opportunity", opp)[1]  # type: ignore[index]
    for stage in ("Needs Analysis", "Proposal/Price Quote"):
        sf.add("OpportunityHistory", {"OpportunityId": opp, "StageName": stage, "Amount": 1000})
    sf.set("Opportunity", opp, StageName="Proposal/Price Quote")
    report = run(sf, engine)
    assert not report.rejected
    stages = [
        e.payload["stage"]
        for e in engine.ledger.read()
        if e.type is EventType.OPPORTUNITY_STAGE_CHANGED and e.opportunity_id == opp_id
    ]
    assert stages == ["Needs Analysis", "Proposal/Price Quote"]
    assert engine.state.opportunities[opp_id].stage == "Proposal/Price Quote"
