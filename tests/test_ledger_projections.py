"""Projector: only changed rows are rewritten, removals delete, accounts follow their leads."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from revalign.core.state import Clock, FunnelState, LeadState, OpportunityState, Stage
from revalign.ledger import SqlLedger
from revalign.ledger.projections import Projector
from revalign.ledger.rows import _STATE_ENCODER, state_json
from test_ledger_support import T0, ledger, ledger_url, projection_rows  # noqa: F401


def lead(n: int, account: str | None = "A1", **kw: object) -> LeadState:
    return LeadState(lead_id=f"L{n}", email=f"p{n}@x.io", created_at=T0, account_id=account, **kw)  # type: ignore[arg-type]


def write(led: SqlLedger, projector: Projector, state: FunnelState) -> None:
    with led.writer() as w:
        projector.flush(w.conn, state)


def test_flush_writes_changes_and_deletes_what_left_the_state(ledger: SqlLedger) -> None:  # noqa: F811
    state = FunnelState()
    state.leads = {"L1": lead(1, company="Acme"), "L2": lead(2, company="Acme Ltd")}
    state.opportunities["O1"] = OpportunityState("O1", "L1", "A1", T0, Decimal("1250.50"), "USD")
    state.clocks["c1"] = Clock(
        "c1", "first_contact", "L1", "ana", "sales", T0, T0 + timedelta(hours=4)
    )
    state.rep_load = {"ana": 1}
    projector = Projector()
    write(ledger, projector, state)
    rows = projection_rows(ledger)
    assert [r[0] for r in rows["leads"]] == ["L1", "L2"]
    assert rows["accounts"][0][:2] == ("A1", "Acme") and rows["accounts"][0][6:8] == (2, 1)
    assert rows["opportunities"][0][4:6] == ("1250.50", "USD")
    assert rows["owners"] == [("ana", 1, None)]

    state.leads["L2"] = replace(state.leads["L2"], account_id="A2", stage=Stage.MQL, mql_at=T0)
    del state.leads["L1"]
    del state.clocks["c1"]
    state.rep_load = {"budi": 2}
    state.capacity = {"ana": 5}
    write(ledger, projector, state)
    rows = projection_rows(ledger)
    assert [(r[0], r[1], r[2]) for r in rows["leads"]] == [("L2", "A2", "mql")]
    # A1 keeps its opportunity, A2 gains L2
    assert [(r[0], r[6], r[7]) for r in rows["accounts"]] == [("A1", 0, 1), ("A2", 1, 0)]
    assert rows["clocks"] == []
    assert rows["owners"] == [("ana", 0, 5), ("budi", 2, None)]


def test_rewrite_all_equals_incremental_flushes(ledger: SqlLedger) -> None:  # noqa: F811
    state = FunnelState()
    projector = Projector()
    for n in range(6):
        state.leads[f"L{n}"] = lead(n, account=f"A{n % 2}", score=float(n))
        write(ledger, projector, state)
    state.leads["L3"] = replace(state.leads["L3"], stage=Stage.SAL, owner="ana")
    write(ledger, projector, state)
    incremental = projection_rows(ledger)
    with ledger.writer() as w:
        Projector().write_all(w.conn, state)
    assert projection_rows(ledger) == incremental


def test_state_json_carries_every_field_canonically() -> None:
    a = lead(1, attributes={"b": 1, "a": [1, 2]}, score=12.5)
    text = state_json(a)
    assert text.startswith('{"account_id":"A1"')
    assert '"attributes":{"a":[1,2],"b":1}' in text and '"score":12.5' in text
    assert '"created_at":"2026-11-02T09:00:00+00:00"' in text and '"stage":"lead"' in text
    assert state_json(replace(a)) == text


class Part(NamedTuple):
    rule: str
    points: float


def test_state_json_matches_the_stdlib_encoder_for_odd_values() -> None:
    """orjson is a speed-up only: named tuples, Decimal, sets and dates give json's text."""
    odd = {"part": Part("fit", 5.0), "amount": Decimal("12.50"), "tags": {"b", "a"}}
    a = lead(1, attributes=odd, reengage_on=T0.date(), stage_at=T0 + timedelta(microseconds=7))
    text = state_json(a)
    assert text == _STATE_ENCODER.encode(a)
    assert '"part":["fit",5.0]' in text and '"amount":"12.50"' in text
    assert '"tags":["a","b"]' in text and '"reengage_on":"2026-11-02"' in text
