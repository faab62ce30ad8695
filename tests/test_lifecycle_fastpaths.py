"""The hot path's shortcuts give exactly what the plain constructions give."""

from __future__ import annotations

import math
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from revalign.contract.loader import default_contract
from revalign.core.events import _ID_NAMESPACE, Event, EventType, event_id
from revalign.core.scoring import behaviour_parts, nothing_to_prune, prune_signals, scoring_model
from revalign.core.state import LeadState, Signal, with_changes

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@given(st.text(), st.text())
def test_event_id_is_uuid5_of_the_key(source: str, source_id: str) -> None:
    expected = str(uuid.uuid5(_ID_NAMESPACE, f"{source}\x1f{source_id}"))
    assert event_id(source, source_id) == expected


def test_event_id_is_cached_and_not_part_of_equality() -> None:
    a = Event(type=EventType.MARKETING_TOUCH, source="web", source_id="t1", occurred_at=AT)
    b = Event(type=EventType.MARKETING_TOUCH, source="web", source_id="t1", occurred_at=AT)
    assert a.id == event_id("web", "t1") and a.id is a.id
    assert a == b  # b has not computed its id yet
    assert " _id=" not in repr(a)
    moved = replace(a, source_id="t2")
    assert moved.id == event_id("web", "t2")


def test_with_changes_is_replace() -> None:
    lead = LeadState("L1", "a@b.co", AT, title="CTO", signals=(Signal("webinar", AT),))
    changed = with_changes(lead, score=12.5, title="VP")
    assert changed == replace(lead, score=12.5, title="VP")
    assert changed is not lead and lead.score == 0.0 and lead.title == "CTO"


MODEL = scoring_model(default_contract())
KINDS = [*MODEL.behaviour, "unsubscribe"]
signal_lists = st.lists(
    st.builds(
        lambda k, a: Signal(k, AT - timedelta(days=a)),
        st.sampled_from(KINDS),
        st.floats(min_value=-5, max_value=400, allow_nan=False),
    ),
    max_size=40,
)


def _reference_sums(signals: list[Signal], at: datetime) -> dict[str, float]:
    """The decayed sums as the plain formula gives them, in signal order."""
    sums: dict[str, float] = {}
    for s in signals:
        rule = MODEL.behaviour.get(s.kind)
        age = (at - s.at).total_seconds()
        if rule is not None and age >= 0:
            sums[s.kind] = sums.get(s.kind, 0.0) + rule.points * math.exp(-rule.rate * age)
    return sums


@given(signal_lists)
def test_behaviour_parts_match_the_plain_formula(signals: list[Signal]) -> None:
    sums = _reference_sums(signals, AT)
    expected = {}
    for kind, total in sums.items():
        cap = MODEL.behaviour[kind].cap
        value = max(-cap, min(cap, total)) if cap is not None else total
        if round(value * 100):
            expected[f"behaviour.{kind}"] = round(value * 100) / 100
    got = {p.rule: p.points for p in behaviour_parts(signals, MODEL, AT)}
    assert got == expected


@given(signal_lists)
def test_nothing_to_prune_never_hides_a_prunable_signal(signals: list[Signal]) -> None:
    kept = prune_signals(tuple(signals), MODEL, AT)
    if nothing_to_prune(signals, MODEL, AT):
        assert len(kept) == len(signals)


def test_nothing_to_prune_examples() -> None:
    fresh = [Signal("page_view", AT), Signal("webinar", AT - timedelta(days=1))]
    assert nothing_to_prune(fresh, MODEL, AT)
    old = [*fresh, Signal("page_view", AT - timedelta(days=3000))]
    assert not nothing_to_prune(old, MODEL, AT)
    assert len(prune_signals(tuple(old), MODEL, AT)) == 2
