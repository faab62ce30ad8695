"""Invariants under random (well-typed) events: the funnel never reaches an illegal state."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _lifecycle import FIT_LEAD, MONDAY, SMALL_LEAD, Funnel, T
from revalign.contract.loader import default_contract
from revalign.core.evolve import evolve
from revalign.core.lifecycle import OPEN_STAGES, TRANSITIONS, reachable
from revalign.core.state import FunnelState, Stage

CONTRACT = default_contract()
LEADS = ("A", "B", "C")
REASONS = ("wrong_size", "duplicate", "bad_data", "no_response", "wrong_timing", "nope", "price")
KINDS = ("demo_request", "pricing_page", "webinar", "email_open", "page_view", "unsubscribe")
BANT = ("budget", "authority", "need", "timeline")

step = st.tuples(
    st.sampled_from(
        [
            "capture",
            "behave",
            "accept",
            "reject",
            "rep",
            "qualify",
            "disqualify",
            "recycle",
            "opp",
            "won",
            "lost",
            "tick",
        ]
    ),
    st.sampled_from(LEADS),
    st.integers(min_value=1, max_value=60 * 24 * 4),  # minutes after the previous step
    st.sampled_from(REASONS),
    st.sampled_from(KINDS),
    st.sets(st.sampled_from(BANT)),
    st.booleans(),
)


def _apply(f: Funnel, action: tuple[Any, ...], at: Any) -> None:
    name, lead, _, reason, kind, fields, flag = action
    if name == "capture":
        f.capture(lead, at=at, **(FIT_LEAD if flag else SMALL_LEAD))
    elif name == "behave":
        f.behave(lead, kind, at)
    elif name == "accept":
        f.accept(lead, at, owner="putri" if flag else None)
    elif name == "reject":
        f.reject(lead, at, reason)
    elif name == "rep":
        f.rep_touch(lead, at, "meeting" if flag else "call")
    elif name == "qualify":
        f.qualify(lead, at, **{k: "x" for k in fields})
    elif name == "disqualify":
        f.disqualify(lead, at, reason)
    elif name == "recycle":
        f.recycle(lead, at, "wrong_timing" if flag else reason)
    elif name == "opp":
        f.open_opp(lead, at) if flag else f.open_opp(lead, at, amount="5", currency="USD")
    elif name in ("won", "lost"):
        payload = {"amount": "10", "currency": "USD", "reason": "price" if flag else reason}
        kind_ = T.OPPORTUNITY_WON if name == "won" else T.OPPORTUNITY_LOST
        f.fact(kind_, lead, at, payload, opportunity_id=f"O-{lead}")
    else:
        f.tick(at)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, max_size=40))
def test_random_sequences_stay_legal(actions: list[tuple[Any, ...]]) -> None:
    f = Funnel(CONTRACT)
    at = MONDAY
    for action in actions:
        at += timedelta(minutes=action[2])
        _apply(f, action, at)
    load: dict[str, int] = {}
    for lead in f.state.leads.values():
        assert lead.stage in reachable()
        stages = [t.stage for t in lead.history]
        assert stages[0] is Stage.LEAD and stages[-1] is lead.stage
        for before, after in pairwise(stages):
            assert after in TRANSITIONS[before], (before, after)
        assert round(sum(p["points"] for p in lead.score_parts), 2) == lead.score
        if lead.stage in OPEN_STAGES and lead.owner:
            load[lead.owner] = load.get(lead.owner, 0) + 1
        if lead.stage in (Stage.SAL, Stage.SQL):
            assert lead.owner is not None
    assert {k: v for k, v in f.state.rep_load.items() if v} == load
    # folding the log alone (no decide) rebuilds the same state
    rebuilt = FunnelState()
    for event in f.log:
        evolve(rebuilt, event)
    assert rebuilt.leads == f.state.leads
    assert rebuilt.opportunities == f.state.opportunities
    assert rebuilt.clocks == f.state.clocks
    # every clock is stopped at most once and breached at most once
    breached = [e.payload["clock_id"] for e in f.log if e.type is T.SLA_BREACHED]
    assert len(breached) == len(set(breached))
