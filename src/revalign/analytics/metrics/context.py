"""The inputs a metric needs beside the frames: the as-of moment, currency, targets, periods.

They reach the engines as two small tables, `params` (one row) and `periods` (forecast
periods with their bounds), so every backend runs the same SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd

from revalign.analytics.frames import ColumnType, Frames, column, micros
from revalign.analytics.metrics.from_frames import FrameMetrics, frame_metrics
from revalign.contract.schema import Contract
from revalign.core.periods import period_bounds

AUX_SCHEMA: dict[str, tuple[tuple[str, ColumnType], ...]] = {
    "params": (
        ("as_of", "ts"), ("currency", "str"), ("quarter", "str"), ("quarter_start", "ts"),
        ("quarter_end", "ts"), ("revenue_target", "float"),
    ),
    "periods": (("period", "str"), ("period_start", "ts"), ("period_end", "ts")),
}  # fmt: skip


@dataclass(frozen=True)
class MetricContext:
    """As-of moment, reporting currency, targets and the contract's thresholds."""

    as_of: datetime
    currency: str = "USD"
    revenue_target: float | None = None  # of the as-of quarter
    mql_targets: dict[str, float] = field(default_factory=dict)  # "2026-10" -> MQLs
    mql_per_month: float | None = None  # contract default when a month has no target
    mql_to_sql_good: float | None = None
    sal_acceptance_min: float | None = None
    coverage_min: float | None = None
    coverage_max: float | None = None
    # forecast accuracy/bias and cross-team NPS, computed from the frames (from_frames.py)
    from_frames: FrameMetrics = field(default_factory=FrameMetrics)
    fx_rates: dict[str, Decimal] = field(default_factory=dict)  # the contract's standing rates

    @property
    def quarter(self) -> str:
        return f"{self.as_of.year}Q{(self.as_of.month - 1) // 3 + 1}"


def _targets(frames: Frames, metric: str) -> dict[str, float]:
    t = frames.targets
    rows = t[t["metric"] == metric]
    return {str(p): float(a) for p, a in zip(rows["period"], rows["amount"], strict=True)}


def build_context(frames: Frames, contract: Contract | None, as_of: datetime) -> MetricContext:
    """Targets from target.set events first, then the contract; thresholds from the contract."""
    quarter = f"{as_of.year}Q{(as_of.month - 1) // 3 + 1}"
    revenue = _targets(frames, "revenue").get(quarter)
    if revenue is None and contract is not None:
        planned = contract.targets.revenue_per_quarter.get(quarter)
        revenue = float(planned) if planned is not None else None
    slas = contract.slas if contract is not None else None
    per_month = contract.targets.mql_per_month if contract is not None else 0
    currency = contract.currency if contract is not None else "USD"
    return MetricContext(
        as_of=as_of.astimezone(UTC),
        currency=currency,
        revenue_target=revenue,
        mql_targets=_targets(frames, "mqls"),
        mql_per_month=float(per_month) if per_month else None,
        mql_to_sql_good=slas.mql_to_sql_good if slas else None,
        sal_acceptance_min=slas.sal_acceptance_min if slas else None,
        coverage_min=slas.pipeline_coverage_min if slas else None,
        coverage_max=slas.pipeline_coverage_max if slas else None,
        from_frames=frame_metrics(frames, as_of.astimezone(UTC), currency),
        fx_rates=dict(contract.fx.rates) if contract is not None else {},
    )


def aux_tables(frames: Frames, ctx: MetricContext) -> dict[str, pd.DataFrame]:
    """The `params` and `periods` tables for the engines."""
    q_start, q_end = period_bounds(ctx.quarter) or (ctx.as_of, ctx.as_of)
    params = {
        "as_of": [micros(ctx.as_of)], "currency": [ctx.currency], "quarter": [ctx.quarter],
        "quarter_start": [micros(q_start)], "quarter_end": [micros(q_end)],
        "revenue_target": [ctx.revenue_target if ctx.revenue_target is not None else float("nan")],
    }  # fmt: skip
    names = sorted({str(p) for p in frames.forecasts["period"].dropna()})
    bounds = [(n, b) for n in names if (b := period_bounds(n)) is not None]
    periods = {
        "period": [n for n, _ in bounds],
        "period_start": [micros(b[0]) for _, b in bounds],
        "period_end": [micros(b[1]) for _, b in bounds],
    }
    return {
        name: pd.DataFrame({c: column(data[c], kind) for c, kind in AUX_SCHEMA[name]})
        for name, data in (("params", params), ("periods", periods))
    }
