"""The dashboard's charts: the shared Vega-Lite builders (`revalign.charts`, the same specs
the report files embed) rendered to SVG on the server, so the page needs no chart script.
The conversion charts add reference lines (the 40 % / 20 % bands, the 60 % SAL line)."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from revalign.charts import Bar, ChartSpec, bar_chart, line_chart, to_svg
from revalign.charts.specs import ValueKind

_OWN_LAYER = ("mark", "encoding", "transform", "params")


def bars(
    rows: Sequence[Mapping[str, Any]],
    label: str,
    value: str,
    *,
    title: str,
    x_title: str,
    y_title: str,
    kind: ValueKind = "count",
    lang: str = "en",
    currency: str = "USD",
    rules: Sequence[tuple[float, str]] = (),
) -> ChartSpec:
    """Horizontal bars of `value` per `label` (largest first), with optional reference lines
    (value, text) drawn across them."""
    data = sorted(
        (Bar(str(r[label]) if r[label] is not None else "—", float(r[value]))
         for r in rows if r.get(value) is not None),
        key=lambda b: -(b.value or 0),
    )  # fmt: skip
    chart = bar_chart(data, title=title, x_title=x_title, y_title=y_title, kind=kind,
                      currency=currency, lang=lang)  # fmt: skip
    return with_rules(chart, rules) if rules else chart


def with_rules(chart: ChartSpec, rules: Sequence[tuple[float, str]]) -> ChartSpec:
    """The chart with vertical reference lines at each (value, text)."""
    spec = dict(chart.spec)
    base = {k: spec.pop(k) for k in _OWN_LAYER if k in spec}
    line = {"type": "rule", "color": "#b3261e", "strokeDash": [4, 3], "strokeWidth": 1.5}
    text = {"type": "text", "align": "left", "dx": 3, "dy": -4, "color": "#b3261e", "y": 0}
    marks = [{
        "data": {"values": [{"v": v, "t": t} for v, t in rules]},
        "layer": [
            {"mark": line, "encoding": {"x": {"field": "v", "type": "quantitative"}}},
            {"mark": text, "encoding": {"x": {"field": "v", "type": "quantitative"},
                                        "text": {"field": "t"}}},
        ],
    }]  # fmt: skip
    spec["layer"] = [base, *marks]
    return replace(chart, spec=spec)


def lines(
    rows: Sequence[Mapping[str, Any]],
    x: str,
    series: Mapping[str, str],
    *,
    title: str,
    x_title: str,
    y_title: str,
    kind: ValueKind = "rate",
    lang: str = "en",
    currency: str = "USD",
) -> ChartSpec:
    """One line per column of `series` (column → legend text) over `x` (months)."""
    data = [Bar(str(r[x]), float(r[col]), name) for r in rows
            for col, name in series.items() if r.get(col) is not None]  # fmt: skip
    return line_chart(data, title=title, x_title=x_title, y_title=y_title, kind=kind,
                      currency=currency, lang=lang)  # fmt: skip


@functools.lru_cache(maxsize=256)
def _svg(spec: str, lang: str, currency: str, title: str) -> str:
    return to_svg(ChartSpec(json.loads(spec), lang, currency, title))


def svg(chart: ChartSpec) -> str:
    """The chart as SVG, remembered per spec (a page is redrawn with the same data often)."""
    text = json.dumps(chart.spec, sort_keys=True, default=str)
    return _svg(text, chart.lang, chart.currency, chart.title)
