"""Dates that make sense, checked by the core: closed >= created; decision and re-engage
dates not in the past at the moment recorded. Refused with a message, never stored silently."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _lifecycle import FIT_LEAD, MONDAY, Funnel, T, refusal
from revalign.cli.app import run
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event
from revalign.core.state import Stage

D = timedelta(days=1)


def _sql_lead(f: Funnel) -> None:
    f.worked("L1")
    f.rep_touch("L1", MONDAY + timedelta(hours=2))
    f.qualify("L1", MONDAY + D)


def _opp(decision_date: str) -> dict[str, object]:
    return {
        "amount": "25000",
        "currency": "USD",
        "decision_process": "CFO signs",
        "stakeholders": ["CFO"],
        "decision_date": decision_date,
    }


def test_close_before_created_is_refused(contract: VersionedContract) -> None:
    f = Funnel(contract)
    _sql_lead(f)
    f.open_opp("L1", MONDAY + 5 * D)
    won = {"amount": "25000", "currency": "USD"}
    placed = f.fact(T.OPPORTUNITY_WON, "L1", MONDAY + 4 * D, won, opportunity_id="O-L1")
    reason = refusal(placed)
    assert reason is not None and "cannot close at 2026-11-06" in reason
    assert "before it was created at 2026-11-07" in reason
    assert f.state.opportunities["O-L1"].closed_at is None  # the refused fact is undone
    assert f.lead("L1").stage is Stage.OPPORTUNITY
    # closing at the very moment of creation is fine
    same = f.fact(T.OPPORTUNITY_WON, "L1", MONDAY + 5 * D, won, opportunity_id="O-L1")
    assert refusal(same) is None and f.lead("L1").stage is Stage.WON


def test_decision_date_in_the_past_is_refused(contract: VersionedContract) -> None:
    f = Funnel(contract)
    _sql_lead(f)
    placed = f.open_opp("L1", MONDAY + 2 * D, **_opp("2026-11-03"))
    reason = refusal(placed)
    assert reason == (
        "opportunity O-L1: the decision date 2026-11-03 is in the past at the moment recorded "
        "(2026-11-04); give a date on or after it"
    )
    assert "O-L1" not in f.state.opportunities
    assert refusal(f.open_opp("L1", MONDAY + 2 * D, **_opp("2026-11-04"))) is None


def test_account_opportunity_decision_date_is_checked_too(contract: VersionedContract) -> None:
    f = Funnel(contract)
    payload = {"amount": "900", "currency": "USD", "decision_date": "2026-01-01"}
    placed = f.fact(
        T.OPPORTUNITY_CREATED, None, MONDAY, payload, source="crm", opportunity_id="CRM-1"
    )
    assert "decision date 2026-01-01 is in the past" in (refusal(placed) or "")


def test_past_reengage_date_is_refused(contract: VersionedContract) -> None:
    f = Funnel(contract)
    f.worked("L1")
    payload = {"by": "budi", "reason": "wrong_timing", "reengage_on": "2026-10-01"}
    reason = refusal(f.fact(T.RECYCLED, "L1", MONDAY + D, payload))
    assert reason is not None and "re-engage date 2026-10-01 is in the past" in reason
    assert f.lead("L1").stage is Stage.SAL
    payload["reengage_on"] = "2027-02-01"
    assert refusal(f.fact(T.RECYCLED, "L1", MONDAY + D, payload)) is None


@given(st.integers(min_value=-30, max_value=30), st.integers(min_value=-30, max_value=30))
def test_close_is_refused_exactly_when_before_created(create_day: int, close_day: int) -> None:
    from revalign.contract.loader import default_contract

    f = Funnel(default_contract())
    created = MONDAY + create_day * D
    f.fact(
        T.OPPORTUNITY_CREATED, None, created, {"amount": "1", "currency": "USD"},
        source="crm", opportunity_id="CRM-1",
    )  # fmt: skip
    placed = f.fact(
        T.OPPORTUNITY_LOST, None, MONDAY + close_day * D,
        {"currency": "USD", "reason": "competitor"}, source="crm", opportunity_id="CRM-1",
    )  # fmt: skip
    assert (refusal(placed) is not None) == (close_day < create_day)
    assert (f.state.opportunities["CRM-1"].closed_at is None) == (close_day < create_day)


def test_cli_verbs_refuse_past_dates(
    contract: VersionedContract, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from revalign.engine import open_engine

    db = f"sqlite:///{tmp_path / 'lead.db'}"
    at = datetime.now(UTC) - timedelta(hours=2)
    captured = Event(type=T.LEAD_CAPTURED, source="form", source_id="1", occurred_at=at,
                     lead_id="L1", payload=FIT_LEAD)  # fmt: skip
    with open_engine(db, contract) as engine:
        engine.submit([captured])
    assert run(["lead", "accept", "L1", "--by", "maya", "--db", db]) == 0
    recycle = ["lead", "recycle", "L1", "--by", "budi", "--reason", "wrong_timing", "--db", db]
    assert run([*recycle, "--reengage-on", "2020-01-01"]) == 2
    assert "re-engage date 2020-01-01 is in the past" in capsys.readouterr().err
