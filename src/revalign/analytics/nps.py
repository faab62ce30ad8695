"""Cross-team NPS by quarter: marketing's NPS of sales and sales' NPS of marketing.

NPS = % promoters (9-10) − % detractors (0-6) of the answers, -100..100. Answers about
one's own team are not cross-team and are left out. The single `cross_team_nps` of
`revalign metrics` is the mean of the two directions (each team's view weighs the same,
however many people answered) in the latest quarter with answers: the as-of quarter, else
the one before; older answers are too stale to speak for the teams today.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from revalign.analytics.frames import Frames
from revalign.core.periods import previous_quarter, quarter_of

DIRECTIONS = {"marketing_of_sales": ("marketing", "sales"),
              "sales_of_marketing": ("sales", "marketing")}  # fmt: skip


def nps(scores: pd.Series) -> float | None:
    """% promoters − % detractors of 0-10 scores; null without answers."""
    if scores.empty:
        return None
    s = scores.astype(int)
    return float(100.0 * ((s >= 9).sum() - (s <= 6).sum()) / len(s))


def _cross(frames: Frames, as_of: datetime | None = None) -> pd.DataFrame:
    s = frames.surveys
    s = s[s["team"] != s["about"]]
    if as_of is not None:
        s = s[s["occurred_at"] <= pd.Timestamp(as_of)]
    return s.assign(quarter=[quarter_of(t) for t in s["occurred_at"]])


def by_quarter(frames: Frames, as_of: datetime | None = None) -> list[dict[str, Any]]:
    """One row per quarter with answers: each direction's NPS and answer count, and their mean."""
    s = _cross(frames, as_of)
    rows = []
    for quarter, group in s.groupby("quarter", sort=True):
        row: dict[str, Any] = {"quarter": str(quarter)}
        values = []
        for name, (team, about) in DIRECTIONS.items():
            answers = group[(group["team"] == team) & (group["about"] == about)]["score"]
            row[name] = nps(answers)
            row[f"{name}_answers"] = len(answers)
            if row[name] is not None:
                values.append(row[name])
        row["cross_team_nps"] = sum(values) / len(values) if values else None
        rows.append(row)
    return rows


def cross_team_nps(frames: Frames, as_of: datetime) -> tuple[float | None, str | None, str | None]:
    """(value, quarter it comes from, reason when null)."""
    now = quarter_of(as_of)
    rows = {r["quarter"]: r for r in by_quarter(frames, as_of)}
    for quarter in (now, previous_quarter(now)):
        if quarter in rows and rows[quarter]["cross_team_nps"] is not None:
            return rows[quarter]["cross_team_nps"], quarter, None
    why = f"no cross-team survey answers in {now} or {previous_quarter(now)}"
    return None, None, why
