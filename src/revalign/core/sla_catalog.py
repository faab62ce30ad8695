"""Every SLA of the revenue contract, declared once: who owes it, what starts and stops it.

The core reads this list instead of matching clock names: `decide` stops the clocks whose
`stops_on` holds the event's type, `elapsed_hours` measures in the SLA's `calendar`, and
`tick` evaluates the period promises (`kind` "period") at their period's end.

kinds: "clock" runs from a lead event until a stop event or its due time; "check" is
judged at the instant of its cause (met or missed at once); "period" is one clock per
month or week, opened and judged by `tick`.
calendars: "wall" (elapsed wall-clock time), "owner" (the owning rep's business hours),
"team" (the owning team's business hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from revalign.contract.schema import Contract
from revalign.core.events import EventType as T

Kind = Literal["clock", "check", "period"]
CalendarKind = Literal["wall", "owner", "team"]

# A lead leaving the funnel's working stages ends every clock it has.
_LEAD_ENDS = frozenset(
    {T.SAL_REJECTED, T.DISQUALIFIED, T.RECYCLED, T.OPPORTUNITY_WON, T.OPPORTUNITY_LOST}
)


@dataclass(frozen=True, slots=True)
class SlaSpec:
    """One promise: its name, the side and owner that keep it, its start, stops and target."""

    name: str
    side: Literal["sales", "marketing"]
    owner: str  # who owes it: "system", "team manager", "lead owner", "marketing", "rep"
    kind: Kind
    calendar: CalendarKind
    starts_on: str  # what opens the clock (documentation and reports)
    stops_on: frozenset[T]
    target: str  # the contract field its target comes from, e.g. "slas.route_minutes"
    promise: str

    def target_value(self, contract: Contract) -> object:
        """The contract's target for this SLA (for reports and docs)."""
        value: object = contract
        for part in self.target.split("."):
            value = getattr(value, part)
        return value


SLAS: tuple[SlaSpec, ...] = (
    SlaSpec("route", "marketing", "system", "clock", "wall", "stage.mql",
            frozenset(), "slas.route_minutes",
            "route every MQL to the right rep within `route_minutes` minutes"),
    SlaSpec("sal_review", "sales", "team manager", "clock", "team", "lead.assigned",
            frozenset({T.SAL_ACCEPTED}) | _LEAD_ENDS, "slas.sal_review_hours",
            "accept or reject an MQL within `sal_review_hours` business hours of the team"),
    SlaSpec("first_contact_high_intent", "sales", "lead owner", "clock", "owner",
            "stage.sal_accepted (high intent)", frozenset({T.REP_TOUCH}) | _LEAD_ENDS,
            "slas.first_contact_high_intent_hours",
            "first rep touch within 4 business hours of the owner for high intent"),
    SlaSpec("first_contact_standard", "sales", "lead owner", "clock", "owner",
            "stage.sal_accepted", frozenset({T.REP_TOUCH}) | _LEAD_ENDS,
            "slas.first_contact_standard_hours",
            "first rep touch within 24 business hours of the owner"),
    SlaSpec("disposition", "sales", "lead owner", "clock", "wall", "stage.sal_accepted",
            frozenset({T.SQL_QUALIFIED, T.OPPORTUNITY_CREATED}) | _LEAD_ENDS,
            "slas.disposition_days", "a disposition (SQL, disqualified, recycled) within 14 days"),
    SlaSpec("data_quality", "marketing", "marketing", "check", "wall", "stage.mql",
            frozenset(), "slas.required_fields",
            "every MQL carries the contract's required fields"),
    SlaSpec("capacity_notice", "sales", "rep", "check", "wall", "capacity.notice (reduction)",
            frozenset(), "slas.capacity_notice_days",
            "a capacity reduction announced `capacity_notice_days` ahead"),
    SlaSpec("mql_volume", "marketing", "marketing", "period", "wall", "month start",
            frozenset(), "targets.mql_per_month", "the month's MQLs reach the target by month end"),
    SlaSpec("mql_to_sql_quality", "marketing", "marketing", "period", "wall",
            "month start (cohort of the month's MQLs)", frozenset(), "slas.mql_to_sql_bad",
            "the month's MQL cohort converts to SQL at least at `mql_to_sql_bad`, "
            "overall and per campaign and channel"),
    SlaSpec("forecast_submission", "sales", "team manager", "period", "owner", "week start",
            frozenset(), "slas.forecast",
            "a forecast.submitted each week by the contract's weekday and time"),
)  # fmt: skip

BY_NAME: dict[str, SlaSpec] = {s.name: s for s in SLAS}
PERIOD_SLAS = frozenset(s.name for s in SLAS if s.kind == "period")
# Clocks whose name the catalog does not know (an older ledger) stop when the lead ends.
_UNKNOWN_STOPS = _LEAD_ENDS


def stopped_by(event_type: T, sla: str) -> bool:
    """Whether an event of `event_type` stops a running clock of `sla`."""
    spec = BY_NAME.get(sla)
    if spec is None:
        return event_type in _UNKNOWN_STOPS
    return event_type in spec.stops_on


def calendar_of(sla: str) -> CalendarKind:
    spec = BY_NAME.get(sla)
    return spec.calendar if spec is not None else "team"
