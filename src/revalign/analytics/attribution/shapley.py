"""Shapley value attribution ("simplified Shapley", Zhao et al. 2018), computed exactly.

Coalition value v(S) = conversions (or revenue) of the journeys whose channel SET is a subset
of S. Each journey's set is a bitmask; v over all 2^n coalitions comes from a zeta transform
(sum over subsets) in numpy, and φ_i = Σ_{S ∌ i} |S|!(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)).
Cost grows as n·2^n, so at most MAX_CHANNELS channels take part; the rest (the fewest
touches) are pooled into one "(other)" player, which the caller sees under that name.
"""

from __future__ import annotations

from math import factorial

import numpy as np

from revalign.analytics.attribution.journeys import FloatArray, IntArray, Journeys

MAX_CHANNELS = 16
OTHER = "(other)"


def channel_masks(j: Journeys, player_of_channel: IntArray) -> IntArray:
    """Bitmask of the players present in each journey (vectorised bitwise-or per journey)."""
    bits = np.left_shift(np.int64(1), player_of_channel[j.channel])
    masks = np.zeros(j.n_journeys, dtype=np.int64)
    np.bitwise_or.at(masks, j.journey, bits)
    return masks


def coalition_values(masks: IntArray, weights: FloatArray, n: int) -> FloatArray:
    """v(S) for every coalition S: the weight of journeys whose mask is a subset of S."""
    v = np.bincount(masks, weights=weights, minlength=1 << n).astype(np.float64)
    index = np.arange(1 << n)
    for i in range(n):  # zeta transform: add v(S \ {i}) into v(S) for S containing i
        has = (index >> i) & 1 == 1
        v[has] += v[index[has] ^ (1 << i)]
    return v


def shapley_from_values(v: FloatArray, n: int) -> FloatArray:
    """Exact Shapley values of the n players for the game v (indexed by bitmask)."""
    index = np.arange(1 << n)
    size = _popcount(index)
    coef = np.array([factorial(s) * factorial(n - s - 1) / factorial(n) for s in range(n)])
    phi = np.zeros(n)
    for i in range(n):
        without = index[(index >> i) & 1 == 0]
        phi[i] = float(np.sum(coef[size[without]] * (v[without | (1 << i)] - v[without])))
    return phi


def _popcount(index: IntArray) -> IntArray:
    counts = np.zeros(len(index), dtype=np.int64)
    x = index.copy()
    while x.any():
        counts += x & 1
        x >>= 1
    return counts


def players(j: Journeys, limit: int = MAX_CHANNELS) -> tuple[list[str], IntArray]:
    """The Shapley players and each channel's player index (small channels pooled)."""
    touches = np.bincount(j.channel, minlength=len(j.channels))
    if len(j.channels) <= limit:
        return list(j.channels), np.arange(len(j.channels), dtype=np.int64)
    order = np.argsort(-touches, kind="stable")
    kept = np.sort(order[: limit - 1])
    player = np.full(len(j.channels), limit - 1, dtype=np.int64)
    player[kept] = np.arange(limit - 1)
    return [j.channels[c] for c in kept] + [OTHER], player


def shapley_credit(j: Journeys, weights: FloatArray) -> tuple[list[str], FloatArray]:
    """(player names, Shapley value of each) for per-journey weights (conversions or value)."""
    names, player = players(j)
    n = len(names)
    if n == 0:
        return names, np.zeros(0)
    v = coalition_values(channel_masks(j, player), weights, n)
    return names, shapley_from_values(v, n)
