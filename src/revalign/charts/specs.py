"""Chart spec builders: bar, line and funnel, with axis titles, units and currency.

Each builder takes plain rows and already-translated titles and returns a `ChartSpec`
(the Vega-Lite dict plus the language and currency its numbers are formatted in).
Axis number formats are d3 formats; `$` in them means the chart's currency, whose symbol
the d3 locale of `revalign.i18n.d3_format_locale` supplies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import altair as alt

ValueKind = Literal["count", "money", "rate", "number", "days", "hours"]
_FORMATS: dict[ValueKind, str] = {
    "count": ",.0f",
    "money": "$,.0f",
    "rate": ".0%",
    "number": ",.2~f",
    "days": ",.1~f",
    "hours": ",.1~f",
}
WIDTH, HEIGHT = 520, 240


@dataclass(frozen=True)
class ChartSpec:
    """A Vega-Lite spec with what it needs to render the same everywhere."""

    spec: dict[str, Any]
    lang: str
    currency: str
    title: str


@dataclass(frozen=True)
class Bar:
    """One bar (or point): its label, value and optional series (for grouped bars)."""

    label: str
    value: float | None
    series: str | None = None


def _values(rows: Sequence[Bar]) -> list[dict[str, Any]]:
    return [
        {"label": r.label, "value": r.value, "series": r.series}
        for r in rows
        if r.value is not None  # unknown is left out, never drawn as 0
    ]


def _axis_title(title: str, kind: ValueKind, currency: str, unit: str | None) -> str:
    if kind == "money":
        return f"{title} ({currency})"
    return f"{title} ({unit})" if unit else title


def _value_axis(title: str, kind: ValueKind, currency: str, unit: str | None) -> alt.Axis:
    # whole things (leads, deals) never get a tick at 0.5
    step = 1 if kind == "count" else alt.Undefined
    return alt.Axis(
        format=_FORMATS[kind], title=_axis_title(title, kind, currency, unit), tickMinStep=step
    )


def _base(title: str, values: list[dict[str, Any]]) -> alt.Chart:
    return alt.Chart(alt.InlineData(values=values), title=title, width=WIDTH, height=HEIGHT)


def bar_chart(
    rows: Sequence[Bar],
    *,
    title: str,
    x_title: str,
    y_title: str,
    kind: ValueKind = "count",
    currency: str = "USD",
    lang: str = "en",
    unit: str | None = None,
    horizontal: bool = True,
) -> ChartSpec:
    """Bars of `rows` (categories keep their order); grouped when rows carry a series."""
    fmt = _FORMATS[kind]
    value_axis = _value_axis(y_title, kind, currency, unit)
    label_axis = alt.Axis(title=x_title, labelLimit=180)
    order = list(dict.fromkeys(r.label for r in rows))
    value = alt.X("value:Q", axis=value_axis) if horizontal else alt.Y("value:Q", axis=value_axis)
    label = (
        alt.Y("label:N", sort=order, axis=label_axis)
        if horizontal
        else alt.X("label:N", sort=order, axis=label_axis)
    )
    enc: dict[str, Any] = {"x": value, "y": label} if horizontal else {"x": label, "y": value}
    tooltip = [alt.Tooltip("label:N", title=x_title), alt.Tooltip("value:Q", format=fmt)]
    if any(r.series for r in rows):
        enc["color"] = alt.Color("series:N", title=None)
        enc["yOffset" if horizontal else "xOffset"] = alt.YOffset("series:N") if horizontal \
            else alt.XOffset("series:N")  # fmt: skip
        tooltip.append(alt.Tooltip("series:N", title=None))
    chart = _base(title, _values(rows)).mark_bar().encode(**enc, tooltip=tooltip)
    if horizontal:  # a bar's thickness, not the chart's, stays the same for 1 or 20 bars
        series = max(1, len({r.series for r in rows}))
        chart = chart.properties(height=max(60, min(HEIGHT * 2, 24 * len(order) * series)))
    return ChartSpec(chart.to_dict(), lang, currency, title)


def line_chart(
    rows: Sequence[Bar],
    *,
    title: str,
    x_title: str,
    y_title: str,
    kind: ValueKind = "count",
    currency: str = "USD",
    lang: str = "en",
    unit: str | None = None,
) -> ChartSpec:
    """A line per series over ordered labels (weeks, months, quarters)."""
    fmt = _FORMATS[kind]
    order = list(dict.fromkeys(r.label for r in rows))
    enc: dict[str, Any] = {
        "x": alt.X("label:O", sort=order, axis=alt.Axis(title=x_title, labelAngle=0)),
        "y": alt.Y("value:Q", axis=_value_axis(y_title, kind, currency, unit)),
        "tooltip": [alt.Tooltip("label:O", title=x_title), alt.Tooltip("value:Q", format=fmt)],
    }
    if any(r.series for r in rows):
        enc["color"] = alt.Color("series:N", title=None)
    chart = _base(title, _values(rows)).mark_line(point=True).encode(**enc)
    return ChartSpec(chart.to_dict(), lang, currency, title)


def funnel_chart(
    steps: Mapping[str, int | None],
    *,
    title: str,
    count_title: str,
    lang: str = "en",
    currency: str = "USD",
) -> ChartSpec:
    """Centred bars, one per stage in order, labelled with their count: a funnel."""
    values = [
        {"label": k, "value": v, "low": -v / 2, "high": v / 2}
        for k, v in steps.items()
        if v is not None
    ]
    order = [str(v["label"]) for v in values]
    base = _base(title, values).encode(
        y=alt.Y("label:N", sort=order, axis=alt.Axis(title=None, labelLimit=180))
    )
    bars = base.mark_bar().encode(
        x=alt.X("low:Q", axis=alt.Axis(title=count_title, labels=False, ticks=False, grid=False)),
        x2="high:Q",
        tooltip=[alt.Tooltip("label:N"), alt.Tooltip("value:Q", format=",.0f")],
    )
    labels = base.mark_text(color="black", fontWeight="bold").encode(
        x=alt.datum(0), text=alt.Text("value:Q", format=",.0f")
    )
    chart = alt.layer(bars, labels, title=title, width=WIDTH, height=HEIGHT)
    return ChartSpec(chart.to_dict(), lang, currency, title)
