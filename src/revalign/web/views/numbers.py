"""Metric values for a page: filtered by the URL, rounded like `revalign metrics`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from revalign.analytics.metrics import BY_NAME, Dimension, Metric, rounded
from revalign.analytics.metrics.compiler import NONE_LABEL
from revalign.analytics.metrics.measures import MEASURES
from revalign.analytics.metrics.select import Selection, selected_metrics
from revalign.web.runtime import Snapshot


def _metric(name: str) -> Metric:
    """A shared metric, or a count measure shown as one (e.g. `rejections`)."""
    if name in BY_NAME:
        return BY_NAME[name]
    if MEASURES[name].record is None:
        raise KeyError(name)
    return Metric(name, "count", "", measure=name)


def _round(name: str, value: Any) -> Any:
    if name in BY_NAME:
        return rounded(name, value)
    return None if value is None else round(float(value))


def values(snap: Snapshot, sel: Selection, names: Sequence[str]) -> dict[str, Any]:
    """Overall values of `names` under `sel` (composite metrics come unfiltered)."""
    metrics = [_metric(n) for n in names]
    rows = selected_metrics(snap.backend, metrics, sel)
    out = {m.name: _round(m.name, rows[0][m.name]) for m in metrics if not m.composite}
    for m in metrics:
        if m.composite:
            out[m.name] = snap.overall.metrics.get(m.name)
    return out


def breakdown(
    snap: Snapshot, sel: Selection, names: Sequence[str], by: Dimension
) -> list[dict[str, Any]]:
    """One row per value of `by` (None for unknown) with `names` under `sel`."""
    metrics = [_metric(n) for n in names]
    rows = selected_metrics(snap.backend, metrics, sel, by)
    return [
        {by: None if r["dim"] == NONE_LABEL else r["dim"],
         **{m.name: _round(m.name, r[m.name]) for m in metrics}}
        for r in rows
    ]  # fmt: skip


def rejection_reasons(snap: Snapshot, sel: Selection) -> list[dict[str, Any]]:
    """SAL rejections by reason code, under the same filter as the `rejections` count."""
    from revalign.analytics.metrics.select import drill_measure, filtered

    relation = filtered(drill_measure("rejections"), sel).relation
    sql = (
        f"SELECT coalesce(l.reject_reason, '{NONE_LABEL}') AS reason, count(*) AS n "
        f"FROM ({relation}) r JOIN leads l ON l.lead_id = r.record_id "
        "GROUP BY 1 ORDER BY n DESC, reason"
    )
    return [{"reason": r["reason"], "n": int(r["n"])} for r in snap.backend.query(sql)]
