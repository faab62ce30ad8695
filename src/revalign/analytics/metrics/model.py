"""What a metric is: measures (one SQL aggregate over a relation) and metrics built on them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Dimension = Literal["channel", "campaign", "segment", "team", "rep", "month"]
DIMENSIONS: tuple[Dimension, ...] = ("channel", "campaign", "segment", "team", "rep", "month")
LEAD_DIMS: tuple[Dimension, ...] = DIMENSIONS
Unit = Literal["count", "money", "rate", "ratio", "hours", "days", "score"]


@dataclass(frozen=True)
class Measure:
    """One aggregate, in DuckDB SQL, over a relation that yields `value` and dimension columns.

    `relation` is a SELECT whose output has a `value` column and one column per dimension in
    `dims` (named exactly like the dimension). `agg` is an aggregate over `value`.
    `zero_if_empty`: a group without rows is 0 (a count), not null (unknown).
    Every relation also yields `record_id` (the lead, opportunity or clock of the row).
    `excluded` (money measures): a SELECT of (currency, amount) of the amounts the measure
    leaves out for want of an exchange rate, under the same filter.
    """

    name: str
    relation: str
    agg: str = "sum(value)"
    dims: tuple[Dimension, ...] = LEAD_DIMS
    zero_if_empty: bool = True
    excluded: str | None = None
    # what one row of the relation is ("lead", "opportunity", "clock") for a sum of rows
    # (a count: 1 each; money: the amount): the drill-down lists exactly those rows by their
    # `record_id` (analytics/metrics/select.py)
    record: str | None = None


@dataclass(frozen=True)
class Metric:
    """A named number both teams read the same way.

    Either `measure` (the metric is that measure) or `numerator` / `denominator` (a ratio,
    null when the denominator is not positive). `cohort` names measures to use instead
    when the cohort variant is asked for. `composite` metrics are computed from other
    metrics in Python (`composite.py`) and have no SQL of their own.
    """

    name: str
    unit: Unit
    doc: str
    measure: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    cohort: tuple[str, str] | None = None  # (numerator, denominator) by MQL/lead cohort
    composite: bool = False
    grain: str = "lead"
    dims: tuple[Dimension, ...] = field(default=LEAD_DIMS)

    def measures(self, cohort: bool = False) -> tuple[str, ...]:
        if self.composite:
            return ()
        if self.measure is not None:
            return (self.measure,)
        if cohort and self.cohort is not None:
            return self.cohort
        assert self.numerator is not None and self.denominator is not None
        return (self.numerator, self.denominator)
