"""The planted promises of the demo, measured from raw ledger events (docs/demo.md f-j):
forecasts against what each rep won, cross-team NPS, capacity notices and how far ahead
they came, MQLs without a title per campaign, and MQLs per month against the target."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any

from revalign.core.events import Event, EventType
from revalign.core.periods import period_bounds, quarter_of

CLOSED_QUARTER = "2026Q3"  # the demo's one whole quarter


class Promises:
    """Story fields f-j (see `Story`), folded from the ledger's events in order (`add`)."""

    def __init__(self) -> None:
        self._owner: dict[str, str] = {}
        self._won: dict[str, float] = defaultdict(float)
        self._commits: dict[str, tuple[Any, float]] = {}  # rep -> (submitted_at, amount), latest
        self._answers: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._notices: dict[str, int] = {}
        self._untitled: set[str] = set()
        self._campaign: dict[str, str] = {}
        self._missing_title: Counter[str] = Counter()
        self._mqls: Counter[str] = Counter()
        self._targets: dict[str, int] = {}
        bounds = period_bounds(CLOSED_QUARTER)
        self._start: datetime | None = bounds[0] if bounds else None
        self._end: datetime | None = bounds[1] if bounds else None

    def add(self, e: Event) -> None:
        """Fold one event the funnel accepted."""
        p, t, start, end = e.payload, e.type, self._start, self._end
        if t is EventType.LEAD_CAPTURED:
            self._campaign[e.lead_id or ""] = str(p.get("campaign") or "unknown")
            if not p.get("title"):
                self._untitled.add(e.lead_id or "")
        elif t is EventType.MQL_REACHED:
            self._mqls[e.occurred_at.strftime("%Y-%m")] += 1
            if e.lead_id in self._untitled:
                self._missing_title[self._campaign.get(e.lead_id or "", "unknown")] += 1
        elif t is EventType.OPPORTUNITY_CREATED and p.get("owner"):
            self._owner[e.opportunity_id or ""] = str(p["owner"])
        elif t is EventType.OPPORTUNITY_WON and start and end and start <= e.occurred_at < end:
            self._won[self._owner.get(e.opportunity_id or "", "unknown")] += float(p["amount"])
        elif t is EventType.FORECAST_SUBMITTED and p["period"] == CLOSED_QUARTER:
            if p["category"] == "commit" and end and e.occurred_at < end:
                last = self._commits.get(p["by"])
                if last is None or last[0] <= e.occurred_at:
                    self._commits[p["by"]] = (e.occurred_at, float(p["amount"]))
        elif t is EventType.SURVEY_RESPONSE and p["team"] != p["about"]:
            key = (quarter_of(e.occurred_at), f"{p['team']}_of_{p['about']}")
            self._answers[key].append(p["score"])
        elif t is EventType.CAPACITY_NOTICE:
            ahead = date.fromisoformat(p["effective_from"]) - e.occurred_at.date()
            self._notices[str(p.get("rep") or p["team"])] = ahead.days
        elif t is EventType.TARGET_SET and p["metric"] == "mqls":
            self._targets[p["period"]] = round(float(p["amount"]))

    def result(self) -> dict[str, Any]:
        nps: dict[str, dict[str, float]] = defaultdict(dict)
        for (quarter, direction), scores in sorted(self._answers.items()):
            score = 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)
            nps[quarter][direction] = round(score, 1)
        mqls, won = self._mqls, self._won
        return {
            "forecast_closed_quarter": {rep: {"commit": c, "won": won.get(rep, 0.0)}
                                        for rep, (_, c) in sorted(self._commits.items())},
            "nps_by_quarter": dict(nps),
            "capacity_notice_days_ahead": self._notices,
            "mqls_missing_title_by_campaign": dict(self._missing_title.most_common()),
            "mqls_vs_target_by_month": {m: [mqls.get(m, 0), n]
                                        for m, n in sorted(self._targets.items())},
        }  # fmt: skip
