"""Metrics defined in Python over small frames tables: forecast accuracy/bias and cross-team
NPS. Their definitions live in `analytics/forecast.py` and `analytics/nps.py` (the same
code `revalign forecast accuracy` and `revalign nps` run), so every engine gets the same
number: the metric layer computes them once, beside the SQL, from the frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from revalign.analytics.forecast_accuracy import forecast_metrics
from revalign.analytics.frames import Frames
from revalign.analytics.nps import by_quarter, cross_team_nps

NAMES = ("forecast_accuracy", "forecast_bias", "cross_team_nps")


@dataclass(frozen=True)
class FrameMetrics:
    values: dict[str, float | None] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # metric -> why it is null
    details: dict[str, Any] = field(default_factory=dict)


def frame_metrics(frames: Frames, as_of: datetime, currency: str) -> FrameMetrics:
    """The values, null reasons and details (NPS by quarter) of the metrics above."""
    values, reasons = forecast_metrics(frames, as_of, currency)
    nps, quarter, why = cross_team_nps(frames, as_of)
    values["cross_team_nps"] = nps
    if why is not None:
        reasons["cross_team_nps"] = why
    details = {"cross_team_nps": {"quarter": quarter, "by_quarter": by_quarter(frames, as_of)}}
    return FrameMetrics(values, reasons, details)
