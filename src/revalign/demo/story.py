"""The planted story, measured from raw ledger events (no metrics layer needed).

`story(events, contract)` returns the figures docs/demo.md tells users to look for:
MQLs and won revenue per channel, win rate per channel, SAL rejection rate per campaign,
first-contact SLA misses per rep, and pipeline coverage at the end of the period. Only events
of `STORY_TYPES` count, so a reader may hand over just those (a quarter of the ledger: no
touches, no scores).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from revalign.contract.schema import Contract
from revalign.core.events import Event, EventType
from revalign.demo import company as co
from revalign.demo.story_promises import Promises


@dataclass(frozen=True)
class Story:
    mqls_by_channel: dict[str, int]
    won_by_channel: dict[str, Decimal]
    win_rate_by_channel: dict[str, float]  # won / closed opportunities
    leads_by_channel: dict[str, int]
    rejection_rate_by_campaign: dict[str, float]  # rejected / reviewed MQLs
    rejection_reasons: dict[str, dict[str, int]]  # campaign -> reason -> count
    first_contact_misses_by_rep: dict[str, int]
    open_pipeline: Decimal
    remaining_target: Decimal
    coverage: float
    # f-j (story_promises.py): rep -> {commit, won} in the closed quarter; quarter ->
    # direction -> NPS; rep -> days between a capacity notice and its start; campaign ->
    # MQLs without a title; month -> [MQLs, target]
    forecast_closed_quarter: dict[str, dict[str, float]] = field(default_factory=dict)
    nps_by_quarter: dict[str, dict[str, float]] = field(default_factory=dict)
    capacity_notice_days_ahead: dict[str, int] = field(default_factory=dict)
    mqls_missing_title_by_campaign: dict[str, int] = field(default_factory=dict)
    mqls_vs_target_by_month: dict[str, list[int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


def _quarter(contract: Contract) -> str:
    end = co.PERIOD_END
    return f"{end.year}Q{(end.month - 1) // 3 + 1}"


# What the story and its promises read; every other event type is skipped.
STORY_TYPES = frozenset({
    EventType.LEAD_CAPTURED, EventType.MQL_REACHED, EventType.SAL_ACCEPTED,
    EventType.SAL_REJECTED, EventType.OPPORTUNITY_CREATED, EventType.OPPORTUNITY_WON,
    EventType.OPPORTUNITY_LOST, EventType.SLA_CLOCK_STARTED, EventType.SLA_CLOCK_STOPPED,
    EventType.SLA_BREACHED, EventType.FORECAST_SUBMITTED, EventType.SURVEY_RESPONSE,
    EventType.CAPACITY_NOTICE, EventType.TARGET_SET,
})  # fmt: skip


def story(
    read: Callable[[], Iterable[Event]], contract: Contract, refused: Collection[str] | None = None
) -> Story:
    """`read()` gives the ledger's events in order (those of STORY_TYPES are enough). It is
    called once when `refused` (the refused event ids, e.g. `FunnelState.refused`) is given,
    else twice: the `engine.rejected` events first."""
    channel_of: dict[str, str] = {}
    campaign_of: dict[str, str] = {}
    opp_lead: dict[str, str] = {}
    opp_amount: dict[str, Decimal] = {}
    closed: dict[str, bool] = {}
    won_at_quarter = Decimal(0)
    mqls: Counter[str] = Counter()
    reviewed: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    clock_owner: dict[str, str] = {}  # first-contact clocks only
    missed: set[str] = set()
    if refused is None:
        refused = {e.payload["rejected_id"] for e in read() if e.type is EventType.EVENT_REJECTED}
    quarter = _quarter(contract)
    promised = Promises()
    for e in read():
        if e.type not in STORY_TYPES or (refused and e.id in refused):
            continue
        promised.add(e)
        p, lead = e.payload, e.lead_id or ""
        if e.type is EventType.LEAD_CAPTURED:
            channel_of[lead] = p.get("source") or "unknown"
            campaign_of[lead] = p.get("campaign") or "unknown"
        elif e.type is EventType.MQL_REACHED:
            mqls[channel_of.get(lead, "unknown")] += 1
        elif e.type in (EventType.SAL_ACCEPTED, EventType.SAL_REJECTED):
            campaign = campaign_of.get(lead, "unknown")
            reviewed[campaign] += 1
            if e.type is EventType.SAL_REJECTED:
                rejected[campaign] += 1
                reasons[campaign][str(p["reason"])] += 1
        elif e.type is EventType.OPPORTUNITY_CREATED and e.opportunity_id:
            opp_lead[e.opportunity_id] = lead
            opp_amount[e.opportunity_id] = Decimal(str(p["amount"]))
        elif e.type in (EventType.OPPORTUNITY_WON, EventType.OPPORTUNITY_LOST):
            won = e.type is EventType.OPPORTUNITY_WON
            closed[e.opportunity_id or ""] = won
            at = e.occurred_at
            if won and f"{at.year}Q{(at.month - 1) // 3 + 1}" == quarter:
                won_at_quarter += Decimal(str(p["amount"]))
        elif str(p.get("sla", "")).startswith("first_contact"):
            clock = str(p.get("clock_id"))
            if e.type is EventType.SLA_CLOCK_STARTED:
                clock_owner[clock] = str(p.get("owner"))
            elif e.type is EventType.SLA_BREACHED or (
                e.type is EventType.SLA_CLOCK_STOPPED and p.get("met") is False
            ):
                missed.add(clock)
    misses = Counter(clock_owner.get(c, "unknown") for c in missed)
    won_by: dict[str, Decimal] = defaultdict(Decimal)
    closed_by: Counter[str] = Counter()
    wins_by: Counter[str] = Counter()
    for opp, won in closed.items():
        channel = channel_of.get(opp_lead.get(opp, ""), "unknown")
        closed_by[channel] += 1
        if won:
            wins_by[channel] += 1
            won_by[channel] += opp_amount.get(opp, Decimal(0))
    pipeline = sum((a for o, a in opp_amount.items() if o not in closed), Decimal(0))
    target = contract.targets.revenue_per_quarter.get(quarter, Decimal(0))
    remaining = max(Decimal(0), target - won_at_quarter)
    return Story(
        mqls_by_channel=dict(mqls.most_common()),
        won_by_channel=dict(sorted(won_by.items(), key=lambda kv: -kv[1])),
        win_rate_by_channel={c: round(wins_by[c] / n, 3) for c, n in closed_by.items()},
        leads_by_channel=dict(Counter(channel_of.values()).most_common()),
        rejection_rate_by_campaign={c: round(rejected[c] / n, 3) for c, n in reviewed.items()},
        rejection_reasons={c: dict(r.most_common()) for c, r in reasons.items()},
        first_contact_misses_by_rep=dict(misses.most_common()),
        open_pipeline=pipeline,
        remaining_target=remaining,
        coverage=round(float(pipeline / remaining), 2) if remaining else float("inf"),
        **promised.result(),
    )
