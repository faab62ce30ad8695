"""Metrics computed from other metrics: MQL target attainment and the Alignment Score.

Alignment Score (0-100) = 100 × Σ wᵢ·cᵢ / Σ wᵢ over the components with data:
  sla 40 %       mean of sales-side and marketing-side SLA compliance
  shared 30 %    mean of min(1, MQLs ÷ MQL target), min(1, MQL→SQL ÷ contract "good"),
                 min(1, SAL acceptance ÷ contract minimum)
  coverage 15 %  1 inside the contract's coverage band (3-5x), else coverage ÷ min below it
                 or max ÷ coverage above it
  nps 15 %       cross-team NPS mapped from -100..100 to 0..1
A component without data is dropped, never guessed: `dropped` names it with the reason,
and `partial` names the inputs a kept component had to do without.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from revalign.analytics.metrics.context import MetricContext

WEIGHTS: dict[str, float] = {"sla": 0.40, "shared": 0.30, "coverage": 0.15, "nps": 0.15}


@dataclass(frozen=True)
class Alignment:
    score: float | None
    components: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)  # after renormalising
    dropped: dict[str, str] = field(default_factory=dict)  # component -> why
    partial: dict[str, list[str]] = field(default_factory=dict)  # component -> null inputs

    def as_dict(self) -> dict[str, Any]:
        return {"score": self.score, "components": self.components, "weights": self.weights,
                "dropped": self.dropped, "partial": self.partial}  # fmt: skip


# The metrics each component reads (a component is dropped when none of them has a value).
INPUTS: dict[str, tuple[str, ...]] = {
    "sla": ("sla_compliance_sales", "sla_compliance_marketing"),
    "shared": ("mql_target_attainment", "mql_to_sql_rate", "sal_acceptance_rate"),
    "coverage": ("pipeline_coverage",),
    "nps": ("cross_team_nps",),
}


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out: list[str] = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def mql_target_attainment(
    monthly_mqls: Mapping[str, float], first_month: str | None, ctx: MetricContext
) -> float | None:
    """MQLs ÷ target over the months from the first lead's month to the as-of month."""
    if first_month is None:
        return None
    done = total = 0.0
    for month in _month_range(first_month, ctx.as_of.strftime("%Y-%m")):
        target = ctx.mql_targets.get(month, ctx.mql_per_month)
        if target:
            total += target
            done += monthly_mqls.get(month, 0.0)
    return done / total if total > 0 else None


def _capped(value: Any, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return min(1.0, float(value) / reference)


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _coverage(value: Any, ctx: MetricContext) -> float | None:
    low, high = ctx.coverage_min, ctx.coverage_max
    if value is None or not low or not high:
        return None
    cov = float(value)
    if cov < low:
        return cov / low
    return 1.0 if cov <= high else high / cov


def _why(component: str, values: Mapping[str, Any], ctx: MetricContext,
         reasons: Mapping[str, str]) -> str:  # fmt: skip
    """Why a component could not be computed, from its inputs' null reasons where known."""
    if component == "coverage":
        if not ctx.coverage_min or not ctx.coverage_max:
            return "the contract has no pipeline coverage band"
        if ctx.revenue_target is None:
            return f"no revenue target for {ctx.quarter} (contract targets or target.set)"
        if values.get("pipeline_coverage") is None:
            return reasons.get("pipeline_coverage", f"the {ctx.quarter} target is already met")
    no_thresholds = not (ctx.mql_to_sql_good or ctx.sal_acceptance_min)
    if component == "shared" and no_thresholds and values.get("mql_target_attainment") is None:
        return "no MQL target and no contract thresholds to compare with"
    inputs = INPUTS[component]
    if len(inputs) == 1 and inputs[0] in reasons:
        return reasons[inputs[0]]
    known = [f"{m}: {reasons[m]}" for m in inputs if m in reasons]
    if known:
        return "; ".join(known)
    return f"{' and '.join(inputs)} {'is' if len(inputs) == 1 else 'are'} null"


def alignment(
    values: Mapping[str, Any], ctx: MetricContext, reasons: Mapping[str, str] | None = None
) -> Alignment:
    """The Alignment Score from the overall metric values (`reasons`: why a metric is null)."""
    why = {**ctx.from_frames.reasons, **(reasons or {})}
    nps = values.get("cross_team_nps")
    parts: dict[str, float | None] = {
        "sla": _mean([values.get("sla_compliance_sales"), values.get("sla_compliance_marketing")]),
        "shared": _mean([
            _capped(values.get("mql_target_attainment"), 1.0),
            _capped(values.get("mql_to_sql_rate"), ctx.mql_to_sql_good),
            _capped(values.get("sal_acceptance_rate"), ctx.sal_acceptance_min),
        ]),
        "coverage": _coverage(values.get("pipeline_coverage"), ctx),
        "nps": (float(nps) + 100.0) / 200.0 if nps is not None else None,
    }  # fmt: skip
    present = {k: v for k, v in parts.items() if v is not None}
    dropped = {k: _why(k, values, ctx, why) for k, v in parts.items() if v is None}
    partial = {
        k: [m for m in INPUTS[k] if values.get(m) is None]
        for k in present
        if any(values.get(m) is None for m in INPUTS[k])
    }
    if not present:
        return Alignment(None, dropped=dropped)
    total = sum(WEIGHTS[k] for k in present)
    weights = {k: WEIGHTS[k] / total for k in present}
    score = 100.0 * sum(weights[k] * v for k, v in present.items())
    return Alignment(score, present, weights, dropped, partial)
