"""Forecasts: the system's own per period, and how good every forecast was (docs/forecast.md).

Two system methods, each a point estimate with a 90 % band, computed "as of" any moment
from the frames alone (so a closed quarter can be back-tested as it looked back then):

* **stage_weighted**: won so far in the period + Σ amount × win rate of the deal's stage,
  over the deals open at that moment whose expected close falls in the period. A stage's
  win rate is measured from history: of the opportunities closed before that moment that
  ever entered the stage, the share won. Band: every open deal is an independent
  Bernoulli(win rate) draw, so the variance is Σ amount² × p × (1 − p) (normal, ±1.645 σ).
* **run_rate**: won so far + (won revenue over the trailing 90 days ÷ 90) × days left in the
  period. Band: the spread of the three trailing 30-day totals, scaled to the days left
  (±1.645 × sd × √(days left ÷ 30)).

Accuracy of a forecast F against the actual A (won revenue closed in the period) is
1 − |F − A| ÷ A and its bias (F − A) ÷ A (positive: over-forecast); both null when A is 0.
A person's submitted forecast is their latest `commit` submitted before the period ended;
the team's is the sum over people. `forecast_accuracy` / `forecast_bias` in
`revalign metrics` are the means over the closed periods of the team's submitted accuracy.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from revalign.analytics.frames import Frames
from revalign.core.periods import period_bounds

Z90 = 1.6449  # two-sided 90 % normal quantile
RUN_RATE_DAYS = 90
_BLOCK_DAYS = 30
METHODS = ("stage_weighted", "run_rate")


@dataclass(frozen=True)
class SystemForecast:
    """One method's forecast of one period as of one moment (optionally for some owners)."""

    period: str
    method: str
    as_of: datetime
    value: float | None
    low: float | None
    high: float | None
    won_so_far: float
    reason: str | None = None  # why value or band is null
    detail: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["as_of"] = self.as_of.isoformat()
        for key in ("value", "low", "high", "won_so_far"):
            out[key] = None if out[key] is None else round(out[key], 2)
        return out


def accuracy(forecast: float | None, actual: float) -> float | None:
    """1 − |F − A| ÷ A; null without a forecast or when nothing was won."""
    if forecast is None or actual <= 0:
        return None
    return 1.0 - abs(forecast - actual) / actual


def bias(forecast: float | None, actual: float) -> float | None:
    """(F − A) ÷ A: positive means over-forecast; null as `accuracy`."""
    if forecast is None or actual <= 0:
        return None
    return (forecast - actual) / actual


def _bounds(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    found = period_bounds(period)
    if found is None:
        raise ValueError(f"not a period: {period!r} (use 2027Q1, 2027-01 or 2027)")
    return pd.Timestamp(found[0]), pd.Timestamp(found[1])


def _opps(frames: Frames, currency: str, owners: Collection[str] | None) -> pd.DataFrame:
    o = frames.opportunities
    o = o[o["currency"] == currency]
    if owners is not None:
        o = o[o["owner"].isin(list(owners))]
    return o


def won_between(
    frames: Frames, start: datetime, end: datetime, currency: str,
    owners: Collection[str] | None = None,
) -> float:  # fmt: skip
    """Won revenue closed in [start, end), in `currency`."""
    o = _opps(frames, currency, owners)
    won = o[(o["won"] == True) & (o["closed_at"] >= start) & (o["closed_at"] < end)]  # noqa: E712
    return float(won["amount"].sum())


def _stage_at(frames: Frames, at: pd.Timestamp) -> pd.Series:
    """opportunity_id -> the stage it was in at `at` (the last stage entered by then)."""
    s = frames.opportunity_stages
    s = s[s["entered_at"] <= at].sort_values("entered_at", kind="stable")
    return s.groupby("opportunity_id")["stage"].last()


def stage_win_rates(frames: Frames, at: datetime) -> tuple[dict[str, float], float | None]:
    """Per stage, the share won of the opportunities closed by `at` that entered it."""
    o = frames.opportunities
    closed = o[o["closed_at"].notna() & (o["closed_at"] <= at)]
    if closed.empty:
        return {}, None
    won = closed.set_index("opportunity_id")["won"].fillna(False).astype(bool)
    s = frames.opportunity_stages
    reached = s[s["opportunity_id"].isin(won.index)].drop_duplicates(["opportunity_id", "stage"])
    reached = reached.assign(won=reached["opportunity_id"].map(won))
    rates = reached.groupby("stage")["won"].mean()
    return {str(k): float(v) for k, v in rates.items()}, float(won.mean())


def stage_weighted(
    frames: Frames, period: str, at: datetime, currency: str,
    owners: Collection[str] | None = None,
) -> SystemForecast:  # fmt: skip
    """The stage-weighted forecast of `period` as of `at` (see the module docstring)."""
    start, end = _bounds(period)
    now = pd.Timestamp(at)
    done = won_between(frames, start, min(end, now), currency, owners)
    rates, overall = stage_win_rates(frames, at)
    o = _opps(frames, currency, owners)
    open_ = o[(o["created_at"] <= now) & (o["closed_at"].isna() | (o["closed_at"] > now))]
    close = open_["expected_close"]
    undated = int(close.isna().sum())
    in_period = (close >= start) & (close < end)
    if start <= now < end:  # a deal whose expected close has passed slips into this period
        in_period |= close < now
    deals = open_[in_period & (end > now)]
    detail: dict[str, Any] = {"open_deals": len(deals), "undated_deals": undated}
    if deals.empty:
        return SystemForecast(period, "stage_weighted", at, done, done, done, done, None, detail)
    if overall is None:
        why = f"no opportunity closed before {at:%Y-%m-%d}: no win rate to weight by"
        return SystemForecast(period, "stage_weighted", at, None, None, None, done, why, detail)
    stages = deals["opportunity_id"].map(_stage_at(frames, now)).fillna(deals["stage"])
    p = stages.map(lambda s: rates.get(str(s), overall)).astype(float)
    amount = deals["amount"].fillna(0.0).astype(float)
    expected = float((amount * p).sum())
    sd = math.sqrt(float((amount**2 * p * (1 - p)).sum()))
    detail["win_rates"] = {str(s): round(rates.get(str(s), overall), 4) for s in set(stages)}
    detail["stages_without_history"] = sorted({str(s) for s in stages if str(s) not in rates})
    low = done + max(0.0, expected - Z90 * sd)
    return SystemForecast(period, "stage_weighted", at, done + expected, low,
                          done + expected + Z90 * sd, done, None, detail)  # fmt: skip


def run_rate(
    frames: Frames, period: str, at: datetime, currency: str,
    owners: Collection[str] | None = None, window_days: int = RUN_RATE_DAYS,
) -> SystemForecast:  # fmt: skip
    """The run-rate forecast of `period` as of `at` (see the module docstring)."""
    start, end = _bounds(period)
    now = pd.Timestamp(at)
    done = won_between(frames, start, min(end, now), currency, owners)
    left = max(0.0, (end - max(start, now)).total_seconds() / 86400)
    history = frames.opportunities["created_at"].min()  # when the data begins
    if pd.isna(history) or (now - history).days < _BLOCK_DAYS:
        why = f"less than {_BLOCK_DAYS} days of opportunity history before {at:%Y-%m-%d}"
        return SystemForecast(period, "run_rate", at, None, None, None, done, why)
    days = min(window_days, (now - history).days)
    window = won_between(frames, now - timedelta(days=days), now, currency, owners)
    daily = window / days
    value = done + daily * left
    detail: dict[str, Any] = {"window_days": days, "daily_rate": round(daily, 2),
                              "days_left": round(left, 1)}  # fmt: skip
    blocks = [
        won_between(frames, now - timedelta(days=_BLOCK_DAYS * (i + 1)),
                    now - timedelta(days=_BLOCK_DAYS * i), currency, owners)
        for i in range(days // _BLOCK_DAYS)
    ]  # fmt: skip
    if len(blocks) < 2:
        why = f"the band needs two {_BLOCK_DAYS}-day blocks of history; there is one"
        return SystemForecast(period, "run_rate", at, value, None, None, done, why, detail)
    mean = sum(blocks) / len(blocks)
    sd = math.sqrt(sum((b - mean) ** 2 for b in blocks) / (len(blocks) - 1))
    half = Z90 * sd * math.sqrt(left / _BLOCK_DAYS)
    return SystemForecast(period, "run_rate", at, value, max(done, value - half), value + half,
                          done, None, detail)  # fmt: skip


def system_forecasts(
    frames: Frames, period: str, at: datetime, currency: str,
    owners: Collection[str] | None = None,
) -> dict[str, SystemForecast]:  # fmt: skip
    """Both methods, by name."""
    return {
        "stage_weighted": stage_weighted(frames, period, at, currency, owners),
        "run_rate": run_rate(frames, period, at, currency, owners),
    }


def latest_commits(frames: Frames, period: str, currency: str) -> pd.DataFrame:
    """Per person, the latest commit for `period` submitted before it ended."""
    _, end = _bounds(period)
    f = frames.forecasts
    f = f[(f["period"] == period) & (f["category"] == "commit") & (f["currency"] == currency)]
    f = f[f["submitted_at"] < end].sort_values("submitted_at", kind="stable")
    return f.groupby("by", as_index=False).last()
