"""The views behind `revalign forecast list|show|accuracy`: plain dicts, JSON-ready."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from revalign.analytics.forecast import system_forecasts, won_between
from revalign.analytics.forecast_accuracy import score, summary
from revalign.analytics.frames import Frames
from revalign.core.periods import period_bounds


def _iso(value: Any) -> str:
    return pd.Timestamp(value).isoformat()


def submissions(frames: Frames, period: str) -> list[dict[str, Any]]:
    """Every forecast submitted for `period`, oldest first."""
    f = frames.forecasts
    f = f[f["period"] == period].sort_values("submitted_at", kind="stable")
    return [
        {
            "submitted_at": _iso(r.submitted_at),
            "by": r.by,
            "category": r.category,
            "amount": float(str(r.amount)),
            "currency": r.currency,
        }
        for r in f.itertuples(index=False)
    ]


def _latest(frames: Frames, period: str, category: str, currency: str) -> dict[str, float]:
    f = frames.forecasts
    f = f[(f["period"] == period) & (f["category"] == category) & (f["currency"] == currency)]
    last = f.sort_values("submitted_at", kind="stable").groupby("by").last()
    return {str(k): float(v) for k, v in last["amount"].items()}


def quarter_view(
    frames: Frames, period: str, as_of: datetime, currency: str, rep: str | None = None
) -> dict[str, Any]:
    """Submitted (latest per person) and system forecasts of `period` as of `as_of`."""
    start, end = period_bounds(period) or (as_of, as_of)
    owners = None if rep is None else [rep]
    commits = _latest(frames, period, "commit", currency)
    best = _latest(frames, period, "best_case", currency)
    if rep is not None:
        commits = {k: v for k, v in commits.items() if k == rep}
        best = {k: v for k, v in best.items() if k == rep}
    people = sorted(set(commits) | set(best))
    system = system_forecasts(frames, period, as_of, currency, owners)
    return {
        "period": period, "as_of": as_of.isoformat(), "currency": currency, "rep": rep,
        "won_so_far": round(won_between(frames, start, min(end, as_of), currency, owners), 2),
        "submitted": {
            "people": [{"by": p, "commit": commits.get(p), "best_case": best.get(p)}
                       for p in people],
            "commit": round(sum(commits.values()), 2) if commits else None,
            "best_case": round(sum(best.values()), 2) if best else None,
        },
        "system": {name: f.as_dict() for name, f in system.items()},
    }  # fmt: skip


def accuracy_view(frames: Frames, as_of: datetime, currency: str, by_rep: bool) -> dict[str, Any]:
    """Scored periods (team, or per person) and the mean accuracy and bias of each source."""
    rows = score(frames, as_of, currency, by_person=by_rep)
    return {
        "as_of": as_of.isoformat(), "currency": currency, "by": "rep" if by_rep else "team",
        "rows": [r.as_dict() for r in rows],
        "summary": {
            who: {s: {k: (round(v, 4) if isinstance(v, float) else v) for k, v in d.items()}
                  for s, d in sources.items()}
            for who, sources in summary(rows).items()
        },
    }  # fmt: skip
