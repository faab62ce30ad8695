"""One table per scoring rule: fit, behaviour (decay, caps, future signals), negatives, blend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from revalign.contract.loader import contract_version
from revalign.contract.schema import Contract, VersionedContract
from revalign.core.scoring import (
    PREDICTED_PROBABILITY_ATTR,
    ScoreResult,
    behaviour_parts,
    blend,
    fit_parts,
    is_high_intent,
    prune_signals,
    score_lead,
    scoring_model,
)
from revalign.core.state import LeadState, Signal
from revalign.errors import InputError

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def lead(**fields: Any) -> LeadState:
    base: dict[str, Any] = {"lead_id": "L1", "email": "dewi@acme.co.id", "created_at": NOW}
    base.update(fields)
    return LeadState(**base)


def with_scoring(contract: VersionedContract, **scoring: Any) -> VersionedContract:
    """The default contract with parts of `scoring` replaced (a real, validated contract)."""
    data = contract.contract.model_dump(mode="json")
    for key, value in scoring.items():
        data["scoring"][key] = value
    changed = Contract.model_validate(data)
    return VersionedContract(contract=changed, version=contract_version(changed))


def part(result: ScoreResult | tuple[Any, ...], rule: str) -> Any:
    parts = result.parts if isinstance(result, ScoreResult) else result
    found = [p for p in parts if p.rule == rule]
    assert len(found) <= 1
    return found[0] if found else None


def signals(kind: str, *ages_days: float) -> tuple[Signal, ...]:
    return tuple(Signal(kind, NOW - timedelta(days=a)) for a in ages_days)


# --- fit -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "points", "detail"),
    [
        (10, -5.0, "10 employees in 0–49"),
        (49, -5.0, "49 employees in 0–49"),
        (50, 25.0, "50 employees in 50–500"),
        (120, 25.0, "120 employees in 50–500"),
        (500, 25.0, "500 employees in 50–500"),
        (501, 5.0, "501 employees in 501+"),
        (90_000, 5.0, "90000 employees in 501+"),
        (None, 0.0, "employee count unknown"),
    ],
)
def test_fit_employees(
    contract: VersionedContract, employees: int | None, points: float, detail: str
) -> None:
    p = part(fit_parts(lead(employees=employees), scoring_model(contract)), "fit.employees")
    assert (p.points, p.detail) == (points, detail)


def test_fit_employees_outside_every_band(contract: VersionedContract) -> None:
    gappy = with_scoring(
        contract,
        fit={"employees": [{"min": 50, "max": 500, "points": 25}]},
    )
    p = part(fit_parts(lead(employees=20), scoring_model(gappy)), "fit.employees")
    assert (p.points, p.detail) == (0.0, "20 employees in no band")


@pytest.mark.parametrize(
    ("industry", "points", "detail"),
    [
        ("SaaS", 10.0, "'SaaS' is a target industry"),
        ("  financial   SERVICES ", 10.0, "'  financial   SERVICES ' is a target industry"),
        ("Retail", 0.0, "'Retail' is not a target industry"),
        (None, 0.0, "industry unknown"),
        ("", 0.0, "industry unknown"),
    ],
)
def test_fit_industry(
    contract: VersionedContract, industry: str | None, points: float, detail: str
) -> None:
    p = part(fit_parts(lead(industry=industry), scoring_model(contract)), "fit.industry")
    assert (p.points, p.detail) == (points, detail)


def test_fit_industry_otherwise(contract: VersionedContract) -> None:
    strict = with_scoring(
        contract,
        fit={"industry": {"points": 10, "values": ["software"], "otherwise": -3}},
    )
    p = part(fit_parts(lead(industry="Mining"), scoring_model(strict)), "fit.industry")
    assert p.points == -3.0


@pytest.mark.parametrize(
    ("title", "points", "detail"),
    [
        ("Direktur Pemasaran", 15.0, "'Direktur Pemasaran' is director"),
        ("CEO & Founder", 20.0, "'CEO & Founder' is c_level"),
        ("VP Sales", 18.0, "'VP Sales' is vp"),
        ("Kepala Bagian", 12.0, "'Kepala Bagian' is head"),
        ("Manajer TI", 5.0, "'Manajer TI' is manager"),
        ("Staf Pemasaran", 0.0, "'Staf Pemasaran' is individual"),
        ("Mahasiswa", -15.0, "'Mahasiswa' is student"),
        (None, 0.0, "no title (unknown)"),
    ],
)
def test_fit_seniority(
    contract: VersionedContract, title: str | None, points: float, detail: str
) -> None:
    p = part(fit_parts(lead(title=title), scoring_model(contract)), "fit.seniority")
    assert (p.points, p.detail) == (points, detail)


@pytest.mark.parametrize(
    ("country", "points"),
    [("ID", 10.0), ("id", 10.0), (" sg ", 10.0), ("DE", 0.0), (None, 0.0)],
)
def test_fit_geography(contract: VersionedContract, country: str | None, points: float) -> None:
    p = part(fit_parts(lead(country=country), scoring_model(contract)), "fit.geography")
    assert p.points == points


def test_fit_rules_absent_from_contract_add_no_part(contract: VersionedContract) -> None:
    bare = with_scoring(contract, fit={})
    assert fit_parts(lead(employees=100, industry="SaaS", title="CEO"), scoring_model(bare)) == ()


# --- negatives -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "domain", "rule", "points"),
    [
        ("budi@gmail.com", None, "negative.free_mail", -15.0),
        ("budi@Yahoo.co.id", None, "negative.free_mail", -15.0),
        ("budi@acme.co.id", None, "negative.free_mail", None),
        ("x@rivalcrm.example", None, "negative.competitor", -60.0),
        ("x@eu.rivalcrm.example", None, "negative.competitor", -60.0),
        ("x@gmail.com", "competitor.example", "negative.competitor", -60.0),
        ("x@acme.co.id", "acme.co.id", "negative.competitor", None),
        ("not-an-email", None, "negative.free_mail", None),
    ],
)
def test_negative_domains(
    contract: VersionedContract,
    email: str,
    domain: str | None,
    rule: str,
    points: float | None,
) -> None:
    p = part(fit_parts(lead(email=email, domain=domain), scoring_model(contract)), rule)
    assert (p.points if p else None) == points


def test_negative_student(contract: VersionedContract) -> None:
    parts = fit_parts(lead(title="Magang Pemasaran"), scoring_model(contract))
    assert part(parts, "negative.student").points == -25.0
    assert part(parts, "negative.student").detail == "'Magang Pemasaran' is a student"
    assert (
        part(fit_parts(lead(title="Manager"), scoring_model(contract)), "negative.student") is None
    )


def test_negative_unsubscribe(contract: VersionedContract) -> None:
    result = score_lead(lead(unsubscribed=True), contract, NOW)
    assert part(result, "negative.unsubscribe").points == -20.0
    assert result.behaviour == -20.0
    assert part(score_lead(lead(), contract, NOW), "negative.unsubscribe") is None


# --- behaviour -------------------------------------------------------------------------------

# (kind, points, half-life days, cap) from the default contract
KINDS = [
    ("demo_request", 40, 30, 40),
    ("pricing_page", 10, 14, 20),
    ("content_download", 8, 30, 16),
    ("webinar", 12, 30, 24),
    ("email_click", 4, 14, 12),
    ("email_open", 1, 7, 4),
    ("form", 5, 30, 10),
    ("page_view", 1, 7, 5),
]


@pytest.mark.parametrize(("kind", "points", "half_life", "cap"), KINDS)
@pytest.mark.parametrize(("half_lives", "factor"), [(0, 1.0), (1, 0.5), (2, 0.25)])
def test_decay_per_kind(
    contract: VersionedContract,
    kind: str,
    points: float,
    half_life: float,
    cap: float,
    half_lives: int,
    factor: float,
) -> None:
    parts = behaviour_parts(signals(kind, half_lives * half_life), scoring_model(contract), NOW)
    assert part(parts, f"behaviour.{kind}").points == round(points * factor, 2)


@pytest.mark.parametrize(("kind", "points", "half_life", "cap"), KINDS)
def test_cap_per_kind(
    contract: VersionedContract, kind: str, points: float, half_life: float, cap: float
) -> None:
    many = signals(kind, *([0] * 50))
    p = part(behaviour_parts(many, scoring_model(contract), NOW), f"behaviour.{kind}")
    assert p.points == cap
    assert f"capped at {cap:g}" in p.detail


def test_behaviour_detail_matches_the_brief(contract: VersionedContract) -> None:
    p = part(
        score_lead(lead(signals=signals("demo_request", 0)), contract, NOW),
        "behaviour.demo_request",
    )
    assert (p.points, p.detail) == (40.0, "1 demo request (decayed from 40.0, cap 40)")


def test_sum_below_cap_is_decayed_sum(contract: VersionedContract) -> None:
    # 10 at 0 days + 10 at 14 days (one half-life) = 15, under the cap of 20
    p = part(
        behaviour_parts(signals("pricing_page", 0, 14), scoring_model(contract), NOW),
        "behaviour.pricing_page",
    )
    assert (p.points, p.detail) == (15.0, "2 pricing-page visits (decayed from 20.0, cap 20)")


def test_future_signals_are_ignored(contract: VersionedContract) -> None:
    future = (Signal("demo_request", NOW + timedelta(seconds=1)),)
    assert behaviour_parts(future, scoring_model(contract), NOW) == ()
    # ... and count once their time comes
    later = behaviour_parts(future, scoring_model(contract), NOW + timedelta(seconds=1))
    assert part(later, "behaviour.demo_request").points == 40.0


def test_unknown_kinds_score_nothing(contract: VersionedContract) -> None:
    odd = (Signal("unsubscribe", NOW), Signal("billboard", NOW))
    assert behaviour_parts(odd, scoring_model(contract), NOW) == ()


def test_no_decay_and_no_cap(contract: VersionedContract) -> None:
    flat = with_scoring(contract, behaviour={"form": {"points": 5}})
    parts = behaviour_parts(signals("form", 0, 400, 4000), scoring_model(flat), NOW)
    assert (part(parts, "behaviour.form").points, part(parts, "behaviour.form").detail) == (
        15.0,
        "3 form fills (no decay)",
    )


def test_negative_weight_cap_is_a_floor(contract: VersionedContract) -> None:
    spam = with_scoring(contract, behaviour={"email_open": {"points": -10, "cap": 15}})
    parts = behaviour_parts(signals("email_open", 0, 0, 0), scoring_model(spam), NOW)
    assert part(parts, "behaviour.email_open").points == -15.0


def test_decayed_to_nothing_adds_no_part(contract: VersionedContract) -> None:
    assert behaviour_parts(signals("page_view", 365), scoring_model(contract), NOW) == ()


def test_behaviour_parts_accepts_a_lead(contract: VersionedContract) -> None:
    l1 = lead(signals=signals("webinar", 0), unsubscribed=True)
    assert behaviour_parts(l1, contract, NOW) == behaviour_parts(
        l1.signals, scoring_model(contract), NOW, unsubscribed=True
    )


# --- totals ----------------------------------------------------------------------------------


def test_full_lead_score(contract: VersionedContract) -> None:
    l1 = lead(
        title="Direktur Pemasaran",
        employees=120,
        industry="SaaS",
        country="ID",
        signals=signals("demo_request", 30) + signals("pricing_page", 0, 7),
    )
    result = score_lead(l1, contract, NOW)
    assert [(p.rule, p.points) for p in result.parts] == [
        ("fit.employees", 25.0),
        ("fit.industry", 10.0),
        ("fit.seniority", 15.0),
        ("fit.geography", 10.0),
        ("behaviour.demo_request", 20.0),
        ("behaviour.pricing_page", 17.07),
    ]
    assert (result.fit, result.behaviour, result.total) == (60.0, 37.07, 97.07)
    assert sum(Decimal(str(p.points)) for p in result.parts) == Decimal("97.07")


def test_score_accepts_bare_contract_and_model(contract: VersionedContract) -> None:
    l1 = lead(title="CEO", signals=signals("webinar", 3))
    expected = score_lead(l1, contract, NOW)
    assert score_lead(l1, contract.contract, NOW) == expected
    assert score_lead(l1, scoring_model(contract), NOW) == expected
    assert scoring_model(contract.contract).version == contract.version


def test_model_is_memoised_per_version(contract: VersionedContract) -> None:
    assert scoring_model(contract) is scoring_model(contract.model_copy())


def test_is_high_intent(contract: VersionedContract) -> None:
    assert is_high_intent("demo_request", contract)
    assert not is_high_intent("pricing_page", contract)
    extra = with_scoring(contract, high_intent_actions=["demo_request", "pricing_page"])
    assert is_high_intent("pricing_page", extra)


# --- predictive blend ------------------------------------------------------------------------


def test_blend_off_by_default(contract: VersionedContract) -> None:
    result = score_lead(lead(title="CEO"), contract, NOW, predicted_probability=0.9)
    assert part(result, "predictive.blend") is None


@pytest.mark.parametrize(
    ("weight", "p", "expected"),
    [(0.3, 0.8, 0.7 * 20 + 0.3 * 80), (0.5, 0.0, 10.0), (1.0, 0.123, 12.3)],
)
def test_blend_is_a_part(
    contract: VersionedContract, weight: float, p: float, expected: float
) -> None:
    on = with_scoring(contract, predictive={"enabled": True, "weight": weight})
    result = score_lead(lead(title="CEO"), on, NOW, predicted_probability=p)  # rule score 20
    assert result.total == round(expected, 2)
    blend_part = part(result, "predictive.blend")
    assert blend_part.points == round(expected - 20, 2)
    assert result.predictive == blend_part.points
    assert sum(Decimal(str(x.points)) for x in result.parts) == Decimal(str(result.total))


def test_blend_reads_the_stored_probability(contract: VersionedContract) -> None:
    on = with_scoring(contract, predictive={"enabled": True, "weight": 0.5})
    l1 = lead(title="CEO", attributes={PREDICTED_PROBABILITY_ATTR: 0.6})
    assert score_lead(l1, on, NOW).total == 40.0
    assert score_lead(lead(title="CEO"), on, NOW).total == 20.0  # no probability: rule score


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_blend_refuses_bad_probability(contract: VersionedContract, p: float) -> None:
    on = with_scoring(contract, predictive={"enabled": True, "weight": 0.5})
    with pytest.raises(InputError, match="not in"):
        blend(score_lead(lead(), on, NOW), p, on)


# --- pruning ---------------------------------------------------------------------------------


def test_prune_drops_only_negligible_signals(contract: VersionedContract) -> None:
    model = scoring_model(contract)
    kept = signals("page_view", 0, 1, 2) + signals("demo_request", 100)
    old = signals("page_view", 200, 300)  # 1 * 0.5 ** (200 / 7): about 2.6e-9 points
    pruned = prune_signals(old + kept, model, NOW)
    assert pruned == kept
    points = [p.points for p in behaviour_parts(pruned, model, NOW)]
    assert points == [p.points for p in behaviour_parts(old + kept, model, NOW)]


def test_prune_returns_the_same_tuple_when_nothing_drops(contract: VersionedContract) -> None:
    recent = signals("webinar", 0, 1)
    assert prune_signals(recent, scoring_model(contract), NOW) is recent


def test_prune_keeps_future_and_unknown_signals(contract: VersionedContract) -> None:
    odd = (
        Signal("page_view", NOW + timedelta(days=400)),
        Signal("unsubscribe", NOW - timedelta(days=900)),
    )
    assert prune_signals(odd, scoring_model(contract), NOW) == odd


def test_prune_no_decay_kind_keeps_what_reaches_the_cap(contract: VersionedContract) -> None:
    flat = with_scoring(contract, behaviour={"form": {"points": 5, "cap": 10}})
    many = signals("form", 5, 4, 3, 2, 1)
    pruned = prune_signals(many, scoring_model(flat), NOW)
    assert pruned == signals("form", 2, 1)  # the two most recent reach the cap of 10
    assert part(behaviour_parts(pruned, scoring_model(flat), NOW), "behaviour.form").points == 10.0
