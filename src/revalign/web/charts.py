"""Charts in the page: Vega-Lite specs rendered to SVG on the server (vl-convert), so the
page needs no chart script and an export renders the very same spec."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

import vl_convert as vlc

Spec = dict[str, Any]


def bars(
    rows: Sequence[Mapping[str, Any]],
    x: str,
    y: str,
    *,
    x_title: str,
    y_title: str,
    y_format: str = ",.0f",
    rules: Sequence[tuple[float, str]] = (),
    width: int = 520,
) -> Spec:
    """Horizontal bars of `y` per `x` (categories down the side), with optional reference
    lines (value, label) such as the 60 % SAL acceptance line."""
    data = [{x: str(r[x]), y: r[y]} for r in rows if r.get(y) is not None]
    layers: list[Spec] = [{
        "mark": {"type": "bar", "color": "#3b6ea5"},
        "encoding": {
            "y": {"field": x, "type": "nominal", "title": x_title, "sort": "-x"},
            "x": {"field": y, "type": "quantitative", "title": y_title,
                  "axis": {"format": y_format}},
            "tooltip": [{"field": x}, {"field": y, "format": y_format}],
        },
    }]  # fmt: skip
    for value, label in rules:
        layers.append({
            "data": {"values": [{"v": value, "label": label}]},
            "layer": [
                {"mark": {"type": "rule", "color": "#c0392b", "strokeDash": [4, 3]},
                 "encoding": {"x": {"field": "v", "type": "quantitative"}}},
                {"mark": {"type": "text", "align": "left", "dx": 3, "dy": -6, "color": "#c0392b"},
                 "encoding": {"x": {"field": "v", "type": "quantitative"},
                              "text": {"field": "label"}}},
            ],
        })  # fmt: skip
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": width,
        "height": {"step": 18},
        "data": {"values": data},
        "layer": layers,
    }


def lines(
    rows: Sequence[Mapping[str, Any]],
    x: str,
    series: Sequence[str],
    *,
    x_title: str,
    y_title: str,
    y_format: str = ".0%",
    width: int = 520,
) -> Spec:
    """One line per column in `series` over `x` (months): the trend of a few rates."""
    data = [{x: r[x], "series": s, "value": r[s]} for r in rows for s in series
            if r.get(s) is not None]  # fmt: skip
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": width,
        "height": 200,
        "data": {"values": data},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": x, "type": "ordinal", "title": x_title},
            "y": {"field": "value", "type": "quantitative", "title": y_title,
                  "axis": {"format": y_format}},
            "color": {"field": "series", "type": "nominal", "title": None},
            "tooltip": [{"field": x}, {"field": "series"},
                        {"field": "value", "format": y_format}],
        },
    }  # fmt: skip


def svg(spec: Spec) -> str:
    """The chart as an SVG document (no external references)."""
    return str(vlc.vegalite_to_svg(spec))


@functools.lru_cache(maxsize=256)
def _svg_of(text: str) -> str:
    return str(vlc.vegalite_to_svg(json.loads(text)))


def cached_svg(spec: Spec) -> str:
    """`svg`, remembered per spec (a page is redrawn with the same data many times)."""
    return _svg_of(json.dumps(spec, sort_keys=True, default=str))
