"""The planted promises of the demo, measured from raw ledger events (docs/demo.md f-j):
forecasts against what each rep won, cross-team NPS, capacity notices and how far ahead
they came, MQLs without a title per campaign, and MQLs per month against the target."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from revalign.core.events import Event, EventType
from revalign.core.periods import period_bounds, quarter_of

CLOSED_QUARTER = "2026Q3"  # the demo's one whole quarter


def promises(events: Iterable[Event], refused: set[str]) -> dict[str, Any]:
    """Story fields f-j (see `Story`), from the ledger's events in order."""
    start, end = period_bounds(CLOSED_QUARTER) or (None, None)
    owner: dict[str, str] = {}
    won: dict[str, float] = defaultdict(float)
    commits: dict[str, tuple[Any, float]] = {}  # rep -> (submitted_at, amount), latest
    answers: dict[tuple[str, str], list[int]] = defaultdict(list)
    notices: dict[str, int] = {}
    untitled: set[str] = set()
    campaign: dict[str, str] = {}
    missing_title: Counter[str] = Counter()
    mqls: Counter[str] = Counter()
    targets: dict[str, int] = {}
    for e in events:
        if e.id in refused:
            continue
        p, t = e.payload, e.type
        if t is EventType.LEAD_CAPTURED:
            campaign[e.lead_id or ""] = str(p.get("campaign") or "unknown")
            if not p.get("title"):
                untitled.add(e.lead_id or "")
        elif t is EventType.MQL_REACHED:
            mqls[e.occurred_at.strftime("%Y-%m")] += 1
            if e.lead_id in untitled:
                missing_title[campaign.get(e.lead_id or "", "unknown")] += 1
        elif t is EventType.OPPORTUNITY_CREATED and p.get("owner"):
            owner[e.opportunity_id or ""] = str(p["owner"])
        elif t is EventType.OPPORTUNITY_WON and start and end and start <= e.occurred_at < end:
            won[owner.get(e.opportunity_id or "", "unknown")] += float(p["amount"])
        elif t is EventType.FORECAST_SUBMITTED and p["period"] == CLOSED_QUARTER:
            if p["category"] == "commit" and end and e.occurred_at < end:
                last = commits.get(p["by"])
                if last is None or last[0] <= e.occurred_at:
                    commits[p["by"]] = (e.occurred_at, float(p["amount"]))
        elif t is EventType.SURVEY_RESPONSE and p["team"] != p["about"]:
            answers[(quarter_of(e.occurred_at), f"{p['team']}_of_{p['about']}")].append(p["score"])
        elif t is EventType.CAPACITY_NOTICE:
            ahead = date.fromisoformat(p["effective_from"]) - e.occurred_at.date()
            notices[str(p.get("rep") or p["team"])] = ahead.days
        elif t is EventType.TARGET_SET and p["metric"] == "mqls":
            targets[p["period"]] = round(float(p["amount"]))
    nps: dict[str, dict[str, float]] = defaultdict(dict)
    for (quarter, direction), scores in sorted(answers.items()):
        score = 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)
        nps[quarter][direction] = round(score, 1)
    return {
        "forecast_closed_quarter": {rep: {"commit": c, "won": won.get(rep, 0.0)}
                                    for rep, (_, c) in sorted(commits.items())},
        "nps_by_quarter": dict(nps),
        "capacity_notice_days_ahead": notices,
        "mqls_missing_title_by_campaign": dict(missing_title.most_common()),
        "mqls_vs_target_by_month": {m: [mqls.get(m, 0), n] for m, n in sorted(targets.items())},
    }  # fmt: skip
