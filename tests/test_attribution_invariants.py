"""Properties every model keeps: shares sum to 1, symmetric channels tie, one channel takes all."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution_paths import journeys_from_paths
from revalign.analytics.attribution import MODELS, credit

CHANNELS = ["A", "B", "C", "D"]
path_st = st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=6)
journeys_st = st.lists(st.tuples(path_st, st.booleans()), min_size=1, max_size=25).filter(
    lambda js: any(conv for _, conv in js)
)


@settings(max_examples=40, deadline=None)
@given(journeys_st)
def test_shares_sum_to_one_for_every_model(data: list[tuple[list[str], bool]]) -> None:
    j = journeys_from_paths([p for p, _ in data], [c for _, c in data])
    for model in MODELS:
        shares = credit(j, model).shares
        assert sum(shares.values()) == pytest.approx(1.0), model
        assert min(shares.values()) >= 0.0, model


def _swap(path: list[str]) -> list[str]:
    return [{"A": "B", "B": "A"}.get(c, c) for c in path]


@settings(max_examples=30, deadline=None)
@given(journeys_st)
def test_mirrored_channels_get_equal_credit(data: list[tuple[list[str], bool]]) -> None:
    # the data set plus its A↔B mirror image is symmetric in A and B
    paths = [p for p, _ in data] + [_swap(p) for p, _ in data]
    converted = [c for _, c in data] * 2
    j = journeys_from_paths(paths, converted)
    for model in MODELS:
        shares = credit(j, model).shares
        assert shares.get("A", 0.0) == pytest.approx(shares.get("B", 0.0), abs=1e-9), model


def test_a_then_b_and_b_then_a_equally_often_tie() -> None:
    j = journeys_from_paths([["A", "B"], ["B", "A"], ["A", "B", "C"], ["B", "A", "C"]], [True] * 4)
    for model in MODELS:
        shares = credit(j, model).shares
        assert shares["A"] == pytest.approx(shares["B"]), model


@pytest.mark.parametrize("model", MODELS)
def test_single_channel_takes_everything(model: str) -> None:
    j = journeys_from_paths([["A", "A"], ["A"], ["A", "A", "A"]], [True, False, True])
    assert credit(j, model).shares == pytest.approx({"A": 1.0})


@pytest.mark.parametrize("model", ["markov", "shapley"])
def test_channel_seen_only_in_failures_gets_zero(model: str) -> None:
    j = journeys_from_paths(
        [["A", "B"], ["B"], ["Z"], ["Z", "Z"], ["A"]], [True, True, False, False, False]
    )
    shares = credit(j, model).shares
    assert shares["Z"] == 0.0
    assert shares["A"] + shares["B"] == pytest.approx(1.0)


@settings(max_examples=30, deadline=None)
@given(journeys_st)
def test_shapley_equals_even_split_over_distinct_channels(
    data: list[tuple[list[str], bool]],
) -> None:
    # with v(S) = conversions of journeys whose set ⊆ S the game is a sum of unanimity games,
    # so the exact subset enumeration must equal splitting each conversion over its channel set
    j = journeys_from_paths([p for p, _ in data], [c for _, c in data])
    expected = dict.fromkeys(j.channels, 0.0)
    for path, conv in data:
        for ch in set(path):
            expected[ch] += conv / len(set(path))
    assert credit(j, "shapley").credited == pytest.approx(expected)
