"""Reverse funnel arithmetic, month placement by lags, gaps, capacity and coverage."""

from __future__ import annotations

import pytest

from revalign.analytics.planning import (
    PlanInputs,
    StageLags,
    StageRates,
    build_plan,
    gap_report,
    parse_quarter,
    reverse_funnel,
)
from revalign.errors import InputError

SEASON = (1.0,) * 8 + (1.2, 1.0, 1.0, 0.8)  # September busy, December quiet


def inputs(**overrides: object) -> PlanInputs:
    base: dict[str, object] = {
        "rates": StageRates(0.5, 0.5, 0.5, 0.5, 0.25),
        "lags": StageLags(lead_to_mql=10, mql_to_sal=5, sal_to_sql=15, sql_to_opp=20,
                          opp_to_won=60),
        "avg_deal_size": 10_000.0,
        "seasonality": SEASON,
        "run_rate": {"leads": 2000.0, "mqls": 1000.0, "sals": 500.0, "sqls": 250.0,
                     "opportunities": 100.0},
        "open_pipeline": 2_000_000.0,
        "sal_capacity_per_month": 500.0,
    }  # fmt: skip
    base.update(overrides)
    return PlanInputs(**base)  # type: ignore[arg-type]


def test_totals_by_hand() -> None:
    plan = reverse_funnel(inputs(), 1_000_000, "2027Q1")
    assert plan.won_deals == pytest.approx(100)
    assert plan.pipeline == pytest.approx(4_000_000)
    assert plan.totals == pytest.approx(
        {"opportunities": 400, "sqls": 800, "sals": 1600, "mqls": 3200, "leads": 6400}
    )


def test_months_are_placed_by_lags() -> None:
    # closes mid Jan/Feb/Mar 2027; days before won: opp 60, SQL 80, SAL 95, MQL 100, lead 110
    # e.g. leads for the January close: 15 Jan − 110 days = 27 Sep 2026
    plan = reverse_funnel(inputs(), 1_000_000, "2027Q1")
    third = {"leads": 6400 / 3, "mqls": 3200 / 3, "sals": 1600 / 3, "sqls": 800 / 3,
             "opportunities": 400 / 3}  # fmt: skip
    expected = {
        "2026-09": ["leads"],
        "2026-10": ["leads", "mqls", "sals", "sqls"],
        "2026-11": ["leads", "mqls", "sals", "sqls", "opportunities"],
        "2026-12": ["mqls", "sals", "sqls", "opportunities"],
        "2027-01": ["opportunities"],
    }
    assert list(plan.by_month) == list(expected)
    for month, stages in expected.items():
        for stage, volume in plan.by_month[month].items():
            assert volume == pytest.approx(third[stage] if stage in stages else 0.0), (month, stage)
    assert plan.close_months == ("2027-01", "2027-02", "2027-03")


def test_gap_uses_seasonal_run_rate() -> None:
    plan = reverse_funnel(inputs(), 1_000_000, "2027Q1")
    gaps = {(g.month, g.stage): g for g in gap_report(inputs(), plan).stages}
    september = gaps[("2026-09", "leads")]
    assert september.expected == pytest.approx(2400)  # 2000 × 1.2
    assert september.gap == pytest.approx(6400 / 3 - 2400)
    assert gaps[("2026-12", "mqls")].expected == pytest.approx(800)  # 1000 × 0.8


def test_flat_seasonality_when_unknown() -> None:
    plan = reverse_funnel(inputs(seasonality=None), 1_000_000, "2027Q1")
    gaps = {(g.month, g.stage): g for g in gap_report(inputs(seasonality=None), plan).stages}
    assert gaps[("2026-09", "leads")].expected == 2000


def test_capacity_and_coverage() -> None:
    plan = reverse_funnel(inputs(), 1_000_000, "2027Q1")
    report = gap_report(inputs(), plan)
    # 533 SALs needed in Oct, Nov and Dec against 500 a month
    assert report.over_capacity == pytest.approx(
        {"2026-10": 1600 / 3 - 500, "2026-11": 1600 / 3 - 500, "2026-12": 1600 / 3 - 500}
    )
    assert report.coverage == pytest.approx(2.0)
    assert report.coverage_status == "below"
    roomy = gap_report(inputs(sal_capacity_per_month=600, open_pipeline=4e6), plan)
    assert roomy.over_capacity == {} and roomy.coverage_status == "healthy"


def test_build_plan_is_json_ready() -> None:
    import json

    report = build_plan(inputs(), 1_000_000, "2027q1")
    assert report["quarter"] == "2027Q1"
    assert report["needed"]["leads"] == pytest.approx(6400)
    assert json.loads(json.dumps(report))["pipeline"]["coverage_status"] == "below"


@pytest.mark.parametrize("bad", ["2027Q5", "Q1 2027", "2027", ""])
def test_invalid_quarter(bad: str) -> None:
    with pytest.raises(InputError, match="must look like 2027Q1"):
        parse_quarter(bad)


def test_bad_numbers_are_refused() -> None:
    with pytest.raises(InputError, match="positive"):
        reverse_funnel(inputs(), -5, "2027Q1")
    with pytest.raises(InputError, match="win_rate"):
        StageRates(0.5, 0.5, 0.5, 0.5, 0.0)
    with pytest.raises(InputError, match="deal size"):
        inputs(avg_deal_size=0.0)
