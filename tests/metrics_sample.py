"""A tiny funnel with hand-computed answers (docs/metrics.md walks through them).

Nine leads in Oct-Nov 2026, four opportunities, costs, clocks, a forecast and surveys.
`SAMPLE_AS_OF` is the moment the expected values hold at.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from revalign.core.events import SOURCE_ENGINE, Event, EventType
from revalign.core.lifecycle import DERIVED_ONLY

SAMPLE_AS_OF = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class _Script:
    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, type: EventType, at: str, lead: str | None = None, opp: str | None = None,
            **payload: Any) -> None:  # fmt: skip
        n = len(self.events)
        # clocks and breaches are the engine's to derive: from any other source they'd be refused
        source = SOURCE_ENGINE if type in DERIVED_ONLY else "sample"
        self.events.append(Event(type=type, source=source, source_id=f"e{n}",
                                 occurred_at=_at(at), lead_id=lead, opportunity_id=opp,
                                 payload=payload, seq=n + 1))  # fmt: skip

    def lead(self, lead: str, at: str, source: str, employees: int | None = None,
             campaign: str | None = None) -> None:  # fmt: skip
        extra: dict[str, Any] = {"employees": employees} if employees is not None else {}
        self.add(EventType.LEAD_CAPTURED, at, lead, email=f"{lead}@example.com", source=source,
                 campaign=campaign, country="ID", **extra)  # fmt: skip

    def clock(self, cid: str, lead: str | None, sla: str, side: str, owner: str, start: str,
              due: str, stop: str | None = None, met: bool = True, hours: float = 0.0,
              breach: bool = False) -> None:  # fmt: skip
        self.add(EventType.SLA_CLOCK_STARTED, start, lead, clock_id=cid, sla=sla, owner=owner,
                 owner_side=side, due_at=_at(due).isoformat())  # fmt: skip
        if breach:
            self.add(EventType.SLA_BREACHED, due, lead, clock_id=cid, sla=sla, owner=owner,
                     owner_side=side, due_at=_at(due).isoformat())  # fmt: skip
        if stop is not None:
            self.add(EventType.SLA_CLOCK_STOPPED, stop, lead, clock_id=cid, sla=sla, met=met,
                     elapsed_business_hours=hours)  # fmt: skip


def sample_events() -> list[Event]:
    """The events of the sample funnel, in ledger order."""
    s, E = _Script(), EventType
    s.add(E.TARGET_SET, "2026-09-30T00:00", metric="revenue", period="2026Q4", amount="50000")
    s.add(E.TARGET_SET, "2026-09-30T00:00", metric="mqls", period="2026-10", amount="10")
    s.add(E.TARGET_SET, "2026-09-30T00:00", metric="mqls", period="2026-11", amount="10")
    # L1: paid search, high intent, won 12000 after a webinar touch
    s.lead("L1", "2026-10-01T09:00", "paid_search", 120, "search-brand")
    s.clock("R1", "L1", "route", "marketing", "system", "2026-10-02T09:00", "2026-10-02T09:05",
            stop="2026-10-02T09:04", hours=0.07)  # fmt: skip
    s.add(E.MQL_REACHED, "2026-10-02T09:00", "L1", score=80, threshold=60, high_intent=True)
    s.add(E.LEAD_ASSIGNED, "2026-10-02T09:04", "L1", owner="budi", team="sdr-apac")
    s.add(E.SAL_ACCEPTED, "2026-10-02T10:00", "L1", by="maya")
    s.clock("F1", "L1", "first_contact_high_intent", "sales", "budi", "2026-10-02T10:00",
            "2026-10-02T14:00", stop="2026-10-02T12:00", hours=2.0)  # fmt: skip
    s.add(E.REP_TOUCH, "2026-10-02T12:00", "L1", kind="call", by="budi")
    s.add(E.MARKETING_TOUCH, "2026-10-03T08:00", "L1", kind="webinar", channel="webinar")
    s.add(E.SQL_QUALIFIED, "2026-10-05T09:00", "L1", by="budi", framework="bant", fields={})
    s.add(E.OPPORTUNITY_CREATED, "2026-10-06T09:00", "L1", "O1", amount="10000", currency="USD")
    s.add(E.OPPORTUNITY_WON, "2026-10-20T09:00", "L1", "O1", amount="12000", currency="USD")
    # L2: webinar, small company, won 5000 with no marketing touch; contacted without a clock
    s.lead("L2", "2026-10-01T10:00", "webinar", 30, "webinar-series")
    s.add(E.MQL_REACHED, "2026-10-03T09:00", "L2", score=65, threshold=60)
    s.add(E.LEAD_ASSIGNED, "2026-10-03T09:01", "L2", owner="putri", team="sdr-apac")
    s.add(E.SAL_ACCEPTED, "2026-10-03T10:00", "L2", by="maya")
    s.add(E.REP_TOUCH, "2026-10-04T10:00", "L2", kind="email", by="putri")
    s.add(E.SQL_QUALIFIED, "2026-10-10T09:00", "L2", by="putri", framework="bant", fields={})
    s.add(E.OPPORTUNITY_CREATED, "2026-10-11T09:00", "L2", "O2", amount="5000", currency="USD")
    s.add(E.OPPORTUNITY_WON, "2026-10-31T09:00", "L2", "O2", amount="5000", currency="USD")
    # L3: outbound, big company, first contact breached, open opportunity of 20000
    s.lead("L3", "2026-10-02T09:00", "outbound", 800, "outbound-abm")
    s.add(E.MQL_REACHED, "2026-10-05T09:00", "L3", score=70, threshold=60, high_intent=True)
    s.add(E.LEAD_ASSIGNED, "2026-10-05T09:02", "L3", owner="jake", team="sdr-amer")
    s.add(E.SAL_ACCEPTED, "2026-10-05T10:00", "L3", by="grace")
    s.clock("F3", "L3", "first_contact_high_intent", "sales", "jake", "2026-10-05T10:00",
            "2026-10-05T14:00", stop="2026-10-05T16:00", met=False, hours=6.0,
            breach=True)  # fmt: skip
    s.add(E.REP_TOUCH, "2026-10-05T16:00", "L3", kind="call", by="jake")
    s.add(E.SQL_QUALIFIED, "2026-10-12T09:00", "L3", by="jake", framework="bant", fields={})
    s.add(E.OPPORTUNITY_CREATED, "2026-10-13T09:00", "L3", "O3", amount="20000", currency="USD")
    s.add(E.MARKETING_TOUCH, "2026-10-14T09:00", "L3", kind="page_view", channel="organic")
    # L4: paid social, no size, rejected then recycled (aging 31+)
    s.lead("L4", "2026-10-03T09:00", "paid_social", None, "paid-social-q4")
    s.clock("R4", "L4", "route", "marketing", "system", "2026-10-06T09:00", "2026-10-06T09:05",
            breach=True)  # fmt: skip
    s.add(E.MQL_REACHED, "2026-10-06T09:00", "L4", score=61, threshold=60)
    s.add(E.SAL_REJECTED, "2026-10-06T11:00", "L4", by="maya", reason="wrong_size")
    s.add(E.RECYCLED, "2026-10-07T09:00", "L4", by="rina", reason="wrong_timing")
    # L5: paid social, rejected as a duplicate
    s.lead("L5", "2026-10-04T09:00", "paid_social", 200, "paid-social-q4")
    s.add(E.MQL_REACHED, "2026-11-02T09:00", "L5", score=62, threshold=60)
    s.add(E.SAL_REJECTED, "2026-11-02T11:00", "L5", by="maya", reason="duplicate")
    # L6: organic, accepted, contacted on the clock, waiting at SAL (aging 15-30)
    s.lead("L6", "2026-11-01T09:00", "organic", 60, "seo-content")
    s.add(E.MQL_REACHED, "2026-11-03T09:00", "L6", score=66, threshold=60)
    s.add(E.LEAD_ASSIGNED, "2026-11-03T09:01", "L6", owner="wei", team="sdr-apac")
    s.add(E.SAL_ACCEPTED, "2026-11-03T10:00", "L6", by="maya")
    s.clock("F6", "L6", "first_contact_standard", "sales", "wei", "2026-11-03T10:00",
            "2026-11-06T10:00", stop="2026-11-04T10:00", hours=8.0)  # fmt: skip
    s.add(E.REP_TOUCH, "2026-11-04T10:00", "L6", kind="linkedin", by="wei")
    # L7: a fresh lead (aging 0-7); L8: an MQL waiting for review (aging 8-14)
    s.lead("L7", "2026-11-25T09:00", "organic", 10)
    s.lead("L8", "2026-11-05T09:00", "partner", 300, "partner-referral")
    s.add(E.MQL_REACHED, "2026-11-20T09:00", "L8", score=60, threshold=60)
    s.clock("R8", "L8", "route", "marketing", "system", "2026-11-20T09:00", "2026-11-20T09:05")
    # L9: email, accepted and qualified, opportunity lost
    s.lead("L9", "2026-10-05T09:00", "email", 100, "email-nurture")
    s.add(E.MQL_REACHED, "2026-10-06T09:00", "L9", score=64, threshold=60)
    s.add(E.SAL_ACCEPTED, "2026-10-06T10:00", "L9", by="maya")
    s.add(E.SQL_QUALIFIED, "2026-10-08T09:00", "L9", by="budi", framework="bant", fields={})
    s.add(E.OPPORTUNITY_CREATED, "2026-10-09T09:00", "L9", "O4", amount="7000", currency="USD")
    s.add(E.OPPORTUNITY_LOST, "2026-10-30T09:00", "L9", "O4", currency="USD", reason="no_budget")
    # costs, forecasts, surveys
    for campaign, channel, amount in (("search-brand", "paid_search", "3000"),
                                      ("webinar-series", "webinar", "1000"),
                                      ("paid-social-q4", "paid_social", "2000")):  # fmt: skip
        s.add(E.CAMPAIGN_COST, "2026-11-01T00:00", campaign=campaign, channel=channel,
              amount=amount, currency="USD", period_start="2026-10-01",
              period_end="2026-10-31")  # fmt: skip
    s.add(E.FORECAST_SUBMITTED, "2026-10-01T00:00", period="2026-10", amount="15000",
          currency="USD", by="grace", category="commit")  # fmt: skip
    s.add(E.FORECAST_SUBMITTED, "2026-10-01T00:00", period="2026Q4", amount="60000",
          currency="USD", by="grace", category="commit")  # fmt: skip
    answers = [("sales", "marketing", 9), ("sales", "marketing", 10), ("sales", "marketing", 6),
               ("marketing", "sales", 8), ("marketing", "sales", 3),
               ("marketing", "marketing", 10)]  # fmt: skip
    for team, about, score in answers:
        s.add(E.SURVEY_RESPONSE, "2026-11-15T00:00", team=team, about=about, score=score)
    return s.events


# The hand-computed answers at SAMPLE_AS_OF (see docs/metrics.md, "Worked example").
EXPECTED: dict[str, Any] = {
    "leads": 9, "mqls": 8, "sals": 5, "sqls": 4, "opportunities": 4, "won_deals": 2,
    "won_revenue": 17000.0, "pipeline_value": 20000.0,
    "pipeline_coverage": 0.61,  # 20000 / (50000 - 17000)
    "mql_to_sql_rate": 0.5, "mql_to_won_rate": 0.25,
    "sal_acceptance_rate": 0.7143,  # 5 / (5 + 2)
    "time_to_first_contact_median_hours": 7.0,  # [2, 6, 8, 24 (wall)]
    "time_to_first_contact_p90_hours": 19.2,
    "lead_to_opportunity_rate": 0.4444,
    "marketing_sourced_revenue": 17000.0, "marketing_influenced_revenue": 12000.0,
    "cost_per_sql": 1500.0, "cac": 3000.0, "win_rate": 0.6667,
    "sales_cycle_median_days": 17.0,  # 14 and 20
    "forecast_accuracy": 0.8824, "forecast_bias": -0.1176,  # 15000 vs 17000 in 2026-10
    "sla_compliance": 0.6, "sla_compliance_sales": 0.6667, "sla_compliance_marketing": 0.5,
    # sales of marketing 33.33 (9, 10, 6), marketing of sales -50 (8, 3): mean -8.33
    "cross_team_nps": -8.33, "mql_target_attainment": 0.4,
    # 100 * (0.4 * 0.58333 + 0.3 * 0.8 + 0.15 * (0.60606 / 3) + 0.15 * 0.45833)
    "alignment_score": 57.24,
    "lead_aging_0_7": 1, "lead_aging_8_14": 1, "lead_aging_15_30": 1, "lead_aging_31_plus": 1,
}  # fmt: skip
