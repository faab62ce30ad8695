"""`credit(journeys, model, value=...)`: one entry point over every attribution model."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from revalign.analytics.attribution import heuristics
from revalign.analytics.attribution.journeys import FloatArray, Journeys
from revalign.analytics.attribution.markov import markov_shares
from revalign.analytics.attribution.shapley import shapley_credit
from revalign.errors import InputError

ValueKind = Literal["conversions", "revenue"]
TouchWeights = Callable[[Journeys], FloatArray]

HEURISTICS: Mapping[str, TouchWeights] = {
    "first_touch": heuristics.first_touch,
    "last_touch": heuristics.last_touch,
    "linear": heuristics.linear,
    "u_shaped": heuristics.u_shaped,
    "w_shaped": heuristics.w_shaped,
    "full_path": heuristics.full_path,
}
MODELS: tuple[str, ...] = (
    "first_touch",
    "last_touch",
    "linear",
    "time_decay",
    "u_shaped",
    "w_shaped",
    "full_path",
    "markov",
    "shapley",
)


@dataclass(frozen=True)
class Credit:
    """What one model gives each channel: `shares` sum to 1 (empty when nothing converted);
    `credited` = share × total, in conversions or revenue."""

    model: str
    value: ValueKind
    shares: dict[str, float]
    credited: dict[str, float]
    total: float


def credit(
    journeys: Journeys,
    model: str,
    value: ValueKind = "conversions",
    *,
    lookback_days: float | None = None,
    half_life_days: float = heuristics.DEFAULT_HALF_LIFE_DAYS,
) -> Credit:
    """Credit conversions or revenue to channels with `model` (see MODELS)."""
    if model not in MODELS:
        raise InputError(f"unknown attribution model {model!r}; choose one of {', '.join(MODELS)}")
    if value not in ("conversions", "revenue"):
        raise InputError(f"value must be 'conversions' or 'revenue', got {value!r}")
    if half_life_days <= 0:
        raise InputError(f"half-life must be > 0 days, got {half_life_days}")
    j = journeys.with_lookback(lookback_days)
    per_journey = np.asarray(
        j.converted * (j.value if value == "revenue" else 1.0), dtype=np.float64
    )
    names = list(j.channels)
    if model == "markov":
        raw = markov_shares(j, use_value=value == "revenue")
    elif model == "shapley":
        names, raw = shapley_credit(j, per_journey)
    else:
        weights = (
            heuristics.time_decay(j, half_life_days)
            if model == "time_decay"
            else HEURISTICS[model](j)
        )
        raw = np.bincount(
            j.channel, weights=weights * per_journey[j.journey], minlength=len(names)
        ).astype(np.float64)
    return _normalised(model, value, names, raw, float(per_journey.sum()))


def _normalised(
    model: str, value: ValueKind, names: list[str], raw: FloatArray, total: float
) -> Credit:
    mass = float(raw.sum())
    shares = raw / mass if mass > 0 else np.zeros(len(raw))
    return Credit(
        model=model,
        value=value,
        shares={n: float(s) for n, s in zip(names, shares, strict=True) if mass > 0},
        credited={n: float(s) * total for n, s in zip(names, shares, strict=True) if mass > 0},
        total=total,
    )


def roi(revenue_credit: Mapping[str, float], cost: Mapping[str, float]) -> dict[str, float | None]:
    """ROI per channel = (attributed revenue − cost) / cost; None where no cost is known."""
    out: dict[str, float | None] = {}
    for channel in sorted(set(revenue_credit) | set(cost)):
        spent = cost.get(channel, 0.0)
        earned = revenue_credit.get(channel, 0.0)
        out[channel] = (earned - spent) / spent if spent > 0 else None
    return out
