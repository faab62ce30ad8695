"""The hot path's shortcuts give exactly what the plain constructions give."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from revalign.core.events import _ID_NAMESPACE, Event, EventType, event_id
from revalign.core.stagefold import with_changes
from revalign.core.state import LeadState, Signal

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
