"""Recycling sends a good lead back to nurture; new behaviour makes it an MQL again."""

from __future__ import annotations

from datetime import date, timedelta

from _lifecycle import MONDAY, Funnel, T, of_type, refusal
from revalign.contract.schema import VersionedContract
from revalign.core.state import Stage

D = timedelta(days=1)


def test_recycle_then_re_mql_keeps_history(contract: VersionedContract) -> None:
    f = Funnel(contract)
    f.worked("L1")
    placed = f.fact(
        T.RECYCLED,
        "L1",
        MONDAY + D,
        {"by": "budi", "reason": "budget_next_fiscal_year", "reengage_on": "2027-04-01"},
    )
    stops = of_type(placed, T.SLA_CLOCK_STOPPED)
    assert {e.payload["sla"] for e in stops} == {"first_contact_standard", "disposition"}
    lead = f.lead("L1")
    assert (lead.stage, lead.owner, lead.reengage_on) == (Stage.RECYCLED, None, date(2027, 4, 1))
    assert f.state.rep_load["budi"] == 0
    # an edited record alone does not re-open the SAL gate ...
    f.fact(T.LEAD_UPDATED, "L1", MONDAY + 2 * D, {"changes": {"title": "CEO"}}, source="crm")
    assert f.lead("L1").stage is Stage.RECYCLED
    # ... new behaviour does
    placed = f.behave("L1", "pricing_page", MONDAY + 30 * D)
    assert [e.type for e in placed if e.type is T.MQL_REACHED] == [T.MQL_REACHED]
    assert of_type(placed, T.LEAD_ASSIGNED)[0].payload["owner"] == "budi"
    lead = f.lead("L1")
    assert [t.stage for t in lead.history] == [
        Stage.LEAD,
        Stage.MQL,
        Stage.SAL,
        Stage.RECYCLED,
        Stage.MQL,
    ]
    assert lead.history[3].reason == "budget_next_fiscal_year"
    assert lead.reason is None


def test_rejected_lead_re_mqls_only_on_new_behaviour(contract: VersionedContract) -> None:
    f = Funnel(contract)
    f.capture("L1")
    f.reject("L1", MONDAY + D, reason="no_budget_signal")
    assert f.lead("L1").stage is Stage.REJECTED
    assert f.lead("L1").owner is None
    # a touch recorded before the rejection (late import) does not count
    assert of_type(f.behave("L1", "webinar", MONDAY + D / 2), T.MQL_REACHED) == []
    placed = f.behave("L1", "webinar", MONDAY + 2 * D)
    mql = of_type(placed, T.MQL_REACHED)
    assert len(mql) == 1 and mql[0].payload["high_intent"] is False
    assert f.lead("L1").stage is Stage.MQL


def test_recycle_needs_an_accepted_lead(contract: VersionedContract) -> None:
    f = Funnel(contract)
    f.capture("L1")
    assert refusal(f.recycle("L1", MONDAY + D)) is not None
    assert f.lead("L1").stage is Stage.MQL


def test_opportunity_lifecycle(contract: VersionedContract) -> None:
    f = Funnel(contract)
    f.worked("L1")
    f.rep_touch("L1", MONDAY + timedelta(hours=2))
    f.qualify("L1", MONDAY + D)
    assert f.lead("L1").qualification["budget"] == "50000"
    f.open_opp("L1", MONDAY + 2 * D)
    opp = f.state.opportunities["O-L1"]
    assert (str(opp.amount), opp.lead_id, f.lead("L1").opportunity_id) == ("25000", "L1", "O-L1")
    f.fact(
        T.OPPORTUNITY_STAGE_CHANGED,
        "L1",
        MONDAY + 3 * D,
        {"stage": "proposal", "amount": "27000"},
        opportunity_id="O-L1",
    )
    assert f.state.opportunities["O-L1"].stage == "proposal"
    placed = f.fact(
        T.OPPORTUNITY_LOST,
        "L1",
        MONDAY + 9 * D,
        {"currency": "USD", "reason": "competitor"},
        opportunity_id="O-L1",
    )
    assert refusal(placed) is None
    assert (f.lead("L1").stage, f.lead("L1").reason) == (Stage.LOST, "competitor")
    assert f.state.opportunities["O-L1"].won is False
    again = f.fact(
        T.OPPORTUNITY_WON,
        "L1",
        MONDAY + 10 * D,
        {"amount": "1", "currency": "USD"},
        opportunity_id="O-L1",
    )
    assert refusal(again) == "opportunity O-L1 is already closed (lost)"
    assert f.state.rep_load["budi"] == 0


def test_account_opportunity_without_lead_is_accepted(contract: VersionedContract) -> None:
    f = Funnel(contract)
    placed = f.fact(
        T.OPPORTUNITY_CREATED,
        None,
        MONDAY,
        {"amount": "900", "currency": "USD"},
        source="crm",
        opportunity_id="CRM-1",
    )
    assert refusal(placed) is None
    assert f.state.opportunities["CRM-1"].lead_id is None
