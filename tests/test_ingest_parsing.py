"""Table tests: each kind's rows -> events, and every bad-row reason."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from revalign.connectors import rows
from revalign.connectors.base import Context
from revalign.connectors.countries import country_code
from revalign.connectors.csv_ingest import translator_for
from revalign.connectors.identity import account_id_for, lead_id_for
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event, EventType


def translate(contract: VersionedContract, kind: str, row: dict[str, Any]) -> list[Event]:
    return translator_for(kind, Context.create(f"file:{kind}", contract)).translate(row)


LEAD = {
    "email": " Ana.Putri@Tokoku.co.id ",
    "first_name": "Ana",
    "last_name": "Putri",
    "title": "Direktur Pemasaran",
    "company": "Tokoku",
    "employees": "120",
    "industry": "e-commerce",
    "country": "Indonesia",
    "source": "paid_social",
    "campaign": "paid-social-q4",
    "created_at": "2026-06-03T10:15:00",
    "crm_owner": "legacy-7",
}


def test_lead_row_becomes_lead_captured(contract: VersionedContract) -> None:
    [e] = translate(contract, "leads", LEAD)
    assert e.type is EventType.LEAD_CAPTURED
    assert e.source == "file:leads"
    assert e.lead_id == lead_id_for("ana.putri@tokoku.co.id") == "L-" + e.lead_id[2:]
    assert len(e.lead_id) == 14
    assert e.account_id == account_id_for("tokoku.co.id")
    assert e.occurred_at == datetime(2026, 6, 3, 10, 15, tzinfo=UTC)  # naive = UTC
    assert e.payload == {
        "email": "ana.putri@tokoku.co.id",
        "first_name": "Ana",
        "last_name": "Putri",
        "title": "Direktur Pemasaran",
        "company": "Tokoku",
        "domain": "tokoku.co.id",
        "employees": 120,
        "industry": "e-commerce",
        "country": "ID",
        "source": "paid_social",
        "campaign": "paid-social-q4",
        "attributes": {"crm_owner": "legacy-7"},
    }


def test_free_mail_lead_has_no_account(contract: VersionedContract) -> None:
    [e] = translate(contract, "leads", {**LEAD, "email": "budi@gmail.com"})
    assert e.account_id is None
    assert e.payload["domain"] == "gmail.com"


def test_second_row_for_same_email_is_an_update(contract: VersionedContract) -> None:
    t = translator_for("leads", Context.create("file:leads", contract))
    [first] = t.translate(LEAD)
    [second] = t.translate({**LEAD, "title": "VP Sales", "created_at": "2026-07-01"})
    assert t.translate({**LEAD, "title": "VP Sales", "created_at": "2026-07-02"}) == []
    assert second.type is EventType.LEAD_UPDATED
    assert second.payload == {"changes": {"title": "VP Sales"}}
    assert second.lead_id == first.lead_id
    assert second.source_id != first.source_id


@pytest.mark.parametrize(
    ("value", "code"),
    [("ID", "ID"), ("id", "ID"), ("Indonesia", "ID"), ("Singapura", "SG"), ("USA", "US"),
     ("United Kingdom", "GB"), ("Amerika Serikat", "US"), ("Narnia", None), ("XX", None)],
)  # fmt: skip
def test_country_names(value: str, code: str | None) -> None:
    assert country_code(value) == code


def test_unknown_country_is_kept_as_attribute(contract: VersionedContract) -> None:
    [e] = translate(contract, "leads", {**LEAD, "country": "Narnia"})
    assert "country" not in e.payload
    assert e.payload["attributes"]["country_raw"] == "Narnia"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"email": ""}, "missing email"),
        ({"email": "ana.tokoku.co.id"}, "invalid email 'ana.tokoku.co.id'"),
        ({"email": "ana@tokoku"}, "invalid email"),
        ({"created_at": "03/06/2026"}, "unparseable created_at '03/06/2026'"),
        ({"created_at": ""}, "missing created_at"),
        ({"employees": "many"}, "unparseable employees 'many'"),
        ({"employees": "-4"}, "employees must be a whole number"),
    ],
)
def test_bad_lead_rows(contract: VersionedContract, change: dict[str, str], reason: str) -> None:
    with pytest.raises(rows.RowError, match=reason):
        translate(contract, "leads", {**LEAD, **change})


def test_employee_band_gives_midpoint(contract: VersionedContract) -> None:
    [e] = translate(contract, "leads", {**LEAD, "employees": "51-200"})
    assert e.payload["employees"] == 125


TOUCH = {"email": "ana.putri@tokoku.co.id", "occurred_at": "2026-06-04T08:00:00Z",
         "kind": "pricing_page", "channel": "paid_social", "campaign": "paid-social-q4",
         "url": "https://example.com/pricing"}  # fmt: skip


def test_marketing_touch(contract: VersionedContract) -> None:
    [e] = translate(contract, "touches", TOUCH)
    assert e.type is EventType.MARKETING_TOUCH
    assert e.payload == {k: TOUCH[k] for k in ("kind", "channel", "campaign", "url")}
    assert e.lead_id == lead_id_for("ana.putri@tokoku.co.id")


def test_rep_touch_and_lead_id_reference(contract: VersionedContract) -> None:
    row = {"lead_id": "L-0123456789ab", "occurred_at": "2026-06-04T09:00:00+07:00",
           "kind": "Call", "by": "budi", "outcome": "voicemail"}  # fmt: skip
    [e] = translate(contract, "touches", row)
    assert e.type is EventType.REP_TOUCH
    assert e.payload == {"kind": "call", "by": "budi", "outcome": "voicemail"}
    assert e.lead_id == "L-0123456789ab"
    assert e.occurred_at == datetime(2026, 6, 4, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"kind": "fax"}, "unknown kind 'fax'"),
        ({"kind": "call"}, "missing by"),
        ({"occurred_at": "yesterday"}, "unparseable occurred_at"),
        ({"email": None}, "missing email or lead_id"),
        ({"email": "not an email"}, "invalid email"),
    ],
)
def test_bad_touch_rows(contract: VersionedContract, change: dict[str, Any], reason: str) -> None:
    with pytest.raises(rows.RowError, match=reason):
        translate(contract, "touches", {**TOUCH, **change})


OPP = {"opportunity_id": "OPP-1", "email": "ana.putri@tokoku.co.id",
       "created_at": "2026-07-01", "amount": "24,000.00", "currency": "usd",
       "stage": "proposal", "expected_close": "2026-09-30", "decision_process": "CFO signs",
       "stakeholders": "Ana Putri; Budi Hartono", "decision_date": "2026-09-15",
       "owner": "budi", "status": "open"}  # fmt: skip


def test_open_opportunity(contract: VersionedContract) -> None:
    [e] = translate(contract, "opportunities", OPP)
    assert e.type is EventType.OPPORTUNITY_CREATED
    assert e.opportunity_id == "OPP-1"
    assert e.payload["amount"] == "24000.00"
    assert e.payload["currency"] == "USD"
    assert e.payload["stakeholders"] == ["Ana Putri", "Budi Hartono"]
    assert e.payload["expected_close"] == "2026-09-30"


def test_won_and_lost_opportunities(contract: VersionedContract) -> None:
    won = translate(contract, "opportunities", {**OPP, "status": "won", "closed_at": "2026-09-20"})
    assert [e.type for e in won] == [EventType.OPPORTUNITY_CREATED, EventType.OPPORTUNITY_WON]
    assert won[1].payload == {"amount": "24000.00", "currency": "USD"}
    lost_row = {**OPP, "status": "lost", "closed_at": "2026-09-20", "lost_reason": "competitor"}
    lost = translate(contract, "opportunities", lost_row)
    assert lost[1].type is EventType.OPPORTUNITY_LOST
    assert lost[1].payload["reason"] == "competitor"


def test_stage_change_for_known_opportunity(contract: VersionedContract) -> None:
    t = translator_for("opportunities", Context.create("file:opportunities", contract))
    t.translate(OPP)
    again = t.translate({**OPP, "stage": "negotiation"})
    assert [e.type for e in again] == [
        EventType.OPPORTUNITY_CREATED,  # same key as before: the ledger drops it
        EventType.OPPORTUNITY_STAGE_CHANGED,
    ]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"amount": "-5"}, "negative amount"),
        ({"amount": "lots"}, "unparseable amount"),
        ({"currency": "US$"}, "unknown currency format"),
        ({"status": "won"}, "missing closed_at for a won opportunity"),
        ({"status": "lost", "closed_at": "2026-09-01"}, "reason"),
        ({"status": "maybe"}, "unknown status"),
        ({"expected_close": "Q3"}, "unparseable expected_close"),
        ({"opportunity_id": ""}, "missing opportunity_id"),
    ],
)
def test_bad_opportunity_rows(
    contract: VersionedContract, change: dict[str, str], reason: str
) -> None:
    with pytest.raises(rows.RowError, match=reason):
        translate(contract, "opportunities", {**OPP, **change})


COST = {"campaign": "paid-social-q4", "amount": "30000", "currency": "USD",
        "period_start": "2026-10-01", "period_end": "2026-10-31"}  # fmt: skip


def test_cost_row_channel_from_contract(contract: VersionedContract) -> None:
    [e] = translate(contract, "costs", COST)
    assert e.type is EventType.CAMPAIGN_COST
    assert e.payload == {"campaign": "paid-social-q4", "channel": "paid_social",
                         "amount": "30000", "currency": "USD",
                         "period_start": "2026-10-01", "period_end": "2026-10-31"}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"amount": "-1"}, "negative amount"),
        ({"campaign": "mystery"}, "missing channel"),
        ({"period_end": "2026-09-01"}, "before period_start"),
        ({"period_start": "Oct"}, "unparseable period_start"),
        ({"currency": "dollars"}, "unknown currency format"),
    ],
)
def test_bad_cost_rows(contract: VersionedContract, change: dict[str, str], reason: str) -> None:
    with pytest.raises(rows.RowError, match=reason):
        translate(contract, "costs", {**COST, **change})


STAGE = {"email": "ana.putri@tokoku.co.id", "occurred_at": "2026-06-05T03:00:00Z",
         "event": "sal_accepted", "by": "maya"}  # fmt: skip


@pytest.mark.parametrize(
    ("row", "type_", "payload"),
    [
        ({"owner": "putri"}, EventType.SAL_ACCEPTED, {"by": "maya", "owner": "putri"}),
        ({"event": "sal_rejected", "reason": "wrong_size"}, EventType.SAL_REJECTED,
         {"by": "maya", "reason": "wrong_size"}),
        ({"event": "sql", "by": "putri", "budget": "yes", "authority": "CMO", "need": "crm",
          "timeline": "Q4"}, EventType.SQL_QUALIFIED,
         {"by": "putri", "framework": "bant",
          "fields": {"budget": "yes", "authority": "CMO", "need": "crm", "timeline": "Q4"}}),
        ({"event": "disqualified", "reason": "no_response", "note": "6 touches"},
         EventType.DISQUALIFIED, {"by": "maya", "reason": "no_response", "note": "6 touches"}),
        ({"event": "Recycled", "reason": "wrong_timing", "reengage_on": "2027-01-15"},
         EventType.RECYCLED, {"by": "maya", "reason": "wrong_timing", "reengage_on": "2027-01-15"}),
    ],
)  # fmt: skip
def test_stage_rows(
    contract: VersionedContract, row: dict[str, str], type_: EventType, payload: dict[str, Any]
) -> None:
    [e] = translate(contract, "stages", {**STAGE, **row})
    assert e.type is type_
    assert e.payload == payload


def test_owner_on_other_stage_event_is_a_reassignment(contract: VersionedContract) -> None:
    row = {**STAGE, "event": "sql", "owner": "wei"}
    events = translate(contract, "stages", row)
    assert [e.type for e in events] == [EventType.SQL_QUALIFIED, EventType.LEAD_ASSIGNED]
    assert events[1].payload["owner"] == "wei"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"event": "promoted"}, "unknown event 'promoted'"),
        ({"event": "sal_rejected"}, "missing reason"),
        ({"by": ""}, "missing by"),
        ({"occurred_at": "2026-13-01"}, "unparseable occurred_at"),
        ({"event": "recycled", "reason": "wrong_timing", "reengage_on": "soon"},
         "unparseable reengage_on"),
    ],
)  # fmt: skip
def test_bad_stage_rows(contract: VersionedContract, change: dict[str, str], reason: str) -> None:
    with pytest.raises(rows.RowError, match=reason):
        translate(contract, "stages", {**STAGE, **change})


def test_explicit_id_column_is_the_key(contract: VersionedContract) -> None:
    [e] = translate(contract, "touches", {**TOUCH, "id": "hubspot-991"})
    assert e.source_id == "hubspot-991"
    [a] = translate(contract, "touches", TOUCH)
    [b] = translate(contract, "touches", dict(TOUCH))
    assert a.source_id == b.source_id != "hubspot-991"
