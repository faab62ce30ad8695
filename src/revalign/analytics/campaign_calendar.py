"""The campaign calendar: runs with expected lead volume, and a weekly capacity check.

A run comes from `campaign.scheduled` events (`revalign ingest FILE --kind campaigns`; the
latest plan of a campaign wins) or from a contract campaign with `start` and `end`
(expected = `expected_leads_per_month` spread over its days). The check spreads each run's
expected leads evenly over its days, turns them into the MQLs that reach sales with the
channel's measured lead→MQL share, and compares each ISO week's load with the routed team's
intake: Σ rep capacity in force that Monday (capacity notices applied) × 7 ÷ the
disposition SLA's days, since a lead holds a slot that long.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from revalign.analytics.planning.capacity import DAYS_PER_MONTH, Windows
from revalign.contract.schema import Contract
from revalign.core.events import Event, EventType

ALL_SALES = "(all sales teams)"  # a run whose team is unknown is checked against them all


@dataclass(frozen=True)
class CampaignRun:
    campaign: str
    name: str
    channel: str
    start: date
    end: date
    expected_leads: float  # over the whole run
    team: str | None
    notes: str | None
    source: str  # "calendar" (ingested) or "contract"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def expected_between(self, first: date, last: date) -> float:
        """Expected leads of the run's days within [first, last]."""
        lo, hi = max(first, self.start), min(last, self.end)
        overlap = (hi - lo).days + 1
        return self.expected_leads * overlap / self.days if overlap > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign, "name": self.name, "channel": self.channel,
            "start": self.start.isoformat(), "end": self.end.isoformat(),
            "expected_leads": round(self.expected_leads, 1), "team": self.team,
            "notes": self.notes, "source": self.source,
        }  # fmt: skip


def campaign_runs(contract: Contract, events: Iterable[Event] = ()) -> list[CampaignRun]:
    """Every planned run, by start then campaign; an ingested plan replaces the contract's."""
    runs: dict[str, CampaignRun] = {}
    for c in contract.campaigns:
        if c.start is None or c.end is None:
            continue
        days = (c.end - c.start).days + 1
        runs[c.id] = CampaignRun(c.id, c.name, c.channel, c.start, c.end,
                                 c.expected_leads_per_month * days / DAYS_PER_MONTH, c.team,
                                 c.notes, "contract")  # fmt: skip
    latest: dict[str, Event] = {}
    for e in events:
        if e.type is not EventType.CAMPAIGN_SCHEDULED:
            continue
        key = str(e.payload["campaign"])
        if key not in latest or e.occurred_at >= latest[key].occurred_at:
            latest[key] = e
    for key, e in latest.items():
        p = e.payload
        runs[key] = CampaignRun(
            key, str(p.get("name") or key), str(p["channel"]), date.fromisoformat(p["start"]),
            date.fromisoformat(p["end"]), float(p["expected_leads"]), p.get("team"),
            p.get("notes"), "calendar",
        )  # fmt: skip
    return sorted(runs.values(), key=lambda r: (r.start, r.campaign))


def routed_team(run: CampaignRun, contract: Contract) -> str | None:
    """The run's team, else the first routing rule that names its campaign or channel."""
    if run.team:
        return run.team
    for rule in contract.routing.rules:
        w = rule.when
        if rule.team and (
            (w.campaign_in and run.campaign in w.campaign_in)
            or (w.source_in and run.channel in w.source_in)
        ):
            return rule.team
    return None


def mql_share_by_channel(leads: pd.DataFrame) -> dict[str, float]:
    """Per channel, the share of its leads that reached MQL (the leads that go to sales)."""
    if leads.empty:
        return {}
    reached = leads.assign(mql=leads["mql_at"].notna()).groupby("channel")["mql"].mean()
    return {str(k): float(v) for k, v in reached.items()}


@dataclass(frozen=True)
class WeekLoad:
    week: str
    monday: date
    team: str
    campaigns: tuple[str, ...]
    expected_leads: float
    expected_mqls: float
    intake: float  # MQLs a week the team can take on
    over: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "week": self.week, "monday": self.monday.isoformat(), "team": self.team,
            "campaigns": list(self.campaigns), "expected_leads": round(self.expected_leads, 1),
            "expected_mqls": round(self.expected_mqls, 1), "intake": round(self.intake, 1),
            "over_capacity": self.over,
        }  # fmt: skip


def _slots(contract: Contract, team_id: str, windows: Windows, day: date) -> float:
    total = 0
    for t in contract.teams:
        if t.side != "sales" or (team_id != ALL_SALES and t.id != team_id):
            continue
        for r in t.reps:
            capacity = r.capacity
            for key in (r.id, f"team:{t.id}"):
                found = [w for w in windows.get(key, ()) if w.start <= day
                         and (w.end is None or day <= w.end)]  # fmt: skip
                if found:
                    capacity = found[-1].capacity
                    break
            total += max(capacity, 0)
    return float(total)


def weekly_load(
    runs: Iterable[CampaignRun],
    contract: Contract,
    mql_share: Mapping[str, float],
    windows: Windows | None = None,
    span: tuple[date, date] | None = None,
) -> list[WeekLoad]:
    """Expected load per ISO week and routed team against its intake (within `span`)."""
    days = contract.slas.disposition_days
    by_week: dict[tuple[date, str], list[tuple[CampaignRun, float]]] = {}
    for run in runs:
        first = run.start if span is None else max(run.start, span[0])
        last = run.end if span is None else min(run.end, span[1])
        team = routed_team(run, contract) or ALL_SALES
        monday = first - timedelta(days=first.weekday())
        while monday <= last:
            leads = run.expected_between(monday, monday + timedelta(days=6))
            if leads > 0:
                by_week.setdefault((monday, team), []).append((run, leads))
            monday += timedelta(days=7)
    out = []
    for (monday, team), items in sorted(by_week.items()):
        leads = sum(n for _, n in items)
        mqls = sum(n * mql_share.get(r.channel, 1.0) for r, n in items)
        intake = _slots(contract, team, windows or {}, monday) * 7 / days
        year, week, _ = monday.isocalendar()
        out.append(WeekLoad(f"{year}-W{week:02d}", monday, team,
                            tuple(sorted({r.campaign for r, _ in items})), leads, mqls, intake,
                            mqls > intake))  # fmt: skip
    return out


def capacity_warnings(loads: Iterable[WeekLoad]) -> list[str]:
    """One line per week and team whose expected MQLs exceed what the team can take on."""
    return [
        f"{w.week}: {', '.join(w.campaigns)} expected to bring {w.expected_mqls:.0f} MQLs to "
        f"{w.team}, which can take on {w.intake:.0f} a week"
        for w in loads
        if w.over
    ]
