"""Charts: one Vega-Lite spec, rendered to SVG on the server with titles, units, currency."""

from __future__ import annotations

import pytest

from revalign.charts import Bar, bar_chart, funnel_chart, line_chart, to_svg
from revalign.charts.specs import ChartSpec


def test_bar_chart_has_axis_titles_with_currency() -> None:
    chart = bar_chart(
        [Bar("partner", 438.36), Bar("paid_social", 5015.14), Bar("webinar", None)],
        title="Cost per SQL", x_title="Channel", y_title="Cost per SQL", kind="money",
        currency="IDR", lang="id",
    )  # fmt: skip
    svg = to_svg(chart)
    assert svg.lstrip().startswith("<svg")
    assert "Cost per SQL (IDR)" in svg and "Channel" in svg
    assert "Rp" in svg and "Rp5.000" in svg  # the Indonesian thousands sign on the axis
    assert "webinar" not in svg  # unknown is left out, not drawn as 0


def test_line_and_funnel_render() -> None:
    line = line_chart(
        [Bar("2026-W47", 0.5, "sales"), Bar("2026-W48", 0.75, "sales")],
        title="SLA compliance", x_title="Week", y_title="Compliance", kind="rate",
    )  # fmt: skip
    svg = to_svg(line)
    assert "2026-W48" in svg and "75%" in svg
    funnel = funnel_chart(
        {"Lead": 1984, "MQL": 768, "SQL": 208}, title="Funnel", count_title="Leads"
    )
    text = to_svg(funnel)
    assert "1,984" in text and "MQL" in text


def test_spec_is_plain_vega_lite_with_inline_data() -> None:
    chart = bar_chart([Bar("a", 1)], title="t", x_title="x", y_title="y")
    assert chart.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    (rows,) = chart.spec["datasets"].values()  # altair names the inline data set
    assert rows == [{"label": "a", "value": 1, "series": None}]
    assert "url" not in str(chart.spec["data"])


def test_rendering_never_fetches_a_url() -> None:
    spec = {"data": {"url": "http://127.0.0.1:9/x.csv"}, "mark": "bar",
            "encoding": {"x": {"field": "a", "type": "nominal"}}}  # fmt: skip
    with pytest.raises(ValueError):
        to_svg(ChartSpec(spec, "en", "USD", "t"))
