"""Journeys from channel paths: handy for examples, tests and what-if questions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pandas as pd

from revalign.analytics.attribution.journeys import Journeys, journeys_from_touches

PATHS_END = datetime(2026, 6, 30, tzinfo=UTC)


def journeys_from_paths(
    paths: Sequence[Sequence[str]],
    converted: Sequence[bool],
    values: Sequence[float] | None = None,
    days_before_end: Sequence[Sequence[float]] | None = None,
) -> Journeys:
    """One journey per path; touches one day apart (or `days_before_end`) ending at PATHS_END."""
    rows = []
    for i, path in enumerate(paths):
        offsets = days_before_end[i] if days_before_end else range(len(path) - 1, -1, -1)
        for channel, before in zip(path, offsets, strict=True):
            rows.append(
                {
                    "journey_id": f"j{i:07d}",
                    "occurred_at": PATHS_END - timedelta(days=float(before)),
                    "channel": channel,
                    "converted": bool(converted[i]),
                    "value": float(values[i]) if values is not None else 100.0,
                }
            )
    return journeys_from_touches(pd.DataFrame(rows))
