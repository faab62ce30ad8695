"""Pools, weighted round robin, caps, reassignment on an SLA miss, contract checks, traces."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _lifecycle import FIT_LEAD, MONDAY, Funnel, T, contract_with, of_type
from revalign.contract.schema import Contract, VersionedContract
from revalign.core.evolve import evolve
from revalign.core.state import FunnelState
from revalign.errors import UserError

POOL_RULES: dict[str, Any] = {
    "pools": {"apac": ["budi", "putri", "wei"]},
    "rules": [{"name": "all", "when": {}, "pool": "apac", "method": "weighted_round_robin"}],
    "fallback_team": "sdr-amer",
}


def with_reps(
    weights: list[int], daily_cap: int | None = None, ooo: bool = False
) -> VersionedContract:
    reps: list[dict[str, Any]] = [
        {"id": "boss", "name": "Boss", "role": "sales_manager", "timezone": "Asia/Jakarta"}
    ]
    for i, w in enumerate(weights):
        rep: dict[str, Any] = {"id": f"r{i}", "name": f"R{i}", "timezone": "Asia/Jakarta",
                               "weight": w, "capacity": 1000, "daily_cap": daily_cap}  # fmt: skip
        if ooo and i == 0:
            rep["out_of_office"] = [{"start": "2026-11-01", "end": "2026-11-30"}]
        reps.append(rep)
    team = {"id": "pool", "name": "Pool", "manager": "boss", "reps": reps,
            "working_hours": {"start": "09:00", "end": "17:00"}}  # fmt: skip
    import yaml

    from revalign.contract.loader import default_contract_text

    data = yaml.safe_load(default_contract_text())
    data["teams"].append(team)
    data["routing"] = {
        "pools": {"p": [f"r{i}" for i in range(len(weights))]},
        "rules": [{"name": "all", "when": {}, "pool": "p", "method": "weighted_round_robin"}],
        "fallback_team": "sdr-amer",
    }
    return VersionedContract(contract=Contract.model_validate(data))


def owners(f: Funnel, n: int, day_step: bool = False) -> list[str]:
    out = []
    for i in range(n):
        at = MONDAY + timedelta(seconds=i) + (timedelta(days=i) if day_step else timedelta())
        placed = f.capture(f"L{i}", at, **{**FIT_LEAD, "email": f"p{i}@a{i}.co.id"})
        out.append(str(of_type(placed, T.LEAD_ASSIGNED)[0].payload["owner"]))
    return out


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=2, max_size=4))
def test_weighted_round_robin_converges_to_the_weights(weights: list[int]) -> None:
    f = Funnel(with_reps(weights))
    n = sum(weights) * 5
    got = owners(f, n)
    for i, w in enumerate(weights):
        assert got.count(f"r{i}") == 5 * w  # exact after whole rounds


@settings(max_examples=10, deadline=None)
@given(st.integers(1, 3), st.integers(5, 15))
def test_never_out_of_office_or_over_the_daily_cap(cap: int, n: int) -> None:
    f = Funnel(with_reps([1, 1, 1], daily_cap=cap, ooo=True))
    got = owners(f, n)
    assert "r0" not in got
    for rep in ("r1", "r2"):
        assert got[: 2 * cap].count(rep) <= cap
    assert all(o in {"r1", "r2", "jake", "lena"} for o in got)  # full: fallback team


def test_bulk_import_spreads_fairly(contract: VersionedContract) -> None:
    got = owners(Funnel(with_reps([1, 1, 1, 1])), 1000)
    assert {got.count(f"r{i}") for i in range(4)} == {250}


def test_same_state_same_owner_and_rebuild_agrees() -> None:
    c = with_reps([3, 1])
    a, b = Funnel(c), Funnel(c)
    assert owners(a, 20) == owners(b, 20)
    rebuilt = FunnelState()
    for event in a.log:
        evolve(rebuilt, event)
    assert rebuilt.pool_counts == a.state.pool_counts and rebuilt.rep_load == a.state.rep_load


def test_named_rep_rule_and_trace(contract: VersionedContract) -> None:
    rules = [
        {"name": "fin", "when": {"industry_in": ["fintech"]}, "team": "sdr-emea"},
        {"name": "vip", "when": {"employees_min": 100, "country_in": ["ID"]}, "rep": "wei"},
    ]
    f = Funnel(contract_with(routing={"rules": rules, "fallback_team": "sdr-amer"}))
    a = of_type(f.capture("L1"), T.LEAD_ASSIGNED)[0].payload
    assert (a["owner"], a["rule"]) == ("wei", "vip")
    steps = a["trace"]["rules"]
    assert [s["matched"] for s in steps] == [False, True]
    assert steps[0]["why"] == "industry software not in fintech"
    assert a["trace"]["candidates"] == [{"rep": "wei", "load": 0, "skipped": None}]


def test_region_state_product_campaign_conditions(contract: VersionedContract) -> None:
    rules = [
        {"name": "java", "when": {"region_in": ["sea"], "state_in": ["Jawa Barat"],
                                  "product_in": ["crm"], "campaign_in": ["q4"]}, "rep": "putri"},
    ]  # fmt: skip
    c = contract_with(routing={"rules": rules, "fallback_team": "sdr-amer",
                               "regions": {"sea": ["ID", "SG"]}})  # fmt: skip
    f = Funnel(c)
    hit = {"campaign": "q4", "attributes": {"state": "jawa barat", "product_interest": "CRM"}}
    assert (
        of_type(f.capture("L1", **{**FIT_LEAD, **hit}), T.LEAD_ASSIGNED)[0].payload["owner"]
        == "putri"
    )
    miss = {**FIT_LEAD, **hit, "email": "z@z.co.id", "campaign": "q3"}
    a = of_type(f.capture("L2", **miss), T.LEAD_ASSIGNED)[0].payload
    assert a["rule"] == "fallback" and "campaign q3 not in q4" in a["trace"]["rules"][0]["why"]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (
            [
                {
                    "name": "a",
                    "when": {"employees_min": 500, "employees_max": 50},
                    "team": "sdr-apac",
                }
            ],
            "can never match: employees_min 500 > employees_max 50",
        ),
        ([{"name": "a", "when": {"country_in": []}, "team": "sdr-apac"}], "can never match"),
        (
            [
                {"name": "a", "when": {"country_in": ["ID", "SG"]}, "team": "sdr-apac"},
                {
                    "name": "b",
                    "when": {"country_in": ["ID"], "employees_min": 10},
                    "team": "sdr-emea",
                },
            ],
            "'b' is shadowed by rules[0] 'a'",
        ),
        (
            [
                {"name": "a", "when": {}, "team": "sdr-apac"},
                {"name": "b", "when": {"high_intent": True}, "team": "sdr-emea"},
            ],
            "shadowed",
        ),
        ([{"name": "a", "when": {}, "pool": "nope"}], "unknown pool 'nope'"),
        ([{"name": "a", "when": {}, "rep": "nobody"}], "unknown rep 'nobody'"),
        ([{"name": "a", "when": {}, "team": "sdr-apac", "rep": "wei"}], "exactly one of"),
    ],
)
def test_contract_catches_bad_rules(rules: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(
        (UserError, ValueError), match=message.replace("[", r"\[").replace("]", r"\]")
    ):
        contract_with(routing={"rules": rules, "fallback_team": "sdr-amer"})


def test_not_shadowed_when_narrower_first(contract: VersionedContract) -> None:
    rules = [
        {"name": "b", "when": {"country_in": ["ID"], "employees_min": 10}, "team": "sdr-emea"},
        {"name": "a", "when": {"country_in": ["ID", "SG"]}, "team": "sdr-apac"},
    ]
    contract_with(routing={"rules": rules, "fallback_team": "sdr-amer"})


def test_first_contact_miss_reassigns_then_manager() -> None:
    c = contract_with(routing={"reassign": {"enabled": True, "max_hops": 1}})
    f = Funnel(c)
    f.worked("L1")
    first = f.lead("L1").owner
    placed = f.tick(MONDAY + timedelta(days=10))
    placed += f.tick(MONDAY + timedelta(days=20))  # the second owner misses too
    moves = [e.payload for e in of_type(placed, T.LEAD_ASSIGNED)]
    assert moves[0]["previous_owner"] == first and moves[0]["hop"] == 1
    assert moves[0]["owner"] != first and "first_contact_standard missed by" in moves[0]["reason"]
    assert moves[-1]["owner"] == "maya" and moves[-1]["method"] == "manual"
    breaches = [e.payload["owner"] for e in of_type(placed, T.SLA_BREACHED)]
    assert first in breaches  # the original owner's miss still counts


def test_no_reassignment_unless_the_contract_asks(contract: VersionedContract) -> None:
    f = Funnel(contract)
    f.worked("L1")
    assert not of_type(f.tick(MONDAY + timedelta(days=10)), T.LEAD_ASSIGNED)


SATURDAY = MONDAY - timedelta(days=2)  # 10:00 Jakarta, a Saturday


@pytest.mark.parametrize(
    ("mode", "owner", "waits"),
    [("assign", "budi", False), ("skip", "budi", False), ("wait", "wei", True)],
)
def test_outside_working_hours(mode: str, owner: str, waits: bool) -> None:
    c = contract_with(routing={"outside_hours": mode})
    f = Funnel(c)
    a = of_type(f.capture("L1", SATURDAY), T.LEAD_ASSIGNED)[0].payload
    assert a["owner"] == owner
    skipped = {c["skipped"] for c in a["trace"]["candidates"]}
    assert skipped == ({"outside working hours"} if mode != "assign" else {None})
    if mode == "skip":  # APAC and the Americas fallback are all off on a Saturday
        assert "nobody available" in a["reason"] and a["trace"]["fallback"]["team"] == "sdr-amer"
    assert ("waits_until" in a["trace"]) == waits
    if waits:
        # Monday 09:00 in Singapore comes before 09:00 in Jakarta
        assert a["trace"]["waits_until"].startswith("2026-11-02T01:00")
        assert "the lead waits" in a["reason"]


@settings(max_examples=20, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["ID", "SG", "GB", "US", "ZA"]), st.integers(0, 6)),
        min_size=1,
        max_size=25,
    )
)
def test_replay_gives_the_live_assignments(leads: list[tuple[str, int]]) -> None:
    """Running the source facts again (replay) places every lead with the same owner."""
    c = contract_with(routing={"reassign": {"enabled": True}})
    live = Funnel(c)
    for i, (country, person) in enumerate(leads):  # `person` repeats: duplicates merge
        at = MONDAY + timedelta(minutes=i)
        live.capture(f"L{i}", at, **{**FIT_LEAD, "email": f"p{person}@a.co.id", "country": country})
    live.tick(MONDAY + timedelta(days=5))
    again = Funnel(c)
    from revalign.core.run import run_events

    sources = [e for e in live.log if e.source != "engine"]
    replayed = run_events(again.state, sources, c)
    run_events(again.state, [], c)
    again.tick(MONDAY + timedelta(days=5))

    def owners(log: list[Any]) -> list[tuple[str | None, Any]]:
        return [(e.lead_id, e.payload["owner"]) for e in log if e.type is T.LEAD_ASSIGNED]

    assert owners(replayed + again.log) == owners(live.log)
    assert again.state.leads == live.state.leads


def test_rule_problems_are_located_at_their_line() -> None:
    from revalign.contract.loader import default_contract_text, parse_contract
    from revalign.errors import ContractError

    text = default_contract_text()
    old = "    - {name: emea, when: {country_in: [GB, DE, FR, NL, IE, ES, IT]}"
    assert old in text
    shadowed = "    - {name: indo, when: {country_in: [ID]}, team: sdr-apac}\n"
    broken = text.replace(old, shadowed + old)
    with pytest.raises(ContractError) as caught:
        parse_contract(broken, "r.yaml")
    (issue,) = caught.value.issues
    line = broken[: broken.index(shadowed)].count("\n") + 1
    assert (issue.file, issue.line) == ("r.yaml", line)
    assert "shadowed by rules[0] 'apac'" in str(issue)
