"""The attribution report the CLI and API print: shares, conversions, revenue and ROI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from revalign.analytics.attribution.from_funnel import (
    channel_costs,
    journeys_from_frames,
)
from revalign.analytics.attribution.heuristics import DEFAULT_HALF_LIFE_DAYS
from revalign.analytics.attribution.journeys import Journeys
from revalign.analytics.attribution.journeys_file import RejectedRow, read_journeys_csv
from revalign.analytics.attribution.models import credit, roi
from revalign.analytics.frames import load_frames
from revalign.ledger.base import Ledger

MAX_REJECTED_SHOWN = 20


@dataclass(frozen=True)
class AttributionInput:
    journeys: Journeys
    costs: dict[str, float] = field(default_factory=dict)
    rejected: list[RejectedRow] = field(default_factory=list)
    source: str = ""


def input_from_file(path: Path) -> AttributionInput:
    parsed = read_journeys_csv(path)
    return AttributionInput(parsed.journeys, {}, parsed.rejected, str(path))


def input_from_ledger(ledger: Ledger) -> AttributionInput:
    frames = load_frames(ledger)
    return AttributionInput(journeys_from_frames(frames), channel_costs(frames), [], "ledger")


def attribution_report(
    data: AttributionInput,
    model: str,
    *,
    lookback_days: float | None = None,
    half_life_days: float = DEFAULT_HALF_LIFE_DAYS,
) -> dict[str, Any]:
    """{"model", "shares", "conversions", "revenue", "cost", "roi", ...}: JSON-ready."""
    lb, hl = lookback_days, half_life_days
    by_count = credit(data.journeys, model, "conversions", lookback_days=lb, half_life_days=hl)
    by_value = credit(data.journeys, model, "revenue", lookback_days=lb, half_life_days=hl)
    channels = sorted(by_count.shares or dict.fromkeys(data.journeys.channels, 0.0))
    report: dict[str, Any] = {
        "model": model,
        "shares": {c: by_count.shares.get(c, 0.0) for c in channels},
        "conversions": {c: by_count.credited.get(c, 0.0) for c in channels},
        "revenue": {c: by_value.credited.get(c, 0.0) for c in channels},
        "revenue_shares": {c: by_value.shares.get(c, 0.0) for c in channels},
        "total_conversions": by_count.total,
        "total_revenue": by_value.total,
        "journeys": data.journeys.with_lookback(lookback_days).n_journeys,
        "lookback_days": lookback_days,
        "source": data.source,
    }
    if model == "time_decay":
        report["half_life_days"] = half_life_days
    if data.costs:
        report["cost"] = dict(sorted(data.costs.items()))
        report["roi"] = roi(report["revenue"], data.costs)
    if data.rejected:
        report["rejected_rows"] = len(data.rejected)
        report["rejected"] = [
            {"line": r.line, "reason": r.reason} for r in data.rejected[:MAX_REJECTED_SHOWN]
        ]
    return report
