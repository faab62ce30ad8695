"""Routing: each rule condition, each method, capacity, out-of-office, fallback, the reason."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from _lifecycle import FIT_LEAD, MONDAY, Funnel, T, contract_with, of_type
from revalign.contract.schema import VersionedContract


def assigned(f: Funnel, lead_id: str, **fields: Any) -> dict[str, Any]:
    placed = f.capture(lead_id, **{**FIT_LEAD, **fields})
    if not of_type(placed, T.LEAD_ASSIGNED):  # below the threshold: add buying intent
        placed = f.behave(lead_id, "webinar", MONDAY + timedelta(minutes=1))
    return dict(of_type(placed, T.LEAD_ASSIGNED)[0].payload)


@pytest.mark.parametrize(
    ("country", "team", "rule", "owner"),
    [
        ("ID", "sdr-apac", "apac", "budi"),
        ("GB", "sdr-emea", "emea", "sophie"),
        ("US", "sdr-amer", "americas", "jake"),
        ("BR", "sdr-amer", "americas", "jake"),
        ("ZA", "sdr-amer", "fallback", "jake"),
    ],
)
def test_country_rules_and_fallback(
    contract: VersionedContract, country: str, team: str, rule: str, owner: str
) -> None:
    a = assigned(Funnel(contract), "L1", country=country)
    assert (a["team"], a["rule"], a["owner"]) == (team, rule, owner)


def test_reason_explains_the_route(contract: VersionedContract) -> None:
    a = assigned(Funnel(contract), "L1", country="SG")
    assert a["reason"] == "rule 'apac' -> sdr-apac; territory SG: wei, least loaded of 1"
    a = assigned(Funnel(contract), "L2", country="ZA")
    assert a["reason"].startswith("no rule matched: fallback team -> sdr-amer; ")


def test_territory_picks_least_loaded_of_the_covering_reps(contract: VersionedContract) -> None:
    f = Funnel(contract)
    owners = [assigned(f, f"L{i}", email=f"p{i}@acme.co.id")["owner"] for i in range(4)]
    assert owners == ["budi", "putri", "budi", "putri"]  # maya is a manager: not assignable
    assert f.state.rep_load == {"budi": 2, "putri": 2}


def test_least_loaded_and_round_robin(contract: VersionedContract) -> None:
    rules: list[dict[str, Any]] = [
        {"name": "rr", "when": {"source_in": ["webinar"]}, "team": "sdr-apac"},
        {"name": "ll", "when": {}, "team": "sdr-apac", "method": "least_loaded"},
    ]
    rules[0]["method"] = "round_robin"
    f = Funnel(contract_with(routing={"rules": rules, "fallback_team": "sdr-amer"}))
    rr = [assigned(f, f"R{i}", email=f"r{i}@a.co", source="webinar")["owner"] for i in range(4)]
    assert rr == ["budi", "putri", "wei", "budi"]
    assert f.state.rr_cursor == {"sdr-apac": 4}
    assert assigned(f, "X", email="x@a.co", source="ads")["owner"] in {"putri", "wei"}


@pytest.mark.parametrize(
    ("when", "fields", "hit"),
    [
        ({"industry_in": ["fintech"]}, {"industry": "FinTech"}, True),
        ({"industry_in": ["fintech"]}, {"industry": "software"}, False),
        ({"employees_min": 100, "employees_max": 200}, {"employees": 120}, True),
        ({"employees_min": 200}, {"employees": 120}, False),
        ({"source_in": ["paid_social"]}, {}, True),
        ({"high_intent": True}, {}, False),
    ],
)
def test_rule_conditions(
    contract: VersionedContract, when: dict[str, Any], fields: dict[str, Any], hit: bool
) -> None:
    rules = [{"name": "special", "when": when, "team": "sdr-emea", "method": "least_loaded"}]
    f = Funnel(contract_with(routing={"rules": rules, "fallback_team": "sdr-amer"}))
    a = assigned(f, "L1", **fields)
    assert (a["rule"] == "special") is hit


def test_high_intent_rule(contract: VersionedContract) -> None:
    rules = [{"name": "hot", "when": {"high_intent": True}, "team": "sdr-emea"}]
    f = Funnel(contract_with(routing={"rules": rules, "fallback_team": "sdr-amer"}))
    f.capture("L1", **{**FIT_LEAD, "employees": 20})
    placed = f.behave("L1", "demo_request", MONDAY + timedelta(hours=1))
    assert of_type(placed, T.LEAD_ASSIGNED)[0].payload["rule"] == "hot"


def test_capacity_notice_and_out_of_office(contract: VersionedContract) -> None:
    f = Funnel(contract)
    f.fact(
        T.CAPACITY_NOTICE,
        None,
        MONDAY - timedelta(days=40),
        {"team": "sdr-apac", "rep": "budi", "effective_from": "2026-11-01", "capacity": 0},
        source="cli",
    )
    assert assigned(f, "L1")["owner"] == "putri"
    teams = contract.contract.model_dump(mode="json")["teams"]
    teams[0]["reps"][2]["out_of_office"] = [{"start": "2026-11-01", "end": "2026-11-06"}]
    g = Funnel(contract_with(teams=teams))
    assert [assigned(g, f"L{i}", email=f"o{i}@a.co")["owner"] for i in range(2)] == ["budi", "budi"]


def test_full_team_falls_back_then_over_capacity(contract: VersionedContract) -> None:
    teams = contract.contract.model_dump(mode="json")["teams"]
    for rep in teams[0]["reps"]:
        rep["capacity"] = 0
    f = Funnel(contract_with(teams=teams))
    a = assigned(f, "L1")
    assert (a["team"], a["owner"]) == ("sdr-amer", "jake")
    assert "nobody available; fallback sdr-amer" in a["reason"]
    for rep in teams[2]["reps"]:
        rep["capacity"] = 0
    g = Funnel(contract_with(teams=teams))
    a = assigned(g, "L1")
    assert (a["team"], a["owner"]) == ("sdr-apac", "budi")
    assert "every rep at capacity" in a["reason"]
