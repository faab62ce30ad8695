"""Shapley values: a 3-channel example by hand, the pooling limit, the closed form."""

from __future__ import annotations

import numpy as np
import pytest

from attribution_paths import journeys_from_paths
from revalign.analytics.attribution import credit
from revalign.analytics.attribution.shapley import (
    MAX_CHANNELS,
    OTHER,
    coalition_values,
    shapley_from_values,
)


def test_three_channels_by_hand() -> None:
    # conversions by channel set: {A}: 2, {B}: 1, {A,B}: 3, {A,B,C}: 3; {C} never converts.
    # v(A)=2 v(B)=1 v(C)=0 v(AB)=6 v(AC)=2 v(BC)=1 v(ABC)=9
    # φA = 1/3·2 + 1/6·(6−1) + 1/6·(2−0) + 1/3·(9−1) = 4.5; φB = 3.5; φC = 1
    paths = [["A"]] * 2 + [["B"]] + [["A", "B"]] * 2 + [["B", "A"]] + [["C", "B", "A"]] * 3
    paths += [["C"]] * 4
    converted = [True] * 9 + [False] * 4
    c = credit(journeys_from_paths(paths, converted), "shapley")
    assert c.credited == pytest.approx({"A": 4.5, "B": 3.5, "C": 1.0})
    assert c.shares == pytest.approx({"A": 0.5, "B": 3.5 / 9, "C": 1 / 9})


def test_coalition_values_sum_over_subsets() -> None:
    masks = np.array([0b001, 0b010, 0b011, 0b111])
    v = coalition_values(masks, np.array([2.0, 1.0, 3.0, 3.0]), 3)
    assert v.tolist() == [0.0, 2.0, 1.0, 6.0, 0.0, 2.0, 1.0, 9.0]
    assert shapley_from_values(v, 3) == pytest.approx([4.5, 3.5, 1.0])


def test_many_channels_pool_the_smallest_into_other() -> None:
    names = [f"c{i:02d}" for i in range(MAX_CHANNELS + 4)]
    paths = [[n] * (len(names) - i) for i, n in enumerate(names)]  # touch counts fall with i
    c = credit(journeys_from_paths(paths, [True] * len(paths)), "shapley")
    assert len(c.shares) == MAX_CHANNELS
    assert c.shares[OTHER] == pytest.approx(5 / len(names))
    assert sum(c.shares.values()) == pytest.approx(1.0)
