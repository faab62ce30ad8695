"""The promises around the funnel: MQL targets, capacity notices, forecasts and surveys.

* `plan_events`: monthly MQL targets (target.set) for the period, scaled to the company's
  size; September (the product launch) asks for far more than marketing delivers.
* `capacity_events`: two capacity notices (capacity.notice): putri's year-end leave, given
  41 days ahead, and jake's cut from 60 to 25 open leads, given only 7 days ahead (late:
  the contract asks for 30).
* `write_forecasts`: every Monday of Q3 and Q4 each quota-carrying rep submits a commit and
  a best case for the quarter; putri's commits are about 2.5x what she closes.
* `write_surveys`: a cross-team survey at the end of Q3 and in mid-November; sales rates
  marketing low (the MQLs are not worth working), and lower in Q4.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from revalign.contract.schema import Contract
from revalign.core.events import Event, EventType
from revalign.core.payloads import validate_payload
from revalign.core.periods import quarter_of
from revalign.core.state import FunnelState
from revalign.demo import company as co
from revalign.demo.files import CsvFiles

SOURCE = "demo:plan"
OVER_FORECASTER = "putri"
_OVER_FACTOR = 2.5
# MQLs per month at the default 2,000 leads; 2026-09 is the launch month marketing misses.
MQL_TARGETS = {"2026-06": 50, "2026-07": 105, "2026-08": 120, "2026-09": 200,
               "2026-10": 130, "2026-11": 135}  # fmt: skip
LATE_NOTICE = ("jake", datetime(2026, 11, 16, 9, tzinfo=UTC), date(2026, 11, 23), 25)
EARLY_NOTICE = ("putri", datetime(2026, 11, 10, 9, tzinfo=UTC), date(2026, 12, 21), 0)
FORECAST_COLUMNS = ("period", "by", "commit", "best_case", "currency", "submitted_at")
SURVEY_COLUMNS = ("respondent", "team", "about", "score", "asked_at", "comment")
# (asked at, sales' scores of marketing, marketing's scores of sales)
_SURVEYS = (
    (datetime(2026, 9, 28, 3, tzinfo=UTC), (3, 5, 6, 7, 8, 9, 6, 4, 8), (9, 8, 9, 7)),
    (datetime(2026, 11, 16, 3, tzinfo=UTC), (2, 4, 3, 6, 5, 7, 3, 2, 6), (8, 9, 7, 6)),
)
_MARKETING_PEOPLE = ("rina", "dewi", "arief", "intan")
_COMMENTS = {"sales": ("half the MQLs are students", "no titles on the event leads",
                       "review-site leads are too small", "good webinar leads"),
             "marketing": ("hot leads wait days for a call", "feedback is late",
                           "great partner follow-up")}  # fmt: skip


def _event(type: EventType, key: str, at: datetime, payload: dict[str, object]) -> Event:
    return Event(type=type, source=SOURCE, source_id=key, occurred_at=at,
                 payload=validate_payload(type, payload))  # fmt: skip


def plan_events(scale: float) -> list[Event]:
    """The monthly MQL targets, set on the first day of the period."""
    at = co.PERIOD_START
    return [
        _event(EventType.TARGET_SET, f"target:mqls:{month}", at,
               {"metric": "mqls", "period": month, "amount": str(round(n * scale))})
        for month, n in MQL_TARGETS.items()
    ]  # fmt: skip


def capacity_events(contract: Contract) -> list[Event]:
    """One notice given well ahead and one given late (see the module docstring)."""
    out = []
    for rep, given, start, capacity in (EARLY_NOTICE, LATE_NOTICE):
        team = contract.rep(rep)[0].id
        end = start + timedelta(days=13 if rep == "putri" else 20)
        reason = "year-end leave" if rep == "putri" else "onboarding two new hires"
        payload = {
            "team": team,
            "rep": rep,
            "effective_from": start.isoformat(),
            "effective_to": end.isoformat(),
            "capacity": capacity,
            "reason": reason,
        }
        out.append(_event(EventType.CAPACITY_NOTICE, f"capacity:{rep}:{start}", given, payload))
    return out  # fmt: skip


def _mondays() -> Iterator[datetime]:
    day = datetime(2026, 7, 6, 2, tzinfo=UTC)  # the first Monday of Q3, 09:00 Jakarta
    while day <= co.PERIOD_END:
        yield day
        day += timedelta(days=7)


def _bases(state: FunnelState, reps: list[str]) -> dict[tuple[str, str], float]:
    """(rep, quarter) -> what the rep will close: won, plus a third of the open pipeline."""
    base: dict[tuple[str, str], float] = defaultdict(float)
    for o in state.opportunities.values():
        if o.owner not in reps:
            continue
        if o.won and o.closed_at is not None:
            base[(o.owner, quarter_of(o.closed_at))] += float(o.amount)
        elif o.closed_at is None and o.expected_close is not None:
            at = datetime(o.expected_close.year, o.expected_close.month, 1, tzinfo=UTC)
            base[(o.owner, quarter_of(max(at, co.PERIOD_END)))] += float(o.amount) / 3
    return base


_SUBMIT_AFTER = timedelta(hours=16)


def write_forecasts(folder: Path, seed: int, state: FunnelState, contract: Contract) -> Path:
    """forecasts.csv: weekly commits and best cases per rep (see the module docstring)."""
    reps = sorted(r.id for t in contract.teams if t.side == "sales" for r in t.reps
                  if r.role == "rep")  # fmt: skip
    base = _bases(state, reps)
    with CsvFiles(folder, {"forecasts": FORECAST_COLUMNS}) as files:
        for rep in reps:
            rng = random.Random(f"{seed}:forecast:{rep}")
            habit = _OVER_FACTOR if rep == OVER_FORECASTER else rng.uniform(0.85, 1.05)
            for week, monday in enumerate(_mondays()):
                quarter = quarter_of(monday)
                spread = 0.05 + 0.2 * (1 - (week % 13) / 13)  # wider early in the quarter
                commit = base[(rep, quarter)] * habit * rng.uniform(1 - spread, 1 + spread)
                commit = round(commit / 500) * 500
                files.write("forecasts", {
                    "period": quarter, "by": rep, "commit": f"{commit}.00",
                    "best_case": f"{round(commit * 1.35 / 500) * 500}.00",
                    "currency": contract.currency,
                    # 16:00 UTC is Monday in every rep's zone (Jakarta to Los Angeles), so
                    # each forecast lands in its own ISO week for the forecast_submission clock
                    "submitted_at": (monday + _SUBMIT_AFTER).isoformat().replace("+00:00", "Z"),
                })  # fmt: skip
        return files.paths["forecasts"]


def write_surveys(folder: Path, seed: int, contract: Contract) -> Path:
    """surveys.csv: two rounds of the cross-team survey."""
    sales = sorted(r.id for t in contract.teams if t.side == "sales" for r in t.reps)
    rng = random.Random(f"{seed}:surveys")
    with CsvFiles(folder, {"surveys": SURVEY_COLUMNS}) as files:
        for asked, of_marketing, of_sales in _SURVEYS:
            rounds = (("sales", "marketing", sales, of_marketing),
                      ("marketing", "sales", list(_MARKETING_PEOPLE), of_sales))  # fmt: skip
            for team, about, people, scores in rounds:
                for person, score in zip(people, scores, strict=False):
                    comment = rng.choice(_COMMENTS[team]) if rng.random() < 0.4 else ""
                    at = asked + timedelta(minutes=rng.randrange(0, 600))
                    files.write("surveys", {
                        "respondent": person, "team": team, "about": about,
                        "score": str(score), "asked_at": at.isoformat().replace("+00:00", "Z"),
                        "comment": comment,
                    })  # fmt: skip
        return files.paths["surveys"]
