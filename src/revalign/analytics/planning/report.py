"""The plan report: reverse funnel, gaps, capacity and reallocation, as JSON or Rich."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from revalign.analytics.money import Excluded, describe
from revalign.analytics.planning.funnel import reverse_funnel
from revalign.analytics.planning.gap import gap_report
from revalign.analytics.planning.inputs import STAGES, PlanInputs
from revalign.analytics.planning.reallocation import suggest_reallocation


def build_plan(inputs: PlanInputs, target: float, quarter: str) -> dict[str, Any]:
    """Everything the plan says, JSON-ready."""
    plan = reverse_funnel(inputs, target, quarter)
    gaps = gap_report(inputs, plan)
    moves = suggest_reallocation(inputs.channels)
    return {
        "quarter": plan.quarter,
        "target": plan.target,
        "currency": inputs.currency,
        "close_months": list(plan.close_months),
        "needed": {"won_deals": plan.won_deals, "pipeline": plan.pipeline, **plan.totals},
        "by_month": plan.by_month,
        "inputs": {
            "rates": asdict(inputs.rates),
            "lags_days": asdict(inputs.lags),
            "avg_deal_size": inputs.avg_deal_size,
            "seasonality": list(inputs.seasonality) if inputs.seasonality else None,
            "seasonality_note": inputs.seasonality_note,
            "run_rate": inputs.run_rate,
        },
        "gaps": [
            {
                "month": g.month,
                "stage": g.stage,
                "needed": g.needed,
                "expected": g.expected,
                "gap": g.gap,
            }
            for g in gaps.stages
        ],
        "pipeline": {
            "needed": gaps.pipeline_needed,
            "open": gaps.open_pipeline,
            "coverage": gaps.coverage,
            "coverage_status": gaps.coverage_status,
            "coverage_band": [inputs.coverage_min, inputs.coverage_max],
        },
        "capacity": {
            "sals_per_month": gaps.capacity_per_month,
            "note": inputs.capacity_note,
            "over_capacity": gaps.over_capacity,
        },
        "excluded": {k: [e.as_dict() for e in v] for k, v in inputs.excluded.items()},
        "reallocation": {
            "suggestions": [asdict(s) for s in moves.suggestions],
            "median_cost_per_won": moves.median_cost_per_won,
            "skipped": moves.skipped,
            "note": moves.note,
        },
    }


def render(report: dict[str, Any]) -> Group:
    """A terminal report of `build_plan`'s output."""
    cur = report["currency"]
    head = Text(
        f"Plan {report['quarter']}: {report['target']:,.0f} {cur} → "
        f"{report['needed']['won_deals']:.1f} won deals, pipeline "
        f"{report['needed']['pipeline']:,.0f} {cur}",
        style="bold",
    )
    months = Table(title="Needed per month (closes in " + ", ".join(report["close_months"]) + ")")
    months.add_column("month")
    for stage in STAGES:
        months.add_column(stage, justify="right")
    for month, row in report["by_month"].items():
        months.add_row(month, *(f"{row[s]:.0f}" for s in STAGES))
    gaps = Table(title="Gap: needed vs run-rate (" + report["inputs"]["seasonality_note"] + ")")
    for name in ("month", "stage", "needed", "expected", "gap"):
        gaps.add_column(name, justify="left" if name in ("month", "stage") else "right")
    for g in report["gaps"]:
        if g["needed"] > 0:
            gaps.add_row(
                g["month"],
                g["stage"],
                f"{g['needed']:.0f}",
                f"{g['expected']:.0f}",
                f"{g['gap']:+.0f}",
            )
    p, c = report["pipeline"], report["capacity"]
    lines = [
        f"Open pipeline {p['open']:,.0f} {cur}: coverage {p['coverage']:.1f}× "
        f"({p['coverage_status']}; band {p['coverage_band'][0]:g}-{p['coverage_band'][1]:g}×)",
        f"Capacity: {c['note'] or 'unknown'}",
    ]
    lines += [f"  {m}: {extra:.0f} SALs over capacity" for m, extra in c["over_capacity"].items()]
    realloc = report["reallocation"]
    for name, items in report["excluded"].items():
        parts = [Excluded(e["currency"], e["count"], e["total"]) for e in items]
        lines.append(f"{name} leaves out (no exchange rate to {cur}): {describe(parts)}")
    lines.append(f"Budget: {realloc['note']}")
    lines += [f"  • {s['reason']}" for s in realloc["suggestions"]]
    lines += [f"  – {ch}: {why}" for ch, why in realloc["skipped"].items()]
    return Group(head, months, gaps, Text("\n".join(lines)))
