"""One row per SLA of the catalog: start, warn, breach, stop and escalate, in business hours.

Each scenario drives an in-memory funnel under the default contract (or a small variant)
and returns it; the row states, for the SLA's first clock, when it is due, when it warns,
when it breaches, whether its stop was met and who the escalation reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from _lifecycle import FIT_LEAD, MONDAY, SMALL_LEAD, Funnel, T, contract_with, of_type
from revalign.contract.loader import default_contract
from revalign.core.decide import evolve
from revalign.core.run import run_tick
from revalign.core.sla_catalog import SLAS
from revalign.core.state import FunnelState


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def _sal_review() -> Funnel:
    f = Funnel(default_contract())
    f.capture("L1")
    f.tick(utc(2026, 11, 2, 9, 30))  # 16:30 Jakarta: 6 of 8 business hours used
    f.tick(utc(2026, 11, 3, 4))
    f.accept("L1", utc(2026, 11, 3, 5))
    return f


def _first_contact_standard() -> Funnel:
    f = Funnel(default_contract())
    f.capture("L1")
    f.accept("L1", MONDAY)
    f.tick(utc(2026, 11, 4, 6))  # Wednesday 13:00 Jakarta: 19 of 24 business hours
    f.tick(utc(2026, 11, 5, 4))
    f.rep_touch("L1", utc(2026, 11, 6, 3))
    return f


def _first_contact_high_intent() -> Funnel:
    f = Funnel(default_contract())
    f.capture("L1", **SMALL_LEAD)
    f.behave("L1", "demo_request", MONDAY + timedelta(hours=5))  # 15:00 Jakarta
    f.accept("L1", MONDAY + timedelta(hours=5))
    f.rep_touch("L1", utc(2026, 11, 3, 3, 30))  # Tuesday 10:30: after the warning, in time
    f.tick(utc(2026, 11, 3, 3, 15))
    return f


def _disposition() -> Funnel:
    f = Funnel(default_contract())
    f.capture("L1")
    f.accept("L1", MONDAY)
    f.rep_touch("L1", MONDAY + timedelta(hours=1))
    f.tick(utc(2026, 11, 13))
    f.tick(utc(2026, 11, 17))
    f.qualify("L1", utc(2026, 11, 18))
    return f


def _route() -> Funnel:
    f = Funnel(default_contract())
    f.capture("L1")
    return f


def _data_quality() -> Funnel:
    c = contract_with(slas={"required_fields": ["email", "company", "campaign"]})
    f = Funnel(c)
    f.capture("L1")  # FIT_LEAD has no campaign
    return f


def _capacity_notice() -> Funnel:
    f = Funnel(default_contract())
    late = {"team": "sdr-apac", "rep": "budi", "effective_from": "2026-11-16", "capacity": 10}
    f.fact(T.CAPACITY_NOTICE, None, MONDAY, late)
    return f


def _mql_volume() -> Funnel:
    f = Funnel(contract_with(targets={"mql_per_month": 3}))
    f.capture("L1")
    f.tick(utc(2026, 11, 24))  # 1 MQL of a pro-rated 2.25 by 75 % of November
    f.tick(utc(2026, 12, 1))
    return f


def _mql_to_sql_quality() -> Funnel:
    f = Funnel(default_contract())
    f.capture("L1")
    f.tick(utc(2026, 12, 20))  # 75 % of Nov 1 .. Dec 31 (the cohort's 30 days to convert)
    f.tick(utc(2026, 12, 31))
    return f


_MANAGERS_FORECAST = {"slas": {"forecast": {"owners": "managers"}}}  # default: every rep owes


def _forecast_submission() -> Funnel:
    f = Funnel(contract_with(**_MANAGERS_FORECAST))
    f.capture("L1")
    forecast = {"period": "2026Q4", "amount": "900000", "currency": "USD", "by": "maya",
                "category": "commit", "submitted_at": MONDAY.isoformat()}  # fmt: skip
    f.fact(T.FORECAST_SUBMITTED, None, MONDAY, forecast)
    f.tick(utc(2026, 11, 7))  # week 45 judged: maya met; grace and oliver did not submit
    f.tick(utc(2026, 11, 12, 6))  # week 46: 75 % of Monday..Friday 17:00 Jakarta
    f.tick(utc(2026, 11, 14))
    return f


@dataclass(frozen=True)
class Row:
    sla: str
    scenario: Callable[[], Funnel]
    clock: str  # substring of the clock id the row is about
    due: datetime
    warn: datetime | None  # sla.warned at (None: never warned)
    breach: datetime | None
    met: bool | None  # the stop's verdict (None: still running)
    escalated: tuple[str, ...]  # owners the ops level reached


ROWS = [
    Row("sal_review", _sal_review, "L1:sal_review", utc(2026, 11, 3, 3), utc(2026, 11, 2, 9),
        utc(2026, 11, 3, 3), False, ("maya", "all")),
    Row("first_contact_standard", _first_contact_standard, "L1:first_contact_standard",
        utc(2026, 11, 5, 3), utc(2026, 11, 4, 5), utc(2026, 11, 5, 3), False, ("budi", "all")),
    Row("first_contact_high_intent", _first_contact_high_intent, "L1:first_contact_high",
        utc(2026, 11, 3, 4), None, None, True, ()),
    Row("disposition", _disposition, "L1:disposition", utc(2026, 11, 16, 3),
        utc(2026, 11, 12, 15), utc(2026, 11, 16, 3), False, ("budi", "all")),
    Row("route", _route, "L1:route", MONDAY + timedelta(minutes=5), None, None, True, ()),
    Row("data_quality", _data_quality, "L1:data_quality", MONDAY, None, MONDAY, False,
        ("marketing", "all")),
    Row("capacity_notice", _capacity_notice, "budi:capacity_notice", utc(2026, 10, 17), None,
        MONDAY, False, ("budi", "all")),
    Row("mql_volume", _mql_volume, "mql_volume:2026-11", utc(2026, 12, 1),
        utc(2026, 11, 24), utc(2026, 12, 1), False, ("marketing", "all")),
    Row("mql_to_sql_quality", _mql_to_sql_quality, "mql_to_sql_quality:2026-11",
        utc(2026, 12, 31), utc(2026, 12, 20), utc(2026, 12, 31), False, ("marketing", "all")),
    Row("forecast_submission", _forecast_submission, "forecast_submission:maya:2026-W46",
        utc(2026, 11, 13, 10), utc(2026, 11, 12, 5, 45), utc(2026, 11, 13, 10), False,
        ("maya", "all")),
]  # fmt: skip


def test_every_sla_of_the_catalog_has_a_row() -> None:
    assert sorted(r.sla for r in ROWS) == sorted(s.name for s in SLAS)


@pytest.mark.parametrize("row", ROWS, ids=[r.sla for r in ROWS])
def test_sla_row(row: Row) -> None:
    f = row.scenario()
    mine = [e for e in f.log if row.clock in str(e.payload.get("clock_id", ""))]
    (start,) = [e for e in of_type(mine, T.SLA_CLOCK_STARTED)][:1]
    cid = start.payload["clock_id"]
    assert start.payload["sla"] == row.sla
    assert datetime.fromisoformat(start.payload["due_at"]) == row.due
    own = [e for e in mine if e.payload["clock_id"] == cid]
    assert [e.occurred_at for e in of_type(own, T.SLA_WARNED)] == ([row.warn] if row.warn else [])
    breached = [e.occurred_at for e in of_type(own, T.SLA_BREACHED)]
    assert breached == ([row.breach] if row.breach else [])
    stops = [e.payload["met"] for e in of_type(own, T.SLA_CLOCK_STOPPED)]
    assert stops == ([row.met] if row.met is not None else [])
    side = start.payload["owner_side"]
    ops = {e.payload["owner"] for e in of_type(f.log, T.ESCALATED)
           if e.payload["level"] == "ops" and e.payload["side"] == side}  # fmt: skip
    assert set(row.escalated) <= ops if row.escalated else True


@pytest.mark.parametrize("row", ROWS, ids=[r.sla for r in ROWS])
def test_rebuilt_state_ticks_nothing_new(row: Row) -> None:
    """Replay: the ledger alone, folded, is a state whose tick repeats nothing (idempotent)."""
    f = row.scenario()
    state = FunnelState()
    for event in f.log:
        evolve(state, event)
    last = max(e.occurred_at for e in f.log)
    keys = {e.key for e in f.log}
    again = [e for e in run_tick(state, f.contract, last) if e.key not in keys]
    assert again == []


def test_breach_details_name_what_was_missed() -> None:
    f = _data_quality()
    (b,) = of_type(f.log, T.SLA_BREACHED)
    assert (b.payload["missing_fields"], b.payload["channel"]) == (["campaign"], "paid_social")
    volume = _mql_volume().log
    (v,) = [e for e in of_type(volume, T.SLA_BREACHED) if e.payload["sla"] == "mql_volume"]
    assert (v.payload["target"], v.payload["actual"], v.payload["period"]) == (3.0, 1.0, "2026-11")


def test_warning_payload_is_the_agreed_one() -> None:
    f = _first_contact_standard()
    (w,) = of_type(f.log, T.SLA_WARNED)
    assert set(w.payload) == {"clock_id", "sla", "owner", "owner_side", "due_at", "used_fraction"}
    assert (w.payload["owner"], w.payload["used_fraction"]) == ("budi", 0.75)


def test_capacity_announced_in_time_is_met_and_more_capacity_is_no_promise() -> None:
    f = Funnel(default_contract())
    ahead = {"team": "sdr-apac", "rep": "budi", "effective_from": "2026-12-15", "capacity": 10}
    placed = f.fact(T.CAPACITY_NOTICE, None, MONDAY, ahead)
    assert [e.payload["met"] for e in of_type(placed, T.SLA_CLOCK_STOPPED)] == [True]
    more = {"team": "sdr-apac", "rep": "putri", "effective_from": "2026-11-03", "capacity": 80}
    assert of_type(f.fact(T.CAPACITY_NOTICE, None, MONDAY, more), T.SLA_CLOCK_STARTED) == []


def test_a_met_month_and_an_in_time_forecast_do_not_breach() -> None:
    f = Funnel(contract_with(targets={"mql_per_month": 1}))
    f.capture("L1", **{**FIT_LEAD, "email": "a@acme.co.id"})
    placed = f.tick(utc(2026, 12, 1))
    volume = [e for e in placed if e.payload.get("sla") == "mql_volume"]
    assert [e.type for e in volume] == [T.SLA_CLOCK_STARTED, T.SLA_CLOCK_STOPPED]
    assert volume[1].payload["met"] is True


def test_quality_is_judged_per_campaign_and_channel_with_enough_mqls() -> None:
    f = Funnel(contract_with(slas={"quality_min_mqls": 2}))
    for i in range(2):
        lead = {**FIT_LEAD, "email": f"x{i}@acme.co.id", "campaign": "webinar-series"}
        f.capture(f"L{i}", at=MONDAY + timedelta(minutes=i), **lead)
    f.accept("L0", MONDAY + timedelta(hours=1))
    f.qualify("L0", MONDAY + timedelta(hours=2))
    placed = f.tick(utc(2026, 12, 31))
    judged = {e.payload["clock_id"]: e.payload["met"]
              for e in of_type(placed, T.SLA_CLOCK_STOPPED)
              if e.payload["sla"] == "mql_to_sql_quality"}  # fmt: skip
    assert judged == {
        "mql_to_sql_quality:2026-11": True,
        "mql_to_sql_quality:2026-11:campaign:webinar-series": True,
        "mql_to_sql_quality:2026-11:channel:paid_social": True,
    }


def test_a_forecast_in_the_teams_name_counts_for_its_manager() -> None:
    f = Funnel(contract_with(**_MANAGERS_FORECAST))
    f.capture("L1")
    forecast = {"period": "2026Q4", "amount": "900000", "currency": "USD", "by": "sdr-apac"}
    f.fact(T.FORECAST_SUBMITTED, None, MONDAY, forecast)
    placed = f.tick(utc(2026, 11, 7))
    verdicts = {
        e.payload["clock_id"]: e.payload["met"] for e in of_type(placed, T.SLA_CLOCK_STOPPED)
    }
    assert verdicts["forecast_submission:maya:2026-W45"] is True
    assert verdicts["forecast_submission:grace:2026-W45"] is False
