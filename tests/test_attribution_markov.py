"""Exact Markov removal effects: hand examples and agreement with a Monte-Carlo walk."""

from __future__ import annotations

import numpy as np
import pytest

from attribution_paths import journeys_from_paths
from revalign.analytics.attribution import credit
from revalign.analytics.attribution.markov import (
    Chain,
    build_chain,
    conversion_probability,
    removal_effects,
)


def test_two_step_chain_by_hand() -> None:
    # start→A always; A→B or A→null half each; B→conversion: P = 0.5, both channels essential
    j = journeys_from_paths([["A", "B"], ["A"]], [True, False])
    assert conversion_probability(j) == pytest.approx(0.5)
    assert removal_effects(build_chain(j)) == pytest.approx([1.0, 1.0])
    assert credit(j, "markov").shares == pytest.approx({"A": 0.5, "B": 0.5})


def test_channel_only_in_non_converting_journeys_gets_nothing() -> None:
    j = journeys_from_paths([["A"], ["B"], ["A", "C"]], [True, False, True])
    shares = credit(j, "markov").shares
    assert shares["B"] == 0.0
    assert sum(shares.values()) == pytest.approx(1.0)


def test_loops_and_repeats_are_absorbed_exactly() -> None:
    # A→A self loops and A↔B cycles: the linear solve handles them, no path enumeration
    j = journeys_from_paths(
        [["A", "A", "B"], ["B", "A", "B", "A"], ["A"], ["B", "B"]], [True, True, False, False]
    )
    p = conversion_probability(j)
    assert 0.0 < p < 1.0
    assert sum(credit(j, "markov").shares.values()) == pytest.approx(1.0)


def simulate(chain: Chain, walks: int, rng: np.random.Generator, removed: int = -1) -> float:
    """Fraction of `walks` random walks from start that reach conversion."""
    k = len(chain.r_conv)
    conv, null = k, k + 1
    full = np.zeros((k, k + 2))
    full[:, :k] = chain.q
    full[:, conv] = chain.r_conv
    full[:, null] = 1.0 - full.sum(axis=1)
    if removed >= 0:
        full[removed] = 0.0
        full[removed, null] = 1.0
    cumulative = np.cumsum(full, axis=1)
    state = np.zeros(walks, dtype=np.int64)
    alive = np.ones(walks, dtype=bool)
    converted = np.zeros(walks, dtype=bool)
    while alive.any():
        idx = np.flatnonzero(alive)
        draw = rng.random(len(idx))
        nxt = (draw[:, None] > cumulative[state[idx]]).sum(axis=1)
        nxt = np.minimum(nxt, null)
        converted[idx[nxt == conv]] = True
        alive[idx[nxt >= conv]] = False
        state[idx[nxt < conv]] = nxt[nxt < conv]
    return float(converted.mean())


def test_exact_markov_matches_monte_carlo() -> None:
    rng = np.random.default_rng(7)
    channels = np.array(["search", "social", "email", "events"])
    paths, converted = [], []
    for _ in range(3000):
        length = int(rng.integers(1, 6))
        path = list(rng.choice(channels, size=length, p=[0.4, 0.3, 0.2, 0.1]))
        p_conv = 0.05 + 0.1 * path.count("search") + 0.15 * ("events" in path)
        paths.append(path)
        converted.append(bool(rng.random() < min(p_conv, 0.9)))
    j = journeys_from_paths(paths, converted)
    chain = build_chain(j)
    exact_effects = removal_effects(chain)
    exact_shares = exact_effects / exact_effects.sum()

    walks = 200_000
    base = simulate(chain, walks, rng)
    assert base == pytest.approx(conversion_probability(j), abs=0.005)
    simulated = np.array(
        [1.0 - simulate(chain, walks, rng, removed=c + 1) / base for c in range(len(j.channels))]
    )
    simulated_shares = simulated / simulated.sum()
    assert np.abs(simulated_shares - exact_shares).max() < 0.01
    assert np.abs(simulated - exact_effects).max() < 0.02


def test_revenue_removal_effects_follow_value() -> None:
    # A and B each convert once alone; A's deal is worth 9x B's
    j = journeys_from_paths([["A"], ["B"]], [True, True], values=[900.0, 100.0])
    assert credit(j, "markov").shares == pytest.approx({"A": 0.5, "B": 0.5})
    assert credit(j, "markov", "revenue").shares == pytest.approx({"A": 0.9, "B": 0.1})


def test_nothing_converts_gives_no_shares() -> None:
    j = journeys_from_paths([["A"], ["B"]], [False, False])
    c = credit(j, "markov")
    assert c.shares == {} and c.total == 0.0
