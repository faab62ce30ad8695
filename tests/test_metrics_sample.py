"""Every metric against the hand-computed sample funnel, plus nulls, dimensions and cohorts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from metrics_sample import EXPECTED, SAMPLE_AS_OF, sample_events
from revalign.analytics.frames import Frames, empty_frames, frames_from_events
from revalign.analytics.metrics import DIMENSIONS, METRICS, compute_metrics
from revalign.analytics.metrics.compiler import compile_metrics
from revalign.analytics.money import Excluded
from revalign.contract.schema import VersionedContract
from revalign.core.events import EventType


@pytest.fixture(scope="module")
def frames() -> Frames:
    return frames_from_events(sample_events())


def _run(frames: Frames, contract: VersionedContract, **kw: Any) -> Any:
    return compute_metrics(frames, contract=contract.contract, as_of=SAMPLE_AS_OF, **kw)


@pytest.fixture(scope="module")
def overall(frames: Frames) -> dict[str, Any]:
    from revalign.contract.loader import default_contract

    return dict(_run(frames, default_contract()).metrics)


def test_every_metric_has_an_expected_value() -> None:
    assert {m.name for m in METRICS} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metric_matches_the_hand_computed_value(overall: dict[str, Any], name: str) -> None:
    assert overall[name] == EXPECTED[name]


def test_counts_are_ints_and_rates_rounded(overall: dict[str, Any]) -> None:
    assert type(overall["leads"]) is int and type(overall["lead_aging_31_plus"]) is int
    assert isinstance(overall["won_revenue"], Decimal) and overall["won_revenue"] == Decimal(
        "17000.00"
    )
    assert overall["sal_acceptance_rate"] == round(5 / 7, 4)


def test_details_explain_the_alignment_score_and_rejections(
    frames: Frames, contract: VersionedContract
) -> None:
    details = _run(frames, contract).details
    assert details["sal_rejection_reasons"] == {"duplicate": 1, "wrong_size": 1}
    score = details["alignment_score"]
    assert score["dropped"] == {} and score["partial"] == {}
    assert score["components"] == {
        "sla": 0.5833, "shared": 0.8, "coverage": 0.202, "nps": 0.4583,
    }  # fmt: skip
    assert details["cross_team_nps"]["quarter"] == "2026Q4"


def test_missing_parts_are_dropped_and_weights_renormalised(
    frames: Frames, contract: VersionedContract
) -> None:
    no_surveys = replace(frames, surveys=empty_frames().surveys, targets=empty_frames().targets)
    result = _run(no_surveys, contract)
    score = result.details["alignment_score"]
    assert score["dropped"] == {"nps": "no cross-team survey answers in 2026Q4 or 2026Q3"}
    assert "nps" not in score["weights"]
    assert sum(score["weights"].values()) == pytest.approx(1.0, abs=1e-3)
    assert result.metrics["cross_team_nps"] is None
    # the contract's 400/month replaces the removed targets; 900000 the quarter's
    assert result.metrics["mql_target_attainment"] == round(8 / 800, 4)
    assert result.metrics["pipeline_coverage"] == round(20000 / (900000 - 17000), 2)


def test_division_by_zero_and_missing_data_give_null(
    frames: Frames, contract: VersionedContract
) -> None:
    rows = {r["channel"]: r for r in _run(frames, contract, by="channel").rows}
    assert rows["paid_social"]["sqls"] == 0 and rows["paid_social"]["cost_per_sql"] is None
    assert rows["partner"]["sal_acceptance_rate"] is None  # nobody reviewed it yet
    assert rows["outbound"]["cost_per_sql"] is None  # no cost recorded for outbound
    empty = _run(empty_frames(), contract).metrics
    assert empty["leads"] == 0 and empty["won_revenue"] == 0.0
    nulls = ("mql_to_sql_rate", "win_rate", "cost_per_sql", "cac", "forecast_accuracy",
             "sla_compliance", "time_to_first_contact_median_hours")  # fmt: skip
    for name in nulls:
        assert empty[name] is None, name
    # only coverage is known (no pipeline against the contract's 900000): 0, the rest dropped
    assert empty["pipeline_coverage"] == 0.0 and empty["alignment_score"] == 0.0
    bare = compute_metrics(empty_frames(), contract=None, as_of=SAMPLE_AS_OF)
    assert bare.metrics["alignment_score"] is None and bare.metrics["pipeline_coverage"] is None
    dropped = bare.details["alignment_score"]["dropped"]
    assert list(dropped) == ["sla", "shared", "coverage", "nps"]
    assert dropped["coverage"] == "the contract has no pipeline coverage band"


def test_no_costs_no_forecasts_give_null(frames: Frames, contract: VersionedContract) -> None:
    bare = replace(frames, costs=empty_frames().costs, forecasts=empty_frames().forecasts)
    metrics = _run(bare, contract).metrics
    assert metrics["cost_per_sql"] is None and metrics["cac"] is None
    assert metrics["forecast_accuracy"] is None and metrics["forecast_bias"] is None
    assert metrics["sqls"] == 4


def test_an_amount_without_a_rate_is_left_out_and_reported(contract: VersionedContract) -> None:
    events = [
        replace(e, payload={**e.payload, "currency": "IDR"})
        if e.type is EventType.OPPORTUNITY_WON and e.opportunity_id == "O2"
        else e
        for e in sample_events()
    ]
    result = _run(frames_from_events(events), contract)
    assert result.metrics["won_revenue"] == 12000.0 and result.metrics["won_deals"] == 2
    idr = [Excluded("IDR", 1, Decimal(5000))]
    assert result.excluded["won_revenue"] == idr
    assert result.excluded["marketing_sourced_revenue"] == idr
    assert result.excluded["pipeline_coverage"] == idr  # won this quarter: the remaining target
    assert "cost_per_sql" not in result.excluded and "pipeline_value" not in result.excluded
    assert result.as_json()["excluded"]["won_revenue"] == [
        {"currency": "IDR", "count": 1, "total": Decimal(5000)}
    ]


@pytest.mark.parametrize("dim", DIMENSIONS)
def test_by_dimension_rows_have_the_dimension_and_every_metric(
    frames: Frames, contract: VersionedContract, dim: str
) -> None:
    rows = _run(frames, contract, by=dim).rows
    assert rows and all(next(iter(r)) == dim for r in rows)
    assert all(set(r) == {dim} | {m.name for m in METRICS} for r in rows)
    assert all(r["alignment_score"] is None and r["pipeline_coverage"] is None for r in rows)
    if dim in ("channel", "campaign", "segment", "month"):  # every lead has one
        assert sum(r["leads"] for r in rows) == EXPECTED["leads"]


def test_by_month_period_versus_cohort(frames: Frames, contract: VersionedContract) -> None:
    period = {r["month"]: r for r in _run(frames, contract, by="month").rows}
    cohort = {r["month"]: r for r in _run(frames, contract, by="month", cohort=True).rows}
    # October: 4 SQLs and 5 MQLs happened in the month; every October MQL that became SQL did
    assert period["2026-10"]["mql_to_sql_rate"] == 0.8
    assert cohort["2026-10"]["mql_to_sql_rate"] == 0.8
    # November: one SAL decision accepted (L6) and one rejected (L5) in the month
    assert period["2026-11"]["sal_acceptance_rate"] == 0.5
    assert period["2026-10"]["sal_acceptance_rate"] == 0.8  # L1 L2 L3 L9 vs L4
    assert cohort["2026-11"]["mqls"] == 3 and cohort["2026-11"]["mql_to_sql_rate"] == 0.0


def test_cohort_differs_from_period_when_sql_lands_in_a_later_month(
    contract: VersionedContract,
) -> None:
    events = [
        replace(e, occurred_at=datetime(2026, 11, 2, 9, tzinfo=UTC))
        if e.type is EventType.SQL_QUALIFIED and e.lead_id == "L9"
        else e
        for e in sample_events()
    ]
    f = frames_from_events(events)
    period = {r["month"]: r for r in _run(f, contract, by="month").rows}
    cohort = {r["month"]: r for r in _run(f, contract, by="month", cohort=True).rows}
    assert period["2026-10"]["mql_to_sql_rate"] == 0.6  # 3 SQLs in Oct / 5 MQLs in Oct
    assert cohort["2026-10"]["mql_to_sql_rate"] == 0.8  # 4 of Oct's 5 MQLs ever became SQL
    assert period["2026-11"]["mql_to_sql_rate"] == round(1 / 3, 4)


def test_the_compiled_sql_mentions_each_table_once_per_measure() -> None:
    sql = compile_metrics(METRICS, "channel")
    assert sql.startswith("WITH m_leads AS") and "GROUP BY" in sql
    assert "m_remaining_target" not in sql  # coverage has no channel breakdown


def test_unknown_dimension_is_a_user_error(frames: Frames, contract: VersionedContract) -> None:
    from revalign.errors import InputError

    with pytest.raises(InputError, match="unknown dimension"):
        _run(frames, contract, by="planet")
