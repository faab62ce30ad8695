"""Server-side SVG of a chart spec with vl-convert (embedded Deno/V8: no browser)."""

from __future__ import annotations

import json
from functools import lru_cache

import vl_convert as vlc

from revalign.charts.specs import ChartSpec
from revalign.i18n import d3_format_locale


@lru_cache(maxsize=256)
def _svg(spec_json: str, lang: str, currency: str) -> str:
    return vlc.vegalite_to_svg(
        json.loads(spec_json),
        format_locale=d3_format_locale(lang, currency),
        allowed_base_urls=[],  # no network, ever: the data is inline
    )


def to_svg(chart: ChartSpec) -> str:
    """The chart as a standalone SVG document (text), numbers in the chart's locale."""
    return _svg(json.dumps(chart.spec, sort_keys=True), chart.lang, chart.currency)
