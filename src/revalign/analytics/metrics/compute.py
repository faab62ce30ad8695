"""Run the metric set on an engine: load frames, one query, composites, rounded values."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from revalign.analytics.frames import SCHEMA, Frames
from revalign.analytics.metrics.backends.base import Backend
from revalign.analytics.metrics.compiler import (
    NONE_LABEL,
    compile_exclusions,
    compile_metrics,
    compile_rejection_reasons,
)
from revalign.analytics.metrics.composite import alignment, mql_target_attainment
from revalign.analytics.metrics.context import AUX_SCHEMA, MetricContext, aux_tables, build_context
from revalign.analytics.metrics.definitions import BY_NAME, METRICS
from revalign.analytics.metrics.measures import MEASURES
from revalign.analytics.metrics.model import DIMENSIONS, Dimension, Unit
from revalign.analytics.metrics.reasons import FACT_METRICS, facts_of, null_reasons
from revalign.analytics.money import NO_CURRENCY, Excluded, cents, convert_frames
from revalign.contract.schema import Contract
from revalign.errors import InputError

EngineName = Literal["duckdb", "postgres", "spark"]
_DIGITS: dict[Unit, int] = {"money": 2, "rate": 4, "ratio": 2, "hours": 2, "days": 2, "score": 2}


@dataclass(frozen=True)
class MetricsResult:
    """Overall values (`metrics`) or one row per dimension value (`rows`), plus details."""

    by: Dimension | None
    cohort: bool
    rows: list[dict[str, Any]]
    details: dict[str, Any] = field(default_factory=dict)
    null_reasons: dict[str, str] = field(default_factory=dict)  # overall: metric -> why null
    # metric → amounts left out for want of an exchange rate (see analytics/money.py)
    excluded: dict[str, list[Excluded]] = field(default_factory=dict)

    @property
    def metrics(self) -> dict[str, Any]:
        return dict(self.rows[0]) if self.by is None and self.rows else {}

    def as_json(self) -> dict[str, Any]:
        excluded = {m: [e.as_dict() for e in items] for m, items in self.excluded.items()}
        if self.by is None:
            return {"metrics": self.metrics, "null_reasons": self.null_reasons,
                    "details": self.details, "excluded": excluded}  # fmt: skip
        return {"rows": self.rows, "excluded": excluded}


def rounded(name: str, value: Any) -> Any:
    """Counts as ints, rates to 4 dp, money as Decimal to 2 dp; NaN/None → None."""
    if value is None:
        return None
    unit = BY_NAME[name].unit
    if unit == "money":
        return cents(value)
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        return None
    return round(number) if unit == "count" else round(number, _DIGITS[unit])


def open_backend(engine: EngineName, pg_url: str | None = None, spark: Any = None) -> Backend:
    """A backend by name; PostgreSQL needs `pg_url`."""
    if engine == "duckdb":
        from revalign.analytics.metrics.backends.duckdb import DuckDBBackend

        return DuckDBBackend()
    if engine == "postgres":
        if not pg_url:
            raise InputError("--engine postgres needs --pg-url postgresql+psycopg://...")
        from revalign.analytics.metrics.backends.postgres import PostgresBackend

        return PostgresBackend(pg_url)
    if engine == "spark":
        from revalign.analytics.metrics.backends.spark import SparkBackend

        return SparkBackend(spark)
    raise InputError(f"unknown engine {engine!r} (duckdb, postgres or spark)")


def load(backend: Backend, frames: Frames, ctx: MetricContext) -> None:
    """Load the frames (amounts converted to the reporting currency) and the `params` /
    `periods` tables into the engine."""
    frames = convert_frames(frames, ctx.currency, ctx.fx_rates)
    backend.load({**frames.tables(), **aux_tables(frames, ctx)}, {**SCHEMA, **AUX_SCHEMA})


def excluded_amounts(backend: Backend, cohort: bool = False) -> dict[str, list[Excluded]]:
    """Metric → per currency, the amounts its money measures left out (none: absent)."""
    raw = backend.query(compile_exclusions([n for n, m in MEASURES.items() if m.excluded]))
    by_measure: dict[str, list[Mapping[str, Any]]] = {}
    for r in raw:
        by_measure.setdefault(str(r["measure"]), []).append(r)
    out: dict[str, list[Excluded]] = {}
    for metric in METRICS:
        totals: dict[str, tuple[int, Decimal]] = {}
        for name in metric.measures(cohort):
            for row in by_measure.get(name, ()):
                code = NO_CURRENCY if row["currency"] is None else str(row["currency"])
                n, total = totals.get(code, (0, Decimal(0)))
                totals[code] = (n + int(row["n"]), total + Decimal(row["total"]))
        if totals:
            out[metric.name] = [Excluded(c, n, t) for c, (n, t) in sorted(totals.items())]
    return out


def run_loaded(
    backend: Backend, ctx: MetricContext, by: Dimension | None = None, cohort: bool = False
) -> MetricsResult:
    """The metric set on a backend whose tables are already loaded."""
    if by is not None and by not in DIMENSIONS:
        raise InputError(f"unknown dimension {by!r}; choose one of {', '.join(DIMENSIONS)}")
    wanted = METRICS if by is not None else (*METRICS, *FACT_METRICS)
    raw = backend.query(compile_metrics(wanted, by, cohort))
    excluded = excluded_amounts(backend, cohort)
    if by is not None:
        rows = [_row(r, by) for r in raw]
        return MetricsResult(by, cohort, rows, {"currency": ctx.currency}, excluded=excluded)
    values = {m.name: raw[0][m.name] for m in METRICS} if raw else {}
    monthly = backend.query(compile_metrics([BY_NAME["leads"], BY_NAME["mqls"]], "month"))
    months = sorted(str(r["dim"]) for r in monthly if r["dim"] != NONE_LABEL and r["leads"])
    mqls = {str(r["dim"]): float(r["mqls"] or 0) for r in monthly}
    values["mql_target_attainment"] = mql_target_attainment(
        mqls, months[0] if months else None, ctx
    )
    values.update(ctx.from_frames.values)  # forecast accuracy/bias, cross-team NPS
    score = alignment(values, ctx)
    values["alignment_score"] = score.score
    reasons = {str(r["reason"]): int(r["n"]) for r in backend.query(compile_rejection_reasons())}
    facts = facts_of(raw[0]) if raw else {}
    values = {k: rounded(k, v) for k, v in values.items()}
    nulls = null_reasons(METRICS, values, facts, ctx)
    dropped = {k: nulls.get(m, "no data") for k, m in _COMPONENT_OF.items() if k in score.dropped}
    if "alignment_score" in nulls:
        nulls.update(null_reasons((BY_NAME["alignment_score"],), values, facts, ctx, dropped))
    details = {
        "alignment_score": {
            **score.as_dict(),
            "score": rounded("alignment_score", score.score),
            "components": {k: round(v, 4) for k, v in score.components.items()},
            "weights": {k: round(v, 4) for k, v in score.weights.items()},
            "dropped_reasons": dropped,
        },
        "sal_rejection_reasons": reasons,
        **ctx.from_frames.details,
        "as_of": ctx.as_of.isoformat(),
        "currency": ctx.currency,
        "quarter": ctx.quarter,
        "cohort": cohort,
    }
    return MetricsResult(None, cohort, [values], details, nulls, excluded)


# The metric whose null reason explains a dropped Alignment Score component.
_COMPONENT_OF = {
    "sla": "sla_compliance",
    "shared": "mql_to_sql_rate",
    "coverage": "pipeline_coverage",
    "nps": "cross_team_nps",
}


def _row(raw: Mapping[str, Any], by: Dimension) -> dict[str, Any]:
    label = raw["dim"]
    row: dict[str, Any] = {by: None if label == NONE_LABEL else label}
    row.update({m.name: rounded(m.name, raw[m.name]) for m in METRICS})
    return row


def compute_metrics(
    frames: Frames,
    *,
    engine: EngineName | Backend = "duckdb",
    by: Dimension | None = None,
    cohort: bool = False,
    contract: Contract | None = None,
    as_of: datetime | None = None,
    pg_url: str | None = None,
    spark: Any = None,
) -> MetricsResult:
    """Every shared metric over `frames`, overall or by one dimension.

    `as_of` (default: now) fixes the current quarter and lead aging; `contract` gives the
    currency, targets and thresholds.
    """
    ctx = build_context(frames, contract, as_of or datetime.now(UTC))
    backend = open_backend(engine, pg_url, spark) if isinstance(engine, str) else engine
    try:
        load(backend, frames, ctx)
        return run_loaded(backend, ctx, by, cohort)
    finally:
        if isinstance(engine, str):
            backend.close()
