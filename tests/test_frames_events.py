"""Events → frames: exact columns, UTC timestamps, stage folding, big-table invariants."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics_sample import sample_events
from revalign.analytics.frames import SCHEMA, empty_frames, frames_from_events, segment_of
from revalign.core.events import Event, EventType

LEAD_COLUMNS = [
    "lead_id", "created_at", "channel", "campaign", "country", "industry", "employees",
    "segment", "team", "owner", "stage", "high_intent", "mql_at", "sal_at", "rejected_at",
    "reject_reason", "sql_at", "disqualified_at", "disqualify_reason", "recycled_at",
    "first_contact_at", "opportunity_id", "won_at", "lost_at",
]  # fmt: skip


def _lead(frames_leads: pd.DataFrame, lead_id: str) -> pd.Series:
    return frames_leads.set_index("lead_id").loc[lead_id]


def test_every_table_has_the_documented_columns_in_order() -> None:
    frames = frames_from_events(sample_events())
    for name, table in frames.tables().items():
        assert list(table.columns) == [c for c, _ in SCHEMA[name]], name
    assert list(frames.leads.columns)[: len(LEAD_COLUMNS)] == LEAD_COLUMNS
    empty = empty_frames()
    assert all(len(t) == 0 for t in empty.tables().values())
    assert list(empty.clocks.columns) == [c for c, _ in SCHEMA["clocks"]]


def test_timestamps_are_aware_utc() -> None:
    frames = frames_from_events(sample_events())
    for name, table in frames.tables().items():
        for col, kind in SCHEMA[name]:
            if kind == "ts":
                assert str(table[col].dtype) == "datetime64[us, UTC]", (name, col)
    l1 = _lead(frames.leads, "L1")
    assert l1["created_at"] == pd.Timestamp("2026-10-01T09:00", tz="UTC")


def test_lead_rows_fold_the_funnel() -> None:
    leads = frames_from_events(sample_events()).leads
    assert len(leads) == 9
    l1 = _lead(leads, "L1")
    assert (l1["stage"], l1["channel"], l1["segment"], l1["owner"], l1["team"]) == (
        "won", "paid_search", "50-500", "budi", "sdr-apac")  # fmt: skip
    assert bool(l1["high_intent"]) and l1["opportunity_id"] == "O1"
    assert l1["first_contact_at"] == pd.Timestamp("2026-10-02T12:00", tz="UTC")
    l4 = _lead(leads, "L4")
    assert (l4["stage"], l4["segment"], l4["reject_reason"]) == (
        "recycled",
        "unknown",
        "wrong_size",
    )
    assert pd.isna(l4["employees"]) and pd.isna(l4["sal_at"])
    assert l4["stage_at"] == pd.Timestamp("2026-10-07T09:00", tz="UTC")
    assert not bool(_lead(leads, "L7")["high_intent"])
    assert _lead(leads, "L9")["lost_at"] == pd.Timestamp("2026-10-30T09:00", tz="UTC")


def test_opportunities_clocks_and_small_tables() -> None:
    frames = frames_from_events(sample_events())
    opps = frames.opportunities.set_index("opportunity_id")
    assert opps.loc["O1", "amount"] == 12000.0 and bool(opps.loc["O1", "won"])
    assert opps.loc["O4", "amount"] == 7000.0  # a lost payload's default 0 keeps the amount
    assert not bool(opps.loc["O4", "won"]) and opps.loc["O4", "reason"] == "no_budget"
    assert pd.isna(opps.loc["O3", "won"]) and opps.loc["O3", "channel"] == "outbound"
    assert opps.loc["O2", "team"] == "sdr-apac" and opps.loc["O2", "owner"] == "putri"
    clocks = frames.clocks.set_index("clock_id")
    assert bool(clocks.loc["F3", "breached"]) and not bool(clocks.loc["F3", "met"])
    assert clocks.loc["F3", "elapsed_business_hours"] == 6.0
    assert bool(clocks.loc["R4", "breached"]) and pd.isna(clocks.loc["R4", "stopped_at"])
    assert len(frames.touches) == 2 and len(frames.rep_touches) == 4
    assert sorted(frames.costs["amount"]) == [1000.0, 2000.0, 3000.0]
    assert frames.costs["period_start"].iloc[0] == pd.Timestamp("2026-10-01", tz="UTC")
    assert len(frames.targets) == 3 and len(frames.forecasts) == 2 and len(frames.surveys) == 6


def test_updates_and_later_targets_win() -> None:
    at = datetime(2026, 10, 1, tzinfo=UTC)
    events = [
        Event(EventType.LEAD_CAPTURED, "t", "1", at, lead_id="A",
              payload={"email": "a@x.io", "employees": 10, "source": "organic"}),
        Event(EventType.LEAD_UPDATED, "t", "2", at, lead_id="A",
              payload={"changes": {"employees": 900, "source": "events"}}),
        Event(EventType.TARGET_SET, "t", "3", at, payload={"metric": "mqls", "period": "2026-10",
                                                           "amount": "5"}),
        Event(EventType.TARGET_SET, "t", "4", at, payload={"metric": "mqls", "period": "2026-10",
                                                           "amount": "7"}),
    ]  # fmt: skip
    frames = frames_from_events(events)
    lead = _lead(frames.leads, "A")
    assert (lead["segment"], lead["channel"], lead["employees"]) == ("501+", "events", 900)
    assert frames.targets.to_dict("records") == [
        {"metric": "mqls", "period": "2026-10", "amount": 7.0}
    ]


def test_segment_bands() -> None:
    assert [segment_of(x) for x in (None, 0, 49, 50, 500, 501)] == [
        "unknown", "1-49", "1-49", "50-500", "50-500", "501+"]  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(st.lists(st.booleans(), min_size=80, max_size=80))
def test_any_subsequence_gives_one_row_per_lead_and_per_touch(keep: list[bool]) -> None:
    events = [e for e, k in zip(sample_events(), keep + [True] * 200, strict=False) if k]
    frames = frames_from_events(events)
    clock_types = {EventType.SLA_CLOCK_STARTED, EventType.SLA_CLOCK_STOPPED, EventType.SLA_BREACHED}
    # clock events name a lead but do not create one
    lead_events = {e.lead_id for e in events if e.lead_id and e.type not in clock_types}
    assert set(frames.leads["lead_id"]) == lead_events
    touches = sum(e.type is EventType.MARKETING_TOUCH for e in events)
    assert len(frames.touches) == touches
    assert len(frames.rep_touches) == sum(e.type is EventType.REP_TOUCH for e in events)
    assert frames.leads["lead_id"].is_unique
