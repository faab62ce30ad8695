"""Money in every currency: conversion at the fact's date, exclusions, hand-computed figures.

The funnel (contract currency USD, as of 2026-11-30):
- O1 won 12,000 USD; O2 won 5,000 EUR on 10-25 (EUR 1.05 since 10-20: 5,250 USD);
  O3 open 200,000,000 IDR created 10-13 (IDR 0.00006 since 10-01: 12,000 USD).
- costs: 3,000 USD (paid_search), 50,000,000 IDR from 11-01 (IDR 0.000065 since 11-01:
  3,250 USD, webinar), 2,000 EUR from 10-01 (EUR 1.10: 2,200 USD, paid_social).
- 3 SQLs, 2 won deals, revenue target 50,000 for 2026Q4.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revalign.analytics.attribution.report import attribution_report, input_from_frames
from revalign.analytics.frames import Frames, frames_from_events
from revalign.analytics.metrics import compute_metrics
from revalign.analytics.metrics.compute import MetricsResult
from revalign.analytics.money import Excluded, FxTable, convert_frames
from revalign.contract.loader import default_contract
from revalign.contract.schema import Contract
from revalign.core.events import Event, EventType

AS_OF = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
CONTRACT = default_contract().contract
E = EventType

RATES = [
    ("IDR", "2026-10-01", "0.00006"),
    ("IDR", "2026-11-01", "0.000065"),
    ("EUR", "2026-10-01", "1.10"),
    ("EUR", "2026-10-20", "1.05"),
]


def _events(rates: list[tuple[str, str, str]] = RATES) -> list[Event]:
    out: list[Event] = []

    def add(type: EventType, at: str, lead: str | None = None, opp: str | None = None,
            **payload: Any) -> None:  # fmt: skip
        out.append(Event(type=type, source="money", source_id=f"e{len(out)}",
                         occurred_at=datetime.fromisoformat(at).replace(tzinfo=UTC),
                         lead_id=lead, opportunity_id=opp, payload=payload,
                         seq=len(out) + 1))  # fmt: skip

    add(E.TARGET_SET, "2026-09-30T00:00", metric="revenue", period="2026Q4", amount="50000")
    for currency, day, rate in rates:
        add(E.FX_RATE, f"{day}T00:00", currency=currency, quote="USD", rate=rate, on=day)
    for lead, source in (("L1", "paid_search"), ("L2", "webinar"), ("L3", "outbound")):
        add(E.LEAD_CAPTURED, "2026-10-01T09:00", lead, email=f"{lead}@x.io", source=source)
        add(E.SQL_QUALIFIED, "2026-10-05T09:00", lead, by="budi", framework="bant", fields={})
    add(E.OPPORTUNITY_CREATED, "2026-10-06T09:00", "L1", "O1", amount="10000", currency="USD")
    add(E.OPPORTUNITY_WON, "2026-10-20T09:00", "L1", "O1", amount="12000", currency="USD")
    add(E.OPPORTUNITY_CREATED, "2026-10-11T09:00", "L2", "O2", amount="5000", currency="EUR")
    add(E.OPPORTUNITY_WON, "2026-10-25T09:00", "L2", "O2", amount="5000", currency="EUR")
    add(E.OPPORTUNITY_CREATED, "2026-10-13T09:00", "L3", "O3", amount="200000000",
        currency="IDR")  # fmt: skip
    for campaign, channel, amount, currency, start in (
        ("search-brand", "paid_search", "3000", "USD", "2026-10-01"),
        ("webinar-series", "webinar", "50000000", "IDR", "2026-11-01"),
        ("paid-social-q4", "paid_social", "2000", "EUR", "2026-10-01"),
    ):
        add(E.CAMPAIGN_COST, f"{start}T00:00", campaign=campaign, channel=channel,
            amount=amount, currency=currency, period_start=start,
            period_end=start[:8] + "28")  # fmt: skip
    return out


def _metrics(frames: Frames, contract: Contract = CONTRACT, **kw: Any) -> MetricsResult:
    return compute_metrics(frames, contract=contract, as_of=AS_OF, **kw)


@pytest.fixture(scope="module")
def mixed() -> Frames:
    return frames_from_events(_events())


def test_the_latest_rate_on_or_before_the_day_applies() -> None:
    day = 20_000  # 2024-10-04
    fx = FxTable(
        "USD",
        {"EUR": [(day, Decimal("1.1")), (day + 10, Decimal("1.2")), (day + 10, Decimal("1.3"))]},
        {"EUR": Decimal("1.0"), "IDR": Decimal("0.00006")},
    )
    assert fx.rate("USD", day) == 1
    assert fx.rate("EUR", day - 1) == Decimal("1.0")  # before any dated rate: the standing one
    assert fx.rate("EUR", day) == fx.rate("EUR", day + 9) == Decimal("1.1")
    assert fx.rate("EUR", day + 10) == Decimal("1.3")  # the same day twice: the later wins
    assert fx.rate("IDR", day) == Decimal("0.00006")
    assert fx.rate("BRL", day) is None


def test_amounts_stay_decimal_in_the_frames(mixed: Frames) -> None:
    converted = convert_frames(mixed, "USD").opportunities.set_index("opportunity_id")
    assert converted.loc["O3", "amount"] == Decimal("200000000")
    assert converted.loc["O2", "report_amount"] == Decimal("5250.000000")  # at the close
    assert converted.loc["O3", "report_amount"] == Decimal("12000.000000")  # at the creation


def test_mixed_currencies_match_the_hand_computation(mixed: Frames) -> None:
    result = _metrics(mixed)
    m = result.metrics
    assert m["won_revenue"] == Decimal("17250.00")  # 12000 + 5000 × 1.05
    assert m["pipeline_value"] == Decimal("12000.00")  # 200,000,000 × 0.00006
    assert m["cost_per_sql"] == Decimal("2816.67")  # (3000 + 3250 + 2200) / 3
    assert m["cac"] == Decimal("4225.00")  # 8450 / 2
    assert m["pipeline_coverage"] == round(12000 / (50000 - 17250), 2)
    assert result.excluded == {}


def test_mixed_currencies_give_the_hand_computed_roi(mixed: Frames) -> None:
    report = attribution_report(input_from_frames(mixed, CONTRACT), "first_touch")
    assert report["currency"] == "USD"
    assert report["revenue"] == {
        "outbound": Decimal("0.00"), "paid_search": Decimal("12000.00"),
        "webinar": Decimal("5250.00"),
    }  # fmt: skip
    assert report["cost"] == {
        "paid_search": Decimal("3000.00"), "paid_social": Decimal("2200.00"),
        "webinar": Decimal("3250.00"),
    }  # fmt: skip
    roi = report["roi"]
    assert roi["paid_search"] == pytest.approx(3.0)
    assert roi["webinar"] == pytest.approx((5250 - 3250) / 3250)
    assert roi["paid_social"] == pytest.approx(-1.0) and roi["outbound"] is None
    assert report["excluded"] == {}


def test_a_currency_without_a_rate_is_excluded_and_reported() -> None:
    frames = frames_from_events(_events([r for r in RATES if r[0] != "IDR"]))
    result = _metrics(frames)
    m = result.metrics
    assert m["cost_per_sql"] == Decimal("1733.33")  # (3000 + 2200) / 3: never 50,005,200 / 3
    assert m["pipeline_value"] == Decimal("0.00")
    assert result.excluded["cost_per_sql"] == [Excluded("IDR", 1, Decimal("50000000"))]
    assert result.excluded["cac"] == [Excluded("IDR", 1, Decimal("50000000"))]
    assert result.excluded["pipeline_value"] == [Excluded("IDR", 1, Decimal("200000000"))]
    assert "won_revenue" not in result.excluded
    assert result.as_json()["excluded"]["cost_per_sql"] == [
        {"currency": "IDR", "count": 1, "total": Decimal("50000000")}
    ]
    report = attribution_report(input_from_frames(frames, CONTRACT), "linear")
    assert "webinar" not in report["cost"] and report["roi"]["webinar"] is None
    assert "IDR" in report["roi_null_reasons"]["webinar"]
    assert report["excluded"]["cost"]["webinar"] == [
        {"currency": "IDR", "count": 1, "total": Decimal("50000000")}
    ]
    assert report["roi"]["paid_search"] == pytest.approx(3.0)


def test_the_contract_standing_rate_fills_in() -> None:
    frames = frames_from_events(_events([r for r in RATES if r[0] != "IDR"]))
    data = CONTRACT.model_dump()
    data["fx"] = {"rates": {"IDR": "0.00007"}}
    contract = Contract.model_validate(data)
    result = _metrics(frames, contract)
    assert result.metrics["cost_per_sql"] == Decimal("2900.00")  # (3000 + 3500 + 2200) / 3
    assert result.metrics["pipeline_value"] == Decimal("14000.00")
    assert result.excluded == {}


def test_the_table_says_what_was_left_out() -> None:
    from rich.console import Console

    from revalign.analytics.metrics.render import excluded_note, to_table

    frames = frames_from_events(_events([r for r in RATES if r[0] != "IDR"]))
    console = Console(width=200, record=True)
    console.print(to_table(_metrics(frames)))
    text = console.export_text()
    assert "no exchange rate to USD" in (excluded_note(_metrics(frames)) or "")
    assert "no exchange rate to USD" in text and "50,000,000 IDR" in text


def test_the_default_contract_version_is_unchanged() -> None:
    assert default_contract().version == "a757db027a16"
    assert CONTRACT.fx.rates == {}


def test_excluded_totals_print_plainly() -> None:
    import json

    item = Excluded("IDR", 2, Decimal("50000000.000000"))
    assert json.dumps(item.as_dict(), default=str) == (
        '{"currency": "IDR", "count": 2, "total": "50000000"}'
    )


def test_plan_inputs_convert_and_list_what_has_no_rate() -> None:
    from dataclasses import replace as with_payload

    from revalign.analytics.planning.measure import plan_inputs_from_frames
    from test_planning_cli import history

    def in_eur(e: Event) -> Event:  # month 0's won deal and month 13's open one, in EUR
        if e.opportunity_id in ("O0", "O13"):
            return with_payload(e, payload={**e.payload, "currency": "EUR"})
        return e

    events = [in_eur(e) for e in history()]
    frames = frames_from_events(events)
    no_rate = plan_inputs_from_frames(frames, CONTRACT)
    assert no_rate.avg_deal_size == 10_000  # the other five won deals, all 10,000 USD
    assert no_rate.open_pipeline == 20_000
    assert no_rate.excluded == {
        "avg_deal_size": [Excluded("EUR", 1, Decimal(10000))],
        "open_pipeline": [Excluded("EUR", 1, Decimal(10000))],
    }
    data = CONTRACT.model_dump()
    data["fx"] = {"rates": {"EUR": "1.10"}}
    priced = plan_inputs_from_frames(frames, Contract.model_validate(data))
    assert priced.avg_deal_size == pytest.approx((5 * 10_000 + 11_000) / 6)
    assert priced.open_pipeline == 31_000 and priced.excluded == {}


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["USD", "EUR", "IDR", "BRL"]),
            st.decimals(min_value=0, max_value=10**12, places=2),
            st.integers(min_value=-5, max_value=40),  # day, relative to the first EUR rate
        ),
        max_size=30,
    )
)
@settings(max_examples=60, deadline=None)
def test_every_amount_is_converted_or_excluded_never_both(
    rows: list[tuple[str, Decimal, int]],
) -> None:
    import pandas as pd

    from revalign.analytics.frames import column
    from revalign.analytics.money import exclusions

    base = 20_000
    fx = FxTable("USD", {"EUR": [(base, Decimal("1.1")), (base + 20, Decimal("1.2"))]},
                 {"IDR": Decimal("0.00006")})  # fmt: skip
    amounts = pd.Series([a for _, a, _ in rows], dtype=object)
    currencies = pd.Series([c for c, _, _ in rows], dtype=object)
    days = column([(base + d) * 86_400_000_000 for _, _, d in rows], "ts")
    reported = fx.convert(amounts, currencies, days)
    left_out = {e.currency: e for e in exclusions(amounts, currencies, reported)}
    for (currency, amount, day), value in zip(rows, reported, strict=True):
        if currency == "USD":
            assert value == amount
        elif currency == "IDR":
            assert value == (amount * Decimal("0.00006")).quantize(Decimal("0.000001"))
        elif currency == "EUR":
            assert (value is None) == (day < 0)  # before the first EUR rate: no rate
        else:
            assert value is None
    expected_out = [(c, a) for (c, a, d), v in zip(rows, reported, strict=True) if v is None]
    assert sum(e.count for e in left_out.values()) == len(expected_out)
    assert sum((e.total for e in left_out.values()), Decimal(0)) == sum(
        (a for _, a in expected_out), Decimal(0)
    )
