"""SAL capacity of the sales team, from the contract's reps.

A rep's `capacity` is how many open leads they can own at once; a lead occupies a slot for
about `disposition_days` (the contract's feedback promise), so the team can work
Σ capacity × (30.4 ÷ disposition_days) SALs a month.
"""

from __future__ import annotations

from revalign.contract.schema import Contract

DAYS_PER_MONTH = 30.4


def sal_capacity(contract: Contract) -> tuple[float, str]:
    """(SALs per month the sales teams can work, how it was computed)."""
    reps = [r for t in contract.teams if t.side == "sales" for r in t.reps if r.capacity > 0]
    slots = sum(r.capacity for r in reps)
    days = contract.slas.disposition_days
    per_month = slots * DAYS_PER_MONTH / days
    note = (
        f"{len(reps)} sales reps with {slots} open-lead slots, each lead held about "
        f"{days} days (disposition SLA): {per_month:.0f} SALs/month"
    )
    return per_month, note
