"""One row per transition: legal moves land on their stage, illegal ones give the exact message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from _lifecycle import MONDAY, SMALL_LEAD, Funnel, T, of_type, refusal
from revalign.contract.schema import VersionedContract
from revalign.core.events import Event
from revalign.core.lifecycle import TRANSITIONS, reachable, validate
from revalign.core.state import Stage
from revalign.errors import IllegalTransition, NotFound

H = timedelta(hours=1)
Step = Callable[[Funnel], object]


def at_mql(f: Funnel) -> None:
    f.capture("L1")


def at_sal(f: Funnel) -> None:
    f.worked("L1")


def at_sql(f: Funnel) -> None:
    f.worked("L1")
    f.rep_touch("L1", MONDAY + H)
    f.qualify("L1", MONDAY + 2 * H)


def at_opportunity(f: Funnel) -> None:
    at_sql(f)
    f.open_opp("L1", MONDAY + 3 * H)


def at_lead(f: Funnel) -> None:
    f.capture("L1", **SMALL_LEAD)


LEGAL = [
    ("accept from mql", at_mql, lambda f: f.accept("L1", MONDAY + H), Stage.SAL),
    ("reject from mql", at_mql, lambda f: f.reject("L1", MONDAY + H), Stage.REJECTED),
    ("sql from sal", at_sal, lambda f: f.qualify("L1", MONDAY + H), Stage.SQL),
    ("recycle from sal", at_sal, lambda f: f.recycle("L1", MONDAY + H), Stage.RECYCLED),
    ("recycle from sql", at_sql, lambda f: f.recycle("L1", MONDAY + 3 * H), Stage.RECYCLED),
    (
        "exempt disqualify from sal",
        at_sal,
        lambda f: f.disqualify("L1", MONDAY + H, "duplicate"),
        Stage.DISQUALIFIED,
    ),
    ("opportunity from sql", at_sql, lambda f: f.open_opp("L1", MONDAY + 3 * H), Stage.OPPORTUNITY),
    (
        "won from opportunity",
        at_opportunity,
        lambda f: f.fact(
            T.OPPORTUNITY_WON,
            "L1",
            MONDAY + 4 * H,
            {"amount": "30000", "currency": "USD"},
            opportunity_id="O-L1",
        ),
        Stage.WON,
    ),
    (
        "lost from opportunity",
        at_opportunity,
        lambda f: f.fact(
            T.OPPORTUNITY_LOST,
            "L1",
            MONDAY + 4 * H,
            {"currency": "USD", "reason": "price"},
            opportunity_id="O-L1",
        ),
        Stage.LOST,
    ),
]


@pytest.mark.parametrize(("name", "setup", "step", "stage"), LEGAL, ids=[r[0] for r in LEGAL])
def test_legal_transition(
    contract: VersionedContract, name: str, setup: Step, step: Step, stage: Stage
) -> None:
    f = Funnel(contract)
    setup(f)
    placed = step(f)
    assert isinstance(placed, list)
    assert refusal(placed) is None
    lead = f.lead("L1")
    assert lead.stage is stage
    assert lead.history[-1].stage is stage
    assert all(t.stage in reachable() for t in lead.history)


ACCEPT_HINT = (
    "it waits at the SAL gate (accept it with `revalign lead accept L1` or reject it with "
    "`revalign lead reject L1 --reason ...`)"
)
ILLEGAL = [
    (
        "sql from mql",
        at_mql,
        lambda f: f.qualify("L1", MONDAY + H),
        f"lead L1 is mql; SQL needs an accepted SAL first: {ACCEPT_HINT}",
    ),
    (
        "accept from lead",
        at_lead,
        lambda f: f.accept("L1", MONDAY + H),
        "lead L1 is lead; only an MQL can be accepted at the SAL gate: it is not an MQL yet "
        "(its score is below the threshold)",
    ),
    (
        "accept twice",
        at_sal,
        lambda f: f.accept("L1", MONDAY + H),
        "lead L1 is sal; only an MQL can be accepted at the SAL gate: qualify it first "
        "(`revalign lead qualify L1 --field ...`)",
    ),
    (
        "reject with unknown reason",
        at_mql,
        lambda f: f.reject("L1", MONDAY + H, reason="vibes"),
        "'vibes' is not a reject reason in the contract; use one of: wrong_size, "
        "wrong_geography, wrong_title, no_budget_signal, duplicate, student, competitor, bad_data",
    ),
    (
        "sql with missing bant fields",
        at_sal,
        lambda f: f.qualify("L1", MONDAY + H, budget="50000", need="crm"),
        "lead L1: BANT qualification is missing authority, timeline",
    ),
    (
        "touch an mql",
        at_mql,
        lambda f: f.rep_touch("L1", MONDAY + H),
        "lead L1 is mql; an MQL never goes straight to work: accept it first "
        "(`revalign lead accept L1`)",
    ),
    (
        "disqualify with a recycle reason",
        at_sal,
        lambda f: f.disqualify("L1", MONDAY + H, "wrong_timing"),
        "lead L1: 'wrong_timing' is a recycle reason: good lead, wrong timing; recycle it "
        "instead (`revalign lead recycle L1 --reason wrong_timing`)",
    ),
    (
        "recycle with a non-recycle reason",
        at_sal,
        lambda f: f.recycle("L1", MONDAY + H, reason="competitor"),
        "'competitor' is not a recycle reason in the contract; use one of: wrong_timing, "
        "budget_next_fiscal_year",
    ),
    (
        "disqualify an mql",
        at_mql,
        lambda f: f.disqualify("L1", MONDAY + H, "bad_data"),
        "lead L1 is mql; only an accepted (SAL) or qualified (SQL) lead can be disqualified: "
        f"{ACCEPT_HINT}",
    ),
    (
        "opportunity from sal",
        at_sal,
        lambda f: f.open_opp("L1", MONDAY + H),
        "lead L1 is sal; an opportunity needs an SQL first: qualify it first "
        "(`revalign lead qualify L1 --field ...`)",
    ),
    (
        "opportunity without decision fields",
        at_sql,
        lambda f: f.open_opp("L1", MONDAY + 3 * H, amount="100", currency="USD"),
        "lead L1: an opportunity needs a defined decision_process, stakeholders, decision_date",
    ),
    (
        "won without an opportunity",
        at_sql,
        lambda f: f.fact(
            T.OPPORTUNITY_WON,
            "L1",
            MONDAY + 3 * H,
            {"amount": "1", "currency": "USD"},
            opportunity_id="O-none",
        ),
        "no opportunity 'O-none': opportunity.won needs an open one",
    ),
    (
        "lost with an unknown reason",
        at_opportunity,
        lambda f: f.fact(
            T.OPPORTUNITY_LOST,
            "L1",
            MONDAY + 4 * H,
            {"currency": "USD", "reason": "bad luck"},
            opportunity_id="O-L1",
        ),
        "'bad luck' is not a lost reason in the contract; use one of: no_budget, competitor, "
        "timing, no_decision, price, product_fit, not_recorded",
    ),
    (
        "touch an unknown lead",
        at_mql,
        lambda f: f.behave("L404", "page_view", MONDAY + H),
        "no lead 'L404' (capture it first)",
    ),
    (
        "score submitted by a producer",
        at_mql,
        lambda f: f.fact(T.SCORE_CHANGED, "L1", MONDAY + H, {"score": 99}),
        "score.changed is derived by the engine and cannot be submitted",
    ),
]


@pytest.mark.parametrize(("name", "setup", "step", "message"), ILLEGAL, ids=[r[0] for r in ILLEGAL])
def test_illegal_transition_is_refused_and_undone(
    contract: VersionedContract, name: str, setup: Step, step: Step, message: str
) -> None:
    f = Funnel(contract)
    setup(f)
    before = dict(f.state.leads), dict(f.state.opportunities), dict(f.state.rep_load)
    placed = step(f)
    assert isinstance(placed, list)
    assert refusal(placed) == message
    assert len(placed) == 2  # the fact and its refusal, nothing else
    after = dict(f.state.leads), dict(f.state.opportunities), dict(f.state.rep_load)
    assert after == before


def test_validate_raises_for_the_shell(contract: VersionedContract) -> None:
    f = Funnel(contract)
    at_mql(f)
    sql = Event(
        type=T.SQL_QUALIFIED,
        source="cli",
        source_id="x",
        occurred_at=MONDAY + H,
        lead_id="L1",
        payload={"by": "b", "framework": "bant", "fields": {}},
    )
    with pytest.raises(IllegalTransition, match="SQL needs an accepted SAL first"):
        validate(f.state, sql, contract.contract)
    with pytest.raises(NotFound, match="no lead 'L9'"):
        validate(f.state, Event(**{**_fields(sql), "lead_id": "L9"}), contract.contract)


def _fields(e: Event) -> dict[str, object]:
    return {k: getattr(e, k) for k in ("type", "source", "source_id", "occurred_at", "payload")}


def test_sal_gate_is_human(contract: VersionedContract) -> None:
    f = Funnel(contract)
    at_mql(f)
    placed = f.fact(T.SAL_ACCEPTED, "L1", MONDAY + H, {"by": "maya"}, source="engine")
    assert of_type(placed, T.EVENT_REJECTED) == []  # derived events are trusted ...
    f2 = Funnel(contract)
    at_mql(f2)
    with pytest.raises(IllegalTransition, match="human decision"):
        ev = Event(
            type=T.SAL_ACCEPTED,
            source="engine",
            source_id="e",
            occurred_at=MONDAY,
            lead_id="L1",
            payload={"by": "maya"},
        )
        validate(f2.state, ev, contract.contract)  # ... but validate names the rule


def test_graph_reaches_every_stage() -> None:
    assert reachable() == frozenset(Stage)
    assert all(not TRANSITIONS[s] for s in (Stage.WON, Stage.LOST, Stage.DISQUALIFIED))


def test_accept_with_explicit_owner_moves_the_load(contract: VersionedContract) -> None:
    f = Funnel(contract)
    f.capture("L1")
    proposed = f.lead("L1").owner
    assert proposed == "budi"
    f.accept("L1", MONDAY + H, owner="putri")
    assert f.lead("L1").owner == "putri"
    assert f.state.rep_load == {"budi": 0, "putri": 1}
    refused = f.accept("L1", MONDAY + 2 * H, owner="nobody")
    assert refusal(refused) is not None
