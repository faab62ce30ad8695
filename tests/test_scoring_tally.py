"""The incremental tally gives the same behaviour parts as a full recomputation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from revalign.contract.loader import default_contract
from revalign.core.scoring import behaviour_parts, scoring_model
from revalign.core.scoring_tally import tally_add, tally_of, tally_parts
from revalign.core.state import Signal

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
MODEL = scoring_model(default_contract())
KINDS = [*MODEL.behaviour, "unsubscribe"]

signal_lists = st.lists(
    st.builds(
        lambda k, a: Signal(k, NOW - timedelta(days=a)),
        st.sampled_from(KINDS),
        st.floats(min_value=0, max_value=300, allow_nan=False),
    ),
    max_size=30,
)


@given(signal_lists, st.floats(min_value=0, max_value=100, allow_nan=False), st.booleans())
def test_tally_matches_full_recompute(signals: list[Signal], later: float, unsub: bool) -> None:
    at = NOW + timedelta(days=later)
    expected = behaviour_parts(signals, MODEL, at, unsubscribed=unsub)
    got = tally_parts(tally_of(signals, MODEL), signals, MODEL, at, unsubscribed=unsub)
    assert [p.rule for p in got] == [p.rule for p in expected]
    assert [p.detail for p in got] == [p.detail for p in expected]
    for a, b in zip(got, expected, strict=True):
        assert abs(a.points - b.points) <= 0.01 + 1e-9  # equal barring a half-cent tie


def test_tally_falls_back_for_an_earlier_time() -> None:
    signals = [Signal("demo_request", NOW), Signal("webinar", NOW - timedelta(days=2))]
    tally = tally_of(signals, MODEL)
    before = NOW - timedelta(days=1)
    assert tally_parts(tally, signals, MODEL, before) == behaviour_parts(signals, MODEL, before)


def test_tally_add_ignores_kinds_without_a_rule() -> None:
    tally = tally_of([Signal("webinar", NOW)], MODEL)
    assert tally_add(tally, Signal("unsubscribe", NOW), MODEL) is tally


def test_tally_examples() -> None:
    tally = tally_of(
        [Signal("pricing_page", NOW - timedelta(days=14)), Signal("pricing_page", NOW)], MODEL
    )
    (part,) = tally_parts(tally, [], MODEL, NOW)
    assert (part.rule, part.points) == ("behaviour.pricing_page", 15.0)
    (later,) = tally_parts(tally, [], MODEL, NOW + timedelta(days=14))
    assert later.points == 7.5
