"""SAL capacity of the sales team, from the contract's reps and sales' capacity notices.

A rep's `capacity` is how many open leads they can own at once; a lead occupies a slot for
about `disposition_days` (the contract's feedback promise), so the team can work
Σ capacity × (30.4 ÷ disposition_days) SALs a month. Given the quarter planned and the
`capacity.notice` windows of the ledger, each rep's slots are the mean over the quarter's
days of the capacity in force that day (the rep's latest notice, else the team's, else the
contract's), as routing applies them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from revalign.contract.schema import Contract, Rep, Team
from revalign.core.events import Event, EventType
from revalign.core.evolve import evolve
from revalign.core.state import CapacityWindow, FunnelState

DAYS_PER_MONTH = 30.4
Windows = Mapping[str, tuple[CapacityWindow, ...]]


def capacity_windows(events: Iterable[Event]) -> dict[str, tuple[CapacityWindow, ...]]:
    """The notices' windows by rep id or "team:<id>", folded as the core folds them."""
    state = FunnelState()
    for e in events:
        if e.type is EventType.CAPACITY_NOTICE:
            evolve(state, e)
    return state.capacity_windows


def _in_force(windows: Windows, team: Team, rep: Rep, day: date) -> int:
    for key in (rep.id, f"team:{team.id}"):
        for w in reversed(windows.get(key, ())):
            if w.start <= day and (w.end is None or day <= w.end):
                return w.capacity
    return rep.capacity


def sal_capacity(
    contract: Contract,
    windows: Windows | None = None,
    period: tuple[date, date] | None = None,
) -> tuple[float, str]:
    """(SALs per month the sales teams can work, how it was computed).

    `period` is [first day, last day] of the plan; with `windows`, notices lower (or raise)
    each rep's slots for the days they cover.
    """
    pairs = [(t, r) for t in contract.teams if t.side == "sales" for r in t.reps]
    days = contract.slas.disposition_days
    if windows and period is not None:
        span = [period[0] + timedelta(days=i) for i in range((period[1] - period[0]).days + 1)]
        per_rep = {
            r.id: sum(_in_force(windows, t, r, d) for d in span) / len(span) for t, r in pairs
        }
        base = sum(r.capacity for _, r in pairs if r.capacity > 0)
        slots = sum(per_rep.values())
        noticed = sum(1 for _, r in pairs if round(per_rep[r.id], 6) != r.capacity)
        note_more = f"; capacity notices change {noticed} reps ({base} slots without them)"
    else:
        slots = sum(r.capacity for _, r in pairs if r.capacity > 0)
        note_more = ""
    reps = sum(1 for _, r in pairs if r.capacity > 0)
    per_month = slots * DAYS_PER_MONTH / days
    note = (
        f"{reps} sales reps with {slots:.0f} open-lead slots, each lead held about "
        f"{days} days (disposition SLA): {per_month:.0f} SALs/month{note_more}"
    )
    return per_month, note
