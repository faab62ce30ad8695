"""Rule-based models: each gives every touch a weight; a journey's weights sum to 1.

Position rules (`u_shaped`, `w_shaped`, `full_path`) name milestone touches and give each a
share; what is left goes evenly to the other touches. When a journey has no other touch the
milestones share everything in proportion. Milestones come from the journey when known
(lead-creation / MQL touch, opportunity-creation touch); otherwise they are spaced evenly:
W-shaped = first, middle (lower), last; full-path = first, ~1/3, ~2/3, last. A journey with
no more touches than milestones splits evenly (1 touch: 100 %, 2 touches: 50/50).
"""

from __future__ import annotations

import numpy as np

from revalign.analytics.attribution.journeys import FloatArray, IntArray, Journeys

DEFAULT_HALF_LIFE_DAYS = 7.0


def first_touch(j: Journeys) -> FloatArray:
    pos, _ = j.position()
    return np.asarray(pos == 0, dtype=np.float64)


def last_touch(j: Journeys) -> FloatArray:
    pos, n = j.position()
    return np.asarray(pos == n - 1, dtype=np.float64)


def linear(j: Journeys) -> FloatArray:
    _, n = j.position()
    return np.asarray(1.0 / n, dtype=np.float64)


def time_decay(j: Journeys, half_life_days: float = DEFAULT_HALF_LIFE_DAYS) -> FloatArray:
    """Weight 2^(-days before conversion / half-life), normalised per journey."""
    raw = np.exp2(-np.maximum(j.days_before_end, 0.0) / half_life_days)
    return raw / _per_journey_sum(j, raw)


def u_shaped(j: Journeys) -> FloatArray:
    """40 % first, 40 % last (lead creation when known), 20 % over the middle."""
    pos, n = j.position()
    last = n - 1
    if j.lead_pos is not None:
        known = j.lead_pos[j.journey]
        last = np.where(known > 0, known, last)
    return _position_weights(j, pos, n, [pos * 0, last], [0.4, 0.4], 0.2)


def w_shaped(j: Journeys) -> FloatArray:
    """30 % first, 30 % lead-creation / MQL touch, 30 % opportunity-creation touch, 10 % rest."""
    pos, n = j.position()
    mid = _known_or(j.lead_pos, j, (n - 1) // 2)
    opp = _known_or(j.opp_pos, j, n - 1)
    return _position_weights(j, pos, n, [pos * 0, mid, opp], [0.3, 0.3, 0.3], 0.1)


def full_path(j: Journeys) -> FloatArray:
    """Z-shaped: 22.5 % each to first, lead creation, opportunity creation and close; 10 % rest."""
    pos, n = j.position()
    lead = _known_or(j.lead_pos, j, (n - 1) // 3)
    opp = _known_or(j.opp_pos, j, (2 * (n - 1)) // 3)
    slots = [pos * 0, lead, opp, n - 1]
    return _position_weights(j, pos, n, slots, [0.225] * 4, 0.1)


def _known_or(known: IntArray | None, j: Journeys, fallback: IntArray) -> IntArray:
    if known is None:
        return fallback
    per_touch = known[j.journey]
    return np.where(per_touch >= 0, per_touch, fallback)


def _position_weights(
    j: Journeys,
    pos: IntArray,
    n: IntArray,
    slots: list[IntArray],
    shares: list[float],
    rest_share: float,
) -> FloatArray:
    """Milestone slots get their shares (a touch filling two slots gets both); the rest share
    goes evenly to non-milestone touches; then each journey is normalised to 1."""
    milestone = np.zeros(len(pos), dtype=np.float64)
    for slot, share in zip(slots, shares, strict=True):
        milestone += share * (pos == slot)
    is_rest = milestone == 0
    n_rest = _per_journey_sum(j, is_rest.astype(np.float64))
    rest = np.where(is_rest, rest_share / np.maximum(n_rest, 1.0), 0.0)
    raw = milestone + rest
    # Short journeys (no more touches than slots) split evenly: 1 → 100 %, 2 → 50/50.
    raw = np.where(n <= len(slots), 1.0, raw)
    return raw / _per_journey_sum(j, raw)


def _per_journey_sum(j: Journeys, values: FloatArray) -> FloatArray:
    """Sum of `values` over each touch's journey, broadcast back to the touches."""
    sums = np.bincount(j.journey, weights=values, minlength=j.n_journeys)
    return np.asarray(sums[j.journey], dtype=np.float64)
