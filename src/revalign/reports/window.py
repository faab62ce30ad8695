"""The shared metrics restricted to a time window, from the one set of measures.

Every measure places a record at its own defining moment (`strftime(<moment>, '%Y-%m') AS
month`: lead created, MQL reached, deal won, cost period…). A window keeps the records whose
moment falls in [start, end): the same definitions as `revalign metrics --by month`, for a
week, a quarter or a campaign's run. Measures of the as-of state (lead aging, remaining
target) are not windowed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from revalign.analytics.metrics import BY_NAME, METRICS, rounded
from revalign.analytics.metrics.backends.base import Backend
from revalign.analytics.metrics.compiler import NONE_LABEL, compile_metrics
from revalign.analytics.metrics.measures import MEASURES
from revalign.analytics.metrics.model import Dimension, Measure, Metric

_MOMENT = re.compile(r"strftime\(([^,()]+), '%Y-%m'\) AS month")
_AS_OF = frozenset(
    {"lead_aging_0_7", "lead_aging_8_14", "lead_aging_15_30", "lead_aging_31_plus",
     "remaining_target"}
)  # fmt: skip
# The metrics a window can give (composites need the whole as-of picture).
WINDOW_METRICS: tuple[Metric, ...] = tuple(
    m for m in METRICS if not m.composite and not any(n in _AS_OF for n in m.measures())
)


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")


def windowed_measures(start: datetime, end: datetime) -> dict[str, Measure]:
    """Every measure, keeping only the records whose own moment is in [start, end)."""
    keep = f"w.period_at >= TIMESTAMP '{_stamp(start)}' AND w.period_at < TIMESTAMP '{_stamp(end)}'"
    out: dict[str, Measure] = {}
    for name, m in MEASURES.items():
        if name in _AS_OF or not _MOMENT.search(m.relation):
            out[name] = m
            continue
        relation = _MOMENT.sub(lambda g: f"{g.group(0)}, {g.group(1)} AS period_at", m.relation)
        out[name] = replace(m, relation=f"SELECT * FROM ({relation}) w WHERE {keep}")
    return out


def window_metrics(
    backend: Backend,
    start: datetime,
    end: datetime,
    by: Dimension | None = None,
    names: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Rows of metric values in the window (one row overall, or one per `by` value, the
    unknown value as None); counts as ints, money as Decimal, rates to 4 dp."""
    metrics = WINDOW_METRICS if names is None else tuple(BY_NAME[n] for n in names)
    if by is not None:
        metrics = tuple(m for m in metrics if by in m.dims)
    sql = compile_metrics(metrics, by, measures=windowed_measures(start, end))
    rows = []
    for raw in backend.query(sql):
        row: dict[str, Any] = {} if by is None else {
            by: None if raw["dim"] == NONE_LABEL else raw["dim"]
        }  # fmt: skip
        row.update({m.name: rounded(m.name, raw[m.name]) for m in metrics})
        rows.append(row)
    return rows
