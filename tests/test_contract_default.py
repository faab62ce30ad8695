"""The default contract carries the brief's numbers."""

from __future__ import annotations

from revalign.contract.loader import default_contract, default_contract_text, parse_contract
from revalign.contract.schema import Seniority
from revalign.core.events import MarketingTouchKind


def test_ideal_company_size_is_50_to_500_employees() -> None:
    bands = default_contract().contract.scoring.fit.employees
    best = max(bands, key=lambda band: band.points)
    assert (best.min, best.max) == (50, 500)
    assert best.points > 0
    assert all(band.points < best.points for band in bands if band is not best)


def test_director_and_above_score_higher_than_below() -> None:
    seniority = default_contract().contract.scoring.fit.seniority
    director = seniority[Seniority.DIRECTOR]
    assert seniority[Seniority.VP] >= director
    assert seniority[Seniority.C_LEVEL] >= director
    assert director > seniority[Seniority.MANAGER] > seniority[Seniority.INDIVIDUAL]


def test_the_briefs_buying_signals_are_scored() -> None:
    behaviour = default_contract().contract.scoring.behaviour
    for kind in ("demo_request", "pricing_page", "content_download", "webinar", "email_click"):
        assert behaviour[kind].points > 0, kind
    assert behaviour["demo_request"].points == max(rule.points for rule in behaviour.values())
    assert set(behaviour) <= {kind.value for kind in MarketingTouchKind}
    assert default_contract().contract.scoring.high_intent_actions == ["demo_request"]


def test_sla_numbers() -> None:
    slas = default_contract().contract.slas
    assert slas.route_minutes == 5
    assert slas.first_contact_high_intent_hours == 4
    assert slas.first_contact_standard_hours == 24
    assert slas.disposition_days == 14
    assert slas.capacity_notice_days == 30
    assert (slas.pipeline_coverage_min, slas.pipeline_coverage_max) == (3.0, 5.0)
    assert (slas.mql_to_sql_good, slas.mql_to_sql_bad) == (0.40, 0.20)
    assert slas.sal_acceptance_min == 0.60


def test_six_touches_over_fourteen_days_before_disqualifying() -> None:
    cadence = default_contract().contract.qualification.cadence
    assert (cadence.min_touches, cadence.window_days) == (6, 14)
    assert {"call", "email", "linkedin"} <= set(cadence.channels)


def test_escalation_ladder_week_month_systemic() -> None:
    ladder = default_contract().contract.escalation
    assert [(e.level, e.window_days) for e in ladder] == [
        ("ops", 7),
        ("vp", 30),
        ("executive", 30),
    ]


def test_wrong_timing_recycles_instead_of_disqualifying() -> None:
    qualification = default_contract().contract.qualification
    assert {"wrong_timing", "budget_next_fiscal_year"} <= set(qualification.recycle_reasons)


def test_default_version_is_a_stable_content_hash() -> None:
    first, second = default_contract(), parse_contract(default_contract_text(), "elsewhere.yaml")
    assert first.version == second.version
    assert len(first.version) == 12
    assert int(first.version, 16) >= 0
