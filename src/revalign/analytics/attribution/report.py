"""The attribution report the CLI and API print: shares, conversions, revenue and ROI.

Money (revenue, cost) is in the contract currency, as Decimal to the cent. Amounts with no
exchange rate are left out and listed under `excluded`; a channel with excluded cost has
no ROI (its known cost is partial), with the reason under `roi_null_reasons`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from revalign.analytics.attribution.from_funnel import (
    channel_costs,
    cost_exclusions,
    journeys_from_frames,
    revenue_exclusions,
)
from revalign.analytics.attribution.heuristics import DEFAULT_HALF_LIFE_DAYS
from revalign.analytics.attribution.journeys import Journeys
from revalign.analytics.attribution.journeys_file import RejectedRow, read_journeys_csv
from revalign.analytics.attribution.models import credit, roi
from revalign.analytics.frames import Frames, load_frames
from revalign.analytics.money import Excluded, cents, convert_frames, describe
from revalign.contract.schema import Contract
from revalign.ledger.base import Ledger

MAX_REJECTED_SHOWN = 20


@dataclass(frozen=True)
class AttributionInput:
    journeys: Journeys
    costs: dict[str, Decimal] = field(default_factory=dict)
    rejected: list[RejectedRow] = field(default_factory=list)
    source: str = ""
    currency: str | None = None  # of revenue and costs; None for a journeys file
    excluded_cost: dict[str, list[Excluded]] = field(default_factory=dict)  # per channel
    excluded_revenue: list[Excluded] = field(default_factory=list)


def input_from_file(path: Path) -> AttributionInput:
    parsed = read_journeys_csv(path)
    return AttributionInput(parsed.journeys, {}, parsed.rejected, str(path))


def input_from_frames(
    frames: Frames, contract: Contract | None = None, source: str = "ledger"
) -> AttributionInput:
    """Journeys and costs of the funnel tables, in the contract currency (default USD)."""
    currency = contract.currency if contract is not None else "USD"
    rates = contract.fx.rates if contract is not None else {}
    frames = convert_frames(frames, currency, rates)
    return AttributionInput(
        journeys_from_frames(frames),
        channel_costs(frames),
        [],
        source,
        currency,
        cost_exclusions(frames),
        revenue_exclusions(frames),
    )


def input_from_ledger(ledger: Ledger, contract: Contract | None = None) -> AttributionInput:
    return input_from_frames(load_frames(ledger), contract)


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
    revenue = {c: by_value.credited.get(c, 0.0) for c in channels}
    # ledger revenue is money in a known currency (Decimal cents); a journeys file's values
    # are plain numbers with no currency
    money: Callable[[float], Any] = cents if data.currency else float
    report: dict[str, Any] = {
        "model": model,
        "shares": {c: by_count.shares.get(c, 0.0) for c in channels},
        "conversions": {c: by_count.credited.get(c, 0.0) for c in channels},
        "revenue": {c: money(v) for c, v in revenue.items()},
        "revenue_shares": {c: by_value.shares.get(c, 0.0) for c in channels},
        "total_conversions": by_count.total,
        "total_revenue": money(by_value.total),
        "currency": data.currency,
        "journeys": data.journeys.with_lookback(lookback_days).n_journeys,
        "lookback_days": lookback_days,
        "source": data.source,
    }
    if model == "time_decay":
        report["half_life_days"] = half_life_days
    if data.costs or data.excluded_cost:
        report["cost"] = {c: cents(v) for c, v in sorted(data.costs.items())}
        spent = {c: float(v) for c, v in data.costs.items()}
        report["roi"] = roi(revenue, spent)
        reasons = {c: f"cost without an exchange rate to {data.currency}: {describe(items)}"
                   for c, items in sorted(data.excluded_cost.items())}  # fmt: skip
        for channel in reasons:
            report["roi"][channel] = None
        if reasons:
            report["roi_null_reasons"] = reasons
    excluded: dict[str, Any] = {}
    if data.excluded_cost:
        excluded["cost"] = {
            c: [e.as_dict() for e in items] for c, items in sorted(data.excluded_cost.items())
        }
    if data.excluded_revenue:
        excluded["revenue"] = [e.as_dict() for e in data.excluded_revenue]
    report["excluded"] = excluded
    if data.rejected:
        report["rejected_rows"] = len(data.rejected)
        report["rejected"] = [
            {"line": r.line, "reason": r.reason} for r in data.rejected[:MAX_REJECTED_SHOWN]
        ]
    return report
