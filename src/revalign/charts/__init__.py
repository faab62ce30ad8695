"""Charts: Vega-Lite specs built with altair, one spec for the page and the files.

The web page renders a spec with vega-embed (served by revalign itself); reports embed the
SVG that vl-convert renders from the same spec on the server, with no browser and no
network (`to_svg` allows no URL at all).
"""

from revalign.charts.render import to_svg
from revalign.charts.specs import Bar, ChartSpec, bar_chart, funnel_chart, line_chart

__all__ = ["Bar", "ChartSpec", "bar_chart", "funnel_chart", "line_chart", "to_svg"]
