"""Invariants of the SLA core under random funnels, illegal and refused facts included.

- the MQL cohorts the fold keeps equal a recount from the leads' histories;
- a tick is idempotent: a second tick at the same moment adds nothing;
- every clock is warned and breached at most once.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from _lifecycle import FIT_LEAD, MONDAY, Funnel, T, contract_with
from revalign.core.sla_fold import month_key
from revalign.core.state import FunnelState, Stage

CONTRACT = contract_with(targets={"mql_per_month": 2}, slas={"quality_min_mqls": 1})
CAMPAIGNS = ("webinar-series", "search-brand", None)
ACTIONS = ("capture", "accept", "reject", "qualify", "touch", "recycle", "update", "tick")


def _recount(state: FunnelState) -> dict[str, list[int]]:
    counts: Counter[str] = Counter()
    converted: Counter[str] = Counter()
    for lead in state.leads.values():
        dims = ["all"]
        dims += [f"campaign:{lead.campaign}"] if lead.campaign else []
        dims += [f"channel:{lead.source}"] if lead.source else []
        for i, t in enumerate(lead.history):
            if t.stage is not Stage.MQL:
                continue
            done = any(
                h.stage in (Stage.SQL, Stage.OPPORTUNITY, Stage.WON, Stage.LOST)
                for h in lead.history[i + 1 :]
            )
            for dim in dims:
                key = f"{month_key(t.at.year, t.at.month)}|{dim}"
                counts[key] += 1
                converted[key] += done
    return {k: [counts[k], converted[k]] for k in counts}


step = st.tuples(
    st.sampled_from(ACTIONS),
    st.integers(0, 2),  # lead
    st.integers(1, 20 * 24),  # hours since the previous step
    st.sampled_from(CAMPAIGNS),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(step, min_size=1, max_size=25))
def test_cohorts_match_a_recount_and_ticks_are_idempotent(
    steps: list[tuple[str, int, int, str | None]],
) -> None:
    f = Funnel(CONTRACT)
    at = MONDAY
    for action, n, hours, campaign in steps:
        at += timedelta(hours=hours)
        lead = f"L{n}"
        if action == "capture":
            fields = {**FIT_LEAD, "email": f"p{n}@acme.co.id"}
            f.capture(lead, at, **({**fields, "campaign": campaign} if campaign else fields))
        elif action == "accept":
            f.accept(lead, at)
        elif action == "reject":
            f.reject(lead, at)
        elif action == "qualify":
            f.qualify(lead, at)
        elif action == "touch":
            f.rep_touch(lead, at)
        elif action == "recycle":
            f.recycle(lead, at)
        elif action == "update":
            f.fact(T.LEAD_UPDATED, lead, at, {"changes": {"campaign": campaign}})
        else:
            f.tick(at)
    live = {k: v for k, v in f.state.cohorts.items() if v != [0, 0]}
    assert live == _recount(f.state)
    f.tick(at + timedelta(days=90))
    assert f.tick(at + timedelta(days=90)) == []
    for kind in (T.SLA_WARNED, T.SLA_BREACHED):
        ids = Counter(e.payload["clock_id"] for e in f.log if e.type is kind)
        assert all(v == 1 for v in ids.values()), kind
