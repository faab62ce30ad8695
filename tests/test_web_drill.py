"""Drill-down: the list behind every count has exactly as many records as the count, under
every filter, and the unfiltered count is the number `revalign metrics` gives."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from revalign.analytics.frames import load_frames
from revalign.analytics.metrics import METRICS, build_context, load, run_loaded
from revalign.analytics.metrics.backends.duckdb import DuckDBBackend
from revalign.analytics.metrics.model import Metric
from revalign.analytics.metrics.select import (
    COUNTING,
    DRILLABLE,
    Selection,
    drill_measure,
    drill_records,
    selected_metrics,
)
from revalign.contract.loader import default_contract
from revalign.errors import InputError
from revalign.ledger import open_ledger
from web_server import build_web_ledger

AS_OF = datetime(2026, 11, 30, 23, 59, tzinfo=UTC)
SELECTIONS = (
    Selection(),
    Selection(channel="partner"),
    Selection(campaign="(none)"),
    Selection(rep="budi"),
    Selection(team="sdr-apac", months=("2026-09", "2026-10", "2026-11")),
    Selection(segment="mid-market", channel="paid_search"),
    Selection(months=("2026-08",)),
)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DuckDBBackend, object]]:
    folder: Path = tmp_path_factory.mktemp("web-drill")
    ledger = open_ledger(build_web_ledger(folder), create=False)
    frames = load_frames(ledger)
    ledger.close()
    ctx = build_context(frames, default_contract().contract, AS_OF)
    backend = DuckDBBackend()
    load(backend, frames, ctx)
    yield backend, ctx
    backend.close()


def _count(backend: DuckDBBackend, name: str, sel: Selection) -> int:
    rows = selected_metrics(backend, [Metric(name, "count", "", measure=name)], sel)
    return round(float(rows[0][name] or 0))


def test_drillable_covers_every_counting_metric() -> None:
    counting = {m.measure for m in METRICS if m.unit == "count" and m.measure}
    revenue = {m.measure for m in METRICS if m.unit == "money" and m.grain == "opportunity"}
    assert revenue <= set(DRILLABLE) - set(COUNTING)
    ratio_parts = {n for m in METRICS if m.unit == "rate" and not m.composite
                   for n in m.measures() if n in DRILLABLE}  # fmt: skip
    assert counting <= set(COUNTING)
    assert {"sqls", "mqls", "sals", "sal_reviewed", "sla_met", "sla_resolved"} <= ratio_parts


@pytest.mark.parametrize("name", COUNTING)
def test_drill_list_length_equals_the_count(
    loaded: tuple[DuckDBBackend, object], name: str
) -> None:
    backend, _ = loaded
    seen_nonzero = False
    for sel in SELECTIONS:
        count = _count(backend, name, sel)
        records = drill_records(backend, name, sel)
        assert len(records) == count, (name, sel)
        seen_nonzero |= count > 0
    assert seen_nonzero or name.startswith(("lead_aging", "leads_untimed")), name


@pytest.mark.parametrize("name", sorted(set(DRILLABLE) - set(COUNTING)))
def test_drill_amounts_add_up_to_the_revenue(
    loaded: tuple[DuckDBBackend, object], name: str
) -> None:
    backend, _ = loaded
    metric = Metric(name, "money", "", measure=name)
    for sel in SELECTIONS:
        raw = selected_metrics(backend, [metric], sel)[0][name]
        listed = [r["value"] for r in drill_records(backend, name, sel)]
        total = sum((Decimal(str(v)) for v in listed if v is not None), Decimal(0))
        assert total == Decimal(str(raw or 0)).quantize(Decimal("0.01")) or (
            raw is None and total == 0
        ), (name, sel)


def test_unfiltered_counts_are_the_metric_layers_numbers(
    loaded: tuple[DuckDBBackend, object],
) -> None:
    backend, ctx = loaded
    official = run_loaded(backend, ctx).metrics  # type: ignore[arg-type]
    for m in METRICS:
        if m.unit == "count" and m.measure:
            assert len(drill_records(backend, m.name, Selection())) == official[m.name], m.name


def test_breakdown_rows_drill_to_their_own_records(loaded: tuple[DuckDBBackend, object]) -> None:
    backend, _ = loaded
    metric = Metric("mqls", "count", "", measure="mqls")
    rows = selected_metrics(backend, [metric], Selection(), "channel")
    assert len(rows) > 3
    for r in rows:
        sel = Selection(channel=str(r["dim"]))
        assert len(drill_records(backend, "mqls", sel)) == round(float(r["mqls"] or 0))


def test_filter_on_a_dimension_the_measure_lacks_is_unknown(
    loaded: tuple[DuckDBBackend, object],
) -> None:
    backend, _ = loaded
    cost = Metric("costs", "money", "", measure="costs")
    assert selected_metrics(backend, [cost], Selection(team="sdr-apac"))[0]["costs"] is None
    assert selected_metrics(backend, [cost], Selection(channel="partner"))[0]["costs"] > 0


def test_quotes_in_a_filter_value_stay_a_value(loaded: tuple[DuckDBBackend, object]) -> None:
    backend, _ = loaded
    assert drill_records(backend, "leads", Selection(channel="x' OR '1'='1")) == []


def test_a_money_or_rate_name_is_not_drillable() -> None:
    with pytest.raises(InputError, match="counts no records"):
        drill_measure("mql_to_sql_rate")
