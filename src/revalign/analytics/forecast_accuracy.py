"""How good the forecasts were: submitted and system forecasts against actuals, per period
and per person (definitions in `analytics/forecast.py` and docs/forecast.md).

A closed period (it ended by the as-of moment) with at least one submitted commit is scored.
The system forecasts are back-tested as of the moment of the last commit that counts, so a
rep's week-12 call is compared with what the system said in week 12, not with hindsight.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from revalign.analytics.forecast import (
    METHODS,
    accuracy,
    bias,
    latest_commits,
    system_forecasts,
    won_between,
)
from revalign.analytics.frames import Frames
from revalign.core.periods import period_bounds

SOURCES = ("submitted", *METHODS)


@dataclass(frozen=True)
class Scored:
    """One period (and person, or the whole team when `by` is None), scored."""

    period: str
    by: str | None
    as_of: datetime  # when the counted commit was submitted: the system is judged then too
    actual: float
    forecast: dict[str, float | None] = field(default_factory=dict)  # source -> amount

    def accuracy(self, source: str) -> float | None:
        return accuracy(self.forecast.get(source), self.actual)

    def bias(self, source: str) -> float | None:
        return bias(self.forecast.get(source), self.actual)

    def as_dict(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "period": self.period, "by": self.by or "team", "as_of": self.as_of.isoformat(),
            "actual": round(self.actual, 2),
            "forecast": {s: None if v is None else round(v, 2) for s, v in self.forecast.items()},
            "accuracy": {s: r(self.accuracy(s)) for s in SOURCES},
            "bias": {s: r(self.bias(s)) for s in SOURCES},
        }  # fmt: skip


def closed_periods(frames: Frames, as_of: datetime, currency: str) -> list[str]:
    """Periods with a commit in `currency` that ended by `as_of`, oldest first."""
    f = frames.forecasts
    names = {str(p) for p in f[(f["category"] == "commit") & (f["currency"] == currency)]["period"]}
    bounds = {n: b for n in names if (b := period_bounds(n)) is not None and b[1] <= as_of}
    return sorted(bounds, key=lambda n: (bounds[n][0], bounds[n][1]))


def _score(frames: Frames, period: str, currency: str, commits: pd.DataFrame,
           by: str | None) -> Scored:  # fmt: skip
    start, end = period_bounds(period) or (None, None)
    assert start is not None and end is not None
    owners = None if by is None else [by]
    cut = pd.Timestamp(commits["submitted_at"].max()).to_pydatetime()
    system = system_forecasts(frames, period, cut, currency, owners)
    scored: dict[str, float | None] = {"submitted": float(commits["amount"].sum())}
    scored.update({m: system[m].value for m in METHODS})
    actual = won_between(frames, start, end, currency, owners)
    return Scored(period, by, cut, actual, scored)


def score(frames: Frames, as_of: datetime, currency: str, by_person: bool = False) -> list[Scored]:
    """The team's row per closed period, or one row per (period, person) with `by_person`."""
    rows: list[Scored] = []
    for period in closed_periods(frames, as_of, currency):
        commits = latest_commits(frames, period, currency)
        if commits.empty:
            continue
        if not by_person:
            rows.append(_score(frames, period, currency, commits, None))
            continue
        for person, own in commits.groupby("by", sort=True):
            rows.append(_score(frames, period, currency, own, str(person)))
    return rows


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def summary(rows: list[Scored]) -> dict[str, dict[str, Any]]:
    """Per person (or "team"), per source: mean accuracy and bias over the scored periods."""
    out: dict[str, dict[str, Any]] = {}
    for who in sorted({r.by or "team" for r in rows}):
        mine = [r for r in rows if (r.by or "team") == who]
        out[who] = {
            s: {"accuracy": _mean([r.accuracy(s) for r in mine]),
                "bias": _mean([r.bias(s) for r in mine]), "periods": len(mine)}
            for s in SOURCES
        }  # fmt: skip
    return out


def forecast_metrics(
    frames: Frames, as_of: datetime, currency: str
) -> tuple[dict[str, float | None], dict[str, str]]:
    """`forecast_accuracy` and `forecast_bias` (the team's submitted forecasts), and why null."""
    rows = score(frames, as_of, currency)
    values = {
        "forecast_accuracy": _mean([r.accuracy("submitted") for r in rows]),
        "forecast_bias": _mean([r.bias("submitted") for r in rows]),
    }
    if not rows:
        why = f"no commit forecast in {currency} for a period that ended by {as_of:%Y-%m-%d}"
    else:
        why = "no won revenue in the forecast periods (accuracy is relative to the actual)"
    return values, {k: why for k, v in values.items() if v is None}
