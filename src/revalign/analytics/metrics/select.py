"""The metrics under filters, and the records behind a count (the drill-down).

A filter keeps the rows of a measure's relation whose dimension columns match, so a
filtered number and its drill-down list come from the same definition: the drill-down of
a count measure is its relation's rows (`record_id`), and their number is the count.
A filter on a dimension a measure cannot be split by (cost by team, coverage by channel)
makes that measure unknown (null), never the unfiltered number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from revalign.analytics.metrics.backends.base import Backend
from revalign.analytics.metrics.compiler import NONE_LABEL, compile_metrics
from revalign.analytics.metrics.definitions import BY_NAME
from revalign.analytics.metrics.measures import MEASURES
from revalign.analytics.metrics.model import Dimension, Measure, Metric
from revalign.errors import InputError

_EQUALS: tuple[Dimension, ...] = ("channel", "campaign", "segment", "team", "rep")


@dataclass(frozen=True)
class Selection:
    """Equality filters per dimension ("(none)" selects unknown values) and a set of months."""

    channel: str | None = None
    campaign: str | None = None
    segment: str | None = None
    team: str | None = None
    rep: str | None = None
    months: tuple[str, ...] = ()

    def equals(self) -> dict[Dimension, str]:
        found = {d: getattr(self, d) for d in _EQUALS}
        return {d: v for d, v in found.items() if v}

    @property
    def empty(self) -> bool:
        return not self.equals() and not self.months


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _condition(dim: str, value: str) -> str:
    return f"f.{dim} IS NULL" if value == NONE_LABEL else f"f.{dim} = {_literal(value)}"


def filtered(measure: Measure, sel: Selection) -> Measure:
    """`measure` restricted to `sel`; null when it has no column for a filtered dimension."""
    if sel.empty:
        return measure
    wanted = set(sel.equals()) | ({"month"} if sel.months else set())
    if not wanted <= set(measure.dims):
        relation = f"SELECT * FROM ({measure.relation}) f WHERE FALSE"
        return replace(measure, relation=relation, zero_if_empty=False)
    conds = [_condition(d, v) for d, v in sel.equals().items()]
    if sel.months:
        conds.append(f"f.month IN ({', '.join(_literal(m) for m in sel.months)})")
    relation = f"SELECT * FROM ({measure.relation}) f WHERE {' AND '.join(conds)}"
    return replace(measure, relation=relation)


def filtered_measures(sel: Selection) -> dict[str, Measure]:
    return {name: filtered(m, sel) for name, m in MEASURES.items()}


def selected_metrics(
    backend: Backend,
    metrics: Sequence[Metric],
    sel: Selection,
    by: Dimension | None = None,
) -> list[dict[str, Any]]:
    """Raw values of `metrics` under `sel` (rows keyed by metric name, plus `dim`)."""
    sql = compile_metrics(
        [m for m in metrics if not m.composite], by, measures=filtered_measures(sel)
    )
    return backend.query(sql)


# Measures that add up records, and so can be listed: every count metric's measure, the
# numerators/denominators of the rate metrics, and the revenue sums over opportunities.
DRILLABLE: tuple[str, ...] = tuple(n for n, m in MEASURES.items() if m.record is not None)
# ... of which those whose rows each count 1 (money measures sum an amount instead)
COUNTING: tuple[str, ...] = tuple(n for n in DRILLABLE if MEASURES[n].excluded is None)


def drill_measure(name: str) -> Measure:
    """The measure behind a drillable metric or measure name."""
    metric = BY_NAME.get(name)
    measure_name = metric.measure if metric is not None and metric.measure else name
    measure = MEASURES.get(measure_name or "")
    if measure is None or measure.record is None:
        choices = ", ".join(DRILLABLE)
        raise InputError(f"{name!r} counts no records; drill-down exists for: {choices}")
    return measure


def drill_records(backend: Backend, name: str, sel: Selection) -> list[dict[str, Any]]:
    """The rows a count (or a revenue sum) adds up, under the same filter: `record_id`,
    the dimensions, `month` and `value` (1, or the amount in the reporting currency)."""
    measure = filtered(drill_measure(name), sel)
    dims = ", ".join(f"r.{d}" for d in measure.dims)
    sql = f"SELECT r.record_id, {dims}, r.value FROM ({measure.relation}) r ORDER BY r.record_id"
    return backend.query(sql)
